"""Resolve a quote's source as written ("he", "the Kremlin spokesman") to a named entity.

- A source containing an entity mention is that entity (a person first: "Kremlin spokesman
  Dmitry Peskov" is Peskov, not the Kremlin).
- "who"/"which" stand for the noun the relative clause hangs from.
- Personal pronouns go to the nearest person speaking before (in this or an earlier
  sentence), else the nearest person named before; "they"/"it" likewise to organisations and
  places. "he" skips a person the article calls "Ms."/"Mrs." and "she" one it calls "Mr.".
- Descriptions go to the nearest person named earlier with that description next to the name
  ("Kremlin spokesman Dmitry Peskov" for "the Kremlin spokesman"), else stay unresolved.
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property

from progleton.enrich.lexicon import GROUP_PRONOUNS, PERSON_PRONOUNS, RELATIVE_PRONOUNS
from progleton.enrich.model import Entity, Mention
from progleton.enrich.quotes import Relation

_WORD = re.compile(r"[A-Za-z][A-Za-z.\-]*")
_GROUP_LABELS = frozenset({"ORG", "GPE", "NORP", "LOC", "FAC"})
_DESCRIPTION_WINDOW = 60  # characters before or after a name that may describe it
# Words of a quantity ("more than twice as many voters", "60 percent"): a group, never one
# person ("majority" is left out: "the majority leader" is one).
_QUANTITIES = frozenset(
    {"many", "most", "some", "several", "more", "percent", "half", "few", "all", "both",
     "each", "none", "dozens", "hundreds", "thousands", "millions", "percentage", "proportion"}
)  # fmt: skip
_HE = frozenset({"he", "him", "his"})
_SHE = frozenset({"she", "her"})
_STOP = frozenset({"the", "a", "an", "of", "and", "for", "in", "on", "to", "s", "former"})


class SpeakerResolver:
    """Speakers for one article's relations, using its entity mentions."""

    def __init__(self, text: str, entities: list[Entity], mentions: list[Mention]) -> None:
        self.text = text
        self.entities = entities
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.descriptions = self._describe()

    def _describe(self) -> list[set[str]]:
        """Words describing each person where named: "Kremlin spokesman" before the name."""
        out: list[set[str]] = [set() for _ in self.entities]
        for m in self.mentions:
            if self.entities[m.entity].label != "PERSON":
                continue
            before = self.text[max(0, m.start - _DESCRIPTION_WINDOW) : m.start]
            before = re.split(r"[\n.;:!?\"“”]|,\s", before)[-1]
            after = self.text[m.end : m.end + _DESCRIPTION_WINDOW]
            words = _words(before)
            if after.startswith(", "):  # an appositive: "Dmitry Peskov, the Kremlin spokesman,"
                words |= _words(re.split(r"[,.;:\n]", after[2:])[0])
            out[m.entity] |= words
        return out

    @cached_property
    def honorifics(self) -> list[str | None]:
        """ "m" or "f" for each person the text calls "Mr. X" or "Ms./Mrs./Miss X" (only one)."""
        out: list[str | None] = [None for _ in self.entities]
        for i, e in enumerate(self.entities):
            if e.label != "PERSON" or not e.name.split():
                continue
            surname = re.escape(e.name.split()[-1])
            found = {
                "m" if m.group(1) == "Mr" else "f"
                for m in re.finditer(rf"\b(Mr|Ms|Mrs|Miss)\.?\s+(?:[A-Z][\w.'’-]*\s+)?{surname}\b",
                                     self.text)
            }  # fmt: skip
            if len(found) == 1:
                out[i] = found.pop()
        return out

    def resolve(self, relations: list[Relation]) -> list[int | None]:
        """The entity index of each relation's speaker (None when unknown)."""
        speakers: list[int | None] = []
        history: list[tuple[int, int]] = []  # (position, entity) of resolved speakers so far
        order = sorted(range(len(relations)), key=lambda i: _position(relations[i]))
        result: dict[int, int | None] = {}
        # A continued quotation is said by whoever its source (copied from the quote it
        # continues) was resolved to, not by the last speaker of any kind.
        by_source: dict[tuple[int, int], int | None] = {}
        for i in order:
            rel = relations[i]
            if rel.continues and rel.source is not None and rel.source in by_source:
                who = by_source[rel.source]
            else:
                who = self._one(rel, history)
            if not rel.continues and rel.source is not None:
                by_source[rel.source] = who
            result[i] = who
            if who is not None:
                history.append((_position(rel), who))
        speakers = [result[i] for i in range(len(relations))]
        return speakers

    def _one(self, rel: Relation, history: list[tuple[int, int]]) -> int | None:
        if rel.continues:  # a quotation paragraph continuing the previous speaker
            return history[-1][1] if history else None
        if rel.source is None:
            return None
        start, end = rel.source
        inside = self._mentions_in(start, end)
        if inside:
            people = [m for m in inside if self.entities[m.entity].label == "PERSON"]
            if not people:
                # "Comer, R-Ky.": the name the recogniser missed, not the state after it.
                name = self.text[start:end].split(",")[0]
                named = self._by_name(name, start)
                if named is not None and self.entities[named].label == "PERSON":
                    return named
            return (people or inside)[0].entity
        head = rel.source_head
        word = self.text[start:end].strip().lower()
        if word in RELATIVE_PRONOUNS and head is not None:
            # "Trump, who said": the relative clause's head noun, just before the pronoun.
            found = self._mentions_in(max(0, start - 80), start)
            if found:
                return found[-1].entity
            return None
        if word in PERSON_PRONOUNS:
            unlike = "f" if word in _HE else "m" if word in _SHE else None
            return self._nearest(start, history, person=True, unlike=unlike)
        if word in GROUP_PRONOUNS:
            return self._nearest(start, history, person=False)
        named = self._by_name(self.text[start:end], start)
        if named is not None:
            return named
        if _is_name(self.text[start:end]):
            return None  # a name no entity has is no one's description ("Holden, meanwhile")
        return self._described(start, word)

    def _by_name(self, phrase: str, pos: int) -> int | None:
        """A name the recogniser missed here but found elsewhere ("Trump wants ..."); of two
        people sharing it, the one named last before `pos`."""
        words = [w for w in _WORD.findall(phrase) if w[:1].isupper()]
        if not words:
            return None
        last = words[-1].casefold()
        hits = {
            i
            for i, e in enumerate(self.entities)
            for n in (e.name, *e.aliases)
            if n.split() and n.split()[-1].casefold() == last
        }
        if len(hits) > 1:
            hits = {i for i in hits if self.entities[i].label == "PERSON"} or hits
        if len(hits) > 1:
            i = bisect.bisect_left(self.starts, pos) - 1
            while i >= 0:
                if self.mentions[i].entity in hits:
                    return self.mentions[i].entity
                i -= 1
        return hits.pop() if len(hits) == 1 else None

    def _mentions_in(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self.starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                out.append(self.mentions[i])
            i += 1
        return out

    def _nearest(
        self, pos: int, history: list[tuple[int, int]], person: bool, unlike: str | None = None
    ) -> int | None:
        def fits(entity: int) -> bool:
            label = self.entities[entity].label
            if unlike is not None and self.honorifics[entity] == unlike:
                return False  # "she" is not the one called "Mr. Vilsack"
            return label == "PERSON" if person else label in _GROUP_LABELS

        # A speaker quoted shortly before wins over a name merely mentioned in between.
        for at, entity in reversed(history):
            if at < pos and pos - at < 600 and fits(entity):
                return entity
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            m = self.mentions[i]
            if fits(m.entity):
                return m.entity
            i -= 1
        return None

    def _described(self, pos: int, phrase: str) -> int | None:
        words = _words(phrase) - _STOP
        if not words or words & _QUANTITIES or any(w[:1].isdigit() for w in words):
            return None
        if len(_last_word(phrase)) < 3:
            return None  # "a new report by E" (E! News cut short) describes no one
        best: tuple[int, int] | None = None  # (score, -distance) ...
        chosen = None
        i = bisect.bisect_left(self.starts, pos) - 1
        seen: set[int] = set()
        while i >= 0:
            m = self.mentions[i]
            i -= 1
            if m.entity in seen or self.entities[m.entity].label != "PERSON":
                continue
            seen.add(m.entity)
            desc = self.descriptions[m.entity]
            score = len(words & desc)
            # The description's head noun (its last word) must be among the name's.
            if not score or _last_word(phrase) not in desc:
                continue
            key = (score, -len(seen))
            if best is None or key > best:
                best, chosen = key, m.entity
        return chosen


def _is_name(phrase: str) -> bool:
    """Every word capitalised: "Holden", "Mr. Rae", not "the Kremlin spokesman"."""
    words = _WORD.findall(phrase)
    return bool(words) and all(w[:1].isupper() for w in words)


def _words(text: str) -> set[str]:
    return {w.lower().rstrip(".") for w in _WORD.findall(text)}


def _last_word(phrase: str) -> str:
    words = _WORD.findall(phrase)
    return words[-1].lower().rstrip(".") if words else ""


def _position(rel: Relation) -> int:
    return rel.cue[0] if rel.cue is not None else rel.content[0]
