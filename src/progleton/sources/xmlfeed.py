"""feedparser's result (RSS 0.9x/1.0/2.0, Atom 0.3/1.0) -> FeedEntry / ParsedFeed fields.

Rules that are ours rather than feedparser's:

* Titles and summaries are plain text. RSS says nothing reliable about whether a title is
  text or HTML, and publishers double-escape, so RSS text is always read as HTML (tags
  stripped, `<script>`/`<style>` content dropped, entities decoded). Atom says so with
  `type`; `type="text"` is taken literally.
* An entry's URL is an http(s) link (see `links.entry_url`). Atom entries take it from
  `<link rel="alternate">` only: feedparser would otherwise promote the `<id>`, resolved
  against the feed URL, which turns `<id>42</id>` into a page that does not exist.
* Entries without a usable link are kept: they have a guid (their id, else a hash of title
  and date) and a summary; the pipeline skips them when fetching articles.
"""

from __future__ import annotations

from datetime import UTC, datetime
from time import struct_time
from typing import Any

from progleton.extract.topics import normalize_topics
from progleton.models import FeedEntry
from progleton.sources.entries import SUMMARY_LIMIT, TITLE_LIMIT, synthetic_guid
from progleton.sources.links import entry_url
from progleton.sources.text import html_to_text, squash, truncate

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def plain_text(obj: Any, key: str, kind: str) -> str:
    """A text construct (title, summary) as plain text; see the module notes."""
    value = obj.get(key)
    if not isinstance(value, str):
        return ""
    detail = obj.get(f"{key}_detail") or {}
    if kind == "atom" and detail.get("type") == "text/plain":
        return squash(value)
    return html_to_text(value)


def date(parsed: struct_time | None) -> datetime | None:
    """feedparser's parsed date (already normalised to UTC) as an aware datetime."""
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def authors(obj: Any) -> list[str]:
    """Distinct author names of a feed or entry."""
    names = [squash(a.get("name") or "") for a in obj.get("authors") or [] if hasattr(a, "get")]
    if not any(names) and isinstance(obj.get("author"), str):
        names = [squash(obj["author"])]
    return list(dict.fromkeys(n for n in names if n))


def categories(e: Any) -> list[str]:
    """An entry's categories: RSS <category> and <dc:subject>, Atom <category> (its human
    `label` when it has one, else its `term`), cleaned into topics."""
    raw: list[object] = []
    for tag in e.get("tags") or []:
        if hasattr(tag, "get"):
            raw.append(tag.get("label") or tag.get("term"))
    return normalize_topics(raw)


def _content_html(entry: Any) -> str | None:
    contents = [c for c in entry.get("content") or [] if isinstance(c.get("value"), str)]
    for c in contents:
        if c.get("type") in (*_HTML_TYPES, None) and c["value"].strip():
            return str(c["value"])
    return None


def raw_link(e: Any, kind: str) -> str | None:
    """The link the publisher gave the entry, before any checking."""
    if kind == "atom":
        for link in e.get("links") or []:
            if link.get("rel", "alternate") == "alternate" and isinstance(link.get("href"), str):
                return str(link["href"])
        return None
    link = e.get("link")
    return link if isinstance(link, str) and link else None


def link_from_guid(e: Any) -> bool:
    """True when feedparser made the RSS link up from a permalink <guid>."""
    return bool(e.get("guidislink")) and e.get("link") == e.get("id")


def entry(e: Any, base: str, kind: str) -> FeedEntry:
    """One feedparser entry as a FeedEntry."""
    url = entry_url(raw_link(e, kind), base)
    title = truncate(plain_text(e, "title", kind), TITLE_LIMIT)
    content_html = _content_html(e)
    summary = plain_text(e, "summary", kind) or html_to_text(content_html)
    # dict.get: FeedParserDict maps a missing "updated" to "published" with a
    # DeprecationWarning; the fallback here is explicit.
    raw_date = dict.get(e, "published") or dict.get(e, "updated") or ""
    published = date(dict.get(e, "published_parsed") or dict.get(e, "updated_parsed"))
    guid = squash(e.get("id") or "") or url or synthetic_guid(title, raw_date, summary)
    return FeedEntry(
        guid=guid,
        url=url,
        title=title,
        published=published,
        summary=truncate(summary, SUMMARY_LIMIT),
        authors=authors(e),
        content_html=content_html,
        topics=categories(e),
    )


def ttl(value: Any) -> int | None:
    """RSS <ttl> in minutes, if it is a positive integer."""
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if minutes > 0 else None
