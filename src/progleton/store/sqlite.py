"""SQLite store: WAL mode, FTS5 search, one transaction per article."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from progleton.models import SearchHit
from progleton.store.query import ParsedQuery
from progleton.store.sql import HL_CLOSE, HL_OPEN, SQLStore, highlight, typed


def _sqlite_path(url: str) -> Path | None:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:":
        return None
    return Path(path)


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable against process crashes (SIGKILL) in WAL mode; only power loss can
    # roll back the last commits, and never corrupts.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


class SQLiteStore(SQLStore):
    """`Store` on a SQLite file."""

    def __init__(self, url: str) -> None:
        self.url = url
        path = _sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(self.engine, "connect", _on_connect)
        self._migrate()

    def _text_search(
        self, q: ParsedQuery, where: str, params: dict[str, Any]
    ) -> tuple[list[SearchHit], int]:
        """FTS5 search ranked by BM25 (title weighted 5x), with highlighted snippets."""
        params["match"] = q.fts5()
        base = (
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            f"WHERE articles_fts MATCH :match {where}"
        )
        snippet = (
            f"snippet(articles_fts, 1, '{HL_OPEN}', '{HL_CLOSE}', ' … ', 32) AS snip, "
            "bm25(articles_fts, 5.0, 1.0) AS rank"
        )
        with self.engine.connect() as conn:
            total = int(conn.execute(typed(f"SELECT count(*) {base}"), params).scalar_one())
            rows = conn.execute(
                typed(
                    f"SELECT a.*, {snippet} {base} "
                    "ORDER BY rank, a.sort_time DESC LIMIT :limit OFFSET :offset"
                ),
                params,
            ).mappings()
            hits = [
                SearchHit(self._article(r), highlight(r["snip"] or ""), float(r["rank"]))
                for r in rows
            ]
        return hits, total
