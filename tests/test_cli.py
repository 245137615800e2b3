"""The `progleton` command line, run in-process through Typer's runner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loopback import LOOPBACK, LoopbackServer, free_port
from progleton.cli import app
from progleton.models import utcnow
from progleton.sources import parse_opml
from progleton.store import open_store
from publisher import Publisher

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "000_6017a1295f4de872.txt"
runner = CliRunner()


def cli(db: Path, *args: str) -> str:
    result = runner.invoke(app, ["--db", f"sqlite:///{db}", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_command_has_help() -> None:
    names = ["demo", "serve", "crawl", "add", "import-opml", "export-opml", "extract", "info"]
    names += ["sources", "pause", "resume", "remove", "cluster"]
    for name in names:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, name


def test_add_crawl_info_and_summary_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "c.db"
    monkeypatch.setenv("PROGLETON_PER_HOST_DELAY", "0")
    monkeypatch.setenv("PROGLETON_ALLOW_HOSTS", LOOPBACK)
    with LoopbackServer() as srv:
        Publisher(srv, count=3).install()
        assert "Following Harbour Gazette (rss)" in cli(db, "add", srv.url("/"))
        out = cli(db, "crawl", "--quiet")
        assert "1 source checked (0 unchanged): 3 new articles, 0 duplicates skipped" in out
        assert "no failures" in out
        assert "stories: 3 articles placed" in out  # the story stage runs after the crawl
        again = cli(db, "crawl", "--quiet")
        assert "No source is due" in again  # next check is default_interval away
        assert "stories:" not in again  # nothing new, nothing waiting
    info = cli(db, "info")
    assert "sources:   1" in info and "articles:  3" in info and str(db) in info
    assert "(0 articles waiting)" in info
    assert "Every article is in a story" in cli(db, "cluster")


def test_pause_resume_remove(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    cli(db, "import-opml", str(Path(__file__).parent / "data" / "opml" / "subscriptions.opml"))
    store = open_store(f"sqlite:///{db}")
    first = store.list_sources()[0]
    assert first.id is not None
    assert "Paused" in cli(db, "pause", str(first.id))
    paused = store.get_source(first.id)
    assert paused is not None and paused.paused
    assert first.id not in {s.id for s in store.due_sources(utcnow())}
    assert "paused" in cli(db, "sources")
    assert "Resumed" in cli(db, "resume", str(first.id))
    assert first.id in {s.id for s in store.due_sources(utcnow())}
    assert "Removed" in cli(db, "remove", str(first.id))
    assert store.get_source(first.id) is None
    missing = runner.invoke(app, ["--db", f"sqlite:///{db}", "resume", "9999"])
    assert missing.exit_code == 1 and "No source with id 9999" in missing.output
    store.close()


def test_add_unreachable_reports_reason(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'x.db'}", "add", "ftp://x/y"])
    assert result.exit_code == 1
    assert "Could not add" in result.output and "scheme" in result.output


def test_opml_round_trip_through_cli(tmp_path: Path) -> None:
    src = Path(__file__).parent / "data" / "opml" / "subscriptions.opml"
    db = tmp_path / "o.db"
    out = cli(db, "import-opml", str(src))
    original = {f.xml_url for f in parse_opml(src.read_bytes())}
    assert f"{len(original)} new" in out
    exported = tmp_path / "out.opml"
    cli(db, "export-opml", "--out", str(exported))
    assert {f.xml_url for f in parse_opml(exported.read_bytes())} == original
    # Importing the export changes nothing.
    assert "0 new" in cli(db, "import-opml", str(exported))


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seed is not beside the repository")
def test_extract_seed_dump_as_json(tmp_path: Path) -> None:
    out = cli(
        tmp_path / "e.db",
        "extract",
        str(SEED),
        "--format",
        "json",
        "--now",
        "2025-04-07T18:00:00+00:00",
    )
    data = json.loads(out)
    assert data["title"] == "Kremlin Says Putin Still Supports Ukraine Truce, But Questions Remain"
    assert data["publisher"] == "The Moscow Times"
    assert data["published"].startswith("2025-04-07T11:00:00")
    assert len(data["paragraphs"]) == 12
    assert data["paragraphs"][0].startswith("The Kremlin said Monday")
    assert data["paragraphs"][-1].startswith("Ukraine says any deal should include")
    for junk in (
        "A Message from",
        "Remind me later",
        "paiment",
        "Read Entire Article",
        "Progleton News",
        "7 hours ago",
    ):
        assert junk not in data["text"]


@pytest.mark.slow
def test_demo_builds_offline_and_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    port = str(free_port())
    out = cli(db, "demo", "--no-serve", "--quiet", "--publisher-port", port)
    assert "136 followed now" in out and "0 failed" in out
    # The main job also finds who is named and who said what in every stored article.
    enriched = re.search(r"entities and quotes: (\d+) articles enriched.*?\((\d+) quotes", out)
    assert enriched is not None, out
    store = open_store(f"sqlite:///{db}")
    count = store.count_articles()
    assert count >= 200
    publishers = {a.publisher for a in store.latest_articles(1000)}
    assert len(publishers) >= 20
    sources = store.list_sources()
    assert {s.kind for s in sources} == {"rss", "atom", "json"}
    assert all(s.last_error is None for s in sources)
    # The publisher server is gone, but nothing is due, so a re-run is instant and adds nothing.
    stories = store.count_stories()
    assert 0 < stories <= count and store.count_unclustered() == 0
    again = cli(db, "demo", "--no-serve", "--quiet", "--publisher-port", port)
    assert f"{count} articles stored in {stories} stories" in again
    assert store.count_articles() == count
    assert int(enriched.group(2)) > 0 and store.count_unenriched() == 0  # type: ignore[attr-defined]
    assert "entities and quotes" not in again  # nothing left to enrich
    store.close()


@pytest.mark.slow
def test_serve_prints_url_once_listening_and_refuses_busy_port(tmp_path: Path) -> None:
    import subprocess
    import sys

    import httpx

    db = f"sqlite:///{tmp_path / 's.db'}"
    port = free_port()
    cmd = [sys.executable, "-m", "progleton", "--db", db, "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "Progleton" in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]
        busy = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert busy.returncode == 1
        assert f"Cannot listen on 127.0.0.1:{port}" in busy.stderr
        assert "serving" not in busy.stdout
    finally:
        proc.terminate()
        proc.wait(timeout=10)
