"""Parse RSS 0.9x/1.0/2.0, Atom 0.3/1.0 (via feedparser) and JSON Feed into a ParsedFeed."""

from __future__ import annotations

import io
import xml.sax
from datetime import UTC, datetime
from time import struct_time
from typing import Any
from urllib.parse import urlsplit

import feedparser

from progleton.errors import NotAFeed
from progleton.models import FeedEntry, ParsedFeed
from progleton.sources.charset import pick_charset
from progleton.sources.entries import SUMMARY_LIMIT, finish, http_url, synthetic_guid
from progleton.sources.jsonfeed import parse_json_feed
from progleton.sources.sniff import head_text, root_element, sniff
from progleton.sources.text import html_to_text, squash, truncate

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def parse_feed(
    content: bytes, url: str, content_type: str | None = None, *, now: datetime | None = None
) -> ParsedFeed:
    """Parse feed bytes fetched from `url` (the base for relative links).

    Raises NotAFeed for HTML pages, non-feed JSON/XML, binary data and empty bodies. Malformed
    feeds that still yield entries are accepted, with the problem noted in `warnings`.
    Entry `content_html` from RSS/Atom is sanitised by feedparser; from JSON Feed it is not:
    treat it as untrusted either way. Publish dates in the future are dropped (see warnings).
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
        parsed = parse_json_feed(content, url, now=now)
    else:
        parsed = _parse_xml(content, url, content_type, now)
    if not parsed.title:
        parsed.title = urlsplit(parsed.site_url or url).hostname or url
        parsed.warnings.append("the feed has no title; using the site's host name")
    return parsed


def _parse_xml(
    content: bytes, url: str, content_type: str | None, now: datetime | None
) -> ParsedFeed:
    charset, charset_warning = pick_charset(content, _charset_of(content_type))
    # Always "application/xml": feedparser would apply RFC 3023's obsolete us-ascii default to
    # text/xml, and the bytes have already been sniffed as XML whatever the server called them.
    headers = {
        "content-location": url,
        "content-type": "application/xml" + (f"; charset={charset}" if charset else ""),
    }
    # A file object, never bytes or str: feedparser treats those as a path or URL to open.
    d = feedparser.parse(
        io.BytesIO(content),
        response_headers=headers,
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    version: str = d.get("version") or ""
    raw_entries: list[Any] = list(d.get("entries") or [])
    if not version and not raw_entries:
        raise NotAFeed(_not_a_feed_reason(content))
    warnings = [charset_warning] if charset_warning else []
    if d.get("bozo") and d.get("bozo_exception") is not None:
        warnings.append(_describe_bozo(d["bozo_exception"]))
    if not version:
        warnings.append("unrecognised feed format; entries were read leniently")
    feed = d.get("feed") or {}
    kind = "atom" if version.startswith("atom") else "rss"
    entries = [_entry(e, url) for e in raw_entries]
    if kind == "atom":
        # RFC 4287 §4.2.1: the feed's authors apply to entries that name none.
        feed_authors = _authors(feed)
        for entry in entries:
            entry.authors = entry.authors or list(feed_authors)
    return ParsedFeed(
        title=_text(feed, "title"),
        kind=kind,
        site_url=http_url(feed.get("link"), url),
        entries=finish(entries, warnings, now),
        ttl_minutes=_ttl(feed.get("ttl")),
        warnings=warnings,
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
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        return f"wrong character encoding declared ({exc})"
    if isinstance(exc, feedparser.CharacterEncodingUnknown):
        return "unknown character encoding; some text may be garbled"
    if isinstance(exc, xml.sax.SAXParseException):
        return (
            f"not well-formed XML ({exc.getMessage()} at line {exc.getLineNumber()}); "
            "parsed leniently"
        )
    return f"feed has problems ({type(exc).__name__}: {exc}); parsed leniently"


def _text(obj: Any, key: str) -> str:
    """A text construct as plain text: feedparser gives HTML unless the detail says text/plain."""
    value = obj.get(key)
    if not isinstance(value, str):
        return ""
    detail = obj.get(f"{key}_detail") or {}
    if detail.get("type") == "text/plain":
        return squash(value)
    return html_to_text(value)


def _date(parsed: struct_time | None) -> datetime | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)  # feedparser normalises to UTC
    except (TypeError, ValueError):
        return None


def _authors(obj: Any) -> list[str]:
    names = [squash(a.get("name") or "") for a in obj.get("authors") or [] if hasattr(a, "get")]
    if not any(names) and isinstance(obj.get("author"), str):
        names = [squash(obj["author"])]
    return list(dict.fromkeys(n for n in names if n))


def _content_html(entry: Any) -> str | None:
    contents = [c for c in entry.get("content") or [] if isinstance(c.get("value"), str)]
    for c in contents:
        if c.get("type") in (*_HTML_TYPES, None) and c["value"].strip():
            return str(c["value"])
    return None


def _entry(e: Any, base: str) -> FeedEntry:
    url = http_url(e.get("link"), base)
    title = _text(e, "title")
    content_html = _content_html(e)
    summary = _text(e, "summary") or html_to_text(content_html)
    raw_date = e.get("published") or e.get("updated") or ""
    published = _date(e.get("published_parsed") or e.get("updated_parsed"))
    guid = squash(e.get("id") or "") or url or synthetic_guid(title, raw_date, summary)
    return FeedEntry(
        guid=guid,
        url=url,
        title=title,
        published=published,
        summary=truncate(summary, SUMMARY_LIMIT),
        authors=_authors(e),
        content_html=content_html,
    )


def _ttl(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if minutes > 0 else None
