"""A scriptable HTTP server on 127.0.0.x for tests that must never touch the internet.

    with LoopbackServer() as srv:
        srv.route("/feed.xml", body=b"<rss/>", headers={"Content-Type": "application/rss+xml"})
        srv.route("/old", **redirect("/feed.xml"))
        srv.route("/slow", body=b"x" * 100, drip=(10, 0.5))          # 10 bytes every 0.5 s
        srv.route("/dyn", handler=lambda req: Route(status=304) if ... else Route(body=b"..."))
        srv.route("/lie", body=b"x" * 50, content_length=100, after="close")  # short body
        srv.route("/endless", stream=lambda: itertools.repeat(b"x" * 65536), framing="chunked")
        srv.route("/reset", body=b"x" * 1000, drip=(100, 0.05), after="reset")  # RST mid-body
        srv.route("/junk", raw=b"HTTP/1.1 200 OK\r\n" + b"X: y\r\n" * 99_999)  # any bytes
        url = srv.url("/feed.xml")
        ...
        srv.count("/feed.xml"); srv.requests  # what the server saw, with monotonic times

Unknown paths answer 404. Paths are matched with their query string first, then without.
Times use time.monotonic(), the same clock the fetcher's politeness code uses.

Tests that fetch from here must opt in past the SSRF guard: `Settings(allow_hosts=LOOPBACK)`
or `PROGLETON_ALLOW_HOSTS=LOOPBACK` for subprocesses.
"""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import socket
import struct
import sys
import threading
import time
import zlib
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, TypeVar

import httpcore
import httpx

from progleton.config import Settings
from progleton.fetch.addresses import IPAddress
from progleton.fetch.guard import LOOPBACK_HOSTS, AddressGuard
from progleton.fetch.network import GuardedTransport

Framing = Literal["length", "close", "chunked"]
After = Literal["keep", "close", "reset"]
T = TypeVar("T")

#: allow_hosts value that lets the fetcher reach these servers (127.0.0.0/8 and ::1).
LOOPBACK = LOOPBACK_HOSTS


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion (pytest-asyncio is not used in this project)."""
    return asyncio.run(coro)


@dataclass
class Route:
    """How the server answers one path."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds before the status line is sent
    drip: tuple[int, float] | None = None  # (bytes per chunk, seconds between chunks)
    framing: Framing = "length"  # Content-Length, close-delimited, or chunked
    handler: Callable[[Request], Route] | None = None  # computes the answer per request
    # Misbehaviours:
    content_length: int | None = None  # announce this Content-Length whatever the body is
    stream: Callable[[], Iterable[bytes]] | None = None  # body chunks, e.g. an endless one
    raw: bytes | Callable[[], Iterable[bytes]] | None = None  # sent verbatim, no status line
    after: After = "keep"  # then keep the connection, close it, or reset it (TCP RST)


@dataclass
class Request:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]  # lower-case names
    started: float
    server: str  # "127.0.0.1:port"
    finished: float | None = None
    method: str = "GET"
    body: bytes = b""  # what a POST sent


def redirect(location: str, status: int = 302) -> dict[str, Any]:
    """Route kwargs for a redirect."""
    return {"status": status, "headers": {"Location": location}}


_bomb_cache: dict[int, bytes] = {}


def gzip_bomb(decompressed_size: int = 50 * 1024 * 1024) -> bytes:
    """`decompressed_size` zero bytes, gzip-compressed (50 MB -> ~50 KB). Cached per size."""
    if decompressed_size not in _bomb_cache:
        comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        block = bytes(1 << 20)
        parts = [comp.compress(block) for _ in range(decompressed_size >> 20)]
        parts.append(comp.compress(bytes(decompressed_size & ((1 << 20) - 1))))
        parts.append(comp.flush())
        _bomb_cache[decompressed_size] = b"".join(parts)
    return _bomb_cache[decompressed_size]


def gzipped(body: bytes) -> bytes:
    """gzip-compress a body (for Content-Encoding: gzip routes)."""
    return gzip.compress(body)


def max_in_flight(requests: Iterable[Request]) -> int:
    """Largest number of requests that were being served at the same moment."""
    events: list[tuple[float, int]] = []
    for req in requests:
        events.append((req.started, 1))
        events.append((req.finished if req.finished is not None else float("inf"), -1))
    peak = current = 0
    for _, step in sorted(events, key=lambda e: (e[0], e[1])):  # ends sort before starts
        current += step
        peak = max(peak, current)
    return peak


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops SYNs when a crawl opens many connections at
    # once, and a dropped SYN is retried only after a second: a spurious connect timeout.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients in these tests hang up on purpose (timeouts, size caps); that is not an error.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Threaded HTTP/1.1 server on `host`:random-port with per-path scripted routes."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = _QuietServer((host, 0), self._handler_class())
        address = self._httpd.server_address
        self.host: str = host
        self.port: int = int(address[1])
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- setup -----------------------------------------------------------------------------
    def route(self, path: str, **kwargs: Any) -> Route:
        """Set (replace) the answer for `path`; kwargs are Route fields."""
        self.routes[path] = Route(**kwargs)
        return self.routes[path]

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.origin + path

    # -- inspection ------------------------------------------------------------------------
    def seen(self, path: str | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path == path]

    def count(self, path: str) -> int:
        return len(self.seen(path))

    def starts(self, path: str | None = None) -> list[float]:
        return [r.started for r in self.seen(path)]

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                req = Request(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    started=time.monotonic(),
                    server=f"{server.host}:{server.port}",
                    method=method,
                    body=self.rfile.read(length) if length else b"",
                )
                with server._lock:
                    server.requests.append(req)
                try:
                    self._answer(req)
                except OSError:
                    self.close_connection = True  # the client gave up; that's the test's point
                finally:
                    req.finished = req.finished or time.monotonic()

            def _answer(self, req: Request) -> None:
                route = server.routes.get(req.path) or server.routes.get(req.path.split("?")[0])
                if route is None:
                    route = Route(status=404, body=b"not found")
                if route.handler is not None:
                    route = replace(route.handler(req), handler=None)
                if route.delay:
                    time.sleep(route.delay)
                if route.raw is not None:
                    self._send_raw(route.raw)
                else:
                    self._send(route, req)
                req.finished = req.finished or time.monotonic()
                if route.after == "reset":
                    self._reset()
                elif route.after == "close":
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_WR)
                    self.close_connection = True

            def _send(self, route: Route, req: Request) -> None:
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                body = b"" if route.status in (204, 304) else route.body
                if route.framing == "length":
                    length = len(body) if route.content_length is None else route.content_length
                    self.send_header("Content-Length", str(length))
                elif route.framing == "chunked":
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                if not body and route.stream is None:
                    req.finished = time.monotonic()
                self.end_headers()
                if route.stream is not None:
                    for chunk in route.stream():
                        self._write(chunk, route.framing)
                else:
                    self._send_body(route, body, req)
                if route.framing == "chunked":
                    self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

            def _send_body(self, route: Route, body: bytes, req: Request) -> None:
                size, pause = route.drip or (len(body) or 1, 0.0)
                starts = range(0, len(body), size)
                for i in starts:
                    if i and pause:
                        time.sleep(pause)
                    if i == starts[-1]:
                        # Stamp the end before the client can see it, so a follow-up request
                        # never appears to overlap this one in max_in_flight().
                        req.finished = time.monotonic()
                    self._write(body[i : i + size], route.framing)

            def _send_raw(self, raw: bytes | Callable[[], Iterable[bytes]]) -> None:
                self.close_connection = True  # after raw bytes, HTTP framing is anyone's guess
                for chunk in [raw] if isinstance(raw, bytes) else raw():
                    self.wfile.write(chunk)
                    self.wfile.flush()

            def _reset(self) -> None:
                """Abort the connection with a TCP RST (SO_LINGER 0), as a crashed server would."""
                self.wfile.flush()
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                self.close_connection = True

            def _write(self, chunk: bytes, framing: Framing) -> None:
                if framing == "chunked":
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                else:
                    self.wfile.write(chunk)
                self.wfile.flush()

        return Handler


def free_port(host: str = "127.0.0.1") -> int:
    """A port on `host` with nothing listening (for connection-refused tests)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class FakeNetwork:
    """Scripted DNS and a network that never leaves loopback, for SSRF tests.

        net = FakeNetwork()
        net.dns["evil.test"] = ["10.0.0.1"]                     # or a callable, per lookup
        net.nat["93.184.216.34"] = (srv.host, srv.port)         # "public" address -> a server
        async with Fetcher(settings, transport=net.transport(settings)) as f: ...
        net.lookups, net.connects                               # what happened

    The transport is the Fetcher's real guarded transport; only name resolution and the final
    socket connect are faked. A connection to anything that is neither loopback nor in `nat`
    fails with a ConnectError (and is recorded), so a broken guard makes a test fail instead of
    sending traffic off this machine.
    """

    def __init__(self) -> None:
        self.dns: dict[str, list[str] | Callable[[], list[str]]] = {}
        self.nat: dict[str, tuple[str, int]] = {}
        self.lookups: list[str] = []
        self.connects: list[str] = []  # addresses the guarded backend asked to connect to

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append(host)
        answer = self.dns.get(host.lower())
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        addresses = answer() if callable(answer) else answer
        return [ipaddress.ip_address(a) for a in addresses]

    def transport(self, settings: Settings, limits: httpx.Limits | None = None) -> GuardedTransport:
        """A GuardedTransport (as the Fetcher builds by default) over this fake network."""
        limits = limits or httpx.Limits(max_connections=settings.max_concurrency)
        guard = AddressGuard.from_spec(settings.allow_hosts)
        return GuardedTransport(
            guard,
            limits,
            backend=_LoopbackOnly(self),
            resolver=self.resolve,
            per_origin=settings.per_host_concurrency,
        )


class _LoopbackOnly(httpcore.AsyncNetworkBackend):
    """Network backend that records connects and only ever reaches loopback."""

    def __init__(self, net: FakeNetwork) -> None:
        self._net = net
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        self._net.connects.append(host)
        if host in self._net.nat:
            host, port = self._net.nat[host]
        elif not ipaddress.ip_address(host).is_loopback:
            raise httpcore.ConnectError(f"test network: {host} is not on this machine")
        return await self._real.connect_tcp(host, port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await self._real.sleep(seconds)
