"""Shared fixtures: a `store` on each backend.

Store tests take the `store` fixture and run on SQLite and on PostgreSQL. PostgreSQL comes
from PROGLETON_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test); each test
gets a schema of its own, dropped afterwards. Without a server the PostgreSQL half is
skipped with the reason printed, except under CI (CI=true), where it fails: CI must run it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from progleton.store import Store, open_store
from progleton.store.postgres import engine_url

PG_URL = os.environ.get("PROGLETON_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
_pg_problem: list[str | None] = []


def postgres_problem() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can (checked once)."""
    if not _pg_problem:
        try:
            engine = sa.create_engine(engine_url(PG_URL), connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            engine.dispose()
            _pg_problem.append(None)
        except Exception as exc:  # any failure means: no usable server
            _pg_problem.append(f"PostgreSQL at {PG_URL} unavailable: {type(exc).__name__}")
    return _pg_problem[0]


def require_postgres() -> None:
    """Skip (locally) or fail (under CI) when PostgreSQL is missing."""
    problem = postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{problem}; CI must run the PostgreSQL tests (.ci/run starts the server)")
    pytest.skip(problem)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, empty schema."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(engine_url(PG_URL))
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'news.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated, empty store on each backend."""
    s = open_store(store_url)
    yield s
    s.close()
