"""The page micro-cache: hits and misses, expiry, ETag/304, never admin, errors or cookies,
bounded memory, one render per key under concurrency, and a cleared cache after changes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from progleton.config import Settings
from progleton.models import Article, utcnow
from progleton.store import Store
from progleton.web.app import create_app
from progleton.web.auth import hash_password
from progleton.web.cache import Entry, MicroCacheMiddleware, PageCache, cache_key
from test_web_support import empty_store


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Site:
    store: Store
    client: TestClient
    cache: PageCache
    clock: Clock


def _save(store: Store, n: int) -> None:
    store.save_article(
        Article(
            url=f"https://news.example/{n}",
            title=f"Headline number {n}",
            paragraphs=[f"Text of article {n}."],
            published=utcnow() - timedelta(hours=n + 1),
            publisher="Example News",
        )
    )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    store = empty_store(tmp_path)
    _save(store, 1)
    settings = Settings(
        db_url=store.url, page_cache_seconds=5.0, admin_password_hash=hash_password("x" * 12)
    )
    app = create_app(settings, store)
    cache: PageCache = app.state.page_cache
    clock = Clock()
    cache.clock = clock
    yield Site(store, TestClient(app, follow_redirects=False), cache, clock)
    store.close()


def test_second_request_is_a_hit_until_the_entry_expires(site: Site) -> None:
    first = site.client.get("/latest")
    assert first.status_code == 200 and "Headline number 1" in first.text
    assert (site.cache.misses, site.cache.hits) == (1, 0)
    _save(site.store, 2)  # a new article: the cached page does not show it yet ...
    second = site.client.get("/latest")
    assert second.text == first.text and site.cache.hits == 1
    assert second.headers["age"] == "0"
    site.clock.now += 3
    third = site.client.get("/latest")
    assert third.headers["age"] == "3" and third.headers["cache-control"] == "public, max-age=2"
    site.clock.now += 2.5  # ... until it expires (5 s)
    fresh = site.client.get("/latest")
    assert "Headline number 2" in fresh.text and site.cache.misses == 2
    # Different query strings are different pages.
    site.client.get("/latest", params={"lang": "en"})
    assert site.cache.misses == 3 and len(site.cache) == 2


def test_etag_and_304(site: Site) -> None:
    r = site.client.get("/")
    etag = r.headers["etag"]
    assert etag.startswith('"') and r.headers["cache-control"].startswith("public, max-age=")
    # Security headers are kept on cached answers.
    assert "content-security-policy" in site.client.get("/").headers
    again = site.client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    weak = site.client.get("/", headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    assert site.client.get("/", headers={"If-None-Match": '"stale"'}).status_code == 200
    head = site.client.head("/")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag


def test_never_caches_admin_errors_cookies_or_health(site: Site) -> None:
    for _ in range(2):
        login = site.client.get("/admin/login")
        assert login.status_code == 200 and "no-store" in login.headers["cache-control"]
        assert "etag" not in login.headers
        assert site.client.get("/admin").status_code == 303  # a redirect
        assert site.client.get("/stories/999").status_code == 404
        assert site.client.get("/api/v1/articles/999").status_code == 404
        assert site.client.get("/search", params={"page": "x"}).status_code == 400
        site.client.get("/api/v1/health")
        # A request with any cookie may be personal: answered, never stored.
        with_cookie = site.client.get("/latest", headers={"Cookie": "progleton_admin=abc"})
        assert with_cookie.status_code == 200 and "etag" not in with_cookie.headers
    assert len(site.cache) == 0 and site.cache.hits == 0


def test_host_is_part_of_the_key(site: Site) -> None:
    a = site.client.get("/feed.atom", headers={"Host": "ours.test"})
    b = site.client.get("/feed.atom", headers={"Host": "evil.test"})
    assert b"ours.test" in a.content and b"ours.test" not in b.content
    assert len(site.cache) == 2


def test_a_change_clears_the_cache(site: Site) -> None:
    site.client.get("/")
    assert len(site.cache) == 1
    site.client.post("/admin/logout")  # refused (403), but any change request clears
    assert len(site.cache) == 0


def test_disabled_with_zero_seconds(tmp_path: Path) -> None:
    store = empty_store(tmp_path)
    app = create_app(Settings(db_url=store.url, page_cache_seconds=0), store)
    client = TestClient(app)
    r = client.get("/")
    assert r.status_code == 200 and "etag" not in r.headers
    assert len(app.state.page_cache) == 0
    store.close()


def _entry(body: bytes, now: float = 0.0, ttl: float = 5.0) -> Entry:
    return Entry(200, [], body, b'"e"', now, now + ttl)


def _key(n: int) -> tuple[str, str, str, str, bytes]:
    return ("http", "h", "", f"/p{n}", b"")


def test_bounded_by_entries_and_bytes_least_recently_used_out() -> None:
    clock = Clock()
    cache = PageCache(5.0, max_entries=3, max_bytes=10_000, clock=clock)
    for n in range(3):
        cache.put(_key(n), _entry(b"x" * 100, clock.now))
    assert cache.get(_key(0)) is not None  # 0 is now the most recently used
    cache.put(_key(3), _entry(b"x" * 100, clock.now))
    assert len(cache) == 3 and cache.get(_key(1)) is None and cache.get(_key(0)) is not None
    cache.put(_key(4), _entry(b"y" * 4_000, clock.now))
    cache.put(_key(5), _entry(b"y" * 4_000, clock.now))
    assert cache.bytes <= 10_000 and cache.get(_key(4)) is not None
    cache.put(_key(6), _entry(b"z" * 20_000, clock.now))  # larger than the whole cache
    assert cache.get(_key(6)) is None and cache.bytes <= 10_000


def test_expiry_and_stale_window() -> None:
    clock = Clock()
    cache = PageCache(5.0, clock=clock)
    cache.put(_key(1), _entry(b"a", clock.now))
    clock.now += 4.9
    assert cache.get(_key(1)) is not None
    clock.now += 0.2
    assert cache.get(_key(1)) is None
    assert cache.get(_key(1), stale=True) is not None  # may stand in while re-rendering
    clock.now += 5
    assert cache.get(_key(1), stale=True) is None and len(cache) == 0


def _scope(path: str = "/", method: str = "GET") -> Scope:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "scheme": "http",
        "query_string": b"",
        "headers": [(b"host", b"t")],
    }


async def _call(app: MicroCacheMiddleware, scope: Scope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def test_concurrent_misses_render_once_and_expired_pages_are_served_while_rerendering() -> None:
    renders = 0
    release = asyncio.Event()

    async def slow_app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal renders
        renders += 1
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"page %d" % renders})

    clock = Clock()
    mw = MicroCacheMiddleware(slow_app, PageCache(5.0, clock=clock))

    async def scenario() -> tuple[list[list[Message]], list[list[Message]]]:
        tasks = [asyncio.create_task(_call(mw, _scope())) for _ in range(10)]
        await asyncio.sleep(0.01)
        release.set()
        first = await asyncio.gather(*tasks)
        clock.now += 6  # expired: one request re-renders, the others get the old page
        release.clear()
        tasks = [asyncio.create_task(_call(mw, _scope())) for _ in range(5)]
        await asyncio.sleep(0.01)
        bodies_meanwhile = [t for t in tasks if t.done()]
        assert len(bodies_meanwhile) == 4
        release.set()
        second = await asyncio.gather(*tasks)
        return first, second

    first, second = asyncio.run(scenario())
    assert renders == 2
    assert all(m[-1]["body"] == b"page 1" for m in first)
    assert sorted(m[-1]["body"] for m in second) == [b"page 1"] * 4 + [b"page 2"]


def test_uncacheable_answers_pass_through() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"set-cookie", b"a=b")] if scope["path"] == "/cookie" else []
        if scope["path"] == "/private":
            headers = [(b"cache-control", b"private")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"x"})

    cache = PageCache(5.0)
    mw = MicroCacheMiddleware(app, cache)
    for path in ("/cookie", "/private", "/admin/x", "/websub/1", "/static/style.css"):
        sent = asyncio.run(_call(mw, _scope(path)))
        assert sent[-1]["body"] == b"x"
    asyncio.run(_call(mw, _scope("/", method="POST")))
    assert len(cache) == 0
    assert cache_key(_scope("/", method="POST")) is None
    assert cache_key(_scope("/ok")) == ("http", "t", "", "/ok", b"")
