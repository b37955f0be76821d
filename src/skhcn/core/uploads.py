"""Safe intake of citizens' uploads: type sniffing, limits, virus scan, private storage and private download.

Typical use in a view (after ``form.is_valid()``)::

    if getattr(request, "upload_too_large", False):
        form.add_error(None, request.upload_too_large_message)
    try:
        checked = check_upload(uploaded, allowed_types(procedure.allowed_file_types))
        stored_name = store_private(checked, uploaded, "dossiers")
    except UploadRejected as exc:
        form.add_error("file", exc.message)

Every Vietnamese message is meant to be shown to the citizen as is.
"""

from __future__ import annotations

import hashlib
import logging
import re
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from urllib.parse import quote
from uuid import uuid4

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.http import FileResponse
from django.utils import timezone

from skhcn.core import clamav, pdf_safety
from skhcn.core.errors import UserFacingError

logger = logging.getLogger("skhcn.uploads")

CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 8192


class UploadRejected(UserFacingError):  # noqa: N818 - the name is the public interface
    """An upload refused; ``message`` (also ``str(exc)``) is a Vietnamese sentence for the user.

    ``code`` is a short machine-readable reason: empty, too_large, unknown_type, extension_mismatch, not_allowed,
    corrupt, archive_bomb, encrypted, macro, pdf_active, image_too_large, infected, scan_failed, storage_failed.
    """


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    mime: str
    extension: str
    # Other accepted spellings of the extension, e.g. "jpg" for JPEG.
    aliases: tuple[str, ...] = ()

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("pdf", "PDF", "application/pdf", "pdf"),
    "jpeg": FileType("jpeg", "JPEG", "image/jpeg", "jpg", ("jpeg", "jpe")),
    "png": FileType("png", "PNG", "image/png", "png"),
    "docx": FileType("docx", "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": FileType("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "odt": FileType("odt", "ODT", "application/vnd.oasis.opendocument.text", "odt"),
}
# Keys an editor may reasonably type in Procedure.allowed_file_types.
_KEY_ALIASES = {"jpg": "jpeg", "jpe": "jpeg"}


def allowed_types(override: str = "") -> list[FileType]:
    """The allowed types: ``override`` (comma-separated keys) if it names any known type, else the settings' list."""
    types = _parse_types(override) if override and override.strip() else []
    if override and override.strip() and not types:
        logger.warning("No known file type in %r; using UPLOAD_ALLOWED_TYPES", override)
    return types or _parse_types(",".join(settings.UPLOAD_ALLOWED_TYPES))


def _parse_types(value: str) -> list[FileType]:
    result: list[FileType] = []
    for raw in value.split(","):
        key = raw.strip().lower().lstrip(".")
        file_type = FILE_TYPES.get(_KEY_ALIASES.get(key, key))
        if file_type and file_type not in result:
            result.append(file_type)
    return result


def describe_allowed(types) -> str:
    """ "PDF, JPEG, PNG, DOCX, XLSX, ODT"."""
    return ", ".join(t.label for t in types)


def accept_attribute(types) -> str:
    """Value for ``<input type=file accept=...>``: extensions and MIME types (a hint to the browser only)."""
    parts = [f".{ext}" for t in types for ext in t.extensions]
    parts += [t.mime for t in types]
    return ",".join(dict.fromkeys(parts))


def format_size(size: int) -> str:
    """Vietnamese size: "20 MB", "1,5 MB", "300 KB"."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
    return f"{size} byte"


# --- File names ---------------------------------------------------------------------------------------------------

FALLBACK_NAME = "tep-dinh-kem"
_RESERVED = re.compile(r'[<>:"|?*]')
_SPACES = re.compile(r"\s+")
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}


def sanitize_filename(name: str, max_length: int = 150) -> str:
    """A display/download name safe anywhere: never a path, never empty, Vietnamese letters kept (NFC)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    chars = []
    for ch in name:
        category = unicodedata.category(ch)
        if category in ("Zl", "Zp") or ch in "\t\n\r\v\f":
            chars.append(" ")
        elif category[0] == "C":  # control, format (bidi overrides, zero-width), surrogate, private use, unassigned
            continue
        else:
            chars.append(ch)
    name = _RESERVED.sub(" ", "".join(chars))
    name = _SPACES.sub(" ", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot or not ext.isalnum() or len(ext) > 10 or not ext.isascii():
        stem, ext = name, ""
    stem = stem.strip(" .")
    if stem.split(".")[0].lower() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    suffix = f".{ext}" if ext else ""
    max_length = max(max_length, len(FALLBACK_NAME) + len(suffix))
    stem = stem[: max_length - len(suffix)].rstrip(" .")
    return f"{stem or FALLBACK_NAME}{suffix}"


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


# --- Content checks -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedUpload:
    file_type: FileType
    size: int  # of what is stored: the cleaned copy when there is one
    sha256: str
    original_name: str  # sanitised; carries the right extension
    # Kinds of active content removed from a PDF (pdf_safety.KIND_LABELS); empty when the file is stored as sent.
    removed_content: tuple[str, ...] = ()
    # The cleaned copy to store instead of the upload (a file object at position 0), or None.
    content: object = field(default=None, compare=False, repr=False)

    def stored_fields(self, stored_name: str) -> dict:
        """The columns a model of a stored upload keeps (a dossier's files, an action's files)."""
        return {
            "stored_name": stored_name,
            "original_name": self.original_name,
            "content_type": self.file_type.mime,
            "size": self.size,
            "sha256": self.sha256,
            "removed_content": list(self.removed_content),
        }


PDF_ACTIVE_REFUSE = "refuse"
PDF_ACTIVE_STRIP = "strip"


def removed_content_note(kinds) -> str:
    """The note staff see next to a cleaned file: "Đã gỡ bỏ mã JavaScript khỏi tệp này khi tiếp nhận."."""
    return f"Đã gỡ bỏ {pdf_safety.describe(kinds)} khỏi tệp này khi tiếp nhận." if kinds else ""


def check_upload(uploaded, allowed: list[FileType], max_bytes: int | None = None) -> CheckedUpload:
    """Check an uploaded file from its bytes; raise UploadRejected with a Vietnamese message, or describe it.

    Order: size (zero, over ``max_bytes``), type sniffed from the content (with archive/macro/encryption checks
    for DOCX/XLSX/ODT and a decode check for images), extension agreeing with the content, type allowed, active
    content of a PDF (refused, or removed into ``content`` per settings.UPLOAD_PDF_ACTIVE_CONTENT), ClamAV.
    The file position is left at 0.
    """
    if max_bytes is None:
        max_bytes = settings.UPLOAD_MAX_FILE_BYTES
    original = sanitize_filename(getattr(uploaded, "name", "") or "")
    try:
        size, digest, head = _measure(uploaded, max_bytes, original)
        uploaded.seek(0)
        sniffed, detected = _sniff(uploaded, head, original)
        extension = _extension(original)
        by_extension = next((t for t in FILE_TYPES.values() if extension in t.extensions), None) if extension else None
        if sniffed is None:
            if by_extension is not None:
                what = f"là tệp {detected}" if detected else f"không phải là tệp {by_extension.label} hợp lệ"
                raise UploadRejected(
                    f"Tệp “{original}” có đuôi .{extension} nhưng nội dung {what}. "
                    f"Chỉ chấp nhận các định dạng: {describe_allowed(allowed)}.",
                    "unknown_type",
                )
            what = f" (nội dung là tệp {detected})" if detected else ""
            raise UploadRejected(
                f"Không nhận dạng được định dạng của tệp “{original}”{what}. "
                f"Chỉ chấp nhận các định dạng: {describe_allowed(allowed)}.",
                "unknown_type",
            )
        if extension and extension not in sniffed.extensions:
            raise UploadRejected(
                f"Tệp “{original}” có đuôi .{extension} nhưng nội dung là tệp {sniffed.label}. "
                f"Vui lòng kiểm tra lại tệp hoặc đổi đuôi tệp thành .{sniffed.extension}.",
                "extension_mismatch",
            )
        if sniffed not in allowed:
            raise UploadRejected(
                f"Tệp “{original}” có định dạng {sniffed.label}, không được chấp nhận. "
                f"Chỉ chấp nhận các định dạng: {describe_allowed(allowed)}.",
                "not_allowed",
            )
        if not extension:
            original = sanitize_filename(f"{original}.{sniffed.extension}")
        cleaned = _check_pdf(uploaded, original, max_bytes) if sniffed.key == "pdf" else None
        uploaded.seek(0)
        scan_with_clamav(uploaded)
    finally:
        uploaded.seek(0)
    if cleaned is not None:
        content, removed = cleaned
        size, digest, _head = _measure(content, max_bytes, original)
        content.seek(0)
        return CheckedUpload(sniffed, size, digest, original, removed_content=removed, content=content)
    return CheckedUpload(file_type=sniffed, size=size, sha256=digest, original_name=original)


def _check_pdf(uploaded, original: str, max_bytes: int):
    """None for a PDF without active content; else refuse it, or (settings "strip") return a cleaned copy and the
    kinds removed. A PDF that cannot be read (damaged, cut short, protected by a password) is refused."""
    try:
        scan = pdf_safety.scan_pdf(uploaded)
        if not scan.active:
            return None
        found = pdf_safety.describe(scan.found)
        policy = settings.UPLOAD_PDF_ACTIVE_CONTENT
        if policy != PDF_ACTIVE_STRIP:
            if policy != PDF_ACTIVE_REFUSE:
                logger.warning("Unknown UPLOAD_PDF_ACTIVE_CONTENT %r; refusing", policy)
            raise UploadRejected(
                f"Tệp PDF “{original}” có {found} nên không được chấp nhận (những nội dung này có thể tự chạy "
                f"trên máy người xem). {_PDF_REMEDY}",
                "pdf_active",
            )
        if scan.signed:
            raise UploadRejected(
                f"Tệp PDF “{original}” đã được ký số và có {found}; gỡ bỏ những nội dung này sẽ làm mất hiệu lực "
                f"chữ ký số nên tệp không được chấp nhận. Vui lòng ký số lại trên một tệp PDF không có các nội dung "
                "đó rồi tải lên lại.",
                "pdf_active",
            )
        content = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, dir=settings.FILE_UPLOAD_TEMP_DIR)
        removed = pdf_safety.strip_active_content(uploaded, content)
    except pdf_safety.PdfUnreadable as exc:
        raise UploadRejected(_PDF_UNREADABLE[exc.code].format(name=original), exc.code) from exc
    except pdf_safety.CleaningFailed as exc:
        logger.warning("Active content left in %r after cleaning", original)
        raise UploadRejected(
            f"Tệp PDF “{original}” có {found} và không gỡ bỏ được tự động nên không được chấp nhận. {_PDF_REMEDY}",
            "pdf_active",
        ) from exc
    logger.info("Removed %s from the upload %r", ", ".join(sorted(removed)), original)
    return content, tuple(kind for kind in pdf_safety.KIND_LABELS if kind in removed)


_PDF_REMEDY = (
    "Vui lòng xuất lại thành tệp PDF thông thường (ví dụ: mở tệp, chọn In rồi chọn “Lưu dưới dạng PDF” hoặc "
    "“Microsoft Print to PDF”) rồi tải lên lại."
)
_PDF_UNREADABLE = {
    "corrupt": "Tệp PDF “{name}” bị hỏng hoặc không đọc được (có thể tệp chưa được tải về hoặc sao chép đầy đủ).",
    "encrypted": "Tệp PDF “{name}” đã được đặt mật khẩu. Vui lòng gỡ mật khẩu rồi tải lên lại.",
    "too_complex": (
        "Tệp PDF “{name}” có cấu trúc quá phức tạp nên không kiểm tra được. "
        "Vui lòng xuất lại thành tệp PDF thông thường rồi tải lên lại."
    ),
}


def _measure(uploaded, max_bytes: int, original: str) -> tuple[int, str, bytes]:
    """Size and SHA-256 from the bytes themselves (not the client's claims), plus the first bytes."""
    uploaded.seek(0)
    digest = hashlib.sha256()
    size = 0
    head = b""
    while chunk := uploaded.read(CHUNK_SIZE):
        if len(head) < HEAD_SIZE:
            head += chunk[: HEAD_SIZE - len(head)]
        size += len(chunk)
        if size > max_bytes:
            raise UploadRejected(
                f"Tệp “{original}” vượt quá dung lượng tối đa {format_size(max_bytes)} cho mỗi tệp.", "too_large"
            )
        digest.update(chunk)
    if size == 0:
        raise UploadRejected(f"Tệp “{original}” rỗng (0 byte). Vui lòng chọn lại tệp.", "empty")
    return size, digest.hexdigest(), head


def _sniff(fileobj, head: bytes, original: str) -> tuple[FileType | None, str | None]:
    """The allowed-list type of the content, or None and a label of what it seems to be (for the message)."""
    if head.startswith(b"%PDF-"):
        return FILE_TYPES["pdf"], None
    if head.startswith(b"\xff\xd8\xff"):
        return _check_image(fileobj, "jpeg", original)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _check_image(fileobj, "png", original)
    if head.startswith(b"PK\x03\x04"):
        return _inspect_zip(fileobj, original)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2: legacy DOC/XLS, or an OOXML file encrypted with a password.
        raise UploadRejected(
            f"Tệp “{original}” là định dạng Office cũ (DOC/XLS) hoặc đã được đặt mật khẩu. "
            "Vui lòng lưu lại dưới dạng DOCX, XLSX hoặc PDF (không đặt mật khẩu) rồi tải lên lại.",
            "unknown_type",
        )
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return None, "HTML"
    if stripped.startswith(b"<svg") or (stripped.startswith(b"<?xml") and b"<svg" in stripped):
        return None, "SVG"
    if stripped.startswith(b"<?xml"):
        return None, "XML"
    kind = filetype.guess(head)
    return None, (kind.extension.upper() if kind else None)


def _check_image(fileobj, key: str, original: str) -> tuple[FileType, None]:
    from PIL import Image  # Pillow, loaded only when an image is uploaded

    file_type = FILE_TYPES[key]
    try:
        fileobj.seek(0)
        with Image.open(fileobj, formats=[file_type.label]) as image:
            too_large = image.width * image.height > (Image.MAX_IMAGE_PIXELS or 89_478_485)
            if not too_large:
                image.verify()
    except Image.DecompressionBombError:
        too_large = True
    except Exception as exc:
        raise UploadRejected(f"Ảnh “{original}” bị hỏng hoặc không đọc được.", "corrupt") from exc
    if too_large:
        raise UploadRejected(f"Ảnh “{original}” có kích thước (số điểm ảnh) quá lớn.", "image_too_large")
    return file_type, None


_OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": ("docx", "word/"),
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ("xlsx", "xl/"),
}
_ODF_LABELS = {
    b"application/vnd.oasis.opendocument.spreadsheet": "ODS",
    b"application/vnd.oasis.opendocument.presentation": "ODP",
    b"application/vnd.oasis.opendocument.graphics": "ODG",
    b"application/vnd.oasis.opendocument.text-template": "OTT",
}


def _zip_limits() -> tuple[int, int, int]:
    return (
        settings.UPLOAD_MAX_UNCOMPRESSED_BYTES,
        settings.UPLOAD_MAX_COMPRESSION_RATIO,
        settings.UPLOAD_MAX_ZIP_ENTRIES,
    )


def _zip_entry_count(fileobj) -> int | None:
    """Entries declared in the end-of-central-directory record, read before zipfile builds its (big) index."""
    end = fileobj.seek(0, 2)
    fileobj.seek(max(0, end - 65557))
    tail = fileobj.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    return struct.unpack("<H", tail[at + 10 : at + 12])[0]


def _inspect_zip(fileobj, original: str) -> tuple[FileType | None, str | None]:
    max_total, max_ratio, max_entries = _zip_limits()
    corrupt = UploadRejected(f"Tệp “{original}” bị hỏng hoặc không đọc được.", "corrupt")
    bomb = UploadRejected(
        f"Tệp “{original}” có cấu trúc nén bất thường (dung lượng sau khi giải nén quá lớn) nên không được chấp nhận.",
        "archive_bomb",
    )
    encrypted = UploadRejected(
        f"Tệp “{original}” đã được đặt mật khẩu hoặc mã hoá. Vui lòng gỡ mật khẩu rồi tải lên lại.", "encrypted"
    )
    macro = UploadRejected(
        f"Tệp “{original}” có chứa macro hoặc mã lệnh tự động nên không được chấp nhận. "
        "Vui lòng lưu lại dưới dạng DOCX, XLSX hoặc ODT thông thường (không có macro).",
        "macro",
    )
    count = _zip_entry_count(fileobj)
    if count is None:
        raise corrupt
    if count == 0xFFFF or count > max_entries:
        raise bomb
    archive_size = fileobj.seek(0, 2)
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            if len(infos) > max_entries:
                raise bomb
            total = 0
            for info in infos:
                if info.flag_bits & 0x1:
                    raise encrypted
                total += info.file_size
                if info.file_size > 1024 * 1024 and info.file_size > 1000 * max(info.compress_size, 1):
                    raise bomb
            if total > max_total or (total > 10 * 1024 * 1024 and total > max_ratio * archive_size):
                raise bomb
            names = [info.filename for info in infos]
            lower = [name.lower() for name in names]
            if any(n.endswith(("vbaproject.bin", "vbadata.xml")) or "/activex/" in f"/{n}" for n in lower):
                raise macro
            # Every entry must really inflate to its declared size with a good CRC: a lying header is refused.
            budget = max_total
            for info in infos:
                with archive.open(info) as member:
                    while block := member.read(CHUNK_SIZE):
                        budget -= len(block)
                        if budget < 0:
                            raise bomb
            if infos and infos[0].filename == "mimetype":
                return _odf_type(archive, infos[0], lower, encrypted, macro)
            if "[content_types].xml" in lower:
                return _ooxml_type(archive, names[lower.index("[content_types].xml")], lower, macro)
    except UploadRejected:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,
        EOFError,
        OSError,
        ValueError,
    ) as exc:
        raise corrupt from exc
    except RuntimeError as exc:  # zipfile raises it for encrypted members
        raise encrypted from exc
    return None, "ZIP"


def _odf_type(archive, first, lower, encrypted, macro) -> tuple[FileType | None, str | None]:
    with archive.open(first) as member:
        mimetype = member.read(200).strip()
    if any(n.startswith(("basic/", "scripts/")) and not n.endswith("/") for n in lower):
        raise macro
    if "meta-inf/manifest.xml" in lower:
        with archive.open(archive.infolist()[lower.index("meta-inf/manifest.xml")]) as member:
            if b"encryption-data" in member.read(1024 * 1024):
                raise encrypted
    if mimetype == FILE_TYPES["odt"].mime.encode():
        return FILE_TYPES["odt"], None
    return None, _ODF_LABELS.get(mimetype, "ODF")


def _ooxml_type(archive, name, lower, macro) -> tuple[FileType | None, str | None]:
    with archive.open(name) as member:
        content_types = member.read(1024 * 1024)
    folded = content_types.lower()
    if b"macroenabled" in folded or b"vbaproject" in folded:
        raise macro
    for main, (key, folder) in _OOXML_MAIN.items():
        if main in content_types and any(n.startswith(folder) for n in lower):
            return FILE_TYPES[key], None
    if b"presentationml" in folded:
        return None, "PPTX"
    if b"template.main+xml" in folded:
        return None, "DOTX/XLTX"
    return None, "ZIP"


def scan_with_clamav(fileobj) -> None:
    """Scan with clamd when CLAMD_SOCKET or CLAMD_HOST is set; a virus or any scanner failure refuses the file."""
    if not clamav.is_configured():
        return
    fileobj.seek(0)
    try:
        clamav.instream(fileobj)
    except clamav.VirusFound as exc:
        logger.warning("ClamAV found %s in an upload (%s)", exc.signature, getattr(fileobj, "name", "?"))
        raise UploadRejected(
            "Tệp có mã độc (virus) nên không được chấp nhận. Vui lòng kiểm tra lại máy tính và tệp trước khi tải lên.",
            "infected",
        ) from exc
    except clamav.ScanError as exc:
        logger.error("ClamAV scan failed: %s", exc)
        raise UploadRejected(
            "Không kiểm tra được tệp bằng phần mềm diệt virus, vui lòng thử lại sau.", "scan_failed"
        ) from exc
    finally:
        fileobj.seek(0)


# --- Upload handler -----------------------------------------------------------------------------------------------


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams uploads to temporary files and drops any file past the limits while it is still arriving.

    Limits: settings.UPLOAD_MAX_FILE_BYTES per file, settings.UPLOAD_MAX_DOSSIER_BYTES for all files of a request.
    A dropped file is skipped (its temporary file deleted, the rest of the form still parsed, so the CSRF token and
    other fields survive) and the request is marked: ``request.upload_too_large = True``,
    ``request.upload_too_large_limit`` ("file" or "dossier": the limit that was hit) and
    ``request.upload_too_large_message`` (Vietnamese, naming that limit and its value). Views must check
    ``getattr(request, "upload_too_large", False)`` and refuse the whole submission with that message: the other files
    of the request may still be in ``request.FILES``.

    Signed-in Wagtail/Django admin users posting under settings.UPLOAD_LIMIT_EXEMPT_PATHS (default "/admin/",
    "/django-admin/") are not limited here: Wagtail applies its own limits to images and documents.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limited = True
        self.total = 0
        self.current = 0
        self.exhausted = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
        self.limited = not _is_exempt(self.request)
        return None

    def new_file(self, *args, **kwargs):
        # Always create the file first: SkipFile makes the parser close ``self.file``, which must be this one.
        super().new_file(*args, **kwargs)
        self.current = 0
        if not self.limited:
            return
        if self.exhausted:
            raise SkipFile
        if self.content_length is not None and self.content_length > settings.UPLOAD_MAX_FILE_BYTES:
            self._too_large(per_file=True)

    def receive_data_chunk(self, raw_data, start):
        if self.limited:
            self.current += len(raw_data)
            if self.current > settings.UPLOAD_MAX_FILE_BYTES:
                self._too_large(per_file=True)
            if self.total + self.current > settings.UPLOAD_MAX_DOSSIER_BYTES:
                self.exhausted = True
                self._too_large(per_file=False)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size):
        self.total += self.current
        self.current = 0
        return super().file_complete(file_size)

    def _too_large(self, per_file: bool):
        name = sanitize_filename(self.file_name or "")
        message = file_too_large_message(name) if per_file else dossier_too_large_message()
        logger.info("Upload %r dropped: %s", self.file_name, "file too large" if per_file else "request too large")
        if self.request is not None and not getattr(self.request, "upload_too_large", False):
            self.request.upload_too_large = True
            self.request.upload_too_large_limit = "file" if per_file else "dossier"
            self.request.upload_too_large_message = message
        self.current = 0
        raise SkipFile


def _is_exempt(request) -> bool:
    if request is None:
        return False
    prefixes = tuple(settings.UPLOAD_LIMIT_EXEMPT_PATHS)
    if not prefixes or not request.path_info.startswith(prefixes):
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_staff or user.has_perm("wagtailadmin.access_admin"))


def file_too_large_message(name: str = "") -> str:
    limit = format_size(settings.UPLOAD_MAX_FILE_BYTES)
    if name:
        return f"Tệp “{name}” vượt quá dung lượng tối đa {limit} cho mỗi tệp."
    return f"Tệp vượt quá dung lượng tối đa {limit} cho mỗi tệp."


def dossier_too_large_message() -> str:
    return (
        f"Tổng dung lượng các tệp tải lên vượt quá giới hạn {format_size(settings.UPLOAD_MAX_DOSSIER_BYTES)} "
        "cho mỗi hồ sơ."
    )


def upload_too_large_message(request) -> str | None:
    """The Vietnamese message when the upload handler dropped a file of this request (naming the limit it hit),
    else None."""
    if getattr(request, "upload_too_large", False):
        return getattr(request, "upload_too_large_message", None) or file_too_large_message()
    return None


# --- Private storage ----------------------------------------------------------------------------------------------

_FOLDER = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


def store_private(checked: CheckedUpload, uploaded, folder: str) -> str:
    """Save into storages["private"] as ``folder/yyyy/mm/<uuid>.<ext>``; return the stored name.

    The user's file name is never used on disk. On failure nothing is left behind and UploadRejected
    (code "storage_failed") is raised, chained to the original error.
    """
    if not _FOLDER.match(folder):
        raise ValueError(f"Invalid private storage folder: {folder!r}")
    now = timezone.localtime()
    name = f"{folder}/{now:%Y}/{now:%m}/{uuid4().hex}.{checked.file_type.extension}"
    storage = storages["private"]
    source = checked.content if checked.content is not None else uploaded
    source.seek(0)
    # A plain File over the open handle: storage streams its chunks instead of moving the temporary file away.
    content = File(getattr(source, "file", source), name=name)
    try:
        stored = storage.save(name, content, max_length=255)
    except Exception as exc:
        logger.exception("Could not store an upload in private storage as %s", name)
        try:
            if storage.exists(name):
                storage.delete(name)
        except Exception:
            logger.exception("Could not remove the partial file %s", name)
        raise UploadRejected("Không lưu được tệp, vui lòng thử lại sau.", "storage_failed") from exc
    finally:
        source.seek(0)
    return stored


# --- Private download ---------------------------------------------------------------------------------------------

_INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def content_disposition(download_name: str, as_attachment: bool = True) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''percent-encoded`` (RFC 6266/5987)."""
    name = sanitize_filename(download_name)
    decomposed = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\%;' else "_" for ch in ascii_name)
    disposition = "attachment" if as_attachment else "inline"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def private_file_response(name: str, download_name: str, content_type: str, as_attachment: bool = True):
    """Stream a file of storages["private"]. Callers check the user's right to it first.

    Only PDF, JPEG and PNG may be shown inline; anything else is sent as an attachment. Every response carries
    ``Content-Security-Policy: sandbox`` and ``X-Content-Type-Options: nosniff``: whatever the file holds runs in an
    opaque origin with no scripts, and is never taken for another type. The browsers' own PDF viewers refuse to run
    in a sandbox (Chrome shows "blocked"), so pages show PDFs to staff with PDF.js (core/static/core/pdf-preview.mjs),
    which reads the bytes with fetch.
    """
    if not as_attachment and content_type not in _INLINE_TYPES:
        as_attachment = True
    handle = storages["private"].open(name, "rb")
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(download_name, as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox"
    return response
