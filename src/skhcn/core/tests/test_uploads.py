import io
import os
import socket
import struct
import threading
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.urls import reverse
from fpdf import FPDF
from PIL import Image

from skhcn.core.uploads import (
    FILE_TYPES,
    CheckedUpload,
    UploadRejected,
    accept_attribute,
    allowed_types,
    check_upload,
    content_disposition,
    describe_allowed,
    format_size,
    private_file_response,
    sanitize_filename,
    scan_with_clamav,
    store_private,
)

ALL = list(FILE_TYPES.values())
# Assembled from parts so that antivirus software on developers' machines leaves this file alone.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

# --- Builders of real minimal files ----------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Ho so")
    return bytes(pdf.output())


def image_bytes(fmt: str, size=(16, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx_bytes(main=DOCX_MAIN, extra=()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=main))
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>Tờ khai</w:p></w:body></w:document>")
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Số liệu"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt_bytes(mimetype="application/vnd.oasis.opendocument.text", extra=(), manifest="<manifest/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # stored, first
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", manifest)
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> TemporaryUploadedFile:
    """What the production handler hands to views: a TemporaryUploadedFile."""
    uploaded = TemporaryUploadedFile(name, "application/octet-stream", len(data), None)
    uploaded.write(data)
    uploaded.seek(0)
    return uploaded


def rejected(name: str, data: bytes, allowed=ALL, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as info:
        check_upload(upload(name, data), allowed, **kwargs)
    assert str(info.value) == info.value.message
    return info.value


# --- Accepted types ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,builder,key",
    [
        ("Tờ khai.pdf", pdf_bytes, "pdf"),
        ("ảnh chụp.JPG", lambda: image_bytes("JPEG"), "jpeg"),
        ("ảnh.jpeg", lambda: image_bytes("JPEG"), "jpeg"),
        ("sơ đồ.png", lambda: image_bytes("PNG"), "png"),
        ("thuyết minh.docx", docx_bytes, "docx"),
        ("dự toán.xlsx", xlsx_bytes, "xlsx"),
        ("báo cáo.odt", odt_bytes, "odt"),
    ],
)
def test_each_allowed_type_is_accepted(name, builder, key):
    data = builder()
    uploaded = upload(name, data)
    uploaded.read(3)  # the checker must not depend on the caller's position
    checked = check_upload(uploaded, ALL)
    assert isinstance(checked, CheckedUpload)
    assert checked.file_type is FILE_TYPES[key]
    assert checked.size == len(data)
    assert len(checked.sha256) == 64
    assert checked.original_name == name
    assert uploaded.tell() == 0


def test_missing_extension_gets_the_sniffed_one():
    checked = check_upload(upload("scan", pdf_bytes()), ALL)
    assert checked.original_name == "scan.pdf"


def test_works_with_in_memory_uploads_too():
    checked = check_upload(SimpleUploadedFile("a.png", image_bytes("PNG")), ALL)
    assert checked.file_type.key == "png"


# --- Wrong content ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,detected",
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "EXE"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "ELF"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "SVG"),
    ],
)
def test_foreign_content_behind_a_pdf_name_is_refused(data, detected):
    error = rejected("giay-phep.pdf", data)
    assert error.code == "unknown_type"
    assert ".pdf" in error.message and detected in error.message


def test_plain_zip_renamed_pdf_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    error = rejected("ho-so.pdf", buffer.getvalue())
    assert error.code == "unknown_type"
    assert "ZIP" in error.message


def test_unrecognised_content_names_the_allowed_list():
    error = rejected("ghi-chu.txt", b"just some text")
    assert error.code == "unknown_type"
    assert "PDF, JPEG, PNG, DOCX, XLSX, ODT" in error.message


def test_png_renamed_pdf_names_both_types():
    error = rejected("ban-ve.pdf", image_bytes("PNG"))
    assert error.code == "extension_mismatch"
    assert ".pdf" in error.message and "PNG" in error.message


def test_pdf_renamed_docx_and_exe_are_mismatches():
    assert rejected("a.docx", pdf_bytes()).code == "extension_mismatch"
    assert rejected("a.exe", pdf_bytes()).code == "extension_mismatch"
    assert rejected("a.xlsx", docx_bytes()).code == "extension_mismatch"


def test_type_not_allowed_names_the_allowed_list():
    error = rejected("a.png", image_bytes("PNG"), allowed=allowed_types("pdf,jpeg"))
    assert error.code == "not_allowed"
    assert "PDF, JPEG" in error.message and "PNG" in error.message


def test_truncated_image_is_refused():
    assert rejected("a.png", image_bytes("PNG")[:40]).code == "corrupt"


def test_legacy_or_encrypted_office_file_is_explained():
    error = rejected("a.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert "mật khẩu" in error.message


# --- Sizes --------------------------------------------------------------------------------------------------------


def test_zero_bytes_is_refused():
    error = rejected("trống.pdf", b"")
    assert error.code == "empty"
    assert "rỗng" in error.message


def test_oversized_is_refused_before_sniffing(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1000
    error = rejected("lớn.pdf", b"%PDF-1.7\n" + b"0" * 2000)
    assert error.code == "too_large"
    assert "1000 byte" in error.message
    assert rejected("lớn.pdf", b"%PDF-1.7\n" + b"0" * 2000, max_bytes=10).code == "too_large"
    content = pdf_bytes()
    assert check_upload(upload("a.pdf", content), ALL, max_bytes=len(content)).size == len(content)


def test_format_size():
    assert format_size(20 * 1024 * 1024) == "20 MB"
    assert format_size(1536 * 1024) == "1,5 MB"
    assert format_size(300 * 1024) == "300 KB"


# --- Archives -----------------------------------------------------------------------------------------------------


def test_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_TYPES.format(main=DOCX_MAIN))
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/zeros.bin", "w") as member:
            for _ in range(30):
                member.write(bytes(1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 100_000
    error = rejected("bom.docx", data)
    assert error.code == "archive_bomb"


def test_uncompressed_total_limit(settings):
    settings.UPLOAD_MAX_UNCOMPRESSED_BYTES = 1000
    assert rejected("a.docx", docx_bytes(extra=[("word/x.xml", os.urandom(2000))])).code == "archive_bomb"


def test_too_many_entries(settings):
    settings.UPLOAD_MAX_ZIP_ENTRIES = 10
    extra = [(f"word/p{i}.xml", "x") for i in range(20)]
    assert rejected("a.docx", docx_bytes(extra=extra)).code == "archive_bomb"


def test_corrupt_member_is_refused():
    data = bytearray(docx_bytes(extra=[("word/big.xml", b"A" * 5000)]))
    # Corrupt one deflated byte of the member: the CRC check while inflating must catch it.
    at = data.find(b"word/big.xml") + len("word/big.xml") + 3
    data[at] ^= 0xFF
    assert rejected("a.docx", bytes(data)).code == "corrupt"


def test_docm_with_vba_project_is_refused():
    data = docx_bytes(main=DOCM_MAIN, extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")])
    assert rejected("a.docx", data).code == "macro"
    assert rejected("a.docm", data).code == "macro"
    # A vbaProject.bin slipped into an innocent-looking docx is refused as well.
    assert rejected("a.docx", docx_bytes(extra=[("word/vbaProject.bin", b"x")])).code == "macro"


def test_odt_with_basic_macros_is_refused():
    assert rejected("a.odt", odt_bytes(extra=[("Basic/Standard/Module1.xml", "<script/>")])).code == "macro"


def test_encrypted_zip_member_is_refused():
    data = bytearray(docx_bytes())
    # zipfile cannot write encrypted members: set the "encrypted" flag in the local and central headers by hand.
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + flags_at] |= 0x1
            at = data.find(signature, at + 4)
    assert rejected("a.docx", bytes(data)).code == "encrypted"


def test_encrypted_odt_is_refused():
    manifest = "<manifest><manifest:encryption-data/></manifest>"
    assert rejected("a.odt", odt_bytes(manifest=manifest)).code == "encrypted"


def test_other_opendocument_types_are_not_odt():
    error = rejected("a.odt", odt_bytes(mimetype="application/vnd.oasis.opendocument.spreadsheet"))
    assert "ODS" in error.message


# --- File names ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\An\\Tờ khai.pdf", "Tờ khai.pdf"),
        ("..", "tep-dinh-kem"),
        ("....", "tep-dinh-kem"),
        ("", "tep-dinh-kem"),
        ("...pdf", "pdf"),
        ("ho\x00so\x1b\x7f.pdf", "hoso.pdf"),
        ("ho  so\t\nmoi .pdf", "ho so moi.pdf"),
        ("bao\u202egnp.exe", "baognp.exe"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ('a<b>c:d"e|f?g*.pdf', "a b c d e f g.pdf"),
        (".htaccess", "htaccess"),
        ("CON.pdf", "_CON.pdf"),
        ("Quyết định số 12/QĐ-SKHCN.pdf", "QĐ-SKHCN.pdf"),
        ("Báo cáo tổng kết năm 2024 - Sở Khoa học và Công nghệ.docx", None),
    ],
)
def test_sanitize_filename(raw, expected):
    assert sanitize_filename(raw) == (raw if expected is None else expected)


def test_sanitize_filename_normalises_to_nfc():
    decomposed = "Nguye\u0302\u0303n Va\u0306n A\u0300.pdf"  # NFD, as macOS sends it
    assert sanitize_filename(decomposed) == "Nguyễn Văn À.pdf"


def test_sanitize_filename_truncates_keeping_the_extension():
    name = sanitize_filename("ả" * 300 + ".docx")
    assert len(name) == 150
    assert name.endswith("ả.docx")
    assert len(sanitize_filename("x" * 300, max_length=20)) == 20
    assert sanitize_filename("a" * 300 + ". .pdf", max_length=20) == "a" * 16 + ".pdf"


def test_sanitized_name_is_returned_by_check_upload():
    checked = check_upload(upload("../../x/\u202eTờ khai.pdf", pdf_bytes()), ALL)
    assert checked.original_name == "Tờ khai.pdf"


# --- Allowed types ------------------------------------------------------------------------------------------------


def test_allowed_types_default_and_override(settings):
    assert [t.key for t in allowed_types()] == ["pdf", "jpeg", "png", "docx", "xlsx", "odt"]
    assert [t.key for t in allowed_types(" PDF , jpg,exe,png,pdf")] == ["pdf", "jpeg", "png"]
    assert [t.key for t in allowed_types("exe,bat")] == [t.key for t in allowed_types()]
    settings.UPLOAD_ALLOWED_TYPES = ["pdf", "nonsense"]
    assert [t.key for t in allowed_types()] == ["pdf"]
    assert [t.key for t in allowed_types("odt")] == ["odt"]


def test_describe_and_accept():
    assert describe_allowed(allowed_types()) == "PDF, JPEG, PNG, DOCX, XLSX, ODT"
    assert accept_attribute(allowed_types("pdf,jpeg")) == ".pdf,.jpg,.jpeg,.jpe,application/pdf,image/jpeg"


# --- ClamAV -------------------------------------------------------------------------------------------------------


class FakeClamd:
    """Speaks just enough clamd: reads a zINSTREAM request, then answers according to ``mode``."""

    def __init__(self, mode: str, family=socket.AF_UNIX, address=None):
        self.mode = mode
        self.received = b""
        self.server = socket.socket(family, socket.SOCK_STREAM)
        self.server.bind(address if address is not None else ("127.0.0.1", 0))
        self.server.listen(1)
        self.server.settimeout(10)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.server.getsockname()[1]

    def read_exactly(self, conn, n):
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise EOFError
            data += part
        return data

    def serve(self):
        try:
            conn, _ = self.server.accept()
        except OSError:
            return
        with conn:
            if self.mode == "close":
                return
            try:
                assert self.read_exactly(conn, 10) == b"zINSTREAM\0"
                while length := struct.unpack(">I", self.read_exactly(conn, 4))[0]:
                    self.received += self.read_exactly(conn, length)
            except (EOFError, OSError):
                return
            if self.mode == "slow":
                threading.Event().wait(2)
                return
            if self.mode == "garbage":
                conn.sendall(b"\x00\xffwhat?")
            elif self.mode == "error":
                conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
            elif EICAR in self.received:
                conn.sendall(b"stream: Eicar-Signature FOUND\0")
            else:
                conn.sendall(b"stream: OK\0")

    def close(self):
        try:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes a pending accept()
        except OSError:
            pass
        self.server.close()
        self.thread.join(5)


@pytest.fixture
def unix_clamd(settings, tmp_path):
    servers = []

    def start(mode):
        path = str(tmp_path / f"clamd-{len(servers)}.sock")
        server = FakeClamd(mode, socket.AF_UNIX, path)
        servers.append(server)
        settings.CLAMD_SOCKET = path
        settings.CLAMD_HOST = ""
        settings.CLAMD_TIMEOUT = 0.5
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def tcp_clamd(settings):
    servers = []

    def start(mode):
        server = FakeClamd(mode, socket.AF_INET)
        servers.append(server)
        settings.CLAMD_SOCKET = ""
        settings.CLAMD_HOST = "127.0.0.1"
        settings.CLAMD_PORT = server.port
        settings.CLAMD_TIMEOUT = 0.5
        return server

    yield start
    for server in servers:
        server.close()


def test_clamav_not_configured_is_a_no_op(settings):
    settings.CLAMD_SOCKET = settings.CLAMD_HOST = ""
    scan_with_clamav(io.BytesIO(EICAR))


def test_clamav_clean_over_unix_socket_sends_the_whole_file(unix_clamd):
    server = unix_clamd("ok")
    data = os.urandom(200_000)  # several INSTREAM chunks
    fileobj = io.BytesIO(data)
    fileobj.seek(123)
    scan_with_clamav(fileobj)
    server.thread.join(5)
    assert server.received == data
    assert fileobj.tell() == 0


def test_clamav_found_over_tcp(tcp_clamd):
    tcp_clamd("ok")
    with pytest.raises(UploadRejected) as info:
        scan_with_clamav(io.BytesIO(EICAR))
    assert info.value.code == "infected"
    assert info.value.message.startswith("Tệp có mã độc")


def test_check_upload_runs_clamav_last(unix_clamd):
    server = unix_clamd("ok")
    data = pdf_bytes() + b"\n%" + EICAR
    with pytest.raises(UploadRejected) as info:
        check_upload(upload("a.pdf", data), ALL)
    assert info.value.code == "infected"
    assert server.received == data
    # Files refused earlier never reach the scanner.
    server = unix_clamd("ok")
    rejected("a.pdf", EICAR)
    server.close()
    assert server.received == b""


@pytest.mark.parametrize("mode", ["garbage", "error", "close", "slow"])
def test_clamav_failures_fail_closed(unix_clamd, mode, caplog):
    unix_clamd(mode)
    with pytest.raises(UploadRejected) as info:
        scan_with_clamav(io.BytesIO(b"%PDF-1.4 clean"))
    assert info.value.code == "scan_failed"
    assert "Không kiểm tra được tệp" in info.value.message and "thử lại sau" in info.value.message
    assert "ClamAV scan failed" in caplog.text


def test_clamav_not_listening_fails_closed(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "missing.sock")
    with pytest.raises(UploadRejected) as info:
        scan_with_clamav(io.BytesIO(b"x"))
    assert info.value.code == "scan_failed"
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    settings.CLAMD_SOCKET, settings.CLAMD_HOST, settings.CLAMD_PORT = "", "127.0.0.1", port
    with pytest.raises(UploadRejected) as info:
        scan_with_clamav(io.BytesIO(b"x"))
    assert info.value.code == "scan_failed"


# --- Upload handler -----------------------------------------------------------------------------------------------

HANDLER = ["skhcn.core.uploads.SizeLimitedUploadHandler"]


@pytest.fixture
def limited(settings, tmp_path):
    settings.ROOT_URLCONF = "skhcn.core.tests.upload_urls"
    settings.FILE_UPLOAD_HANDLERS = HANDLER
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.UPLOAD_MAX_FILE_BYTES = 10_000
    settings.UPLOAD_MAX_DOSSIER_BYTES = 25_000
    return tmp_path


def test_project_uses_the_size_limited_handler():
    from django.conf import settings

    assert settings.FILE_UPLOAD_HANDLERS == HANDLER


@pytest.mark.django_db
def test_handler_drops_a_too_large_file_with_a_vietnamese_message(client, limited):
    response = client.post(
        "/nop-ho-so/",
        {
            "note": "trước",
            "small": SimpleUploadedFile("nhỏ.pdf", b"%PDF-" + b"1" * 500),
            "big": SimpleUploadedFile("Bản vẽ lớn.pdf", b"%PDF-" + b"0" * 300_000),
            "after": "sau",
        },
    )
    body = response.json()
    assert response.status_code == 200
    assert body["too_large"] is True
    assert body["message"] == "Tệp “Bản vẽ lớn.pdf” vượt quá dung lượng tối đa 9,8 KB cho mỗi tệp."
    assert body["files"] == {"small": ["nhỏ.pdf"]}
    assert body["note"] == "trước"
    assert os.listdir(limited) == []


@pytest.mark.django_db
def test_handler_drops_files_past_the_dossier_total(client, limited):
    files = {f"f{i}": SimpleUploadedFile(f"{i}.pdf", b"%PDF-" + b"0" * 9000) for i in range(4)}
    body = client.post("/nop-ho-so/", {**files, "note": "x"}).json()
    assert body["too_large"] is True
    assert body["message"] == "Tổng dung lượng các tệp tải lên vượt quá giới hạn 24 KB cho mỗi hồ sơ."
    assert sorted(body["files"]) == ["f0", "f1"]
    assert body["note"] == "x"
    assert os.listdir(limited) == []


@pytest.mark.django_db
def test_handler_passes_files_within_limits(client, limited):
    body = client.post("/nop-ho-so/", {"a": SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 9000)}).json()
    assert body == {"too_large": False, "message": None, "files": {"a": ["a.pdf"]}, "note": None}


@pytest.mark.django_db
def test_handler_limits_anonymous_posts_to_admin_paths(client, limited):
    body = client.post("/admin/echo/", {"a": SimpleUploadedFile("a.pdf", b"0" * 20_000)}).json()
    assert body["too_large"] is True


@pytest.mark.django_db
def test_handler_does_not_limit_admin_users_on_admin_paths(client, limited, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "b@example.invalid", "x-Very-long-1")
    client.force_login(admin)
    body = client.post("/admin/echo/", {"a": SimpleUploadedFile("a.pdf", b"0" * 20_000)}).json()
    assert body["too_large"] is False
    assert body["files"] == {"a": ["a.pdf"]}
    # Outside the admin, staff are limited like everyone.
    assert client.post("/nop-ho-so/", {"a": SimpleUploadedFile("a.pdf", b"0" * 20_000)}).json()["too_large"]


@pytest.mark.django_db
def test_wagtail_admin_image_upload_larger_than_the_citizen_limit_still_works(client, limited, django_user_model):
    from wagtail.images import get_image_model

    admin = django_user_model.objects.create_superuser("boss", "b@example.invalid", "x-Very-long-1")
    client.force_login(admin)
    noisy = Image.frombytes("RGB", (120, 120), os.urandom(120 * 120 * 3))
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    data = buffer.getvalue()
    assert len(data) > 10_000
    response = client.post(
        reverse("wagtailimages:add"), {"title": "Ảnh lớn", "file": SimpleUploadedFile("lon.png", data)}
    )
    assert response.status_code == 302, response.content[:2000]
    assert get_image_model().objects.filter(title="Ảnh lớn").exists()


# --- Private storage ----------------------------------------------------------------------------------------------


def test_store_private_uses_a_generated_name_and_streams_the_content(settings):
    data = pdf_bytes()
    uploaded = upload("../Tờ khai.pdf", data)
    checked = check_upload(uploaded, ALL)
    name = store_private(checked, uploaded, "dossiers")
    parts = name.split("/")
    assert parts[0] == "dossiers" and len(parts[1]) == 4 and len(parts[2]) == 2
    assert len(parts[3]) == len("0" * 32 + ".pdf") and parts[3].endswith(".pdf")
    assert "Tờ" not in name
    storage = storages["private"]
    with storage.open(name, "rb") as stored:
        assert stored.read() == data
    assert os.path.exists(uploaded.temporary_file_path())  # not moved away from the caller
    assert uploaded.tell() == 0
    storage.delete(name)


def test_store_private_refuses_odd_folders():
    checked = check_upload(upload("a.pdf", pdf_bytes()), ALL)
    for folder in ("../x", "/abs", "a/../b", "", "a b"):
        with pytest.raises(ValueError):
            store_private(checked, upload("a.pdf", pdf_bytes()), folder)


def test_store_private_leaves_nothing_when_the_write_fails(settings):
    storage = storages["private"]
    root = settings.PRIVATE_MEDIA_ROOT
    uploaded = upload("a.pdf", pdf_bytes())
    checked = check_upload(uploaded, ALL)

    def failing_save(name, content):
        path = storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as partial:
            partial.write(b"%PDF-half")
        raise OSError("disk full")

    with mock.patch.object(type(storage), "_save", side_effect=failing_save), pytest.raises(UploadRejected) as info:
        store_private(checked, uploaded, "failing")
    assert info.value.code == "storage_failed"
    assert "thử lại sau" in info.value.message
    leftovers = [f for _, _, files in os.walk(root / "failing") for f in files] if (root / "failing").exists() else []
    assert leftovers == []


# --- Private download ---------------------------------------------------------------------------------------------


@pytest.fixture
def stored_pdf():
    uploaded = upload("a.pdf", pdf_bytes())
    name = store_private(check_upload(uploaded, ALL), uploaded, "downloads")
    yield name
    storages["private"].delete(name)


def test_private_file_response_headers(stored_pdf):
    response = private_file_response(stored_pdf, "Quyết định số 12.pdf", "application/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"] == (
        'attachment; filename="Quyet dinh so 12.pdf"; '
        "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%2012.pdf"
    )
    with storages["private"].open(stored_pdf) as stored:
        assert b"".join(response.streaming_content) == stored.read()
    response.file_to_stream.close()


def test_private_file_response_inline(stored_pdf):
    response = private_file_response(stored_pdf, "Đơn.pdf", "application/pdf", as_attachment=False)
    assert response["Content-Disposition"].startswith('inline; filename="Don.pdf"; ')
    # Inline too: a sandbox and no sniffing (staff pages show PDFs through PDF.js, see core/static/core).
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.file_to_stream.close()
    response = private_file_response(stored_pdf, "a.png", "image/png", as_attachment=False)
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.file_to_stream.close()
    response = private_file_response(stored_pdf, "a.html", "text/html", as_attachment=False)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    response.file_to_stream.close()


def test_content_disposition_cannot_be_broken_by_the_name():
    header = content_disposition('a"b;c\r\n%.pdf')
    assert "\r" not in header and "\n" not in header
    assert header == "attachment; filename=\"a b_c _.pdf\"; filename*=UTF-8''a%20b%3Bc%20%25.pdf"


@pytest.mark.django_db
def test_wagtail_documents_are_served_with_no_scripts_and_no_sniffing(client, settings, tmp_path):
    """Editors' documents (Wagtail's serve view, PDFs inline): Wagtail's own CSP blocks every script and resource."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    settings.MEDIA_ROOT = str(tmp_path)
    document = get_document_model().objects.create(title="Kế hoạch", file=ContentFile(pdf_bytes(), name="ke-hoach.pdf"))
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()
