"""What one demo publisher serves: homepage, three feeds, robots.txt and its recorded articles.

Everything is rendered once, up front, into immutable `Resource`s; the HTTP layer only looks
them up and handles conditional requests and compression.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from progleton.demo.corpus import CorpusArticle

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
JSON_FEED_TYPE = "application/feed+json"
FEED_PATHS = {"rss": "/feed.rss", "atom": "/feed.atom", "json": "/feed.json"}
PRIVATE_PREFIX = "/private/"
# Bodies smaller than this are sent uncompressed, as most servers do.
GZIP_MIN_BYTES = 256


@dataclass(frozen=True, slots=True)
class DemoPublisher:
    """A recorded publisher as served on loopback: real identity, loopback address."""

    name: str
    host: str  # the real host, e.g. www.reuters.com
    ip: str  # loopback address it listens on
    port: int
    articles: tuple[CorpusArticle, ...]  # newest first
    robots_disallow: tuple[str, ...] = ()

    @property
    def base_url(self) -> str:
        """``http://<ip>:<port>`` without a trailing slash."""
        return f"http://{self.ip}:{self.port}"

    @property
    def homepage_url(self) -> str:
        """The homepage, which advertises all three feeds with ``<link rel="alternate">``."""
        return self.base_url + "/"

    @property
    def rss_url(self) -> str:
        """RSS 2.0 feed."""
        return self.base_url + FEED_PATHS["rss"]

    @property
    def atom_url(self) -> str:
        """Atom 1.0 feed."""
        return self.base_url + FEED_PATHS["atom"]

    @property
    def json_url(self) -> str:
        """JSON Feed 1.1 feed."""
        return self.base_url + FEED_PATHS["json"]

    @property
    def feed_urls(self) -> dict[str, str]:
        """Feed URL by kind (rss, atom, json)."""
        return {kind: self.base_url + path for kind, path in FEED_PATHS.items()}

    @property
    def language(self) -> str:
        """The most common article language."""
        counts = Counter(a.language for a in self.articles)
        return min(counts, key=lambda lang: (-counts[lang], lang)) if counts else "und"

    def article_url(self, article: CorpusArticle) -> str:
        """Where this server serves ``article``: the original path and query, on loopback."""
        return self.base_url + article.target


@dataclass(slots=True)
class Resource:
    """A fully rendered response body with its validators."""

    body: bytes
    content_type: str
    last_modified: datetime
    cache_control: str = "public, max-age=300"
    status: int = 200
    etag: str = field(init=False)
    _gzipped: bytes | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.etag = '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'
        # HTTP dates have second precision; If-Modified-Since compares against this value.
        self.last_modified = self.last_modified.astimezone(UTC).replace(microsecond=0)

    @property
    def http_last_modified(self) -> str:
        """Last-Modified header value (IMF-fixdate)."""
        return format_datetime(self.last_modified, usegmt=True)

    def gzipped(self) -> bytes:
        """The body gzip-compressed (cached; mtime 0 so the bytes are stable)."""
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


def _route_key(target: str) -> tuple[str, str]:
    """(decoded path, raw query) for exact matching."""
    parts = urlsplit(target)
    return unquote(parts.path or "/"), parts.query


def _loose_query(query: str) -> frozenset[tuple[str, str]]:
    """Query pairs that identify a page: empty values and tracking parameters dropped.

    Crawlers often normalise URLs this way, and the recorded URLs carry both
    (``?utm_source=RSS_Feed``, ``&bc=&mc=``).
    """
    return frozenset(
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if v and not k.startswith("utm_")
    )


@dataclass(slots=True)
class Site:
    """All resources of one publisher, addressable by request target."""

    publisher: DemoPublisher
    resources: dict[tuple[str, str], Resource]
    not_found: Resource

    def lookup(self, target: str) -> Resource:
        """The resource for a request target, or the 404 page.

        Exact path and query first; then the same path with an equivalent query (see
        `_loose_query`); then the path alone if only one page has it.
        """
        path, query = _route_key(target)
        exact = self.resources.get((path, query))
        if exact is not None:
            return exact
        same_path = [(q, r) for (p, q), r in self.resources.items() if p == path]
        loose = _loose_query(query)
        matches = [r for q, r in same_path if _loose_query(q) == loose]
        if len(matches) == 1:
            return matches[0]
        if len(same_path) == 1 and not loose:
            return same_path[0][1]
        return self.not_found


def _rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _xml_text(value: str) -> str:
    # XML 1.0 forbids most control characters; the builder already removed them, but titles
    # are third-party text, so stay defensive.
    cleaned = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 0x20)
    return xml_escape(cleaned)


def _xml_attr(value: str) -> str:
    return quoteattr("".join(ch for ch in value if ord(ch) >= 0x20))


def render_rss(pub: DemoPublisher) -> bytes:
    """RSS 2.0 with atom:link self and dc:creator."""
    updated = pub.articles[0].published if pub.articles else datetime(2000, 1, 1, tzinfo=UTC)
    items = []
    for a in pub.articles:
        creators = "".join(f"\n      <dc:creator>{_xml_text(n)}</dc:creator>" for n in a.authors)
        items.append(
            f"""    <item>
      <title>{_xml_text(a.title)}</title>
      <link>{_xml_text(pub.article_url(a))}</link>
      <guid isPermaLink="false">{_xml_text(a.url)}</guid>
      <pubDate>{format_datetime(a.published, usegmt=True)}</pubDate>
      <description>{_xml_text(a.description)}</description>{creators}
    </item>"""
        )
    doc = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" \
xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{_xml_text(pub.name)}</title>
    <link>{_xml_text(pub.homepage_url)}</link>
    <description>{_xml_text(f"Latest stories from {pub.name}")}</description>
    <language>{_xml_text(pub.language)}</language>
    <lastBuildDate>{format_datetime(updated, usegmt=True)}</lastBuildDate>
    <ttl>30</ttl>
    <atom:link href={_xml_attr(pub.rss_url)} rel="self" type="{RSS_TYPE}"/>
{chr(10).join(items)}
  </channel>
</rss>
"""
    return doc.encode("utf-8")


def render_atom(pub: DemoPublisher) -> bytes:
    """Atom 1.0; entry ids are the original article URLs."""
    updated = pub.articles[0].published if pub.articles else datetime(2000, 1, 1, tzinfo=UTC)
    entries = []
    for a in pub.articles:
        authors = "".join(f"\n    <author><name>{_xml_text(n)}</name></author>" for n in a.authors)
        entries.append(
            f"""  <entry>
    <id>{_xml_text(a.url)}</id>
    <title type="text">{_xml_text(a.title)}</title>
    <link rel="alternate" type="text/html" href={_xml_attr(pub.article_url(a))}/>
    <published>{_rfc3339(a.published)}</published>
    <updated>{_rfc3339(a.published)}</updated>
    <summary type="text">{_xml_text(a.description)}</summary>{authors}
  </entry>"""
        )
    doc = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={_xml_attr(pub.language)}>
  <id>{_xml_text(f"https://{pub.host}/")}</id>
  <title type="text">{_xml_text(pub.name)}</title>
  <subtitle type="text">{_xml_text(f"Latest stories from {pub.name}")}</subtitle>
  <updated>{_rfc3339(updated)}</updated>
  <author><name>{_xml_text(pub.name)}</name></author>
  <link rel="self" type="{ATOM_TYPE}" href={_xml_attr(pub.atom_url)}/>
  <link rel="alternate" type="text/html" href={_xml_attr(pub.homepage_url)}/>
{chr(10).join(entries)}
</feed>
"""
    return doc.encode("utf-8")


def render_json_feed(pub: DemoPublisher) -> bytes:
    """JSON Feed 1.1; ``content_text`` carries the summary (the spec requires a content field)."""
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": pub.name,
        "home_page_url": pub.homepage_url,
        "feed_url": pub.json_url,
        "description": f"Latest stories from {pub.name}",
        "language": pub.language,
        "authors": [{"name": pub.name}],
        "items": [
            {
                "id": a.url,
                "url": pub.article_url(a),
                "title": a.title,
                "summary": a.description,
                "content_text": a.description,
                "date_published": _rfc3339(a.published),
                "language": a.language,
                **({"authors": [{"name": n} for n in a.authors]} if a.authors else {}),
            }
            for a in pub.articles
        ],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def render_homepage(pub: DemoPublisher) -> bytes:
    """A small front page listing the articles, with feed autodiscovery links."""
    items = "\n".join(
        f'<li><a href="{escape(pub.article_url(a))}">{escape(a.title)}</a>'
        f' <time datetime="{_rfc3339(a.published)}">{a.published:%d %b %Y}</time>'
        f"<p>{escape(a.description)}</p></li>"
        for a in pub.articles
    )
    name = escape(pub.name)
    return f"""<!doctype html>
<html lang="{escape(pub.language)}">
<head>
<meta charset="utf-8">
<title>{name}</title>
<meta name="description" content="Latest stories from {name}">
<link rel="alternate" type="{RSS_TYPE}" title="{name} (RSS)" href="{escape(pub.rss_url)}">
<link rel="alternate" type="{ATOM_TYPE}" title="{name} (Atom)" href="{escape(pub.atom_url)}">
<link rel="alternate" type="{JSON_FEED_TYPE}" title="{name} (JSON Feed)" \
href="{escape(pub.json_url)}">
</head>
<body>
<header><h1>{name}</h1>
<p>Offline demo copy of {escape(pub.host)} served by Progleton. Article pages are as recorded from
the publisher, who owns their content.</p></header>
<main><ul>
{items}
</ul></main>
<footer>Feeds: <a href="{escape(pub.rss_url)}">RSS</a> · <a href="{escape(pub.atom_url)}">Atom</a>
· <a href="{escape(pub.json_url)}">JSON Feed</a></footer>
</body>
</html>
""".encode()


def render_robots(pub: DemoPublisher) -> bytes:
    """robots.txt: everything allowed except ``robots_disallow``."""
    lines = ["User-agent: *", *(f"Disallow: {p}" for p in pub.robots_disallow), "Allow: /", ""]
    return "\n".join(lines).encode("ascii")


def _simple_page(title: str, text: str) -> bytes:
    return (
        f'<!doctype html>\n<html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"</head><body><h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>\n"
    ).encode()


def build_site(pub: DemoPublisher) -> Site:
    """Render every resource of ``pub``."""
    newest = pub.articles[0].published if pub.articles else datetime(2000, 1, 1, tzinfo=UTC)
    oldest = pub.articles[-1].published if pub.articles else newest
    resources: dict[tuple[str, str], Resource] = {
        ("/", ""): Resource(render_homepage(pub), "text/html; charset=utf-8", newest),
        (FEED_PATHS["rss"], ""): Resource(render_rss(pub), f"{RSS_TYPE}; charset=utf-8", newest),
        (FEED_PATHS["atom"], ""): Resource(render_atom(pub), f"{ATOM_TYPE}; charset=utf-8", newest),
        (FEED_PATHS["json"], ""): Resource(
            render_json_feed(pub), f"{JSON_FEED_TYPE}; charset=utf-8", newest
        ),
        ("/robots.txt", ""): Resource(
            render_robots(pub), "text/plain; charset=utf-8", oldest, "public, max-age=86400"
        ),
    }
    if PRIVATE_PREFIX in pub.robots_disallow:
        # Served (not 404) so that a crawler ignoring robots.txt shows up in the request log.
        resources[(PRIVATE_PREFIX, "")] = Resource(
            _simple_page("Subscribers only", "This area is for subscribers."),
            "text/html; charset=utf-8",
            oldest,
            "private, no-store",
        )
    for a in pub.articles:
        key = _route_key(a.target)
        if key in resources:
            raise ValueError(f"{pub.host}: two resources at {a.target}")
        resources[key] = Resource(
            a.html, f"text/html; charset={a.charset}", a.published, "public, max-age=3600"
        )
    not_found = Resource(
        _simple_page("Not found", "No page here."), "text/html; charset=utf-8", oldest, status=404
    )
    not_found.cache_control = "no-cache"
    return Site(publisher=pub, resources=resources, not_found=not_found)
