"""Second opinions from the page's JSON-LD: live-blog updates, cut-short bodies, furniture."""

from __future__ import annotations

import json
from typing import Any

from progleton.extract import extract_article
from progleton.extract.lines import Block
from progleton.extract.recover import add_live_updates, check_with_ld_body

PROSE = [
    "The council voted on Tuesday to approve the new bridge over the river after three years.",
    "Construction is expected to start next spring and to take two years, the mayor said.",
    "Opponents said they would study the decision before deciding whether to appeal it.",
    "Residents near the site welcomed the end of the uncertainty, if not the traffic plans.",
]


def test_missing_live_updates_are_appended_in_order() -> None:
    blocks = [Block(PROSE[0])]
    updates = [
        ("Vote passes", "Councillors approved the plan by nine votes to four this evening."),
        ("Mayor speaks", "The mayor thanked residents for their patience during the long debate."),
        ("Protest outside", "About fifty people gathered outside the town hall with placards."),
    ]
    out = add_live_updates(blocks, updates)
    assert [b.text for b in out[1:3]] == ["Vote passes", updates[0][1]]
    assert out[1].kind == "heading"
    assert len(out) == 7


def test_live_updates_already_in_the_body_are_not_repeated() -> None:
    updates = [(f"Update {i}", text) for i, text in enumerate(PROSE[1:])]
    blocks = [Block(p) for p in PROSE]
    assert add_live_updates(blocks, updates) == blocks


def test_a_cut_short_body_is_recovered_from_article_body() -> None:
    ld = "\n".join(PROSE * 3)
    out, done = check_with_ld_body([Block(PROSE[0])], ld)
    assert done == "recovered"
    assert len(out) == 12


def test_short_blocks_foreign_to_article_body_are_dropped() -> None:
    teaser = "Ten weekend walks that will change how you see the city"
    blocks = [Block(p) for p in PROSE[:2]] + [Block(teaser)] + [Block(p) for p in PROSE[2:]]
    out, done = check_with_ld_body(blocks, " ".join(PROSE))
    assert done == "filtered"
    assert [b.text for b in out] == PROSE


def test_article_body_that_disagrees_changes_nothing() -> None:
    blocks = [Block(p) for p in PROSE]
    other = "A completely different text about the weather and the harvest. " * 8
    assert check_with_ld_body(blocks, other) == (blocks, "")


def test_live_blog_updates_only_in_json_ld_reach_the_article() -> None:
    updates = [
        {
            "@type": "BlogPosting",
            "headline": f"Update {i}",
            "articleBody": f"Update number {i} says the match restarted after a long delay {i}.",
        }
        for i in range(4)
    ]
    ld = {"@type": "LiveBlogPosting", "headline": "Match live", "liveBlogUpdate": updates}
    html = (
        '<html lang="en"><head><title>Match live</title><script type="application/ld+json">'
        + json.dumps(ld)
        + "</script></head><body><article><h1>Match live</h1>"
        + "".join(f"<p>{p}</p>" for p in PROSE)
        + "</article></body></html>"
    )
    text = extract_article(html, "https://news.example.com/live").text
    assert "Update number 3 says the match restarted" in text
    assert PROSE[0] in text


def test_trafilatura_second_opinions_only_for_a_near_empty_result(monkeypatch: Any) -> None:
    """Fast mode first; its full mode (readability and jusText runs) only when fast mode found
    next to nothing; balanced mode when the body is short, kept when it finds twice as much."""
    from types import SimpleNamespace

    import lxml.etree

    from progleton.extract import article

    def doc(chars: int) -> SimpleNamespace:
        body = lxml.etree.Element("body")
        lxml.etree.SubElement(body, "p").text = "w" * chars
        return SimpleNamespace(body=body)

    def run(sizes: dict[tuple[bool, bool], int]) -> tuple[list[tuple[bool, bool]], int]:
        calls: list[tuple[bool, bool]] = []

        def fake(text: str, url: str | None, *, favor_precision: bool, fast: bool = False) -> Any:
            calls.append((favor_precision, fast))
            return doc(sizes[(favor_precision, fast)])

        monkeypatch.setattr(article, "run_trafilatura", fake)
        blocks = article._trafilatura_blocks("<html></html>", None)
        return calls, sum(len(b.text) for b in blocks)

    precise_fast, precise_full, balanced_fast = (True, True), (True, False), (False, True)
    # A whole story: one fast run.
    assert run({precise_fast: 4000}) == ([precise_fast], 4000)
    # Short but not empty: no full run; the balanced run wins with more than twice the text.
    assert run({precise_fast: 600, balanced_fast: 3000}) == ([precise_fast, balanced_fast], 3000)
    assert run({precise_fast: 600, balanced_fast: 1000}) == ([precise_fast, balanced_fast], 600)
    # Next to nothing: the full mode's second opinions first.
    calls, size = run({precise_fast: 100, precise_full: 2500})
    assert (calls, size) == ([precise_fast, precise_full], 2500)
