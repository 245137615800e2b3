"""Per-site templates in the store: each site's most recent pages' block signatures.

The crawler records every extracted page's block signatures (`progleton.extract.templates`)
under its site; a site's template is learned from its newest `keep` pages. A page extracted
again replaces its row, so re-running a crawl never counts a page twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from progleton.extract.templates import pack
from progleton.models import utcnow
from progleton.store.schema import site_pages

# Pages kept per site (the newest): enough to tell furniture from a story's repeated lines.
TEMPLATE_WINDOW = 50


class TemplatesMixin:
    """Site page signatures for `SQLStore`."""

    engine: Engine

    def record_site_page(
        self,
        site: str,
        url_key: str,
        blocks: bytes | Iterable[int],
        *,
        source_id: int | None = None,
        keep: int = TEMPLATE_WINDOW,
        at: datetime | None = None,
    ) -> None:
        """Store one page's signatures (or `pack`ed) under its site; keep the newest `keep`."""
        row = {
            "site": site,
            "url_key": url_key,
            "source_id": source_id,
            "seen_at": at or utcnow(),
            "blocks": blocks if isinstance(blocks, bytes) else pack(blocks),
        }
        with self.engine.begin() as conn:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(site_pages).values(row)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["site", "url_key"],
                    set_={
                        "seen_at": stmt.excluded.seen_at,
                        "blocks": stmt.excluded.blocks,
                        "source_id": func.coalesce(stmt.excluded.source_id, site_pages.c.source_id),
                    },
                )
            )
            newest = (
                select(site_pages.c.id)
                .where(site_pages.c.site == site)
                .order_by(site_pages.c.seen_at.desc(), site_pages.c.id.desc())
                .limit(keep)
            )
            conn.execute(
                delete(site_pages).where(
                    site_pages.c.site == site, site_pages.c.id.not_in(newest.scalar_subquery())
                )
            )

    def site_pages(self, site: str, limit: int = TEMPLATE_WINDOW) -> list[tuple[str, bytes]]:
        """A site's newest recorded pages: (url key, packed signatures), newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(site_pages.c.url_key, site_pages.c.blocks)
                .where(site_pages.c.site == site)
                .order_by(site_pages.c.seen_at.desc(), site_pages.c.id.desc())
                .limit(limit)
            ).all()
        return [(r.url_key, bytes(r.blocks)) for r in rows]

    def source_sites(self, source_id: int) -> list[str]:
        """The sites this source's pages were recorded under, most pages first."""
        count = func.count()
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(site_pages.c.site, count)
                .where(site_pages.c.source_id == source_id)
                .group_by(site_pages.c.site)
                .order_by(count.desc(), site_pages.c.site)
            ).all()
        return [r.site for r in rows]
