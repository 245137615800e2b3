"""Initial schema: sources, articles (+ FTS5 on SQLite), feed entries, fetch log.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from progleton.store.schema import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("feed_url", sa.Text, nullable=False, unique=True),
        sa.Column("site_url", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.Column("last_checked_at", UTCDateTime),
        sa.Column("last_success_at", UTCDateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("last_error_at", UTCDateTime),
        sa.Column("error_count", sa.Integer, nullable=False),
        sa.Column("next_check_at", UTCDateTime),
        sa.Column("paused", sa.Boolean, nullable=False),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url_key", sa.Text, nullable=False, unique=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("canonical_url", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("authors", sa.Text, nullable=False),
        sa.Column("published", UTCDateTime),
        sa.Column("fetched_at", UTCDateTime, nullable=False),
        sa.Column("sort_time", UTCDateTime, nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("image", sa.Text),
        sa.Column("publisher", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
        sa.Column("guid", sa.Text),
    )
    op.create_index("ix_articles_sort", "articles", ["sort_time", "id"])
    op.create_index("ix_articles_source_sort", "articles", ["source_id", "sort_time", "id"])
    op.create_index("ix_articles_url", "articles", ["url"])
    op.create_table(
        "feed_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "source_id",
            sa.Integer,
            sa.ForeignKey("sources.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("guid", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="SET NULL")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("seen_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("source_id", "guid", name="uq_feed_entries_source_guid"),
    )
    op.create_table(
        "fetch_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE")),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("status", sa.Integer),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("elapsed_ms", sa.Integer),
    )
    op.create_index("ix_fetch_log_source_at", "fetch_log", ["source_id", "at"])

    if op.get_bind().dialect.name == "sqlite":
        # External-content FTS5 index kept in step by triggers, so a crash can never leave
        # an article without its index row (both change in the same transaction).
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            "title, body, publisher UNINDEXED, content='articles', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN "
            "INSERT INTO articles_fts(rowid, title, body, publisher) "
            "VALUES (new.id, new.title, new.body, new.publisher); END"
        )
        op.execute(
            "CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, body, publisher) "
            "VALUES ('delete', old.id, old.title, old.body, old.publisher); END"
        )
        op.execute(
            "CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, body, publisher) "
            "VALUES ('delete', old.id, old.title, old.body, old.publisher); "
            "INSERT INTO articles_fts(rowid, title, body, publisher) "
            "VALUES (new.id, new.title, new.body, new.publisher); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("articles_ai", "articles_ad", "articles_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    op.drop_table("fetch_log")
    op.drop_table("feed_entries")
    op.drop_table("articles")
    op.drop_table("sources")
