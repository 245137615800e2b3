"""Per-site templates on the Fundus set: learn from 4 pages of a publisher, extract the 5th.

    .venv-bench/bin/python bench/site_templates.py                 # ~3 min on 2 cores
    .venv-bench/bin/python bench/site_templates.py --min-pages 3 --min-words 4 --json out.json

Every page is extracted once with `extract_page(..., signatures=True)`, which also gives the
signatures of its DOM text blocks (text and position); then, for each of the 16 publishers and
each of its 5 pages in turn, `progleton.extract.templates.learn` builds the site's template
from the other 4 pages' signatures and the held-out page is extracted again with it (its
template blocks removed from the DOM before the body extractor reads it). The table gives
mean ROUGE-LSum (as in bench/extraction.py) without and with the template, per publisher and
overall, and how many DOM blocks the templates removed.
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


def _extract(
    job: tuple[dict[str, Any], Any, Any],
) -> tuple[str, list[str], frozenset[int], int]:
    from progleton.extract.article import extract_page

    page, template, params = job
    try:
        res = extract_page(
            read_html(page["path"]),
            page["url"],
            template=template,
            signatures=template is None,
            params=params,
        )
    except Exception:  # a failed page scores 0 with or without a template
        return page["key"], [], frozenset(), 0
    return page["key"], res.article.paragraphs, res.blocks, res.template_hits


def _score(args: tuple[str, str, list[str], list[str]]) -> tuple[str, float, float]:
    key, truth, plain, templated = args
    return key, rouge_lsum(truth, "\n".join(plain))[2], rouge_lsum(truth, "\n".join(templated))[2]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Extract, rotate, score."""
    from progleton.extract.templates import TemplateParams, learn

    params = TemplateParams(
        min_pages=args.min_pages, min_share=args.min_share, min_words=args.min_words
    )
    pages = [p for p in load_pages(args.data, False) if p["set"] == "fundus"]
    with cf.ProcessPoolExecutor(args.workers) as pool:
        plain = {
            k: (paras, blocks)
            for k, paras, blocks, _ in pool.map(_extract, ((p, None, params) for p in pages))
        }
        by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for p in pages:
            by_site[p["key"].rsplit("_", 1)[0]].append(p)
        held_jobs = []
        for site_pages in by_site.values():
            for held in site_pages:
                template = learn((plain[p["key"]][1] for p in site_pages if p is not held), params)
                held_jobs.append((held, template, params))
        templated = {k: (paras, hits) for k, paras, _, hits in pool.map(_extract, held_jobs)}
        removed = {k: hits for k, (_, hits) in templated.items()}
        jobs = [(p["key"], p["truth"], plain[p["key"]][0], templated[p["key"]][0]) for p in pages]
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
    p.add_argument("--min-pages", type=int, default=2, help="of the 4 learning pages")
    p.add_argument("--min-share", type=float, default=0.0)
    p.add_argument("--min-words", type=int, default=2)
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
