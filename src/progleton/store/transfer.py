"""Copy a whole store to another database (SQLite ⇄ PostgreSQL), resumably, then verify it.

Every table of the schema is copied in dependency order with its ids kept, in batches of one
transaction each, ordered by a key column; a re-run continues after the largest key already in
the destination, so an interrupted copy resumes and a finished one copies nothing. At the end
each table's row count and a checksum over all its rows (in key order) are compared between
the two databases. Full-text indexes are the destination's own (SQLite's FTS5 triggers and
PostgreSQL's generated column fill themselves). Stage locks are not copied: they belong to
the processes running on the source.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Integer, String, Table, func, insert, select, text

from progleton.errors import StoreError
from progleton.store.schema import metadata, stage_locks
from progleton.store.sql import SQLStore

DEFAULT_BATCH = 1000


@dataclass(slots=True)
class TableResult:
    """How one table was copied and whether the copy matches."""

    name: str
    source_rows: int = 0
    copied: int = 0  # in this run
    target_rows: int = 0
    source_checksum: str = ""
    target_checksum: str = ""

    @property
    def ok(self) -> bool:
        """Counts and checksums agree."""
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


@dataclass(slots=True)
class TransferReport:
    """The whole copy."""

    tables: list[TableResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every table matches."""
        return all(t.ok for t in self.tables)


def tables_to_copy() -> list[Table]:
    """The schema's tables, parents before children, without process-local state."""
    return [t for t in metadata.sorted_tables if t is not stage_locks]


def _key(table: Table) -> Column[Any]:
    """The integer column batches are ordered and resumed by."""
    pk = list(table.primary_key.columns)
    if len(pk) == 1 and isinstance(pk[0].type, Integer):
        return pk[0]
    if "article_id" in table.c:
        # Composite keys (article_bands): whole articles per batch, so a batch boundary
        # never splits one article's rows and "after the largest article id" resumes.
        return table.c.article_id
    raise StoreError(f"table {table.name} has no integer key to copy it by")


def _canonical(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return repr(value)


def _bytewise(conn: Connection, column: Column[Any]) -> Any:
    """`column` for ORDER BY in code-point order on every backend (text keys such as
    article_topics.topic_key): SQLite compares bytes, PostgreSQL its collation unless told."""
    if conn.dialect.name == "postgresql" and isinstance(column.type, String):
        return column.collate("C")
    return column


def checksum(conn: Connection, table: Table) -> tuple[int, str]:
    """(rows, sha256 over every row in key order) of `table`."""
    key = _key(table)
    cols = list(table.columns)
    order = [key, *[_bytewise(conn, c) for c in table.primary_key.columns if c is not key]]
    digest = hashlib.sha256()
    rows = 0
    result = conn.execution_options(yield_per=2000).execute(select(*cols).order_by(*order))
    for row in result:
        rows += 1
        digest.update("\x1f".join(_canonical(v) for v in row).encode())
        digest.update(b"\x1e")
    return rows, digest.hexdigest()


def _batches(conn: Connection, table: Table, after: int | None, size: int) -> Iterator[list[Any]]:
    key = _key(table)
    cols = list(table.columns)
    pk = list(table.primary_key.columns)
    group = not (len(pk) == 1 and pk[0] is key)
    while True:
        stmt = select(*cols).order_by(key, *table.primary_key.columns)
        if after is not None:
            stmt = stmt.where(key > after)
        if group:
            # Up to `size` distinct keys, all their rows.
            keys = select(key).distinct().order_by(key).limit(size)
            if after is not None:
                keys = keys.where(key > after)
            last = conn.execute(select(func.max(keys.subquery().c[key.name]))).scalar()
            if last is None:
                return
            rows = list(conn.execute(stmt.where(key <= last)))
        else:
            rows = list(conn.execute(stmt.limit(size)))
        if not rows:
            return
        yield rows
        after = rows[-1]._mapping[key.name]


def _reset_sequence(conn: Connection, table: Table) -> None:
    """After explicit ids, PostgreSQL's serial sequence must continue past them."""
    if conn.dialect.name != "postgresql":
        return
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].autoincrement is False:
        return
    conn.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
            f"coalesce((SELECT max({pk[0].name}) FROM {table.name}), 0) + 1, false)"
        )
    )


def copy_store(
    source: SQLStore,
    target: SQLStore,
    *,
    batch: int = DEFAULT_BATCH,
    progress: Callable[[str, int, int], None] | None = None,
) -> TransferReport:
    """Copy every row of `source` into `target` (resuming a partial copy), then verify.

    `progress(table, copied_so_far, total)` is called after each batch.
    """
    report = TransferReport()
    with source.engine.connect() as src:
        for table in tables_to_copy():
            result = TableResult(table.name)
            total = int(src.execute(select(func.count()).select_from(table)).scalar_one())
            with target.engine.connect() as dst:
                after = dst.execute(select(func.max(_key(table)))).scalar()
                done = int(dst.execute(select(func.count()).select_from(table)).scalar_one())
            for rows in _batches(src, table, after, batch):
                with target.engine.begin() as dst:
                    dst.execute(insert(table), [dict(r._mapping) for r in rows])
                result.copied += len(rows)
                if progress:
                    progress(table.name, done + result.copied, total)
            with target.engine.begin() as dst:
                _reset_sequence(dst, table)
            report.tables.append(result)
    return verify(source, target, report)


def verify(
    source: SQLStore, target: SQLStore, report: TransferReport | None = None
) -> TransferReport:
    """Compare row counts and checksums of every table in the two stores."""
    report = report or TransferReport([TableResult(t.name) for t in tables_to_copy()])
    by_name = {t.name: t for t in report.tables}
    with source.engine.connect() as src, target.engine.connect() as dst:
        for table in tables_to_copy():
            result = by_name.setdefault(table.name, TableResult(table.name))
            result.source_rows, result.source_checksum = checksum(src, table)
            result.target_rows, result.target_checksum = checksum(dst, table)
    report.tables = [by_name[t.name] for t in tables_to_copy()]
    return report
