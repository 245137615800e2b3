"""When to check a source next: adaptive intervals, server hints, back-off and pausing.

Pure functions: no I/O, no clock (``now`` is passed in) and no global randomness (a
`random.Random` is passed in for jitter), so every decision can be replayed in a test.

Contract with the caller (the pipeline): pass the `Source` **as it was before this check**, then
update it. In particular ``source.error_count`` is the number of consecutive failures *before* the
current one, and ``source.last_checked_at``/``source.next_check_at`` still describe the previous
check, which is how a 304 answer keeps the interval it had (see `carried_interval`).

After a success (`next_check_after_success`)::

    rhythm  = median gap between distinct entry times × gap_fraction      (0.5)
    drift   = time since the newest entry × quiet_fraction                (0.25)
    target  = clamp(max(rhythm, drift), min_interval, max_interval)
    bound   = the server's wish: max(Cache-Control max-age − Age (else Expires − Date), RSS <ttl>)
    lo      = max(min_interval, min(bound, max_interval))
    t       = clamp(max(target, bound), lo, max_interval)
    delay   = uniform(max(lo, t × 0.9), min(max_interval, t × 1.1))

    On 304 (no feed) target is the interval carried from the previous check, not re-jittered.

After a failure (`next_check_after_failure`), for the n-th consecutive failure::

    step    = base × factor ** (n − 1)          base: default_interval (blocked: ≥ 6 h)
                                                factor: 2 (permanent-looking: 4)
    delay   = uniform(min(step, 0.9 × max_interval), min(2 × step, max_interval))
    delay   = max(delay, uniform(R, 1.1 × R), min_interval)   R: Retry-After, capped at 7 days
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import pairwise
from typing import Final, Literal

from progleton.config import Settings
from progleton.errors import (
    BlockedAddress,
    BlockedByRobots,
    ConfigError,
    HTTPStatusError,
    NotAFeed,
    ProgletonError,
    TooLarge,
)
from progleton.models import FetchResult, ParsedFeed, Source

#: RFC 9111 §1.2.2: a delta-seconds value too large to represent is taken as 2^31 seconds. It
#: also keeps datetime arithmetic far from OverflowError (68 years fits easily before year 9999).
MAX_DELTA_SECONDS: Final = 2**31
#: Entry dates before this are parse artefacts (epoch 0, "0001-01-01"), not news.
EARLIEST_PLAUSIBLE_DATE: Final = datetime(2000, 1, 1, tzinfo=UTC)

FailureKind = Literal["transient", "rate_limited", "permanent", "gone", "blocked"]

# 4xx statuses that mean "asking again will not help" (RFC 9110 §15.5); the others in 4xx are
# 408 Request Timeout, 425 Too Early and 429 Too Many Requests, which are about timing.
_TIMING_4XX: Final = frozenset({408, 425, 429})
# Bot protection answers: the site does not want us, so we ask rarely, never evade.
_BLOCKED_STATUSES: Final = frozenset({403, 418})


@dataclass(frozen=True, slots=True)
class SchedulePolicy:
    """Tunables of the scheduler. Build with `SchedulePolicy.from_settings(settings)`."""

    default_interval: timedelta = timedelta(minutes=30)
    min_interval: timedelta = timedelta(minutes=5)
    max_interval: timedelta = timedelta(hours=24)
    #: Relative spread (±) applied to every delay so sources added together drift apart.
    jitter: float = 0.10
    #: How many of the newest distinct entry times to learn the rhythm from...
    sample_size: int = 20
    #: ...and how far back they may go: older entries describe a rhythm the feed no longer has.
    sample_window: timedelta = timedelta(days=30)
    #: Check at this fraction of the usual gap between entries: a new item then waits at most
    #: half a gap (a quarter on average) for about two fetches per item.
    gap_fraction: float = 0.5
    #: A feed silent for time q is checked at least every q × quiet_fraction: the longer a
    #: publisher has been quiet, the less likely it is to publish in the next hour.
    quiet_fraction: float = 0.25
    #: Back-off growth per consecutive failure, and for failures that look permanent.
    backoff_factor: float = 2.0
    permanent_backoff_factor: float = 4.0
    #: robots.txt refusals and bot protection (403) are not retried before this.
    blocked_min_delay: timedelta = timedelta(hours=6)
    #: A Retry-After beyond this is capped: a broken or hostile header must not silence a feed
    #: for months. Past it, pausing is the sources page's business, not the scheduler's.
    max_retry_after: timedelta = timedelta(days=7)
    #: Pause after this many consecutive failures, if they span at least pause_min_span (so a
    #: burst of retries during one outage does not pause a feed that is fine tomorrow).
    pause_after: int = 10
    pause_min_span: timedelta = timedelta(hours=24)
    #: 410 Gone is the publisher saying the feed was removed on purpose: pause sooner.
    gone_pause_after: int = 3
    gone_pause_min_span: timedelta = timedelta(hours=6)

    def __post_init__(self) -> None:
        zero = timedelta(0)
        if self.min_interval <= zero:
            raise ConfigError("min_interval must be positive")
        if not self.min_interval <= self.default_interval <= self.max_interval:
            raise ConfigError(
                "default_interval must lie between min_interval and max_interval "
                f"({_minutes(self.min_interval)} ≤ {_minutes(self.default_interval)} ≤ "
                f"{_minutes(self.max_interval)} minutes does not hold)"
            )
        if not 0.0 <= self.jitter < 1.0:
            raise ConfigError("jitter must be in [0, 1)")
        if self.sample_size < 2:
            raise ConfigError("sample_size must be at least 2 (a gap needs two dates)")
        if self.sample_window <= zero or self.blocked_min_delay < zero:
            raise ConfigError("sample_window must be positive and blocked_min_delay non-negative")
        if self.max_retry_after < zero or self.pause_min_span < zero:
            raise ConfigError("max_retry_after and pause spans must not be negative")
        if self.gone_pause_min_span < zero:
            raise ConfigError("gone_pause_min_span must not be negative")
        if self.gap_fraction <= 0 or self.quiet_fraction <= 0:
            raise ConfigError("gap_fraction and quiet_fraction must be positive")
        if self.backoff_factor < 1 or self.permanent_backoff_factor < 1:
            raise ConfigError("back-off factors must be at least 1")
        if self.pause_after < 1 or self.gone_pause_after < 1:
            raise ConfigError("pause thresholds must be at least 1")

    @classmethod
    def from_settings(cls, settings: Settings) -> SchedulePolicy:
        """The policy for `settings` (intervals in minutes); other tunables keep their defaults.

        Raises ConfigError, naming the PROGLETON_* variables, if the intervals are inconsistent.
        """
        try:
            return cls(
                default_interval=timedelta(minutes=settings.default_interval),
                min_interval=timedelta(minutes=settings.min_interval),
                max_interval=timedelta(minutes=settings.max_interval),
            )
        except ConfigError as exc:
            raise ConfigError(
                f"{exc} (PROGLETON_MIN_INTERVAL={settings.min_interval}, "
                f"PROGLETON_DEFAULT_INTERVAL={settings.default_interval}, "
                f"PROGLETON_MAX_INTERVAL={settings.max_interval})"
            ) from exc


@dataclass(frozen=True, slots=True)
class FailurePlan:
    """What to do with a source whose check just failed."""

    next_check: datetime
    #: Stop checking until a person resumes the source; `reason` then says why and how.
    pause: bool
    #: One line for the sources page, e.g. "failure 3 in a row; next try in ~2 h".
    reason: str


# -- header parsing --------------------------------------------------------------------------


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup (httpx gives lower-case keys; hand-built dicts may not)."""
    value = headers.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return value


def _delta_seconds(raw: str) -> int | None:
    """RFC 9111 delta-seconds: digits only (quotes tolerated), capped at 2^31."""
    raw = raw.strip().strip('"').strip()
    if not raw.isascii() or not raw.isdigit():
        return None
    return min(int(raw), MAX_DELTA_SECONDS)


def parse_cache_control_max_age(headers: Mapping[str, str]) -> int | None:
    """The ``max-age`` of a Cache-Control header in seconds, or None if absent or invalid.

    ``s-maxage`` is for shared caches and ignored; ``no-cache``/``no-store`` neither shorten nor
    lengthen anything here (we revalidate on every check anyway). The first max-age wins
    (RFC 9111 §4.2.1); values too large to represent become 2^31 (RFC 9111 §1.2.2).
    """
    value = _header(headers, "cache-control")
    if not value:
        return None
    for directive in value.split(","):
        name, sep, arg = directive.partition("=")
        if name.strip().lower() == "max-age":
            return _delta_seconds(arg) if sep else None
    return None


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # HTTP dates are GMT by definition; "-0000" parses as naive.
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def parse_expires(headers: Mapping[str, str], now: datetime) -> datetime | None:
    """When the response expires, on *our* clock; None if absent, invalid or already expired.

    With a Date header the lifetime is ``Expires − Date`` (added to `now`), so a server whose
    clock is off still gets the lifetime it meant. Without Date, Expires is taken as absolute.
    ``Expires: 0`` and other invalid dates mean "already expired" (RFC 9111 §5.3): None.
    """
    expires = _parse_http_date(_header(headers, "expires"))
    if expires is None:
        return None
    now = _aware(now)
    date = _parse_http_date(_header(headers, "date"))
    lifetime = (expires - date) if date is not None else (expires - now)
    if lifetime <= timedelta(0):
        return None
    return now + min(lifetime, timedelta(seconds=MAX_DELTA_SECONDS))


def _server_bound(
    headers: Mapping[str, str], ttl_minutes: int | None, now: datetime
) -> tuple[timedelta, str] | None:
    """The longest wait the server or feed asks for, with its explanation."""
    bounds: list[tuple[timedelta, str]] = []
    max_age = parse_cache_control_max_age(headers)
    if max_age is not None:
        # A cache in front of the origin may already have held the response for `Age` seconds;
        # the copy we got goes stale when max-age is reached, not max-age from now.
        age = _delta_seconds(_header(headers, "age") or "") or 0
        if max_age - age > 0:
            bounds.append(
                (timedelta(seconds=max_age - age), "server asks to wait {} (Cache-Control max-age)")
            )
    else:
        # RFC 9111 §5.3: with a max-age present, Expires must be ignored.
        expires = parse_expires(headers, now)
        if expires is not None:
            bounds.append((expires - now, "server asks to wait {} (Expires)"))
    if ttl_minutes is not None and ttl_minutes > 0:
        minutes = min(ttl_minutes, MAX_DELTA_SECONDS // 60)
        bounds.append((timedelta(minutes=minutes), "RSS ttl {}"))
    if not bounds:
        return None
    wait, template = max(bounds, key=lambda b: b[0])
    return wait, template.format(format_duration(wait))


# -- after a success -------------------------------------------------------------------------


def adaptive_interval(
    published: Iterable[datetime | None], now: datetime, policy: SchedulePolicy
) -> tuple[timedelta, str]:
    """The check interval a feed's entry dates suggest (before jitter), with its explanation.

    Dates that are missing, in the future or implausibly old are ignored. Entry times are
    rounded to the minute and de-duplicated: a batch of five items posted together is one
    publishing event, and feeds that stamp every item with the build time carry no rhythm.

    * rhythm: the median gap between the newest `sample_size` distinct times within
      `sample_window`, times `gap_fraction`. The median, not the mean, so a weekend or a
      holiday does not make a daily publisher look weekly.
    * drift: time since the newest entry times `quiet_fraction`, so a source that has gone
      quiet is checked less and less often (it only wins once silence exceeds two usual gaps).
    * Fewer than two recent times: rhythm is `default_interval`.

    The larger of the two, clamped to [min_interval, max_interval], is the interval.
    """
    now = _aware(now)
    times = sorted(
        {
            _aware(d).replace(second=0, microsecond=0)
            for d in published
            if d is not None and EARLIEST_PLAUSIBLE_DATE <= _aware(d) <= now
        },
        reverse=True,
    )
    if not times:
        return policy.default_interval, _every(
            policy.default_interval, policy, "no usable entry dates", default=True
        )
    recent = [t for t in times if now - t <= policy.sample_window][: policy.sample_size]
    if len(recent) >= 2:
        gaps = [(a - b).total_seconds() for a, b in pairwise(recent)]
        gap = statistics.median(gaps)
        rhythm = timedelta(seconds=gap * policy.gap_fraction)
        why, is_default = _rate(gap), False
    else:
        rhythm, why, is_default = policy.default_interval, "too few recent entry dates", True
    interval = _clamp(rhythm, policy.min_interval, policy.max_interval)
    quiet = now - times[0]
    drift = _clamp(quiet * policy.quiet_fraction, policy.min_interval, policy.max_interval)
    # Compared after clamping, so the explanation names what actually set the interval.
    if drift > interval:
        interval, why, is_default = drift, f"nothing new for {format_duration(quiet)}", False
    return interval, _every(interval, policy, why, default=is_default)


def carried_interval(source: Source, now: datetime) -> timedelta | None:
    """The interval the previous successful check scheduled, or None if it cannot be known.

    Read from ``next_check_at − last_checked_at`` of the previous check, so `source` must not yet
    be stamped with this check's time (then None). A previous check that failed scheduled a
    back-off, not a rhythm, so it gives None as well. The gap already carries its jitter.
    """
    if source.last_checked_at is None or source.next_check_at is None:
        return None
    previous = _aware(source.last_checked_at)
    if previous >= _aware(now) or source.error_count > 0:
        return None
    if source.last_error_at is not None and _aware(source.last_error_at) >= previous:
        return None
    gap = _aware(source.next_check_at) - previous
    return gap if gap > timedelta(0) else None


def next_check_after_success(
    source: Source,
    feed: ParsedFeed | None,
    result: FetchResult,
    now: datetime,
    policy: SchedulePolicy,
    rng: random.Random,
    *,
    previous_interval: timedelta | None = None,
) -> tuple[datetime, str]:
    """When to check `source` again after a 2xx (`feed` parsed) or a 304 (`feed` is None).

    Returns the time and a short explanation such as "every ~23 min: about 1.3 new
    entries/hour" or "server asks to wait 2 h (Cache-Control max-age)".

    On 304 nothing was published since the last fetch, so the interval is kept:
    `previous_interval` if given (the un-jittered interval, if the caller stores one), else
    `carried_interval(source, now)`, else `default_interval`.

    The result always lies in [now + min_interval, now + max_interval] and never before a
    Cache-Control max-age, Expires or RSS ttl (each capped at max_interval).
    """
    now = _aware(now)
    carried = False
    if feed is not None:
        target, why = adaptive_interval((e.published for e in feed.entries), now, policy)
    else:
        known = previous_interval
        if known is None:
            known = carried_interval(source, now)
            # Its jitter is already in it: jittering again each time would be a random walk.
            carried = known is not None
        if known is None:
            target = policy.default_interval
            why = "unchanged (HTTP 304); " + _every(target, policy, "", default=True)
        else:
            target = _clamp(known, policy.min_interval, policy.max_interval)
            why = f"unchanged (HTTP 304); keeping every ~{format_duration(target)}"
    lo = policy.min_interval
    bound = _server_bound(result.headers, feed.ttl_minutes if feed else None, now)
    if bound is not None:
        wait, bound_why = bound
        lo = max(lo, min(wait, policy.max_interval))
        if wait > target:
            target = min(wait, policy.max_interval)
            carried = False
            why = bound_why
            if wait > policy.max_interval:
                why += f"; capped at {format_duration(policy.max_interval)}"
    if carried:
        delay = _clamp(target, lo, policy.max_interval)
    else:
        delay = _spread(target, lo, policy.max_interval, policy.jitter, rng)
    return now + delay, why


# -- after a failure -------------------------------------------------------------------------


def classify_failure(error: ProgletonError) -> FailureKind:
    """How a failure should be retried.

    * rate_limited: 429/503 or any error carrying a ``retry_after`` hint;
    * gone: HTTP 410, the publisher removed the feed on purpose;
    * blocked: robots.txt or bot protection (403, 418): ask rarely, never evade;
    * permanent: other 4xx, not a feed, too large, forbidden address: retrying soon is waste;
    * transient: 5xx, timeouts, network errors, unparsable feeds.
    """
    status = error.status if isinstance(error, HTTPStatusError) else None
    if status in (429, 503) or _retry_after(error) is not None:
        return "rate_limited"
    if status == 410:
        return "gone"
    if isinstance(error, BlockedByRobots) or status in _BLOCKED_STATUSES:
        return "blocked"
    if isinstance(error, NotAFeed | TooLarge | BlockedAddress):
        return "permanent"
    if status is not None and 400 <= status < 500 and status not in _TIMING_4XX:
        return "permanent"
    return "transient"


def next_check_after_failure(
    source: Source,
    error: ProgletonError,
    now: datetime,
    policy: SchedulePolicy,
    rng: random.Random,
) -> FailurePlan:
    """Back off after a failed check, and decide whether to pause the source.

    ``source.error_count`` is the number of consecutive failures *before* this one; this is
    failure ``n = error_count + 1``. Each failure's delay is drawn uniformly from its own
    doubling band [step, 2 × step] (see the module docstring). Unlike AWS-style "full jitter"
    (uniform from 0), the floor keeps growing, so a feed failing for days is never hit again
    minutes later, while the bands' width still spreads sources that failed together.

    A Retry-After (``error.retry_after``, seconds) is a lower bound, capped at max_retry_after.
    The failure streak's span is measured from ``last_success_at`` (else ``added_at``); with
    neither known only the count decides.
    """
    now = _aware(now)
    failures = max(0, source.error_count) + 1
    kind = classify_failure(error)
    permanent = kind in ("permanent", "gone")
    factor = policy.permanent_backoff_factor if permanent else policy.backoff_factor
    base = policy.default_interval
    if kind == "blocked":
        base = max(base, policy.blocked_min_delay)
    ceiling = policy.max_interval.total_seconds()
    # Exponent capped: float overflow at huge error counts, and the cap is reached long before.
    step = min(base.total_seconds() * factor ** min(failures - 1, 64), ceiling)
    low = min(step, ceiling * (1 - policy.jitter))
    delay = timedelta(seconds=rng.uniform(low, min(2 * step, ceiling)))

    retry_after = _retry_after(error)
    waited_for_server = False
    if retry_after is not None:
        wanted = min(timedelta(seconds=retry_after), policy.max_retry_after)
        # Upwards only: many feeds of one host told to wait the same time should not return
        # in the same second.
        spread = timedelta(seconds=rng.uniform(0, wanted.total_seconds() * policy.jitter))
        if wanted + spread > delay:
            delay, waited_for_server = wanted + spread, True
    delay = max(delay, policy.min_interval)

    since = source.last_success_at or source.added_at
    span = max(now - _aware(since), timedelta(0)) if since is not None else None
    if kind == "gone":
        need, need_span = policy.gone_pause_after, policy.gone_pause_min_span
    else:
        need, need_span = policy.pause_after, policy.pause_min_span
    pause = failures >= need and (span is None or span >= need_span)

    if pause:
        over = f"over {format_duration(span)}" if span is not None else "in a row"
        how = "Resume it from the sources page"
        how += f" or `progleton resume {source.id}`." if source.id is not None else "."
        reason = f"paused after {failures} failures {over}: {error.reason.rstrip('.')}. {how}"
    else:
        reason = _failure_reason(kind, failures, delay, waited_for_server)
    return FailurePlan(next_check=now + delay, pause=pause, reason=reason)


def _failure_reason(kind: FailureKind, failures: int, delay: timedelta, waited: bool) -> str:
    when = f"next try in ~{format_duration(delay)}"
    if waited:
        return f"the server asked us to wait (Retry-After); {when}"
    streak = "failed once" if failures == 1 else f"failure {failures} in a row"
    detail = {
        "transient": "backing off",
        "rate_limited": "rate limited, backing off",
        "permanent": "looks permanent, backing off fast",
        "gone": "the feed says it is gone (HTTP 410), backing off fast",
        "blocked": "blocked by robots.txt or bot protection, asking rarely",
    }[kind]
    return f"{streak}; {detail}; {when}"


def _retry_after(error: ProgletonError) -> float | None:
    """The server's Retry-After in seconds (RateLimited, or any error with that attribute)."""
    value = getattr(error, "retry_after", None)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(min(max(value, 0.0), MAX_DELTA_SECONDS))
    return None


# -- small helpers ---------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    """Naive datetimes are UTC by the models' convention; comparing mixed ones would raise."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _clamp(value: timedelta, lo: timedelta, hi: timedelta) -> timedelta:
    return min(max(value, lo), hi)


def _spread(
    target: timedelta, lo: timedelta, hi: timedelta, jitter: float, rng: random.Random
) -> timedelta:
    """`target` ± jitter, drawn uniformly, kept inside [lo, hi] without piling up at the edges."""
    target = _clamp(target, lo, hi)
    a = max(lo, target * (1 - jitter)).total_seconds()
    b = min(hi, target * (1 + jitter)).total_seconds()
    # uniform() may round a hair past b; the clamp keeps the documented bounds exact.
    return _clamp(timedelta(seconds=rng.uniform(a, b)), lo, hi)


def _minutes(value: timedelta) -> str:
    return f"{value.total_seconds() / 60:g}"


def _num(value: float) -> str:
    """1.0 -> "1", 1.25 -> "1.2", 12.4 -> "12"."""
    if value >= 10:
        return str(round(value))
    return f"{value:.1f}".removesuffix(".0")


def format_duration(value: timedelta) -> str:
    """A short human duration: "40 s", "45 min", "1.5 h", "24 h", "3 days"."""
    seconds = max(value.total_seconds(), 0.0)
    if seconds < 90:
        return f"{round(seconds)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    hours = seconds / 3600
    if hours < 48:
        return f"{_num(hours)} h"
    return f"{_num(hours / 24)} days"


def _rate(gap_seconds: float) -> str:
    """A median gap as a publishing rate: "about 1.3 new entries/hour"."""
    per_hour = 3600 / gap_seconds if gap_seconds > 0 else math.inf
    if per_hour >= 1:
        amount, unit = per_hour, "hour"
    elif per_hour * 24 >= 1:
        amount, unit = per_hour * 24, "day"
    else:
        amount, unit = per_hour * 24 * 7, "week"
    text = _num(amount) if math.isfinite(amount) else "many"
    return f"about {text} new {'entry' if text == '1' else 'entries'}/{unit}"


def _every(interval: timedelta, policy: SchedulePolicy, why: str, *, default: bool) -> str:
    if interval >= policy.max_interval and not default:
        note = " (the maximum)"
    elif interval <= policy.min_interval and not default:
        note = " (the minimum)"
    else:
        note = " (default)" if default else ""
    head = f"every ~{format_duration(interval)}{note}"
    return f"{head}: {why}" if why else head
