"""``frontwatch alerts`` and ``frontwatch alert test`` through the real CLI, SQLite file and SMTP server."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from monitor.alerting import AlertingPipeline
from monitor.cli import app
from monitor.records import Place
from monitor.rules import Rule, RuleSet
from monitor.storage import Store
from tests.test_alerting import Clock, report
from tests.test_notify import SECRET, SMTPServer, free_port

runner = CliRunner()


@pytest.fixture()
def smtp():
    server = SMTPServer()
    yield server
    server.stop()


def write_config(tmp_path, notifiers: dict[str, str]) -> str:
    rules_dir = tmp_path / "rules"
    rules_dir.mkdir()
    lines = ["notifiers:"] + [f'  {name}: "{url}"' for name, url in notifiers.items()]
    (rules_dir / "desk.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "monitor.yaml"
    config.write_text(
        f"database: sqlite:///{tmp_path / 'fw.db'}\nrules: ['{rules_dir}/*.yaml']\n", encoding="utf-8"
    )
    return str(config)


def test_alerts_lists_each_notifiers_delivery_status(tmp_path):
    config = write_config(tmp_path, {})
    store = Store(f"sqlite:///{tmp_path / 'fw.db'}")
    clock = Clock()
    notifiers = {"desk-mail": f"mailto://fw:{SECRET}@127.0.0.1:9?to=a@example.org", "desk-hook": "json://127.0.0.1:9/x"}
    rule = Rule(name="north-march", notify=tuple(notifiers), max_age=None, group_wait=timedelta(0))
    pipeline = AlertingPipeline(store, RuleSet(rules=(rule,), notifiers=notifiers), clock=clock)
    _, (ok,) = pipeline.handle_event(report("Alpha"))
    other = report("Beta").model_copy(update={"location": Place(name="Lomar", country="ZZ", geonameid=9000002)})
    _, (bad,) = pipeline.handle_event(other)
    for claim in store.claim_due_deliveries(clock(), lease_seconds=60, worker="t"):
        if claim.alert_key == ok.key:
            store.finish_delivery(claim, clock())
        elif claim.notifier == "desk-mail":
            store.finish_delivery(claim, clock(), error="the service refused the message or could not be reached")
        else:
            store.finish_delivery(claim, clock(), error="no answer", retry_at=clock() + timedelta(minutes=5))

    result = runner.invoke(app, ["alerts", "--config", config, "--json"])
    assert result.exit_code == 0, result.output
    listed = {item["key"]: item for item in json.loads(result.output)}
    assert set(listed) == {ok.key, bad.key}
    assert listed[ok.key]["status"] == "sent"
    assert {d["notifier"]: d["status"] for d in listed[ok.key]["deliveries"]} == {"desk-hook": "sent", "desk-mail": "sent"}
    assert {d["notifier"]: (d["status"], d["attempts"]) for d in listed[bad.key]["deliveries"]} == {
        "desk-hook": ("pending", 1),
        "desk-mail": ("failed", 1),
    }
    assert listed[bad.key]["status"] == "pending"  # one notifier still to try

    result = runner.invoke(app, ["alerts", "--config", config])
    assert result.exit_code == 0
    assert "desk-mail: failed" in result.output and "Lomar" in result.output
    assert SECRET not in result.output

    result = runner.invoke(app, ["alerts", "--config", config, "--status", "sent", "--json"])
    assert [item["key"] for item in json.loads(result.output)] == [ok.key]

    result = runner.invoke(app, ["alerts", "--config", config, "--status", "lost"])
    assert result.exit_code == 2 and "--status must be one of" in result.output


def test_alerts_with_none(tmp_path):
    config = write_config(tmp_path, {})
    result = runner.invoke(app, ["alerts", "--config", config, "--status", "failed"])
    assert result.exit_code == 0 and result.output.strip() == "no alerts with status failed"


def test_alert_test_sends_a_sample_through_the_named_notifier(tmp_path, smtp):
    smtp.start()
    dead = smtp.url().replace(f":{smtp.port}", f":{free_port()}")  # the same server, but nobody listens there
    config = write_config(tmp_path, {"desk-mail": smtp.url(), "dead": dead})
    result = runner.invoke(app, ["alert", "test", "desk-mail", "--config", config])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent a sample alert to desk-mail"
    (mail,) = smtp.messages
    assert "Testville (sample alert)" in mail["Subject"]
    assert "nothing changed hands" in mail.get_body(preferencelist=("html",)).get_content()

    result = runner.invoke(app, ["alert", "test", "nobody", "--config", config])
    assert result.exit_code == 2 and "notifier 'nobody' is not defined (notifiers: dead, desk-mail)" in result.output

    result = runner.invoke(app, ["alert", "test", "dead", "--config", config])
    assert result.exit_code == 1 and "dead:" in result.output
    assert len(smtp.messages) == 1


def test_alert_retry_requeues_failed_deliveries(tmp_path):
    config = write_config(tmp_path, {})
    store = Store(f"sqlite:///{tmp_path / 'fw.db'}")
    clock = Clock()
    notifiers = {"desk-hook": "json://127.0.0.1:9/x"}
    rules = RuleSet(rules=(Rule(name="r", notify=("desk-hook",), max_age=None, group_wait=timedelta(0)),), notifiers=notifiers)
    _, (alert,) = AlertingPipeline(store, rules, clock=clock).handle_event(report("Alpha"))
    (claim,) = store.claim_due_deliveries(clock(), lease_seconds=60, worker="t")
    store.finish_delivery(claim, clock(), error="refused")
    assert runner.invoke(app, ["alert", "retry", "--config", config]).exit_code == 2
    result = runner.invoke(app, ["alert", "retry", alert.key, "--config", config])
    assert result.exit_code == 0 and result.output.strip() == "requeued 1 failed delivery"
    (delivery,) = store.deliveries(alert.key)
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    result = runner.invoke(app, ["alert", "retry", "--failed", "--config", config])
    assert result.output.strip() == "requeued 0 failed deliveries"
