"""Article and story pages link to the entities and quotes the enrich stage stored.

Real app over a real store (SQLite and PostgreSQL) where the real enrich stage has run.
"""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from typing import cast

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from progleton.config import Settings
from progleton.enrich.stage import enrich_pending
from progleton.store import Store
from progleton.store.entitydb import EntityStore
from progleton.web.app import create_app
from progleton.web.enrichment import STORY_ENTITIES, story_enrichment
from test_enrich_store import FERRY, FERRY_COPY, GERMAN, save

STORY = 3
HOSTILE = (
    "Council row over <b>ferries</b>",
    "Mayor Jane Okafor spoke at the council in Oslo on Tuesday.\n\n"
    "“<script>alert('pwn')</script> is not a plan & never was,” Okafor said.",
)
HOSTILE_PUBLISHER = "Evil <i>Post</i>"


class _Page(HTMLParser):
    """Headings in document order, and the text and links of each <section> by its id."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.sections: dict[str, str] = {}
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "section":
            self._open.append((dict(attrs).get("aria-labelledby") or "", []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._open:
            name, parts = self._open.pop()
            self.sections[name] = " ".join("".join(parts).split())

    def handle_data(self, data: str) -> None:
        for _name, parts in self._open:
            parts.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def section_html(html: str, labelled_by: str) -> str:
    """The raw markup of the <section aria-labelledby=...> (they do not nest)."""
    start = html.index(f'aria-labelledby="{labelled_by}"')
    return html[start : html.index("</section>", start)]


def assert_headings_in_order(html: str) -> None:
    levels = parse(html).headings
    assert levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"heading level skipped: {levels}"


@pytest.fixture
def site(store: Store) -> tuple[TestClient, dict[str, int]]:
    """Three English articles in one story, enriched; a German one (skipped by the stage)."""
    ids = {
        "ferry": save(store, 1, FERRY, "Harbour Times", "en"),
        "copy": save(store, 2, FERRY_COPY, "Coast Radio", "en"),
        "hostile": save(store, 3, HOSTILE, HOSTILE_PUBLISHER, "en"),
        "german": save(store, 4, GERMAN, "Hafenblatt", "de"),
    }
    store.save_clustering(
        [(ids["ferry"], STORY), (ids["copy"], STORY), (ids["hostile"], STORY)], [], b"state"
    )
    es = cast(EntityStore, store)
    enrich_pending(es, Settings(db_url=store.url), workers=0)
    ids["lindqvist"] = es.find_entities("Maria Lindqvist")[0].id
    ids["okafor"] = es.find_entities("Jane Okafor")[0].id
    ids["oslo"] = es.find_entities("Oslo")[0].id
    return TestClient(create_app(Settings(db_url=store.url), store)), ids


def test_article_page_links_entities_and_quotes(site: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = site
    html = client.get(f"/articles/{ids['ferry']}").text
    assert_headings_in_order(html)

    mentions = section_html(html, "mentions-title")
    assert "In this article" in mentions and "<h3>People</h3>" in mentions
    lindqvist = f'<a href="/entities/{ids["lindqvist"]}">Maria Lindqvist</a>'
    okafor = f'<a href="/entities/{ids["okafor"]}">Jane Okafor</a>'
    # Most mentioned first: Lindqvist twice ("Lindqvist told reporters"), Okafor once.
    assert mentions.index(lindqvist) < mentions.index(okafor)
    assert "Oslo" not in mentions  # only the hostile article names it
    assert re.search(r"<ul class=\"entity-list\">", mentions)

    quotes = section_html(html, "quotes-title")
    text = parse(html).sections["quotes-title"]
    assert "“Nobody should pay to cross their own harbour”" in text
    # The speaker links to her entity page, with the cue ("told reporters").
    assert f'{lindqvist} <span class="quote-cue">told</span>' in quotes
    assert '<ul class="quote-list">' in quotes

    # The other article: a place as well as a person, in kind order.
    hostile = client.get(f"/articles/{ids['hostile']}").text
    assert_headings_in_order(hostile)
    mentions = section_html(hostile, "mentions-title")
    assert mentions.index("<h3>People</h3>") < mentions.index("<h3>Places</h3>")
    assert f'<a href="/entities/{ids["oslo"]}">Oslo</a>' in mentions


def test_story_page_aggregates_entities_and_quotes(
    site: tuple[TestClient, dict[str, int]],
) -> None:
    client, ids = site
    html = client.get(f"/stories/{STORY}").text
    assert_headings_in_order(html)
    page = parse(html)

    mentions = section_html(html, "mentions-title")
    lindqvist = f'<a href="/entities/{ids["lindqvist"]}">Maria Lindqvist</a>'
    okafor = f'<a href="/entities/{ids["okafor"]}">Jane Okafor</a>'
    oslo = f'<a href="/entities/{ids["oslo"]}">Oslo</a>'
    assert lindqvist in mentions and okafor in mentions and oslo in mentions
    # Counted across the story's articles: both people in two of them, Oslo in one.
    text = page.sections["mentions-title"]
    assert "Maria Lindqvist (2 articles)" in text and "Jane Okafor (2 articles)" in text
    assert "Oslo (1 article)" in text

    quotes = section_html(html, "quotes-title")
    text = page.sections["quotes-title"]
    # Carried by two publishers, shown once, with both; the first links to its article.
    assert text.count("Nobody should pay to cross their own harbour") == 1
    assert html.count("Nobody should pay to cross their own harbour”</p></blockquote>") == 1
    assert f'<a href="/articles/{ids["ferry"]}">Harbour Times</a>, Coast Radio' in quotes
    # Grouped by speaker: each resolved speaker's heading links to the entity page.
    assert f"<h3>{lindqvist}" in quotes and f"<h3>{okafor}" in quotes
    assert quotes.index(f"<h3>{lindqvist}") < quotes.index("Nobody should pay")
    assert quotes.index("Nobody should pay") < quotes.index(f"<h3>{okafor}")
    # An unresolved source ("the port authority") is under the other speakers, as written.
    others = quotes[quotes.index("Other speakers") :]
    assert '<span class="quote-cue">according to</span> the port authority' in others


def test_unenriched_and_skipped_articles_show_no_sections(store: Store) -> None:
    first = save(store, 1, FERRY, "Harbour Times", "en")
    second = save(store, 2, FERRY_COPY, "Coast Radio", "en")
    store.save_clustering([(first, STORY), (second, STORY)], [], b"state")
    client = TestClient(create_app(Settings(db_url=store.url), store))
    for url in (f"/articles/{first}", f"/stories/{STORY}"):
        html = client.get(url).text
        assert "mentions-title" not in html and "quotes-title" not in html
        assert "In this article" not in html and "Who and where" not in html
        assert "/entities/" not in html

    # Enriched now, except the German article the stage skips: it still shows nothing.
    german = save(store, 3, GERMAN, "Hafenblatt", "de")
    enrich_pending(cast(EntityStore, store), Settings(db_url=store.url), workers=0)
    client = TestClient(create_app(Settings(db_url=store.url), store))  # past the micro-cache
    html = client.get(f"/articles/{german}").text
    assert "mentions-title" not in html and "quotes-title" not in html
    assert "mentions-title" in client.get(f"/articles/{first}").text


def test_hostile_quote_text_is_escaped(site: tuple[TestClient, dict[str, int]]) -> None:
    client, ids = site
    for url in (f"/articles/{ids['hostile']}", f"/stories/{STORY}"):
        html = client.get(url).text
        assert "<script>alert" not in html and "<i>Post</i>" not in html
        quotes = section_html(html, "quotes-title")
        assert "“&lt;script&gt;alert(&#39;pwn&#39;)&lt;/script&gt; is not a plan &amp; never" in (
            quotes
        )
        assert f'<a href="/entities/{ids["okafor"]}">Jane Okafor</a>' in quotes
    story = section_html(client.get(f"/stories/{STORY}").text, "quotes-title")
    assert f'<a href="/articles/{ids["hostile"]}">Evil &lt;i&gt;Post&lt;/i&gt;</a>' in story


def test_story_entities_counts_articles_in_one_query(store: Store) -> None:
    es = cast(EntityStore, store)
    ids = [
        save(store, 1, FERRY, "Harbour Times", "en"),
        save(store, 2, FERRY_COPY, "Coast Radio", "en"),
        save(store, 3, HOSTILE, "City Post", "en"),
        save(store, 4, FERRY, "Elsewhere", "en"),  # another story: not counted
    ]
    store.save_clustering(
        [(ids[0], STORY), (ids[1], STORY), (ids[2], STORY), (ids[3], STORY + 1)], [], b"s"
    )
    enrich_pending(es, Settings(db_url=store.url), workers=0)

    found = es.story_entities(STORY)
    names = [(e.name, n) for e, n, _mentions in found]
    assert names[:2] == [("Maria Lindqvist", 2), ("Jane Okafor", 2)]  # then mentions, then id
    assert ("Oslo", 1) in names
    by_name = {e.name: (e, n, m) for e, n, m in found}
    entity, _n, mentions = by_name["Maria Lindqvist"]
    assert mentions == 3 and entity.article_count == 3  # the entity's own count is store-wide
    assert [e.name for e, _n, _m in es.story_entities(STORY, limit=1)] == ["Maria Lindqvist"]
    assert es.story_entities(999) == []

    # The story page's enrichment is two queries, however many articles the story has.
    engine = store.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        shown = story_enrichment(store, STORY)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 2, statements
    assert len([e for g in shown["entity_groups"] for e in g.entities]) <= STORY_ENTITIES
    assert shown["quote_total"] == shown["quotes_shown"] >= 3
