"""`make backup` while applicants are submitting dossiers, then `make restore` into a new data folder (and a new
PostgreSQL database): every dossier committed before the backup started, and every file of every restored dossier,
is there and byte-identical. Real processes: the workload (backup_workload.py), make backup, make restore.

The source database is a copy of the test database (SQLite: through the backup API; PostgreSQL: CREATE DATABASE
... TEMPLATE when the tests run on PostgreSQL, else a `migrate` of a new database, which takes about 20 s).
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from collections import defaultdict
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
WORKLOAD = Path(__file__).with_name("backup_workload.py")
# The venv is installed already: a test never lets make reinstall it.
MAKE = ["make", "-s", "-o", ".venv/.installed"]
THREADS = 4
BEFORE_BACKUP = 4
AFTER_BACKUP = 3
DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def _environment(data_dir: Path, database_url: str = "") -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PYTEST") and key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "BACKUP_DIR"}
    }
    env.update(
        SKHCN_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="skhcn.settings",
        PYTHONPATH=str(ROOT / "src"),
        STATIC_MANIFEST="0",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _progress(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


def _wait_for(condition, what: str, process, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the workload stopped early: {process.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dossiers(query) -> tuple[dict[int, str | None], dict[int, set[tuple[str, int, str]]]]:
    """Dossier id -> code (None for drafts), and dossier id -> its files (stored name, size, sha256)."""
    codes = dict(query("SELECT id, code FROM dossiers_dossier"))
    files = defaultdict(set)
    for dossier_id, name, size, sha256 in query(
        "SELECT dossier_id, stored_name, size, sha256 FROM dossiers_dossierfile"
    ):
        files[dossier_id].add((name, size, sha256))
    return codes, files


def _sqlite_query(path: Path):
    def query(sql):
        with closing(sqlite3.connect(path)) as db:
            return db.execute(sql).fetchall()

    return query


def _postgres_query(url: str):
    import psycopg

    def query(sql):
        with psycopg.connect(url) as db:
            return db.execute(sql).fetchall()

    return query


def backup_under_load_then_restore(tmp_path: Path, source_env: dict, target_env: dict) -> dict:
    """Run the workload, `make backup` in its midst, `make restore` into the target; facts for the checks."""
    progress, stop = tmp_path / "progress.jsonl", tmp_path / "stop"
    workload = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, str(WORKLOAD), str(progress), str(stop), str(THREADS)],
        env=source_env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: len(_progress(progress)) >= BEFORE_BACKUP, "the first submissions", workload)
        before = {entry["dossier"] for entry in _progress(progress)}
        backup = subprocess.run(
            [*MAKE, "backup"], env=source_env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert backup.returncode == 0, backup.stdout + backup.stderr
        during = len(_progress(progress)) - len(before)
        _wait_for(lambda: len(_progress(progress)) >= len(before) + during + AFTER_BACKUP, "more submissions", workload)
    finally:
        stop.touch()
        workload.wait(120)
    assert workload.returncode == 0, workload.stderr.read()
    archives = list((Path(source_env["SKHCN_DATA_DIR"]) / "backups").glob("skhcn-*.tar"))
    assert len(archives) == 1, backup.stdout
    restore = subprocess.run(
        [*MAKE, "restore", f"FILE={archives[0]}"], env=target_env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "mọi mã kiểm tra SHA-256 đều khớp" in restore.stdout
    return {"archive": archives[0], "before": before, "during": during}


def check_restored(facts: dict, source_query, target_query, source_dir: Path, target_dir: Path) -> None:
    source_codes, source_files = _dossiers(source_query)
    codes, files = _dossiers(target_query)
    submitted = {pk for pk, code in codes.items() if code}
    # Everything committed before the backup started is in it; the submissions after the snapshot are not.
    assert facts["before"] <= submitted
    assert len(submitted) < len({pk for pk, code in source_codes.items() if code})
    assert all(source_codes[pk] == code for pk, code in codes.items() if code)
    checked = 0
    for pk, rows in files.items():
        if pk in submitted:
            assert len(rows) == 2
            assert rows == source_files[pk]  # a submitted dossier's files no longer change
        for name, size, sha256 in rows:
            restored = target_dir / "private" / name
            assert restored.stat().st_size == size and _sha256(restored) == sha256, name
            if pk in submitted:
                assert restored.read_bytes() == (source_dir / "private" / name).read_bytes()
            checked += 1
    assert all(files[pk] for pk in submitted)
    assert checked >= 2 * len(submitted)
    assert (target_dir / "secret_key").read_bytes() == (source_dir / "secret_key").read_bytes()
    with tarfile.open(facts["archive"]) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    referenced = {entry["name"] for entry in manifest["files"] if entry["referenced"]}
    assert {name for rows in files.values() for name, _, _ in rows} <= referenced
    assert manifest["missing_files"] == []


@pytest.mark.django_db(transaction=True)
def test_backup_during_submissions_restores_every_dossier_byte_identical_sqlite(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant copies the SQLite test database")
    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    source_dir.mkdir()
    target_dir.mkdir()
    connection.ensure_connection()
    with closing(sqlite3.connect(source_dir / "db.sqlite3")) as copy:
        connection.connection.backup(copy)  # the migrated test database

    facts = backup_under_load_then_restore(tmp_path, _environment(source_dir), _environment(target_dir))

    check_restored(
        facts,
        _sqlite_query(source_dir / "db.sqlite3"),
        _sqlite_query(target_dir / "db.sqlite3"),
        source_dir,
        target_dir,
    )


def _admin_url() -> str | None:
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    url = url.rsplit("/", 1)[0] + "/postgres" if url.startswith("postgres") else DEFAULT_ADMIN_URL
    try:
        with psycopg.connect(url, connect_timeout=3):
            return url
    except psycopg.OperationalError:
        return None


@pytest.fixture
def postgres_databases(tmp_path):
    """A migrated source database and an empty target database of their own; dropped at the end."""
    import psycopg

    admin = _admin_url()
    if admin is None:
        pytest.skip("PostgreSQL is not reachable (DATABASE_URL or 127.0.0.1:5432)")
    tag = uuid.uuid4().hex[:10]
    names = {"source": f"h_backup_src_{tag}", "target": f"h_backup_dst_{tag}", "failed": f"h_backup_bad_{tag}"}
    urls = {key: admin.rsplit("/", 1)[0] + "/" + name for key, name in names.items()}
    with psycopg.connect(admin, autocommit=True) as db:
        if connection.vendor == "postgresql":
            connections.close_all()  # a template must have no other session
            db.execute(f'CREATE DATABASE "{names["source"]}" TEMPLATE "{connection.settings_dict["NAME"]}"')
        else:
            db.execute(f'CREATE DATABASE "{names["source"]}"')
        db.execute(f'CREATE DATABASE "{names["target"]}"')
        db.execute(f'CREATE DATABASE "{names["failed"]}"')
    try:
        if connection.vendor != "postgresql":
            migrate = [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"]
            subprocess.run(migrate, env=_environment(tmp_path / "migrate", urls["source"]), check=True, timeout=600)
        yield urls
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            for name in names.values():
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _table_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public'"
        ).fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_backup_during_submissions_restores_every_dossier_byte_identical_postgresql(tmp_path, postgres_databases):
    urls = postgres_databases
    source_dir, target_dir = tmp_path / "source", tmp_path / "target"
    source_dir.mkdir()
    target_dir.mkdir()

    facts = backup_under_load_then_restore(
        tmp_path, _environment(source_dir, urls["source"]), _environment(target_dir, urls["target"])
    )

    check_restored(facts, _postgres_query(urls["source"]), _postgres_query(urls["target"]), source_dir, target_dir)

    # A restore that fails inside PostgreSQL (a row count differs from the manifest) leaves nothing behind.
    changed = tmp_path / "changed.tar"
    with tarfile.open(facts["archive"]) as source, tarfile.open(changed, "w", format=tarfile.PAX_FORMAT) as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["database"]["tables"]["public.dossiers_dossier"] += 1
                data = json.dumps(manifest).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    failed_dir = tmp_path / "failed"
    failed_dir.mkdir()
    (failed_dir / "secret_key").write_text("khoa-moi-sinh")
    result = subprocess.run(
        [*MAKE, "restore", f"FILE={changed}"],
        env=_environment(failed_dir, urls["failed"]),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "psql báo lỗi" in result.stderr and "dossiers_dossier" in result.stderr
    assert _table_count(urls["failed"]) == 0
    assert not any(p.is_file() for p in (failed_dir / "private").rglob("*"))
    assert (failed_dir / "secret_key").read_text() == "khoa-moi-sinh"


def test_make_restore_without_file_says_what_is_missing():
    result = subprocess.run([*MAKE, "restore"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Thiếu tệp sao lưu: hãy chạy make restore FILE=" in result.stderr
