"""Search query language, parsed once and rendered per backend.

    climate "carbon tax" source:reuters author:smith after:2025-03-01 before:2025-04-01

Words are ANDed, quoted text is a phrase, `-word` excludes. Anything unparseable is a word.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

_OPERATORS = ("source", "author", "before", "after")
# Search ranks the newest this many matches (by article id: the most recently stored) and
# counts exactly up to it: ranking every match of a word found in most texts (FTS5 bm25 or
# ts_rank_cd over 100,000 rows) takes seconds, and nobody pages past the first few hundred.
SEARCH_CANDIDATES = 1000
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True)
class ParsedQuery:
    """A search query split into full-text parts and filters."""

    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    source: str | None = None
    author: str | None = None
    before: datetime | None = None
    after: datetime | None = None
    problems: list[str] = field(default_factory=list)  # operators that were ignored, and why

    @property
    def has_text(self) -> bool:
        """True when there is something for the full-text index to match."""
        return bool(self.words or self.phrases)

    def fts5(self) -> str:
        """The query as an FTS5 MATCH expression; every token quoted so none is syntax."""
        parts = [f'"{w}"' for w in self.words]
        parts += ['"' + phrase_text(p) + '"' for p in self.phrases]
        expr = " AND ".join(p for p in parts if p != '""')
        for w in self.excluded:
            expr += f' NOT "{w}"'
        return expr


def phrase_text(phrase: str) -> str:
    """A phrase as its words separated by single spaces (no punctuation, no syntax)."""
    return " ".join(_WORD.findall(phrase))


def _parse_day(raw: str) -> datetime | None:
    try:
        d = date.fromisoformat(raw)
    except ValueError:
        return None
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def parse_query(raw: str) -> ParsedQuery:
    """Parse user input; never raises."""
    q = ParsedQuery()
    try:
        tokens = shlex.split(raw, posix=True)
    except ValueError:  # unbalanced quotes: treat the whole thing as words
        tokens = raw.replace('"', " ").split()
    quoted = {m.group(1) for m in re.finditer(r'"([^"]+)"', raw)}
    for tok in tokens:
        op, sep, value = tok.partition(":")
        if sep and op.lower() in _OPERATORS and value:
            op = op.lower()
            if op == "source":
                q.source = value.lower()
            elif op == "author":
                q.author = value.lower()
            else:
                day = _parse_day(value)
                if day is None:
                    q.problems.append(f"{op}:{value} was ignored: dates are written YYYY-MM-DD")
                elif op == "before":
                    q.before = day
                else:
                    q.after = day
            continue
        if tok in quoted and " " in tok:
            q.phrases.append(tok)
            continue
        if tok.startswith("-") and len(tok) > 1:
            q.excluded += [w.lower() for w in _WORD.findall(tok[1:])]
            continue
        q.words += [w.lower() for w in _WORD.findall(tok)]
    return q


def approximate(total: int, candidates: int = SEARCH_CANDIDATES) -> bool:
    """True when a search total is an estimate: text searches count exactly up to
    `candidates` matches only."""
    return total > candidates


def estimate_total(ranked: int, newest_id: int, lowest_id: int) -> int:
    """Estimated matches when the newest `ranked` matches span ids `lowest_id`..`newest_id`.

    Matches are assumed spread evenly over ids 1..newest_id (articles are stored over time,
    and a common word is common in every period); two significant digits, as "about N".
    The estimate is always more than `ranked`, which is known to be exceeded.
    """
    span = max(1, newest_id - lowest_id + 1)
    raw = ranked * max(newest_id, 1) / span
    digits = max(0, len(str(int(raw))) - 2)
    rounded = round(raw, -digits) if digits else round(raw)
    return max(int(rounded), ranked + 1)


def ranked_order(rows: list[tuple[int, float]]) -> list[int]:
    """Ids of (id, rank) rows by rank (lower is better), then the most recently stored first.

    The candidates are ranked in Python: they are few, and doing it here keeps the backends'
    tie-breaking identical. Ties go by id, not by time: reading an article's time means
    reading its row, whose long body comes first (SQLite walks overflow pages to get past
    it), and a thousand such reads cost more than the whole ranking.
    """
    return [r[0] for r in sorted(rows, key=lambda r: (r[1], -r[0]))]
