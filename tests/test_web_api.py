"""JSON API v1: shapes, keyset pagination, the error envelope and the OpenAPI schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from test_web_support import (
    BLOCKED_REASON,
    FILLER_COUNT,
    MOSCOW_CANONICAL,
    PAGE_SIZE,
    World,
    build_world,
    without_own_script,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = build_world(tmp_path_factory.mktemp("web_api"))
    yield w
    w.store.close()


ARTICLE_KEYS = {
    "id",
    "title",
    "url",
    "canonical_url",
    "original_url",
    "publisher",
    "authors",
    "published",
    "fetched_at",
    "language",
    "image",
    "excerpt",
    "source_id",
    "access",
    "duplicate_of",
    "credit",
    "story_id",
}


def _assert_error(r: object, status: int, code: str) -> None:
    from httpx import Response

    assert isinstance(r, Response)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_list_articles_shape(world: World) -> None:
    r = world.client.get("/api/v1/articles")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"items", "next_cursor"}
    assert len(body["items"]) == PAGE_SIZE
    first = body["items"][0]
    assert set(first) == ARTICLE_KEYS
    assert first["id"] == world.moscow_id
    assert first["original_url"] == MOSCOW_CANONICAL
    assert first["publisher"] == "The Moscow Times"
    assert first["published"].endswith("Z")


def test_list_articles_keyset_pagination(world: World) -> None:
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 4, **({"before": cursor} if cursor else {})}
        body = world.client.get("/api/v1/articles", params=params).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == FILLER_COUNT + 2


def test_list_articles_by_source(world: World) -> None:
    body = world.client.get(f"/api/v1/articles?source_id={world.failing_id}").json()
    assert [i["id"] for i in body["items"]] == [world.hostile_id]
    assert body["next_cursor"] is None


def test_list_articles_validation_errors(world: World) -> None:
    _assert_error(world.client.get("/api/v1/articles?limit=0"), 422, "invalid_request")
    _assert_error(world.client.get("/api/v1/articles?limit=101"), 422, "invalid_request")
    _assert_error(world.client.get("/api/v1/articles?before=garbage"), 422, "invalid_request")


def test_get_article(world: World) -> None:
    body = world.client.get(f"/api/v1/articles/{world.moscow_id}").json()
    assert set(body) == ARTICLE_KEYS | {
        "text",
        "paragraphs",
        "description",
        "title_history",
        "copies",
        "topics",
    }
    assert body["topics"] == []  # stored without categories
    assert len(body["paragraphs"]) == 3
    assert body["text"] == "\n\n".join(body["paragraphs"])
    assert body["authors"] == ["Anna Ivanova", "Boris Petrov"]


def test_get_article_errors(world: World) -> None:
    r = world.client.get("/api/v1/articles/999999")
    _assert_error(r, 404, "not_found")
    assert r.json()["error"]["message"] == "no article with id 999999"
    _assert_error(world.client.get("/api/v1/articles/abc"), 422, "invalid_request")
    _assert_error(world.client.get("/api/v1/no-such-endpoint"), 404, "not_found")
    r = world.client.post("/api/v1/articles")
    _assert_error(r, 405, "method_not_allowed")


def test_sources(world: World) -> None:
    items = world.client.get("/api/v1/sources").json()["items"]
    assert len(items) == 3
    failing = next(s for s in items if s["id"] == world.failing_id)
    assert failing["last_error"] == BLOCKED_REASON
    assert failing["error_count"] == 3
    assert "etag" not in failing
    paused = next(s for s in items if s["id"] == world.paused_id)
    assert paused["paused"] is True

    detail = world.client.get(f"/api/v1/sources/{world.failing_id}").json()
    assert detail["article_count"] == 1
    assert detail["recent_fetches"][0]["status"] == 403
    assert detail["recent_fetches"][0]["outcome"] == "error"
    _assert_error(world.client.get("/api/v1/sources/5555"), 404, "not_found")


def test_search(world: World) -> None:
    body = world.client.get("/api/v1/search", params={"q": "filler", "limit": 5}).json()
    assert body["total"] == FILLER_COUNT
    assert body["limit"] == 5 and body["offset"] == 0
    assert len(body["items"]) == 5
    assert "<mark>" in body["items"][0]["snippet_html"]
    assert set(body["items"][0]) == {"article", "snippet_html", "rank"}
    page2 = world.client.get("/api/v1/search", params={"q": "filler", "offset": 5}).json()
    first_ids = {i["article"]["id"] for i in body["items"]}
    assert not first_ids & {i["article"]["id"] for i in page2["items"]}
    _assert_error(world.client.get("/api/v1/search"), 422, "invalid_request")


def test_health(world: World) -> None:
    body = world.client.get("/api/v1/health").json()
    assert body["ok"] is True
    assert body["article_count"] == FILLER_COUNT + 2


def test_openapi_lists_endpoints_and_error_envelope(world: World) -> None:
    schema = world.client.get("/api/v1/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/sources",
        "/api/v1/sources/{source_id}",
        "/api/v1/search",
        "/api/v1/health",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/entities",
        "/api/v1/entities/{entity_id}",
        "/api/v1/entities/{entity_id}/quotes",
        "/api/v1/quotes",
        "/api/v1/articles/{article_id}/quotes",
        "/api/v1/stories/{story_id}/quotes",
    }
    not_found = schema["paths"]["/api/v1/articles/{article_id}"]["get"]["responses"]["404"]
    assert not_found["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")
    assert "ArticlePage" in schema["components"]["schemas"]


def test_api_docs_page_is_server_rendered(world: World) -> None:
    r = world.client.get("/api/v1/docs")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "<script" not in without_own_script(r.text)
    for path in ("/api/v1/articles", "/api/v1/search", "/api/v1/health"):
        assert path in r.text
    assert "next_cursor" in r.text and "ErrorEnvelope" in r.text
    assert world.client.get("/docs").status_code == 404
    assert world.client.get("/redoc").status_code == 404
