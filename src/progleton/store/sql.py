"""The dialect-neutral SQL store: everything but engine set-up and full-text matching.

`SQLiteStore` and `PostgresStore` both derive from `SQLStore`, so every store mixin listed in
its bases (and every method here) behaves the same on both backends. Only portable
SQLAlchemy Core lives here; a backend supplies `_text_search` for its full-text index.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    RowMapping,
    TextClause,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from progleton.dedupe.near import Fingerprint
from progleton.dedupe.urls import url_key
from progleton.errors import StoreError
from progleton.models import Article, FeedEntry, FetchLogEntry, SearchHit, Source, utcnow
from progleton.store import migrate
from progleton.store.base import Cursor, SaveResult
from progleton.store.copies import CopiesMixin
from progleton.store.entitydb import EntitiesMixin
from progleton.store.listing import ListingMixin
from progleton.store.query import SEARCH_CANDIDATES, ParsedQuery, parse_query
from progleton.store.rows import _UTC, article_from_row
from progleton.store.schema import (
    MAX_ENTRY_ATTEMPTS,
    articles,
    feed_entries,
    fetch_log,
    sources,
    stage_locks,
)
from progleton.store.storydb import StoriesMixin
from progleton.store.templatedb import TemplatesMixin
from progleton.store.topicdb import TopicsMixin, add_topics
from progleton.store.warcdb import WarcMixin

# Private-use characters mark snippet highlights so article text can be HTML-escaped
# before the markers become <mark> tags.
HL_OPEN, HL_CLOSE = "\ue000", "\ue001"
_ADJACENT_MARKS = re.compile(r"</mark>([ \t]+)<mark>")

# The storing path's statements, built once: constructing an INSERT of 17 columns (or a
# SELECT) per article cost more Python time than SQLite spent executing it (bench/crawl.py's
# store threads). Values are bound at execution.
_ARTICLE_BY_KEY = select(articles.c.id).where(articles.c.url_key == bindparam("key"))
_ARTICLE_BY_ENTRY = select(feed_entries.c.article_id).where(
    feed_entries.c.source_id == bindparam("source_id"),
    feed_entries.c.guid == bindparam("guid"),
    feed_entries.c.article_id.is_not(None),
)
_INSERT_ARTICLE = insert(articles).returning(articles.c.id)
_ENTRY_ID = select(feed_entries.c.id).where(
    feed_entries.c.source_id == bindparam("source_id"), feed_entries.c.guid == bindparam("guid")
)
_INSERT_ENTRY = insert(feed_entries)
_UPDATE_ENTRY = (
    update(feed_entries)
    .where(feed_entries.c.id == bindparam("entry_id"))
    .values(
        article_id=bindparam("article_id"),
        status=bindparam("status"),
        last_error=None,
        title=bindparam("title"),
    )
)


class SQLStore(
    CopiesMixin,
    StoriesMixin,
    ListingMixin,
    TopicsMixin,
    TemplatesMixin,
    WarcMixin,
    EntitiesMixin,
):
    """`Store` over any SQLAlchemy engine; subclasses create the engine and search text."""

    url: str
    engine: Engine

    def _migrate(self) -> None:
        try:
            migrate.upgrade(self.engine)
        except Exception as exc:
            self.engine.dispose()
            raise StoreError(f"cannot open or migrate {self.url}: {exc}") from exc

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

    def lease_due_sources(
        self, owner: str, now: datetime, limit: int, lease: timedelta
    ) -> list[Source]:
        """Claim up to `limit` due sources no live lease holds, for `owner` until now + lease.

        One statement, so concurrent workers never claim the same source: PostgreSQL skips
        rows another worker is claiming (FOR UPDATE SKIP LOCKED), SQLite runs it under its
        single write lock. A lease that expired (its worker died) is claimable again.
        """
        due = and_(
            sources.c.paused.is_(False),
            or_(sources.c.next_check_at.is_(None), sources.c.next_check_at <= now),
            or_(sources.c.lease_until.is_(None), sources.c.lease_until < now),
        )
        order = (sources.c.next_check_at.is_not(None), sources.c.next_check_at, sources.c.id)
        pick = (
            select(sources.c.id)
            .where(due)
            .order_by(*order)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        with self.engine.begin() as conn:
            ids = (
                conn.execute(
                    update(sources)
                    .where(sources.c.id.in_(pick.scalar_subquery()), due)
                    .values(lease_owner=owner, lease_until=now + lease)
                    .returning(sources.c.id)
                )
                .scalars()
                .all()
            )
            if not ids:
                return []
            rows = conn.execute(
                select(sources).where(sources.c.id.in_(ids)).order_by(*order)
            ).mappings()
            return [self._source(r) for r in rows]

    def lease_owners(self, now: datetime) -> list[str]:
        """Owners of live source leases."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(sources.c.lease_owner)
                .where(sources.c.lease_owner.is_not(None), sources.c.lease_until >= now)
                .distinct()
            )
            return [r[0] for r in rows]

    def release_leases(self, owner: str) -> int:
        """End every lease `owner` holds (a worker known to be dead); how many there were."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    update(sources)
                    .where(sources.c.lease_owner == owner)
                    .values(lease_owner=None, lease_until=None)
                ).rowcount
            )

    def try_lock(self, name: str, owner: str, now: datetime, ttl: timedelta) -> bool:
        """Take (or renew) the lock `name` for `owner` until now + ttl, unless someone else
        holds it unexpired. Atomic on both backends."""
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(stage_locks)
                .where(
                    stage_locks.c.name == name,
                    or_(stage_locks.c.owner == owner, stage_locks.c.until < now),
                )
                .values(owner=owner, until=now + ttl)
            ).rowcount
            if taken:
                return True
            exists = conn.execute(
                select(stage_locks.c.name).where(stage_locks.c.name == name)
            ).first()
            if exists is not None:
                return False
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(stage_locks).values(name=name, owner=owner, until=now + ttl))
            return True
        except IntegrityError:
            return False  # another worker inserted it first

    def unlock(self, name: str, owner: str) -> None:
        """Release the lock `name` if `owner` holds it."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(stage_locks).where(stage_locks.c.name == name, stage_locks.c.owner == owner)
            )

    def update_source(self, source: Source, *, release: bool = False) -> None:
        """Persist a source's mutable fields; `release` also ends this worker's lease."""
        if source.id is None:
            raise StoreError("update_source needs a stored source (id is None)")
        values = self._source_values(source)
        if release:
            values |= {"lease_owner": None, "lease_until": None}
        with self.engine.begin() as conn:
            conn.execute(update(sources).where(sources.c.id == source.id).values(**values))

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
        self,
        article: Article,
        *,
        source_id: int | None = None,
        guid: str | None = None,
        fingerprint: Fingerprint | None = None,
        entry_title: str | None = None,
    ) -> SaveResult:
        """Store the article and its feed entry in one transaction; idempotent.

        With a body `fingerprint`, the article is queued for the near-duplicate stage
        (`place_copies`), which folds a copy under its original.
        """
        args = (article, source_id, guid, fingerprint, entry_title)
        try:
            return self._save_article(*args)
        except IntegrityError:
            # Another feed (or worker) stored the same article between our lookup and our
            # insert; the transaction rolled back whole, and this time the lookup finds it.
            return self._save_article(*args)

    def _save_article(
        self,
        article: Article,
        source_id: int | None,
        guid: str | None,
        fingerprint: Fingerprint | None,
        entry_title: str | None,
    ) -> SaveResult:
        key = url_key(article.canonical_url or article.url)
        now = utcnow()
        fetched = article.fetched_at or now
        sort_time = article.published or fetched
        with self.engine.begin() as conn:
            article_id = self._find_article(conn, key, source_id, guid)
            created = article_id is None
            if article_id is None:
                article_id = conn.execute(
                    _INSERT_ARTICLE,
                    {
                        "url_key": key,
                        "url": article.url,
                        "canonical_url": article.canonical_url,
                        "title": article.title,
                        "authors": json.dumps(article.authors, ensure_ascii=False),
                        "published": article.published,
                        "fetched_at": fetched,
                        "sort_time": sort_time,
                        "language": article.language,
                        "image": article.image,
                        "publisher": article.publisher,
                        "description": article.description,
                        "body": article.text,
                        "source_id": source_id,
                        "guid": guid,
                        "access": article.access,
                        "credit": article.credit,
                        "content_hash": (fingerprint.content_hash or None) if fingerprint else None,
                    },
                ).scalar_one()
                if fingerprint is not None:
                    self._keep_fingerprint(conn, article_id, fingerprint)
            # Also for an article stored before: another feed's categories add to its topics.
            add_topics(conn, article_id, article.topics)
            if source_id is not None and guid is not None:
                self._mark_entry(
                    conn, source_id, guid, article.url, article_id, created, now, entry_title
                )
        return SaveResult(article_id=article_id, created=created)

    @staticmethod
    def _find_article(
        conn: Connection, key: str, source_id: int | None, guid: str | None
    ) -> int | None:
        found = conn.execute(_ARTICLE_BY_KEY, {"key": key}).scalar()
        if found is None and source_id is not None and guid is not None:
            found = conn.execute(_ARTICLE_BY_ENTRY, {"source_id": source_id, "guid": guid}).scalar()
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
        title: str | None = None,
    ) -> None:
        status = "stored" if created else "duplicate"
        existing = conn.execute(_ENTRY_ID, {"source_id": source_id, "guid": guid}).scalar()
        if existing is None:
            conn.execute(
                _INSERT_ENTRY,
                {
                    "source_id": source_id,
                    "guid": guid,
                    "url": url,
                    "article_id": article_id,
                    "status": status,
                    "attempts": 1,
                    "seen_at": now,
                    "title": title,
                },
            )
        else:
            conn.execute(
                _UPDATE_ENTRY,
                {"entry_id": existing, "article_id": article_id, "status": status, "title": title},
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
        """Record the entry as a duplicate of a stored article (its categories add topics)."""
        with self.engine.begin() as conn:
            add_topics(conn, article_id, entry.topics)
            self._mark_entry(
                conn,
                source_id,
                entry.guid,
                entry.url or "",
                article_id,
                created=False,
                now=utcnow(),
                title=entry.title or None,
            )

    _article = staticmethod(article_from_row)

    @classmethod
    def _ranked_hits(
        cls, page: list[int], rows: Iterable[RowMapping], ranks: dict[int, float]
    ) -> list[SearchHit]:
        """Search hits in `page` order from rows with a `snip` column (ids gone meanwhile
        are left out)."""
        by_id = {int(r["id"]): r for r in rows}
        return [
            SearchHit(cls._article(r), highlight(r["snip"] or ""), ranks[i])
            for i in page
            if (r := by_id.get(i)) is not None
        ]

    def get_article(self, article_id: int) -> Article | None:
        """One article by id, with its topics."""
        with self.engine.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == article_id)).mappings()
            first = row.first()
        if first is None:
            return None
        article = self._article(first)
        article.topics = self.topics_of([article_id]).get(article_id, [])
        return article

    def latest_articles(
        self, limit: int, before: Cursor | None = None, source_id: int | None = None
    ) -> list[Article]:
        """Newest first, keyset-paginated on (sort_time, id)."""
        return self.filtered_articles(limit, before, source_id)

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

    def search(
        self, query: str, limit: int = 20, offset: int = 0, candidates: int = SEARCH_CANDIDATES
    ) -> tuple[list[SearchHit], int]:
        """Full-text search with the backend's index; filters alone list newest first.

        Text queries rank only the newest `candidates` matches (see `_text_search`).
        """
        q = parse_query(query)
        if not q.has_text and not (q.source or q.author or q.before or q.after):
            return [], 0
        where, params = self._filters(q)
        params |= {"limit": limit, "offset": offset}
        if q.has_text:
            return self._text_search(q, where, params, max(1, candidates))
        base = f"FROM articles a WHERE 1=1 {where}"
        with self.engine.connect() as conn:
            total = int(conn.execute(typed(f"SELECT count(*) {base}"), params).scalar_one())
            rows = conn.execute(
                typed(
                    f"SELECT a.*, substr(a.body, 1, 240) AS snip {base} "
                    "ORDER BY a.sort_time DESC, a.id DESC LIMIT :limit OFFSET :offset"
                ),
                params,
            ).mappings()
            hits = [SearchHit(self._article(r), highlight(r["snip"] or ""), 0.0) for r in rows]
        return hits, total

    def _text_search(
        self, q: ParsedQuery, where: str, params: dict[str, Any], candidates: int
    ) -> tuple[list[SearchHit], int]:
        """Match `q`'s words and phrases with the backend's full-text index.

        Ranks the newest `candidates` matches by relevance; beyond them, the total is an
        estimate and no page is served (a word in most texts must not rank every text).
        """
        raise NotImplementedError

    @staticmethod
    def _filters(q: ParsedQuery) -> tuple[str, dict[str, Any]]:
        """SQL conditions on `articles a` for the query's operators, and their parameters."""
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
            params["after"] = q.after
        if q.before:
            clauses.append("a.sort_time < :before")
            params["before"] = q.before
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


def typed(sql: str) -> TextClause:
    """A text query whose :after/:before parameters bind as UTC datetimes on any backend."""
    clause = text(sql)
    wanted = [name for name in ("after", "before") if f":{name}" in sql]
    return clause.bindparams(*(bindparam(n, type_=_UTC) for n in wanted)) if wanted else clause


def highlight(snippet: str) -> str:
    """Escape snippet text, then turn the highlight markers into <mark> tags.

    Marks separated only by spaces are joined, so a matched phrase is one highlight on every
    backend (PostgreSQL marks its words one by one).
    """
    escaped = html.escape(snippet)
    marked = escaped.replace(HL_OPEN, "<mark>").replace(HL_CLOSE, "</mark>")
    return _ADJACENT_MARKS.sub(r"\1", marked)


def _entry_json(entry: FeedEntry) -> str:
    return json.dumps(
        {
            "guid": entry.guid,
            "url": entry.url,
            "title": entry.title,
            "published": entry.published.isoformat() if entry.published else None,
            "summary": entry.summary[:2000],
            "authors": entry.authors,
            "topics": entry.topics,
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
        topics=list(data.get("topics") or []),
    )
