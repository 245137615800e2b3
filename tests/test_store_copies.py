"""Same article in the store: queued when stored, folded under the earliest version by the
near-duplicate stage (atomically, resumably); headline history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from progleton.dedupe.near import fingerprint
from progleton.models import Article, FeedEntry, Source
from progleton.store import Store
from progleton.store.sql import SQLStore

T0 = datetime(2025, 4, 7, 9, 0, tzinfo=UTC)

WIRE = [
    "The city council voted on Tuesday to close the old harbour bridge for eighteen months "
    "while engineers replace its corroded steel cables, a decision that will divert about "
    "twelve thousand vehicles a day onto the ring road.",
    "Council members approved the plan by nine votes to four after a three hour debate in "
    "which shop owners on the waterfront warned that the closure could halve their trade "
    "during the summer season.",
    "The transport department said a temporary ferry service would run every fifteen minutes "
    "between the two banks from the first week of June, and that cyclists and pedestrians "
    "would be able to use a footbridge built beside the old crossing.",
    "Engineers found the damage during a routine inspection last autumn, when divers reported "
    "that several anchor points had rusted through, the department said in a statement.",
]
OTHER = [
    "A regional orchestra announced on Monday that it will tour five northern towns this "
    "winter, bringing chamber music to village halls that have not hosted a concert in years.",
    "The conductor said the programme mixes baroque pieces with new works by young local "
    "composers, and that tickets will cost no more than the price of a cinema seat.",
    "Organisers hope the tour will draw families who rarely travel to the city for concerts, "
    "and schools in each town have been invited to send pupils to open rehearsals.",
]


def article(url: str, paragraphs: list[str], hours: float, publisher: str, **kw: str) -> Article:
    return Article(
        url=url,
        title=kw.get("title", "Harbour bridge to close for repairs"),
        paragraphs=paragraphs,
        published=T0 + timedelta(hours=hours),
        publisher=publisher,
    )


def save(store: Store, a: Article) -> tuple[int, int | None]:
    """Store an article and run the near-duplicate stage; (its id, what it copies)."""
    res = store.save_article(a, fingerprint=fingerprint(a.text))
    store.place_copies(100)
    got = store.get_article(res.article_id)
    assert got is not None
    return res.article_id, got.duplicate_of


def count(store: Store, table: str) -> int:
    assert isinstance(store, SQLStore)
    with store.engine.connect() as conn:
        return int(conn.execute(text(f"select count(*) from {table}")).scalar_one())


def test_a_syndicated_copy_is_folded_under_the_original(store: Store) -> None:
    orig, dup = save(store, article("https://wire.example/a", WIRE, 0, "Wire"))
    assert dup is None
    # A local paper adds an intro, drops the last paragraph and appends an appeal.
    copy = ["Our reporter adds: the bridge was built in 1911.", *WIRE[:3],
            "Support local journalism: subscribe today for one dollar a week."]  # fmt: skip
    copy_id, dup = save(store, article("https://local.example/b", copy, 2, "Local", title="X"))
    assert dup == orig
    unrelated_id, dup = save(store, article("https://arts.example/c", OTHER, 3, "Arts"))
    assert dup is None
    assert [a.id for a in store.copies_of(orig)] == [copy_id]
    got = store.get_article(copy_id)
    assert got is not None and got.duplicate_of == orig
    assert store.copies_of(unrelated_id) == []


def test_an_exact_copy_is_found_by_its_hash(store: Store) -> None:
    short = ["Polls close at eight tonight.", "Results are expected by midnight."]
    orig, _ = save(store, article("https://a.example/1", short, 0, "A"))
    copy, dup = save(store, article("https://b.example/1", short, 1, "B"))
    assert dup == orig and copy != orig


def test_an_earlier_version_stored_later_becomes_the_original(store: Store) -> None:
    late_a, _ = save(store, article("https://late.example/a", WIRE, 5, "Late A"))
    late_b, dup = save(store, article("https://late.example/b", WIRE[:3], 6, "Late B"))
    assert dup == late_a
    early, dup = save(store, article("https://wire.example/x", WIRE, 1, "Wire"))
    assert dup is None  # it is the original now
    assert sorted(a.id or 0 for a in store.copies_of(early)) == [late_a, late_b]
    assert store.copies_of(late_a) == []


def test_short_unrelated_bodies_are_never_copies(store: Store) -> None:
    ids = []
    for i, body in enumerate(["Weather: sunny.", "Markets closed higher.", "Match postponed."]):
        ids.append(save(store, article(f"https://s.example/{i}", [body], i, "S"))[1])
    assert ids == [None, None, None]


def test_storing_only_queues_and_the_stage_indexes(store: Store) -> None:
    a = article("https://wire.example/a", WIRE, 0, "Wire")
    orig = store.save_article(a, fingerprint=fingerprint(a.text)).article_id
    # The crawl's storing transaction keeps the shingles and queues the article: no bands,
    # no comparisons, and the story stage does not see it yet.
    assert count(store, "article_fingerprints") == 1 and count(store, "article_bands") == 0
    assert store.count_unplaced() == 1 and store.count_unclustered() == 0
    assert store.unclustered_articles(10) == []
    assert store.place_copies(100) == (1, 0)
    assert count(store, "article_bands") > 0 and store.count_unplaced() == 0
    assert [x.id for x in store.unclustered_articles(10)] == [orig]
    assert store.place_copies(100) == (0, 0)  # nothing left: re-running is a no-op
    assert isinstance(store, SQLStore)
    with store.engine.begin() as conn:
        conn.execute(text("delete from articles where id = :id"), {"id": orig})
    assert count(store, "article_bands") == 0 and count(store, "article_fingerprints") == 0


def test_copies_stored_together_are_placed_in_stored_order(store: Store) -> None:
    # A crawl stores many texts before the stage runs: within one batch, each is compared
    # with those placed before it, and batch boundaries change nothing.
    bodies = [WIRE, OTHER, WIRE[:3], [*OTHER[:2], "Tickets are on sale at the town halls."], WIRE]
    ids = []
    for i, body in enumerate(bodies):
        a = article(f"https://p{i}.example/x", body, i, f"P{i}")
        ids.append(store.save_article(a, fingerprint=fingerprint(a.text)).article_id)
    assert store.place_copies(2) == (2, 0)
    assert store.place_copies(100) == (3, 3)
    dup = {i: (store.get_article(i) or Article(url="")).duplicate_of for i in ids}
    assert dup == {ids[0]: None, ids[1]: None, ids[2]: ids[0], ids[3]: ids[1], ids[4]: ids[0]}


def test_saving_again_is_idempotent_and_does_not_refold(store: Store) -> None:
    a = article("https://wire.example/a", WIRE, 0, "Wire")
    first = store.save_article(a, fingerprint=fingerprint(a.text))
    again = store.save_article(a, fingerprint=fingerprint(a.text))
    assert first.created and not again.created and again.article_id == first.article_id
    assert store.count_unplaced() == 1  # queued once
    assert store.place_copies(100) == (1, 0)
    assert store.copies_of(first.article_id) == []


def test_a_changed_headline_is_kept_in_the_history(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://wire.example/feed", title="Wire"))
    assert src.id is not None
    a = article("https://wire.example/a", WIRE, 0, "Wire", title="Bridge to close")
    saved = store.save_article(a, source_id=src.id, guid="g1", entry_title="Bridge to close")
    # The feed shows the same entry again: same title, nothing to do.
    assert store.retitled_entries(src.id, {"g1": "Bridge to close"}) == []
    changed = store.retitled_entries(src.id, {"g1": "Bridge closure delayed", "nope": "x"})
    assert changed == [("g1", saved.article_id)]
    b = article("https://wire.example/a", WIRE, 0, "Wire", title="Bridge closure delayed")
    assert store.revise_article(
        saved.article_id, b, source_id=src.id, guid="g1", entry_title="Bridge closure delayed"
    )
    got = store.get_article(saved.article_id)
    assert got is not None and got.title == "Bridge closure delayed"
    assert [r.title for r in store.title_history(saved.article_id)] == ["Bridge to close"]
    assert store.retitled_entries(src.id, {"g1": "Bridge closure delayed"}) == []
    # Search finds the new headline (the full-text index follows title edits).
    hits, total = store.search("closure delayed")
    assert total == 1 and hits[0].article.id == saved.article_id


def test_linked_entries_keep_their_title(store: Store) -> None:
    src = store.add_source(Source(feed_url="https://b.example/feed", title="B"))
    assert src.id is not None
    saved = store.save_article(article("https://a.example/1", OTHER, 0, "A"))
    entry = FeedEntry(guid="b1", url="https://a.example/1", title="Orchestra tour")
    store.link_entry(src.id, entry, saved.article_id)
    # A duplicate entry is not "stored" by this source: its headline edits are not ours.
    assert store.retitled_entries(src.id, {"b1": "Orchestra tour cancelled"}) == []


def test_a_crash_mid_batch_places_nothing_and_a_rerun_places_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i, body in enumerate([WIRE, OTHER, WIRE[:3]]):
        a = article(f"https://c{i}.example/x", body, i, f"C{i}")
        store.save_article(a, fingerprint=fingerprint(a.text))
    assert isinstance(store, SQLStore)
    real = SQLStore._fold_copy

    def crash(*args: object) -> int:
        raise RuntimeError("killed mid-batch")

    monkeypatch.setattr(SQLStore, "_fold_copy", staticmethod(crash))
    with pytest.raises(RuntimeError):
        store.place_copies(100)
    # The batch's transaction rolled back whole: still queued, nothing indexed or folded.
    assert store.count_unplaced() == 3 and count(store, "article_bands") == 0
    monkeypatch.setattr(SQLStore, "_fold_copy", staticmethod(real))
    assert store.place_copies(100) == (3, 1)
    assert store.place_copies(100) == (0, 0)
