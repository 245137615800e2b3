"""The `progleton` command line (Typer). Every command goes through `Pipeline` or the store."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from progleton import __version__
from progleton.config import Settings, default_data_dir
from progleton.errors import ProgletonError
from progleton.models import Source
from progleton.pipeline import CrawlReport, Pipeline, SourceReport, extract_path
from progleton.store import Store, open_store

if TYPE_CHECKING:
    from progleton.enrich.stage import EnrichReport
    from progleton.scale.backfill import BackfillReport, ChunkResult

app = typer.Typer(
    name="progleton",
    help="Progleton: follow publishers, extract clean stories, serve a news front page.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)


class State:
    """Options given before the command name."""

    db: str | None = None


state = State()


def _version(value: bool) -> None:
    if value:
        out.print(f"progleton {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="PROGLETON_DB",
            help="Database URL, e.g. sqlite:///news.db (default: a file in the data folder).",
        ),
    ] = None,
) -> None:
    state.db = db


def demo_db_url() -> str:
    """Where `progleton demo` keeps its database unless --db says otherwise."""
    return f"sqlite:///{default_data_dir() / 'demo.db'}"


def settings() -> Settings:
    """Settings from the environment, with the global --db applied."""
    return Settings.from_env(db_url=state.db)


def _open(s: Settings) -> Store:
    try:
        return open_store(s.db_url)
    except ProgletonError as exc:
        console.print(f"[red]error:[/] {exc.reason}")
        raise typer.Exit(2) from exc


def parse_duration(raw: str) -> float:
    """'90s', '15m', '2h', '1d' -> seconds."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", raw.lower())
    if not m:
        raise typer.BadParameter(f"{raw!r} is not a duration like 30s, 15m, 2h or 1d")
    unit = {"": 60, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    return float(m.group(1)) * unit


class RichProgress:
    """Draws crawl events as two progress bars: feeds and article pages."""

    def __init__(self, progress: Progress, n_sources: int) -> None:
        self.p = progress
        self.feeds = progress.add_task("feeds", total=n_sources)
        self.pages = progress.add_task("articles", total=0)

    def source_started(self, source: Source) -> None:
        """Nothing to draw yet."""

    def entries_found(self, source: Source, count: int) -> None:
        """Grow the article bar."""
        total = self.p.tasks[self.pages].total or 0
        self.p.update(self.pages, total=total + count)

    def entry_done(self, source: Source, outcome: str) -> None:
        """Advance the article bar."""
        self.p.advance(self.pages)

    def source_done(self, source: Source, report: SourceReport) -> None:
        """Advance the feed bar; print feed failures as they happen."""
        self.p.advance(self.feeds)
        if report.error:
            self.p.console.print(f"[yellow]![/] {source.title or source.feed_url}: {report.error}")


_ENRICH_OPTION = typer.Option(
    "--enrich/--no-enrich",
    help="Then find entities and quotes in the new articles (`progleton enrich`).",
)


def enrich_new(s: Settings, store: Store) -> None:
    """Run the enrichment stage over what is waiting, printing one line (spaCy loads here)."""
    from progleton.enrich.stage import enrich_pending

    if not store.count_unenriched():  # type: ignore[attr-defined]
        return
    report = enrich_pending(store, s)  # type: ignore[arg-type]
    if report.busy:
        out.print("entities and quotes: another worker is enriching; they will appear shortly")
        return
    out.print(
        f"entities and quotes: {enrich_summary(report)} "
        f"({report.quotes} quotes, {report.mentions} entity mentions) in {report.seconds:.1f} s"
    )


def enrich_summary(report: EnrichReport) -> str:
    """ "240 articles enriched, 21 skipped (not English)": skipped articles are not counted
    as enriched."""
    done = report.articles - report.skipped
    return f"{done} article{'' if done == 1 else 's'} enriched{skipped_note(report)}"


def skipped_note(report: EnrichReport) -> str:
    """What was skipped: ', 21 skipped (not English)', ', 3 skipped (2 not English, 1 too
    little text)', or nothing."""
    if not report.skipped:
        return ""
    why: dict[str, int] = {}
    for reason, n in report.skip_reasons.items():
        label = "not English" if reason.startswith("language") else reason
        why[label] = why.get(label, 0) + n
    if len(why) <= 1:
        return f", {report.skipped} skipped ({next(iter(why), 'not English')})"
    return f", {report.skipped} skipped ({', '.join(f'{n} {w}' for w, n in why.items())})"


def run_crawl(pipeline: Pipeline, quiet: bool = False) -> CrawlReport:
    """One crawl over the due sources with a progress bar."""
    due = pipeline.store.due_sources(datetime.now().astimezone())
    if not due:
        return CrawlReport()
    with Progress(
        TextColumn("[bold]{task.description:>8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=False,
    ) as progress:
        # Sources are claimed as the crawl goes (other workers may share the database), so
        # the bar's total is what was due when it started.
        report = asyncio.run(pipeline.crawl(None, RichProgress(progress, len(due))))
    return report


@app.command()
def crawl(
    every: Annotated[
        str | None, typer.Option(help="Keep going: crawl again after this long (e.g. 15m).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    enrich_articles: Annotated[bool, _ENRICH_OPTION] = True,
) -> None:
    """Fetch every due source once: new entries' pages are fetched, extracted and stored."""
    s = settings()
    store = _open(s)
    pipeline = Pipeline(s, store)
    interval = parse_duration(every) if every else None
    try:
        while True:
            report = run_crawl(pipeline, quiet)
            if report.sources == 0:
                out.print("No source is due. `progleton add URL` follows a site or feed.")
            else:
                out.print(report.summary())
            if report.new or store.count_unclustered():
                out.print(pipeline.cluster_pending().summary())
            if enrich_articles:
                enrich_new(s, store)
            if interval is None:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        pipeline.close()
        store.close()


@app.command()
def add(url: Annotated[str, typer.Argument(help="A feed URL or a site's homepage.")]) -> None:
    """Follow a feed, or find the feed of a site's homepage and follow it."""
    s = settings()
    store = _open(s)
    try:
        with Pipeline(s, store) as pipeline:
            source = asyncio.run(pipeline.add_source(url))
    except ProgletonError as exc:
        console.print(f"[red]Could not add {url}:[/] {exc.reason}")
        raise typer.Exit(1) from exc
    finally:
        store.close()
    out.print(f"Following [bold]{source.title}[/] ({source.kind}): {source.feed_url}")


@app.command("sources")
def list_sources() -> None:
    """List followed sources with their health."""
    store = _open(settings())
    table = Table("id", "title", "articles", "last success", "last error", "next check")
    for src in store.list_sources():
        table.add_row(
            str(src.id),
            src.title or src.feed_url,
            str(src.article_count),
            _when(src.last_success_at),
            src.last_error or "",
            "paused" if src.paused else _when(src.next_check_at),
        )
    store.close()
    if table.row_count:
        out.print(table)
    else:
        out.print("No sources yet. `progleton add URL` follows a site or a feed.")


def _set_paused(source_id: int, paused: bool) -> None:
    store = _open(settings())
    try:
        source = store.get_source(source_id)
        if source is None:
            console.print(f"[red]No source with id {source_id}[/] (see `progleton sources`)")
            raise typer.Exit(1)
        source.paused = paused
        if not paused:
            # Resuming means "try again now", with a clean failure streak.
            source.next_check_at = None
            source.error_count = 0
        store.update_source(source)
    finally:
        store.close()
    verb = "Paused" if paused else "Resumed"
    out.print(f"{verb} {source.title or source.feed_url}")


@app.command()
def pause(source_id: Annotated[int, typer.Argument(help="Source id (see `sources`).")]) -> None:
    """Stop checking a source until it is resumed."""
    _set_paused(source_id, True)


@app.command()
def resume(source_id: Annotated[int, typer.Argument(help="Source id (see `sources`).")]) -> None:
    """Resume a paused source; it is checked on the next crawl."""
    _set_paused(source_id, False)


@app.command()
def remove(source_id: Annotated[int, typer.Argument(help="Source id (see `sources`).")]) -> None:
    """Stop following a source. Its stored articles stay."""
    store = _open(settings())
    try:
        if not store.remove_source(source_id):
            console.print(f"[red]No source with id {source_id}[/] (see `progleton sources`)")
            raise typer.Exit(1)
    finally:
        store.close()
    out.print(f"Removed source {source_id}; its articles stay.")


@app.command("admin-password")
def admin_password(
    print_hash: Annotated[
        bool,
        typer.Option(
            "--print-hash",
            help="Print the hash (for PROGLETON_ADMIN_PASSWORD_HASH) instead of saving it.",
        ),
    ] = False,
) -> None:
    """Set the password of the web admin pages (/admin); only a scrypt hash is kept."""
    from progleton.web.auth import (
        MIN_PASSWORD_LENGTH,
        hash_password,
        password_file,
        write_password_file,
    )

    password = typer.prompt("New admin password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        console.print(f"[red]Too short:[/] use at least {MIN_PASSWORD_LENGTH} characters.")
        raise typer.Exit(1)
    hashed = hash_password(password)
    if print_hash:
        sys.stdout.write(hashed + "\n")
        return
    path = password_file(settings())
    write_password_file(path, hashed)
    out.print(f"Admin password saved (hashed) in {path}. Log in at /admin.", markup=False)


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "-"


@app.command("import-opml")
def import_opml(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Follow every feed listed in an OPML file."""
    s = settings()
    store = _open(s)
    try:
        with Pipeline(s, store) as pipeline:
            added, new = pipeline.import_opml(file.read_bytes())
    except ProgletonError as exc:
        console.print(f"[red]Could not import {file}:[/] {exc.reason}")
        raise typer.Exit(1) from exc
    finally:
        store.close()
    out.print(f"{len(added)} feeds in {file.name}: {new} new, {len(added) - new} already followed")


@app.command("export-opml")
def export_opml(
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Write every followed source as OPML 2.0."""
    from progleton.sources import write_opml

    store = _open(settings())
    text = write_opml(store.list_sources())
    store.close()
    if output:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def _extract_batch(spec: str, out_file: Path | None, workers: int | None) -> None:
    """`extract --batch`: one JSON line per page; failed pages get a typed error line."""
    from progleton.extract.batch import batch_inputs, run_batch, write_jsonl

    if out_file is None:
        raise typer.BadParameter("--batch needs --out FILE.jsonl")
    paths = batch_inputs(spec)
    if not paths:
        console.print(f"[red]No HTML pages found at {spec}[/]")
        raise typer.Exit(1)
    started = time.perf_counter()
    ok, failed = write_jsonl(run_batch(paths, workers), out_file)
    seconds = time.perf_counter() - started
    console.print(
        f"{ok} articles, {failed} failed, from {len(paths)} pages in {seconds:.1f} s -> {out_file}"
    )


@app.command()
def extract(
    target: Annotated[
        str | None, typer.Argument(help="An article URL, an HTML file or a text dump.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json, md or txt.")] = "json",
    now: Annotated[
        datetime | None,
        typer.Option(help="Reference time for relative ages in text dumps (default: file mtime)."),
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option(help="A folder or glob of HTML pages (.html or .html.gz) to extract."),
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="With --batch: the JSON Lines file.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="With --batch: worker processes (default: CPUs, max 4).")
    ] = None,
) -> None:
    """Extract one article and print it, or a batch of pages into JSON Lines (--batch)."""
    from progleton.extract import render

    if batch is not None:
        _extract_batch(batch, out_file, workers)
        return
    if target is None:
        raise typer.BadParameter("give a URL or file to extract, or --batch DIR_OR_GLOB")
    if fmt not in {"json", "md", "txt"}:
        raise typer.BadParameter("--format must be json, md or txt")
    when = now.astimezone() if now else None
    try:
        if re.match(r"https?://", target):
            s = settings()
            store = _open(s)
            try:
                with Pipeline(s, store) as pipeline:
                    article = asyncio.run(pipeline.extract_url(target))
            finally:
                store.close()
        else:
            path = Path(target)
            if not path.is_file():
                raise typer.BadParameter(f"{target} is neither a URL nor a file")
            article = extract_path(path, when)
    except ProgletonError as exc:
        console.print(f"[red]Could not extract {target}:[/] {exc.reason}")
        raise typer.Exit(1) from exc
    rendered = render(article, fmt)
    if fmt == "json":  # with who is named and who said what (spaCy, loaded only here)
        from progleton.enrich.output import with_enrichment

        rendered = with_enrichment(rendered, article)
    sys.stdout.write(rendered.rstrip("\n") + "\n")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Worker processes (default: PROGLETON_WEB_WORKERS, else 0: one per CPU, "
            "at most 4). Admin sessions work across workers.",
        ),
    ] = None,
) -> None:
    """Serve the web front page, article pages, search, the API and feeds."""
    sock = _listen(host, port)
    s = settings()
    count = s.web_workers if workers is None else workers
    if count <= 0:
        count = min(4, os.cpu_count() or 1)
    if count > 1:
        _serve_workers(s, sock, count)
    else:
        _serve(s, sock)


def _serve_workers(s: Settings, sock: socket.socket, workers: int) -> None:
    """`serve` in `workers` uvicorn processes sharing the socket (uvicorn's supervisor).

    The store is opened (and migrated) here once, before any worker opens it. Workers build
    the app from the environment; admin sessions and the login limiter live in a private
    file they all share, removed when the server stops.
    """
    import shutil
    import tempfile

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from progleton.web.app import BANNER_ENV
    from progleton.web.auth import SHARED_STATE_ENV, prepare_shared_state

    store = _open(s)
    url = store.url
    store.close()
    folder = Path(tempfile.mkdtemp(prefix="progleton-serve-"))  # mode 0700
    shared = folder / "admin.db"
    prepare_shared_state(shared)
    os.environ["PROGLETON_DB"] = s.db_url  # workers are new processes: they read this
    os.environ[SHARED_STATE_ENV] = str(shared)
    config = uvicorn.Config(
        "progleton.web.app:create_app_from_env",
        factory=True,
        workers=workers,
        log_level="warning",
        access_log=False,
    )
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    # Printed by the first worker once it can answer (workers start in a few seconds).
    os.environ[BANNER_ENV] = (
        f"Progleton is serving {url} at http://{shown}:{port}/ with {workers} workers  "
        "(Ctrl-C stops)"
    )
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
        shutil.rmtree(folder, ignore_errors=True)


def _listen(host: str, port: int) -> socket.socket:
    """Bind the site's socket before any slow work, so a busy port fails at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        console.print(
            f"[red]Cannot listen on {host}:{port}:[/] {exc.strerror or exc}. "
            "Is another server running there? Choose another with --port."
        )
        raise typer.Exit(1) from exc
    sock.listen(2048)
    return sock


def _serve(s: Settings, sock: socket.socket) -> None:
    import uvicorn

    from progleton.web.app import create_app, tune_for_serving

    store = _open(s)
    tune_for_serving()
    application = create_app(s, store)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(application, log_level="warning", access_log=False)
    out.print(
        f"Progleton is serving {store.url} at [bold]http://{shown}:{port}/[/]  (Ctrl-C stops)"
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        store.close()
        sock.close()


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Interface for the web site.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port for the web site.")] = 8000,
    publisher_port: Annotated[
        int, typer.Option(help="Port of the loopback publisher sites (127.0.0.2 and up).")
    ] = 8800,
    serve_site: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the site once the demo is built.")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    enrich_articles: Annotated[bool, _ENRICH_OPTION] = True,
) -> None:
    """Crawl the bundled corpus from a loopback publisher server, then serve the site.

    The corpus is 261 real articles from 136 publishers (see the README). The crawl is the real
    one: HTTP, robots.txt, feeds, extraction and storage are exactly what `crawl` does.
    Without --db the demo uses its own database, demo.db in the data folder.
    """
    from progleton.demo.run import build_demo

    s = settings()
    if state.db is None:
        s = s.with_(db_url=demo_db_url())
    sock = _listen(host, port) if serve_site else None
    store = _open(s)
    pipeline = Pipeline(s, store)
    out.print(f"Building the demo in {s.db_url}")
    try:
        setup, report, publishers = build_demo(
            pipeline, publisher_port, lambda p: run_crawl(p, quiet)
        )
    except OSError as exc:
        console.print(f"[red]Cannot start the demo publishers on port {publisher_port}:[/] {exc}")
        raise typer.Exit(1) from exc
    out.print(
        f"{publishers} demo publishers: {setup.followed} followed now, "
        f"{setup.already} already followed, {len(setup.failed)} failed"
    )
    for line in setup.failed:
        console.print(f"[yellow]![/] {line}")
    if report.sources:
        out.print(report.summary())
    else:
        out.print("Every demo source is up to date (nothing due).")
    out.print(pipeline.cluster_pending().summary())
    if enrich_articles:
        enrich_new(s, store)
    out.print(f"{store.count_articles()} articles stored in {store.count_stories()} stories.")
    pipeline.close()
    store.close()
    if sock is not None:
        _serve(s, sock)


@app.command()
def cluster(
    batch: Annotated[int, typer.Option(min=1, help="Articles placed per transaction.")] = 500,
) -> None:
    """Place stored articles not yet in a story (crawl does this after every round).

    Resumable: an interrupted run leaves whole batches placed and the next run goes on.
    """
    s = settings()
    store = _open(s)
    pipeline = Pipeline(s, store)
    try:
        waiting = store.count_unclustered()
        if not waiting:
            out.print(f"Every article is in a story ({store.count_stories()} stories).")
            return
        out.print(pipeline.cluster_pending(batch=batch).summary())
    finally:
        pipeline.close()
        store.close()


@app.command()
def enrich(
    batch: Annotated[int, typer.Option(min=1, help="Articles enriched per round.")] = 64,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after this many.")] = None,
) -> None:
    """Find people, organisations, places and who said what in stored articles.

    Resumable: each article is stored with its entities and quotes in one transaction, and
    the next run goes on with the articles not yet enriched.
    """
    from progleton.enrich.stage import enrich_pending

    s = settings()
    store = _open(s)
    try:
        waiting = store.count_unenriched()  # type: ignore[attr-defined]
        if not waiting:
            out.print("Every article is enriched.")
            return
        report = enrich_pending(store, s, batch=batch, limit=limit)  # type: ignore[arg-type]
        if report.busy:
            out.print("Another process is enriching; nothing done.")
            return
        out.print(
            f"Enriched {report.articles - report.skipped} articles{skipped_note(report)}: "
            f"{report.quotes} quotes, "
            f"{report.mentions} entity mentions, {report.per_second:.1f} articles/s; "
            f"{report.waiting} waiting."
        )
    finally:
        store.close()


class BackfillBar:
    """Draws backfill events: bytes of archive read, with running counts by outcome."""

    def __init__(self, progress: Progress, total_bytes: int) -> None:
        self.p = progress
        self.task = progress.add_task("backfill", total=total_bytes or None, stats="starting")

    def planned(self, files: int, finished_before: int) -> None:
        """Say which files an earlier run finished."""
        if finished_before:
            self.p.console.print(f"{finished_before} of {files} files already done: skipped")

    def batch_stored(self, result: ChunkResult, report: BackfillReport) -> None:
        """Advance by the bytes the chunk covered; show the running counts."""
        end = result.next_offset
        if end is None:
            end = Path(result.path).stat().st_size if Path(result.path).exists() else result.start
        top = ", ".join(f"{n} {k}" for k, n in report.skipped.most_common(4))
        self.p.update(
            self.task,
            advance=max(0, end - result.start),
            stats=f"{report.records} records, {report.kept} kept, {report.stored} stored"
            + (f", {report.already} already stored" if report.already else "")
            + (f" | skipped: {top}" if top else ""),
        )


@app.command()
def backfill(
    files: Annotated[
        list[str], typer.Argument(help="WARC files or glob patterns (.warc.gz or .warc).")
    ],
    scheduler: Annotated[
        str | None,
        typer.Option(help="A Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)."),
    ] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes of the local cluster (default: CPUs).")
    ] = max(1, os.cpu_count() or 1),
    host: Annotated[
        list[str] | None,
        typer.Option("--host", help="Keep only this host and its subdomains (repeatable)."),
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option("--language", help="Keep only this language, e.g. en (repeatable)."),
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(help="Keep pages captured (and published) from this date.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="... and before this date (UTC, exclusive).")
    ] = None,
    batch: Annotated[
        int, typer.Option(min=1, help="Records one worker task reads (a checkpoint each).")
    ] = 2000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Store the news articles of Common Crawl WARC archives (e.g. CC-NEWS), on Dask.

    Workers read, filter and extract; this process stores. Resumable: each file's progress is
    checkpointed in the database, so a re-run skips finished files and goes on with the rest.
    """
    from progleton.scale.backfill import expand_paths
    from progleton.sources.warc import WarcFilter

    s = settings()
    try:
        paths = expand_paths(files)
    except ProgletonError as exc:
        console.print(f"[red]error:[/] {exc.reason}")
        raise typer.Exit(2) from exc
    filters = WarcFilter.build(host or [], language or [], since, until)
    store = _open(s)
    pipeline = Pipeline(s, store)
    remaining = 0
    for path in paths:
        checkpoint = store.warc_checkpoint(str(path))
        if checkpoint is None or not checkpoint.done:
            remaining += path.stat().st_size - (checkpoint.next_offset if checkpoint else 0)
    try:
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[stats]}"),
            console=console,
            disable=quiet,
            transient=False,
        ) as progress:
            report = pipeline.backfill_warc(
                paths,
                filters,
                scheduler=scheduler,
                workers=workers,
                batch=batch,
                progress=BackfillBar(progress, max(0, remaining)),
            )
        out.print(report.summary())
        for failed, why in report.files_failed.items():
            console.print(f"[yellow]![/] {failed}: {why} (a re-run resumes it)")
        if report.stored:
            out.print("`progleton cluster` places the new articles in stories.")
        if report.files_failed:
            raise typer.Exit(1)
    except KeyboardInterrupt:
        console.print("stopped: a re-run resumes after the last stored batch")
        raise typer.Exit(130) from None
    finally:
        pipeline.close()
        store.close()


@app.command("migrate-store")
def migrate_store(
    source_url: Annotated[
        str, typer.Option("--from", help="The store to copy, e.g. sqlite:///path/progleton.db")
    ],
    target_url: Annotated[
        str, typer.Option("--to", help="Where to copy it, e.g. postgresql://user@host/db")
    ],
    batch: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = 1000,
) -> None:
    """Copy a whole store to another database losslessly, then compare counts and checksums.

    Resumable: run it again after an interruption and it continues where it stopped.
    """
    from progleton.store.sql import SQLStore
    from progleton.store.transfer import copy_store

    src, dst = _open(settings().with_(db_url=source_url)), None
    try:
        dst = _open(settings().with_(db_url=target_url))
        if not isinstance(src, SQLStore) or not isinstance(dst, SQLStore):
            raise typer.BadParameter("both stores must be SQL databases")
        with Progress(
            TextColumn("[bold]{task.description:>20}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            tasks: dict[str, TaskID] = {}

            def advance(table: str, done: int, total: int) -> None:
                if table not in tasks:
                    tasks[table] = progress.add_task(table, total=total)
                progress.update(tasks[table], completed=done)

            report = copy_store(src, dst, batch=batch, progress=advance)
        for t in report.tables:
            mark = "[green]ok[/]" if t.ok else "[red]MISMATCH[/]"
            console.print(
                f"{t.name:>22}: {t.source_rows} rows, {t.copied} copied now, "
                f"{t.target_rows} in the target, checksums {mark}"
            )
        if not report.ok:
            console.print("[red]The copy does not match the source.[/] Run it again to resume.")
            raise typer.Exit(1)
        out.print(f"Copied {source_url} to {target_url}: every table matches.")
    finally:
        src.close()
        if dst is not None:
            dst.close()


@app.command()
def info() -> None:
    """Show version, database and what is stored."""
    s = settings()
    store = _open(s)
    out.print(f"Progleton {__version__}")
    out.print(f"database:  {s.db_url}")
    out.print(f"data dir:  {default_data_dir()}")
    out.print(f"sources:   {len(store.list_sources())}")
    out.print(f"articles:  {store.count_articles()}")
    out.print(f"stories:   {store.count_stories()} ({store.count_unclustered()} articles waiting)")
    store.close()
    demo_path = default_data_dir() / "demo.db"
    if s.db_url != demo_db_url() and demo_path.exists():
        out.print(f"demo:      `progleton --db {demo_db_url()} ...` reads the demo's database")


def main() -> None:
    """Console entry point."""
    app()
