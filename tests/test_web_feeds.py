"""Feeds out: Atom and JSON Feed 1.1 (site, source, language, story, saved search) parse with
the right entries, hostile text stays text, pages advertise their feeds; OPML parses."""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

from progleton.models import Article, Source
from progleton.store import Store
from progleton.web.feeds import build_atom, build_json_feed
from test_web_support import (
    ATTR_BREAK,
    HOSTILE,
    MOSCOW_CANONICAL,
    World,
    build_world,
    empty_store,
    make_client,
    parse,
)

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = build_world(tmp_path_factory.mktemp("web_feeds"))
    yield w
    w.store.close()


def test_atom_feed_parses_with_entries_linking_to_originals(world: World) -> None:
    r = world.client.get("/feed.atom")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    stored = world.store.latest_articles(50)
    assert len(feed.entries) == len(stored)
    first = feed.entries[0]
    assert first.title == stored[0].title
    assert first.link == MOSCOW_CANONICAL
    assert first.id == MOSCOW_CANONICAL
    assert first.summary == stored[0].excerpt
    assert [a.name for a in first.authors] == ["Anna Ivanova", "Boris Petrov"]
    assert first.published_parsed[:5] == stored[0].published.utctimetuple()[:5]  # type: ignore[union-attr]
    # The hostile entry has no usable publisher URL, so it links to our article page.
    hostile = next(e for e in feed.entries if e.title.startswith("Hostile"))
    assert hostile.link == f"http://testserver/articles/{world.hostile_id}"


def test_atom_feed_of_one_source(world: World) -> None:
    feed = feedparser.parse(world.client.get(f"/feed.atom?source={world.failing_id}").content)
    assert [e.title.startswith("Hostile") for e in feed.entries] == [True]
    assert world.client.get("/feed.atom?source=31337").status_code == 404


def test_atom_is_valid_xml_despite_control_characters() -> None:
    now = datetime.now(UTC)
    article = Article(
        url="https://example.com/a",
        title="Bell \x07 and form feed \x0c in a title",
        paragraphs=["Null \x00 byte & <angle> brackets"],
        published=now - timedelta(hours=1),
        id=1,
    )
    body = build_atom([article], base_url="http://x/", self_url="http://x/feed.atom", title="t")
    root = ET.fromstring(body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.findtext("a:entry/a:title", namespaces=ns) == "Bell  and form feed  in a title"
    assert root.findtext("a:entry/a:summary", namespaces=ns) == "Null  byte & <angle> brackets"
    assert root.find("a:entry/a:author/a:name", ns) is not None  # publisher fallback
    assert not feedparser.parse(body).bozo


def test_opml_export_parses(world: World) -> None:
    pytest.importorskip("progleton.sources.opml")
    r = world.client.get("/sources.opml")
    assert r.status_code == 200
    root = ET.fromstring(r.content)
    assert root.tag == "opml"
    feeds = {o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")}
    assert feeds == {s.feed_url for s in world.store.list_sources()}


def test_opml_export_without_the_sources_package(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules makes the import fail, as if progleton.sources.opml were missing.
    monkeypatch.setitem(sys.modules, "progleton.sources.opml", None)
    r = world.client.get("/sources.opml")
    assert r.status_code == 503
    assert "OPML export is not available" in r.text


def assert_json_feed(doc: dict[str, Any]) -> None:
    """The JSON Feed 1.1 rules a reader relies on: required fields and their types."""
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(doc["title"], str) and doc["title"]
    assert isinstance(doc["items"], list)
    for key in ("home_page_url", "feed_url"):
        assert urlsplit(doc[key]).scheme in ("http", "https")
    assert all(isinstance(a["name"], str) for a in doc["authors"])
    ids = [item["id"] for item in doc["items"]]
    assert len(ids) == len(set(ids)), "item ids must be unique"
    for item in doc["items"]:
        assert isinstance(item["id"], str) and item["id"]
        # An item needs content_html or content_text; ours is always plain text.
        assert "content_html" not in item and isinstance(item["content_text"], str)
        assert urlsplit(item["url"]).scheme in ("http", "https")
        for key in ("date_published", "date_modified"):
            if key in item:
                assert RFC3339.match(item[key]), item[key]
        for author in item.get("authors", []):
            assert isinstance(author["name"], str) and author["name"]
        if "image" in item:
            assert item["image"].startswith("https://")


def json_feed(world: World, url: str) -> dict[str, Any]:
    r = world.client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    assert r.headers["content-type"] == "application/feed+json; charset=utf-8"
    doc: dict[str, Any] = json.loads(r.content)
    assert_json_feed(doc)
    return doc


def test_json_feed_has_the_newest_articles_linking_to_originals(world: World) -> None:
    doc = json_feed(world, "/feed.json")
    assert doc["feed_url"] == "http://testserver/feed.json"
    stored = world.store.latest_articles(50)
    assert [i["title"] for i in doc["items"]] == [a.title for a in stored]
    first = doc["items"][0]
    assert first["id"] == first["url"] == MOSCOW_CANONICAL
    assert first["content_text"] == first["summary"] == stored[0].excerpt
    assert [a["name"] for a in first["authors"]] == ["Anna Ivanova", "Boris Petrov"]
    assert first["language"] == "en"
    assert first["image"] == "https://static.themoscowtimes.com/image/lead.jpg"
    published = datetime.fromisoformat(first["date_published"].replace("Z", "+00:00"))
    assert abs(published - stored[0].published) < timedelta(seconds=1)  # type: ignore[operator]
    assert first["_progleton"]["article_url"] == f"http://testserver/articles/{world.moscow_id}"


def test_json_feed_keeps_hostile_text_as_text(world: World) -> None:
    r = world.client.get("/feed.json")
    # No markup at all in the bytes: <, > and & are \\u escapes inside JSON strings.
    assert not re.search(rb"[<>&]", r.content)
    doc = json.loads(r.content)
    hostile = next(i for i in doc["items"] if i["title"].startswith("Hostile"))
    stored = world.store.get_article(world.hostile_id)
    assert stored is not None
    assert hostile["title"] == f"Hostile {HOSTILE}{ATTR_BREAK} headline"  # exact, unmangled
    # javascript: URLs never become links: the item points at our own article page.
    assert hostile["url"] == hostile["id"] == f"http://testserver/articles/{world.hostile_id}"
    assert "image" not in hostile and "language" not in hostile
    assert [a["name"] for a in hostile["authors"]] == [f"<b>Eve</b>{ATTR_BREAK}"]
    assert "javascript:" not in json.dumps([hostile["url"], hostile["id"]])


def test_json_feed_is_built_from_plain_values() -> None:
    article = Article(
        url="https://example.com/a",
        title='</script><script>alert(1)</script> & "quotes"',
        paragraphs=["Body \u2028 with a line separator"],
        published=datetime(2025, 3, 10, 8, 5, tzinfo=UTC),
        id=7,
    )
    body = build_json_feed(
        [article], base_url="http://x/", feed_url="http://x/feed.json", title="t <b>"
    )
    assert b"<" not in body and b">" not in body and b"&" not in body
    doc = json.loads(body)
    assert_json_feed(doc)
    assert doc["title"] == "t <b>"
    assert doc["items"][0]["title"] == article.title
    assert doc["items"][0]["date_published"] == "2025-03-10T08:05:00Z"
    assert doc["items"][0]["authors"] == [{"name": "example.com"}]


def test_json_feed_of_one_source_and_one_language(world: World) -> None:
    doc = json_feed(world, f"/feed.json?source={world.failing_id}")
    assert [i["title"].startswith("Hostile") for i in doc["items"]] == [True]
    assert doc["title"] == "Progleton: Wall Daily"
    assert world.client.get("/feed.json?source=31337").status_code == 404
    english = json_feed(world, "/feed.json?lang=en")
    assert [i["id"] for i in english["items"]] == [MOSCOW_CANONICAL]  # only one says "en"
    atom = feedparser.parse(world.client.get("/feed.atom?lang=en").content)
    assert [e.id for e in atom.entries] == [MOSCOW_CANONICAL]
    assert world.client.get("/feed.json?lang=<x>").status_code == 400


def test_pages_advertise_atom_and_json_feeds(world: World) -> None:
    def alternates(url: str) -> dict[str, set[str]]:
        doc = parse(world.client.get(url).text)
        out: dict[str, set[str]] = {}
        for link in doc.xpath("//head/link[@rel='alternate']"):
            out.setdefault(link.get("type"), set()).add(link.get("href"))
        return out

    front = alternates("/")
    assert "/feed.json" in front["application/feed+json"]
    assert "/feed.atom" in front["application/atom+xml"]
    source = alternates(f"/sources/{world.healthy_id}")
    assert f"/feed.json?source={world.healthy_id}" in source["application/feed+json"]
    assert f"/feed.atom?source={world.healthy_id}" in source["application/atom+xml"]
    search = alternates('/search?q="harvest season" source:moscow')
    (json_href,) = search["application/feed+json"] - {"/feed.json"}
    assert urlsplit(json_href).path == "/search/feed.json"
    assert parse_qs(urlsplit(json_href).query) == {"q": ['"harvest season" source:moscow']}
    filtered = alternates("/?lang=en")
    assert "/feed.json?lang=en" in filtered["application/feed+json"]


# -- saved searches -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Articles at fixed dates, for before:/after: and newest-first order."""
    store = empty_store(tmp_path_factory.mktemp("search_feeds"))
    wire = store.add_source(Source(feed_url="https://wire.example/feed", title="Wire"))
    rows = [
        # (path, title, body, day, publisher, author)
        ("a", "Tramway tramway tramway plans", "The tramway plans.", 1, "Wire", "Ann Smith"),
        ("b", "Council meeting", "A short note on the tramway budget.", 15, "Wire", "Bob Jones"),
        ("c", "Bridge repairs", "The tramway extension and the bridge.", 20, "Post", "Ann Smith"),
        ("d", "Harbour news", "Boats and a tramway stop at the harbour.", 28, "Post", "Cy Young"),
        ("e", "Weather", "Rain all week, no trams.", 29, "Wire", "Ann Smith"),
    ]  # fmt: skip
    for path, title, body, day, publisher, author in rows:
        store.save_article(
            Article(
                url=f"https://{publisher.lower()}.example/{path}",
                title=title,
                paragraphs=[body],
                published=datetime(2025, 3, day, 12, tzinfo=UTC),
                publisher=publisher,
                authors=[author],
            ),
            source_id=wire.id,
            guid=path,
        )
    yield store
    store.close()


def _search_titles(store: Store, query: str, fmt: str = "json") -> list[str]:
    client = make_client(store)
    r = client.get("/search/feed." + fmt, params={"q": query})
    assert r.status_code == 200, r.text
    if fmt == "json":
        doc = r.json()
        assert_json_feed(doc)
        return [i["title"] for i in doc["items"]]
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return [e.title for e in feed.entries]


@pytest.mark.parametrize("fmt", ["json", "atom"])
def test_search_feed_lists_the_newest_matches_first(dated: Store, fmt: str) -> None:
    # Relevance would put the title match ("Tramway tramway tramway plans") first; a saved
    # search's feed is about what is new.
    assert _search_titles(dated, "tramway", fmt) == [
        "Harbour news",
        "Bridge repairs",
        "Council meeting",
        "Tramway tramway tramway plans",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"tramway extension"', ["Bridge repairs"]),
        ("tramway -bridge", ["Harbour news", "Council meeting", "Tramway tramway tramway plans"]),
        ("tramway source:post", ["Harbour news", "Bridge repairs"]),
        ("author:smith", ["Weather", "Bridge repairs", "Tramway tramway tramway plans"]),
        ("tramway after:2025-03-15 before:2025-03-28", ["Bridge repairs", "Council meeting"]),
        ("author:smith before:2025-03-20", ["Tramway tramway tramway plans"]),
    ],
)
def test_search_feed_honours_the_operators(dated: Store, query: str, expected: list[str]) -> None:
    assert _search_titles(dated, query) == expected


def test_search_feed_describes_the_search_and_needs_a_query(dated: Store) -> None:
    client = make_client(dated)
    doc = client.get("/search/feed.json", params={"q": '"tramway extension"'}).json()
    assert doc["title"] == 'Progleton search: "tramway extension"'
    assert doc["home_page_url"] == "http://testserver/search?q=%22tramway+extension%22"
    assert client.get("/search/feed.atom?q=").status_code == 400
    assert client.get("/search/feed.json", params={"q": "x" * 501}).status_code == 400


def test_search_page_links_its_saved_search_feeds(dated: Store) -> None:
    client = make_client(dated)
    doc = parse(client.get("/search", params={"q": "tramway source:post"}).text)
    hrefs = [a.get("href") for a in doc.xpath("//main//p[contains(@class, 'feed-links')]/a")]
    assert [urlsplit(h).path for h in hrefs] == ["/search/feed.atom", "/search/feed.json"]
    for href in hrefs:
        assert parse_qs(urlsplit(href).query) == {"q": ["tramway source:post"]}
        assert client.get(href).status_code == 200
    # No query, no feed.
    empty = parse(client.get("/search").text)
    assert not empty.xpath("//p[contains(@class, 'feed-links')]")


def test_search_newest_on_each_backend(store: Store) -> None:
    """The store's newest-first search gives the same answers on SQLite and PostgreSQL."""
    src = store.add_source(Source(feed_url="https://a.example/feed", title="A"))
    for day, title in [(1, "Tramline opens"), (5, "Tramline delayed"), (3, "Bus news")]:
        store.save_article(
            Article(
                url=f"https://a.example/{day}",
                title=title,
                paragraphs=[f"{title}. The city reports on its transport."],
                published=datetime(2025, 3, day, tzinfo=UTC),
                publisher="A Daily",
                authors=["Dee Writer"],
            ),
            source_id=src.id,
            guid=str(day),
        )
    assert [a.title for a in store.search_newest("tramline", 10)] == [
        "Tramline delayed",
        "Tramline opens",
    ]
    assert [a.title for a in store.search_newest("tramline", 1)] == ["Tramline delayed"]
    assert [a.title for a in store.search_newest('"tramline opens"', 10)] == ["Tramline opens"]
    assert [a.title for a in store.search_newest("author:writer after:2025-03-02", 10)] == [
        "Tramline delayed",
        "Bus news",
    ]
    assert store.search_newest("", 10) == []
