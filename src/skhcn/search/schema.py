"""Raw SQL of the full-text part of the index, per database (migration 0001 has a frozen copy).

Only constant names are interpolated into these statements.
"""
# ruff: noqa: S608

TABLE = "site_search_articlesearchentry"
FTS = "site_search_fts"

SQLITE_CREATE = [
    # Text is folded before it is stored, so the tokenizer has no accents left to remove.
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(
        folded_title, folded_body, content='{TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='2 3'
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS}(rowid, folded_title, folded_body)
        VALUES (new.id, new.folded_title, new.folded_body);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, folded_title, folded_body)
        VALUES ('delete', old.id, old.folded_title, old.folded_body);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS}({FTS}, rowid, folded_title, folded_body)
        VALUES ('delete', old.id, old.folded_title, old.folded_body);
        INSERT INTO {FTS}(rowid, folded_title, folded_body)
        VALUES (new.id, new.folded_title, new.folded_body);
    END""",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TABLE IF EXISTS {FTS}",
]
SQLITE_REBUILD = f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"

POSTGRES_CREATE = [
    # Title words weigh 'A', the rest 'B' (ts_rank: 1.0 vs 0.4). 'simple': no stemming, no stop words.
    f"""ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, folded_title), 'A')
        || setweight(to_tsvector('simple'::regconfig, folded_body), 'B')
    ) STORED""",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_vector_gin ON {TABLE} USING gin (search_vector)",
]
POSTGRES_DROP = [
    f"DROP INDEX IF EXISTS {TABLE}_vector_gin",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]


def _postgres_ready(cursor) -> bool:
    cursor.execute(
        "SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexname = %s", [TABLE, f"{TABLE}_vector_gin"]
    )
    return cursor.fetchone()[0] == 1


def create(connection) -> None:
    """Create whatever is missing of the full-text part on ``connection`` (idempotent)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            statements = SQLITE_CREATE
        elif connection.vendor == "postgresql" and not _postgres_ready(cursor):
            # (checked first: ALTER TABLE fails inside a transaction with pending deferred constraint checks)
            statements = POSTGRES_CREATE
        else:
            statements = []
        for statement in statements:
            cursor.execute(statement)
