"""Per-host spacing and concurrency caps, measured at the server."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest

from loopback import LOOPBACK, LoopbackServer, max_in_flight, run
from progleton.config import Settings
from progleton.fetch import Fetcher

BASE = Settings(
    db_url="sqlite://",
    per_host_delay=0.0,
    respect_robots=False,
    read_timeout=5.0,
    allow_hosts=LOOPBACK,
)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as srv:
        yield srv


async def fetch_all(settings: Settings, urls: list[str]) -> None:
    async with Fetcher(settings) as f:
        await asyncio.gather(*(f.fetch(u) for u in urls))


def test_requests_to_one_host_are_spaced(server: LoopbackServer) -> None:
    server.route("/p", body=b"ok")
    settings = BASE.with_(per_host_delay=0.25, per_host_concurrency=4)
    run(fetch_all(settings, [server.url("/p")] * 3))
    starts = sorted(server.starts("/p"))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # Measured where the server sees each request arrive: on a loaded machine one arrival
    # can lag by a few tens of milliseconds. Without the delay the gaps would be ~0.
    assert len(gaps) == 2 and min(gaps) >= 0.2 and starts[-1] - starts[0] >= 0.45, gaps


def test_other_hosts_are_not_delayed(server: LoopbackServer) -> None:
    with LoopbackServer("127.0.0.2") as other:
        for srv in (server, other):
            srv.route("/p", body=b"ok")
        settings = BASE.with_(per_host_delay=2.0)
        run(fetch_all(settings, [server.url("/p"), other.url("/p")]))
        assert abs(server.starts()[0] - other.starts()[0]) < 0.5


def test_per_host_concurrency_cap(server: LoopbackServer) -> None:
    server.route("/slow", body=b"ok", delay=0.2)
    run(fetch_all(BASE.with_(per_host_concurrency=2), [server.url("/slow")] * 6))
    assert server.count("/slow") == 6
    assert max_in_flight(server.seen()) == 2


def test_global_concurrency_cap(server: LoopbackServer) -> None:
    with LoopbackServer("127.0.0.2") as other:
        for srv in (server, other):
            srv.route("/slow", body=b"ok", delay=0.2)
        settings = BASE.with_(per_host_concurrency=4, max_concurrency=3)
        run(fetch_all(settings, [server.url("/slow"), other.url("/slow")] * 4))
        assert max_in_flight(server.seen() + other.seen()) == 3
