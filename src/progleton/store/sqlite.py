"""SQLite store: WAL mode, FTS5 search, one transaction per article."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    RowMapping,
    and_,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import IntegrityError

from progleton.dedupe.urls import url_key
from progleton.errors import StoreError
from progleton.models import Article, FeedEntry, FetchLogEntry, SearchHit, Source, utcnow
from progleton.store import migrate
from progleton.store.base import Cursor, SaveResult
from progleton.store.query import ParsedQuery, parse_query
from progleton.store.schema import (
    MAX_ENTRY_ATTEMPTS,
    UTCDateTime,
    articles,
    feed_entries,
    fetch_log,
    sources,
)

# Private-use characters mark FTS5 snippet highlights so article text can be HTML-escaped
# before the markers become <mark> tags.
_HL_OPEN, _HL_CLOSE = "\ue000", "\ue001"
_UTC = UTCDateTime()
_DIALECT = sqlite_dialect.dialect()


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


class SQLiteStore:
    """`Store` on a SQLite file."""

    def __init__(self, url: str) -> None:
        self.url = url
        path = _sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(self.engine, "connect", _on_connect)
        try:
            migrate.upgrade(self.engine)
        except Exception as exc:
            raise StoreError(f"cannot open or migrate {url}: {exc}") from exc

    def close(self) -> None:
        """Dispose of pooled connections."""
        self.engine.dispose()

    # -- sources -------------------------------------------------------------------------
    @staticmethod
    def _source(row: RowMapping, count: int = 0) -> Source:
        return Source(
            id=row["id"],
            feed_url=row["feed_url"],
            site_url=row["site_url"],
            title=row["title"],
            kind=row["kind"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            added_at=row["added_at"],
            last_checked_at=row["last_checked_at"],
            last_success_at=row["last_success_at"],
            last_error=row["last_error"],
            last_error_at=row["last_error_at"],
            error_count=row["error_count"],
            next_check_at=row["next_check_at"],
            paused=bool(row["paused"]),
            schedule_note=row["schedule_note"],
            websub_hub=row["websub_hub"],
            websub_topic=row["websub_topic"],
            websub_secret=row["websub_secret"],
            websub_state=row["websub_state"],
            websub_lease_until=row["websub_lease_until"],
            article_count=count,
        )

    def _source_values(self, s: Source) -> dict[str, Any]:
        return {
            "feed_url": s.feed_url,
            "site_url": s.site_url,
            "title": s.title or "",
            "kind": s.kind,
            "etag": s.etag,
            "last_modified": s.last_modified,
            "last_checked_at": s.last_checked_at,
            "last_success_at": s.last_success_at,
            "last_error": s.last_error,
            "last_error_at": s.last_error_at,
            "error_count": s.error_count,
            "next_check_at": s.next_check_at,
            "paused": s.paused,
            "schedule_note": s.schedule_note,
            "websub_hub": s.websub_hub,
            "websub_topic": s.websub_topic,
            "websub_secret": s.websub_secret,
            "websub_state": s.websub_state,
            "websub_lease_until": s.websub_lease_until,
        }

    def add_source(self, source: Source) -> Source:
        """Insert a source, or return the existing one with the same feed URL."""
        existing = self.get_source_by_url(source.feed_url)
        if existing is not None:
            return existing
        values = self._source_values(source) | {"added_at": source.added_at or utcnow()}
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(sources).values(**values))
        except IntegrityError:
            pass  # a concurrent add won; fall through to read it
        stored = self.get_source_by_url(source.feed_url)
        if stored is None:  # pragma: no cover - would mean the insert vanished
            raise StoreError(f"could not store source {source.feed_url}")
        return stored

    def _sources_where(self, *where: Any) -> list[Source]:
        counts = (
            select(articles.c.source_id, func.count().label("n"))
            .group_by(articles.c.source_id)
            .subquery()
        )
        stmt = (
            select(sources, func.coalesce(counts.c.n, 0).label("article_count"))
            .outerjoin(counts, counts.c.source_id == sources.c.id)
            .where(*where)
            .order_by(func.lower(sources.c.title), sources.c.id)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).mappings().all()
        return [self._source(r, r["article_count"]) for r in rows]

    def get_source(self, source_id: int) -> Source | None:
        """One source by id, with its article count."""
        found = self._sources_where(sources.c.id == source_id)
        return found[0] if found else None

    def get_source_by_url(self, feed_url: str) -> Source | None:
        """One source by feed URL."""
        found = self._sources_where(sources.c.feed_url == feed_url)
        return found[0] if found else None

    def list_sources(self) -> list[Source]:
        """All sources by title."""
        return self._sources_where()

    def remove_source(self, source_id: int) -> bool:
        """Delete a source; its articles stay, unlinked."""
        with self.engine.begin() as conn:
            return conn.execute(delete(sources).where(sources.c.id == source_id)).rowcount > 0

    def due_sources(self, now: datetime) -> list[Source]:
        """Unpaused sources never checked or due by `now`, most overdue first."""
        with self.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(sources)
                    .where(
                        sources.c.paused.is_(False),
                        or_(sources.c.next_check_at.is_(None), sources.c.next_check_at <= now),
                    )
                    .order_by(sources.c.next_check_at.is_not(None), sources.c.next_check_at)
                )
                .mappings()
                .all()
            )
        return [self._source(r) for r in rows]

    def update_source(self, source: Source) -> None:
        """Persist a source's mutable fields."""
        if source.id is None:
            raise StoreError("update_source needs a stored source (id is None)")
        with self.engine.begin() as conn:
            conn.execute(
                update(sources)
                .where(sources.c.id == source.id)
                .values(**self._source_values(source))
            )

    # -- feed entries --------------------------------------------------------------------
    def seen_guids(self, source_id: int, guids: Iterable[str]) -> set[str]:
        """GUIDs stored, folded as duplicates, or failed too often."""
        wanted = list(dict.fromkeys(guids))
        seen: set[str] = set()
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                rows = conn.execute(
                    select(feed_entries.c.guid).where(
                        feed_entries.c.source_id == source_id,
                        feed_entries.c.guid.in_(chunk),
                        or_(
                            feed_entries.c.status != "failed",
                            feed_entries.c.attempts >= MAX_ENTRY_ATTEMPTS,
                            feed_entries.c.retry_at.is_(None),
                        ),
                    )
                )
                seen.update(r[0] for r in rows)
        return seen

    def record_entry_failure(
        self, source_id: int, entry: FeedEntry, reason: str, *, retry: bool = True
    ) -> None:
        """Count a failed attempt at an entry.

        With `retry`, the entry is due again at the source's next check (until it has failed
        `MAX_ENTRY_ATTEMPTS` times), whether or not the feed still lists it; without, it is
        given up now (a refusal, a 410, a page with no article).
        """
        now = utcnow()
        with self.engine.begin() as conn:
            existing = conn.execute(
                select(feed_entries.c.id, feed_entries.c.status, feed_entries.c.attempts).where(
                    feed_entries.c.source_id == source_id, feed_entries.c.guid == entry.guid
                )
            ).first()
            attempts = 1 if existing is None else existing.attempts + 1
            values = {
                "last_error": reason,
                "retry_at": now if retry and attempts < MAX_ENTRY_ATTEMPTS else None,
                "entry": _entry_json(entry),
            }
            if existing is None:
                conn.execute(
                    insert(feed_entries).values(
                        source_id=source_id,
                        guid=entry.guid,
                        url=entry.url,
                        status="failed",
                        attempts=1,
                        seen_at=now,
                        **values,
                    )
                )
            elif existing.status == "failed":
                conn.execute(
                    update(feed_entries)
                    .where(feed_entries.c.id == existing.id)
                    .values(attempts=feed_entries.c.attempts + 1, **values)
                )

    def due_entry_retries(self, source_id: int, now: datetime, limit: int = 100) -> list[FeedEntry]:
        """Failed entries of a source that are due to be tried again, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(feed_entries.c.entry)
                .where(
                    feed_entries.c.source_id == source_id,
                    feed_entries.c.status == "failed",
                    feed_entries.c.retry_at.is_not(None),
                    feed_entries.c.retry_at <= now,
                    feed_entries.c.attempts < MAX_ENTRY_ATTEMPTS,
                    feed_entries.c.entry.is_not(None),
                )
                .order_by(feed_entries.c.seen_at, feed_entries.c.id)
                .limit(limit)
            ).all()
        return [_entry_from_json(row.entry) for row in rows]

    # -- articles ------------------------------------------------------------------------
    def save_article(
        self, article: Article, *, source_id: int | None = None, guid: str | None = None
    ) -> SaveResult:
        """Store the article and its feed entry in one transaction; idempotent."""
        key = url_key(article.canonical_url or article.url)
        now = utcnow()
        fetched = article.fetched_at or now
        with self.engine.begin() as conn:
            article_id = self._find_article(conn, key, source_id, guid)
            created = article_id is None
            if article_id is None:
                article_id = conn.execute(
                    insert(articles)
                    .values(
                        url_key=key,
                        url=article.url,
                        canonical_url=article.canonical_url,
                        title=article.title,
                        authors=json.dumps(article.authors, ensure_ascii=False),
                        published=article.published,
                        fetched_at=fetched,
                        sort_time=article.published or fetched,
                        language=article.language,
                        image=article.image,
                        publisher=article.publisher,
                        description=article.description,
                        body=article.text,
                        source_id=source_id,
                        guid=guid,
                        access=article.access,
                    )
                    .returning(articles.c.id)
                ).scalar_one()
            if source_id is not None and guid is not None:
                self._mark_entry(conn, source_id, guid, article.url, article_id, created, now)
        return SaveResult(article_id=article_id, created=created)

    @staticmethod
    def _find_article(
        conn: Connection, key: str, source_id: int | None, guid: str | None
    ) -> int | None:
        found = conn.execute(select(articles.c.id).where(articles.c.url_key == key)).scalar()
        if found is None and source_id is not None and guid is not None:
            found = conn.execute(
                select(feed_entries.c.article_id).where(
                    feed_entries.c.source_id == source_id,
                    feed_entries.c.guid == guid,
                    feed_entries.c.article_id.is_not(None),
                )
            ).scalar()
        return found

    @staticmethod
    def _mark_entry(
        conn: Connection,
        source_id: int,
        guid: str,
        url: str,
        article_id: int,
        created: bool,
        now: datetime,
    ) -> None:
        status = "stored" if created else "duplicate"
        existing = conn.execute(
            select(feed_entries.c.id).where(
                feed_entries.c.source_id == source_id, feed_entries.c.guid == guid
            )
        ).scalar()
        if existing is None:
            conn.execute(
                insert(feed_entries).values(
                    source_id=source_id,
                    guid=guid,
                    url=url,
                    article_id=article_id,
                    status=status,
                    attempts=1,
                    seen_at=now,
                )
            )
        else:
            conn.execute(
                update(feed_entries)
                .where(feed_entries.c.id == existing)
                .values(article_id=article_id, status=status, last_error=None)
            )

    def find_article_id(self, url: str) -> int | None:
        """Match on the identity key, or on the URL the article was fetched from."""
        with self.engine.connect() as conn:
            found = conn.execute(
                select(articles.c.id).where(articles.c.url_key == url_key(url))
            ).scalar()
            if found is None:
                found = conn.execute(
                    select(articles.c.id).where(articles.c.url == url).limit(1)
                ).scalar()
        return found

    def link_entry(self, source_id: int, entry: FeedEntry, article_id: int) -> None:
        """Record the entry as a duplicate of a stored article."""
        with self.engine.begin() as conn:
            self._mark_entry(
                conn,
                source_id,
                entry.guid,
                entry.url or "",
                article_id,
                created=False,
                now=utcnow(),
            )

    @staticmethod
    def _article(row: RowMapping) -> Article:
        body: str = row["body"] or ""
        return Article(
            id=row["id"],
            url=row["url"],
            canonical_url=row["canonical_url"],
            title=row["title"],
            authors=json.loads(row["authors"] or "[]"),
            published=_as_utc(row["published"]),
            fetched_at=_as_utc(row["fetched_at"]),
            language=row["language"],
            image=row["image"],
            publisher=row["publisher"],
            description=row["description"],
            paragraphs=[p for p in body.split("\n\n") if p],
            source_id=row["source_id"],
            access=row["access"],
        )

    def get_article(self, article_id: int) -> Article | None:
        """One article by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings()
            first = row.first()
        return self._article(first) if first else None

    def latest_articles(
        self, limit: int, before: Cursor | None = None, source_id: int | None = None
    ) -> list[Article]:
        """Newest first, keyset-paginated on (sort_time, id)."""
        stmt = select(articles)
        if source_id is not None:
            stmt = stmt.where(articles.c.source_id == source_id)
        if before is not None:
            stmt = stmt.where(
                or_(
                    articles.c.sort_time < before.sort_time,
                    and_(articles.c.sort_time == before.sort_time, articles.c.id < before.id),
                )
            )
        stmt = stmt.order_by(articles.c.sort_time.desc(), articles.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [self._article(r) for r in conn.execute(stmt).mappings()]

    def cursor_for(self, article: Article) -> Cursor:
        """Continue a listing after `article`."""
        if article.id is None:
            raise StoreError("cursor_for needs a stored article")
        sort_time = article.published or article.fetched_at
        if sort_time is None:
            raise StoreError("stored article without a time")
        return Cursor(sort_time, article.id)

    def count_articles(self, source_id: int | None = None) -> int:
        """Number of stored articles (of one source, if given)."""
        stmt = select(func.count()).select_from(articles)
        if source_id is not None:
            stmt = stmt.where(articles.c.source_id == source_id)
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def search(self, query: str, limit: int = 20, offset: int = 0) -> tuple[list[SearchHit], int]:
        """FTS5 search ranked by BM25 (title weighted 5x), with highlighted snippets."""
        q = parse_query(query)
        if not q.has_text and not (q.source or q.author or q.before or q.after):
            return [], 0
        where, params = self._filters(q)
        if q.has_text:
            match = q.fts5()
            params["match"] = match
            base = (
                "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                f"WHERE articles_fts MATCH :match {where}"
            )
            snippet = (
                f"snippet(articles_fts, 1, '{_HL_OPEN}', '{_HL_CLOSE}', ' … ', 32) AS snip, "
                "bm25(articles_fts, 5.0, 1.0) AS rank"
            )
            order = "rank, a.sort_time DESC"
        else:
            base = f"FROM articles a WHERE 1=1 {where}"
            snippet = "substr(a.body, 1, 240) AS snip, 0.0 AS rank"
            order = "a.sort_time DESC, a.id DESC"
        params |= {"limit": limit, "offset": offset}
        with self.engine.connect() as conn:
            total = int(conn.execute(text(f"SELECT count(*) {base}"), params).scalar_one())
            rows = conn.execute(
                text(f"SELECT a.*, {snippet} {base} ORDER BY {order} LIMIT :limit OFFSET :offset"),
                params,
            ).mappings()
            hits = [
                SearchHit(self._article(r), _highlight(r["snip"] or ""), float(r["rank"]))
                for r in rows
            ]
        return hits, total

    @staticmethod
    def _filters(q: ParsedQuery) -> tuple[str, dict[str, Any]]:
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if q.source:
            clauses.append(
                "(lower(coalesce(a.publisher, '')) LIKE :source OR lower(a.url) LIKE :source_url "
                "OR lower(coalesce(a.canonical_url, '')) LIKE :source_url)"
            )
            params["source"] = f"%{q.source}%"
            params["source_url"] = f"%://%{q.source}%/%"
        if q.author:
            clauses.append("lower(a.authors) LIKE :author")
            params["author"] = f"%{q.author}%"
        if q.after:
            clauses.append("a.sort_time >= :after")
            params["after"] = q.after.replace(tzinfo=None).isoformat(sep=" ")
        if q.before:
            clauses.append("a.sort_time < :before")
            params["before"] = q.before.replace(tzinfo=None).isoformat(sep=" ")
        return "".join(f" AND {c}" for c in clauses), params

    # -- fetch log -----------------------------------------------------------------------
    def log_fetch(self, entry: FetchLogEntry) -> None:
        """Append one fetch attempt."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(fetch_log).values(
                    source_id=entry.source_id,
                    url=entry.url,
                    at=entry.at,
                    status=entry.status,
                    outcome=entry.outcome,
                    reason=entry.reason,
                    elapsed_ms=entry.elapsed_ms,
                )
            )

    def recent_fetches(self, source_id: int, limit: int = 20) -> list[FetchLogEntry]:
        """Latest fetch attempts of a source."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(fetch_log)
                .where(fetch_log.c.source_id == source_id)
                .order_by(fetch_log.c.at.desc(), fetch_log.c.id.desc())
                .limit(limit)
            ).mappings()
            return [
                FetchLogEntry(
                    url=r["url"],
                    at=r["at"],
                    status=r["status"],
                    outcome=r["outcome"],
                    reason=r["reason"],
                    elapsed_ms=r["elapsed_ms"],
                    source_id=r["source_id"],
                )
                for r in rows
            ]


def _as_utc(value: Any) -> datetime | None:
    """Rows from raw `text()` queries bypass the column type; convert their datetimes too."""
    return _UTC.process_result_value(value, _DIALECT)


def _highlight(snippet: str) -> str:
    """Escape snippet text, then turn the FTS markers into <mark> tags."""
    escaped = html.escape(snippet)
    return escaped.replace(_HL_OPEN, "<mark>").replace(_HL_CLOSE, "</mark>")


def _entry_json(entry: FeedEntry) -> str:
    return json.dumps(
        {
            "guid": entry.guid,
            "url": entry.url,
            "title": entry.title,
            "published": entry.published.isoformat() if entry.published else None,
            "summary": entry.summary[:2000],
            "authors": entry.authors,
        },
        ensure_ascii=False,
    )


def _entry_from_json(raw: str) -> FeedEntry:
    data = json.loads(raw)
    published = data.get("published")
    return FeedEntry(
        guid=data["guid"],
        url=data.get("url"),
        title=data.get("title") or "",
        published=datetime.fromisoformat(published) if published else None,
        summary=data.get("summary") or "",
        authors=list(data.get("authors") or []),
    )
