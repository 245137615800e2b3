"""Use cases end to end against a loopback publisher: add, crawl, re-crawl, failures."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from loopback import LOOPBACK, LoopbackServer, free_port, run
from progleton.config import Settings
from progleton.errors import DiscoveryError
from progleton.models import Source, utcnow
from progleton.pipeline import CrawlReport, Pipeline
from progleton.store import open_store
from progleton.store.sqlite import SQLiteStore
from publisher import Publisher, paragraphs_for


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}", per_host_delay=0.0, allow_hosts=LOOPBACK
    )


@pytest.fixture
def store(settings: Settings) -> SQLiteStore:
    s = open_store(settings.db_url)
    assert isinstance(s, SQLiteStore)
    return s


def test_add_homepage_discovers_feed_then_crawl_stores_clean_articles(
    settings: Settings, store: SQLiteStore
) -> None:
    with LoopbackServer() as srv:
        pub = Publisher(srv, count=4).install()
        pipe = Pipeline(settings, store)
        source = run(pipe.add_source(srv.url("/")))
        assert source.feed_url == srv.url("/feed.xml")
        assert source.title == "Harbour Gazette" and source.kind == "rss"

        report = run(pipe.crawl())
        assert (report.new, report.duplicates, sum(report.failures.values())) == (4, 0, 0)
        articles = store.latest_articles(10)
        assert [a.title for a in articles] == [f"Harbour story {n}" for n in range(4)]
        for a in articles:
            n = int(a.title.rsplit(" ", 1)[1])
            assert a.paragraphs == paragraphs_for(n)  # exactly the story, no appeal or footer
            assert a.canonical_url == pub.canonical(n)
            assert a.publisher == "Harbour Gazette"
            assert a.authors == ["Ada Lovelace"]
        health = store.get_source(source.id or 0)
        assert health is not None and health.last_success_at is not None
        assert health.last_error is None and health.next_check_at is not None
        assert health.etag == '"feed-4"'


def test_a_bug_met_on_one_source_does_not_end_the_crawl(
    settings: Settings, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LoopbackServer() as good_srv, LoopbackServer() as bad_srv:
        Publisher(good_srv, count=3).install()
        Publisher(bad_srv, count=3).install()
        good = store.add_source(Source(feed_url=good_srv.url("/feed.xml")))
        bad = store.add_source(Source(feed_url=bad_srv.url("/feed.xml")))
        pipe = Pipeline(settings, store)
        ingest = pipe._ingest

        async def broken(fetcher, source, *args):  # type: ignore[no-untyped-def]
            if source.id == bad.id:
                raise KeyError("a bug")
            await ingest(fetcher, source, *args)

        monkeypatch.setattr(pipe, "_ingest", broken)
        report = run(pipe.crawl())
    assert report.sources == 2 and report.new == 3 and report.failed_sources == 1
    assert report.failures == {"feed: internal error": 1}
    assert {a.source_id for a in store.latest_articles(10)} == {good.id}
    # The broken source keeps its lease: not retried within the run, due again once it expires.
    held = store.get_source(bad.id or 0)
    assert held is not None and held.last_success_at is None


def test_a_bug_on_one_entry_stops_that_source_s_other_entries_first(
    settings: Settings, store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LoopbackServer() as srv:
        Publisher(srv, count=3).install()
        store.add_source(Source(feed_url=srv.url("/feed.xml")))
        pipe = Pipeline(settings, store)
        returned = False
        cancelled_after_return: list[bool] = []

        async def broken(fetcher, source, entry, report):  # type: ignore[no-untyped-def]
            if entry.url.endswith("story-0"):
                await asyncio.sleep(0.05)
                raise KeyError("a bug")
            try:
                await asyncio.sleep(5)  # a slow page
            except asyncio.CancelledError:
                cancelled_after_return.append(returned)
                raise
            return "stored"

        monkeypatch.setattr(pipe, "_process_entry", broken)

        async def crawl() -> CrawlReport:
            nonlocal returned
            report = await pipe.crawl()
            returned = True
            return report

        report = run(crawl())
    assert report.failures == {"feed: internal error": 1}
    # The two slow entries were cancelled before the crawl returned, not left running.
    assert cancelled_after_return == [False, False]


def test_recrawl_uses_conditional_get_and_stores_nothing_new(
    settings: Settings, store: SQLiteStore
) -> None:
    with LoopbackServer() as srv:
        Publisher(srv, count=3).install()
        pipe = Pipeline(settings, store)
        source = store.add_source(Source(feed_url=srv.url("/feed.xml")))
        run(pipe.crawl())
        pages_before = sum(srv.count(f"/news/story-{n}") for n in range(3))
        again = run(pipe.crawl([store.get_source(source.id or 0)]))  # type: ignore[list-item]
        assert again.not_modified == 1 and again.new == 0
        assert srv.seen("/feed.xml")[-1].headers.get("if-none-match") == '"feed-3"'
        assert sum(srv.count(f"/news/story-{n}") for n in range(3)) == pages_before == 3
        assert store.count_articles() == 3
        outcomes = [e.outcome for e in store.recent_fetches(source.id or 0)]
        assert outcomes[:2] == ["not_modified", "ok"]


def test_feed_without_validators_is_refetched_but_entries_are_not(
    settings: Settings, store: SQLiteStore
) -> None:
    with LoopbackServer() as srv:
        pub = Publisher(srv, count=3).install()
        srv.route("/plain.xml", body=pub.feed_xml(), headers={"Content-Type": "text/xml"})
        pipe = Pipeline(settings, store)
        store.add_source(Source(feed_url=srv.url("/plain.xml")))
        assert run(pipe.crawl()).new == 3
        second = run(pipe.crawl(store.list_sources()))
        assert (second.new, second.duplicates, second.not_modified) == (0, 0, 0)
        assert srv.count("/plain.xml") == 2
        assert sum(srv.count(f"/news/story-{n}") for n in range(3)) == 3


def test_same_article_in_two_feeds_is_stored_once(settings: Settings, store: SQLiteStore) -> None:
    with LoopbackServer() as srv:
        pub = Publisher(srv, count=2).install()
        srv.route("/other.xml", body=pub.feed_xml(), headers={"Content-Type": "text/xml"})
        store.add_source(Source(feed_url=srv.url("/feed.xml")))
        store.add_source(Source(feed_url=srv.url("/other.xml")))
        report = run(Pipeline(settings, store).crawl())
        assert store.count_articles() == 2
        assert report.new == 2 and report.duplicates == 2


def test_robots_refusal_is_a_counted_failure_not_a_stored_article(
    settings: Settings, store: SQLiteStore
) -> None:
    with LoopbackServer() as srv:
        Publisher(srv, count=3, private={1}).install()
        store.add_source(Source(feed_url=srv.url("/feed.xml")))
        report = run(Pipeline(settings, store).crawl())
        assert report.new == 2 and report.failures["robots.txt"] == 1
        assert srv.count("/private/story-1") == 0
        assert "robots" in report.summary()


def test_feed_errors_are_recorded_in_plain_words_with_backoff(
    settings: Settings, store: SQLiteStore
) -> None:
    with LoopbackServer() as srv:
        srv.route("/gone.xml", status=404, body=b"nope")
        srv.route(
            "/page.xml",
            body=b"<html><body><p>hello</p></body></html>",
            headers={"Content-Type": "text/html"},
        )
        dead = f"http://127.0.0.1:{free_port()}/feed.xml"
        for url in (srv.url("/gone.xml"), srv.url("/page.xml"), dead):
            store.add_source(Source(feed_url=url))
        before = utcnow()
        report = run(Pipeline(settings, store).crawl())
        assert report.failed_sources == 3
        errors = {s.feed_url: s for s in store.list_sources()}
        assert errors[srv.url("/gone.xml")].last_error.startswith("HTTP 404")  # type: ignore[union-attr]
        assert "not a feed" in (errors[srv.url("/page.xml")].last_error or "")
        assert "refused" in (errors[dead].last_error or "").lower()
        for s in errors.values():
            assert s.error_count == 1 and s.last_success_at is None
            assert s.next_check_at is not None
            assert s.next_check_at >= before + timedelta(minutes=settings.default_interval - 1)


def test_add_source_without_feed_says_why(settings: Settings, store: SQLiteStore) -> None:
    with LoopbackServer() as srv:
        srv.route(
            "/",
            body=b"<html><body>No feed here</body></html>",
            headers={"Content-Type": "text/html"},
        )
        with pytest.raises(DiscoveryError, match="no feed found"):
            run(Pipeline(settings, store).add_source(srv.url("/")))
        assert store.list_sources() == []


def test_opml_import_adds_each_feed_once(settings: Settings, store: SQLiteStore) -> None:
    data = (Path(__file__).parent / "data" / "opml" / "subscriptions.opml").read_bytes()
    pipe = Pipeline(settings, store)
    added, new = pipe.import_opml(data)
    assert new == len(added) >= 10
    again, new_again = pipe.import_opml(data)
    assert new_again == 0 and len(again) == len(added)
    assert len(store.list_sources()) == len({s.feed_url for s in added})


def test_feed_fields_fill_gaps_but_are_cleaned_like_page_fields() -> None:
    from progleton.models import Article, FeedEntry
    from progleton.pipeline import merge_entry

    page = Article(url="", title="Rocket plans move ahead - Space Review", paragraphs=["x"])
    entry = FeedEntry(
        guid="https://www.thespacereview.com/article/3837/1",
        url="http://127.0.0.9:8800/article/3837/1",
        authors=["SPACE REVIEW STAFF NOVEMBER", "Jeff Foust"],
        summary="A summary.",
    )
    merged = merge_entry(page, entry, Source(feed_url="x", title="Feed title"), entry.url or "")
    assert merged.url == "http://127.0.0.9:8800/article/3837/1"
    assert merged.canonical_url == "https://www.thespacereview.com/article/3837/1"
    assert merged.publisher == "thespacereview.com"  # never the loopback mirror's address
    assert merged.authors == ["Jeff Foust"]
    assert merged.description == "A summary."


def test_feed_warnings_are_kept_in_the_fetch_log(settings: Settings, store: SQLiteStore) -> None:
    with LoopbackServer() as srv:
        pub = Publisher(srv, count=2).install()
        xml = pub.feed_xml().decode()
        first_item = xml[xml.index("<item>") : xml.index("</item>") + len("</item>")]
        doubled = xml.replace(first_item, first_item * 2, 1).encode()
        srv.route("/dup.xml", body=doubled, headers={"Content-Type": "application/rss+xml"})
        source = store.add_source(Source(feed_url=srv.url("/dup.xml")))
        assert run(Pipeline(settings, store).crawl()).new == 2
        (log,) = store.recent_fetches(source.id or 0)
        assert log.outcome == "ok" and "repeated id" in (log.reason or "")
