"""Store side of the WARC backfill: one checkpoint row per archive file.

A checkpoint names the byte offset of the first record whose articles are not yet committed,
and whether the file is finished. The backfill driver advances it after each batch's articles
are stored, so an interrupted run resumes after the last committed batch; counters add up over
runs. Portable SQLAlchemy Core: the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, RowMapping, insert, select, update
from sqlalchemy.exc import IntegrityError

from progleton.models import utcnow
from progleton.store.schema import warc_checkpoints


@dataclass(frozen=True, slots=True)
class WarcCheckpoint:
    """How far a backfill got through one archive file."""

    path: str
    next_offset: int  # first record not yet committed (a record boundary)
    done: bool
    records: int = 0
    kept: int = 0
    stored: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    started_at: datetime | None = None
    updated_at: datetime | None = None


def _checkpoint(row: RowMapping) -> WarcCheckpoint:
    return WarcCheckpoint(
        path=row["path"],
        next_offset=int(row["next_offset"]),
        done=bool(row["done"]),
        records=int(row["records"]),
        kept=int(row["kept"]),
        stored=int(row["stored"]),
        skipped={str(k): int(v) for k, v in json.loads(row["skipped"] or "{}").items()},
        started_at=row["started_at"],
        updated_at=row["updated_at"],
    )


class WarcMixin:
    """WARC backfill checkpoints for `SQLStore`."""

    engine: Engine

    def warc_checkpoint(self, path: str) -> WarcCheckpoint | None:
        """The checkpoint of one archive file, if a backfill has started it."""
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(warc_checkpoints).where(warc_checkpoints.c.path == path))
                .mappings()
                .first()
            )
        return _checkpoint(row) if row else None

    def warc_checkpoints(self) -> list[WarcCheckpoint]:
        """Every archive file a backfill has started, by path."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(warc_checkpoints).order_by(warc_checkpoints.c.path))
            return [_checkpoint(r) for r in rows.mappings()]

    def advance_warc_checkpoint(
        self,
        path: str,
        next_offset: int,
        *,
        done: bool = False,
        records: int = 0,
        kept: int = 0,
        stored: int = 0,
        skipped: Mapping[str, int] | None = None,
    ) -> WarcCheckpoint:
        """Move a file's checkpoint forward and add a batch's counts to it.

        The offset never moves backwards and a finished file stays finished, so replaying an
        old batch (after a crash between its articles and its checkpoint) cannot lose ground.
        """
        now = utcnow()
        for _attempt in range(2):
            with self.engine.begin() as conn:
                row = (
                    conn.execute(select(warc_checkpoints).where(warc_checkpoints.c.path == path))
                    .mappings()
                    .first()
                )
                if row is None:
                    values = {
                        "path": path,
                        "next_offset": next_offset,
                        "done": done,
                        "records": records,
                        "kept": kept,
                        "stored": stored,
                        "skipped": json.dumps(dict(sorted((skipped or {}).items()))),
                        "started_at": now,
                        "updated_at": now,
                    }
                    try:
                        conn.execute(insert(warc_checkpoints).values(**values))
                    except IntegrityError:
                        continue  # another run inserted it first: update theirs instead
                else:
                    merged = json.loads(row["skipped"] or "{}")
                    for reason, n in (skipped or {}).items():
                        merged[reason] = int(merged.get(reason, 0)) + n
                    conn.execute(
                        update(warc_checkpoints)
                        .where(warc_checkpoints.c.id == row["id"])
                        .values(
                            next_offset=max(int(row["next_offset"]), next_offset),
                            done=bool(row["done"]) or done,
                            records=warc_checkpoints.c.records + records,
                            kept=warc_checkpoints.c.kept + kept,
                            stored=warc_checkpoints.c.stored + stored,
                            skipped=json.dumps(dict(sorted(merged.items()))),
                            updated_at=now,
                        )
                    )
            break
        found = self.warc_checkpoint(path)
        assert found is not None
        return found
