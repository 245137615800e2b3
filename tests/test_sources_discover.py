"""Feed discovery: link parsing, and find_feed against a loopback site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from loopback import LOOPBACK, LoopbackServer, redirect, run
from progleton.config import Settings
from progleton.errors import DiscoveryError, HTTPStatusError
from progleton.fetch import Fetcher
from progleton.models import FetchResult, ParsedFeed
from progleton.sources import (
    COMMON_FEED_PATHS,
    discover_feed_links,
    find_feed,
    normalize_site_url,
)

FEEDS = Path(__file__).parent / "data" / "feeds"
SETTINGS = Settings(db_url="sqlite://", per_host_delay=0.0, read_timeout=5.0, allow_hosts=LOOPBACK)
RSS = (FEEDS / "rss20.xml").read_bytes()
ATOM = (FEEDS / "atom10.xml").read_bytes()
HTML = {"Content-Type": "text/html; charset=utf-8"}


def page(head: str = "", body: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


def discover(url: str) -> tuple[str, FetchResult, ParsedFeed]:
    async def go() -> tuple[str, FetchResult, ParsedFeed]:
        async with Fetcher(SETTINGS) as f:
            return await find_feed(f, url)

    return run(go())


def test_discover_links_order_and_resolution() -> None:
    html = (FEEDS / "html_page.html").read_bytes()
    assert discover_feed_links(html, "https://example.com/news/today.html") == [
        "https://example.com/feed/",  # <link rel=alternate>, in document order
        "https://example.com/atom.xml",
        "https://example.com/news/feed.json",  # relative to the page
        "https://example.com/comments/feed/",  # comment feeds after the real ones
        "https://example.com/rss.xml",  # then <a href>s that look like feeds
        "https://feeds.feedburner.com/example",  # other sites last
    ]


def test_discover_links_edge_cases() -> None:
    head = (
        '<base href="https://cdn.example/sub/">'
        '<link rel="Alternate FEED" type="application/atom+xml; charset=utf-8" href="a.xml">'
        '<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/2">'
        '<link rel="alternate" type="application/json" href="/feed.json">'
        '<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
        '<link rel="stylesheet" type="text/css" href="/x.css">'
    )
    assert discover_feed_links(page(head), "https://site.example/") == [
        "https://cdn.example/sub/a.xml",
        "https://cdn.example/feed.json",  # generic JSON after proper feed types
    ]
    assert discover_feed_links(b"", "https://x.example/") == []
    assert discover_feed_links("not html at all", "https://x.example/") == []


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("example.com", "https://example.com/"),
        ("  https://example.com/blog ", "https://example.com/blog"),
        ("feed://example.com/rss", "http://example.com/rss"),
        ("feed:https://example.com/rss", "https://example.com/rss"),
    ],
)
def test_normalize_site_url(typed: str, url: str) -> None:
    assert normalize_site_url(typed) == url


def test_feed_url_given_directly(server: LoopbackServer) -> None:
    server.route("/feed.xml", body=RSS, headers={"Content-Type": "application/rss+xml"})
    url, res, feed = discover(server.url("/feed.xml"))
    assert url == server.url("/feed.xml") and res.content == RSS
    assert feed.title == "The Daily Example & Co"
    assert server.count("/feed.xml") == 1


def test_discovery_via_link_rel_alternate(server: LoopbackServer) -> None:
    head = '<link rel="alternate" type="application/atom+xml" href="/blog/atom.xml">'
    server.route("/", body=page(head), headers=HTML)
    server.route("/blog/atom.xml", body=ATOM, headers={"Content-Type": "application/atom+xml"})
    url, res, feed = discover(server.url("/"))
    assert url == server.url("/blog/atom.xml") and feed.kind == "atom"
    assert res.content == ATOM  # the caller needs no second GET
    assert server.count("/") == 1 and server.count("/blog/atom.xml") == 1
    assert [r.path for r in server.seen()] == ["/robots.txt", "/", "/blog/atom.xml"]


def test_discovery_skips_broken_candidates(server: LoopbackServer) -> None:
    head = (
        '<link rel="alternate" type="application/rss+xml" href="/gone.xml">'
        '<link rel="alternate" type="application/rss+xml" href="/actually-html">'
        '<link rel="alternate" type="application/rss+xml" href="/moved">'
    )
    server.route("/", body=page(head), headers=HTML)
    server.route("/gone.xml", status=404)
    server.route("/actually-html", body=page(), headers={"Content-Type": "application/rss+xml"})
    server.route("/moved", **redirect("/real.xml", 301))
    server.route("/real.xml", body=RSS, headers={"Content-Type": "text/xml"})
    url, _res, feed = discover(server.url("/"))
    assert url == server.url("/real.xml") and feed.kind == "rss"


def test_discovery_via_common_path_fallback(server: LoopbackServer) -> None:
    # A page that advertises nothing, whose feed lives at a conventional path.
    server.route("/blog/post", body=page(body="<p>no feed links</p>"), headers=HTML)
    server.route("/rss.xml", body=RSS, headers={"Content-Type": "application/rss+xml"})
    url, res, _feed = discover(server.url("/blog/post"))
    assert url == server.url("/rss.xml") and res.status == 200
    assert server.count("/rss.xml") == 1
    # Tried in order on the site root, stopping at the first feed.
    assert [r.path for r in server.seen()][2:] == ["/feed", "/rss", "/rss.xml"]


def test_no_candidate_is_requested_twice(server: LoopbackServer) -> None:
    head = '<link rel="alternate" type="application/rss+xml" href="/feed">'
    server.route(
        "/", body=page(head, '<a href="/feed">feed</a> <a href="/">home</a>'), headers=HTML
    )
    with pytest.raises(DiscoveryError):
        discover(server.url("/"))
    paths = [r.path for r in server.seen()]
    assert len(paths) == len(set(paths)) == 1 + 1 + len(COMMON_FEED_PATHS)  # robots, page, paths


def test_nothing_found(server: LoopbackServer) -> None:
    server.route("/", body=page(), headers=HTML)
    with pytest.raises(DiscoveryError) as info:
        discover(server.url("/"))
    n = len(COMMON_FEED_PATHS)
    assert info.value.reason.startswith(f"no feed found on {server.url('/')}: tried {n} candidates")
    # The last candidate, /?feed=rss2, is answered with the home page, as on most sites.
    assert info.value.reason.endswith(f"(last: {server.url('/?feed=rss2')}: not a feed)")


def test_unreachable_start_url_reports_fetch_error(server: LoopbackServer) -> None:
    server.route("/", status=403)
    with pytest.raises(HTTPStatusError, match="HTTP 403"):
        discover(server.url("/"))
