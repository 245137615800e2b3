"""Which stored entity an article's entity joins: the rules beside the queries in `entitydb`.

- A full personal name is also found by its surname ("Putin" finds "Vladimir Putin"), but only
  when that surname is a real name word: capitalised, alphabetic, with lower-case letters, not
  a title and not one of the common words that end product and club names ("Apple Pay",
  "Ole Miss", "Destiny 2").
- A name that several stored entities go by goes to the one this story mentions most, then to
  the one mentioned most overall, rather than to a new entity; a one-word personal name
  prefers a full name ("Donald Trump") to a stored bare one ("Trump").
- A one-word organisation, place or group that is a stored person's surname ("Trump" tagged
  ORG) is that person when the story mentions them; a longer one that is a stored person's
  full name ("Nikki Haley" tagged ORG) is that person.
- A personal name no stored person goes by that is a stored organisation or place
  ("Twitter", "Luton" tagged PERSON) is that organisation or place.
"""

from __future__ import annotations

import re

from progleton.enrich.lexicon import TITLES, words

_NAME_WORD = re.compile(r"^[A-Z][A-Za-z'’-]*[a-z][A-Za-z'’-]*$")
#: Words that end names spaCy takes for people ("Apple Pay", "Quick Start Guide"), never
#: enough alone to stand for one.
COMMON_WORDS = words(
    """
    pay watches watch guide pro desk tell offer edition live switch fact systems system
    united horizon roundup lite bundle shield smart studio studios song actress works ultra
    plus max mini air news group team club inc corp ltd llc jr sr ii iii iv award awards
    prize act bill program programme project center centre foundation institute university
    college school party office department times journal magazine review report online
    digital network media games game app apps store services service series league cup
    """
)
#: Kinds a person's name is often mistaken for.
PERSON_CONFUSABLE = frozenset({"ORG", "GPE", "NORP"})
#: Kinds a personal name spaCy got wrong may stand for, when one is stored under that name.
OTHER_KINDS = ("ORG", "GPE", "LOC", "FAC", "NORP")


def surname_alias(name: str) -> str | None:
    """The surname a stored full personal name is also found by, if it is a name word."""
    words = name.split()
    if len(words) < 2:
        return None
    last = words[-1]
    folded = last.casefold()
    if not _NAME_WORD.match(last) or folded in TITLES or folded in COMMON_WORDS:
        return None
    return last


def pick(
    candidates: dict[int, tuple[str, int]], in_story: dict[int, int], *, prefer_full: bool
) -> int | None:
    """The candidate (id -> name, mentions) most mentioned in the story, then overall.

    `prefer_full` leaves out one-word names when a full name is among the candidates.
    """
    ids = list(candidates)
    if prefer_full:
        full = [i for i in ids if len(candidates[i][0].split()) >= 2]
        ids = full or ids
    if not ids:
        return None
    return max(ids, key=lambda i: (in_story.get(i, 0), candidates[i][1], -i))
