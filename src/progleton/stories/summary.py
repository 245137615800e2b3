"""A story's headline and facts from its member articles.

Pure functions over plain member records, so the store can summarise a story inside the
transaction that places articles in it (a crash never leaves a story and its members
disagreeing).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from progleton.stories.stopwords import ENGLISH_STOP_WORDS

#: Originals published within this time before the story's latest article count as "recent"
#: (the growth signal used by ranking).
RECENT_WINDOW = timedelta(hours=24)
#: Titles compared for the representative headline (the newest originals).
MAX_TITLES = 60

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(ENGLISH_STOP_WORDS)


@dataclass(frozen=True, slots=True)
class Member:
    """What summarising needs of one article in a story."""

    id: int
    title: str
    publisher: str
    when: datetime
    body_chars: int
    duplicate_of: int | None  # set when the article copies another stored article


@dataclass(frozen=True, slots=True)
class Summary:
    """A story's stored facts."""

    title: str
    first_seen: datetime
    last_seen: datetime
    article_count: int
    publisher_count: int
    publishers: list[str]
    first_article_id: int
    lead_article_id: int
    recent_count: int


def _words(title: str) -> set[str]:
    return {w for w in _WORD.findall(title.lower()) if w not in _STOP and len(w) > 1}


def representative(titles: list[str]) -> int:
    """Index of the headline that shares the most words with the others (a medoid).

    Ties go to the earlier headline; a lone or empty list gives 0.
    """
    if len(titles) < 2:
        return 0
    bags = [_words(t) for t in titles]
    freq: Counter[str] = Counter()
    for bag in bags:
        freq.update(bag)
    best, best_score = 0, -1.0
    for i, bag in enumerate(bags):
        if not bag:
            continue
        # Words the other headlines also use, per word: long headlines do not win by length.
        shared = sum(freq[w] - 1 for w in bag)
        score = shared / (len(bag) ** 0.5)
        if score > best_score:
            best, best_score = i, score
    return best


def summarize(members: list[Member]) -> Summary:
    """Summarise a story from all its member articles (at least one)."""
    if not members:
        raise ValueError("a story has at least one article")
    ordered = sorted(members, key=lambda m: (m.when, m.id))
    ids = {m.id for m in ordered}
    # A copy whose original is in this story adds no independent publisher.
    originals = [m for m in ordered if m.duplicate_of is None or m.duplicate_of not in ids]
    if not originals:
        originals = ordered[:1]
    publishers: list[str] = []
    for m in ordered:
        if m.publisher and m.publisher not in publishers:
            publishers.append(m.publisher)
    independent = {m.publisher or f"#{m.id}" for m in originals}
    last = ordered[-1].when
    recent = sum(1 for m in originals if last - m.when <= RECENT_WINDOW)
    candidates = originals[-MAX_TITLES:]
    titled = [m for m in candidates if m.title.strip()] or candidates
    title = titled[representative([m.title for m in titled])].title
    lead = max(originals, key=lambda m: (m.body_chars, -m.when.timestamp(), -m.id))
    return Summary(
        title=title,
        first_seen=ordered[0].when,
        last_seen=last,
        article_count=len(ordered),
        publisher_count=len(independent),
        publishers=publishers,
        first_article_id=ordered[0].id,
        lead_article_id=lead.id,
        recent_count=recent,
    )
