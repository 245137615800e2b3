"""Full-text search over quotes: each quote's words and its speaker's name, whole words.

SQLite: an FTS5 table `quotes_fts` (rowid = quote id; columns `text` and `speaker`, the
speaker being the resolved entity's name and the source as written), kept in step by
triggers on `quotes` and on renamed `entities`, so a quote is indexed in the transaction that
stores it. PostgreSQL: a `quotes.search` tsvector (English stems and exact words of the text,
exact words of the speaker) set by a trigger, with a GIN index. Existing quotes are indexed
here. Every statement can run again (IF NOT EXISTS, CREATE OR REPLACE, a full re-index).

Revision ID: 0010q
Revises: 0009s
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0010q"
down_revision = "0009s"
branch_labels = None
depends_on = None

_SQLITE_SPEAKER = (
    "coalesce((SELECT name FROM entities WHERE id = {row}.entity_id), '') || ' ' || "
    "coalesce({row}.source, '')"
)
_SQLITE_TRIGGERS = {
    "quotes_fts_ai": (
        "AFTER INSERT ON quotes BEGIN "
        "INSERT INTO quotes_fts(rowid, text, speaker) VALUES (new.id, new.text, "
        f"{_SQLITE_SPEAKER.format(row='new')}); END"
    ),
    "quotes_fts_ad": (
        "AFTER DELETE ON quotes BEGIN DELETE FROM quotes_fts WHERE rowid = old.id; END"
    ),
    "quotes_fts_au": (
        "AFTER UPDATE OF text, source, entity_id ON quotes BEGIN "
        "DELETE FROM quotes_fts WHERE rowid = old.id; "
        "INSERT INTO quotes_fts(rowid, text, speaker) VALUES (new.id, new.text, "
        f"{_SQLITE_SPEAKER.format(row='new')}); END"
    ),
    "entities_quotes_fts_au": (
        "AFTER UPDATE OF name ON entities BEGIN "
        "DELETE FROM quotes_fts WHERE rowid IN (SELECT id FROM quotes WHERE entity_id = new.id); "
        "INSERT INTO quotes_fts(rowid, text, speaker) SELECT id, text, "
        "new.name || ' ' || coalesce(source, '') FROM quotes WHERE entity_id = new.id; END"
    ),
}


def _sqlite_upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5("
        "text, speaker, tokenize='unicode61 remove_diacritics 2')"
    )
    for name, body in _SQLITE_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("DELETE FROM quotes_fts")
    op.execute(
        "INSERT INTO quotes_fts(rowid, text, speaker) "
        f"SELECT quotes.id, quotes.text, {_SQLITE_SPEAKER.format(row='quotes')} FROM quotes"
    )


def _postgres_upgrade() -> None:
    op.execute("ALTER TABLE quotes ADD COLUMN IF NOT EXISTS search tsvector")
    op.execute(
        "CREATE OR REPLACE FUNCTION progleton_quote_search() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "NEW.search := to_tsvector('english'::regconfig, coalesce(NEW.text, '')) "
        "|| to_tsvector('simple'::regconfig, coalesce(NEW.text, '')) "
        "|| to_tsvector('simple'::regconfig, "
        "coalesce((SELECT name FROM entities WHERE id = NEW.entity_id), '') || ' ' "
        "|| coalesce(NEW.source, '')); "
        "RETURN NEW; END $$"
    )
    op.execute("DROP TRIGGER IF EXISTS quotes_search ON quotes")
    op.execute(
        "CREATE TRIGGER quotes_search BEFORE INSERT OR UPDATE OF text, source, entity_id "
        "ON quotes FOR EACH ROW EXECUTE FUNCTION progleton_quote_search()"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION progleton_entity_quote_search() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "UPDATE quotes SET entity_id = entity_id WHERE entity_id = NEW.id; "
        "RETURN NULL; END $$"
    )
    op.execute("DROP TRIGGER IF EXISTS entities_quote_search ON entities")
    op.execute(
        "CREATE TRIGGER entities_quote_search AFTER UPDATE OF name ON entities "
        "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) "
        "EXECUTE FUNCTION progleton_entity_quote_search()"
    )
    op.execute("UPDATE quotes SET text = text")  # index what is stored (fires the trigger)
    op.execute("CREATE INDEX IF NOT EXISTS ix_quotes_search ON quotes USING gin (search)")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgres_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_quotes_search")
        op.execute("DROP TRIGGER IF EXISTS entities_quote_search ON entities")
        op.execute("DROP TRIGGER IF EXISTS quotes_search ON quotes")
        op.execute("DROP FUNCTION IF EXISTS progleton_entity_quote_search()")
        op.execute("DROP FUNCTION IF EXISTS progleton_quote_search()")
        op.execute("ALTER TABLE quotes DROP COLUMN IF EXISTS search")
        return
    for name in _SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS quotes_fts")
