"""The reader's HTML pages, rendered in-process against a real SQLite store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from progleton.config import Settings
from progleton.web.app import create_app
from progleton.web.security import CSP
from progleton.web.timefmt import full_date, iso
from test_web_support import (
    BLOCKED_REASON,
    FILLER_COUNT,
    MOSCOW_CANONICAL,
    PAGE_SIZE,
    World,
    build_world,
    card_ids,
    empty_store,
    make_client,
    parse,
    without_own_script,
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = build_world(tmp_path_factory.mktemp("web_pages"))
    yield w
    w.store.close()


def test_front_page_lists_newest_with_attribution_and_relative_time(world: World) -> None:
    r = world.client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    doc = parse(r.text)
    assert doc.get("lang") == "en"
    first = doc.xpath("//article[contains(@class,'card')]")[0]
    title_link = first.xpath(".//h2/a")[0]
    assert (
        title_link.text == "Kremlin Says Putin Still Supports Ukraine Truce, But Questions Remain"
    )
    assert title_link.get("href") == f"/articles/{world.moscow_id}"
    assert first.xpath(".//*[@class='publisher']")[0].text == "The Moscow Times"

    read = first.xpath(".//a[contains(@class,'read-original')]")[0]
    assert read.text_content().startswith("Read at The Moscow Times")
    assert read.get("href") == MOSCOW_CANONICAL  # canonical first, tracking-free
    assert read.get("rel") == "noopener noreferrer"

    published = world.store.get_article(world.moscow_id).published  # type: ignore[union-attr]
    assert published is not None
    time_el = first.xpath(".//time")[0]
    assert time_el.text == "7 hours ago"
    assert time_el.get("datetime") == iso(published)
    assert time_el.get("title") == full_date(published)
    excerpt = first.xpath(".//p[@class='excerpt']")[0].text
    assert excerpt.startswith("The Kremlin said Monday")


def test_front_page_keyset_pagination_has_no_overlap(world: World) -> None:
    seen: list[int] = []
    url: str | None = "/"
    pages = 0
    while url:
        r = world.client.get(url)
        assert r.status_code == 200
        ids = card_ids(r.text)
        assert 0 < len(ids) <= PAGE_SIZE
        seen += ids
        older = parse(r.text).xpath("//a[contains(., 'Older stories')]/@href")
        url = older[0] if older else None
        pages += 1
    assert len(seen) == len(set(seen)) == FILLER_COUNT + 2
    assert seen == [a.id for a in world.store.latest_articles(100)]
    assert pages == -(-len(seen) // PAGE_SIZE)


def test_front_page_filters_by_source(world: World) -> None:
    r = world.client.get(f"/?source={world.failing_id}")
    assert r.status_code == 200
    assert card_ids(r.text) == [world.hostile_id]
    assert "Stories from Wall Daily" in r.text
    assert world.client.get("/?source=9999").status_code == 404
    assert world.client.get("/?source=abc").status_code == 400


def test_front_page_tolerates_a_malformed_cursor(world: World) -> None:
    r = world.client.get("/?before=not-a-cursor")
    assert r.status_code == 200
    assert card_ids(r.text)[0] == world.moscow_id


def test_empty_front_page_explains_how_to_add_sources(tmp_path: Path) -> None:
    store = empty_store(tmp_path)
    try:
        r = make_client(store).get("/")
    finally:
        store.close()
    assert r.status_code == 200
    assert "progleton add" in r.text
    assert "progleton demo" in r.text
    assert "Older stories" not in r.text


def test_article_page_shows_clean_text_and_publisher_link(world: World) -> None:
    r = world.client.get(f"/articles/{world.moscow_id}")
    assert r.status_code == 200
    doc = parse(r.text)
    assert doc.xpath("//h1")[0].text.startswith("Kremlin Says Putin")
    assert doc.xpath("//h1/@lang") == ["en"]
    body = doc.xpath("//div[contains(@class,'story-body')]/p")
    assert len(body) == 3
    assert body[1].text == 'Spokesman Dmitry Peskov said: "Putin does support the idea."'
    assert "Anna Ivanova, Boris Petrov" in r.text
    button = doc.xpath("//a[contains(., 'Read the full article at The Moscow Times')]")
    assert button and {a.get("href") for a in button} == {MOSCOW_CANONICAL}
    assert doc.xpath("//link[@rel='canonical']/@href") == [MOSCOW_CANONICAL]
    assert doc.xpath("//figure//img/@src") == ["https://static.themoscowtimes.com/image/lead.jpg"]
    times = doc.xpath("//time")
    assert times[0].text == "7 hours ago"
    assert "UTC" in r.text  # the absolute time is shown too


def test_unknown_article_renders_404_page_with_layout(world: World) -> None:
    r = world.client.get("/articles/987654")
    assert r.status_code == 404
    assert "Progleton" in r.text
    assert "Articles belong to their publishers; Progleton links to the original." in r.text
    assert "There is no article with that id." in r.text
    assert world.client.get("/articles/not-a-number").status_code == 400
    r = world.client.get("/no/such/page")
    assert r.status_code == 404
    assert "Page not found" in r.text


def test_sources_page_shows_health(world: World) -> None:
    r = world.client.get("/sources")
    assert r.status_code == 200
    doc = parse(r.text)
    titles = doc.xpath("//h2[@class='source-title']/a")
    assert {a.get("href") for a in titles} == {
        f"/sources/{world.healthy_id}",
        f"/sources/{world.failing_id}",
        f"/sources/{world.paused_id}",
    }
    assert "https://blocked.example/feed" in r.text
    flagged = doc.xpath("//li[contains(@class,'state-error')]//p[@class='error-reason']")
    assert flagged and BLOCKED_REASON in flagged[0].text_content()
    assert doc.xpath("//li[contains(@class,'state-paused')]//span[text()='Paused']")
    healthy = doc.xpath("//li[contains(@class,'state-ok')]")[0].text_content()
    assert "1 hour ago" in healthy  # last success
    assert "in 2" in healthy  # next check, in 24-25 minutes
    assert f"{FILLER_COUNT + 1}" in healthy  # article count
    assert doc.xpath("//a[@href='/sources.opml']")


def test_source_page_shows_fetch_log_and_articles(world: World) -> None:
    r = world.client.get(f"/sources/{world.failing_id}")
    assert r.status_code == 200
    doc = parse(r.text)
    row = doc.xpath("//table[@class='fetch-log']/tbody/tr")[0].text_content()
    assert "403" in row and "87 ms" in row and BLOCKED_REASON in row
    assert card_ids(r.text) == [world.hostile_id]
    assert world.client.get("/sources/424242").status_code == 404


def test_search_highlights_and_paginates(world: World) -> None:
    r = world.client.get("/search", params={"q": "filler"})
    assert r.status_code == 200
    assert f"{FILLER_COUNT} results" in r.text
    assert "<mark>" in r.text
    first_page = card_ids(r.text)
    assert len(first_page) == PAGE_SIZE
    next_href = parse(r.text).xpath("//a[@rel='next']/@href")[0]
    assert next_href == "/search?q=filler&page=2"
    second_page = card_ids(world.client.get(next_href).text)
    assert second_page and not set(first_page) & set(second_page)


def test_search_escapes_snippet_text(world: World) -> None:
    r = world.client.get("/search", params={"q": "harvest body"})
    assert r.status_code == 200
    assert "<script>" not in r.text
    snippet = re.search(r'<p class="snippet">(.*?)</p>', r.text, re.S)
    assert snippet is not None
    # Both words matched; side by side they are one highlight.
    assert re.search(r"<mark>harvest body</mark>", snippet.group(1), re.I)
    assert "&lt;script&gt;" in snippet.group(1)


def test_empty_search_shows_form_and_help_only(world: World) -> None:
    r = world.client.get("/search")
    assert r.status_code == 200
    doc = parse(r.text)
    assert doc.xpath("//form[@role='search']//input[@name='q']")
    assert "source:reuters.com" in r.text and "after:" in r.text and "author:" in r.text
    assert not doc.xpath("//*[@class='result-count']")
    r = world.client.get("/search", params={"q": "zzzznothing"})
    assert "No results" in r.text


@pytest.mark.parametrize(
    "path", ["/", "/articles/1", "/sources", "/search?q=x", "/nope", "/static/style.css"]
)
def test_security_headers_on_every_response(world: World, path: str) -> None:
    r = world.client.get(path)
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_pages_need_no_inline_styles_or_scripts(world: World) -> None:
    for path in ["/", f"/articles/{world.moscow_id}", "/sources", "/search?q=filler"]:
        text = world.client.get(path).text
        assert "<script" not in without_own_script(text).lower()
        assert " style=" not in text and "<style" not in text


def test_pages_answer_head_requests(world: World) -> None:
    for path in ["/", "/sources", "/feed.atom", "/static/style.css"]:
        r = world.client.head(path)
        assert r.status_code == 200, path
        assert r.content == b""
        assert r.headers["content-security-policy"] == CSP


def test_stylesheet_is_served(world: World) -> None:
    r = world.client.get("/static/style.css")
    assert r.status_code == 200
    assert "prefers-color-scheme: dark" in r.text
    assert "line-clamp" in r.text


def test_server_error_renders_site_page_and_api_envelope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = empty_store(tmp_path)

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(store, "latest_articles", boom)
    monkeypatch.setattr(store, "filtered_articles", boom)
    monkeypatch.setattr(store, "count_articles", boom)
    client = make_client(store, raise_server_exceptions=False)
    try:
        page = client.get("/")
        api = client.get("/api/v1/health")
    finally:
        store.close()
    assert page.status_code == 500
    assert "Something went wrong" in page.text and "secret internals" not in page.text
    assert page.headers["content-security-policy"] == CSP
    assert api.status_code == 500
    assert api.json() == {"error": {"code": "internal_error", "message": "internal server error"}}
    assert api.headers["content-security-policy"] == CSP


def test_app_opens_and_closes_its_own_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(Settings(db_url=f"sqlite:///{tmp_path / 'own.db'}"))
    closed: list[bool] = []
    monkeypatch.setattr(app.state.store, "close", lambda: closed.append(True))
    with TestClient(app) as client:
        assert client.get("/api/v1/health").json()["article_count"] == 0
        assert not closed
    assert closed == [True]


def test_search_explains_ignored_operators_and_shows_query_once(world: World) -> None:
    page = make_client(world.store).get("/search", params={"q": '"carbon tax" after:31-12-2024'})
    assert page.status_code == 200
    assert "after:31-12-2024 was ignored: dates are written YYYY-MM-DD" in page.text
    assert "<q>" not in page.text
