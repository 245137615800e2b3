"""Store side of "same article": the near-duplicate index, copies and headline history.

Storing an article keeps its body's shingles and queues it (`dedupe_queue`); the crawl's
storing transaction does nothing more, so a crawl is never slowed by comparisons. The
near-duplicate stage (`place_copies`, run before the story stage) then takes queued articles
in the order they were stored: each is compared with the placed ones sharing an LSH band
(exact shingle containment, `progleton.dedupe.near`), folded under its original when it is a
copy, and its band keys indexed, one transaction per batch. The earliest version of a text
is the original; every later one points at it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update

from progleton.dedupe.near import (
    MIN_WORDS,
    Fingerprint,
    band_keys,
    decode_shingles,
    encode_shingles,
    overlap,
    signature_of,
)
from progleton.models import Article, TitleRevision, utcnow
from progleton.store.rows import article_from_row
from progleton.store.schema import (
    article_bands,
    article_fingerprints,
    article_titles,
    articles,
    dedupe_queue,
    feed_entries,
)
from progleton.store.topicdb import add_topics

#: Candidates checked per new article (those sharing the most bands): bounds the cost of a
#: text that shares boilerplate-like passages with thousands of stored ones.
MAX_CANDIDATES = 16
# Built once: the storing path runs them per article (see store/sql.py).
_INSERT_FINGERPRINT = insert(article_fingerprints)
_QUEUE_COPY_CHECK = insert(dedupe_queue)
#: Rows read per band key (the newest articles carrying it).
PER_BAND = 64


class CopiesMixin:
    """Near-duplicate placement, copies listing and title revisions for `SQLStore`."""

    engine: Engine

    # -- placement (the near-duplicate stage) --------------------------------------------
    def place_copies(self, limit: int) -> tuple[int, int]:
        """Place up to `limit` queued articles, oldest stored first, in one transaction.

        Returns (articles placed, of which copies). Idempotent and resumable: an article
        leaves the queue in the transaction that places it.
        """
        placed = copies = 0
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(
                    dedupe_queue.c.article_id,
                    articles.c.content_hash,
                    articles.c.sort_time,
                    article_fingerprints.c.words,
                    article_fingerprints.c.shingles,
                )
                .join(articles, articles.c.id == dedupe_queue.c.article_id)
                .join(
                    article_fingerprints,
                    article_fingerprints.c.article_id == dedupe_queue.c.article_id,
                    isouter=True,
                )
                .order_by(dedupe_queue.c.article_id)
                .limit(limit)
            ).all()
            for row in rows:
                queued = dedupe_queue.c.article_id == row.article_id
                conn.execute(delete(dedupe_queue).where(queued))
                fp = _queued_fingerprint(row.content_hash, row.words, row.shingles)
                original = self._original_of(conn, row.article_id, fp)
                if original is not None and original[0] != row.article_id:
                    self._fold_copy(conn, row.article_id, original[0], row.sort_time)
                    copies += 1
                if fp.comparable:
                    conn.execute(
                        insert(article_bands),
                        [{"band": b, "article_id": row.article_id} for b in sorted(set(fp.bands))],
                    )
                placed += 1
        return placed, copies

    def count_unplaced(self) -> int:
        """Articles waiting for the near-duplicate stage."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(dedupe_queue)).scalar_one())

    @staticmethod
    def _original_of(
        conn: Connection, article_id: int, fp: Fingerprint
    ) -> tuple[int, float] | None:
        """The placed original a body copies, with its containment, if any."""
        if fp.content_hash and fp.words > 0:
            queued = select(dedupe_queue.c.article_id).where(
                dedupe_queue.c.article_id == articles.c.id
            )
            row = conn.execute(
                select(articles.c.id, articles.c.duplicate_of)
                .where(
                    articles.c.content_hash == fp.content_hash,
                    articles.c.id != article_id,
                    ~queued.exists(),
                )
                .order_by(articles.c.sort_time, articles.c.id)
                .limit(1)
            ).first()
            if row is not None:
                return (row.duplicate_of or row.id), 1.0
        if not fp.comparable:
            return None
        # Each band is looked up in its newest PER_BAND rows only (an index range scan): a
        # band shared by thousands of articles (a template passage) then costs no more than
        # a rare one. A copy shares most of its original's bands, unrelated texts a few, so
        # only the candidates sharing the most bands are checked. Only placed articles have
        # band rows, so a text is only ever compared with earlier ones.
        params = {f"b{i}": band for i, band in enumerate(sorted(set(fp.bands)))}
        per_band = " UNION ALL ".join(
            f"SELECT article_id FROM (SELECT article_id FROM article_bands WHERE band = :{name} "
            f"ORDER BY article_id DESC LIMIT {PER_BAND}) AS b{i}"
            for i, name in enumerate(params)
        )
        hits: Counter[int] = Counter(r[0] for r in conn.execute(text(per_band), params))
        ids = [a for a, _n in sorted(hits.items(), key=lambda kv: (-kv[1], -kv[0]))]
        ids = ids[:MAX_CANDIDATES]
        if not ids:
            return None
        best: tuple[int, float] | None = None
        rows = conn.execute(
            select(
                article_fingerprints.c.article_id,
                article_fingerprints.c.words,
                article_fingerprints.c.shingles,
                articles.c.duplicate_of,
            )
            .join(articles, articles.c.id == article_fingerprints.c.article_id)
            .where(article_fingerprints.c.article_id.in_(ids))
        )
        for cand in rows:
            other = Fingerprint("", cand.words, decode_shingles(cand.shingles), ())
            found = overlap(fp, other)
            if found.is_copy and (best is None or found.containment > best[1]):
                best = (cand.duplicate_of or cand.article_id, found.containment)
        return best

    @staticmethod
    def _fold_copy(conn: Connection, article_id: int, original_id: int, when: datetime) -> int:
        """Point the new article at its original; if it is older, it becomes the original.

        Returns the id the new article ends up pointing at (or its own id when it took over).
        """
        orig = conn.execute(
            select(articles.c.sort_time, articles.c.story_id).where(articles.c.id == original_id)
        ).first()
        if orig is None:
            return article_id
        if when < orig.sort_time:
            # Feeds arrive in any order: the earliest version is the original, whoever
            # was stored first. It joins the group's story, if it has one.
            conn.execute(
                update(articles)
                .where((articles.c.id == original_id) | (articles.c.duplicate_of == original_id))
                .values(duplicate_of=article_id)
            )
            conn.execute(
                update(articles).where(articles.c.id == article_id).values(story_id=orig.story_id)
            )
            return article_id
        conn.execute(
            update(articles).where(articles.c.id == article_id).values(duplicate_of=original_id)
        )
        return original_id

    @staticmethod
    def _keep_fingerprint(conn: Connection, article_id: int, fp: Fingerprint) -> None:
        """Keep a new article's shingles and queue it for the near-duplicate stage."""
        if fp.comparable:
            conn.execute(
                _INSERT_FINGERPRINT,
                {
                    "article_id": article_id,
                    "words": fp.words,
                    "shingles": encode_shingles(fp.shingles),
                },
            )
        if fp.content_hash:
            conn.execute(_QUEUE_COPY_CHECK, {"article_id": article_id})

    # -- reading -------------------------------------------------------------------------
    def copies_of(self, article_id: int) -> list[Article]:
        """Stored copies of an article (it being their original), earliest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(articles)
                .where(articles.c.duplicate_of == article_id)
                .order_by(articles.c.sort_time, articles.c.id)
            ).mappings()
            return [article_from_row(r) for r in rows]

    def title_history(self, article_id: int) -> list[TitleRevision]:
        """Earlier headlines of an article, oldest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(article_titles.c.title, article_titles.c.replaced_at)
                .where(article_titles.c.article_id == article_id)
                .order_by(article_titles.c.id)
            )
            return [TitleRevision(r.title, r.replaced_at) for r in rows]

    # -- headline changes ----------------------------------------------------------------
    def retitled_entries(self, source_id: int, titles: dict[str, str]) -> list[tuple[str, int]]:
        """(guid, article id) of seen entries whose feed title differs from last time."""
        if not titles:
            return []
        out: list[tuple[str, int]] = []
        guids = list(titles)
        with self.engine.connect() as conn:
            for start in range(0, len(guids), 500):
                rows = conn.execute(
                    select(
                        feed_entries.c.guid, feed_entries.c.title, feed_entries.c.article_id
                    ).where(
                        feed_entries.c.source_id == source_id,
                        feed_entries.c.guid.in_(guids[start : start + 500]),
                        feed_entries.c.status == "stored",
                        feed_entries.c.article_id.is_not(None),
                        feed_entries.c.title.is_not(None),
                    )
                )
                for r in rows:
                    new = titles[r.guid].strip()
                    if new and new != r.title:
                        out.append((r.guid, r.article_id))
        return out

    def revise_article(
        self,
        article_id: int,
        article: Article,
        *,
        source_id: int | None = None,
        guid: str | None = None,
        entry_title: str | None = None,
    ) -> bool:
        """Apply a publisher's edit; the previous headline is kept. True if the title changed."""
        now = utcnow()
        with self.engine.begin() as conn:
            current = conn.execute(
                select(articles.c.title, articles.c.body).where(articles.c.id == article_id)
            ).first()
            if current is None:
                return False
            changed = bool(article.title) and article.title != current.title
            values: dict[str, Any] = {}
            if changed:
                conn.execute(
                    insert(article_titles).values(
                        article_id=article_id, title=current.title, replaced_at=now
                    )
                )
                values["title"] = article.title
            if article.paragraphs and article.text != current.body:
                values["body"] = article.text
            if values:
                conn.execute(update(articles).where(articles.c.id == article_id).values(**values))
            add_topics(conn, article_id, article.topics)
            if source_id is not None and guid is not None and entry_title is not None:
                conn.execute(
                    update(feed_entries)
                    .where(feed_entries.c.source_id == source_id, feed_entries.c.guid == guid)
                    .values(title=entry_title)
                )
        return changed


def _queued_fingerprint(
    content_hash: str | None, words: int | None, blob: bytes | None
) -> Fingerprint:
    """A queued article's fingerprint, rebuilt from what storing kept (bands from shingles)."""
    if blob is None or not words:
        return Fingerprint(content_hash or "", 1 if content_hash else 0, frozenset(), ())
    shingles = decode_shingles(blob)
    bands: tuple[int, ...] = ()
    if words >= MIN_WORDS:
        bands = band_keys(signature_of(np.array(sorted(shingles), dtype=np.uint64)))
    return Fingerprint(content_hash or "", words, shingles, bands)
