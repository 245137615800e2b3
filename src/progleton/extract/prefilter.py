"""Cheap exact pre-checks for word-list regular expressions.

Python's `re` tries a pattern like `\\b(?:subscribe|sign up) now` at every position of a
paragraph; with dozens of such patterns per paragraph that dominated extraction time. Most
patterns can only match where one of a few literal strings occurs, and `str.__contains__`
finds those far faster. `guarded` pairs each pattern with those strings, so a pattern is only
run on text containing one of them: the same matches, much less work.

A case-insensitive pattern's literals are lower case and looked for in the lower-cased text.
That is exact except around the few characters `re` folds differently from `str.lower`
(dotless i, long s, final sigma...): a literal holding one is not used, and a text holding
one is always searched (`Guarded`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# The parser behind `re`, to read a pattern's structure (stable across 3.11-3.13).
from re import _casefix  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

#: Shorter leading literals would be found almost everywhere and save nothing.
MIN_LITERAL = 3


# Characters `re` matches case-insensitively other than by `str.lower`: the non-ASCII ones of
# its extra case pairs ("ı" matches "I", "ſ" matches "S"; also common Greek and Cyrillic
# letters, so Greek and Russian lines are always searched: slower, never wrong), "İ" (two
# characters in lower case) and sigma (lowered by context). `re._casefix` is private but
# present in 3.11-3.13; tests/test_extract_prefilter.py checks what is taken from it.
_FOLD_HAZARDS = frozenset(
    chr(c)
    for key, extra in _casefix._EXTRA_CASES.items()
    for c in (key, *extra)
    if not chr(c).isascii()
) | {"\u0130", "\u03a3", "\u03c2", "\u03c3"}
_HAZARD = re.compile("[" + "".join(sorted(_FOLD_HAZARDS)) + "]")
# Punctuation found in most texts: no use as a guard ("$", "£", "©" are).
_COMMON_SYMBOLS = frozenset(" .,:;!?'\"()[]-–—/&%*+=_|<>»«›‹’‘“”…")
# Searching for more alternatives than this costs more than the pattern saves.
_MAX_ALTERNATIVES = 16
# ... except for the branches of an alternation, which have no shorter set to fall back on.
_MAX_BRANCH_ALTERNATIVES = 32
# Literals this long are rare enough in text; longer ones select no better.
_SELECTIVE = 6


def _literal(op: Any, av: Any, fold: bool) -> str | None:
    """The character a LITERAL item matches (lower case when folding), None for other items."""
    if op is not sre.LITERAL:
        return None
    ch = chr(av)
    if not fold:
        return ch
    return None if ch in _FOLD_HAZARDS or len(ch.lower()) != 1 else ch.lower()


def _prefixes(items: list[tuple[Any, Any]], fold: bool = False) -> tuple[set[str], bool]:
    """Strings every match of `items` starts with one of, and whether they are the whole match.

    ({""}, False) means nothing is known. sre factors common prefixes out of alternations
    ("newsroom|nonprofit" parses as "n" then a branch), so branches are joined back on here.
    """
    out = {""}
    for op, av in items:
        if op is sre.AT:  # \b, ^ and $ match no text
            continue
        ch = _literal(op, av, fold)
        if ch is not None:
            out = {s + ch for s in out}
            continue
        if op is sre.SUBPATTERN and (fold or not av[1] & re.IGNORECASE):
            sub, whole = _prefixes(list(av[3]), fold)
        elif op is sre.BRANCH:
            parts = [_prefixes(list(branch), fold) for branch in av[1]]
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


def _symbols(av: Any, fold: bool) -> set[str] | None:
    """A character class of symbols only ("[$£€]"): as rare in text as a long literal."""
    chars = set()
    for op, value in av:
        ch = _literal(op, value, fold)
        if ch is None or ch.isalnum() or ch.isspace():
            return None
        chars.add(ch)
    return chars


def _required(items: list[tuple[Any, Any]], fold: bool = False) -> frozenset[str] | None:
    """Strings one of which every match of the sequence `items` contains, or None if unknown.

    Every item of a sequence must match, so each literal-led stretch of it (and each symbol
    class) is a candidate; the one needing the fewest, longest strings is kept.
    """
    candidates: list[set[str]] = []
    chars = [_literal(op, av, fold) for op, av in items]
    for i, (op, av) in enumerate(items):
        if chars[i] is not None and (i == 0 or chars[i - 1] is None):
            end = i
            while end < len(items) and chars[end] is not None:
                end += 1
            candidates.append({"".join(chars[i:end])})  # type: ignore[arg-type]
            candidates.append(_prefixes(items[i:], fold)[0])
        elif op is sre.SUBPATTERN and (fold or not av[1] & re.IGNORECASE):
            candidates.append(_prefixes(items[i:], fold)[0])
            inner = _required(list(av[3]), fold)
            if inner is not None:
                candidates.append(set(inner))
        elif op is sre.BRANCH:
            candidates.append(_prefixes(items[i:], fold)[0])
            each = [_required(list(branch), fold) for branch in av[1]]
            if all(e is not None for e in each):
                candidates.append(set().union(*each))  # type: ignore[arg-type]
        elif op is sre.IN:
            found = _symbols(av, fold)
            if found:
                candidates.append(found)
    scored = [(_selectivity(c), len(c), sorted(c)) for c in candidates if c]
    good = [x for x in scored if x[0] >= MIN_LITERAL and x[1] <= _MAX_BRANCH_ALTERNATIVES]
    if not good:
        return None
    # Selective enough first (beyond six characters a literal is rare anyway), then the
    # fewest lookups.
    return frozenset(min(good, key=lambda x: (-x[0], x[1], x[2]))[2])


def _selectivity(strings: set[str]) -> int:
    """How rare a text holding one of `strings` is, as a length (rare symbols count as long,
    a Han, kana or Hangul character as a short word)."""
    return min(_SELECTIVE, *map(_rarity, strings))


def _rarity(s: str) -> int:
    if len(s) == 1 and not s.isalnum() and s not in _COMMON_SYMBOLS:
        return _SELECTIVE
    return sum(3 if c >= "\u2e80" else 1 for c in s)


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which any match of `pattern` contains; None when not derivable.

    For a case-insensitive pattern they are lower case, to look for in `text.lower()`.
    """
    fold = bool(pattern.flags & re.IGNORECASE)
    return _required(list(sre_parse.parse(pattern.pattern, pattern.flags)), fold)


class Guarded:
    """A pattern searched only in texts holding one of its literals (same matches)."""

    __slots__ = ("fold", "keys", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.keys = required_literals(pattern)
        self.fold = bool(pattern.flags & re.IGNORECASE)

    def search(self, text: str) -> re.Match[str] | None:
        """`pattern.search(text)`, skipped when no literal it needs is in the text."""
        return self.pattern.search(text) if self._may_match(text) else None

    def match(self, text: str) -> re.Match[str] | None:
        """`pattern.match(text)`, skipped as `search` is."""
        return self.pattern.match(text) if self._may_match(text) else None

    def _may_match(self, text: str) -> bool:
        if self.keys is None:
            return True
        hay = text.lower() if self.fold else text
        return any(k in hay for k in self.keys) or (self.fold and bool(_HAZARD.search(text)))


def guarded(
    patterns: Iterable[tuple[re.Pattern[str], float]],
) -> tuple[tuple[re.Pattern[str], float, frozenset[str] | None], ...]:
    """Each (pattern, weight) with the literals that must occur for it to match."""
    return tuple((p, w, required_literals(p)) for p, w in patterns)


def literal_finder(keys: Iterable[str]) -> Callable[[str], set[str]]:
    """A function giving the `keys` that occur in a text, in one pass (Aho-Corasick)."""
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    if len(automaton) == 0:
        return lambda text: set()
    automaton.make_automaton()
    return lambda text: {key for _, key in automaton.iter(text)}


@dataclass(frozen=True, slots=True, eq=False)
class PatternIndex:
    """Weighted case-sensitive patterns, each searched only in texts holding one of its
    literals.

    A literal shared by several patterns is looked up once, and patterns whose literals are
    absent cost nothing. `find` looks for all literals in one pass; an index narrowed to a
    page (`narrow`) has none and tests its few literals one by one.
    """

    patterns: tuple[tuple[re.Pattern[str], float], ...]
    keys: tuple[str, ...]  # every literal, once
    needed_by: dict[str, tuple[int, ...]]  # literal -> the patterns needing it
    always: tuple[int, ...]  # patterns with no literal to guard them
    find: Callable[[str], set[str]] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(
        cls, items: Iterable[tuple[re.Pattern[str], float, frozenset[str] | None]]
    ) -> PatternIndex:
        """The index of guarded (pattern, weight, literals) triples (see `guarded`)."""
        items = tuple(items)
        folding = [p.pattern for p, _, _ in items if p.flags & re.IGNORECASE]
        if folding:
            # Their literals are for the lower-cased text, with exceptions only `Guarded` knows.
            raise ValueError(f"case-insensitive patterns need Guarded, not an index: {folding}")
        needed_by: dict[str, list[int]] = {}
        for i, (_, _, keys) in enumerate(items):
            for key in keys or ():
                needed_by.setdefault(key, []).append(i)
        return cls(
            patterns=tuple((p, w) for p, w, _ in items),
            keys=tuple(sorted(needed_by)),
            needed_by={k: tuple(v) for k, v in needed_by.items()},
            always=tuple(i for i, (_, _, keys) in enumerate(items) if keys is None),
            find=literal_finder(needed_by),
        )

    def narrow(self, texts: Iterable[str]) -> PatternIndex:
        """This index without the literals none of `texts` holds, to ask of each of them.

        All of a page's paragraphs are read for every literal in one pass; each paragraph is
        then only searched for the few literals found.
        """
        joined = "\n".join(texts)
        found = self.find(joined) if self.find else set(filter(joined.__contains__, self.keys))
        # No literal holds a line break, so none is found across two paragraphs.
        keys = tuple(k for k in self.keys if k in found or "\n" in k)
        return PatternIndex(self.patterns, keys, self.needed_by, self.always)

    def candidates(self, text: str) -> list[tuple[re.Pattern[str], float]]:
        """The (pattern, weight) pairs that may match `text`, in their original order."""
        picked = set(self.always)
        # filter() runs the `in` tests without a Python-level loop step per literal.
        for key in filter(text.__contains__, self.keys):
            picked.update(self.needed_by[key])
        return [self.patterns[i] for i in sorted(picked)]
