"""Near-identical quotes folded (story and entity pages), the entity page's look and paging,
and the paged /entities index, over a real store and the real app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

from fastapi.testclient import TestClient

from progleton.config import Settings
from progleton.store import Store
from progleton.store.entitydb import EntityStore
from progleton.web.app import create_app
from progleton.web.entities import ENTITIES_PAGE_SIZE, ENTITY_QUOTES_PAGE_SIZE
from test_web_quotes_search import Said, add_article

STORY = 7
ACME = {"Acme Corp": "ORG"}
INQUIRY_LONG = (
    "we have received an inquiry from the office of the New York State Attorney General "
    "and are cooperating in the matter."
)
INQUIRY_SHORT = (
    "We received an inquiry from the office of the New York State Attorney General and are "
    "cooperating in the matter,"
)
OTHER = "Our quarterly results will be published on Friday as planned."


def section(html: str, labelled_by: str) -> str:
    start = html.index(f'id="{labelled_by}"')
    return html[start : html.index("</section>", start)]


def app(store: Store) -> TestClient:
    return TestClient(create_app(Settings(db_url=store.url), store))


def es(store: Store) -> EntityStore:
    return cast(EntityStore, store)


def test_story_folds_near_identical_quotes_and_takes_the_majority_speaker(store: Store) -> None:
    # The earliest copy has no resolved speaker; the two later ones say Acme Corp.
    add_article(store, 1, "Wire One", [Said(INQUIRY_LONG, source="the company")], story=STORY)
    add_article(store, 2, "Daily Two", [Said(INQUIRY_SHORT, "Acme Corp")], ACME, story=STORY)
    add_article(
        store, 3, "Weekly Three", [Said(INQUIRY_SHORT, "Acme Corp"), Said(OTHER)], ACME, STORY
    )
    grouped = es(store).story_quotes(STORY)
    assert len(grouped) == 2
    quote, publishers = grouped[0]
    assert publishers == ["Wire One", "Daily Two", "Weekly Three"]
    assert quote.speaker == "Acme Corp" and quote.entity_id is not None
    assert grouped[1][0].text == OTHER and grouped[1][1] == ["Weekly Three"]

    api = app(store).get(f"/api/v1/stories/{STORY}/quotes").json()["quotes"]
    assert [q["publishers"] for q in api] == [
        ["Wire One", "Daily Two", "Weekly Three"],
        ["Weekly Three"],
    ]
    assert api[0]["speaker"] == "Acme Corp"
    page = app(store).get(f"/stories/{STORY}").text
    assert section(page, "quotes-title").count("Attorney General") == 1


def test_fold_ties_prefer_a_resolved_speaker_and_short_quotes_stay_apart(store: Store) -> None:
    add_article(store, 1, "Wire One", [Said(INQUIRY_LONG, source="it")], story=STORY)
    add_article(
        store,
        2,
        "Daily Two",
        [Said(INQUIRY_SHORT, "Acme Corp"), Said("No comment."), Said("No comment at all.")],
        ACME,
        STORY,
    )
    grouped = es(store).story_quotes(STORY)
    assert grouped[0][0].speaker == "Acme Corp"  # one copy each: the named speaker wins
    # Fewer than five words fold only when their words are equal.
    assert [q.text for q, _ in grouped[1:]] == ["No comment.", "No comment at all."]


def test_entity_page_folds_quotes_and_renders_like_the_story_page(store: Store) -> None:
    add_article(store, 1, "Harbour Times", [Said(INQUIRY_LONG, "Acme Corp", cue=":")], ACME)
    add_article(store, 2, "Coast Radio", [Said(INQUIRY_SHORT, "Acme Corp", cue=":")], ACME)
    add_article(store, 3, "Coast Radio", [Said(OTHER, "Acme Corp", cue="announced")], ACME)
    acme = es(store).find_entities("Acme Corp")[0]
    html = app(store).get(f"/entities/{acme.id}").text
    quotes = section(html, "quotes-title")
    assert quotes.count("Attorney General") == 1
    assert re.search(r"Carried by <a [^>]*>Harbour Times</a>, Coast Radio", quotes)
    assert '<ul class="quote-list">' in quotes and 'class="quote-text"' in quotes
    assert re.search(r"Acme Corp</a>\s*<span class=\"quote-cue\">announced</span>", quotes)
    # A ":" cue is no verb: the speaker alone, and never a separator with nothing before it.
    assert 'Acme Corp</a> <span class="quote-cue">:' not in quotes
    assert not re.search(r'class="quote-by">\s*<span class="sep"', quotes)
    assert not re.search(r'<span class="sep"[^>]*>·</span>\s*<span class="sep"', quotes)
    # Both speakers' quote counts of the entity are still there in the head.
    assert "3 quotes" in html


def test_entity_page_and_index_are_styled() -> None:
    css = (Path(__file__).parents[1] / "src/progleton/web/static/style.css").read_text()
    for rule in (".timeline {", ".timeline li {", ".related-entities", ".entity-index {"):
        assert rule in css
    index_rule = css[css.index(".entity-index {") :]
    assert "list-style: none" in index_rule[: index_rule.index("}")]


def test_entity_quotes_are_paged(store: Store) -> None:
    n = ENTITY_QUOTES_PAGE_SIZE + 5
    said = [Said(f"Statement number {i} about the harbour budget", "Acme Corp") for i in range(n)]
    add_article(store, 1, "Harbour Times", said, ACME)
    client = app(store)
    acme = es(store).find_entities("Acme Corp")[0]
    first = client.get(f"/entities/{acme.id}").text
    assert f"{n} quotes" in first
    assert first.count('class="quote quote-direct"') == ENTITY_QUOTES_PAGE_SIZE
    assert f'href="/entities/{acme.id}?page=2" rel="next"' in first
    assert 'rel="prev"' not in first.split('id="quotes-title"')[1]
    second = client.get(f"/entities/{acme.id}", params={"page": 2}).text
    assert second.count('class="quote quote-direct"') == 5
    assert f'href="/entities/{acme.id}" rel="prev"' in second and 'rel="next"' not in second
    assert f"(31–35 of {n})" in second
    for bad in ("0", "-1", "x", "1001"):
        assert client.get(f"/entities/{acme.id}", params={"page": bad}).status_code == 400
    assert client.get(f"/entities/{acme.id}", params={"page": 3}).status_code == 404

    api = client.get(f"/api/v1/entities/{acme.id}/quotes", params={"limit": 30}).json()
    assert len(api["quotes"]) == 30 and api["next_offset"] == 30
    rest = client.get(f"/api/v1/entities/{acme.id}/quotes", params={"offset": 30}).json()
    assert len(rest["quotes"]) == 5 and rest["next_offset"] is None
    assert {q["id"] for q in api["quotes"]}.isdisjoint(q["id"] for q in rest["quotes"])


def test_entities_index_is_paged_and_labelled(store: Store) -> None:
    people = {
        f"Person {chr(65 + i // 26)}{chr(65 + i % 26)} Example": "PERSON"
        for i in range(ENTITIES_PAGE_SIZE + 1)
    }
    add_article(store, 1, "Harbour Times", [], people)
    client = app(store)
    first = client.get("/entities").text
    assert first.count('<li><a href="/entities/') == ENTITIES_PAGE_SIZE
    assert "1 article" in first and 'href="/entities?page=2" rel="next"' in first
    second = client.get("/entities", params={"page": 2}).text
    assert second.count('<li><a href="/entities/') == 1 and 'rel="prev"' in second
    assert client.get("/entities", params={"page": 0}).status_code == 400
    assert client.get("/entities", params={"page": 3}).status_code == 404

    api = client.get("/api/v1/entities", params={"limit": 60}).json()
    assert len(api["entities"]) == 60 and api["next_offset"] == 60
    rest = client.get("/api/v1/entities", params={"limit": 60, "offset": 60}).json()
    assert len(rest["entities"]) == ENTITIES_PAGE_SIZE + 1 - 60 and rest["next_offset"] is None


def test_site_navigation_links_the_entities(store: Store) -> None:
    html = app(store).get("/").text
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    assert 'href="/entities"' in nav and "People &amp; places" in nav
