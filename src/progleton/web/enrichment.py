"""What the enrich stage found, shaped for the article and story pages.

The article page lists the people, organisations and places an article names and the quotes
it carries; the story page the entities across the story's articles and its quotes grouped
by speaker, each with the publishers that carried it. Each costs two store queries, however
large the story. An article not enriched yet simply has none of either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from progleton.store import Store
from progleton.store.entitydb import EntityStore, StoredEntity, StoredQuote

#: Entities listed on a story page (most articles first).
STORY_ENTITIES = 30
#: Quote rows read for a story page (newest first; near-identical ones are folded after).
STORY_QUOTE_ROWS = 600
#: Distinct quotes shown on a story page (the most widely carried first).
STORY_QUOTES_SHOWN = 60

#: (group, heading) in page order; the labels of each group after.
_GROUPS = (
    ("people", "People"),
    ("organisations", "Organisations"),
    ("places", "Places"),
    ("other", "Groups and events"),
)
_GROUP_OF = {
    "PERSON": "people",
    "ORG": "organisations",
    "GPE": "places",
    "LOC": "places",
    "FAC": "places",
}
_WORD = re.compile(r"\w")
_TRAILING_COMMA = re.compile(r',\s*([”"’»]+)$')  # “Nobody should pay,” Lindqvist said


@dataclass(frozen=True, slots=True)
class Named:
    """An entity as listed: its page's id, its name and how often it appears here."""

    id: int
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class EntityGroup:
    """The entities of one kind, most frequent first."""

    kind: str  # people | organisations | places | other (also the CSS hook)
    heading: str
    entities: list[Named]


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote as shown: who said it (linked when resolved to an entity) and how."""

    quote: StoredQuote
    text: str  # as stored, less a trailing comma inside the closing quotation mark
    speaker: str | None  # the entity's name, else the source as written, else None
    speaker_id: int | None  # the entity page to link, when the speaker was resolved
    cue: str | None  # the speech verb ("said", "according to"); None for a bare colon
    cue_first: bool  # "according to X" rather than "X said"
    publishers: list[str] = field(default_factory=list)  # story page: who carried it


@dataclass(frozen=True, slots=True)
class SpeakerQuotes:
    """A story's quotes from one resolved speaker, or (`speaker_id` None) from the rest."""

    speaker: str | None
    speaker_id: int | None
    quotes: list[QuoteView]


def entity_groups(found: Iterable[tuple[StoredEntity, int]]) -> list[EntityGroup]:
    """Group (entity, count) pairs by kind in page order, most counted first in each kind.

    The sort is stable, so ties keep the order given (appearance in the article, or the
    store's order for a story).
    """
    by_kind: dict[str, list[Named]] = {}
    for entity, n in found:
        kind = _GROUP_OF.get(entity.label, "other")
        by_kind.setdefault(kind, []).append(Named(entity.id, entity.name, n))
    return [
        EntityGroup(kind, heading, sorted(by_kind[kind], key=lambda e: -e.count))
        for kind, heading in _GROUPS
        if kind in by_kind
    ]


def quote_view(q: StoredQuote, publishers: list[str] | None = None) -> QuoteView:
    """How a stored quote is shown."""
    speaker = q.speaker if q.entity_id is not None and q.speaker else None
    speaker = speaker or (" ".join(q.source.split()) if q.source and q.source.strip() else None)
    cue = " ".join(q.cue.split()) if q.cue and _WORD.search(q.cue) else None
    return QuoteView(
        quote=q,
        text=_TRAILING_COMMA.sub(r"\1", q.text.strip()),
        speaker=speaker,
        speaker_id=q.entity_id if q.speaker else None,
        cue=cue,
        cue_first=bool(cue and cue.casefold().startswith("according")),
        publishers=publishers or [],
    )


def by_speaker(views: list[QuoteView]) -> list[SpeakerQuotes]:
    """Quotes grouped by resolved speaker: most quoted first (first quoted among equals),
    then those whose speaker is unresolved ("he", "a spokesman") together; quotes keep
    their order within a group."""
    groups: dict[int | None, SpeakerQuotes] = {}
    for v in views:
        group = groups.setdefault(
            v.speaker_id, SpeakerQuotes(v.speaker if v.speaker_id else None, v.speaker_id, [])
        )
        group.quotes.append(v)
    ordered = sorted(
        enumerate(groups.values()),
        key=lambda ig: (ig[1].speaker_id is None, -len(ig[1].quotes), ig[0]),
    )
    return [g for _, g in ordered]


def _entity_store(store: Store) -> EntityStore:
    return cast(EntityStore, store)  # every SQLStore has the entity mixin


def article_enrichment(store: Store, article_id: int) -> dict[str, Any]:
    """Template context for the article page: `entity_groups` and `quotes` (both may be empty)."""
    s = _entity_store(store)
    return {
        "entity_groups": entity_groups(s.entities_of_article(article_id)),
        "quotes": [quote_view(q) for q in s.article_quotes(article_id)],
    }


def story_enrichment(store: Store, story_id: int) -> dict[str, Any]:
    """Template context for the story page: `entity_groups` (the top entities by articles
    mentioning them), `speakers` (distinct quotes by speaker, with their publishers) and
    `quote_total` / `quotes_shown` (the page shows the most widely carried when there are many).
    """
    s = _entity_store(store)
    top = [(e, n) for e, n, _mentions in s.story_entities(story_id, STORY_ENTITIES)]
    grouped = s.story_quotes(story_id, STORY_QUOTE_ROWS)  # earliest first, each quote once
    keep = sorted(range(len(grouped)), key=lambda i: (-len(grouped[i][1]), i))
    shown = sorted(keep[:STORY_QUOTES_SHOWN])
    views = [quote_view(grouped[i][0], grouped[i][1]) for i in shown]
    return {
        "entity_groups": entity_groups(top),
        "speakers": by_speaker(views),
        "quote_total": len(grouped),
        "quotes_shown": len(views),
    }
