"""Backfill from WARC archives on Dask: workers read and extract, the driver stores.

    driver (this process)                        Dask workers (1 thread each)
    files ─► checkpoint? ─► submit chunk ──────► read_chunk: read records from an offset,
                                                 filter, extract + fingerprint, stop after
    store articles ◄── ChunkResult (bounded) ◄── `max_records` records or `max_articles` kept
    advance checkpoint, submit the file's next chunk

Each file is read as a chain of chunks, one at a time (the next chunk starts where the last
one stopped reading, which only that chunk knows), and several files are in flight so every
worker stays busy. Only the driver writes, so SQLite works as well as PostgreSQL, and
memory is bounded by chunk size times chunks in flight, whatever the archive size.
"""

from __future__ import annotations

import glob
import logging
import os
import resource
import time
from collections import Counter, deque
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from progleton.dedupe.credit import canonical_credit, wire_credit
from progleton.dedupe.near import Fingerprint
from progleton.errors import ConfigError
from progleton.extract.names import host_name
from progleton.models import Article
from progleton.sources import warc
from progleton.sources.warc import WarcFilter
from progleton.store import Store

if TYPE_CHECKING:
    from distributed import Client

#: Skipped after reading: no article could be extracted from the page.
NO_ARTICLE = "no article"

DEFAULT_MAX_RECORDS = 2000
DEFAULT_MAX_ARTICLES = 200


@dataclass(slots=True)
class ChunkResult:
    """What a worker made of one stretch of a file (sent back to the driver)."""

    path: str
    start: int
    next_offset: int | None  # where the next chunk starts; None at the end of the file
    records: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    articles: list[tuple[Article, Fingerprint]] = field(default_factory=list)
    seconds: float = 0.0
    worker_pid: int = 0
    worker_peak_rss_kb: int = 0  # the worker process's peak resident set so far

    @property
    def kept(self) -> int:
        """Articles extracted and passing every filter."""
        return len(self.articles)


def read_chunk(
    path: str,
    start: int,
    filters: WarcFilter,
    max_records: int = DEFAULT_MAX_RECORDS,
    max_articles: int = DEFAULT_MAX_ARTICLES,
    max_bytes: int = 10 * 1024 * 1024,
) -> ChunkResult:
    """Read, filter, extract and fingerprint records of `path` from offset `start` (a worker task).

    Stops before the first record past `max_records` records read or `max_articles` kept,
    so what a task returns is bounded however large the file is.
    """
    from progleton.pagework import extract_and_fingerprint  # workers import it once

    began = time.monotonic()
    result = ChunkResult(path=path, start=start, next_offset=None)
    for outcome in warc.read_warc(path, start, filters, max_bytes):
        if outcome.offset is not None and (
            result.records >= max_records or len(result.articles) >= max_articles
        ):
            result.next_offset = outcome.offset
            break
        result.records += 1
        if outcome.page is None:
            result.skipped[outcome.skip or "unknown"] += 1
            continue
        page = outcome.page
        try:
            article, fp = extract_and_fingerprint(page.html, page.url)
        except Exception:  # hostile or odd markup costs one page, never the run
            result.skipped[NO_ARTICLE] += 1
            continue
        if not filters.language_ok(article.language):
            result.skipped[warc.LANGUAGE] += 1
            continue
        if article.published is not None and not filters.date_ok(article.published):
            result.skipped[warc.DATE] += 1
            continue
        result.articles.append((_complete(article, page), fp))
    result.seconds = time.monotonic() - began
    result.worker_pid = os.getpid()
    result.worker_peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return result


def _complete(article: Article, page: warc.HtmlPage) -> Article:
    """Fill what a crawl would have filled: fetch time, publisher and wire credit."""
    article.url = article.url or page.url
    article.fetched_at = page.captured
    if not article.publisher:
        article.publisher = host_name(article.canonical_url or page.url)
    article.credit = wire_credit(article.text) or canonical_credit(
        article.url, article.canonical_url
    )
    return article


# -- the driver ---------------------------------------------------------------------------


class BackfillProgress(Protocol):
    """Receives backfill events (the CLI draws progress from them)."""

    def planned(self, files: int, finished_before: int) -> None:
        """`files` files to read; `finished_before` of them are skipped as already done."""

    def batch_stored(self, result: ChunkResult, report: BackfillReport) -> None:
        """A chunk's articles and checkpoint are committed; `report` has the running totals."""


@dataclass(slots=True)
class BackfillReport:
    """What one backfill run did (this run only; checkpoints hold per-file totals)."""

    files: int = 0
    files_done: int = 0  # finished during this run
    files_skipped: int = 0  # already finished by an earlier run
    files_failed: dict[str, str] = field(default_factory=dict)
    records: int = 0
    kept: int = 0
    stored: int = 0  # new articles
    already: int = 0  # kept, but the store had them (same URL): never stored twice
    skipped: Counter[str] = field(default_factory=Counter)
    batches: int = 0
    workers: int = 0
    worker_peak_rss_kb: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, result: ChunkResult, stored: int, already: int) -> None:
        """Fold one stored chunk in."""
        self.batches += 1
        self.records += result.records
        self.kept += result.kept
        self.stored += stored
        self.already += already
        self.skipped.update(result.skipped)
        pid = result.worker_pid
        self.worker_peak_rss_kb[pid] = max(
            self.worker_peak_rss_kb.get(pid, 0), result.worker_peak_rss_kb
        )

    @property
    def records_per_second(self) -> float:
        """Records read per second of wall time."""
        return self.records / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        """One line for humans."""
        if self.files and self.files_skipped == self.files:
            return f"Nothing to do: all {self.files} files were finished by an earlier run."
        files = f"{self.files_done} of {self.files} files finished"
        if self.files_skipped:
            files += f" ({self.files_skipped} already done)"
        if self.files_failed:
            files += f", {len(self.files_failed)} failed"
        line = f"{files}: {self.records} records read, {self.kept} kept, {self.stored} stored" + (
            f", {self.already} already stored" if self.already else ""
        )
        total = sum(self.skipped.values())
        if total:
            reasons = ", ".join(f"{n} {k}" for k, n in self.skipped.most_common())
            line += f", {total} skipped ({reasons})"
        return line + f" in {self.seconds:.1f} s ({self.records_per_second:.0f} records/s)"


def expand_paths(patterns: Sequence[str]) -> list[Path]:
    """Files named or matched by glob patterns, absolute, each once, in name order."""
    found: dict[str, Path] = {}
    for pattern in patterns:
        matches = (
            sorted(glob.glob(pattern, recursive=True)) if glob.has_magic(pattern) else [pattern]
        )
        if not matches:
            raise ConfigError(f"no WARC file matches {pattern!r}")
        for match in matches:
            path = Path(match).resolve()
            if not path.is_file():
                raise ConfigError(f"not a file: {match}")
            found.setdefault(str(path), path)
    return [found[k] for k in sorted(found)]


@contextmanager
def dask_client(
    scheduler: str | None, workers: int, processes: bool = True
) -> Iterator[tuple[Client, int]]:
    """A Dask client and its worker count: the given scheduler's, or a local cluster's.

    The local cluster runs `workers` processes with one thread each: extraction is pure
    Python, so threads would share one interpreter lock. In-process (`processes=False`, for
    tests and debugging) there is one worker whatever `workers` says: trafilatura and lxml
    running in two threads of one process can crash it (a segfault seen in CI).
    """
    from distributed import Client, LocalCluster

    if not processes:
        workers = 1

    if scheduler:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client, max(1, len(client.scheduler_info().get("workers", {})))
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client, workers


def run_backfill(
    store: Store,
    paths: Sequence[Path],
    filters: WarcFilter,
    *,
    scheduler: str | None = None,
    workers: int = 2,
    processes: bool = True,
    max_records: int = DEFAULT_MAX_RECORDS,
    max_articles: int = DEFAULT_MAX_ARTICLES,
    max_bytes: int = 10 * 1024 * 1024,
    progress: BackfillProgress | None = None,
) -> BackfillReport:
    """Backfill `paths` into `store`, resuming each file from its checkpoint."""
    from distributed import as_completed

    began = time.monotonic()
    report = BackfillReport(files=len(paths))
    todo: deque[tuple[str, int]] = deque()
    for file in paths:
        key = str(file)
        checkpoint = store.warc_checkpoint(key)
        if checkpoint is not None and checkpoint.done:
            report.files_skipped += 1
        else:
            todo.append((key, checkpoint.next_offset if checkpoint else 0))
    if progress is not None:
        progress.planned(len(paths), report.files_skipped)
    if not todo:
        report.seconds = time.monotonic() - began
        return report

    with dask_client(scheduler, workers, processes) as (client, n_workers):
        report.workers = n_workers
        pending = as_completed()  # type: ignore[no-untyped-call]
        submitted: dict[Hashable, str] = {}  # future key -> file

        def submit(path: str, offset: int) -> None:
            future = client.submit(
                read_chunk,
                path,
                offset,
                filters,
                max_records,
                max_articles,
                max_bytes,
                pure=False,
            )
            submitted[future.key] = path
            pending.add(future)  # type: ignore[no-untyped-call]

        # Two chunks per worker in flight: one running, one queued behind it, so a worker
        # never waits on the driver's round trip. That also bounds what is held at once.
        while todo and len(submitted) < 2 * n_workers:
            submit(*todo.popleft())
        for future in pending:
            path = submitted.pop(future.key)
            try:
                result: ChunkResult = future.result()
            except Exception as exc:  # a worker died or the task failed: the file waits
                report.files_failed[path] = f"{type(exc).__name__}: {exc}"
                if todo:
                    submit(*todo.popleft())
                continue
            finally:
                future.release()
            # Queue the file's next chunk before storing this one: the worker reads on
            # while the driver writes.
            if result.next_offset is not None:
                submit(path, result.next_offset)
            elif todo:
                submit(*todo.popleft())
            _store_chunk(store, result, report)
            if progress is not None:
                progress.batch_stored(result, report)
    report.seconds = time.monotonic() - began
    return report


def _store_chunk(store: Store, result: ChunkResult, report: BackfillReport) -> None:
    stored = already = 0
    for article, fp in result.articles:
        saved = store.save_article(article, fingerprint=fp)
        stored += saved.created
        already += not saved.created
    done = result.next_offset is None
    # The checkpoint is committed right after the chunk's articles, not in their transaction
    # (save_article commits each article on its own). A crash in between replays this chunk
    # on the next run, which is harmless: save_article is idempotent by URL.
    store.advance_warc_checkpoint(
        result.path,
        result.next_offset if result.next_offset is not None else _file_size(result.path),
        done=done,
        records=result.records,
        kept=result.kept,
        stored=stored,
        skipped=result.skipped,
    )
    report.add(result, stored, already)
    report.files_done += done


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # on a remote cluster the driver may not see the file; the flag suffices
        return 0
