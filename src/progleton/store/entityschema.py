"""Tables of the enrichment stage: canonical entities, their aliases and mentions, quotes.

- `entities`: one row per canonical entity ("Vladimir Putin", PERSON), keyed by kind and
  case-folded name; counts and first/last article times kept up to date by the stage.
- `entity_aliases`: every other form seen for an entity ("Putin"), for lookups.
- `article_entities`: which entities an article mentions, how often, and where first.
- `quotes`: attributed statements, with the speaker when resolved; `text_key` groups the same
  quotation carried by several publishers.
- `enriched`: the queue's done-marker: an article with a row here has been processed (or
  skipped, with the reason), so the stage resumes where it stopped.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from progleton.store.schema import UTCDateTime, metadata

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),  # "PERSON:vladimir putin"
    Column("name", Text, nullable=False),
    Column("label", String(16), nullable=False),
    Column("mentions", Integer, nullable=False, default=0),
    Column("article_count", Integer, nullable=False, default=0),
    Column("quote_count", Integer, nullable=False, default=0),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Index("ix_entities_last_seen", "last_seen"),
)

entity_aliases = Table(
    "entity_aliases",
    metadata,
    # An integer key of its own so `migrate-store` can copy the table in batches.
    Column("id", Integer, primary_key=True),
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("alias_key", Text, nullable=False),  # "PERSON:putin"
    Column("alias", Text, nullable=False),
    UniqueConstraint("entity_id", "alias_key", name="uq_entity_aliases"),
    Index("ix_entity_aliases_key", "alias_key"),
)

article_entities = Table(
    "article_entities",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("mentions", Integer, nullable=False),
    Column("first_offset", Integer, nullable=False),
    Column("sort_time", UTCDateTime, nullable=False),  # the article's, for recent-first lists
    PrimaryKeyConstraint("article_id", "entity_id", name="pk_article_entities"),
    Index("ix_article_entities_entity", "entity_id", "sort_time"),
)

quotes = Table(
    "quotes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="SET NULL")),
    Column("kind", String(16), nullable=False),  # direct | indirect
    Column("text", Text, nullable=False),
    Column("text_key", String(40), nullable=False),  # hash of the normalised words
    Column("cue", Text),
    Column("source", Text),
    Column("sentence", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("sort_time", UTCDateTime, nullable=False),
    Index("ix_quotes_entity", "entity_id", "sort_time"),
    Index("ix_quotes_article", "article_id", "start"),
    Index("ix_quotes_text_key", "text_key"),
)

enriched = Table(
    "enriched",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("skipped", Text),  # why nothing was extracted (e.g. the language), else NULL
    Column("entity_count", Integer, nullable=False, default=0),
    Column("quote_count", Integer, nullable=False, default=0),
)
