"""Many crawl workers on one database: leases, locks, races, and a worker killed mid-run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from loopback import LOOPBACK, LoopbackServer
from progleton.models import Article, Source
from progleton.store import SaveResult, Store, open_store
from progleton.store.sql import SQLStore
from publisher import article_page, rss_document

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


def add_sources(store: Store, n: int) -> list[int]:
    ids = []
    for i in range(n):
        src = store.add_source(Source(feed_url=f"https://feeds{i}.example/feed.xml"))
        assert src.id is not None
        ids.append(src.id)
    return ids


def test_leased_sources_are_not_leased_again_until_released_or_expired(store: Store) -> None:
    ids = add_sources(store, 5)
    first = store.lease_due_sources("w1", T0, 3, LEASE)
    second = store.lease_due_sources("w2", T0, 10, LEASE)
    assert len(first) == 3 and len(second) == 2
    assert {s.id for s in first} | {s.id for s in second} == set(ids)
    assert store.lease_due_sources("w3", T0, 10, LEASE) == []
    # w1 finishes one source: released, and not due again (checked in the future).
    done = first[0]
    done.next_check_at = T0 + timedelta(hours=1)
    store.update_source(done, release=True)
    assert store.lease_due_sources("w3", T0, 10, LEASE) == []
    # w2 dies: once its leases expire, its two sources are claimed by someone else.
    later = T0 + LEASE + timedelta(seconds=1)
    taken = store.lease_due_sources("w3", later, 10, LEASE)
    assert {s.id for s in taken} == {s.id for s in first[1:]} | {s.id for s in second}
    assert sorted(store.lease_owners(later)) == ["w3"]
    assert store.release_leases("w3") == 4
    assert len(store.lease_due_sources("w4", later, 10, LEASE)) == 4


def test_paused_sources_are_never_leased(store: Store) -> None:
    [sid] = add_sources(store, 1)
    src = store.get_source(sid)
    assert src is not None
    src.paused = True
    store.update_source(src)
    assert store.lease_due_sources("w", T0, 10, LEASE) == []


def test_concurrent_leases_never_overlap(store: Store) -> None:
    add_sources(store, 60)
    got: list[list[int]] = []
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        mine: list[int] = []
        barrier.wait()
        while batch := store.lease_due_sources(name, T0, 5, LEASE):
            mine += [s.id or 0 for s in batch]
        got.append(mine)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for mine in got for i in mine]
    assert len(every) == 60 and len(set(every)) == 60


def test_stage_lock_is_exclusive_and_expires(store: Store) -> None:
    ttl = timedelta(minutes=1)
    assert store.try_lock("stories", "a", T0, ttl)
    assert not store.try_lock("stories", "b", T0, ttl)
    assert store.try_lock("stories", "a", T0 + timedelta(seconds=30), ttl)  # renewal
    assert not store.try_lock("stories", "b", T0 + timedelta(seconds=60), ttl)
    assert store.try_lock("stories", "b", T0 + timedelta(seconds=91), ttl)  # a's expired
    store.unlock("stories", "a")  # not a's any more: nothing happens
    assert not store.try_lock("stories", "a", T0 + timedelta(seconds=92), ttl)
    store.unlock("stories", "b")
    assert store.try_lock("stories", "a", T0 + timedelta(seconds=93), ttl)


def test_the_same_article_saved_at_once_by_two_feeds_is_stored_once(store: Store) -> None:
    src = [store.add_source(Source(feed_url=f"https://f{i}.example/feed")) for i in range(2)]
    for n in range(15):
        barrier = threading.Barrier(2)
        results: list[SaveResult] = []

        def save(
            i: int,
            n: int = n,
            barrier: threading.Barrier = barrier,
            results: list[SaveResult] = results,
        ) -> None:
            a = Article(url=f"https://news.example/{n}", title=f"Story {n}", paragraphs=["x"],
                        published=T0)  # fmt: skip
            barrier.wait()
            results.append(store.save_article(a, source_id=src[i].id, guid=f"g{n}"))

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(r.created for r in results) == [False, True]
        assert results[0].article_id == results[1].article_id
    assert store.count_articles() == 15


# -- four worker processes, one killed -------------------------------------------------------

HOSTS = 10
FEEDS_PER_HOST = 50


def _serve(servers: list[LoopbackServer]) -> list[str]:
    feeds = []
    for h, srv in enumerate(servers):
        for f in range(FEEDS_PER_HOST):
            n = h * FEEDS_PER_HOST + f
            page = f"/story/{n}"
            canonical = f"https://outlet{n}.example{page}"
            srv.route(page, body=article_page(n, f"Story {n}", T0, canonical),
                      headers={"Content-Type": "text/html; charset=utf-8"})  # fmt: skip
            item = (f"<item><title>Story {n}</title><link>{srv.url(page)}</link>"
                    f"<guid>{canonical}</guid><pubDate>Tue, 01 Apr 2025 09:00:00 GMT</pubDate>"
                    "</item>")  # fmt: skip
            feed = rss_document(f"Outlet {n}", srv.url("/"), item)
            srv.route(f"/feed/{n}.xml", body=feed, headers={"Content-Type": "application/rss+xml"})
            feeds.append(srv.url(f"/feed/{n}.xml"))
    return feeds


def _workers_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PROGLETON_ALLOW_HOSTS=LOOPBACK,
        PROGLETON_PER_HOST_DELAY="0",
        PROGLETON_PER_HOST_CONCURRENCY="4",
        PROGLETON_EXTRACT_WORKERS="0",
        PROGLETON_MAX_SOURCES_IN_FLIGHT="20",
        PROGLETON_RESPECT_ROBOTS="false",
    )
    return env


@pytest.mark.slow
def test_four_workers_share_500_sources_and_a_killed_ones_are_taken_over(
    postgres_url: str,
) -> None:
    servers = [LoopbackServer(host=f"127.0.0.{10 + h}") for h in range(HOSTS)]
    for srv in servers:
        srv.__enter__()
    try:
        feeds = _serve(servers)
        store = open_store(postgres_url)
        for url in feeds:
            store.add_source(Source(feed_url=url, title=url))
        cmd = [sys.executable, "-m", "progleton", "--db", postgres_url, "crawl", "--quiet"]
        env = _workers_env()
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(4)]  # fmt: skip
        victim = procs[0]
        # Kill the first worker once it holds leases (mid-run).
        deadline = time.monotonic() + 60
        held: set[str] = set()
        while time.monotonic() < deadline and not held:
            held = {o for o in store.lease_owners(datetime.now(UTC)) if f":{victim.pid}:" in o}
            time.sleep(0.05)
        assert held, "the first worker never claimed a source"
        time.sleep(0.3)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        killed_holding = _leased_by(store, held)
        for p in procs[1:]:
            _out, err = p.communicate(timeout=240)
            assert p.returncode == 0, err.decode()
        # A restarted worker on this host sees the dead one's leases and takes them over.
        rerun = subprocess.run(cmd, env=env, capture_output=True, timeout=240, check=False)
        assert rerun.returncode == 0, rerun.stderr.decode()

        fetches: Counter[str] = Counter()
        for srv in servers:
            for req in srv.seen():
                if req.path.startswith("/feed/"):
                    fetches[srv.url(req.path)] += 1
        sources = store.list_sources()
        assert len(sources) == HOSTS * FEEDS_PER_HOST
        for s in sources:
            assert s.last_success_at is not None, s.feed_url  # every source checked
            limit = 2 if s.id in killed_holding else 1
            assert 1 <= fetches[s.feed_url] <= limit, (s.feed_url, fetches[s.feed_url])
        # Exactly once for all the sources the dead worker was not holding.
        assert sum(1 for s in sources if fetches[s.feed_url] == 1) >= len(sources) - len(
            killed_holding
        )
        assert store.count_articles() == HOSTS * FEEDS_PER_HOST  # none lost, none twice
        assert isinstance(store, SQLStore)
        with store.engine.connect() as conn:
            stored = conn.execute(
                text("select count(*) from feed_entries where status = 'stored'")
            ).scalar_one()
            leased = conn.execute(
                text("select count(*) from sources where lease_owner is not null")
            ).scalar_one()
        assert stored == HOSTS * FEEDS_PER_HOST and leased == 0
        store.close()
    finally:
        for srv in servers:
            srv.__exit__()


def _leased_by(store: Store, owners: set[str]) -> set[int]:
    assert isinstance(store, SQLStore)
    with store.engine.connect() as conn:
        rows = conn.execute(text("select id, lease_owner from sources")).all()
    return {r[0] for r in rows if r[1] in owners}


def test_sqlite_crawl_restart_reclaims_a_dead_local_workers_leases(tmp_path: Path) -> None:
    from progleton.config import Settings
    from progleton.pipeline import Pipeline

    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    ids = add_sources(store, 3)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    now = datetime.now(UTC)
    owner = f"{socket.gethostname()}:{dead.pid}:abc"
    assert len(store.lease_due_sources(owner, now, 10, LEASE)) == 3
    alive = f"{socket.gethostname()}:{os.getpid()}:def"  # this test process: alive
    other_host = f"elsewhere.example:{dead.pid}:ghi"
    store.release_leases(owner)
    store.lease_due_sources(alive, now, 1, LEASE)
    store.lease_due_sources(other_host, now, 1, LEASE)
    store.lease_due_sources(owner, now, 1, LEASE)
    with Pipeline(Settings(db_url=store.url, extract_workers=0), store) as p:
        assert p.reclaim_dead_leases(now) == 1  # only the dead local worker's
    assert sorted(store.lease_owners(now)) == sorted([alive, other_host])
    assert len(ids) == 3
    store.close()
