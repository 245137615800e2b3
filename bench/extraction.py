"""Article extraction benchmark: Progleton's extractor against the open-source peers.

    .venv-bench/bin/python bench/extraction.py                  # everything (~6 min on 2 cores)
    .venv-bench/bin/python bench/extraction.py --only progleton,trafilatura
    .venv-bench/bin/python bench/extraction.py --quick          # 30 + 16 pages, no peers' speed
    .venv-bench/bin/python bench/extraction.py --json out.json --pages out-pages.json

The peers are in the `bench` extra, in their own environment so the project's stays as locked:
`UV_PROJECT_ENVIRONMENT=.venv-bench .tools/bin/uv sync --locked --extra bench`.

What runs:

* Data, read from `--data` (`../shared/bench`, never copied): the ScrapingHub
  article-extraction benchmark (181 pages, `scrapinghub/html/<id>.html.gz` and
  `ground-truth.json`) and the Fundus paper's evaluation set (80 pages of 16 publishers,
  `fundus-eval/dataset/html/*.html.gz` and `ground_truth.json`). Every extractor gets the same
  decoded string (`progleton.extract.decode.decode_html` on the bytes) and the page's URL.
* Extractors: Progleton (`extract_article(html, url)`, body = `Article.text`); trafilatura
  2.3.1 (`bare_extraction` with its defaults, and with `favor_precision=True`); readability-lxml
  (`Document.summary()`, blocks as lines); newspaper4k (`fetch_images=False`); goose3;
  resiliparse (`extract_plain_text(main_content=True)`); boilerpy3 (`ArticleExtractor`);
  justext (English stop list). All run in the same process pool (one worker per CPU), one task
  per page, with a 60 s alarm per page; an exception or a timeout counts as an empty output
  and is listed as a failure with its type.
* ScrapingHub metric, as the benchmark's own `evaluate.py`: tokens `\\w+` (case kept), 4-token
  shingles as multisets, per page TP = sum of min counts, FP and FN the surpluses, normalised to
  sum 1; precision = mean TP/(TP+FP) over pages with a non-empty output, recall = mean
  TP/(TP+FN) over all pages, F1 from the two means; accuracy = share of pages whose token
  sequence equals the truth's; "empty" = pages with no output; "<0.5" = pages whose own F1
  is under 0.5.
* Fundus metric, as the paper's: ROUGE-LSum (the `rouge-score` package, default tokenizer,
  no stemming) of the body (paragraphs one per line) against the ground-truth paragraphs, per
  page, averaged, x100. The published outputs of Fundus's own parsers and of trafilatura (in
  `dataset/extractions/`) are scored the same way for reference: our scoring gives Fundus's
  parsers 96.58 (P 99.89 as published, R 94.68 against the published 96.75), so compare rows
  of this table with each other, not with the paper's 97.69.
* Metadata: the stored ground truth has no title, author or date (only url, body and crawl
  date), so the table gives how often each tool finds a title, authors and a date, and how
  often that date is plausible (not after the crawl, not more than 30 days before it); Fundus
  pages are all news of the crawl week.
* Speed: after the quality runs, Progleton and trafilatura (default) each run alone in one
  fresh worker process over the 181 ScrapingHub pages, twice (the first pass warms caches; the
  second is timed): pages/s from CPU time (the machine is shared; wall time is also given),
  median and p95 of the per-page wall time in ms.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import gzip
import json
import os
import re
import signal
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from envelope import run_and_report, table

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
ALL = [
    "progleton",
    "progleton_trafilatura_body",
    "trafilatura",
    "trafilatura_precision",
    "readability",
    "newspaper4k",
    "goose3",
    "resiliparse",
    "boilerpy3",
    "justext",
]
PAGE_TIMEOUT_S = 60
_TOKEN = re.compile(r"\w+", re.UNICODE)

# --- data ------------------------------------------------------------------------------------


def load_pages(data: Path, quick: bool) -> list[dict[str, Any]]:
    """Both sets as page records: set, key, path, url, truth (and crawl date on Fundus)."""
    pages: list[dict[str, Any]] = []
    sh = json.loads((data / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(sh)[:30] if quick else sorted(sh)
    for key in keys:
        pages.append(
            {
                "set": "scrapinghub",
                "key": key,
                "path": str(data / "scrapinghub" / "html" / f"{key}.html.gz"),
                "url": sh[key].get("url"),
                "truth": sh[key]["articleBody"],
            }
        )
    fd = data / "fundus-eval" / "dataset"
    fundus = json.loads((fd / "ground_truth.json").read_text(encoding="utf-8"))
    keys = sorted(k for k in fundus if k.endswith("_0.html.gz")) if quick else sorted(fundus)
    for key in keys:
        item = fundus[key]
        pages.append(
            {
                "set": "fundus",
                "key": key,
                "path": str(fd / "html" / key),
                "url": item.get("url"),
                "truth": "\n".join(item["body"]),
                "crawl_date": item.get("crawl_date"),
            }
        )
    return pages


def read_html(path: str) -> str:
    """The page as every extractor gets it: Progleton's decoder on the stored bytes."""
    from progleton.extract.decode import decode_html

    return decode_html(gzip.decompress(Path(path).read_bytes()))


# --- extractors (run in the workers) ---------------------------------------------------------

Result = dict[str, Any]  # text, title, authors, date


def _blocks_text(fragment: str) -> str:
    """An HTML fragment's text with one line per block element (for ROUGE-LSum lines)."""
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr"}
    for el in root.iter():
        if el.tag == "br" or (isinstance(el.tag, str) and el.tag in blocks):
            el.tail = "\n" + (el.tail or "")
    text = root.text_content()
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def _date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def ex_progleton(html: str, url: str | None, finder: bool = True) -> Result:
    from progleton.extract import extract_article

    a = extract_article(html, url, finder=finder)
    return {"text": a.text, "title": a.title, "authors": a.authors, "date": _date(a.published)}


def ex_progleton_trafilatura_body(html: str, url: str | None) -> Result:
    """Progleton with its own body finder switched off: trafilatura finds every body."""
    return ex_progleton(html, url, finder=False)


def _trafilatura(html: str, url: str | None, precision: bool) -> Result:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, favor_precision=precision)
    if doc is None:
        return {"text": ""}
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return {"text": doc.text or "", "title": doc.title, "authors": authors, "date": doc.date}


def ex_trafilatura(html: str, url: str | None) -> Result:
    return _trafilatura(html, url, False)


def ex_trafilatura_precision(html: str, url: str | None) -> Result:
    return _trafilatura(html, url, True)


def ex_readability(html: str, url: str | None) -> Result:
    from readability import Document

    doc = Document(html, url=url)
    return {"text": _blocks_text(doc.summary(html_partial=True)), "title": doc.short_title()}


def ex_newspaper4k(html: str, url: str | None) -> Result:
    import newspaper

    art = newspaper.Article(url or "https://example.com/", fetch_images=False)
    art.download(input_html=html)
    art.parse()
    return {
        "text": art.text,
        "title": art.title,
        "authors": list(art.authors),
        "date": _date(art.publish_date),
    }


_GOOSE: Any = None


def ex_goose3(html: str, url: str | None) -> Result:
    global _GOOSE
    if _GOOSE is None:
        from goose3 import Goose

        _GOOSE = Goose({"enable_image_fetching": False})
    art = _GOOSE.extract(raw_html=html, url=url)
    return {
        "text": art.cleaned_text,
        "title": art.title,
        "authors": list(art.authors or []),
        "date": _date(art.publish_date),
    }


def ex_resiliparse(html: str, url: str | None) -> Result:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(html)
    return {"text": extract_plain_text(tree, main_content=True), "title": tree.title}


def ex_boilerpy3(html: str, url: str | None) -> Result:
    from boilerpy3 import extractors

    doc = extractors.ArticleExtractor(raise_on_failure=False).get_doc(html)
    return {"text": doc.content, "title": doc.title}


def ex_justext(html: str, url: str | None) -> Result:
    import justext

    paras = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return {"text": "\n".join(p.text for p in paras if not p.is_boilerplate)}


EXTRACTORS: dict[str, Callable[[str, str | None], Result]] = {
    "progleton": ex_progleton,
    "progleton_trafilatura_body": ex_progleton_trafilatura_body,
    "trafilatura": ex_trafilatura,
    "trafilatura_precision": ex_trafilatura_precision,
    "readability": ex_readability,
    "newspaper4k": ex_newspaper4k,
    "goose3": ex_goose3,
    "resiliparse": ex_resiliparse,
    "boilerpy3": ex_boilerpy3,
    "justext": ex_justext,
}

# --- metrics ---------------------------------------------------------------------------------


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    toks = _TOKEN.findall(text or "")
    return Counter(tuple(toks[i : i + n]) for i in range(max(1, len(toks) - n + 1)) if toks)


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    """ScrapingHub's per-page (TP, FP, FN) over 4-token shingle multisets, normalised."""
    a, b = _shingles(true), _shingles(pred)
    tp = sum((a & b).values())
    fp = sum((b - a).values())
    fn = sum((a - b).values())
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


_ROUGE: Any = None


def rouge_lsum(truth: str, pred: str) -> tuple[float, float, float]:
    """ROUGE-LSum (P, R, F1) with rouge-score's defaults, as in the Fundus paper."""
    global _ROUGE
    if _ROUGE is None:
        from rouge_score import rouge_scorer

        _ROUGE = rouge_scorer.RougeScorer(["rougeLsum"])
    if not pred.strip():
        return 0.0, 0.0, 0.0
    s = _ROUGE.score(truth, pred)["rougeLsum"]
    return s.precision, s.recall, s.fmeasure


def score_page(page: dict[str, Any], text: str) -> dict[str, Any]:
    """The page's scores for its set."""
    if page["set"] == "scrapinghub":
        tp, fp, fn = shingle_match(page["truth"], text)
        return {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0,
            "exact": _TOKEN.findall(page["truth"]) == _TOKEN.findall(text or ""),
        }
    # ROUGE-LSum splits on newlines; blank lines between paragraphs are dropped by it.
    p, r, f = rouge_lsum(page["truth"], text)
    return {"rouge_p": p, "rouge_r": r, "rouge_f": f}


# --- workers ---------------------------------------------------------------------------------


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def run_task(name: str, page: dict[str, Any]) -> dict[str, Any]:
    """Extract one page with one tool and score it (in a worker process)."""
    html = read_html(page["path"])
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(PAGE_TIMEOUT_S)
    t0, c0 = time.perf_counter(), time.process_time()
    error = None
    try:
        res = EXTRACTORS[name](html, page["url"])
    except _Timeout:
        res, error = {"text": ""}, "timeout"
    except Exception as exc:  # a peer failing on a page is a result, not a bench crash
        res, error = {"text": ""}, f"{type(exc).__name__}: {str(exc)[:120]}"
    finally:
        signal.alarm(0)
    ms = (time.perf_counter() - t0) * 1000
    cpu_ms = (time.process_time() - c0) * 1000
    text = res.get("text") or ""
    out = {
        "tool": name,
        "set": page["set"],
        "key": page["key"],
        "ms": ms,
        "cpu_ms": cpu_ms,
        "error": error,
        "text": text,
        "title": res.get("title") or "",
        "authors": [a for a in res.get("authors") or [] if a],
        "date": res.get("date"),
    }
    out.update(score_page(page, text))
    return out


def run_pool(tasks: list[tuple[str, dict[str, Any]]], workers: int) -> list[dict[str, Any]]:
    """Every task in a process pool; a pool broken by a crashing worker is restarted."""
    results: dict[int, dict[str, Any]] = {}
    todo = list(range(len(tasks)))
    for _ in range(3):
        if not todo:
            break
        with cf.ProcessPoolExecutor(workers) as pool:
            futs = {pool.submit(run_task, *tasks[i]): i for i in todo}
            for fut in cf.as_completed(futs):
                try:
                    results[futs[fut]] = fut.result()
                except cf.process.BrokenProcessPool:
                    continue
        todo = [i for i in todo if i not in results]
    for i in todo:  # crashed three times: a crash of the extractor on that page
        name, page = tasks[i]
        results[i] = {"tool": name, "set": page["set"], "key": page["key"], "error": "crash"}
        results[i].update({"ms": 0.0, "cpu_ms": 0.0, "text": "", "title": "", "authors": []})
        results[i].update(score_page(page, ""))
    return [results[i] for i in range(len(tasks))]


def speed_run(name: str, pages: list[dict[str, Any]]) -> dict[str, Any]:
    """One tool alone on one core over the pages, the second of two passes timed."""
    htmls = [(read_html(p["path"]), p["url"]) for p in pages]
    fn = EXTRACTORS[name]
    for html, url in htmls:  # warm-up: imports, caches, lazily built models
        with contextlib.suppress(Exception):  # failures are counted in the quality run
            fn(html, url)
    walls: list[float] = []
    c0, t0 = time.process_time(), time.perf_counter()
    for html, url in htmls:
        s = time.perf_counter()
        with contextlib.suppress(Exception):  # failures are counted in the quality run
            fn(html, url)
        walls.append((time.perf_counter() - s) * 1000)
    cpu, wall = time.process_time() - c0, time.perf_counter() - t0
    walls.sort()
    return {
        "tool": name,
        "pages": len(htmls),
        "pages_per_s_cpu": len(htmls) / cpu,
        "pages_per_s_wall": len(htmls) / wall,
        "median_ms": statistics.median(walls),
        "p95_ms": walls[min(len(walls) - 1, int(0.95 * len(walls)))],
    }


# --- aggregation -----------------------------------------------------------------------------


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def summarise(rows: list[dict[str, Any]], pages: list[dict[str, Any]]) -> dict[str, Any]:
    """One tool's row of the table from its per-page results."""
    crawl = {p["key"]: p.get("crawl_date") for p in pages}
    sh = [r for r in rows if r["set"] == "scrapinghub"]
    fd = [r for r in rows if r["set"] == "fundus"]
    out: dict[str, Any] = {"tool": rows[0]["tool"]}
    if sh:
        nonempty = [r for r in sh if r["tp"] + r["fp"] > 0]
        p = _mean([r["tp"] / (r["tp"] + r["fp"]) for r in nonempty]) or 0.0
        rec = _mean([r["tp"] / (r["tp"] + r["fn"]) if r["tp"] + r["fn"] else 0.0 for r in sh])
        rec = rec or 0.0
        out.update(
            sh_precision=p,
            sh_recall=rec,
            sh_f1=2 * p * rec / (p + rec) if p + rec else 0.0,
            sh_accuracy=_mean([float(r["exact"]) for r in sh]),
            sh_empty=sum(1 for r in sh if not r["text"].strip()),
            sh_under_half=sum(1 for r in sh if r["f1"] < 0.5),
            sh_mean_page_f1=_mean([r["f1"] for r in sh]),
        )
    if fd:
        out.update(
            fd_rouge_p=100 * (_mean([r["rouge_p"] for r in fd]) or 0.0),
            fd_rouge_r=100 * (_mean([r["rouge_r"] for r in fd]) or 0.0),
            fd_rouge_f=100 * (_mean([r["rouge_f"] for r in fd]) or 0.0),
            fd_empty=sum(1 for r in fd if not r["text"].strip()),
            fd_title=_mean([float(bool(r["title"].strip())) for r in fd]),
            fd_authors=_mean([float(bool(r["authors"])) for r in fd]),
            fd_date=_mean([float(bool(r.get("date"))) for r in fd]),
            fd_date_ok=_mean([float(_plausible(r.get("date"), crawl[r["key"]])) for r in fd]),
        )
    out["failures"] = Counter(
        (r["error"] or "").split(":")[0] for r in rows if r.get("error")
    ).most_common()
    out["ms_median_pool"] = statistics.median([r["ms"] for r in rows]) if rows else None
    return out


def _plausible(date: str | None, crawl: str | None) -> bool:
    if not date or not crawl:
        return False
    try:
        d = datetime.fromisoformat(date.replace("Z", "+00:00")).replace(tzinfo=None)
        c = datetime.fromisoformat(crawl)
    except ValueError:
        return False
    # Compare days: a date-only value means the whole day.
    return c.date() - timedelta(days=30) <= d.date() <= c.date()


def published_rows(data: Path) -> list[dict[str, Any]]:
    """The published outputs of Fundus's parsers and trafilatura, scored like ours."""
    fd = data / "fundus-eval" / "dataset"
    truth = json.loads((fd / "ground_truth.json").read_text(encoding="utf-8"))
    out = []
    for name in ("fundus", "trafilatura"):
        ext = json.loads((fd / "extractions" / f"{name}.json").read_text(encoding="utf-8"))
        scores = []
        for key, item in truth.items():
            body = ext.get(key, {}).get("body") or []
            pred = "\n".join(body) if isinstance(body, list) else str(body)
            scores.append(rouge_lsum("\n".join(item["body"]), pred))
        out.append(
            {
                "tool": f"{name} (published output)",
                "fd_rouge_p": 100 * sum(s[0] for s in scores) / len(scores),
                "fd_rouge_r": 100 * sum(s[1] for s in scores) / len(scores),
                "fd_rouge_f": 100 * sum(s[2] for s in scores) / len(scores),
            }
        )
    return out


# --- report ----------------------------------------------------------------------------------


def report(result: dict[str, Any]) -> str:
    """The printed table."""
    speed = {s["tool"]: s for s in result.get("speed", [])}
    if not result["tools"]:  # --speed-only
        result = {**result, "tools": [{"tool": t, "failures": []} for t in speed]}
    rows = []
    for r in result["tools"]:
        row = dict(r)
        s = speed.get(r["tool"])
        if s:
            row.update(pps=s["pages_per_s_cpu"], med=s["median_ms"], p95=s["p95_ms"])
        rows.append(row)
    cols = [
        ("tool", "tool", "{}"),
        ("SH P", "sh_precision", "{:.4f}"), ("SH R", "sh_recall", "{:.4f}"),
        ("SH F1", "sh_f1", "{:.4f}"), ("acc", "sh_accuracy", "{:.3f}"),
        ("empty", "sh_empty", "{}"), ("<0.5", "sh_under_half", "{}"),
        ("Fundus R-LSum F1", "fd_rouge_f", "{:.2f}"), ("P", "fd_rouge_p", "{:.2f}"),
        ("R", "fd_rouge_r", "{:.2f}"), ("empty", "fd_empty", "{}"),
        ("title", "fd_title", "{:.2f}"), ("authors", "fd_authors", "{:.2f}"),
        ("date", "fd_date", "{:.2f}"), ("date ok", "fd_date_ok", "{:.2f}"),
        ("pages/s 1 core", "pps", "{:.1f}"), ("median ms", "med", "{:.1f}"),
        ("p95 ms", "p95", "{:.1f}"),
    ]  # fmt: skip
    out = [
        f"ScrapingHub: {result['pages']['scrapinghub']} pages; Fundus eval set: "
        f"{result['pages']['fundus']} pages; pool of {result['workers']} worker processes",
        "",
        table(rows + result.get("published", []), cols),
    ]
    fails = [f"{r['tool']}: {r['failures']}" for r in result["tools"] if r["failures"]]
    if fails:
        out += ["", "failures (counted as empty outputs): " + "; ".join(fails)]
    if "progleton" in speed and "trafilatura" in speed:
        ratio = speed["progleton"]["pages_per_s_cpu"] / speed["trafilatura"]["pages_per_s_cpu"]
        out.append(f"speed: Progleton / trafilatura (default) = x{ratio:.2f} (CPU time, one core)")
    return "\n".join(out)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Quality runs in the pool, then the speed runs one at a time."""
    pages = load_pages(args.data, args.quick)
    tools = [t for t in (args.only.split(",") if args.only else ALL) if t]
    tasks = [] if args.speed_only else [(t, p) for t in tools for p in pages]
    per_page = run_pool(tasks, args.workers)
    result: dict[str, Any] = {
        "pages": Counter(p["set"] for p in pages),
        "workers": args.workers,
        "tools": [
            summarise([r for r in per_page if r["tool"] == t], pages)
            for t in tools
            if not args.speed_only
        ],
    }
    if not args.quick and not args.only:
        result["published"] = published_rows(args.data)
    if not args.no_speed:
        sh = [p for p in pages if p["set"] == "scrapinghub"]
        result["speed"] = []
        timed = ("progleton", "progleton_trafilatura_body", "trafilatura")
        for t in [t for t in timed if t in tools]:
            # A fresh process each, alone: nothing of the pool's work or imports carried over.
            with cf.ProcessPoolExecutor(1) as pool:
                result["speed"].append(pool.submit(speed_run, t, sh).result())
    if args.pages:
        slim = [{k: v for k, v in r.items()} for r in per_page]
        args.pages.write_text(json.dumps(slim, ensure_ascii=False, indent=1) + "\n")
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--data", type=Path, default=DATA, help="the shared bench data folder")
    p.add_argument("--only", help=f"comma-separated tools (default all: {','.join(ALL)})")
    p.add_argument("--quick", action="store_true", help="30 ScrapingHub + 16 Fundus pages")
    p.add_argument("--no-speed", action="store_true", help="skip the one-core speed runs")
    p.add_argument("--speed-only", action="store_true", help="only the one-core speed runs")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--json", type=Path, help="write the results here as JSON")
    p.add_argument("--pages", type=Path, help="write every page's output and scores here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run, print the table and the JSON."""
    args = parse_args(argv)
    run_and_report(lambda: run(args), report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
