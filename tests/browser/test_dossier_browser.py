"""End-to-end (issue #4): a citizen registers, submits a dossier with two attachments, downloads the receipt and
finds the dossier again by tracking.

Runs in Debian's chromium (/usr/bin/chromium) through Playwright; `make test-browser` runs it. The verification
e-mail goes through the immediate task backend into Django's locmem outbox: the live server thread shares this
process, so the test reads the link from ``mail.outbox``.
"""

import io
import os
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROCEDURE_NAME = "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ thử nghiệm"
PROCEDURE_CODE = "1.009999.000.00.00.H11"
DOCUMENT_NAMES = ["Đơn đề nghị đăng ký kết quả thực hiện nhiệm vụ", "Báo cáo tổng hợp kết quả nghiên cứu"]
APPLICANT = {
    "full_name": "Nguyễn Thị Hồng Nhung",
    "email": "hong.nhung@example.vn",
    "phone": "0912 345 678",
    "id_number": "001199012345",  # 001 = Hà Nội
    "address": "Số 12 đường Lê Lợi, phường Phú Hội, thành phố Huế",
    "password": "Ho-so-truc-tuyen-2026!",
}
ONLINE_RESULT = "Nhận bản điện tử (tải về trên Cổng dịch vụ công)"


@pytest.fixture
def immediate_mail(settings, mailoutbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mailoutbox


@pytest.fixture
def procedure(db, settings, live_server):
    from skhcn.procedures.tests.factories import ProcedureFactory, RequiredDocumentFactory

    settings.WAGTAILADMIN_BASE_URL = live_server.url  # the receipt's QR code / tracking link
    procedure = ProcedureFactory(name=PROCEDURE_NAME, code=PROCEDURE_CODE)
    for order, name in enumerate(DOCUMENT_NAMES, 1):
        RequiredDocumentFactory(procedure=procedure, name=name, mandatory=True, sort_order=order)
    return procedure


def small_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Don de nghi dang ky ket qua thuc hien nhiem vu")
    return bytes(pdf.output())


def small_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_register_submit_download_receipt_and_track(live_server, browser_page, site_tree, procedure, immediate_mail):
    from django.conf import settings
    from django.utils import timezone
    from playwright.sync_api import expect

    page = browser_page
    base = live_server.url
    first, second = procedure.documents.order_by("sort_order")

    # --- catalogue: search without diacritics, open the procedure ---------------------------------------------------
    page.goto(base + "/thu-tuc-hanh-chinh/")
    page.get_by_label("Từ khóa (tên hoặc mã thủ tục)").fill("ket qua nhiem vu khoa hoc")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    expect(page.locator("#procedure-count")).to_contain_text("Tìm thấy 1 thủ tục")
    page.get_by_role("link", name=PROCEDURE_NAME).click()
    expect(page.locator("h1")).to_contain_text(PROCEDURE_NAME)

    # --- "Nộp hồ sơ trực tuyến" asks for a login; the visitor registers instead -------------------------------------
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    page.wait_for_load_state()
    assert "/tai-khoan/dang-nhap/" in page.url
    assert f"/dich-vu-cong/nop/{PROCEDURE_CODE}/" in page.url  # ?next=
    page.get_by_role("link", name="Đăng ký tài khoản mới").click()
    page.wait_for_load_state()
    assert "/tai-khoan/dang-ky/" in page.url

    page.get_by_label("Công dân").check()
    page.get_by_label("Họ và tên (hoặc tên tổ chức, doanh nghiệp)").fill(APPLICANT["full_name"])
    page.get_by_label("Thư điện tử").fill(APPLICANT["email"])
    page.get_by_label("Số điện thoại di động").fill(APPLICANT["phone"])
    page.get_by_label("Số định danh cá nhân hoặc mã số thuế").fill(APPLICANT["id_number"])
    page.get_by_label("Địa chỉ liên hệ").fill(APPLICANT["address"])
    page.get_by_label("Mật khẩu", exact=True).fill(APPLICANT["password"])
    page.get_by_label("Nhập lại mật khẩu").fill(APPLICANT["password"])
    page.get_by_label("Tôi đồng ý", exact=False).check()
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text(f"Đã gửi thư xác thực đến {APPLICANT['email']}")
    assert page.url.endswith(f"/dich-vu-cong/nop/{PROCEDURE_CODE}/")  # back where the visitor was going
    expect(page.locator(".dv-warning")).to_contain_text("chưa được xác thực")

    # --- the verification link from the e-mail ---------------------------------------------------------------------
    assert len(immediate_mail) == 1
    message = immediate_mail[0]
    assert message.to == [APPLICANT["email"]]
    link = re.search(r"https?://\S+/tai-khoan/xac-thuc/\S+/", message.body)
    assert link, message.body
    assert link.group(0).startswith(base)
    page.goto(link.group(0))
    expect(page.locator("h1")).to_have_text("Đã xác thực thư điện tử")

    # --- back to the procedure, start the draft ---------------------------------------------------------------------
    page.goto(base + f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    page.wait_for_load_state()
    expect(page.locator(".dv-warning")).to_have_count(0)  # verified now
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Hồ sơ nháp")
    expect(page.locator(".messages")).to_contain_text("Đã tạo hồ sơ nháp")

    # Accessibility basics: every file input has a label naming its document.
    file_inputs = page.locator("input[type=file]")
    assert file_inputs.count() == 3  # two documents + "Giấy tờ khác"
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input[type=file]')].filter(i => !i.labels.length).map(i => i.id)"
    )
    assert unlabelled == []
    for document in (first, second):
        expect(page.get_by_label(f"Chọn tệp cho “{document.name}”")).to_have_count(1)

    # An empty upload is refused with an announced error tied to the input.
    section = page.locator(f"#tp-{first.pk}")
    section.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"#tp-{first.pk}")  # the page comes back scrolled to the document in error
    alert = page.locator(f"#tp-{first.pk} [role=alert]")
    expect(alert).to_have_text("Vui lòng chọn một tệp để tải lên.")
    described_by = page.locator(f"#tep-{first.pk}").get_attribute("aria-describedby") or ""
    assert f"tep-{first.pk}-error" in described_by.split()

    # --- two real files, sent from memory ---------------------------------------------------------------------------
    uploads = [
        (first, {"name": "don-de-nghi.pdf", "mimeType": "application/pdf", "buffer": small_pdf()}),
        (second, {"name": "bao-cao-tong-hop.png", "mimeType": "image/png", "buffer": small_png()}),
    ]
    for document, payload in uploads:
        section = page.locator(f"#tp-{document.pk}")
        section.locator("input[type=file]").set_input_files(payload)
        section.get_by_role("button", name="Tải lên").click()
        page.wait_for_load_state()
        expect(page.locator(".messages")).to_contain_text(f"Đã tải lên tệp “{payload['name']}”")
        expect(page.locator(f"#tp-{document.pk} .dv-files")).to_contain_text(payload["name"])

    # --- receive method, review, submit -----------------------------------------------------------------------------
    page.get_by_label(ONLINE_RESULT).check()
    page.get_by_role("button", name="Xem lại và nộp").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Xem lại và nộp hồ sơ")
    expect(page.locator("#van-de")).to_have_count(0)  # nothing missing
    expect(page.locator(".dv-table")).to_contain_text("don-de-nghi.pdf")
    expect(page.locator(".dv-table")).to_contain_text("bao-cao-tong-hop.png")
    expect(page.locator("main")).to_contain_text(ONLINE_RESULT)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()

    success = page.locator(".messages").inner_text()
    assert "Đã nộp hồ sơ" in success
    today = timezone.localdate()
    pattern = rf"{re.escape(settings.AGENCY_CODE)}-{today:%y%m%d}-\d{{5}}"
    found = re.search(pattern, success)
    assert found, success
    code = found.group(0)
    expect(page.locator("h1")).to_have_text(f"Hồ sơ {code}")
    expect(page.locator(".dv-summary")).to_contain_text("Đã nộp trực tuyến, chờ tiếp nhận")

    # --- the receipt PDF --------------------------------------------------------------------------------------------
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải Thông báo tiếp nhận hồ sơ trực tuyến (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"thong-bao-tiep-nhan-{code}.pdf"
    with open(download.path(), "rb") as handle:
        receipt = handle.read()
    assert receipt.startswith(b"%PDF")
    text = flat(pdf_text(receipt))
    assert "THÔNG BÁO TIẾP NHẬN HỒ SƠ TRỰC TUYẾN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert code in text
    assert APPLICANT["full_name"] in text
    for name in DOCUMENT_NAMES:
        assert flat(name) in text, name
    if os.environ.get("KEEP_RECEIPT"):  # for a look at the layout: pdftoppm -png -r 80 <file> /tmp/receipt
        with open(os.environ["KEEP_RECEIPT"], "wb") as handle:
            handle.write(receipt)

    # --- "Hồ sơ của tôi" lists it -----------------------------------------------------------------------------------
    page.goto(base + "/dich-vu-cong/ho-so-cua-toi/")
    expect(page.locator(".dv-table tbody tr")).to_have_count(1)
    expect(page.locator(".dv-table tbody tr")).to_contain_text(code)

    # --- log out, then track by code + phone ------------------------------------------------------------------------
    page.goto(base + "/tai-khoan/")
    page.locator("#noi-dung").get_by_role("button", name="Đăng xuất").click()  # the account page's own button
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Ông/Bà đã đăng xuất.")

    # The receipt's QR code carries the code only: the form comes prefilled, nothing is looked up yet.
    page.goto(base + "/dich-vu-cong/tra-cuu/?" + f"ma={code}")
    expect(page.get_by_label("Mã hồ sơ")).to_have_value(code)
    expect(page.locator(".dv-result")).to_have_count(0)
    page.get_by_label("Số điện thoại").fill(APPLICANT["phone"])
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state()
    result = page.locator(".dv-result")
    expect(result).to_contain_text(f"Hồ sơ {code}")
    expect(result).to_contain_text("Đã nộp trực tuyến, chờ tiếp nhận")
    expect(result).to_contain_text(PROCEDURE_NAME)
    expect(result.locator(".dv-timeline li")).to_have_count(2)

    # A wrong phone looks exactly like an unknown code.
    page.goto(base + "/dich-vu-cong/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Số điện thoại").fill("0987654321")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state()
    expect(page.locator("main [role=alert]")).to_have_text("Không tìm thấy hồ sơ khớp với mã và thông tin đã nhập.")
    expect(page.locator(".dv-result")).to_have_count(0)
