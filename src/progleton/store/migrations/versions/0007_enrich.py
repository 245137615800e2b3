"""Enrichment: entities, aliases, article mentions, quotes and the enrichment queue marker.

Revision ID: 0007e
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from progleton.store.schema import UTCDateTime

revision = "0007e"
down_revision = "0005"
branch_labels = None
depends_on = None


def _fk(table: str, ondelete: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False, server_default="0"),
        sa.Column("article_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("quote_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_seen", UTCDateTime, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
    )
    op.create_index("ix_entities_last_seen", "entities", ["last_seen"])
    op.create_table(
        "entity_aliases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entity_id", sa.Integer, _fk("entities", "CASCADE"), nullable=False),
        sa.Column("alias_key", sa.Text, nullable=False),
        sa.Column("alias", sa.Text, nullable=False),
        sa.UniqueConstraint("entity_id", "alias_key", name="uq_entity_aliases"),
    )
    op.create_index("ix_entity_aliases_key", "entity_aliases", ["alias_key"])
    op.create_table(
        "article_entities",
        sa.Column("article_id", sa.Integer, _fk("articles", "CASCADE"), nullable=False),
        sa.Column("entity_id", sa.Integer, _fk("entities", "CASCADE"), nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("first_offset", sa.Integer, nullable=False),
        sa.Column("sort_time", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "entity_id", name="pk_article_entities"),
    )
    op.create_index("ix_article_entities_entity", "article_entities", ["entity_id", "sort_time"])
    op.create_table(
        "quotes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, _fk("articles", "CASCADE"), nullable=False),
        sa.Column("entity_id", sa.Integer, _fk("entities", "SET NULL")),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_key", sa.String(40), nullable=False),
        sa.Column("cue", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("sentence", sa.Text, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("sort_time", UTCDateTime, nullable=False),
    )
    op.create_index("ix_quotes_entity", "quotes", ["entity_id", "sort_time"])
    op.create_index("ix_quotes_article", "quotes", ["article_id", "start"])
    op.create_index("ix_quotes_text_key", "quotes", ["text_key"])
    op.create_table(
        "enriched",
        sa.Column("article_id", sa.Integer, _fk("articles", "CASCADE"), primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("skipped", sa.Text),
        sa.Column("entity_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("quote_count", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("enriched")
    for name in ("ix_quotes_text_key", "ix_quotes_article", "ix_quotes_entity"):
        op.drop_index(name, "quotes")
    op.drop_table("quotes")
    op.drop_index("ix_article_entities_entity", "article_entities")
    op.drop_table("article_entities")
    op.drop_index("ix_entity_aliases_key", "entity_aliases")
    op.drop_table("entity_aliases")
    op.drop_index("ix_entities_last_seen", "entities")
    op.drop_table("entities")
