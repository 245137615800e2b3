"""A small synthetic publisher (homepage, RSS feed, article pages, robots.txt) on a loopback server.

Used by pipeline and CLI tests; the bundled demo corpus (progleton.demo) covers real pages.
"""

from __future__ import annotations

import email.utils
import html
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
