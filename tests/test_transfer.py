"""`migrate-store`: a whole store copied losslessly between backends, resumable, verified."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from progleton.cli import app
from progleton.dedupe.near import fingerprint
from progleton.models import Article, FeedEntry, FetchLogEntry, Source
from progleton.store import Store, open_store
from progleton.store.sql import SQLStore
from progleton.store.transfer import copy_store, verify

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
WORDS = [
    "council", "harbour", "bridge", "cables", "ferry", "engineers", "traffic", "repairs",
    "closure", "inspection", "divers", "anchor", "rust", "statement", "department", "budget",
    "vote", "debate", "waterfront", "shops", "summer", "season",
]  # fmt: skip


def body(n: int) -> list[str]:
    words = random.Random(n).choices(WORDS, k=60)
    return [" ".join(words[:30]) + f" story {n}.", " ".join(words[30:]) + "."]


def fill(store: Store, n: int = 40) -> None:
    src = store.add_source(Source(feed_url="https://a.example/feed", title="A Ünïcode ✓"))
    assert src.id is not None
    for i in range(n):
        a = Article(url=f"https://a.example/{i}", title=f"Story {i} «quoted»", paragraphs=body(i),
                    published=T0 + timedelta(minutes=i), publisher="A", authors=["Ada"],
                    language="en")  # fmt: skip
        store.save_article(a, source_id=src.id, guid=f"g{i}", fingerprint=fingerprint(a.text))
    copy = Article(url="https://b.example/copy", title="Copy", paragraphs=body(3),
                   published=T0 + timedelta(hours=5), publisher="B")  # fmt: skip
    store.save_article(copy, fingerprint=fingerprint(copy.text))
    store.place_copies(100)
    # One more stored and not yet placed: the queue travels with the copy too.
    late = Article(url="https://b.example/late", title="Late", paragraphs=body(7),
                   published=T0 + timedelta(hours=6), publisher="B")  # fmt: skip
    store.save_article(late, fingerprint=fingerprint(late.text))
    store.record_entry_failure(
        src.id, FeedEntry(guid="bad", url="https://a.example/bad"), "HTTP 500"
    )
    store.log_fetch(
        FetchLogEntry(url=src.feed_url, at=T0, status=200, outcome="ok", source_id=src.id)
    )
    store.save_clustering([(1, 1), (2, 1), (3, 2)], [], b"\x00state\xff")
    store.revise_article(1, Article(url="https://a.example/0", title="Story 0 revised",
                                    paragraphs=body(0)))  # fmt: skip


def test_copy_is_lossless_and_verified(tmp_path: Path, store_url: str) -> None:
    source = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    fill(source)
    target = open_store(store_url)
    assert isinstance(source, SQLStore) and isinstance(target, SQLStore)
    report = copy_store(source, target, batch=7)
    assert report.ok, [(t.name, t.source_rows, t.target_rows) for t in report.tables]
    by_name = {t.name: t for t in report.tables}
    assert by_name["articles"].copied == 42 and by_name["article_bands"].copied > 0
    assert by_name["dedupe_queue"].copied == 1 and target.count_unplaced() == 1
    # The copy works as a store: search, copies, stories, history, new ids continue.
    assert target.search("quoted")[1] == 39  # 40 titles had it; one was revised
    assert [a.id for a in target.copies_of(4)] == [41]
    assert [r.title for r in target.title_history(1)] == ["Story 0 «quoted»"]
    assert target.load_cluster_state() == b"\x00state\xff"
    story = target.get_story(1)
    assert story is not None and story.article_count == 2
    # Copying again copies nothing and still matches.
    again = copy_store(source, target)
    assert again.ok and sum(t.copied for t in again.tables) == 0
    new = target.save_article(Article(url="https://c.example/x", title="New", paragraphs=["x"]))
    assert new.created and new.article_id == 43  # ids continue after the copied ones
    source.close()
    target.close()


def test_an_interrupted_copy_resumes(tmp_path: Path, store_url: str) -> None:
    source = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    fill(source, 60)
    target = open_store(store_url)
    assert isinstance(source, SQLStore) and isinstance(target, SQLStore)
    calls = 0

    def crash(table: str, done: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if table == "article_bands" and calls > 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        copy_store(source, target, batch=5, progress=crash)
    partial = verify(source, target)
    assert not partial.ok
    report = copy_store(source, target, batch=5)
    assert report.ok
    by_name = {t.name: t for t in report.tables}
    assert by_name["sources"].copied == 0 and by_name["articles"].copied == 0  # done before
    source.close()
    target.close()


def test_sqlite_to_postgres_and_back_round_trips(tmp_path: Path, postgres_url: str) -> None:
    first = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    fill(first)
    pg = open_store(postgres_url)
    back = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    assert isinstance(first, SQLStore) and isinstance(pg, SQLStore)
    assert isinstance(back, SQLStore)
    assert copy_store(first, pg).ok
    assert copy_store(pg, back).ok
    assert verify(first, back).ok
    with back.engine.connect() as conn:  # SQLite's own full-text index was filled
        hits = conn.execute(
            text("select count(*) from articles_fts where articles_fts match 'revised'")
        ).scalar_one()
    assert hits == 1
    for s in (first, pg, back):
        s.close()


def test_cli_migrate_store(tmp_path: Path) -> None:
    src_url = f"sqlite:///{tmp_path / 'src.db'}"
    source = open_store(src_url)
    fill(source, 5)
    source.close()
    dst_url = f"sqlite:///{tmp_path / 'dst.db'}"
    result = CliRunner().invoke(
        app, ["migrate-store", "--from", src_url, "--to", dst_url], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "every table matches" in result.stdout
    assert "articles: 7 rows, 7 copied now, 7 in the target, checksums ok" in result.output
