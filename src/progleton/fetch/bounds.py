"""Limits on what a server may make us wait for or hold: response header size and a floor on
body throughput (the slow drip).

The read timeout only catches a server that stops; one that sends a byte every few seconds
never trips it and would hold a connection slot until the total timeout. `BodyMeter` cuts such
a body at the end of the first window that brought less than the floor.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from progleton.errors import FetchError, FetchTimeout
from progleton.fetch.reasons import seconds, size

#: Response headers larger than this (names, values and line overhead) are refused. httpcore
#: itself stops reading at 100 KB (its h11 receive buffer limit), so memory stays bounded even
#: for an endless header stream; this makes the limit explicit and smaller.
MAX_HEADER_BYTES = 64 * 1024
#: h11's message when a header block outgrows its receive buffer (see reasons.py).
H11_HEADER_OVERFLOW = "Receive buffer too long"


def headers_too_large(url: str) -> FetchError:
    """The error for an oversized header block."""
    return FetchError(f"response headers too large (over {size(MAX_HEADER_BYTES)})", url)


def check_header_size(headers: httpx.Headers, url: str) -> None:
    """Refuse a response whose header block is over MAX_HEADER_BYTES."""
    total = sum(len(name) + len(value) + 4 for name, value in headers.raw)  # ": " and CRLF
    if total > MAX_HEADER_BYTES:
        raise headers_too_large(url)


class BodyMeter:
    """Async iterator over raw body chunks that counts them and enforces a throughput floor.

    Time is cut into windows of `window` seconds from the moment reading starts; a window that
    ends with fewer than `floor * window` bytes received in it ends the body with FetchTimeout.
    The check runs when a chunk arrives and also at the window's end if nothing arrives, so a
    stalled trickle is cut on time. `floor <= 0` disables the check (bytes are still counted).
    """

    def __init__(
        self, chunks: AsyncIterator[bytes], floor: int, window: float, host: str, url: str
    ) -> None:
        self._chunks = chunks
        self._need = floor * window if floor > 0 and window > 0 else 0.0
        self._window = window
        self._host = host
        self._url = url
        self.received = 0  # raw (still compressed) bytes so far
        self._in_window = 0
        self._window_end: float | None = None

    def __aiter__(self) -> BodyMeter:
        return self

    async def __anext__(self) -> bytes:
        if not self._need:
            chunk = await anext(self._chunks)
            self.received += len(chunk)
            return chunk
        loop = asyncio.get_running_loop()
        if self._window_end is None:
            self._window_end = loop.time() + self._window
        # With this window's quota met, only an empty next window can fail.
        deadline = self._window_end + (self._window if self._in_window >= self._need else 0.0)
        try:
            async with asyncio.timeout_at(deadline):
                chunk = await anext(self._chunks)
        except TimeoutError:
            self._close_windows(loop.time())
            raise self._too_slow() from None
        self._close_windows(loop.time())
        self._in_window += len(chunk)
        self.received += len(chunk)
        return chunk

    def _close_windows(self, now: float) -> None:
        """Judge every window that has ended by `now`."""
        assert self._window_end is not None
        while now >= self._window_end:
            if self._in_window < self._need:
                raise self._too_slow()
            self._in_window = 0
            self._window_end += self._window

    def _too_slow(self) -> FetchTimeout:
        floor = size(round(self._need / self._window))
        return FetchTimeout(
            f"{self._host} sent only {self._in_window} bytes in {seconds(self._window)} "
            f"(slow drip, under {floor}/s)",
            self._url,
        )
