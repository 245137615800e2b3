"""Find a site's feed: <link rel=alternate>, feed-looking <a href>s, then common paths."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from progleton.errors import DiscoveryError, FeedError, FetchError
from progleton.models import FetchResult, ParsedFeed
from progleton.sources.feeds import parse_feed
from progleton.sources.sniff import FEED_MEDIA_TYPES, looks_like_feed, sniff

if TYPE_CHECKING:
    from progleton.fetch import Fetcher

__all__ = [
    "COMMON_FEED_PATHS",
    "discover_feed_links",
    "find_feed",
    "looks_like_feed",
    "normalize_site_url",
]

log = logging.getLogger(__name__)

#: Tried on the site root when a page advertises no feed (WordPress, Hugo, Jekyll, Blogger...).
COMMON_FEED_PATHS: tuple[str, ...] = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feed.json",
    "/feeds/posts/default",
    "/?feed=rss2",
)

# WordPress advertises its REST API as rel=alternate application/json on every page.
_GENERIC_JSON = "application/json"
_LINK_TYPES = FEED_MEDIA_TYPES | {_GENERIC_JSON}
_FEEDISH_HREF = re.compile(
    r"""(?:^|/)(?:feed|rss|atom|rss2)(?:\.xml|\.rss|\.atom|\.json|\.php)?/?$
      | \.(?:rss|atom)$
      | (?:^|/)(?:feed|rss|atom|index)\.(?:xml|json)$""",
    re.IGNORECASE | re.VERBOSE,
)
_FEEDISH_QUERY = re.compile(r"(?:^|&)(?:feed=(?:rss2?|atom)|format=(?:rss|atom|feed))(?:&|$)", re.I)
_FEED_HOSTS = ("feeds.feedburner.com", "feeds2.feedburner.com", "feedproxy.google.com")
_COMMENTS = re.compile(r"comment", re.IGNORECASE)


def _document(html: bytes | str) -> lxml.html.HtmlElement | None:
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True)
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _http(url: str, base: str) -> str | None:
    try:
        absolute = urljoin(base, url.strip())
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return absolute.split("#", 1)[0]


def _feedish_anchor(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.netloc.lower() in _FEED_HOSTS
        or bool(_FEEDISH_HREF.search(parts.path))
        or bool(_FEEDISH_QUERY.search(parts.query))
    )


def discover_feed_links(html: bytes | str, base_url: str) -> list[str]:
    """Feed URLs advertised by an HTML page, best first, absolute and de-duplicated.

    Order: <link rel=alternate> feeds, comment feeds and generic JSON after them, then
    <a href>s that look like feeds (same site before other sites).
    """
    doc = _document(html)
    if doc is None:
        return []
    base = base_url
    for el in doc.iter("base"):
        if el.get("href"):
            base = urljoin(base_url, el.get("href", ""))
            break
    site = urlsplit(base_url).netloc.lower()
    ranked: list[tuple[int, str]] = []
    for el in doc.iter("link", "a"):
        href = el.get("href")
        url = _http(href, base) if href else None
        if url is None:
            continue
        media = (el.get("type") or "").split(";")[0].strip().lower()
        title = el.get("title") or el.text_content() or ""
        comments = bool(_COMMENTS.search(title) or _COMMENTS.search(urlsplit(url).path))
        if el.tag == "link":
            rels = (el.get("rel") or "").lower().split()
            if ("alternate" not in rels and "feed" not in rels) or media not in _LINK_TYPES:
                continue
            if media == _GENERIC_JSON and "/wp-json/" in url:
                continue
            rank = 2 if comments else 1 if media == _GENERIC_JSON else 0
        else:
            if media not in FEED_MEDIA_TYPES and not _feedish_anchor(url):
                continue
            rank = 5 if comments else 3 if urlsplit(url).netloc.lower() == site else 4
        ranked.append((rank, url))
    ranked.sort(key=lambda pair: pair[0])  # stable: document order within a rank
    return list(dict.fromkeys(url for _, url in ranked))


def normalize_site_url(text: str) -> str:
    """What a person typed -> an absolute URL: adds https://, understands feed: URLs."""
    text = text.strip()
    lower = text.lower()
    if lower.startswith("feed:"):
        rest = text[5:]
        # feed:https://x/rss wraps a URL; feed://x/rss means http://x/rss.
        text = rest if rest.lower().startswith(("http://", "https://")) else "http:" + rest
    elif "://" not in text:
        text = "https://" + text.lstrip("/")
    if not urlsplit(text).path:
        text += "/"
    return text


def _content_type(res: FetchResult) -> str | None:
    if res.content_type and res.encoding:
        return f"{res.content_type}; charset={res.encoding}"
    return res.content_type


def _as_feed(res: FetchResult) -> ParsedFeed | None:
    if not looks_like_feed(res.content, res.content_type):
        return None
    try:
        return parse_feed(res.content, res.final_url, _content_type(res))
    except FeedError:  # NotAFeed, or a feed too large or too broken to use
        return None


async def find_feed(fetcher: Fetcher, url: str) -> tuple[str, FetchResult, ParsedFeed]:
    """The feed for a site or feed URL: (feed URL, its FetchResult, the parsed feed).

    `url` is fetched once. If it is a feed, that is the answer; otherwise feeds advertised
    by the page are tried in order, then COMMON_FEED_PATHS on the site root. No URL is
    requested twice. Fetch errors on `url` itself propagate (their reason is the most
    useful); failures of candidates are skipped. Raises DiscoveryError if nothing works.
    """
    start = normalize_site_url(url)
    page = await fetcher.fetch(start, accept="feed")
    feed = _as_feed(page)
    if feed is not None:
        return page.final_url, page, feed

    candidates: list[str] = []
    if sniff(page.content, page.content_type) in ("html", "xml", "text"):
        candidates += discover_feed_links(page.content, page.final_url)
    root = urljoin(page.final_url, "/")
    candidates += [urljoin(root, path) for path in COMMON_FEED_PATHS]

    fetched = {start, page.final_url}
    tried = 0
    last_problem = ""
    for candidate in dict.fromkeys(candidates):
        if candidate in fetched:
            continue
        fetched.add(candidate)
        tried += 1
        try:
            res = await fetcher.fetch(candidate, accept="feed")
        except FetchError as exc:
            log.debug("feed candidate %s: %s", candidate, exc.reason)
            last_problem = f"{candidate}: {exc.reason}"
            continue
        fetched.add(res.final_url)
        feed = _as_feed(res)
        if feed is not None:
            return res.final_url, res, feed
        last_problem = f"{candidate}: not a feed"
    detail = f" (last: {last_problem})" if last_problem else ""
    raise DiscoveryError(f"no feed found on {start}: tried {tried} candidates{detail}")
