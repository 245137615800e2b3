"""A loopback "publisher" server that serves the demo corpus as the real sites would.

Each publisher gets its own loopback address (127.0.0.2, 127.0.0.3, ...; Linux routes all of
127.0.0.0/8 to ``lo``) on one shared port, so per-host politeness in the crawler behaves as it
does on the internet. Where extra loopback addresses cannot be bound (macOS without aliases),
every publisher gets its own port on 127.0.0.1 instead.

One background thread waits on all listening sockets; each connection is handled on its own
thread by a stdlib `http.server` handler. Run ``python -m progleton.demo.server --port 8800`` to
browse it by hand.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import ipaddress
import logging
import selectors
import signal
import socket
import socketserver
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from progleton.demo.corpus import Corpus, CorpusArticle, load_corpus
from progleton.demo.site import (
    GZIP_MIN_BYTES,
    PRIVATE_PREFIX,
    DemoPublisher,
    Resource,
    Site,
    build_site,
)

__all__ = [
    "Corpus",
    "CorpusArticle",
    "DemoPublisher",
    "PublisherServer",
    "RequestRecord",
    "load_corpus",
]

log = logging.getLogger(__name__)

_BIND_ATTEMPTS = 20
_REQUEST_LOG_SIZE = 50_000
# The publisher whose robots.txt disallows /private/ (no article lives there). Falls back to the
# first publisher when this host is not in the corpus.
ROBOTS_RESTRICTED_HOST = "www.theguardian.com"


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the server answered (for tests and for watching the crawler)."""

    at: float  # time.time()
    host: str  # the publisher's real host
    address: str  # loopback ip:port that answered
    method: str
    target: str
    status: int
    user_agent: str
    conditional: bool  # If-None-Match or If-Modified-Since was sent
    gzip: bool


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"  # keep-alive, as real sites and httpx's pool expect
    server_version = "ProgletonDemoPublisher/1.0"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are dropped after this many seconds
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for the
    # client's delayed ACK (~40 ms per response).
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def version_string(self) -> str:
        return self.server_version  # the default appends the Python version

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: requests go to the server's request log instead of stderr."""

    def _respond(self, *, send_body: bool) -> None:
        target = self.path
        if "://" in target:  # absolute-form request target (proxies send these)
            parts = urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        resource = self.server.site.lookup(target)
        use_gzip = (
            resource.status == 200
            and len(resource.body) >= GZIP_MIN_BYTES
            and _accepts_gzip(self.headers.get("Accept-Encoding", ""))
        )
        # A compressed body is a different representation: nginx marks its ETag weak, and so do
        # we; If-None-Match uses the weak comparison, so either form revalidates.
        etag = "W/" + resource.etag if use_gzip else resource.etag
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        if resource.status == 200 and _not_modified(self.headers, resource):
            self.send_response(304)
            self._validators(resource, etag)
            self.end_headers()
            self._record(304, target, conditional, gzip=False)
            return
        body = resource.gzipped() if use_gzip else resource.body
        self.send_response(resource.status)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(body)))
        if use_gzip:
            self.send_header("Content-Encoding", "gzip")
        self._validators(resource, etag)
        self.end_headers()
        if send_body:
            self.wfile.write(body)
        self._record(resource.status, target, conditional, gzip=use_gzip)

    def _validators(self, resource: Resource, etag: str) -> None:
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", resource.http_last_modified)
        self.send_header("Cache-Control", resource.cache_control)
        self.send_header("Vary", "Accept-Encoding")

    def _record(self, status: int, target: str, conditional: bool, *, gzip: bool) -> None:
        self.server.record(
            RequestRecord(
                at=time.time(),
                host=self.server.site.publisher.host,
                address=f"{self.server.server_name}:{self.server.server_port}",
                method=self.command,
                target=target,
                status=status,
                user_agent=self.headers.get("User-Agent", ""),
                conditional=conditional,
                gzip=gzip,
            )
        )


def _accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding value allows gzip (an explicit q=0 forbids it)."""
    wildcard = False
    for part in header.split(","):
        token, _, params = part.partition(";")
        token = token.strip().lower()
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if token in ("gzip", "x-gzip"):
            return q > 0
        if token == "*":  # noqa: S105 - a coding token, not a password
            wildcard = q > 0
    return wildcard


def _not_modified(headers: Message, resource: Resource) -> bool:
    """RFC 9110 conditional GET: If-None-Match wins; If-Modified-Since only without it."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        return any(t == "*" or t.removeprefix("W/") == resource.etag for t in tags)
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False  # unparseable dates are ignored, as the RFC says
        if since.tzinfo is None:
            return False
        return resource.last_modified <= since
    return False


class _SiteServer(ThreadingHTTPServer):
    """One publisher's listening socket; connections are handled on daemon threads."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        log_sink: deque[RequestRecord],
        log_lock: threading.Lock,
    ) -> None:
        self.site: Site
        self._log_sink = log_sink
        self._log_lock = log_lock
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        super().__init__(address, _Handler)
        # The dispatcher selects on all sockets; a non-blocking accept avoids stalling it on a
        # connection that vanished between select() and accept().
        self.socket.setblocking(False)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the address with getfqdn(), a reverse DNS lookup per
        # loopback address that can take seconds offline. The name is unused here.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def track(self, conn: socket.socket) -> None:
        with self._conn_lock:
            self._connections.add(conn)

    def untrack(self, conn: socket.socket) -> None:
        with self._conn_lock:
            self._connections.discard(conn)

    def drop_connections(self) -> None:
        """Shut down open (keep-alive) connections so their threads end promptly."""
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            with contextlib.suppress(OSError):  # already closed by the peer
                conn.shutdown(socket.SHUT_RDWR)

    def record(self, entry: RequestRecord) -> None:
        with self._log_lock:
            self._log_sink.append(entry)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # clients hanging up (or stop() closing sockets) are not server errors
        super().handle_error(request, client_address)


def loopback_addresses(host_base: str, count: int) -> list[str]:
    """``count`` addresses counting up from ``<host_base>.2``, skipping .0 and .255."""
    start = ipaddress.IPv4Address(f"{host_base}.0")
    if not start.is_loopback:
        raise ValueError(f"{host_base!r} is not a loopback prefix (expected e.g. 127.0.0)")
    out: list[str] = []
    candidate = start + 2
    while len(out) < count:
        if not candidate.is_loopback:
            raise ValueError(f"not enough loopback addresses after {host_base}.2")
        if candidate.packed[-1] not in (0, 255):
            out.append(str(candidate))
        candidate += 1
    return out


class PublisherServer:
    """Serves every corpus publisher on loopback from a background thread.

    Use as a context manager, or call `start` and `stop`. After `start` returns, all sockets
    are bound and listening and `publishers` is filled in.
    """

    def __init__(
        self, corpus: Corpus | None = None, port: int = 0, host_base: str = "127.0.0"
    ) -> None:
        self.corpus = corpus if corpus is not None else load_corpus()
        self.port = port
        self.host_base = host_base
        self.publishers: list[DemoPublisher] = []
        self.mode = "addresses"  # or "ports" when extra loopback addresses are unavailable
        self._servers: list[_SiteServer] = []
        self._log: deque[RequestRecord] = deque(maxlen=_REQUEST_LOG_SIZE)
        self._log_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> PublisherServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Bind every publisher's socket, render its site, and start serving."""
        if self._thread is not None:
            raise RuntimeError("PublisherServer already started")
        groups = self.corpus.by_host()
        hosts = list(groups)
        if not hosts:
            raise ValueError("the corpus has no articles")
        try:
            servers = self._bind_addresses(len(hosts))
        except OSError as exc:
            if exc.errno != errno.EADDRNOTAVAIL:
                raise
            log.warning("cannot bind extra loopback addresses; one port per publisher instead")
            self.mode = "ports"
            servers = self._bind_ports(len(hosts))
        restricted = ROBOTS_RESTRICTED_HOST if ROBOTS_RESTRICTED_HOST in groups else hosts[0]
        publishers = []
        for host, server in zip(hosts, servers, strict=True):
            articles = groups[host]
            ip, port = server.server_address[:2]
            pub = DemoPublisher(
                name=articles[0].publisher,
                host=host,
                ip=str(ip),
                port=int(port),
                articles=tuple(articles),
                robots_disallow=(PRIVATE_PREFIX,) if host == restricted else (),
            )
            server.site = build_site(pub)
            publishers.append(pub)
        self.publishers = publishers
        self._servers = servers
        self._wake = socket.socketpair()
        self._thread = threading.Thread(target=self._dispatch, name="demo-publishers", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, close open connections, and wait for handler threads to end."""
        if self._thread is None or self._wake is None:
            return
        self._wake[1].send(b"x")
        self._thread.join()
        for server in self._servers:
            server.drop_connections()
            server.server_close()  # closes the socket and joins this server's handler threads
        for sock in self._wake:
            sock.close()
        self._thread = None
        self._wake = None
        self._servers = []

    def _dispatch(self) -> None:
        assert self._wake is not None
        with selectors.DefaultSelector() as sel:
            sel.register(self._wake[0], selectors.EVENT_READ, None)
            for server in self._servers:
                sel.register(server.socket, selectors.EVENT_READ, server)
            while True:
                for key, _ in sel.select():
                    if key.data is None:
                        return
                    # Non-blocking socket: handle_request accepts one connection and hands it
                    # to a new thread, or returns at once if it is gone.
                    key.data.handle_request()

    def _new_server(self, address: tuple[str, int]) -> _SiteServer:
        return _SiteServer(address, self._log, self._log_lock)

    def _bind_addresses(self, count: int) -> list[_SiteServer]:
        """One socket per loopback address, all on one port (picked by the first bind)."""
        addresses = loopback_addresses(self.host_base, count)
        attempts = _BIND_ATTEMPTS if self.port == 0 else 1
        for attempt in range(attempts):
            servers: list[_SiteServer] = []
            try:
                servers.append(self._new_server((addresses[0], self.port)))
                port = servers[0].server_port
                for address in addresses[1:]:
                    servers.append(self._new_server((address, port)))
            except OSError as exc:
                for server in servers:
                    server.server_close()
                # Port 0 only guarantees the first address; another process may hold the same
                # port on a later one. Try a fresh port.
                if exc.errno == errno.EADDRINUSE and attempt + 1 < attempts:
                    continue
                raise
            return servers
        raise AssertionError("unreachable")

    def _bind_ports(self, count: int) -> list[_SiteServer]:
        """Fallback: every publisher on 127.0.0.1, each on its own port."""
        servers: list[_SiteServer] = []
        try:
            for i in range(count):
                port = 0 if self.port == 0 else self.port + i
                servers.append(self._new_server(("127.0.0.1", port)))
        except OSError:
            for server in servers:
                server.server_close()
            raise
        return servers

    # --- queries -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True between `start` and `stop`."""
        return self._thread is not None

    def publisher(self, host: str) -> DemoPublisher:
        """The publisher for a real host (e.g. ``www.reuters.com``)."""
        for pub in self.publishers:
            if pub.host == host:
                return pub
        raise KeyError(host)

    def article_url(self, article: CorpusArticle) -> str:
        """Loopback URL of a corpus article."""
        return self.publisher(article.host).article_url(article)

    def feed_urls(self, kind: str = "rss") -> list[str]:
        """One feed URL per publisher, of the given kind (rss, atom or json)."""
        return [pub.feed_urls[kind] for pub in self.publishers]

    def request_log(self) -> list[RequestRecord]:
        """A snapshot of the requests answered so far (oldest first)."""
        with self._log_lock:
            return list(self._log)

    def clear_request_log(self) -> None:
        """Forget the requests recorded so far."""
        with self._log_lock:
            self._log.clear()

    def opml(self, kind: str = "rss") -> str:
        """An OPML 2.0 subscription list of every publisher's feed of one kind."""
        outlines = "\n".join(
            f"    <outline type={quoteattr(kind)} text={quoteattr(p.name)} "
            f"title={quoteattr(p.name)} xmlUrl={quoteattr(p.feed_urls[kind])} "
            f"htmlUrl={quoteattr(p.homepage_url)}/>"
            for p in self.publishers
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">\n'
            "  <head><title>Progleton demo publishers</title></head>\n"
            f"  <body>\n{outlines}\n  </body>\n</opml>\n"
        )


def main(argv: list[str] | None = None) -> int:
    """Serve the demo corpus until interrupted, printing every publisher's feed URLs."""
    parser = argparse.ArgumentParser(
        prog="python -m progleton.demo.server",
        description="Serve the offline demo corpus as loopback publisher sites.",
    )
    parser.add_argument("--port", type=int, default=0, help="port shared by all publishers")
    parser.add_argument("--host-base", default="127.0.0", help="first three octets (loopback)")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus .tar.xz to serve")
    parser.add_argument("--opml", type=Path, default=None, help="also write an OPML file here")
    args = parser.parse_args(argv)

    corpus = load_corpus(args.corpus)
    server = PublisherServer(corpus, port=args.port, host_base=args.host_base)
    stopped = threading.Event()
    # `kill` (SIGTERM) should stop as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda signum, frame: stopped.set())
    server.start()
    try:
        print(f"Serving {len(corpus)} articles from {len(server.publishers)} publishers:")
        for pub in server.publishers:
            print(f"\n{pub.name} ({pub.host}, {len(pub.articles)} articles)")
            print(f"  home  {pub.homepage_url}")
            for kind, url in pub.feed_urls.items():
                print(f"  {kind:5} {url}")
        if args.opml is not None:
            args.opml.write_text(server.opml(), encoding="utf-8")
            print(f"\nOPML written to {args.opml}")
        print("\nPress Ctrl-C to stop.", flush=True)
        while not stopped.wait(0.5):  # a timed wait keeps Ctrl-C responsive everywhere
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
