"""robots.txt: refusal, caching, Crawl-delay, RFC 9309 status handling."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from loopback import LOOPBACK, LoopbackServer, redirect, run
from progleton.config import Settings
from progleton.errors import BlockedByRobots, RobotsUnavailable
from progleton.fetch import Fetcher, RobotsCache

BASE = Settings(db_url="sqlite://", per_host_delay=0.0, read_timeout=5.0, allow_hosts=LOOPBACK)

ROBOTS = b"""# a realistic file
User-agent: *
Disallow: /admin

User-agent: Googlebot
Disallow: /

User-agent: progleton
Disallow: /private
Allow: /private/ok
"""


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        for path in ("/", "/public", "/admin", "/private/ok", "/private/x", "/a", "/b"):
            srv.route(path, body=b"page")
        yield srv


async def fetch_each(settings: Settings, urls: list[str]) -> list[int]:
    async with Fetcher(settings) as f:
        return [(await f.fetch(u)).status for u in urls]


def test_disallowed_path_is_refused_and_never_requested(server: LoopbackServer) -> None:
    server.route("/robots.txt", body=ROBOTS, headers={"Content-Type": "text/plain"})
    with pytest.raises(BlockedByRobots) as info:
        run(fetch_each(BASE, [server.url("/private/x?y=1")]))
    assert info.value.reason == "robots.txt disallows /private/x?y=1 for Progleton"
    assert server.count("/private/x") == 0


def test_allowed_paths_work_and_our_group_replaces_star(server: LoopbackServer) -> None:
    server.route("/robots.txt", body=ROBOTS)
    # /admin is only disallowed for "*", and a group naming us replaces the "*" group.
    urls = [server.url(p) for p in ("/public", "/private/ok", "/admin")]
    assert run(fetch_each(BASE, urls)) == [200, 200, 200]
    assert server.seen("/robots.txt")[0].headers["user-agent"] == BASE.user_agent


def test_star_group_applies_when_we_are_not_named(server: LoopbackServer) -> None:
    server.route("/robots.txt", body=b"User-agent: *\nDisallow: /a\n")
    with pytest.raises(BlockedByRobots, match="disallows /a for Progleton"):
        run(fetch_each(BASE, [server.url("/a")]))


def test_robots_fetched_once_for_many_urls(server: LoopbackServer) -> None:
    server.route("/robots.txt", body=ROBOTS, delay=0.1)

    async def go() -> None:
        async with Fetcher(BASE) as f:
            await asyncio.gather(*(f.fetch(server.url(p)) for p in ("/a", "/b", "/public")))
            for p in ("/a", "/b", "/"):
                await f.fetch(server.url(p))

    run(go())
    assert server.count("/robots.txt") == 1
    assert len(server.seen()) == 7


def test_crawl_delay_is_honoured(server: LoopbackServer) -> None:
    server.route("/robots.txt", body=b"User-agent: *\nCrawl-delay: 0.3\n")
    run(fetch_each(BASE, [server.url("/a"), server.url("/b")]))
    (a,), (b,) = server.starts("/a"), server.starts("/b")
    assert b - a >= 0.29


def test_missing_robots_allows_everything(server: LoopbackServer) -> None:
    # No /robots.txt route: the server answers 404.
    assert run(fetch_each(BASE, [server.url("/private/x")])) == [200]


def test_unreachable_robots_blocks_for_a_while(server: LoopbackServer) -> None:
    server.route("/robots.txt", status=500)

    async def go() -> list[str]:
        reasons = []
        async with Fetcher(BASE) as f:
            for p in ("/a", "/b"):
                with pytest.raises(RobotsUnavailable) as info:
                    await f.fetch(server.url(p))
                reasons.append(info.value.reason)
        return reasons

    reasons = run(go())
    assert reasons[0].startswith("robots.txt of 127.0.0.1 could not be read (HTTP 500)")
    assert server.count("/robots.txt") == 1 and server.count("/a") == 0


def test_robots_checked_after_redirect(server: LoopbackServer) -> None:
    server.route("/robots.txt", body=ROBOTS)
    server.route("/go", **redirect("/private/x"))
    with pytest.raises(BlockedByRobots):
        run(fetch_each(BASE, [server.url("/go")]))
    assert server.count("/private/x") == 0


def test_robots_redirect_followed(server: LoopbackServer) -> None:
    server.route("/robots.txt", **redirect("/real-robots.txt", 301))
    server.route("/real-robots.txt", body=b"User-agent: *\nDisallow: /b\n")
    with pytest.raises(BlockedByRobots):
        run(fetch_each(BASE, [server.url("/b")]))


def test_robots_can_be_disabled(server: LoopbackServer) -> None:
    server.route("/robots.txt", body=ROBOTS)
    settings = BASE.with_(respect_robots=False)
    assert run(fetch_each(settings, [server.url("/private/x")])) == [200]
    assert server.count("/robots.txt") == 0


def test_shared_cache_outlives_a_fetcher(server: LoopbackServer) -> None:
    server.route("/robots.txt", body=b"User-agent: *\nDisallow: /b\nCrawl-delay: 0.3\n")
    cache = RobotsCache()

    async def crawl_round() -> None:
        async with Fetcher(BASE, robots_cache=cache) as f:
            await f.fetch(server.url("/a"))
            with pytest.raises(BlockedByRobots):
                await f.fetch(server.url("/b"))
            await f.fetch(server.url("/"))

    run(crawl_round())  # each round has its own event loop, like `progleton crawl`
    run(crawl_round())
    assert server.count("/robots.txt") == 1 and len(cache) == 1
    second_a, second_root = server.starts("/a")[1], server.starts("/")[1]
    assert second_root - second_a >= 0.29  # Crawl-delay applied from the cached entry
