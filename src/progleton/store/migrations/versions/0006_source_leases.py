"""Source leases and stage locks: crawl workers sharing one database.

Workers claim sources before refreshing them (`sources.lease_owner`, `lease_until`), and take
a lock before running a stage that must run once at a time (`stage_locks`).

Revision ID: 0006l
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from progleton.store.schema import UTCDateTime

revision = "0006l"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sources", sa.Column("lease_owner", sa.Text))
    op.add_column("sources", sa.Column("lease_until", UTCDateTime))
    op.create_index("ix_sources_due", "sources", ["paused", "next_check_at"])
    op.create_table(
        "stage_locks",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("until", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stage_locks")
    op.drop_index("ix_sources_due", "sources")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("lease_owner")
