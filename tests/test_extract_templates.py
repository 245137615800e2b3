"""Per-site templates: blocks recurring, in the same place, on many pages of one site are the
site's furniture; they are learned from the site's pages (in the store, as a crawl brings
them) and removed from its next pages before the body is extracted."""

from __future__ import annotations

import email.utils
import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from loopback import LOOPBACK, LoopbackServer, run
from progleton.config import Settings
from progleton.extract.article import extract_page
from progleton.extract.templates import (
    TemplateParams,
    block_signatures,
    learn,
    pack,
    page_blocks,
    strip,
    unpack,
)
from progleton.models import Source
from progleton.pipeline import Pipeline
from progleton.sitetemplates import site_of
from progleton.store import open_store
from progleton.store.templatedb import SitePage
from progleton.web.app import create_app
from publisher import NOW, paragraphs_for

# Furniture that no per-page rule can recognise: no call to action, no link, no boilerplate
# word; only its recurrence on every page of the site gives it away.
HERITAGE = (
    "The Harbour Gazette has reported on the town and its people since 1921, from the docks "
    "and the fish market to the council chamber and the courts."
)


def page(n: int, *, furniture: str = HERITAGE, extra: str = "") -> str:
    """Article `n` of one site, with the site's furniture paragraph inside the article."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs_for(n))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbour story {n} | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="{NOW.isoformat()}">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<main><article><h1>Harbour story {n}</h1>
<p class="standfirst">A standfirst unique to story number {n} of the harbour series.</p>
{body}
<div class="about-us"><h4>About the Gazette</h4>
<p class="about-3">{html.escape(furniture)}</p></div>
{extra}
</article></main><footer><p>Harbour Gazette, 1 Quay Street, Harbourtown, HT1 2AB.</p></footer>
</body></html>"""


def tree(html_text: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html_text)


# -- signatures ------------------------------------------------------------------------------


def test_a_block_is_its_own_text_and_its_place_on_the_page() -> None:
    a = block_signatures(tree("<body><div><p>Same words here</p></div></body>"))
    b = block_signatures(tree("<body><div><p>Same  WORDS, here!</p></div></body>"))
    moved = block_signatures(tree("<body><ul><li>Same words here</li></ul></body>"))
    assert [x.signature for x in a] == [
        x.signature for x in b
    ]  # case, spacing, punctuation do not count
    assert {x.signature for x in a}.isdisjoint(
        x.signature for x in moved
    )  # another place: another block
    # Digits in class names change from one build of a site to the next; they do not count.
    c1 = page_blocks(tree('<body><div class="box-123 x"><p>Same words here</p></div></body>'))
    c2 = page_blocks(tree('<body><div class="x box-9"><p>Same words here</p></div></body>'))
    c3 = page_blocks(tree('<body><div class="other"><p>Same words here</p></div></body>'))
    assert c1 == c2 and c1 != c3


def test_a_block_owns_its_inline_text_but_not_nested_blocks() -> None:
    found = block_signatures(
        tree(
            "<body><div>Intro words <b>bold words</b> tail words<p>Nested para words</p>"
            "after para<script>var x = 'script words';</script> more words</div></body>"
        )
    )
    texts = sorted(" ".join(el.text_content().split())[:20] for el, *_ in found)
    assert len(found) == 2  # the div (its own text) and the paragraph
    assert texts[1].startswith("Nested para words")
    single = page_blocks(tree("<body><p>Oneword</p><p>Two words</p></body>"))
    assert len(single) == 1  # one-word labels are not blocks (min_words=2)


def test_learn_needs_enough_pages_and_a_large_enough_share() -> None:
    common, rare = 1, 2
    pages = [{common, 100 + n} | ({rare} if n < 4 else set()) for n in range(20)]
    template = learn(pages, TemplateParams(min_pages=4, min_share=0.3))
    assert template.pages == 20
    # rare is on 4 pages: enough pages, but 20 % of the window, under 30 %
    assert template.blocks == frozenset({common})
    assert learn(pages[:3], TemplateParams(min_pages=4, min_share=0.0)).blocks == frozenset()
    # A young site: 4 follow-ups of one story repeat a background paragraph (rare) on 4 of
    # its 6 pages. The share counts against at least `share_base` pages, so it is no template.
    young = pages[:6]
    assert rare in learn(young, TemplateParams(min_pages=4, min_share=0.3)).blocks
    assert learn(young, TemplateParams(min_pages=4, min_share=0.3, share_base=25)).blocks == set()


@given(st.sets(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=200))
def test_packed_signatures_round_trip(blocks: set[int]) -> None:
    assert unpack(pack(blocks)) == frozenset(blocks)


# -- extraction with a template --------------------------------------------------------------


def test_a_learned_template_removes_furniture_no_per_page_rule_sees() -> None:
    params = TemplateParams(min_pages=3, min_share=0.3)
    learned = [
        extract_page(page(n), f"https://gazette.example/{n}", signatures=True) for n in range(4)
    ]
    # Without the template the furniture reads like a paragraph of the story: it is kept.
    assert all(HERITAGE in r.article.paragraphs for r in learned)
    template = learn((r.blocks for r in learned), params)
    assert template.pages == 4 and len(template) >= 2  # the furniture and the footer line

    res = extract_page(page(9), "https://gazette.example/9", template=template)
    assert HERITAGE not in res.article.paragraphs
    assert res.template_hits >= 1
    # Everything of the story itself is still there, headings included.
    assert res.article.paragraphs[-5:] == paragraphs_for(9)
    assert res.article.title == "Harbour story 9"


def test_headings_and_wrappers_stay_even_when_they_recur() -> None:
    doc = tree(page(1))
    template = learn([page_blocks(tree(page(n))) for n in range(4)], TemplateParams(2, 0.0))
    strip(doc, template)
    assert doc.find(".//h4") is not None  # "About the Gazette": a heading marks where text ends
    assert doc.find(".//div[@class='about-us']") is not None
    assert doc.find(".//p[@class='about-3']") is None


def test_the_paywall_label_survives_a_paywall_prompt_learned_as_template() -> None:
    gate = (
        '<div class="paywall"><p>This article is for subscribers only. Subscribe now for '
        "unlimited access to all our journalism.</p></div>"
    )

    def teaser(n: int) -> str:
        return page(n, extra=gate).replace(
            "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs_for(n)),
            f"<p>{html.escape(paragraphs_for(n)[0])}</p>",
        )

    pages = [extract_page(teaser(n), f"https://g.example/{n}", signatures=True) for n in range(4)]
    assert all(r.article.access == "paywall" for r in pages)
    template = learn((r.blocks for r in pages), TemplateParams(3, 0.3))
    res = extract_page(teaser(7), "https://g.example/7", template=template)
    assert res.template_hits >= 1 and res.article.access == "paywall"


def test_a_page_repeating_pages_already_seen_keeps_its_story() -> None:
    # The same story at four addresses of one site (sections, tracking paths): all its
    # blocks recur, but they are most of the page, so they are the story, not furniture.
    seen = [extract_page(page(5), f"https://g.example/s{k}/5", signatures=True) for k in range(4)]
    template = learn((r.blocks for r in seen), TemplateParams(3, 0.3))
    res = extract_page(page(5), "https://g.example/s9/5", template=template)
    assert res.template_hits == 0
    assert res.article.paragraphs == seen[0].article.paragraphs


def test_a_latest_box_listing_the_pages_own_headline_does_not_stop_the_template() -> None:
    latest = (
        '<ul class="latest">'
        + "".join(f"<li><a href='/{k}'>Harbour story {k}</a></li>" for k in range(10))
        + "</ul>"
    )
    seen = [
        extract_page(page(n, extra=latest), f"https://g.example/{n}", signatures=True)
        for n in range(4)
    ]
    template = learn((r.blocks for r in seen), TemplateParams(3, 0.3))
    res = extract_page(page(6, extra=latest), "https://g.example/6", template=template)
    assert res.template_hits >= 1 and HERITAGE not in res.article.paragraphs
    assert res.article.paragraphs[-5:] == paragraphs_for(6)


def test_script_text_and_kept_wrappers_are_no_paywall_evidence() -> None:
    # A skip link straight under <body> makes <body> itself a recurring block; a script in
    # the page mentions subscribing. Neither is removed, so neither may label a free page.
    script = '<script>window.cfg={msg:"Subscribe today to continue reading"}</script>'

    def short(n: int) -> str:
        html_text = page(n).replace("<body>", '<body><a href="#main">Skip to main content</a>')
        html_text = html_text.replace(
            "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs_for(n)),
            f"<p>{html.escape(paragraphs_for(n)[0])}</p>{script}",
        )
        return html_text

    seen = [extract_page(short(n), f"https://f.example/{n}", signatures=True) for n in range(4)]
    assert all(r.article.access is None for r in seen)
    template = learn((r.blocks for r in seen), TemplateParams(3, 0.3))
    res = extract_page(short(8), "https://f.example/8", template=template)
    assert res.template_hits >= 1 and res.article.access is None


def test_hostile_nesting_of_recurring_wrappers_is_handled() -> None:
    nested = "<div>read more now " * 250 + "x" + "</div>" * 250

    def hostile(n: int) -> str:
        return page(n, extra=nested)

    seen = [extract_page(hostile(n), f"https://h.example/{n}", signatures=True) for n in range(4)]
    template = learn((r.blocks for r in seen), TemplateParams(3, 0.3))
    res = extract_page(hostile(5), "https://h.example/5", template=template)
    assert res.article.paragraphs[-5:] == paragraphs_for(5)


def test_site_names() -> None:
    assert site_of("https://WWW.Example.org/a?b=1") == "example.org"
    assert site_of("http://127.0.0.1:8080/a") == "127.0.0.1:8080"
    assert site_of("https://news.example.org/") == "news.example.org"
    assert site_of("not a url") is None


# -- the store -------------------------------------------------------------------------------


def test_the_store_keeps_each_sites_newest_pages_once(store_url: str) -> None:
    store = open_store(store_url)
    source = store.add_source(Source(feed_url="https://a.example/feed"))
    t0 = datetime(2026, 1, 1, tzinfo=UTC)

    def at(n: int) -> datetime:
        return t0 + timedelta(minutes=n)

    store.record_site_pages(
        [
            SitePage("a.example", f"a.example/{n}", frozenset({n, 1000}), source.id, at(n))
            for n in range(6)
        ]
    )
    # Extracted again (a re-run, a revised page): replaced, not counted twice; in one batch
    # the last record of a page wins.
    store.record_site_pages(
        [
            SitePage("a.example", "a.example/7", frozenset({7}), None, at(7)),
            SitePage("a.example", "a.example/7", pack({7, 1000, 2000}), None, at(8)),
            SitePage("b.example", "b.example/1", frozenset({1}), None, at(1)),
        ],
        keep=5,
        trim=["a.example"],
    )
    rows = store.site_pages("a.example")
    assert [k for k, _ in rows] == [f"a.example/{n}" for n in (7, 5, 4, 3, 2)]
    assert unpack(rows[0][1]) == {7, 1000, 2000}
    assert [k for k, _ in store.site_pages("b.example")] == ["b.example/1"]  # not trimmed
    assert store.source_sites(source.id or 0) == ["a.example"]
    store.close()


# -- a crawl learns as it goes; the source page shows what it learned ------------------------


def _feed(srv: LoopbackServer, numbers: range) -> bytes:
    items = "".join(
        f"<item><title>Harbour story {n}</title><link>{srv.url(f'/news/{n}')}</link>"
        f"<guid>story-{n}</guid><pubDate>{email.utils.format_datetime(NOW)}</pubDate></item>"
        for n in numbers
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>'
        f"<link>{srv.url('/')}</link>{items}</channel></rss>"
    ).encode()


def test_a_crawl_learns_the_sites_template_and_applies_it_to_later_pages(tmp_path: Path) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}",
        per_host_delay=0.0,
        allow_hosts=LOOPBACK,
        template_min_pages=3,
        template_window=6,  # a block must recur on 3 pages (and 30 % of at least 3)
        extract_workers=1,  # the template goes to a worker process and back
    )
    store = open_store(settings.db_url)
    with LoopbackServer() as srv:
        for n in range(10):
            srv.route(
                f"/news/{n}",
                body=page(n).encode(),
                headers={"Content-Type": "text/html; charset=utf-8"},
            )
        srv.route(
            "/feed.xml", body=_feed(srv, range(3)), headers={"Content-Type": "application/rss+xml"}
        )
        with Pipeline(settings, store) as pipe:
            source = store.add_source(Source(feed_url=srv.url("/feed.xml"), title="Gazette"))
            assert run(pipe.crawl([source])).new == 3
            srv.route(
                "/feed.xml",
                body=_feed(srv, range(10)),
                headers={"Content-Type": "application/rss+xml"},
            )
            assert run(pipe.crawl([store.get_source(source.id or 0)])).new == 7  # type: ignore[list-item]
            # `progleton extract URL` uses the template learned from crawled pages too.
            again = run(pipe.extract_url(srv.url("/news/0")))
            assert HERITAGE not in again.paragraphs and again.paragraphs[-5:] == paragraphs_for(0)
        by_title = {a.title: store.get_article(a.id or 0) for a in store.latest_articles(20)}
        with_furniture = sorted(t for t, a in by_title.items() if a and HERITAGE in a.paragraphs)
        # The first crawl's three pages taught the template (a block must recur on three);
        # every later page was extracted with it.
        assert with_furniture == [f"Harbour story {n}" for n in range(3)]
        for n in range(3, 10):
            stored = by_title[f"Harbour story {n}"]
            assert stored is not None and stored.paragraphs[-5:] == paragraphs_for(n)

        client = TestClient(create_app(settings.with_(page_cache_seconds=0), store))
        body = client.get(f"/sources/{source.id}").text
        assert "Learned template" in body
        assert "6 pages" in body  # the newest of the site's window
        api = client.get(f"/api/v1/sources/{source.id}").json()
        (site,) = api["templates"]
        assert site["pages"] == 6 and site["blocks"] >= 2
    store.close()


def test_a_store_failure_writing_site_pages_costs_no_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'p.db'}",
        per_host_delay=0.0,
        allow_hosts=LOOPBACK,
        extract_workers=0,
    )
    store = open_store(settings.db_url)
    calls = []

    def broken(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "record_site_pages", broken)
    with LoopbackServer() as srv:
        for n in range(5):
            srv.route(f"/news/{n}", body=page(n).encode(), headers={"Content-Type": "text/html"})
        srv.route(
            "/feed.xml", body=_feed(srv, range(5)), headers={"Content-Type": "application/rss+xml"}
        )
        with Pipeline(settings, store) as pipe:
            source = store.add_source(Source(feed_url=srv.url("/feed.xml")))
            report = run(pipe.crawl([source]))
    assert report.new == 5 and not report.failures
    assert len(store.latest_articles(10)) == 5
    assert len(calls) == 2  # the write, then the write without source ids; both failed
    assert "site pages not stored" in caplog.text
    store.close()
