"""The Store interface: the only place the rest of Progleton touches persistence.

Implementations: `progleton.store.sqlite.SQLiteStore` (default); both derive from
`progleton.store.sql.SQLStore`. Every write that makes an
article visible happens in one transaction together with its feed entry, so a process killed at
any point leaves either the whole article or nothing, and re-running never stores it twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from progleton.dedupe.near import Fingerprint
from progleton.models import (
    Article,
    FeedEntry,
    FetchLogEntry,
    SearchHit,
    Source,
    Story,
    TitleRevision,
)
from progleton.store.query import SEARCH_CANDIDATES
from progleton.store.templatedb import TEMPLATE_WINDOW, SitePage
from progleton.store.warcdb import WarcCheckpoint

if TYPE_CHECKING:  # listing imports Cursor from here
    from progleton.store.listing import FilterChoice


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

    def lease_due_sources(
        self, owner: str, now: datetime, limit: int, lease: timedelta
    ) -> list[Source]:
        """Atomically claim up to `limit` due, unleased sources for `owner` until now + lease."""

    def lease_owners(self, now: datetime) -> list[str]:
        """Owners of live source leases."""

    def release_leases(self, owner: str) -> int:
        """End every lease `owner` holds (a worker known to be dead)."""

    def try_lock(self, name: str, owner: str, now: datetime, ttl: timedelta) -> bool:
        """Take or renew the lock `name` for `owner` unless another holds it unexpired."""

    def unlock(self, name: str, owner: str) -> None:
        """Release the lock `name` if `owner` holds it."""

    def update_source(self, source: Source, *, release: bool = False) -> None:
        """Persist a source's mutable fields; `release` also ends the worker's lease."""

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
        self,
        article: Article,
        *,
        source_id: int | None = None,
        guid: str | None = None,
        fingerprint: Fingerprint | None = None,
        entry_title: str | None = None,
    ) -> SaveResult:
        """Store an article and mark its feed entry seen, atomically and idempotently.

        Identity is the article's canonical URL (tracking parameters stripped), else its URL;
        a feed GUID already linked to an article also counts as the same article. With a
        body `fingerprint`, the article waits for the near-duplicate stage (`place_copies`).
        """

    def place_copies(self, limit: int) -> tuple[int, int]:
        """Near-duplicate stage: place up to `limit` queued articles, oldest stored first.

        Each is compared with placed articles and folded under its original when it is a
        copy (the earliest version of a text is the original). Returns (placed, copies).
        """

    def count_unplaced(self) -> int:
        """Articles waiting for the near-duplicate stage."""

    def copies_of(self, article_id: int) -> list[Article]:
        """Stored copies of an article (it being their original), earliest first."""

    def title_history(self, article_id: int) -> list[TitleRevision]:
        """Earlier headlines of an article, oldest first."""

    def retitled_entries(self, source_id: int, titles: dict[str, str]) -> list[tuple[str, int]]:
        """(guid, article id) of stored entries whose feed title changed since last seen."""

    def revise_article(
        self,
        article_id: int,
        article: Article,
        *,
        source_id: int | None = None,
        guid: str | None = None,
        entry_title: str | None = None,
    ) -> bool:
        """Apply a publisher's edit, keeping the previous headline. True if the title changed."""

    def find_article_id(self, url: str) -> int | None:
        """The stored article with this URL as its canonical or fetched URL, if any."""

    def link_entry(self, source_id: int, entry: FeedEntry, article_id: int) -> None:
        """Mark a feed entry as a duplicate of an already stored article."""

    def get_article(self, article_id: int) -> Article | None:
        """One article by id, with its topics."""

    def latest_articles(
        self, limit: int, before: Cursor | None = None, source_id: int | None = None
    ) -> list[Article]:
        """Newest first by (published or fetched time, id), keyset-paginated."""

    def cursor_for(self, article: Article) -> Cursor:
        """The cursor that continues a listing after `article`."""

    def count_articles(self, source_id: int | None = None) -> int:
        """Number of stored articles."""

    def search(
        self, query: str, limit: int = 20, offset: int = 0, candidates: int = SEARCH_CANDIDATES
    ) -> tuple[list[SearchHit], int]:
        """Full-text search over title and body; returns (hits, total matches).

        Free words are ANDed; "quoted phrases" match as phrases. Raises nothing on odd input:
        unparseable queries are treated as plain words. Only the newest `candidates` matches
        are ranked (and paged through); a total above `candidates` is an estimate
        (`query.approximate`).
        """

    def get_articles(self, article_ids: Iterable[int]) -> dict[int, Article]:
        """Several articles by id (missing ids are left out)."""

    # -- stories -------------------------------------------------------------------------
    def unclustered_articles(self, limit: int) -> list[Article]:
        """Articles not yet placed in a story, oldest first."""

    def count_unclustered(self) -> int:
        """Articles waiting for the story stage."""

    def story_of(self, article_ids: Iterable[int]) -> dict[int, int]:
        """The story of each given article that has one."""

    def load_cluster_state(self) -> bytes | None:
        """The story clusterer's saved state, if any."""

    def save_clustering(
        self, placements: list[tuple[int, int]], merges: list[tuple[int, int]], state: bytes
    ) -> None:
        """Write (article, story) placements, merges, story summaries and state atomically."""

    def recent_stories(self, limit: int) -> list[Story]:
        """Stories by their latest article, newest first (ranking candidates)."""

    def get_story(self, story_id: int) -> Story | None:
        """One story by id."""

    def story_articles(self, story_id: int, limit: int = 500, offset: int = 0) -> list[Article]:
        """A story's articles in time order (earliest first), `offset` of them skipped."""

    def count_story_copies(self, story_id: int) -> int:
        """How many of a story's articles are syndicated copies of another stored article."""

    def count_stories(self) -> int:
        """Number of stories."""

    # -- filtered listings (store.listing) -----------------------------------------------
    def story_matches(
        self,
        candidates: int,
        source_id: int | None = None,
        language: str | None = None,
        topic: str | None = None,
    ) -> dict[int, list[int]]:
        """Newest `candidates` stories with an article matching the filters -> those ids."""

    def language_choices(self, candidates: int) -> list[FilterChoice]:
        """Primary language codes in the newest `candidates` stories, most common first."""

    def source_choices(self) -> list[FilterChoice]:
        """Sources that have articles, by title."""

    def topic_choices(self, candidates: int, limit: int = 40) -> list[FilterChoice]:
        """The most common topics (keys, labels, article counts) in the newest stories."""

    def topics_of(self, article_ids: Iterable[int]) -> dict[int, list[str]]:
        """The topics of each given article that has any."""

    def record_site_pages(
        self, pages: Iterable[SitePage], *, keep: int = TEMPLATE_WINDOW, trim: Iterable[str] = ()
    ) -> None:
        """Store pages' block signatures under their sites; trim the `trim` sites to `keep`."""

    def site_pages(self, site: str, limit: int = TEMPLATE_WINDOW) -> list[tuple[str, bytes]]:
        """A site's newest recorded pages: (url key, packed signatures), newest first."""

    def source_sites(self, source_id: int) -> list[str]:
        """The sites this source's pages were recorded under, most pages first."""

    def filtered_articles(
        self,
        limit: int,
        before: Cursor | None = None,
        source_id: int | None = None,
        language: str | None = None,
        topic: str | None = None,
    ) -> list[Article]:
        """Newest first, keyset-paginated, optionally by source, language and topic."""

    def search_newest(self, query: str, limit: int) -> list[Article]:
        """The newest matches of a search query (operators honoured), newest first."""

    # -- WARC backfill checkpoints ------------------------------------------------------
    def warc_checkpoint(self, path: str) -> WarcCheckpoint | None:
        """The checkpoint of one archive file, if a backfill has started it."""

    def warc_checkpoints(self) -> list[WarcCheckpoint]:
        """Every archive file a backfill has started, by path."""

    def advance_warc_checkpoint(
        self,
        path: str,
        next_offset: int,
        *,
        done: bool = False,
        records: int = 0,
        kept: int = 0,
        stored: int = 0,
        skipped: Mapping[str, int] | None = None,
    ) -> WarcCheckpoint:
        """Move a file's checkpoint forward (never back) and add a batch's counts to it."""

    # -- fetch log -----------------------------------------------------------------------
    def log_fetch(self, entry: FetchLogEntry) -> None:
        """Append to the fetch log."""

    def recent_fetches(self, source_id: int, limit: int = 20) -> list[FetchLogEntry]:
        """Latest fetch attempts for a source, newest first."""
