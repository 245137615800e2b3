"""Text path: aggregator dumps with other publishers' appeals, and news that must survive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from progleton.errors import ExtractionError
from progleton.extract import extract_text_dump
from progleton.extract.text import discover_publisher, split_units

DATA = Path(__file__).parent / "data" / "extract"
NOW = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _news(name: str, first: str, last: str, skip: tuple[str, ...] = ()) -> list[str]:
    lines = _lines(name)
    i = next(k for k, line in enumerate(lines) if line.startswith(first))
    j = next(k for k, line in enumerate(lines) if line.startswith(last))
    return [line for line in lines[i : j + 1] if not line.startswith(skip)]


DUMPS = [
    # name, publisher, published, first news line, last news line, lines between that are junk
    (
        "dump_guardian_style.txt",
        "The Northern Ledger",
        NOW - timedelta(days=2),
        "Councillors in Aldbridge",
        "The council said it had commissioned",
        (),
    ),
    (
        "dump_propublica_style.txt",
        "The Civic Desk",
        datetime(2025, 3, 31, tzinfo=UTC),
        "Nonprofit hospitals in three states",
        "Hospital executives said",
        ("Do You Value", "The Civic Desk is a nonprofit", "Donate Now"),
    ),
    (
        "dump_paywall.txt",
        "Harbor City Times",
        NOW - timedelta(days=1),
        "The Harbor City Port Authority",
        "Construction is expected",
        (),
    ),
    (
        "dump_newsletter.txt",
        "Riverside Courier",
        NOW - timedelta(hours=1),
        "The city will replace",
        "Homeowners will not be charged",
        ("The Morning Brief", "Get the day's", "Enter your email", "Subscribe", "By signing up"),
    ),
    (
        "dump_adblock.txt",
        "Metro Daily",
        NOW,
        "The regional transit agency",
        "The agency faces a projected",
        (),
    ),
]


@pytest.mark.parametrize(("name", "publisher", "published", "first", "last", "junk"), DUMPS)
def test_dumps_keep_only_the_story(
    name: str,
    publisher: str,
    published: datetime,
    first: str,
    last: str,
    junk: tuple[str, ...],
) -> None:
    article = extract_text_dump((DATA / name).read_text(encoding="utf-8"), NOW)
    assert article.paragraphs == _news(name, first, last, junk)
    assert article.title == _lines(name)[0]
    assert article.publisher == publisher
    assert article.published == published


def test_byline_becomes_authors() -> None:
    article = extract_text_dump((DATA / "dump_propublica_style.txt").read_text(), NOW)
    assert article.authors == ["Daniel Reyes", "Priya Natarajan"]
    assert not any(p.startswith("By ") for p in article.paragraphs)


def test_news_mentioning_donations_is_kept() -> None:
    name = "dump_negative.txt"
    article = extract_text_dump((DATA / name).read_text(), NOW)
    assert article.paragraphs == _news(name, "The region's largest", "Volunteers asked shoppers")
    assert article.publisher == "Valley Tribune"
    assert article.published == NOW - timedelta(hours=3)


def test_generic_appeal_heading_names_the_publisher() -> None:
    lines = [
        "A note from the Harbor Gazette:",
        "Dear readers,",
        "Independent local news needs your support. Support the Harbor Gazette today.",
    ]
    assert discover_publisher(lines) == "The Harbor Gazette"


def test_slogans_are_not_publishers() -> None:
    assert discover_publisher(["Support Independent Journalism", "Support us today"]) is None


def test_aggregator_footer_is_not_the_publisher() -> None:
    lines = [
        "Some story text that goes on for a while.",
        "Read Entire Article",
        "Progleton News @2023",
    ]
    assert discover_publisher(lines) is None


def test_hard_wrapped_lines_are_joined() -> None:
    units = split_units(
        "Title line\n\nThe council voted on Tuesday to approve the budget after a long debate\n"
        "that lasted most of the evening, officials said.\nNext paragraph starts here.\n"
    )
    assert [u.text for u in units] == [
        "Title line",
        "The council voted on Tuesday to approve the budget after a long debate that lasted most "
        "of the evening, officials said.",
        "Next paragraph starts here.",
    ]


def test_relative_age_without_anchor_words() -> None:
    text = (
        "Storm closes schools\n\n5m ago\n\n"
        "Schools across the county closed on Monday as the storm arrived.\n"
    )
    article = extract_text_dump(text, NOW)
    assert article.published == NOW - timedelta(minutes=5)
    assert article.paragraphs == [
        "Schools across the county closed on Monday as the storm arrived."
    ]


def test_future_absolute_date_is_dropped() -> None:
    text = "Storm closes schools\n\nMay 3, 2031\n\nSchools across the county closed on Monday.\n"
    assert extract_text_dump(text, NOW).published is None


def test_empty_or_all_boilerplate_dump_raises() -> None:
    with pytest.raises(ExtractionError):
        extract_text_dump("", NOW)
    with pytest.raises(ExtractionError):
        extract_text_dump("Some headline here\n\nRead Entire Article\nProgleton News @2023", NOW)


def test_site_name_line_above_the_headline_is_not_the_title() -> None:
    text = (
        "Metro Daily\n\nStorm closes schools\n\n2 hours ago\n\n"
        "Schools across the county closed on Monday as the storm arrived, officials said.\n\n"
        "Metro Daily journalists are covering the storm around the clock. Support Metro Daily "
        "today from just $1.\n"
    )
    article = extract_text_dump(text, NOW)
    assert article.publisher == "Metro Daily"
    assert article.title == "Storm closes schools"
    assert article.paragraphs == [
        "Schools across the county closed on Monday as the storm arrived, officials said."
    ]


def test_published_by_line_without_a_date_is_content() -> None:
    text = (
        "New novel tops charts\n\nPublished by Penguin Books\n\n"
        "The debut novel sold 40,000 copies in its first week, the publisher said.\n"
    )
    article = extract_text_dump(text, NOW)
    assert article.published is None
    assert article.paragraphs[0] == "Published by Penguin Books"


def test_people_supporting_people_do_not_become_the_publisher() -> None:
    text = (
        "Senate race tightens\n\n4 hours ago\n\n"
        "Voters supporting Jane Alvarez turned out in large numbers on Tuesday, officials said.\n\n"
        "Donors who give to Jane Alvarez said they expected a close result, and members of "
        "Jane Alvarez's campaign staff said the same.\n"
    )
    assert extract_text_dump(text, NOW).publisher is None
