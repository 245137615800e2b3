"""Topics end to end: where they come from (feed categories, the page's article:section and
article:tag), how they are cleaned, how they are stored (SQLite and PostgreSQL, migrations,
migrate-store), and the front-page, /latest, feed and API filters built on them."""

from __future__ import annotations

import email.utils
import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient

from loopback import LOOPBACK, LoopbackServer, run
from progleton.config import Settings
from progleton.extract import extract_article
from progleton.extract.lexicon_meta import SECTION_LABELS
from progleton.extract.topics import (
    GENERIC_TOPICS,
    MAX_TOPICS,
    SUBJECT_SECTIONS,
    clean_topic,
    normalize_topics,
    topic_key,
)
from progleton.models import Article, FeedEntry, Source
from progleton.pipeline import Pipeline, merge_entry
from progleton.sources import parse_feed
from progleton.store import Store, open_store
from progleton.store.migrate import alembic_config, current_revisions, head_revisions
from progleton.store.postgres import engine_url
from progleton.store.schema import articles
from progleton.store.sql import SQLStore
from progleton.store.transfer import copy_store, verify
from progleton.web.app import create_app
from publisher import NOW, article_page, paragraphs_for
from test_web_support import HOSTILE, card_ids, empty_store, parse, story_ids, walk

# -- cleaning ------------------------------------------------------------------------------


def test_topics_are_cleaned_deduplicated_and_capped() -> None:
    raw = [
        "  Climate \n\t change ",
        "CLIMATE CHANGE",  # the same topic: the first spelling is kept
        "News",  # generic section labels are not topics
        "Uncategorized",
        "latest news",
        "12345",  # a category id
        "https://example.com/tag/politics",  # a URL
        "---",
        "",
        None,
        42,
        "x" * 61,  # over-long
        "«Politics»",
        "#AI",
        "Café\u0000 culture",  # control characters become spaces
        "mailto:desk@example.com",
        "Brexit: the deal",  # a colon is not a URL scheme
    ]
    assert normalize_topics(raw) == [
        "Climate change",
        "Politics",
        "AI",
        "Café culture",
        "Brexit: the deal",
    ]
    many = [f"Topic {n}" for n in range(20)]
    assert normalize_topics(many) == many[:MAX_TOPICS]
    assert clean_topic("x" * 60) == "x" * 60
    assert topic_key("  Climate   Change ") == "climate change"
    assert topic_key("Straße") == topic_key("STRASSE")  # case-folded, not just lowered


def test_generic_labels_come_from_the_section_lexicon_but_subjects_stay() -> None:
    # Reuses the extractor's list of section labels: what is not a subject there is generic.
    assert SUBJECT_SECTIONS <= SECTION_LABELS
    assert {"news", "latest news", "uncategorized", "video", "opinion", "blog"} <= GENERIC_TOPICS
    # Template placeholders seen in the demo corpus ("tags" as a page's article:tag value).
    assert {"tags", "tag", "topics", "categories"} <= GENERIC_TOPICS
    assert not {"politics", "business", "sport", "science", "health"} & GENERIC_TOPICS
    assert normalize_topics(["Politics", "Sport", "Video", "Home"]) == ["Politics", "Sport"]


# -- where topics come from ------------------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Gazette</title><link>https://gazette.example/</link>
<item><title>One</title><link>https://gazette.example/1</link><guid>g1</guid>
  <category>Politics</category>
  <category domain="https://gazette.example/tags">  Climate   Change </category>
  <category>Uncategorized</category>
  <category>politics</category>
  <dc:subject>Elections</dc:subject>
</item>
<item><title>Two</title><link>https://gazette.example/2</link><guid>g2</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Gazette</title>
<id>urn:x</id><updated>2025-04-01T09:00:00Z</updated>
<entry><title>One</title><id>urn:1</id><updated>2025-04-01T08:00:00Z</updated>
  <link rel="alternate" href="https://atom.example/1"/>
  <category term="https://atom.example/cat/sci" label="Science"/>
  <category term="space-flight" scheme="https://atom.example/tags"/>
  <category term="https://atom.example/cat/unlabelled"/>
  <category term="News"/>
</entry></feed>"""

JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Gazette",
 "items": [
  {"id": "1", "url": "https://json.example/1", "title": "One",
   "tags": ["Health", " health ", "", 7, null, "Vaccines", "General"]},
  {"id": "2", "url": "https://json.example/2", "title": "Two", "tags": "not a list"}
 ]}"""


def test_rss_categories_become_entry_topics() -> None:
    feed = parse_feed(RSS, "https://gazette.example/feed.xml")
    first, second = feed.entries
    assert first.topics == ["Politics", "Climate Change", "Elections"]
    assert second.topics == []


def test_atom_categories_use_their_label_then_their_term() -> None:
    feed = parse_feed(ATOM, "https://atom.example/feed.atom")
    assert feed.entries[0].topics == ["Science", "space-flight"]


def test_json_feed_tags_become_entry_topics() -> None:
    feed = parse_feed(JSON_FEED, "https://json.example/feed.json", "application/feed+json")
    assert [e.topics for e in feed.entries] == [["Health", "Vaccines"], []]


def _page_with_meta(n: int, meta: str, canonical: str) -> bytes:
    page = article_page(n, f"Harbour story {n}", NOW - timedelta(hours=n + 1), canonical)
    return page.replace(b"</head>", meta.encode() + b"</head>", 1)


def test_the_page_section_and_tags_become_article_topics() -> None:
    meta = (
        '<meta property="article:section" content="Environment">'
        '<meta property="article:tag" content="Sea walls">'
        '<meta property="article:tag" content="environment">'
        '<meta property="article:tag" content="Breaking News">'
    )
    article = extract_article(
        _page_with_meta(1, meta, "https://h.example/1"), "https://h.example/1"
    )
    assert article.paragraphs == paragraphs_for(1)
    assert article.topics == ["Environment", "Sea walls"]
    plain = article_page(2, "Harbour story 2", NOW, "https://h.example/2")
    assert extract_article(plain, "https://h.example/2").topics == []


def test_feed_categories_and_page_topics_are_merged() -> None:
    page = Article(url="", title="A headline", paragraphs=["x"], topics=["Environment", "Ports"])
    entry = FeedEntry(guid="g", url="https://h.example/1", topics=["Ports", "Local news"])
    merged = merge_entry(page, entry, Source(feed_url="f", title="F"), "https://h.example/1")
    assert merged.topics == ["Ports", "Local news", "Environment"]


# -- the store, on SQLite and PostgreSQL ------------------------------------------------------

T0 = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


def _article(n: int, topics: list[str], **kw: object) -> Article:
    return Article(
        url=f"https://t.example/{n}",
        title=f"Story {n}",
        paragraphs=[f"Body {n}."],
        published=T0 - timedelta(hours=n),
        topics=topics,
        **kw,  # type: ignore[arg-type]
    )


def test_topics_round_trip_and_storing_again_adds_without_duplicating(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://t.example/feed", title="T"))
    assert src.id is not None
    saved = store.save_article(
        _article(1, ["Politics", "Climate change"]), source_id=src.id, guid="1"
    )
    got = store.get_article(saved.article_id)
    assert got is not None and got.topics == ["Climate change", "Politics"]  # by key
    # A re-run stores nothing twice; another spelling of a stored topic adds nothing either.
    again = store.save_article(_article(1, ["POLITICS", "Elections"]), source_id=src.id, guid="1")
    assert not again.created and again.article_id == saved.article_id
    assert store.topics_of([saved.article_id]) == {
        saved.article_id: ["Climate change", "Elections", "Politics"]
    }
    # The same page from another feed: its categories add topics, up to the cap.
    entry = FeedEntry(guid="x", url="https://t.example/1", topics=[f"T{n}" for n in range(9)])
    store.link_entry(src.id, entry, saved.article_id)
    topics = store.topics_of([saved.article_id])[saved.article_id]
    assert len(topics) == MAX_TOPICS and {"Politics", "Elections", "T0"} <= set(topics)
    # Cleaned at the store too, whatever a caller hands it.
    plain = store.save_article(_article(2, ["News", " ", "x" * 80]))
    assert store.topics_of([plain.article_id]) == {}
    assert store.get_article(plain.article_id).topics == []  # type: ignore[union-attr]


def test_a_retried_entry_keeps_its_categories(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://t.example/feed", title="T"))
    assert src.id is not None
    entry = FeedEntry(guid="r", url="https://t.example/r", topics=["Science"])
    store.record_entry_failure(src.id, entry, "HTTP 503", retry=True)
    later = datetime.now(UTC) + timedelta(days=2)
    (retry,) = store.due_entry_retries(src.id, later)
    assert retry.topics == ["Science"]


def test_topic_filters_and_choices_on_each_backend(store: Store) -> None:
    a = store.add_source(Source(feed_url="https://a.example/feed", title="A"))
    b = store.add_source(Source(feed_url="https://b.example/feed", title="B"))
    plan = [  # (topics, source, language)
        (["Climate", "Politics"], a.id, "en"),
        (["climate"], b.id, "de"),
        (["Sport"], a.id, "en"),
        ([], b.id, "en"),
        (["CLIMATE"], a.id, "en"),
    ]
    ids = [
        store.save_article(
            _article(n, topics, language=lang), source_id=src, guid=str(n)
        ).article_id
        for n, (topics, src, lang) in enumerate(plan)
    ]
    store.save_clustering(
        [(ids[0], 1), (ids[1], 1), (ids[2], 2), (ids[3], 3), (ids[4], 4)], [], b"{}"
    )
    # Per story, earliest first (as for the other filters).
    assert store.story_matches(10, topic="climate") == {1: [ids[1], ids[0]], 4: [ids[4]]}
    assert store.story_matches(10, topic="Climate", language="de") == {1: [ids[1]]}
    assert store.story_matches(10, topic="climate", source_id=b.id) == {1: [ids[1]]}
    assert store.story_matches(10, topic="weather") == {}
    assert [x.id for x in store.filtered_articles(10, topic="CLIMATE")] == [ids[0], ids[1], ids[4]]
    assert [x.id for x in store.filtered_articles(10, topic="sport", language="de")] == []
    choices = store.topic_choices(10)
    # Most common first; the label is the most used spelling (ties: the capitalised one).
    assert [(c.value, c.label, c.count) for c in choices] == [
        ("climate", "Climate", 3),
        ("politics", "Politics", 1),
        ("sport", "Sport", 1),
    ]
    assert [c.value for c in store.topic_choices(10, limit=1)] == ["climate"]
    # Only the newest stories count, as for the language choices.
    assert [c.value for c in store.topic_choices(1)] == ["climate", "politics"]


# -- migrations and migrate-store --------------------------------------------------------------

PREVIOUS_HEADS = ("0006l", "0006w", "0007d", "0007e")


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url if url.startswith("sqlite") else engine_url(url))


def test_migrating_an_existing_database_adds_the_topics_table(store_url: str) -> None:
    """A store created by the previous release, with an article, opens and gains topics."""
    engine = _engine(store_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        for rev in PREVIOUS_HEADS:
            command.upgrade(cfg, rev)
    with engine.begin() as conn:
        assert "article_topics" not in sa.inspect(conn).get_table_names()
        conn.execute(
            sa.insert(articles).values(
                url_key="old.example/1",
                url="https://old.example/1",
                title="Old",
                authors="[]",
                fetched_at=T0,
                sort_time=T0,
                body="Old body.",
            )
        )
    engine.dispose()
    store = open_store(store_url)
    assert isinstance(store, SQLStore)
    # One head: later migrations build on 0008t, which joined the earlier branches.
    assert current_revisions(store.engine) == head_revisions() and len(head_revisions()) == 1
    old = store.latest_articles(5)[0]
    assert old.title == "Old" and store.get_article(old.id or 0).topics == []  # type: ignore[union-attr]
    new = store.save_article(_article(1, ["Ports"]))
    assert store.topics_of([new.article_id]) == {new.article_id: ["Ports"]}
    with store.engine.connect() as conn:
        index_names = {i["name"] for i in sa.inspect(conn).get_indexes("article_topics")}
    assert "ix_article_topics_key" in index_names
    store.close()


def test_migrate_store_keeps_topics(tmp_path: Path, store_url: str) -> None:
    source = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    target = open_store(store_url)
    assert isinstance(source, SQLStore) and isinstance(target, SQLStore)
    # Keys whose order differs between byte order and a natural-language collation.
    saved = [
        source.save_article(_article(n, topics)).article_id
        for n, topics in enumerate([["New York", "Newark", "new-age"], ["Ports"], []])
    ]
    report = copy_store(source, target, batch=1)
    assert report.ok
    by_name = {t.name: t for t in report.tables}
    assert by_name["article_topics"].copied == 4
    assert target.topics_of(saved) == source.topics_of(saved)
    assert target.get_article(saved[0]).topics == ["New York", "new-age", "Newark"]  # type: ignore[union-attr]
    assert verify(source, target).ok
    source.close()
    target.close()


# -- a crawl: feed categories and the page's section arrive together ---------------------------


def test_a_crawl_stores_feed_categories_and_page_sections(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}", per_host_delay=0.0, allow_hosts=LOOPBACK
    )
    store = open_store(settings.db_url)
    with LoopbackServer() as srv:
        meta = '<meta property="article:section" content="Environment">'
        for n in range(2):
            srv.route(
                f"/news/{n}",
                body=_page_with_meta(n, meta if n == 0 else "", f"https://h.example/news/{n}"),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )

        def feed(path: str, categories: list[str]) -> None:
            items = "".join(
                f"<item><title>Harbour story {n}</title><link>{srv.url(f'/news/{n}')}</link>"
                f"<guid>{path}-{n}</guid><pubDate>{email.utils.format_datetime(NOW)}</pubDate>"
                + "".join(f"<category>{html.escape(c)}</category>" for c in categories)
                + "</item>"
                for n in range(2)
            )
            srv.route(
                path,
                body=(
                    '<?xml version="1.0"?><rss version="2.0"><channel><title>H</title>'
                    f"<link>{srv.url('/')}</link>{items}</channel></rss>"
                ).encode(),
                headers={"Content-Type": "application/rss+xml"},
            )

        feed("/a.xml", ["Sea & Ports", "News"])
        feed("/b.xml", ["Weather"])
        with Pipeline(settings, store) as pipe:
            first = store.add_source(Source(feed_url=srv.url("/a.xml")))
            assert run(pipe.crawl([first])).new == 2
            second = store.add_source(Source(feed_url=srv.url("/b.xml")))
            assert run(pipe.crawl([second])).duplicates == 2
    by_title = {a.title: a for a in store.latest_articles(5)}
    stored = {t: store.get_article(a.id or 0).topics for t, a in by_title.items()}  # type: ignore[union-attr]
    assert stored == {
        "Harbour story 0": ["Environment", "Sea & Ports", "Weather"],
        "Harbour story 1": ["Sea & Ports", "Weather"],
    }
    store.close()


# -- the site and the API ------------------------------------------------------------------------


@dataclass
class TopicWorld:
    store: Store
    client: TestClient
    wire: int
    zeitung: int
    stories: dict[int, list[int]] = field(default_factory=dict)


def _client(store: Store, page_size: int = 2) -> TestClient:
    settings = Settings(
        db_url=store.url, page_size=page_size, rank_cache_seconds=10, page_cache_seconds=0
    )
    return TestClient(create_app(settings, store))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TopicWorld]:
    """Five stories; "Climate" in stories 1, 3 and 5 (one only through its German article)."""
    store = empty_store(tmp_path_factory.mktemp("web_topics"))
    now = datetime.now(UTC)
    wire = store.add_source(Source(feed_url="https://wire.example/feed", title="Wire"))
    zeitung = store.add_source(Source(feed_url="https://zeitung.example/feed", title="Zeitung"))
    assert wire.id and zeitung.id
    w = TopicWorld(store, _client(store), wire.id, zeitung.id)
    plan: dict[int, list[tuple[str, int, float, list[str]]]] = {
        # story: [(language, source, hours ago, topics)]; the first is the lead
        1: [("en", wire.id, 1, ["Politics"]), ("de", zeitung.id, 2, ["Klima", "Climate"])],
        2: [("en", wire.id, 3, ["Sport"])],
        3: [("en", wire.id, 5, ["climate", f"Odd {HOSTILE}"])],
        4: [("en", wire.id, 7, [])],
        5: [("de", zeitung.id, 9, ["CLIMATE"])],
    }
    n = 0
    placements = []
    for story, members in plan.items():
        for lang, src, hours, topics in members:
            n += 1
            host = "zeitung" if src == zeitung.id else "wire"
            aid = store.save_article(
                Article(
                    url=f"https://{host}.example/{n}",
                    title=f"Report {n}",
                    paragraphs=[f"Story text number {n}, long enough to be read."],
                    published=now - timedelta(hours=hours),
                    language=lang,
                    publisher=host.title(),
                    topics=topics,
                ),
                source_id=src,
                guid=str(n),
            ).article_id
            w.stories.setdefault(story, []).append(aid)
            placements.append((aid, story))
    store.save_clustering(placements, [], b"{}")
    yield w
    store.close()


def test_front_page_topic_filter_keeps_matching_stories_across_pages(world: TopicWorld) -> None:
    unfiltered, _ = walk(world.client, "/")
    assert sorted(unfiltered) == [1, 2, 3, 4, 5]
    seen, urls = walk(world.client, "/?topic=climate")
    assert seen == [s for s in unfiltered if s in (1, 3, 5)]
    assert len(urls) == 2 and "topic=climate" in urls[1] and "page=2" in urls[1]
    # Any spelling of the topic; combined with the other filters.
    spelled, _ = walk(world.client, "/?topic=%20CLIMATE%20")
    assert spelled == seen
    german, _ = walk(world.client, "/?topic=climate&lang=de")
    assert sorted(german) == [1, 5]
    wire, _ = walk(world.client, f"/?topic=climate&source={world.wire}")
    assert wire == [3]
    assert walk(world.client, "/?topic=weather")[0] == []
    r = world.client.get("/?topic=climate")
    assert "Top stories about Climate" in r.text
    # Story 1's lead (English, "Politics") does not match: its German article is shown.
    card = parse(r.text).xpath(
        "//article[contains(@class, 'story-card')][.//a[@href='/stories/1']]"
    )
    assert card[0].xpath(".//h2/a/text()") == ["Report 2"]


def test_topic_filter_form_and_invalid_values(world: TopicWorld) -> None:
    doc = parse(world.client.get("/?topic=Climate&lang=de").text)
    (form,) = doc.xpath("//form[contains(@class, 'filters')]")
    (label,) = doc.xpath("//label[@for='filter-topic']")
    assert label.text_content().strip() == "Topic"
    options = {o.get("value"): o for o in form.xpath(".//select[@name='topic']/option")}
    assert list(options) == [
        "",
        "climate",
        "klima",
        f"odd {HOSTILE}".casefold(),
        "politics",
        "sport",
    ]
    assert options["climate"].get("selected") is not None
    assert options["climate"].text == "Climate (3)"
    assert options[f"odd {HOSTILE}".casefold()].text == f"Odd {HOSTILE} (1)"  # escaped text
    assert form.xpath(".//a[text()='Clear filters']/@href") == ["/"]
    # "All topics" sends an empty value: no filter.
    everything, _ = walk(world.client, "/?topic=&lang=")
    assert sorted(everything) == [1, 2, 3, 4, 5]
    assert world.client.get("/?topic=" + "x" * 61).status_code == 400
    assert world.client.get("/latest?topic=" + "x" * 61).status_code == 400
    assert world.client.get("/?topic=a%01b").status_code == 400
    # A topic outside the choices is still shown as applied.
    doc = parse(world.client.get("/?topic=Weather").text)
    kept = doc.xpath("//select[@name='topic']/option[@selected]")
    assert [o.get("value") for o in kept] == ["weather"]


def test_latest_keeps_the_topic_filter_through_its_pages(world: TopicWorld) -> None:
    url = "/latest?topic=climate"
    seen: list[int] = []
    while url:
        r = world.client.get(url)
        assert r.status_code == 200
        seen += card_ids(r.text)
        nxt = parse(r.text).xpath("//a[@rel='next']/@href")
        url = nxt[0] if nxt else ""
        if url:
            assert "topic=climate" in url and "before=" in url
    climate = [world.stories[1][1], world.stories[3][0], world.stories[5][0]]
    assert seen == climate  # newest first
    r = world.client.get("/latest?topic=climate")
    assert "Latest articles about Climate" in r.text
    # The page's feed keeps the filter, and the feed honours it.
    feed = parse(r.text).xpath("//link[@type='application/atom+xml']/@href")
    assert any("topic=climate" in href for href in feed)
    atom = world.client.get("/feed.atom?topic=climate")
    assert atom.status_code == 200 and atom.text.count("<entry>") == 3
    assert "Report 3" not in atom.text  # the Sport story


def test_api_stories_take_the_front_page_filters(world: TopicWorld) -> None:
    api = world.client
    everything = [s["id"] for s in api.get("/api/v1/stories?limit=10").json()["items"]]
    climate = api.get("/api/v1/stories?limit=10&topic=Climate").json()
    assert [s["id"] for s in climate["items"]] == [s for s in everything if s in (1, 3, 5)]
    lead_of_1 = next(s["lead"] for s in climate["items"] if s["id"] == 1)
    assert lead_of_1["id"] == world.stories[1][1]  # the matching (German) article
    both = api.get("/api/v1/stories", params={"topic": "climate", "lang": "de"}).json()
    assert sorted(s["id"] for s in both["items"]) == [1, 5]
    wire = api.get("/api/v1/stories", params={"source": world.wire, "limit": 10}).json()
    assert sorted(s["id"] for s in wire["items"]) == [1, 2, 3, 4]
    paged = api.get("/api/v1/stories?topic=climate&limit=2").json()
    assert len(paged["items"]) == 2 and paged["next_page"] == 2
    assert api.get("/api/v1/stories?topic=climate&limit=2&page=2").json()["items"]
    assert api.get("/api/v1/stories?topic=").json()["items"]  # empty: no filter
    bad = api.get("/api/v1/stories?topic=" + "x" * 61)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    assert api.get("/api/v1/stories?lang=english%20please").status_code == 422
    assert api.get("/api/v1/stories?source=999").status_code == 404


def test_api_article_detail_lists_topics_and_the_schema_documents_filters(
    world: TopicWorld,
) -> None:
    body = world.client.get(f"/api/v1/articles/{world.stories[1][1]}").json()
    assert body["topics"] == ["Climate", "Klima"]
    assert world.client.get(f"/api/v1/articles/{world.stories[4][0]}").json()["topics"] == []
    schema = world.client.get("/api/v1/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/stories"]["get"]["parameters"]}
    assert {"lang", "source", "topic"} <= set(params)
    assert "topic" in params["topic"]["description"]
    responses = schema["paths"]["/api/v1/stories"]["get"]["responses"]
    assert {"200", "404", "422"} <= set(responses)
    detail = schema["components"]["schemas"]["ArticleDetail"]["properties"]
    assert detail["topics"]["type"] == "array"


def test_the_page_cache_keeps_topics_apart(world: TopicWorld) -> None:
    settings = Settings(db_url=world.store.url, page_size=10, page_cache_seconds=60)
    client = TestClient(create_app(settings, world.store))
    climate = story_ids(client.get("/?topic=climate").text)
    sport = story_ids(client.get("/?topic=sport").text)
    assert sorted(climate) == [1, 3, 5] and sport == [2]
    assert story_ids(client.get("/?topic=climate").text) == climate  # from the cache


def test_article_page_links_its_topics_to_the_filtered_front_page(world: TopicWorld) -> None:
    aid = world.stories[3][0]
    doc = parse(world.client.get(f"/articles/{aid}").text)
    links = doc.xpath("//p[@class='topics']/a")
    assert [a.text for a in links] == ["climate", f"Odd {HOSTILE}"]
    assert links[0].get("href") == "/?topic=climate"
    # The hostile label is text in the page and an encoded query value, never markup.
    assert not doc.xpath("//p[@class='topics']//script")
    assert "%3C" in links[1].get("href")
    followed = world.client.get(links[0].get("href"))
    assert followed.status_code == 200 and "Top stories about" in followed.text
    # An article without topics shows no empty "Topics:" line.
    bare = parse(world.client.get(f"/articles/{world.stories[4][0]}").text)
    assert not bare.xpath("//p[@class='topics']")
