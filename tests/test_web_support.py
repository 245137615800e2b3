"""Shared fixtures data for the web tests: a real SQLite store with sources and articles.

Imported by the other tests/test_web_*.py modules; it holds no tests itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from lxml import html as lxml_html

from progleton.config import Settings
from progleton.models import Article, FetchLogEntry, Source
from progleton.store import Store, open_store
from progleton.web.app import create_app

PAGE_SIZE = 3
FILLER_COUNT = 8
HOSTILE = "<script>alert(1)</script>"
ATTR_BREAK = '" onmouseover="alert(2)'
MOSCOW_URL = "https://www.themoscowtimes.com/2025/03/10/kremlin-truce?utm_source=rss"
MOSCOW_CANONICAL = "https://www.themoscowtimes.com/2025/03/10/kremlin-truce"
BLOCKED_REASON = "blocked by the site's bot protection (HTTP 403)"
# The one script a page may carry: the site's own keyboard shortcuts, same origin, deferred.
OWN_SCRIPT = re.compile(r'<script src="/static/keys\.js\?v=[\w.-]+" defer></script>')


@dataclass
class World:
    """What the fixture stored, for assertions."""

    store: Store
    client: TestClient
    now: datetime
    moscow_id: int = 0
    hostile_id: int = 0
    healthy_id: int = 0
    failing_id: int = 0
    paused_id: int = 0
    filler_ids: list[int] = field(default_factory=list)


def make_client(
    store: Store, page_size: int = PAGE_SIZE, raise_server_exceptions: bool = True
) -> TestClient:
    """A test client on a fresh app around `store`.

    Without the page cache: these tests change the store between requests for one page
    (tests/test_web_cache.py tests the cache).
    """
    settings = Settings(db_url=store.url, page_size=page_size, page_cache_seconds=0)
    app = create_app(settings, store)
    return TestClient(app, raise_server_exceptions=raise_server_exceptions)


def empty_store(tmp: Path) -> Store:
    """A migrated, empty SQLite store in `tmp`."""
    return open_store(f"sqlite:///{tmp / 'web.db'}")


def build_world(tmp: Path) -> World:
    """Store three sources (healthy, failing, paused) and a dozen articles, one hostile."""
    store = empty_store(tmp)
    now = datetime.now(UTC)
    healthy = store.add_source(
        Source(
            feed_url="https://www.themoscowtimes.com/rss/news",
            title="The Moscow Times",
            site_url="https://www.themoscowtimes.com/",
        )
    )
    healthy.last_checked_at = healthy.last_success_at = now - timedelta(hours=1)
    healthy.next_check_at = now + timedelta(minutes=25)
    store.update_source(healthy)

    failing = store.add_source(Source(feed_url="https://blocked.example/feed", title="Wall Daily"))
    failing.last_checked_at = failing.last_error_at = now - timedelta(minutes=5)
    failing.last_error = BLOCKED_REASON
    failing.error_count = 3
    store.update_source(failing)
    store.log_fetch(
        FetchLogEntry(
            url=failing.feed_url,
            at=now - timedelta(minutes=5),
            status=403,
            outcome="error",
            reason=BLOCKED_REASON,
            elapsed_ms=87,
            source_id=failing.id,
        )
    )

    paused = store.add_source(
        Source(feed_url="https://quiet.example/feed", title=f"Quiet {HOSTILE}", paused=True)
    )

    assert healthy.id and failing.id and paused.id
    world = World(store=store, client=make_client(store), now=now)
    world.healthy_id, world.failing_id, world.paused_id = healthy.id, failing.id, paused.id

    world.moscow_id = store.save_article(
        Article(
            url=MOSCOW_URL,
            canonical_url=MOSCOW_CANONICAL,
            title="Kremlin Says Putin Still Supports Ukraine Truce, But Questions Remain",
            paragraphs=[
                "The Kremlin said Monday that President Vladimir Putin still supports the idea "
                "of a ceasefire in Ukraine.",
                'Spokesman Dmitry Peskov said: "Putin does support the idea."',
                "Questions remain about how a truce would be monitored.",
            ],
            authors=["Anna Ivanova", "Boris Petrov"],
            published=now - timedelta(hours=7, minutes=3),
            language="en",
            image="https://static.themoscowtimes.com/image/lead.jpg",
            publisher="The Moscow Times",
        ),
        source_id=healthy.id,
        guid="moscow-1",
    ).article_id

    for i in range(FILLER_COUNT):
        world.filler_ids.append(
            store.save_article(
                Article(
                    url=f"https://www.themoscowtimes.com/filler/{i}",
                    title=f"Filler story number {i}",
                    paragraphs=[f"Routine filler paragraph {i} about the harvest season."],
                    published=now - timedelta(days=2, hours=i),
                    publisher="The Moscow Times",
                ),
                source_id=healthy.id,
                guid=f"filler-{i}",
            ).article_id
        )

    world.hostile_id = store.save_article(
        Article(
            url="javascript:alert(5)//evil.example/story",
            canonical_url="javascript:alert(6)",
            title=f"Hostile {HOSTILE}{ATTR_BREAK} headline",
            paragraphs=[
                f"Harvest body {HOSTILE} and <img src=x onerror=alert(3)>.",
                f"Second paragraph{ATTR_BREAK}.",
            ],
            authors=[f"<b>Eve</b>{ATTR_BREAK}"],
            description=f"Harvest description {HOSTILE} that is long enough to be the excerpt "
            "shown on the front page of the site.",
            published=now - timedelta(hours=30),
            language='en" onmouseover="x',
            image="javascript:alert(7)",
            publisher=f"<i>Evil</i>{ATTR_BREAK}",
        ),
        source_id=failing.id,
        guid="hostile-1",
    ).article_id
    return world


def without_own_script(text: str) -> str:
    """The page with the site's own script tag removed, for "no other script" checks."""
    return OWN_SCRIPT.sub("", text, count=1)


def parse(text: str) -> lxml_html.HtmlElement:
    """Parse an HTML page."""
    return lxml_html.fromstring(text)


def card_ids(text: str) -> list[int]:
    """Article ids linked from the cards of a listing page, in order."""
    doc = parse(text)
    hrefs = doc.xpath("//article[contains(@class, 'card')]//*[contains(@class, 'card-title')]/a")
    return [int(a.get("href").rsplit("/", 1)[1]) for a in hrefs]


def story_ids(text: str) -> list[int]:
    """Story ids linked from the story cards of a ranked page, in order."""
    links = parse(text).xpath("//article[contains(@class, 'story-card')]//h2/a")
    return [int(a.get("href").rsplit("/", 1)[1]) for a in links]


def walk(client: TestClient, url: str) -> tuple[list[int], list[str]]:
    """Follow "More stories" links from `url`; all story ids seen and the URLs visited."""
    seen: list[int] = []
    urls = [url]
    while True:
        r = client.get(urls[-1])
        assert r.status_code == 200, urls[-1]
        seen += story_ids(r.text)
        nxt = parse(r.text).xpath("//a[@rel='next']/@href")
        if not nxt:
            return seen, urls
        urls.append(nxt[0])
