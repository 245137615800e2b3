"""Feed edge cases from issue 4, beyond the format basics in test_sources_feeds.py.

Identity rule under test: an entry's `guid` is its id within the feed (publisher id, else its
link, else a hash of title and date); its `url` is its http(s) link without tracking
parameters. Both are exposed; the pipeline deduplicates articles by canonical URL, so a guid
that changes while the link stays is a "new" entry whose article is already known.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from progleton.dedupe import url_key
from progleton.errors import FeedError, NotAFeed
from progleton.models import ParsedFeed
from progleton.sources import parse_feed
from progleton.sources.limits import MAX_ENTRIES, MAX_FEED_BYTES, MAX_MALFORMED_BYTES
from progleton.sources.links import strip_tracking
from progleton.sources.media import feed_entry_image, json_item_image

FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2024, 7, 1, tzinfo=UTC)
URL = "https://feeds.example/feed"


def load(name: str, content_type: str | None = None) -> ParsedFeed:
    data = (FEEDS / name).read_bytes()
    return parse_feed(data, f"https://feeds.example/{name}", content_type, now=NOW)


def parse(body: str | bytes, content_type: str | None = None) -> ParsedFeed:
    data = body.encode() if isinstance(body, str) else body
    return parse_feed(data, URL, content_type, now=NOW)


def rss(items: str, channel: str = "<title>T</title>") -> str:
    return f'<rss version="2.0"><channel>{channel}{items}</channel></rss>'


def atom(entries: str, head: str = "<title>T</title>") -> str:
    return f'<feed xmlns="http://www.w3.org/2005/Atom">{head}{entries}</feed>'


def json_feed(items: list[Any], **extra: Any) -> str:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": items, **extra}
    return json.dumps(doc)


# -- identity: duplicate, missing and changing GUIDs ------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        atom(
            "<entry><id>tag:a,2024:1</id><title>1</title></entry>"
            "<entry><id>tag:a,2024:1</id><title>2</title></entry>"
        ),
        json_feed([{"id": "x", "title": "1"}, {"id": "x", "title": "2"}]),
        # No guids: the shared link stands in, so these are duplicates too.
        rss(
            "<item><title>1</title><link>https://a.example/p</link></item>"
            "<item><title>2</title><link>https://a.example/p?utm_source=x</link></item>"
        ),
    ],
    ids=["atom", "json", "rss-link-fallback"],
)
def test_duplicate_guids_keep_the_first_with_a_warning(body: str) -> None:
    feed = parse(body)
    assert [e.title for e in feed.entries] == ["1"]
    assert "skipped 1 entry with a repeated id" in feed.warnings


def test_missing_guids_fall_back_to_link_then_a_stable_hash() -> None:
    items = [
        {"url": "https://a.example/linked", "title": "Linked"},
        {"title": "Bare", "date_published": "2024-05-01T10:00:00Z"},
        {"title": "Other", "date_published": "2024-05-01T10:00:00Z"},
    ]
    first = parse(json_feed(items)).entries
    again = parse(json_feed(list(reversed(items)))).entries[::-1]  # order does not matter
    assert first[0].guid == "https://a.example/linked"
    assert first[1].guid.startswith("progleton:sha256:") and first[1].guid != first[2].guid
    assert [e.guid for e in first] == [e.guid for e in again]


def test_guid_that_changes_while_the_link_stays() -> None:
    def version(guid: str, link: str) -> ParsedFeed:
        return parse(rss(f"<item><guid>{guid}</guid><link>{link}</link><title>t</title></item>"))

    before = version("urn:cms:1", "https://a.example/story?utm_source=rss")
    after = version("urn:newcms:9f2", "https://a.example/story?utm_campaign=x")
    (old,), (new,) = before.entries, after.entries
    assert old.guid != new.guid  # a new id: the store will not have seen it...
    assert old.url == new.url == "https://a.example/story"
    assert url_key(old.url) == url_key(new.url)  # ...but the article is found by URL


def test_overlong_guids_are_hashed() -> None:
    feed = parse(rss(f"<item><guid>{'g' * 5000}</guid><title>t</title></item>"))
    assert feed.entries[0].guid.startswith("progleton:sha256:")


# -- links: relative, xml:base, hostile schemes, tracking ------------------------------------


def test_rss_relative_links_and_xml_base() -> None:
    feed = load("rss_xml_base.xml")
    by_guid = {e.guid: e for e in feed.entries}
    assert feed.site_url == "https://cdn.example.com/"  # channel xml:base applies
    channel = by_guid["base-1"]
    assert channel.url == "https://cdn.example.com/news/2024/06/channel-base?id=7"
    assert channel.content_html is not None
    assert 'href="https://cdn.example.com/news/more.html"' in channel.content_html
    assert by_guid["base-2"].url == "https://mirror.example.org/archive/item-base.html"
    # A hostile xml:base is ignored (feedparser falls back to the enclosing base)...
    assert by_guid["base-3"].url == "https://cdn.example.com/news/x"
    # ...and a file: one yields a file: link, which is dropped.
    assert by_guid["base-4"].url is None
    assert "ignored the link of 1 entry: not an http(s) URL" in feed.warnings


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(document.domain)",
        "java&#x09;script:alert(1)",
        "\x01javascript:alert(1)",  # XML-forbidden, removed before parsing
        "vbscript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "mailto:editor@a.example",
        "file:///etc/passwd",
        "ftp://a.example/x",
    ],
)
def test_entry_links_that_are_not_http_are_dropped(link: str) -> None:
    body = rss(
        f'<item><guid isPermaLink="false">g</guid><title>t</title><link>{link}</link></item>'
    )
    atom_body = atom(f'<entry><id>tag:a,1:1</id><title>t</title><link href="{link}"/></entry>')
    json_body = json_feed([{"id": "g", "url": link.replace("&#x09;", "\t")}])
    for feed in (parse(body), parse(atom_body), parse(json_body)):
        (entry,) = feed.entries
        assert entry.url is None and entry.guid in ("g", "tag:a,1:1")
        assert any("not an http(s) URL" in w for w in feed.warnings), feed.warnings


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://a.example/p?utm_source=rss&utm_medium=feed", "https://a.example/p"),
        ("https://a.example/p?id=4&fbclid=IwAR0x&page=2", "https://a.example/p?id=4&page=2"),
        ("https://a.example/p?gclid=1&mc_cid=2&mc_eid=3&xtor=RSS-1", "https://a.example/p"),
        ("https://a.example/p?UTM_Campaign=x&q=a%20b", "https://a.example/p?q=a%20b"),
        ("https://a.example/p#utm_source=x&utm_medium=y", "https://a.example/p"),
        ("https://a.example/p?source=x&ref=y&uid=3#top", "https://a.example/p?source=x&ref=y&uid=3#top"),
    ],
)  # fmt: skip
def test_tracking_parameters_are_stripped(url: str, clean: str) -> None:
    assert strip_tracking(url) == clean
    feed = parse(rss(f"<item><title>t</title><link>{url.replace('&', '&amp;')}</link></item>"))
    assert feed.entries[0].url == clean


# -- dates -------------------------------------------------------------------------------------


def test_missing_and_unparseable_dates_are_none_without_fuss() -> None:
    feed = parse(
        rss(
            "<item><title>none</title><link>https://a.example/1</link></item>"
            "<item><title>junk</title><link>https://a.example/2</link>"
            "<pubDate>the day after tomorrow</pubDate></item>"
        )
    )
    assert [e.published for e in feed.entries] == [None, None]
    assert feed.warnings == []


@pytest.mark.parametrize(
    "body",
    [
        atom("<entry><id>tag:a,1:1</id><title>t</title><published>2099-01-01T00:00:00Z</published></entry>"),
        json_feed([{"id": "1", "title": "t", "date_published": "2099-01-01T00:00:00Z"}]),
    ],
    ids=["atom", "json"],
)  # fmt: skip
def test_future_dates_are_dropped_with_a_warning(body: str) -> None:
    feed = parse(body)
    assert feed.entries[0].published is None
    assert "ignored publish dates in the future on 1 entry" in feed.warnings


# -- character sets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "entry", "warning"),
    [
        ("shift_jis_declared.xml", "日本のニュース", "東京で新しい駅が開業", None),
        ("shift_jis_undeclared.xml", "日本のニュース", "東京で新しい駅が開業", "read as cp932"),
        ("cp1251_declared.xml", "Новости дня", "Москва: новый мост открыт", None),
        ("cp1251_undeclared.xml", "Новости дня", "Москва: новый мост открыт", "read as cp1251"),
        ("cp1252_undeclared.xml", "Café “News”", "Crème brûlée – a review", "read as cp1252"),
        ("latin1_undeclared.xml", "Ça va", "Noël à Paris", "read as cp1252"),
        ("utf8_bom.xml", "Crème BOM", "brûlée", None),
    ],
)
def test_non_utf8_feeds(name: str, title: str, entry: str, warning: str | None) -> None:
    feed = load(name)
    assert (feed.title, feed.entries[0].title) == (title, entry)
    if warning is None:
        assert feed.warnings == []
    else:
        assert any(warning in w for w in feed.warnings), feed.warnings


def test_server_claims_utf8_for_windows_1252_bytes() -> None:
    feed = load("cp1252_undeclared.xml", "application/rss+xml; charset=utf-8")
    assert feed.entries[0].title == "Crème brûlée – a review"
    assert feed.warnings == ["wrong character encoding declared (utf-8); decoded as cp1252"]


def test_bom_beats_a_wrong_http_charset() -> None:
    feed = load("utf8_bom.xml", "text/xml; charset=iso-8859-1")
    assert feed.title == "Crème BOM" and feed.warnings == []


def test_json_feed_with_a_bom() -> None:
    feed = parse(b"\xef\xbb\xbf" + json_feed([{"id": "1", "title": "Café"}]).encode())
    assert feed.entries[0].title == "Café"


def test_utf16_without_bom() -> None:
    body = rss("<item><title>Ünïcode</title><link>https://a.example/1</link></item>")
    assert parse(body.encode("utf-16-le")).entries[0].title == "Ünïcode"


def test_xml_forbidden_control_characters_are_removed_not_fatal() -> None:
    feed = parse(
        rss("<item><title>Bell\x07 and\x0c form feed</title></item>", "<title>T\x1b</title>")
    )
    assert feed.title == "T" and feed.entries[0].title == "Bell and form feed"
    assert feed.warnings == []  # still parsed strictly


def test_blank_lines_before_the_xml_declaration() -> None:
    # WordPress themes with a stray newline in functions.php: strictly invalid, very common.
    feed = parse(
        "\n\n  " + '<?xml version="1.0" encoding="utf-8"?>' + rss("<item><title>t</title></item>")
    )
    assert feed.entries[0].title == "t" and feed.warnings == []


def test_php_warnings_before_the_feed() -> None:
    junk = "<br />\n<b>Warning</b>: Cannot modify header information in <b>x.php</b><br />\n"
    feed = parse(junk + '<?xml version="1.0"?>' + rss("<item><title>t</title></item>"))
    assert feed.entries[0].title == "t"
    assert feed.warnings == [f"ignored {len(junk)} characters before the XML declaration"]


# -- titles and content ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("&lt;b&gt;Bold&lt;/b&gt; move", "Bold move"),
        ("<![CDATA[<em>Hi</em> there]]>", "Hi there"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;Safe", "Safe"),
        ("<![CDATA[a <script>x()</script>b <style>p{}</style>c]]>", "a b c"),
        ("AT&amp;amp;T", "AT&T"),  # double-escaped, as WordPress does
        ("&#8220;Quoted&#8221; &#x2014; done", "“Quoted” — done"),
        ("5 &lt; 6", "5 < 6"),
        ("  spaced\n\tout  ", "spaced out"),
    ],
)
def test_html_in_rss_titles_becomes_plain_text(raw: str, title: str) -> None:
    feed = parse(rss(f"<item><title>{raw}</title></item>", f"<title>{raw}</title>"))
    assert feed.entries[0].title == title and feed.title == title


def test_html_in_json_feed_titles_becomes_plain_text() -> None:
    feed = parse(json_feed([{"id": "1", "title": "<b>Big</b> &amp; <script>x()</script>bold"}]))
    assert feed.entries[0].title == "Big & bold"


def test_overlong_titles_are_cut() -> None:
    feed = parse(rss(f"<item><title>{'word ' * 1000}</title></item>"))
    assert len(feed.entries[0].title) <= 501 and feed.entries[0].title.endswith("…")


def test_atom_xhtml_titles_and_content() -> None:
    feed = load("atom_xhtml.xml")
    assert feed.title == "The XHTML & Co. feed"
    xhtml, no_link = feed.entries
    assert xhtml.title == "Inline markup title"  # script content gone
    assert xhtml.content_html is not None
    assert xhtml.content_html.startswith("<p>An <a href=")
    assert "<script" not in xhtml.content_html and "onclick" not in xhtml.content_html
    assert xhtml.summary == "An XHTML body. Second."
    assert no_link.title == "Literal <b> in a text title"  # type="text" is literal


def test_atom_html_title_double_escaped() -> None:
    entry = atom(
        '<entry><id>tag:a,1:1</id><title type="html">&lt;i&gt;HTML&lt;/i&gt; &amp;amp; co'
        "</title></entry>"
    )
    assert parse(entry).entries[0].title == "HTML & co"


def test_rss_content_encoded() -> None:
    feed = load("rss_xml_base.xml")
    teaser, encoded_only = feed.entries[:2]
    assert teaser.summary == "Teaser only."  # <description> is the summary...
    assert teaser.content_html is not None and "<script" not in teaser.content_html
    assert "relative link" in teaser.content_html  # ...<content:encoded> the content
    assert encoded_only.summary == "Only encoded content here."  # derived from the content
    assert encoded_only.content_html == "<p>Only <em>encoded</em> content here.</p>"


def test_json_feed_with_only_content_html_is_not_sanitised_here() -> None:
    html = '<p onclick="x()">Body <script>evil()</script></p>'
    feed = parse(json_feed([{"id": "1", "url": "https://a.example/1", "content_html": html}]))
    (entry,) = feed.entries
    assert entry.summary == "Body" and entry.title == ""
    # Passed through as documented: anything that displays it must sanitise it.
    assert entry.content_html == html


# -- media / enclosure images ------------------------------------------------------------------


def test_images_from_media_rss_and_enclosures() -> None:
    import feedparser  # the helpers work on feedparser's entries

    base = "https://feeds.example/rss_xml_base.xml"
    d = feedparser.parse((FEEDS / "rss_xml_base.xml").read_bytes())
    first, second = d.entries[:2]
    assert feed_entry_image(first, base) == "https://feeds.example/img/lead.jpg"
    assert feed_entry_image(second, base) == "https://feeds.example/thumbs/2.png"  # not the mp4
    a = feedparser.parse((FEEDS / "atom_xhtml.xml").read_bytes())
    assert feed_entry_image(a.entries[0], base) == "https://xhtml.example/img/1.png"
    assert feed_entry_image(a.entries[1], base) is None


@pytest.mark.parametrize(
    ("item", "image"),
    [
        ({"image": "/i.png"}, "https://feeds.example/i.png"),
        ({"banner_image": "https://c.example/b.jpg"}, "https://c.example/b.jpg"),
        ({"attachments": [{"url": "https://c.example/a.mp3", "mime_type": "audio/mpeg"},
                          {"url": "https://c.example/a.webp", "mime_type": "image/webp"}]},
         "https://c.example/a.webp"),
        ({"image": "data:image/svg+xml,<svg onload=alert(1)>"}, None),
        ({"image": "javascript:alert(1)"}, None),
        ({"attachments": [{"url": "https://c.example/x.svg", "mime_type": "image/svg+xml"}]}, None),
        ({"image": 42, "attachments": "nope"}, None),
    ],
)  # fmt: skip
def test_json_feed_images(item: dict[str, Any], image: str | None) -> None:
    assert json_item_image(item, "https://feeds.example/feed.json") == image


# -- entries without links, empty and broken feeds --------------------------------------------


def test_entries_without_links_are_kept_with_their_guid() -> None:
    # Kept (not skipped): they have a guid and a summary; the pipeline fetches only entries
    # with a URL. An Atom <id> is never promoted to a link: <id>42</id> is not a page.
    feed = load("atom_xhtml.xml")
    no_link = feed.entries[1]
    assert no_link.url is None and no_link.guid.endswith("42")
    assert no_link.summary == "No link at all: kept, with its id."
    assert not any("link" in w for w in feed.warnings)


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (rss(""), "rss"),
        ('<rss version="2.0"><channel/></rss>', "rss"),
        (atom(""), "atom"),
        ('<feed xmlns="http://www.w3.org/2005/Atom"/>', "atom"),
        (json_feed([]), "json"),
    ],
)
def test_empty_feeds_are_valid(body: str, kind: str) -> None:
    feed = parse(body)
    assert feed.kind == kind and feed.entries == []
    assert not any("well-formed" in w for w in feed.warnings)


def test_truncated_xml_keeps_the_entries_before_the_cut() -> None:
    feed = load("truncated_rss.xml")
    assert [e.title for e in feed.entries] == ["First", "Second"]  # not the half-entry
    assert "the feed ends inside an entry; that entry was ignored" in feed.warnings
    assert any("not well-formed XML" in w for w in feed.warnings)


@pytest.mark.parametrize(
    "page",
    [
        b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/'
        b'DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        b"\xef\xbb\xbf\n  <!-- generated --><!doctype html><html><head><title>x</title>",
        b"<head><meta charset=utf-8><title>No html tag</title></head><body>x</body>",
        b"   \n<HTML><BODY>Shouting</BODY></HTML>",
    ],
)
def test_html_pages_are_not_feeds(page: bytes) -> None:
    with pytest.raises(NotAFeed, match="not a feed: an HTML page"):
        parse_feed(page, URL, "application/rss+xml")


# -- JSON Feed with wrong types ----------------------------------------------------------------


def test_json_feed_with_wrong_types() -> None:
    feed = load("jsonfeed_wrong_types.json")
    by_guid = {e.guid: e for e in feed.entries}
    assert feed.title == "feeds.example" and feed.site_url is None  # list title, object URL
    assert by_guid["17"].url == "https://json.example/17" and by_guid["17"].title == "3.5"
    assert by_guid["https://elsewhere.example/x?page=2"].title == "Object id"
    bool_id = next(e for e in feed.entries if e.title == "Bool id, list url")
    assert bool_id.url is None and bool_id.guid.startswith("progleton:sha256:")
    assert by_guid["dup"].title == "First dup" and by_guid["js"].url is None
    assert by_guid["future"].published is None and by_guid["overflow"].published is None
    assert "2 items were not objects and were skipped" in feed.warnings


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"version": "https://jsonfeed.org/version/1.1", "items": {"0": {}}}', None),
        ('{"version": "https://jsonfeed.org/version/1.1", "items": "none"}', None),
        ("[" * 100_000 + "]" * 100_000, "not a feed"),
        ('{"items": ' + "1" * 5000 + "}", "not a feed: invalid JSON"),
    ],
)
def test_json_feed_structure_errors(body: str, reason: str | None) -> None:
    if reason is None:
        feed = parse(body)
        assert feed.entries == [] and "JSON Feed without an items list" in feed.warnings
    else:
        with pytest.raises(NotAFeed, match=reason):
            parse(body)


# -- size: 10k entries, byte caps --------------------------------------------------------------


def _big_rss(n: int, body: str = "") -> bytes:
    items = "".join(
        f"<item><title>Item {i}</title><link>https://big.example/{i}</link>"
        f"<guid>https://big.example/{i}</guid><description>Teaser {i}{body}</description></item>\n"
        for i in range(n)
    )
    return rss(items, "<title>Big</title>").encode()


def _big_atom(n: int) -> bytes:
    entries = "".join(
        f'<entry><id>tag:big,1:{i}</id><title>Item {i}</title><link href="https://big.example/{i}"/>'
        "<updated>2024-06-01T00:00:00Z</updated></entry>\n"
        for i in range(n)
    )
    return atom(entries, "<title>Big</title>").encode()


def _big_json(n: int) -> bytes:
    return json_feed([{"id": str(i), "url": f"https://big.example/{i}"} for i in range(n)]).encode()


@pytest.mark.parametrize("build", [_big_rss, _big_atom, _big_json], ids=["rss", "atom", "json"])
def test_10k_entry_feeds_are_cut_at_the_cap_quickly(build: Any) -> None:
    data = build(10_000)
    start = time.perf_counter()
    feed = parse_feed(data, URL, now=NOW)
    elapsed = time.perf_counter() - start
    assert len(feed.entries) == MAX_ENTRIES
    assert feed.entries[0].url == "https://big.example/0"
    assert feed.entries[-1].url == f"https://big.example/{MAX_ENTRIES - 1}"
    assert f"feed cut at {MAX_ENTRIES} entries of 10000" in feed.warnings
    assert not any("well-formed" in w for w in feed.warnings)  # cut between entries
    assert elapsed < 3.0, elapsed  # ~0.4 s on a laptop; feedparser alone needs 3+ s for 10k


def test_big_entries_are_cut_at_the_byte_cap_between_entries() -> None:
    data = _big_rss(300, body=" lorem ipsum" * 500)  # ~6 KB per entry, ~1.8 MB in all
    assert len(data) > MAX_FEED_BYTES
    feed = parse_feed(data, URL, now=NOW)
    assert 100 < len(feed.entries) < 300
    assert f"feed cut at {len(feed.entries)} entries of 300 (1024 KiB limit)" in feed.warnings
    assert not any("well-formed" in w for w in feed.warnings)


def test_broken_big_feeds_get_the_smaller_lenient_budget() -> None:
    data = _big_rss(300, body=" lorem & ipsum" * 100)  # bare "&": not well-formed
    assert MAX_MALFORMED_BYTES < len(data) < MAX_FEED_BYTES
    start = time.perf_counter()
    feed = parse_feed(data, URL, now=NOW)
    assert time.perf_counter() - start < 3.0
    assert 50 < len(feed.entries) < 300
    assert f"feed cut at {len(feed.entries)} entries of 300 (256 KiB limit)" in feed.warnings


def test_no_entry_boundary_means_a_raw_cut() -> None:
    data = rss("", f"<title>T</title><description>{'<b>x</b>' * 200_000}</description>").encode()
    feed = parse_feed(data, URL, now=NOW)
    # The cut (its warning below) is what bounds the work on a feed with no entry boundary;
    # how fast the rest parses is a benchmark question, not a unit test's.
    assert feed.title == "T"
    assert any(w.startswith(f"feed cut at {MAX_MALFORMED_BYTES} bytes of ") for w in feed.warnings)


def test_oversize_json_is_refused() -> None:
    data = json_feed([{"id": "1", "summary": "x" * (11 * 1024 * 1024)}]).encode()
    with pytest.raises(FeedError, match="feed too large"):
        parse_feed(data, URL)


def test_a_channel_links_element_is_not_a_list_of_links() -> None:
    # Found by the fuzz test: feedparser gives a <links> element's text as `feed.links`.
    from progleton.sources.feeds import parse_feed

    body = (
        b'<rss version="2.0"><channel><title>x</title><links>abc</links>'
        b"<item><title>a</title><link>https://e.example/a</link></item></channel></rss>"
    )
    parsed = parse_feed(body, "https://e.example/feed")
    assert [e.url for e in parsed.entries] == ["https://e.example/a"]
