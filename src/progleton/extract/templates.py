"""Per-site boilerplate learned from several pages of one publisher (pure functions, no store).

A block (paragraph) whose normalised text recurs on several different pages of one site is the
site's furniture (an appeal, a newsletter box, an author bio, "most read"), not any one story's
text. `learn` builds the set from a site's other pages; `apply` drops those blocks from a new
page's paragraphs. Short texts are ignored when learning: "Advertisement" or a one-word label
recurs on real stories too, and the line rules already handle labels.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
# Blocks of fewer words than this are never learned as the site's boilerplate.
MIN_WORDS = 6


@dataclass(frozen=True, slots=True)
class SiteTemplate:
    """A site's recurring blocks (normalised text) and how many pages they were learned from."""

    blocks: frozenset[str]
    pages: int


def normalise(text: str) -> str:
    """Lower-cased word tokens joined by spaces: what counts as "the same block"."""
    return " ".join(_TOKEN.findall(text.lower()))


def learn(pages: Iterable[Sequence[str]], min_pages: int = 2) -> SiteTemplate:
    """Blocks found on at least `min_pages` different pages of the site."""
    seen: Counter[str] = Counter()
    count = 0
    for paragraphs in pages:
        count += 1
        keys = {normalise(p) for p in paragraphs}
        seen.update(k for k in keys if len(k.split()) >= MIN_WORDS)
    return SiteTemplate(frozenset(k for k, n in seen.items() if n >= min_pages), count)


def apply(paragraphs: Sequence[str], template: SiteTemplate) -> list[str]:
    """The paragraphs without the site's recurring blocks (all of them if nothing is left)."""
    kept = [p for p in paragraphs if normalise(p) not in template.blocks]
    # A page made only of recurring blocks is a page we do not understand, not an empty story.
    return kept or list(paragraphs)
