"""The real PostgreSQL server for tests: a fresh schema per test, dropped after it.

The server is ``FRONTWATCH_TEST_POSTGRES`` (default ``postgresql://postgres@127.0.0.1:5432/test``, trust
auth). Each test gets its own schema (``search_path`` in the URL), so parallel runs never collide.
When the server is unreachable the PostgreSQL cases fail with the reason under ``CI=true``, and are
skipped with the reason elsewhere.

    from tests.pgtools import database_url  # noqa: F401  - a fixture over sqlite and postgresql
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest

SERVER = os.environ.get("FRONTWATCH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


@cache
def unreachable_reason() -> str | None:
    """None when the server answers; else why not."""
    import psycopg2

    try:
        psycopg2.connect(SERVER, connect_timeout=3).close()
    except psycopg2.Error as exc:
        return f"PostgreSQL at {SERVER} is unreachable ({str(exc).strip().splitlines()[0]}); start it (.ci/run does)"
    return None


def require_postgres() -> None:
    reason = unreachable_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def _admin(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(SERVER, connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A URL to the real server whose tables land in a fresh schema, dropped after the test."""
    require_postgres()
    schema = f"fw_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE SCHEMA "{schema}"')
    try:
        yield with_search_path(SERVER, schema)
    finally:
        _admin(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs twice: on a SQLite file and on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'frontwatch.db'}"
    return request.getfixturevalue("pg_url")
