"""The enrichment stage: entities and quotes for stored articles, as a resumable queue.

It runs apart from the crawl (the crawl never waits for it): each run takes the articles
without an `enriched` marker in batches, enriches them in worker processes (spaCy's model is
loaded once per worker) and stores each article's result with its marker in one transaction,
while the workers already enrich the next batch. An interrupted run loses at most the two
batches in flight, and the next run picks up from there.
One process at a time enriches (a stage lock), so entities are matched without races.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import timedelta

from progleton.config import Settings
from progleton.enrich.model import Enrichment
from progleton.models import utcnow
from progleton.store.entitydb import EntityStore, enrichment_text
from progleton.workers import process_pool

ENRICH_LOCK = "enrich"
_LOCK_TTL = timedelta(minutes=15)


@dataclass(slots=True)
class EnrichReport:
    """What one run of the stage did."""

    articles: int = 0
    skipped: int = 0  # not English, or too little text
    quotes: int = 0
    mentions: int = 0
    seconds: float = 0.0
    waiting: int = 0  # still in the queue afterwards (a limit was reached)
    busy: bool = False  # another process holds the stage
    skip_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        """Articles enriched per second of wall time."""
        return self.articles / self.seconds if self.seconds else 0.0


def _enrich_chunk(items: list[tuple[str, str | None]]) -> list[Enrichment]:
    from progleton.enrich.enricher import enrich_texts

    return list(enrich_texts(items))


_PRELOAD = ["progleton.enrich.nlp"]


def _warm() -> None:
    from progleton.enrich.nlp import load

    load()


def worker_count(settings: Settings) -> int:
    """Processes to enrich in: the extraction workers' setting (-1: one per CPU, up to 4)."""
    wanted = settings.extract_workers
    if wanted < 0:
        return max(1, min(4, os.cpu_count() or 1))
    return wanted


def enrich_pending(
    store: EntityStore,
    settings: Settings,
    *,
    batch: int = 64,
    limit: int | None = None,
    workers: int | None = None,
    progress: Callable[[EnrichReport], None] | None = None,
) -> EnrichReport:
    """Enrich every article not yet enriched (at most `limit`), `batch` at a time."""
    report = EnrichReport()
    owner = f"{socket.gethostname()}:{os.getpid()}"
    if not store.try_lock(ENRICH_LOCK, owner, utcnow(), _LOCK_TTL):
        report.busy = True
        return report
    started = time.perf_counter()
    n = worker_count(settings) if workers is None else workers
    # Workers that exit with this process: a crawl killed mid-enrichment leaves none behind.
    pool: Executor | None = process_pool(n, _PRELOAD, _warm) if n > 1 else None
    try:
        for articles, results in _batches(store, pool, n, batch, limit):
            for article, result in zip(articles, results, strict=True):
                assert article.id is not None
                store.save_enrichment(article.id, result)
                report.articles += 1
                report.quotes += len(result.quotes)
                report.mentions += len(result.mentions)
                if result.skipped:
                    report.skipped += 1
                    reason = result.skipped.split(":")[0]
                    report.skip_reasons[reason] = report.skip_reasons.get(reason, 0) + 1
            store.try_lock(ENRICH_LOCK, owner, utcnow(), _LOCK_TTL)
            report.seconds = time.perf_counter() - started
            if progress is not None:
                progress(report)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        store.unlock(ENRICH_LOCK, owner)
    report.seconds = time.perf_counter() - started
    report.waiting = store.count_unenriched()
    return report


def _batches(
    store: EntityStore, pool: Executor | None, workers: int, batch: int, limit: int | None
) -> Iterator[tuple[list, list[Enrichment]]]:  # type: ignore[type-arg]
    """Batches with their results; the next batch is already in the workers while the
    caller stores this one (storing a batch takes a good part of the time enriching it does,
    and the workers would wait for it)."""
    done = 0
    after = 0
    pending: tuple[list, Callable[[], list[Enrichment]]] | None = None  # type: ignore[type-arg]
    while True:
        size = batch if limit is None else min(batch, limit - done)
        articles = store.unenriched_articles(size, after_id=after) if size > 0 else []
        current = None
        if articles:
            last = articles[-1].id
            assert last is not None
            after = last
            done += len(articles)
            current = (articles, _submit(pool, workers, articles))
        if pending is not None:
            yield pending[0], pending[1]()
        if current is None:
            return
        pending = current


def _submit(
    pool: Executor | None,
    workers: int,
    articles: list,  # type: ignore[type-arg]
) -> Callable[[], list[Enrichment]]:
    """Start enriching `articles`; the returned call waits for the results, in order."""
    items = [(enrichment_text(a), a.language) for a in articles]
    if pool is None:
        results = _enrich_chunk(items)
        return lambda: results
    step = max(1, -(-len(items) // workers))
    futures = [pool.submit(_enrich_chunk, items[i : i + step]) for i in range(0, len(items), step)]
    return lambda: [r for f in futures for r in f.result()]
