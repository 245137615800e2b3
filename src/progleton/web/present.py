"""Presentation helpers shared by pages, feeds and the API: safe links, names, health labels.

Everything here treats stored data as hostile: it came from publishers' HTML and feeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from progleton.models import Article, Source
from progleton.web.timefmt import as_utc

# BCP 47-ish: "en", "pt-BR", "zh-Hant-TW". Anything else is not put in a lang attribute.
_LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")


def safe_href(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) URL with a host, else None.

    Autoescaping stops markup injection but not `javascript:` or `data:` links, so every
    external href goes through here.
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    # Control characters and whitespace inside a URL are never legitimate.
    if any(ord(c) < 0x21 or c == "\x7f" for c in url):
        return None
    return url


def safe_image(url: str | None) -> str | None:
    """An image URL the browser will actually load: https only.

    The CSP allows `img-src https:` (plain http would be blocked as mixed content anyway),
    so rendering an http image would only produce a broken box.
    """
    href = safe_href(url)
    return href if href and href.lower().startswith("https://") else None


def original_url(article: Article) -> str | None:
    """The publisher's URL for an article (canonical first), if it is safe to link."""
    return safe_href(article.canonical_url) or safe_href(article.url)


def host_of(url: str | None) -> str | None:
    """'www.reuters.com/x' -> 'reuters.com'; None if there is no usable host."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def publisher_name(article: Article, source_title: str | None = None) -> str:
    """Who published the article: its own publisher field, the source, or the site's host."""
    for name in (article.publisher, source_title):
        if name and name.strip():
            return name.strip()
    return host_of(article.canonical_url) or host_of(article.url) or "the publisher"


def source_name(source: Source) -> str:
    """A source's display title, falling back to its host."""
    return source.title.strip() or host_of(source.site_url) or host_of(source.feed_url) or "Source"


def lang_tag(value: str | None) -> str | None:
    """A language code safe for a `lang` attribute, else None."""
    if value and _LANG.match(value.strip()):
        return value.strip()
    return None


@dataclass(frozen=True, slots=True)
class Health:
    """A source's state, for a badge: `state` picks the style, `label` is shown."""

    state: str  # ok | error | paused | new
    label: str


def source_health(source: Source) -> Health:
    """Summarise a source's crawl health in one word."""
    if source.paused:
        return Health("paused", "Paused")
    failing = source.last_error is not None and (
        source.last_success_at is None
        or source.last_error_at is None
        or as_utc(source.last_error_at) >= as_utc(source.last_success_at)
    )
    if failing:
        n = source.error_count
        return Health("error", f"Failing ({n} in a row)" if n > 1 else "Failing")
    if source.last_success_at is None:
        return Health("new", "Not fetched yet")
    return Health("ok", "Healthy")


def is_due(when: datetime | None, now: datetime | None = None) -> bool:
    """True if a scheduled time has passed (or was never set)."""
    if when is None:
        return True
    return as_utc(when) <= (now or datetime.now(UTC))


def page_url(path: str, **params: str | int | None) -> str:
    """`path` with the non-empty query parameters, URL-encoded."""
    query = urlencode({k: v for k, v in params.items() if v is not None and v != ""})
    return f"{path}?{query}" if query else path


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A page's feed in both formats, for `<link rel="alternate">` and visible links."""

    title: str
    atom: str  # root-relative paths with their query
    json: str


def feed_link(title: str, path: str, **params: str | int | None) -> FeedLink:
    """The Atom and JSON Feed addresses of a feed whose Atom path is `path` + `.atom`."""
    return FeedLink(title, page_url(f"{path}.atom", **params), page_url(f"{path}.json", **params))
