"""Per-site templates in the store: each site's most recent pages' block signatures.

The crawler records every extracted page's block signatures (`progleton.extract.templates`)
under its site; a site's template is learned from its newest `keep` pages. A page extracted
again replaces its row, so re-running a crawl never counts a page twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from progleton.extract.templates import pack
from progleton.models import utcnow
from progleton.store.schema import site_pages

# Pages kept per site (the newest): enough to tell furniture from a story's repeated lines.
TEMPLATE_WINDOW = 50


@dataclass(frozen=True, slots=True)
class SitePage:
    """One extracted page's block signatures (or `pack`ed), to be stored under its site."""

    site: str
    url_key: str
    blocks: bytes | frozenset[int]
    source_id: int | None = None
    seen_at: datetime | None = None


class TemplatesMixin:
    """Site page signatures for `SQLStore`."""

    engine: Engine

    def record_site_pages(
        self, pages: Iterable[SitePage], *, keep: int = TEMPLATE_WINDOW, trim: Iterable[str] = ()
    ) -> None:
        """Store pages' signatures under their sites, in one transaction; then keep only the
        newest `keep` pages of each site in `trim` (the caller knows which sites are full)."""
        rows = [
            {
                "site": p.site,
                "url_key": p.url_key,
                "source_id": p.source_id,
                "seen_at": p.seen_at or utcnow(),
                "blocks": p.blocks if isinstance(p.blocks, bytes) else pack(p.blocks),
            }
            for p in pages
        ]
        # One row per page: the last record of a page wins, as it would one by one.
        rows = list({(r["site"], r["url_key"]): r for r in rows}.values())
        sites = sorted(set(trim))
        if not rows and not sites:
            return
        with self.engine.begin() as conn:
            if rows:
                dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
                stmt = dialect.insert(site_pages)
                conn.execute(
                    stmt.on_conflict_do_update(
                        index_elements=["site", "url_key"],
                        set_={
                            "seen_at": stmt.excluded.seen_at,
                            "blocks": stmt.excluded.blocks,
                            "source_id": func.coalesce(
                                stmt.excluded.source_id, site_pages.c.source_id
                            ),
                        },
                    ),
                    rows,
                )
            for site in sites:
                newest = (
                    select(site_pages.c.id)
                    .where(site_pages.c.site == site)
                    .order_by(site_pages.c.seen_at.desc(), site_pages.c.id.desc())
                    .limit(keep)
                )
                conn.execute(
                    delete(site_pages).where(
                        site_pages.c.site == site,
                        site_pages.c.id.not_in(newest.scalar_subquery()),
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
