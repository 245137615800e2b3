"""Helpers shared by the RSS/Atom and JSON Feed parsers."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import TypeVar

from progleton.models import FeedEntry, utcnow
from progleton.sources.limits import MAX_ENTRIES

_T = TypeVar("_T")

#: Summaries are teasers for listings; full text comes from the article page.
SUMMARY_LIMIT = 2000
#: Titles longer than this are not titles; they are cut at a word boundary.
TITLE_LIMIT = 500
#: Ids longer than this are replaced by their hash (they are stored for every entry).
GUID_LIMIT = 512
#: Publishers' clocks and time zones are sloppy; only dates beyond this are "in the future".
FUTURE_TOLERANCE = timedelta(minutes=10)


def synthetic_guid(title: str, date: str, fallback: str = "") -> str:
    """A stable id for entries with neither id nor link: hash of title and date."""
    basis = f"{title}\n{date}" if (title or date) else fallback
    digest = hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:32]
    return f"progleton:sha256:{digest}"


def short_guid(guid: str) -> str:
    """`guid` itself, or a stable hash of it when it is unreasonably long."""
    if len(guid) <= GUID_LIMIT:
        return guid
    digest = hashlib.sha256(guid.encode("utf-8", "replace")).hexdigest()[:32]
    return f"progleton:sha256:{digest}"


def _n(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


def cap_entries(items: list[_T], warnings: list[str]) -> list[_T]:
    """The first MAX_ENTRIES items (feeds list newest first), noting a cut in `warnings`."""
    if len(items) <= MAX_ENTRIES:
        return items
    warnings.append(f"feed cut at {MAX_ENTRIES} entries of {len(items)}")
    return items[:MAX_ENTRIES]


def note_dropped_links(count: int, warnings: list[str]) -> None:
    """Record entry links refused for not being http(s) (javascript:, data:, mailto:...)."""
    if count:
        warnings.append(f"ignored the link of {_n(count)}: not an http(s) URL")


def finish(entries: list[FeedEntry], warnings: list[str], now: datetime | None) -> list[FeedEntry]:
    """Drop future publish dates and duplicate guids, noting both in `warnings`.

    Identity: `guid` is the entry's id within its feed (the id the publisher gave, else its
    link, else a hash of title and date). A publisher that changes an entry's guid but keeps
    its link yields a "new" guid with the same `url`; the pipeline deduplicates articles by
    canonical URL (`progleton.dedupe.url_key`), so both are exposed and neither is rewritten.
    """
    limit = (now or utcnow()) + FUTURE_TOLERANCE
    future = 0
    seen: set[str] = set()
    out: list[FeedEntry] = []
    for entry in entries:
        entry.guid = short_guid(entry.guid)
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
