"""Storage: one interface, backends chosen by database URL."""

from __future__ import annotations

from progleton.store.base import Cursor, SaveResult, Store

__all__ = ["Cursor", "SaveResult", "Store", "open_store"]


def open_store(url: str) -> Store:
    """Open (and migrate) the store at `sqlite:///path/to.db` or `postgresql://user@host/db`."""
    from progleton.errors import ConfigError

    if url.startswith("sqlite:"):
        from progleton.store.sqlite import SQLiteStore

        return SQLiteStore(url)
    if url.startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
        from progleton.store.postgres import PostgresStore

        return PostgresStore(url)
    raise ConfigError(
        f"unsupported database URL {url!r}: use sqlite:///PATH or postgresql://USER@HOST/DB"
    )
