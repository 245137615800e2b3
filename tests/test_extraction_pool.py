"""The extraction worker pool: results and typed errors cross processes, crashes are contained,
and workers never outlive a crawler killed with SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from progleton.errors import ExtractionError
from progleton.extract import extract_article
from progleton.workers import WorkerPool, worker_count

PAGE = (
    b"<html lang='en'><head><title>Harbour reopens | Gazette</title></head><body><article>"
    b"<h1>Harbour reopens</h1>"
    + b"<p>The harbour reopened on Monday after a week of repairs to the sea wall, officials "
    b"said, and the first ferries were expected to sail on Tuesday morning.</p>"
    * 6
    + b"</article></body></html>"
)


def crash_always(_content: bytes, _url: str) -> None:
    """Stands in for native code that segfaults on a page."""
    os._exit(139)


def crash_once(marker: str, _url: str) -> str:
    """Dies the first time (leaving a marker file), answers the second time."""
    path = Path(marker)
    if not path.exists():
        path.write_text("crashed")
        os._exit(139)
    return "second try"


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_worker_count_setting() -> None:
    assert worker_count(0) == 0
    assert worker_count(3) == 3
    assert 1 <= worker_count(-1) <= 4


def test_articles_and_typed_errors_cross_the_process_boundary() -> None:
    pool = WorkerPool(2)
    try:
        article = run(pool.extract(extract_article, PAGE, "https://gazette.example/harbour"))
        assert article.title == "Harbour reopens"
        assert article.paragraphs and "sea wall" in article.paragraphs[0]
        with pytest.raises(ExtractionError) as info:
            run(pool.extract(extract_article, b"", "https://gazette.example/empty"))
        assert "nothing to extract" in info.value.reason
    finally:
        pool.close()


def test_a_worker_crash_is_one_failed_page_not_a_dead_crawler(tmp_path: Path) -> None:
    pool = WorkerPool(2)
    try:
        with pytest.raises(ExtractionError, match="worker process died"):
            run(pool.extract(crash_always, b"", "https://x.example/"))
        # The pool was rebuilt: the next page is extracted normally.
        article = run(pool.extract(extract_article, PAGE, "https://gazette.example/harbour"))
        assert article.title == "Harbour reopens"
        # A crash that does not repeat costs one retry, not the page.
        marker = str(tmp_path / "crashed-once")
        assert run(pool.extract(crash_once, marker, "https://x.example/")) == "second try"
    finally:
        pool.close()


def test_thread_mode_runs_in_process() -> None:
    pool = WorkerPool(0)
    try:
        assert run(pool.extract(os.getpid)) == os.getpid()
    finally:
        pool.close()


CRAWLER = """
import asyncio, os, sys, time
from progleton.extract import extract_article
from progleton.workers import WorkerPool
page = sys.stdin.buffer.read()
pool = WorkerPool(2)
asyncio.run(pool.extract(extract_article, page, "https://gazette.example/harbour"))
# Make sure both workers exist, then report them and wait to be killed.
asyncio.run(pool.extract(extract_article, page, "https://gazette.example/harbour"))
print(" ".join(str(p) for p in pool._pool._processes), flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to watch processes")
def test_workers_exit_when_the_crawler_is_killed() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CRAWLER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(PAGE)
    proc.stdin.close()
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert workers and all(_alive(p) for p in workers)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)]
