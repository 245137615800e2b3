"""The entity and quote API: 404s where an id is unknown, label and name filters, typed
OpenAPI schemas; and the enrich summary line."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from progleton.cli import enrich_summary
from progleton.config import Settings
from progleton.enrich.stage import EnrichReport
from progleton.store import Store
from progleton.web.app import create_app
from test_web_quotes_search import Said, add_article

QUOTE_KEYS = {
    "id",
    "speaker",
    "entity_id",
    "kind",
    "text",
    "cue",
    "source",
    "sentence",
    "article_id",
    "publisher",
    "url",
    "time",
}
ENTITY_KEYS = {
    "id",
    "name",
    "label",
    "mentions",
    "articles",
    "quotes",
    "first_seen",
    "last_seen",
}


@pytest.fixture
def client(store: Store) -> TestClient:
    add_article(
        store,
        1,
        "Harbour Times",
        [Said("We will build more ferries next spring", "Donald Trump")],
        {"Donald Trump": "PERSON", "Trump": "ORG", "100% Ferries": "ORG"},
        story=5,
    )
    add_article(store, 2, "Coast Radio", [], story=6)
    return TestClient(create_app(Settings(db_url=store.url), store))


def test_unknown_ids_are_404_and_known_ones_without_quotes_are_empty(client: TestClient) -> None:
    for path in ("/api/v1/articles/999999/quotes", "/api/v1/stories/999999/quotes"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    empty = client.get("/api/v1/articles/2/quotes")
    assert empty.status_code == 200 and empty.json() == {"entities": [], "quotes": []}
    assert client.get("/api/v1/stories/6/quotes").json() == {"quotes": []}
    assert client.get("/api/v1/entities/999999/quotes").status_code == 404


def test_entity_filters_honour_label_and_take_names_literally(client: TestClient) -> None:
    def names(**params: Any) -> list[tuple[str, str]]:
        response = client.get("/api/v1/entities", params=params)
        assert response.status_code == 200, response.text
        return [(e["name"], e["label"]) for e in response.json()["entities"]]

    assert set(names(name="Trump")) == {("Donald Trump", "PERSON"), ("Trump", "ORG")}
    assert names(name="Trump", label="ORG") == [("Trump", "ORG")]
    assert names(name="Trump", label="PERSON") == [("Donald Trump", "PERSON")]
    assert {label for _, label in names(label="ORG")} == {"ORG"}
    bad = client.get("/api/v1/entities", params={"label": "FOO"})
    assert bad.status_code == 422 and "label" in bad.json()["error"]["message"]
    assert names(name="%") == []
    assert names(name="_rump") == []
    assert names(name="100% ferries") == [("100% Ferries", "ORG")]


def test_entity_and_quote_json_keeps_its_keys(client: TestClient) -> None:
    found = client.get("/api/v1/entities", params={"name": "Donald Trump"}).json()["entities"]
    assert set(found[0]) == ENTITY_KEYS
    assert found[0]["first_seen"].endswith("Z")
    trump = found[0]["id"]
    detail = client.get(f"/api/v1/entities/{trump}").json()
    assert set(detail) == ENTITY_KEYS | {"aliases", "related", "timeline"}
    assert set(detail["related"][0]) == ENTITY_KEYS | {"shared_articles"}
    quotes = client.get(f"/api/v1/entities/{trump}/quotes").json()
    assert set(quotes) == {"quotes", "next_offset"}
    assert set(quotes["quotes"][0]) == QUOTE_KEYS
    assert quotes["quotes"][0]["time"] == "2025-04-07T10:00:00Z"
    story = client.get("/api/v1/stories/5/quotes").json()["quotes"]
    assert set(story[0]) == QUOTE_KEYS | {"publishers"}
    article = client.get("/api/v1/articles/1/quotes").json()
    assert set(article["entities"][0]) == ENTITY_KEYS | {"mentions_here"}
    assert set(article["quotes"][0]) == QUOTE_KEYS


def test_openapi_types_the_entity_and_quote_endpoints(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    schemas = spec["components"]["schemas"]
    expected = {
        "/api/v1/entities": "EntityList",
        "/api/v1/entities/{entity_id}": "EntityDetail",
        "/api/v1/entities/{entity_id}/quotes": "QuoteList",
        "/api/v1/quotes": "QuoteList",
        "/api/v1/articles/{article_id}/quotes": "ArticleQuotes",
        "/api/v1/stories/{story_id}/quotes": "StoryQuotes",
    }
    for path, model in expected.items():
        op = paths[path]["get"]
        ok = op["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/{model}"}, path
        for param in op.get("parameters", []):
            assert param.get("description"), (path, param["name"])
    # 404 only where an id can be unknown.
    assert "404" not in paths["/api/v1/entities"]["get"]["responses"]
    assert "404" not in paths["/api/v1/quotes"]["get"]["responses"]
    assert "404" in paths["/api/v1/stories/{story_id}/quotes"]["get"]["responses"]
    quote = schemas["QuoteOut"]["properties"]
    for field in ("kind", "cue", "source", "speaker", "text", "time"):
        assert quote[field].get("description"), field
    assert "publishers" in schemas["StoryQuoteOut"]["properties"]
    label = paths["/api/v1/entities"]["get"]["parameters"]
    label_schema = next(p for p in label if p["name"] == "label")["schema"]
    assert "PERSON" in str(label_schema) and "EVENT" in str(label_schema)


def test_enrich_summary_counts_skipped_articles_apart() -> None:
    report = EnrichReport(
        articles=261, skipped=21, skip_reasons={"language de": 15, "language fr": 6}
    )
    assert enrich_summary(report) == "240 articles enriched, 21 skipped (not English)"
    mixed = EnrichReport(
        articles=10, skipped=3, skip_reasons={"language de": 2, "too little text": 1}
    )
    assert (
        enrich_summary(mixed) == "7 articles enriched, 3 skipped (2 not English, 1 too little text)"
    )
    assert enrich_summary(EnrichReport(articles=1)) == "1 article enriched"
