"""Canonical entities of one article: spaCy's entity spans, cleaned and merged by name structure.

"President Vladimir Putin", "Vladimir Putin" and "Putin" become one person named
"Vladimir Putin": titles are stripped, and a one-word name joins the full name whose surname
it is (the nearest full name before it when several share the surname, as "Bill Clinton" and
"Hillary Clinton" do), or else the one full name whose first name it is ("Taylor" of "Taylor
Swift"). Middle initials that differ keep names apart ("George H. W. Bush", "George W. Bush").

What the recogniser gets wrong is cleaned after it, one rule each (`clean_name`, `_junk`):

- a span never runs over a paragraph break ("MacBook Pro\n\nApple" is two mentions);
- a name has a capital letter ("n't", "8.30am" are not names), is no URL, handle, e-mail or
  P.O. box, and a person's name has no number: a score after it is cut ("Megan Cook 4",
  "K. Hupfer 1 goal", "Uchiyama 6-2"), any other number drops it ("Thunderbolt 3"), and a
  result line ("Luton 2 Villa") is nobody; nor is a name right before a number of three
  digits or more ("Christa" of the chatbot "Christa 2077");
- possessives go whatever the apostrophe ("Biden‘s"), and a person's name ends at one
  ("Biden's ‘Late Night" is Biden);
- a dateline's capitals are title-cased ("WASHINGTON" is Washington; acronyms stay);
- one surface name has one kind in an article: its mentions' majority, except that a word
  spaCy calls a person twice and in a fifth of its mentions is a person when most call it
  an organisation ("Trump" tagged ORG), and so is a full name on a tie when its surname is
  used alone too ("Kurt Volker"); a team in a result line ("Luton 0 Villa 2") is an
  organisation, and so is a well-known platform ("Twitter");
- a first name joins the one full name it begins unless it is used over three times as
  often (a mononym: "RuPaul" is not shortened from "RuPaul Andre Charles").
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

_APOSTROPHES = "'’‘ʼ`"
_POSSESSIVE = re.compile(rf"(?:[{_APOSTROPHES}]s|[{_APOSTROPHES}])$")
_EDGE_JUNK = re.compile(r"^[\s\"“”'‘’(\[,.;:-]+|[\s\"“”'‘’)\],;:-]+$")
_INITIAL = re.compile(r"^[A-Z]\.?$")
# "U.S.", "U.K", "E.U.": capitals with dots between (a single "A." is an initial).
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,}$|^(?:[A-Z]\.)+[A-Z]$")
# Labels that may be spaCy's mistake for a person's surname ("Trump" tagged ORG).
_SURNAME_CONFUSABLE = frozenset({"ORG", "GPE", "NORP", "PERSON"})
# Not names: links ("pic.twitter.com/4p7SXk7JPW", "https://t.co/x"), handles and e-mail
# addresses ("@JoeConchaTV"), post-office boxes ("P.O. Box 69440"), clock times ("8.30am").
_NOT_A_NAME = re.compile(
    r"://|\bwww\.|\w\.\w+/|@"
    r"|\bP\.?\s?O\.?\s+Box\b"
    r"|^\d{1,2}(?:[.:]\d{2})?\s*(?:[ap]\.?m\.?)$",
    re.IGNORECASE,
)
# A number of three digits or more right after a name: "Christa 2077", "Microsoft 365" are
# things named after a person or company, not them (places stay: "Paris 2024").
_MODEL_NUMBER = re.compile(r" \d{3,}\b")
_NUMBERED_KINDS = frozenset({"PERSON", "ORG", "NORP"})
# A score after a name: "Megan Cook 4", "Uchiyama 6-2".
_SCORE = re.compile(r"^\d{1,2}(?:[-–]\d{1,2})?$")
_CAPITALISED = re.compile(r"^[A-Z][\w'’.-]*$")
# A result line in the text: "Luton 0 Villa 2": the teams are organisations.
_RESULT = re.compile(
    r"\b([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}) (\d{1,2}) "
    r"([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}) (\d{1,2})\b"
)
_CLUB_WORDS = frozenset(
    {"town", "city", "united", "fc", "rovers", "athletic", "wanderers", "albion", "county"}
)
#: Platforms and companies spaCy often takes for a person or a place ("Twitter said").
PLATFORMS = frozenset(
    {
        "twitter", "facebook", "instagram", "youtube", "tiktok", "netflix", "google",
        "whatsapp", "telegram", "reddit", "snapchat", "linkedin", "spotify", "threads",
        "bluesky", "truth social", "hulu", "twitch", "discord", "pinterest", "uber", "lyft",
        "airbnb", "microsoft", "amazon", "meta", "openai", "tesla", "spacex", "paypal",
    }
)  # fmt: skip
# Articles and particles that begin a name in lower case ("de Gaulle", "al-Assad").
_PARTICLES = frozenset(
    {"de", "van", "von", "der", "den", "da", "di", "du", "la", "le", "al", "el", "bin", "ibn"}
)


def clean_name(text: str, label: str) -> str:
    """The name without "the", a possessive, titles ("President", "Sen.") or edge punctuation.

    An empty string when the span is no name at all (see the module's rules).
    """
    name = " ".join(text.split())
    name = _EDGE_JUNK.sub("", name)
    if _NOT_A_NAME.search(name):
        return ""
    name = _POSSESSIVE.sub("", name)
    words = name.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    # "Army Spc" (of "Army Spc. Dana Ortiz"): a rank the recogniser ran into.
    while len(words) > 1 and words[-1].lower().rstrip(".") in RANKS:
        words = words[:-1]
    if label == "PERSON":
        words = _person_words(words)
    name = _EDGE_JUNK.sub("", " ".join(words))
    if not _has_capital(name):
        return ""  # "n’t", "8.30am": a name has a capital letter
    return _title_cased(name, label)


def _person_words(words: list[str]) -> list[str]:
    # "Lady Gaga", "Lady Bunny": "Lady" before one word is part of the name, not a title.
    first = True
    while len(words) > 1 and words[0].lower().rstrip(",") in TITLES:
        if first and words[0].lower() == "lady" and len(words) == 2:
            break
        words = words[1:]
        first = False
    # "Sen. Marco Rubio (R-Fla.)" style suffixes and trailing role words.
    while len(words) > 1 and words[-1].startswith("("):
        words = words[:-1]
    # "older MacBook Pro", "s Haqqani": lower-case words before a name are not part of it.
    while words and words[0].isalpha() and words[0].islower() and words[0] not in _PARTICLES:
        words = words[1:]
    # "Biden’s ‘Late Night", "Donald Trump’s MAGA": the name ends at its possessive.
    for i, word in enumerate(words[:-1]):
        if _POSSESSIVE.search(word) and len(word) > 2:
            words = [*words[:i], _POSSESSIVE.sub("", word)]
            break
    # Numbers: a score after the name is cut ("Megan Cook 4", "Uchiyama 6-2"); a result line
    # ("Luton 2 Villa"), a model ("Thunderbolt 3") or any other number is no person.
    for i, word in enumerate(words):
        if any(c.isdigit() for c in word):
            rest = words[i + 1 :]
            score = _SCORE.match(word) and (i >= 2 or "-" in word or "–" in word)
            if not score or any(_CAPITALISED.match(w) for w in rest):
                return []
            return words[:i]
    return words


def _has_capital(name: str) -> bool:
    """Whether the name has a capital letter (or is in a script without case)."""
    cased = [c for c in name if c.isupper() or c.islower()]
    return any(c.isupper() for c in cased) or (not cased and any(c.isalpha() for c in name))


def _title_cased(name: str, label: str) -> str:
    """ "WASHINGTON", "NEW YORK" (datelines) as "Washington", "New York"; acronyms kept.

    An all-capital name is title-cased when it is of a person or a place and has more than
    one word, or a word of four letters or more with a vowel after the first ("USSR", "USA"
    and "NATO", an organisation, stay).
    """
    letters = [c for c in name if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters) or label not in _TITLE_CASED:
        return name
    words = name.split()
    if len(words) == 1 and (len(letters) < 4 or not any(c in "AEIOUY" for c in letters[1:])):
        return name
    if any("." in w for w in words):
        return name  # "U.S.", "J.R.R."
    return re.sub(r"[^\W\d_]+", lambda m: m[0][0] + m[0][1:].lower(), name)


_TITLE_CASED = frozenset({"PERSON", "GPE", "LOC", "FAC"})


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


def _initials(name: str) -> str:
    """The middle initials of a name ("H W" of "George H. W. Bush"); "" without any."""
    words = name.split()
    return " ".join(w.rstrip(".") for w in words[1:-1] if _INITIAL.match(w))


@dataclass(slots=True)
class _Cluster:
    names: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    positions: list[int] = field(default_factory=list)
    merged_into: int | None = None
    initials: str = ""
    kind: str | None = None  # the kind decided for the article, overriding the votes

    @property
    def label(self) -> str:
        if self.kind is not None:
            return self.kind
        return self.labels.most_common(1)[0][0]

    @property
    def words(self) -> int:
        return max(len(n.split()) for n in self.names)


def _pieces(text: str, start: int) -> list[tuple[int, int, str]]:
    """A span cut at its line breaks: (start, end, text) of each non-blank piece."""
    if "\n" not in text:
        return [(start, start + len(text), text)]
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            out.append((start + m.start(), start + m.end(), m.group()))
    return out


def canonical_entities(doc: Doc) -> tuple[list[Entity], list[Mention]]:
    """The article's entities (merged) and every mention of them, in text order."""
    clusters: list[_Cluster] = []
    by_key: dict[str, list[int]] = {}
    raw: list[tuple[int, int, str, int]] = []  # start, end, text, cluster
    whole = doc.text  # built from the tokens on every access: once
    teams = _teams(whole)
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        for start, end, text in _pieces(ent.text, ent.start_char):
            name = clean_name(text, ent.label_)
            if not name or not any(c.isalpha() for c in name) or name.lower().rstrip(".") in RANKS:
                continue  # a title alone ("Det" of "Det. Sgt. Tom Hale") is nobody
            if ent.label_ in _NUMBERED_KINDS and _MODEL_NUMBER.match(whole, end):
                continue  # "Christa" of "Christa 2077" (a chatbot): a numbered thing, no one
            label = ent.label_
            words = name.split()
            if len(words) == 2 and words[0] in teams and _SCORE.match(words[1]):
                name, label = words[0], "ORG"  # "Luton 0": a team and its score
            elif label != "PERSON" and _RESULT.fullmatch(name):
                continue  # "Luton 0 Villa 2": a result line
            name, label = canonical_name(name, label)
            idx = _cluster_of(clusters, by_key, name, label)
            c = clusters[idx]
            c.names[name] += 1
            c.labels[label] += 1
            c.positions.append(start)
            raw.append((start, end, text, idx))
    singles = {n for c in clusters for n in c.names if " " not in n}
    for c in clusters:
        c.kind = _kind(c, teams, singles)
    _full_names_of_other_kinds(doc, clusters, by_key, raw)
    _merge_surnames(clusters, raw, whole)

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


def _cluster_of(
    clusters: list[_Cluster], by_key: dict[str, list[int]], name: str, label: str
) -> int:
    """The cluster a name joins: same name (a person's: first and last name), and no other
    middle initials ("George W. Bush" is not "George H. W. Bush"); a new one else."""
    person = label == "PERSON"
    key = _structure_key(name) if person else _key(name)
    initials = _initials(name) if person else ""
    found = by_key.setdefault(key, [])
    for idx in found:
        c = clusters[idx]
        if not initials or not c.initials or c.initials == initials:
            c.initials = c.initials or initials
            return idx
    found.append(len(clusters))
    clusters.append(_Cluster(initials=initials))
    return len(clusters) - 1


# Kinds spaCy sometimes gives a person's full name ("Crystal Clanton" as a PRODUCT).
_MISREAD_KINDS = frozenset({"PRODUCT", "LAW", "LANGUAGE"})


def _full_names_of_other_kinds(
    doc: Doc,
    clusters: list[_Cluster],
    by_key: dict[str, list[int]],
    raw: list[tuple[int, int, str, int]],
) -> None:
    """Take "Crystal Clanton" (a PRODUCT to spaCy) as a person's name where "Clanton" is one.

    Two or three capitalised words whose last is a person's one-word name in the article,
    and whose first is no common word the article writes in lower case ("Make Trump").
    """
    people = {
        next(iter(c.names)).casefold()
        for c in clusters
        if c.words == 1 and c.label == "PERSON" and c.merged_into is None
    }
    if not people:
        return
    lowered = None
    added = False
    for ent in doc.ents:
        if ent.label_ not in _MISREAD_KINDS or "\n" in ent.text or ent[0].is_stop:
            continue
        name = clean_name(ent.text, "PERSON")
        words = name.split()
        if not 2 <= len(words) <= 3 or words[-1].casefold() not in people:
            continue
        if not all(w.isalpha() and w[0].isupper() and not w.isupper() for w in words):
            continue
        if lowered is None:
            lowered = set(re.findall(r"\b[a-z]+\b", doc.text))
        if words[0].lower() in lowered:
            continue
        idx = _cluster_of(clusters, by_key, name, "PERSON")
        c = clusters[idx]
        c.names[name] += 1
        c.labels["PERSON"] += 1
        c.positions.append(ent.start_char)
        raw.append((ent.start_char, ent.end_char, ent.text, idx))
        added = True
    if added:
        raw.sort(key=lambda r: r[0])
        for c in clusters:
            c.positions.sort()


def _teams(text: str) -> set[str]:
    """The names in result lines ("Luton 0 Villa 2"): teams, not people."""
    out: set[str] = set()
    for m in _RESULT.finditer(text):
        out.update((m.group(1), m.group(3)))
    return out


def _kind(c: _Cluster, teams: set[str], singles: set[str]) -> str | None:
    """The one kind of a name in this article, when it is not simply its mentions' majority."""
    name = max(c.names, key=len)
    words = name.split()
    if name in teams or name.casefold() in PLATFORMS:
        return "ORG"
    if len(words) == 2 and words[0] in teams and words[1].casefold() in _CLUB_WORDS:
        return "ORG"  # "Luton Town" where "Luton 0 Villa 2" is a result
    votes = c.labels
    top = votes.most_common(1)[0][0]
    # spaCy often reads a surname as an organisation ("the Trump administration"), seldom an
    # organisation as a person: two votes and a fifth make the one word "Trump" a person,
    # and a tie makes one of a full name whose last word the article also uses alone ("Kurt
    # Volker" once PERSON, once ORG, and "Volker"; not "Mondoweiss", not "Turning Point").
    person = votes["PERSON"]
    if len(words) == 1:
        wins = person >= 2 and person * 5 >= votes.total()
    else:
        wins = person == votes[top] and words[-1] in singles
    if top in ("ORG", "NORP") and wins:
        return "PERSON"
    return None


def _best_name(c: _Cluster) -> str:
    # The longest form, the commonest among equally long ones.
    return max(c.names, key=lambda n: (len(n.split()), c.names[n], len(n)))


def _merge_surnames(
    clusters: list[_Cluster], raw: list[tuple[int, int, str, int]], text: str
) -> None:
    """Fold one-word names into the full personal name ending with that word, or else into
    the one full personal name beginning with it ("Taylor" of "Taylor Swift")."""
    full: dict[str, list[int]] = {}
    given: dict[str, set[int]] = {}
    for idx, c in enumerate(clusters):
        if c.label == "PERSON" and c.words >= 2:
            for name in c.names:
                words = name.split()
                if len(words) >= 2:
                    full.setdefault(words[-1].casefold(), []).append(idx)
                    if all(w[0].isupper() for w in words):  # not "Raye winning Songwriter"
                        given.setdefault(words[0].casefold(), set()).add(idx)
    for idx, c in enumerate(clusters):
        if c.words != 1 or not (set(c.labels) & _SURNAME_CONFUSABLE):
            continue
        if c.kind == "ORG":
            continue  # a team or a platform ("Luton", "Twitter") is nobody's surname
        word = next(iter(c.names)).casefold()
        candidates = sorted(set(full.get(word, [])))
        if not candidates and c.label == "PERSON" and len(given.get(word, ())) == 1:
            # A first name: "Taylor" of "Taylor Swift"; but a name used far more often than
            # the full name it begins is the person's own ("RuPaul", not "RuPaul Andre Charles").
            (cand,) = given[word]
            if len(c.positions) <= 3 * len(clusters[cand].positions):
                candidates = [cand]
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
