"""XML attacks against every XML path: feeds (feedparser), OPML (lxml), discovery (lxml.html).

Each attack is built so that it would be *visible* if it worked: external entities point at
a local file holding a marker string and at a loopback HTTP server that counts requests, and
any socket connection attempted during parsing is recorded. Expansion attacks are checked
by time and by the size of what comes out.
"""

from __future__ import annotations

import io
import socket
import threading
import time
import xml.sax
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from progleton.errors import FeedError
from progleton.models import ParsedFeed
from progleton.sources import discover_feed_links, looks_like_feed, parse_feed, parse_opml
from progleton.sources.xmlsafe import rebuild_prolog

MARKER = "SECRET-MARKER-7f3a"
REMOTE_MARKER = "REMOTE-MARKER-91bc"
FEED_URL = "https://feeds.example/feed.xml"


class _Counting(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = (
            f'<!ENTITY remote "{REMOTE_MARKER}">'.encode()
            if self.path.endswith(".dtd")
            else REMOTE_MARKER.encode()
        )
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Trap:
    """A loopback server counting hits, a secret file, and a record of socket connects."""

    def __init__(self, tmp_path: Path) -> None:
        self.hits: list[str] = []
        handler = type("Handler", (_Counting,), {"hits": self.hits})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, args=(0.01,), daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.secret = tmp_path / "secret.txt"
        self.secret.write_text(MARKER)
        self.connects: list[object] = []

    @property
    def file_url(self) -> str:
        return self.secret.as_uri()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def trap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Trap]:
    t = Trap(tmp_path)
    real_connect = socket.socket.connect

    def recording_connect(sock: socket.socket, address: Any) -> None:
        t.connects.append(address)
        real_connect(sock, address)

    # Installed after the server started: the server only accepts, it never connects.
    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    yield t
    t.close()


def assert_untouched(trap: Trap, result: object) -> None:
    time.sleep(0.05)  # let a request that slipped out reach the server thread
    text = repr(result)
    assert MARKER not in text
    assert REMOTE_MARKER not in text
    assert trap.hits == []
    assert trap.connects == []


def rss(doctype: str, ref: str) -> bytes:
    """An RSS feed whose title, entry title, link and description all use `ref`."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n'
        f'<rss version="2.0"><channel><title>{ref}</title><link>https://site.example/</link>'
        f"<item><title>Entry {ref}</title><link>https://site.example/a?x={ref}</link>"
        f'<guid isPermaLink="false">g1</guid><description>{ref}</description></item>'
        "</channel></rss>"
    ).encode()


def atom(doctype: str, ref: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{ref}</title><entry><id>tag:x,2024:1</id><title>{ref}</title>"
        f'<link href="https://site.example/{ref}"/><content type="html">{ref}</content>'
        f"</entry></feed>"
    ).encode()


def opml(doctype: str, ref: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<opml version="2.0"><body>'
        f'<outline text="{ref}" title="{ref}" xmlUrl="https://site.example/feed"/>'
        f"<outline xmlUrl='https://site.example/other'>{ref}</outline></body></opml>"
    ).encode()


def _lol(oneline: bool) -> str:
    decls = ['<!ENTITY a0 "lollollollollollollollollollol">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    ]
    sep = "" if oneline else "\n"
    return f"<!DOCTYPE rss [{sep}{sep.join(decls)}{sep}]>"


def attacks(file_url: str, base: str) -> dict[str, tuple[str, str]]:
    """Attack name -> (DOCTYPE or prolog, reference used in the body)."""
    entity = f'<!ENTITY xxe SYSTEM "{file_url}">'
    return {
        "billion laughs": (_lol(oneline=False), "&a9;"),
        "billion laughs, one line": (_lol(oneline=True), "&a9;"),
        "quadratic blowup": (
            f'<!DOCTYPE rss [\n<!ENTITY big "{"x" * 100_000}">\n]>',
            "&big;" * 2000,
        ),
        # Under expat's and libxml2's amplification limits: only the DOCTYPE removal stops it.
        "modest amplification": (
            f'<!DOCTYPE rss [\n<!ENTITY big "{"x" * 1000}">\n]>',
            "&big;" * 200,
        ),
        "XXE file://": (f"<!DOCTYPE rss [\n{entity}\n]>", "&xxe;"),
        "XXE file://, one line": (f"<!DOCTYPE rss [{entity}]>", "&xxe;"),
        "XXE http://": (f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{base}/entity">\n]>', "&xxe;"),
        "XXE PUBLIC http://": (
            f'<!DOCTYPE rss [<!ENTITY xxe PUBLIC "-//X//Y" "{base}/pub">]>',
            "&xxe;",
        ),
        "external DTD subset": (f'<!DOCTYPE rss SYSTEM "{base}/ext.dtd">', "&remote;"),
        "external DTD, PUBLIC id": (
            f'<!DOCTYPE rss PUBLIC "-//X//DTD X//EN" "{base}/p.dtd">',
            "&remote;",
        ),
        "parameter entity DTD fetch": (
            f'<!DOCTYPE rss [\n<!ENTITY % p SYSTEM "{base}/pe.dtd">\n%p;\n]>',
            "&remote;",
        ),
        "parameter entity file exfiltration": (
            f'<!DOCTYPE rss [<!ENTITY % f SYSTEM "{file_url}">'
            f"<!ENTITY % d \"<!ENTITY &#x25; e SYSTEM '{base}/x?%f;'>\">%d;%e;]>",
            "x",
        ),
        "entity with markup": ('<!DOCTYPE rss [<!ENTITY m "<script>alert(1)</script>">]>', "&m;"),
        "xml-stylesheet PI": (f'<?xml-stylesheet type="text/xsl" href="{base}/s.xsl"?>', "x"),
        "XInclude": (
            "",
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{file_url}"'
            ' parse="text"/>',
        ),
        "DOCTYPE with a comment full of delimiters": (
            f"<!DOCTYPE rss [<!-- ]> ' \" -->{entity}]>",
            "&xxe;",
        ),
        "lowercase doctype": (f"<!doctype rss [{entity}]>", "&xxe;"),
    }


ATTACKS = list(attacks("file:///x", "http://x"))


def attack(trap: Trap, name: str) -> tuple[str, str]:
    return attacks(trap.file_url, trap.base)[name]


def test_the_trap_catches_a_parser_that_resolves_entities(trap: Trap) -> None:
    # Control: the same documents through xml.sax with external entities switched on
    # (feedparser's parser, minus the default that protects it) do leak. So the trap works.
    leaked = []
    for name in ("XXE file://", "XXE http://"):
        doctype, ref = attack(trap, name)
        handler = _Text()
        parser = xml.sax.make_parser()
        parser.setFeature(xml.sax.handler.feature_external_ges, True)
        parser.setContentHandler(handler)
        parser.parse(io.BytesIO(rss(doctype, ref)))
        leaked.append(handler.text)
    assert MARKER in leaked[0] and REMOTE_MARKER in leaked[1]
    assert trap.hits and set(trap.hits) == {"/entity"}
    assert len(trap.connects) == len(trap.hits)


class _Text(xml.sax.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.text = ""

    def characters(self, content: str) -> None:
        self.text += content


@pytest.mark.parametrize("build", [rss, atom], ids=["rss", "atom"])
@pytest.mark.parametrize("name", ATTACKS)
def test_feed_attacks_are_inert(trap: Trap, name: str, build: Callable[[str, str], bytes]) -> None:
    doctype, ref = attack(trap, name)
    start = time.perf_counter()
    try:
        result: ParsedFeed | FeedError = parse_feed(build(doctype, ref), FEED_URL)
    except FeedError as exc:
        result = exc
    assert time.perf_counter() - start < 2.0
    assert len(repr(result)) < 50_000  # nothing expanded (the quadratic input is 10 KB of refs)
    assert "lollollol" not in repr(result) and "xxxxxxxxxx" not in repr(result)
    assert "<script" not in repr(result)
    assert_untouched(trap, result)


@pytest.mark.parametrize("name", ATTACKS)
def test_opml_attacks_are_inert(trap: Trap, name: str) -> None:
    doctype, ref = attack(trap, name)
    doctype = doctype.replace("DOCTYPE rss", "DOCTYPE opml").replace("doctype rss", "doctype opml")
    ref = ref.replace('"', "'")  # it goes into an attribute value
    start = time.perf_counter()
    try:
        result: object = parse_opml(opml(doctype, ref))
    except FeedError as exc:
        result = exc
    assert time.perf_counter() - start < 2.0
    assert len(repr(result)) < 50_000
    assert "lollollol" not in repr(result) and "xxxxxxxxxx" not in repr(result)
    assert_untouched(trap, result)


def test_opml_attacks_do_not_lose_the_subscriptions(trap: Trap) -> None:
    doctype = f'<!DOCTYPE opml [<!ENTITY xxe SYSTEM "{trap.file_url}">]>'
    feeds = parse_opml(opml(doctype, "&xxe;"))
    assert [f.xml_url for f in feeds] == [
        "https://site.example/feed",
        "https://site.example/other",
    ]


@pytest.mark.parametrize("name", ["XXE file://", "XXE http://", "external DTD subset"])
def test_discovery_and_sniffing_do_not_resolve_entities(trap: Trap, name: str) -> None:
    doctype, ref = attack(trap, name)
    page = (
        f"{doctype.replace('rss', 'html')}<html><head><title>{ref}</title>"
        f'<link rel="alternate" type="application/rss+xml" href="/feed?{ref}"></head>'
        f"<body>{ref}</body></html>"
    ).encode()
    links = discover_feed_links(page, "https://site.example/")
    assert looks_like_feed(rss(doctype, ref)) is True
    assert_untouched(trap, links)


def test_entity_doctype_is_a_warning() -> None:
    doctype, ref = '<!DOCTYPE rss [\n<!ENTITY big "x">\n]>', "&big;"
    feed = parse_feed(rss(doctype, ref), FEED_URL)
    assert "ignored 1 entity declaration in the DOCTYPE (entities are never expanded)" in (
        feed.warnings
    )
    assert feed.entries[0].guid == "g1"  # the rest of the feed is still read


def test_character_entities_still_work_without_warnings() -> None:
    # The one legitimate DTD use in feeds: naming characters. Kept, so the parse stays strict.
    doctype = '<!DOCTYPE rss [\n<!ENTITY nbsp "&#160;">\n<!ENTITY mdash "&#x2014;">\n]>'
    feed = parse_feed(rss(doctype, "a&nbsp;b&mdash;c"), FEED_URL)
    assert feed.title == "a\u00a0b—c".replace("\u00a0", " ")  # squashed like any whitespace
    assert feed.entries[0].title == "Entry a b—c"
    assert feed.warnings == []


def test_plain_external_dtd_is_dropped_silently() -> None:
    # RSS 0.91 feeds carry the Netscape DOCTYPE; it was never fetched and is not a problem.
    doctype = (
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">'
    )
    feed = parse_feed(rss(doctype, "plain"), FEED_URL)
    assert feed.title == "plain" and feed.warnings == []


@pytest.mark.parametrize(
    "value",
    ['"&#60;"', '"&#38;"', '"&#0;"', '"&#xFFFE;"', '"&#60;&#60;"', "\"&#65;'", '"&#65"'],
)
def test_only_single_harmless_character_references_are_kept(value: str) -> None:
    prolog = rebuild_prolog(f"<!DOCTYPE rss [<!ENTITY e {value}>]><rss/>")
    assert prolog.text is not None and "ENTITY" not in prolog.text
    assert prolog.text.endswith("\n<rss/>")


def test_nothing_before_the_root_survives() -> None:
    text = (
        '\ufeff  <?xml version="1.0" encoding="iso-8859-1"?><!-- c --><?pi x?>'
        '<!DOCTYPE rss [<!ENTITY a "b"> <!-- "]>" --> <?p "?>]>\n<!-- after --><rss>&a;</rss>'
    )
    prolog = rebuild_prolog(text)
    assert prolog.text == '<?xml version="1.0" encoding="utf-8"?>\n<rss>&a;</rss>'


@pytest.mark.parametrize(
    "text",
    [
        '<!DOCTYPE rss [<!ENTITY a "never closed',  # unterminated literal
        "<!-- unterminated comment <!DOCTYPE rss [<!ENTITY a 'b'>]>",
        "<!DOCTYPE rss [<!ENTITY a '<rss>'>",  # "root" inside the broken DOCTYPE
    ],
)
def test_broken_prologs_never_pass_declarations_on(text: str) -> None:
    prolog = rebuild_prolog(text + "<rss>&a;</rss>")
    assert prolog.text is not None
    head, _, _ = prolog.text.partition("<rss")
    assert head == '<?xml version="1.0" encoding="utf-8"?>\n'


def test_utf16_feeds_get_the_same_treatment(trap: Trap) -> None:
    doctype, ref = attack(trap, "XXE file://")
    body = rss(doctype, ref).decode().replace('encoding="utf-8"', 'encoding="utf-16"')
    feed = parse_feed(body.encode("utf-16"), FEED_URL)
    assert any("entity declaration" in w for w in feed.warnings)
    assert_untouched(trap, feed)


def test_utf7_is_not_honoured() -> None:
    # UTF-7 spells "<" as "+ADw-": a way to hide markup from anything that reads bytes.
    body = b'<?xml version="1.0" encoding="utf-7"?><rss version="2.0"><channel>'
    body += b"<title>+ADw-script+AD4-x</title></channel></rss>"
    feed = parse_feed(body, FEED_URL)
    assert feed.title == "+ADw-script+AD4-x"
