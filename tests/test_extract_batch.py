"""`progleton extract --batch`: one JSON line per page, typed errors, crashes contained."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from progleton.cli import app
from progleton.extract import batch

PAGE = """<!doctype html><html lang="en"><head><title>Council approves the new bridge</title>
<meta property="og:title" content="Council approves the new bridge"></head><body>
<article><h1>Council approves the new bridge</h1>
<p>The city council voted on Tuesday to approve the new bridge over the river, ending a
debate that had lasted for more than three years and divided the neighbourhoods.</p>
<p>Construction is expected to start next spring and to take two years, the mayor said
after the vote, adding that the old crossing would stay open until then.</p>
<p>Opponents said they would study the decision before deciding whether to appeal it in
court, while residents near the site welcomed the end of the uncertainty.</p>
</article></body></html>"""


def _pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "plain.html").write_text(PAGE, encoding="utf-8")
    (folder / "packed.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    (folder / "empty.html").write_text("<html><body></body></html>", encoding="utf-8")
    (folder / "broken.html.gz").write_bytes(b"\x1f\x8bnot really gzip")
    (folder / "notes.txt").write_text("not a page", encoding="utf-8")
    return folder


def test_batch_writes_one_line_per_page_with_typed_errors(tmp_path: Path) -> None:
    folder = _pages(tmp_path)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", "--batch", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in lines}
    assert sorted(by_id) == ["broken", "empty", "packed", "plain"]
    for key in ("plain", "packed"):
        rec = by_id[key]
        for field in ("id", "url", "title", "text", "authors", "published", "language"):
            assert field in rec, field
        assert "publisher" in rec
        assert rec["title"] == "Council approves the new bridge"
        assert "new bridge over the river" in rec["text"]
    assert by_id["empty"]["error"]["type"] == "no_article"
    assert by_id["broken"]["error"]["type"] == "unreadable"


def test_batch_accepts_a_glob(tmp_path: Path) -> None:
    folder = _pages(tmp_path)
    found = batch.batch_inputs(str(folder / "*.gz"))
    assert [p.name for p in found] == ["broken.html.gz", "packed.html.gz"]


def test_oversize_page_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "MAX_PAGE_BYTES", 100)
    page = tmp_path / "big.html"
    page.write_text(PAGE, encoding="utf-8")
    assert batch.extract_file(page)["error"]["type"] == "too_large"


def _dies_on_poison(path: Path) -> dict[str, Any]:
    if "poison" in path.name:
        os._exit(1)  # as a segfault in a C extension would
    return {"id": batch.page_id(path), "ok": True}


def test_a_crashing_page_costs_only_that_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = []
    for name in ("a.html", "poison.html", "b.html", "c.html", "d.html"):
        (tmp_path / name).write_text(PAGE, encoding="utf-8")
        paths.append(tmp_path / name)
    # Workers are forked, so they see the patched function.
    monkeypatch.setattr(batch, "extract_file", _dies_on_poison)
    records = list(batch.run_batch(paths, workers=2))
    assert [r["id"] for r in records] == ["a", "poison", "b", "c", "d"]
    assert records[1]["error"]["type"] == "crash"
    assert all(r.get("ok") for i, r in enumerate(records) if i != 1)
