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
