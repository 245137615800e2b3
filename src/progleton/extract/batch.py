"""Batch extraction (`progleton extract --batch DIR_OR_GLOB --out FILE.jsonl`).

Each page becomes one JSON line: the article's fields, or `{"id", "path", "error": {"type",
"reason"}}` when it fails. Pages are extracted in worker processes so that a crash on hostile
markup (lxml and trafilatura are C underneath) costs that page only: the pages that were in
flight when a worker died are retried one at a time, and the one that kills a worker again is
reported as `"type": "crash"`.
"""

from __future__ import annotations

import glob
import gzip
import json
import os
import signal
import zlib
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from progleton.errors import ExtractionError

#: Pages (after decompression) bigger than this are refused unparsed.
MAX_PAGE_BYTES = 50 * 1024 * 1024
#: A page taking longer than this is abandoned (`"type": "timeout"`).
PAGE_TIMEOUT_S = 60
_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".xhtml.gz", ".gz")


def batch_inputs(spec: str) -> list[Path]:
    """The pages named by a directory (every HTML file under it) or a glob pattern, sorted."""
    path = Path(spec).expanduser()
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(_SUFFIXES)]
    elif path.is_file():
        found = [path]
    else:
        found = [Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file()]
    return sorted(found)


def page_id(path: Path) -> str:
    """The page's id in the output: its file name without the HTML and gzip suffixes."""
    name = path.name
    for suffix in (".gz", ".html", ".htm", ".xhtml"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _read(path: Path) -> bytes:
    """The page's bytes, gunzipped when compressed, refused past MAX_PAGE_BYTES."""
    with path.open("rb") as fh:
        head = fh.read(2)
        fh.seek(0)
        if head == b"\x1f\x8b":
            # Read at most one byte past the cap: a gzip bomb is refused without inflating it.
            data = gzip.GzipFile(fileobj=fh).read(MAX_PAGE_BYTES + 1)
        else:
            data = fh.read(MAX_PAGE_BYTES + 1)
    if len(data) > MAX_PAGE_BYTES:
        raise _TooLarge(f"page over {MAX_PAGE_BYTES // (1024 * 1024)} MB")
    return data


class _TooLarge(Exception):
    pass


def _error(path: Path, kind: str, reason: str) -> dict[str, Any]:
    return {"id": page_id(path), "path": str(path), "error": {"type": kind, "reason": reason}}


def extract_file(path: Path) -> dict[str, Any]:
    """One page file -> its JSON record (article fields, or a typed error)."""
    from progleton.extract import extract_article
    from progleton.extract.render import to_dict

    try:
        data = _read(path)
    except _TooLarge as exc:
        return _error(path, "too_large", str(exc))
    except (OSError, EOFError, zlib.error) as exc:
        return _error(path, "unreadable", f"{type(exc).__name__}: {exc}")
    use_alarm = hasattr(signal, "SIGALRM")
    if use_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(PAGE_TIMEOUT_S)
    try:
        article = extract_article(data, None)
    except _Timeout:
        return _error(path, "timeout", f"no result after {PAGE_TIMEOUT_S} s")
    except ExtractionError as exc:
        return _error(path, "no_article", exc.reason)
    except Exception as exc:  # any other failure on one page must not stop the batch
        return _error(path, "error", f"{type(exc).__name__}: {exc}")
    finally:
        if use_alarm:
            signal.alarm(0)
    record: dict[str, Any] = {"id": page_id(path), "path": str(path)}
    record.update(to_dict(article))
    record["url"] = article.url or article.canonical_url or path.resolve().as_uri()
    record["access"] = article.access
    return record


def run_batch(
    paths: list[Path],
    workers: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Extract every page in worker processes; yields records in input order."""
    workers = max(1, workers or min(4, os.cpu_count() or 1))
    done: dict[int, dict[str, Any]] = {}
    next_out = 0
    todo = list(range(len(paths)))
    suspects: list[int] = []
    while todo or suspects:
        if suspects:
            # Pages in flight when a worker died: one at a time, each in its own pool.
            i = suspects.pop(0)
            done[i] = _alone(paths[i])
        else:
            todo, new_suspects = _pool_pass(paths, todo, workers, done)
            suspects.extend(new_suspects)
        while next_out in done:
            yield done.pop(next_out)
            next_out += 1


def _pool_pass(
    paths: list[Path], todo: list[int], workers: int, done: dict[int, dict[str, Any]]
) -> tuple[list[int], list[int]]:
    """Run pages until the list is empty or a worker dies; returns (not started, in flight)."""
    queue = list(todo)
    # Few pages in flight at once: a crash then puts only these under suspicion.
    with ProcessPoolExecutor(workers) as pool:
        running: dict[Future[dict[str, Any]], int] = {}
        while queue or running:
            while queue and len(running) < workers:
                i = queue.pop(0)
                running[pool.submit(extract_file, paths[i])] = i
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = running.pop(fut)
                try:
                    done[i] = fut.result()
                except BrokenProcessPool:
                    lost = [i, *running.values()]
                    return queue, sorted(lost)
    return [], []


def _alone(path: Path) -> dict[str, Any]:
    with ProcessPoolExecutor(1) as pool:
        try:
            return pool.submit(extract_file, path).result()
        except BrokenProcessPool:
            return _error(path, "crash", "the extractor's process died on this page")


def write_jsonl(records: Iterator[dict[str, Any]], out: Path) -> tuple[int, int]:
    """Write records as JSON lines; returns (articles, failures)."""
    ok = failed = 0
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            if "error" in record:
                failed += 1
            else:
                ok += 1
    return ok, failed
