"""parse_feed on realistic fixtures: every format, relative links, charsets, non-feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from progleton.errors import NotAFeed
from progleton.models import ParsedFeed
from progleton.sources import looks_like_feed, parse_feed

FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2024, 7, 1, tzinfo=UTC)


def load(name: str, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    return parse_feed(
        (FEEDS / name).read_bytes(), url or f"https://feeds.example/{name}", content_type, now=NOW
    )


def test_rss_091() -> None:
    feed = load("rss091.xml")
    assert (feed.kind, feed.title, feed.site_url) == (
        "rss",
        "Scripting News",
        "http://www.scripting.com/",
    )
    first, second = feed.entries
    assert first.url == first.guid == "http://www.scripting.com/2000/01/gnutella.html"
    assert second.summary == "The syndication list is open."  # escaped markup stripped
    assert feed.warnings == []


def test_rss_10_rdf() -> None:
    feed = load("rss10.rdf")
    assert feed.kind == "rss" and feed.title == "Meerkat: An Open Wire Service"
    entry = feed.entries[0]
    assert entry.url == "https://meerkat.example/story/1"
    assert entry.authors == ["Simon St.Laurent"]
    assert entry.published == datetime(2024, 3, 1, 8, 30, tzinfo=UTC)  # +01:00 normalised


def test_rss_20() -> None:
    feed = load("rss20.xml", "https://news.example.com/feed/", "application/rss+xml")
    assert feed.kind == "rss" and feed.title == "The Daily Example & Co"
    assert feed.ttl_minutes == 45 and feed.site_url == "https://news.example.com/"
    budget, link_only, _bare, _future = feed.entries
    assert budget.guid == "urn:example:1001"
    assert budget.url == "https://news.example.com/2024/05/budget"  # relative <link>
    assert budget.title == "Council approves “new” budget"
    assert budget.published == datetime(2024, 5, 14, 6, 15, tzinfo=UTC)
    assert budget.published.tzinfo is UTC
    assert budget.summary == "The council approved it. Second para."
    assert budget.authors == ["Ana Pérez"]
    assert budget.content_html is not None
    assert 'href="https://news.example.com/people/ana"' in budget.content_html
    assert "<script" not in budget.content_html
    assert link_only.authors == ["Night Desk"]


def test_missing_guids() -> None:
    feed = load("rss20.xml")
    _, link_only, bare, _ = feed.entries
    assert link_only.guid == "https://news.example.com/2024/05/link-only"  # link stands in
    assert bare.url is None and bare.guid.startswith("progleton:sha256:")
    # Stable across parses, so the entry is not seen as new every time.
    assert load("rss20.xml").entries[2].guid == bare.guid


def test_future_dates_dropped_with_warning() -> None:
    feed = load("rss20.xml")
    assert feed.entries[3].title == "From the future" and feed.entries[3].published is None
    assert "ignored publish dates in the future on 1 entry" in feed.warnings


def test_atom_10_with_xml_base() -> None:
    feed = load("atom10.xml")
    assert feed.kind == "atom" and feed.title == "Ada <3 Lovelace's blog"
    assert feed.site_url == "https://blog.example.org/"
    notes, second = feed.entries
    assert notes.url == "https://blog.example.org/posts/2024/notes-on-the-engine"
    assert notes.guid == "tag:blog.example.org,2024:1"
    assert notes.published == datetime(2024, 6, 1, 15, 0, tzinfo=UTC)
    assert notes.summary == "Plain <text> summary."  # type="text" is not treated as HTML
    assert notes.authors == ["Ada Lovelace"]  # inherited from the feed
    assert notes.content_html is not None
    assert "https://blog.example.org/posts/figures/1.png" in notes.content_html
    assert second.url == "https://cdn.example.net/mirror/second"  # entry-level xml:base
    assert second.title == "An XHTML title" and second.authors == ["Charles Babbage"]
    assert second.published == datetime(2024, 5, 30, 8, 0, tzinfo=UTC)  # updated as fallback


def test_atom_03() -> None:
    feed = load("atom03.xml")
    assert feed.kind == "atom" and feed.title == "dive into mark"
    (entry,) = feed.entries
    assert entry.url == "http://diveintomark.example/2003/12/13/atom03"
    assert entry.published == datetime(2003, 12, 13, 12, 29, 29, tzinfo=UTC)
    assert entry.summary == "It's a snapshot."


def test_json_feed_11() -> None:
    feed = load("jsonfeed11.json", "https://json.example.org/feed.json")
    assert (feed.kind, feed.title, feed.site_url) == (
        "json",
        "My Example Feed",
        "https://json.example.org/",
    )
    second, first = feed.entries
    assert second.guid == "2" and second.url == "https://json.example.org/second-item"
    assert second.published == datetime(2024, 4, 2, 17, 0, tzinfo=UTC)
    assert second.summary == "This is a second item." and second.authors == ["Jo Writer"]
    assert first.guid == "1"  # numeric id tolerated
    assert first.authors == ["Feed Author"]  # inherited from the feed
    assert first.content_html == "<p>Hello, <em>world</em>!</p>" and first.summary == "A greeting."


def test_json_feed_10_content_html_only() -> None:
    feed = load("jsonfeed10_content_html_only.json")
    only_html, anonymous = feed.entries
    assert only_html.summary == "Headline Only HTML content & nothing else."
    assert only_html.content_html is not None and only_html.content_html.startswith("<h1>")
    assert only_html.authors == ["Legacy Author"]  # 1.0 "author" object
    assert anonymous.url is None and anonymous.guid.startswith("progleton:sha256:")
    assert feed.warnings == []


def test_bozo_feed_with_entries_is_accepted_with_warning() -> None:
    feed = load("malformed_rss.xml")
    assert feed.title == "Tom & Jerry's Feed" and feed.entries[0].title == "Cats & mice"
    assert any("not well-formed XML" in w for w in feed.warnings)


def test_wrong_declared_charset() -> None:
    feed = load("cp1252_declared_utf8.xml")
    assert feed.title == "Café “News”"
    assert feed.entries[0].title == "Crème brûlée – a review"
    assert any("wrong character encoding" in w for w in feed.warnings)


def test_wrong_http_charset() -> None:
    feed = load("utf8_served_as_latin1.xml", content_type="text/xml; charset=ISO-8859-1")
    assert feed.entries[0].title == "Crème brûlée – a review"
    assert feed.warnings == ["declared charset iso-8859-1 is wrong; the content is UTF-8"]


def test_latin1_feed_honoured() -> None:
    body = '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel>'
    body += "<title>Ça va</title><item><title>Noël</title><link>http://a.example/1</link>"
    body += "</item></channel></rss>"
    feed = parse_feed(body.encode("latin-1"), "http://a.example/rss")
    assert (feed.title, feed.entries[0].title, feed.warnings) == ("Ça va", "Noël", [])


def test_utf16_feed() -> None:
    body = '<?xml version="1.0" encoding="utf-16"?><feed xmlns="http://www.w3.org/2005/Atom">'
    body += "<title>Ünïcode</title><entry><id>x</id><title>ok</title></entry></feed>"
    feed = parse_feed(body.encode("utf-16"), "http://a.example/atom")
    assert feed.kind == "atom" and feed.title == "Ünïcode"


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        ((FEEDS / "html_page.html").read_bytes(), "text/html", "not a feed: an HTML page"),
        (b"<html><body>hi</body></html>", "application/rss+xml", "not a feed: an HTML page"),
        ((FEEDS / "sitemap.xml").read_bytes(), None, "an XML document with root element <urlset>"),
        (b"", None, "not a feed: the document is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "binary data (image/png)"),
        (b'{"data": [1, 2]}', "application/json", "JSON that is not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", ', None, "invalid JSON"),
        (b"Hello, this is plain text.", "text/plain", "no RSS, Atom or JSON Feed markup"),
    ],
)
def test_not_a_feed(content: bytes, content_type: str | None, reason: str) -> None:
    with pytest.raises(NotAFeed) as info:
        parse_feed(content, "https://example.com/x", content_type)
    assert reason in info.value.reason
    assert info.value.reason.startswith("not a feed: ")


def test_feedparser_never_opens_files_or_urls(tmp_path: Path) -> None:
    # feedparser.parse(bytes) would treat these as a path / URL to read.
    secret = tmp_path / "secret.xml"
    secret.write_bytes((FEEDS / "rss20.xml").read_bytes())
    for content in (str(secret).encode(), b"https://news.example.com/feed/"):
        with pytest.raises(NotAFeed):
            parse_feed(content, "https://example.com/x")


def test_feed_without_title_gets_host() -> None:
    body = (
        b'<rss version="2.0"><channel><item><link>https://a.example/1</link></item></channel></rss>'
    )
    feed = parse_feed(body, "https://a.example/rss")
    assert feed.title == "a.example" and any("no title" in w for w in feed.warnings)


def test_duplicate_guids_skipped() -> None:
    item = "<item><guid>same</guid><title>{}</title></item>"
    items = item.format(1) + item.format(2)
    body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    feed = parse_feed(body.encode(), "https://a.example/rss")
    assert [e.title for e in feed.entries] == ["1"]
    assert "skipped 1 entry with a repeated id" in feed.warnings


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("rss20.xml", "text/html", True),  # mislabelled feeds are still feeds
        ("rss10.rdf", None, True),
        ("atom10.xml", "application/octet-stream", True),
        ("jsonfeed11.json", "application/json", True),
        ("html_page.html", "application/rss+xml", False),
        ("sitemap.xml", "application/xml", False),
    ],
)
def test_looks_like_feed(name: str, content_type: str | None, expected: bool) -> None:
    assert looks_like_feed((FEEDS / name).read_bytes(), content_type) is expected
