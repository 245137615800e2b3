"""Storage: one interface, backends chosen by database URL."""

from __future__ import annotations

from progleton.store.base import Cursor, SaveResult, Store

__all__ = ["Cursor", "SaveResult", "Store", "open_store"]


def open_store(url: str) -> Store:
    """Open (and migrate) the store at a database URL such as `sqlite:///path/to.db`."""
    from progleton.errors import ConfigError

    if url.startswith("sqlite:"):
        from progleton.store.sqlite import SQLiteStore

        return SQLiteStore(url)
    raise ConfigError(f"unsupported database URL {url!r}: use sqlite:///PATH")
