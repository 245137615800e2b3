"""Near-duplicate placement as its own stage: stored articles wait in a queue for it.

Revision ID: 0007d
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007d"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Articles stored before this revision were placed as they were stored: none waits.
    op.create_table(
        "dedupe_queue",
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )


def downgrade() -> None:
    op.drop_table("dedupe_queue")
