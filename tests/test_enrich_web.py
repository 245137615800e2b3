"""Entity pages, feeds and API over an enriched store."""

from __future__ import annotations

from typing import cast

from fastapi.testclient import TestClient

from progleton.config import Settings
from progleton.enrich.stage import enrich_pending
from progleton.store import Store
from progleton.store.entitydb import EntityStore
from progleton.web.app import create_app
from test_enrich_store import FERRY, FERRY_COPY, save


def test_entity_page_feed_and_api(store: Store) -> None:
    first = save(store, 1, FERRY, "Harbour Times", "en")
    second = save(store, 2, FERRY_COPY, "Coast Radio", "en")
    store.save_clustering([(first, 3), (second, 3)], [], b"state")
    es = cast(EntityStore, store)
    enrich_pending(es, Settings(db_url=store.url), workers=0)
    person = es.find_entities("Maria Lindqvist")[0]

    client = TestClient(create_app(Settings(db_url=store.url), store))
    page = client.get(f"/entities/{person.id}")
    assert page.status_code == 200
    assert "Maria Lindqvist" in page.text and "Nobody should pay" in page.text
    assert "Jane Okafor" in page.text  # co-occurring
    assert client.get("/entities").status_code == 200
    assert client.get("/entities/999999").status_code == 404

    feed = client.get(f"/entities/{person.id}/feed.atom")
    assert feed.status_code == 200 and "Free ferries" in feed.text
    assert client.get(f"/entities/{person.id}/feed.json").json()["items"]

    data = client.get(f"/api/v1/entities/{person.id}").json()
    assert data["name"] == "Maria Lindqvist" and "Lindqvist" in data["aliases"]
    quotes = client.get(f"/api/v1/entities/{person.id}/quotes").json()["quotes"]
    assert {q["article_id"] for q in quotes} == {first, second}
    found = client.get("/api/v1/quotes", params={"q": "own harbour"}).json()["quotes"]
    assert len(found) == 2
    story = client.get("/api/v1/stories/3/quotes").json()["quotes"]
    shared = [q for q in story if "Nobody should pay" in q["text"]]
    assert len(shared) == 1 and shared[0]["publishers"] == ["Harbour Times", "Coast Radio"]
    article = client.get(f"/api/v1/articles/{first}/quotes").json()
    assert any(e["name"] == "Maria Lindqvist" for e in article["entities"])
    assert client.get("/api/v1/entities", params={"name": "lindqvist"}).json()["entities"]
