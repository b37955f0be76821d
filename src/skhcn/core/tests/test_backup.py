"""Backup and restore in this process: the archive, the consistency rules and every refusal.

Backups read committed data (pg_dump runs in another process), so these tests use real transactions. A complete
restore needs an empty database: on SQLite the restore target is pointed at a new file; the restore of a PostgreSQL
archive into a new database is tested with real processes (tests/integration/test_backup_restore.py).
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import tarfile
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from wagtail.documents import get_document_model

from skhcn.core.backup import database, files, services
from skhcn.core.backup.errors import BackupError

FS = "django.core.files.storage.FileSystemStorage"
SQLITE_ONLY = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="a restore in this process needs an empty database: SQLite file only"
)
# Backups read committed data only (pg_dump is another process).
TRANSACTIONAL = pytest.mark.django_db(transaction=True)
SAMPLE_FILES = {
    ("default", "documents/quyet-dinh.pdf"): b"%PDF-1.4 quyet dinh",
    ("private", "dossiers/1/2026/12/don.pdf"): b"%PDF-1.4 don de nghi",
}


def _data_settings(data: Path) -> dict:
    for folder in ("media", "private"):
        (data / folder).mkdir(parents=True, exist_ok=True)
    return {
        "DATA_DIR": data,
        "MEDIA_ROOT": data / "media",
        "PRIVATE_MEDIA_ROOT": data / "private",
        "STORAGES": {
            **django_settings.STORAGES,
            "default": {"BACKEND": FS, "OPTIONS": {"location": str(data / "media")}},
            "private": {"BACKEND": FS, "OPTIONS": {"location": str(data / "private"), "base_url": None}},
        },
    }


def _storages(settings, data: Path) -> None:
    for name, value in _data_settings(data).items():
        setattr(settings, name, value)


@pytest.fixture
def place(settings, tmp_path):
    """A data folder of its own (storages, secret key file) and a backup folder."""
    data = tmp_path / "data"
    _storages(settings, data)
    settings.BACKUP_DIR = tmp_path / "backups"
    return SimpleNamespace(data=data, backups=tmp_path / "backups")


def _document(title: str, content: bytes):
    return get_document_model().objects.create(title=title, file=ContentFile(content, name=f"{title}.pdf"))


def _stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _read_manifest(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def _rewrite(path: Path, change=None, drop: str = "", add: tuple[str, bytes] | None = None) -> Path:
    """A copy of the archive with its manifest changed by ``change(manifest)``, one member dropped or one added."""
    copy = path.with_name("changed-" + path.name)
    with tarfile.open(path) as source, tarfile.open(copy, "w", format=tarfile.PAX_FORMAT) as target:
        for member in source.getmembers():
            if member.name == drop:
                continue
            data = source.extractfile(member).read()
            if member.name == "manifest.json" and change:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
        if add:
            info = tarfile.TarInfo(add[0])
            info.size = len(add[1])
            target.addfile(info, io.BytesIO(add[1]))
    return copy


def _flip_byte_of(path: Path, member: str) -> None:
    with tarfile.open(path) as tar:
        offset = tar.getmember(member).offset_data
    with open(path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


def _table(name: str) -> str:
    return name if connection.vendor == "sqlite" else f"public.{name}"


# --- Backup -----------------------------------------------------------------------------------------------------


@TRANSACTIONAL
def test_backup_holds_the_database_every_stored_file_and_their_checksums(place, settings):
    first = _document("quyet-dinh", b"%PDF-1.4 quyet dinh")
    second = _document("bao-cao", b"%PDF-1.4 bao cao")
    storages["private"].save("dossiers/9/2026/12/mo-coi.pdf", ContentFile(b"%PDF-1.4 orphan"))
    (place.data / "secret_key").write_text(f"{settings.SECRET_KEY}\n")  # the key in use comes from this file

    result = services.create_backup()

    assert re.fullmatch(r"skhcn-\d{8}-\d{6}\.tar", result.path.name)
    assert result.path.parent == place.backups
    assert os.stat(result.path).st_mode & 0o777 == 0o600
    assert sorted(p.name for p in place.backups.iterdir()) == [result.path.name]  # no .partial, no work folder
    manifest = _read_manifest(result.path)
    assert manifest == result.manifest
    assert manifest["format"] == "skhcn-backup" and manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["tables"][_table("wagtaildocs_document")] == 2
    assert "0001_initial" in manifest["database"]["migrations"]["wagtaildocs"]
    listed = {(entry["storage"], entry["name"]): entry for entry in manifest["files"]}
    assert set(listed) == {
        ("default", first.file.name),
        ("default", second.file.name),
        ("private", "dossiers/9/2026/12/mo-coi.pdf"),
    }
    assert listed[("default", first.file.name)]["referenced"] is True
    assert listed[("private", "dossiers/9/2026/12/mo-coi.pdf")]["referenced"] is False
    with tarfile.open(result.path) as tar:
        assert {m.name for m in tar.getmembers()} == {
            *(entry["member"] for entry in manifest["files"]),
            manifest["database"]["member"],
            "secret_key",
            "manifest.json",
        }
        for (alias, name), entry in listed.items():
            content = storages[alias].open(name).read()
            assert tar.extractfile(entry["member"]).read() == content
            assert entry["size"] == len(content) and entry["sha256"] == hashlib.sha256(content).hexdigest()
        dump = tar.extractfile(manifest["database"]["member"]).read()
        assert hashlib.sha256(dump).hexdigest() == manifest["database"]["sha256"]
        assert tar.extractfile("secret_key").read() == (place.data / "secret_key").read_bytes()
    assert manifest["secret_key"]["source"] == "file"
    assert manifest["missing_files"] == []
    assert services.check_backup(result.path)["created_at"] == manifest["created_at"]


@TRANSACTIONAL
def test_a_secret_key_from_the_environment_stays_out_of_the_archive(place):
    result = services.create_backup()  # no key file in this data folder: the key comes from elsewhere

    assert result.manifest["secret_key"] == {"source": "environment"}
    with tarfile.open(result.path) as tar:
        assert "secret_key" not in tar.getnames()


@TRANSACTIONAL
def test_a_file_deleted_with_its_row_during_the_backup_leads_to_a_new_snapshot(place, monkeypatch):
    kept = _document("giu-lai", b"%PDF-1.4 kept")
    deleted = _document("xoa-di", b"%PDF-1.4 deleted")
    deleted_name = deleted.file.name
    take_snapshot = database.take_snapshot
    calls = []

    def snapshot_then_delete(*args, **kwargs):
        snapshot = take_snapshot(*args, **kwargs)
        calls.append(snapshot)
        if len(calls) == 1:
            deleted.delete()  # the row goes, then its file (Wagtail: by a task after the commit)
            storages["default"].delete(deleted_name)
        return snapshot

    monkeypatch.setattr(database, "take_snapshot", snapshot_then_delete)
    result = services.create_backup()

    assert len(calls) == 2
    manifest = result.manifest
    assert manifest["database"]["snapshots_taken"] == 2
    assert manifest["database"]["tables"][_table("wagtaildocs_document")] == 1
    assert [entry["name"] for entry in manifest["files"]] == [kept.file.name]
    assert manifest["missing_files"] == []
    services.check_backup(result.path)


@TRANSACTIONAL
def test_a_file_lost_while_its_row_remains_fails_the_backup_and_leaves_no_archive(place, monkeypatch):
    _document("con-nguyen", b"%PDF-1.4 fine")
    lost = _document("bi-mat", b"%PDF-1.4 lost")
    storages["default"].delete(lost.file.name)
    calls = []
    take_snapshot = database.take_snapshot
    monkeypatch.setattr(database, "take_snapshot", lambda *a, **k: calls.append(1) or take_snapshot(*a, **k))

    with pytest.raises(BackupError) as caught:
        services.create_backup()

    assert caught.value.code == "missing_files"
    assert lost.file.name in caught.value.message
    assert f"wagtaildocs.Document.file #{lost.pk}" in caught.value.message
    assert "Chưa tạo bản sao lưu" in caught.value.message
    assert len(calls) == 2  # still named by the second snapshot: lost, not a deletion in progress
    assert list(place.backups.iterdir()) == []


@TRANSACTIONAL
def test_allow_missing_writes_the_archive_and_records_the_lost_file(place):
    lost = _document("bi-mat", b"%PDF-1.4 lost")
    storages["default"].delete(lost.file.name)

    result = services.create_backup(allow_missing=True)

    assert result.manifest["missing_files"] == [
        {"storage": "default", "name": lost.file.name, "referenced_by": f"wagtaildocs.Document.file #{lost.pk}"}
    ]
    services.check_backup(result.path)


@TRANSACTIONAL
def test_keep_deletes_only_the_oldest_archives_of_this_command(place):
    place.backups.mkdir()
    for name in ("skhcn-20260101-010000.tar", "skhcn-20260102-010000.tar", "ghi-chu.txt", "skhcn-cu.tar"):
        (place.backups / name).write_bytes(b"x")

    result = services.create_backup(keep=2)

    assert [p.name for p in result.pruned] == ["skhcn-20260101-010000.tar"]
    assert sorted(p.name for p in place.backups.iterdir()) == sorted(
        ["skhcn-20260102-010000.tar", result.path.name, "ghi-chu.txt", "skhcn-cu.tar"]
    )


@TRANSACTIONAL
def test_backup_command_prints_where_the_archive_went(place):
    out = io.StringIO()
    call_command("backup", stdout=out)
    assert f"Đã sao lưu vào {place.backups}" in out.getvalue()
    with pytest.raises(CommandError, match="--keep phải là số không âm"):
        call_command("backup", "--keep", "-1")


def test_a_file_field_in_an_unknown_storage_is_refused(place, monkeypatch):
    assert files.alias_of(storages["private"]) == "private"
    assert files.alias_of(FileSystemStorage(location=str(place.data / "elsewhere"))) is None
    monkeypatch.setattr(files, "alias_of", lambda storage: None)  # as if a field kept files somewhere else

    with pytest.raises(BackupError, match="không có trong STORAGES nên không sao lưu được") as caught:
        services.create_backup()

    assert caught.value.code == "config"
    assert not place.backups.exists() or list(place.backups.iterdir()) == []


# --- Reading archives -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory, django_db_setup, django_db_blocker):
    """One archive for the tests that read or restore it: the test database and SAMPLE_FILES (no row names them)."""
    root = tmp_path_factory.mktemp("sample")
    data = root / "data"
    with override_settings(BACKUP_DIR=root / "backups", **_data_settings(data)), django_db_blocker.unblock():
        for (alias, name), content in SAMPLE_FILES.items():
            storages[alias].save(name, ContentFile(content))
        (data / "secret_key").write_text(django_settings.SECRET_KEY)
        return services.create_backup().path


@pytest.fixture
def backup_file(sample_archive, tmp_path):
    """A copy of the sample archive this test may damage."""
    copy = tmp_path / sample_archive.name
    shutil.copyfile(sample_archive, copy)
    return copy


def test_a_changed_byte_in_a_file_is_a_checksum_error(backup_file):
    manifest = _read_manifest(backup_file)
    _flip_byte_of(backup_file, manifest["files"][0]["member"])

    with pytest.raises(BackupError) as caught:
        services.check_backup(backup_file)

    assert caught.value.code == "checksum"
    assert manifest["files"][0]["member"] in caught.value.message
    assert "SHA-256" in caught.value.message


def test_a_changed_byte_in_the_database_is_a_checksum_error(backup_file):
    _flip_byte_of(backup_file, _read_manifest(backup_file)["database"]["member"])
    with pytest.raises(BackupError, match="không khớp") as caught:
        services.check_backup(backup_file)
    assert caught.value.code == "checksum"


@pytest.mark.parametrize(
    ("damage", "detail"),
    [
        (lambda path: path.write_bytes(b"PK\x03\x04 not a tar at all" * 40), "không đọc được định dạng tar"),
        (lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2]), ""),
        (lambda path: path.write_bytes(b""), ""),
    ],
    ids=["not-a-tar", "truncated", "empty"],
)
def test_a_damaged_archive_is_refused_as_corrupt(backup_file, damage, detail):
    damage(backup_file)
    with pytest.raises(BackupError) as caught:
        services.check_backup(backup_file)
    assert caught.value.code in ("corrupt", "checksum")
    assert detail in caught.value.message
    assert "Không có gì bị thay đổi" in caught.value.message


@pytest.mark.parametrize(
    ("rewrite", "detail"),
    [
        ({"drop": "manifest.json"}, "thiếu manifest.json"),
        ({"drop": "files/private/dossiers/1/2026/12/don.pdf"}, "thiếu 1 thành phần"),
        ({"add": ("files/private/them.pdf", b"%PDF")}, "không có trong manifest.json"),
        ({"change": lambda m: m.update(format="khac")}, "không đúng định dạng"),
        ({"change": lambda m: m["files"][0].update(name="../../etc/passwd")}, "không đúng định dạng"),
        ({"change": lambda m: m["files"][0].update(sha256="xyz")}, "không đúng định dạng"),
        ({"change": lambda m: m.pop("database")}, "không đúng định dạng"),
    ],
    ids=["no-manifest", "member-missing", "extra-member", "other-format", "path-escape", "bad-sha", "no-database"],
)
def test_a_manifest_that_does_not_match_the_members_is_refused(backup_file, rewrite, detail):
    changed = _rewrite(backup_file, **rewrite)
    with pytest.raises(BackupError, match=detail) as caught:
        services.check_backup(changed)
    assert caught.value.code == "corrupt"


def test_a_newer_archive_format_is_refused(backup_file):
    changed = _rewrite(backup_file, change=lambda m: m.update(format_version=2))
    with pytest.raises(BackupError, match="định dạng phiên bản 2") as caught:
        services.check_backup(changed)
    assert caught.value.code == "newer_version"


def test_check_command_reports_an_intact_archive_and_a_missing_one(backup_file, tmp_path):
    out = io.StringIO()
    call_command("restore", str(backup_file), "--check", stdout=out)
    assert "Tệp sao lưu nguyên vẹn" in out.getvalue()
    with pytest.raises(CommandError, match="Không tìm thấy tệp sao lưu"):
        call_command("restore", str(tmp_path / "khong-co.tar"))


# --- Restore refusals -------------------------------------------------------------------------------------------


@pytest.fixture
def occupied_database(monkeypatch, tmp_path):
    """The restore target database holds tables: PostgreSQL's test database; on SQLite a file with one table (the
    test database lives in memory)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "occupied.sqlite3"
        with closing(sqlite3.connect(path)) as occupied:
            occupied.execute("CREATE TABLE ho_so (id integer)")
        monkeypatch.setattr(database, "sqlite_path", lambda: path)


@TRANSACTIONAL
def test_restore_refuses_a_target_that_is_not_empty_and_changes_nothing(backup_file, place, occupied_database):
    (place.data / "secret_key").write_text("khoa-hien-tai")
    storages["default"].save("documents/da-co.pdf", ContentFile(b"%PDF-1.4 da co"))
    before = {root: _stored_files(place.data / root) for root in ("media", "private")}

    with pytest.raises(BackupError) as caught:
        services.restore_backup(backup_file)

    assert caught.value.code == "not_empty"
    assert "Chỉ khôi phục vào nơi còn trống" in caught.value.message
    assert "bảng" in caught.value.message  # the test database has tables
    assert "kho lưu trữ default đã có tệp" in caught.value.message
    assert "Không có gì bị thay đổi" in caught.value.message
    assert {root: _stored_files(place.data / root) for root in ("media", "private")} == before
    assert (place.data / "secret_key").read_text() == "khoa-hien-tai"


@SQLITE_ONLY
def test_restore_refuses_an_in_memory_database(backup_file):
    with pytest.raises(BackupError, match="SQLite trong bộ nhớ") as caught:
        services.restore_backup(backup_file)  # the test database lives in memory
    assert caught.value.code == "config"


def test_restore_refuses_an_archive_of_the_other_database_vendor(backup_file):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    changed = _rewrite(backup_file, change=lambda m: m["database"].update(vendor=other))
    with pytest.raises(BackupError, match="Không hỗ trợ khôi phục chéo") as caught:
        services.restore_backup(changed)
    assert caught.value.code == "vendor_mismatch"


def test_restore_refuses_an_archive_of_a_newer_software_version(backup_file):
    changed = _rewrite(backup_file, change=lambda m: m["database"]["migrations"]["dossiers"].append("9999_tuong_lai"))
    with pytest.raises(BackupError, match="dossiers.9999_tuong_lai") as caught:
        services.restore_backup(changed)
    assert caught.value.code == "newer_version"


# --- Complete restores into an empty SQLite target --------------------------------------------------------------


@pytest.fixture
def empty_target(settings, tmp_path, monkeypatch):
    """After the backup: a new, empty data folder and database file as the restore target."""

    def switch():
        target = tmp_path / "restored"
        _storages(settings, target)
        (target / "secret_key").write_text("khoa-moi-sinh")  # what the local settings generate on a new machine
        monkeypatch.setattr(database, "sqlite_path", lambda: target / "db.sqlite3")
        return target

    return switch


def _everything_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@SQLITE_ONLY
def test_restore_writes_every_file_the_database_and_the_secret_key(backup_file, empty_target):
    manifest = _read_manifest(backup_file)
    target = empty_target()

    out = io.StringIO()
    call_command("restore", str(backup_file), stdout=out)

    assert "mọi mã kiểm tra SHA-256 đều khớp" in out.getvalue()
    folders = {"default": target / "media", "private": target / "private"}
    for (alias, name), content in SAMPLE_FILES.items():
        assert (folders[alias] / name).read_bytes() == content
    assert hashlib.sha256((target / "db.sqlite3").read_bytes()).hexdigest() == manifest["database"]["sha256"]
    with closing(sqlite3.connect(target / "db.sqlite3")) as restored:
        assert restored.execute("SELECT count(*) FROM django_migrations").fetchone()[0] > 100
    assert (target / "secret_key").read_text() == django_settings.SECRET_KEY
    assert _everything_in(target) == sorted(
        ["db.sqlite3", "secret_key", *(f"{folders[alias].name}/{name}" for alias, name in SAMPLE_FILES)]
    )


@SQLITE_ONLY
def test_a_tampered_archive_is_refused_before_anything_is_written(backup_file, empty_target):
    _flip_byte_of(backup_file, _read_manifest(backup_file)["files"][-1]["member"])
    target = empty_target()

    with pytest.raises(BackupError) as caught:
        services.restore_backup(backup_file)

    assert caught.value.code == "checksum"
    assert _everything_in(target) == ["secret_key"]
    assert (target / "secret_key").read_text() == "khoa-moi-sinh"


@SQLITE_ONLY
@pytest.mark.parametrize(
    "failure", [BackupError("hỏng ổ đĩa", "storage"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
def test_a_restore_that_fails_midway_undoes_what_it_wrote(backup_file, empty_target, monkeypatch, failure):
    target = empty_target()
    commit = database.StagedDatabase.commit

    def fail_instead_of_commit(self):
        assert (target / "media").exists() and _stored_files(target / "private")  # files were written by now
        assert (target / "secret_key").read_text() != "khoa-moi-sinh"
        raise failure

    monkeypatch.setattr(database.StagedDatabase, "commit", fail_instead_of_commit)
    with pytest.raises(type(failure)):
        services.restore_backup(backup_file)

    assert _everything_in(target) == ["secret_key"]
    assert (target / "secret_key").read_text() == "khoa-moi-sinh"
    assert not (target / "db.sqlite3").exists()
    monkeypatch.setattr(database.StagedDatabase, "commit", commit)
    services.restore_backup(backup_file)  # the target is empty again: the same restore now goes through
    assert (target / "db.sqlite3").exists()


@SQLITE_ONLY
def test_a_file_that_reads_back_wrong_after_writing_fails_the_restore(backup_file, empty_target, monkeypatch):
    target = empty_target()
    monkeypatch.setattr(storages["private"], "open", lambda name, mode="rb": ContentFile(b"%PDF-1.4 other"))

    with pytest.raises(BackupError, match="đọc lại từ kho lưu trữ private") as caught:
        services.restore_backup(backup_file)

    assert caught.value.code == "checksum"
    assert _everything_in(target) == ["secret_key"]


def test_missing_postgresql_client_tools_are_named(settings, tmp_path):
    settings.BACKUP_PG_BIN_DIR = str(tmp_path)  # an empty folder
    with pytest.raises(BackupError, match="Không tìm thấy chương trình pg_dump .*BACKUP_PG_BIN_DIR") as caught:
        database.pg_tool("pg_dump")
    assert caught.value.code == "config"
