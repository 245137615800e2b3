"""Paywalled pages are labelled (never bypassed); full articles and newsletter boxes are not."""

from __future__ import annotations

import json

from progleton.extract import extract_article

LEAD = (
    "The council voted on Tuesday to close the old ferry terminal by the end of the year, "
    "ending more than a century of crossings from the town's harbour."
)
PARAS = [
    "Residents who packed the public gallery said the decision had been taken without proper "
    "consultation, and several councillors said they would ask for the vote to be reviewed.",
    "The terminal has lost money for a decade, according to figures published by the council "
    "in the spring, and needs repairs that engineers put at more than four million pounds.",
    "Ferry operators said they had not been told what would happen to the berths, and one said "
    "it would move its summer sailings to the deep-water quay on the other side of the bay.",
    "Shopkeepers on the harbour front said the crossings brought thousands of visitors a year "
    "and that many small businesses would not survive a season without them.",
    "The council leader said the money saved would go to the town's schools and that a "
    "consultation on the future of the site would open in the new year.",
    "Campaigners have started a petition calling for the terminal to be handed to a community "
    "trust, which they say could run it at no cost to local taxpayers.",
    "A spokesperson for the regional transport authority said it was studying the decision and "
    "would publish its own assessment of the effect on island residents next month.",
    "The last ferry from the old terminal is expected to sail on the thirty-first of December, "
    "the council said, with a service of thanks planned on the quay that afternoon.",
    "Island residents who rely on the crossing for hospital visits said they had been promised "
    "a replacement service, and asked the council to put that promise in writing.",
]


def page(body: str, head: str = "", paragraphs: int = 1) -> str:
    text = "".join(f"<p>{p}</p>" for p in [LEAD, *PARAS][:paragraphs])
    return f"""<!DOCTYPE html><html lang="en"><head><title>Ferry terminal to close</title>
<meta property="og:site_name" content="Coast Courier">{head}</head><body>
<nav><a href="/">Home</a></nav><main><article><h1>Ferry terminal to close</h1>
{text}{body}</article></main><footer>© Coast Courier</footer></body></html>"""


def ld(accessible: object) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle",
            "headline": "Ferry terminal to close", "isAccessibleForFree": accessible}  # fmt: skip
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_publisher_markup_on_a_teaser_is_a_paywall() -> None:
    for value in (False, "False", "false"):
        article = extract_article(page("", head=ld(value)), "https://courier.example/ferry")
        assert article.access == "paywall", value
        assert article.paragraphs == [LEAD]


def test_content_tier_locked_is_a_paywall() -> None:
    head = '<meta property="article:content_tier" content="locked">'
    assert extract_article(page("", head=head), None).access == "paywall"


def test_a_subscribe_to_continue_gate_is_a_paywall_and_not_part_of_the_body() -> None:
    gate = (
        "<div class='article-footer-box'><h3>Subscribe to continue reading</h3>"
        "<p>Get unlimited access to local journalism from £1 a week.</p>"
        "<a href='/subscribe'>Subscribe</a> <a href='/login'>Log in</a></div>"
    )
    article = extract_article(page(gate), "https://courier.example/ferry")
    assert article.access == "paywall"
    assert "Subscribe" not in article.text


def test_a_gate_named_like_a_paywall_is_a_paywall() -> None:
    gate = (
        "<div class='piano-offer'><p>Unlock this story and every other with a premium "
        "membership, cancel any time.</p></div>"
    )
    assert extract_article(page(gate), None).access == "paywall"


def test_metered_sites_that_serve_the_whole_text_are_not_labelled() -> None:
    # Publishers on a meter mark every page as not free and still serve the text.
    article = extract_article(page("", head=ld(False), paragraphs=10), None)
    assert len(article.text) > 1500
    assert article.access is None


def test_free_pages_newsletter_boxes_and_login_links_are_not_paywalls() -> None:
    newsletter = (
        "<aside class='newsletter'><h3>Sign up for our morning newsletter</h3>"
        "<p>Get the day's news in your inbox.</p></aside>"
    )
    header = "<div class='paywall-header-wrap'><a href='/login'>Login</a> Log Out</div>"
    for extra, head in ((newsletter, ""), (header, ""), ("", ld(True))):
        assert extract_article(page(extra, head=head), None).access is None
