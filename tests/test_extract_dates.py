"""Relative ages, absolute dates and the never-in-the-future rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from progleton.extract.dates import (
    CLOCK_SKEW,
    find_date,
    parse_absolute,
    parse_datetime,
    parse_relative,
    plausible_date,
)

NOW = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("7 hours ago", timedelta(hours=7)),
        ("7 hours ago 1", timedelta(hours=7)),
        ("2 days ago", timedelta(days=2)),
        ("yesterday", timedelta(days=1)),
        ("just now", timedelta(0)),
        ("an hour ago", timedelta(hours=1)),
        ("a minute ago", timedelta(minutes=1)),
        ("Updated 45 mins ago", timedelta(minutes=45)),
        ("5m ago", timedelta(minutes=5)),
        ("3 weeks ago", timedelta(weeks=3)),
        ("two months ago", timedelta(days=60)),
    ],
)
def test_relative_ages(text: str, delta: timedelta) -> None:
    assert parse_relative(text, NOW) == NOW - delta


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("March 31, 2025", datetime(2025, 3, 31, tzinfo=UTC)),
        ("Published Mar. 31, 2025 at 10:42 p.m.", datetime(2025, 3, 31, 22, 42, tzinfo=UTC)),
        ("31 March 2025", datetime(2025, 3, 31, tzinfo=UTC)),
        ("Sept 3, 2024", datetime(2024, 9, 3, tzinfo=UTC)),
        ("2025-03-31", datetime(2025, 3, 31, tzinfo=UTC)),
        ("03.02.2024", datetime(2024, 2, 3, tzinfo=UTC)),
    ],
)
def test_absolute_dates(text: str, expected: datetime) -> None:
    assert parse_absolute(text) == expected


def test_no_date_in_plain_prose() -> None:
    assert find_date("The council met to discuss the budget.", NOW) is None
    assert parse_absolute("February 30, 2024") is None  # not a real day


def test_iso_and_rfc_timestamps_become_aware_utc() -> None:
    assert parse_datetime("2019-11-18T10:31:00-05:00") == datetime(2019, 11, 18, 15, 31, tzinfo=UTC)
    assert parse_datetime("2019-11-18T10:31:00Z") == datetime(2019, 11, 18, 10, 31, tzinfo=UTC)
    assert parse_datetime("2019-11-18 10:31") == datetime(2019, 11, 18, 10, 31, tzinfo=UTC)
    assert parse_datetime("Mon, 18 Nov 2019 10:00:00 GMT") == datetime(2019, 11, 18, 10, tzinfo=UTC)
    assert parse_datetime("not a date") is None
    assert parse_datetime("") is None


def test_future_dates_are_dropped_but_small_skew_is_clamped() -> None:
    assert plausible_date(NOW + timedelta(days=3), NOW) is None
    assert plausible_date(NOW + CLOCK_SKEW / 2, NOW) == NOW
    past = datetime(2025, 3, 1, 8, tzinfo=timezone(timedelta(hours=2)))
    assert plausible_date(past, NOW) == datetime(2025, 3, 1, 6, tzinfo=UTC)
    assert find_date("April 20, 2031", NOW) is None


def test_placeholder_dates_are_dropped() -> None:
    assert plausible_date(parse_datetime("0001-01-01T00:00:00Z"), NOW) is None
    assert plausible_date(datetime(1970, 1, 1, tzinfo=UTC), NOW) is None
