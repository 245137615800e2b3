"""Connections kept alive per host (`OriginPools`): reused, capped per host, and closed once a
host goes quiet, so a crawl of many hosts holds neither sockets nor memory for hosts it left.
"""

from __future__ import annotations

import asyncio
import time

import httpcore
import httpx

from loopback import FakeNetwork, LoopbackServer, run
from progleton.config import Settings
from progleton.fetch import Fetcher
from progleton.fetch.network import OriginPools

SETTINGS = Settings(db_url="sqlite://", per_host_delay=0.0, respect_robots=False)
PAGE = b"<html><body><p>Hello.</p></body></html>"


def _network(*names: str) -> FakeNetwork:
    net = FakeNetwork()
    for name in names:
        net.dns[name] = ["127.0.0.1"]
    return net


def test_each_host_keeps_its_connection_between_requests() -> None:
    names = ["a.test", "b.test", "c.test"]
    with LoopbackServer() as srv:
        srv.route("/page", body=PAGE, headers={"Content-Type": "text/html"})
        net = _network(*names)
        # Fewer request slots than hosts: one pool shared by all hosts (sized by the slots)
        # closes a host's idle connection to make room for the next host's.
        settings = SETTINGS.with_(allow_hosts=",".join(names), max_concurrency=2)

        async def crawl() -> None:
            async with Fetcher(settings, transport=net.transport(settings)) as f:
                for _ in range(3):
                    for name in names:
                        res = await f.fetch(f"http://{name}:{srv.port}/page")
                        assert res.status == 200

        run(crawl())
    assert len(net.connects) == 3  # one per host, not one per request
    assert sorted(net.lookups) == names


def test_each_host_gets_its_own_small_pool() -> None:
    with LoopbackServer() as srv:
        srv.route("/slow", body=PAGE, headers={"Content-Type": "text/html"}, delay=0.3)
        net = _network("a.test")
        settings = SETTINGS.with_(allow_hosts="a.test", per_host_concurrency=1)
        transport = net.transport(settings, httpx.Limits(max_connections=100))

        async def crawl() -> float:
            async with httpx.AsyncClient(transport=transport) as client:
                start = time.monotonic()
                url = f"http://a.test:{srv.port}/slow"
                await asyncio.gather(*(client.get(url) for _ in range(4)))
                return time.monotonic() - start

        took = run(crawl())
    # One request slot per host: the pool keeps 2 connections, so 4 slow requests take 2 rounds.
    assert len(net.connects) == 2
    assert took >= 0.55


def test_quiet_hosts_are_closed_and_forgotten() -> None:
    with LoopbackServer() as srv:
        srv.route("/page", body=PAGE, headers={"Content-Type": "text/html"})
        names = [f"h{i}.test" for i in range(6)]
        net = _network(*names)
        settings = SETTINGS.with_(allow_hosts=",".join(names))
        transport = net.transport(settings, httpx.Limits(keepalive_expiry=0.2))
        pools = transport._pool
        assert isinstance(pools, OriginPools)

        async def crawl() -> tuple[int, int]:
            async with httpx.AsyncClient(transport=transport) as client:
                for name in names[:5]:
                    (await client.get(f"http://{name}:{srv.port}/page")).raise_for_status()
                busy = pools.origins
                await asyncio.sleep(1.3)  # past the expiry and the once-a-second sweep
                (await client.get(f"http://{names[5]}:{srv.port}/page")).raise_for_status()
                return busy, pools.origins

        busy, after = run(crawl())
    assert busy == 5
    assert after == 1  # only the host just fetched keeps a pool


class _SlowToClosePool:
    """Stands in for an httpcore pool: answers at once, takes a while to close."""

    closed: list[_SlowToClosePool] = []  # noqa: RUF012 (shared record of closes, reset per test)

    def __init__(self, fail: bool = False) -> None:
        self.connections: list[object] = []
        self.fail = fail

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        return httpcore.Response(200)

    async def aclose(self) -> None:
        await asyncio.sleep(0.05)
        if self.fail:
            raise OSError("connection reset while closing")
        _SlowToClosePool.closed.append(self)


def _request(host: str) -> httpcore.Request:
    return httpcore.Request("GET", f"http://{host}/")


def test_sweeps_running_at_once_do_not_trip_over_each_other() -> None:
    # A crawl of 2,000 feeds died here: a sweep closing many pools outlasted the one-second
    # spacing, the next request's sweep removed the same pools, and the first one's
    # `del` raised KeyError out of the transport.
    _SlowToClosePool.closed = []
    pools = OriginPools(_SlowToClosePool, idle_expiry=0.0)  # type: ignore[arg-type]

    async def crawl() -> int:
        for i in range(5):
            await pools.handle_async_request(_request(f"h{i}.test"))
        pools._next_sweep = 0.0
        first = asyncio.ensure_future(pools.handle_async_request(_request("a.test")))
        await asyncio.sleep(0.01)  # the first sweep is closing pools now
        pools._next_sweep = 0.0
        await asyncio.gather(first, pools.handle_async_request(_request("b.test")))
        await asyncio.sleep(0.5)  # the closing runs in the background
        return pools.origins

    left = run(crawl())
    closed = _SlowToClosePool.closed
    # Every pool is either still in use or closed, and none closed twice.
    assert len(closed) == len({id(p) for p in closed}) and left + len(closed) == 7
    assert left >= 1  # b.test, asked last


def test_pools_a_sweep_removed_are_closed_even_if_the_request_is_cancelled() -> None:
    # The request that happens to sweep may be cancelled (a timeout) and a pool may fail to
    # close: every pool taken out of the table is still closed, at the latest by aclose().
    _SlowToClosePool.closed = []
    made = iter([_SlowToClosePool(fail=(i == 1)) for i in range(5)] + [_SlowToClosePool()])
    pools = OriginPools(lambda: next(made), idle_expiry=0.0)  # type: ignore[arg-type,return-value]

    async def crawl() -> None:
        for i in range(5):
            await pools.handle_async_request(_request(f"h{i}.test"))
        pools._next_sweep = 0.0
        sweeping = asyncio.ensure_future(pools.handle_async_request(_request("a.test")))
        await asyncio.sleep(0)
        sweeping.cancel()
        await asyncio.gather(sweeping, return_exceptions=True)
        await pools.aclose()

    run(crawl())
    assert len(_SlowToClosePool.closed) == 5  # 4 quiet pools (one failed to close) and a.test
    assert pools.origins == 0
