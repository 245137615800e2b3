"""A small synthetic publisher (homepage, RSS feed, article pages, robots.txt) on a loopback server.

Used by pipeline and CLI tests; the bundled demo corpus (progleton.demo) covers real pages.
"""

from __future__ import annotations

import email.utils
import html
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from loopback import LoopbackServer, Request, Route

NOW = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)

_SENTENCES = [
    "The city council voted on Tuesday to approve a new budget for the harbour district",
    "Officials said the plan would fund repairs to the old sea wall and two ferry piers",
    "Residents who attended the meeting raised concerns about rising rents near the water",
    "The mayor told reporters that construction could begin as early as next spring",
    "Opposition members argued that the cost estimates were far too optimistic",
    "A report published last month found that storm damage had doubled in a decade",
    "Engineers expect the work to take three years and to employ several hundred people",
    "Local businesses welcomed the decision but asked for help during the closures",
]

APPEAL = (
    '<aside class="support-box"><h3>Support independent journalism</h3>'
    "<p>Dear readers, our reporting is funded by readers like you. If you value what we do, "
    "please become a member today from just $3 a month. Every contribution counts.</p>"
    "<button>Support us</button><button>Maybe later</button>"
    '<img src="/pay.png" alt="payment methods"></aside>'
    '<div class="newsletter"><p>Sign up for our morning newsletter. Enter your email '
    "address and subscribe.</p><button>Subscribe</button></div>"
)


def paragraphs_for(n: int) -> list[str]:
    """Deterministic news prose for article `n` (each paragraph unique to the article)."""
    out = []
    for i in range(5):
        a = _SENTENCES[(n + i) % len(_SENTENCES)]
        b = _SENTENCES[(n + 3 * i + 1) % len(_SENTENCES)]
        out.append(f"{a}, according to article {n} paragraph {i}. {b}.")
    return out


def article_page(n: int, title: str, published: datetime, canonical: str) -> bytes:
    """A realistic article page: navigation, body, an appeal box, related links, footer."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs_for(n))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | Harbour Gazette</title>
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="{published.isoformat()}">
<meta name="author" content="Ada Lovelace">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{html.escape(title)}</h1><p class="byline">By Ada Lovelace</p>
{body}
{APPEAL}
</article>
<section class="related"><h2>Related</h2><ul><li><a href="/x">Other story</a></li></ul></section>
</main><footer>© 2025 Harbour Gazette. All rights reserved.</footer></body></html>""".encode()


@dataclass
class Publisher:
    """Serves `count` articles; feed answers 304 to a matching If-None-Match."""

    server: LoopbackServer
    count: int = 4
    page_delay: float = 0.0
    private: set[int] = field(default_factory=set)  # article numbers under /private/

    def path(self, n: int) -> str:
        return f"/private/story-{n}" if n in self.private else f"/news/story-{n}"

    def canonical(self, n: int) -> str:
        return f"https://harbour-gazette.example{self.path(n)}"

    def install(self) -> Publisher:
        srv = self.server
        srv.route("/robots.txt", body=b"User-agent: *\nDisallow: /private/\n")
        srv.route(
            "/",
            body=(
                b'<html><head><title>Harbour Gazette</title><link rel="alternate" '
                b'type="application/rss+xml" title="Harbour Gazette" href="/feed.xml">'
                b"</head><body><h1>Harbour Gazette</h1></body></html>"
            ),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        srv.route("/feed.xml", handler=self._feed)
        for n in range(self.count):
            published = NOW - timedelta(hours=n + 1)
            srv.route(
                self.path(n),
                body=article_page(n, f"Harbour story {n}", published, self.canonical(n)),
                headers={"Content-Type": "text/html; charset=utf-8"},
                delay=self.page_delay,
            )
        return self

    def feed_xml(self) -> bytes:
        items = []
        for n in range(self.count):
            date = email.utils.format_datetime(NOW - timedelta(hours=n + 1))
            items.append(
                f"<item><title>Harbour story {n}</title><link>{self.server.url(self.path(n))}"
                f"</link><guid>{self.canonical(n)}</guid><pubDate>{date}</pubDate>"
                f"<description>Summary {n}</description></item>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Harbour Gazette</title><link>{self.server.url('/')}</link>"
            f"<description>News</description>{''.join(items)}</channel></rss>"
        ).encode()

    def _feed(self, req: Request) -> Route:
        etag = f'"feed-{self.count}"'
        if req.headers.get("if-none-match") == etag:
            return Route(status=304, headers={"ETag": etag})
        return Route(
            body=self.feed_xml(),
            headers={"Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag},
        )


# -- many outlets on one server (fault-injection and crash tests) -----------------------------


@dataclass
class Outlet:
    """One publisher of many sharing a server: feed at /<slug>/feed.xml, articles at
    /<slug>/news/story-<n> (or /<slug>/private/story-<n>), canonical URLs on its own made-up
    host https://<slug>.example/..., so outlets never share an article (identity is the URL).

    `page_delay` is seconds before each page answers (a number, or a function of n);
    `etag` makes the feed answer 304 to a matching If-None-Match; `entries` overrides which
    article numbers the feed lists, newest first (default: all of them).
    No robots.txt is installed: robots.txt belongs to the server, not to one outlet.
    """

    server: LoopbackServer
    slug: str
    count: int = 4
    page_delay: float | Callable[[int], float] = 0.0
    etag: bool = True
    private: set[int] = field(default_factory=set)
    entries: list[int] | None = None

    @property
    def feed_path(self) -> str:
        return f"/{self.slug}/feed.xml"

    @property
    def feed_url(self) -> str:
        return self.server.url(self.feed_path)

    @property
    def name(self) -> str:
        return self.slug.replace("-", " ").title()

    def path(self, n: int) -> str:
        kind = "private" if n in self.private else "news"
        return f"/{self.slug}/{kind}/story-{n}"

    def canonical(self, n: int) -> str:
        return f"https://{self.slug}.example{self.path(n)}"

    def title(self, n: int) -> str:
        return f"{self.name} story {n}"

    def published(self, n: int) -> datetime:
        return NOW - timedelta(hours=n + 1)

    def delay(self, n: int) -> float:
        return self.page_delay(n) if callable(self.page_delay) else self.page_delay

    def page(self, n: int) -> bytes:
        return article_page(n, self.title(n), self.published(n), self.canonical(n))

    def install(self) -> Outlet:
        self.server.route(self.feed_path, handler=self._feed)
        for n in range(self.count):
            self.server.route(
                self.path(n),
                body=self.page(n),
                headers={"Content-Type": "text/html; charset=utf-8"},
                delay=self.delay(n),
            )
        return self

    def item_xml(self, n: int, guid: str | None = None) -> str:
        date = email.utils.format_datetime(self.published(n))
        return (
            f"<item><title>{html.escape(self.title(n))}</title>"
            f"<link>{self.server.url(self.path(n))}</link>"
            f"<guid>{html.escape(guid or self.canonical(n))}</guid><pubDate>{date}</pubDate>"
            f"<description>Summary {n}</description></item>"
        )

    def feed_xml(self, items: str | None = None) -> bytes:
        numbers = self.entries if self.entries is not None else range(self.count)
        body = items if items is not None else "".join(self.item_xml(n) for n in numbers)
        return rss_document(self.name, self.server.url(f"/{self.slug}/"), body)

    def _feed(self, req: Request) -> Route:
        body = self.feed_xml()
        headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
        if self.etag:
            # The ETag follows the content, so a changed feed is never answered with 304.
            tag = f'"{self.slug}-{zlib.crc32(body):08x}"'
            if req.headers.get("if-none-match") == tag:
                return Route(status=304, headers={"ETag": tag})
            headers["ETag"] = tag
        return Route(body=body, headers=headers)


def rss_document(title: str, link: str, items: str, head: str = "") -> bytes:
    """An RSS 2.0 document around `items` (already XML); `head` goes before <rss>."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{head}<rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>{html.escape(link)}</link>"
        f"<description>News</description>{items}</channel></rss>"
    ).encode()


def paywalled_page(title: str, canonical: str, teaser: str) -> bytes:
    """An article page that shows one teaser paragraph and then a paywall prompt."""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | Harbour Gazette</title>
<link rel="canonical" href="{canonical}">
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="{NOW.isoformat()}">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<main><article><h1>{html.escape(title)}</h1><p class="byline">By Ada Lovelace</p>
<p>{html.escape(teaser)}</p>
<div class="paywall"><h3>Subscribe to continue reading</h3>
<p>This article is for subscribers only. Subscribe now for unlimited access to all our
journalism, or log in if you are already a subscriber.</p>
<a href="/subscribe">Subscribe now</a> <a href="/login">Log in</a></div>
</article></main><footer>© 2025 Harbour Gazette. All rights reserved.</footer></body></html>
""".encode()
