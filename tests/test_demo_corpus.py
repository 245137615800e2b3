"""The offline demo corpus and the loopback publisher server that serves it."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import httpx
import lxml.etree
import lxml.html
import pytest

from progleton.demo.corpus import Corpus, default_archive, load_corpus
from progleton.demo.server import PublisherServer, RequestRecord, loopback_addresses
from progleton.demo.site import DemoPublisher

IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus()


@pytest.fixture(scope="module")
def server(corpus: Corpus) -> Iterator[PublisherServer]:
    with PublisherServer(corpus) as srv:
        yield srv


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as c:
        yield c


@pytest.fixture(scope="module")
def cnbc(server: PublisherServer) -> DemoPublisher:
    return server.publisher("www.cnbc.com")


# --- corpus --------------------------------------------------------------------------------------


def test_archive_is_small() -> None:
    size = len(default_archive().read_bytes())
    assert size < 5 * 1024 * 1024  # also keeps well under the 10 MB repository budget


def test_corpus_has_enough_articles_and_publishers(corpus: Corpus) -> None:
    assert len(corpus) >= 200
    assert len(corpus.hosts) >= 20
    assert len({a.id for a in corpus}) == len(corpus)
    assert len({a.url for a in corpus}) == len(corpus)


def test_every_entry_has_title_url_and_past_date(corpus: Corpus) -> None:
    now = datetime.now(UTC)
    for a in corpus:
        assert a.title.strip(), a.id
        parts = urlsplit(a.url)
        assert parts.scheme in ("http", "https") and parts.hostname == a.host, a.id
        assert a.published.tzinfo is not None and a.published <= now, a.id
        assert a.date_source in {"metadata", "htmldate", "crawl_date", "fallback"}, a.id
        assert a.publisher and a.language and a.description, a.id
        assert a.html.decode(a.charset), a.id


# --- feeds and pages -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_xml_feeds_list_every_article(
    server: PublisherServer, client: httpx.Client, kind: str
) -> None:
    for pub in server.publishers:
        feed = feedparser.parse(client.get(pub.feed_urls[kind]).content)
        assert not feed.bozo, (pub.host, feed.get("bozo_exception"))
        assert len(feed.entries) == len(pub.articles), pub.host
        originals = {a.url for a in pub.articles}
        for entry in feed.entries:
            assert entry.link.startswith(pub.base_url + "/"), entry.link
            assert entry.id in originals
            assert entry.published_parsed is not None


def test_json_feed_lists_every_article(server: PublisherServer, client: httpx.Client) -> None:
    # feedparser 6 does not read JSON Feed, so check the document directly.
    for pub in server.publishers:
        response = client.get(pub.json_url)
        assert response.headers["content-type"].startswith("application/feed+json")
        feed = response.json()
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert len(feed["items"]) == len(pub.articles)
        for item in feed["items"]:
            assert item["url"].startswith(pub.base_url + "/")
            assert datetime.fromisoformat(item["date_published"]).tzinfo is not None


def test_feed_entries_carry_real_dates_and_titles(
    cnbc: DemoPublisher, client: httpx.Client
) -> None:
    feed = feedparser.parse(client.get(cnbc.rss_url).content)
    by_guid = {e.id: e for e in feed.entries}
    for article in cnbc.articles:
        entry = by_guid[article.url]
        assert entry.title == article.title
        assert entry.link == cnbc.article_url(article)
        published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
        assert published == article.published.replace(microsecond=0)


def test_homepage_advertises_all_three_feeds(cnbc: DemoPublisher, client: httpx.Client) -> None:
    doc = lxml.html.fromstring(client.get(cnbc.homepage_url).content)
    links = {el.get("type"): el.get("href") for el in doc.xpath('//link[@rel="alternate"]')}
    assert links == {
        "application/rss+xml": cnbc.rss_url,
        "application/atom+xml": cnbc.atom_url,
        "application/feed+json": cnbc.json_url,
    }
    listed = set(doc.xpath("//main//a/@href"))
    assert listed == {cnbc.article_url(a) for a in cnbc.articles}


def test_article_pages_are_byte_identical(server: PublisherServer, client: httpx.Client) -> None:
    for pub in server.publishers[:10]:
        for article in pub.articles:
            response = client.get(pub.article_url(article), headers=IDENTITY)
            assert response.status_code == 200
            assert response.content == article.html
            assert response.headers["content-type"] == f"text/html; charset={article.charset}"
            assert "content-encoding" not in response.headers


def test_gzip_when_accepted(cnbc: DemoPublisher, client: httpx.Client) -> None:
    article = cnbc.articles[0]
    with client.stream("GET", cnbc.article_url(article), headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
    assert r.headers["content-encoding"] == "gzip"
    assert r.headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(raw) == article.html


def test_query_variants_find_the_page(server: PublisherServer, client: httpx.Client) -> None:
    # The recorded URL carries ?utm_source=...; crawlers that strip tracking parameters must
    # still get the page.
    pub = server.publisher("www.washingtontimes.com")
    article = next(a for a in pub.articles if "utm_source=" in a.url)
    bare = pub.base_url + urlsplit(article.url).path
    assert client.get(bare, headers=IDENTITY).content == article.html
    assert client.get(pub.base_url + "/no/such/page").status_code == 404


# --- HTTP semantics ------------------------------------------------------------------------------


def test_etag_and_last_modified_revalidate(cnbc: DemoPublisher, client: httpx.Client) -> None:
    for url in (cnbc.rss_url, cnbc.article_url(cnbc.articles[-1])):
        first = client.get(url)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        # The identity and gzip variants share the opaque tag (weak comparison).
        strong = etag.removeprefix("W/")
        not_modified = client.get(url, headers={"If-None-Match": strong, **IDENTITY})
        assert not_modified.status_code == 304 and not_modified.content == b""
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
        changed = client.get(
            url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}
        )
        assert changed.status_code == 200  # If-None-Match wins over If-Modified-Since
        old = "Mon, 01 Jan 2001 00:00:00 GMT"
        assert client.get(url, headers={"If-Modified-Since": old}).status_code == 200


def test_head_has_headers_and_no_body(cnbc: DemoPublisher, client: httpx.Client) -> None:
    response = client.head(cnbc.atom_url, headers=IDENTITY)
    assert response.status_code == 200 and response.content == b""
    assert int(response.headers["content-length"]) == len(client.get(cnbc.atom_url).content)


def test_robots_txt(server: PublisherServer, client: httpx.Client) -> None:
    restricted = [p for p in server.publishers if p.robots_disallow]
    assert len(restricted) == 1
    for pub in (restricted[0], server.publishers[0]):
        response = client.get(pub.base_url + "/robots.txt")
        assert response.status_code == 200
        robots = RobotFileParser()
        robots.parse(response.text.splitlines())
        for article in pub.articles:
            assert robots.can_fetch("Progleton", pub.article_url(article))
        private_allowed = robots.can_fetch("Progleton", pub.base_url + "/private/x")
        assert private_allowed is (pub not in restricted)


def test_publishers_answer_on_distinct_loopback_addresses(
    server: PublisherServer, client: httpx.Client
) -> None:
    ips = [p.ip for p in server.publishers]
    assert len(set(ips)) == len(ips)
    assert ips[:2] == loopback_addresses("127.0.0", 2) == ["127.0.0.2", "127.0.0.3"]
    assert len({p.port for p in server.publishers}) == 1
    first, second = server.publishers[0], server.publishers[1]
    # The server logs a request after answering it: on a busy machine the client can read
    # the log first, and an earlier test's request can be logged after the log was cleared,
    # so these two requests are told apart by a query of their own.
    probe = "?probe=distinct-addresses"
    client.get(first.homepage_url + probe)
    client.get(second.homepage_url + probe)

    def probes() -> list[RequestRecord]:
        return [r for r in server.request_log() if r.target.endswith(probe)]

    deadline = time.monotonic() + 10
    while len(log := probes()) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [(r.host, r.address) for r in log] == [
        (first.host, f"{first.ip}:{first.port}"),
        (second.host, f"{second.ip}:{second.port}"),
    ]


def test_stop_closes_keepalive_connections(corpus: Corpus) -> None:
    small = Corpus(articles=tuple(a for a in corpus if a.host == "www.cnbc.com"))
    srv = PublisherServer(small)
    srv.start()
    url = srv.publishers[0].rss_url
    with httpx.Client() as c:
        assert c.get(url).status_code == 200  # the connection stays open in the pool
        started = time.monotonic()
        srv.stop()
        assert time.monotonic() - started < 2
        with pytest.raises(httpx.TransportError):
            c.get(url)


def test_opml_lists_every_feed(server: PublisherServer) -> None:
    doc = lxml.etree.fromstring(server.opml("atom").encode())
    assert doc.xpath("//outline/@xmlUrl") == server.feed_urls("atom")
