"""The seed page: what a careless aggregator published, and what Progleton must make of it."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from progleton.extract import extract_article, extract_text_dump, lexicon

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "000_6017a1295f4de872.txt"
NOW = datetime(2025, 4, 7, 15, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"seed page not found at {SEED} (../shared is not checked out)")
    return SEED.read_text(encoding="utf-8")


def _news_paragraphs(text: str) -> list[str]:
    # Whitespace (the seed has non-breaking spaces) is normalised; the words are untouched.
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    first = next(i for i, line in enumerate(lines) if line.startswith("The Kremlin said Monday"))
    last = next(i for i, line in enumerate(lines) if line.startswith("Ukraine says any deal"))
    return lines[first : last + 1]


def test_seed_keeps_exactly_the_twelve_news_paragraphs(seed_text: str) -> None:
    article = extract_text_dump(seed_text, NOW)
    expected = _news_paragraphs(seed_text)
    assert len(expected) == 12
    assert article.paragraphs == expected
    assert article.paragraphs[0].startswith("The Kremlin said Monday that President Vladimir")
    assert article.paragraphs[-1].startswith("Ukraine says any deal should include robust")


def test_seed_drops_appeal_buttons_and_chrome(seed_text: str) -> None:
    text = extract_text_dump(seed_text, NOW).text
    for junk in (
        "A Message from",
        "Dear readers",
        "unprecedented challenges",
        "$2",
        "Continue",
        "paiment methods",
        "Not ready to support today?",
        "Remind me later",
        "Read Entire Article",
        "Progleton News",
        "7 hours ago",
    ):
        assert junk not in text


def test_seed_metadata(seed_text: str) -> None:
    article = extract_text_dump(seed_text, NOW)
    assert article.title == "Kremlin Says Putin Still Supports Ukraine Truce, But Questions Remain"
    assert article.publisher == "The Moscow Times"
    assert article.published == NOW - timedelta(hours=7)
    assert article.language == "en"


def test_seed_as_an_html_page_gives_the_same_story(seed_text: str) -> None:
    # The aggregator's own HTML for the page: every line of the dump became a paragraph.
    lines = [" ".join(line.split()) for line in seed_text.splitlines() if line.strip()]
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    page = (
        f"<html><head><title>{html.escape(lines[0])} - Progleton News</title></head>"
        f"<body><article><h1>{html.escape(lines[0])}</h1>{body}</article></body></html>"
    )
    article = extract_article(page, "https://aggregator.example/story/6017a1295f4de872", now=NOW)
    assert article.paragraphs == _news_paragraphs(seed_text)
    assert article.title == lines[0]


def test_seed_does_not_depend_on_its_own_idioms(
    seed_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Drop every lexicon entry that matches an idiom the seed's appeal happens to use; the
    # general signals (asks for support, prices, publisher voice, buttons, tail cut) must still
    # carry the page.
    idioms = ("no matter how small", "quick to set up", "thank you for standing",
              "every contribution", "we need your help")  # fmt: skip
    general = tuple(
        (pattern, weight)
        for pattern, weight in lexicon.APPEAL_PATTERNS
        if not any(pattern.search(idiom) for idiom in idioms)
    )
    assert len(general) < len(lexicon.APPEAL_PATTERNS)
    monkeypatch.setattr(lexicon, "APPEAL_PATTERNS", general)
    article = extract_text_dump(seed_text, NOW)
    assert article.paragraphs == _news_paragraphs(seed_text)
    assert article.publisher == "The Moscow Times"
