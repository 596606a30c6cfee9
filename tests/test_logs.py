"""Logging: JSON lines as an option, human lines by default, secrets masked in both."""

from __future__ import annotations

import io
import json
import logging

import pytest

from monitor.logs import redact, setup_logging


@pytest.fixture()
def restore_root():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_fields_and_hide_secrets(restore_root):
    out = io.StringIO()
    setup_logging(json=True, level="INFO", stream=out)
    log = logging.getLogger("monitor.test")
    log.debug("not shown")
    log.info("delivered to %s", "mailtos://desk:s3cret@smtp.example.org", extra={"alert": "k1", "attempt": 2})
    try:
        raise RuntimeError("postgresql://fw:pgpass@db/frontwatch refused")
    except RuntimeError:
        log.exception("store failed")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 2
    first, second = lines
    assert first["level"] == "INFO" and first["logger"] == "monitor.test" and first["ts"].endswith("+00:00")
    assert first["msg"] == "delivered to mailtos://***"
    assert first["alert"] == "k1" and first["attempt"] == 2
    assert "RuntimeError" in second["exc"] and "pgpass" not in out.getvalue() and "s3cret" not in out.getvalue()


def test_human_lines_by_default(restore_root):
    out = io.StringIO()
    setup_logging(json=False, level=logging.WARNING, stream=out)
    logging.getLogger("monitor.test").info("quiet")
    logging.getLogger("monitor.test").warning("webhook https://hooks.slack.com/services/T000/B000/XXXX failed")
    text = out.getvalue()
    assert "quiet" not in text
    assert "WARNING monitor.test: webhook https://hooks.slack.com/services/*** failed" in text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("slack://TokenA/TokenB/TokenC/#chan", "slack://***"),
        ("sent via tgram://123:bottoken/456 and discord://id/tok", "sent via tgram://*** and discord://***"),
        ("https://discord.com/api/webhooks/1/abc failed", "https://discord.com/api/webhooks/*** failed"),
        ("https://example.org/feed.xml", "https://example.org/feed.xml"),
        ("kafka://broker:9092", "kafka://broker:9092"),
        ("postgresql://postgres@127.0.0.1:5432/test", "postgresql://***@127.0.0.1:5432/test"),
        ("postgresql+psycopg2://fw:pw@db/fw", "postgresql+psycopg2://***@db/fw"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected
