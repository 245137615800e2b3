"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1), which feedparser does not read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from progleton.errors import NotAFeed
from progleton.extract.topics import normalize_topics
from progleton.models import FeedEntry, ParsedFeed
from progleton.sources.entries import (
    SUMMARY_LIMIT,
    TITLE_LIMIT,
    cap_entries,
    finish,
    note_dropped_links,
    synthetic_guid,
)
from progleton.sources.hubs import json_hub_links
from progleton.sources.links import entry_url, http_url
from progleton.sources.text import html_to_text, squash, truncate


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # ids are sometimes numbers, against the spec
    return ""


def parse_date(value: Any) -> datetime | None:
    """RFC 3339 (as the spec says) or RFC 822 (as some generators do) -> aware UTC."""
    text = _str(value).strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except OverflowError:  # "0001-01-01T00:00:00+14:00" has no UTC equivalent
        return None


def _authors(obj: dict[str, Any]) -> list[str]:
    raw = obj.get("authors")
    if not isinstance(raw, list):
        raw = [obj["author"]] if isinstance(obj.get("author"), dict) else []  # 1.0 style
    names = [squash(_str(a.get("name"))) for a in raw if isinstance(a, dict)]
    return list(dict.fromkeys(n for n in names if n))


def _has_link(item: dict[str, Any]) -> bool:
    return any(isinstance(item.get(k), str) and item[k].strip() for k in ("url", "external_url"))


def _entry(item: dict[str, Any], base: str) -> FeedEntry:
    url = entry_url(item.get("url"), base) or entry_url(item.get("external_url"), base)
    # The spec says plain text, but generators copy HTML titles in: read them like RSS titles.
    title = truncate(html_to_text(_str(item.get("title"))), TITLE_LIMIT)
    content_html = _str(item.get("content_html")) or None
    summary = squash(_str(item.get("summary"))) or squash(_str(item.get("content_text")))
    if not summary and content_html:
        summary = html_to_text(content_html)
    raw_date = item.get("date_published") or item.get("date_modified")
    guid = squash(_str(item.get("id"))) or url or synthetic_guid(title, _str(raw_date), summary)
    return FeedEntry(
        guid=guid,
        url=url,
        title=title,
        published=parse_date(raw_date),
        summary=truncate(summary, SUMMARY_LIMIT),
        authors=_authors(item) or [],
        content_html=content_html,
        topics=normalize_topics(item["tags"] if isinstance(item.get("tags"), list) else []),
    )


def parse_json_feed(content: bytes, url: str, *, now: datetime | None = None) -> ParsedFeed:
    """Parse a JSON Feed document. content_html is passed through unsanitised."""
    try:
        doc = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise NotAFeed(f"not a feed: invalid JSON ({exc})") from exc
    except RecursionError as exc:  # [[[[...]]]] nested deeper than the interpreter allows
        raise NotAFeed("not a feed: JSON nested too deeply") from exc
    if not isinstance(doc, dict):
        raise NotAFeed("not a feed: JSON that is not a JSON Feed")
    version = _str(doc.get("version"))
    items = doc.get("items")
    warnings: list[str] = []
    if "jsonfeed.org/version/" not in version:
        if not isinstance(items, list):
            raise NotAFeed("not a feed: JSON that is not a JSON Feed")
        warnings.append("JSON Feed without a version; read as JSON Feed 1.1")
    if not isinstance(items, list):
        warnings.append("JSON Feed without an items list")
        items = []
    objects = [item for item in items if isinstance(item, dict)]
    if len(objects) < len(items):
        warnings.append(f"{len(items) - len(objects)} items were not objects and were skipped")
    objects = cap_entries(objects, warnings)
    entries = [_entry(item, url) for item in objects]
    note_dropped_links(
        sum(1 for item, e in zip(objects, entries, strict=True) if not e.url and _has_link(item)),
        warnings,
    )
    feed_authors = _authors(doc)
    for entry in entries:
        if not entry.authors:
            entry.authors = list(feed_authors)
    hub_url, self_url = json_hub_links(doc, url)
    return ParsedFeed(
        title=truncate(html_to_text(_str(doc.get("title"))), TITLE_LIMIT),
        kind="json",
        site_url=http_url(doc.get("home_page_url"), url),
        entries=finish(entries, warnings, now),
        warnings=warnings,
        hub_url=hub_url,
        self_url=self_url,
    )
