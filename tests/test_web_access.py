"""A paywalled article is labelled on the front page, its own page and in the API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from progleton.models import Article
from test_web_support import empty_store, make_client, parse


def test_paywalled_article_is_labelled_everywhere(tmp_path: Path) -> None:
    store = empty_store(tmp_path)
    now = datetime.now(UTC)
    locked = store.save_article(
        Article(
            url="https://courier.example/ferry",
            title="Ferry terminal to close",
            paragraphs=["The council voted to close the terminal."],
            publisher="Courier",
            published=now,
            access="paywall",
        )
    ).article_id
    free = store.save_article(
        Article(
            url="https://courier.example/fair",
            title="Harbour fair returns",
            paragraphs=["The fair is back on the quay."],
            publisher="Courier",
            published=now,
        )
    ).article_id
    client = make_client(store)

    front = parse(client.get("/").text)
    badges = {
        card.findtext(".//h2/a"): card.xpath(".//span[@class='badge']/text()")
        for card in front.xpath("//article[@class='card']")
    }
    assert badges == {"Ferry terminal to close": ["Subscribers only"], "Harbour fair returns": []}

    page = parse(client.get(f"/articles/{locked}").text)
    assert page.xpath("//p[contains(@class, 'paywall-note')]")
    assert not parse(client.get(f"/articles/{free}").text).xpath(
        "//p[contains(@class, 'paywall-note')]"
    )

    api = client.get(f"/api/v1/articles/{locked}").json()
    assert api["access"] == "paywall"
    assert client.get(f"/api/v1/articles/{free}").json()["access"] is None
    store.close()
