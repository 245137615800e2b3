"""Canonical entities of one article: spaCy's entity spans, cleaned and merged by name structure.

"President Vladimir Putin", "Vladimir Putin" and "Putin" become one person named
"Vladimir Putin": titles are stripped, and a one-word name joins the full name whose surname
it is (the nearest full name before it when several share the surname, as "Bill Clinton" and
"Hillary Clinton" do).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from progleton.enrich.lexicon import KNOWN_NAMES, RANKS, TITLES
from progleton.enrich.model import ENTITY_LABELS, Entity, Mention

if TYPE_CHECKING:
    from spacy.tokens import Doc

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_EDGE_JUNK = re.compile(r"^[\s\"“”'‘’(\[,.;:-]+|[\s\"“”'‘’)\],;:-]+$")
_INITIAL = re.compile(r"^[A-Z]\.?$")
# "U.S.", "U.K", "E.U.": capitals with dots between (a single "A." is an initial).
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^(?:[A-Z]\.)+[A-Z]$")
# Labels that may be spaCy's mistake for a person's surname ("Trump" tagged ORG).
_SURNAME_CONFUSABLE = frozenset({"ORG", "GPE", "NORP", "PERSON"})


def clean_name(text: str, label: str) -> str:
    """The name without "the", a possessive, titles ("President", "Sen.") or edge punctuation."""
    name = " ".join(text.split())
    name = _EDGE_JUNK.sub("", name)
    name = _POSSESSIVE.sub("", name)
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    # "Army Spc" (of "Army Spc. Dana Ortiz"): a rank the recogniser ran into.
    while len(words) > 1 and words[-1].lower().rstrip(".") in RANKS:
        words = words[:-1]
    if label == "PERSON":
        while len(words) > 1 and words[0].lower().rstrip(",") in TITLES:
            words = words[1:]
        # "Sen. Marco Rubio (R-Fla.)" style suffixes and trailing role words.
        while len(words) > 1 and words[-1].startswith("("):
            words = words[:-1]
    return _EDGE_JUNK.sub("", " ".join(words))


def canonical_name(name: str, label: str) -> tuple[str, str]:
    """The name and kind a common short form stands for ("U.S." -> United States, GPE)."""
    if _ACRONYM.match(name):
        name = name.replace(".", "")
    known = KNOWN_NAMES.get(name)
    # A label spaCy gave outside places and organisations (a "US" PERSON) is its mistake too.
    if known is not None and label in ("GPE", "ORG", "NORP", "LOC", "FAC"):
        return known
    return name, label


def _key(name: str) -> str:
    return name.casefold()


def _structure_key(name: str) -> str:
    """First and last name, ignoring middle names and initials ("Donald J. Trump")."""
    words = [w for w in name.split() if not _INITIAL.match(w)]
    if len(words) >= 2:
        return f"{words[0]} {words[-1]}".casefold()
    return name.casefold()


@dataclass(slots=True)
class _Cluster:
    names: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    positions: list[int] = field(default_factory=list)
    merged_into: int | None = None

    @property
    def label(self) -> str:
        return self.labels.most_common(1)[0][0]

    @property
    def words(self) -> int:
        return max(len(n.split()) for n in self.names)


def canonical_entities(doc: Doc) -> tuple[list[Entity], list[Mention]]:
    """The article's entities (merged) and every mention of them, in text order."""
    clusters: list[_Cluster] = []
    by_key: dict[str, int] = {}
    raw: list[tuple[int, int, str, int]] = []  # start, end, text, cluster
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        name = clean_name(ent.text, ent.label_)
        if not name or not any(c.isalpha() for c in name) or name.lower().rstrip(".") in RANKS:
            continue  # a title alone ("Det" of "Det. Sgt. Tom Hale") is nobody
        name, label = canonical_name(name, ent.label_)
        key = _structure_key(name) if label == "PERSON" else _key(name)
        idx = by_key.get(key)
        if idx is None:
            idx = by_key[key] = len(clusters)
            clusters.append(_Cluster())
        c = clusters[idx]
        c.names[name] += 1
        c.labels[label] += 1
        c.positions.append(ent.start_char)
        raw.append((ent.start_char, ent.end_char, ent.text, idx))
    _merge_surnames(clusters, raw, doc.text)

    entities: list[Entity] = []
    final: dict[int, int] = {}
    for idx, c in enumerate(clusters):
        if c.merged_into is not None:
            continue
        final[idx] = len(entities)
        entities.append(Entity(name=_best_name(c), label=c.label))
    mentions: list[Mention] = []
    for start, end, text, idx in raw:
        root = idx
        while clusters[root].merged_into is not None:
            root = clusters[root].merged_into  # type: ignore[assignment]
        entity = final[root]
        mentions.append(Mention(start, end, text, entity))
        entities[entity].mentions += 1
    for idx, c in enumerate(clusters):
        root = idx
        while clusters[root].merged_into is not None:
            root = clusters[root].merged_into  # type: ignore[assignment]
        target = entities[final[root]]
        for name in c.names:
            if name != target.name and name not in target.aliases:
                target.aliases.append(name)
    return entities, mentions


def _best_name(c: _Cluster) -> str:
    # The longest form, the commonest among equally long ones.
    return max(c.names, key=lambda n: (len(n.split()), c.names[n], len(n)))


def _merge_surnames(
    clusters: list[_Cluster], raw: list[tuple[int, int, str, int]], text: str
) -> None:
    """Fold one-word names into the full personal name ending with that word."""
    full: dict[str, list[int]] = {}
    for idx, c in enumerate(clusters):
        if c.label == "PERSON" and c.words >= 2:
            for name in c.names:
                words = name.split()
                if len(words) >= 2:
                    full.setdefault(words[-1].casefold(), []).append(idx)
    for idx, c in enumerate(clusters):
        if c.words != 1 or not (set(c.labels) & _SURNAME_CONFUSABLE):
            continue
        word = next(iter(c.names)).casefold()
        candidates = sorted(set(full.get(word, [])))
        if len(candidates) == 1:
            c.merged_into = candidates[0]
            clusters[candidates[0]].labels["PERSON"] += c.labels.total()
        elif len(candidates) > 1:
            # "Barger's father, Richards D. Barger, was ...": a relative introduced through
            # the person the article is about does not take the bare surname after it.
            main = [k for k in candidates if not _introduced_as_relative(clusters[k], word, text)]
            _split_ambiguous(clusters, raw, idx, main or candidates)


_RELATIVE = re.compile(
    r"(\w+)['’]s\s+(?:late\s+|younger\s+|older\s+|elder\s+)?(?:father|mother|son|daughter"
    r"|wife|husband|brother|sister|widow|widower|grandfather|grandmother|uncle|aunt|nephew"
    r"|niece|cousin|twin)\s*,\s*$"
)


def _introduced_as_relative(c: _Cluster, surname: str, text: str) -> bool:
    """Whether every mention of the full name follows "<surname>'s father, " and the like."""
    return bool(c.positions) and all(
        (m := _RELATIVE.search(text, max(0, p - 60), p)) is not None
        and m.group(1).casefold() == surname
        for p in c.positions
    )


def _split_ambiguous(
    clusters: list[_Cluster],
    raw: list[tuple[int, int, str, int]],
    idx: int,
    candidates: list[int],
) -> None:
    """Give each mention of a shared surname to the nearest full name before it."""
    for i, (start, end, text, cluster) in enumerate(raw):
        if cluster != idx:
            continue
        best, best_pos = None, -1
        for cand in candidates:
            before = [p for p in clusters[cand].positions if p < start]
            if before and before[-1] > best_pos:
                best, best_pos = cand, before[-1]
        if best is None:  # no full name yet: the commonest one
            best = max(candidates, key=lambda k: len(clusters[k].positions))
        raw[i] = (start, end, text, best)
    c = clusters[idx]
    c.merged_into = candidates[0]  # its remaining aliases go to the first; mentions moved above
