"""The crawler's per-site templates: learned from each site's pages as they arrive.

Every page the crawler extracts gives its block signatures (`progleton.extract.templates`);
they are stored under the page's site (`Store.record_site_page`, newest `template_window`
pages per site) and the site's template, learned from them, is handed to the extraction of
the site's next pages. A block needs `template_min_pages` pages and `template_min_share` of
the window before it counts, so a site's first pages are extracted with the per-page rules
alone.

The cache holds the packed signatures of at most `MAX_SITES` sites (least recently used go),
so memory stays flat however many sites a crawl covers; a site's pages are read again from
the store after `RELOAD_SECONDS`, which brings in what other crawl processes recorded.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from progleton.config import Settings
from progleton.extract.templates import SiteTemplate, TemplateParams, learn, unpack
from progleton.store.base import Store

MAX_SITES = 256
RELOAD_SECONDS = 600.0
# A site's template is learned again after this many new pages (and while it has fewer than
# a full window): learning costs ~1 ms, a page's extraction tens.
RELEARN_EVERY = 10


def template_params(settings: Settings) -> TemplateParams:
    """The settings' thresholds for a block to count as a site's template."""
    return TemplateParams(
        min_pages=settings.template_min_pages, min_share=settings.template_min_share
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
        if state.template is None or (
            state.since_learned >= RELEARN_EVERY
            or (state.since_learned and len(state.pages) < self.window)
        ):
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
        await asyncio.to_thread(
            self.store.record_site_page,
            site,
            url_key,
            blocks,
            source_id=source_id,
            keep=self.window,
        )

    async def _state(self, site: str) -> _Site:
        state = self._sites.get(site)
        now = time.monotonic()
        if state is None or now - state.loaded_at > RELOAD_SECONDS:
            stored = await asyncio.to_thread(self.store.site_pages, site, self.window)
            # Another task may have loaded the site meanwhile: keep whichever is there.
            state = self._sites.get(site)
            if state is None or now - state.loaded_at > RELOAD_SECONDS:
                pages = OrderedDict(reversed(stored))
                state = _Site(pages, now, since_learned=1)
                self._sites[site] = state
        self._sites.move_to_end(site)
        while len(self._sites) > MAX_SITES:
            self._sites.popitem(last=False)
        return state


@dataclass(frozen=True, slots=True)
class TemplateSummary:
    """What a source's site template holds, for its source page and the API."""

    site: str
    pages: int  # recorded pages it is learned from (at most the window)
    blocks: int  # recurring blocks removed from the site's next pages
    min_pages: int  # pages a block must be found on before it counts


def source_templates(store: Store, settings: Settings, source_id: int) -> list[TemplateSummary]:
    """The learned templates of the sites a source's pages came from (at most five)."""
    params = template_params(settings)
    out = []
    for site in store.source_sites(source_id)[:5]:
        rows = store.site_pages(site, max(1, settings.template_window))
        template = learn((unpack(blocks) for _, blocks in rows), params)
        out.append(TemplateSummary(site, template.pages, len(template), params.min_pages))
    return out
