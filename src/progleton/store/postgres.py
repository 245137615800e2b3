"""PostgreSQL store: psycopg 3, the same schema and migrations, tsvector + GIN search.

Select it with `--db postgresql://user@host/dbname` (or PROGLETON_DB). Everything but engine
set-up and full-text matching is `SQLStore`'s, shared with SQLite.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, text

from progleton.models import SearchHit
from progleton.store.query import ParsedQuery, estimate_total, phrase_text, ranked_order
from progleton.store.schema import articles
from progleton.store.sql import HL_CLOSE, HL_OPEN, SQLStore, typed

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
        self, q: ParsedQuery, where: str, params: dict[str, Any], candidates: int
    ) -> tuple[list[SearchHit], int]:
        """tsvector match ranked by ts_rank_cd (title weighted), with highlighted snippets.

        As on SQLite, only the newest `candidates` matches (highest ids) are ranked:
        ts_rank_cd and ts_headline read each row's vector and body, which for a word in most
        articles means the whole table. The count is exact up to `candidates`; past it, the
        total is extrapolated from the ids the candidates span.
        """
        query = tsquery_sql(q, params)
        base = f"FROM articles a, ({'SELECT ' + query} AS q) tq WHERE a.search @@ tq.q {where}"
        params["cap"] = candidates + 1
        limit, offset = int(params.pop("limit")), int(params.pop("offset"))
        with self.engine.connect() as conn:
            # The candidates first (GIN index, ids only), ranked in an outer query so the
            # rank is computed for them alone.
            found = conn.execute(
                typed(
                    "SELECT c.id, ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', a.search, tq.q) AS rank "
                    f"FROM (SELECT a.id {base} ORDER BY a.id DESC LIMIT :cap) c "
                    f"JOIN articles a ON a.id = c.id, ({'SELECT ' + query} AS q) tq"
                ),
                params,
            ).all()
            total = len(found)
            if total > candidates:
                found = sorted(found, key=lambda r: -int(r.id))[:candidates]
                newest = int(conn.exec_driver_sql("SELECT max(id) FROM articles").scalar_one())
                total = estimate_total(candidates, newest, int(found[-1].id))
            # Lower rank is better across backends (FTS5's bm25 is negative-is-better).
            order = ranked_order([(int(r.id), -float(r.rank)) for r in found])
            ranks = {int(r.id): -float(r.rank) for r in found}
            page = order[offset : offset + limit]
            if not page:
                return [], total
            rows = conn.execute(
                text(
                    f"SELECT {_COLUMNS}, "
                    "ts_headline(progleton_ts_config(a.language), a.body, tq.q, :headline_opts) "
                    f"AS snip FROM articles a, ({'SELECT ' + query} AS q) tq "
                    "WHERE a.id = ANY(:ids)"
                ),
                {**params, "headline_opts": _HEADLINE, "ids": page},
            ).mappings()
            hits = self._ranked_hits(page, rows, ranks)
        return hits, max(total, len(hits))
