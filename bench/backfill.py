"""WARC backfill benchmark: records/s end to end on 1 and 2 Dask workers, worker memory, and
the store's write rate on SQLite and PostgreSQL.

    uv run python bench/backfill.py                   # ~1,200 records a size (several minutes)
    uv run python bench/backfill.py --records 400     # quicker
    uv run python bench/backfill.py --json out.json   # also write the results as JSON

What runs:

* Archives: the real pages of the ScrapingHub benchmark and the Fundus evaluation set under
  `--data` (`../shared/bench`), written as gzip-per-record WARC files (response records only,
  like CC-NEWS) with warcio, repeated with varied URLs (`?v=N`) up to `--records` records,
  split over 4 files so both workers have a file to read.
* `read + filter only`: one process reads every record with `sources.warc.read_warc` and a
  host filter that matches nothing: the cost of fastwarc plus the header filters, the floor
  of a heavily filtered backfill.
* `end to end`: `run_backfill` on a local Dask cluster of 1 and 2 worker processes (1 thread
  each) into a fresh SQLite file: reading, extraction, fingerprinting on the workers, storing
  and checkpoints on the driver, cluster start-up excluded (measured apart). Records/s are
  over the run's wall time. The 2-worker run is repeated on an archive twice as large: peak
  RSS per worker must not grow with the archive.
* `store writes`: `--store-articles` articles (pre-extracted pages under varied URLs, so most
  are folded as copies by the content hash, as syndicated news is) saved one by one with
  `save_article` on SQLite and on PostgreSQL (`--postgres`, a fresh schema), articles/s.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import logging
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from envelope import run_and_report, table
from progleton.pagework import extract_and_fingerprint
from progleton.scale.backfill import run_backfill
from progleton.sources.warc import WarcFilter, read_warc
from progleton.store import open_store

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
PG = "postgresql://postgres@127.0.0.1:5432/test"
FILES = 4


def load_pages(data: Path) -> list[tuple[str, bytes]]:
    """(url, html) of every benchmark page."""
    pages: list[tuple[str, bytes]] = []
    for folder, truth_name in (
        (data / "scrapinghub", "ground-truth.json"),
        (data / "fundus-eval" / "dataset", "ground_truth.json"),
    ):
        truth = json.loads((folder / truth_name).read_text())
        for path in sorted((folder / "html").glob("*.html.gz")):
            key = path.name if path.name in truth else path.name.removesuffix(".html.gz")
            url = (truth.get(key) or {}).get("url") or f"https://bench.example/{path.name}"
            pages.append((url, gzip.decompress(path.read_bytes())))
    return pages


def write_archives(folder: Path, pages: list[tuple[str, bytes]], records: int) -> list[Path]:
    """`records` response records over `FILES` gzip-per-record files, URLs made unique."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"bench-{i:02d}.warc.gz" for i in range(FILES)]
    handles = [p.open("wb") for p in paths]
    writers = [WARCWriter(h, gzip=True) for h in handles]
    when = datetime(2024, 6, 1, tzinfo=UTC)
    for n in range(records):
        url, html = pages[n % len(pages)]
        sep = "&" if "?" in url else "?"
        http = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        stamp = (when + timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
        writer = writers[n % FILES]
        writer.write_record(
            writer.create_warc_record(
                f"{url}{sep}v={n // len(pages)}",
                "response",
                payload=io.BytesIO(html),
                http_headers=http,
                warc_headers_dict={"WARC-Date": stamp},
            )
        )
    for h in handles:
        h.close()
    return paths


def bench_read(paths: list[Path]) -> dict[str, Any]:
    """Read + filter only, one process."""
    nothing = WarcFilter.build(["no-such-host.invalid"])
    began = time.perf_counter()
    n = sum(1 for p in paths for _ in read_warc(p, 0, nothing))
    seconds = time.perf_counter() - began
    return {"case": "read + filter only", "workers": 1, "records": n, "seconds": seconds}


def bench_end_to_end(paths: list[Path], workers: int, tmp: Path, label: str) -> dict[str, Any]:
    """run_backfill into a fresh SQLite store on a local cluster of `workers` processes."""
    from distributed import Client, LocalCluster

    store = open_store(f"sqlite:///{tmp / f'{label}-{workers}.db'}")
    began = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    with Client(cluster) as client:
        client.run(lambda: __import__("progleton.pipeline"))  # warm the workers' imports
        startup = time.perf_counter() - began
        address = cluster.scheduler_address
        report = run_backfill(store, paths, WarcFilter(), scheduler=address, workers=workers)
    cluster.close()
    store.close()
    rss = sorted(report.worker_peak_rss_kb.values())
    return {
        "case": f"end to end ({label})",
        "workers": workers,
        "records": report.records,
        "stored": report.stored,
        "seconds": report.seconds,
        "startup_s": round(startup, 1),
        "peak_rss_mb": [round(kb / 1024) for kb in rss],
    }


def bench_store(url: str, items: list[tuple[Any, Any]], count: int) -> dict[str, Any]:
    """save_article `count` times (copies of `items` under new URLs), articles/s."""
    from dataclasses import replace

    store = open_store(url)
    began = time.perf_counter()
    copies = 0
    for n in range(count):
        article, fp = items[n % len(items)]
        store.save_article(
            replace(article, url=f"{article.url}#w{n}", canonical_url=None), fingerprint=fp
        )
    while True:  # the near-duplicate stage, as a crawl or backfill runs it after storing
        n, found = store.place_copies(200)
        if not n:
            break
        copies += found
    seconds = time.perf_counter() - began
    store.close()
    backend = url.split(":", 1)[0]
    return {
        "case": f"store writes ({backend})",
        "articles": count,
        "copies": copies,
        "seconds": seconds,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    pages = load_pages(args.data)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as raw:
        tmp = Path(raw)
        small = write_archives(tmp / "small", pages, args.records)
        large = write_archives(tmp / "large", pages, 2 * args.records)
        rows.append(bench_read(large))
        for workers in (1, 2):
            rows.append(bench_end_to_end(small, workers, tmp, f"{args.records} records"))
        rows.append(bench_end_to_end(large, 2, tmp, f"{2 * args.records} records"))
        items = [extract_and_fingerprint(html, url) for url, html in pages[: args.store_pages]]
        rows.append(bench_store(f"sqlite:///{tmp / 'store.db'}", items, args.store_articles))
        if not args.no_postgres:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            import sqlalchemy as sa

            from progleton.store.postgres import engine_url

            admin = sa.create_engine(engine_url(args.postgres))
            with admin.begin() as conn:
                conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
            try:
                sep = "&" if "?" in args.postgres else "?"
                url = f"{args.postgres}{sep}options=-csearch_path%3D{schema}"
                rows.append(bench_store(url, items, args.store_articles))
            finally:
                with admin.begin() as conn:
                    conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
                admin.dispose()
    for r in rows:
        n = r.get("records", r.get("articles", 0))
        r["per_s"] = round(n / r["seconds"], 1) if r["seconds"] else None
        r["seconds"] = round(r["seconds"], 1)
    e2e = {r["workers"]: r for r in rows if r["case"] == f"end to end ({args.records} records)"}
    scaling = e2e[2]["per_s"] / e2e[1]["per_s"] if e2e[1]["per_s"] else None
    return {
        "pages": len(pages),
        "records": args.records,
        "rows": rows,
        "scaling_1_to_2": round(scaling, 2) if scaling else None,
        "targets": {"records_per_s_2_workers": 150, "scaling": 1.7},
    }


def _table(rows: list[dict[str, Any]]) -> str:
    cols = [
        ("case", "case"), ("workers", "workers"), ("records/articles", "n"), ("s", "seconds"),
        ("per s", "per_s"), ("start-up s", "startup_s"), ("peak RSS MB per worker", "rss"),
    ]  # fmt: skip
    shown = [
        r | {"n": r.get("records", r.get("articles")), "rss": r.get("peak_rss_mb")} for r in rows
    ]
    return table(shown, [(name, key, "{}") for name, key in cols])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--data", type=Path, default=DATA, help="the shared bench data folder")
    p.add_argument("--records", type=int, default=1200, help="records in the smaller archive")
    p.add_argument("--store-pages", type=int, default=60, help="distinct pages for store writes")
    p.add_argument("--store-articles", type=int, default=1000)
    p.add_argument("--postgres", default=os.environ.get("PROGLETON_TEST_POSTGRES", PG))
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--json", type=Path, help="write the results here as JSON")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run_and_report(lambda: run(args), _report, args.json)
    return 0


def _report(result: dict[str, Any]) -> str:
    return (
        _table(result["rows"])
        + f"\nscaling 1 -> 2 workers: {result['scaling_1_to_2']}x (target 1.7x); "
        "target 150 records/s on 2 workers"
    )


if __name__ == "__main__":
    sys.exit(main())
