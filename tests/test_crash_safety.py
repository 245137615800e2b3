"""SIGKILL a real `progleton crawl` mid-run: nothing stored is lost, nothing is half-written,
and the next run picks up where the first stopped without storing anything twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loopback import LOOPBACK, LoopbackServer
from publisher import Publisher, paragraphs_for

COUNT = 12


def crawl_cmd(db: Path) -> list[str]:
    return [sys.executable, "-m", "progleton", "--db", f"sqlite:///{db}", "crawl", "--quiet"]


def stored(db: Path) -> int:
    con = sqlite3.connect(db, timeout=10)
    try:
        return int(con.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_mid_crawl_loses_nothing_and_rerun_completes(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    env = os.environ | {
        "PROGLETON_PER_HOST_DELAY": "0.05",
        "PROGLETON_PER_HOST_CONCURRENCY": "1",
        "PROGLETON_ALLOW_HOSTS": LOOPBACK,
    }
    with LoopbackServer() as srv:
        pub = Publisher(srv, count=COUNT, page_delay=0.25).install()
        add = subprocess.run(
            [sys.executable, "-m", "progleton", "--db", f"sqlite:///{db}", "add", srv.url("/")],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert add.returncode == 0, add.stderr

        proc = subprocess.Popen(
            crawl_cmd(db), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 60
        while stored(db) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL, "crawl finished before it could be killed"

        killed_at = stored(db)
        assert 3 <= killed_at < COUNT

        con = sqlite3.connect(db)
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
        con.execute("insert into articles_fts(articles_fts) values('integrity-check')")
        rows = con.execute("select title, body from articles").fetchall()
        for title, body in rows:  # every stored article is whole
            n = int(title.rsplit(" ", 1)[1])
            assert body == "\n\n".join(paragraphs_for(n))
        linked = con.execute(
            "select count(*) from feed_entries where status = 'stored' and article_id in "
            "(select id from articles)"
        ).fetchone()[0]
        assert linked == killed_at  # entry marks and articles were committed together
        con.close()

        rerun = subprocess.run(crawl_cmd(db), env=env, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        assert f"{COUNT - killed_at} new articles" in rerun.stdout
        con = sqlite3.connect(db)
        urls = [r[0] for r in con.execute("select url_key from articles")]
        assert len(urls) == len(set(urls)) == COUNT
        assert {u.rsplit("-", 1)[1] for u in urls} == {str(n) for n in range(COUNT)}
        con.close()
        # Pages stored before the kill were not fetched again.
        assert sum(srv.count(pub.path(n)) for n in range(COUNT)) <= COUNT + 2
