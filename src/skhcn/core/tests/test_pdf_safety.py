"""Active content in uploaded PDFs (issue 12, part 9): found wherever it hides, refused with its Vietnamese name or
removed (settings.UPLOAD_PDF_ACTIVE_CONTENT), damaged and hostile files refused quickly."""

import hashlib
import io
import random
import time

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from skhcn.core import pdf_safety
from skhcn.core.uploads import FILE_TYPES, UploadRejected, check_upload, removed_content_note, store_private

from .pdf_samples import (
    PAGE_TEXT,
    VARIANTS,
    active_pdf_bytes,
    clean_pdf_bytes,
    cyclic_pdf_bytes,
    encrypted_pdf_bytes,
    nested_pdf_bytes,
)

PDF_ONLY = [FILE_TYPES["pdf"]]
REMEDY = "Vui lòng xuất lại thành tệp PDF thông thường"


def upload(content: bytes, name: str = "don.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def scan(content: bytes) -> pdf_safety.PdfScan:
    return pdf_safety.scan_pdf(io.BytesIO(content))


def refused(content: bytes, name: str = "don.pdf") -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload(content, name), PDF_ONLY)
    return caught.value


@pytest.fixture
def strip(settings):
    settings.UPLOAD_PDF_ACTIVE_CONTENT = "strip"


# --- detection --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_each_kind_is_found_even_inside_compressed_object_streams(variant):
    content = active_pdf_bytes(variant)
    assert b"/JavaScript" not in content and b"/Launch" not in content  # packed into compressed object streams
    assert scan(content).found == VARIANTS[variant]


def test_clean_pdfs_have_nothing_to_report():
    assert scan(clean_pdf_bytes()).found == frozenset()
    # Web links (/URI on click) and "open at page 1" are not active content.
    assert scan(clean_pdf_bytes(link="https://skhcn.example.gov.vn/")).found == frozenset()


def test_open_action_that_only_shows_a_page_is_allowed():
    import pikepdf

    pdf = pikepdf.Pdf.open(io.BytesIO(clean_pdf_bytes()))
    pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
    as_destination = io.BytesIO()
    pdf.save(as_destination)
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit]))
    as_action = io.BytesIO()
    pdf.save(as_action)
    assert scan(as_destination.getvalue()).found == frozenset()
    assert scan(as_action.getvalue()).found == frozenset()


def test_signature_is_noticed():
    assert scan(active_pdf_bytes(signed=True)).signed is True
    assert scan(clean_pdf_bytes()).signed is False


def test_reference_cycles_end():
    started = time.monotonic()
    assert scan(cyclic_pdf_bytes()).found == {"javascript"}
    assert scan(active_pdf_bytes("javascript_in_next_chain")).found == {"javascript"}
    assert time.monotonic() - started < 5


def test_deep_nesting_is_walked_or_refused_quickly():
    assert scan(nested_pdf_bytes(400)).found == {"javascript"}  # found 400 arrays deep
    started = time.monotonic()
    with pytest.raises(pdf_safety.PdfUnreadable) as caught:
        scan(nested_pdf_bytes(200_000))
    assert caught.value.code == "corrupt"
    assert time.monotonic() - started < 5


def test_node_budget_bounds_the_walk(monkeypatch):
    monkeypatch.setattr(pdf_safety, "NODE_BUDGET", 5)
    with pytest.raises(pdf_safety.PdfUnreadable) as caught:
        scan(clean_pdf_bytes())
    assert caught.value.code == "too_complex"


# --- refuse (the default) ---------------------------------------------------------------------------------------------


def test_default_policy_is_refuse():
    from skhcn import settings as project_settings

    assert project_settings.UPLOAD_PDF_ACTIVE_CONTENT == "refuse"


@pytest.mark.parametrize(
    ("variant", "label"),
    [
        ("names_javascript", "mã JavaScript"),
        ("open_action_uri", "lệnh tự động chạy khi mở tệp, trang hoặc ô nhập liệu (OpenAction/AA)"),
        ("field_aa", "lệnh tự động chạy khi mở tệp, trang hoặc ô nhập liệu (OpenAction/AA)"),
        ("launch", "lệnh mở chương trình hoặc tệp khác (Launch)"),
        ("embedded_files", "tệp đính kèm nhúng"),
        ("file_attachment", "tệp đính kèm nhúng"),
        ("submit_form", "lệnh gửi hoặc nhập dữ liệu biểu mẫu (SubmitForm/ImportData)"),
        ("goto_remote", "liên kết mở tài liệu khác (GoToR/GoToE)"),
        ("rich_media", "nội dung đa phương tiện nhúng (RichMedia)"),
        ("xfa", "biểu mẫu động XFA (có thể chứa mã lệnh)"),
    ],
)
def test_each_kind_is_refused_with_its_name(variant, label):
    error = refused(active_pdf_bytes(variant), "Tờ khai.pdf")
    assert error.code == "pdf_active"
    assert error.message.startswith(f"Tệp PDF “Tờ khai.pdf” có {label} nên không được chấp nhận")
    assert REMEDY in error.message


def test_refusal_lists_every_kind_found_in_a_fixed_order():
    error = refused(active_pdf_bytes("embedded_files", "open_action_javascript", "launch"))
    assert error.message.startswith(
        "Tệp PDF “don.pdf” có mã JavaScript, lệnh tự động chạy khi mở tệp, trang hoặc ô nhập liệu (OpenAction/AA), "
        "lệnh mở chương trình hoặc tệp khác (Launch), tệp đính kèm nhúng nên không được chấp nhận"
    )


def test_unknown_policy_refuses(settings):
    settings.UPLOAD_PDF_ACTIVE_CONTENT = "cho-qua"
    assert refused(active_pdf_bytes("launch")).code == "pdf_active"


def test_clean_pdf_passes_unchanged(settings):
    content = clean_pdf_bytes()
    for policy in ("refuse", "strip"):
        settings.UPLOAD_PDF_ACTIVE_CONTENT = policy
        checked = check_upload(upload(content), PDF_ONLY)
        assert checked.content is None and checked.removed_content == ()
        assert checked.size == len(content) and checked.sha256 == hashlib.sha256(content).hexdigest()


# --- strip ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_strip_removes_each_kind_and_keeps_the_page(strip, variant):
    checked = check_upload(upload(active_pdf_bytes(variant)), PDF_ONLY)
    assert set(checked.removed_content) == VARIANTS[variant]
    cleaned = checked.content.read()
    assert scan(cleaned).found == frozenset()  # scanned again: nothing left
    assert PAGE_TEXT in PdfReader(io.BytesIO(cleaned)).pages[0].extract_text()
    assert checked.size == len(cleaned) and checked.sha256 == hashlib.sha256(cleaned).hexdigest()


def test_strip_keeps_web_links(strip):
    content = active_pdf_bytes("launch")
    import pikepdf

    pdf = pikepdf.Pdf.open(io.BytesIO(content))
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=pikepdf.Array([0, 0, 5, 5]),
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/")),
    )
    pdf.pages[0].obj.Annots.append(pdf.make_indirect(link))
    buffer = io.BytesIO()
    pdf.save(buffer)
    checked = check_upload(upload(buffer.getvalue()), PDF_ONLY)
    cleaned = pikepdf.Pdf.open(checked.content)
    actions = [str(a.A.S) for a in cleaned.pages[0].obj.Annots if "/A" in a]
    assert actions == ["/URI"]


def test_strip_stores_the_cleaned_copy(strip, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    original = active_pdf_bytes("names_javascript")
    uploaded = upload(original)
    checked = check_upload(uploaded, PDF_ONLY)
    name = store_private(checked, uploaded, "thu")
    with storages["private"].open(name, "rb") as stored:
        data = stored.read()
    assert data != original and hashlib.sha256(data).hexdigest() == checked.sha256
    assert scan(data).found == frozenset()


def test_strip_refuses_a_signed_pdf_rather_than_break_its_signature(strip):
    error = refused(active_pdf_bytes("names_javascript", signed=True), "Quyết định.pdf")
    assert error.code == "pdf_active"
    assert error.message.startswith(
        "Tệp PDF “Quyết định.pdf” đã được ký số và có mã JavaScript; gỡ bỏ những nội dung này sẽ làm mất hiệu lực "
        "chữ ký số nên tệp không được chấp nhận."
    )


def test_signed_pdf_without_active_content_is_stored_as_sent(strip):
    content = active_pdf_bytes(signed=True)
    checked = check_upload(upload(content), PDF_ONLY)
    assert checked.content is None and checked.sha256 == hashlib.sha256(content).hexdigest()


def test_strip_that_leaves_something_refuses(strip, monkeypatch):
    monkeypatch.setattr(pdf_safety, "_strip", lambda dictionary: None)  # a cleaner that misses everything
    error = refused(active_pdf_bytes("launch"))
    assert error.code == "pdf_active"
    assert "không gỡ bỏ được tự động" in error.message


def test_removed_content_note():
    assert removed_content_note(["javascript"]) == "Đã gỡ bỏ mã JavaScript khỏi tệp này khi tiếp nhận."
    assert removed_content_note(["embedded_file", "javascript"]) == (
        "Đã gỡ bỏ mã JavaScript, tệp đính kèm nhúng khỏi tệp này khi tiếp nhận."
    )
    assert removed_content_note([]) == ""


# --- unreadable -------------------------------------------------------------------------------------------------------

CORRUPT = "Tệp PDF “hỏng.pdf” bị hỏng hoặc không đọc được (có thể tệp chưa được tải về hoặc sao chép đầy đủ)."


@pytest.mark.parametrize(
    "content",
    [
        clean_pdf_bytes()[: len(clean_pdf_bytes()) // 2],  # cut short: no %%EOF
        b"%PDF-1.7\n" + b"\x00garbage" * 500 + b"\n%%EOF\n",
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",  # no page
    ],
    ids=["truncated", "garbage", "no-pages"],
)
@pytest.mark.parametrize("policy", ["refuse", "strip"])
def test_damaged_pdf_is_refused_as_corrupt(settings, content, policy):
    settings.UPLOAD_PDF_ACTIVE_CONTENT = policy
    error = refused(content, "hỏng.pdf")
    assert (error.code, error.message) == ("corrupt", CORRUPT)


def test_deeply_nested_pdf_is_refused_without_hanging():
    started = time.monotonic()
    assert refused(nested_pdf_bytes(200_000)).code == "corrupt"
    assert time.monotonic() - started < 5


def test_cyclic_pdf_is_refused_or_cleaned_without_hanging(settings):
    started = time.monotonic()
    assert refused(cyclic_pdf_bytes()).code == "pdf_active"
    settings.UPLOAD_PDF_ACTIVE_CONTENT = "strip"
    checked = check_upload(upload(cyclic_pdf_bytes()), PDF_ONLY)
    assert checked.removed_content == ("javascript",)
    assert scan(checked.content.read()).found == frozenset()
    assert time.monotonic() - started < 5


def test_password_protected_pdf_is_refused():
    error = refused(encrypted_pdf_bytes(), "bảo mật.pdf")
    assert error.code == "encrypted"
    assert error.message == "Tệp PDF “bảo mật.pdf” đã được đặt mật khẩu. Vui lòng gỡ mật khẩu rồi tải lên lại."


def test_pdf_with_restrictions_only_is_accepted():
    """Encrypted with an owner password only (print/copy restrictions): it opens without a password."""
    checked = check_upload(upload(encrypted_pdf_bytes(user_password="")), PDF_ONLY)
    assert checked.file_type.key == "pdf"


def test_too_complex_pdf_is_refused(monkeypatch):
    monkeypatch.setattr(pdf_safety, "NODE_BUDGET", 5)
    error = refused(clean_pdf_bytes(), "lớn.pdf")
    assert error.code == "too_complex"
    assert error.message.startswith("Tệp PDF “lớn.pdf” có cấu trúc quá phức tạp nên không kiểm tra được.")


@pytest.mark.parametrize("policy", ["refuse", "strip"])
def test_damaged_copies_are_accepted_or_refused_never_an_error(settings, policy):
    """Bytes changed at random in a PDF with active content packed in object streams: each copy is accepted,
    cleaned or refused with a Vietnamese message, and no other exception escapes."""
    settings.UPLOAD_PDF_ACTIVE_CONTENT = policy
    original = active_pdf_bytes("names_javascript", "launch", "embedded_files")
    generator = random.Random(12)
    started = time.monotonic()
    for _ in range(150):
        damaged = bytearray(original)
        for _ in range(generator.randint(1, 30)):
            damaged[generator.randrange(len(damaged))] = generator.randrange(256)
        try:
            checked = check_upload(upload(bytes(damaged)), PDF_ONLY)
        except UploadRejected as error:
            assert error.code in {"corrupt", "pdf_active", "too_complex", "encrypted", "unknown_type"}
        else:
            if checked.content is not None:
                assert scan(checked.content.read()).found == frozenset()
            else:
                assert scan(bytes(damaged)).found == frozenset()
    assert time.monotonic() - started < 60
