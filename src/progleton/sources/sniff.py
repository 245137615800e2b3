"""Cheap content sniffing: is this byte string a feed, an HTML page, or something else?

Servers mislabel feeds constantly (text/html, text/plain, application/octet-stream), so the
bytes decide and the Content-Type is only a tie-breaker.
"""

from __future__ import annotations

import codecs
import re
from typing import Literal

Kind = Literal["rss", "atom", "rdf", "jsonfeed", "json", "html", "xml", "text", "binary", "empty"]

FEED_KINDS: frozenset[str] = frozenset({"rss", "atom", "rdf", "jsonfeed"})

#: Media types that announce a feed.
FEED_MEDIA_TYPES: frozenset[str] = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/x-rss+xml",
        "application/x-atom+xml",
        "text/rss+xml",
        "text/atom+xml",
    }
)

_HEAD = 8192
_PROLOG = re.compile(
    r"""\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE\b(?P<doctype>[^>\[]*)(?:\[.*?\])?\s*>)""",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"\s*<([A-Za-z_][\w.:-]*)")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, which is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ROOTS: dict[str, Kind] = {
    "rss": "rss",
    "feed": "atom",
    "rdf": "rdf",
    "html": "html",
    "head": "html",
    "body": "html",
}


def head_text(content: bytes, limit: int = _HEAD) -> str:
    """The first `limit` bytes as text, good enough for looking at markup (not for content)."""
    head = content[:limit]
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "ignore")
    if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without BOM
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", "ignore")
    # latin-1 maps every byte, so ASCII markup survives whatever the real encoding is.
    return head.decode("latin-1")


def root_element(text: str) -> tuple[str | None, str | None]:
    """(local name of the first element, doctype text), skipping the XML prolog."""
    pos, doctype = 0, None
    while True:
        m = _PROLOG.match(text, pos)
        if not m:
            break
        if m.group("doctype") is not None:
            doctype = m.group("doctype").strip()
        pos = m.end()
    tag = _TAG.match(text, pos)
    if not tag:
        return None, doctype
    return tag.group(1).rsplit(":", 1)[-1].lower(), doctype


def sniff(content: bytes, content_type: str | None = None) -> Kind:
    """Classify a document by its first bytes."""
    text = head_text(content).lstrip("\ufeff \t\r\n")
    if not text:
        return "empty"
    if "\x00" in text[:512]:
        return "binary"
    if text.startswith(("{", "[")):
        return "jsonfeed" if "jsonfeed.org/version/" in text else "json"
    if text.startswith("<"):
        root, doctype = root_element(text)
        if doctype is not None and doctype.lower().split()[:1] == ["html"]:
            return "html"
        if root is not None:
            return _ROOTS.get(root, "xml")
        return "xml"
    if re.search(r"<html[\s>]", text[:2048], re.IGNORECASE):
        return "html"
    if any(ch in text[:512] for ch in "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f"):
        return "binary"
    return "text"


def looks_like_feed(content: bytes, content_type: str | None = None) -> bool:
    """True if the bytes look like RSS, Atom, RDF or JSON Feed (worth handing to parse_feed)."""
    kind = sniff(content, content_type)
    if kind in FEED_KINDS:
        return True
    if kind in ("html", "json", "empty", "binary"):
        return False
    media = (content_type or "").split(";")[0].strip().lower()
    return media in FEED_MEDIA_TYPES
