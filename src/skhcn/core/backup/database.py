"""Database snapshot and restore: SQLite through its online backup API, PostgreSQL through pg_dump / pg_restore.

A snapshot is one consistent view of the database: the dump, its table row counts, its applied migrations and the
stored-file names its rows reference are all read from that same view (SQLite: the copied file; PostgreSQL: the
exported snapshot pg_dump also uses), so the backup knows exactly which files the dump needs.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections import defaultdict
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from .archive import fsync_path, remove_quietly, replace_file
from .errors import BackupError
from .files import ReferenceColumn

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
MEMBERS = {SQLITE: "database/db.sqlite3", POSTGRESQL: "database/db.pgdump"}
VENDOR_NAMES = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
# libpq environment variables for the OPTIONS Django passes to psycopg.
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
PG_TOOL_TIMEOUT = 6 * 3600


@dataclass
class Snapshot:
    vendor: str
    path: Path
    server_version: str
    tables: dict[str, int]
    migrations: dict[str, list[str]]
    # (storage alias, stored name) -> the first row naming it, e.g. "dossiers.DossierFile.stored_name #12".
    references: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def member(self) -> str:
        return MEMBERS[self.vendor]


def connection():
    return connections[DEFAULT_DB_ALIAS]


def vendor() -> str:
    found = connection().vendor
    if found not in MEMBERS:
        raise BackupError(f"Chưa hỗ trợ sao lưu, khôi phục cơ sở dữ liệu loại {found}.", "config")
    return found


def take_snapshot(destination: Path, columns: list[ReferenceColumn]) -> Snapshot:
    """Dump the database to ``destination`` (a new file) and read what the dump holds."""
    if vendor() == SQLITE:
        return _sqlite_snapshot(destination, columns)
    return _postgres_snapshot(destination, columns)


# --- SQLite ---------------------------------------------------------------------------------------------------------


def sqlite_path() -> Path | None:
    """The database file, or None for an in-memory database."""
    name = str(connection().settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        return None
    return Path(name)


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_snapshot(destination: Path, columns) -> Snapshot:
    conn = connection()
    conn.ensure_connection()
    # One step (pages=-1) under one read transaction: a consistent copy; writers go on meanwhile (WAL mode).
    with closing(sqlite3.connect(destination)) as target:
        conn.connection.backup(target)
        # A self-contained file: no -wal companion needed to read it (the server turns WAL back on).
        target.execute("PRAGMA journal_mode=DELETE")
    with closing(_sqlite_read_only(destination)) as snapshot:
        tables, migrations = _sqlite_contents(snapshot)
        references = {}
        for column in columns:
            if column.table not in tables:
                continue  # not migrated yet: no rows
            rows = snapshot.execute(
                f"SELECT {_sqlite_quote(column.pk_column)}, {_sqlite_quote(column.column)} "  # noqa: S608 - model names
                f"FROM {_sqlite_quote(column.table)} "
                f"WHERE {_sqlite_quote(column.column)} IS NOT NULL AND {_sqlite_quote(column.column)} <> ''"
            )
            for pk, name in rows:
                references.setdefault((column.alias, name), f"{column.label} #{pk}")
    return Snapshot(SQLITE, destination, sqlite3.sqlite_version, tables, migrations, references)


def _sqlite_read_only(path: Path) -> sqlite3.Connection:
    # immutable=1: read the file as it is, without locks or journal files (nobody else has it open).
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def _sqlite_contents(snapshot: sqlite3.Connection) -> tuple[dict[str, int], dict[str, list[str]]]:
    names = [
        row[0]
        for row in snapshot.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        )
    ]
    tables = {
        name: snapshot.execute(f"SELECT count(*) FROM {_sqlite_quote(name)}").fetchone()[0]  # noqa: S608
        for name in names
    }
    migrations = defaultdict(list)
    if "django_migrations" in tables:
        for app, name in snapshot.execute("SELECT app, name FROM django_migrations ORDER BY id"):
            migrations[app].append(name)
    return tables, dict(migrations)


def _sqlite_problems(path: Path) -> list[str]:
    if not path.exists() or path.stat().st_size == 0:
        return []
    try:
        with closing(sqlite3.connect(path)) as target:
            count = target.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            ).fetchone()[0]
    except sqlite3.DatabaseError:
        return [f"tệp cơ sở dữ liệu {path} đã có nhưng không đọc được"]
    return [f"cơ sở dữ liệu {path} đã có {count} bảng"] if count else []


# --- PostgreSQL -----------------------------------------------------------------------------------------------------


def pg_environment() -> dict[str, str]:
    """The connection of the ``default`` database for libpq tools (the password never goes on a command line)."""
    params = connection().settings_dict
    env = dict(os.environ)
    for key, variable in (("NAME", "PGDATABASE"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if params.get(key):
            env[variable] = str(params[key])
    if params.get("HOST"):
        env["PGHOST"] = str(params["HOST"])
    if params.get("PORT"):
        env["PGPORT"] = str(params["PORT"])
    for option, variable in _PG_OPTION_ENV.items():
        if params.get("OPTIONS", {}).get(option) not in (None, ""):
            env[variable] = str(params["OPTIONS"][option])
    return env


def pg_tool(name: str) -> str:
    folder = settings.BACKUP_PG_BIN_DIR
    found = os.path.join(folder, name) if folder else shutil.which(name)
    if not found or not os.access(found, os.X_OK):
        raise BackupError(
            f"Không tìm thấy chương trình {name} (gói postgresql-client). Hãy cài gói này hoặc đặt BACKUP_PG_BIN_DIR "
            "là thư mục chứa nó.",
            "config",
        )
    return found


def _pg_failure(tool: str, result) -> BackupError:
    detail = (result.stderr or b"").decode("utf-8", "replace").strip().splitlines()
    return BackupError(f"{tool} báo lỗi: {' / '.join(detail[-3:]) or f'mã thoát {result.returncode}'}", "database")


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_PG_TABLES = (
    "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2"
)


def _postgres_snapshot(destination: Path, columns) -> Snapshot:
    conn = connection()
    pg_dump = pg_tool("pg_dump")
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        # pg_dump reads the very snapshot this transaction holds, so both see the same rows.
        result = subprocess.run(  # noqa: S603 - fixed arguments
            [pg_dump, "--format=custom", f"--snapshot={snapshot_id}", "--no-password", f"--file={destination}"],
            env=pg_environment(),
            capture_output=True,
            timeout=PG_TOOL_TIMEOUT,
            check=False,
        )
        if result.returncode != 0:
            raise _pg_failure("pg_dump", result)
        cursor.execute(_PG_TABLES)
        names = cursor.fetchall()
        tables = {}
        for schema, table in names:
            cursor.execute(f"SELECT count(*) FROM {_pg_quote(schema)}.{_pg_quote(table)}")  # noqa: S608
            tables[f"{schema}.{table}"] = cursor.fetchone()[0]
        migrations = defaultdict(list)
        cursor.execute("SELECT to_regclass('django_migrations')")
        if cursor.fetchone()[0] is not None:
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
            for app, name in cursor.fetchall():
                migrations[app].append(name)
        references = {}
        for column in columns:
            cursor.execute("SELECT to_regclass(%s)", [_pg_quote(column.table)])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(
                f"SELECT {_pg_quote(column.pk_column)}, {_pg_quote(column.column)} "  # noqa: S608 - model names
                f"FROM {_pg_quote(column.table)} "
                f"WHERE {_pg_quote(column.column)} IS NOT NULL AND {_pg_quote(column.column)} <> ''"
            )
            for pk, name in cursor.fetchall():
                references.setdefault((column.alias, name), f"{column.label} #{pk}")
        server_version = str(conn.pg_version)
    fsync_path(destination)
    return Snapshot(POSTGRESQL, destination, server_version, tables, dict(migrations), references)


def _postgres_problems() -> list[str]:
    conn = connection()
    name = conn.settings_dict["NAME"]
    try:
        with conn.cursor() as cursor:
            cursor.execute(_PG_TABLES)
            count = len(cursor.fetchall())
    except DatabaseError as exc:
        raise BackupError(
            f"Không kết nối được cơ sở dữ liệu PostgreSQL “{name}” ({exc}). Hãy tạo một cơ sở dữ liệu trống "
            "(createdb) và đặt DATABASE_URL trỏ tới nó. Không có gì bị thay đổi.",
            "database",
        ) from exc
    finally:
        conn.close()
    return [f"cơ sở dữ liệu PostgreSQL “{name}” đã có {count} bảng"] if count else []


def _count_checks(tables: dict[str, int]) -> str:
    """SQL run inside the restore's transaction: a row count that differs from the manifest rolls it all back."""
    lines = ["DO $skhcn_restore_check$ BEGIN"]
    for qualified, expected in sorted(tables.items()):
        schema, _, table = qualified.partition(".")
        relation = f"{_pg_quote(schema)}.{_pg_quote(table)}"
        lines.append(
            f"  IF (SELECT count(*) FROM {relation}) <> {int(expected)} THEN "  # noqa: S608 - quoted names
            f"RAISE EXCEPTION 'skhcn: row count of % differs from the manifest', {_pg_literal(qualified)}; END IF;"
        )
    lines.append("END $skhcn_restore_check$;")
    return "\n".join(lines) + "\n"


def _pg_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --- Restore --------------------------------------------------------------------------------------------------------


def target_problems() -> list[str]:
    """Why the configured database is not an empty restore target (empty list: it is)."""
    if vendor() == SQLITE:
        path = sqlite_path()
        if path is None:
            raise BackupError("Không khôi phục được vào cơ sở dữ liệu SQLite trong bộ nhớ.", "config")
        return _sqlite_problems(path)
    return _postgres_problems()


class StagedDatabase:
    """The database member extracted and checked; ``commit()`` puts it in place, ``discard()`` forgets it."""

    def __init__(self, reader, entry: dict, workdir: Path):
        self.vendor = entry["vendor"]
        self.entry = entry
        if self.vendor == SQLITE:
            self.target = sqlite_path()
            # Next to the target: the final rename stays on one file system.
            self.path = self.target.with_name(f".{self.target.name}.restoring")
            remove_quietly(self.path)
            self.target.parent.mkdir(parents=True, exist_ok=True)
        else:
            # Found before anything is written: a missing client tool refuses the restore up front.
            self.tools = pg_tool("pg_restore"), pg_tool("psql")
            self.path = workdir / "db.pgdump"
        size, sha256 = reader.extract_to(entry["member"], self.path)
        if size != entry["size"] or sha256 != entry["sha256"]:
            self.discard()
            raise BackupError(
                "Bản cơ sở dữ liệu ghi ra đĩa có mã kiểm tra SHA-256 khác với bản kê (lỗi ổ đĩa?). "
                "Không có gì bị thay đổi.",
                "checksum",
            )
        if self.vendor == SQLITE:
            self._check_sqlite()

    def _check_sqlite(self) -> None:
        try:
            with closing(_sqlite_read_only(self.path)) as restored:
                tables, migrations = _sqlite_contents(restored)
        except sqlite3.DatabaseError as exc:
            self.discard()
            raise BackupError(f"Bản cơ sở dữ liệu SQLite không đọc được ({exc}).", "corrupt") from exc
        if tables != self.entry["tables"] or migrations != self.entry["migrations"]:
            self.discard()
            raise BackupError(
                "Số dòng các bảng của bản cơ sở dữ liệu khác với bản kê manifest.json. Không có gì bị thay đổi.",
                "checksum",
            )

    def commit(self) -> None:
        if self.vendor == SQLITE:
            # The target was checked empty: journal files left by an empty database must not meet the new file.
            for suffix in ("-wal", "-shm", "-journal"):
                remove_quietly(self.target.with_name(self.target.name + suffix))
            replace_file(self.path, self.target)
            return
        self._pg_restore()

    def _pg_restore(self) -> None:
        """pg_restore's script through psql in ONE transaction, row counts checked before it commits."""
        env = pg_environment()
        connection().close()
        with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
            producer = subprocess.Popen(  # noqa: S603 - fixed arguments
                [self.tools[0], "--no-owner", "--no-privileges", "--file=-", str(self.path)],
                stdout=subprocess.PIPE,
                stderr=restore_errors,
                env=env,
            )
            consumer = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    self.tools[1],
                    "-X",
                    "-q",
                    "--no-password",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "--single-transaction",
                    "--file=-",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=psql_errors,
                env=env,
            )
            broken_pipe = False
            try:
                try:
                    shutil.copyfileobj(producer.stdout, consumer.stdin, 1024 * 1024)
                    producer.wait(PG_TOOL_TIMEOUT)
                    if producer.returncode == 0:
                        consumer.stdin.write(_count_checks(self.entry["tables"]).encode())
                    else:
                        # Ends psql's transaction with an error: nothing is kept.
                        consumer.stdin.write(b"SELECT skhcn_restore_failed();\n")
                    consumer.stdin.close()
                except BrokenPipeError:  # psql stopped at an error (and rolled back)
                    broken_pipe = True
                    producer.kill()
                    with suppress(OSError):
                        consumer.stdin.close()
                finally:
                    producer.stdout.close()
                consumer.wait(PG_TOOL_TIMEOUT)
                producer.wait(PG_TOOL_TIMEOUT)
            except BaseException:
                for process in (producer, consumer):
                    process.kill()
                    process.wait()
                raise
            if producer.returncode != 0 and not broken_pipe:
                restore_errors.seek(0)
                raise _pg_failure("pg_restore", subprocess.CompletedProcess([], 1, b"", restore_errors.read()))
            if consumer.returncode != 0:
                psql_errors.seek(0)
                raise _pg_failure("psql", subprocess.CompletedProcess([], 1, b"", psql_errors.read()))

    def discard(self) -> None:
        remove_quietly(self.path)
