"""The whole stream on real parts: a local news site, the embedded broker, SQLite, SMTP and a webhook.

`frontwatch run` runs as a subprocess, exactly as a user starts it; the seed article is served as a
page behind an RSS item whose feed entry carries only a summary, so the monitor fetches and cleans it.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e import Mailbox, Monitor, NewsSite, Page, Servers, Webhook, port_open, rfc822, wait_for

pytestmark = pytest.mark.slow

# Written for this test: a day of fighting that changes nobody's control of anything.
NO_CHANGE_REPORT = (
    "Heavy clashes broke out on Tuesday on the outskirts of Maarat al-Numan, activists said.\n"
    "Government artillery shelled positions held by rebel fighters south of the town, and an attack by the "
    "insurgents on an army checkpoint was repelled after several hours.\n"
    "Neither side gained ground, and the town remained under rebel control by nightfall, the monitoring group said."
)


@pytest.fixture()
def peers():
    servers = Servers()
    servers.start()
    site, hook, mailbox = NewsSite(), Webhook(), Mailbox()
    site.port = servers.serve(site.app())
    hook.port = servers.serve(hook.app())
    mailbox.start()
    yield site, hook, mailbox
    mailbox.stop()
    servers.stop()


def write_setup(tmp_path, site: NewsSite, hook: Webhook, mailbox: Mailbox):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "watch.yaml").write_text(
        f"""
notifiers:
  desk-email: mailto://127.0.0.1:{mailbox.port}?from=frontwatch@example.org&to=desk@example.org
  desk-hook: json://127.0.0.1:{hook.port}/alerts

rules:
  - name: jisr-watch
    when: control_change
    locations: ["Jisr al-Shughour"]
    # the seed article is from April 2015: a rule replaying it must look that far back
    max_age: 5000d
    group_wait: 1s
    notify: [desk-email, desk-hook]
"""
    )
    config = tmp_path / "monitor.yaml"
    config.write_text(
        f"""
database: sqlite:///{tmp_path}/frontwatch.db
rules: ["{rules}/*.yaml"]
web_port: 0
partitions: 2
status_interval: 5s
poll:
  timeout: 5
feeds:
  - name: Local Desk
    url: {site.base}/feed.xml
    interval: 1s
"""
    )
    return config


def test_seed_article_alerts_once_by_email_and_webhook(tmp_path, peers, seed_text):
    site, hook, mailbox = peers
    site.pages.append(
        Page("/world/jisr-al-shughour", "Islamists take Syrian town of Jisr al-Shughour", seed_text, rfc822(2015, 4, 26))
    )
    monitor = Monitor(write_setup(tmp_path, site, hook, mailbox), cwd=tmp_path)
    try:
        broker_port = monitor.broker_port()
        wait_for(lambda: mailbox.messages, 60, what="the alert email", diagnose=monitor.output)
        text = mailbox.texts()[0]
        assert "Jisr al-Shughour" in text
        assert "Nusra Front" in text
        wait_for(lambda: hook.received, 15, what="the webhook alert", diagnose=monitor.output)
        assert "Jisr al-Shughour" in str(hook.received[0])

        # Further polls of the same feed: nothing new, no second alert.
        polls = site.hits["/feed.xml"]
        wait_for(lambda: site.hits["/feed.xml"] >= polls + 3, 20, what="three more polls", diagnose=monitor.output)
        # A report of fighting with no change of control: processed, and no alert.
        site.pages.append(Page("/world/clashes", "Clashes near Maarat al-Numan", NO_CHANGE_REPORT, rfc822(2015, 4, 28)))
        wait_for(lambda: site.hits.get("/world/clashes"), 20, what="the second article fetched", diagnose=monitor.output)
        database = tmp_path / "frontwatch.db"
        wait_for(
            lambda: _count(database, "articles") == 2, 20, what="the second article stored", diagnose=monitor.output
        )
        time.sleep(3)
        assert len(mailbox.messages) == 1, mailbox.texts()
        assert len(hook.received) == 1, hook.received
        assert site.hits["/world/jisr-al-shughour"] == 1  # the item was not re-emitted by later polls

        with sqlite3.connect(database) as db:
            statuses = db.execute("select notifier, status from deliveries order by notifier").fetchall()
        assert statuses == [("desk-email", "sent"), ("desk-hook", "sent")]

        # The operator's view of the same run: the change, and the counters on /metrics.
        web = f"http://127.0.0.1:{monitor.web_port()}"
        changes = json.loads(urllib.request.urlopen(f"{web}/api/changes", timeout=10).read())
        assert any("Jisr" in json.dumps(change) for change in changes), changes
        families = {
            family.name: family
            for family in text_string_to_metric_families(urllib.request.urlopen(f"{web}/metrics", timeout=10).read().decode())
        }
        assert families["frontwatch_items"].samples[0].value == 2
        assert families["frontwatch_events"].samples[0].value >= 1
        assert "frontwatch_consumer_lag" in families
        latency = {s.labels.get("since"): s.value for s in families["frontwatch_alert_latency_seconds"].samples if s.name.endswith("_count")}
        assert latency.get("fetched", 0) >= 1, latency
        health = json.loads(urllib.request.urlopen(f"{web}/health", timeout=10).read())
        assert health["ok"] is True, health
    finally:
        code = monitor.stop(signal.SIGINT)
    assert code == 0, monitor.output()
    assert not port_open(broker_port), "the embedded broker outlived the monitor"


def test_sigterm_stops_cleanly_with_the_broker_gone(tmp_path, peers):
    site, hook, mailbox = peers
    monitor = Monitor(write_setup(tmp_path, site, hook, mailbox), cwd=tmp_path)
    try:
        broker_port = monitor.broker_port()
        wait_for(lambda: site.hits.get("/feed.xml", 0) >= 2, 60, what="two polls", diagnose=monitor.output)
    finally:
        code = monitor.stop(signal.SIGTERM)
    assert code == 0, monitor.output()
    assert not port_open(broker_port)
    assert "Traceback" not in monitor.output()


def _count(database, table: str) -> int:
    try:
        with sqlite3.connect(database) as db:
            return db.execute(f"select count(*) from {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
