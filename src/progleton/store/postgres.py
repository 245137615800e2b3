"""PostgreSQL store: psycopg 3, the same schema and migrations, tsvector + GIN search.

Select it with `--db postgresql://user@host/dbname` (or PROGLETON_DB). Everything but engine
set-up and full-text matching is `SQLStore`'s, shared with SQLite.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine

from progleton.models import SearchHit
from progleton.store.query import ParsedQuery, phrase_text
from progleton.store.schema import articles
from progleton.store.sql import HL_CLOSE, HL_OPEN, SQLStore, highlight, typed

# The article columns the models read (never the large generated `search` vector).
_COLUMNS = ", ".join(f"a.{c.name}" for c in articles.columns)
_HEADLINE = (
    f"StartSel={HL_OPEN}, StopSel={HL_CLOSE}, MaxWords=32, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def engine_url(url: str) -> str:
    """`postgresql://` and `postgres://` URLs on the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def tsquery_sql(q: ParsedQuery, params: dict[str, Any]) -> str:
    """A tsquery expression for `q`, with every user value a bound parameter.

    A word matches unstemmed (any language) or by its English stem; a phrase matches in
    order; excluded words must be absent.
    """
    parts: list[str] = []
    for i, word in enumerate(q.words):
        params[f"w{i}"] = word
        parts.append(f"(plainto_tsquery('simple', :w{i}) || plainto_tsquery('english', :w{i}))")
    for i, phrase in enumerate(q.phrases):
        text = phrase_text(phrase)
        if not text:
            continue
        params[f"p{i}"] = text
        parts.append(f"phraseto_tsquery('simple', :p{i})")
    for i, word in enumerate(q.excluded):
        params[f"x{i}"] = word
        parts.append(f"!! plainto_tsquery('simple', :x{i})")
    return " && ".join(parts) if parts else "''::tsquery"


class PostgresStore(SQLStore):
    """`Store` on a PostgreSQL database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(
            engine_url(url), pool_pre_ping=True, pool_size=5, max_overflow=10
        )
        self._migrate()

    def _text_search(
        self, q: ParsedQuery, where: str, params: dict[str, Any]
    ) -> tuple[list[SearchHit], int]:
        """tsvector match ranked by ts_rank_cd (title weighted), with highlighted snippets."""
        query = tsquery_sql(q, params)
        base = f"FROM articles a, ({'SELECT ' + query} AS q) tq WHERE a.search @@ tq.q {where}"
        params["headline_opts"] = _HEADLINE
        with self.engine.connect() as conn:
            total = int(conn.execute(typed(f"SELECT count(*) {base}"), params).scalar_one())
            rows = conn.execute(
                typed(
                    f"SELECT {_COLUMNS}, "
                    "ts_headline(progleton_ts_config(a.language), a.body, tq.q, :headline_opts) "
                    "AS snip, "
                    "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', a.search, tq.q) AS rank "
                    f"{base} ORDER BY rank DESC, a.sort_time DESC, a.id DESC "
                    "LIMIT :limit OFFSET :offset"
                ),
                params,
            ).mappings()
            hits = [
                # Lower rank is better across backends (FTS5's bm25 is negative-is-better).
                SearchHit(self._article(r), highlight(r["snip"] or ""), -float(r["rank"]))
                for r in rows
            ]
        return hits, total
