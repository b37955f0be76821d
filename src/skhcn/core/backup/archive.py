"""The archive format: an uncompressed POSIX (pax) tar file.

Members::

    files/<storage alias>/<stored name>   every file of every storage (``default``, ``private``)
    database/db.sqlite3 | db.pgdump       the database snapshot (SQLite file, or pg_dump custom format)
    secret_key                            the generated secret key, when SECRET_KEY is not set in the environment
    manifest.json                         written last: what is inside, with the size and SHA-256 of each member

An uncompressed tar keeps the members readable one by one (restore checks every checksum before it writes
anything) and costs no CPU on uploads that are mostly compressed already (PDF, JPEG, PNG, DOCX).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
from pathlib import Path

from .errors import BackupError

FORMAT = "skhcn-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET_KEY_MEMBER = "secret_key"  # noqa: S105 - a member name, not a secret
CHUNK = 1024 * 1024
# Files up to this size are staged in memory before they go into the archive, bigger ones in a temporary file.
SPOOL_MEMORY_BYTES = 16 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def file_member(alias: str, name: str) -> str:
    return f"files/{alias}/{name}"


def check_name(name) -> str:
    """A stored name or member name that cannot leave its folder (no absolute path, no "..", no backslash)."""
    if not isinstance(name, str) or not name or len(name) > 1024 or "\\" in name or "\x00" in name:
        raise ValueError(name)
    if name.startswith("/") or any(part in ("", ".", "..") for part in name.split("/")):
        raise ValueError(name)
    return name


def sha256_of(fileobj) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := fileobj.read(CHUNK):
        size += len(chunk)
        digest.update(chunk)
    return size, digest.hexdigest()


def copy_hashing(source, target) -> tuple[int, str]:
    """Copy ``source`` to ``target``; the size and SHA-256 of what was copied."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        target.write(chunk)
        size += len(chunk)
        digest.update(chunk)
    return size, digest.hexdigest()


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ArchiveWriter:
    """Writes the archive to ``path`` (a ``.partial`` name; the caller renames it when complete)."""

    def __init__(self, path: Path, spool_dir: Path):
        self.path = path
        self.spool_dir = spool_dir
        self.members: set[str] = set()
        self._tar = tarfile.open(path, "w", format=tarfile.PAX_FORMAT)  # noqa: SIM115 - closed in close()
        os.chmod(path, 0o600)  # personal data and the secret key: readable by the owner only

    def _info(self, member: str, size: int) -> tarfile.TarInfo:
        if member in self.members:
            raise ValueError(f"Duplicate archive member {member}")
        self.members.add(member)
        info = tarfile.TarInfo(member)
        info.size = size
        info.mode = 0o600
        info.mtime = int(time.time())
        return info

    def add_stream(self, member: str, source) -> dict:
        """Add what ``source`` holds; it is staged first, so a file that changes while read never breaks the tar."""
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY_BYTES, dir=self.spool_dir) as staged:
            size, sha256 = copy_hashing(source, staged)
            staged.seek(0)
            self._tar.addfile(self._info(member, size), staged)
        return {"member": member, "size": size, "sha256": sha256}

    def add_path(self, member: str, path: Path) -> dict:
        """Add a file nobody else writes (the database dump)."""
        with open(path, "rb") as handle:
            size, sha256 = sha256_of(handle)
            handle.seek(0)
            self._tar.addfile(self._info(member, size), handle)
        return {"member": member, "size": size, "sha256": sha256}

    def add_bytes(self, member: str, data: bytes) -> dict:
        with tempfile.SpooledTemporaryFile(max_size=len(data) + 1) as staged:
            staged.write(data)
            staged.seek(0)
            self._tar.addfile(self._info(member, len(data)), staged)
        return {"member": member, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    def close(self) -> None:
        self._tar.close()
        fsync_path(self.path)


def corrupt(path: Path, detail: str) -> BackupError:
    return BackupError(
        f"Tệp sao lưu “{path}” bị hỏng hoặc không phải là bản sao lưu của hệ thống ({detail}). "
        "Không có gì bị thay đổi.",
        "corrupt",
    )


class ArchiveReader:
    """Opens an archive and checks its manifest against its members; ``verify()`` checks every checksum."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise BackupError(f"Không tìm thấy tệp sao lưu “{self.path}”.", "corrupt")
        try:
            self._tar = tarfile.open(self.path, "r:")  # noqa: SIM115 - closed in close()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise corrupt(self.path, "không đọc được định dạng tar") from exc
        try:
            members = self._tar.getmembers()
            self.members = {member.name: member for member in members}
            if len(self.members) != len(members):
                raise corrupt(self.path, "có thành phần trùng tên")
            self.manifest = self._read_manifest()
            self._check_members()
        except BackupError:
            self.close()
            raise
        except (tarfile.TarError, OSError, EOFError) as exc:
            self.close()
            raise corrupt(self.path, "tệp bị cắt cụt hoặc hỏng") from exc

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self) -> None:
        self._tar.close()

    def _read_manifest(self) -> dict:
        member = self.members.get(MANIFEST)
        if member is None or not member.isreg():
            raise corrupt(self.path, f"thiếu {MANIFEST}")
        try:
            manifest = json.loads(self._tar.extractfile(member).read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise corrupt(self.path, f"{MANIFEST} không đọc được") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise corrupt(self.path, f"{MANIFEST} không đúng định dạng")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"Tệp sao lưu “{self.path}” dùng định dạng phiên bản {manifest.get('format_version')!r}, phần mềm "
                f"này chỉ đọc được phiên bản {FORMAT_VERSION}. Không có gì bị thay đổi.",
                "newer_version",
            )
        return manifest

    def entries(self) -> list[dict]:
        """Every member the manifest describes (files, database, secret key), each with member, size, sha256."""
        manifest = self.manifest
        entries = [*manifest["files"], manifest["database"]]
        if manifest["secret_key"].get("member"):
            entries.append(manifest["secret_key"])
        return entries

    def _check_members(self) -> None:
        manifest = self.manifest
        try:
            files = manifest["files"]
            database = manifest["database"]
            secret = manifest["secret_key"]
            if not isinstance(files, list) or not isinstance(database, dict) or not isinstance(secret, dict):
                raise TypeError
            if database["vendor"] not in ("sqlite", "postgresql"):
                raise ValueError(database["vendor"])
            for entry in files:
                check_name(entry["storage"])
                check_name(entry["name"])
                if entry["member"] != file_member(entry["storage"], entry["name"]):
                    raise ValueError(entry["member"])
            for entry in self.entries():
                check_name(entry["member"])
                if not isinstance(entry["size"], int) or entry["size"] < 0 or not _SHA256.match(entry["sha256"]):
                    raise ValueError(entry)
            for table, count in database["tables"].items():
                if not isinstance(table, str) or not isinstance(count, int) or count < 0:
                    raise ValueError(table)
            for app, names in database["migrations"].items():
                if not isinstance(app, str) or not all(isinstance(name, str) for name in names):
                    raise ValueError(app)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise corrupt(self.path, f"{MANIFEST} không đúng định dạng") from exc
        described = [entry["member"] for entry in self.entries()]
        if len(set(described)) != len(described):
            raise corrupt(self.path, f"{MANIFEST} kê một thành phần hai lần")
        expected = {*described, MANIFEST}
        if missing := sorted(set(described) - set(self.members)):
            raise corrupt(self.path, f"thiếu {len(missing)} thành phần, ví dụ “{missing[0]}”")
        if extra := sorted(set(self.members) - expected):
            raise corrupt(self.path, f"có thành phần không có trong {MANIFEST}: “{extra[0]}”")
        for entry in self.entries():
            member = self.members[entry["member"]]
            if not member.isreg():
                raise corrupt(self.path, f"“{entry['member']}” không phải là tệp thường")

    def open(self, member: str):
        return self._tar.extractfile(self.members[member])

    def verify(self, progress=None) -> None:
        """Read every member and compare its size and SHA-256 with the manifest; BackupError on the first mismatch."""
        for entry in self.entries():
            try:
                with self.open(entry["member"]) as handle:
                    size, sha256 = sha256_of(handle)
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise corrupt(self.path, f"không đọc được “{entry['member']}”") from exc
            if size != entry["size"] or sha256 != entry["sha256"]:
                raise BackupError(
                    f"Tệp sao lưu “{self.path}” bị hỏng: “{entry['member']}” có mã kiểm tra SHA-256 (hoặc dung lượng) "
                    "không khớp với bản kê manifest.json. Không có gì bị thay đổi.",
                    "checksum",
                )
            if progress:
                progress(entry)

    def extract_to(self, member: str, target: Path) -> tuple[int, str]:
        """Write a member to a new file (mode 0600), synced; the size and SHA-256 of what was written."""
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, self.open(member) as source:
            result = copy_hashing(source, out)
            out.flush()
            os.fsync(out.fileno())
        return result


def replace_file(source: Path, target: Path) -> None:
    """Move ``source`` over ``target`` atomically and make the rename durable."""
    os.replace(source, target)
    fsync_path(target.parent)


def remove_quietly(path: Path) -> None:
    try:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        pass
