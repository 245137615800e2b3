"""The crawler's per-site templates: learned from each site's pages as they arrive.

Every page the crawler extracts gives its block signatures (`progleton.extract.templates`);
they are stored under the page's site (`Store.record_site_pages`, in batches; newest
`template_window` pages per site) and the site's template, learned from them, is handed to
the extraction of the site's next pages. A block needs `template_min_pages` pages and
`template_min_share` of the window before it counts, so a site's first pages are extracted
with the per-page rules alone.

The cache holds the packed signatures of at most `MAX_SITES` sites (least recently used go),
so memory stays flat however many sites a crawl covers; a site's pages are read again from
the store after `RELOAD_SECONDS`, which brings in what other crawl processes recorded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from progleton.config import Settings
from progleton.extract.templates import SiteTemplate, TemplateParams, learn, unpack
from progleton.models import utcnow
from progleton.store.base import Store
from progleton.store.templatedb import SitePage

log = logging.getLogger(__name__)

MAX_SITES = 256
RELOAD_SECONDS = 600.0
# A site's template is learned again after this many new pages, or a quarter of its window
# while that is filling: learning costs ~1 ms, extracting a page ~10.
RELEARN_EVERY = 10
# Pages' signatures are written in batches (one transaction), at least this often: a crash
# loses the last few seconds of them, never an article.
FLUSH_PAGES = 64
FLUSH_SECONDS = 5.0


def template_params(settings: Settings) -> TemplateParams:
    """The settings' thresholds for a block to count as a site's template."""
    return TemplateParams(
        min_pages=settings.template_min_pages,
        min_share=settings.template_min_share,
        share_base=settings.template_window // 2,
    )


def site_of(url: str) -> str | None:
    """The site a page belongs to: its host name, lower case, without "www." (with the port
    when there is one: two servers on one host are two sites)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return None
    if not host:
        return None
    host = host[4:] if host.startswith("www.") else host
    return f"{host}:{port}" if port else host


@dataclass(slots=True)
class _Site:
    pages: OrderedDict[str, bytes]  # url key -> packed signatures, oldest first
    loaded_at: float
    template: SiteTemplate | None = None
    since_learned: int = 0


class SiteTemplates:
    """Per-site templates for one crawl process (used from its event loop only)."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.window = settings.template_window
        self.params = template_params(settings)
        self._sites: OrderedDict[str, _Site] = OrderedDict()
        # Every source refreshed at once may be a site of its own: a smaller cache would
        # read sites from the store again and again.
        self.max_sites = max(MAX_SITES, settings.max_sources_in_flight + 64)
        self._loading: dict[str, asyncio.Future[list[tuple[str, bytes]]]] = {}
        self._pending: list[SitePage] = []
        self._full: set[str] = set()  # sites in `_pending` whose window is full: trim them
        self._flushed_at = time.monotonic()

    @property
    def enabled(self) -> bool:
        """False when `template_window` is 0 (no learning, no removal)."""
        return self.window > 0

    async def template(self, url: str) -> SiteTemplate | None:
        """The template of `url`'s site, or None while it has none."""
        site = site_of(url)
        if not self.enabled or site is None:
            return None
        state = await self._state(site)
        due = min(RELEARN_EVERY, max(1, len(state.pages) // 4))
        if state.template is None or state.since_learned >= due:
            if len(state.pages) < self.params.floor(len(state.pages)):
                return None  # too few pages for any block to count
            state.template = learn((unpack(b) for b in state.pages.values()), self.params)
            state.since_learned = 0
        return state.template if state.template.blocks else None

    async def observe(
        self, url: str, url_key: str, blocks: bytes, source_id: int | None = None
    ) -> None:
        """Record one extracted page's block signatures under its site."""
        site = site_of(url)
        if not self.enabled or site is None:
            return
        state = await self._state(site)
        state.pages.pop(url_key, None)
        state.pages[url_key] = blocks
        while len(state.pages) > self.window:
            state.pages.popitem(last=False)
        state.since_learned += 1
        self._pending.append(SitePage(site, url_key, blocks, source_id, utcnow()))
        if len(state.pages) >= self.window:
            self._full.add(site)
        if (
            len(self._pending) >= FLUSH_PAGES
            or time.monotonic() - self._flushed_at >= FLUSH_SECONDS
        ):
            await self.flush()

    def _take(self) -> tuple[list[SitePage], set[str]]:
        pending, full = self._pending, self._full
        self._pending, self._full = [], set()
        self._flushed_at = time.monotonic()
        return pending, full

    async def flush(self) -> None:
        """Write the recorded pages not stored yet (a failure is logged, never raised)."""
        pending, full = self._take()
        if pending:
            await asyncio.to_thread(self._write, pending, full)

    def flush_now(self) -> None:
        """`flush` from synchronous code (closing the pipeline)."""
        pending, full = self._take()
        if pending:
            self._write(pending, full)

    def _write(self, pending: list[SitePage], full: set[str]) -> None:
        # Sorted: crawl processes sharing a PostgreSQL database lock rows in one order.
        pending.sort(key=lambda p: (p.site, p.url_key))
        try:
            self.store.record_site_pages(pending, keep=self.window, trim=full)
            return
        except Exception as exc:  # signatures only teach templates: never fail a crawl
            first = exc
        try:
            # A source removed meanwhile (its id no longer exists): keep the pages without it.
            bare = [replace(p, source_id=None) for p in pending]
            self.store.record_site_pages(bare, keep=self.window, trim=full)
            log.warning("site pages stored without their sources: %s", first)
        except Exception:
            log.warning("%d site pages not stored", len(pending), exc_info=True)

    async def _state(self, site: str) -> _Site:
        state = self._sites.get(site)
        now = time.monotonic()
        if state is None or now - state.loaded_at > RELOAD_SECONDS:
            stored = await self._load(site)
            # Another task may have loaded the site meanwhile: keep whichever is there.
            state = self._sites.get(site)
            if state is None or now - state.loaded_at > RELOAD_SECONDS:
                pages = OrderedDict(reversed(stored))
                if state is not None:
                    # Pages recorded here and not written yet stay in the window.
                    for key, blocks in state.pages.items():
                        pages.pop(key, None)
                        pages[key] = blocks
                    while len(pages) > self.window:
                        pages.popitem(last=False)
                state = _Site(pages, now, since_learned=1)
                self._sites[site] = state
        self._sites.move_to_end(site)
        while len(self._sites) > self.max_sites:
            self._sites.popitem(last=False)
        return state

    async def _load(self, site: str) -> list[tuple[str, bytes]]:
        """The site's stored pages (none when the store fails); tasks asking at once share
        one query."""
        loading = self._loading.get(site)
        if loading is not None:
            return await asyncio.shield(loading)
        future: asyncio.Future[list[tuple[str, bytes]]] = asyncio.get_running_loop().create_future()
        self._loading[site] = future
        try:
            try:
                rows = await asyncio.to_thread(self.store.site_pages, site, self.window)
            except Exception:  # a template is an extra: a failed read means none for now
                log.warning("site pages of %s not read", site, exc_info=True)
                rows = []
            future.set_result(rows)
            return rows
        except BaseException:  # cancelled: the tasks waiting on this load are too
            future.cancel()
            raise
        finally:
            self._loading.pop(site, None)


@dataclass(frozen=True, slots=True)
class TemplateSummary:
    """What a source's site template holds, for its source page and the API."""

    site: str
    pages: int  # recorded pages it is learned from (at most the window)
    blocks: int  # recurring blocks removed from the site's next pages
    min_pages: int  # pages a block must be found on before it counts (with this many pages)


def source_templates(store: Store, settings: Settings, source_id: int) -> list[TemplateSummary]:
    """The learned templates of the sites a source's pages came from (at most five)."""
    if settings.template_window <= 0:
        return []
    params = template_params(settings)
    out = []
    for site in store.source_sites(source_id)[:5]:
        rows = store.site_pages(site, settings.template_window)
        template = learn((unpack(blocks) for _, blocks in rows), params)
        out.append(
            TemplateSummary(site, template.pages, len(template), params.floor(template.pages))
        )
    return out
