"""The store against real databases: every test taking `store` runs on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from progleton.models import Article, FeedEntry, FetchLogEntry, Source
from progleton.store import Cursor, Store, open_store
from progleton.store.migrate import current_revisions, head_revisions
from progleton.store.sqlite import SQLiteStore

T0 = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)


def art(n: int, **kw: object) -> Article:
    base: dict[str, object] = {
        "url": f"https://news.example/story/{n}",
        "title": f"Story number {n}",
        "paragraphs": [f"Body of story {n} about the harbour.", "Second paragraph."],
        "published": T0 - timedelta(hours=n),
        "publisher": "Example News",
    }
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_migrations_create_schema_and_are_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    first = open_store(url)
    assert isinstance(first, SQLiteStore)
    assert current_revisions(first.engine) == head_revisions()
    first.close()
    again = open_store(url)  # second open must not re-run or fail
    assert isinstance(again, SQLiteStore)
    con = sqlite3.connect(tmp_path / "m.db")
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert {"sources", "articles", "feed_entries", "fetch_log", "articles_fts"} <= tables
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_source_add_is_idempotent_and_updates_persist(store: Store) -> None:
    a = store.add_source(Source(feed_url="https://a.example/feed", title="A"))
    b = store.add_source(Source(feed_url="https://a.example/feed", title="changed"))
    assert a.id == b.id and b.title == "A"
    a.last_error, a.error_count, a.etag = "HTTP 500 Internal Server Error", 2, '"v1"'
    a.next_check_at = T0
    store.update_source(a)
    got = store.get_source(a.id or 0)
    assert got is not None
    assert (got.last_error, got.error_count, got.etag, got.next_check_at) == (
        "HTTP 500 Internal Server Error",
        2,
        '"v1"',
        T0,
    )


def test_due_sources_respects_schedule_and_pause(store: Store) -> None:
    never = store.add_source(Source(feed_url="https://n.example/feed"))
    later = store.add_source(Source(feed_url="https://l.example/feed"))
    paused = store.add_source(Source(feed_url="https://p.example/feed"))
    later.next_check_at = T0 + timedelta(hours=1)
    store.update_source(later)
    paused.paused = True
    store.update_source(paused)
    assert [s.id for s in store.due_sources(T0)] == [never.id]
    assert {s.id for s in store.due_sources(T0 + timedelta(hours=2))} == {never.id, later.id}


def test_save_article_is_idempotent_by_canonical_url(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://news.example/feed"))
    first = store.save_article(art(1), source_id=src.id, guid="g1")
    again = store.save_article(art(1), source_id=src.id, guid="g1")
    tracked = store.save_article(
        art(1, url="https://NEWS.example/story/1?utm_source=rss&utm_medium=x#top"),
        source_id=src.id,
        guid="g1-other-feed",
    )
    assert first.created and not again.created and not tracked.created
    assert first.article_id == again.article_id == tracked.article_id
    assert store.count_articles() == 1
    assert store.seen_guids(src.id or 0, ["g1", "g1-other-feed", "g2"]) == {"g1", "g1-other-feed"}


def test_same_guid_with_changed_url_is_same_article(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://news.example/feed"))
    a = store.save_article(art(1), source_id=src.id, guid="urn:1")
    b = store.save_article(
        art(1, url="https://news.example/moved/1"), source_id=src.id, guid="urn:1"
    )
    assert a.article_id == b.article_id and not b.created


def test_find_article_and_link_entry(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://news.example/feed"))
    other = store.add_source(Source(feed_url="https://news.example/atom"))
    saved = store.save_article(
        art(1, url="http://127.0.0.9/story/1", canonical_url="https://news.example/story/1"),
        source_id=src.id,
        guid="g",
    )
    assert store.find_article_id("http://127.0.0.9/story/1") == saved.article_id
    assert store.find_article_id("https://news.example/story/1?utm_campaign=z") == saved.article_id
    assert store.find_article_id("https://news.example/story/2") is None
    store.link_entry(other.id or 0, FeedEntry(guid="g", url="x"), saved.article_id)
    assert store.seen_guids(other.id or 0, ["g"]) == {"g"}


def test_entry_failures_count_until_given_up(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://news.example/feed"))
    entry = FeedEntry(guid="bad", url="https://news.example/bad")
    for expected_seen in (False, False, True):
        store.record_entry_failure(src.id or 0, entry, "HTTP 500 Internal Server Error")
        assert ("bad" in store.seen_guids(src.id or 0, ["bad"])) is expected_seen


def test_latest_articles_keyset_pagination(store: Store) -> None:
    for n in range(25):
        store.save_article(art(n))
    # Two articles with the same time exercise the id tie-break.
    store.save_article(art(100, published=T0 - timedelta(hours=3)))
    seen: list[int] = []
    cursor: Cursor | None = None
    while True:
        page = store.latest_articles(10, before=cursor)
        if not page:
            break
        seen += [a.id or 0 for a in page]
        cursor = Cursor.decode(store.cursor_for(page[-1]).encode())
    assert len(seen) == len(set(seen)) == 26
    times = [store.get_article(i).published for i in seen]  # type: ignore[union-attr]
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]


def test_search_words_phrases_operators_and_escaping(store: Store) -> None:
    store.save_article(
        art(
            1,
            title="Carbon tax <b>vote</b>",
            paragraphs=[
                "Parliament passed the carbon tax on Monday.",
                "Critics & unions objected.",
            ],
            authors=["Jane Smith"],
            publisher="Reuters",
            url="https://www.reuters.com/a",
        )
    )
    store.save_article(
        art(
            2,
            title="Tax on carbon-free fuels",
            paragraphs=["A tax was set. Carbon levels fell."],
            publisher="AP News",
            url="https://apnews.com/b",
            published=datetime(2024, 1, 5, tzinfo=UTC),
        )
    )
    _hits, total = store.search("carbon tax")
    assert total == 2
    phrase, n = store.search('"carbon tax"')
    assert n == 1 and phrase[0].article.title == "Carbon tax <b>vote</b>"
    assert "<mark>carbon tax</mark>" in phrase[0].snippet_html.lower()
    assert store.search("carbon source:reuters")[1] == 1
    assert store.search("carbon source:apnews.com")[1] == 1
    assert store.search("author:smith")[1] == 1
    assert store.search("carbon before:2025-01-01")[1] == 1
    assert store.search("carbon after:2025-01-01")[1] == 1
    assert store.search("carbon -unions")[1] == 1
    # Snippets are escaped text with <mark> as the only markup.
    unions, _ = store.search("unions")
    assert "&amp;" in unions[0].snippet_html and "<b>" not in unions[0].snippet_html
    # Syntax that would break a raw FTS5 query is just words.
    for odd in ['"unbalanced', "AND OR NOT", "title:*", "(", "NEAR(a b)", "'; drop table"]:
        store.search(odd)
    assert store.search("") == ([], 0)


def test_remove_source_keeps_articles(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://news.example/feed"))
    store.save_article(art(1), source_id=src.id, guid="g")
    assert store.remove_source(src.id or 0)
    assert store.count_articles() == 1 and store.list_sources() == []


def test_fetch_log(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://news.example/feed"))
    for i, outcome in enumerate(["ok", "not_modified", "error"]):
        store.log_fetch(
            FetchLogEntry(
                url=src.feed_url,
                at=T0 + timedelta(minutes=i),
                status=None if outcome == "error" else 200,
                outcome=outcome,
                reason="connection refused" if outcome == "error" else None,
                source_id=src.id,
            )
        )
    log = store.recent_fetches(src.id or 0)
    assert [e.outcome for e in log] == ["error", "not_modified", "ok"]
    assert log[0].reason == "connection refused"


def test_naive_datetimes_are_rejected(store: Store) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        store.save_article(art(1, published=datetime(2025, 1, 1)))


def test_query_reports_ignored_operators() -> None:
    from progleton.store.query import parse_query

    q = parse_query("climate after:notadate before:2025-01-01")
    assert q.words == ["climate"] and q.after is None and q.before is not None
    assert q.problems == ["after:notadate was ignored: dates are written YYYY-MM-DD"]


def test_upgrade_from_first_revision_keeps_data(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from progleton.store.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "insert into sources (feed_url, title, kind, added_at, error_count, paused) "
            "values ('https://old.example/feed', 'Old', 'rss', '2025-01-01 00:00:00', 0, 0)"
        )
    engine.dispose()
    store = open_store(url)
    assert isinstance(store, SQLiteStore)
    assert current_revisions(store.engine) == head_revisions()
    (old,) = store.list_sources()
    assert (old.title, old.websub_state, old.schedule_note) == ("Old", None, None)
    old.websub_state, old.schedule_note = "subscribed", "every ~30 min"
    store.update_source(old)
    again = store.get_source(old.id or 0)
    assert again is not None and again.websub_state == "subscribed"


def test_postgres_migrations_are_idempotent_and_index_search(postgres_url: str) -> None:
    from progleton.store.postgres import PostgresStore

    first = open_store(postgres_url)
    assert isinstance(first, PostgresStore)
    assert current_revisions(first.engine) == head_revisions()
    again = open_store(postgres_url)  # a second worker opening the same database
    assert current_revisions(again.engine) == head_revisions()
    with first.engine.connect() as conn:
        kind = conn.exec_driver_sql(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'articles' AND column_name = 'search' "
            "AND table_schema = current_schema()"
        ).scalar()
    assert kind == "tsvector"
    french = ["Les électeurs ont voté dimanche dans la ville."]
    first.save_article(art(1, title="Élections municipales", language="fr", paragraphs=french))
    english = ["The mayoral elections were held on Sunday."]
    first.save_article(art(2, title="Harbour City votes", language="en", paragraphs=english))
    # Exact words in any language; English queries also match by stem.
    assert first.search("électeurs")[1] == 1
    hits, n = first.search("election")
    assert n == 1 and hits[0].article.title == "Harbour City votes"
    assert "<mark>elections</mark>" in hits[0].snippet_html
    first.close()
    again.close()
