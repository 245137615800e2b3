"""End-to-end crawl benchmark: N feeds × M entries served over loopback with realistic latency.

    uv run python bench/crawl.py                   # 200, 1,000 and 2,000 feeds × 5 entries (~7 min)
    uv run python bench/crawl.py --entries 20 --sizes ''   # the issue's 2,000 × 20 (~18 min)
    uv run python bench/crawl.py --quick           # 200 feeds × 5 entries, one run (~30 s)
    uv run python bench/crawl.py --quick --profile # plus the top 15 functions per thread
    uv run python bench/crawl.py --feeds 500 --entries 10 --latency-ms 50-300 --json out.json

What runs:

* `--servers` server processes (asyncio, HTTP/1.1 keep-alive) answer on many loopback
  addresses (127.1.x.y), `--feeds-per-host` feeds per address, so the crawler's per-host
  politeness (Settings defaults: 2 connections and 1 s between request starts per host) is
  what a real crawl of many sites sees. Every response waits a random `--latency-ms` first.
  Feeds are RSS with M entries; article pages are ~600 words of generated prose, unique per
  article, inside a page template with navigation, scripts, JSON-LD, an appeal box, related
  links and a footer (~27 KB of HTML; extraction cost grows with page size, and real news
  pages are often larger, so this flatters the extractor if anything).
* Each crawl runs in a fresh child process (so peak RSS is per run): Settings defaults (only
  the loopback allow-list and the store differ; `--concurrency` and `--per-host-delay` change
  the two fetch limits), a temporary SQLite store with the N sources added, one
  `Pipeline.crawl` to the end (robots.txt, feed fetch and parse, page fetch, extraction,
  storage).
* Reported per run: articles stored, wall time, articles/s, CPU seconds (user + sys) and CPU
  ms per article, peak RSS, and where the CPU went by thread: the event loop (HTTP, politeness,
  the store calls made on the loop), the single extraction thread (page extraction and feed
  parsing, timed by wrapping the two functions), and the rest (store writes in worker threads).
* Extraction alone: `extract_article` over a sample of the generated pages on one thread, and
  in a process pool of `os.cpu_count()` workers, which is what a pool in the pipeline could
  reach (lxml/trafilatura are not safe in several threads, trafilatura issues #840 and #925).

The crawler is Progleton as shipped; nothing in src/ is changed or monkeypatched except the
timing wrappers around `extract_article`/`parse_feed` (and, with --profile, profilers).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import html
import io
import json
import os
import pstats
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

# -- generated publishers ---------------------------------------------------------------------

_FIRST = [
    "Amara", "Ben", "Chloe", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Keiko",
    "Liam", "Maya", "Nikos",
]  # fmt: skip
_LAST = [
    "Okafor", "Lindqvist", "Moreau", "Tanaka", "Alvarez", "Novak", "Reyes", "Schmidt", "Haddad",
    "Kowalski", "Dubois",
]  # fmt: skip
_ROLES = [
    "minister for transport", "chief executive", "council leader", "head of research",
    "union representative", "senior economist", "director of public health", "spokesperson",
    "professor of urban planning", "chair of the residents' association", "police commissioner",
]  # fmt: skip
_ORGS = [
    "the harbour authority", "the national rail operator", "the regional council",
    "the central bank", "the teachers' union", "the environment agency", "the city hospital",
    "a coalition of local businesses", "the water utility", "the university", "the ombudsman",
]  # fmt: skip
_PLACES = [
    "the northern district", "the old port", "the river valley", "the capital", "the coast",
    "the industrial estate", "the market square", "three rural counties", "the city centre",
]  # fmt: skip
_TOPICS = [
    ("budget", "spending plan"), ("bridge", "crossing"), ("strike", "walkout"),
    ("flood defences", "sea wall"), ("housing scheme", "development"), ("tram line", "route"),
    ("hospital wing", "ward"), ("school reform", "curriculum change"), ("tax", "levy"),
    ("wind farm", "turbine project"), ("election", "vote"), ("drought", "water shortage"),
]  # fmt: skip
_VERBS = [
    "approved", "delayed", "criticised", "defended", "expanded", "scrapped", "reviewed",
    "postponed", "welcomed", "questioned", "funded", "investigated",
]  # fmt: skip
_ADJ = [
    "controversial", "long-awaited", "costly", "ambitious", "modest", "revised", "temporary",
    "sweeping", "unexpected", "contested", "popular", "overdue",
]  # fmt: skip
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_SENTENCES = [
    "{Person}, the {role} of {org}, said on {day} that the {adj} {topic} would be {verb} "
    "before the end of the year.",
    "According to figures published by {org}, about {n} people in {place} are affected, "
    "{m} percent more than a year ago.",
    "\"We have listened carefully, and we believe this is the right decision for {place},\" "
    "{person} told reporters outside the town hall.",
    "Critics argue that the {topic} has been {verb} without enough consultation, and that "
    "the costs, now estimated at {n} million, will fall on households.",
    "The plan was first proposed in {year}, when {org} warned that the existing {alt} could "
    "not cope with demand for much longer.",
    "Residents of {place} said they had learned about the {adj} {topic} from the newspaper "
    "rather than from any official letter.",
    "{Person}, a {role}, described the decision as {adj} but said it was better than doing "
    "nothing at all.",
    "Opposition members called for an independent review, saying that {n} documents related "
    "to the {alt} had never been made public.",
    "A spokesperson for {org} declined to comment on the timetable but confirmed that talks "
    "would continue on {day}.",
    "Analysts expect the {topic} to shape the debate in {place} for months, with {m} percent "
    "of voters naming it as their main concern in a recent survey.",
    "The {alt} has been {verb} twice before, most recently in {year}, after a report found "
    "serious problems with its financing.",
    "Local businesses in {place} warned that {m} percent of their customers could stay away "
    "while work on the {topic} is under way.",
]  # fmt: skip


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _sentence(rng: random.Random, topic: tuple[str, str]) -> str:
    person = _person(rng)
    slots = {
        "person": person,
        "Person": person,
        "role": rng.choice(_ROLES),
        "org": rng.choice(_ORGS),
        "place": rng.choice(_PLACES),
        "day": rng.choice(_DAYS),
        "adj": rng.choice(_ADJ),
        "verb": rng.choice(_VERBS),
        "topic": topic[0],
        "alt": topic[1],
        "n": f"{rng.randint(2, 980):,}",
        "m": str(rng.randint(3, 64)),
        "year": str(rng.randint(2009, 2024)),
    }
    text = rng.choice(_SENTENCES).format(**slots)
    return text[0].upper() + text[1:]


def prose(feed: int, entry: int, words: int = 600) -> tuple[str, list[str]]:
    """A headline and paragraphs of about `words` words, unique to (feed, entry)."""
    rng = random.Random(f"article:{feed}:{entry}")
    topic = rng.choice(_TOPICS)
    headline = (
        f"{rng.choice(_ORGS)[0].upper()}{rng.choice(_ORGS)[1:]} {rng.choice(_VERBS)} "
        f"{rng.choice(_ADJ)} {topic[0]} in {rng.choice(_PLACES)} ({feed}-{entry})"
    )
    paragraphs: list[str] = []
    count = 0
    while count < words:
        para = " ".join(_sentence(rng, topic) for _ in range(rng.randint(2, 4)))
        paragraphs.append(para)
        count += len(para.split())
    return headline, paragraphs


APPEAL = (
    '<aside class="support-box"><h3>Support independent journalism</h3>'
    "<p>Dear readers, our reporting is funded by readers like you. If you value what we do, "
    "please become a member today from just $3 a month. Every contribution counts.</p>"
    "<button>Support us</button><button>Maybe later</button>"
    '<img src="/pay.png" alt="payment methods"></aside>'
)
_SECTIONS = [
    "News", "World", "Politics", "Business", "Economy", "Science", "Climate", "Health",
    "Education", "Sport", "Football", "Tennis", "Culture", "Books", "Film", "Music", "Travel",
    "Food", "Opinion", "Letters", "Obituaries", "Podcasts", "Video", "Weather", "Puzzles",
    "Crosswords", "Newsletters", "Archive", "Jobs", "Events", "Shop", "About",
]  # fmt: skip
_FOOTER_LINKS = [
    "About us", "Contact", "Complaints", "Corrections", "Privacy policy", "Cookie policy",
    "Terms of use", "Accessibility", "Advertise", "Work for us", "Newsletters", "RSS", "Help",
    "Modern slavery statement", "Tax strategy", "Sitemap", "Apps", "Archive",
]  # fmt: skip
_NAV = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in _SECTIONS)
_FOOTER = "".join(f'<li><a href="/about/{i}">{t}</a></li>' for i, t in enumerate(_FOOTER_LINKS))
# Pages carry script and style the extractor has to wade through, as real ones do.
_SCRIPT = "window.dataLayer=window.dataLayer||[];" + "".join(
    f"function f{i}(a,b){{return (a*{i}+b)%{i + 7};}}dataLayer.push({{e:'v{i}',t:f{i}(1,2)}});"
    for i in range(120)
)
_STYLE = "".join(f".c{i}{{margin:{i % 9}px;padding:{i % 5}px;color:#{i:03x}}}" for i in range(150))


def site_name(feed: int) -> str:
    rng = random.Random(f"site:{feed}")
    town = rng.choice(_PLACES[:6]).split()[-1].title()
    paper = rng.choice(["Gazette", "Courier", "Herald", "Post", "Chronicle", "Observer"])
    return f"The {town} {paper} {feed}"


def published(feed: int, entry: int) -> datetime:
    base = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
    return base - timedelta(hours=entry * 3 + feed % 3)


def article_html(feed: int, entry: int, words: int = 600) -> bytes:
    """A news page: head with metadata, scripts and styles, nav, the story, furniture."""
    title, paragraphs = prose(feed, entry, words)
    site = site_name(feed)
    author = _person(random.Random(f"author:{feed}:{entry}"))
    when = published(feed, entry).isoformat()
    canonical = f"https://site{feed}.example/news/{entry}"
    half = len(paragraphs) // 2
    body_a = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[:half])
    body_b = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[half:])
    related = "".join(
        f'<li><a href="/news/{(entry + k) % 97}"><h4>{html.escape(prose(feed, entry + k, 12)[0])}'
        f"</h4><p>{html.escape(prose(feed, entry + k, 20)[1][0][:140])}</p></a></li>"
        for k in range(1, 7)
    )
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": title,
            "datePublished": when,
            "author": {"@type": "Person", "name": author},
            "publisher": {"@type": "Organization", "name": site},
        }
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} | {site}</title>
<link rel="canonical" href="{canonical}">
<meta property="og:title" content="{html.escape(title)}">
<meta property="og:site_name" content="{site}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{when}">
<meta name="author" content="{author}">
<script type="application/ld+json">{ld}</script>
<style>{_STYLE}</style><script>{_SCRIPT}</script>
</head><body>
<header><a class="logo" href="/">{site}</a><nav><ul>{_NAV}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"><button>Search</button></form></header>
<main><article><h1>{html.escape(title)}</h1>
<p class="byline">By <a href="/authors/{entry}">{author}</a> · <time datetime="{when}">{when[:10]}</time></p>
<figure><img src="/img/{feed}/{entry}.jpg" alt="A view of the scene"><figcaption>Photograph: {_person(random.Random(entry))}</figcaption></figure>
{body_a}
<aside class="inline-related"><a href="/news/{(entry + 1) % 97}">Read more: {html.escape(prose(feed, entry + 1, 12)[0])}</a></aside>
{body_b}
{APPEAL}
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>
</article>
<section class="related"><h2>More from {site}</h2><ul>{related}</ul></section>
<section class="newsletter"><p>Sign up for our morning newsletter. Enter your email address and subscribe.</p><button>Subscribe</button></section>
</main><footer><ul>{_FOOTER}</ul><p>© 2025 {site}. All rights reserved.</p></footer>
<script>{_SCRIPT[:2000]}</script></body></html>""".encode()  # noqa: E501


def feed_xml(feed: int, entries: int, origin: str) -> bytes:
    items = []
    for entry in range(entries):
        title = prose(feed, entry, 1)[0]
        items.append(
            f"<item><title>{html.escape(title)}</title>"
            f"<link>{origin}/f{feed}/news/{entry}</link>"
            f'<guid isPermaLink="true">https://site{feed}.example/news/{entry}</guid>'
            f"<pubDate>{format_datetime(published(feed, entry))}</pubDate>"
            f"<description>{html.escape(title)}.</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{site_name(feed)}</title><link>{origin}/f{feed}/</link>"
        f"<description>News</description>{''.join(items)}</channel></rss>"
    ).encode()


# -- the servers ------------------------------------------------------------------------------


def host_address(index: int) -> str:
    """Loopback address number `index`: 127.1.0.1, 127.1.0.2, ... (never .0 or .255)."""
    return f"127.1.{index // 250}.{index % 250 + 1}"


@dataclass
class ServeConfig:
    port: int
    hosts: int
    shard: int
    shards: int
    entries: int
    latency: tuple[float, float]
    words: int


def _response(status: str, ctype: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


def serve(cfg: ServeConfig) -> None:
    """One server process: answers on every host address of its shard, forever."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    rng = random.Random(cfg.shard)
    lo, hi = cfg.latency

    def answer(target: str, host: str) -> bytes:
        if target == "/robots.txt":
            return _response("200 OK", "text/plain", b"User-agent: *\nDisallow: /private/\n")
        parts = target.strip("/").split("/")
        if len(parts) >= 2 and parts[0].startswith("f") and parts[0][1:].isdigit():
            feed = int(parts[0][1:])
            if parts[1] == "feed.xml":
                body = feed_xml(feed, cfg.entries, f"http://{host}")
                return _response("200 OK", "application/rss+xml; charset=utf-8", body)
            if parts[1] == "news" and len(parts) == 3 and parts[2].isdigit():
                page = article_html(feed, int(parts[2]), cfg.words)
                return _response("200 OK", "text/html; charset=utf-8", page)
        return _response("404 Not Found", "text/plain", b"not found")

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                target = lines[0].split(" ")[1]
                host = next(
                    (ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("host:")),
                    "",
                )
                await asyncio.sleep(rng.uniform(lo, hi))
                writer.write(answer(target, host))
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        addresses = [host_address(i) for i in range(cfg.shard, cfg.hosts, cfg.shards)]
        server = await asyncio.start_server(handle, addresses, cfg.port, backlog=512)
        print("ready", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((host_address(0), 0))
        return int(sock.getsockname()[1])


class Servers:
    """Starts the server processes; stops them on exit."""

    def __init__(self, args: argparse.Namespace, hosts: int) -> None:
        self.port = free_port()
        self.procs: list[subprocess.Popen[str]] = []
        for shard in range(args.servers):
            cmd = [
                sys.executable, __file__, "--serve", "--port", str(self.port),
                "--hosts", str(hosts), "--shard", str(shard), "--shards", str(args.servers),
                "--entries", str(args.entries), "--latency-ms", args.latency_ms,
                "--words", str(args.words),
            ]  # fmt: skip
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
            self.procs.append(proc)
        for proc in self.procs:
            assert proc.stdout is not None
            if proc.stdout.readline().strip() != "ready":
                raise RuntimeError("a bench server did not start")

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            proc.wait(timeout=10)


# -- one crawl (in a child process) ----------------------------------------------------------


@dataclass
class RunResult:
    feeds: int
    entries: int
    hosts: int
    articles: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    failed_sources: int = 0
    wall_s: float = 0.0
    articles_per_s: float = 0.0
    cpu_s: float = 0.0
    cpu_ms_per_article: float = 0.0
    peak_rss_mb: float = 0.0
    rss_before_mb: float = 0.0
    rss_end_mb: float = 0.0
    # Pages held fetched and not yet stored (the pipeline's bounded backlog), sampled; with
    # --extract-workers 0, the pages waiting in the extraction thread's queue.
    backlog_max: int = 0
    extract_workers: int = 0
    workers_cpu_s: float = 0.0  # user + sys of the extraction worker processes
    workers_peak_rss_mb: float = 0.0  # sum of the workers' own peaks
    rss_series_mb: list[float] = field(default_factory=list)  # one sample per second
    backlog_series: list[int] = field(default_factory=list)
    loop_cpu_s: float = 0.0  # the event-loop (main) thread
    extract_cpu_s: float = 0.0  # extract_article in the extraction thread
    feed_parse_cpu_s: float = 0.0  # parse_feed in the extraction thread
    extract_busy_pct: float = 0.0  # share of the wall time the extraction thread was working
    other_cpu_s: float = 0.0  # store writes in worker threads, GC, ...
    # The near-duplicate stage the crawl queues for (run after it, as `progleton crawl` does):
    # its own wall time, the copies it found, and articles/s over crawl + stage.
    dedupe_s: float = 0.0
    copies: int = 0
    with_dedupe_per_s: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)
    profile: str = ""


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _Sampler(threading.Thread):
    """Samples RSS and the extraction backlog once a second while the crawl runs."""

    def __init__(self, backlog: Callable[[], int]) -> None:
        super().__init__(daemon=True)
        self.backlog = backlog
        self.rss: list[float] = []
        self.queued: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            self.rss.append(round(_rss_mb(), 1))
            self.queued.append(self.backlog())


class _Timed:
    """Wraps a function run in the extraction thread: counts its CPU and wall time there."""

    def __init__(self, fn: Callable[..., Any], profiler: cProfile.Profile | None) -> None:
        self.fn, self.profiler = fn, profiler
        self.cpu = self.wall = 0.0
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.profiler is not None and threading.current_thread() is not threading.main_thread():
            # cProfile hooks one thread; this starts it in the extraction thread (idempotent).
            self.profiler.enable()
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.cpu += time.thread_time() - cpu
            self.wall += time.perf_counter() - wall
            self.calls += 1


def _proc_cpu_and_peak(pid: int) -> tuple[float, float]:
    """(user + sys CPU seconds, peak RSS MB) of a live process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/status") as f:
            hwm = next((ln.split()[1] for ln in f if ln.startswith("VmHWM:")), "0")
    except FileNotFoundError:
        return 0.0, 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks, int(hwm) / 1024


def run_one(args: argparse.Namespace, port: int, hosts: int) -> RunResult:
    """One full crawl of `args.feeds` feeds; runs in its own process."""
    import progleton.pipeline as pipeline_module
    from progleton.config import Settings
    from progleton.models import Source
    from progleton.pipeline import Pipeline
    from progleton.store import open_store
    from progleton.workers import worker_count

    result = RunResult(feeds=args.feeds, entries=args.entries, hosts=hosts)
    result.extract_workers = worker_count(args.extract_workers)
    in_thread = result.extract_workers == 0
    loop_profile = cProfile.Profile() if args.profile else None
    extract_profile = cProfile.Profile() if args.profile else None
    extract = _Timed(pipeline_module.extract_article, extract_profile)
    parse = _Timed(pipeline_module.parse_feed, extract_profile)
    if in_thread:
        # Worker processes cannot report back through a wrapper: their CPU is read from /proc.
        pipeline_module.extract_article = extract  # type: ignore[assignment]
    pipeline_module.parse_feed = parse  # type: ignore[assignment]

    with tempfile.TemporaryDirectory(prefix="progleton-bench-") as tmp:
        settings = Settings(
            db_url=f"sqlite:///{tmp}/bench.db",
            allow_hosts="127.0.0.0/8",
            max_concurrency=args.concurrency,
            per_host_delay=args.per_host_delay,
            extract_workers=args.extract_workers,
        )
        result.settings = {
            k: getattr(settings, k)
            for k in ("max_concurrency", "per_host_concurrency", "per_host_delay",
                      "max_new_entries_per_feed", "read_timeout", "total_timeout",
                      "extract_workers", "max_sources_in_flight")
        }  # fmt: skip
        store = open_store(settings.db_url)
        for feed in range(args.feeds):
            origin = f"http://{host_address(feed % hosts)}:{port}"
            store.add_source(Source(feed_url=f"{origin}/f{feed}/feed.xml"))
        result.rss_before_mb = _rss_mb()
        with Pipeline(settings, store) as pipe:
            # Private attributes, read only by this sampler: the parsing thread's queue, or the
            # pages the pipeline holds fetched and not yet stored.
            sampler = _Sampler(
                pipe._workers._thread._work_queue.qsize
                if in_thread
                else (lambda: pipe._backlog.held)
            )
            sampler.start()
            usage0 = resource.getrusage(resource.RUSAGE_SELF)
            loop0, wall0 = time.thread_time(), time.perf_counter()
            if loop_profile is not None:
                loop_profile.enable()
            report = asyncio.run(pipe.crawl())
            if loop_profile is not None:
                loop_profile.disable()
            wall = time.perf_counter() - wall0
            loop_cpu = time.thread_time() - loop0
            usage1 = resource.getrusage(resource.RUSAGE_SELF)
            sampler.done.set()
            pool = pipe._workers._pool
            for pid in list(pool._processes) if pool is not None else []:
                cpu_s, peak = _proc_cpu_and_peak(pid)
                result.workers_cpu_s += cpu_s
                result.workers_peak_rss_mb += peak
            if extract_profile is not None:
                pipe._workers._thread.submit(extract_profile.disable).result()
            dedupe0 = time.perf_counter()
            copies = pipe.place_copies()
            result.dedupe_s = round(time.perf_counter() - dedupe0, 2)
            result.copies = copies.copies
        result.rss_end_mb = _rss_mb()
        result.articles = store.count_articles()
        store.close()

    crawler_cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    cpu = crawler_cpu + result.workers_cpu_s
    result.failures = dict(report.failures)
    result.failed_sources = report.failed_sources
    result.wall_s = round(wall, 2)
    result.articles_per_s = round(result.articles / wall, 1)
    result.with_dedupe_per_s = round(result.articles / (wall + result.dedupe_s), 1)
    result.cpu_s = round(cpu, 2)
    result.cpu_ms_per_article = round(1000 * cpu / max(1, result.articles), 2)
    result.peak_rss_mb = round(usage1.ru_maxrss / 1024, 1)  # Linux: kilobytes
    result.loop_cpu_s = round(loop_cpu, 2)
    result.extract_cpu_s = round(extract.cpu if in_thread else result.workers_cpu_s, 2)
    result.feed_parse_cpu_s = round(parse.cpu, 2)
    workers = max(1, result.extract_workers)
    busy = (extract.wall + parse.wall) if in_thread else result.workers_cpu_s / workers
    result.extract_busy_pct = round(100 * busy / wall, 1)
    result.other_cpu_s = round(
        crawler_cpu - loop_cpu - parse.cpu - (extract.cpu if in_thread else 0), 2
    )
    result.workers_cpu_s = round(result.workers_cpu_s, 2)
    result.workers_peak_rss_mb = round(result.workers_peak_rss_mb, 1)
    result.rss_before_mb = round(result.rss_before_mb, 1)
    result.rss_end_mb = round(result.rss_end_mb, 1)
    result.rss_series_mb, result.backlog_series = sampler.rss, sampler.queued
    result.backlog_max = max(sampler.queued, default=0)
    if loop_profile is not None and extract_profile is not None:
        result.profile = _top(loop_profile, "event-loop thread") + _top(
            extract_profile, "extraction thread"
        )
    return result


def _top(profile: cProfile.Profile, label: str, n: int = 15) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(n)
    text = out.getvalue()
    body = text[text.find("   ncalls") :] if "   ncalls" in text else text
    return f"\n== top {n} by cumulative time, {label} ==\n{body}"


# -- extraction alone -------------------------------------------------------------------------


def _extract_one(page: bytes) -> int:
    from progleton.extract import extract_article

    return len(extract_article(page, "https://bench.example/a").paragraphs)


def extraction_alone(pages: int, words: int) -> dict[str, float]:
    """Pages/s of extract_article on one thread, and in a process pool of cpu_count workers."""
    from progleton.extract import extract_article

    sample = [article_html(9000 + i % 50, i, words) for i in range(pages)]
    extract_article(sample[0], "https://bench.example/a")  # imports and caches warm
    started = time.perf_counter()
    for page in sample:
        extract_article(page, "https://bench.example/a")
    single = time.perf_counter() - started
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_extract_one, sample[:workers]))  # start and warm the workers
        started = time.perf_counter()
        list(pool.map(_extract_one, sample, chunksize=4))
        pooled = time.perf_counter() - started
    return {
        "pages": pages,
        "page_kb": round(sum(map(len, sample)) / len(sample) / 1024, 1),
        "ms_per_page_1_thread": round(1000 * single / pages, 2),
        "pages_per_s_1_thread": round(pages / single, 1),
        "pool_workers": workers,
        "pages_per_s_pool": round(pages / pooled, 1),
        "pool_speedup": round(single / pooled, 2),
    }


# -- driver -----------------------------------------------------------------------------------


def _child(args: argparse.Namespace, feeds: int, port: int, hosts: int) -> RunResult:
    cmd = [
        sys.executable, __file__, "--run-one", "--port", str(port), "--hosts", str(hosts),
        "--feeds", str(feeds), "--entries", str(args.entries),
        "--concurrency", str(args.concurrency), "--per-host-delay", str(args.per_host_delay),
        "--extract-workers", str(args.extract_workers),
    ] + (["--profile"] if args.profile else [])  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"crawl of {feeds} feeds failed:\n{done.stderr[-3000:]}")
    return RunResult(**json.loads(done.stdout.strip().splitlines()[-1]))


def _hosts_for(feeds: int, per_host: int) -> int:
    return max(1, -(-feeds // per_host))


def _table(results: list[RunResult]) -> str:
    cols = [
        ("feeds", "feeds", "{}"), ("× entries", "entries", "{}"), ("hosts", "hosts", "{}"),
        ("articles", "articles", "{}"), ("wall s", "wall_s", "{:.1f}"),
        ("articles/s", "articles_per_s", "{:.1f}"), ("CPU s", "cpu_s", "{:.1f}"),
        ("CPU ms/art", "cpu_ms_per_article", "{:.1f}"), ("peak RSS MB", "peak_rss_mb", "{:.0f}"),
        ("workers RSS MB", "workers_peak_rss_mb", "{:.0f}"),
        ("loop CPU s", "loop_cpu_s", "{:.1f}"), ("extract CPU s", "extract_cpu_s", "{:.1f}"),
        ("feed parse s", "feed_parse_cpu_s", "{:.1f}"), ("other CPU s", "other_cpu_s", "{:.1f}"),
        ("extract busy %", "extract_busy_pct", "{:.0f}"),
        ("max backlog", "backlog_max", "{}"), ("dedupe s", "dedupe_s", "{:.1f}"),
        ("copies", "copies", "{}"), ("art/s incl. dedupe", "with_dedupe_per_s", "{:.1f}"),
    ]  # fmt: skip
    rows = [[name for name, _, _ in cols]]
    for r in results:
        rows.append([fmt.format(getattr(r, key)) for _, key, fmt in cols])
    widths = [max(len(row[i]) for row in rows) for i in range(len(cols))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _parse_latency(raw: str) -> tuple[float, float]:
    lo, _, hi = raw.partition("-")
    return float(lo) / 1000, float(hi or lo) / 1000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--feeds", type=int, default=2000)
    p.add_argument(
        "--entries",
        type=int,
        default=5,
        help="entries per feed (default 5, to stay under 10 minutes; the issue's workload is 20)",
    )
    p.add_argument("--latency-ms", default="50-300", help="per-response delay range, e.g. 50-300")
    p.add_argument("--json", type=Path, help="write the results here as JSON")
    p.add_argument("--quick", action="store_true", help="200 feeds × 5 entries, one run")
    p.add_argument("--profile", action="store_true", help="print the top 15 functions")
    p.add_argument(
        "--sizes",
        default=None,
        help="also crawl these feed counts, each in a fresh process, to compare peak RSS "
        "(comma-separated; default 200,1000; '' for none)",
    )
    p.add_argument("--feeds-per-host", type=int, default=2)
    p.add_argument("--servers", type=int, default=2, help="server processes")
    p.add_argument("--words", type=int, default=600, help="words of prose per article")
    p.add_argument(
        "--extract-workers", type=int, default=-1,
        help="Settings.extract_workers (default -1: one process per CPU; 0: one thread)",
    )  # fmt: skip
    p.add_argument(
        "--concurrency", type=int, default=32, help="Settings.max_concurrency (default 32)"
    )
    p.add_argument(
        "--per-host-delay", type=float, default=1.0, help="Settings.per_host_delay (default 1 s)"
    )
    p.add_argument("--extract-sample", type=int, default=200, help="pages for extraction alone")
    # Internal: the server and crawl child processes.
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--run-one", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--hosts", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--shard", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--shards", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.feeds, args.entries = 200, 5
        if args.sizes is None:
            args.sizes = ""
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        serve(
            ServeConfig(
                port=args.port,
                hosts=args.hosts,
                shard=args.shard,
                shards=args.shards,
                entries=args.entries,
                latency=_parse_latency(args.latency_ms),
                words=args.words,
            )
        )
        return 0
    if args.run_one:
        print(json.dumps(asdict(run_one(args, args.port, args.hosts))))
        return 0

    extra = "200,1000" if args.sizes is None else args.sizes
    sizes = sorted({int(s) for s in extra.split(",") if s.strip()} | {args.feeds})
    hosts = _hosts_for(max(sizes), args.feeds_per_host)
    print(
        f"bench: {args.feeds} feeds × {args.entries} entries, latency {args.latency_ms} ms, "
        f"{hosts} loopback hosts ({args.feeds_per_host} feeds each), {args.servers} server "
        f"processes, {os.cpu_count()} CPUs; runs at {sizes} feeds",
        flush=True,
    )
    load_before = os.getloadavg()[0]
    results: list[RunResult] = []
    profile = args.profile
    with Servers(args, hosts) as servers:
        for feeds in sizes:
            args.profile = profile and feeds == args.feeds  # profile the main run only
            started = time.perf_counter()
            result = _child(args, feeds, servers.port, _hosts_for(feeds, args.feeds_per_host))
            results.append(result)
            print(
                f"  {feeds} feeds: {result.articles} articles in {result.wall_s:.1f} s "
                f"({time.perf_counter() - started:.1f} s with start-up)",
                flush=True,
            )
    alone = extraction_alone(args.extract_sample, args.words)
    load_after = os.getloadavg()[0]
    main_run = next(r for r in results if r.feeds == args.feeds)
    print()
    print(_table(results))
    print()
    print(
        f"extraction alone ({alone['pages']} generated pages, {alone['page_kb']} KB each): "
        f"{alone['ms_per_page_1_thread']} ms/page = {alone['pages_per_s_1_thread']} pages/s on "
        f"one thread; {alone['pages_per_s_pool']} pages/s in a pool of "
        f"{alone['pool_workers']} processes (×{alone['pool_speedup']})"
    )
    # Other work on the machine skews every figure here; the load average shows if there was.
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after")
    if main_run.failures or main_run.failed_sources:
        print(f"failures: {main_run.failures} (failed sources: {main_run.failed_sources})")
    if main_run.profile:
        print(main_run.profile)
    out = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "cpus": os.cpu_count(),
        "latency_ms": args.latency_ms,
        "load_average": [round(load_before, 2), round(load_after, 2)],
        "runs": [asdict(r) | {"profile": None} for r in results],
        "extraction_alone": alone,
    }
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    # On screen without the per-second series (they are in the --json file).
    series = ("rss_series_mb", "backlog_series")
    brief = out | {"runs": [{k: v for k, v in r.items() if k not in series} for r in out["runs"]]}
    print()
    print(json.dumps(brief, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
