"""Rendering for `progleton extract --format json|md|txt`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from progleton.extract import render
from progleton.models import Article

ARTICLE = Article(
    url="https://news.example/a?utm_source=x",
    canonical_url="https://news.example/a",
    title="Council *approves* budget",
    paragraphs=["First paragraph.", "# Not a heading", "Third [link](x)."],
    authors=["Ann Lee", "Bo Chen"],
    published=datetime(2025, 3, 31, 9, 30, tzinfo=UTC),
    language="en",
    image="https://news.example/a.jpg",
    publisher="News Example",
    description="A short summary.",
    topics=["Politics", "City Hall"],
    access="paywall",
)


def test_json_has_exactly_the_documented_keys() -> None:
    data = json.loads(render(ARTICLE, "json"))
    assert list(data) == [
        "url", "canonical_url", "title", "authors", "published", "language", "image",
        "publisher", "description", "topics", "access", "paragraphs", "text",
    ]  # fmt: skip
    assert data["topics"] == ["Politics", "City Hall"] and data["access"] == "paywall"
    assert data["published"] == "2025-03-31T09:30:00+00:00"
    assert data["paragraphs"] == ARTICLE.paragraphs
    assert data["text"] == "First paragraph.\n\n# Not a heading\n\nThird [link](x)."


def test_json_null_date() -> None:
    bare = Article(url="", title="T", paragraphs=["p"])
    data = json.loads(render(bare, "json"))
    assert data["published"] is None
    assert data["canonical_url"] is None
    assert data["authors"] == []


def test_markdown_escapes_publisher_text() -> None:
    md = render(ARTICLE, "md")
    assert md.startswith("# Council \\*approves\\* budget\n")
    assert "\n\\# Not a heading\n" in md
    assert "Third \\[link\\](x)." in md
    assert "[Read at News Example](<https://news.example/a>)" in md


def test_plain_text() -> None:
    txt = render(ARTICLE, "txt")
    assert txt.startswith("Council *approves* budget\nNews Example · Ann Lee, Bo Chen · 2025-03-31")
    assert "\n\nFirst paragraph.\n\n" in txt
    assert txt.rstrip().endswith("Source: https://news.example/a")


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(ARTICLE, "html")
