"""Use cases: the only caller of the stages. The CLI, the web app and the scheduler call these.

add_source ──► fetch + discover ──► store source
crawl ──► for each due source: fetch feed (conditional GET) ──► parse ──► for each new entry:
          fetch page ──► extract + fingerprint ──► store (one transaction per article: the
          article, its shingles, its feed entry, and a place in the near-duplicate queue)
place_copies ──► queued articles in stored order ──► LSH candidates + containment ──► fold a
          copy under its original, index its bands (one transaction a batch)
cluster_pending ──► place_copies, then articles not yet in a story, oldest first ──► story
          clusterer ──► store
          (placements, story summaries and the clusterer's state in one transaction a batch)
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import random
import re
import secrets
import socket
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import httpx

from progleton.config import Settings
from progleton.dedupe.credit import canonical_credit, wire_credit
from progleton.dedupe.near import Fingerprint
from progleton.dedupe.urls import url_key
from progleton.errors import (
    BlockedAddress,
    BlockedByRobots,
    ExtractionError,
    FeedError,
    FetchError,
    HTTPStatusError,
    ProgletonError,
    TooLarge,
)
from progleton.extract import extract_article, extract_text_dump
from progleton.extract.access import PAYWALL
from progleton.extract.names import clean_authors, host_name
from progleton.extract.titles import strip_site_suffix
from progleton.extract.topics import normalize_topics
from progleton.fetch import Fetcher, RobotsCache
from progleton.models import (
    Article,
    FeedEntry,
    FetchLogEntry,
    FetchResult,
    ParsedFeed,
    Source,
    Story,
    utcnow,
)
from progleton.pagework import extract_and_fingerprint, extract_for_site
from progleton.schedule import SchedulePolicy, next_check_after_failure, next_check_after_success
from progleton.sitetemplates import SiteTemplates
from progleton.sources import find_feed, parse_feed, parse_opml
from progleton.store import Store
from progleton.stories.cluster import ClusterParams, StoryClusterer
from progleton.stories.rank import RankParams, rank
from progleton.workers import WorkerPool, worker_count

if TYPE_CHECKING:
    from progleton.scale.backfill import BackfillProgress, BackfillReport
    from progleton.sources.warc import WarcFilter

_TEXT_SUFFIXES = {".txt", ".text", ".md"}
#: Sources claimed per lease round (then claimed again as slots free up).
LEASE_BATCH = 50
STORY_LOCK = "stories"
DEDUPE_LOCK = "dedupe"
#: Largest feed document a hub may push to us.
MAX_PUSH_BYTES = 5 * 1024 * 1024
WEBSUB_LEASE_SECONDS = 10 * 24 * 3600
#: Renew a subscription once less than this is left of its lease. Polling goes on regardless,
#: so a lease that lapses between two checks only costs push latency until the next one.
WEBSUB_RENEW_BEFORE = timedelta(hours=1)
#: How long to wait for a hub that has not verified (or has refused) before asking again.
WEBSUB_RETRY = timedelta(hours=1)
_WEBSUB_ALGOS = {"sha1", "sha256", "sha384", "sha512"}


class CrawlProgress(Protocol):
    """Receives crawl events (the CLI draws a progress bar from them)."""

    def source_started(self, source: Source) -> None:
        """A source's feed is about to be fetched."""

    def entries_found(self, source: Source, count: int) -> None:
        """`count` new entries will be fetched for this source."""

    def entry_done(self, source: Source, outcome: str) -> None:
        """One entry finished: new | duplicate | failed."""

    def source_done(self, source: Source, report: SourceReport) -> None:
        """A source finished (successfully or not)."""


@dataclass(slots=True)
class SourceReport:
    """What one refresh of one source did."""

    source_id: int
    feed_status: str = "ok"  # ok | not_modified | error
    error: str | None = None
    schedule: str = ""  # why the next check is when it is
    new: int = 0
    paywalled: int = 0  # of the new ones: only a teaser was public
    revised: int = 0  # stored articles whose headline the publisher changed
    duplicates: int = 0
    failures: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class CopyReport:
    """What one run of the near-duplicate stage did."""

    placed: int = 0
    copies: int = 0
    seconds: float = 0.0
    skipped: bool = False  # another process was running the stage


@dataclass(slots=True)
class StoryReport:
    """What one run of the story stage did."""

    placed: int = 0
    copies: int = 0  # articles the near-duplicate stage found to be copies of stored ones
    new_stories: int = 0
    merged: int = 0
    seconds: float = 0.0
    skipped: bool = False  # another process was running the story stage

    def summary(self) -> str:
        """One line for humans."""
        if self.skipped:
            return "stories: another worker is placing articles; they will appear shortly"
        new = _n(self.new_stories, "new story", "new stories")
        merged = f", {self.merged} merged" if self.merged else ""
        placed = _n(self.placed, "article")
        if self.copies:
            copies = _n(self.copies, "copy", "copies")
            placed += f" ({copies} of stored articles, folded under the original)"
        return f"stories: {placed} placed, {new}{merged} in {self.seconds:.1f} s"


@dataclass(slots=True)
class CrawlReport:
    """Summary of a crawl over many sources."""

    sources: int = 0
    not_modified: int = 0
    failed_sources: int = 0
    new: int = 0
    paywalled: int = 0
    revised: int = 0
    duplicates: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, r: SourceReport) -> None:
        """Fold one source's report in."""
        self.sources += 1
        self.not_modified += r.feed_status == "not_modified"
        if r.feed_status == "error":
            self.failed_sources += 1
            self.failures[f"feed: {failure_kind(r.error)}"] += 1
        self.new += r.new
        self.paywalled += r.paywalled
        self.revised += r.revised
        self.duplicates += r.duplicates
        self.failures.update(r.failures)

    def summary(self) -> str:
        """One line for humans."""
        line = (
            f"{_n(self.sources, 'source')} checked ({self.not_modified} unchanged): "
            f"{_n(self.new, 'new article')}"
            + (f" ({self.paywalled} paywalled: teaser only)" if self.paywalled else "")
            + f", {_n(self.duplicates, 'duplicate')} skipped"
            + (f", {_n(self.revised, 'headline')} revised" if self.revised else "")
        )
        total = sum(self.failures.values())
        if total:
            reasons = ", ".join(f"{n} {k}" for k, n in self.failures.most_common())
            line += f", {_n(total, 'failure')} ({reasons})"
        else:
            line += ", no failures"
        return line + f" in {self.seconds:.1f} s"


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {plural or noun + 's'}"


_log = logging.getLogger(__name__)

#: Failure reasons name hosts, sizes and durations; the summary counts them by kind. First
#: match wins, so the specific patterns come before the general ones.
_FAILURE_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (r"^internal error", "internal error"),
        (r"^robots\.txt .*could not be read", "site unreachable"),
        (r"robots\.txt", "robots.txt"),
        (r"^refused\b|\b(?:resolves to|is this machine)\b", "refused"),
        (r"slow drip", "slow drip"),
        (r"connection reset", "connection reset"),
        (r"closed the connection|connection to .* was lost", "closed early"),
        (r"connection refused", "connection refused"),
        (r"\bDNS\b|no addresses for", "DNS failure"),
        (r"\bTLS\b", "TLS error"),
        (r"could not connect", "could not connect"),
        (r"timed out|no response within|stopped sending data|no complete response", "timeout"),
        (r"headers too large", "headers too large"),
        (r"larger than|\bcap\b", "too large"),
        (r"redirect", "redirect problem"),
        (r"corrupt|Content-Encoding", "corrupt body"),
        (r"invalid HTTP response", "invalid response"),
        (r"asked us to slow down|not contacting it", "rate limited"),
        (r"unreachable", "network unreachable"),
        (r"URL|scheme", "bad URL"),
        (r"no article|nothing to extract|text dump", "no article body"),
        (r"proxy", "proxy error"),
    )
)


def is_transient(exc: FetchError | ExtractionError) -> bool:
    """Whether a failed page is worth another try later (a 5xx, a timeout, a reset...).

    Refusals (robots.txt, the address guard, 401/403/451 bot protection), pages that are gone
    (410) or too large, and pages without an article are given up at once: asking again would
    get the same answer, or press a publisher that said no.
    """
    if isinstance(exc, ExtractionError | BlockedByRobots | BlockedAddress | TooLarge):
        return False
    if isinstance(exc, HTTPStatusError) and exc.status is not None and 400 <= exc.status < 500:
        return exc.status in (404, 408, 425, 429)  # 404: feeds often go out before the page
    return True


def failure_kind(reason: str | None) -> str:
    """Group failure reasons for the summary line ('HTTP 404', 'slow drip', 'blocked...')."""
    if not reason:
        return "unknown"
    if reason.startswith(("HTTP 401", "HTTP 403", "HTTP 451")):
        # Never evaded: a refusal by the site (often bot protection) is labelled as such.
        return f"blocked ({' '.join(reason.split()[:2])})"
    if reason.startswith("HTTP "):
        return " ".join(reason.split()[:2])
    for pattern, kind in _FAILURE_KINDS:
        if pattern.search(reason):
            return kind
    return "other error"


class Backlog:
    """Pages fetched and not yet stored, kept under a bound so memory is flat in crawl size.

    A page counts from the end of its fetch to the end of its storing. The fetcher awaits
    `room()` as each request starts (after the host's politeness delay, with its global slot
    held), so while the bound is reached no request starts; those already under way still
    land, so at most `bound` plus the fetcher's concurrency are ever held. (A slot taken
    before the fetch would be held through politeness delays too, starving other hosts.)
    """

    def __init__(self, bound: int) -> None:
        self.bound = bound
        self.held = 0
        self.peak = 0
        self._room = asyncio.Event()
        self._room.set()

    async def room(self) -> None:
        """Wait until a new page may be fetched."""
        while self.held >= self.bound:
            self._room.clear()
            await self._room.wait()

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Count one fetched page while it is extracted and stored."""
        self.held += 1
        self.peak = max(self.peak, self.held)
        try:
            yield
        finally:
            self.held -= 1
            if self.held < self.bound:
                self._room.set()


class Pipeline:
    """Progleton's use cases over one store and one settings object."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self._transport = transport
        # robots.txt verdicts outlive one crawl round (RFC 9309 allows 24 h reuse).
        self._robots = RobotsCache()
        self._workers = WorkerPool(worker_count(settings.extract_workers))
        self._templates = SiteTemplates(store, settings)
        self._new_backlog()
        self._policy = SchedulePolicy.from_settings(settings)
        self._rng = random.Random()
        self._ranked: tuple[float, list[Story]] | None = None
        # Front-page filters: (source, language, topic) -> (when, matching story -> article ids).
        self._matches: dict[
            tuple[int | None, str | None, str | None], tuple[float, dict[int, list[int]]]
        ] = {}
        #: This process's name on the sources it claims (host, pid and a random part).
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"

    def close(self) -> None:
        """Stop the parsing thread and extraction processes."""
        try:
            self._templates.flush_now()
        finally:
            self._workers.close()

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fetcher(self) -> Fetcher:
        return Fetcher(
            self.settings,
            transport=self._transport,
            robots_cache=self._robots,
            gate=self._backlog.room,
        )

    async def _extract(
        self, content: bytes, url: str, source_id: int | None = None
    ) -> tuple[Article, Fingerprint]:
        """Extract a fetched page with its site's template; its signatures teach the template."""
        if not self._templates.enabled:
            return await self._workers.extract(extract_and_fingerprint, content, url)
        template = await self._templates.template(url)
        article, fp, blocks = await self._workers.extract(extract_for_site, content, url, template)
        await self._templates.observe(url, url_key(url), blocks, source_id)
        return article, fp

    async def _parse_feed(self, content: bytes, url: str, content_type: str | None) -> ParsedFeed:
        return await self._workers.in_thread(parse_feed, content, url, content_type)

    # -- sources -------------------------------------------------------------------------
    async def add_source(self, url: str) -> Source:
        """Follow a feed URL or a site's homepage (its feed is discovered)."""
        async with self._fetcher() as fetcher:
            return await self._add(fetcher, url)

    async def add_sources(self, urls: list[str]) -> list[Source | ProgletonError]:
        """Follow many URLs concurrently (politeness still applies per host)."""
        async with self._fetcher() as fetcher:

            async def one(url: str) -> Source | ProgletonError:
                try:
                    return await self._add(fetcher, url)
                except ProgletonError as exc:
                    return exc

            return list(await asyncio.gather(*(one(u) for u in urls)))

    async def _add(self, fetcher: Fetcher, url: str) -> Source:
        feed_url, _result, feed = await find_feed(fetcher, url)
        # Caching headers are not kept here: the first crawl must see every entry.
        source = Source(
            feed_url=feed_url,
            title=feed.title or feed_url,
            site_url=feed.site_url,
            kind=feed.kind,
        )
        return self.store.add_source(source)

    def import_opml(self, content: bytes) -> tuple[list[Source], int]:
        """Add every feed of an OPML file; returns (sources, how many were new)."""
        added: list[Source] = []
        new = 0
        for item in parse_opml(content):
            new += self.store.get_source_by_url(item.xml_url) is None
            added.append(
                self.store.add_source(
                    Source(feed_url=item.xml_url, title=item.title or "", site_url=item.html_url)
                )
            )
        return added, new

    # -- crawling ------------------------------------------------------------------------
    async def crawl(
        self,
        sources: list[Source] | None = None,
        progress: CrawlProgress | None = None,
        now: datetime | None = None,
    ) -> CrawlReport:
        """Refresh every due source once (or the given ones).

        Without `sources`, due sources are claimed in small batches with a lease, so any
        number of crawl processes can share one database: none refreshes a source another
        holds, and a dead worker's sources are taken over once its lease expires.
        """
        started = time.monotonic()
        report = CrawlReport()
        self._new_backlog()
        # Sources are refreshed a bounded number at a time, so a crawl of 100,000 sources holds
        # as little as one of a few hundred.
        in_flight = max(1, self.settings.max_sources_in_flight)
        slots = asyncio.Semaphore(in_flight)

        async def refresh(source: Source) -> SourceReport:
            try:
                return await self._refresh(fetcher, source, progress)
            except Exception as exc:
                # A bug met on one source must not end every other source's crawl. This one
                # is reported (and logged with its traceback) and keeps its lease until it
                # expires, so it is tried again later and not again in this run.
                _log.exception("refreshing %s failed", source.feed_url)
                first: BaseException = exc
                while isinstance(first, BaseExceptionGroup) and first.exceptions:
                    first = first.exceptions[0]  # an entry's error, raised by its task group
                assert source.id is not None
                failed = SourceReport(
                    source_id=source.id,
                    feed_status="error",
                    error=f"internal error: {type(first).__name__}: {first}"[:500],
                )
                if progress:
                    progress.source_done(source, failed)
                return failed
            finally:
                slots.release()

        tasks: list[asyncio.Task[SourceReport]] = []
        async with self._fetcher() as fetcher:
            if sources is not None:
                for s in sources:
                    await slots.acquire()
                    tasks.append(asyncio.create_task(refresh(s)))
            else:
                await asyncio.to_thread(self.reclaim_dead_leases, now or utcnow())
                lease = timedelta(seconds=self.settings.lease_seconds)
                batch = min(in_flight, LEASE_BATCH)
                while True:
                    # Claim only what can start soon: a lease runs while its source waits.
                    await slots.acquire()
                    slots.release()
                    claimed = await asyncio.to_thread(
                        self.store.lease_due_sources,
                        self.worker_id,
                        now or utcnow(),
                        batch,
                        lease,
                    )
                    if not claimed:
                        break
                    for s in claimed:
                        await slots.acquire()
                        tasks.append(asyncio.create_task(refresh(s)))
            results = await asyncio.gather(*tasks)
        await self._templates.flush()
        for r in results:
            report.add(r)
        report.seconds = time.monotonic() - started
        return report

    def reclaim_dead_leases(self, now: datetime) -> int:
        """Release the leases of crawl processes on this host that have died.

        A crawl killed mid-run holds its sources until the lease expires; on its own host a
        restarted crawl can see that the holder is gone and take them at once. Leases of
        other hosts' workers are left to expire.
        """
        released = 0
        host = socket.gethostname()
        for owner in self.store.lease_owners(now):
            their_host, _, rest = owner.partition(":")
            pid = rest.partition(":")[0]
            mine = their_host == host and pid.isdigit() and owner != self.worker_id
            if mine and not _process_alive(int(pid)):
                released += self.store.release_leases(owner)
        return released

    def _new_backlog(self) -> None:
        self._backlog = Backlog(max(1, self.settings.max_concurrency))

    async def _refresh(
        self, fetcher: Fetcher, source: Source, progress: CrawlProgress | None
    ) -> SourceReport:
        assert source.id is not None
        report = SourceReport(source_id=source.id)
        if progress:
            progress.source_started(source)
        # The schedule reads the source as it was before this check (error count, last gap).
        previous = replace(source)
        checked = utcnow()
        source.last_checked_at = checked
        try:
            result, feed = await self._fetch_feed(fetcher, source, report)
        except (FetchError, FeedError) as exc:
            await self._record_source_error(previous, source, exc, report, checked)
        else:
            source.last_success_at = checked
            source.last_error = None
            source.error_count = 0
            if feed is not None:
                if feed.title and (not source.title or source.title == source.feed_url):
                    source.title = feed.title
                source.site_url = source.site_url or feed.site_url
                source.kind = feed.kind
            # Also on a 304: pages that failed last time are due again whatever the feed says.
            await self._ingest(fetcher, source, feed, report, progress)
            if feed is not None:
                await self._websub_subscribe(fetcher, source, feed, checked)
            source.next_check_at, report.schedule = next_check_after_success(
                previous, feed, result, checked, self._policy, self._rng
            )
        source.schedule_note = report.schedule
        await asyncio.to_thread(self.store.update_source, source, release=True)
        if progress:
            progress.source_done(source, report)
        return report

    async def _fetch_feed(
        self, fetcher: Fetcher, source: Source, report: SourceReport
    ) -> tuple[FetchResult, ParsedFeed | None]:
        res = await fetcher.fetch(
            source.feed_url, etag=source.etag, last_modified=source.last_modified, accept="feed"
        )
        if res.not_modified:
            await self._log_feed_fetch(source, res, None)
            report.feed_status = "not_modified"
            return res, None
        content_type = res.content_type
        if content_type and res.encoding:
            content_type = f"{content_type}; charset={res.encoding}"
        feed = await self._parse_feed(res.content, res.final_url, content_type)
        # Warnings (feed cut at the entry cap, lenient parse, repeated ids) stay visible in
        # the source's fetch log.
        await self._log_feed_fetch(source, res, "; ".join(feed.warnings)[:2000] or None)
        # Only remember validators once the body was parsed, so a bad body is fetched again.
        source.etag, source.last_modified = res.etag, res.last_modified
        return res, feed

    async def _log_feed_fetch(self, source: Source, res: FetchResult, note: str | None) -> None:
        # Writes never run on the event loop: one waiting for SQLite's write lock would stall
        # every request in flight.
        await asyncio.to_thread(
            self.store.log_fetch,
            FetchLogEntry(
                url=source.feed_url,
                at=utcnow(),
                status=res.status,
                outcome="not_modified" if res.not_modified else "ok",
                reason=note,
                elapsed_ms=res.elapsed_ms,
                source_id=source.id,
            ),
        )

    async def _record_source_error(
        self,
        previous: Source,
        source: Source,
        exc: FetchError | FeedError,
        report: SourceReport,
        at: datetime,
    ) -> None:
        reason = exc.reason
        report.feed_status, report.error = "error", reason
        plan = next_check_after_failure(previous, exc, at, self._policy, self._rng)
        source.last_error, source.last_error_at = reason, at
        source.error_count = previous.error_count + 1
        source.next_check_at = plan.next_check
        report.schedule = plan.reason
        if plan.pause:
            source.paused = True
            source.last_error = plan.reason
        status = exc.status if isinstance(exc, HTTPStatusError) else None
        await asyncio.to_thread(
            self.store.log_fetch,
            FetchLogEntry(
                url=source.feed_url,
                at=at,
                status=status,
                outcome="error",
                reason=reason,
                source_id=source.id,
            ),
        )

    async def _ingest(
        self,
        fetcher: Fetcher,
        source: Source,
        feed: ParsedFeed | None,
        report: SourceReport,
        progress: CrawlProgress | None,
    ) -> None:
        assert source.id is not None
        fresh: list[FeedEntry] = []
        retitled: list[tuple[FeedEntry, int]] = []
        if feed is not None:
            entries = [e for e in feed.entries if e.url]
            seen = self.store.seen_guids(source.id, [e.guid for e in entries])
            fresh = [e for e in entries if e.guid not in seen]
            fresh = fresh[: self.settings.max_new_entries_per_feed]
            by_guid = {e.guid: e for e in entries if e.guid in seen and e.title}
            changed = self.store.retitled_entries(
                source.id, {g: e.title for g, e in by_guid.items()}
            )
            retitled = [(by_guid[g], a) for g, a in changed]
            retitled = retitled[: self.settings.max_new_entries_per_feed]
        listed = {e.guid for e in fresh}
        fresh += [
            e
            for e in self.store.due_entry_retries(source.id, utcnow())
            if e.guid not in listed and e.url
        ]
        if progress:
            progress.entries_found(source, len(fresh))

        async def one(entry: FeedEntry) -> None:
            outcome = await self._process_entry(fetcher, source, entry, report)
            if progress:
                progress.entry_done(source, outcome)

        # A TaskGroup rather than gather: should one entry raise (a bug), the source's other
        # entries are cancelled and awaited before the error leaves it, so none of them runs
        # on after the source is reported.
        async with asyncio.TaskGroup() as group:
            for e in fresh:
                group.create_task(one(e))
        for entry, article_id in retitled:
            await self._revise_entry(fetcher, source, entry, article_id, report)

    async def _process_entry(
        self, fetcher: Fetcher, source: Source, entry: FeedEntry, report: SourceReport
    ) -> str:
        assert source.id is not None and entry.url is not None
        known = self.store.find_article_id(entry.url)
        if known is not None:
            # Another feed already brought this page: link the entry, skip the fetch.
            await asyncio.to_thread(self.store.link_entry, source.id, entry, known)
            report.duplicates += 1
            return "duplicate"
        try:
            res = await fetcher.fetch(entry.url, accept="html")
        except FetchError as exc:
            return await self._entry_failed(source.id, entry, exc, report)
        with self._backlog.holding():
            try:
                article, fp = await self._extract(res.content, res.final_url, source.id)
            except ExtractionError as exc:
                return await self._entry_failed(source.id, entry, exc, report)
            article = merge_entry(article, entry, source, res.final_url)
            saved = await asyncio.to_thread(
                self.store.save_article,
                article,
                source_id=source.id,
                guid=entry.guid,
                fingerprint=fp,
                entry_title=entry.title or None,
            )
        if saved.created:
            report.new += 1
            if article.access == PAYWALL:
                report.paywalled += 1
            return "new"
        report.duplicates += 1
        return "duplicate"

    async def _revise_entry(
        self,
        fetcher: Fetcher,
        source: Source,
        entry: FeedEntry,
        article_id: int,
        report: SourceReport,
    ) -> None:
        """The feed shows a new headline for a stored entry: fetch the page again and keep
        the article's previous headline in its history. A failure changes nothing."""
        assert source.id is not None and entry.url is not None
        try:
            res = await fetcher.fetch(entry.url, accept="html")
            with self._backlog.holding():
                article, _fp = await self._extract(res.content, res.final_url, source.id)
        except (FetchError, ExtractionError):
            return
        article = merge_entry(article, entry, source, res.final_url)
        changed = await asyncio.to_thread(
            self.store.revise_article,
            article_id,
            article,
            source_id=source.id,
            guid=entry.guid,
            entry_title=entry.title,
        )
        report.revised += changed

    # -- stories -------------------------------------------------------------------------
    def _clusterer(self) -> StoryClusterer:
        blob = self.store.load_cluster_state()
        params = ClusterParams()
        if not self.settings.semantic_stories:
            return StoryClusterer.from_bytes(blob, params) if blob else StoryClusterer(params)
        # Imported here: the default path never loads the embedding stack (torch only loads
        # with the first article embedded).
        from progleton.stories.cluster import SemanticParams
        from progleton.stories.semantic import shared_embedder

        embedder, semantic = shared_embedder(), SemanticParams()
        if blob:
            return StoryClusterer.from_bytes(blob, params, embedder=embedder, semantic=semantic)
        return StoryClusterer(params, embedder=embedder, semantic=semantic)

    def place_copies(self, batch: int = 200, limit: int | None = None) -> CopyReport:
        """Near-duplicate stage: compare every queued article with earlier ones; resumable.

        Runs off the crawl's storing path (a crawl only queues what it stores), one process
        at a time, so each text is compared with every text placed before it.
        """
        started = time.monotonic()
        report = CopyReport()
        ttl = timedelta(minutes=10)
        if not self.store.try_lock(DEDUPE_LOCK, self.worker_id, utcnow(), ttl):
            report.skipped = True
            return report
        try:
            while limit is None or report.placed < limit:
                self.store.try_lock(DEDUPE_LOCK, self.worker_id, utcnow(), ttl)
                size = batch if limit is None else min(batch, limit - report.placed)
                placed, copies = self.store.place_copies(size)
                if not placed:
                    break
                report.placed += placed
                report.copies += copies
        finally:
            self.store.unlock(DEDUPE_LOCK, self.worker_id)
        report.seconds = time.monotonic() - started
        return report

    def cluster_pending(self, batch: int = 500, limit: int | None = None) -> StoryReport:
        """Place every article not yet in a story (oldest first); resumable and idempotent.

        A copy joins its original's story without touching the clusterer, so a wire story
        carried by many sites weighs as one article. Each batch's placements, merged stories,
        summaries and the clusterer's state are saved in one transaction.
        """
        started = time.monotonic()
        report = StoryReport()
        # Copies first: a copy joins its original's story, so it must be known as one. An
        # article another worker is still placing waits (the story stage skips queued ones).
        report.copies = self.place_copies(limit=limit).copies
        # One process at a time: story ids come from the clusterer's saved state. The lock
        # outlives a batch by far and is renewed with each one; a dead holder's expires.
        ttl = timedelta(minutes=10)
        if not self.store.try_lock(STORY_LOCK, self.worker_id, utcnow(), ttl):
            report.skipped = True
            return report
        try:
            self._cluster_batches(report, batch, limit, ttl)
        finally:
            self.store.unlock(STORY_LOCK, self.worker_id)
        report.seconds = time.monotonic() - started
        return report

    def _cluster_batches(
        self, report: StoryReport, batch: int, limit: int | None, ttl: timedelta
    ) -> None:
        clusterer = self._clusterer()
        while limit is None or report.placed < limit:
            self.store.try_lock(STORY_LOCK, self.worker_id, utcnow(), ttl)
            size = batch if limit is None else min(batch, limit - report.placed)
            pending = self.store.unclustered_articles(size)
            if not pending:
                break
            originals = [a.duplicate_of for a in pending if a.duplicate_of is not None]
            placed: dict[int, int] = self.store.story_of(originals) if originals else {}
            in_batch = {a.id for a in pending}
            # A copy joins its original's story (already placed, or placed in this batch);
            # everything else goes to the clusterer, as one batch (one embedding call in
            # semantic mode), in order.
            fresh = [
                a
                for a in pending
                if a.duplicate_of is None
                or (a.duplicate_of not in placed and a.duplicate_of not in in_batch)
            ]
            got = clusterer.add_many(
                [(a.id or 0, a.title, a.text, a.published or a.fetched_at or utcnow())
                 for a in fresh]
            )  # fmt: skip
            for a, assignment in zip(fresh, got, strict=True):
                placed[a.id or 0] = assignment.story_id
                report.new_stories += assignment.created
            placements: list[tuple[int, int]] = []
            for a in pending:
                assert a.id is not None
                story = placed.get(a.id)
                if story is None:
                    assert a.duplicate_of is not None
                    story = placed[a.duplicate_of]
                    placed[a.id] = story
                placements.append((a.id, story))
            merges = clusterer.merge_pass()
            self.store.save_clustering(placements, merges, clusterer.to_bytes())
            report.placed += len(placements)
            report.merged += len(merges)

    def rank_params(self) -> RankParams:
        """The front-page ranking parameters from the settings."""
        s = self.settings
        return RankParams(
            publisher_exponent=s.rank_publisher_exponent,
            growth_weight=s.rank_growth_weight,
            gravity=s.rank_gravity,
            offset_hours=s.rank_offset_hours,
            span_weight=s.rank_span_weight,
        )

    def front_page(
        self,
        now: datetime,
        offset: int,
        limit: int,
        *,
        source_id: int | None = None,
        language: str | None = None,
        topic: str | None = None,
    ) -> tuple[list[Story], bool]:
        """Ranked stories `offset` to `offset + limit`, leads filled in; and whether more follow.

        The newest `rank_candidates` stories (by their latest article) are ranked at `now`;
        the ranking is reused for `rank_cache_seconds`. Filters keep the stories with an
        article from `source_id` / in `language` / labelled `topic` (a topic key); such a
        story's lead is a matching article.
        """
        cached = self._ranked
        fresh = cached is not None and time.monotonic() - cached[0] < (
            self.settings.rank_cache_seconds
        )
        if cached is not None and fresh:
            ranked = cached[1]
        else:
            candidates = self.store.recent_stories(self.settings.rank_candidates)
            ranked = rank(candidates, now, self.rank_params())
            self._ranked = (time.monotonic(), ranked)
        matches: dict[int, list[int]] = {}
        if source_id is not None or language or topic:
            # Filtering the shared ranking (rather than ranking per filter) keeps one ranking
            # per cache period whatever filters readers pick.
            matches = self._story_matches(source_id, language, topic)
            ranked = [s for s in ranked if s.id in matches]
        # Copies: the cached stories are shared between requests (threads).
        page = [replace(s) for s in ranked[offset : offset + limit]]
        for s in page:
            ids = matches.get(s.id)
            if ids and s.lead_article_id not in ids:
                s.lead_article_id = ids[0]
        leads = self.store.get_articles(s.lead_article_id for s in page)
        for s in page:
            s.lead = leads.get(s.lead_article_id)
        return page, len(ranked) > offset + limit

    def _story_matches(
        self, source_id: int | None, language: str | None, topic: str | None = None
    ) -> dict[int, list[int]]:
        """Candidate stories matching a filter, reused for `rank_cache_seconds` like the ranking."""
        key = (source_id, language.lower() if language else None, topic or None)
        cached = self._matches.get(key)
        if cached is not None and time.monotonic() - cached[0] < self.settings.rank_cache_seconds:
            return cached[1]
        found = self.store.story_matches(self.settings.rank_candidates, source_id, language, topic)
        if len(self._matches) >= 256:  # bounded: filter values come from request parameters
            self._matches.clear()
        self._matches[key] = (time.monotonic(), found)
        return found

    async def _entry_failed(
        self,
        source_id: int,
        entry: FeedEntry,
        exc: FetchError | ExtractionError,
        report: SourceReport,
    ) -> str:
        reason = exc.reason
        await asyncio.to_thread(
            self.store.record_entry_failure, source_id, entry, reason, retry=is_transient(exc)
        )
        report.failures[failure_kind(reason)] += 1
        return "failed"

    # -- WebSub (push) -------------------------------------------------------------------
    def websub_callback(self, source: Source) -> str | None:
        """Our callback URL for a source, if this instance has a public URL."""
        base = self.settings.public_url.rstrip("/")
        return f"{base}/websub/{source.id}" if base and source.id else None

    async def _websub_subscribe(
        self, fetcher: Fetcher, source: Source, feed: ParsedFeed, now: datetime
    ) -> None:
        callback = self.websub_callback(source)
        if not feed.hub_url or callback is None:
            return
        topic = feed.self_url or source.feed_url
        same = source.websub_hub == feed.hub_url and source.websub_topic == topic
        until = source.websub_lease_until
        if same and until is not None:
            if source.websub_state == "subscribed" and until > now + WEBSUB_RENEW_BEFORE:
                return
            if source.websub_state in ("pending", "failed", "denied") and until > now:
                return  # the hub has not answered yet, or said no recently
        # Saved before asking: a hub may verify intent before it even answers our request.
        source.websub_hub, source.websub_topic = feed.hub_url, topic
        source.websub_secret = secrets.token_hex(24)
        source.websub_state = "pending"
        source.websub_lease_until = now + WEBSUB_RETRY
        await asyncio.to_thread(self.store.update_source, source)
        form = {
            "hub.mode": "subscribe",
            "hub.topic": topic,
            "hub.callback": callback,
            "hub.secret": source.websub_secret,
            "hub.lease_seconds": str(WEBSUB_LEASE_SECONDS),
        }
        try:
            status = await fetcher.post_form(feed.hub_url, form)
        except FetchError:
            source.websub_state = "failed"
            return
        if status not in (200, 202, 204):
            source.websub_state = "failed"

    def websub_verify(
        self,
        source_id: int,
        mode: str,
        topic: str,
        challenge: str,
        lease_seconds: int | None,
        reason: str = "",
    ) -> str | None:
        """A hub's verification request: the challenge to echo, or None to refuse it."""
        source = self.store.get_source(source_id)
        if source is None or not source.websub_topic or topic != source.websub_topic:
            return None
        now = utcnow()
        if mode == "subscribe" and source.websub_state in ("pending", "subscribed") and challenge:
            source.websub_state = "subscribed"
            lease = lease_seconds if lease_seconds is not None else WEBSUB_LEASE_SECONDS
            source.websub_lease_until = now + timedelta(seconds=lease)
            self.store.update_source(source)
            return challenge
        if mode == "denied":
            source.websub_state = "denied"
            source.websub_lease_until = now + WEBSUB_RETRY * 24
            if reason:
                source.schedule_note = f"WebSub hub denied the subscription: {reason[:200]}"
            self.store.update_source(source)
            return ""
        return None

    def websub_signature_ok(self, source_id: int, body: bytes, signature: str) -> bool:
        """True when `X-Hub-Signature` is the HMAC of `body` with this source's secret."""
        source = self.store.get_source(source_id)
        if source is None or not source.websub_secret or source.websub_state != "subscribed":
            return False
        algo, _, digest = signature.partition("=")
        if algo.lower() not in _WEBSUB_ALGOS or not digest:
            return False
        mac = hmac.new(source.websub_secret.encode(), body, algo.lower())
        return hmac.compare_digest(mac.hexdigest(), digest.strip().lower())

    async def websub_ingest(
        self, source_id: int, body: bytes, content_type: str | None
    ) -> SourceReport | None:
        """Store the new entries of a pushed (already authenticated) feed document."""
        source = self.store.get_source(source_id)
        if source is None or source.id is None:
            return None
        report = SourceReport(source_id=source.id)
        self._new_backlog()
        try:
            feed = await self._parse_feed(body, source.feed_url, content_type)
        except FeedError as exc:
            report.feed_status, report.error = "error", exc.reason
            return report
        async with self._fetcher() as fetcher:
            await self._ingest(fetcher, source, feed, report, None)
        await self._templates.flush()
        return report

    # -- one page ------------------------------------------------------------------------
    async def extract_url(self, url: str) -> Article:
        """Fetch and extract one page (no storing), with its site's template when one was
        learned from crawled pages."""
        async with self._fetcher() as fetcher:
            res = await fetcher.fetch(url, accept="html")
        template = await self._templates.template(res.final_url)
        if template is None:
            return await self._workers.extract(extract_article, res.content, res.final_url)
        article, _fp, _blocks = await self._workers.extract(
            extract_for_site, res.content, res.final_url, template
        )
        return article

    # -- WARC backfill -------------------------------------------------------------------
    def backfill_warc(
        self,
        paths: Sequence[Path],
        filters: WarcFilter,
        *,
        scheduler: str | None = None,
        workers: int = 2,
        processes: bool = True,
        batch: int | None = None,
        progress: BackfillProgress | None = None,
    ) -> BackfillReport:
        """Store the articles of WARC archives, read and extracted on Dask; resumable.

        Workers (a local cluster of `workers` processes, or the cluster at `scheduler`) read,
        filter, extract and fingerprint; this process stores and advances each file's
        checkpoint, so a re-run skips finished files and resumes the others. `batch` is the
        records one worker task reads (the checkpoint granularity).
        """
        from progleton.scale.backfill import DEFAULT_MAX_RECORDS, run_backfill  # Dask on use

        return run_backfill(
            self.store,
            paths,
            filters,
            scheduler=scheduler,
            workers=workers,
            processes=processes,
            max_records=batch or DEFAULT_MAX_RECORDS,
            max_bytes=self.settings.max_body_bytes,
            progress=progress,
        )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def extract_path(path: Path, now: datetime | None = None) -> Article:
    """Extract an article from a local HTML file or a plain-text dump."""
    data = path.read_bytes()
    head = data[:2048].lstrip().lower()
    is_html = head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body")) or (
        b"<p" in head and b"</" in head
    )
    if path.suffix.lower() in _TEXT_SUFFIXES or not is_html:
        when = now or datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        article = extract_text_dump(data.decode("utf-8", errors="replace"), when)
    else:
        article = extract_article(data, None)
    if not article.url:
        article.url = path.resolve().as_uri()
    return article


def merge_entry(article: Article, entry: FeedEntry, source: Source, final_url: str) -> Article:
    """Fill what the page lacked from the feed entry and the source.

    Feed fields are as untrusted as page fields: authors and titles go through the same
    cleaning the extractor applies to the page's own.
    """
    article.url = final_url or article.url
    if not article.canonical_url and entry.guid.startswith(("http://", "https://")):
        # A permalink GUID is the publisher's own name for the page: better identity than
        # whatever URL we happened to fetch it from.
        article.canonical_url = entry.guid
    if not article.publisher:
        article.publisher = host_name(article.canonical_url) or source.title or None
    names = [n for n in (article.publisher, host_name(article.canonical_url)) if n]
    if article.title:
        article.title = strip_site_suffix(article.title, names)
    else:
        article.title = strip_site_suffix(entry.title, names) if entry.title else final_url
    if article.published is None and entry.published is not None:
        article.published = entry.published
    if not article.authors and entry.authors:
        article.authors = clean_authors(entry.authors, article.publisher)
    if not article.description and entry.summary:
        article.description = entry.summary[:500]
    # The feed's categories first (the publisher chose them for this entry), then the page's.
    article.topics = normalize_topics([*entry.topics, *article.topics])
    article.credit = wire_credit(article.text) or canonical_credit(
        article.url, article.canonical_url
    )
    return article
