"""``frontwatch db``: the database schema (alembic migrations shipped in the package).

    frontwatch db upgrade [--config config/monitor.yaml] [--database URL] [--json]
    frontwatch db current [--config ...] [--json]      # exit 1 when the database is behind

The database is ``--database``, else the config's ``database`` (which reads ``DATABASE_URL``).
Exit codes: 0 fine, 1 the database is unreachable, a migration failed or (``current``) it is behind,
2 bad config. The URL is printed with its password masked.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from sqlalchemy.exc import SQLAlchemyError

from monitor.commands.common import ConfigOption, load_settings

app = typer.Typer(help="The database schema: migrate it, or show its revision.", no_args_is_help=True)

DatabaseOption = typer.Option(None, "--database", help="Database URL (default: the config's `database`).")
JsonOption = typer.Option(False, "--json", help="JSON output, for scripts.")


def _engine(config: Path, database: str | None):
    from monitor.storage import make_engine

    url = database or load_settings(config).database
    engine = make_engine(url)
    return engine, engine.url.render_as_string(hide_password=True)


def _fail(shown: str, exc: Exception, as_json: bool) -> typer.Exit:
    from monitor.logs import redact

    reason = redact(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
    if as_json:
        typer.echo(json.dumps({"database": shown, "ok": False, "error": reason}))
    else:
        typer.echo(f"frontwatch: database {shown}: {reason}", err=True)
    return typer.Exit(1)


@app.command("upgrade")
def upgrade(
    config: Path | None = ConfigOption, database: str | None = DatabaseOption, as_json: bool = JsonOption
) -> None:
    """Bring the database schema to the newest revision (safe to run on every start, by many workers)."""
    from monitor import migrations

    engine, shown = _engine(config, database)
    try:
        before, after = migrations.upgrade(engine)
    except (SQLAlchemyError, OSError) as exc:
        raise _fail(shown, exc, as_json) from None
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps({"database": shown, "ok": True, "from": before, "to": after}))
    elif before == after:
        typer.echo(f"database {shown}: at {after or 'no revision'}, up to date")
    else:
        typer.echo(f"database {shown}: upgraded {before or 'empty'} -> {after}")


@app.command("current")
def current(
    config: Path | None = ConfigOption, database: str | None = DatabaseOption, as_json: bool = JsonOption
) -> None:
    """Show the database's schema revision and the newest one; exit 1 when it is behind."""
    from monitor import migrations

    engine, shown = _engine(config, database)
    try:
        revision = migrations.current(engine)
    except (SQLAlchemyError, OSError) as exc:
        raise _fail(shown, exc, as_json) from None
    finally:
        engine.dispose()
    head = migrations.head()
    up_to_date = revision == head
    if as_json:
        typer.echo(json.dumps({"database": shown, "ok": up_to_date, "current": revision, "head": head}))
    else:
        state = "up to date" if up_to_date else "behind: run `frontwatch db upgrade`"
        typer.echo(f"database {shown}: at {revision or 'no revision'}, newest {head} ({state})")
    if not up_to_date:
        raise typer.Exit(1)
