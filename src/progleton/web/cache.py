"""A micro-cache for anonymous GET pages, feeds and API reads, with ETags and 304s.

Under load most readers ask for the same few pages (the front page, the newest stories, a
popular search) within the same seconds. Rendering each of them once per `ttl` seconds and
answering the rest from memory is what keeps the front page fast; a page at most `ttl` (plus
one render) seconds old still says "7 hours ago" truthfully.

What is cached: answers 200 to GET requests without cookies or credentials, outside /admin,
/websub, /static and the health check, that set no cookie and do not say `no-store` or
`private`. Errors, redirects and admin pages never are. The key is the scheme, Host, root
path, path and query string, so a forged Host header cannot poison other hosts' pages.
Memory is bounded by entry count and by total bytes (least recently used out first). Any
other request (an admin action, a WebSub push) empties this process's cache.

When an entry expires, the first request renders it again while requests arriving meanwhile
get the expired copy (stale-while-revalidate, for at most `ttl` more seconds); with no copy
at all, concurrent requests for one key wait for a single render instead of all rendering it
(no stampede when a busy page expires).

Every cacheable answer carries a strong `ETag` (a hash of its body) and `Cache-Control:
public, max-age=<ttl>`, so browsers and proxies can reuse it too, and `If-None-Match` gets a
304 without a body.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_ENTRIES = 2000
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 2 * 1024 * 1024  # bigger answers pass through uncached
# Paths never cached: sessions and forms, push verification (echoes a challenge), static
# files (Starlette answers those with their own validators) and the liveness probe.
NEVER_PREFIXES = ("/admin", "/websub", "/static", "/api/v1/health")
# Request headers that make an answer personal.
_PRIVATE_REQUEST_HEADERS = (b"cookie", b"authorization")
# Response headers not replayed from the cache: the hop's own, or recomputed per answer.
_DROP_HEADERS = {b"content-length", b"date", b"server", b"etag", b"cache-control", b"age"}

Key = tuple[str, str, str, str, bytes]


@dataclass(slots=True)
class Entry:
    """One cached answer."""

    status: int
    headers: list[tuple[bytes, bytes]]  # without the _DROP_HEADERS
    body: bytes
    etag: bytes
    stored: float  # clock() when stored
    expires: float

    @property
    def size(self) -> int:
        """Approximate bytes held."""
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


class PageCache:
    """Bounded LRU map of `Key` to `Entry`, with per-key render coordination."""

    def __init__(
        self,
        ttl: float,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._bytes = 0
        self._rendering: dict[Key, asyncio.Future[Entry | None]] = {}
        self.hits = 0
        self.misses = 0
        self.stale_hits = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        """Bytes held by all entries (approximate)."""
        return self._bytes

    def get(self, key: Key, *, stale: bool = False) -> Entry | None:
        """The entry for `key` if fresh (or, with `stale`, expired less than `ttl` ago)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = self.clock()
        limit = entry.expires + (self.ttl if stale else 0.0)
        if now >= limit:
            if now >= entry.expires + self.ttl:  # too old even to serve stale: drop it
                self._remove(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: Key, entry: Entry) -> None:
        """Store `entry`, evicting the least recently used entries past the bounds."""
        if entry.size > min(MAX_ENTRY_BYTES, self.max_bytes):
            return
        self._remove(key)
        self._entries[key] = entry
        self._bytes += entry.size
        while self._entries and (
            len(self._entries) > self.max_entries or self._bytes > self.max_bytes
        ):
            oldest = next(iter(self._entries))
            self._remove(oldest)

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()
        self._bytes = 0

    def _remove(self, key: Key) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size


def _header(scope: Scope, name: bytes) -> bytes | None:
    for k, v in scope.get("headers", ()):
        if k == name:
            return bytes(v)
    return None


def cache_key(scope: Scope) -> Key | None:
    """The cache key of a request, or None when its answer must not be cached."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return None
    path: str = scope["path"]
    if path.startswith(NEVER_PREFIXES):
        return None
    for name, _value in scope.get("headers", ()):
        if name in _PRIVATE_REQUEST_HEADERS:
            return None
    host = (_header(scope, b"host") or b"").decode("latin-1").lower()
    root = str(scope.get("root_path", ""))
    return (scope.get("scheme", "http"), host, root, path, bytes(scope.get("query_string", b"")))


def _etag_matches(scope: Scope, etag: bytes) -> bool:
    given = _header(scope, b"if-none-match")
    if not given:
        return False
    tags = [t.strip().removeprefix(b"W/") for t in given.split(b",")]
    return b"*" in tags or etag in tags


def _cacheable(status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    if status != 200:
        return False
    for name, value in headers:
        lname = name.lower()
        if lname == b"set-cookie":
            return False
        if lname == b"cache-control" and (b"no-store" in value or b"private" in value):
            return False
    return True


class MicroCacheMiddleware:
    """ASGI middleware serving `PageCache` hits and filling it from the app (module doc)."""

    def __init__(self, app: ASGIApp, cache: PageCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point."""
        key = cache_key(scope) if self.cache.ttl > 0 else None
        if key is None:
            await self.app(scope, receive, send)
            if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
                # A change (an admin action, a WebSub push): this process's pages are
                # rendered afresh at once; other workers' expire within `ttl`.
                self.cache.clear()
            return
        cache = self.cache
        entry = cache.get(key)
        if entry is not None:
            cache.hits += 1
            await self._replay(scope, send, entry)
            return
        pending = cache._rendering.get(key)
        if pending is not None:
            # Someone is rendering this key: serve the expired copy if there is one, else
            # wait for that render rather than starting another.
            stale = cache.get(key, stale=True)
            if stale is not None:
                cache.stale_hits += 1
                await self._replay(scope, send, stale)
                return
            waited = await asyncio.shield(pending)
            if waited is not None:
                cache.hits += 1
                await self._replay(scope, send, waited)
                return
            await self.app(scope, receive, send)  # the render was not cacheable
            return
        if scope["method"] == "HEAD":  # a HEAD answer has no body to store
            await self.app(scope, receive, send)
            return
        cache.misses += 1
        future: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        cache._rendering[key] = future
        entry = None
        try:
            entry = await self._render(scope, receive, send, key)
        finally:
            # Waiters get the stored entry, or None (not cacheable, or the app failed) and
            # then run the app themselves.
            cache._rendering.pop(key, None)
            future.set_result(entry)

    async def _render(self, scope: Scope, receive: Receive, send: Send, key: Key) -> Entry | None:
        """Run the app, buffering its answer; store it when cacheable; send it either way."""
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passthrough = False

        async def capture(message: Message) -> None:
            nonlocal start, size, passthrough
            if passthrough:
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                if not _cacheable(message["status"], list(message.get("headers", []))):
                    passthrough = True
                    await send(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body = bytes(message.get("body", b""))
            chunks.append(body)
            size += len(body)
            if size > MAX_ENTRY_BYTES:  # too big to keep: send what we have, stream the rest
                passthrough = True
                assert start is not None
                await send(start)
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"".join(chunks),
                        "more_body": message.get("more_body", False),
                    }
                )

        await self.app(scope, receive, capture)
        if passthrough or start is None:
            return None
        body = b"".join(chunks)
        headers = [
            (k.lower(), v) for k, v in start.get("headers", []) if k.lower() not in _DROP_HEADERS
        ]
        now = self.cache.clock()
        entry = Entry(
            status=start["status"],
            headers=headers,
            body=body,
            etag=b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"',
            stored=now,
            expires=now + self.cache.ttl,
        )
        self.cache.put(key, entry)
        await self._replay(scope, send, entry)
        return entry

    async def _replay(self, scope: Scope, send: Send, entry: Entry) -> None:
        """Send `entry` (or a 304 when the client already has it)."""
        age = max(0, int(self.cache.clock() - entry.stored))
        remaining = max(0, int(entry.expires - self.cache.clock() + 0.999))
        validators = [
            (b"etag", entry.etag),
            (b"cache-control", b"public, max-age=%d" % remaining),
            (b"age", b"%d" % age),
        ]
        if _etag_matches(scope, entry.etag):
            keep = [(k, v) for k, v in entry.headers if k in (b"vary", b"content-location")]
            await send({"type": "http.response.start", "status": 304, "headers": keep + validators})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [
            *entry.headers,
            (b"content-length", b"%d" % len(entry.body)),
            *validators,
        ]
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})
