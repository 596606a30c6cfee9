"""Schema migrations (alembic), shipped inside the package so an installed worker can run them.

    frontwatch db upgrade            # what the worker runs on start, and Store() runs for you
    alembic revision --autogenerate -m "what changed"    # after changing a table in monitor/storage.py

``upgrade(engine)`` is the one way a database gets its schema, SQLite or PostgreSQL: it brings it to the
newest revision under a lock, so several workers starting at once migrate it exactly once (PostgreSQL:
an advisory lock; a SQLite file: a lock file beside it). A database made before migrations existed
(tables, no ``alembic_version``) is stamped with the first revision, then upgraded.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

HERE = Path(__file__).resolve().parent
log = logging.getLogger("monitor.migrations")
# Alembic says "Context impl ..." at INFO on every run; what happened is logged below, once.
if logging.getLogger("alembic.runtime.migration").level == logging.NOTSET:
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
ADVISORY_LOCK_ID = 0x46_57_4D_49_47  # "FWMIG": one lock id for Frontwatch migrations


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head() -> str | None:
    """The newest revision the package ships."""
    return script().get_current_head()


def base() -> str | None:
    """The first revision (the initial schema)."""
    bases = script().get_bases()
    return bases[0] if bases else None


def current(engine: Engine) -> str | None:
    """The revision a database is at; None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _locked(engine: Engine, connection: Connection) -> Iterator[None]:
    """Hold the migration lock: one migrating process at a time per database."""
    if engine.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": ADVISORY_LOCK_ID})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": ADVISORY_LOCK_ID})
            connection.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    with open(f"{database}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate the database to ``revision``; returns (revision before, revision after)."""
    config = alembic_config()
    with engine.connect() as connection:
        with _locked(engine, connection):
            config.attributes["connection"] = connection
            before = MigrationContext.configure(connection).get_current_revision()
            connection.commit()
            if before is None and inspect(connection).has_table("feeds") and base():
                command.stamp(config, base())  # made by create_all before migrations existed
                connection.commit()
            command.upgrade(config, revision)
            connection.commit()
            after = MigrationContext.configure(connection).get_current_revision()
            connection.commit()
    if after != before:
        shown = engine.url.render_as_string(hide_password=True)
        log.info("database %s migrated from %s to %s", shown, before or "empty", after)
    return before, after
