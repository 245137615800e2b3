"""Second opinions from the page's JSON-LD: live-blog updates, cut-short bodies, furniture."""

from __future__ import annotations

import json

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


def test_menu_like_extraction_is_recognised_as_navigation() -> None:
    from progleton.extract.body import looks_like_navigation

    labels = ("Home", "News", "Sport", "Contact us", "Ouvidoria", "Protocolo", "Conselhos")
    menu = [Block(f"{w} {i}") for i in range(4) for w in labels]
    assert looks_like_navigation([*menu, Block(PROSE[0])])
    assert not looks_like_navigation([Block(p) for p in PROSE] + menu)
    assert looks_like_navigation([])
