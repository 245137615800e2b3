"""General boilerplate detectors: appeals, UI labels, page chrome, footers, link lists.

The appeals below are written in the style of real publishers' (not copied from any); the
negatives are news paragraphs that merely talk about donations, subscriptions or support.
"""

from __future__ import annotations

import pytest

from progleton.extract import boilerplate as bp

APPEALS = [
    # Guardian-style epic
    "... we have a small favour to ask. Millions are turning to the Courier for open, independent "
    "news every day. If you can, support the Courier from just £1 – it only takes a minute.",
    # ProPublica-style box
    "Do you value our journalism? Donate now to help us hold the powerful accountable.",
    # Member drive (Texas Tribune style)
    "Quality journalism doesn't come free. Our members power our nonprofit newsroom — become a "
    "member today for as little as $5 a month.",
    # Newsletter boxes
    "Sign up for our morning briefing. Enter your email. Subscribe",
    "Get the day's top headlines delivered to your inbox every morning by subscribing to our "
    "newsletter.",
    # Paywall / meter
    "You have 2 free articles left this month. Subscribe for $1/week.",
    "You've reached your limit of free articles. Already a subscriber? Log in to keep reading.",
    # Ad-blocker wall
    "It looks like you're using an ad blocker. Please turn off your ad blocker or whitelist us "
    "so we can keep our reporting free.",
    # Public-radio pledge
    "Your gift keeps independent local journalism on the air. Make a monthly donation today and "
    "join the listeners who make this reporting possible.",
    # Premium upsell (The Independent style)
    "Want to bookmark your favourite articles and stories to read later? Start your Premium "
    "subscription today.",
    # Sharing / following prompts
    "Like this story? Share it with a friend and follow us on Facebook for more.",
    # Social and feedback prompts, print subscriptions, reprint notices
    "Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.",
    "Tell us what you think: send us your review of this product today.",
    "Get Motor Cycle Weekly delivered through your letterbox every month. 12 issues for £11.99. "
    "Click here for more information.",
    "This copy is for your personal, non-commercial use only. To order copies for distribution, "
    "visit our reprints page.",
    # Magazine membership
    "If you enjoyed this article, we have a proposition for you: join our members today and get "
    "unlimited access with no paywalls. Cancel anytime.",
]

NEWS = [
    "The charity said donations fell 20% as subscribers cancelled their monthly plans.",
    '"Please donate whatever you can, every dollar helps," the mayor told residents on Monday.',
    "The newspaper said it had added 200,000 digital subscribers this year, and its subscription "
    "revenue rose 12 percent.",
    "Volunteers asked shoppers to donate canned goods and to consider a small monthly gift, the "
    "charity said.",
    "The reader-funded outlet relies on monthly contributions from supporters, and its journalism "
    "remains free to read.",
    "Supporters of the bill said it would help families who cannot afford childcare.",
    "Membership of the union has fallen by a third since 2010, according to official figures.",
    "Regular FIRE is someone whose spending is in line with the average US household, around "
    "$60,000 a year.",
    "Streaming services raised prices again this year: a basic subscription now costs $7.99 a "
    "month, up from $5.99, analysts said.",
    '"We need your help," Kremlin critics wrote in an open letter published on Tuesday.',
    "More than two million people follow the mayor on Twitter, where she first posted the "
    "decision.",
    "If you enjoyed the first season, the second one is darker and slower, critics wrote.",
]


@pytest.mark.parametrize("text", APPEALS)
def test_appeals_score_strong(text: str) -> None:
    assert bp.appeal_score(text) >= bp.STRONG, text


@pytest.mark.parametrize("text", NEWS)
def test_news_about_money_or_support_is_not_an_appeal(text: str) -> None:
    assert bp.appeal_score(text) < bp.WEAK, text


@pytest.mark.parametrize(
    "text",
    ["Continue", "Remind me later.", "Read more »", "Read Entire Article", "Share this",
     "Sign in", "Close", "Accept cookies", "Skip to content", "ADVERTISEMENT", "› Next article"],
)  # fmt: skip
def test_ui_labels(text: str) -> None:
    assert bp.is_ui_label(text)
    assert bp.line_reason(bp.Block(text)) is not None


@pytest.mark.parametrize(
    "text",
    ["Continue talks", "Close to home", "Read more about the ruling in our explainer.",
     "Share prices fell sharply."],
)  # fmt: skip
def test_sentences_that_start_like_labels_are_not_labels(text: str) -> None:
    assert not bp.is_ui_label(text)


@pytest.mark.parametrize(
    "text",
    ["7 hours ago 1", "3 comments", "5 min read", "Updated 2 days ago | 14 comments",
     "March 31, 2025", "Published 10:42 a.m. ET March 31, 2025", "Reading time: 4 minutes"],
)  # fmt: skip
def test_meta_lines(text: str) -> None:
    assert bp.is_meta_line(text)


def test_clock_only_lines_are_meta() -> None:
    assert bp.is_meta_line("Updated at 1:23 p.m.")
    assert bp.is_meta_line("November 20, 2019 - 11:28 AMT")


def test_url_lines_are_links_but_prose_with_a_url_is_not() -> None:
    assert bp.is_link_out("More coverage: https://apnews.com/NBA and https://twitter.com/AP")
    assert bp.is_link_out("Download: http://po.st/TP_615Download")
    assert not bp.is_link_out(
        "The report, published at https://example.org/report, found that rents rose in every "
        "district of the city last year."
    )


def test_sentences_with_dates_are_not_meta_lines() -> None:
    assert not bp.is_meta_line("The talks broke down 2 days ago, officials said.")
    assert not bp.is_meta_line("On March 31, 2025, the court ruled against the city.")


@pytest.mark.parametrize(
    "text",
    ["Progleton News @2023", "© 2024 Example Media Ltd. All rights reserved.",
     "Copyright 2019 The Associated Press", "(c) 2021 Some Site"],
)  # fmt: skip
def test_footers(text: str) -> None:
    assert bp.is_footer(text)


def test_copyright_news_is_not_a_footer() -> None:
    long = (
        "The copyright lawsuit, filed in 2023 by a group of authors, argued that the company "
        "trained its models on pirated books without permission or payment."
    )
    assert not bp.is_footer(long)


@pytest.mark.parametrize(
    "text",
    ["Read Entire Article", "Source: Reuters", "via The Verge", "Continue reading at Example Post",
     "Read the full story at example.com"],
)  # fmt: skip
def test_aggregator_chrome(text: str) -> None:
    assert bp.line_reason(bp.Block(text)) in ("ui", "chrome")


def test_fragments_are_alt_text_not_headings() -> None:
    assert bp.is_fragment("paiment methods")
    assert bp.is_fragment("photo credit getty")
    assert not bp.is_fragment("Payment methods")  # capitalised: a heading, judged elsewhere
    assert not bp.is_fragment("sources said.")


def _blocks(*texts: str) -> list[bp.Block]:
    return [bp.Block(t) for t in texts]


STORY = [
    "The city council voted 7-2 on Tuesday to close the old library branch, officials said, "
    "ending a two-year dispute over the building's future.",
    "Residents who opposed the closure said the branch was the only public space within walking "
    "distance for hundreds of families in the neighborhood.",
    "The council said the branch's collection would move to the main library by the end of the "
    "summer, and that the building would be sold.",
]


def test_tail_appeal_takes_its_buttons_with_it() -> None:
    blocks = _blocks(
        *STORY,
        "Dear reader,",
        "We are a small team, and our reporting depends on readers like you.",
        "If you value our work, please support us with a monthly donation from just $3.",
        "Choose an amount",
        "Monthly",
        "Maybe next time",
    )
    assert [b.text for b in bp.filter_blocks(blocks)] == STORY


def test_mid_article_box_is_removed_and_the_story_continues() -> None:
    after = [
        "Library staff will be offered jobs at other branches, the city said in a statement "
        "released after the vote.",
        "A group of residents said they would ask a judge to block the sale of the building.",
    ]
    blocks = _blocks(
        *STORY[:2],
        "Sign up for our free local newsletter",
        "Get the day's top stories delivered to your inbox. Enter your email address.",
        "Subscribe",
        *after,
    )
    assert [b.text for b in bp.filter_blocks(blocks)] == STORY[:2] + after


def test_news_quoting_an_appeal_is_kept_whole() -> None:
    story = [
        *STORY,
        '"We need your help to keep the doors open," the branch manager, Ann Lee, told the '
        "council before the vote.",
        "Supporters have raised $40,000 in donations since January, the Friends of the Library "
        "group said.",
    ]
    assert [b.text for b in bp.filter_blocks(_blocks(*story))] == story


def test_link_list_in_the_tail_is_cut() -> None:
    blocks = _blocks(
        *STORY,
        "More from the Valley Tribune",
        "School board delays vote on new calendar",
        "The board said it needed more time to hear from parents before deciding on the change.",
    )
    assert [b.text for b in bp.filter_blocks(blocks)] == STORY


def test_title_repeated_as_first_paragraph_is_dropped() -> None:
    blocks = [bp.Block("Council closes library", "heading"), *_blocks(*STORY)]
    kept = bp.filter_blocks(blocks, title="Council Closes Library")
    assert [b.text for b in kept] == STORY


def test_widget_suffix_is_stripped() -> None:
    kept = bp.filter_paragraphs(["Growth takes patience, not hacks.Click To Tweet", *STORY])
    assert kept[0] == "Growth takes patience, not hacks."


def test_explain_gives_reasons() -> None:
    reasons = bp.explain(_blocks(*STORY, "Read Entire Article", "Progleton News @2023"))
    assert reasons == [None, None, None, "ui", "footer"]


def test_names_starting_lower_case_are_not_fragments() -> None:
    assert not bp.is_fragment("iPhone sales")
    assert not bp.is_fragment("eBay")


def test_sentence_ends_in_other_scripts() -> None:
    assert bp.ends_sentence("市議会は増税しないことを決めた。")
    assert bp.ends_sentence('He said: "It is over."')
    assert not bp.ends_sentence("The council. Next")
    assert len(bp.words("市議会は増税しない")) == 9


def test_a_bare_popular_label_only_takes_its_teasers() -> None:
    teasers = ["Popular", "Ten things to know about the budget", "Why the mayor quit"]
    blocks = _blocks(*STORY[:2], *teasers, STORY[2])
    assert [b.text for b in bp.filter_blocks(blocks)] == STORY
