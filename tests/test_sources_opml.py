"""OPML import/export."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from progleton.errors import FeedError
from progleton.models import Source
from progleton.sources import OpmlFeed, parse_opml, write_opml

OPML = (Path(__file__).parent / "data" / "opml" / "subscriptions.opml").read_bytes()


def test_parse_realistic_opml() -> None:
    feeds = parse_opml(OPML)
    by_url = {f.xml_url: f for f in feeds}
    assert len(feeds) == 12 == len(by_url)  # the duplicate and the bookmark are dropped
    att = by_url["https://about.att.example/rss/news.xml"]
    assert att == OpmlFeed(
        "https://about.att.example/rss/news.xml", "AT&T News", "https://about.att.example/", "News"
    )
    assert by_url["https://www.lemonde.example/rss/une.xml"].title == "Le Monde — Actualités"
    assert "?edition=uk&lang=en" in next(u for u in by_url if "bbci" in u)
    reuters = by_url["https://reuters.example/rssFeed/topNews"]  # lower-case xmlurl, no type
    assert reuters.title == 'Reuters "Top" Stories' and reuters.html_url is None
    assert by_url["https://townhall.example/minutes.atom"].category == "News / Local"
    assert by_url["https://townhall.example/minutes.atom"].title == "Town Hall <Minutes>"
    hn = by_url["https://news.ycombinator.example/rss"]  # upper-case XMLURL/HTMLURL
    assert hn.html_url == "https://news.ycombinator.example/" and hn.category == "Tech"
    assert by_url["https://codecoffee.example/index.xml"].title == "<Code> & Coffee"
    assert by_url["https://jvns.example/atom.xml"].title == "Julia's Blog"
    assert "http://podcast.example/episodes.rss" in by_url  # feed:// understood
    assert by_url["https://weekly.example/feed.xml"].category is None
    assert {f.category for f in feeds} == {"News", "News / Local", "Tech", None}


def test_round_trip() -> None:
    feeds = parse_opml(OPML)
    sources = [f.to_source() for f in feeds]
    text = write_opml(sources)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    again = parse_opml(text.encode("utf-8"))

    def key(f: OpmlFeed) -> tuple[str, str, str | None]:
        return f.xml_url, f.title, f.html_url

    assert {key(f) for f in again} == {key(f) for f in feeds}
    assert len(again) == len(feeds)


def test_written_opml_is_well_formed_opml_2() -> None:
    sources = [
        Source(
            feed_url="https://a.example/feed?x=1&y=2",
            title="A & B <i>",
            site_url="https://a.example/",
        ),
        Source(feed_url="https://b.example/atom.xml", kind="atom"),  # no title: URL stands in
        Source(feed_url="https://c.example/rss", title="bad\x0bcontrol\x00chars"),
    ]
    root = etree.fromstring(write_opml(sources, title="Mine").encode())
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "Mine" and root.findtext("head/dateCreated")
    outlines = root.findall("body/outline")
    assert [o.get("type") for o in outlines] == ["rss", "rss", "rss"]
    assert outlines[0].get("text") == outlines[0].get("title") == "A & B <i>"
    assert outlines[0].get("xmlUrl") == "https://a.example/feed?x=1&y=2"
    assert outlines[0].get("htmlUrl") == "https://a.example/"
    assert (
        outlines[1].get("text") == "https://b.example/atom.xml"
        and outlines[1].get("htmlUrl") is None
    )
    assert outlines[2].get("text") == "badcontrolchars"


def test_tolerates_bare_ampersands() -> None:
    doc = b'<opml version="1.0"><body><outline text="Q&A" xmlUrl="http://x.example/?a=1&b=2"/></body></opml>'
    assert parse_opml(doc) == [OpmlFeed("http://x.example/?a=1&b=2", "Q&A")]


def test_entities_are_not_expanded_dangerously() -> None:
    lol = '<!ENTITY a0 "lollollollol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    doc = f'<!DOCTYPE opml [{lol}]><opml><body><outline text="&a9;" xmlUrl="http://x/"/></body></opml>'
    feeds = parse_opml(doc.encode())
    assert all(len(f.title) < 10_000 for f in feeds)


@pytest.mark.parametrize("doc", [b"", b"not xml", b"<html><body/></html>"])
def test_not_opml(doc: bytes) -> None:
    with pytest.raises(FeedError, match="not an OPML file"):
        parse_opml(doc)
