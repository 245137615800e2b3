"""Page furniture beyond appeals: separators, policies, credits, promos, widgets, bylines, bios,
related-link lists and hover cards.

Every line here is written in the style of real publishers' chrome (not copied from any page);
the negatives are news sentences that share words with it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from progleton.extract import boilerplate as bp
from progleton.extract import extract_article
from progleton.extract import lines as ln
from progleton.extract import structure as st

NOW = datetime(2025, 6, 1, tzinfo=UTC)

STORY = [
    "The city council voted 7-2 on Tuesday to close the old library branch, officials said, "
    "ending a two-year dispute over the building's future.",
    "Residents who opposed the closure said the branch was the only public space within walking "
    "distance for hundreds of families in the neighborhood.",
    "The council said the branch's collection would move to the main library by the end of the "
    "summer, and that the building would be sold.",
]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("___", "separator"),
        ("::", "separator"),
        ("* * *", "separator"),
        ("—", "separator"),
        ("Our Standards: The Example Media Trust Principles.", "policy"),
        ("The Ledger is committed to publishing a diversity of letters to the editor. We'd love "
         "to hear from you.", "policy"),
        ("The Daily Example welcomes expressions of all views. Letters should be brief and may "
         "be edited for length.", "policy"),
        ("This sponsored deal is brought to you by KeyVault.", "policy"),
        ("저작권자 ⓒ 데일리예제(", "footer"),
        ("), 무단전재 및 재배포금지", "footer"),
        ("Tous droits réservés", "footer"),
        ("Email: sports@ledger.example", "contact"),
        ("desk@ledger.example", "contact"),
        ("Pick Six Newsletter", "promo"),
        ("How to listen to The Court Podcast", "promo"),
        ("An error has occurred, please try again later.", "ui"),
        ("Story continues below gallery", "ui"),
        ("See more photos:", "ui"),
        ("See it now: Amazon", "ui"),
        ("This article was originally published by Futureworld. Read the original article.",
         "chrome"),
        ("Credit: JANE ROE / AFP/Getty", "credit"),
        ("Main image credit: Getty", "credit"),
        ("Cover image: artist's impression of the new bridge at night", "credit"),
        ("The new stage at the assembly plant after the engines were fitted. "
         "(credit: NASA/J. Doe)", "credit"),
        ("%57 голосов", "meta"),
        ("12 votes", "meta"),
        ("5:45 AM PST 11/19/2019 by Patrick Shanley", "meta"),
    ],
)  # fmt: skip
def test_line_furniture(text: str, reason: str) -> None:
    assert ln.line_reason(ln.Block(text)) == reason


@pytest.mark.parametrize(
    "text",
    [
        "The standards board said its principles would be published in March.",
        "Readers' letters poured in after the council's vote, the editor said.",
        "The podcast, which launched in 2019, now has two million listeners, the company said.",
        "Police said an error in the dispatch system delayed the response by ten minutes.",
        "The photo, taken by a resident, shows the bridge moments before it collapsed.",
        "She can be reached through the council's press office, a spokesman said.",
        "Credit unions said lending rose 4% in the third quarter.",
        "The event is sponsored by local businesses and runs until Sunday, organisers said.",
    ],
)
def test_news_sharing_words_with_furniture_is_kept(text: str) -> None:
    assert ln.line_reason(ln.Block(text)) is None


def test_podcast_promo_is_an_appeal() -> None:
    promo = "Catch up on the campaign with our reporters on our weekly politics podcast, “Stump.”"
    assert bp.appeal_score(promo) >= bp.STRONG
    assert [b.text for b in bp.filter_blocks(_blocks(*STORY, promo))] == STORY


def test_click_here_download_line_is_an_appeal() -> None:
    line = "Click here to get more information or download this game."
    assert bp.appeal_score(line) >= bp.STRONG


def test_read_also_in_other_languages_takes_its_teaser_but_not_the_story() -> None:
    teaser = "I Cavalieri dello Zodiaco diventeranno un film"
    blocks = _blocks(STORY[0], "Leggi anche", teaser, *STORY[1:])
    assert [b.text for b in bp.filter_blocks(blocks)] == STORY


def _blocks(*texts: str) -> list[bp.Block]:
    return [bp.Block(t) for t in texts]


def test_kicker_and_byline_box_above_the_story_go() -> None:
    blocks = _blocks("Review", "Shauna Lee", "Culture editor", *STORY)
    assert [b.text for b in bp.filter_blocks(blocks)] == STORY


def test_byline_line_goes_but_a_by_heading_stays() -> None:
    assert st.is_byline("By Jane Doe and John Roe")
    assert st.is_byline("Jane Doe", {"jane doe"})
    assert not st.is_byline("By the numbers")
    kept = bp.filter_blocks(_blocks("By the numbers", *STORY))
    assert kept[0].text == "By the numbers"


def test_author_bio_at_the_end_goes() -> None:
    bio = (
        "Jane Doe is a reporter with Example News Digital covering city hall. Send tips to "
        "jane.doe@example.com or follow her on Twitter @janedoe."
    )
    assert [b.text for b in bp.filter_blocks(_blocks(*STORY, bio))] == STORY
    # A person described in the story is not a bio box.
    profile = (
        "Ann Lee is a reporter turned librarian who has run the branch since 2009 and says she "
        "will fight the sale in court."
    )
    assert [b.text for b in bp.filter_blocks(_blocks(*STORY, profile))][-1] == profile


def test_glued_title_byline_and_dateline_are_stripped_from_the_first_paragraph() -> None:
    title = "Seeking a bigger role for a big rocket"
    first = (
        "Seeking a bigger role for a big rocketby Jane Doe Monday, November 18, 2019 Earlier "
        "this month, the agency announced a milestone for its launch system."
    )
    kept = bp.filter_blocks(_blocks(first, *STORY), title=title)
    assert kept[0].text.startswith("Earlier this month, the agency announced")
    # Prose that merely starts like the title is left alone.
    prose = "Seeking a bigger role for a big rocket is what the agency wants, officials said."
    assert bp.filter_blocks(_blocks(prose, *STORY), title=title)[0].text == prose


def test_related_link_runs_go_but_single_links_stay() -> None:
    related = ["Moon Rush: Private Lunar Lander Plans", "Photos: Europa, Icy Moon of Jupiter"]
    links = {t.lower() for t in [*related, "Library branch"]}
    blocks = [*_blocks(*STORY), bp.Block(related[0], "item"), bp.Block(related[1], "item")]
    assert [b.text for b in bp.filter_blocks(blocks, links=links)] == STORY
    single = _blocks(STORY[0], "Library branch", *STORY[1:])
    assert len(bp.filter_blocks(single, links=links)) == 4


def test_stock_quote_widget_goes_with_its_rows() -> None:
    blocks = [
        bp.Block(STORY[0]),
        bp.Block("Ticker | Security | Last | Change | Change %", "table"),
        bp.Block("XMPL | EXAMPLE CORP. | 225.86 | -12.99 | -5.44%", "table"),
        *_blocks(*STORY[1:]),
    ]
    assert [b.text for b in bp.filter_blocks(blocks)] == STORY
    results = [
        bp.Block("Team | Played | Points", "table"),
        bp.Block("Ledger FC | 10 | 21", "table"),
    ]
    assert len(bp.filter_blocks([*results, *_blocks(*STORY)])) == 5


def _page(body: str, head: str = "") -> str:
    return f"<html><head><title>Story</title>{head}</head><body>{body}</body></html>"


def test_hover_card_inside_a_sentence_is_removed() -> None:
    card = (
        '<span class="rollover-people"><a class="rollover-people-link" href="/people/ann-lee">'
        'Ann Lee</a><span class="rollover-people-block"><img src="/ann.jpg" alt="">'
        '<a href="/people/ann-lee">Ann Lee</a><a href="/a/1">Council delays vote on budget</a>'
        '<a href="/a/2">Mayor names new police chief</a></span></span>'
    )
    body = (
        f"<article><h1>Man admits threatening councillor</h1><p>A man pleaded guilty on Monday to "
        f"threatening to kill Councillor {card} (Ward 3), prosecutors said in a statement.</p>"
        + "".join(f"<p>{p}</p>" for p in STORY)
        + "</article>"
    )
    article = extract_article(_page(body), "https://ledger.example/a/3", now=NOW)
    assert article.paragraphs[0].startswith(
        "A man pleaded guilty on Monday to threatening to kill Councillor Ann Lee (Ward 3)"
    )
    assert "Council delays vote" not in article.text
