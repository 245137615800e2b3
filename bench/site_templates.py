"""Per-site templates on the Fundus set: learn from 4 pages of a publisher, extract the 5th.

    .venv-bench/bin/python bench/site_templates.py                 # ~3 min on 2 cores
    .venv-bench/bin/python bench/site_templates.py --json out.json

Every page is extracted once with `extract_article`; then, for each of the 16 publishers and
each of its 5 pages in turn, `progleton.extract.templates.learn` builds the site's recurring
blocks from the other 4 pages' paragraphs and `apply` removes them from the held-out page. The
table gives mean ROUGE-LSum (as in bench/extraction.py) without and with the template, per
publisher and overall, and how many blocks the templates removed.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from envelope import run_and_report
from extraction import DATA, load_pages, read_html, rouge_lsum


def _extract(page: dict[str, Any]) -> tuple[str, list[str]]:
    from progleton.extract import extract_article

    try:
        return page["key"], extract_article(read_html(page["path"]), page["url"]).paragraphs
    except Exception:  # a failed page scores 0 with or without a template
        return page["key"], []


def _score(args: tuple[str, str, list[str], list[str]]) -> tuple[str, float, float]:
    key, truth, plain, templated = args
    return key, rouge_lsum(truth, "\n".join(plain))[2], rouge_lsum(truth, "\n".join(templated))[2]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Extract, rotate, score."""
    from progleton.extract.templates import apply, learn

    pages = [p for p in load_pages(args.data, False) if p["set"] == "fundus"]
    with cf.ProcessPoolExecutor(args.workers) as pool:
        paras = dict(pool.map(_extract, pages))
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in pages:
        by_site[p["key"].rsplit("_", 1)[0]].append(p)
    jobs, removed = [], {}
    for site_pages in by_site.values():
        for held in site_pages:
            template = learn(paras[p["key"]] for p in site_pages if p is not held)
            kept = apply(paras[held["key"]], template)
            removed[held["key"]] = len(paras[held["key"]]) - len(kept)
            jobs.append((held["key"], held["truth"], paras[held["key"]], kept))
    with cf.ProcessPoolExecutor(args.workers) as pool:
        scores = {k: (a, b) for k, a, b in pool.map(_score, jobs)}
    rows = []
    for site, site_pages in sorted(by_site.items()):
        keys = [p["key"] for p in site_pages]
        rows.append(
            {
                "publisher": site,
                "without": 100 * sum(scores[k][0] for k in keys) / len(keys),
                "with": 100 * sum(scores[k][1] for k in keys) / len(keys),
                "blocks_removed": sum(removed[k] for k in keys),
            }
        )
    n = len(scores)
    rows.append(
        {
            "publisher": "all",
            "without": 100 * sum(a for a, _ in scores.values()) / n,
            "with": 100 * sum(b for _, b in scores.values()) / n,
            "blocks_removed": sum(removed.values()),
        }
    )
    return {"rows": rows, "pages": n}


def main(argv: list[str] | None = None) -> int:
    """Run, print the table and the JSON."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--data", type=Path, default=DATA)
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    run_and_report(lambda: run(args), _report, args.json)
    return 0


def _report(result: dict[str, Any]) -> str:
    lines = [f"{'publisher':<18} {'without':>8} {'with':>8} {'blocks removed':>15}"]
    for r in result["rows"]:
        lines.append(
            f"{r['publisher']:<18} {r['without']:8.2f} {r['with']:8.2f} {r['blocks_removed']:15d}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
