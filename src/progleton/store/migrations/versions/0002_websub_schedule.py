"""Sources: schedule explanation and WebSub subscription state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from progleton.store.schema import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("schedule_note", sa.Text),
    ("websub_hub", sa.Text),
    ("websub_topic", sa.Text),
    ("websub_secret", sa.Text),
    ("websub_state", sa.String(16)),
    ("websub_lease_until", UTCDateTime),
)


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        for name, kind in _COLUMNS:
            batch.add_column(sa.Column(name, kind))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        for name, _kind in reversed(_COLUMNS):
            batch.drop_column(name)
