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

from progleton.enrich.lexicon import (
    FIRST_PERSON_PRONOUNS,
    GROUP_PRONOUNS,
    PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    words,
)
from progleton.enrich.model import Entity, Mention
from progleton.enrich.quotes import Relation

_WORD = re.compile(r"[A-Za-z][A-Za-z.\-]*")
_GROUP_LABELS = frozenset({"ORG", "GPE", "NORP", "LOC", "FAC"})
_PERSON = frozenset({"PERSON"})
_POSSESSIVE = re.compile(r"['’]s?\b")
_FEMALE_NOUNS = frozenset(
    [
        "woman",
        "women",
        "mother",
        "daughter",
        "wife",
        "sister",
        "girl",
        "actress",
        "queen",
        "grandmother",
        "widow",
        "businesswoman",
        "congresswoman",
        "chairwoman",
        "spokeswoman",
        "stepmother",
        "aunt",
        "niece",
    ]
)
_MALE_NOUNS = frozenset(
    [
        "man",
        "men",
        "father",
        "son",
        "husband",
        "brother",
        "boy",
        "actor",
        "king",
        "grandfather",
        "widower",
        "businessman",
        "congressman",
        "chairman",
        "spokesman",
        "stepfather",
        "uncle",
        "nephew",
    ]
)
# A short noun phrase ending in a gendered noun: "the first two Muslim women", "a mother".
_NOUN_PHRASE = (
    r"(?:(?:a|an|the|his|her|their)\s+)?(?:[\w-]+\s+){0,4}?("
    + "|".join(sorted(_FEMALE_NOUNS | _MALE_NOUNS))
    + r")\b"
)
_NEAR = 600  # characters back in which a speaker or name counts as just before
_DESCRIPTION_WINDOW = 60  # characters before or after a name that may describe it
# Words of a quantity ("more than twice as many voters", "60 percent"): a group, never one
# person ("majority" is left out: "the majority leader" is one).
_QUANTITIES = frozenset(
    {"many", "most", "some", "several", "more", "percent", "half", "few", "all", "both",
     "each", "none", "dozens", "hundreds", "thousands", "millions", "percentage", "proportion"}
)  # fmt: skip
_HE = frozenset({"he", "him", "his"})
_SHE = frozenset({"she", "her"})
_THEY = frozenset({"they", "them", "their"})
# Heads of a source that speak for the organisation or country named with them ("Kremlin
# spokesman", "US officials", "USDA investigators", "the Nuffield Trust think-tank"), unlike
# one person or a group it only describes ("the veteran Kremlin leader", "key US allies").
_SPEAKING_FOR = words(
    """
    spokesman spokeswoman spokesperson spokespeople spokesmen spokeswomen representative
    representatives statement release announcement official officials authorities authority
    ministry military government office agency department police sources source leadership
    team commission committee council administration court campaign embassy army forces
    regulators regulator investigators prosecutors ministers cabinet think-tank tank group
    organization organisation company firm network newspaper outlet union watchdog body
    institute association service services board bureau spokespersons staff management
    leaders executives lawyers attorneys negotiators diplomats lawmakers media secretary
    press chief envoy ambassador secretary-general lawyer attorney executive negotiator
    diplomat counsel officers
    """
)
_PUBLISHED = frozenset(
    {"report", "reports", "poll", "survey", "study", "analysis", "filing", "website",
     "account", "lawsuit", "complaint", "letter", "memo", "post", "tweet", "article",
     "story", "editorial", "investigation", "review", "data", "figures", "email", "blog",
     "tests", "reporting", "brief", "research", "index", "estimates", "forecast",
     "findings", "analysts", "manual", "guidance", "guidelines", "policy", "rules"}
)  # fmt: skip
_INDEFINITE = frozenset(
    {"a", "an", "one", "another", "some", "several", "any", "each", "two", "three", "four",
     "five", "six", "seven", "eight", "nine", "ten", "other", "others"}
)  # fmt: skip
# Words after a head noun that describe it ("people briefed on", "sources familiar with").
_AFTER_HEAD = frozenset({"familiar", "close", "involved", "knowledgeable", "present", "aware"})
_HEAD_END = re.compile(r",|\s(?:of|at|for|with|from|in|on|who|which|that|whose)\s")
# Heads that are no one ("The poll of voters", "a video", "then, with a wink").
_NOT_PEOPLE = _PUBLISHED | {
    "video", "videos", "column", "photo", "photos", "book", "film", "documentary", "manual",
    "document", "documents", "records", "law", "bill", "then", "also", "now", "still", "later",
    "earlier", "however", "meanwhile", "tagline", "message", "messages", "data", "number",
}  # fmt: skip
_PREPOSITIONS = frozenset({"in", "of", "at", "from", "for", "with", "by", "on"})
_PLURAL_PEOPLE = frozenset({"people", "men", "women", "police", "staff", "children", "folks"})
_GENDERED = re.compile(r"\b(he|she)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]|Mr|Ms|Mrs|Dr|Sen|Rep|Gov|Jr|Sr|St|Lt|Gen|Col|Capt|Sgt|Prof|Inc|Co|Corp"
    r"|No|Vol|Supt|Det|Adm|Maj|Cmdr|Rev|Hon|Ft|Mt|vs|U\.S|U\.N|U\.K)$"
)
_DETERMINERS = frozenset({"a", "an", "the", "his", "her", "their", "its", "this", "that"})
_OPENING_PRONOUN = re.compile(r"\s*(He|She)\b")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
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
    def genders(self) -> list[str | None]:
        """ "m" or "f" for each person, from "Mr."/"Ms." or else from the pronoun that follows
        where the person opens a sentence naming no one else: "he"/"she" later in that
        sentence ("Reid said he remains hopeful") or opening the next ("Giuffre sued in 2021.
        She said ..."). Quotations are left out: their pronouns are the speaker's words."""
        out = list(self.honorifics)
        votes: list[list[int]] = [[0, 0] for _ in self.entities]
        unquoted, spans = self._unquoted_sentences
        for a, b in spans:
            named = self._named(a, b)
            if not named or not self._opens(a, named[0]):
                continue
            first = named[0]
            found = _GENDERED.search(unquoted, first.end, b)
            if found is None and len({m.entity for m in named}) == 1:
                found = _OPENING_PRONOUN.match(unquoted, b)
            # No one else named before the pronoun ("Tammy Murphy ... pushed back at the
            # notion that the support she has is based on her marriage to Phil").
            if found is None or any(
                m.entity != first.entity and m.start < found.start() for m in named
            ):
                continue
            votes[first.entity][found.group(1).lower() == "she"] += 1
        for i, (m, f) in enumerate(votes):
            # Two votes at least: one pronoun may be someone else's ("X thanked the nurse
            # who treated him, saying she saved his life").
            if out[i] is None and max(m, f) >= 1 and max(m, f) >= 3 * min(m, f):
                out[i] = "m" if m > f else "f"
        return out

    @cached_property
    def _unquoted_sentences(self) -> tuple[str, list[tuple[int, int]]]:
        """The text with quotations blanked, and its rough sentence spans."""
        unquoted = _blank_quotations(self.text)
        return unquoted, _sentences(unquoted)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [a for a, _ in self._unquoted_sentences[1]]

    def _sentence_at(self, pos: int) -> int:
        """The index of the sentence holding `pos` (-1 before the first)."""
        return bisect.bisect_right(self._sentence_starts, pos) - 1

    def _sentence_before(self, pos: int) -> tuple[int, int] | None:
        """The last sentence with words in it before the one holding `pos`."""
        unquoted, spans = self._unquoted_sentences
        i = self._sentence_at(pos)
        while i > 0 and not unquoted[spans[i - 1][0] : spans[i - 1][1]].strip():
            i -= 1
        return spans[i - 1] if i > 0 else None

    def _named(self, a: int, b: int, labels: frozenset[str] = _PERSON) -> list[Mention]:
        """Mentions of the given kinds between a and b, outside quotations."""
        unquoted = self._unquoted_sentences[0]
        return [
            m for m in self._mentions_in(a, b)
            if self.entities[m.entity].label in labels and unquoted[m.start] != " "
        ]  # fmt: skip

    def _opens(self, a: int, mention: Mention) -> bool:
        """Whether the mention is the subject opening the sentence at `a`: not "A former Beto
        O'Rourke supporter, she ...", "An exception is Madonna, whom he ...", nor after
        someone else's pronoun."""
        before = self._unquoted_sentences[0][a : mention.start].lower().split()
        return not (
            len(before) > 3 or _DETERMINERS & set(before) or "he" in before or "she" in before
        )

    def _opener(self, a: int, b: int, labels: frozenset[str] = _PERSON) -> int | None:
        """The person (or group) opening the sentence a..b as its subject, if one does."""
        named = self._named(a, b, labels)
        return named[0].entity if named and self._opens(a, named[0]) else None

    def _alone(self, entity: int, pos: int) -> bool:
        """Whether `entity` is the only person named (outside quotations) in the sentence
        before the one at `pos` ("Biden and Harris spoke. She said": no)."""
        before = self._sentence_before(pos)
        if before is None:
            return False
        # A possessive names no subject ("Suter, who joked about Parise's penchant ...").
        people = {
            m.entity for m in self._named(*before)
            if m.entity == entity or not _POSSESSIVE.match(self.text, m.end)
        }  # fmt: skip
        return people == {entity}

    def _first_in_sentence(self, pos: int) -> int | None:
        """The first person named (outside quotations) in the sentence at `pos`, before it."""
        i = self._sentence_at(pos)
        if i < 0:
            return None
        start = self._unquoted_sentences[1][i][0]
        named = self._named(start, pos)
        if not named or _GENDERED.search(self._unquoted_sentences[0], start, named[0].start):
            return None  # "He paid tribute to Lisa ..., and he asked": someone else's "he"
        return named[0].entity

    def _only_in_sentence(self, pos: int) -> bool:
        """Whether one person alone is named in the sentence at `pos` before it."""
        start = self._unquoted_sentences[1][self._sentence_at(pos)][0]
        return len({m.entity for m in self._named(start, pos)}) == 1

    def _opener_before(self, pos: int, labels: frozenset[str] = _PERSON) -> int | None:
        """The person (or group) opening the sentence before the one at `pos`."""
        before = self._sentence_before(pos)
        return self._opener(*before, labels) if before is not None else None

    @cached_property
    def honorifics(self) -> list[str | None]:
        """ "m" or "f" for each person the text calls "Mr. X" or "Ms./Mrs./Miss X", or says
        is a woman, a mother, a man, a father ... (only when all agree)."""
        out: list[str | None] = [None for _ in self.entities]
        for i, e in enumerate(self.entities):
            if e.label != "PERSON" or not e.name.split():
                continue
            surname = re.escape(e.name.split()[-1])
            # One space, on one line: "Ole Miss.\n\nMark Sears" calls no one "Miss".
            pattern = rf"\b(?:(Mr|Ms|Mrs)\.?|(Miss)) (?:[A-Z][\w.'’-]* )?{surname}\b"
            found = {"m" if m.group(1) == "Mr" else "f" for m in re.finditer(pattern, self.text)}
            # What the article says the person is: "Omar is one of the first two Muslim
            # women elected to Congress" (not an appositive: "Livingston, a spokesman for
            # the court said" is someone else).
            said_to_be = rf"\b{surname} (?:is|was|became|remains) (?:one of )?{_NOUN_PHRASE}"
            for m in re.finditer(said_to_be, self.text):
                found.add("f" if m.group(1).lower() in _FEMALE_NOUNS else "m")
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
            if people:
                return people[0].entity
            if self._modifies(start, end, inside):
                # "The veteran Kremlin leader", "key US allies", "a report in the Argus
                # Leader of Sioux Falls": the place or organisation only describes the source.
                return self._described(start, self.text[start:end].strip().lower())
            return inside[0].entity
        head = rel.source_head
        word = self.text[start:end].strip().lower()
        if word in RELATIVE_PRONOUNS and head is not None:
            # "Trump, who said": the relative clause's head noun, just before the pronoun.
            found = self._mentions_in(max(0, start - 80), start)
            if found:
                return found[-1].entity
            return None
        if word in FIRST_PERSON_PRONOUNS:
            return None  # outside a quotation, "I" and "we" are the writer or the publication
        if word in PERSON_PRONOUNS:
            want = "m" if word in _HE else "f" if word in _SHE else None
            return self._nearest(start, history, person=True, want=want)
        if word in _THEY:
            # "they" is rarely one named organisation ("Analysts expect ... They say"): only
            # a group quoted just before ('Big Machine said ... "...," they said').
            return self._nearest(start, history, person=False, recent_only=True)
        if word in GROUP_PRONOUNS:
            return self._nearest(start, history, person=False)
        # "Raye of her multiple Brits nominations": the name at the head, else any name.
        named = self._by_name(_HEAD_END.split(self.text[start:end])[0], start)
        if named is None:
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
        self,
        pos: int,
        history: list[tuple[int, int]],
        person: bool,
        want: str | None = None,
        recent_only: bool = False,
    ) -> int | None:
        def fits(entity: int) -> bool:
            label = self.entities[entity].label
            if want is not None and self.genders[entity] not in (None, want):
                return False  # "she" is not the one called "Mr. Vilsack"
            return label == "PERSON" if person else label in _GROUP_LABELS

        # Speakers quoted shortly before, latest first.
        recent = [e for at, e in reversed(history) if at < pos and pos - at < 600 and fits(e)]
        if recent_only:
            # "The Labour Party launched its manifesto. They said": the group opening the
            # sentence before, else one quoted just before.
            group = self._opener_before(pos, _GROUP_LABELS)
            if group is not None and fits(group):
                return group
            return recent[0] if recent else None
        if want is not None:
            # "Biden gave a speech in which he said": the first person named in the pronoun's
            # own sentence, known to be "he"; else the person who opens the sentence before
            # ("Braun has worked with ... . He has consistently denied ..."), if known to be
            # "he" or the only person named there ("Biden and Harris spoke. She said": no).
            opener = self._first_in_sentence(pos)
            if opener is None or not (
                self.genders[opener] == want
                or (self.genders[opener] is None and self._only_in_sentence(pos))
            ):  # "When Carlineo was approached, he told police"
                opener = self._opener_before(pos)
            if (
                opener is not None
                and fits(opener)
                and (self.genders[opener] == want or self._alone(opener, pos))
            ):
                if want == "f" and self.genders[opener] is None:
                    # Most people quoted in the news are men: a "she" takes a woman named
                    # or quoted just before over someone of unknown gender.
                    woman = self._known_near(pos, recent, want)
                    if woman is not None:
                        return woman
                return opener
        # A speaker quoted shortly before wins over a name merely mentioned in between; of
        # those, one the article calls "she" wins a "she" over one of unknown gender (most
        # people quoted in the news are men: one of unknown gender is more likely a "he").
        if recent:
            return next((e for e in recent if want == "f" and self.genders[e] == want), recent[0])
        i = bisect.bisect_left(self.starts, pos) - 1
        while i >= 0:
            m = self.mentions[i]
            if fits(m.entity):
                return m.entity
            i -= 1
        return None

    def _known_near(self, pos: int, recent: list[int], want: str) -> int | None:
        """A recent speaker, else a person named within a few sentences before `pos`, whom
        the article shows to be `want`."""
        for entity in recent:
            if self.genders[entity] == want:
                return entity
        for m in reversed(self._mentions_in(max(0, pos - _NEAR), pos)):
            if self.entities[m.entity].label == "PERSON" and self.genders[m.entity] == want:
                return m.entity
        return None

    def _modifies(self, start: int, end: int, inside: list[Mention]) -> bool:
        """Whether the source's head is a common noun the mentions only describe: a lower-case
        word after them ("Kremlin leader") or before them across a preposition ("a report in
        the Argus Leader"), unless it is someone speaking for them ("a Google spokesman")."""
        phrase = re.split(r",|\s(?:who|which|that)\s", self.text[start:end])[0]
        cut = start + len(phrase)
        after = _WORD.findall(self.text[inside[-1].end : cut]) if inside[-1].end < cut else []
        before = _WORD.findall(self.text[start : inside[0].start])

        def describes(heads: list[str], mention: Mention) -> bool:
            organisation = self.entities[mention.entity].label == "ORG"
            if any(h in _SPEAKING_FOR for h in heads):
                return False  # "US officials", "the French foreign ministry": they speak
            # "a Reuters report", "analysis from Poynter": what an organisation publishes is
            # its word; "California poll" is no word of California's.
            return not (organisation and any(h in _PUBLISHED for h in heads))

        lower = [w.lower() for w in after if w.islower() and w.lower() not in _STOP]
        if lower:
            return describes(lower[-1:], inside[-1])
        heads = [w.lower() for w in before if w.islower() and w.lower() not in _STOP]
        if heads and any(w in _PREPOSITIONS for w in before):
            # "A poll conducted by CAIR and its Michigan chapter": the one the preposition
            # governs.
            return describes(heads, inside[0])
        return False

    def _described(self, pos: int, phrase: str) -> int | None:
        words = _words(phrase) - _STOP
        if not words or words & _QUANTITIES or any(w[:1].isdigit() for w in words):
            return None
        if phrase.split()[0] in _INDEFINITE:
            return None  # "One Times reporter", "a person identified as": not someone named
        head = _head(phrase)
        if _plural(head):
            return None  # "prosecutors", "people familiar with the talks": not one person
        if len(head) < 3 or head in _NOT_PEOPLE:
            return None  # "a new report by E" (E! News cut short), "The poll": no one
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
            # The description's head noun must be among the name's.
            if not score or head not in desc:
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


def _blank_quotations(text: str) -> str:
    """The text with quotations blanked, keeping the stop that ends a sentence inside one
    ('... "can't look away." The same day' stays two sentences)."""

    def blank(m: re.Match[str]) -> str:
        quoted = m.group()
        end = quoted[-2] if len(quoted) > 2 and quoted[-2] in ".!?" else " "
        return " " * (len(quoted) - 2) + end + " "

    return _QUOTED.sub(blank, text)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Rough sentence spans: enough to keep a pronoun with the name before it (not cut after
    an initial or a title: "Sonya A. Zoghlin", "Sen. Warren")."""
    out = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group() == "." and _ABBREVIATION.search(text, max(0, m.start() - 6), m.start()):
            continue
        out.append((start, m.end()))
        start = m.end()
    out.append((start, len(text)))
    return out


def _plural(word: str) -> bool:
    """A plural noun ("prosecutors", "people"), roughly: no one person."""
    return word in _PLURAL_PEOPLE or (
        len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
    )


def _head(phrase: str) -> str:
    """The head noun of a description: "the chairman of the Conservative Party" is a chairman,
    "two people briefed on the talks" people."""
    words = _WORD.findall(_HEAD_END.split(phrase)[0])
    while len(words) > 1 and (words[-1].endswith("ed") or words[-1].lower() in _AFTER_HEAD):
        words.pop()
    return words[-1].lower().rstrip(".") if words else ""
