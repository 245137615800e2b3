"""Store side of enrichment: the queue of articles to enrich, entities, mentions and quotes.

The enrichment stage reads articles without an `enriched` row, enriches them and calls
`save_enrichment` per article: its entities (matched to stored ones), mentions, quotes and
the done-marker are written in one transaction, so a crash redoes at most that article.

Entities are matched across articles by kind and name. A one-word personal name ("Putin")
goes to the stored person of the same story with that surname, else to the only stored person
with it, else it stays an entity of its own until a full name comes along.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Protocol

from sqlalchemy import (
    Connection,
    Engine,
    RowMapping,
    and_,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
    update,
)

from progleton.enrich.model import Enrichment, Entity
from progleton.models import Article, utcnow
from progleton.store.aliasing import OTHER_KINDS, PERSON_CONFUSABLE, pick, surname_alias
from progleton.store.entityschema import (
    article_entities,
    enriched,
    entities,
    entity_aliases,
    quotes,
)
from progleton.store.query import parse_query
from progleton.store.rows import article_from_row
from progleton.store.schema import articles

_WORDS = re.compile(r"\w+")


@dataclass(slots=True)
class StoredEntity:
    """A canonical entity as stored, with its counts."""

    id: int
    name: str
    label: str
    mentions: int
    article_count: int
    quote_count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(slots=True)
class StoredQuote:
    """A stored quote with its article's title, publisher and URL for listing."""

    id: int
    article_id: int
    entity_id: int | None
    speaker: str | None
    kind: str
    text: str
    cue: str | None
    source: str | None
    sentence: str
    sort_time: datetime
    publisher: str | None
    title: str
    url: str
    text_key: str


def entity_key(label: str, name: str) -> str:
    """How entities are matched: kind plus case-folded name."""
    return f"{label}:{' '.join(name.split()).casefold()}"


def _bare_person(e: Entity) -> bool:
    """A one-word personal name ("Biden"): a surname or first name a full name may go by."""
    return e.label == "PERSON" and len(e.name.split()) == 1


def quote_key(text: str) -> str:
    """Near-identical quotations share this: their words, case and punctuation ignored."""
    words = " ".join(_WORDS.findall(text.casefold()))
    return hashlib.sha1(words.encode(), usedforsecurity=False).hexdigest()


def enrichment_text(article: Article) -> str:
    """The text enrichment reads (offsets of quotes are into it): title, blank line, body."""
    return f"{article.title}\n\n{article.text}" if article.title else article.text


def _entity(row: RowMapping) -> StoredEntity:
    return StoredEntity(
        id=row["id"],
        name=row["name"],
        label=row["label"],
        mentions=row["mentions"],
        article_count=row["article_count"],
        quote_count=row["quote_count"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
    )


class EntityStore(Protocol):
    """What the enrichment stage and the entity pages need of a store."""

    def unenriched_articles(self, limit: int, after_id: int = 0) -> list[Article]: ...
    def count_unenriched(self) -> int: ...
    def save_enrichment(self, article_id: int, result: Enrichment) -> None: ...
    def try_lock(self, name: str, owner: str, now: datetime, ttl: timedelta) -> bool: ...
    def unlock(self, name: str, owner: str) -> None: ...
    def get_entity(self, entity_id: int) -> StoredEntity | None: ...
    def aliases_of(self, entity_id: int) -> list[str]: ...
    def entities_of_article(self, article_id: int) -> list[tuple[StoredEntity, int]]: ...
    def story_entities(
        self, story_id: int, limit: int = 30
    ) -> list[tuple[StoredEntity, int, int]]: ...
    def entity_articles(self, entity_id: int, limit: int = 30) -> list[Article]: ...
    def co_occurring(self, entity_id: int, limit: int = 15) -> list[tuple[StoredEntity, int]]: ...
    def entity_timeline(self, entity_id: int, limit: int = 60) -> list[tuple[str, int]]: ...
    def entity_quotes(
        self, entity_id: int, limit: int = 50, offset: int = 0
    ) -> list[StoredQuote]: ...
    def entity_quotes_folded(
        self, entity_id: int, limit: int = 30, offset: int = 0
    ) -> tuple[list[tuple[StoredQuote, list[str]]], int]: ...
    def article_quotes(self, article_id: int) -> list[StoredQuote]: ...
    def story_quotes(
        self, story_id: int, limit: int = 200
    ) -> list[tuple[StoredQuote, list[str]]]: ...
    def search_quotes(self, query: str, limit: int = 50, offset: int = 0) -> list[StoredQuote]: ...
    def top_entities(
        self, limit: int = 50, label: str | None = None, offset: int = 0
    ) -> list[StoredEntity]: ...
    def count_entities(self) -> int: ...
    def find_entities(
        self, name: str, limit: int = 20, label: str | None = None, offset: int = 0
    ) -> list[StoredEntity]: ...


@cache
def _counts_update(dialect: str) -> Any:
    """One article's additions to its entities' counts, for executemany (built once)."""
    when = bindparam("b_when", type_=entities.c.first_seen.type)
    low, high = (func.min, func.max) if dialect == "sqlite" else (func.least, func.greatest)
    return (
        update(entities)
        .where(entities.c.id == bindparam("b_id"))
        .values(
            mentions=entities.c.mentions + bindparam("b_n"),
            article_count=entities.c.article_count + 1,
            quote_count=entities.c.quote_count + bindparam("b_q"),
            first_seen=low(entities.c.first_seen, when),
            last_seen=high(entities.c.last_seen, when),
        )
    )


class EntitiesMixin:
    """Entity and quote persistence for `SQLStore`."""

    engine: Engine

    # -- the queue -------------------------------------------------------------------------
    def unenriched_articles(self, limit: int, after_id: int = 0) -> list[Article]:
        """Articles the enrichment stage has not processed yet, oldest first.

        `after_id` skips those up to that id (the batch still in flight).
        """
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles)
                .outerjoin(enriched, enriched.c.article_id == articles.c.id)
                .where(enriched.c.article_id.is_(None), articles.c.id > after_id)
                .order_by(articles.c.id)
                .limit(limit)
            ).mappings()
            return [article_from_row(r) for r in rows]

    def count_unenriched(self) -> int:
        """Articles waiting for the enrichment stage."""
        with self.engine.connect() as conn:
            stmt = (
                select(func.count())
                .select_from(articles.outerjoin(enriched, enriched.c.article_id == articles.c.id))
                .where(enriched.c.article_id.is_(None))
            )
            return int(conn.execute(stmt).scalar_one())

    def save_enrichment(self, article_id: int, result: Enrichment) -> None:
        """Store one article's entities, mentions and quotes, and mark it enriched."""
        now = utcnow()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(articles.c.sort_time, articles.c.story_id).where(articles.c.id == article_id)
            ).first()
            if row is None:
                return  # deleted meanwhile
            when: datetime = row.sort_time
            if conn.execute(
                select(enriched.c.article_id).where(enriched.c.article_id == article_id)
            ).first():
                return  # another run stored it first
            ids = self._entity_ids(conn, result.entities, row.story_id, when)
            per_entity: dict[int, list[int]] = {}  # stored id -> [mentions, first offset]
            for m in result.mentions:
                stored = ids[m.entity]
                counts = per_entity.setdefault(stored, [0, m.start])
                counts[0] += 1
                counts[1] = min(counts[1], m.start)
            quoted: dict[int, int] = {}
            for q in result.quotes:
                if q.speaker is not None:
                    quoted[ids[q.speaker]] = quoted.get(ids[q.speaker], 0) + 1
            if per_entity:
                conn.execute(
                    insert(article_entities),
                    [
                        {
                            "article_id": article_id,
                            "entity_id": eid,
                            "mentions": n,
                            "first_offset": first,
                            "sort_time": when,
                        }
                        for eid, (n, first) in per_entity.items()
                    ],
                )
                conn.execute(
                    _counts_update(conn.dialect.name),
                    [
                        {"b_id": eid, "b_n": n, "b_q": quoted.get(eid, 0), "b_when": when}
                        for eid, (n, _first) in per_entity.items()
                    ],
                )
            if result.quotes:
                conn.execute(
                    insert(quotes),
                    [
                        {
                            "article_id": article_id,
                            "entity_id": ids[q.speaker] if q.speaker is not None else None,
                            "kind": q.kind,
                            "text": q.content,
                            "text_key": quote_key(q.content),
                            "cue": q.cue,
                            "source": q.source,
                            "sentence": q.sentence,
                            "start": q.content_start,
                            "end": q.content_end,
                            "sort_time": when,
                        }
                        for q in result.quotes
                    ],
                )
            conn.execute(
                insert(enriched).values(
                    article_id=article_id,
                    at=now,
                    skipped=result.skipped,
                    entity_count=len(per_entity),
                    quote_count=len(result.quotes),
                )
            )

    def _entity_ids(
        self, conn: Connection, found: list[Entity], story_id: int | None, when: datetime
    ) -> list[int]:
        """The stored entity of each of an article's entities, created when new.

        A handful of statements for the whole article (entity lookups, alias lookups, the new
        aliases) instead of several per entity. Entities are resolved in order, as one at a
        time would be: an alias one of them adds is there for the next to be found by.
        """
        if not found:
            return []
        keys = [entity_key(e.label, e.name) for e in found]
        # Other kinds a personal name may be stored under ("Twitter" as ORG), and the personal
        # name an organisation, place or group may be ("Trump" tagged ORG).
        other_keys = {
            entity_key(kind, e.name) for e in found if e.label == "PERSON" for kind in OTHER_KINDS
        }
        person_keys = {entity_key("PERSON", e.name) for e in found if e.label in PERSON_CONFUSABLE}
        bare = {k for e, k in zip(found, keys, strict=True) if _bare_person(e)}
        by_key: dict[str, int] = {
            k: int(i)
            for k, i in conn.execute(
                select(entities.c.key, entities.c.id).where(
                    entities.c.key.in_(set(keys) | other_keys)
                )
            )
        }
        missing = {k for k in keys if k not in by_key}
        by_alias: dict[str, set[int]] = {}
        if missing or bare or person_keys:
            for k, i in conn.execute(
                select(entity_aliases.c.alias_key, entity_aliases.c.entity_id).where(
                    entity_aliases.c.alias_key.in_(missing | bare | person_keys)
                )
            ):
                by_alias.setdefault(k, set()).add(int(i))
        wanted: dict[tuple[int, str], str] = {}  # (entity id, alias key) -> alias
        ids: list[int] = []
        for e, key in zip(found, keys, strict=True):
            stored, label = self._stored_match(conn, e, key, by_key, by_alias, story_id)
            if stored is None:
                stored = int(
                    conn.execute(
                        insert(entities)
                        .values(
                            key=key,
                            name=e.name,
                            label=e.label,
                            mentions=0,
                            article_count=0,
                            quote_count=0,
                            first_seen=when,
                            last_seen=when,
                        )
                        .returning(entities.c.id)
                    ).scalar_one()
                )
                by_key[key] = stored
            forms = [e.name, *e.aliases]
            surname = surname_alias(e.name) if label == "PERSON" else None
            if surname:
                forms.append(surname)  # so "Putin" alone finds "Vladimir Putin"
            # Under the stored entity's kind: "Trump" tagged ORG joined to Donald Trump adds
            # no "ORG:trump" for every later organisation of that name to find him by.
            for alias_key, form in {entity_key(label, f): f for f in forms}.items():
                wanted.setdefault((stored, alias_key), form)
                by_alias.setdefault(alias_key, set()).add(stored)
            ids.append(stored)
        have = set(
            conn.execute(
                select(entity_aliases.c.entity_id, entity_aliases.c.alias_key).where(
                    entity_aliases.c.entity_id.in_(set(ids)),
                    entity_aliases.c.alias_key.in_({k for _, k in wanted}),
                )
            ).tuples()
        )
        new = [
            {"entity_id": i, "alias_key": k, "alias": form}
            for (i, k), form in wanted.items()
            if (i, k) not in have
        ]
        if new:
            conn.execute(insert(entity_aliases), new)
        return ids

    def _stored_match(
        self,
        conn: Connection,
        e: Entity,
        key: str,
        by_key: dict[str, int],
        by_alias: dict[str, set[int]],
        story_id: int | None,
    ) -> tuple[int | None, str]:
        """The stored entity an article's entity is (None: a new one), and that one's kind.

        The rules are `progleton.store.aliasing`'s: its name, else a name it goes by (the
        story's, then the most mentioned; a full name before a bare surname), else the person
        an organisation's name is, else the organisation or place a personal name is.
        """
        stored = by_key.get(key)
        candidates = by_alias.get(key, set())
        if _bare_person(e) and candidates - {stored}:
            pool = candidates | ({stored} if stored is not None else set())
            return self._by_alias(conn, sorted(pool), story_id, prefer_full=True), e.label
        if stored is not None:
            return stored, e.label
        if candidates:
            return self._by_alias(conn, sorted(candidates), story_id), e.label
        if e.label in PERSON_CONFUSABLE:
            people = by_alias.get(entity_key("PERSON", e.name), set())
            one_word = len(e.name.split()) == 1
            if people:
                person = self._by_alias(
                    conn, sorted(people), story_id, prefer_full=True, in_story_only=one_word
                )
                if person is not None:
                    return person, "PERSON"
        if e.label == "PERSON":
            others = {
                by_key[k]: kind for kind in OTHER_KINDS if (k := entity_key(kind, e.name)) in by_key
            }
            if others:
                other = self._by_alias(conn, sorted(others), story_id)
                if other is not None:
                    return other, others[other]
        return None, e.label

    @staticmethod
    def _by_alias(
        conn: Connection,
        candidates: list[int],
        story_id: int | None,
        *,
        prefer_full: bool = False,
        in_story_only: bool = False,
    ) -> int | None:
        """The entity of several a name stands for: the one this story mentions most, then
        the one mentioned most overall (`aliasing.pick`); `in_story_only`: one of the story's.
        """
        if len(candidates) == 1 and not prefer_full and not in_story_only:
            return candidates[0]
        known = {
            int(i): (str(name), int(n))
            for i, name, n in conn.execute(
                select(entities.c.id, entities.c.name, entities.c.mentions).where(
                    entities.c.id.in_(candidates)
                )
            )
        }
        in_story: dict[int, int] = {}
        if story_id is not None:
            in_story = {
                int(i): int(n)
                for i, n in conn.execute(
                    select(article_entities.c.entity_id, func.sum(article_entities.c.mentions))
                    .join(articles, articles.c.id == article_entities.c.article_id)
                    .where(
                        articles.c.story_id == story_id,
                        article_entities.c.entity_id.in_(candidates),
                    )
                    .group_by(article_entities.c.entity_id)
                )
            }
        if in_story_only:
            known = {i: v for i, v in known.items() if in_story.get(i)}
        return pick(known, in_story, prefer_full=prefer_full)

    # -- reading ---------------------------------------------------------------------------
    def get_entity(self, entity_id: int) -> StoredEntity | None:
        """One entity by id."""
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(entities).where(entities.c.id == entity_id)).mappings().first()
            )
        return _entity(row) if row else None

    def aliases_of(self, entity_id: int) -> list[str]:
        """Other names the entity goes by."""
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    select(entity_aliases.c.alias)
                    .where(entity_aliases.c.entity_id == entity_id)
                    .order_by(entity_aliases.c.id)
                ).scalars()
            )

    def top_entities(
        self, limit: int = 50, label: str | None = None, offset: int = 0
    ) -> list[StoredEntity]:
        """Entities in most articles, most recent first among equals (of one kind if given)."""
        stmt = select(entities).order_by(
            entities.c.article_count.desc(), entities.c.last_seen.desc(), entities.c.id
        )
        if label:
            stmt = stmt.where(entities.c.label == label)
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.limit(limit).offset(offset)).mappings()
            return [_entity(r) for r in rows]

    def count_entities(self) -> int:
        """How many entities are stored."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(entities)).scalar_one())

    def find_entities(
        self, name: str, limit: int = 20, label: str | None = None, offset: int = 0
    ) -> list[StoredEntity]:
        """Entities whose name or an alias is `name` (of kind `label` if given, else any),
        most mentioned first. `name` is literal text: `%` and `_` match only themselves."""
        folded = " ".join(name.split()).casefold()
        with self.engine.connect() as conn:
            ids = select(entity_aliases.c.entity_id).where(
                entity_aliases.c.alias_key.endswith(f":{folded}", autoescape=True)
            )
            stmt = select(entities).where(entities.c.id.in_(ids))
            if label:
                stmt = stmt.where(entities.c.label == label)
            rows = conn.execute(
                stmt.order_by(entities.c.mentions.desc(), entities.c.id).limit(limit).offset(offset)
            ).mappings()
            return [_entity(r) for r in rows]

    def entities_of_article(self, article_id: int) -> list[tuple[StoredEntity, int]]:
        """The entities an article mentions, with mention counts, in order of appearance."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(entities, article_entities.c.mentions.label("n"))
                .join(article_entities, article_entities.c.entity_id == entities.c.id)
                .where(article_entities.c.article_id == article_id)
                .order_by(article_entities.c.first_offset)
            ).mappings()
            return [(_entity(r), int(r["n"])) for r in rows]

    def story_entities(self, story_id: int, limit: int = 30) -> list[tuple[StoredEntity, int, int]]:
        """The entities a story's articles mention: (entity, articles mentioning it, mentions).

        In most of the story's articles first, then most mentioned; one aggregate query
        (the story's articles by index, their mention rows by primary key), whatever the
        story's size.
        """
        in_story = (
            select(
                article_entities.c.entity_id,
                func.count().label("n_articles"),
                func.sum(article_entities.c.mentions).label("n_mentions"),
            )
            .join(articles, articles.c.id == article_entities.c.article_id)
            .where(articles.c.story_id == story_id)
            .group_by(article_entities.c.entity_id)
            .subquery()
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(entities, in_story.c.n_articles, in_story.c.n_mentions)
                .join(in_story, in_story.c.entity_id == entities.c.id)
                .order_by(in_story.c.n_articles.desc(), in_story.c.n_mentions.desc(), entities.c.id)
                .limit(limit)
            ).mappings()
            return [(_entity(r), int(r["n_articles"]), int(r["n_mentions"])) for r in rows]

    def entity_articles(self, entity_id: int, limit: int = 30) -> list[Article]:
        """Recent articles mentioning the entity, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles)
                .join(article_entities, article_entities.c.article_id == articles.c.id)
                .where(article_entities.c.entity_id == entity_id)
                .order_by(article_entities.c.sort_time.desc(), articles.c.id.desc())
                .limit(limit)
            ).mappings()
            return [article_from_row(r) for r in rows]

    def co_occurring(self, entity_id: int, limit: int = 15) -> list[tuple[StoredEntity, int]]:
        """Entities mentioned in the same articles, with the number of shared articles."""
        mine = select(article_entities.c.article_id).where(
            article_entities.c.entity_id == entity_id
        )
        shared = func.count().label("shared")
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(entities, shared)
                .join(article_entities, article_entities.c.entity_id == entities.c.id)
                .where(article_entities.c.article_id.in_(mine), entities.c.id != entity_id)
                .group_by(*entities.c)
                .order_by(shared.desc(), entities.c.id)
                .limit(limit)
            ).mappings()
            return [(_entity(r), int(r["shared"])) for r in rows]

    def entity_timeline(self, entity_id: int, limit: int = 60) -> list[tuple[str, int]]:
        """Mentions per day (ISO date, articles), the latest `limit` days with any."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(article_entities.c.sort_time).where(
                    article_entities.c.entity_id == entity_id
                )
            ).scalars()
            days: dict[str, int] = {}
            for when in rows:
                day = when.date().isoformat()
                days[day] = days.get(day, 0) + 1
        return sorted(days.items())[-limit:]

    def _quotes(self, *where: object, limit: int, offset: int = 0) -> list[StoredQuote]:
        stmt = (
            select(
                quotes,
                entities.c.name.label("speaker"),
                articles.c.publisher,
                articles.c.title,
                articles.c.url,
            )
            .join(articles, articles.c.id == quotes.c.article_id)
            .outerjoin(entities, entities.c.id == quotes.c.entity_id)
            .where(and_(*where))  # type: ignore[arg-type]
            .order_by(quotes.c.sort_time.desc(), quotes.c.article_id, quotes.c.start)
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            return [
                StoredQuote(
                    id=r["id"],
                    article_id=r["article_id"],
                    entity_id=r["entity_id"],
                    speaker=r["speaker"],
                    kind=r["kind"],
                    text=r["text"],
                    cue=r["cue"],
                    source=r["source"],
                    sentence=r["sentence"],
                    sort_time=r["sort_time"],
                    publisher=r["publisher"],
                    title=r["title"],
                    url=r["url"],
                    text_key=r["text_key"],
                )
                for r in conn.execute(stmt).mappings()
            ]

    def entity_quotes(self, entity_id: int, limit: int = 50, offset: int = 0) -> list[StoredQuote]:
        """What the entity said, newest first."""
        return self._quotes(quotes.c.entity_id == entity_id, limit=limit, offset=offset)

    def entity_quotes_folded(
        self, entity_id: int, limit: int = 30, offset: int = 0
    ) -> tuple[list[tuple[StoredQuote, list[str]]], int]:
        """What the entity said, near-identical quotes once with the publishers carrying them,
        newest first: one page of them and how many there are (of its newest
        `ENTITY_QUOTE_ROWS` quote rows)."""
        found = self._quotes(quotes.c.entity_id == entity_id, limit=ENTITY_QUOTE_ROWS)
        folded = fold_quotes(found)
        folded.sort(key=lambda g: (g[0].sort_time, g[0].id), reverse=True)
        return folded[offset : offset + limit], len(folded)

    def article_quotes(self, article_id: int) -> list[StoredQuote]:
        """An article's quotes (newest-first order is moot: one article)."""
        found = self._quotes(quotes.c.article_id == article_id, limit=500)
        return sorted(found, key=lambda q: q.id)

    def story_quotes(self, story_id: int, limit: int = 200) -> list[tuple[StoredQuote, list[str]]]:
        """A story's quotes, near-identical ones once (`fold_quotes`), each with the
        publishers carrying it, in order of first appearance."""
        return fold_quotes(self._quotes(articles.c.story_id == story_id, limit=limit))

    def search_quotes(self, query: str, limit: int = 50, offset: int = 0) -> list[StoredQuote]:
        """Quotes matching a search query, newest first: the article search's syntax
        (`query.parse_query`: every word, "quoted phrases", -excluded words, and the
        `source:`, `after:` and `before:` filters), whole words of the quote or of its
        speaker's name (the resolved entity, or the source as written), through the full-text
        index of migration 0010q. Control characters count as spaces."""
        q = parse_query(_CONTROL.sub(" ", query))
        where: list[Any] = []
        if q.has_text:
            if self.engine.dialect.name == "postgresql":
                from progleton.store.postgres import tsquery_sql  # postgres imports this

                params: dict[str, Any] = {}
                tsq = tsquery_sql(q, params)
                where.append(text(f"quotes.search @@ ({tsq})").bindparams(**params))
            else:
                where.append(
                    quotes.c.id.in_(
                        select(literal_column("rowid"))
                        .select_from(table("quotes_fts"))
                        .where(
                            text("quotes_fts MATCH :quote_match").bindparams(quote_match=q.fts5())
                        )
                    )
                )
        elif not (q.source or q.before or q.after):
            return []  # exclusions alone, or nothing searchable
        if q.source:
            pattern = f"%{q.source}%"
            where.append(
                func.lower(func.coalesce(articles.c.publisher, "")).like(pattern)
                | func.lower(articles.c.url).like(f"%://%{q.source}%/%")
            )
        if q.after:
            where.append(quotes.c.sort_time >= q.after)
        if q.before:
            where.append(quotes.c.sort_time < q.before)
        return self._quotes(*where, limit=limit, offset=offset)


# -- folding near-identical quotes (reading) ---------------------------------------------------
#: Quote rows read for an entity page (newest first), folded before paging.
ENTITY_QUOTE_ROWS = 2000
#: Two quotes are one when this share of the smaller one's word 3-grams is in the other...
FOLD_CONTAINMENT = 0.9
#: ...and the smaller has at least this many (five words): shorter ones fold only when equal.
FOLD_MIN_SHINGLES = 3
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def quote_shingles(text: str) -> frozenset[tuple[str, ...]]:
    """A quote's word 3-grams, case and punctuation ignored (all its words when fewer)."""
    words = _WORDS.findall(text.casefold())
    if len(words) < 3:
        return frozenset([tuple(words)]) if words else frozenset()
    return frozenset(tuple(words[i : i + 3]) for i in range(len(words) - 2))


def fold_quotes(found: list[StoredQuote]) -> list[tuple[StoredQuote, list[str]]]:
    """Near-identical quotes once, in order of first appearance, each with the publishers
    that carried it (earliest first).

    Quotes fold when their normalised words are equal (`quote_key`) or when at least
    `FOLD_CONTAINMENT` of the smaller one's word 3-grams are in the other ("we have received
    an inquiry ..." and "We received an inquiry ..."), transitively. The quote shown for a
    group is a copy attributed to the speaker most copies agree on (ties: a resolved speaker
    over none, then the earlier), the longest such copy.
    """
    ordered = sorted(found, key=lambda q: (q.sort_time, q.id))
    parent = list(range(len(ordered)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_key: dict[str, int] = {}
    shingles = [quote_shingles(q.text) for q in ordered]
    holders: dict[tuple[str, ...], list[int]] = {}
    for i, q in enumerate(ordered):
        if q.text_key in by_key:
            join(by_key[q.text_key], i)
        else:
            by_key[q.text_key] = i
        mine = shingles[i]
        if len(mine) >= FOLD_MIN_SHINGLES:
            shared: dict[int, int] = {}
            for s in mine:
                for j in holders.get(s, ()):
                    shared[j] = shared.get(j, 0) + 1
            for j, n in shared.items():
                smaller = min(len(mine), len(shingles[j]))
                if smaller >= FOLD_MIN_SHINGLES and n >= FOLD_CONTAINMENT * smaller:
                    join(i, j)
            for s in mine:
                holders.setdefault(s, []).append(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(ordered)):
        groups.setdefault(root(i), []).append(i)
    out: list[tuple[StoredQuote, list[str]]] = []
    for members in sorted(groups.values(), key=lambda m: m[0]):
        copies = [ordered[i] for i in members]
        publishers: list[str] = []
        for q in copies:
            if q.publisher and q.publisher not in publishers:
                publishers.append(q.publisher)
        out.append((_representative(copies), publishers))
    return out


def _representative(copies: list[StoredQuote]) -> StoredQuote:
    """The copy to show: the speaker most copies agree on, then the longest text."""
    votes: dict[int | None, int] = {}
    for q in copies:
        votes[q.entity_id] = votes.get(q.entity_id, 0) + 1
    order = {e: i for i, e in reversed(list(enumerate(q.entity_id for q in copies)))}
    speaker = min(votes, key=lambda e: (-votes[e], e is None, order[e]))
    return max(
        (q for q in copies if q.entity_id == speaker),
        key=lambda q: (len(q.text), -copies.index(q)),
    )
