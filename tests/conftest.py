"""Shared test fixtures: where ../shared is, the seed article, and a real embedded broker."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "fixtures" / "000_ba7da6c73777dcb1.txt"


def shared_file(*parts: str) -> Path:
    """A file of the workplace's ../shared folder; the calling test skips (with the reason) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (it ships beside the repo in CI, not in a plain clone)")
    return path


@pytest.fixture(scope="session")
def seed_text() -> str:
    return shared_file("fixtures", SEED.name).read_text(encoding="utf-8")


@pytest.fixture()
def broker():
    """A real Kafka-protocol broker (Tansu, memory-only) on a free loopback port."""
    from monitor.broker import EmbeddedBroker

    with EmbeddedBroker() as running:
        yield running


PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture()
def pg_url():
    """A fresh database on the real PostgreSQL server, dropped afterwards.

    In CI an unreachable server fails the test (it must be there); elsewhere it skips with the reason.
    """
    import os
    import uuid

    import psycopg2

    try:
        admin = psycopg2.connect(PG_ADMIN_URL, connect_timeout=3)
    except psycopg2.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at 127.0.0.1:5432 is unreachable in CI: {exc}")
        pytest.skip(f"PostgreSQL at 127.0.0.1:5432 is unreachable: {exc}")
    admin.autocommit = True
    name = f"frontwatch_test_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
