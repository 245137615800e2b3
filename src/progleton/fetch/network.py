"""The network under the Fetcher: an httpcore backend that resolves names itself, vets every
address with the SSRF guard, and connects to the address it vetted.

httpx normally hands the host name to the socket layer, which resolves it again; checking a
separate lookup would leave a window for DNS rebinding. Here the lookup, the check and the
connection use the same addresses. TLS is unaffected: httpcore passes the original host name
for SNI and certificate checks separately (`start_tls(server_hostname=...)`).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import httpcore
import httpx

from progleton.fetch.addresses import IPAddress, NotAnAddress, parse_host_address
from progleton.fetch.guard import AddressGuard

log = logging.getLogger(__name__)

#: Resolves (host, port) to IP addresses, in the order connections should be tried.
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

#: httpcore's socket option type (setsockopt arguments).
SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """The operating system's resolver (getaddrinfo), run by the event loop."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[str, IPAddress] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0])
        if text not in seen:
            # getaddrinfo only returns canonical literals, so this parse cannot fail.
            address = parse_host_address(text)
            if address is not None:
                seen[text] = address
    return list(seen.values())


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, vet every address, connect to a vetted one. Raises BlockedAddress if any
    resolved address is refused."""

    def __init__(
        self,
        guard: AddressGuard,
        backend: httpcore.AsyncNetworkBackend | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self._guard = guard
        self._backend = backend if backend is not None else httpcore.AnyIOBackend()
        self._resolver = resolver

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        """Addresses for `host`: the literal itself, or what the resolver says."""
        try:
            literal = parse_host_address(host)
        except NotAnAddress:
            literal = None  # let the resolver give its own error
        if literal is not None:
            return [literal]
        # Looked up at call time so tests can patch the module-level default.
        resolver = self._resolver or system_resolver
        try:
            addresses = await resolver(host, port)
        except OSError as exc:  # socket.gaierror: reasons.py words it as a DNS failure
            raise httpcore.ConnectError(str(exc)) from exc
        if not addresses:
            raise httpcore.ConnectError(f"no addresses for {host}") from socket.gaierror(
                socket.EAI_NONAME, "Name or service not known"
            )
        return addresses

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            async with asyncio.timeout(timeout):
                addresses = await self.resolve(host, port)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"DNS lookup for {host} timed out") from exc
        self._guard.vet(host, addresses)
        error: httpcore.ConnectError | None = None
        for address in addresses:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                # The vetted literal, never the name: the OS must not resolve it again.
                return await self._backend.connect_tcp(
                    str(address),
                    port,
                    timeout=left,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:  # try the next address (e.g. IPv6 then IPv4)
                error = exc
        assert error is not None  # resolve() never returns an empty list
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("Unix sockets are not used for fetching")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


OriginKey = tuple[bytes, bytes, int | None]


@dataclass(slots=True)
class _Origin:
    pool: httpcore.AsyncConnectionPool
    in_flight: int = 0
    last_used: float = 0.0


class OriginPools:
    """One small connection pool per origin (scheme, host, port), so a crawl keeps
    connections alive to each host it is fetching from.

    A single pool shared by hundreds of hosts either evicts a host's idle connection before
    its next request comes (small pool) or costs more than it saves (httpcore scans every
    pooled connection for each request). Here a request only meets its own host's few
    connections. Pools left idle for `idle_expiry` seconds are closed and forgotten (checked
    at most once a second), so sockets and memory stay flat in the number of hosts.
    """

    def __init__(
        self, make_pool: Callable[[], httpcore.AsyncConnectionPool], idle_expiry: float
    ) -> None:
        self._make_pool = make_pool
        self._idle_expiry = idle_expiry
        self._origins: dict[OriginKey, _Origin] = {}
        self._next_sweep = 0.0
        self._closers: set[asyncio.Task[None]] = set()

    @property
    def origins(self) -> int:
        """How many origins have a pool now."""
        return len(self._origins)

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send `request` over a connection of its origin's pool."""
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + 1.0
            self._sweep(now)
        url = request.url
        key = (url.scheme, url.host, url.port)
        origin = self._origins.get(key)
        if origin is None:
            origin = self._origins[key] = _Origin(self._make_pool())
        origin.in_flight += 1
        try:
            return await origin.pool.handle_async_request(request)
        finally:
            origin.in_flight -= 1
            origin.last_used = time.monotonic()

    def _sweep(self, now: float) -> None:
        # Picked and removed with no await in between, and closed by a task of their own: the
        # request that happened to sweep neither waits for the closing nor, when it is
        # cancelled (a timeout), leaves pools that are no longer tracked open.
        quiet = [
            key
            for key, origin in self._origins.items()
            if origin.in_flight == 0
            and now - origin.last_used >= self._idle_expiry
            and all(c.is_idle() for c in origin.pool.connections)  # no body being read
        ]
        if quiet:
            closing = [self._origins.pop(key).pool for key in quiet]
            task = asyncio.get_running_loop().create_task(_close_all(closing))
            self._closers.add(task)
            task.add_done_callback(self._closers.discard)

    async def aclose(self) -> None:
        """Close every pool, including those a sweep is still closing."""
        pools, self._origins = [o.pool for o in self._origins.values()], {}
        await _close_all(pools)
        if self._closers:
            await asyncio.gather(*self._closers, return_exceptions=True)

    async def __aenter__(self) -> OriginPools:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


async def _close_all(pools: list[httpcore.AsyncConnectionPool]) -> None:
    """Close each pool; one failing to close does not keep the others open."""
    for pool in pools:
        try:
            await pool.aclose()
        except Exception:  # a socket already broken by the peer, say
            log.debug("closing an idle connection pool failed", exc_info=True)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP/1.1 transport over a `GuardedBackend`, with no proxy (so HTTP(S)_PROXY
    cannot route around the guard).

    With `per_origin`, connections are pooled per origin, at most `per_origin` + 1 to each
    (`OriginPools`; the one more leaves room for a robots.txt or redirect fetch while the
    host's request slots are taken; the caller bounds the total); otherwise one pool sized
    by `limits`.
    """

    def __init__(
        self,
        guard: AddressGuard,
        limits: httpx.Limits,
        *,
        backend: httpcore.AsyncNetworkBackend | None = None,
        resolver: Resolver | None = None,
        per_origin: int | None = None,
    ) -> None:
        # Loading CA certificates is the costly part of a transport; do it once, for both the
        # pool httpx builds here and the guarded one that replaces it.
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        self.backend = GuardedBackend(guard, backend, resolver)
        expiry = 5.0 if limits.keepalive_expiry is None else limits.keepalive_expiry

        def pool(size: int | None, keep: int | None) -> httpcore.AsyncConnectionPool:
            return httpcore.AsyncConnectionPool(
                ssl_context=ssl_context,
                max_connections=size,
                max_keepalive_connections=keep,
                keepalive_expiry=expiry,
                http1=True,
                http2=False,
                network_backend=self.backend,
            )

        self._pool: httpcore.AsyncConnectionPool | OriginPools  # type: ignore[assignment]
        if per_origin is None:
            self._pool = pool(limits.max_connections, limits.max_keepalive_connections)
        else:
            size = max(1, per_origin) + 1
            self._pool = OriginPools(lambda: pool(size, size), idle_expiry=expiry)
