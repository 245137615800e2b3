"""Filtered listings for the site: front-page filters, filter choices, newest-first search.

The front page ranks the newest stories once and reuses the ranking; filters (language,
source, topic) are applied afterwards by story id, so one query per filter serves every page
of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from progleton.models import Article
from progleton.store.base import Cursor
from progleton.store.query import SEARCH_CANDIDATES, parse_query
from progleton.store.rows import article_from_row
from progleton.store.schema import article_topics, articles, sources, stories
from progleton.store.topicdb import topic_condition

# The article columns the models read: never PostgreSQL's large generated `search` vector.
_COLUMNS = ", ".join(f"a.{c.name}" for c in articles.columns)


@dataclass(frozen=True, slots=True)
class FilterChoice:
    """One value a listing can be filtered by, with how many articles carry it."""

    value: str  # a language code ("en"), a source id as text or a topic key
    label: str
    count: int


def language_condition(language: str) -> ColumnElement[bool]:
    """Articles in `language` ("en" also matches "en-GB"), compared case-insensitively."""
    code = language.strip().lower()
    lang = func.lower(articles.c.language)
    return or_(lang == code, lang.like(f"{code}-%"))


def _article_filter(
    source_id: int | None, language: str | None, topic: str | None = None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if source_id is not None:
        where.append(articles.c.source_id == source_id)
    if language:
        where.append(language_condition(language))
    if topic:
        where.append(topic_condition(topic))
    return where


def _newest_stories(candidates: int) -> Subquery:
    return (
        select(stories.c.id)
        .order_by(stories.c.last_seen.desc(), stories.c.id.desc())
        .limit(candidates)
        .subquery()
    )


class ListingMixin:
    """Filtered reads for `SQLStore`."""

    engine: Engine

    def story_matches(
        self,
        candidates: int,
        source_id: int | None = None,
        language: str | None = None,
        topic: str | None = None,
    ) -> dict[int, list[int]]:
        """Among the newest `candidates` stories, those with an article matching the filters.

        Maps each such story to its matching article ids, originals first, then earliest
        first, so a page can show a matching article when the story's lead does not match.
        """
        newest = (
            select(stories.c.id)
            .order_by(stories.c.last_seen.desc(), stories.c.id.desc())
            .limit(candidates)
            .subquery()
        )
        stmt = (
            select(articles.c.story_id, articles.c.id)
            .join(newest, newest.c.id == articles.c.story_id)
            .where(*_article_filter(source_id, language, topic))
            .order_by(
                articles.c.story_id,
                articles.c.duplicate_of.is_not(None),
                articles.c.sort_time,
                articles.c.id,
            )
        )
        out: dict[int, list[int]] = {}
        with self.engine.connect() as conn:
            for story_id, article_id in conn.execute(stmt):
                out.setdefault(story_id, []).append(article_id)
        return out

    def language_choices(self, candidates: int) -> list[FilterChoice]:
        """Languages of the articles in the newest `candidates` stories, most common first.

        Codes are reduced to their primary subtag ("en-GB" -> "en"), the unit readers pick.
        """
        newest = (
            select(stories.c.id)
            .order_by(stories.c.last_seen.desc(), stories.c.id.desc())
            .limit(candidates)
            .subquery()
        )
        lang = func.lower(articles.c.language)
        stmt = (
            select(lang.label("lang"), func.count().label("n"))
            .select_from(articles)
            .join(newest, newest.c.id == articles.c.story_id)
            .where(articles.c.language.is_not(None), articles.c.language != "")
            .group_by(lang)
        )
        counts: dict[str, int] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(stmt):
                primary = str(row.lang).split("-", 1)[0]
                counts[primary] = counts.get(primary, 0) + int(row.n)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [FilterChoice(code, code, n) for code, n in ordered]

    def topic_choices(self, candidates: int, limit: int = 40) -> list[FilterChoice]:
        """The `limit` most common topics of the articles in the newest `candidates` stories.

        Each topic's label is its most common spelling; the count is of articles.
        """
        newest = _newest_stories(candidates)
        stmt = (
            select(article_topics.c.topic_key, article_topics.c.topic, func.count().label("n"))
            .select_from(article_topics)
            .join(articles, articles.c.id == article_topics.c.article_id)
            .join(newest, newest.c.id == articles.c.story_id)
            .group_by(article_topics.c.topic_key, article_topics.c.topic)
        )
        totals: dict[str, int] = {}
        spellings: dict[str, list[tuple[int, str]]] = {}
        with self.engine.connect() as conn:
            for key, label, n in conn.execute(stmt):
                totals[key] = totals.get(key, 0) + int(n)
                spellings.setdefault(key, []).append((int(n), label))

        def label_of(key: str) -> str:
            # Most used; on a tie the capitalised one ("Climate" over "climate"), then any.
            return max(spellings[key], key=lambda s: (s[0], s[1][:1].isupper(), s[1]))[1]

        ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [FilterChoice(key, label_of(key), n) for key, n in ordered]

    def source_choices(self) -> list[FilterChoice]:
        """Every source that has articles, by title."""
        stmt = (
            select(sources.c.id, sources.c.title, sources.c.feed_url, func.count(articles.c.id))
            .join(articles, articles.c.source_id == sources.c.id)
            .group_by(sources.c.id, sources.c.title, sources.c.feed_url)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        choices = [FilterChoice(str(r[0]), (r[1] or "").strip() or r[2], int(r[3])) for r in rows]
        return sorted(choices, key=lambda c: (c.label.casefold(), c.value))

    def filtered_articles(
        self,
        limit: int,
        before: Cursor | None = None,
        source_id: int | None = None,
        language: str | None = None,
        topic: str | None = None,
    ) -> list[Article]:
        """Newest first, keyset-paginated on (sort_time, id), optionally by source, language
        and topic."""
        stmt = select(articles).where(*_article_filter(source_id, language, topic))
        if before is not None:
            stmt = stmt.where(
                or_(
                    articles.c.sort_time < before.sort_time,
                    and_(articles.c.sort_time == before.sort_time, articles.c.id < before.id),
                )
            )
        stmt = stmt.order_by(articles.c.sort_time.desc(), articles.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [article_from_row(r) for r in conn.execute(stmt).mappings()]

    def search_newest(self, query: str, limit: int) -> list[Article]:
        """The newest `limit` matches of a search query (operators honoured), newest first.

        A saved search's feed wants the latest matches, not the most relevant ones: ranking
        by relevance would hide a new article behind older, better-matching ones.
        """
        from progleton.store.sql import SQLStore, typed  # sql.py imports this module

        q = parse_query(query)
        if not q.has_text and not (q.source or q.author or q.before or q.after):
            return []
        where, params = SQLStore._filters(q)
        params["limit"] = limit
        if not q.has_text:
            base = "FROM articles a WHERE 1=1"
        else:
            # Text matches: the most recently stored SEARCH_CANDIDATES first (the index walks
            # ids cheaply), then newest by time among them, so a word in most articles does
            # not sort every article.
            params["cap"] = max(SEARCH_CANDIDATES, limit)
            if self.engine.dialect.name == "postgresql":
                from progleton.store.postgres import tsquery_sql

                tsquery = tsquery_sql(q, params)
                inner = (
                    f"SELECT a.id FROM articles a, (SELECT {tsquery} AS q) tq "
                    f"WHERE a.search @@ tq.q {where} ORDER BY a.id DESC LIMIT :cap"
                )
            else:
                params["match"] = q.fts5()
                inner = (
                    "SELECT articles_fts.rowid AS id FROM articles_fts "
                    "JOIN articles a ON a.id = articles_fts.rowid "
                    f"WHERE articles_fts MATCH :match {where} "
                    "ORDER BY articles_fts.rowid DESC LIMIT :cap"
                )
            base = f"FROM ({inner}) c JOIN articles a ON a.id = c.id WHERE 1=1"
            where = ""
        sql = f"SELECT {_COLUMNS} {base} {where} ORDER BY a.sort_time DESC, a.id DESC LIMIT :limit"
        with self.engine.connect() as conn:
            return [article_from_row(r) for r in conn.execute(typed(sql), params).mappings()]
