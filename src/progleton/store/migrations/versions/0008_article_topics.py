"""Article topics: the publisher's categories and sections, one row per article and topic.

`topic_key` is the case-folded form filters compare; `topic` the label as first stated.
Existing articles get no topics (their feeds' categories were not kept); new ones do.

This revision also joins the four branches (0006l, 0006w, 0007d, 0007e) into one head.

Revision ID: 0008t
Revises: 0006l, 0006w, 0007d, 0007e
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008t"
down_revision = ("0006l", "0006w", "0007d", "0007e")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_topics",
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("topic_key", sa.Text, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "topic_key", name="pk_article_topics"),
    )
    op.create_index("ix_article_topics_key", "article_topics", ["topic_key", "article_id"])


def downgrade() -> None:
    op.drop_index("ix_article_topics_key", table_name="article_topics")
    op.drop_table("article_topics")
