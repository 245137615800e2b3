"""Run Alembic migrations programmatically on an open connection."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    """Alembic config pointing at the bundled migration scripts."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revisions() -> frozenset[str]:
    """The newest revision of every migration branch bundled with this version."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema (no-op when already there).

    Upgrades to every head, so independent stages may each add a migration branching
    from the same parent; Alembic applies them in dependency order.
    """
    cfg = alembic_config()
    if current_revisions(engine) == head_revisions():
        return
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several crawl workers may start at once against one database: one migrates,
            # the others wait for it here and then find nothing left to do.
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7262013)")
            if frozenset(MigrationContext.configure(conn).get_current_heads()) == (
                head_revisions()
            ):
                return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def current_revisions(engine: Engine) -> frozenset[str]:
    """The schema revisions (one per branch) the database is at."""
    with engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at, when it is on a single branch."""
    heads = current_revisions(engine)
    if len(heads) > 1:
        raise RuntimeError(f"database is at several heads: {sorted(heads)}")
    return next(iter(heads), None)
