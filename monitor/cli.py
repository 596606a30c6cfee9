"""``frontwatch``: the command line. Each sub-command lives in ``monitor.commands``.

Exit codes follow Unix habits: 0 fine, 1 a check found problems, 2 bad usage or bad config.
"""

from __future__ import annotations

import typer

from monitor.commands import alerts as alerts_cmd
from monitor.commands import db as db_cmd
from monitor.commands import extract as extract_cmd
from monitor.commands import rules as rules_cmd
from monitor.commands import run as run_cmd

app = typer.Typer(
    name="frontwatch",
    help="Know within a minute when a place or an armed group you watch changes hands.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("run")(run_cmd.run)
app.command("feeds")(run_cmd.feeds)
app.add_typer(db_cmd.app, name="db")
app.add_typer(rules_cmd.app, name="rules")
app.command("alerts")(alerts_cmd.alerts)
app.add_typer(alerts_cmd.alert_app, name="alert")
app.command("extract")(extract_cmd.extract)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
