"""A scriptable HTTP server on 127.0.0.x for tests that must never touch the internet.

    with LoopbackServer() as srv:
        srv.route("/feed.xml", body=b"<rss/>", headers={"Content-Type": "application/rss+xml"})
        srv.route("/old", **redirect("/feed.xml"))
        srv.route("/slow", body=b"x" * 100, drip=(10, 0.5))          # 10 bytes every 0.5 s
        srv.route("/dyn", handler=lambda req: Route(status=304) if ... else Route(body=b"..."))
        url = srv.url("/feed.xml")
        ...
        srv.count("/feed.xml"); srv.requests  # what the server saw, with monotonic times

Unknown paths answer 404. Paths are matched with their query string first, then without.
Times use time.monotonic(), the same clock the fetcher's politeness code uses.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import sys
import threading
import time
import zlib
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, TypeVar

Framing = Literal["length", "close", "chunked"]
T = TypeVar("T")


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


@dataclass
class Request:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]  # lower-case names
    started: float
    server: str  # "127.0.0.1:port"
    finished: float | None = None


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
                req = Request(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    started=time.monotonic(),
                    server=f"{server.host}:{server.port}",
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
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                body = b"" if route.status in (204, 304) else route.body
                if route.framing == "length":
                    self.send_header("Content-Length", str(len(body)))
                elif route.framing == "chunked":
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                if not body:
                    req.finished = time.monotonic()
                self.end_headers()
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
                req.finished = req.finished or time.monotonic()
                if route.framing == "chunked":
                    self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

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
