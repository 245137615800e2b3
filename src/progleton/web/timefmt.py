"""Human-readable times for pages: "7 hours ago", "yesterday", "in 5 minutes", "12 Mar 2025".

Everything is computed server-side in UTC, so pages need no JavaScript; the exact time goes in
the `<time datetime=...>` attribute and its title for anyone who wants it.
"""

from __future__ import annotations

from datetime import UTC, datetime

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken to be UTC already (the models' rule)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def short_date(value: datetime, now: datetime | None = None) -> str:
    """'12 Mar' within the current year, else '12 Mar 2024'."""
    value = as_utc(value)
    now = as_utc(now) if now else datetime.now(UTC)
    text = f"{value.day} {_MONTHS[value.month - 1]}"
    return text if value.year == now.year else f"{text} {value.year}"


def full_date(value: datetime) -> str:
    """Absolute time for titles and detail pages: '10 March 2025, 08:05 UTC'."""
    value = as_utc(value)
    return f"{value.day} {_MONTHS_LONG[value.month - 1]} {value.year}, {value:%H:%M} UTC"


def iso(value: datetime) -> str:
    """Machine-readable time for `datetime` attributes: '2025-03-10T08:05:00Z'."""
    return as_utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def relative(value: datetime, now: datetime | None = None) -> str:
    """Describe `value` relative to `now` (default: the current time).

    Past: "just now", "5 minutes ago", "7 hours ago", "yesterday", "3 days ago", then a date.
    Future (e.g. a source's next check): "in a moment", "in 5 minutes", "tomorrow", "in 3 days".
    Elapsed time decides, not calendar days, because the reader's time zone is unknown.
    """
    now = as_utc(now) if now else datetime.now(UTC)
    seconds = int((now - as_utc(value)).total_seconds())
    future = seconds < 0
    span = abs(seconds)
    if span < _MINUTE:
        return "in a moment" if future else "just now"
    if span < _HOUR:
        amount = _plural(span // _MINUTE, "minute")
    elif span < _DAY:
        amount = _plural(span // _HOUR, "hour")
    elif span < 2 * _DAY:
        return "tomorrow" if future else "yesterday"
    elif span < 7 * _DAY:
        amount = _plural(span // _DAY, "day")
    else:
        return short_date(value, now)
    return f"in {amount}" if future else f"{amount} ago"


def ago(value: datetime, now: datetime | None = None) -> str:
    """Like `relative`, for times that cannot be in the future (publication dates).

    A publisher's clock or time zone mistake should not make a story "in 3 hours".
    """
    now = as_utc(now) if now else datetime.now(UTC)
    return relative(min(as_utc(value), now), now)
