"""The network under the Fetcher: an httpcore backend that resolves names itself, vets every
address with the SSRF guard, and connects to the address it vetted.

httpx normally hands the host name to the socket layer, which resolves it again; checking a
separate lookup would leave a window for DNS rebinding. Here the lookup, the check and the
connection use the same addresses. TLS is unaffected: httpcore passes the original host name
for SNI and certificate checks separately (`start_tls(server_hostname=...)`).
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx

from progleton.fetch.addresses import IPAddress, NotAnAddress, parse_host_address
from progleton.fetch.guard import AddressGuard

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


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP/1.1 transport over a `GuardedBackend`, with no proxy (so HTTP(S)_PROXY
    cannot route around the guard)."""

    def __init__(
        self,
        guard: AddressGuard,
        limits: httpx.Limits,
        *,
        backend: httpcore.AsyncNetworkBackend | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        # Loading CA certificates is the costly part of a transport; do it once, for both the
        # pool httpx builds here and the guarded one that replaces it.
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        self.backend = GuardedBackend(guard, backend, resolver)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=self.backend,
        )
