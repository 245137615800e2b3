"""Per-host politeness: concurrency cap, spacing between request starts, Retry-After back-off.

One `Politeness` belongs to one Fetcher (one event loop). Hosts are keyed by lower-case host
name without port: politeness is owed to the machine, not to one of its ports.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from progleton.config import Settings
from progleton.fetch.errors import RateLimited
from progleton.fetch.reasons import seconds

#: Awaited before each request starts; returns when the caller may take more responses.
Gate = Callable[[], Awaitable[None]]

#: A robots.txt Crawl-delay above this is capped: a feed reader makes a handful of requests
#: per host per round, and a huge delay would only stall the queue behind them.
MAX_CRAWL_DELAY = 60.0
#: Longest we keep refusing a host on its own after a Retry-After; the scheduler owns longer waits.
MAX_BACKOFF = 3600.0


@dataclass
class _Host:
    slots: asyncio.Semaphore
    delay: float
    # Held while waiting for this host's next start time, so starts are strictly spaced.
    spacing: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float = -math.inf
    not_before: float = 0.0


class Politeness:
    """Admission control for requests: global and per-host limits."""

    def __init__(self, settings: Settings, gate: Gate | None = None) -> None:
        self._gate = gate
        self._per_host = max(1, settings.per_host_concurrency)
        self._base_delay = max(0.0, settings.per_host_delay)
        self._global = asyncio.Semaphore(max(1, settings.max_concurrency))
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        key = host.lower()
        state = self._hosts.get(key)
        if state is None:
            state = _Host(asyncio.Semaphore(self._per_host), self._base_delay)
            self._hosts[key] = state
        return state

    def delay_for(self, host: str) -> float:
        """Seconds between request starts to `host`."""
        return self._host(host).delay

    def set_crawl_delay(self, host: str, crawl_delay: float | None) -> None:
        """Apply a robots.txt Crawl-delay (never below the configured per-host delay)."""
        extra = min(max(crawl_delay or 0.0, 0.0), MAX_CRAWL_DELAY)
        self._host(host).delay = max(self._base_delay, extra)

    def back_off(self, host: str, retry_after: float | None) -> None:
        """Refuse new requests to `host` for `retry_after` seconds (capped)."""
        if retry_after is None or retry_after <= 0:
            return
        state = self._host(host)
        until = time.monotonic() + min(retry_after, MAX_BACKOFF)
        state.not_before = max(state.not_before, until)

    def _check_backoff(self, host: str, state: _Host, url: str | None) -> None:
        remaining = state.not_before - time.monotonic()
        if remaining > 0:
            raise RateLimited(
                f"{host} asked us to slow down (Retry-After); "
                f"not contacting it for another {seconds(math.ceil(remaining))}",
                url,
                status=429,
                retry_after=remaining,
            )

    @asynccontextmanager
    async def slot(self, host: str, url: str | None = None) -> AsyncIterator[None]:
        """Hold a request slot for `host`; waits for the spacing delay and global capacity.

        Raises RateLimited (naming `url`) while the host is backed off after a Retry-After.
        """
        state = self._host(host)
        self._check_backoff(host, state, url)
        async with state.slots:
            async with state.spacing:
                wait = state.last_start + state.delay - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                # Re-check: a 429 may have arrived while we queued.
                self._check_backoff(host, state, url)
                # Taken under the spacing lock so the recorded start is the real start.
                await self._global.acquire()
                if self._gate is not None:
                    # Downstream backpressure (pages waiting for extraction): checked with the
                    # global slot held, so at most max_concurrency requests pass it at once.
                    try:
                        await self._gate()
                    except BaseException:
                        self._global.release()
                        raise
                state.last_start = time.monotonic()
            try:
                yield
            finally:
                self._global.release()
