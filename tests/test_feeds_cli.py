"""`frontwatch feeds`: each configured feed's health, as a table or JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

from monitor.storage import Store


def test_feeds_lists_health_as_json(tmp_path):
    database = f"sqlite:///{tmp_path}/fw.db"
    config = tmp_path / "monitor.yaml"
    config.write_text(
        f"database: {database}\nrules: []\nfeeds:\n"
        "  - {name: Good, url: 'http://127.0.0.1:9/good.xml'}\n"
        "  - {name: Broken, url: 'http://127.0.0.1:9/broken.xml'}\n"
        "  - {name: New, url: 'http://127.0.0.1:9/new.xml'}\n"
    )
    store = Store(database)
    now = datetime.now(UTC)
    store.record_poll_success("http://127.0.0.1:9/good.xml", etag='"e1"', last_modified=None, new_items=3, at=now)
    for _ in range(2):
        store.record_poll_failure("http://127.0.0.1:9/broken.xml", error="HTTP 503", at=now)
    store.close()

    result = subprocess.run(
        [sys.executable, "-m", "monitor", "feeds", "--json", "--config", str(config)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    feeds = {feed["name"]: feed for feed in json.loads(result.stdout)}
    assert feeds["Good"]["items_seen"] == 3 and feeds["Good"]["consecutive_failures"] == 0
    assert feeds["Good"]["last_success"] is not None
    assert feeds["Broken"]["consecutive_failures"] == 2 and feeds["Broken"]["last_error"] == "HTTP 503"
    assert feeds["New"]["last_success"] is None

    table = subprocess.run(
        [sys.executable, "-m", "monitor", "feeds", "--config", str(config)], capture_output=True, text=True, timeout=120
    )
    assert table.returncode == 0
    assert "Broken" in table.stdout and "HTTP 503" in table.stdout and "never" in table.stdout
