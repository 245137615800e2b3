"""robots.txt, per RFC 9309, parsed with protego and cached per origin.

- 2xx: the rules apply (groups for "Progleton", else "*"); Crawl-delay slows the host down.
- 4xx: "unavailable", everything is allowed (429 is treated like 5xx: the site is overloaded).
- 5xx, network errors, timeouts: "unreachable", everything is disallowed for a short while,
  unless we still hold an older good copy, which keeps applying.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
from protego import Protego

from progleton.errors import BlockedAddress, BlockedByRobots, FetchError, RobotsUnavailable
from progleton.fetch.errors import BlockedRedirect
from progleton.fetch.politeness import Politeness

log = logging.getLogger(__name__)

#: Product token we look for in User-agent lines (matching is case-insensitive).
ROBOTS_AGENT = "Progleton"
#: RFC 9309 §2.4: a cached robots.txt should not be used for more than 24 hours.
ROBOTS_TTL = 24 * 3600.0
#: How long an unreachable robots.txt blocks the origin before we try again.
UNREACHABLE_TTL = 15 * 60.0
#: RFC 9309 §2.5: parse at least 500 KiB; anything after that is ignored.
ROBOTS_MAX_BYTES = 512 * 1024

#: Fetches a robots.txt URL: returns (status, body) or raises FetchError.
RobotsLoader = Callable[[httpx.URL], Awaitable[tuple[int, bytes]]]


@dataclass(slots=True)
class _Entry:
    rules: Protego | None  # None: no rules (allow all) or unreachable (see `blocked`)
    expires: float  # time.monotonic()
    blocked: str | None = None  # reason, when the origin is off-limits for now
    crawl_delay: float | None = None


class RobotsCache:
    """robots.txt verdicts by origin, least recently used dropped first.

    Plain data with no asyncio state, so one cache can outlive a Fetcher and be shared by
    successive ones (e.g. one per crawl round) to keep the 24-hour reuse RFC 9309 allows.
    """

    def __init__(self, max_origins: int = 10_000) -> None:
        self._max = max_origins
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, origin: str) -> _Entry | None:
        entry = self._entries.get(origin)
        if entry is not None:
            self._entries.move_to_end(origin)
        return entry

    def put(self, origin: str, entry: _Entry) -> None:
        self._entries[origin] = entry
        self._entries.move_to_end(origin)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


def origin_of(url: httpx.URL) -> str:
    """scheme://host[:port], the scope of one robots.txt."""
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{url.host.lower()}{port}"


class RobotsPolicy:
    """Answers "may we fetch this URL?", loading each origin's robots.txt at most once per TTL."""

    def __init__(
        self,
        loader: RobotsLoader,
        politeness: Politeness,
        *,
        cache: RobotsCache | None = None,
        agent: str = ROBOTS_AGENT,
        ttl: float = ROBOTS_TTL,
        unreachable_ttl: float = UNREACHABLE_TTL,
    ) -> None:
        self._loader = loader
        self._politeness = politeness
        self._agent = agent
        self._ttl = ttl
        self._unreachable_ttl = unreachable_ttl
        self._cache = cache if cache is not None else RobotsCache()
        # One lock per origin so concurrent fetches to a new site trigger one robots.txt GET.
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, url: httpx.URL) -> None:
        """Raise BlockedByRobots if `url` may not be fetched."""
        if url.raw_path == b"/robots.txt":
            return
        entry = await self._entry(url)
        if entry.blocked is not None:
            raise RobotsUnavailable(entry.blocked, str(url))
        if entry.rules is not None and not entry.rules.can_fetch(str(url), self._agent):
            path = url.raw_path.decode("ascii", "replace")
            raise BlockedByRobots(f"robots.txt disallows {path} for {self._agent}", str(url))

    async def _entry(self, url: httpx.URL) -> _Entry:
        origin = origin_of(url)
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entry = self._cache.get(origin)
            if entry is None or entry.expires <= time.monotonic():
                entry = await self._load(url, previous=entry)
                self._cache.put(origin, entry)
            # Also for entries cached by an earlier Fetcher, whose politeness state is gone.
            self._politeness.set_crawl_delay(url.host, entry.crawl_delay)
            return entry

    async def _load(self, url: httpx.URL, previous: _Entry | None) -> _Entry:
        robots_url = url.copy_with(raw_path=b"/robots.txt", fragment=None)
        now = time.monotonic()
        try:
            status, body = await self._loader(robots_url)
        except FetchError as exc:
            if isinstance(exc, BlockedAddress) and not isinstance(exc, BlockedRedirect):
                # The site itself is off-limits; say so rather than blame its robots.txt.
                # Nothing is cached: the next attempt checks the address again.
                raise
            problem = exc.reason  # a redirect elsewhere that was refused: unreachable
        else:
            if 200 <= status < 300:
                rules = Protego.parse(body.decode("utf-8", "replace"))
                return _Entry(rules, now + self._ttl, crawl_delay=rules.crawl_delay(self._agent))
            if 400 <= status < 500 and status != 429:
                return _Entry(None, now + self._ttl)
            problem = f"HTTP {status}"
        log.info("robots.txt for %s unreachable: %s", origin_of(url), problem)
        if previous is not None and previous.blocked is None:
            # RFC 9309 §2.4: keep using the last good copy while the file is unreachable.
            return _Entry(previous.rules, now + self._unreachable_ttl, None, previous.crawl_delay)
        minutes = round(self._unreachable_ttl / 60)
        reason = (
            f"robots.txt of {url.host} could not be read ({problem}); "
            f"not crawling the site for {minutes} min, as RFC 9309 asks"
        )
        return _Entry(None, now + self._unreachable_ttl, blocked=reason)
