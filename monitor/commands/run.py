"""``frontwatch run`` (the worker) and ``frontwatch feeds`` (feed health)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import typer

from monitor.commands.common import ConfigOption, load_settings

log = logging.getLogger("monitor")

def setup_logging(verbose: bool, json_logs: bool) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    try:
        from monitor.logs import setup_logging as structured

        structured(json=json_logs, level=level)
    except ImportError:
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    # Faust and aiokafka are chatty at INFO; their warnings still show.
    for noisy in ("faust", "mode", "aiokafka", "kafka"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)


def run(
    config: Path | None = ConfigOption,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging."),
    json_logs: bool = typer.Option(False, "--json-logs", help="Structured JSON log lines.", envvar="FRONTWATCH_JSON_LOGS"),
) -> None:
    """Run the monitor: poll feeds, extract events, keep the control map, send alerts. Ctrl-C stops it."""
    settings = load_settings(config, required=True)
    setup_logging(verbose, json_logs)
    from monitor.rulefiles import RuleFileError, load_rules
    from monitor.worker import run_worker

    try:  # refuse to start on broken rules: every problem as file:line:col: reason
        load_rules(settings.rules)
    except RuleFileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None

    raise typer.Exit(run_worker(settings))


def feeds(
    config: Path | None = ConfigOption,
    as_json: bool = typer.Option(False, "--json", help="JSON output, for scripts."),
) -> None:
    """List the configured feeds and their health (last success, last error, consecutive failures)."""
    from rich.console import Console
    from rich.table import Table

    from monitor.storage import Store

    settings = load_settings(config, required=True)
    store = Store(settings.database)
    rows = {row.url: row for row in store.list_feeds()}
    out = []
    for feed in settings.feeds:
        row = rows.get(feed.url)
        out.append(
            {
                "name": feed.display_name,
                "url": feed.url,
                "interval": feed.interval,
                "last_success": row.last_success.isoformat() if row and row.last_success else None,
                "last_error": row.last_error if row else None,
                "last_error_at": row.last_error_at.isoformat() if row and row.last_error_at else None,
                "consecutive_failures": row.consecutive_failures if row else 0,
                "items_seen": row.items_seen if row else 0,
            }
        )
    if as_json:
        typer.echo(json.dumps(out, indent=2))
        return
    table = Table("feed", "last success", "failures", "items", "last error", title="Feeds")
    for feed in out:
        status = "[red]" if feed["consecutive_failures"] else ""
        table.add_row(
            feed["name"],
            feed["last_success"] or "never",
            f"{status}{feed['consecutive_failures']}",
            str(feed["items_seen"]),
            (feed["last_error"] or "")[:60],
        )
    Console().print(table)

