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
from dataclasses import dataclass

# The parser behind `re`, to read a pattern's structure (stable across 3.11-3.13).
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

#: Shorter leading literals would be found almost everywhere and save nothing.
MIN_LITERAL = 3


# Searching for more alternatives than this costs more than the pattern saves.
_MAX_ALTERNATIVES = 16
# Literals this long are rare enough in text; longer ones select no better.
_SELECTIVE = 6


def _prefixes(items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    """Strings every match of `items` starts with one of, and whether they are the whole match.

    ({""}, False) means nothing is known. sre factors common prefixes out of alternations
    ("newsroom|nonprofit" parses as "n" then a branch), so branches are joined back on here.
    """
    out = {""}
    for op, av in items:
        if op is sre.AT:  # \b, ^ and $ match no text
            continue
        if op is sre.LITERAL:
            out = {s + chr(av) for s in out}
            continue
        if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            sub, whole = _prefixes(list(av[3]))
        elif op is sre.BRANCH:
            parts = [_prefixes(list(branch)) for branch in av[1]]
            sub = set().union(*(p for p, _ in parts))
            whole = all(w for _, w in parts)
        else:
            return out, False
        joined = {s + t for s in out for t in sub}
        if len(joined) > _MAX_ALTERNATIVES:
            return out, False
        out = joined
        if not whole:
            return out, False
    return out, True


def _symbols(av: Any) -> set[str] | None:
    """A character class of symbols only ("[$£€]"): as rare in text as a long literal."""
    chars = set()
    for op, value in av:
        if op is not sre.LITERAL or chr(value).isalnum() or chr(value).isspace():
            return None
        chars.add(chr(value))
    return chars


def _required(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """Strings one of which every match of the sequence `items` contains, or None if unknown.

    Every item of a sequence must match, so each literal-led stretch of it (and each symbol
    class) is a candidate; the one needing the fewest, longest strings is kept.
    """
    candidates: list[set[str]] = []
    for i, (op, av) in enumerate(items):
        if op is sre.LITERAL and (i == 0 or items[i - 1][0] is not sre.LITERAL):
            end = i
            while end < len(items) and items[end][0] is sre.LITERAL:
                end += 1
            candidates.append({"".join(chr(av) for _, av in items[i:end])})
            candidates.append(_prefixes(items[i:])[0])
        elif op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            candidates.append(_prefixes(items[i:])[0])
            inner = _required(list(av[3]))
            if inner is not None:
                candidates.append(set(inner))
        elif op is sre.BRANCH:
            candidates.append(_prefixes(items[i:])[0])
            each = [_required(list(branch)) for branch in av[1]]
            if all(e is not None for e in each):
                candidates.append(set().union(*each))  # type: ignore[arg-type]
        elif op is sre.IN:
            found = _symbols(av)
            if found:
                candidates.append(found)
    scored = [(_selectivity(c), len(c), sorted(c)) for c in candidates if c]
    good = [x for x in scored if x[0] >= MIN_LITERAL and x[1] <= _MAX_ALTERNATIVES]
    if not good:
        return None
    # Selective enough first (beyond six characters a literal is rare anyway), then the
    # fewest lookups.
    return frozenset(min(good, key=lambda x: (-x[0], x[1], x[2]))[2])


def _selectivity(strings: set[str]) -> int:
    """How rare a text holding one of `strings` is, as a length (symbols count as rare)."""
    if all(len(s) == 1 and not s.isalnum() and not s.isspace() for s in strings):
        return _SELECTIVE
    return min(_SELECTIVE, *map(len, strings))


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which any match of `pattern` contains; None when not derivable."""
    if pattern.flags & re.IGNORECASE:
        return None
    return _required(list(sre_parse.parse(pattern.pattern, pattern.flags)))


def guarded(
    patterns: Iterable[tuple[re.Pattern[str], float]],
) -> tuple[tuple[re.Pattern[str], float, frozenset[str] | None], ...]:
    """Each (pattern, weight) with the literals that must occur for it to match."""
    return tuple((p, w, required_literals(p)) for p, w in patterns)


def may_match(keys: frozenset[str] | None, text: str) -> bool:
    """False only when `text` cannot match a pattern needing one of `keys`."""
    return keys is None or any(k in text for k in keys)


@dataclass(frozen=True, slots=True)
class PatternIndex:
    """Weighted patterns, each searched only in texts holding one of its literals.

    One `in` test per literal instead of one per pattern and literal: a literal shared by
    several patterns is looked up once, and patterns whose literals are absent cost nothing.
    """

    patterns: tuple[tuple[re.Pattern[str], float], ...]
    keys: tuple[str, ...]  # every literal, once
    needed_by: dict[str, tuple[int, ...]]  # literal -> the patterns needing it
    always: tuple[int, ...]  # patterns with no literal to guard them

    @classmethod
    def build(
        cls, items: Iterable[tuple[re.Pattern[str], float, frozenset[str] | None]]
    ) -> PatternIndex:
        """The index of guarded (pattern, weight, literals) triples (see `guarded`)."""
        items = tuple(items)
        needed_by: dict[str, list[int]] = {}
        for i, (_, _, keys) in enumerate(items):
            for key in keys or ():
                needed_by.setdefault(key, []).append(i)
        return cls(
            patterns=tuple((p, w) for p, w, _ in items),
            keys=tuple(sorted(needed_by)),
            needed_by={k: tuple(v) for k, v in needed_by.items()},
            always=tuple(i for i, (_, _, keys) in enumerate(items) if keys is None),
        )

    def candidates(self, text: str) -> list[tuple[re.Pattern[str], float]]:
        """The (pattern, weight) pairs that may match `text`, in their original order."""
        picked = set(self.always)
        # filter() runs the `in` tests without a Python-level loop step per literal.
        for key in filter(text.__contains__, self.keys):
            picked.update(self.needed_by[key])
        return [self.patterns[i] for i in sorted(picked)]
