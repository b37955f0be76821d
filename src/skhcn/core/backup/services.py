"""Backup and restore (operators' guide: docs/sao-luu.md).

Consistency. Uploads are written to storage before the row naming them commits, and the application deletes a
stored file only after the row's deletion has committed. So the backup first takes a database snapshot, then copies
every file a row of that snapshot names: such a file was complete before the snapshot. A named file that is gone
by the time it is copied was deleted after its row: a new snapshot (which no longer names it) is taken and the
files it adds are copied, up to ``SNAPSHOT_ATTEMPTS`` times. A file that is still named by a snapshot taken after it
was found gone is really lost: the backup fails and lists it (``allow_missing`` records it in the manifest and goes
on). Then every other file of the storages is copied (orphans, files uploaded after the snapshot).

Restore refuses a target that is not empty, checks every checksum before writing, writes the files (each read
back and checked), the secret key, and puts the database in place last (SQLite: an atomic rename of a checked file;
PostgreSQL: one transaction that checks the row counts before it commits). Any failure undoes what was written.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import django
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from skhcn.environment import SECRET_KEY_FILE

from . import archive, database, files
from .archive import ArchiveReader, ArchiveWriter
from .errors import BackupError

logger = logging.getLogger("skhcn.backup")

SNAPSHOT_ATTEMPTS = 3
ARCHIVE_PATTERN = re.compile(r"^skhcn-\d{8}-\d{6}(-\d+)?\.tar$")
_MAX_LISTED = 10


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    pruned: list[Path]


def _quiet(message: str) -> None:
    logger.info(message)


def _size(value: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if value >= factor:
            return f"{value / factor:.1f} {unit}".replace(".", ",")
    return f"{value} byte"


def _app_version() -> str:
    try:
        return metadata.version("skhcn")
    except metadata.PackageNotFoundError:
        return "?"


def _secret_key_file() -> Path:
    return Path(settings.DATA_DIR) / SECRET_KEY_FILE


def _secret_key_from_file() -> bytes | None:
    """The key file's content when the running key comes from it (not from the SECRET_KEY variable)."""
    path = _secret_key_file()
    if path.is_file():
        content = path.read_bytes()
        if content.decode("utf-8", "replace").strip() == settings.SECRET_KEY:
            return content
    return None


def _archive_path(folder: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = folder / f"skhcn-{stamp}.tar"
    serial = 1
    while path.exists() or path.with_name(path.name + ".partial").exists():
        serial += 1
        path = folder / f"skhcn-{stamp}-{serial}.tar"
    return path


def _describe_missing(missing: dict[tuple[str, str], str]) -> str:
    listed = [f"“{name}” (kho {alias}, {where})" for (alias, name), where in sorted(missing.items())[:_MAX_LISTED]]
    more = f" và {len(missing) - _MAX_LISTED} tệp khác" if len(missing) > _MAX_LISTED else ""
    return "; ".join(listed) + more


def _copy(writer: ArchiveWriter, alias: str, name: str) -> dict | None:
    """Copy one stored file into the archive; None when it does not exist (any more)."""
    storage = storages[alias]
    try:
        with storage.open(name, "rb") as handle:
            entry = writer.add_stream(archive.file_member(alias, name), handle)
    except FileNotFoundError:
        return None
    except Exception as exc:
        if not storage.exists(name):
            return None
        raise BackupError(f"Không đọc được tệp “{name}” trong kho lưu trữ {alias}: {exc}", "storage") from exc
    return {"storage": alias, "name": name, **entry}


def create_backup(
    output_dir: Path | None = None, *, allow_missing: bool = False, keep: int = 0, log=_quiet
) -> BackupResult:
    """Write one archive of the database and every stored file into ``output_dir`` (default BACKUP_DIR)."""
    output_dir = Path(output_dir or settings.BACKUP_DIR)
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    columns = files.reference_columns()
    aliases = files.storage_aliases()
    final = _archive_path(output_dir)
    partial = final.with_name(final.name + ".partial")
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".skhcn-backup-") as workdir:
        writer = ArchiveWriter(partial, Path(workdir))
        try:
            manifest = _write_backup(writer, Path(workdir), columns, aliases, allow_missing, log)
            writer.add_bytes(archive.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            writer.close()
            archive.replace_file(partial, final)
        except BaseException:
            writer.close()
            archive.remove_quietly(partial)
            raise
    total = sum(entry["size"] for entry in [*manifest["files"], manifest["database"]])
    log(f"Đã sao lưu vào {final}: cơ sở dữ liệu và {len(manifest['files'])} tệp ({_size(total)}).")
    pruned = prune(output_dir, keep) if keep else []
    for path in pruned:
        log(f"Đã xoá bản sao lưu cũ {path.name} (giữ {keep} bản mới nhất).")
    return BackupResult(final, manifest, pruned)


def _write_backup(writer, workdir: Path, columns, aliases, allow_missing: bool, log) -> dict:
    copied: dict[tuple[str, str], dict] = {}
    previous_missing: dict[tuple[str, str], str] = {}
    for attempt in range(1, SNAPSHOT_ATTEMPTS + 1):
        snapshot_at = timezone.localtime()
        snapshot = database.take_snapshot(workdir / f"db-{attempt}", columns)
        missing = {}
        for key, where in sorted(snapshot.references.items()):
            if key not in copied:
                entry = _copy(writer, *key)
                if entry is None:
                    missing[key] = where
                else:
                    copied[key] = entry
        # Named again by a snapshot taken after the file was found gone: not a deletion in progress, a lost file.
        if not missing or set(missing) <= set(previous_missing):
            break
        if attempt < SNAPSHOT_ATTEMPTS:
            log(f"{len(missing)} tệp vừa bị xoá trong lúc sao lưu; chụp lại cơ sở dữ liệu (lần {attempt + 1}).")
            archive.remove_quietly(snapshot.path)  # superseded: no second copy of the database on disk
        previous_missing = missing
    if missing:
        message = f"Thiếu {len(missing)} tệp mà cơ sở dữ liệu đang trỏ tới: {_describe_missing(missing)}."
        if not allow_missing:
            raise BackupError(
                f"{message} Chưa tạo bản sao lưu. Hãy khôi phục các tệp này (hoặc chạy lại với --allow-missing để "
                "sao lưu và ghi nhận các tệp thiếu vào manifest.json).",
                "missing_files",
            )
        log(f"Cảnh báo: {message} Đã ghi nhận vào manifest.json.")
    for alias in aliases:
        for name in files.walk(storages[alias]):
            if (alias, name) not in copied and (entry := _copy(writer, alias, name)) is not None:
                copied[(alias, name)] = entry
    database_entry = writer.add_path(snapshot.member, snapshot.path)
    secret = _secret_key_from_file()
    secret_entry = {"source": "environment"}
    if secret is not None:
        secret_entry = {"source": "file", **writer.add_bytes(archive.SECRET_KEY_MEMBER, secret)}
    file_entries = [{**entry, "referenced": key in snapshot.references} for key, entry in sorted(copied.items())]
    return {
        "format": archive.FORMAT,
        "format_version": archive.FORMAT_VERSION,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "app_version": _app_version(),
        "django_version": django.get_version(),
        "database": {
            "vendor": snapshot.vendor,
            "server_version": snapshot.server_version,
            "snapshot_at": snapshot_at.isoformat(timespec="seconds"),
            "snapshots_taken": attempt,
            **database_entry,
            "tables": snapshot.tables,
            "migrations": snapshot.migrations,
        },
        "storages": {
            alias: {
                "backend": settings.STORAGES[alias]["BACKEND"],
                "files": sum(1 for entry in file_entries if entry["storage"] == alias),
                "bytes": sum(entry["size"] for entry in file_entries if entry["storage"] == alias),
            }
            for alias in aliases
        },
        "secret_key": secret_entry,
        "missing_files": [
            {"storage": alias, "name": name, "referenced_by": where} for (alias, name), where in sorted(missing.items())
        ],
        "files": file_entries,
    }


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest archives this command wrote into ``folder``."""
    archives = sorted((p for p in folder.iterdir() if ARCHIVE_PATTERN.match(p.name)), key=lambda p: p.name)
    old = archives[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


# --- Restore --------------------------------------------------------------------------------------------------------


def check_backup(path: Path) -> dict:
    """Read the whole archive and check every checksum; write nothing. The manifest."""
    with ArchiveReader(path) as reader:
        reader.verify()
        return reader.manifest


def _unknown_migrations(recorded: dict[str, list[str]]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, names in sorted(recorded.items()) for name in names if (app, name) not in known]


def _refuse_incompatible(manifest: dict) -> None:
    source = manifest["database"]["vendor"]
    target = database.vendor()
    if source != target:
        raise BackupError(
            f"Bản sao lưu chứa cơ sở dữ liệu {database.VENDOR_NAMES[source]} nhưng hệ thống đang cấu hình "
            f"{database.VENDOR_NAMES[target]}"
            + (" (DATABASE_URL)" if target == database.POSTGRESQL else " (chưa đặt DATABASE_URL)")
            + ". Không hỗ trợ khôi phục chéo giữa hai loại cơ sở dữ liệu. Không có gì bị thay đổi.",
            "vendor_mismatch",
        )
    if unknown := _unknown_migrations(manifest["database"]["migrations"]):
        raise BackupError(
            f"Bản sao lưu được tạo bởi phiên bản phần mềm mới hơn ({manifest.get('app_version')}): cơ sở dữ liệu đã "
            f"áp dụng {len(unknown)} migration mà mã nguồn này không có, ví dụ {unknown[0]}. Hãy cài đúng phiên bản "
            "phần mềm rồi khôi phục. Không có gì bị thay đổi.",
            "newer_version",
        )
    for alias in {entry["storage"] for entry in manifest["files"]}:
        if alias not in files.storage_aliases():
            raise BackupError(
                f"Bản sao lưu có tệp của kho lưu trữ “{alias}” nhưng cấu hình hiện tại không có kho này (STORAGES). "
                "Không có gì bị thay đổi.",
                "config",
            )


def _target_problems() -> list[str]:
    problems = database.target_problems()
    for alias in files.storage_aliases():
        if found := files.first_files(alias):
            problems.append(f"kho lưu trữ {alias} đã có tệp (ví dụ “{found[0]}”)")
    return problems


def restore_backup(path: Path, log=_quiet) -> dict:
    """Restore an archive into the configured (empty) database and storages; return its manifest."""
    with ArchiveReader(path) as reader:
        manifest = reader.manifest
        _refuse_incompatible(manifest)
        if problems := _target_problems():
            raise BackupError(
                "Chỉ khôi phục vào nơi còn trống, nhưng " + "; ".join(problems) + ". Hãy dùng thư mục dữ liệu "
                "(SKHCN_DATA_DIR) và cơ sở dữ liệu mới, trống. Không có gì bị thay đổi.",
                "not_empty",
            )
        log(f"Đang kiểm tra {len(reader.entries())} thành phần của bản sao lưu...")
        reader.verify()
        undo = []
        try:
            with tempfile.TemporaryDirectory(dir=settings.DATA_DIR, prefix=".skhcn-restore-") as workdir:
                staged = database.StagedDatabase(reader, manifest["database"], Path(workdir))
                undo.append(staged.discard)
                for entry in manifest["files"]:
                    _restore_file(reader, entry, undo)
                _restore_secret_key(reader, manifest["secret_key"], undo, log)
                staged.commit()
        except BaseException:
            for step in reversed(undo):
                try:
                    step()
                except Exception:  # undo as much as possible; the first error is what the operator sees
                    logger.exception("Could not undo a restore step")
            raise
    vendor_name = database.VENDOR_NAMES[manifest["database"]["vendor"]]
    log(
        f"Đã khôi phục bản sao lưu tạo lúc {manifest['created_at']}: cơ sở dữ liệu {vendor_name} và "
        f"{len(manifest['files'])} tệp, mọi mã kiểm tra SHA-256 đều khớp."
    )
    if manifest["missing_files"]:
        log(
            f"Lưu ý: bản sao lưu ghi nhận {len(manifest['missing_files'])} tệp đã thiếu từ lúc sao lưu (manifest.json)."
        )
    return manifest


def _restore_file(reader: ArchiveReader, entry: dict, undo: list) -> None:
    alias, name = entry["storage"], entry["name"]
    storage = storages[alias]
    with reader.open(entry["member"]) as source:
        try:
            stored = storage.save(name, File(source, name=name))
        except Exception as exc:
            raise BackupError(f"Không ghi được tệp “{name}” vào kho lưu trữ {alias}: {exc}", "storage") from exc
    undo.append(lambda: storage.delete(stored))
    if stored != name:
        raise BackupError(f"Kho lưu trữ {alias} đã có tệp “{name}” (vừa được tạo trong lúc khôi phục?).", "not_empty")
    with storage.open(name, "rb") as written:
        size, sha256 = archive.sha256_of(written)
    if size != entry["size"] or sha256 != entry["sha256"]:
        raise BackupError(
            f"Tệp “{name}” đọc lại từ kho lưu trữ {alias} có mã kiểm tra SHA-256 khác với bản kê.", "checksum"
        )


def _restore_secret_key(reader: ArchiveReader, entry: dict, undo: list, log) -> None:
    if entry.get("source") != "file":
        log("Bản sao lưu không chứa khóa bí mật: hãy đặt biến môi trường SECRET_KEY đúng như máy cũ.")
        return
    path = _secret_key_file()
    previous = path.read_bytes() if path.exists() else None
    temporary = path.with_name(f".{path.name}.restoring")
    archive.remove_quietly(temporary)
    size, sha256 = reader.extract_to(entry["member"], temporary)
    if size != entry["size"] or sha256 != entry["sha256"]:
        archive.remove_quietly(temporary)
        raise BackupError("Khóa bí mật ghi ra đĩa có mã kiểm tra SHA-256 khác với bản kê.", "checksum")
    archive.replace_file(temporary, path)
    undo.append(lambda: _put_back(path, previous))
    if os.environ.get("SECRET_KEY"):
        log(
            f"Lưu ý: đã ghi khóa bí mật của bản sao lưu vào {path}, nhưng biến môi trường SECRET_KEY đang được đặt "
            "nên khóa đó chưa được dùng. Hãy bỏ biến SECRET_KEY (hoặc đặt nó đúng bằng nội dung tệp này)."
        )


def _put_back(path: Path, previous: bytes | None) -> None:
    if previous is None:
        archive.remove_quietly(path)
        return
    path.write_bytes(previous)
