"""Web load benchmark: the reader's site and the API over a large SQLite store.

    uv run python bench/web.py                  # 200,000 articles / 40,000 stories, 30 s each
    uv run python bench/web.py --quick          # 20,000 / 4,000, 5 s each (~1 min)
    uv run python bench/web.py --json           # also print the results as JSON
    uv run python bench/web.py --json out.json  # or write them to a file
    uv run python bench/web.py --profile        # + where the front page's time goes (cProfile)

What runs:

* The store: a SQLite file (bench/out/web-<N>.db, kept and reused while its counts match;
  --rebuild makes it again) migrated by the store itself, then filled with bulk inserts
  through the store's engine (SQLAlchemy Core, the tables of store/schema.py): sources, N
  articles and S stories, `articles.story_id` set and each stories row summarised by
  `stories.summary.summarize`, as the store does; the FTS5 index is filled by the schema's
  own triggers. Texts are the real article bodies of ../shared/bench/scrapinghub (181) and
  fundus-eval (80), read in place: each story takes one body; its articles take that body
  with one paragraph left out and a headline from one of its sentences, under publishers
  named after the data's hosts. Story sizes are Pareto (most stories 1-3 articles, a few
  hundred at most), story starts are uniform over the last N/1,000 days, articles follow
  over hours to two days, and 5% of later articles are syndicated copies of the first.
* The server: `progleton serve --workers W` (uvicorn; W default as `serve`'s: one per CPU,
  at most 4) in a subprocess, as a user runs it.
* The load: this process, a minimal asyncio HTTP/1.1 client (`RawClient`; httpx cost more
  CPU than the server) with C connections (default 64, keep-alive,
  closed loop: each connection sends its next request when the previous answer is read) for
  D seconds per endpoint: `/`, `/latest`, `/stories/{id}` (cycling through 500 stories
  sampled by size), `/search?q=<word>` (the most common non-stop word of the corpus, so
  a large match set; answered from the page cache after the first render),
  `search-uncached`: the same word with a different excluded word each time
  (`/search?q=said+-zq123`, a new cache key per request: the search itself),
  `/search?q=<rarer word>` (one in about 3% of the texts) and `/api/v1/stories`.
  Latency is from sending the request to having read the whole body. Errors are non-200
  answers and failed requests.
* Warm: one server, 2 s of warm-up per endpoint, then the measured runs. Cold: for each
  endpoint the server is restarted and the OS page cache dropped (`echo 3 >
  /proc/sys/vm/drop_caches`, root only; the report says when that was impossible); "first
  ms" is the first request's latency (once the server answers a static file).
* `--profile`: times the front page's parts in this process (store reads, ranking, render)
  and prints a cProfile of `Pipeline.front_page`.

With a closed loop the server is always saturated, so latency there is mostly queueing:
mean latency = C / throughput (Little's law). A p99 under 50 ms at 64 connections therefore
needs more than ~1,300 req/s; the open-loop run (`--rate`, default 500 req/s on the front
page) measures latency at the target rate instead: requests start on a fixed schedule and
latency counts from the scheduled start, so a stalled server is not hidden
(coordinated omission). `--search-rate` (default 20 req/s) runs `search-uncached` the same
way: every request a new query, at a rate the server can serve, so its p99 is one search's
latency rather than the queue in front of it.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import math
import os
import pstats
import random
import re
import resource
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

from progleton.dedupe.urls import url_key
from progleton.store import open_store
from progleton.store.schema import articles, sources, stories
from progleton.stories.stopwords import ENGLISH_STOP_WORDS
from progleton.stories.summary import Member, summarize

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "bench"
OUT = ROOT / "bench" / "out"
BATCH = 5_000
WARMUP_S = 2.0
STORY_SAMPLE = 500
# (min req/s, max p99 ms)
TARGETS = {"front": (500.0, 50.0), "search": (None, 100.0), "search-uncached": (None, 100.0)}
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z]{4,}")


# -- data ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """One real article body from the shared data sets."""

    paragraphs: list[str]
    host: str
    sentences: list[str]


def load_texts(data: Path) -> list[Text]:
    """The scrapinghub and fundus-eval bodies, as paragraphs, with their hosts."""
    raw: list[tuple[list[str], str]] = []
    sh = json.loads((data / "scrapinghub" / "ground-truth.json").read_text())
    for item in sh.values():
        raw.append((item["articleBody"].split("\n"), item["url"]))
    fu = json.loads((data / "fundus-eval" / "dataset" / "ground_truth.json").read_text())
    for item in fu.values():
        body = item["body"]
        raw.append((body if isinstance(body, list) else str(body).split("\n"), item["url"]))
    texts = []
    for paragraphs, url in raw:
        paras = [p.strip() for p in paragraphs if len(p.strip()) > 1]
        if not paras:
            continue
        host = httpx.URL(url).host.removeprefix("www.") or "example.org"
        sentences = [s for p in paras for s in _SENTENCE.split(p) if 30 <= len(s) <= 200]
        texts.append(Text(paras, host, sentences or [paras[0][:120]]))
    return texts


def search_words(texts: list[Text]) -> tuple[tuple[str, float], tuple[str, float]]:
    """The non-stop word in the most bodies, and one in about 3% of them, with their shares."""
    stop = set(ENGLISH_STOP_WORDS)
    df: Counter[str] = Counter()
    for t in texts:
        df.update({w for w in _WORD.findall(" ".join(t.paragraphs).lower()) if w not in stop})
    common, n = df.most_common(1)[0]
    rare = min((w for w in sorted(df) if len(w) >= 6), key=lambda w: abs(df[w] / len(texts) - 0.03))
    return (common, n / len(texts)), (rare, df[rare] / len(texts))


@dataclass(slots=True)
class Planned:
    """One article before its id and body are made."""

    story: int
    when: datetime
    text: int
    source: int
    drop: int  # paragraph left out (-1: none)
    sentence: int
    copy: bool


def story_sizes(rng: random.Random, n_articles: int, n_stories: int) -> list[int]:
    """Pareto story sizes (at least 1, at most 400) summing to n_articles."""
    weights = [min(rng.paretovariate(1.3) - 1, 400.0) for _ in range(n_stories)]
    extra = n_articles - n_stories
    total = sum(weights) or 1.0
    sizes = [1 + min(399, int(w / total * extra)) for w in weights]
    missing = n_articles - sum(sizes)
    order = sorted(range(n_stories), key=lambda i: -weights[i])
    i = 0
    while missing > 0:
        j = order[i % n_stories]
        if sizes[j] < 400:
            sizes[j] += 1
            missing -= 1
        i += 1
    return sizes


def plan(
    rng: random.Random, texts: list[Text], n_articles: int, n_stories: int, n_sources: int
) -> list[Planned]:
    """Every article's story, time, text and publisher, in publication order."""
    now = datetime.now(UTC)
    days = max(7.0, n_articles / 1_000)
    out: list[Planned] = []
    for story, size in enumerate(story_sizes(rng, n_articles, n_stories), start=1):
        start = now - timedelta(days=rng.uniform(0, days), minutes=5)
        span_h = rng.uniform(1, 48) if size > 1 else 0.0
        text = rng.randrange(len(texts))
        n_par = len(texts[text].paragraphs)
        for k in range(size):
            when = start + timedelta(hours=span_h * (k / size) + rng.uniform(0, span_h / size))
            out.append(
                Planned(
                    story=story,
                    when=min(when, now - timedelta(minutes=1)),
                    text=text,
                    source=rng.randrange(n_sources),
                    drop=rng.randrange(n_par) if n_par > 3 else -1,
                    sentence=rng.randrange(len(texts[text].sentences)),
                    copy=k > 0 and rng.random() < 0.05,
                )
            )
    out.sort(key=lambda p: p.when)
    return out


def _title(sentence: str, variant: int) -> str:
    words = sentence.split()
    n = min(len(words), 6 + variant % 8)
    return " ".join(words[:n]).rstrip(",;:.") or "Untitled"


def build(db_path: Path, texts: list[Text], n_articles: int, n_stories: int, seed: int) -> None:
    """Fill a new store at db_path (see the module docstring)."""
    rng = random.Random(seed)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    store = open_store(f"sqlite:///{db_path}")  # migrates: tables, indexes, FTS triggers
    engine = store.engine  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    hosts = sorted({t.host for t in texts})
    names = [f"{h} {suffix}".strip() for suffix in ("", "Daily", "Wire", "Post") for h in hosts]
    with engine.begin() as conn:
        conn.execute(
            insert(sources),
            [
                {
                    "id": i + 1,
                    "feed_url": f"https://{name.replace(' ', '-').lower()}/feed.xml",
                    "site_url": f"https://{name.replace(' ', '-').lower()}/",
                    "title": name,
                    "kind": "rss",
                    "added_at": now - timedelta(days=400),
                    "last_checked_at": now - timedelta(minutes=10),
                    "last_success_at": now - timedelta(minutes=10),
                    "error_count": 0,
                    "paused": False,
                }
                for i, name in enumerate(names)
            ],
        )
    planned = plan(rng, texts, n_articles, n_stories, len(names))
    members: dict[int, list[Member]] = {}
    first_of: dict[int, int] = {}
    for start in range(0, len(planned), BATCH):
        rows = []
        for offset, p in enumerate(planned[start : start + BATCH]):
            aid = start + offset + 1
            t = texts[p.text]
            paras = [x for i, x in enumerate(t.paragraphs) if i != p.drop]
            body = "\n\n".join(paras)
            title = _title(t.sentences[p.sentence], aid)
            publisher = names[p.source]
            dup = first_of.get(p.story) if p.copy else None
            first_of.setdefault(p.story, aid)
            slug = "-".join(title.lower().split()[:6])
            url = f"https://{publisher.replace(' ', '-').lower()}/news/{aid}/{slug}"
            rows.append(
                {
                    "id": aid,
                    "url_key": url_key(url),
                    "url": url,
                    "title": title,
                    "authors": json.dumps([f"Reporter {aid % 997}"]),
                    "published": p.when,
                    "fetched_at": p.when + timedelta(minutes=3),
                    "sort_time": p.when,
                    "language": "en",
                    "publisher": publisher,
                    "body": body,
                    "source_id": p.source + 1,
                    "guid": url,
                    "duplicate_of": dup,
                    "story_id": p.story,
                }
            )
            members.setdefault(p.story, []).append(
                Member(aid, title, publisher, p.when, len(body), dup)
            )
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
            conn.execute(insert(articles), rows)
        print(f"\r  articles {start + len(rows):,}/{len(planned):,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    story_rows = []
    for sid, ms in members.items():
        s = summarize(ms)
        story_rows.append(
            {
                "id": sid,
                "title": s.title,
                "first_seen": s.first_seen,
                "last_seen": s.last_seen,
                "article_count": s.article_count,
                "publisher_count": s.publisher_count,
                "publishers": json.dumps(s.publishers, ensure_ascii=False),
                "first_article_id": s.first_article_id,
                "lead_article_id": s.lead_article_id,
                "recent_count": s.recent_count,
            }
        )
    with engine.begin() as conn:
        for start in range(0, len(story_rows), BATCH):
            conn.execute(insert(stories), story_rows[start : start + BATCH])
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def counts(db_path: Path) -> tuple[int, int]:
    """(articles, stories) in an existing store."""
    store = open_store(f"sqlite:///{db_path}")
    try:
        return store.count_articles(), store.count_stories()
    finally:
        store.close()


def story_sample(db_path: Path, n: int, seed: int) -> list[int]:
    """n story ids, big stories more likely (readers open those), as the front page does."""
    store = open_store(f"sqlite:///{db_path}")
    engine = store.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = conn.execute(select(stories.c.id, stories.c.article_count)).all()
    store.close()
    rng = random.Random(seed)
    ids = [r.id for r in rows]
    weights = [math.sqrt(r.article_count) for r in rows]
    return rng.choices(ids, weights=weights, k=n)


# -- server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """`progleton serve` on the bench store, in a subprocess."""

    def __init__(self, db_path: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "progleton", "--db", f"sqlite:///{db_path}", "serve"]
        cmd += ["--workers", str(workers)]
        self.log = OUT / "web-server.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                [*cmd, "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT
            )
        # The CLI listens before it builds the app: wait for an answer (a static file, so
        # no page or store cache is warmed), not just for the port.
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.base}/static/style.css", timeout=5).status_code == 200:
                    break
                raise OSError("not ready")
            except (OSError, httpx.HTTPError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"the server did not start; see {self.log}") from None
                time.sleep(0.1)

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process and its workers so far (from /proc)."""
        total = 0.0
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _children(pid: int) -> list[int]:
    """Child process ids (the workers of `serve --workers N`), from /proc."""
    try:
        raw = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in raw.split()]


def drop_page_cache() -> str | None:
    """Drop the OS page cache; None when done, else why not."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as exc:
        return f"could not drop the OS page cache ({exc.strerror or exc})"
    return None


# -- load ----------------------------------------------------------------------------------


@dataclass
class Result:
    """One endpoint's run."""

    endpoint: str
    run: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    first_ms: float | None = None
    server_cpu_pct: float = 0.0
    client_cpu_pct: float = 0.0
    error_kinds: dict[str, int] = field(default_factory=dict)
    note: str = ""


def percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    k = min(len(sorted_ms) - 1, max(0, math.ceil(q * len(sorted_ms)) - 1))
    return sorted_ms[k]


class RawClient:
    """A minimal keep-alive HTTP/1.1 GET client on asyncio streams, one request per
    connection at a time, `connections` connections at most.

    httpx spent ~10 ms of client CPU per 64 KB page here, so the load generator, not the
    server, set the pace (the server sat at a few % CPU); this one reads the status line,
    the headers and exactly Content-Length bytes (or the chunks) and nothing else.
    """

    def __init__(self, base: str, connections: int, timeout: float = 30.0) -> None:
        url = httpx.URL(base)
        self.host, self.port = url.host, url.port or 80
        self.timeout = timeout
        self._idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = (
            asyncio.Queue()
        )
        for _ in range(connections):
            self._idle.put_nowait(None)  # a slot; connected on first use
        self._open: list[asyncio.StreamWriter] = []

    async def __aenter__(self) -> RawClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for writer in self._open:
            writer.close()

    async def get(self, path: str) -> int:
        """GET `path`; the status code once the whole body is read."""
        conn = await self._idle.get()
        try:
            if conn is None:
                conn = await asyncio.open_connection(self.host, self.port)
                self._open.append(conn[1])
            status = await asyncio.wait_for(self._exchange(conn, path), self.timeout)
        except BaseException:
            if conn is not None:
                conn[1].close()
            self._idle.put_nowait(None)  # reconnect next time
            raise
        self._idle.put_nowait(conn)
        return status

    async def _exchange(
        self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], path: str
    ) -> int:
        reader, writer = conn
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n\r\n".encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(
            (k.strip().lower(), v.strip()) for k, _, v in (ln.partition(":") for ln in lines[1:])
        )
        if "content-length" in headers:
            await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        elif status not in (204, 304):
            raise ValueError("a response without a length")
        return status


async def _load(
    base: str,
    paths: list[str],
    seconds: float,
    connections: int,
    rate: float | None,
    first: bool,
) -> tuple[list[float], Counter[str], float, float | None]:
    """Latencies (ms), error kinds, elapsed seconds and the first request's latency."""
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    first_ms: float | None = None
    async with RawClient(base, connections) as client:

        async def one(path: str, t0: float) -> None:
            try:
                status = await client.get(path)
                if status != 200:
                    errors[f"HTTP {status}"] += 1
                    return
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                errors[type(exc).__name__] += 1
                return
            latencies.append((time.perf_counter() - t0) * 1000)

        if first:
            t0 = time.perf_counter()
            await one(paths[0], t0)
            first_ms = latencies.pop() if latencies else None
        start = time.perf_counter()
        end = start + seconds
        counter = iter(range(1 << 62))

        if rate is None:

            async def worker() -> None:
                while time.perf_counter() < end:
                    i = next(counter)
                    await one(paths[i % len(paths)], time.perf_counter())

            await asyncio.gather(*(worker() for _ in range(connections)))
        else:
            # Open loop, wrk2-style: the i-th request is due at start + i/rate; connection w
            # sends requests w, w+C, w+2C, ... each at its due time or as soon as it is free,
            # and latency counts from the due time, so a stalled server is not hidden
            # (coordinated omission). Requests not sent by the end are counted as errors.
            due_count = int(seconds * rate)

            async def paced(w: int) -> None:
                for i in range(w, due_count, connections):
                    due = start + i / rate
                    if time.perf_counter() >= end:
                        errors["not sent: server too slow"] += len(range(i, due_count, connections))
                        return
                    delay = due - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    await one(paths[i % len(paths)], due)

            await asyncio.gather(*(paced(w) for w in range(connections)))
        elapsed = time.perf_counter() - start
    return latencies, errors, elapsed, first_ms


def measure(
    server: Server,
    endpoint: str,
    paths: list[str],
    run: str,
    seconds: float,
    connections: int,
    rate: float | None = None,
    first: bool = False,
) -> Result:
    cpu0 = time.process_time()
    srv0 = server.cpu_seconds()
    lat, errs, elapsed, first_ms = asyncio.run(
        _load(server.base, paths, seconds, connections, rate, first)
    )
    client_cpu = time.process_time() - cpu0
    server_cpu = server.cpu_seconds() - srv0
    lat.sort()
    n = len(lat) + sum(errs.values())
    return Result(
        endpoint=endpoint,
        run=run,
        requests=n,
        errors=sum(errs.values()),
        seconds=round(elapsed, 2),
        rps=round(len(lat) / elapsed, 1) if elapsed else 0.0,  # answered 200 per second
        p50_ms=round(percentile(lat, 0.50), 1),
        p95_ms=round(percentile(lat, 0.95), 1),
        p99_ms=round(percentile(lat, 0.99), 1),
        max_ms=round(lat[-1], 1) if lat else float("nan"),
        first_ms=round(first_ms, 1) if first_ms is not None else None,
        server_cpu_pct=round(100 * server_cpu / elapsed, 0) if elapsed else 0.0,
        client_cpu_pct=round(100 * client_cpu / elapsed, 0) if elapsed else 0.0,
        error_kinds=dict(errs),
    )


# -- profile -------------------------------------------------------------------------------


def profile_front_page(db_path: Path, requests: int = 50) -> str:
    """Where a front page request spends its time, in this process (cProfile + timers)."""
    from fastapi.testclient import TestClient
    from starlette.requests import Request

    from progleton.config import Settings
    from progleton.models import utcnow
    from progleton.pipeline import Pipeline
    from progleton.stories.rank import rank
    from progleton.web.app import create_app
    from progleton.web.pages import story_card
    from progleton.web.templating import Renderer

    settings = Settings.from_env().with_(db_url=f"sqlite:///{db_path}")
    store = open_store(settings.db_url)
    pipeline = Pipeline(settings, store)
    lines = []
    n = 50
    timings: dict[str, float] = {}
    candidates = store.recent_stories(settings.rank_candidates)
    calls: list[tuple[str, Callable[[], object]]] = [
        ("store.count_stories()", store.count_stories),
        (
            f"store.recent_stories({settings.rank_candidates})",
            lambda: store.recent_stories(settings.rank_candidates),
        ),
        (f"rank() of {len(candidates)} stories", lambda: rank(candidates, utcnow())),
        (
            "pipeline.front_page(): recent_stories + rank + leads",
            lambda: pipeline.front_page(utcnow(), 0, settings.page_size),
        ),
    ]
    ranked, _ = pipeline.front_page(utcnow(), 0, settings.page_size)
    renderer = Renderer()
    request = Request({"type": "http", "root_path": "", "headers": []})
    context = {"nav": "front", "cards": [story_card(st) for st in ranked], "page": 1,
               "prev_url": None, "next_url": "/?page=2"}  # fmt: skip
    calls.append(
        (
            f"render stories.html, {len(ranked)} cards",
            lambda: renderer.page(request, "stories.html", context),
        )
    )
    for name, call in calls:
        t0 = time.perf_counter()
        for _ in range(n):
            call()
        timings[name] = (time.perf_counter() - t0) / n * 1000
    app = create_app(settings, store)
    with TestClient(app) as client:
        for _ in range(20):
            client.get("/")
        t0 = time.perf_counter()
        for _ in range(n):
            client.get("/")
        timings["GET / through the app (TestClient)"] = (time.perf_counter() - t0) / n * 1000
    # The app runs handlers in worker threads, out of cProfile's sight: profile the
    # handler's store + ranking work directly.
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(requests):
        pipeline.front_page(utcnow(), 0, settings.page_size)
    prof.disable()
    pipeline.close()
    store.close()
    lines.append("Front page, per request (in-process, warm):")
    for name, ms in timings.items():
        lines.append(f"  {ms:8.2f} ms  {name}")
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("tottime").print_stats(18)
    lines.append(f"cProfile of {requests} pipeline.front_page() (top functions by own time):")
    lines.extend("  " + ln for ln in buf.getvalue().splitlines() if ln.strip())
    return "\n".join(lines)


# -- report --------------------------------------------------------------------------------

COLUMNS = [
    ("endpoint", "endpoint", "<"),
    ("run", "run", "<"),
    ("requests", "requests", ">"),
    ("rps", "req/s", ">"),
    ("p50_ms", "p50 ms", ">"),
    ("p95_ms", "p95 ms", ">"),
    ("p99_ms", "p99 ms", ">"),
    ("max_ms", "max ms", ">"),
    ("errors", "errors", ">"),
    ("first_ms", "first ms", ">"),
    ("server_cpu_pct", "server CPU %", ">"),
    ("client_cpu_pct", "client CPU %", ">"),
]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def table(results: list[Result]) -> str:
    rows = [[_cell(getattr(r, k)) for k, _, _ in COLUMNS] for r in results]
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, (_, h, _) in enumerate(COLUMNS)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            f"{c:{a}{w}}" for c, w, (_, _, a) in zip(cells, widths, COLUMNS, strict=True)
        ).rstrip()

    out = [fmt([h for _, h, _ in COLUMNS]), "  ".join("-" * w for w in widths)]
    out += [fmt(row) for row in rows]
    return "\n".join(out)


def verdicts(results: list[Result]) -> list[str]:
    out = []
    for r in results:
        if r.run not in ("warm", "warm-open"):
            continue
        target = TARGETS.get(r.endpoint)
        if target is None:
            continue
        min_rps, max_p99 = target
        checks = []
        if min_rps is not None and r.run == "warm":
            checks.append((f"≥ {min_rps:g} req/s", r.rps >= min_rps))
        if r.run == "warm-open" or min_rps is None:
            checks.append((f"p99 ≤ {max_p99:g} ms", r.p99_ms <= max_p99))
        checks.append(("no errors", r.errors == 0))
        for what, ok in checks:
            out.append(f"{r.endpoint} ({r.run}): {what}: {'met' if ok else 'MISSED'}")
    return out


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


# -- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--data", type=Path, default=DATA, help="the shared bench data folder")
    p.add_argument("--articles", type=int, default=200_000)
    p.add_argument("--stories", type=int, default=40_000)
    p.add_argument("--seconds", type=float, default=30.0, help="measured seconds per endpoint")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument(
        "--workers", type=int, default=0, help="server worker processes (0: one per CPU, max 4)"
    )
    p.add_argument(
        "--rate", type=float, default=500.0, help="open-loop front page rate (0: no such run)"
    )
    p.add_argument(
        "--search-rate",
        type=float,
        default=20.0,
        help="open-loop rate of uncached searches (new query each request; 0: no such run)",
    )
    p.add_argument("--quick", action="store_true", help="20,000 articles, 5 s per endpoint")
    p.add_argument("--db", type=Path, help="the store file (default bench/out/web-<N>.db)")
    p.add_argument("--rebuild", action="store_true", help="build the store even if it exists")
    p.add_argument("--skip", default="", help="comma list of runs to skip: warm,cold,open")
    p.add_argument("--profile", action="store_true", help="profile the front page in-process")
    p.add_argument(
        "--json", nargs="?", const="-", help="print the results as JSON, or write them to FILE"
    )
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    if args.workers <= 0:  # as `progleton serve` resolves it
        args.workers = min(4, os.cpu_count() or 1)
    if args.quick:
        args.articles, args.stories, args.seconds = 20_000, 4_000, 5.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    db_path: Path = args.db or OUT / f"web-{args.articles}.db"
    texts = load_texts(args.data)
    (word, share), (rare, rare_share) = search_words(texts)
    have = counts(db_path) if db_path.exists() and not args.rebuild else None
    if have != (args.articles, args.stories):
        print(f"Building {db_path} ({args.articles:,} articles, {args.stories:,} stories)")
        t0 = time.perf_counter()
        build(db_path, texts, args.articles, args.stories, args.seed)
        print(f"  built in {time.perf_counter() - t0:.0f} s")
    else:
        print(f"Reusing {db_path} ({args.articles:,} articles, {args.stories:,} stories)")
    files = [Path(f"{db_path}{suffix}") for suffix in ("", "-wal")]
    size_mb = sum(f.stat().st_size for f in files if f.exists()) / 1e6
    story_ids = story_sample(db_path, STORY_SAMPLE, args.seed)
    endpoints: dict[str, list[str]] = {
        "front": ["/"],
        "latest": ["/latest"],
        "story": [f"/stories/{i}" for i in story_ids],
        "search": [f"/search?q={word}"],
        # Every request a new cache key (an excluded word no text has): the search itself,
        # not the page cache.
        "search-uncached": [f"/search?q={word}+-zq{i}" for i in range(100_000)],
        "search-rare": [f"/search?q={rare}"],
        "api-stories": ["/api/v1/stories"],
    }
    print(
        f"store {size_mb:,.0f} MB; search words {word!r} (in {share:.0%} of the bodies), "
        f"{rare!r} ({rare_share:.0%}); "
        f"{args.connections} connections, {args.seconds:g} s per endpoint; "
        f"load average {loadavg()}"
    )
    results: list[Result] = []
    cache_note: str | None = None
    if "warm" not in skip or "open" not in skip:
        server = Server(db_path, args.workers)
        try:
            for name, paths in endpoints.items():  # warm-up: templates, caches, page cache
                measure(server, name, paths, "warm-up", WARMUP_S, args.connections)
            if "warm" not in skip:
                for name, paths in endpoints.items():
                    r = measure(server, name, paths, "warm", args.seconds, args.connections)
                    results.append(r)
                    print(f"  {name:12} warm  {r.rps:8.1f} req/s  p99 {r.p99_ms:7.1f} ms")
            if "open" not in skip and args.rate > 0:
                r = measure(
                    server, "front", ["/"], "warm-open", args.seconds, args.connections, args.rate
                )
                r.note = f"open loop at {args.rate:g} req/s"
                results.append(r)
                print(f"  front        open  {r.rps:8.1f} req/s  p99 {r.p99_ms:7.1f} ms")
            if "open" not in skip and args.search_rate > 0:
                # Every request a new query, at a fixed rate: one search's own latency when
                # the server is not saturated (the closed loop above measures saturation).
                name = "search-uncached"
                r = measure(
                    server,
                    name,
                    endpoints[name],
                    "warm-open",
                    args.seconds,
                    args.connections,
                    args.search_rate,
                )
                r.note = f"open loop at {args.search_rate:g} req/s"
                results.append(r)
                print(f"  {name:12} open  {r.rps:8.1f} req/s  p99 {r.p99_ms:7.1f} ms")
        finally:
            server.stop()
    if "cold" not in skip:
        for name, paths in endpoints.items():
            cache_note = drop_page_cache()
            server = Server(db_path, args.workers)
            try:
                r = measure(server, name, paths, "cold", args.seconds, args.connections, first=True)
            finally:
                server.stop()
            r.note = cache_note or "OS page cache dropped"
            results.append(r)
            print(f"  {name:12} cold  {r.rps:8.1f} req/s  first {r.first_ms} ms")
    print()
    print(
        f"Web load, {args.articles:,} articles / {args.stories:,} stories, "
        f"{args.workers} uvicorn worker{'s' * (args.workers > 1)}, "
        f"{args.connections} connections (closed loop; 'warm-open': fixed rate), "
        f"{args.seconds:g} s each; load average after {loadavg()}"
    )
    if results:
        print(table(results))
    print(
        f"story: {STORY_SAMPLE} stories cycled; search: /search?q={word} "
        f"(in {share:.0%} of the texts); search-rare: /search?q={rare} ({rare_share:.0%})"
    )
    if "cold" not in skip:
        print(f"cold runs: server restarted per endpoint; {cache_note or 'OS page cache dropped'}")
    for line in verdicts(results):
        print(line)
    profile = None
    if args.profile:
        profile = profile_front_page(db_path)
        print()
        print(profile)
    payload: dict[str, Any] = {
        "articles": args.articles,
        "stories": args.stories,
        "store_mb": round(size_mb),
        "connections": args.connections,
        "seconds": args.seconds,
        "search_word": word,
        "search_rare_word": rare,
        "cold_cache": cache_note or "OS page cache dropped",
        "loadavg_after": loadavg(),
        "results": [asdict(r) for r in results],
        "verdicts": verdicts(results),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }
    if profile:
        payload["profile"] = profile
    if args.json == "-":
        print(json.dumps(payload, indent=2))
    elif args.json:
        Path(args.json).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
