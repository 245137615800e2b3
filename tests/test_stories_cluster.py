"""Online story clustering: joining, splitting, windows, merges, state round trips, odd input."""

from __future__ import annotations

import json
import random
import zlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from progleton.stories.cluster import Assignment, ClusterParams, StoryClusterer

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# Hand-written snippets about invented events (three stories, several articles each).
FLOOD = [
    (
        "Storm Mirela floods Porthaven as river bursts its banks",
        "Storm Mirela brought torrential rain to Porthaven overnight, and the river Wendle burst "
        "its banks shortly after midnight. Firefighters evacuated 300 homes near the harbour and "
        "the coastguard rescued two fishermen. The mayor of Porthaven, Ada Kessler, said the "
        "flood was the worst in forty years.",
    ),
    (
        "Porthaven evacuates hundreds of homes after Storm Mirela flooding",
        "Hundreds of residents of Porthaven spent the night in the sports hall after Storm Mirela "
        "flooded the harbour district. The river Wendle rose two metres in six hours, "
        "firefighters said. Mayor Ada Kessler asked the government for emergency funds.",
    ),
    (
        "Clean-up begins in flooded Porthaven as Storm Mirela moves east",
        "Volunteers began clearing mud from streets in Porthaven on Tuesday as Storm Mirela moved "
        "east. The river Wendle is falling but the harbour district remains flooded, and the "
        "mayor, Ada Kessler, said the clean-up would take weeks.",
    ),
]
RATES = [
    (
        "Norland central bank raises interest rates to 4.5% to fight inflation",
        "The central bank of Norland raised its main interest rate by half a point to 4.5% on "
        "Thursday, the third increase this year. Governor Piet Varga said inflation, at 7.2%, "
        "was still far above the bank's target and that borrowing costs could rise again.",
    ),
    (
        "Governor Varga signals more rate rises after Norland bank lifts rates",
        "Mortgage holders in Norland face higher payments after the central bank lifted interest "
        "rates to 4.5%. Governor Piet Varga told reporters that inflation must come down and that "
        "the bank was ready to raise rates further.",
    ),
]
CUP = [
    (
        "Harbour City beat Redmoor on penalties to win the national cup final",
        "Harbour City won the national cup for the first time since 1998, beating Redmoor 5-4 on "
        "penalties after a goalless final. Goalkeeper Tomas Brandt saved two spot kicks and "
        "captain Leon Achterberg lifted the trophy in front of 60,000 fans.",
    ),
    (
        "Brandt the hero as Harbour City lift cup after penalty shootout",
        "Tomas Brandt saved two penalties as Harbour City beat Redmoor in a shootout to win the "
        "national cup final. Coach Ines Moreau praised her goalkeeper and said the win was for "
        "the city's long-suffering fans.",
    ),
]


def feed(
    clusterer: StoryClusterer,
    articles: list[tuple[str, str]],
    start: datetime = T0,
    step: timedelta = timedelta(minutes=40),
    first_id: int = 1,
) -> list[Assignment]:
    return [
        clusterer.add(first_id + i, title, body, start + i * step)
        for i, (title, body) in enumerate(articles)
    ]


def interleaved() -> list[tuple[str, str]]:
    return [FLOOD[0], RATES[0], CUP[0], FLOOD[1], RATES[1], CUP[1], FLOOD[2]]


def test_same_event_joins_one_story_and_different_events_stay_apart() -> None:
    c = StoryClusterer()
    got = feed(c, interleaved())
    story = {a.article_id: a.story_id for a in got}
    flood, rates, cup = {story[1], story[4], story[7]}, {story[2], story[5]}, {story[3], story[6]}
    assert len(flood) == len(rates) == len(cup) == 1
    assert len(flood | rates | cup) == 3
    assert [a.created for a in got] == [True, True, True, False, False, False, False]
    assert [a.story_id for a in got if a.created] == [1, 2, 3]  # ids increase from 1
    assert all(a.similarity == 0.0 for a in got if a.created)
    assert all(ClusterParams().threshold <= a.similarity <= 1.0 for a in got if not a.created)
    assert c.open_stories == 3


def test_titles_only_articles_cluster_too() -> None:
    c = StoryClusterer()
    got = feed(c, [(t, "") for t, _ in interleaved()])
    story = [a.story_id for a in got]
    assert story[0] == story[3] == story[6]
    assert len(set(story)) == 3


def test_story_older_than_the_window_cannot_be_joined() -> None:
    c = StoryClusterer(ClusterParams(window_hours=24))
    first = c.add(1, *FLOOD[0], T0)
    # Unrelated news two days later moves the clock on and closes the flood story.
    c.add(2, *RATES[0], T0 + timedelta(hours=48))
    assert c.open_stories == 1
    late = c.add(3, *FLOOD[1], T0 + timedelta(hours=49))
    assert late.created and late.story_id != first.story_id
    # Within the window the same article would have joined.
    fresh = StoryClusterer(ClusterParams(window_hours=24))
    fresh.add(1, *FLOOD[0], T0)
    assert not fresh.add(3, *FLOOD[1], T0 + timedelta(hours=3)).created


def test_slightly_out_of_order_article_joins_its_story() -> None:
    c = StoryClusterer()
    a = c.add(1, *FLOOD[1], T0 + timedelta(hours=2))
    c.add(2, *RATES[0], T0 + timedelta(hours=3))
    late = c.add(3, *FLOOD[0], T0)  # published before the first, arrives after
    assert late.story_id == a.story_id and not late.created


def test_time_decay_lowers_similarity_to_an_old_story() -> None:
    params = ClusterParams(window_hours=24 * 30, threshold=0.01)
    near, far = StoryClusterer(params), StoryClusterer(params)
    near.add(1, *FLOOD[0], T0)
    far.add(1, *FLOOD[0], T0)
    s_near = near.add(2, *FLOOD[1], T0 + timedelta(hours=1)).similarity
    s_far = far.add(2, *FLOOD[1], T0 + timedelta(days=5)).similarity
    assert 0 < s_far < s_near


def test_round_trip_gives_identical_next_assignments() -> None:
    c = StoryClusterer()
    feed(c, [FLOOD[0], RATES[0], CUP[0]])
    restored = StoryClusterer.from_bytes(c.to_bytes())
    assert restored.open_stories == c.open_stories == 3
    assert restored.next_story_id == c.next_story_id == 4
    rest = [FLOOD[1], RATES[1], CUP[1], FLOOD[2], ("Quiet day at the Kelso flower show", "")]
    start = T0 + timedelta(hours=3)
    assert feed(c, rest, start, first_id=10) == feed(restored, rest, start, first_id=10)
    assert c.merge_pass() == restored.merge_pass()
    assert c.to_bytes() == restored.to_bytes()


def test_state_is_compact_json_with_aware_utc_times() -> None:
    c = StoryClusterer()
    # A non-UTC offset and a naive time (taken as UTC) both arrive in the state as UTC.
    c.add(1, *FLOOD[0], datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=2))))
    c.add(2, *FLOOD[1], datetime(2026, 3, 2, 9, 0))
    blob = c.to_bytes()
    assert not blob.startswith(b"\x80")  # not a pickle
    state = json.loads(zlib.decompress(blob))
    times = [state["now"]] + [t for s in state["stories"] for t in s[1:3]]
    for raw in times:
        when = datetime.fromisoformat(raw)
        assert when.utcoffset() == timedelta(0)
    assert datetime.fromisoformat(state["now"]) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert state["stories"][0][1] == "2026-03-02T08:00:00+00:00"


def test_from_bytes_takes_new_params_and_rejects_unknown_formats() -> None:
    c = StoryClusterer(ClusterParams(threshold=0.2))
    c.add(1, *FLOOD[0], T0)
    assert StoryClusterer.from_bytes(c.to_bytes()).params.threshold == 0.2
    assert StoryClusterer.from_bytes(c.to_bytes(), ClusterParams()).params == ClusterParams()
    with pytest.raises(ValueError):
        StoryClusterer.from_bytes(zlib.compress(b'{"format": 99}'))


def test_merge_pass_merges_two_stories_split_early() -> None:
    # A strict join threshold splits the flood coverage; the merge pass puts it back together.
    c = StoryClusterer(ClusterParams(threshold=0.9, merge_threshold=0.3, absorb_threshold=0.3))
    got = feed(c, [FLOOD[0], CUP[0], FLOOD[1]])
    assert all(a.created for a in got)
    assert c.open_stories == 3
    merged = c.merge_pass()
    assert merged == [(got[2].story_id, got[0].story_id)]  # the younger is absorbed
    assert c.open_stories == 2
    assert c.merge_pass() == []  # nothing changed since
    # The surviving story now holds both articles: a third flood article is closer to it.
    probe = StoryClusterer.from_bytes(c.to_bytes(), ClusterParams())
    joined = probe.add(9, *FLOOD[2], T0 + timedelta(hours=2))
    assert joined.story_id == got[0].story_id


def test_merge_pass_leaves_different_events_and_old_stories_alone() -> None:
    c = StoryClusterer()
    feed(c, interleaved())
    assert c.merge_pass() == []
    c2 = StoryClusterer(ClusterParams(threshold=0.9, merge_window_hours=1))
    c2.add(1, *FLOOD[0], T0)
    c2.add(2, *FLOOD[1], T0 + timedelta(hours=1))
    # Both were joined more than an hour before `now`: out of the merge window.
    assert c2.merge_pass(now=T0 + timedelta(hours=5)) == []


def _noise(rng: random.Random, i: int) -> tuple[str, str]:
    words = [f"w{rng.randrange(50_000)}x{i % 7}" for _ in range(8)]
    return " ".join(words[:5]), " ".join(words) + f" Zed{i} Corp reported."


def test_pool_stays_bounded_under_many_articles() -> None:
    c = StoryClusterer(ClusterParams(max_open=40, window_hours=6))
    rng = random.Random(3)
    for i in range(600):
        c.add(i, *_noise(rng, i), T0 + timedelta(minutes=i))
        assert c.open_stories <= 40
        if i % 50 == 0:
            c.merge_pass()
    # Only the bounded pool is indexed: every posting points at an open story.
    assert c.next_story_id > 500
    open_ids = set(c._open)
    assert all(ids <= open_ids for ids in c._postings.values())
    # The window closes stories by time too: six hours of silence then one article.
    c.add(10_000, *FLOOD[0], T0 + timedelta(days=2))
    assert c.open_stories == 1


def test_vocabulary_is_bounded() -> None:
    c = StoryClusterer(ClusterParams(max_vocabulary=500))
    rng = random.Random(5)
    for i in range(200):
        c.add(i, *_noise(rng, i), T0 + timedelta(minutes=i))
        assert len(c.vocab.df) <= 500 * 1.25 + 60


def test_similarity_is_symmetric_and_bounded() -> None:
    c = StoryClusterer()
    for title, body in FLOOD + RATES + CUP:
        c.observe(title, body)
    texts = FLOOD + RATES + CUP + [("", ""), ("🌊🌊", "")]
    for ta, ba in texts:
        for tb, bb in texts:
            s = c.similarity(ta, ba, tb, bb)
            assert 0.0 <= s <= 1.0
            assert s == pytest.approx(c.similarity(tb, bb, ta, ba))
    assert c.similarity(*FLOOD[0], *FLOOD[0]) == pytest.approx(1.0)
    same = c.similarity(*FLOOD[0], *FLOOD[1])
    assert same > 3 * c.similarity(*FLOOD[0], *RATES[0])
    assert same > 3 * c.similarity(*FLOOD[0], *CUP[0])


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("", ""),
        ("   ", "\n\t"),
        ("🔥🔥🔥", "😀 🎉 👍"),
        ("Хорошие новости из Москвы", "Сегодня в городе открылся новый мост через реку."),
        ("北京今天下雨", "天气预报说明天会更冷。"),
        ("الأخبار العاجلة", "وصل الوزير إلى المدينة صباح اليوم."),
        ("A" * 5000, "B " * 20_000),
        ("'s ’s -- ... !!!", "\x00\x01 <p>&amp;</p>"),
        ("Storm Mirela", "STORM MIRELA FLOODS PORTHAVEN"),
    ],
)
def test_odd_input_does_not_crash(title: str, body: str) -> None:
    c = StoryClusterer()
    a = c.add(1, title, body, T0)
    b = c.add(2, title, body, T0 + timedelta(minutes=1))
    assert a.created and a.story_id == 1
    assert 0.0 <= b.similarity <= 1.0
    assert 0.0 <= c.similarity(title, body, title, body) <= 1.0
    c.merge_pass()
    StoryClusterer.from_bytes(c.to_bytes())


def test_empty_articles_never_join_each_other() -> None:
    c = StoryClusterer()
    assert c.add(1, "", "", T0).created
    assert c.add(2, "", "", T0).created
    assert c.merge_pass() == []


def test_reads_the_first_state_format() -> None:
    c = StoryClusterer()
    feed(c, [FLOOD[0], RATES[0]])
    state = json.loads(zlib.decompress(c.to_bytes()))
    # Format 1 kept centroid weights and document frequencies as JSON objects.
    old = StoryClusterer.from_bytes(c.to_bytes())
    state["format"] = 1
    state["df"] = dict(old.vocab.df)
    del state["terms"]
    state["stories"] = [[*s[:4], dict(zip(s[4], old._open[s[0]].vec.values(), strict=True))]
                        for s in state["stories"]]  # fmt: skip
    restored = StoryClusterer.from_bytes(zlib.compress(json.dumps(state).encode()))
    rest = [FLOOD[1], RATES[1], CUP[0]]
    start = T0 + timedelta(hours=2)
    assert feed(restored, rest, start, first_id=10) == feed(c, rest, start, first_id=10)
