"""Rows to models, shared by the store's modules."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.dialects import sqlite as sqlite_dialect

from progleton.models import Article
from progleton.store.schema import UTCDateTime

_UTC = UTCDateTime()
_DIALECT = sqlite_dialect.dialect()


def as_utc(value: Any) -> datetime | None:
    """Rows from raw `text()` queries bypass the column type; convert their datetimes too."""
    return _UTC.process_result_value(value, _DIALECT)


def article_from_row(row: RowMapping) -> Article:
    """An `Article` from a row of `articles` (all columns)."""
    body: str = row["body"] or ""
    return Article(
        id=row["id"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        title=row["title"],
        authors=json.loads(row["authors"] or "[]"),
        published=as_utc(row["published"]),
        fetched_at=as_utc(row["fetched_at"]),
        language=row["language"],
        image=row["image"],
        publisher=row["publisher"],
        description=row["description"],
        paragraphs=[p for p in body.split("\n\n") if p],
        source_id=row["source_id"],
        access=row["access"],
        duplicate_of=row["duplicate_of"],
        credit=row["credit"],
        story_id=row["story_id"],
    )
