"""Article topics in the store: written with the article, read per article, filtered by key.

Topics arrive cleaned (`progleton.extract.topics`); they are cleaned again here because the
store is the last line before the database. An article keeps at most `MAX_TOPICS`; storing it
again (a re-run, the same page from another feed) adds the topics it does not have yet, up
to that cap, and never duplicates one.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from progleton.extract.topics import MAX_TOPICS, normalize_topics, topic_key
from progleton.store.schema import article_topics, articles


def topic_condition(topic: str) -> ColumnElement[bool]:
    """Articles labelled with `topic` (any spelling of it)."""
    key = topic_key(topic)
    tagged = select(article_topics.c.article_id).where(article_topics.c.topic_key == key)
    return articles.c.id.in_(tagged)


def add_topics(conn: Connection, article_id: int, topics: Iterable[str]) -> int:
    """Give an article the topics it lacks (up to `MAX_TOPICS` in all); how many were added.

    Runs in the caller's transaction, so topics are stored with the article or not at all.
    """
    labels = normalize_topics(topics)
    if not labels:
        return 0
    have = set(
        conn.execute(
            select(article_topics.c.topic_key).where(article_topics.c.article_id == article_id)
        ).scalars()
    )
    rows = []
    for label in labels:
        key = topic_key(label)
        if key in have or len(have) >= MAX_TOPICS:
            continue
        have.add(key)
        rows.append({"article_id": article_id, "topic_key": key, "topic": label})
    if not rows:
        return 0
    # Another worker may add the same topic at the same moment: the first row wins.
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(article_topics).on_conflict_do_nothing(), rows)
    return len(rows)


class TopicsMixin:
    """Per-article topic reads for `SQLStore`."""

    engine: Engine

    def topics_of(self, article_ids: Iterable[int]) -> dict[int, list[str]]:
        """Each given article's topics (articles without any are left out), by key."""
        ids = sorted(set(article_ids))
        out: dict[int, list[tuple[str, str]]] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    select(
                        article_topics.c.article_id,
                        article_topics.c.topic_key,
                        article_topics.c.topic,
                    ).where(article_topics.c.article_id.in_(ids[start : start + 500]))
                )
                for article_id, key, label in rows:
                    out.setdefault(article_id, []).append((key, label))
        # Sorted here rather than in SQL: the same order whatever the database's collation.
        return {a: [label for _key, label in sorted(pairs)] for a, pairs in out.items()}
