"""``frontwatch alerts`` (what was decided and how each delivery went) and ``frontwatch alert test``.

    frontwatch alerts [--status pending|sent|failed] [--limit N] [--json]
    frontwatch alert test NOTIFIER          send a sample alert through one notifier of the rule files
    frontwatch alert retry KEY... | --failed   give failed deliveries a fresh set of attempts

Without ``--config`` both read ``config/monitor.yaml`` when it exists, else the defaults
(``DATABASE_URL``, ``rules/*.yaml``). Exit codes: 0 fine, 1 the sample alert could not be sent,
2 bad usage or configuration (unknown notifier, broken rule files).
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import typer

from monitor.commands.common import ConfigOption, load_settings

STATUSES = ("pending", "sent", "failed")

alert_app = typer.Typer(help="Alert tools.", no_args_is_help=True, add_completion=False)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def alerts(
    config: Path | None = ConfigOption,
    status: str = typer.Option(None, "--status", help="Only alerts with this status: pending, sent or failed."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="At most this many alerts, newest first."),
    as_json: bool = typer.Option(False, "--json", help="JSON output, for scripts."),
) -> None:
    """List alerts, newest first, with each notifier's delivery status (attempts, last error, next try)."""
    from monitor.render import clean
    from monitor.storage import Store

    if status is not None and status not in STATUSES:
        typer.echo(f"frontwatch: --status must be one of {', '.join(STATUSES)}", err=True)
        raise typer.Exit(2)
    store = Store(load_settings(config).database)
    try:
        rows = store.list_alerts(limit=limit, status=status)
        by_alert: dict[str, list] = {}
        for delivery in store.deliveries_for(row.key for row in rows):
            by_alert.setdefault(delivery.alert_key, []).append(delivery)
    finally:
        store.close()
    out: list[dict[str, Any]] = [
        {
            "key": row.key,
            "rule": row.rule,
            "place_key": row.place_key,
            "summary": row.summary,
            "status": row.status,
            "revision": row.revision,
            "created_at": _iso(row.created_at),
            "deliveries": [
                {
                    "notifier": d.notifier,
                    "status": d.status,
                    "attempts": d.attempts,
                    "last_error": d.last_error,
                    "next_attempt_at": _iso(d.next_attempt_at) if d.status == "pending" else None,
                    "sent_at": _iso(d.sent_at),
                }
                for d in sorted(by_alert.get(row.key, []), key=lambda d: d.notifier)
            ],
        }
        for row in rows
    ]
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    if not out:
        typer.echo("no alerts" + (f" with status {status}" if status else ""))
        return
    for item in out:
        typer.echo(
            f"{(item['created_at'] or '')[:16].replace('T', ' ')}  {item['status']:<7}  {clean(item['rule'])}"
            f"  {clean(item['summary'])}"
        )
        typer.echo(f"    alert {item['key']}")
        for d in item["deliveries"]:
            line = f"    {d['notifier']}: {d['status']}, {d['attempts']} attempt{'s' if d['attempts'] != 1 else ''}"
            if d["next_attempt_at"]:
                line += f", next {d['next_attempt_at'][:19].replace('T', ' ')}"
            if d["last_error"] and d["status"] != "sent":
                line += f" — {clean(d['last_error'])}"
            typer.echo(line)
        if not item["deliveries"]:
            typer.echo("    no notifier configured")


def sample_incident(now: datetime):
    """A made-up change of hands, plainly marked as a test."""
    from monitor.records import ActorRef, Incident, Place, Source

    return Incident(
        id="frontwatch-test",
        place=Place(name="Testville (sample alert)", country="ZZ", admin1="Nowhere Province", lat=0.0, lon=0.0),
        holder=ActorRef(id="sample-new", name="Sample Group B"),
        previous=ActorRef(id="sample-old", name="Sample Group A"),
        date=date(now.year, now.month, now.day),
        certainty="reported",
        confidence=0.5,
        sources=[Source(outlet="Frontwatch", url="https://www.openstreetmap.org/", title="This is a test alert")],
        evidence=["This is a sample alert sent by `frontwatch alert test`; nothing changed hands."],
        first_seen=now,
        last_seen=now,
    )


@alert_app.command("test")
def test(
    notifier: str = typer.Argument(..., help="A notifier name from the rule files' `notifiers:`."),
    config: Path | None = ConfigOption,
) -> None:
    """Send a sample alert through one notifier (formatted as a real one for its service)."""
    from monitor.notify import send
    from monitor.render import body_format_for, render
    from monitor.rulefiles import RuleFileError, load_rules

    try:
        ruleset = load_rules(load_settings(config).rules)
    except RuleFileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    url = ruleset.notifiers.get(notifier)
    if not url:
        known = ", ".join(sorted(ruleset.notifiers)) or "none"
        why = "has an empty URL" if notifier in ruleset.disabled_notifiers else "is not defined"
        typer.echo(f"frontwatch: notifier {notifier!r} {why} (notifiers: {known})", err=True)
        raise typer.Exit(2)
    message = render(sample_incident(datetime.now(UTC)), body_format_for(url), rule="(alert test)", key="test")
    error = asyncio.run(send(url, message))
    if error:
        typer.echo(f"frontwatch: {notifier}: {error}", err=True)
        raise typer.Exit(1)
    typer.echo(f"sent a sample alert to {notifier}")


@alert_app.command("retry")
def retry(
    keys: list[str] = typer.Argument(None, help="Alert keys (as `frontwatch alerts` shows them).", show_default=False),
    all_failed: bool = typer.Option(False, "--failed", help="Every failed delivery."),
    config: Path | None = ConfigOption,
) -> None:
    """Send failed deliveries again (after fixing a notifier, or after a long outage)."""
    from monitor.storage import Store

    if bool(keys) == all_failed:
        typer.echo("frontwatch: name alert keys or give --failed (not both)", err=True)
        raise typer.Exit(2)
    store = Store(load_settings(config).database)
    try:
        count = store.requeue_failed(None if all_failed else keys, datetime.now(UTC))
    finally:
        store.close()
    typer.echo(f"requeued {count} failed deliver{'y' if count == 1 else 'ies'}")
