"""The scheduler: adaptive intervals, server hints as lower bounds, back-off, pausing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progleton.config import Settings
from progleton.errors import (
    BlockedAddress,
    BlockedByRobots,
    ConfigError,
    FeedError,
    FetchTimeout,
    HTTPStatusError,
    NetworkError,
    NotAFeed,
    ProgletonError,
    TooLarge,
)
from progleton.fetch.errors import RateLimited
from progleton.models import FeedEntry, FetchResult, ParsedFeed, Source
from progleton.schedule import (
    FailurePlan,
    SchedulePolicy,
    adaptive_interval,
    carried_interval,
    classify_failure,
    format_duration,
    next_check_after_failure,
    next_check_after_success,
    parse_cache_control_max_age,
    parse_expires,
)

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
POLICY = SchedulePolicy()  # 30 min default, 5 min .. 24 h
MIN, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def feed_every(gap: timedelta, count: int = 20, newest: timedelta = 10 * MIN) -> ParsedFeed:
    """A feed whose newest entry is `newest` old and the others follow every `gap`."""
    start = NOW - newest
    return feed_at([start - i * gap for i in range(count)])


def feed_at(dates: list[datetime | None], ttl: int | None = None) -> ParsedFeed:
    entries = [
        FeedEntry(guid=f"g{i}", url=f"https://e.example/{i}", published=d)
        for i, d in enumerate(dates)
    ]
    return ParsedFeed(title="T", kind="rss", entries=entries, ttl_minutes=ttl)


def ok(headers: dict[str, str] | None = None, status: int = 200) -> FetchResult:
    return FetchResult(url="u", final_url="u", status=status, headers=headers or {})


def after_success(
    feed: ParsedFeed | None,
    headers: dict[str, str] | None = None,
    source: Source | None = None,
    seed: int = 1,
    policy: SchedulePolicy = POLICY,
    **kw: timedelta,
) -> tuple[timedelta, str]:
    result = ok(headers, 200 if feed is not None else 304)
    when, why = next_check_after_success(
        source or Source(feed_url="u"), feed, result, NOW, policy, random.Random(seed), **kw
    )
    return when - NOW, why


def delays(feed: ParsedFeed | None, headers: dict[str, str] | None = None) -> list[timedelta]:
    return [after_success(feed, headers, seed=s)[0] for s in range(40)]


# -- adaptive interval -----------------------------------------------------------------------


def test_hourly_publisher_is_checked_about_every_half_hour() -> None:
    got = delays(feed_every(HOUR))
    assert all(25 * MIN <= d <= 60 * MIN for d in got)
    assert min(got) >= 27 * MIN and max(got) <= 33 * MIN  # 30 min ± 10 %
    assert after_success(feed_every(HOUR))[1] == "every ~30 min: about 1 new entry/hour"


def test_daily_publisher_is_checked_twice_a_day() -> None:
    got = delays(feed_every(DAY, newest=2 * HOUR))
    assert all(10.8 * HOUR <= d <= 13.2 * HOUR for d in got)
    assert "about 1 new entry/day" in after_success(feed_every(DAY, newest=2 * HOUR))[1]


def test_weekly_publisher_is_checked_about_daily_at_most() -> None:
    feed = feed_every(7 * DAY, count=5, newest=DAY)
    got = delays(feed)
    assert all(0.9 * DAY <= d <= DAY for d in got)
    assert len(set(got)) > 30  # still spread out below the cap
    assert after_success(feed)[1] == "every ~24 h (the maximum): about 1 new entry/week"


def test_very_busy_feed_is_clamped_to_min_interval() -> None:
    got = delays(feed_every(2 * MIN, newest=MIN))
    assert all(5 * MIN <= d <= 5.5 * MIN for d in got)
    assert "(the minimum): about 30 new entries/hour" in after_success(feed_every(2 * MIN))[1]


def test_median_ignores_one_long_silence() -> None:
    # Hourly for a day, then a quiet weekend in the middle: still hourly.
    dates = [NOW - 20 * MIN - i * HOUR for i in range(12)]
    dates += [dates[-1] - 2 * DAY - i * HOUR for i in range(8)]
    interval, _ = adaptive_interval(dates, NOW, POLICY)
    assert interval == 30 * MIN


def test_no_dates_falls_back_to_default() -> None:
    delay, why = after_success(feed_at([None, None, None]))
    assert 27 * MIN <= delay <= 33 * MIN
    assert why == "every ~30 min (default): no usable entry dates"
    assert after_success(feed_at([]))[1] == why


def test_future_and_implausible_dates_are_ignored() -> None:
    hourly = [NOW - 10 * MIN - i * HOUR for i in range(10)]
    future = [NOW + i * MIN for i in range(1, 30)]
    junk = [datetime(1970, 1, 1, tzinfo=UTC), None]
    assert adaptive_interval(hourly + future + junk, NOW, POLICY) == adaptive_interval(
        hourly, NOW, POLICY
    )
    interval, why = adaptive_interval(future + junk, NOW, POLICY)
    assert interval == POLICY.default_interval and "no usable entry dates" in why


def test_identical_dates_carry_no_rhythm() -> None:
    # Many feeds stamp every item with the build time: that is one event, not a flood.
    interval, why = adaptive_interval([NOW - MIN] * 20, NOW, POLICY)
    assert interval == POLICY.default_interval
    assert why == "every ~30 min (default): too few recent entry dates"


def test_naive_dates_are_taken_as_utc() -> None:
    naive = [(NOW - 10 * MIN - i * HOUR).replace(tzinfo=None) for i in range(10)]
    assert adaptive_interval(naive, NOW, POLICY)[0] == 30 * MIN


def test_quiet_source_drifts_longer() -> None:
    quiet = {
        silence: adaptive_interval([NOW - silence - i * HOUR for i in range(20)], NOW, POLICY)[0]
        for silence in (10 * MIN, HOUR, 4 * HOUR, DAY, 3 * DAY, 5 * DAY, 60 * DAY)
    }
    assert quiet[10 * MIN] == quiet[HOUR] == 30 * MIN  # within its usual rhythm
    assert quiet[4 * HOUR] == HOUR  # silence / 4
    assert quiet[DAY] == 6 * HOUR
    assert quiet[3 * DAY] == 18 * HOUR
    assert quiet[5 * DAY] == quiet[60 * DAY] == DAY  # capped at max_interval
    why = adaptive_interval([NOW - DAY - i * HOUR for i in range(20)], NOW, POLICY)[1]
    assert why == "every ~6 h: nothing new for 24 h"


def test_dormant_feed_with_old_dates_only_goes_to_max() -> None:
    dates = [NOW - 90 * DAY - i * HOUR for i in range(20)]
    interval, why = adaptive_interval(dates, NOW, POLICY)
    assert interval == DAY and "nothing new for 90 days" in why


# -- server hints as lower bounds ------------------------------------------------------------


def test_cache_control_max_age_is_a_lower_bound() -> None:
    got = [
        after_success(feed_every(HOUR), {"cache-control": "public, max-age=7200"}, seed=s)
        for s in range(40)
    ]
    assert all(2 * HOUR <= d <= 2.2 * HOUR for d, _ in got)
    assert len({d for d, _ in got}) > 30  # spread upwards, not piled on the bound
    assert got[0][1] == "server asks to wait 2 h (Cache-Control max-age)"


def test_lower_bound_below_the_rhythm_is_still_never_undercut() -> None:
    # Rhythm 12 h (daily); max-age 11.9 h must hold even when jitter pulls down to 10.8 h.
    headers = {"Cache-Control": "max-age=42840"}
    got = delays(feed_every(DAY, newest=2 * HOUR), headers)
    assert all(11.9 * HOUR <= d <= 13.2 * HOUR for d in got)
    assert "new entry/day" in after_success(feed_every(DAY, newest=2 * HOUR), headers)[1]


def test_age_header_shortens_max_age() -> None:
    delay, why = after_success(feed_every(HOUR), {"cache-control": "max-age=7200", "age": "3600"})
    assert HOUR <= delay <= 1.1 * HOUR
    assert why == "server asks to wait 60 min (Cache-Control max-age)"


def test_huge_bounds_are_clamped_to_max_interval() -> None:
    for headers in (
        {"cache-control": "max-age=2592000"},  # 30 days
        {"cache-control": "max-age=99999999999999999999999999"},
        {"expires": "Fri, 31 Dec 9999 23:59:59 GMT"},
        {"expires": "Fri, 31 Dec 9999 23:59:59 GMT", "date": "Mon, 01 Jan 1990 00:00:00 GMT"},
    ):
        delay, why = after_success(feed_every(HOUR), headers)
        assert delay == POLICY.max_interval, headers
        assert why.endswith("; capped at 24 h"), why
    delay, why = after_success(feed_at([], ttl=10**15))
    assert delay == POLICY.max_interval and why.startswith("RSS ttl ")


def test_expires_is_relative_to_the_servers_date() -> None:
    # The server's clock is a year behind; its response is fresh for 3 hours.
    headers = {"Date": "Sun, 10 Mar 2024 12:00:00 GMT", "Expires": "Sun, 10 Mar 2024 15:00:00 GMT"}
    delay, why = after_success(feed_every(HOUR), headers)
    assert 3 * HOUR <= delay <= 3.3 * HOUR
    assert why == "server asks to wait 3 h (Expires)"


def test_max_age_overrides_expires() -> None:
    headers = {"cache-control": "max-age=600", "expires": "Tue, 11 Mar 2025 12:00:00 GMT"}
    delay, _ = after_success(feed_every(HOUR), headers)
    assert delay <= 33 * MIN  # the day-long Expires is ignored (RFC 9111 §5.3)


def test_rss_ttl_is_a_lower_bound() -> None:
    feed = feed_every(HOUR)
    feed.ttl_minutes = 60
    delay, why = after_success(feed)
    assert HOUR <= delay <= 1.1 * HOUR
    assert why == "RSS ttl 60 min"


def test_largest_bound_wins() -> None:
    feed = feed_every(HOUR)
    feed.ttl_minutes = 180
    delay, why = after_success(feed, {"cache-control": "max-age=3600"})
    assert delay >= 3 * HOUR and why == "RSS ttl 3 h"


@pytest.mark.parametrize(
    "value", ["no-cache", "no-store", "no-cache, no-store, must-revalidate", "max-age=0"]
)
def test_no_cache_directives_are_not_bounds(value: str) -> None:
    delay, why = after_success(feed_every(HOUR), {"cache-control": value})
    assert delay <= 33 * MIN and "new entry/hour" in why


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("max-age=60", 60),
        ("public, MAX-AGE=120, must-revalidate", 120),
        ('max-age="300"', 300),
        ("s-maxage=600", None),
        ("s-maxage=600, max-age=30", 30),
        ("max-age=10, max-age=9999", 10),  # the first one wins
        ("max-age=0", 0),
        ("max-age=-5", None),
        ("max-age=1e3", None),
        ("max-age=", None),
        ("max-age", None),
        ("max-age=٣٠", None),  # non-ASCII digits
        ("max-age=99999999999999999999", 2**31),
        ("no-store", None),
        ("", None),
    ],
)
def test_parse_cache_control_max_age(value: str, expected: int | None) -> None:
    assert parse_cache_control_max_age({"Cache-Control": value}) == expected


def test_parse_cache_control_without_header() -> None:
    assert parse_cache_control_max_age({}) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"expires": "Mon, 10 Mar 2025 14:00:00 GMT"}, NOW + 2 * HOUR),
        ({"expires": "Mon, 10 Mar 2025 14:00:00 -0000"}, NOW + 2 * HOUR),
        ({"expires": "Mon, 10 Mar 2025 15:00:00 +0100"}, NOW + 2 * HOUR),
        (
            {"expires": "Mon, 10 Mar 2025 14:00:00 GMT", "date": "Mon, 10 Mar 2025 13:00:00 GMT"},
            NOW + HOUR,
        ),
        (  # a broken Date falls back to the absolute Expires
            {"expires": "Mon, 10 Mar 2025 14:00:00 GMT", "date": "yesterday"},
            NOW + 2 * HOUR,
        ),
        ({"expires": "0"}, None),
        ({"expires": "-1"}, None),
        ({"expires": "not a date"}, None),
        ({"expires": ""}, None),
        ({"expires": "Mon, 10 Mar 2025 11:00:00 GMT"}, None),  # past
        ({"expires": "Mon, 10 Mar 2025 12:00:00 GMT"}, None),  # now
        (
            {"expires": "Mon, 10 Mar 2025 13:00:00 GMT", "date": "Mon, 10 Mar 2025 13:00:00 GMT"},
            None,
        ),
        ({}, None),
    ],
)
def test_parse_expires(headers: dict[str, str], expected: datetime | None) -> None:
    assert parse_expires(headers, NOW) == expected


def test_parse_expires_far_future_does_not_overflow() -> None:
    got = parse_expires(
        {"Expires": "Fri, 31 Dec 9999 23:59:59 GMT", "Date": "Thu, 01 Jan 1970 00:00:00 GMT"}, NOW
    )
    assert got == NOW + timedelta(seconds=2**31)


# -- 304 Not Modified ------------------------------------------------------------------------


def checked_source(gap: timedelta, **changes: object) -> Source:
    """A source whose previous (successful) check, 40 min ago, scheduled the next `gap` later."""
    previous = NOW - 40 * MIN
    source = Source(feed_url="u", id=3, last_checked_at=previous, last_success_at=previous)
    source.next_check_at = previous + gap
    for key, value in changes.items():
        setattr(source, key, value)
    return source


def test_304_keeps_the_carried_interval() -> None:
    source = checked_source(41 * MIN)
    assert carried_interval(source, NOW) == 41 * MIN
    delay, why = after_success(None, source=source)
    assert delay == 41 * MIN  # not jittered again: the carried gap already holds its jitter
    assert why == "unchanged (HTTP 304); keeping every ~41 min"


def test_304_with_explicit_previous_interval_is_jittered() -> None:
    got = {after_success(None, seed=s, previous_interval=2 * HOUR)[0] for s in range(20)}
    assert all(1.8 * HOUR <= d <= 2.2 * HOUR for d in got) and len(got) > 15


def test_304_without_history_uses_default() -> None:
    delay, why = after_success(None)
    assert 27 * MIN <= delay <= 33 * MIN
    assert why == "unchanged (HTTP 304); every ~30 min (default)"


@pytest.mark.parametrize(
    "changes",
    [
        {"last_checked_at": NOW},  # already stamped with this check
        {"error_count": 2},  # the previous gap was a back-off
        {"last_error_at": NOW - 40 * MIN},  # the previous check failed
        {"next_check_at": NOW - 50 * MIN},  # nonsense: next before last
        {"next_check_at": None},
    ],
)
def test_304_does_not_carry_untrustworthy_gaps(changes: dict[str, object]) -> None:
    source = checked_source(20 * HOUR, **changes)
    assert carried_interval(source, NOW) is None
    assert after_success(None, source=source)[0] <= 33 * MIN


def test_304_carried_interval_is_clamped_and_bounded_by_headers() -> None:
    assert after_success(None, source=checked_source(30 * DAY))[0] == DAY
    delay, why = after_success(
        None, {"cache-control": "max-age=10800"}, source=checked_source(41 * MIN)
    )
    assert 3 * HOUR <= delay <= 3.3 * HOUR and "Cache-Control" in why


# -- properties ------------------------------------------------------------------------------

moments = st.integers(min_value=-60 * 24 * 60, max_value=24 * 60).map(lambda m: NOW + m * MIN)
policies = st.builds(
    lambda lo, mid, hi: SchedulePolicy(
        min_interval=lo * MIN, default_interval=(lo + mid) * MIN, max_interval=(lo + mid + hi) * MIN
    ),
    st.integers(1, 60),
    st.integers(0, 120),
    st.integers(0, 3000),
)
header_sets = st.fixed_dictionaries(
    {},
    optional={
        "cache-control": st.one_of(
            st.integers(0, 10**12).map(lambda s: f"max-age={s}"), st.text(max_size=20)
        ),
        "expires": st.datetimes(
            min_value=datetime(1990, 1, 1), max_value=datetime(9000, 1, 1), timezones=st.just(UTC)
        ).map(lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")),
        "age": st.integers(0, 10**6).map(str),
    },
)


def server_wait(headers: dict[str, str], ttl: int | None) -> timedelta:
    """The bound the scheduler must respect, computed independently of it."""
    waits = [timedelta(0)]
    max_age = parse_cache_control_max_age(headers)
    if max_age is not None:
        waits.append(timedelta(seconds=max_age - int(headers.get("age", "0"))))
    else:
        expires = parse_expires(headers, NOW)
        waits.append(expires - NOW if expires else timedelta(0))
    if ttl:
        waits.append(timedelta(minutes=min(ttl, 2**31 // 60)))
    return max(waits)


@settings(max_examples=150, deadline=None)
@given(
    dates=st.lists(st.one_of(st.none(), moments), max_size=30),
    headers=header_sets,
    ttl=st.one_of(st.none(), st.integers(-5, 10**16)),
    policy=policies,
    seed=st.integers(0, 2**32),
    not_modified=st.booleans(),
)
def test_success_is_always_within_min_and_max_and_respects_bounds(
    dates: list[datetime | None],
    headers: dict[str, str],
    ttl: int | None,
    policy: SchedulePolicy,
    seed: int,
    not_modified: bool,
) -> None:
    feed = None if not_modified else feed_at(dates, ttl=ttl)
    source = checked_source(timedelta(minutes=seed % 5000 + 1))
    delay, why = after_success(feed, headers, source=source, seed=seed, policy=policy)
    assert policy.min_interval <= delay <= policy.max_interval
    bound = server_wait(headers, ttl if feed else None)
    assert delay >= min(bound, policy.max_interval)
    assert why and "\n" not in why


@settings(max_examples=150, deadline=None)
@given(
    retry_after=st.floats(min_value=0, max_value=1e12, allow_nan=False),
    errors=st.integers(0, 200),
    seed=st.integers(0, 2**32),
    policy=policies,
)
def test_failure_never_comes_back_before_retry_after(
    retry_after: float, errors: int, seed: int, policy: SchedulePolicy
) -> None:
    error = RateLimited("HTTP 429", status=429, retry_after=retry_after)
    source = Source(feed_url="u", error_count=errors, last_success_at=NOW - DAY)
    plan = next_check_after_failure(source, error, NOW, policy, random.Random(seed))
    wanted = min(timedelta(seconds=retry_after), policy.max_retry_after)
    assert plan.next_check >= NOW + wanted
    assert plan.next_check >= NOW + policy.min_interval
    # Retry-After is honoured past max_interval, but a hostile value is capped.
    assert plan.next_check <= NOW + max(policy.max_interval, wanted * 1.1) + MIN


# -- failures --------------------------------------------------------------------------------


def fail(
    error: ProgletonError,
    error_count: int = 0,
    seed: int = 1,
    failing_for: timedelta | None = DAY,
    source_id: int | None = 7,
) -> FailurePlan:
    source = Source(feed_url="u", id=source_id, error_count=error_count)
    if failing_for is not None:
        source.last_success_at = NOW - failing_for
    return next_check_after_failure(source, error, NOW, POLICY, random.Random(seed))


SERVER_ERROR = HTTPStatusError("HTTP 500 Internal Server Error", status=500)


def test_backoff_doubles_per_failure_and_is_capped() -> None:
    for n in range(12):
        step = min(30 * MIN * 2**n, DAY)
        got = [fail(SERVER_ERROR, error_count=n, seed=s).next_check - NOW for s in range(30)]
        low = min(step, 0.9 * DAY)
        assert all(low <= d <= min(2 * step, DAY) for d in got), (n, min(got), max(got))
        assert len(set(got)) > 25  # jittered, also at the cap
    assert fail(SERVER_ERROR, error_count=10**9).next_check - NOW <= DAY  # no overflow


def test_failure_reasons_are_readable() -> None:
    assert fail(SERVER_ERROR).reason.startswith("failed once; backing off; next try in ~")
    assert fail(SERVER_ERROR, 2).reason.startswith("failure 3 in a row; backing off; next try")
    assert "looks permanent" in fail(HTTPStatusError("HTTP 404", status=404), 1).reason
    ra = fail(RateLimited("HTTP 429", status=429, retry_after=5 * 3600))
    assert ra.reason.startswith("the server asked us to wait (Retry-After); next try in ~5")


def test_permanent_looking_failures_back_off_faster() -> None:
    for error in (HTTPStatusError("HTTP 404", status=404), NotAFeed("an HTML page")):
        for n in (1, 2, 3):
            assert fail(error, n).next_check > fail(SERVER_ERROR, n).next_check + HOUR


def test_blocked_sources_are_not_retried_aggressively() -> None:
    for error in (
        BlockedByRobots("robots.txt disallows https://e.example/feed"),
        HTTPStatusError("HTTP 403 Forbidden (possibly bot protection)", status=403),
    ):
        plan = fail(error)
        assert plan.next_check - NOW >= 6 * HOUR and not plan.pause
        assert "robots.txt or bot protection" in plan.reason


def test_retry_after_beyond_a_week_is_capped() -> None:
    plan = fail(RateLimited("HTTP 503", status=503, retry_after=365 * 86400.0))
    assert 7 * DAY <= plan.next_check - NOW <= 7.7 * DAY


def test_small_retry_after_does_not_shorten_the_backoff() -> None:
    plan = fail(RateLimited("HTTP 429", status=429, retry_after=1.0), error_count=4)
    assert plan.next_check - NOW >= 8 * HOUR  # fifth failure: 30 min × 2⁴
    assert "rate limited, backing off" in plan.reason


def test_pause_after_ten_failures_spanning_a_day() -> None:
    plan = fail(SERVER_ERROR, error_count=9, failing_for=3 * DAY)
    assert plan.pause
    assert plan.reason == (
        "paused after 10 failures over 3 days: HTTP 500 Internal Server Error. "
        "Resume it from the sources page or `progleton resume 7`."
    )
    assert not fail(SERVER_ERROR, error_count=8, failing_for=3 * DAY).pause  # only 9
    assert not fail(SERVER_ERROR, error_count=30, failing_for=5 * HOUR).pause  # a short burst


def test_pause_reason_without_history_or_id() -> None:
    plan = fail(SERVER_ERROR, error_count=11, failing_for=None, source_id=None)
    assert plan.pause
    assert plan.reason == (
        "paused after 12 failures in a row: HTTP 500 Internal Server Error. "
        "Resume it from the sources page."
    )


def test_span_counts_from_added_at_for_sources_that_never_worked() -> None:
    source = Source(feed_url="u", error_count=9, added_at=NOW - 2 * HOUR)
    plan = next_check_after_failure(source, SERVER_ERROR, NOW, POLICY, random.Random(1))
    assert not plan.pause
    source.added_at = NOW - 2 * DAY
    assert next_check_after_failure(source, SERVER_ERROR, NOW, POLICY, random.Random(1)).pause


def test_gone_pauses_after_three() -> None:
    gone = HTTPStatusError("HTTP 410 Gone (the page was removed permanently)", status=410)
    assert not fail(gone, error_count=0).pause
    second = fail(gone, error_count=1)
    assert not second.pause and "gone (HTTP 410)" in second.reason
    third = fail(gone, error_count=2, failing_for=8 * HOUR, source_id=12)
    assert third.pause
    assert third.reason == (
        "paused after 3 failures over 8 h: HTTP 410 Gone (the page was removed permanently). "
        "Resume it from the sources page or `progleton resume 12`."
    )
    assert not fail(gone, error_count=2, failing_for=2 * HOUR).pause  # too quick to be sure


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (RateLimited("429", status=429), "rate_limited"),
        (RateLimited("503", status=503, retry_after=60), "rate_limited"),
        (HTTPStatusError("503", status=503), "rate_limited"),
        (HTTPStatusError("410", status=410), "gone"),
        (HTTPStatusError("404", status=404), "permanent"),
        (HTTPStatusError("401", status=401), "permanent"),
        (HTTPStatusError("451", status=451), "permanent"),
        (HTTPStatusError("408", status=408), "transient"),
        (HTTPStatusError("403", status=403), "blocked"),
        (HTTPStatusError("418", status=418), "blocked"),
        (HTTPStatusError("502", status=502), "transient"),
        (BlockedByRobots("robots"), "blocked"),
        (BlockedAddress("private"), "permanent"),
        (NotAFeed("html"), "permanent"),
        (TooLarge("big"), "permanent"),
        (FeedError("bad xml"), "transient"),
        (FetchTimeout("slow"), "transient"),
        (NetworkError("refused"), "transient"),
    ],
)
def test_classify_failure(error: ProgletonError, kind: str) -> None:
    assert classify_failure(error) == kind


# -- policy, determinism, formatting ---------------------------------------------------------


def test_policy_from_settings() -> None:
    policy = SchedulePolicy.from_settings(
        Settings(db_url="sqlite://", default_interval=45, min_interval=10, max_interval=720)
    )
    assert (policy.min_interval, policy.default_interval, policy.max_interval) == (
        10 * MIN,
        45 * MIN,
        12 * HOUR,
    )
    assert SchedulePolicy.from_settings(Settings(db_url="sqlite://")) == POLICY
    with pytest.raises(ConfigError, match="PROGLETON_MIN_INTERVAL=60"):
        SchedulePolicy.from_settings(Settings(db_url="sqlite://", min_interval=60))
    with pytest.raises(ConfigError, match="min_interval must be positive"):
        SchedulePolicy(min_interval=timedelta(0))
    with pytest.raises(ConfigError, match="jitter"):
        SchedulePolicy(jitter=1.5)


def test_same_seed_same_schedule_and_sources_spread_out() -> None:
    feed = feed_every(HOUR)
    assert after_success(feed, seed=42) == after_success(feed, seed=42)
    assert fail(SERVER_ERROR, 3, seed=9) == fail(SERVER_ERROR, 3, seed=9)
    # 200 sources added at once: their next checks cover most of the ±10 % window.
    rng = random.Random(0)
    times = sorted(
        next_check_after_success(Source(feed_url="u"), feed, ok(), NOW, POLICY, rng)[0]
        for _ in range(200)
    )
    assert times[-1] - times[0] > 5 * MIN and len(set(times)) == 200


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(seconds=40), "40 s"),
        (45 * MIN, "45 min"),
        (60 * MIN, "60 min"),
        (90 * MIN, "1.5 h"),
        (DAY, "24 h"),
        (3 * DAY, "3 days"),
        (timedelta(days=3, hours=5), "3.2 days"),
    ],
)
def test_format_duration(value: timedelta, text: str) -> None:
    assert format_duration(value) == text


def test_unreachable_robots_txt_backs_off_like_a_network_error() -> None:
    from progleton.errors import RobotsUnavailable

    err = RobotsUnavailable("robots.txt of x could not be read (HTTP 503); not crawling ...")
    assert classify_failure(err) == "transient"
