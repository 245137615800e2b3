"""Failed entries keep what is needed to retry them without their feed; articles keep access.

`feed_entries.retry_at` and `feed_entries.entry` (the feed entry as JSON) let a crawl retry a
failed page when it is due even if the feed itself answers 304. `articles.access` labels pages
that are not fully readable (``paywall``); NULL means nothing was detected.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from progleton.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feed_entries") as batch:
        batch.add_column(sa.Column("retry_at", UTCDateTime))
        batch.add_column(sa.Column("entry", sa.Text))
        batch.create_index("ix_feed_entries_retry", ["status", "retry_at"])
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("access", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("access")
    with op.batch_alter_table("feed_entries") as batch:
        batch.drop_index("ix_feed_entries_retry")
        batch.drop_column("entry")
        batch.drop_column("retry_at")
