"""The enrichment stage over a real store (SQLite and PostgreSQL): queue, entities, quotes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from typer.testing import CliRunner

from progleton.cli import app
from progleton.config import Settings
from progleton.enrich.model import Enrichment
from progleton.enrich.stage import enrich_pending
from progleton.models import Article
from progleton.store import Store, open_store
from progleton.store.entitydb import EntityStore, quote_key

T0 = datetime(2025, 4, 7, 9, 0, tzinfo=UTC)

FERRY = (
    "Port to run free ferries during bridge closure",
    "Port spokeswoman Maria Lindqvist said on Monday that the ferries would run every hour "
    "while the harbour bridge is closed.\n\n"
    "“Nobody should pay to cross their own harbour,” Lindqvist told reporters.\n\n"
    "Mayor Jane Okafor welcomed the plan.",
)
FERRY_COPY = (
    "Free ferries for harbour residents",
    "Residents will cross the harbour for free while the bridge is shut.\n\n"
    "“Nobody should pay to cross their own harbour!” Lindqvist said.\n\n"
    "The service starts in May, according to the port authority.",
)
GERMAN = (
    "Fähren fahren kostenlos",
    "Die Sprecherin Maria Lindqvist sagte am Montag, die Fähren würden stündlich fahren, "
    "solange die Brücke gesperrt ist.",
)


def save(store: Store, n: int, item: tuple[str, str], publisher: str, language: str) -> int:
    title, body = item
    article = Article(
        url=f"https://{publisher.lower()}.example/{n}",
        title=title,
        paragraphs=body.split("\n\n"),
        published=T0 + timedelta(hours=n),
        publisher=publisher,
        language=language,
    )
    return store.save_article(article).article_id


def estore(store: Store) -> EntityStore:
    return cast(EntityStore, store)  # SQLStore has the entity mixin on both backends


def test_workers_enrich_the_next_batch_while_one_is_stored(store: Store) -> None:
    # Batches overlap (the next is read and sent to the workers before this one is stored):
    # each article must still be enriched once, and in order.
    s = estore(store)
    stored = [save(store, n, FERRY, f"Paper {n}", "en") for n in range(7)]
    settings = Settings(db_url=store.url)
    seen: list[int] = []
    original = s.save_enrichment

    def spy(article_id: int, result: Enrichment) -> None:
        seen.append(article_id)
        original(article_id, result)

    s.save_enrichment = spy  # type: ignore[method-assign]
    report = enrich_pending(s, settings, workers=2, batch=2)
    assert report.articles == 7 and report.waiting == 0
    assert seen == stored  # each once, oldest first
    lindqvist = next(e for e, _n in s.entities_of_article(stored[1]) if e.name == "Maria Lindqvist")
    assert lindqvist.article_count == 7  # every article named her once: counted once each


def test_stage_stores_entities_and_quotes_and_resumes(store: Store) -> None:
    s = estore(store)
    first = save(store, 1, FERRY, "Harbour Times", "en")
    second = save(store, 2, FERRY_COPY, "Coast Radio", "en")
    german = save(store, 3, GERMAN, "Hafenblatt", "de")
    assert s.count_unenriched() == 3

    settings = Settings(db_url=store.url)
    report = enrich_pending(s, settings, workers=0, limit=1)
    assert report.articles == 1 and report.waiting == 2
    report = enrich_pending(s, settings, workers=0, batch=1)
    assert report.articles == 2 and report.skipped == 1 and report.waiting == 0
    assert enrich_pending(s, settings, workers=0).articles == 0  # nothing twice

    # One canonical person across both articles; the surname alone joined her.
    people = {e.name: e for e, _n in s.entities_of_article(first) if e.label == "PERSON"}
    assert "Maria Lindqvist" in people
    lindqvist = people["Maria Lindqvist"]
    assert lindqvist.article_count == 2
    assert "Lindqvist" in s.aliases_of(lindqvist.id)
    assert [e.id for e, _ in s.entities_of_article(second) if e.label == "PERSON"] == [lindqvist.id]
    assert s.entities_of_article(german) == []

    said = s.entity_quotes(lindqvist.id)
    assert {q.article_id for q in said} == {first, second}
    assert all(q.speaker == "Maria Lindqvist" for q in said)
    assert any(q.kind == "direct" and "Nobody should pay" in q.text for q in said)
    assert lindqvist.quote_count == len(said)

    # Near-identical quotations share a key (punctuation and case aside).
    direct = [q for q in said if q.kind == "direct"]
    assert len({q.text_key for q in direct}) == 1
    assert quote_key("“Nobody should pay,”") == quote_key("nobody should PAY!")

    assert [q.article_id for q in s.search_quotes("cross their own harbour")] == [second, first]
    assert s.get_entity(lindqvist.id) is not None
    co = {e.name for e, _ in s.co_occurring(lindqvist.id)}
    assert "Jane Okafor" in co
    timeline = s.entity_timeline(lindqvist.id)
    assert sum(n for _, n in timeline) == 2
    assert [a.id for a in s.entity_articles(lindqvist.id)] == [second, first]
    assert s.find_entities("lindqvist")[0].id == lindqvist.id


def test_story_quotes_count_near_identical_quotes_once(store: Store) -> None:
    s = estore(store)
    ids = [
        save(store, 1, FERRY, "Harbour Times", "en"),
        save(store, 2, FERRY_COPY, "Coast Radio", "en"),
    ]
    settings = Settings(db_url=store.url)
    enrich_pending(s, settings, workers=0)
    # Put both in one story the way the story stage does.
    store.save_clustering([(ids[0], 7), (ids[1], 7)], [], b"state")
    grouped = s.story_quotes(7)
    nobody = [(q, pubs) for q, pubs in grouped if "Nobody should pay" in q.text]
    assert len(nobody) == 1
    assert nobody[0][1] == ["Harbour Times", "Coast Radio"]


def test_enrich_command_runs_the_stage_and_resumes(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    store = open_store(f"sqlite:///{db}")
    try:
        save(store, 1, FERRY, "Harbour Times", "en")
        save(store, 2, GERMAN, "Hafenblatt", "de")
    finally:
        store.close()
    env = {"PROGLETON_EXTRACT_WORKERS": "0"}
    runner = CliRunner()
    first = runner.invoke(app, ["--db", f"sqlite:///{db}", "enrich", "--limit", "1"], env=env)
    assert first.exit_code == 0, first.output
    assert "Enriched 1 articles" in first.output and "1 waiting" in first.output
    rest = runner.invoke(app, ["--db", f"sqlite:///{db}", "enrich"], env=env)
    assert "1 skipped (not English)" in rest.output and "0 waiting" in rest.output
    again = runner.invoke(app, ["--db", f"sqlite:///{db}", "enrich"], env=env)
    assert "Every article is enriched." in again.output
