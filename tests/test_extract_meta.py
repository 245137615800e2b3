"""Page metadata end to end: publisher, title, authors and date from synthetic pages written in
the style of real ones (a loopback mirror, a Korean site whose logo is an <h1>, a magazine whose
meta author is its parent company, a blog whose only date is its copyright line).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from progleton.extract import extract_article

NOW = datetime(2025, 6, 1, tzinfo=UTC)
MIRROR = "http://127.0.0.12:8800/news/news_view.html?idx=8723"
PARAGRAPHS = "".join(
    f"<p>Paragraph {i}: the committee heard evidence from residents, engineers and officials "
    f"about the proposed bridge, and said it would publish its findings in the spring.</p>"
    for i in range(1, 6)
)


def _page(head: str = "", body: str = "", *, h1: str = "Bridge inquiry hears evidence") -> str:
    return (
        f"<html><head>{head}</head><body>{body}<article><h1>{h1}</h1>{PARAGRAPHS}</article>"
        "</body></html>"
    )


def _ld(obj: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def test_publisher_comes_from_the_canonical_host_not_the_mirror() -> None:
    head = (
        "<title>Bridge inquiry hears evidence</title>"
        '<link rel="canonical" href="https://www.bridgenews.example/news/1">'
    )
    article = extract_article(_page(head), MIRROR, now=NOW)
    assert article.publisher == "bridgenews.example"


def test_no_publisher_is_better_than_an_ip_address() -> None:
    article = extract_article(
        _page("<title>Bridge inquiry hears evidence</title>"), MIRROR, now=NOW
    )
    assert article.publisher is None


def test_publisher_tagline_is_dropped() -> None:
    head = '<meta property="og:site_name" content="The Harbor Post | HarborPost.example">'
    article = extract_article(_page(head), "https://harborpost.example/a/1", now=NOW)
    assert article.publisher == "The Harbor Post"


def test_title_keeps_a_headline_that_mentions_the_site() -> None:
    head = (
        '<meta property="og:site_name" content="the Ledger">'
        '<meta property="og:title" content="The Ledger view on the port: a city on the brink '
        '| Editorial">'
    )
    article = extract_article(_page(head), "https://ledger.example/a/1", now=NOW)
    assert article.title == "The Ledger view on the port: a city on the brink"


def test_site_suffix_goes_even_when_the_site_name_comes_late() -> None:
    # No og:site_name: the name comes from JSON-LD's publisher.
    head = '<meta property="og:title" content="Markets rally on rate hopes | The Gateway Ledger">'
    head += _ld(
        {
            "@type": "NewsArticle",
            "publisher": {"@type": "Organization", "name": "The Gateway Ledger"},
        }
    )
    article = extract_article(_page(head), "https://gatewayledger.example/a/1", now=NOW)
    assert article.title == "Markets rally on rate hopes"


def test_title_that_is_the_site_name_gives_way_to_the_headline() -> None:
    head = (
        '<meta property="og:site_name" content="엔터 미디어">'
        '<meta property="og:title" content="엔터 미디어">'
    )
    article = extract_article(
        _page(head, h1="악녀의 덫에 걸린 주인공"), "https://entermedia.example/n/1", now=NOW
    )
    assert article.title == "악녀의 덫에 걸린 주인공"


def test_logo_h1_is_not_the_title() -> None:
    head = "<title>악녀의 덫에 걸린 주인공 - Entermedia</title>"
    logo = '<div id="site-title"><a href="/"><h1>엔터 미디어</h1></a></div>'
    page = f"<html><head>{head}</head><body>{logo}<article>{PARAGRAPHS}</article></body></html>"
    article = extract_article(page, "https://www.entermedia.example/n/1", now=NOW)
    assert article.title == "악녀의 덫에 걸린 주인공"


def test_json_ld_people_beat_a_parent_company_meta_author() -> None:
    head = '<meta name="author" content="Condé Nast">' + _ld(
        {"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Louise Hart"}]}
    )
    article = extract_article(_page(head), "https://magazine.example/story/1", now=NOW)
    assert article.authors == ["Louise Hart"]


def test_an_organisation_as_the_only_byline_leaves_authors_empty() -> None:
    head = '<meta property="og:site_name" content="Sky Example News">' + _ld(
        {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Sky Example"}}
    )
    article = extract_article(_page(head), "https://news.skyexample.example/story/1", now=NOW)
    assert article.authors == []
    head = '<meta name="author" content="The Associated Press">'
    article = extract_article(_page(head), "https://wire.example/story/1", now=NOW)
    assert article.authors == []


def test_agency_glued_to_a_name_is_cut() -> None:
    head = '<meta name="author" content="Dana Kirk, MARK LOWELL Associated Press">'
    article = extract_article(_page(head), "https://wire.example/story/2", now=NOW)
    assert article.authors == ["Dana Kirk", "Mark Lowell"]


def test_copyright_year_is_not_a_publication_date() -> None:
    footer = "<footer><p>© diety.example, 2008. Все права защищены.</p></footer>"
    page = _page("<title>Диета</title>").replace("</body>", f"{footer}</body>")
    article = extract_article(page, "https://diety.example/dieta.html", now=NOW)
    assert article.published is None


def test_a_stated_date_survives_next_to_a_copyright_year() -> None:
    head = '<meta property="article:published_time" content="2019-03-04T10:00:00Z">'
    footer = "<footer><p>© Daily Example 2008</p></footer>"
    page = _page(head).replace("</body>", f"{footer}</body>")
    article = extract_article(page, "https://daily.example/a/1", now=NOW)
    assert article.published == datetime(2019, 3, 4, 10, 0, tzinfo=UTC)


def test_the_date_search_in_the_page_leaves_the_parsed_page_untouched() -> None:
    import lxml.html

    from progleton.extract.metadata import parse_html, read_metadata

    page = (
        "<html><head><title>Bridge closes</title></head><body><article><h1>Bridge closes</h1>"
        "<p class='dateline'>Posted March 3, 2024</p><div class='comments'>Old note</div>"
        + "<p>The bridge closed on Tuesday after inspectors found cracks in it.</p>" * 5
        + "</article></body></html>"
    )
    tree = parse_html(page)
    assert tree is not None
    before = lxml.html.tostring(tree)
    meta = read_metadata(tree, None, datetime(2026, 1, 1, tzinfo=UTC))
    # htmldate found the date in the text, and worked on its own copy of the tree.
    assert meta.published is not None and meta.published.date().isoformat() == "2024-03-03"
    assert lxml.html.tostring(tree) == before


def test_a_self_closed_html_tag_does_not_end_the_page() -> None:
    from progleton.extract.metadata import parse_html, read_metadata

    page = (
        '<!DOCTYPE html>\n<html lang="en"/>\n<head><title>Bridge closes</title></head><body>'
        "<p>Published on March 3, 2021</p>"
        + "<p>The bridge closed on Tuesday after inspectors found cracks in it.</p>" * 5
        + "</body></html>"
    )
    tree = parse_html(page)
    assert tree is not None and "inspectors found cracks" in tree.text_content()
    meta = read_metadata(tree, None, datetime(2026, 1, 1, tzinfo=UTC))
    assert meta.published is not None and meta.published.date().isoformat() == "2021-03-03"


def test_a_headline_only_in_broken_json_ld_is_still_the_title() -> None:
    page = (
        "<html><head><title>Example News</title><meta name='author' content='Jane Roe'>"
        "<meta property='og:site_name' content='Example News'>"
        '<script type="application/ld+json">'
        '{"@type":"NewsArticle","headline":"Grandma Apple Pie Is Back", }</script>'
        "</head><body><article>"
        + "<p>The bakery reopened on Tuesday after a year of repairs, its owner said.</p>" * 8
        + "</article></body></html>"
    )
    assert extract_article(page, "https://example.com/a/pie").title == "Grandma Apple Pie Is Back"
