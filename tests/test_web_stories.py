"""Stories on the site and in the API: ranked front page, story page, copies, headline history."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree as lxml_etree
from lxml import html as lxml_html

from progleton.dedupe.near import fingerprint
from progleton.models import Article, Source
from progleton.store import Store
from test_web_support import HOSTILE, empty_store, make_client

BODY = [
    "Engineers will replace the corroded steel cables of the harbour bridge over eighteen "
    "months, the city council decided on Tuesday after a long debate about the closure.",
    "Traffic is to be diverted to the ring road, and a ferry will cross the harbour every "
    "fifteen minutes from June, the transport department said in a statement.",
    "Shop owners on the waterfront said they feared losing half their summer trade while "
    "the bridge is closed, and asked the council for help with their rents.",
]


@dataclass
class StoryWorld:
    store: Store
    client: TestClient
    wire: int
    post: int
    star: int
    copy: int
    lone: int


def _article(url: str, title: str, paragraphs: list[str], when: datetime, pub: str) -> Article:
    return Article(url=url, title=title, paragraphs=paragraphs, published=when, publisher=pub)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoryWorld]:
    store = empty_store(tmp_path_factory.mktemp("web_stories"))
    now = datetime.now(UTC)
    src = store.add_source(Source(feed_url="https://wire.example/feed", title="Wire"))
    assert src.id is not None

    def save(a: Article, **kw: object) -> int:
        return store.save_article(a, fingerprint=fingerprint(a.text), **kw).article_id  # type: ignore[arg-type]

    wire = save(
        _article("https://wire.example/bridge", "Harbour bridge to close for repairs", BODY,
                 now - timedelta(hours=7), "Wire Service"),
        source_id=src.id, guid="w1", entry_title="Harbour bridge to close for repairs",
    )  # fmt: skip
    post = save(
        _article("https://post.example/bridge", "Council shuts harbour bridge",
                 ["The council voted to shut the harbour bridge for cable repairs.",
                  "A ferry will run while the bridge is closed."],
                 now - timedelta(hours=6), "Daily Post"),
    )  # fmt: skip
    star = save(
        _article("https://star.example/bridge", f"Bridge {HOSTILE} closure",
                 ["Bridge closure worries waterfront shops."], now - timedelta(hours=5),
                 "Evening Star"),
    )  # fmt: skip
    copy = save(
        _article("https://copycat.example/bridge", "Bridge to shut",
                 [*BODY, "Support our journalism: subscribe today."], now - timedelta(hours=4),
                 "Copycat Gazette"),
    )  # fmt: skip
    lone = save(
        _article("https://arts.example/tour", "Orchestra plans winter tour",
                 ["The regional orchestra will tour five towns this winter."],
                 now - timedelta(hours=1), "Arts Weekly"),
    )  # fmt: skip
    store.place_copies(100)  # the near-duplicate stage folds the copy
    # Placing articles directly: these tests are about the pages, not the clusterer.
    store.save_clustering([(wire, 1), (post, 1), (star, 1), (copy, 1), (lone, 2)], [], b"{}")
    revised = _article("https://wire.example/bridge", "Harbour bridge closure delayed", BODY,
                       now - timedelta(hours=7), "Wire Service")  # fmt: skip
    store.revise_article(wire, revised)
    client = make_client(store, page_size=10)
    yield StoryWorld(store, client, wire, post, star, copy, lone)
    store.close()


def css(el: lxml_html.HtmlElement, selector: str) -> list[lxml_html.HtmlElement]:
    """Elements matching a simple selector chain: `tag.class`, `.class`, `tag`, `a > b`."""
    path = "."
    for part in selector.replace(" > ", " >").split():
        axis = "/" if part.startswith(">") else "//"
        part = part.lstrip(">")
        tag, _, klass = part.partition(".")
        step = tag or "*"
        if klass:
            step += f"[contains(concat(' ', normalize-space(@class), ' '), ' {klass} ')]"
        path += axis + step
    return list(el.xpath(path))


def page(client: TestClient, url: str) -> lxml_html.HtmlElement:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return lxml_html.fromstring(r.text)


def test_the_copy_was_folded_under_the_wire_original(world: StoryWorld) -> None:
    got = world.store.get_article(world.copy)
    assert got is not None and got.duplicate_of == world.wire


def test_front_page_ranks_stories_with_their_source_count(world: StoryWorld) -> None:
    doc = page(world.client, "/")
    cards = css(doc, "article.story-card")
    assert len(cards) == 2
    first = cards[0]
    # Three independent publishers beat one, even though the lone story is newer.
    assert css(first, ".card-title a")[0].get("href") == "/stories/1"
    assert css(first, ".sources-count")[0].text_content() == "3 sources"
    # The headline is the lead article's own, shown with its own publisher.
    lead = world.store.get_article(world.wire)
    assert lead is not None
    headline = css(first, ".card-title a")[0].text_content()
    publisher = css(first, ".publisher")[0].text_content()
    assert (headline, publisher) == (lead.title, lead.publisher)
    assert "hours ago" in css(first, "time")[0].text_content()
    read = css(first, "a.read-original")[0]
    assert read.text_content().startswith("Read at ")
    assert read.get("href", "").startswith("https://")
    assert css(cards[1], ".sources-count")[0].text_content() == "1 source"


def test_latest_lists_articles_in_time_order(world: StoryWorld) -> None:
    doc = page(world.client, "/latest")
    hrefs = [a.get("href") for a in css(doc, "article.card .card-title a")]
    assert hrefs[:2] == [f"/articles/{world.lone}", f"/articles/{world.copy}"]


def test_story_page_lists_coverage_earliest_first_with_copies_folded(world: StoryWorld) -> None:
    r = world.client.get("/stories/1")
    assert r.status_code == 200
    assert HOSTILE not in r.text  # escaped
    doc = lxml_html.fromstring(r.text)
    items = css(doc, "ol.coverage > li")
    hrefs = [css(li, ".card-title a")[0].get("href") for li in items]
    # Three originals; the copy is inside the wire story's entry, not its own item.
    assert hrefs == [f"/articles/{world.wire}", f"/articles/{world.post}",
                     f"/articles/{world.star}"]  # fmt: skip
    assert "First" in items[0].text_content()
    folded = css(items[0], "details.copies")[0]
    assert "Copycat Gazette" in css(folded, "summary")[0].text_content()
    head = css(doc, ".story-page-head .meta")[0].text_content()
    assert "4 articles (1 syndicated copy)" in " ".join(head.split())
    assert world.client.get("/stories/999").status_code == 404


def test_article_pages_show_copies_credit_and_headline_history(world: StoryWorld) -> None:
    doc = page(world.client, f"/articles/{world.wire}")
    also = css(doc, "section.also")[0].text_content()
    assert "Copycat Gazette" in also
    history = css(doc, "ul.history")[0].text_content()
    assert "Harbour bridge to close for repairs" in history
    assert css(doc, "h1")[0].text_content() == "Harbour bridge closure delayed"
    assert "3 sources" in css(doc, ".in-story")[0].text_content()
    copy = page(world.client, f"/articles/{world.copy}")
    note = css(copy, ".copy-note")[0]
    assert css(note, "a")[0].get("href") == f"/articles/{world.wire}"
    assert "Wire Service" in note.text_content()


def test_api_lists_ranked_stories_and_one_story(world: StoryWorld) -> None:
    body = world.client.get("/api/v1/stories").json()
    assert [s["id"] for s in body["items"]] == [1, 2]
    top = body["items"][0]
    assert top["publisher_count"] == 3 and top["article_count"] == 4
    assert top["score"] > body["items"][1]["score"]
    assert top["lead"]["id"] in (world.wire, world.copy, world.post)
    assert body["next_page"] is None
    one = world.client.get("/api/v1/stories/1").json()
    ids = [a["id"] for a in one["articles"]]
    assert ids == [world.wire, world.post, world.star, world.copy]
    assert one["articles"][3]["duplicate_of"] == world.wire
    missing = world.client.get("/api/v1/stories/999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_api_article_carries_history_and_copies(world: StoryWorld) -> None:
    body = world.client.get(f"/api/v1/articles/{world.wire}").json()
    assert [r["title"] for r in body["title_history"]] == ["Harbour bridge to close for repairs"]
    assert [c["id"] for c in body["copies"]] == [world.copy]
    assert body["story_id"] == 1


def test_front_page_falls_back_to_articles_before_any_story(tmp_path: Path) -> None:
    store = empty_store(tmp_path)
    store.save_article(_article("https://a.example/1", "Only article", ["Text."],
                                datetime.now(UTC), "A"))  # fmt: skip
    doc = page(make_client(store), "/")
    assert not css(doc, "article.story-card")
    assert css(doc, "article.card .card-title a")[0].text_content() == "Only article"
    store.close()


def test_each_story_has_an_atom_feed(world: StoryWorld) -> None:
    r = world.client.get("/stories/1/feed.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    doc = lxml_etree.fromstring(r.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = doc.xpath("//a:entry/a:title/text()", namespaces=ns)
    assert len(titles) == 4 and titles[-1] == "Harbour bridge closure delayed"  # newest first
    assert doc.xpath("string(/a:feed/a:link[@rel='alternate']/@href)", namespaces=ns).endswith(
        "/stories/1"
    )
    assert world.client.get("/stories/999/feed.atom").status_code == 404


def test_a_big_story_pages_its_coverage_in_time_order(tmp_path: Path) -> None:
    from progleton.web.pages import STORY_PAGE_SIZE

    store = empty_store(tmp_path)
    now = datetime.now(UTC)
    total = 2 * STORY_PAGE_SIZE + 30
    ids = []
    for i in range(total):
        when = now - timedelta(minutes=total - i)  # saved in time order: earliest first
        text = [f"Report number {i} on the harbour bridge closure, from desk {i}."]
        a = _article(f"https://n{i}.example/bridge", f"Bridge report {i}", text, when, f"N{i}")
        ids.append(store.save_article(a).article_id)
    # One syndicated copy, on the last page, of an original on the first.
    first_text = ["Report number 0 on the harbour bridge closure, from desk 0."]
    copy = _article("https://copy.example/bridge", "Bridge report copy", first_text, now, "Copy")
    copy_id = store.save_article(copy).article_id
    store.save_clustering([(i, 1) for i in [*ids, copy_id]], [], b"{}")
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        conn.exec_driver_sql(f"update articles set duplicate_of = {ids[0]} where id = {copy_id}")
    client = make_client(store)

    seen: list[str] = []
    url: str | None = "/stories/1"
    pages = []
    while url:
        doc = page(client, url)
        pages.append(doc)
        items = css(doc, "li.coverage-item")
        assert len(items) <= STORY_PAGE_SIZE
        seen += [css(li, ".card-title a")[0].get("href") for li in items]
        nxt = doc.xpath("//nav[@class='pager']/a[@rel='next']/@href")
        url = nxt[0] if nxt else None
    assert len(pages) == 3
    # Every article once, in time order, the copy standing alone on the last page.
    assert seen == [f"/articles/{i}" for i in [*ids, copy_id]]
    # "First" only on the first page's first item; the header counts all copies.
    assert [len(css(d, ".badge-first")) for d in pages] == [1, 0, 0]
    assert all("(1 syndicated copy)" in d.text_content() for d in pages)
    assert f"articles 101–200 of {total + 1}" in pages[1].text_content()
    assert pages[1].xpath("//ol[@class='coverage']/@start") == ["101"]
    assert pages[2].xpath("//a[@rel='prev']/@href") == ["/stories/1?page=2"]
    assert pages[1].xpath("//a[@rel='prev']/@href") == ["/stories/1"]
    assert client.get("/stories/1?page=4").status_code == 404
    assert client.get("/stories/1?page=0").status_code in (400, 422)
    store.close()
