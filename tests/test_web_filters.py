"""Front-page filters: language and source on the ranked stories and on the article listings,
with pagination that keeps them, a form that works without JavaScript, and the rank cache."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from progleton.config import Settings
from progleton.models import Article, Source
from progleton.store import Store
from progleton.web.app import create_app
from test_web_support import HOSTILE, card_ids, empty_store, parse, walk


@dataclass
class FilterWorld:
    store: Store
    client: TestClient
    wire: int
    zeitung: int
    # story id -> its articles' ids, and the German articles
    stories: dict[int, list[int]] = field(default_factory=dict)
    german: list[int] = field(default_factory=list)


def _client(store: Store, page_size: int = 2, cache: float = 10.0) -> TestClient:
    settings = Settings(
        db_url=store.url, page_size=page_size, rank_cache_seconds=cache, page_cache_seconds=0
    )
    return TestClient(create_app(settings, store))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FilterWorld]:
    """Five stories: three with a German article from Zeitung, two English only (Wire)."""
    store = empty_store(tmp_path_factory.mktemp("web_filters"))
    now = datetime.now(UTC)
    wire = store.add_source(Source(feed_url="https://wire.example/feed", title="Wire"))
    zeitung = store.add_source(
        Source(feed_url="https://zeitung.example/feed", title=f"Zeitung {HOSTILE}")
    )
    assert wire.id and zeitung.id
    w = FilterWorld(store, _client(store), wire.id, zeitung.id)

    def save(n: int, lang: str, src: int, hours: float) -> int:
        host = "zeitung" if src == zeitung.id else "wire"
        aid = store.save_article(
            Article(
                url=f"https://{host}.example/{n}",
                title=f"{'Bericht' if lang.startswith('de') else 'Report'} {n}",
                paragraphs=[f"Story text number {n} in {lang}, long enough to be read."],
                published=now - timedelta(hours=hours),
                language=lang,
                publisher=host.title(),
            ),
            source_id=src,
            guid=str(n),
        ).article_id
        if lang.startswith("de"):
            w.german.append(aid)
        return aid

    plan = {
        # story: [(language, source, hours ago)]; the first is the most complete (the lead)
        1: [("en", wire.id, 1), ("de", zeitung.id, 2)],
        2: [("en", wire.id, 3)],
        3: [("de-AT", zeitung.id, 5)],
        4: [("en", wire.id, 7)],
        5: [("en", wire.id, 9), ("de", zeitung.id, 8)],
    }
    n = 0
    placements = []
    for story, members in plan.items():
        for lang, src, hours in members:
            n += 1
            aid = save(n, lang, src, hours)
            w.stories.setdefault(story, []).append(aid)
            placements.append((aid, story))
    store.save_clustering(placements, [], b"{}")
    yield w
    store.close()


def test_unfiltered_front_page_ranks_every_story(world: FilterWorld) -> None:
    seen, _ = walk(world.client, "/")
    assert sorted(seen) == [1, 2, 3, 4, 5]


def test_language_filter_keeps_stories_with_an_article_in_that_language(
    world: FilterWorld,
) -> None:
    unfiltered, _ = walk(world.client, "/")
    seen, urls = walk(world.client, "/?lang=de")
    # "de" also matches "de-AT"; the order is the unfiltered ranking's.
    assert seen == [s for s in unfiltered if s in (1, 3, 5)]
    assert len(urls) == 2 and "lang=de" in urls[1] and "page=2" in urls[1]
    english, _ = walk(world.client, "/?lang=EN")
    assert sorted(english) == [1, 2, 4, 5]


def test_a_filtered_story_shows_its_matching_article(world: FilterWorld) -> None:
    r = world.client.get("/?lang=de")
    doc = parse(r.text)
    card = doc.xpath("//article[contains(@class, 'story-card')][.//a[@href='/stories/1']]")[0]
    # Story 1's lead is the English report; filtered to German, the German one is shown.
    assert card.xpath(".//h2/a/text()") == ["Bericht 2"]
    assert "Zeitung" in card.xpath("string(.//span[@class='publisher'])")
    assert "Top stories in German" in r.text


def test_source_filter_and_both_filters(world: FilterWorld) -> None:
    seen, _ = walk(world.client, f"/?source={world.zeitung}")
    assert sorted(seen) == [1, 3, 5]
    both, _ = walk(world.client, f"/?source={world.wire}&lang=de")
    assert both == []
    r = world.client.get(f"/?source={world.wire}&lang=de")
    assert "No recent story matches these filters" in r.text
    older = parse(r.text).xpath("//p[@class='notice']/a[contains(text(), 'latest')]/@href")
    assert older == [f"/latest?lang=de&source={world.wire}"]
    assert world.client.get("/?source=999").status_code == 404
    assert world.client.get("/?source=-1").status_code == 400
    assert world.client.get("/?lang=english%20please").status_code == 400


def test_filter_form_works_without_javascript(world: FilterWorld) -> None:
    doc = parse(world.client.get(f"/?lang=de&source={world.zeitung}").text)
    (form,) = doc.xpath("//form[contains(@class, 'filters')]")
    assert form.get("method") == "get" and form.get("action") == "/"
    for select in form.xpath(".//select"):
        (label,) = doc.xpath(f"//label[@for='{select.get('id')}']")
        assert label.text_content().strip()
    langs = {o.get("value"): o for o in form.xpath(".//select[@name='lang']/option")}
    assert set(langs) == {"", "en", "de"}
    assert langs["de"].get("selected") is not None and "German" in langs["de"].text
    sources = {o.get("value"): o for o in form.xpath(".//select[@name='source']/option")}
    assert set(sources) == {"", str(world.wire), str(world.zeitung)}
    assert sources[str(world.zeitung)].get("selected") is not None
    assert sources[str(world.zeitung)].text == f"Zeitung {HOSTILE}"  # escaped, shown as text
    assert form.xpath(".//a[text()='Clear filters']/@href") == ["/"]
    # Submitting "All languages" sends an empty value: no filter, not an error.
    everything, _ = walk(world.client, f"/?lang=&source={world.zeitung}")
    assert sorted(everything) == [1, 3, 5]


def test_latest_keyset_pagination_keeps_the_filters(world: FilterWorld) -> None:
    url = "/latest?lang=de"
    seen: list[int] = []
    while url:
        r = world.client.get(url)
        assert r.status_code == 200
        seen += card_ids(r.text)
        nxt = parse(r.text).xpath("//a[@rel='next']/@href")
        url = nxt[0] if nxt else ""
        if url:
            assert "lang=de" in url and "before=" in url
    newest_first = [a.id for a in world.store.latest_articles(50) if a.id in world.german]
    assert seen == newest_first
    assert "Latest articles in German" in world.client.get("/latest?lang=de").text


def test_the_rank_cache_serves_every_filter(world: FilterWorld, monkeypatch: Any) -> None:
    calls = {"recent": 0, "matches": 0}
    store = world.store
    recent, matches = store.recent_stories, store.story_matches

    def counted_recent(*args: Any, **kw: Any) -> Any:
        calls["recent"] += 1
        return recent(*args, **kw)

    def counted_matches(*args: Any, **kw: Any) -> Any:
        calls["matches"] += 1
        return matches(*args, **kw)

    monkeypatch.setattr(store, "recent_stories", counted_recent)
    monkeypatch.setattr(store, "story_matches", counted_matches)
    client = _client(store, page_size=1, cache=300)
    for url in ["/", "/?page=2", "/?lang=de", "/?lang=de&page=2", "/?lang=de", "/?source=1"]:
        assert client.get(url).status_code == 200
    # One ranking for all six pages; one match query per distinct filter.
    assert calls == {"recent": 1, "matches": 2}


def test_filter_choices_are_cached(world: FilterWorld, monkeypatch: Any) -> None:
    calls: list[int] = []
    choices = world.store.language_choices

    def counted(candidates: int) -> Any:
        calls.append(candidates)
        return choices(candidates)

    monkeypatch.setattr(world.store, "language_choices", counted)
    client = _client(world.store)
    for _ in range(3):
        client.get("/")
    assert len(calls) == 1


def test_story_matches_on_each_backend(store: Store) -> None:
    """The store's filter query gives the same answer on SQLite and PostgreSQL."""
    a = store.add_source(Source(feed_url="https://a.example/feed", title="A"))
    b = store.add_source(Source(feed_url="https://b.example/feed", title="B"))
    now = datetime.now(UTC)
    ids = []
    for n, (lang, src) in enumerate([("en", a.id), ("de-CH", b.id), ("DE", a.id), (None, b.id)]):
        ids.append(
            store.save_article(
                Article(
                    url=f"https://x.example/{n}",
                    title=f"t{n}",
                    paragraphs=["p"],
                    published=now - timedelta(hours=n),
                    language=lang,
                ),
                source_id=src,
                guid=str(n),
            ).article_id
        )
    store.save_clustering([(ids[0], 1), (ids[1], 1), (ids[2], 2), (ids[3], 3)], [], b"{}")
    assert store.story_matches(10, language="de") == {1: [ids[1]], 2: [ids[2]]}
    assert store.story_matches(10, source_id=b.id) == {1: [ids[1]], 3: [ids[3]]}
    assert store.story_matches(10, source_id=a.id, language="de") == {2: [ids[2]]}
    # Only the newest stories are candidates: story 2 is not among the newest one.
    assert store.story_matches(1, source_id=a.id, language="de") == {}
    assert store.story_matches(1, language="de") == {1: [ids[1]]}
    assert [(c.value, c.count) for c in store.language_choices(10)] == [("de", 2), ("en", 1)]
    assert [a.id for a in store.filtered_articles(10, language="de")] == [ids[1], ids[2]]
    assert [c.label for c in store.source_choices()] == ["A", "B"]
