"""WARC backfill checkpoints: per archive file, the offset of the first uncommitted record.

Revision ID: 0006w
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from progleton.store.schema import UTCDateTime

revision = "0006w"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "warc_checkpoints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False, unique=True),
        sa.Column("next_offset", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("done", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("records", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("kept", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("stored", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("skipped", sa.Text, nullable=False, server_default="{}"),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("warc_checkpoints")
