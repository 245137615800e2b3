"""Table definitions (SQLAlchemy Core). Alembic migrations create them; queries use them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
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
    Index("ix_articles_sort", "sort_time", "id"),
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

MAX_ENTRY_ATTEMPTS = 3
