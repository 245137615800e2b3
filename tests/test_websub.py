"""WebSub end to end: subscribe at the hub a feed advertises, answer the hub's verification,
accept signed pushes and ignore forged ones."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient

from loopback import LoopbackServer, run
from progleton.config import Settings
from progleton.models import Source
from progleton.store import open_store
from progleton.store.sqlite import SQLiteStore
from progleton.web.app import create_app
from publisher import Publisher

LOOPBACK = "127.0.0.0/8,::1"


class Hub:
    """A WebSub hub that records subscription requests."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(size).decode())
                hub.requests.append({k: v[0] for k, v in form.items()})
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hub"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def feed_with_hub(pub: Publisher, hub_url: str) -> bytes:
    xml = pub.feed_xml().decode()
    links = (
        f'<atom:link rel="hub" href="{hub_url}"/>'
        f'<atom:link rel="self" href="{pub.server.url("/feed.xml")}"/>'
    )
    xml = xml.replace(
        '<rss version="2.0">', '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">'
    )
    return xml.replace("<channel>", "<channel>" + links, 1).encode()


@pytest.fixture
def hub() -> Iterator[Hub]:
    h = Hub()
    yield h
    h.close()


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_subscribe_verify_and_push(tmp_path: Path, hub: Hub) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'w.db'}",
        per_host_delay=0.0,
        allow_hosts=LOOPBACK,
        public_url="http://testserver/",
    )
    store = open_store(settings.db_url)
    assert isinstance(store, SQLiteStore)
    with LoopbackServer() as srv, TestClient(create_app(settings, store)) as client:
        pub = Publisher(srv, count=2).install()
        srv.route(
            "/feed.xml",
            body=feed_with_hub(pub, hub.url),
            headers={"Content-Type": "application/rss+xml"},
        )
        source = store.add_source(Source(feed_url=srv.url("/feed.xml")))
        pipeline = client.app.state.pipeline  # type: ignore[attr-defined]
        assert run(pipeline.crawl()).new == 2

        (request,) = hub.requests
        assert request["hub.mode"] == "subscribe"
        assert request["hub.callback"] == f"http://testserver/websub/{source.id}"
        assert request["hub.topic"] == srv.url("/feed.xml")
        secret = request["hub.secret"]
        assert len(secret) >= 32
        pending = store.get_source(source.id or 0)
        assert pending is not None and pending.websub_state == "pending"

        # A verification for another topic, or of an unknown source, is refused.
        bad = client.get(
            f"/websub/{source.id}",
            params={
                "hub.mode": "subscribe",
                "hub.topic": "http://evil.example/feed",
                "hub.challenge": "nope",
                "hub.lease_seconds": "3600",
            },
        )
        assert bad.status_code == 404
        ok = client.get(
            f"/websub/{source.id}",
            params={
                "hub.mode": "subscribe",
                "hub.topic": request["hub.topic"],
                "hub.challenge": "c-123",
                "hub.lease_seconds": "259200",
            },
        )
        assert ok.status_code == 200 and ok.text == "c-123"
        subscribed = store.get_source(source.id or 0)
        assert subscribed is not None and subscribed.websub_state == "subscribed"

        # A second crawl does not subscribe again while the lease is fresh.
        run(pipeline.crawl(store.list_sources()))
        assert len(hub.requests) == 1

        # A signed push with a new entry is stored; a forged one is acknowledged and ignored.
        pub.count = 4
        pub.install()
        body = feed_with_hub(pub, hub.url)
        forged = client.post(
            f"/websub/{source.id}",
            content=body,
            headers={"Content-Type": "application/rss+xml", "X-Hub-Signature": sign("wrong", body)},
        )
        assert forged.status_code == 202
        assert store.count_articles() == 2
        pushed = client.post(
            f"/websub/{source.id}",
            content=body,
            headers={"Content-Type": "application/rss+xml", "X-Hub-Signature": sign(secret, body)},
        )
        assert pushed.status_code == 202
        assert store.count_articles() == 4
        titles = {a.title for a in store.latest_articles(10)}
        assert {"Harbour story 2", "Harbour story 3"} <= titles
    store.close()


def test_no_public_url_means_no_subscription(tmp_path: Path, hub: Hub) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'n.db'}", per_host_delay=0.0, allow_hosts=LOOPBACK
    )
    store = open_store(settings.db_url)
    with LoopbackServer() as srv, TestClient(create_app(settings, store)) as client:
        pub = Publisher(srv, count=1).install()
        srv.route(
            "/feed.xml",
            body=feed_with_hub(pub, hub.url),
            headers={"Content-Type": "application/rss+xml"},
        )
        store.add_source(Source(feed_url=srv.url("/feed.xml")))
        assert run(client.app.state.pipeline.crawl()).new == 1  # type: ignore[attr-defined]
    assert hub.requests == []
    store.close()
