"""SIGKILL a real `progleton crawl` of 50 sources at a random moment, 20 times over.

Each iteration starts from the same database (50 sources, nothing crawled), runs the CLI in a
subprocess, waits until a moment drawn from a seeded RNG, reads the stored url_keys (through
the WAL, as any reader would) and kills the process with SIGKILL. Then:

* the database is sound: `pragma integrity_check` and the FTS5 integrity check pass;
* every article read just before the kill is still there, whole, and no url_key is stored
  twice; every article has exactly one "stored" feed entry and no entry points nowhere;
* a source whose refresh was recorded as done (next_check_at written) has all its entries
  stored; the others - killed mid-refresh - are still due;
* a second `progleton crawl` checks exactly those due sources and runs to completion; then
  every entry of every source is stored exactly once, and no page stored before the kill
  was fetched again.

The kill moment is uniform between 0.2 s and the duration of an uninterrupted crawl measured
in the same session, both counted from the crawl's first HTTP request (the CLI's start-up,
about 2 s of imports and opening the store, writes nothing). So kills land while robots.txt,
feeds and pages are in flight, while articles are being written, and near the end.
Run with `-n 2` to split the 20 seeds over two workers.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from loopback import LOOPBACK, LoopbackServer
from progleton.dedupe import url_key
from progleton.models import Source
from progleton.store import open_store
from publisher import Outlet, paragraphs_for

SOURCES = 50
ENTRIES = 3  # per source: 150 articles in all
SERVERS = 5  # 10 outlets each; with 2 requests per host, 10 requests in flight at most
ITERATIONS = 20
ENV = os.environ | {"PROGLETON_ALLOW_HOSTS": LOOPBACK, "PROGLETON_PER_HOST_DELAY": "0"}

pytestmark = pytest.mark.slow


def crawl_cmd(db: Path) -> list[str]:
    return [sys.executable, "-m", "progleton", "--db", f"sqlite:///{db}", "crawl", "--quiet"]


def url_keys(db: Path) -> set[str]:
    """What a reader sees right now (committed transactions only, WAL included)."""
    con = sqlite3.connect(db, timeout=10)
    try:
        return {r[0] for r in con.execute("select url_key from articles")}
    finally:
        con.close()


@dataclass
class Farm:
    """50 outlets on a few servers, and a database with all of them added, never crawled."""

    outlets: list[Outlet]
    servers: list[LoopbackServer]
    template: Path
    startup: float = 0.0  # seconds from launching the CLI to its first HTTP request
    typical: float = 0.0  # seconds from that first request to the end of an uninterrupted crawl

    def copy_template(self, to: Path) -> Path:
        # The backup API copies a consistent snapshot, whatever is left in the WAL.
        src, dst = sqlite3.connect(self.template), sqlite3.connect(to)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return to

    def all_keys(self) -> set[str]:
        return {url_key(o.canonical(n)) for o in self.outlets for n in range(ENTRIES)}

    def request_count(self) -> int:
        # len() of the live lists: cheap enough to poll every few milliseconds.
        return sum(len(srv.requests) for srv in self.servers)

    def page_requests(self) -> dict[str, int]:
        """Requests so far per page path, over all servers."""
        counts: dict[str, int] = {}
        for srv in self.servers:
            for req in srv.seen():
                counts[req.path] = counts.get(req.path, 0) + 1
        return counts


def _path_of(key: str) -> str:
    """/oNN/news/story-n from the canonical https://oNN.example/oNN/news/story-n."""
    return "/" + key.split("/", 3)[3]


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Farm]:
    tmp = tmp_path_factory.mktemp("crash-loop")
    rng = random.Random(20250401)
    with ExitStack() as stack:
        servers = [
            stack.enter_context(LoopbackServer(f"127.0.0.{200 + i}")) for i in range(SERVERS)
        ]
        outlets = [
            Outlet(
                servers[i % SERVERS],
                f"o{i:02d}",
                count=ENTRIES,
                # Small random page delays: pages finish out of order, so the kill finds some
                # sources with part of their entries stored.
                page_delay=[rng.uniform(0.0, 0.04) for _ in range(ENTRIES)].__getitem__,
            ).install()
            for i in range(SOURCES)
        ]
        template = tmp / "template.db"
        store = open_store(f"sqlite:///{template}")
        for outlet in outlets:
            store.add_source(Source(feed_url=outlet.feed_url))
        store.close()
        farm = Farm(outlets, servers, template)

        # Calibration, and the control case: an uninterrupted crawl stores everything.
        db = farm.copy_template(tmp / "control.db")
        started = time.monotonic()
        done = subprocess.run(crawl_cmd(db), env=ENV, capture_output=True, text=True, timeout=120)
        ended = time.monotonic()
        assert done.returncode == 0, done.stderr
        first = min(req.started for srv in servers for req in srv.seen())
        farm.startup, farm.typical = first - started, ended - first
        assert url_keys(db) == farm.all_keys()
        yield farm


@pytest.mark.parametrize("seed", range(ITERATIONS))
def test_sigkill_at_a_random_moment_loses_nothing_and_the_rerun_completes(
    farm: Farm, tmp_path: Path, seed: int
) -> None:
    db = farm.copy_template(tmp_path / "crash.db")
    requests_before = farm.page_requests()
    kill_at = random.Random(seed).uniform(0.2, farm.typical)

    baseline = farm.request_count()
    proc = subprocess.Popen(
        crawl_cmd(db), env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    # The clock starts at the crawl's first request, not at the launch: start-up (imports,
    # opening the store) takes ~2 s and writes nothing, and would otherwise take half the draws.
    launched = time.monotonic()
    while farm.request_count() == baseline and proc.poll() is None:
        assert time.monotonic() - launched < 30, "the crawl never made a request"
        time.sleep(0.01)
    deadline = time.monotonic() + kill_at
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    seen = url_keys(db)  # the last look before the kill
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    killed = proc.returncode == -signal.SIGKILL
    assert killed or proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()

    # Nothing of the killed crawl lives on: its extraction and enrichment workers exit too.
    _assert_no_process_mentions(db)

    # -- right after the kill: sound, nothing lost, nothing half-written ------------------
    after_kill = _check_database(db)
    assert seen <= after_kill, seen - after_kill
    con = sqlite3.connect(db)
    try:
        done = con.execute(
            "select s.id, (select count(*) from feed_entries e where e.source_id = s.id "
            "and e.status = 'stored') from sources s where s.next_check_at is not null"
        ).fetchall()
    finally:
        con.close()
    assert all(n == ENTRIES for _, n in done), done  # "done" is only written after the entries
    due = SOURCES - len(done)

    # -- the rerun completes the crawl -----------------------------------------------------
    rerun = subprocess.run(crawl_cmd(db), env=ENV, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    checked = f"{due} source checked" if due == 1 else f"{due} sources checked"
    assert checked in rerun.stdout or (due == 0 and "No source is due" in rerun.stdout)
    new = len(farm.all_keys()) - len(after_kill)
    assert f"{new} new article" in rerun.stdout or due == 0, rerun.stdout
    final = _check_database(db)
    assert final == farm.all_keys(), sorted(farm.all_keys() - final)[:5]
    con = sqlite3.connect(db)
    try:
        entries = con.execute(
            "select source_id, guid, status, count(*) from feed_entries group by source_id, guid"
        ).fetchall()
        undone = con.execute("select count(*) from sources where next_check_at is null").fetchone()
        errors = con.execute("select count(*) from sources where last_error is not null").fetchone()
    finally:
        con.close()
    assert len(entries) == SOURCES * ENTRIES
    assert {(status, n) for _, _, status, n in entries} == {("stored", 1)}
    assert undone == (0,) and errors == (0,)

    # Pages stored before the kill were not fetched again (per path, in this iteration).
    requests = farm.page_requests()
    for key in after_kill:
        path = _path_of(key)
        assert requests.get(path, 0) - requests_before.get(path, 0) == 1, path

    print(
        f"seed {seed:2d}: kill {kill_at:.2f} s into a ~{farm.typical:.2f} s crawl "
        f"(start-up ~{farm.startup:.1f} s) "
        f"({'killed' if killed else 'had finished'}): {len(seen)} read before the kill, "
        f"{len(after_kill)} stored at the kill, {SOURCES - due} sources done, "
        f"{len(final)} after the rerun"
    )


def _assert_no_process_mentions(db: Path, wait: float = 10.0) -> None:
    """No live process has `db` in its command line (pool workers keep their parent's)."""
    deadline = time.monotonic() + wait
    while True:
        left = []
        for proc_dir in Path("/proc").glob("[0-9]*"):
            try:
                cmdline = (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ")
                state = (proc_dir / "stat").read_text().split(") ", 1)[1][:1]
            except (OSError, IndexError):
                continue  # gone meanwhile
            if str(db).encode() in cmdline and state != "Z":
                left.append(int(proc_dir.name))
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for pid in left:  # not left behind for the rest of the run either
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes of the killed crawl still alive: {left}"


def _check_database(db: Path) -> set[str]:
    """Integrity checks; returns the stored url_keys."""
    con = sqlite3.connect(db, timeout=10)
    try:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
        # Raises sqlite3.DatabaseError if the full-text index disagrees with its content.
        con.execute("insert into articles_fts(articles_fts) values('integrity-check')")
        keys = [r[0] for r in con.execute("select url_key from articles")]
        assert len(keys) == len(set(keys))  # UNIQUE anyway; a broken index would show here
        dangling = con.execute(
            "select count(*) from feed_entries where article_id is not null "
            "and article_id not in (select id from articles)"
        ).fetchone()
        assert dangling == (0,)
        # The entry mark and its article were committed together: one "stored" entry each.
        marks = con.execute(
            "select a.id, count(e.id) from articles a left join feed_entries e "
            "on e.article_id = a.id and e.status = 'stored' group by a.id"
        ).fetchall()
        assert all(n == 1 for _, n in marks), [m for m in marks if m[1] != 1]
        for title, body in con.execute("select title, body from articles"):
            n = int(title.rsplit(" ", 1)[1])  # every stored article is whole
            assert body == "\n\n".join(paragraphs_for(n)), title
        return set(keys)
    finally:
        con.close()
