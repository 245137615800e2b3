"""Helpers shared by the RSS/Atom and JSON Feed parsers."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

from progleton.models import FeedEntry, utcnow

#: Summaries are teasers for listings; full text comes from the article page.
SUMMARY_LIMIT = 2000
#: Publishers' clocks and time zones are sloppy; only dates beyond this are "in the future".
FUTURE_TOLERANCE = timedelta(minutes=10)


def http_url(value: object, base: str) -> str | None:
    """`value` resolved against `base` if it is an http(s) URL, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        url = urljoin(base, value.strip())
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def synthetic_guid(title: str, date: str, fallback: str = "") -> str:
    """A stable id for entries with neither id nor link: hash of title and date."""
    basis = f"{title}\n{date}" if (title or date) else fallback
    digest = hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:32]
    return f"progleton:sha256:{digest}"


def _n(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


def finish(entries: list[FeedEntry], warnings: list[str], now: datetime | None) -> list[FeedEntry]:
    """Drop future publish dates and duplicate guids, noting both in `warnings`."""
    limit = (now or utcnow()) + FUTURE_TOLERANCE
    future = 0
    seen: set[str] = set()
    out: list[FeedEntry] = []
    for entry in entries:
        if entry.published is not None and entry.published > limit:
            # Dropped rather than clamped: a clamped date would pin the entry to the top.
            entry.published = None
            future += 1
        if entry.guid in seen:
            continue
        seen.add(entry.guid)
        out.append(entry)
    if future:
        warnings.append(f"ignored publish dates in the future on {_n(future)}")
    if len(out) < len(entries):
        skipped = len(entries) - len(out)
        warnings.append(f"skipped {_n(skipped)} with a repeated id")
    return out
