"""Logging setup: human-readable lines by default, one JSON object per line as an option.

    setup_logging(json=True, level=logging.INFO)

JSON lines carry ``ts`` (UTC, ISO 8601), ``level``, ``logger``, ``msg``, the exception text when there is
one, and any ``extra={...}`` fields a caller passed. Either way, credentials inside URLs
(``scheme://user:secret@host``), webhook tokens and apprise notifier URLs are masked before a line is written: an apprise URL
or a database URL may end up in a message, its secret must not.
"""

from __future__ import annotations

import json as jsonlib
import logging
import re
import sys
from datetime import UTC, datetime
from typing import IO, Any

# user:password@ in any URL; the path of webhook URLs (the path is the token).
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<cred>[^/\s@:]*(?::[^/\s@]*)?)@")
_WEBHOOK_TOKENS = re.compile(r"(?P<head>hooks\.slack\.com/services/|/api/webhooks/)(?P<tokens>[^\s?#'\"]+)")
# Schemes whose URLs carry no secret beyond user:password; any other scheme (apprise's slack://,
# discord://, tgram://, mailtos:// ...) may hold tokens anywhere, so all of it after the scheme is masked.
_PLAIN_SCHEMES = {"http", "https", "kafka", "sqlite", "postgresql", "postgres", "file"}
_ANY_URL = re.compile(r"\b(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*)://(?P<rest>[^\s'\"<>]+)")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

HUMAN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str) -> str:
    """The text with URL credentials, webhook tokens and notifier URLs replaced by ``***``."""
    text = _URL_CREDENTIALS.sub(lambda m: f"{m['scheme']}***@", text)
    text = _WEBHOOK_TOKENS.sub(lambda m: f"{m['head']}***", text)
    return _ANY_URL.sub(
        lambda m: m[0] if m["scheme"].split("+")[0].lower() in _PLAIN_SCHEMES else f"{m['scheme']}://***", text
    )


class RedactingFormatter(logging.Formatter):
    """The standard formatter, with secrets masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per record, secrets masked."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value if isinstance(value, (int, float, bool, type(None))) else redact(str(value))
        return jsonlib.dumps(entry, ensure_ascii=False)


def setup_logging(json: bool = False, level: int | str = logging.INFO, *, stream: IO[str] | None = None) -> None:
    """Configure the root logger once: JSON lines or human lines to stderr, at the given level."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if json else RedactingFormatter(HUMAN_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else level.upper())
    logging.captureWarnings(True)
