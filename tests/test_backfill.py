"""The WARC backfill on Dask: the right articles stored, once, on both backends, resumably.

Archives come from `test_warc.write_warc` (demo pages plus noise and damage). Most tests run
Dask in-process (`processes=False`) to stay quick; the CLI test runs real worker processes,
SIGKILLs the whole run mid-way and resumes it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from progleton.config import Settings
from progleton.demo.corpus import CorpusArticle
from progleton.pipeline import Pipeline
from progleton.scale.backfill import (
    NO_ARTICLE,
    BackfillReport,
    ChunkResult,
    expand_paths,
    read_chunk,
)
from progleton.sources import warc
from progleton.sources.warc import WarcFilter
from progleton.store import Store, open_store
from test_warc import Written, corpus, write_warc

ROOT = Path(__file__).resolve().parents[1]


def _pages(start: int, count: int) -> list[CorpusArticle]:
    return list(corpus()[start : start + count])


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> list[Written]:
    """Three small gzip-per-record files: 24 + 24 pages with noise and damage, 12 clean."""
    folder = tmp_path_factory.mktemp("archives")
    return [
        write_warc(folder / "cc-news-00.warc.gz", _pages(0, 24)),
        write_warc(folder / "cc-news-01.warc.gz", _pages(100, 24)),
        write_warc(folder / "cc-news-02.warc.gz", _pages(200, 12), damage=False),
    ]


def _skips(archives: list[Written]) -> Counter[str]:
    total: Counter[str] = Counter()
    for a in archives:
        total.update(a.skips)
    return total


@pytest.fixture
def pipeline(store_url: str) -> Iterator[Pipeline]:
    store = open_store(store_url)
    p = Pipeline(Settings(db_url=store_url), store)
    yield p
    p.close()
    store.close()


def _stored_urls(store: Store) -> list[str]:
    return sorted(a.url for a in store.latest_articles(10_000))


class StopAfter:
    """A progress sink that interrupts the run after `n` stored batches (a Ctrl-C)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.batches: list[ChunkResult] = []

    def planned(self, files: int, finished_before: int) -> None:
        pass

    def batch_stored(self, result: ChunkResult, report: BackfillReport) -> None:
        self.batches.append(result)
        if len(self.batches) >= self.n:
            raise KeyboardInterrupt


def test_backfill_stores_every_article_once_with_checkpoints(
    pipeline: Pipeline, archives: list[Written]
) -> None:
    paths = [a.path for a in archives]
    report = pipeline.backfill_warc(paths, WarcFilter(), workers=2, processes=False, batch=25)
    pages = [p for a in archives for p in a.pages]
    store = pipeline.store
    assert _stored_urls(store) == sorted(p.url for p in pages)
    assert report.stored == report.kept == len(pages) and report.already == 0
    assert report.records == sum(a.records for a in archives)
    assert report.skipped == _skips(archives)
    assert report.files_done == 3 and report.batches > 3  # several bounded batches a file
    checkpoints = store.warc_checkpoints()
    assert [c.path for c in checkpoints] == [str(p) for p in paths]
    for cp, a in zip(checkpoints, archives, strict=True):
        assert cp.done and cp.next_offset == a.path.stat().st_size
        assert (cp.records, cp.kept, cp.stored) == (a.records, len(a.pages), len(a.pages))
        assert Counter(cp.skipped) == a.skips
    # Captured time and host fill what the page may lack.
    article = store.get_article(store.find_article_id(pages[0].url) or -1)
    assert article is not None and article.fetched_at is not None and article.publisher

    again = pipeline.backfill_warc(paths, WarcFilter(), workers=2, processes=False)
    assert again.files_skipped == 3 and again.records == 0
    assert "Nothing to do" in again.summary()
    assert store.count_articles() == len(pages)


def test_filters_apply_before_and_after_extraction(
    pipeline: Pipeline, archives: list[Written]
) -> None:
    pages = [p for a in archives for p in a.pages]
    hosts = Counter(p.host for p in pages)
    host = next(h for h, _ in hosts.most_common() if h.startswith("www."))
    report = pipeline.backfill_warc(
        [a.path for a in archives],
        WarcFilter.build([host.removeprefix("www."), "entermedia.co.kr"], ["en"]),
        workers=1,
        processes=False,
    )
    # The Korean pages pass the host filter and are dropped for their language.
    expected = sorted(p.url for p in pages if p.host == host and p.language == "en")
    assert _stored_urls(pipeline.store) == expected
    korean = sum(p.host == "entermedia.co.kr" for p in pages)
    assert report.skipped[warc.LANGUAGE] == korean > 0
    assert report.skipped[warc.HOST] >= len(pages) - len(expected) - korean


def test_interrupted_run_resumes_without_loss_or_repeat(
    tmp_path: Path, archives: list[Written]
) -> None:
    url = f"sqlite:///{tmp_path / 'news.db'}"
    paths = [a.path for a in archives]
    pages = [p for a in archives for p in a.pages]
    store = open_store(url)
    pipeline = Pipeline(Settings(db_url=url), store)
    stop = StopAfter(3)
    with pytest.raises(KeyboardInterrupt):
        pipeline.backfill_warc(
            paths, WarcFilter(), workers=2, processes=False, batch=10, progress=stop
        )
    first = store.count_articles()
    assert first == sum(b.kept for b in stop.batches) and 0 < first < len(pages)
    assert not all(c.done for c in store.warc_checkpoints())

    # A crash between a batch's articles and its checkpoint: that batch is read again.
    real = store.advance_warc_checkpoint
    calls = []

    def crash_once(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("killed before the checkpoint")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    store.advance_warc_checkpoint = crash_once  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        pipeline.backfill_warc(paths, WarcFilter(), workers=2, processes=False, batch=10)
    store.advance_warc_checkpoint = real  # type: ignore[method-assign]
    second = store.count_articles()
    assert second > first

    report = pipeline.backfill_warc(paths, WarcFilter(), workers=2, processes=False, batch=10)
    assert _stored_urls(store) == sorted(p.url for p in pages)  # nothing lost, nothing twice
    assert report.already > 0  # the replayed batch found its articles stored
    assert report.stored == len(pages) - second
    assert all(c.done for c in store.warc_checkpoints())
    totals = {c.path: c for c in store.warc_checkpoints()}
    for a in archives:  # per-file counters add up to one full read despite the replay
        assert totals[str(a.path)].records >= a.records
    pipeline.close()
    store.close()


def test_chunks_are_bounded_and_chain_without_gaps(archives: list[Written]) -> None:
    a = archives[0]
    # A host filter keeps extraction (the slow part) to a few pages.
    host = a.pages[0].host
    filters = WarcFilter.build([host])
    chunks = []
    offset: int | None = 0
    while offset is not None:
        chunk = read_chunk(str(a.path), offset, filters, max_records=7, max_articles=1)
        assert chunk.records <= 8 and chunk.kept <= 1  # 7 records, or one kept page
        chunks.append(chunk)
        offset = chunk.next_offset
    assert sum(c.records for c in chunks) == a.records
    kept = [art.url for c in chunks for art, _fp in c.articles]
    assert kept == [p.url for p in a.pages if p.host == host]
    assert all(c.worker_pid == os.getpid() and c.worker_peak_rss_kb > 0 for c in chunks)


def test_a_page_without_an_article_is_skipped_with_its_reason(tmp_path: Path) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "empty.warc.gz"
    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://www.example.org/empty",
                "response",
                payload=io.BytesIO(b"<html><body><nav>Home</nav></body></html>"),
                http_headers=http,
            )
        )
    chunk = read_chunk(str(path), 0, WarcFilter())
    assert chunk.records == 1 and chunk.kept == 0
    assert chunk.skipped == Counter({NO_ARTICLE: 1})
    assert chunk.next_offset is None


def test_expand_paths_globs_and_refuses_missing_files(
    tmp_path: Path, archives: list[Written]
) -> None:
    folder = archives[0].path.parent
    found = expand_paths([str(folder / "cc-news-0[01].warc.gz"), str(archives[0].path)])
    assert found == [archives[0].path, archives[1].path]
    from progleton.errors import ConfigError

    with pytest.raises(ConfigError):
        expand_paths([str(tmp_path / "nothing-*.warc.gz")])
    with pytest.raises(ConfigError):
        expand_paths([str(tmp_path / "missing.warc.gz")])


def _checkpoints(db: Path) -> list[tuple[str, int, int, int]]:
    with sqlite3.connect(db, timeout=10) as conn:
        try:
            rows = conn.execute(
                "SELECT path, next_offset, done, stored FROM warc_checkpoints"
            ).fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []
    return [tuple(r) for r in rows]


@pytest.mark.slow
def test_cli_on_worker_processes_survives_sigkill_and_resumes(tmp_path: Path) -> None:
    # Small files: starting a local cluster of real processes takes seconds by itself.
    archives = [
        write_warc(tmp_path / "cc-news-a.warc.gz", _pages(150, 10)),
        write_warc(tmp_path / "cc-news-b.warc.gz", _pages(160, 10), damage=False),
    ]
    db = tmp_path / "news.db"
    files = [str(tmp_path / "cc-news-*.warc.gz")]
    cmd = [
        sys.executable, "-m", "progleton", "--db", f"sqlite:///{db}",
        "backfill", *files, "--workers", "2", "--batch", "4", "--quiet",
    ]  # fmt: skip
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    run = subprocess.Popen(
        cmd, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and run.poll() is None:
            if any(stored for *_rest, stored in _checkpoints(db)):
                break
            time.sleep(0.05)
        assert run.poll() is None, run.communicate()
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # the driver and its Dask workers, all at once
        run.wait()
    killed = _checkpoints(db)
    assert killed and not all(done for _p, _o, done, _s in killed)

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "already stored" in done.stdout or "records read" in done.stdout
    store = open_store(f"sqlite:///{db}")
    pages = [p for a in archives for p in a.pages]
    assert _stored_urls(store) == sorted(p.url for p in pages)
    assert all(c.done for c in store.warc_checkpoints())
    store.close()
