"""Alembic environment: Frontwatch's tables (``SQLModel.metadata`` of ``monitor.storage``) on any URL.

Run through ``monitor.migrations.upgrade`` / ``frontwatch db upgrade``, which pass an open connection in
``config.attributes["connection"]``; the alembic CLI (``alembic -c alembic.ini ...``) gets a URL from
``DATABASE_URL`` or ``sqlalchemy.url`` instead.
"""

from __future__ import annotations

import os

from alembic import context
from sqlmodel import SQLModel

import monitor.storage  # noqa: F401 - registers the tables on SQLModel.metadata

config = context.config
target_metadata = SQLModel.metadata


def configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("no database: set DATABASE_URL or sqlalchemy.url")
    engine = monitor.storage.make_engine(url)
    try:
        with engine.connect() as connection:
            configure(connection)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them against a database")
run_migrations()
