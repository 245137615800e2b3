"""The Store interface: the only place the rest of Progleton touches persistence.

Implementations: `progleton.store.sqlite.SQLiteStore` (default). Every write that makes an
article visible happens in one transaction together with its feed entry, so a process killed at
any point leaves either the whole article or nothing, and re-running never stores it twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from progleton.models import Article, FeedEntry, FetchLogEntry, SearchHit, Source


@dataclass(frozen=True, slots=True)
class Cursor:
    """Keyset pagination position: articles strictly older than (sort_time, id)."""

    sort_time: datetime
    id: int

    def encode(self) -> str:
        """Opaque string form for URLs."""
        return f"{int(self.sort_time.timestamp() * 1_000_000)}.{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor | None:
        """Parse `encode()` output; None if malformed."""
        from datetime import UTC

        try:
            micros, ident = raw.split(".", 1)
            return cls(datetime.fromtimestamp(int(micros) / 1_000_000, UTC), int(ident))
        except (ValueError, OverflowError, OSError):
            return None


@dataclass(frozen=True, slots=True)
class SaveResult:
    """Outcome of `Store.save_article`."""

    article_id: int
    created: bool  # False: the article was already stored (same canonical URL or GUID)


class Store(Protocol):
    """Persistence for sources, feed entries, articles and the fetch log."""

    url: str

    def close(self) -> None:
        """Release connections."""

    # -- sources -------------------------------------------------------------------------
    def add_source(self, source: Source) -> Source:
        """Insert a source, or return the existing one with the same feed URL."""

    def get_source(self, source_id: int) -> Source | None:
        """One source by id, with `article_count` filled in."""

    def get_source_by_url(self, feed_url: str) -> Source | None:
        """One source by feed URL."""

    def list_sources(self) -> list[Source]:
        """All sources, ordered by title, with `article_count` filled in."""

    def remove_source(self, source_id: int) -> bool:
        """Delete a source (its articles stay). True if it existed."""

    def due_sources(self, now: datetime) -> list[Source]:
        """Unpaused sources whose next check is due (or never checked)."""

    def update_source(self, source: Source) -> None:
        """Persist a source's mutable fields (title, caching headers, health, schedule)."""

    # -- feed entries --------------------------------------------------------------------
    def seen_guids(self, source_id: int, guids: Iterable[str]) -> set[str]:
        """Those of `guids` already handled for this source (stored, duplicate, or given up)."""

    def record_entry_failure(
        self, source_id: int, entry: FeedEntry, reason: str, *, retry: bool = True
    ) -> None:
        """Note a failed attempt at an entry; given up after 3 attempts, or now without retry."""

    def due_entry_retries(self, source_id: int, now: datetime, limit: int = 100) -> list[FeedEntry]:
        """Failed entries due to be tried again (the feed need not list them any more)."""

    # -- articles ------------------------------------------------------------------------
    def save_article(
        self, article: Article, *, source_id: int | None = None, guid: str | None = None
    ) -> SaveResult:
        """Store an article and mark its feed entry seen, atomically and idempotently.

        Identity is the article's canonical URL (tracking parameters stripped), else its URL;
        a feed GUID already linked to an article also counts as the same article.
        """

    def find_article_id(self, url: str) -> int | None:
        """The stored article with this URL as its canonical or fetched URL, if any."""

    def link_entry(self, source_id: int, entry: FeedEntry, article_id: int) -> None:
        """Mark a feed entry as a duplicate of an already stored article."""

    def get_article(self, article_id: int) -> Article | None:
        """One article by id."""

    def latest_articles(
        self, limit: int, before: Cursor | None = None, source_id: int | None = None
    ) -> list[Article]:
        """Newest first by (published or fetched time, id), keyset-paginated."""

    def cursor_for(self, article: Article) -> Cursor:
        """The cursor that continues a listing after `article`."""

    def count_articles(self, source_id: int | None = None) -> int:
        """Number of stored articles."""

    def search(self, query: str, limit: int = 20, offset: int = 0) -> tuple[list[SearchHit], int]:
        """Full-text search over title and body; returns (hits, total matches).

        Free words are ANDed; "quoted phrases" match as phrases. Raises nothing on odd input:
        unparseable queries are treated as plain words.
        """

    # -- fetch log -----------------------------------------------------------------------
    def log_fetch(self, entry: FetchLogEntry) -> None:
        """Append to the fetch log."""

    def recent_fetches(self, source_id: int, limit: int = 20) -> list[FetchLogEntry]:
        """Latest fetch attempts for a source, newest first."""
