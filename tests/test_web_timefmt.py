"""Relative times and the small presentation helpers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from progleton.models import Article, Source
from progleton.web.present import lang_tag, page_url, publisher_name, source_health
from progleton.web.templating import code_spans
from progleton.web.timefmt import ago, full_date, iso, relative, short_date

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=5, seconds=30), "5 minutes ago"),
        (timedelta(minutes=59), "59 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=7, minutes=59), "7 hours ago"),
        (timedelta(hours=23, minutes=59), "23 hours ago"),
        (timedelta(hours=24), "yesterday"),
        (timedelta(hours=47), "yesterday"),
        (timedelta(days=2), "2 days ago"),
        (timedelta(days=3, hours=5), "3 days ago"),
        (timedelta(days=6, hours=23), "6 days ago"),
        (timedelta(days=7), "3 Mar"),
        (timedelta(days=70), "30 Dec 2024"),
    ],
)
def test_relative_past(delta: timedelta, expected: str) -> None:
    assert relative(NOW - delta, NOW) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=30), "in a moment"),
        (timedelta(minutes=5), "in 5 minutes"),
        (timedelta(hours=1, minutes=2), "in 1 hour"),
        (timedelta(hours=30), "tomorrow"),
        (timedelta(days=3), "in 3 days"),
        (timedelta(days=30), "9 Apr"),
    ],
)
def test_relative_future(delta: timedelta, expected: str) -> None:
    assert relative(NOW + delta, NOW) == expected


def test_ago_never_shows_a_publication_in_the_future() -> None:
    assert ago(NOW + timedelta(hours=3), NOW) == "just now"
    assert ago(NOW - timedelta(hours=3), NOW) == "3 hours ago"


def test_code_spans_escapes_every_piece() -> None:
    assert str(code_spans("pass `before` <b>")) == "pass <code>before</code> &lt;b&gt;"
    assert str(code_spans("`<i>`")) == "<code>&lt;i&gt;</code>"


def test_relative_handles_other_zones_and_naive_values() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert relative(datetime(2025, 3, 10, 10, 0, tzinfo=plus_two), NOW) == "7 hours ago"
    assert relative(datetime(2025, 3, 10, 8, 0), NOW) == "7 hours ago"  # naive = UTC


def test_relative_defaults_to_the_current_time() -> None:
    assert relative(datetime.now(UTC) - timedelta(hours=2)) == "2 hours ago"


def test_absolute_formats() -> None:
    when = datetime(2025, 3, 10, 8, 5, 9, 123456, tzinfo=UTC)
    assert iso(when) == "2025-03-10T08:05:09Z"
    assert iso(when.astimezone(timezone(timedelta(hours=-5)))) == "2025-03-10T08:05:09Z"
    assert full_date(when) == "10 March 2025, 08:05 UTC"
    assert short_date(when, NOW) == "10 Mar"
    assert short_date(when, NOW.replace(year=2026)) == "10 Mar 2025"


def test_publisher_name_fallbacks() -> None:
    article = Article(url="https://www.reuters.com/world/x", title="t")
    assert publisher_name(article) == "reuters.com"
    assert publisher_name(article, "Reuters feed") == "Reuters feed"
    article.publisher = "  Reuters  "
    assert publisher_name(article) == "Reuters"
    assert publisher_name(Article(url="javascript:x", title="t")) == "the publisher"


def test_source_health_states() -> None:
    now = NOW
    assert source_health(Source(feed_url="f")).state == "new"
    ok = Source(feed_url="f", last_success_at=now)
    assert source_health(ok).state == "ok"
    failing = Source(
        feed_url="f",
        last_success_at=now - timedelta(days=1),
        last_error="HTTP 500",
        last_error_at=now,
        error_count=4,
    )
    assert source_health(failing).state == "error"
    assert source_health(failing).label == "Failing (4 in a row)"
    recovered = Source(
        feed_url="f", last_success_at=now, last_error="x", last_error_at=now - timedelta(hours=1)
    )
    assert source_health(recovered).state == "ok"
    assert source_health(Source(feed_url="f", paused=True, last_error="x")).state == "paused"


def test_lang_tag_and_page_url() -> None:
    assert lang_tag("en") == "en"
    assert lang_tag("pt-BR") == "pt-BR"
    assert lang_tag('en" onmouseover="x') is None
    assert lang_tag("") is None
    assert page_url("/", before=None, source=None) == "/"
    assert page_url("/search", q="a b&c", page=2) == "/search?q=a+b%26c&page=2"
