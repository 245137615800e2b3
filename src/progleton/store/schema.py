"""Table definitions (SQLAlchemy Core). Alembic migrations create them; queries use them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the backend stores.

    SQLite keeps the value as naive ISO text, which sorts correctly because it is always UTC.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            raise TypeError(f"unexpected datetime value {value!r}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_url", Text, nullable=False, unique=True),
    Column("site_url", Text),
    Column("title", Text, nullable=False, default=""),
    Column("kind", String(16), nullable=False, default="rss"),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("added_at", UTCDateTime, nullable=False),
    Column("last_checked_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("last_error", Text),
    Column("last_error_at", UTCDateTime),
    Column("error_count", Integer, nullable=False, default=0),
    Column("next_check_at", UTCDateTime),
    Column("paused", Boolean, nullable=False, default=False),
    Column("schedule_note", Text),
    Column("websub_hub", Text),
    Column("websub_topic", Text),
    Column("websub_secret", Text),
    Column("websub_state", String(16)),
    Column("websub_lease_until", UTCDateTime),
    # A crawl worker's claim on the source while it refreshes it (several workers may share
    # one database); an expired lease is taken over.
    Column("lease_owner", Text),
    Column("lease_until", UTCDateTime),
    Index("ix_sources_due", "paused", "next_check_at"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url_key", Text, nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("canonical_url", Text),
    Column("title", Text, nullable=False),
    Column("authors", Text, nullable=False, default="[]"),  # JSON list
    Column("published", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False),
    Column("sort_time", UTCDateTime, nullable=False),
    Column("language", String(16)),
    Column("image", Text),
    Column("publisher", Text),
    Column("description", Text),
    Column("body", Text, nullable=False),  # paragraphs joined by blank lines
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="SET NULL")),
    Column("guid", Text),
    Column("access", String(16)),  # NULL (nothing detected) | paywall
    # Dedupe: the earliest stored version this article copies (NULL: an original), the
    # publisher a wire credit or cross-site canonical link names, and the body's exact hash.
    # Plain integers rather than foreign keys: adding a constraint would make SQLite rebuild
    # the table under its full-text triggers; the store keeps them consistent itself.
    Column("duplicate_of", Integer),
    Column("credit", Text),
    Column("content_hash", String(40)),
    Column("story_id", Integer),  # NULL until the story stage has placed the article
    Index("ix_articles_sort", "sort_time", "id"),
    Index("ix_articles_story_sort", "story_id", "sort_time", "id"),
    Index("ix_articles_duplicate_of", "duplicate_of"),
    Index("ix_articles_content_hash", "content_hash"),
    Index("ix_articles_source_sort", "source_id", "sort_time", "id"),
    Index("ix_articles_url", "url"),
)

feed_entries = Table(
    "feed_entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("guid", Text, nullable=False),
    Column("url", Text),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="SET NULL")),
    Column("status", String(16), nullable=False),  # stored | duplicate | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("retry_at", UTCDateTime),  # when a failed entry may be tried again
    Column("entry", Text),  # the FeedEntry as JSON, so a retry does not need the feed
    Column("title", Text),  # the entry's title when last seen: a change means a new headline
    Index("ix_feed_entries_retry", "status", "retry_at"),
    UniqueConstraint("source_id", "guid", name="uq_feed_entries_source_guid"),
)

fetch_log = Table(
    "fetch_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE")),
    Column("url", Text, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("status", Integer),
    Column("outcome", String(16), nullable=False),
    Column("reason", Text),
    Column("elapsed_ms", Integer),
    Index("ix_fetch_log_source_at", "source_id", "at"),
)

# Near-duplicate index: each article's body shingles (for the exact containment check) and its
# MinHash LSH band keys (to find candidates sharing any band).
article_fingerprints = Table(
    "article_fingerprints",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("words", Integer, nullable=False),
    Column("shingles", LargeBinary, nullable=False),
)

article_bands = Table(
    "article_bands",
    metadata,
    Column("band", BigInteger, nullable=False),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    PrimaryKeyConstraint("band", "article_id", name="pk_article_bands"),
    Index("ix_article_bands_article", "article_id"),
)

# Stored articles the near-duplicate stage has not placed yet (its bands are not indexed and
# it is not yet compared with earlier texts); the story stage waits for them.
dedupe_queue = Table(
    "dedupe_queue",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)

# Earlier headlines of an article, newest last (the current one is on the article).
article_titles = Table(
    "article_titles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("title", Text, nullable=False),
    Column("replaced_at", UTCDateTime, nullable=False),
    Index("ix_article_titles_article", "article_id", "id"),
)

# What an article is about, as its publisher labels it (feed categories, article:section):
# `topic` as first stated, `topic_key` its case-folded form (what filters compare).
article_topics = Table(
    "article_topics",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("topic_key", Text, nullable=False),
    Column("topic", Text, nullable=False),
    PrimaryKeyConstraint("article_id", "topic_key", name="pk_article_topics"),
    Index("ix_article_topics_key", "topic_key", "article_id"),
)

# Per-site templates (progleton.extract.templates): the block signatures of each site's
# most recent pages, packed as signed 64-bit integers. A page's row is replaced when it is
# extracted again; only the newest pages of a site are kept.
site_pages = Table(
    "site_pages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("site", Text, nullable=False),
    Column("url_key", Text, nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="SET NULL")),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("blocks", LargeBinary, nullable=False),
    UniqueConstraint("site", "url_key", name="uq_site_pages_site_url"),
    Index("ix_site_pages_site_seen", "site", "seen_at"),
    Index("ix_site_pages_source", "source_id"),
)

# Stories: ids come from the clusterer (its state is saved with them, in one transaction).
stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("title", Text, nullable=False),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("article_count", Integer, nullable=False),
    Column("publisher_count", Integer, nullable=False),  # independent: copies count once
    Column("publishers", Text, nullable=False, default="[]"),  # JSON list, earliest first
    Column("first_article_id", Integer, nullable=False),
    Column("lead_article_id", Integer, nullable=False),  # the most complete original
    Column("recent_count", Integer, nullable=False, default=0),  # originals in the last day
    Index("ix_stories_last_seen", "last_seen", "id"),
)

# Stages that must run in one process at a time across workers (the story stage): who holds
# the lock and until when (a dead holder's lock expires).
stage_locks = Table(
    "stage_locks",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("owner", Text, nullable=False),
    Column("until", UTCDateTime, nullable=False),
)

# The story clusterer's state (vocabulary, open stories), one row, saved with each batch.
cluster_state = Table(
    "cluster_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("state", LargeBinary, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

MAX_ENTRY_ATTEMPTS = 3

# WARC backfill checkpoints: one row per archive file. `next_offset` is the byte offset (in
# the file as stored, compressed or not) of the first record whose articles are not yet
# committed; counters add up over runs, so a resumed backfill reports the whole file.
warc_checkpoints = Table(
    "warc_checkpoints",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", Text, nullable=False, unique=True),
    Column("next_offset", BigInteger, nullable=False, default=0),
    Column("done", Boolean, nullable=False, default=False),
    Column("records", BigInteger, nullable=False, default=0),
    Column("kept", BigInteger, nullable=False, default=0),
    Column("stored", BigInteger, nullable=False, default=0),
    Column("skipped", Text, nullable=False, default="{}"),  # JSON {reason: count}
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
