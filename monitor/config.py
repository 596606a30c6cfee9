"""The monitor's configuration: one YAML file, ``${VAR}`` / ``${VAR:-default}`` from the environment.

    frontwatch run --config config/monitor.yaml

An invalid file raises ``ConfigError`` whose one-line message names the file, the key and the reason;
the CLI prints it and exits 2. Relative paths (rule globs, the SQLite file) are relative to the
working directory, as a shell user would expect.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from monitor.durations import parse_duration

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")

DEFAULT_DATABASE = "sqlite:///data/frontwatch.db"


class ConfigError(Exception):
    """A configuration problem, with where it is and why."""

    def __init__(self, file: str, key: str, reason: str):
        self.file, self.key, self.reason = file, key, reason
        super().__init__(f"{file}: {key}: {reason}" if key else f"{file}: {reason}")


def interpolate(text: str, env: dict[str, str] | None = None, *, where: str = "") -> str:
    """Replace ``${VAR}`` and ``${VAR:-default}``; an unset ``${VAR}`` without default is an error."""
    env = os.environ if env is None else env

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        value = env.get(name)
        if value is None or (value == "" and default is not None):
            if default is None:
                raise KeyError(name)
            return default
        return value

    try:
        return _VAR.sub(substitute, text)
    except KeyError as missing:
        raise ValueError(f"environment variable {missing.args[0]} is not set{where}") from None


def interpolate_tree(value: Any, env: dict[str, str] | None = None) -> Any:
    """Interpolate every string inside a loaded YAML tree."""
    if isinstance(value, str):
        return interpolate(value, env)
    if isinstance(value, list):
        return [interpolate_tree(v, env) for v in value]
    if isinstance(value, dict):
        return {k: interpolate_tree(v, env) for k, v in value.items()}
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedConfig(Strict):
    url: str
    name: str = ""
    interval: float = 300.0  # seconds between polls

    @field_validator("interval", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> float:
        return parse_duration(value).total_seconds()

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.url


class PollConfig(Strict):
    timeout: float = 20.0  # seconds for one request, connect to last byte
    max_bytes: int = 5_000_000  # a larger body is refused
    max_redirects: int = 5
    jitter: float = 0.1  # each interval is stretched or shrunk by up to this fraction
    max_backoff: float = 3600.0  # seconds, the longest wait after repeated failures
    user_agent: str = "Frontwatch/0.1 (+https://github.com/frontwatch)"
    fetch_articles: bool = True  # fetch the page when a feed item carries only a summary

    @field_validator("timeout", "max_backoff", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> float:
        return parse_duration(value).total_seconds()


class DeliveryConfig(Strict):
    """How alerts are delivered: retries with exponential backoff, then kept as failed."""

    max_attempts: int = 12  # with the defaults: retried for about four hours
    first_delay: float = 15.0  # seconds before the first retry, doubled on every further one
    max_delay: float = 3600.0  # the longest wait between attempts
    lease: float = 120.0  # a send not finished within this is assumed dead and retried
    send_timeout: float = 60.0

    @field_validator("first_delay", "max_delay", "lease", "send_timeout", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> float:
        return parse_duration(value).total_seconds()

    @field_validator("max_attempts")
    @classmethod
    def _attempts(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value


class MonitorConfig(Strict):
    feeds: list[FeedConfig] = Field(default_factory=list)
    broker: str = ""  # kafka://host:port; empty = start the embedded broker
    database: str = DEFAULT_DATABASE
    rules: list[str] = Field(default_factory=lambda: ["rules/*.yaml"])
    actors: list[str] = Field(default_factory=list)  # YAML files (globs) extending the actor catalogue
    web_host: str = "127.0.0.1"  # 0.0.0.0 in a container
    web_port: int = 6066
    tile_url: str = ""  # a map tile template (https://.../{z}/{x}/{y}.png); empty = no tiles
    partitions: int = 4
    poll: PollConfig = Field(default_factory=PollConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    status_interval: float = 30.0  # seconds between status lines; 0 = off
    source: str = ""  # the file this was read from

    @field_validator("status_interval", mode="before")
    @classmethod
    def _status_seconds(cls, value: Any) -> float:
        return parse_duration(value).total_seconds()

    @field_validator("rules", "actors", mode="before")
    @classmethod
    def _globs(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def actor_files(self) -> list[str]:
        """The actor files the ``actors`` globs name, sorted, each once."""
        import glob

        return sorted({path for pattern in self.actors for path in glob.glob(pattern)})

    @field_validator("broker")
    @classmethod
    def _broker(cls, value: str) -> str:
        if value and not re.match(r"^kafka://[^\s/]+(:\d+)?(,[^\s/]+(:\d+)?)*/?$", value):
            raise ValueError("must be kafka://host:port (or empty for the embedded broker)")
        return value.rstrip("/")

    @field_validator("database")
    @classmethod
    def _database(cls, value: str) -> str:
        value = value or DEFAULT_DATABASE
        if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("web_port")
    @classmethod
    def _port(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("must be a port number from 0 to 65535")
        return value


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_config(path: str | Path, env: dict[str, str] | None = None) -> MonitorConfig:
    """Read, interpolate and validate a config file; raises ConfigError."""
    path = Path(path)
    name = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(name, "", "no such file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(name, where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(name, "", "the top level must be a mapping of keys")
    try:
        data = interpolate_tree(raw, env)
    except ValueError as exc:
        raise ConfigError(name, "", str(exc)) from None
    data["source"] = name
    try:
        return MonitorConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        reason = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            reason = "unknown key"
        raise ConfigError(name, _dotted(first["loc"]), reason) from None


def config_from_env(env: dict[str, str] | None = None) -> MonitorConfig:
    """A config with no file: broker and database from KAFKA_URL and DATABASE_URL."""
    env = os.environ if env is None else env
    return MonitorConfig(broker=env.get("KAFKA_URL", ""), database=env.get("DATABASE_URL") or DEFAULT_DATABASE)
