"""Feeds out: the Atom feed parses with the right entries; the OPML export parses."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from progleton.models import Article
from progleton.web.feeds import build_atom
from test_web_support import MOSCOW_CANONICAL, World, build_world


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
