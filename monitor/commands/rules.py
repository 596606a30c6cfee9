"""``frontwatch rules check`` and ``frontwatch rules test``: the rule author's tools.

    frontwatch rules check [FILES...]           every problem as file:line:col: reason; exit 1; silent when good
    frontwatch rules list [--json]              the rules as loaded, with what each name resolved to
    frontwatch rules test [--since 30d] [--json] what the stored events would have fired, without sending

Without FILES both read the rule globs of the config (``--config``, default ``config/monitor.yaml``;
``rules/*.yaml`` when there is no config file).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import typer

from monitor.commands.common import ConfigOption, load_settings
from monitor.durations import parse_duration
from monitor.rulefiles import read_rules
from monitor.rules import Firing, Rule, RuleSet, replay, source_count

app = typer.Typer(help="Check and try out alert rules.", no_args_is_help=True, add_completion=False)

FilesArgument = typer.Argument(None, help="Rule files, globs or folders (default: the config's rule globs).",
                               show_default=False)


def _rule_paths(files: list[str] | None, config: Path | None) -> list[str]:
    return list(files) if files else load_settings(config).rules


@app.command("check")
def check(files: list[str] = FilesArgument, config: Path | None = ConfigOption) -> None:
    """Check rule files: print every problem as file:line:col: reason and exit 1; silent and exit 0 when good."""
    _ruleset, problems = read_rules(_rule_paths(files, config))
    for problem in problems:
        typer.echo(str(problem))
    raise typer.Exit(1 if problems else 0)


@app.command("list")
def list_rules(
    files: list[str] = FilesArgument,
    config: Path | None = ConfigOption,
    as_json: bool = typer.Option(False, "--json", help="A JSON list, for scripts."),
) -> None:
    """List the rules as loaded: what each place and group name resolved to, and the notifiers in use."""
    ruleset, problems = read_rules(_rule_paths(files, config))
    for problem in problems:
        typer.echo(str(problem), err=True)
    described = [_describe_rule(rule, ruleset) for rule in ruleset.rules]
    if as_json:
        typer.echo(json.dumps(described, indent=2, ensure_ascii=False))
    else:
        for item in described:
            typer.echo(f"{item['name']}  ({item['origin']}){'' if item['enabled'] else '  [disabled]'}")
            for key in ("locations", "groups"):
                typer.echo(f"  {key}: " + ("; ".join(item[key]) or "any"))
            typer.echo(f"  notify: {', '.join(item['notify']) or 'nobody'}")
    raise typer.Exit(1 if problems else 0)


def _describe_rule(rule: Rule, ruleset: RuleSet) -> dict:
    """A rule as its author can check it; notifier names only (their URLs are secrets)."""
    return {
        "name": rule.name,
        "origin": rule.origin,
        "enabled": rule.enabled,
        "locations": [where.label for where in rule.locations],
        "groups": [f"{who.label} as {who.role or rule.role}" for who in rule.groups],
        "notify": [f"{n} (disabled)" if n in ruleset.disabled_notifiers else n for n in rule.notify],
    }


@app.command("test")
def test(
    files: list[str] = FilesArgument,
    config: Path | None = ConfigOption,
    since: str = typer.Option("30d", "--since", help="Replay the events stored this far back (90m, 12h, 30d ...)."),
    at_now: bool = typer.Option(False, "--now", help="Judge every change as of now, not as of when it was reported."),
    as_json: bool = typer.Option(False, "--json", help="A JSON list, for scripts."),
) -> None:
    """Replay stored events through the rules and list what would have fired. Nothing is sent."""
    from monitor.control import incidents_from_events
    from monitor.storage import Store

    try:
        window = parse_duration(since)
    except ValueError as exc:
        typer.echo(f"frontwatch: --since: {exc}", err=True)
        raise typer.Exit(2) from None
    settings = load_settings(config)
    ruleset, problems = read_rules(list(files) if files else settings.rules)
    if problems:
        for problem in problems:
            typer.echo(str(problem), err=True)
        typer.echo("frontwatch: fix the rule files first (frontwatch rules check)", err=True)
        raise typer.Exit(2)
    now = datetime.now(UTC)
    store = Store(settings.database)
    try:
        events = store.events_since(now - window)
    finally:
        store.close()
    incidents = incidents_from_events(events, now=now)
    firings = replay(ruleset, incidents, now=now if at_now else None)
    if as_json:
        typer.echo(json.dumps([_as_json(f) for f in firings], indent=2, ensure_ascii=False))
        return
    for firing in firings:
        typer.echo(_as_line(firing, ruleset))
    sent = sum(not f.held_back for f in firings)
    typer.echo(
        f"{sent} alert(s) would have been sent ({len(firings) - sent} held back by repeat_after) "
        f"from {len(incidents)} change(s) in {len(events)} event(s) of the last {since}; nothing was sent.",
        err=True,
    )


def _as_json(firing: Firing) -> dict:
    return {
        "rule": firing.match.rule,
        "notifiers": firing.match.notifiers,
        "repeat_after": firing.match.repeat_after,
        "group_wait": firing.match.group_wait,
        "at": firing.at.isoformat(),
        "held_back": firing.held_back,
        "incident": firing.incident.to_json(),
    }


def _as_line(firing: Firing, ruleset: RuleSet) -> str:
    """One firing, one line: when, rule, place, old -> new holder, how sure, to whom."""
    incident = firing.incident
    place = incident.place
    where = ", ".join(p for p in (place.name, place.admin1 if place.admin1 != place.name else None, place.country) if p)
    old, new = (actor.name if actor else "?" for actor in (incident.previous, incident.holder))
    change = f"{old} -> {new}"
    day = incident.date.isoformat() if incident.date else "undated"
    sure = f"{incident.certainty}, {incident.confidence:.2f}, {source_count(incident)} source(s)"
    rule = ruleset.get(firing.match.rule)
    disabled = [n for n in (rule.notify if rule else ()) if n in ruleset.disabled_notifiers]
    to = ", ".join(firing.match.notifiers) or "no enabled notifier"
    if disabled:
        to += f" (disabled: {', '.join(disabled)})"
    held = "  [held back: repeat_after]" if firing.held_back else ""
    contested = " contested" if incident.contested else ""
    return f"{day}  {firing.match.rule}  {where}: {change}  [{sure}{contested}]  -> {to}{held}"

