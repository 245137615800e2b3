"""Wire and syndication credits: found where credits stand, not where wires are cited."""

from __future__ import annotations

import pytest

from progleton.dedupe.credit import canonical_credit, wire_credit

BODY = "The council approved the plan on Tuesday.\n\nIt will cost about 40 million."


@pytest.mark.parametrize(
    ("text", "credit"),
    [
        ("WASHINGTON (AP) — The Senate passed the bill.\n\nMore follows.", "Associated Press"),
        ("LONDON (Reuters) - Britain's economy grew in May.\n\nMore follows.", "Reuters"),
        ("PARIS, June 3 (AFP) - France said on Monday it would act.", "AFP"),
        ("BERLIN (dpa) - The government said.", "dpa"),
        ("By Jane Doe, Associated Press\n\n" + BODY, "Associated Press"),
        ("By Jane Doe | Reuters\n\n" + BODY, "Reuters"),
        (BODY + " - Reuters", "Reuters"),
        (BODY + "\n\n(Reporting by Jane Doe; Editing by John Roe)", "Reuters"),
        (BODY + "\n\nCopyright 2024 The Associated Press. All rights reserved.",
         "Associated Press"),
        (BODY + "\n\nThis article is republished from The Conversation under a Creative "
         "Commons license. Read the original article.", "The Conversation"),
        (BODY + "\n\nThis story was originally published by ProPublica.", "ProPublica"),
        (BODY + "\n\nThis story originally appeared on the Texas Tribune.", "Texas Tribune"),
        (BODY + "\n\nA version of this story first appeared in The Hill Times.", "Hill Times"),
    ],
)  # fmt: skip
def test_credits_are_found(text: str, credit: str) -> None:
    assert wire_credit(text) == credit


@pytest.mark.parametrize(
    "text",
    [
        "",
        BODY,
        "The council met on Monday.\n\nReuters reported last week that the deal was close, "
        "officials said.\n\nThe vote is next week.",
        "Reuters reported on Monday that the talks had stalled, citing two sources.\n\n" + BODY,
        "The mayor told The Associated Press on Monday that she would resign.\n\n" + BODY,
        "Officials, speaking to AFP, denied the report.\n\n" + BODY,
        BODY + "\n\nThe story was first reported by Reuters last week.",
        BODY + "\n\nThe Associated Press contributed to this report.",
        BODY + "\n\nIn a statement first published by the ministry, officials said more.",
        BODY + "\n\nShe said the bank, which Bloomberg News valued at 2 billion, would close.",
        "APPLE (AAPL) - shares rose.\n\n" + BODY,
    ],
)
def test_mentions_are_not_credits(text: str) -> None:
    assert wire_credit(text) is None


def test_canonical_credit() -> None:
    assert (
        canonical_credit("https://www.local.com/a", "https://apnews.com/article/x") == "apnews.com"
    )
    assert canonical_credit("https://local.com/a", None) is None
    assert canonical_credit("https://local.com/a", "https://local.com/b") is None
    assert canonical_credit("https://amp.paper.co.uk/a", "https://www.paper.co.uk/a") is None
    assert canonical_credit("https://news.paper.co.uk/a", "https://other.co.uk/a") == "other.co.uk"
    assert canonical_credit("http://127.0.0.1/a", "https://apnews.com/x") is None
