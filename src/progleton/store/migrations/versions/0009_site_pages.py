"""Per-site templates: the block signatures of each site's recent pages.

Revision ID: 0009s
Revises: 0008t
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from progleton.store.schema import UTCDateTime

revision = "0009s"
down_revision = "0008t"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("url_key", sa.Text, nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL")),
        sa.Column("seen_at", UTCDateTime, nullable=False),
        sa.Column("blocks", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("site", "url_key", name="uq_site_pages_site_url"),
    )
    op.create_index("ix_site_pages_site_seen", "site_pages", ["site", "seen_at"])
    op.create_index("ix_site_pages_source", "site_pages", ["source_id"])


def downgrade() -> None:
    op.drop_index("ix_site_pages_source", table_name="site_pages")
    op.drop_index("ix_site_pages_site_seen", table_name="site_pages")
    op.drop_table("site_pages")
