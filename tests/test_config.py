"""Config loading: interpolation, defaults, and one clear line (file, key, reason) for every problem."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config import DEFAULT_DATABASE, ConfigError, interpolate, load_config
from monitor.durations import parse_duration

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitor.yaml"
    path.write_text(text)
    return path


def test_shipped_config_is_valid():
    config = load_config(REPO / "config" / "monitor.yaml", env={})
    assert config.broker == ""  # embedded by default
    assert config.database == DEFAULT_DATABASE
    assert len(config.feeds) >= 5
    assert all(feed.url.startswith("https://") for feed in config.feeds)


def test_interpolation_from_environment(tmp_path):
    path = write(
        tmp_path,
        "broker: ${KAFKA_URL}\ndatabase: ${DB:-sqlite:///x.db}\nfeeds:\n  - url: http://h/${FEED}\n    interval: 90s\n",
    )
    config = load_config(path, env={"KAFKA_URL": "kafka://k1:9092", "FEED": "rss.xml"})
    assert config.broker == "kafka://k1:9092"
    assert config.database == "sqlite:///x.db"
    assert config.feeds[0].url == "http://h/rss.xml"
    assert config.feeds[0].interval == 90


def test_interpolation_rules():
    assert interpolate("${A:-d}", {"A": ""}) == "d"
    assert interpolate("${A:-d}", {"A": "x"}) == "x"
    assert interpolate("${A}", {"A": ""}) == ""
    with pytest.raises(ValueError, match="B is not set"):
        interpolate("a ${B} c", {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("feeds:\n  - url: ftp://x\n", "monitor.yaml: feeds[0].url: must be an http:// or https:// URL"),
        ("feeds:\n  - url: http://x\n    intervall: 5\n", "monitor.yaml: feeds[0].intervall: unknown key"),
        ("feeds:\n  - url: http://x\n    interval: soon\n", "monitor.yaml: feeds[0].interval: invalid duration 'soon'"),
        ("broker: localhost:9092\n", "monitor.yaml: broker: must be kafka://host:port"),
        ("database: mysql://x\n", "monitor.yaml: database: must be a sqlite:/// or postgresql:// URL"),
        ("web_port: 99999\n", "monitor.yaml: web_port: must be a port number"),
        ("broker: ${NOPE}\n", "monitor.yaml: environment variable NOPE is not set"),
        ("feeds: [\n", "monitor.yaml: line 2, column 1: invalid YAML"),
        ("- a\n- b\n", "monitor.yaml: the top level must be a mapping"),
    ],
)
def test_invalid_config_is_one_clear_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), env={})
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(message)


def test_cli_exits_2_with_the_line(tmp_path):
    path = write(tmp_path, "feeds:\n  - url: http://x\n    interval: never\n")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "run", "--config", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"frontwatch: {path}: feeds[0].interval: invalid duration")


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.yaml")


def test_durations():
    assert parse_duration("1h30m").total_seconds() == 5400
    assert parse_duration("3d").days == 3
    assert parse_duration(45).total_seconds() == 45
    for bad in ("3 days", "", "-5m", "h"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_run_refuses_broken_rules_with_file_line_col(tmp_path):
    rules = tmp_path / "bad.yaml"
    rules.write_text("rules:\n  - name: x\n    max_age: soon\n")
    config = write(tmp_path, f"rules: ['{rules}']\n")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "run", "--config", str(config)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2, result.stderr
    assert f"{rules}:3:14:" in result.stderr
    assert "Traceback" not in result.stderr


def test_delivery_settings(tmp_path):
    config = load_config(write(tmp_path, "delivery:\n  max_attempts: 3\n  first_delay: 2s\n  max_delay: 1m\n"), env={})
    assert (config.delivery.max_attempts, config.delivery.first_delay, config.delivery.max_delay) == (3, 2, 60)
    with pytest.raises(ConfigError, match="delivery.max_attempts: must be at least 1"):
        load_config(write(tmp_path, "delivery:\n  max_attempts: 0\n"), env={})
