"""What enrichment finds in one article: canonical entities, their mentions, and quotes.

Offsets are character offsets into the text that was enriched (for a stored article, its
title, a blank line, then its body).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Entity kinds kept (spaCy's OntoNotes labels); others (dates, money, ...) are not entities.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})


@dataclass(slots=True)
class Entity:
    """One canonical entity of an article: "Vladimir Putin" with its aliases ("Putin")."""

    name: str
    label: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form."""
        return {
            "name": self.name,
            "label": self.label,
            "aliases": self.aliases,
            "mentions": self.mentions,
        }


@dataclass(slots=True)
class Mention:
    """A stretch of text naming an entity (index into `Enrichment.entities`)."""

    start: int
    end: int
    text: str
    entity: int


@dataclass(slots=True)
class Quote:
    """An attributed statement: who (source span and resolved speaker), the cue, the content."""

    kind: str  # direct (in quotation marks) | indirect (reported speech, "according to")
    content: str
    content_start: int
    content_end: int
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    source: str | None  # the source as written: "he", "the Kremlin spokesman", "Peskov"
    source_start: int | None
    source_end: int | None
    speaker: int | None  # index into `Enrichment.entities`, when resolved
    sentence: str

    def to_json(self, entities: list[Entity]) -> dict[str, Any]:
        """Plain JSON form, with the speaker's canonical name."""
        speaker = entities[self.speaker] if self.speaker is not None else None
        return {
            "kind": self.kind,
            "speaker": speaker.name if speaker else None,
            "speaker_label": speaker.label if speaker else None,
            "source": self.source,
            "cue": self.cue,
            "text": self.content,
            "sentence": self.sentence,
            "span": [self.content_start, self.content_end],
        }


@dataclass(slots=True)
class Enrichment:
    """The result for one text; `skipped` says why nothing was extracted (e.g. the language)."""

    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    skipped: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON form: entities (most mentioned first) and quotes in text order."""
        order = sorted(range(len(self.entities)), key=lambda i: -self.entities[i].mentions)
        out: dict[str, Any] = {
            "entities": [self.entities[i].to_json() for i in order],
            "quotes": [q.to_json(self.entities) for q in self.quotes],
        }
        if self.skipped:
            out["skipped"] = self.skipped
        return out
