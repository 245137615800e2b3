"""Store side of stories: pending articles, the clusterer's state, placements and summaries.

The story stage reads articles not yet placed (`story_id IS NULL`), places them with the
clusterer, then calls `save_clustering` once per batch: placements, merges, every touched
story's summary and the clusterer's state are written in one transaction. A crash mid-batch
leaves the batch unplaced and the state as it was, so the next run redoes exactly that batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, Engine, RowMapping, bindparam, delete, func, insert, select
from sqlalchemy import update as sql_update

from progleton.models import Article, Story, utcnow
from progleton.store.rows import article_from_row
from progleton.store.schema import articles, cluster_state, dedupe_queue, stories
from progleton.stories.summary import Member, summarize

_STATE_ROW = 1
# An article still queued for the near-duplicate stage may turn out to be a copy, which
# joins its original's story instead of being clustered on its own.
_queued = select(dedupe_queue.c.article_id).where(dedupe_queue.c.article_id == articles.c.id)


def story_from_row(row: RowMapping) -> Story:
    """A `Story` from a row of `stories`."""
    return Story(
        id=row["id"],
        title=row["title"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        article_count=row["article_count"],
        publisher_count=row["publisher_count"],
        publishers=json.loads(row["publishers"] or "[]"),
        first_article_id=row["first_article_id"],
        lead_article_id=row["lead_article_id"],
        recent_count=row["recent_count"],
    )


class StoriesMixin:
    """Story persistence for `SQLStore`."""

    engine: Engine

    # -- the story stage -----------------------------------------------------------------
    def unclustered_articles(self, limit: int) -> list[Article]:
        """Articles not yet placed in a story, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles)
                .where(articles.c.story_id.is_(None), ~_queued.exists())
                .order_by(articles.c.sort_time, articles.c.id)
                .limit(limit)
            ).mappings()
            return [article_from_row(r) for r in rows]

    def count_unclustered(self) -> int:
        """Articles waiting for the story stage (once the near-duplicate stage placed them)."""
        with self.engine.connect() as conn:
            stmt = (
                select(func.count())
                .select_from(articles)
                .where(articles.c.story_id.is_(None), ~_queued.exists())
            )
            return int(conn.execute(stmt).scalar_one())

    def story_of(self, article_ids: Iterable[int]) -> dict[int, int]:
        """The story of each given article that has one."""
        ids = list(set(article_ids))
        out: dict[int, int] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    select(articles.c.id, articles.c.story_id).where(
                        articles.c.id.in_(ids[start : start + 500]),
                        articles.c.story_id.is_not(None),
                    )
                )
                out.update((r.id, r.story_id) for r in rows)
        return out

    def load_cluster_state(self) -> bytes | None:
        """The clusterer's saved state, if any."""
        with self.engine.connect() as conn:
            blob = conn.execute(
                select(cluster_state.c.state).where(cluster_state.c.id == _STATE_ROW)
            ).scalar()
        return bytes(blob) if blob is not None else None

    def save_clustering(
        self,
        placements: list[tuple[int, int]],
        merges: list[tuple[int, int]],
        state: bytes,
    ) -> None:
        """Write (article, story) placements, story merges, summaries and state atomically."""
        now = utcnow()
        with self.engine.begin() as conn:
            touched: set[int] = set()
            if placements:
                conn.execute(
                    sql_update(articles)
                    .where(articles.c.id == bindparam("aid"))
                    .values(story_id=bindparam("sid")),
                    [{"aid": a, "sid": s} for a, s in placements],
                )
                touched.update(s for _, s in placements)
            # After the placements: an article placed in a story merged in the same batch
            # follows it.
            for absorbed, into in merges:
                conn.execute(
                    sql_update(articles)
                    .where(articles.c.story_id == absorbed)
                    .values(story_id=into)
                )
                conn.execute(delete(stories).where(stories.c.id == absorbed))
                touched.discard(absorbed)
                touched.add(into)
            for story_id in sorted(touched):
                self._resummarize(conn, story_id)
            updated = conn.execute(
                sql_update(cluster_state)
                .where(cluster_state.c.id == _STATE_ROW)
                .values(state=state, updated_at=now)
            ).rowcount
            if not updated:
                conn.execute(
                    insert(cluster_state).values(id=_STATE_ROW, state=state, updated_at=now)
                )

    @staticmethod
    def _resummarize(conn: Connection, story_id: int) -> None:
        rows = conn.execute(
            select(
                articles.c.id,
                articles.c.title,
                articles.c.publisher,
                articles.c.sort_time,
                func.length(articles.c.body).label("chars"),
                articles.c.duplicate_of,
            ).where(articles.c.story_id == story_id)
        ).all()
        if not rows:
            conn.execute(delete(stories).where(stories.c.id == story_id))
            return
        s = summarize(
            [
                Member(r.id, r.title or "", r.publisher or "", r.sort_time, r.chars or 0,
                       r.duplicate_of)
                for r in rows
            ]
        )  # fmt: skip
        values = {
            "title": s.title,
            "first_seen": s.first_seen,
            "last_seen": s.last_seen,
            "article_count": s.article_count,
            "publisher_count": s.publisher_count,
            "publishers": json.dumps(s.publishers, ensure_ascii=False),
            "first_article_id": s.first_article_id,
            "lead_article_id": s.lead_article_id,
            "recent_count": s.recent_count,
        }
        updated = conn.execute(
            sql_update(stories).where(stories.c.id == story_id).values(**values)
        ).rowcount
        if not updated:
            conn.execute(insert(stories).values(id=story_id, **values))

    # -- reading -------------------------------------------------------------------------
    def recent_stories(self, limit: int) -> list[Story]:
        """Stories by their latest article, newest first (ranking candidates)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(stories)
                .order_by(stories.c.last_seen.desc(), stories.c.id.desc())
                .limit(limit)
            ).mappings()
            return [story_from_row(r) for r in rows]

    def get_story(self, story_id: int) -> Story | None:
        """One story by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(stories).where(stories.c.id == story_id)).mappings().first()
        return story_from_row(row) if row else None

    def story_articles(self, story_id: int, limit: int = 500, offset: int = 0) -> list[Article]:
        """A story's articles in time order (earliest first), `offset` of them skipped."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles)
                .where(articles.c.story_id == story_id)
                .order_by(articles.c.sort_time, articles.c.id)
                .limit(limit)
                .offset(offset)
            ).mappings()
            return [article_from_row(r) for r in rows]

    def count_story_copies(self, story_id: int) -> int:
        """How many of a story's articles are syndicated copies of another stored article."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(articles)
                    .where(articles.c.story_id == story_id, articles.c.duplicate_of.is_not(None))
                ).scalar_one()
            )

    def get_articles(self, article_ids: Iterable[int]) -> dict[int, Article]:
        """Several articles by id (missing ids are left out)."""
        ids = list(set(article_ids))
        out: dict[int, Article] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    select(articles).where(articles.c.id.in_(ids[start : start + 500]))
                ).mappings()
                out.update((r["id"], article_from_row(r)) for r in rows)
        return out

    def count_stories(self) -> int:
        """Number of stories."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(stories)).scalar_one())
