"""Per-site templates: blocks recurring across a site's pages are dropped from a new page."""

from __future__ import annotations

from progleton.extract.templates import apply, learn

BIO = "Jane Doe is a senior correspondent covering courts and crime for the paper."
PROMO = "Sign up for our morning briefing to get the day's top stories in your inbox."


def test_blocks_recurring_on_several_pages_are_learned_and_dropped() -> None:
    pages = [
        [f"Story {i} begins with its own first paragraph about event number {i}.", BIO, PROMO]
        for i in range(4)
    ]
    template = learn(pages)
    assert template.pages == 4
    new = ["A brand new story about the council vote on the bridge plan.", BIO.upper()]
    assert apply(new, template) == [new[0]]


def test_short_labels_and_single_page_blocks_are_not_learned() -> None:
    pages = [
        ["Advertisement", f"Unique paragraph number {i} with enough words here."] for i in range(3)
    ]
    assert not learn(pages).blocks


def test_a_page_made_only_of_template_blocks_is_left_whole() -> None:
    template = learn([[BIO], [BIO]])
    assert apply([BIO], template) == [BIO]
