"""Same article, same story: near-duplicate index, headline history, stories.

- `articles`: `duplicate_of` (the earliest stored version this one copies), `credit` (the
  original publisher named by a wire credit or a cross-site canonical link), `content_hash`,
  `story_id` (NULL until the story stage has placed the article).
- `article_fingerprints` and `article_bands`: body shingles and MinHash LSH band keys.
- `article_titles`: earlier headlines of an article.
- `feed_entries.title`: the entry's title when last seen, so a changed headline is noticed.
- `stories` and `cluster_state` (the clusterer's vocabulary and open stories).
- SQLite: the full-text update trigger fires only when indexed columns change, so placing
  articles in stories does not rewrite their index rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from progleton.store.schema import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_ARTICLE_COLUMNS = (
    ("duplicate_of", sa.Integer),
    ("credit", sa.Text),
    ("content_hash", sa.String(40)),
    ("story_id", sa.Integer),
)
_ARTICLE_INDEXES = (
    ("ix_articles_story_sort", ["story_id", "sort_time", "id"]),
    ("ix_articles_duplicate_of", ["duplicate_of"]),
    ("ix_articles_content_hash", ["content_hash"]),
)


def upgrade() -> None:
    # Plain ADD COLUMN (no constraint): SQLite does it in place, leaving the FTS triggers be.
    for name, kind in _ARTICLE_COLUMNS:
        op.add_column("articles", sa.Column(name, kind))
    for name, cols in _ARTICLE_INDEXES:
        op.create_index(name, "articles", cols)
    op.add_column("feed_entries", sa.Column("title", sa.Text))

    op.create_table(
        "article_fingerprints",
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("words", sa.Integer, nullable=False),
        sa.Column("shingles", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "article_bands",
        sa.Column("band", sa.BigInteger, nullable=False),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("band", "article_id", name="pk_article_bands"),
    )
    op.create_index("ix_article_bands_article", "article_bands", ["article_id"])
    op.create_table(
        "article_titles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("replaced_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_article_titles_article", "article_titles", ["article_id", "id"])
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_seen", UTCDateTime, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.Column("article_count", sa.Integer, nullable=False),
        sa.Column("publisher_count", sa.Integer, nullable=False),
        sa.Column("publishers", sa.Text, nullable=False, server_default="[]"),
        sa.Column("first_article_id", sa.Integer, nullable=False),
        sa.Column("lead_article_id", sa.Integer, nullable=False),
        sa.Column("recent_count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_stories_last_seen", "stories", ["last_seen", "id"])
    op.create_table(
        "cluster_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("state", sa.LargeBinary, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )

    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS articles_au")
        op.execute(
            "CREATE TRIGGER articles_au AFTER UPDATE OF title, body, publisher ON articles "
            "BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, body, publisher) "
            "VALUES ('delete', old.id, old.title, old.body, old.publisher); "
            "INSERT INTO articles_fts(rowid, title, body, publisher) "
            "VALUES (new.id, new.title, new.body, new.publisher); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS articles_au")
        op.execute(
            "CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, body, publisher) "
            "VALUES ('delete', old.id, old.title, old.body, old.publisher); "
            "INSERT INTO articles_fts(rowid, title, body, publisher) "
            "VALUES (new.id, new.title, new.body, new.publisher); END"
        )
    op.drop_table("cluster_state")
    op.drop_index("ix_stories_last_seen", "stories")
    op.drop_table("stories")
    op.drop_index("ix_article_titles_article", "article_titles")
    op.drop_table("article_titles")
    op.drop_index("ix_article_bands_article", "article_bands")
    op.drop_table("article_bands")
    op.drop_table("article_fingerprints")
    with op.batch_alter_table("feed_entries") as batch:
        batch.drop_column("title")
    for name, _cols in _ARTICLE_INDEXES:
        op.drop_index(name, "articles")
    with op.batch_alter_table("articles") as batch:
        for name, _kind in _ARTICLE_COLUMNS:
            batch.drop_column(name)
