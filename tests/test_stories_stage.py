"""The story stage over a real store: placement, copies, restarts, crashes; summary; ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from progleton.config import Settings
from progleton.dedupe.near import fingerprint
from progleton.models import Article, Story
from progleton.pipeline import Pipeline
from progleton.store import Store, open_store
from progleton.stories.rank import RankParams, rank, score
from progleton.stories.summary import Member, representative, summarize

T0 = datetime(2025, 4, 7, 9, 0, tzinfo=UTC)

BRIDGE = [
    (
        "Harbour bridge to close for eighteen months of cable repairs",
        "The city council voted to close the harbour bridge for eighteen months while "
        "engineers replace corroded steel cables. Traffic will be diverted to the ring road "
        "and a ferry will cross the harbour every fifteen minutes. Divers found the damage "
        "during a routine inspection last autumn, when several anchor points had rusted "
        "through, the transport department said.",
    ),
    (
        "Council votes to shut harbour bridge for cable repairs",
        "Councillors approved closing the harbour bridge so corroded cables can be replaced. "
        "Waterfront shop owners warned the eighteen month closure of the bridge would hurt "
        "trade; a ferry will carry pedestrians across the harbour.",
    ),
    (
        "Harbour bridge closure: ferry to run every fifteen minutes",
        "A ferry will run every fifteen minutes while the harbour bridge is closed for cable "
        "repairs, the council said, after engineers found corroded cables on the bridge.",
    ),
]
ORCHESTRA = [
    (
        "Regional orchestra to tour five northern towns this winter",
        "The regional orchestra will tour five northern towns this winter, playing chamber "
        "music in village halls. The conductor said tickets for the orchestra tour will be "
        "cheap and schools are invited to rehearsals.",
    ),
    (
        "Orchestra winter tour brings chamber music to northern village halls",
        "Village halls in five northern towns will host the regional orchestra on its winter "
        "tour, with chamber music and open rehearsals for schools, the orchestra's conductor "
        "announced.",
    ),
]


def make(n: int, title: str, body: str, hours: float, publisher: str) -> Article:
    return Article(
        url=f"https://{publisher.lower().replace(' ', '')}.example/{n}",
        title=title,
        paragraphs=[body],
        published=T0 + timedelta(hours=hours),
        publisher=publisher,
    )


def pipeline(store: Store) -> Pipeline:
    return Pipeline(Settings(db_url=store.url, extract_workers=0), store)


def fill(store: Store) -> dict[str, int]:
    ids: dict[str, int] = {}
    pubs = ["Daily Post", "Evening Star", "City Radio"]
    for i, (title, body) in enumerate(BRIDGE):
        a = make(i, title, body, i, pubs[i])
        ids[f"bridge{i}"] = store.save_article(a, fingerprint=fingerprint(a.text)).article_id
    for i, (title, body) in enumerate(ORCHESTRA):
        a = make(10 + i, title, body, 0.5 + i, ["Arts Weekly", "Music Today"][i])
        ids[f"orch{i}"] = store.save_article(a, fingerprint=fingerprint(a.text)).article_id
    return ids


def test_articles_on_one_event_share_a_story_and_others_do_not(store: Store) -> None:
    ids = fill(store)
    with pipeline(store) as p:
        report = p.cluster_pending()
    assert report.placed == 5
    placed = store.story_of(ids.values())
    bridge = {placed[ids[f"bridge{i}"]] for i in range(3)}
    orch = {placed[ids[f"orch{i}"]] for i in range(2)}
    assert len(bridge) == 1 and len(orch) == 1 and bridge != orch
    story = store.get_story(bridge.pop())
    assert story is not None
    assert story.article_count == 3 and story.publisher_count == 3
    assert story.publishers == ["Daily Post", "Evening Star", "City Radio"]
    assert story.first_article_id == ids["bridge0"]
    assert story.first_seen == T0 and story.last_seen == T0 + timedelta(hours=2)
    assert "bridge" in story.title.lower()
    assert [a.id for a in store.story_articles(story.id)] == [ids[f"bridge{i}"] for i in range(3)]
    assert store.count_unclustered() == 0 and store.count_stories() == 2


def test_rerunning_places_nothing_twice(store: Store) -> None:
    fill(store)
    with pipeline(store) as p:
        p.cluster_pending()
        again = p.cluster_pending()
    assert again.placed == 0 and store.count_stories() == 2


def test_a_copy_joins_its_originals_story_and_adds_no_publisher(store: Store) -> None:
    ids = fill(store)
    with pipeline(store) as p:
        p.cluster_pending()
    _title, body = BRIDGE[0]
    copy = make(99, "Bridge shut", body + " Reporting by the wire.", 5, "Syndicator")
    saved = store.save_article(copy, fingerprint=fingerprint(copy.text))
    with pipeline(store) as p:  # a new process: state comes back from the store
        report = p.cluster_pending()
    assert report.copies == 1 and "1 copy of stored articles" in report.summary()
    got = store.get_article(saved.article_id)
    assert got is not None and got.duplicate_of == ids["bridge0"]
    placed = store.story_of([saved.article_id, ids["bridge0"]])
    assert placed[saved.article_id] == placed[ids["bridge0"]]
    story = store.get_story(placed[saved.article_id])
    assert story is not None
    assert story.article_count == 4 and story.publisher_count == 3
    assert "Syndicator" in story.publishers


def test_state_survives_a_restart(store: Store) -> None:
    ids = fill(store)
    with pipeline(store) as p:
        p.cluster_pending()
    late = make(
        50,
        "Harbour bridge cable repairs begin as ferry starts running",
        "Engineers began replacing corroded cables on the harbour bridge as the ferry "
        "started crossing the harbour every fifteen minutes.",
        30,
        "Morning News",
    )
    new_id = store.save_article(late, fingerprint=fingerprint(late.text)).article_id
    with pipeline(store) as p:
        p.cluster_pending()
    placed = store.story_of([new_id, ids["bridge0"]])
    assert placed[new_id] == placed[ids["bridge0"]]


def test_a_crash_mid_batch_places_nothing_and_the_rerun_completes(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(store)

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("killed")

    with pipeline(store) as p:
        monkeypatch.setattr(store, "save_clustering", boom)
        with pytest.raises(RuntimeError):
            p.cluster_pending()
        monkeypatch.undo()
        assert store.count_unclustered() == 5 and store.count_stories() == 0
        assert store.load_cluster_state() is None
        assert p.cluster_pending().placed == 5
    assert store.count_stories() == 2


def test_batches_give_the_same_stories_as_one_pass(tmp_path: Path) -> None:
    results = []
    for batch in (1, 500):
        s = open_store(f"sqlite:///{tmp_path / f'b{batch}.db'}")
        ids = fill(s)
        with pipeline(s) as p:
            p.cluster_pending(batch=batch)
        placed = s.story_of(ids.values())
        groups = {frozenset(k for k in ids if placed[ids[k]] == sid) for sid in placed.values()}
        results.append(groups)
        s.close()
    assert results[0] == results[1]


# -- summary ---------------------------------------------------------------------------------


def m(i: int, title: str, publisher: str, hours: float, chars: int = 100,
      dup: int | None = None) -> Member:  # fmt: skip
    return Member(i, title, publisher, T0 + timedelta(hours=hours), chars, dup)


def test_summary_counts_independent_publishers_and_picks_the_lead() -> None:
    s = summarize([
        m(1, "Bridge closes for repairs", "Wire", 0, 900),
        m(2, "Bridge closes", "Copycat", 1, 950, dup=1),
        m(3, "Harbour bridge closes for cable repairs", "Post", 2, 2000),
        m(4, "Bridge to close for repairs, council says", "Star", 30, 500),
    ])  # fmt: skip
    assert s.publisher_count == 3  # Copycat's copy of Wire adds nobody
    assert s.publishers == ["Wire", "Copycat", "Post", "Star"]
    assert s.first_article_id == 1 and s.lead_article_id == 3  # the longest original
    assert s.recent_count == 1  # only Star's article is within a day of the latest
    assert s.article_count == 4


def test_representative_headline_is_the_one_sharing_most_words() -> None:
    titles = ["Obscure angle nobody else takes", "Bridge closes for repairs",
              "Bridge closes for cable repairs", "Council says bridge closes"]  # fmt: skip
    assert representative(titles) in (1, 2)
    assert representative([]) == 0 and representative(["Only"]) == 0
    with pytest.raises(ValueError, match="at least one"):
        summarize([])


# -- ranking ---------------------------------------------------------------------------------


def story(sid: int, publishers: int, last_hours_ago: float, span_hours: float = 1.0,
          recent: int = 1) -> Story:  # fmt: skip
    now = T0
    last = now - timedelta(hours=last_hours_ago)
    return Story(sid, f"s{sid}", last - timedelta(hours=span_hours), last, publishers,
                 publishers, [], sid, sid, recent)  # fmt: skip


def test_ranking_prefers_wide_coverage_then_recency() -> None:
    wide = story(1, 8, 3)
    fresh_single = story(2, 1, 0.5)
    stale_wide = story(3, 8, 72)
    ordered = [s.id for s in rank([stale_wide, fresh_single, wide], T0)]
    assert ordered == [1, 2, 3]
    assert all(s.score > 0 for s in (wide, fresh_single, stale_wide))


def test_ranking_counts_growth_and_penalises_long_running_stories() -> None:
    growing, flat = story(1, 3, 2, recent=3), story(2, 3, 2, recent=1)
    assert score(growing, T0) > score(flat, T0)
    long_running = story(3, 3, 2, span_hours=200)
    assert score(long_running, T0) < score(flat, T0)
    # Parameters change the order: with no gravity, coverage alone decides.
    flat_params = RankParams(gravity=0.0)
    assert score(story(4, 9, 500), T0, flat_params) > score(story(5, 2, 0), T0, flat_params)


def test_ranking_is_finite_for_archives_and_future_dates() -> None:
    old = story(1, 2, 24 * 365 * 8)
    future = story(2, 2, -5)  # clock skew: a story "from the future" is treated as now
    assert 0 < score(old, T0) < score(future, T0) < float("inf")


def test_front_page_ranking_is_reused_for_its_cache_time(store: Store) -> None:
    ids = fill(store)
    with pipeline(store) as p:
        p.cluster_pending()
        first, _ = p.front_page(T0 + timedelta(hours=3), 0, 10)
        assert first and all(s.lead is not None for s in first)
        # A new story appears: a cached ranking does not show it yet, a fresh one does.
        late = make(77, "Lighthouse keeper retires after forty years",
                    "The keeper of the northern lighthouse retired after forty years of service "
                    "on the rock, the coastguard said.", 2.5, "Coast News")  # fmt: skip
        new_id = store.save_article(late, fingerprint=fingerprint(late.text)).article_id
        p.cluster_pending()
        again, _ = p.front_page(T0 + timedelta(hours=3), 0, 10)
        assert [s.id for s in again] == [s.id for s in first]
    fresh_settings = Settings(db_url=store.url, extract_workers=0, rank_cache_seconds=0)
    with Pipeline(fresh_settings, store) as p:
        now_page, _ = p.front_page(T0 + timedelta(hours=3), 0, 10)
    story_of_new = store.story_of([new_id])[new_id]
    assert story_of_new in {s.id for s in now_page}
    assert len(ids) == 5
