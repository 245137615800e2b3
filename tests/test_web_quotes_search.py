"""Quote search (`/api/v1/quotes`, `/quotes`, the "Quotes" box on `/search`) over a real store.

Quotes are stored through the store's own `save_enrichment` with hand-made enrichments (no
language model), so each test knows exactly which words every quote and speaker has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from progleton.config import Settings
from progleton.enrich.model import Enrichment, Entity, Mention, Quote
from progleton.models import Article
from progleton.store import Store
from progleton.store.entitydb import EntityStore
from progleton.web.app import create_app

T0 = datetime(2025, 4, 7, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Said:
    """One quote for `add_article`: its words, the speaker (a name in `people`) or None."""

    text: str
    speaker: str | None = None
    source: str | None = None
    cue: str | None = "said"
    kind: str = "direct"


def add_article(
    store: Store,
    n: int,
    publisher: str,
    said: list[Said],
    people: dict[str, str] | None = None,
    story: int | None = None,
) -> int:
    """Store article `n` (an hour after the previous) with these quotes and entities
    (name -> label), enriched; in `story` when given."""
    people = people or {}
    body = "\n\n".join(f"{s.source or s.speaker or 'Someone'} said: “{s.text}”" for s in said)
    article = Article(
        url=f"https://{publisher.lower().replace(' ', '-')}.example/{n}",
        title=f"Report {n}",
        paragraphs=body.split("\n\n") or ["Nothing said."],
        published=T0 + timedelta(hours=n),
        publisher=publisher,
        language="en",
    )
    article_id = store.save_article(article).article_id
    if story is not None:
        store.save_clustering([(article_id, story)], [], b"state")
    names = list(people)
    entities = [
        Entity(name, people[name], aliases=[name.split()[-1]], mentions=1) for name in names
    ]
    mentions = [Mention(0, len(name), name, i) for i, name in enumerate(names)]
    quotes = [
        Quote(
            kind=s.kind,
            content=s.text,
            content_start=0,
            content_end=len(s.text),
            cue=s.cue,
            cue_start=None,
            cue_end=None,
            source=s.source or (s.speaker.split()[-1] if s.speaker else None),  # "Putin"
            source_start=None,
            source_end=None,
            speaker=names.index(s.speaker) if s.speaker in names else None,
            sentence=s.text,
        )
        for s in said
    ]
    es: EntityStore = store  # type: ignore[assignment]
    es.save_enrichment(article_id, Enrichment(entities, mentions, quotes))
    return article_id


@pytest.fixture
def client(store: Store) -> TestClient:
    add_article(
        store,
        1,
        "Harbour Times",
        [
            Said("There will be no nuclear war in Europe", "Vladimir Putin"),
            Said("Methods matter more than money", "Jane Okafor"),
        ],
        {"Vladimir Putin": "PERSON", "Jane Okafor": "PERSON"},
    )
    add_article(
        store,
        2,
        "Coast Radio",
        [
            Said("The war is not nuclear, it is conventional", source="a spokesman"),
            Said("Something must change at the harbour", "Jane Okafor"),
        ],
        {"Jane Okafor": "PERSON"},
    )
    return TestClient(create_app(Settings(db_url=store.url), store))


def texts(client: TestClient, q: str, **params: object) -> list[str]:
    response = client.get("/api/v1/quotes", params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [x["text"] for x in response.json()["quotes"]]


NUCLEAR = "There will be no nuclear war in Europe"
CONVENTIONAL = "The war is not nuclear, it is conventional"


def test_quote_search_matches_whole_words_not_substrings(client: TestClient) -> None:
    assert texts(client, "meth") == []  # not "Methods", not "Something"
    assert texts(client, "methods") == ["Methods matter more than money"]
    assert texts(client, "METHODS matter") == ["Methods matter more than money"]
    assert texts(client, "war") == [CONVENTIONAL, NUCLEAR]  # newest first


def test_quote_search_ignores_control_characters_and_wildcards(client: TestClient) -> None:
    assert texts(client, "\x00") == []
    assert texts(client, "%") == []
    assert texts(client, "%00") == []
    assert texts(client, "_") == []
    assert texts(client, "war\x00") == [CONVENTIONAL, NUCLEAR]
    assert texts(client, "nuclear\x1fwar") == [CONVENTIONAL, NUCLEAR]  # two words


def test_quote_search_phrases_and_exclusions_like_article_search(client: TestClient) -> None:
    assert texts(client, '"nuclear war"') == [NUCLEAR]
    assert texts(client, "war -conventional") == [NUCLEAR]
    assert texts(client, '"nuclear war" -europe') == []
    assert texts(client, "-war") == []  # an exclusion alone matches nothing
    assert texts(client, 'war "not nuclear"') == [CONVENTIONAL]


def test_quote_search_matches_the_speakers_name(client: TestClient) -> None:
    assert texts(client, "Putin") == [NUCLEAR]
    assert texts(client, "vladimir war") == [NUCLEAR]
    assert texts(client, "Okafor") == [
        "Something must change at the harbour",
        "Methods matter more than money",
    ]
    assert texts(client, "spokesman") == [CONVENTIONAL]  # the source as written
    assert texts(client, "Okafor -harbour") == ["Methods matter more than money"]


def test_quote_search_filters_and_pages(client: TestClient) -> None:
    assert texts(client, "war source:coast") == [CONVENTIONAL]
    assert texts(client, "war after:2025-04-07 before:2025-04-07") == []
    first = client.get("/api/v1/quotes", params={"q": "war", "limit": 1}).json()
    assert [x["text"] for x in first["quotes"]] == [CONVENTIONAL]
    assert first["next_offset"] == 1
    second = client.get("/api/v1/quotes", params={"q": "war", "limit": 1, "offset": 1}).json()
    assert [x["text"] for x in second["quotes"]] == [NUCLEAR]
    assert second["next_offset"] is None
    assert client.get("/api/v1/quotes", params={"q": "war", "offset": -1}).status_code == 422


def test_quote_search_pages_in_html(client: TestClient) -> None:
    page = client.get("/quotes", params={"q": '"nuclear war"'})
    assert page.status_code == 200
    assert NUCLEAR in page.text and CONVENTIONAL not in page.text
    assert 'href="/entities/' in page.text and "Vladimir Putin" in page.text
    assert "No quotes match" in client.get("/quotes", params={"q": "meth"}).text
    assert client.get("/quotes", params={"q": "war", "page": 0}).status_code == 400
    assert client.get("/quotes").status_code == 200  # just the form

    # The article search shows the first matching quotes and links the quote search.
    search = client.get("/search", params={"q": "Putin"}).text
    assert 'id="search-quotes-title"' in search and NUCLEAR in search
    assert 'href="/quotes?q=Putin"' in search
    assert "search-quotes-title" not in client.get("/search", params={"q": "meth"}).text


def test_quote_index_follows_renamed_speakers(store: Store, client: TestClient) -> None:
    # The index carries the speaker's name: renaming the entity (as merging may) re-indexes.
    from sqlalchemy import update

    from progleton.store.entityschema import entities

    es: EntityStore = store  # type: ignore[assignment]
    putin = es.find_entities("Vladimir Putin")[0]
    with es.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.execute(update(entities).where(entities.c.id == putin.id).values(name="V. V. Putin"))
    assert texts(client, "vladimir") == []
    assert texts(client, "putin nuclear") == [NUCLEAR]
