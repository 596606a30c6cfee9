"""Schema migrations on SQLite and the real PostgreSQL: head is exactly the tables of ``monitor.storage``.

If a table or column changes in ``monitor/storage.py`` without a new revision in
``monitor/migrations/versions/``, ``test_head_is_exactly_the_models`` fails and says what differs.
Fix: ``DATABASE_URL=sqlite:///data/dev.db .venv/bin/alembic revision --autogenerate -m "what changed"``.
"""

from __future__ import annotations

import json
import threading

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel
from typer.testing import CliRunner

from monitor import migrations
from monitor.cli import app
from monitor.storage import Store, make_engine
from tests.pgtools import database_url, pg_url  # noqa: F401 - fixtures

VERSION_TABLE = "alembic_version"


def schema_of(engine) -> dict[str, dict]:
    """{table: {"columns": {name: nullable}, "primary_key": [...], "indexes": {name: columns}}}."""
    found = {}
    inspector = inspect(engine)
    for table in inspector.get_table_names():
        if table == VERSION_TABLE:
            continue
        found[table] = {
            "columns": {c["name"]: c["nullable"] for c in inspector.get_columns(table)},
            "primary_key": sorted(inspector.get_pk_constraint(table)["constrained_columns"]),
            "indexes": {i["name"]: sorted(i["column_names"]) for i in inspector.get_indexes(table)},
        }
    return found


def schema_of_models() -> dict[str, dict]:
    return {
        table.name: {
            "columns": {c.name: bool(c.nullable) for c in table.columns},
            "primary_key": sorted(c.name for c in table.primary_key.columns),
            "indexes": {i.name: sorted(c.name for c in i.columns) for i in table.indexes},
        }
        for table in SQLModel.metadata.sorted_tables
    }


def test_head_is_exactly_the_models(database_url: str):  # noqa: F811
    engine = make_engine(database_url)
    try:
        assert migrations.upgrade(engine) == (None, migrations.head())
        assert schema_of(engine) == schema_of_models()
        with engine.connect() as connection:  # types, defaults, indexes: what autogenerate would write
            differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert differences == [], f"monitor/storage.py changed without a migration: {differences}"
    finally:
        engine.dispose()


def test_upgrade_is_idempotent_and_downgrade_removes_everything(database_url: str):  # noqa: F811
    engine = make_engine(database_url)
    try:
        head = migrations.head()
        migrations.upgrade(engine)
        assert migrations.upgrade(engine) == (head, head)
        assert migrations.current(engine) == head
        config = migrations.alembic_config()
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
            connection.commit()
        assert schema_of(engine) == {}
        assert migrations.upgrade(engine) == (None, head)
    finally:
        engine.dispose()


def test_store_opens_at_head_and_keeps_data_across_reopen(database_url: str):  # noqa: F811
    store = Store(database_url)
    assert migrations.current(store.engine) == migrations.head()
    store.ensure_feed("https://news.test/rss", "Test")
    store.close()
    reopened = Store(database_url)
    assert [feed.name for feed in reopened.list_feeds()] == ["Test"]
    reopened.close()


def test_database_made_before_migrations_is_adopted(database_url: str):  # noqa: F811
    engine = make_engine(database_url)
    try:
        SQLModel.metadata.create_all(engine)  # how Store made its tables before migrations existed
        assert migrations.current(engine) is None
        assert migrations.upgrade(engine) == (None, migrations.head())
        assert schema_of(engine) == schema_of_models()
    finally:
        engine.dispose()


def test_workers_starting_together_migrate_once(database_url: str):  # noqa: F811
    """Three workers open the same new database at once: all succeed, the schema is built once."""
    errors: list[BaseException] = []
    results: list[tuple] = []
    barrier = threading.Barrier(3)

    def start() -> None:
        engine = make_engine(database_url)
        try:
            barrier.wait()
            results.append(migrations.upgrade(engine))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    head = migrations.head()
    assert sorted(results, key=str) == sorted([(None, head), (head, head), (head, head)], key=str)


def test_cli_upgrade_and_current(database_url: str):  # noqa: F811
    runner = CliRunner()
    behind = runner.invoke(app, ["db", "current", "--database", database_url, "--json"])
    assert behind.exit_code == 1 and json.loads(behind.stdout)["current"] is None
    upgraded = runner.invoke(app, ["db", "upgrade", "--database", database_url, "--json"])
    assert upgraded.exit_code == 0, upgraded.output
    assert json.loads(upgraded.stdout) | {"database": ""} == {
        "database": "", "ok": True, "from": None, "to": migrations.head()}
    again = runner.invoke(app, ["db", "upgrade", "--database", database_url])
    assert again.exit_code == 0 and "up to date" in again.stdout
    assert runner.invoke(app, ["db", "current", "--database", database_url]).exit_code == 0


def test_cli_unreachable_database_is_a_clear_error_without_the_password():
    result = CliRunner().invoke(app, ["db", "upgrade", "--database", "postgresql://fw:s3cret@127.0.0.1:1/none"])
    assert result.exit_code == 1
    assert "127.0.0.1" in result.output and "s3cret" not in result.output


def test_cli_reads_the_database_from_the_config(tmp_path):
    config = tmp_path / "monitor.yaml"
    config.write_text(f"database: sqlite:///{tmp_path / 'from-config.db'}\n")
    result = CliRunner().invoke(app, ["db", "upgrade", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert migrations.current(make_engine(f"sqlite:///{tmp_path / 'from-config.db'}")) == migrations.head()
    bad = tmp_path / "bad.yaml"
    bad.write_text("database: mysql://nope\n")
    assert CliRunner().invoke(app, ["db", "upgrade", "--config", str(bad)]).exit_code == 2
