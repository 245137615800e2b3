"""Progleton's own body finder (extract/finder.py) and how the extractor uses it."""

from __future__ import annotations

import lxml.html
import pytest

from progleton.extract import extract_article
from progleton.extract.finder import find_body
from progleton.extract.metadata import parse_html

PARA = (
    "The council voted on Tuesday to close the old bridge for repairs, a decision that "
    "residents had demanded for years after two accidents on the crossing. {n}"
)


def paragraphs(n: int, start: int = 0) -> str:
    return "".join(f"<p>{PARA.format(n=i)}</p>" for i in range(start, start + n))


def expected(n: int) -> list[str]:
    """The first `n` paragraphs as the extractor should return them."""
    return [PARA.format(n=i).strip() for i in range(n)]


def page(article: str, *, extra: str = "") -> str:
    return f"""<html><head><title>Bridge closes</title></head><body>
    <header><a href="/">Home</a> <a href="/news">News</a></header>
    <nav><ul><li><a href="/a">World</a></li><li><a href="/b">Politics</a></li></ul></nav>
    <div class="layout"><main><article>{article}</article></main>
    <div class="share-tools"><p>Share this story with everyone you know on every network today.
    </p></div>
    <div class="related-stories"><p>Other bridges in the region were closed last spring after
    an inspection found cracks in three of the main supports.</p></div>
    {extra}</div>
    <div id="comments"><p>I drive across that bridge every day and I think this is overdue by
    at least ten years, frankly, and the council knows it.</p></div>
    <footer><p>Copyright 2026 The Paper. All rights reserved worldwide.</p></footer>
    </body></html>"""


def texts(html: str) -> tuple[list[str], bool]:
    tree = parse_html(html)
    assert tree is not None
    found = find_body(tree)
    return [b.text for b in found.blocks], found.confident


def test_article_container_without_chrome() -> None:
    body, confident = texts(page(paragraphs(5)))
    assert confident
    assert body == expected(5)


def test_inline_text_comments_links_and_breaks() -> None:
    article = (
        "<h2>What happens next</h2>"
        "<p>Work starts <!-- ad slot -->in May, the <a href='/x'>council said</a> in a "
        "statement, and will last until the end of the year at the earliest.</p>"
        "<div>Detours will be signposted<br>through the town centre, officials said.<br><br>"
        "Buses keep their routes but run ten minutes later than the timetable shows.</div>"
        "<table><tr><td>Phase</td><td>Dates</td></tr><tr><td>One</td><td>May-June</td></tr></table>"
        + paragraphs(3)
    )
    body, confident = texts(page(article))
    assert confident
    assert body[0] == "What happens next"
    assert body[1].startswith("Work starts in May, the council said in a statement")
    # A single <br> inside a sentence is joined back; a blank line ends the paragraph.
    assert body[2] == "Detours will be signposted through the town centre, officials said."
    assert body[3].startswith("Buses keep their routes")
    assert body[4:6] == ["Phase | Dates", "One | May-June"]


def test_hidden_and_screen_reader_text_is_not_prose() -> None:
    article = (
        "<p>Shares in <a href='/q'>Acme (ACME.N)<span style='position:absolute;clip:rect(0 0 0 "
        "0);width:1px'>, opens new tab</span></a> rose five percent after the results were out."
        "</p><p class='sr-only'>Skip to the next section of this long article page now.</p>"
        "<div style='display:none'><p>Hidden teaser text that should never reach readers of "
        "the page at all.</p></div>" + paragraphs(3)
    )
    body, _ = texts(page(article))
    assert body[0] == "Shares in Acme (ACME.N) rose five percent after the results were out."
    assert not any("opens new tab" in b or "Skip to" in b or "Hidden teaser" in b for b in body)


def test_wrapper_named_like_chrome_holding_the_story_is_kept() -> None:
    # A theme calls the story's wrapper "content-with-sidebar": it holds most paragraphs.
    html = page(f'<div class="post content-sidebar-layout">{paragraphs(6)}</div>')
    body, confident = texts(html)
    assert confident and len(body) == 6


def test_captions_and_modifier_classes() -> None:
    article = (
        "<figure><img src='a.jpg'><figcaption>The bridge in 1950. Photo: Archive</figcaption>"
        "</figure><div class='photo-credit'>Jane Doe / Agency, taken for the paper in May of "
        "this year near the river bank</div>"
        "<section class='recipe-card has-image'><p>Stir the sauce for ten minutes over a low "
        "heat until it thickens and turns glossy.</p></section>" + paragraphs(4)
    )
    body, _ = texts(page(article))
    assert not any("1950" in b or "Jane Doe" in b for b in body)
    # "has-image" says what the section holds, not that it is an image: kept.
    assert any(b.startswith("Stir the sauce") for b in body)


def test_prose_spread_over_the_page_is_not_confident() -> None:
    teasers = "".join(
        f'<div class="item"><h3><a href="/{i}">Story {i}</a></h3><p>{PARA.format(n=i)}</p></div>'
        for i in range(8)
    )
    html = f"<html><body><div>{teasers[: len(teasers) // 2]}</div>"
    html += f"<div>{teasers[len(teasers) // 2 :]}</div></body></html>"
    _, confident = texts(html)
    assert not confident


def test_tree_is_not_modified_and_deep_nesting_is_fine() -> None:
    html = page(paragraphs(4))
    tree = parse_html(html)
    assert tree is not None
    before = lxml.html.tostring(tree)
    find_body(tree)
    assert lxml.html.tostring(tree) == before
    deep = "<html><body>" + "<div>" * 5000 + paragraphs(3) + "</div>" * 5000 + "</body></html>"
    deep_tree = parse_html(deep)
    assert deep_tree is not None
    find_body(deep_tree)  # no RecursionError whatever depth the parser keeps


@pytest.mark.parametrize("finder", [True, False])
def test_extract_article_same_story_either_way(finder: bool) -> None:
    article = extract_article(page(paragraphs(6)), "https://paper.example/bridge", finder=finder)
    assert article.paragraphs == expected(6)


def test_unconfident_page_is_read_by_trafilatura() -> None:
    # Prose loose in <body> (no container): the finder declines, trafilatura finds the story.
    html = "<html><body>" + paragraphs(6) + "</body></html>"
    tree = parse_html(html)
    assert tree is not None and not find_body(tree).confident
    article = extract_article(html, "https://paper.example/loose")
    assert len(article.paragraphs) == 6


def test_text_without_spaces_between_words_is_prose_too() -> None:
    # Japanese has no spaces: words are counted per Han or kana character, so the story's
    # container is found instead of leaving every such page to trafilatura.
    sentence = (
        "東京都は火曜日、老朽化した橋の修理のため通行止めにすると発表した。"
        "住民は長年これを求めていた。"
    )
    article = "".join(f"<p>{sentence}{i}</p>" for i in range(5))
    body, confident = texts(page(article))
    assert confident
    assert body == [f"{sentence}{i}" for i in range(5)]


def test_links_are_counted_per_line_of_a_broken_paragraph() -> None:
    article = (
        paragraphs(2) + "<p>Short first line of this one.<br><a href=/x>Read our full guide to "
        "every bridge closure in the county this year</a></p>" + paragraphs(2, start=2)
    )
    body, _ = texts(page(article))
    assert "Short first line of this one." in body
    assert not any(b.startswith("Read our full guide") for b in body)


def test_cms_taxonomy_classes_do_not_hide_the_story() -> None:
    # WordPress files a post under "category-comment" (opinion) and "tag-trending".
    html = page(f'<div class="post category-comment tag-trending">{paragraphs(6)}</div>')
    body, confident = texts(html)
    assert confident and len(body) == 6


def test_a_hidden_copy_of_the_story_is_not_read_twice() -> None:
    # The hidden copy (a print or "amp" version) even holds more of the page's prose.
    html = page(paragraphs(3) + f'<div style="display:none">{paragraphs(4)}</div>')
    body, _ = texts(html)
    assert body == expected(3)


def test_inline_elements_stay_in_their_sentence_and_skipped_blocks_end_a_line() -> None:
    article = (
        "<p>The report was written by <a class='author' href='/a'>Jane Doe</a>, who covers "
        "the council, and published on <span class='date'>Monday</span> after a long wait.</p>"
        "<div>Engineers found cracks in the supports last spring.<aside>Ad</aside>Repairs will "
        "take a year and cost the town more than four million pounds in all.</div>"
        "<h2><span><div>What comes next</div></span></h2>" + paragraphs(3)
    )
    body, _ = texts(page(article))
    assert body[0].startswith("The report was written by Jane Doe, who covers the council")
    assert "published on Monday after a long wait." in body[0]
    assert "Engineers found cracks in the supports last spring." in body
    assert any(b.startswith("Repairs will take a year") for b in body)
    found = find_body(parse_html(page(article)))  # type: ignore[arg-type]
    assert [b.kind for b in found.blocks if b.text == "What comes next"] == ["heading"]


def test_widget_classes_are_found_however_the_tag_is_written() -> None:
    from progleton.extract.dom import drop_inline_widgets

    card = "<img src='a.jpg'><a href='/1'>Profile</a><a href='/2'>Follow</a>"
    for opening in (
        '<span data-tip="a > b" class="hovercard">',
        '<span id="x"class="hovercard">',
        "<SPAN CLASS=HoverCard>",
    ):
        html = f"<html><body><p>Said {opening}{card}</span> the mayor.</p></body></html>"
        tree = parse_html(html)
        assert tree is not None
        assert drop_inline_widgets(tree) == 1, opening
    # Only class and id values count: words in scripts or data attributes leave the page alone.
    plain = "<html><body><script>var popup = 1;</script><p data-x='tooltip'>Hi</p></body></html>"
    tree = parse_html(plain)
    assert tree is not None and drop_inline_widgets(tree) == 0
    # A class list of any length counts; a widget word in other attributes, however often
    # repeated, does not.
    long_list = f"<html><body><p>Said <span class='{'col ' * 3000}tooltip'>{card}</span>.</p>"
    tree = parse_html(long_list)
    assert tree is not None and drop_inline_widgets(tree) == 1
    # Found among several class and id values, also next to one whose lower case is longer
    # ("İ" becomes two characters).
    for extra in ("", "\u0130stanbul "):
        page = (
            f"<html><body><p id='a{extra}'>Said <b class='x'>the</b> "
            f"<span id='c' class='{extra}Tool-Tip'>{card}</span>.</p></body></html>"
        )
        tree = parse_html(page)
        assert tree is not None and drop_inline_widgets(tree) == 1, extra
        assert tree.find(".//span") is None
    repeated = '<a data-toggle="tooltip" title="popup">x</a>' * 40000
    tree = parse_html(f"<html><body><p>{repeated}</p></body></html>")
    assert tree is not None and drop_inline_widgets(tree) == 0
