"""Cheap exact pre-checks for word-list regular expressions.

Python's `re` tries a pattern like `\\b(?:subscribe|sign up) now` at every position of a
paragraph; with dozens of such patterns per paragraph that dominated extraction time. Most
patterns can only match where one of a few literal strings (the leading literal of each
top-level branch) occurs, and `str.__contains__` finds those far faster. `guarded` pairs each
pattern with those strings, so a pattern is only run on text containing one of them: the
same matches, much less work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The parser behind `re`, to read a pattern's structure (stable across 3.11-3.13).
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

#: Shorter leading literals would be found almost everywhere and save nothing.
MIN_LITERAL = 3


def _leading(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The strings one of which every match of `items` must contain, or None if unknown."""
    i = 0
    while i < len(items) and items[i][0] is sre.AT:  # \b, ^ and $ match no text
        i += 1
    if i == len(items):
        return None
    op, av = items[i]
    if op is sre.LITERAL:
        chars = []
        while i < len(items) and items[i][0] is sre.LITERAL:
            chars.append(chr(items[i][1]))
            i += 1
        text = "".join(chars)
        return frozenset({text}) if len(text) >= MIN_LITERAL else None
    if op is sre.SUBPATTERN:
        return _leading(list(av[3]))
    if op is sre.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            keys = _leading(list(branch))
            if keys is None:
                return None
            found |= keys
        return frozenset(found)
    return None


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which any match of `pattern` contains; None when not derivable."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _leading(list(sre_parse.parse(pattern.pattern, pattern.flags)))


def guarded(
    patterns: Iterable[tuple[re.Pattern[str], float]],
) -> tuple[tuple[re.Pattern[str], float, frozenset[str] | None], ...]:
    """Each (pattern, weight) with the literals that must occur for it to match."""
    return tuple((p, w, required_literals(p)) for p, w in patterns)


def may_match(keys: frozenset[str] | None, text: str) -> bool:
    """False only when `text` cannot match a pattern needing one of `keys`."""
    return keys is None or any(k in text for k in keys)


def all_literals(
    items: Iterable[tuple[re.Pattern[str], float, frozenset[str] | None]],
) -> tuple[str, ...]:
    """Every literal the guarded patterns need, to look each up once per text."""
    return tuple(sorted(set().union(*(keys for _, _, keys in items if keys))))


def present(literals: tuple[str, ...], text: str) -> frozenset[str]:
    """The literals that occur in `text`."""
    return frozenset([k for k in literals if k in text])


def may_match_any(keys: frozenset[str] | None, found: frozenset[str]) -> bool:
    """`may_match` given the literals already found in the text (see `present`)."""
    return keys is None or not keys.isdisjoint(found)
