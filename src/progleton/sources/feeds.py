"""Parse RSS 0.9x/1.0/2.0, Atom 0.3/1.0 (via feedparser) and JSON Feed into a ParsedFeed.

XML takes this road before feedparser sees it:

1. `charset.decode_xml`: bytes -> text, whatever the labels claim.
2. `xmlsafe.rebuild_prolog`: everything before the root element is replaced by our own
   prolog, so no DTD, entity declaration or external reference reaches a parser.
3. `limits.cap_xml`: at most MAX_ENTRIES entries and a byte budget, cut between entries.
4. feedparser, on UTF-8 bytes in a file object (never a str or bytes: those it would treat
   as a path or URL to open).
"""

from __future__ import annotations

import io
import re
import xml.sax
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from progleton.errors import FeedError, NotAFeed
from progleton.models import ParsedFeed
from progleton.sources.charset import decode_xml
from progleton.sources.entries import TITLE_LIMIT, cap_entries, finish, note_dropped_links
from progleton.sources.hubs import xml_hub_links
from progleton.sources.jsonfeed import parse_json_feed
from progleton.sources.limits import MAX_INPUT_BYTES, cap_xml
from progleton.sources.links import http_url
from progleton.sources.sniff import head_text, root_element, sniff
from progleton.sources.text import truncate
from progleton.sources.xmlfeed import authors, entry, link_from_guid, plain_text, raw_link, ttl
from progleton.sources.xmlsafe import rebuild_prolog


def parse_feed(
    content: bytes, url: str, content_type: str | None = None, *, now: datetime | None = None
) -> ParsedFeed:
    """Parse feed bytes fetched from `url` (the base for relative links).

    Raises NotAFeed for HTML pages, non-feed JSON/XML, binary data and empty bodies, and
    FeedError for JSON Feeds over MAX_INPUT_BYTES; never anything else. Malformed,
    truncated and oversize feeds that still yield entries are accepted, with the problem
    noted in `warnings`. Entry `content_html` from RSS/Atom is sanitised by feedparser; from
    JSON Feed it is not: treat it as untrusted either way. Publish dates in the future are
    dropped, entry links that are not http(s) too (see warnings).
    """
    media = (content_type or "").split(";")[0].strip().lower() or None
    kind = sniff(content, media)
    if kind == "empty":
        raise NotAFeed("not a feed: the document is empty")
    if kind == "html":
        raise NotAFeed("not a feed: an HTML page")
    if kind == "binary":
        raise NotAFeed(f"not a feed: binary data ({media or 'unknown type'})")
    if kind in ("json", "jsonfeed"):
        if len(content) > MAX_INPUT_BYTES:
            raise FeedError(
                f"feed too large: {len(content)} bytes of JSON (the limit is {MAX_INPUT_BYTES})"
            )
        parsed = parse_json_feed(content, url, now=now)
    else:
        parsed = _parse_xml(content, url, content_type, now)
    if not parsed.title:
        parsed.title = urlsplit(parsed.site_url or url).hostname or url
        parsed.warnings.append("the feed has no title; using the site's host name")
    return parsed


# A namespace declaration's URI, quoted either way.
_XMLNS = re.compile(r"""(\bxmlns(?::[\w.-]+)?\s*=\s*)("[^"<]*"|'[^'<]*')""")
# Whitespace to Python's str.split() but not to XML: feedparser splits expanded element names
# on whitespace, so one of these inside a namespace URI crashes its strict parser.
_ODD_SPACE = re.compile(r"[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\s]")


def _clean_namespaces(text: str) -> str:
    """Namespace URIs without whitespace (none is legal in a URI; some crash feedparser)."""

    def fix(m: re.Match[str]) -> str:
        quote = m.group(2)[0]
        return m.group(1) + quote + _ODD_SPACE.sub("", m.group(2)[1:-1]) + quote

    return _XMLNS.sub(fix, text)


def _prepare(content: bytes, content_type: str | None) -> tuple[bytes, list[str]]:
    """Steps 1-3 of the module notes: safe, bounded UTF-8 XML for feedparser."""
    warnings: list[str] = []
    if len(content) > MAX_INPUT_BYTES:
        warnings.append(f"feed cut at {MAX_INPUT_BYTES} bytes of {len(content)}")
        content = content[:MAX_INPUT_BYTES]
    text, charset_warnings = decode_xml(content, _charset_of(content_type))
    warnings += charset_warnings
    prolog = rebuild_prolog(text)
    if prolog.text is None:
        raise NotAFeed(_not_a_feed_reason(content))
    warnings += prolog.warnings
    data, cut_warnings = cap_xml(_clean_namespaces(prolog.text).encode("utf-8", "replace"))
    return data, warnings + cut_warnings


def _feedparser(data: bytes, url: str) -> Any:
    headers = {"content-location": url, "content-type": "application/xml; charset=utf-8"}
    try:
        return feedparser.parse(
            io.BytesIO(data),
            response_headers=headers,
            sanitize_html=True,
            resolve_relative_uris=True,
        )
    except Exception as exc:
        # feedparser's lenient parser is a pile of regexes over hostile text; whatever it
        # trips on is this feed's problem, and must not look like a crash of the crawler.
        raise FeedError(f"the feed could not be parsed ({type(exc).__name__})") from exc


def _parse_xml(
    content: bytes, url: str, content_type: str | None, now: datetime | None
) -> ParsedFeed:
    data, warnings = _prepare(content, content_type)
    d = _feedparser(data, url)
    version: str = d.get("version") or ""
    raw_entries: list[Any] = list(d.get("entries") or [])
    if not version and not raw_entries:
        raise NotAFeed(_not_a_feed_reason(content))
    if d.get("bozo") and d.get("bozo_exception") is not None:
        warnings.append(_describe_bozo(d["bozo_exception"]))
    if not version:
        warnings.append("unrecognised feed format; entries were read leniently")
    feed = d.get("feed") or {}
    kind = "atom" if version.startswith("atom") else "rss"
    raw_entries = cap_entries(raw_entries, warnings)
    entries = [entry(e, url, kind) for e in raw_entries]
    note_dropped_links(
        sum(
            1
            for e, parsed in zip(raw_entries, entries, strict=True)
            if parsed.url is None and raw_link(e, kind) and not link_from_guid(e)
        ),
        warnings,
    )
    if kind == "atom":
        # RFC 4287 §4.2.1: the feed's authors apply to entries that name none.
        feed_authors = authors(feed)
        for item in entries:
            item.authors = item.authors or list(feed_authors)
    hub_url, self_url = xml_hub_links(feed, url)
    return ParsedFeed(
        title=truncate(plain_text(feed, "title", kind), TITLE_LIMIT),
        kind=kind,
        site_url=http_url(feed.get("link"), url),
        entries=finish(entries, warnings, now),
        ttl_minutes=ttl(feed.get("ttl")),
        warnings=warnings,
        hub_url=hub_url,
        self_url=self_url,
    )


def _charset_of(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("'\"").lower() or None
    return None


def _not_a_feed_reason(content: bytes) -> str:
    root, _doctype = root_element(head_text(content).lstrip("\ufeff \t\r\n"))
    if root:
        return f"not a feed: an XML document with root element <{root}>"
    return "not a feed: no RSS, Atom or JSON Feed markup found"


def _describe_bozo(exc: BaseException) -> str:
    if isinstance(exc, xml.sax.SAXParseException):
        return (
            f"not well-formed XML ({exc.getMessage()} at line {exc.getLineNumber()}); "
            "parsed leniently"
        )
    return f"feed has problems ({type(exc).__name__}: {exc}); parsed leniently"
