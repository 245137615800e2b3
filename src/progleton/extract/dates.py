"""Date parsing for extraction: ISO/RFC strings, absolute dates in prose, relative ages.

Every function returns aware UTC datetimes; naive values are taken to be UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

# A publisher clock a few minutes ahead of ours is not a future date; anything further is a bug
# (or a scheduled post) and is dropped rather than shown as "in 3 days".
CLOCK_SKEW = timedelta(minutes=5)
# CMS placeholders ("0001-01-01", Unix epoch) are not publication dates; nor is anything before
# news was on the web (htmldate uses the same floor).
MIN_DATE = datetime(1995, 1, 1, tzinfo=UTC)

_UNIT_SECONDS = {
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 7 * 86400,
    "mo": 30 * 86400,
    "y": 365 * 86400,
}
_UNIT_WORDS = {
    "second": "s", "seconds": "s", "sec": "s", "secs": "s", "s": "s",
    "minute": "m", "minutes": "m", "min": "m", "mins": "m", "m": "m",
    "hour": "h", "hours": "h", "hr": "h", "hrs": "h", "h": "h",
    "day": "d", "days": "d", "d": "d",
    "week": "w", "weeks": "w", "wk": "w", "wks": "w", "w": "w",
    "month": "mo", "months": "mo", "mo": "mo", "mos": "mo",
    "year": "y", "years": "y", "yr": "y", "yrs": "y", "y": "y",
}  # fmt: skip
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}  # fmt: skip

RELATIVE = re.compile(
    r"\b(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*"
    r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|mos?|"
    r"years?|yrs?|[smhdwy])\s+ago\b"
    r"|\b(?P<now>just now|moments? ago|a moment ago|right now)\b"
    r"|\b(?P<yesterday>yesterday)\b",
    re.IGNORECASE,
)

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_TIME = (
    r"(?:,?\s*(?:at\s+)?(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::(?P<ss>\d{2}))?\s*"
    r"(?P<ampm>[ap]\.?m\.?)?)?"
)
ABSOLUTE = re.compile(
    r"\b(?:"
    + _MONTH
    + r"\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
    + r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+"
    + _MONTH.replace("?P<mon>", "?P<mon2>")
    + r",?\s+(?P<y2>(?:19|20)\d\d)"
    + r"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)"
    + r"|(?P<d4>\d{1,2})\.(?P<m4>\d{1,2})\.(?P<y4>(?:19|20)\d\d)"
    + r")(?:\b|(?=T\d))"
    + _TIME,
    re.IGNORECASE,
)


def as_utc(value: datetime) -> datetime:
    """Make a datetime aware (naive means UTC) and convert it to UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def plausible_date(value: datetime | None, now: datetime) -> datetime | None:
    """Drop dates after `now` (within `CLOCK_SKEW` of it: clamp) and placeholder-old ones."""
    if value is None:
        return None
    value = as_utc(value)
    if value < MIN_DATE:
        return None
    if value <= now:
        return value
    if value - now <= CLOCK_SKEW:
        return now
    return None


def is_year_only(value: datetime) -> bool:
    """Midnight on 1 January: what a bare year ("© 2008") becomes when parsed as a date."""
    return (value.month, value.day, value.hour, value.minute, value.second) == (1, 1, 0, 0, 0)


def parse_datetime(raw: str | None) -> datetime | None:
    """Parse an ISO 8601 or RFC 2822 timestamp (as found in JSON-LD, meta tags, feeds)."""
    if not raw:
        return None
    text = raw.strip()
    if not text:
        return None
    try:
        return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1)))
    except ValueError:
        pass
    try:
        return as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError):
        pass
    match = ABSOLUTE.search(text)
    return _from_absolute(match) if match else None


def parse_relative(text: str, now: datetime) -> datetime | None:
    """Resolve the first relative age in `text` ("7 hours ago", "yesterday") against `now`."""
    match = RELATIVE.search(text)
    if match is None:
        return None
    if match.group("now"):
        return now
    if match.group("yesterday"):
        return now - timedelta(days=1)
    raw_n = match.group("n").lower()
    n = int(raw_n) if raw_n.isdigit() else _NUMBER_WORDS[raw_n]
    unit = _UNIT_WORDS[match.group("unit").lower()]
    return now - timedelta(seconds=n * _UNIT_SECONDS[unit])


def parse_absolute(text: str) -> datetime | None:
    """Find the first calendar date in `text` ("March 31, 2025", "31 Mar 2025", "2025-03-31")."""
    match = ABSOLUTE.search(text)
    return _from_absolute(match) if match else None


def find_date(text: str, now: datetime) -> datetime | None:
    """A relative age or else an absolute date in `text`, never later than `now`."""
    found = parse_relative(text, now) or parse_absolute(text)
    return plausible_date(found, now)


def _from_absolute(m: re.Match[str]) -> datetime | None:
    g = m.groupdict()
    try:
        if g["y1"]:
            year, month, day = int(g["y1"]), _MONTHS[g["mon"].lower()[:3]], int(g["d1"])
        elif g["y2"]:
            year, month, day = int(g["y2"]), _MONTHS[g["mon2"].lower()[:3]], int(g["d2"])
        elif g["y3"]:
            year, month, day = int(g["y3"]), int(g["m3"]), int(g["d3"])
        else:
            year, month, day = int(g["y4"]), int(g["m4"]), int(g["d4"])
        hour = int(g["hh"]) if g["hh"] else 0
        minute = int(g["mm"]) if g["mm"] else 0
        second = int(g["ss"]) if g["ss"] else 0
        ampm = (g["ampm"] or "").replace(".", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (KeyError, ValueError):
        return None
