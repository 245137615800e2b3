"""Search capping on both backends: only the newest N matches are ranked and paged through,
totals beyond N are estimates ("about N results"), and the pages and API say so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from progleton.config import Settings
from progleton.models import Article
from progleton.store import Store
from progleton.store.query import approximate, estimate_total, ranked_order
from progleton.web.app import create_app
from test_web_support import parse

T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
COMMON = 24  # articles with the common word; every third also has it in its title


def _fill(store: Store) -> list[int]:
    """COMMON articles saying "harbour" (oldest first, so ids rise with time) and 3 without."""
    ids = []
    for n in range(COMMON):
        title = f"Harbour report {n}" if n % 3 == 0 else f"Town report {n}"
        saved = store.save_article(
            Article(
                url=f"https://news.example/h/{n}",
                title=title,
                paragraphs=[f"The harbour was busy on day {n}.", "Boats came and went."],
                published=T0 + timedelta(hours=n),
                publisher="Example News",
            )
        )
        ids.append(saved.article_id)
    for n in range(3):
        store.save_article(
            Article(
                url=f"https://news.example/o/{n}",
                title=f"Other {n}",
                paragraphs=["Nothing about boats."],
                published=T0 + timedelta(hours=100 + n),
            )
        )
    return ids


def test_search_ranks_only_the_newest_candidates_and_estimates_the_rest(store: Store) -> None:
    ids = _fill(store)
    newest = set(ids[-6:])
    hits, total = store.search("harbour", limit=20, candidates=6)
    assert {h.article.id for h in hits} == newest  # older matches are never ranked
    assert total > 6 and approximate(total, 6)
    # Relevance within the candidates: title matches (every third) first.
    titled = [h.article.id for h in hits if h.article.title.startswith("Harbour")]
    assert [h.article.id for h in hits][: len(titled)] == titled
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)
    # No page past the candidates.
    assert store.search("harbour", limit=5, offset=5, candidates=6)[0][0].article.id in newest
    assert store.search("harbour", limit=5, offset=6, candidates=6)[0] == []
    # Operators are applied before the cap (the newest matching ones are ranked).
    hits, total = store.search("harbour after:2025-06-01", limit=20, candidates=6)
    assert {h.article.id for h in hits} == newest and approximate(total, 6)


def test_search_counts_exactly_up_to_the_cap(store: Store) -> None:
    _fill(store)
    hits, total = store.search("harbour", limit=50, candidates=100)
    assert total == COMMON and len(hits) == COMMON and not approximate(total, 100)
    hits, total = store.search("harbour", limit=50, candidates=COMMON)
    assert total == COMMON and not approximate(total, COMMON)
    # Snippets still highlight the match.
    assert all("<mark>" in h.snippet_html for h in hits)
    # Excluded words apply before the cap too: only the three "Other" articles are left.
    hits, total = store.search("boats -busy", candidates=5)
    assert total == 3 and {h.article.title for h in hits} == {"Other 0", "Other 1", "Other 2"}


def test_search_feed_lists_newest_matches_first(store: Store) -> None:
    ids = _fill(store)
    newest = store.search_newest("harbour", 5)
    assert [a.id for a in newest] == list(reversed(ids[-5:]))


def test_search_page_and_api_say_about_when_capped(store: Store) -> None:
    _fill(store)
    settings = Settings(db_url=store.url, page_size=4, search_candidates=6)
    client = TestClient(create_app(settings, store))
    page = client.get("/search", params={"q": "harbour"})
    assert page.status_code == 200
    status = " ".join(parse(page.text).xpath("string(//p[@class='result-count'])").split())
    assert status.startswith("About ") and "page 1 of 2" in status  # 6 candidates, 4 a page
    assert client.get("/search", params={"q": "harbour", "page": 3}).status_code == 200
    body = client.get("/api/v1/search", params={"q": "harbour", "limit": 4}).json()
    assert body["approximate"] is True and body["total"] > 6 and len(body["items"]) == 4
    exact = client.get("/api/v1/search", params={"q": "busy day 3"}).json()
    assert exact["approximate"] is False and exact["total"] == 1


def test_estimates_and_ranking_order() -> None:
    # 1,000 newest matches span the newest tenth of 100,000 ids: about 10,000 matches.
    assert estimate_total(1000, 100_000, 90_001) == 10_000
    assert estimate_total(1000, 1000, 1) == 1001  # always more than the candidates
    assert estimate_total(3, 123_456, 123_450) == 53_000  # 52,909: two significant digits
    rows = [(1, -2.0), (2, -3.0), (3, -2.0)]
    assert ranked_order(rows) == [2, 3, 1]  # best rank first, then most recently stored
