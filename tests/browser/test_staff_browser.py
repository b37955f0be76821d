"""End-to-end (issue #5, staff side): one dossier from intake to the returned result, through the staff screens of
the Wagtail admin, with two-factor sign-in, and the text of the printable forms 01, 02 and 05.

The dossier is submitted online through the services (the citizen pages are covered by ``test_dossier_browser``);
the applicant answers the supplement request and checks the tracking page in the browser.

Users: five staff accounts, one per role the transition table needs on the way to "returned" — one-stop officer
(receive, transfer, return), division head (assign, approve), specialist (supplement request, submit to the head),
leader (approve) and clerk (issue the result). The issue speaks of three staff users, but ``leader_approve`` takes
the leader role and ``issue_result`` the clerk role (or an administrator, who would bypass the role checks this
test is about); piling extra role groups onto one of the three would test a department that does not exist.

Runs in Debian's chromium (/usr/bin/chromium) through Playwright; ``make test-browser`` runs it. With
``KEEP_SCREENSHOTS=<folder>`` the one-stop officer's queue and dossier page (390 px wide) are saved there.
"""

import base64
import io
import os
from pathlib import Path
from urllib.parse import urljoin

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TIMEOUT_MS = 15_000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

PROCEDURE_NAME = "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ thử nghiệm"
PROCEDURE_CODE = "1.009998.000.00.00.H11"
DOCUMENT_NAMES = ["Đơn đề nghị đăng ký kết quả thực hiện nhiệm vụ", "Báo cáo tổng hợp kết quả nghiên cứu"]
DIVISION_NAME = "Phòng Quản lý khoa học"
APPLICANT_NAME = "Nguyễn Thị Hồng Nhung"
APPLICANT_EMAIL = "hong.nhung@example.vn"
APPLICANT_PHONE = "0912345678"
STAFF = {
    # key: (username, role, in the division?, full name)
    "one_stop": ("motcua.ha", "one_stop", False, "Lê Thị Thu Hà"),
    "head": ("truongphong.duc", "division_head", True, "Phạm Văn Đức"),
    "specialist": ("chuyenvien.tuan", "specialist", True, "Hoàng Minh Tuấn"),
    "leader": ("lanhdao.bao", "leader", False, "Trần Quốc Bảo"),
    "clerk": ("vanthu.lan", "clerk", False, "Đỗ Thị Lan"),
}
SUPPLEMENT_REQUEST = [
    "Bổ sung bản sao quyết định giao nhiệm vụ khoa học và công nghệ.",
    "Bổ sung biên bản nghiệm thu cấp cơ sở có chữ ký của hội đồng.",
]
COMMENT_REQUIRED = "Vui lòng nhập nội dung (lý do, yêu cầu hoặc ý kiến)."
SUPPLEMENT_REASON = "Hồ sơ chưa có quyết định giao nhiệm vụ và biên bản nghiệm thu cấp cơ sở."
APOLOGY_REASON = "Hồ sơ cần lấy ý kiến thẩm định của Sở Tài chính."


# --- fixtures --------------------------------------------------------------------------------------------------------
def new_page(browser, viewport=DESKTOP):
    """A page in a fresh context: its own cookies, i.e. its own session (one per person)."""
    context = browser.new_context(locale="vi-VN", viewport=viewport, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def department(db, settings, live_server):
    """The division, the procedure (with step budgets), five staff users and the applicant's submitted dossier."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from skhcn.accounts.tests.factories import ApplicantFactory, DivisionFactory, StaffFactory
    from skhcn.dossiers.constants import ReceiveMethod
    from skhcn.dossiers.intake import services
    from skhcn.procedures.tests.factories import ProcedureFactory, RequiredDocumentFactory

    settings.STAFF_2FA_REQUIRED = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seven logins
    settings.IDENTITY_PROVIDERS = ["local"]
    settings.WAGTAILADMIN_BASE_URL = live_server.url

    division = DivisionFactory(code="phong-qlkh", name=DIVISION_NAME)
    procedure = ProcedureFactory(
        name=PROCEDURE_NAME, code=PROCEDURE_CODE, processing_time=15, step_budgets="2,10,3", division=division
    )
    for order, name in enumerate(DOCUMENT_NAMES, 1):
        RequiredDocumentFactory(procedure=procedure, name=name, mandatory=True, sort_order=order)

    staff = {
        key: StaffFactory(
            username=username,
            role=role,
            division=division if in_division else None,
            profile__full_name=full_name,
        )
        for key, (username, role, in_division, full_name) in STAFF.items()
    }

    applicant = ApplicantFactory(
        email=APPLICANT_EMAIL,
        profile__full_name=APPLICANT_NAME,
        profile__phone=APPLICANT_PHONE,
        profile__id_number="001199012345",
        profile__address="Số 12 đường Lê Lợi, phường Phú Hội, thành phố Huế",
    )
    dossier = services.start_draft(applicant, procedure)
    for index, document in enumerate(procedure.documents.order_by("sort_order"), 1):
        upload = SimpleUploadedFile(f"tai-lieu-{index}.pdf", small_pdf(f"Tai lieu {index}"), "application/pdf")
        services.attach_file(dossier, document, upload, actor=applicant)
    services.update_details(dossier, receive_method=ReceiveMethod.ONLINE, postal_address="", note="", actor=applicant)
    dossier = services.submit_dossier(dossier, applicant)
    return {"division": division, "procedure": procedure, "staff": staff, "applicant": applicant, "dossier": dossier}


# --- helpers ---------------------------------------------------------------------------------------------------------
def small_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def fetch_pdf(page, href: str) -> str:
    """The PDF behind a link, fetched with the page's session (the link opens a new tab), as flattened text."""
    response = page.context.request.get(urljoin(page.url, href))
    assert response.status == 200, (href, response.status)
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    return flat(pdf_text(body))


def password_login(page, base: str, user) -> None:
    from skhcn.accounts.tests.factories import PASSWORD

    page.goto(base + "/admin/login/?next=/admin/ho-so/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def staff_login(browser, base: str, user, device, viewport=DESKTOP):
    """Password, then the six-digit code of the user's (pre-enrolled) app on the verify page; lands on the queue."""
    from playwright.sync_api import expect

    from skhcn.accounts.tests.factories import totp_code

    page = new_page(browser, viewport)
    password_login(page, base, user)
    assert "/admin/xac-thuc-hai-buoc/" in page.url, page.url
    expect(page.locator("body")).to_contain_text(f"Tài khoản {user.username}")
    page.get_by_label("Mã xác thực").fill(totp_code(device))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/ho-so/"), page.url
    return page


def staff_login_enrolling(browser, base: str, user, viewport=DESKTOP):
    """First sign-in of a user without an app: the enrolment page shows the secret, which the "app" (django_otp's
    TOTP) turns into a code; then the recovery codes page, then the queue."""
    from django_otp.oath import totp
    from playwright.sync_api import expect

    page = new_page(browser, viewport)
    password_login(page, base, user)
    assert "/admin/xac-thuc-hai-buoc/" in page.url, page.url
    secret = page.locator("[data-secret]").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.get_by_label("Mã xác thực").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("Đã thiết lập xác thực hai bước.")
    expect(page.locator("[data-recovery-codes] li")).to_have_count(10)
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    page.wait_for_load_state()
    assert page.url.endswith("/admin/ho-so/"), page.url
    return page


def open_from_queue(page, code: str) -> None:
    """From the "Cần xử lý" queue, open the dossier by its code."""
    from playwright.sync_api import expect

    queues = page.get_by_role("navigation", name="Các hàng đợi hồ sơ")
    expect(queues.get_by_role("link", name="Cần xử lý")).to_have_attribute("aria-current", "page")
    row = page.locator("table.listing tbody tr", has_text=code)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=code).click()
    page.wait_for_load_state()
    expect(page.locator("#summary-title")).to_contain_text(code)


def act(page, action: str, label: str, fill=None) -> None:
    """Open the action's form from the dossier page, fill it (``fill(page)``), submit, expect the success message."""
    from playwright.sync_api import expect

    page.locator(f"[data-actions] [data-action={action}]").click()
    page.wait_for_load_state()
    assert f"/thao-tac/{action}/" in page.url, page.url
    if fill is not None:
        fill(page)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text(f"Đã thực hiện “{label}”")


def status_of(page):
    return page.locator("#summary-title [data-status]")


def printable_href(page, number: str) -> str:
    link = page.locator("a", has_text=f"Mẫu số {number}:")
    return link.first.get_attribute("href")


def dmy(moment) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%d/%m/%Y")


def screenshot(page, name: str) -> None:
    folder = os.environ.get("KEEP_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        # The admin scrolls inside its own container: grow the viewport to the content for a whole-page picture.
        size = page.viewport_size
        height = page.evaluate("Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
        page.set_viewport_size({"width": size["width"], "height": min(height, 8000)})
        page.screenshot(path=str(Path(folder) / name), full_page=True)
        page.set_viewport_size(size)


def overflowing(page, selector: str) -> list[str]:
    """Elements under ``selector`` that reach past the right edge of the window (tables scroll in their own box)."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .filter(e => !e.closest('.staff-tablewrap') && e.getBoundingClientRect().right > innerWidth + 1)
            .map(e => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${e.getBoundingClientRect().right}`)
        """,
        selector,
    )


# --- the test --------------------------------------------------------------------------------------------------------
def test_one_dossier_from_intake_to_returned_result(live_server, browser, department):
    from django.core import mail
    from django.utils import timezone
    from playwright.sync_api import expect

    from skhcn.accounts.tests.factories import PASSWORD, enrol_totp
    from skhcn.deadlines.calendar import add_working_days
    from skhcn.deadlines.services import current_calendar
    from skhcn.dossiers.constants import Status
    from skhcn.dossiers.documents.formsets import get_form_set
    from skhcn.dossiers.models import Dossier

    base = live_server.url
    staff = department["staff"]
    dossier = department["dossier"]
    code = dossier.code
    devices = {key: enrol_totp(user)[0] for key, user in staff.items() if key != "specialist"}

    def current():
        return Dossier.objects.get(pk=dossier.pk)

    # --- one-stop officer (on a phone-width screen): sign in, queue, receive -----------------------------------------
    one_stop = staff_login(browser, base, staff["one_stop"], devices["one_stop"], viewport=PHONE)
    expect(one_stop.locator("main")).to_contain_text("Hồ sơ đang chờ xử lý theo vai trò")
    screenshot(one_stop, "queue-390.png")
    assert overflowing(one_stop, "main form[method=get] *") == []  # the filters fit a phone
    open_from_queue(one_stop, code)
    expect(status_of(one_stop)).to_have_text(Status.SUBMITTED.label)
    expect(one_stop.locator("main")).to_contain_text(APPLICANT_NAME)
    expect(one_stop.locator("main")).to_contain_text("tai-lieu-1.pdf")
    act(one_stop, "receive", "Tiếp nhận hồ sơ")
    expect(status_of(one_stop)).to_have_text(Status.RECEIVED.label)

    received = current()
    form_set = get_form_set(received.form_set)
    text = fetch_pdf(one_stop, printable_href(one_stop, "01"))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert f"Mẫu số 01 (ban hành kèm theo {form_set.circular})" in text
    assert f"Mã hồ sơ: {code}" in text
    assert APPLICANT_NAME in text
    assert PROCEDURE_NAME in text
    assert received.due_at is not None
    assert f"ngày {dmy(received.due_at)}" in text  # "6. Thời gian trả kết quả ...: 17 giờ 00 phút, ngày dd/mm/yyyy"
    assert STAFF["one_stop"][3] in text  # the receiving officer signs
    assert "Số: 1/TNHS-" in text and "Quyển số" in text  # numbered in this year's register
    receipt_as_issued = text

    def check_transfer_form(page):
        # The procedure's default division is preselected.
        expect(page.get_by_label("Phòng chuyên môn xử lý (bắt buộc)")).to_have_value(str(department["division"].pk))
        screenshot(page, "action-390.png")
        assert overflowing(page, "main form *") == []

    act(one_stop, "transfer", "Chuyển phòng chuyên môn xử lý", fill=check_transfer_form)
    expect(status_of(one_stop)).to_have_text(Status.TRANSFERRED.label)
    screenshot(one_stop, "dossier-390.png")
    assert overflowing(one_stop, "main section *") == []
    # The status pill wraps on a phone: its lines must not overlap (Wagtail's pill has a fixed 19px line height).
    assert status_of(one_stop).evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight) >= parseFloat(getComputedStyle(e).fontSize)"
    )

    # --- division head: assign to the specialist ---------------------------------------------------------------------
    head = staff_login(browser, base, staff["head"], devices["head"])
    open_from_queue(head, code)
    act(
        head,
        "assign",
        "Phân công chuyên viên thẩm định",
        fill=lambda p: p.get_by_label("Chuyên viên thẩm định (bắt buộc)").select_option(label=STAFF["specialist"][3]),
    )
    expect(status_of(head)).to_have_text(Status.ASSIGNED.label)

    # --- specialist: first sign-in enrols the app; a refused request, then the supplement request ------------------
    specialist = staff_login_enrolling(browser, base, staff["specialist"])
    open_from_queue(specialist, code)
    version = current().version
    specialist.locator("[data-actions] [data-action=request_supplement]").click()
    specialist.wait_for_load_state()
    specialist.locator("main form[method=post] button[type=submit]").click()  # no content: refused
    specialist.wait_for_load_state()
    assert "/thao-tac/request_supplement/" in specialist.url
    expect(specialist.locator("#form-errors")).to_contain_text("Chưa thực hiện được thao tác")
    expect(specialist.locator("main")).to_contain_text(COMMENT_REQUIRED)
    unchanged = current()
    assert (unchanged.status, unchanged.version) == (Status.ASSIGNED, version)
    assert not unchanged.pauses.exists()

    specialist.get_by_label("Nội dung (lý do, yêu cầu hoặc ý kiến) (bắt buộc)").fill("\n".join(SUPPLEMENT_REQUEST))
    specialist.get_by_label("Lý do yêu cầu bổ sung, hoàn thiện (bắt buộc)").fill(SUPPLEMENT_REASON)
    specialist.locator("main form[method=post] button[type=submit]").click()
    specialist.wait_for_load_state()
    expect(specialist.locator(".messages")).to_contain_text("Đã thực hiện “Yêu cầu bổ sung hồ sơ”")
    expect(status_of(specialist)).to_have_text(Status.SUPPLEMENT_REQUESTED.label)

    text = fetch_pdf(specialist, printable_href(specialist, "02"))
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert f"Mẫu số 02 (ban hành kèm theo {form_set.circular})" in text
    assert f"Mã hồ sơ: {code}" in text
    assert APPLICANT_NAME in text
    for line in SUPPLEMENT_REQUEST:
        assert flat(line) in text, line
    assert f"Lý do: {SUPPLEMENT_REASON}" in text
    assert "BỘ PHẬN MỘT CỬA" in text and "Số: 1/PYCBS-" in text  # the receiving unit issues it, numbered
    assert STAFF["specialist"][3] in text  # the specialist guides

    # --- applicant (citizen pages): reads the request, sends the supplement ------------------------------------------
    citizen = new_page(browser, PHONE)
    citizen.goto(base + f"/tai-khoan/dang-nhap/?next=/dich-vu-cong/ho-so/{dossier.pk}/")
    citizen.get_by_label("Thư điện tử").fill(APPLICANT_EMAIL)
    citizen.get_by_label("Mật khẩu").fill(PASSWORD)
    citizen.get_by_role("button", name="Đăng nhập").click()
    citizen.wait_for_load_state()
    expect(citizen.locator("h1")).to_have_text(f"Hồ sơ {code}")
    expect(citizen.locator(".dv-request-text")).to_contain_text(SUPPLEMENT_REQUEST[0])
    citizen.get_by_label("Tài liệu bổ sung (có thể chọn nhiều tệp)").set_input_files(
        {"name": "quyet-dinh-giao-nhiem-vu.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Quyet dinh")}
    )
    citizen.get_by_label("Ghi chú gửi cán bộ (không bắt buộc)").fill("Đã bổ sung quyết định và biên bản nghiệm thu.")
    citizen.get_by_role("button", name="Đã bổ sung hồ sơ").click()
    citizen.wait_for_load_state()
    expect(citizen.locator(".messages")).to_contain_text("Đã gửi hồ sơ bổ sung")
    assert current().status == Status.ASSIGNED
    # The receipt reprinted after the supplement is the paper handed over at receipt, appointment included.
    assert fetch_pdf(one_stop, printable_href(one_stop, "01")) == receipt_as_issued

    # --- specialist submits to the head, head approves, leader approves ----------------------------------------------
    specialist.reload()
    expect(status_of(specialist)).to_have_text(Status.ASSIGNED.label)
    expect(specialist.locator("[data-timeline]")).to_contain_text("quyet-dinh-giao-nhiem-vu.pdf")
    act(specialist, "submit_to_head", "Trình lãnh đạo phòng")
    expect(status_of(specialist)).to_have_text(Status.AT_DIVISION_HEAD.label)

    head.goto(base + "/admin/ho-so/")
    open_from_queue(head, code)
    act(head, "head_approve", "Lãnh đạo phòng duyệt, trình lãnh đạo Sở")
    expect(status_of(head)).to_have_text(Status.AT_LEADER.label)

    leader = staff_login(browser, base, staff["leader"], devices["leader"])
    open_from_queue(leader, code)
    # The leader apologises with a new date (form 04); form 01 still states the appointment first given.
    first_due = current().due_at
    new_day = add_working_days(current_calendar(), timezone.localtime(first_due).date(), 3)
    act(
        leader,
        "apologize",
        "Xin lỗi và hẹn lại ngày trả kết quả",
        fill=lambda p: (
            p.get_by_label("Ngày hẹn trả mới (bắt buộc)").fill(f"{new_day:%d/%m/%Y}"),
            p.get_by_label("Nội dung (lý do, yêu cầu hoặc ý kiến) (bắt buộc)").fill(APOLOGY_REASON),
        ),
    )
    assert timezone.localtime(current().due_at).date() == new_day
    apology = fetch_pdf(leader, printable_href(leader, "04"))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in apology and "Số: 1/PXL-" in apology
    assert f"Ngày hẹn trả kết quả giải quyết hồ sơ: {dmy(first_due)}" in apology
    assert f"ngày {new_day:%d} tháng {new_day:%m} năm {new_day:%Y}" in apology
    reprinted = fetch_pdf(leader, printable_href(leader, "01"))
    assert reprinted == receipt_as_issued
    assert f"ngày {dmy(first_due)}" in reprinted and f"{new_day:%d/%m/%Y}" not in reprinted
    act(leader, "leader_approve", "Lãnh đạo Sở phê duyệt")
    expect(status_of(leader)).to_have_text(Status.APPROVED.label)

    # --- clerk issues the signed result ------------------------------------------------------------------------------
    clerk = staff_login(browser, base, staff["clerk"], devices["clerk"])
    open_from_queue(clerk, code)
    act(
        clerk,
        "issue_result",
        "Phát hành kết quả",
        fill=lambda p: p.get_by_label("Tệp kết quả đã ký số (PDF) (bắt buộc)").set_input_files(
            {"name": "ket-qua-da-ky.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Ket qua da ky so")}
        ),
    )
    expect(status_of(clerk)).to_have_text(Status.RESULT_ISSUED.label)
    result_number = current().result_number
    assert result_number
    expect(clerk.locator(".messages")).to_contain_text(f"Số kết quả: {result_number}.")

    # --- one-stop officer returns it online ---------------------------------------------------------------------------
    one_stop.goto(base + "/admin/ho-so/")
    open_from_queue(one_stop, code)
    act(
        one_stop,
        "return_result",
        "Trả kết quả",
        # The applicant chose the online result: preselected.
        fill=lambda p: expect(p.get_by_label("Nhận bản điện tử (tải về trên Cổng dịch vụ công)")).to_be_checked(),
    )
    expect(status_of(one_stop)).to_have_text(Status.RETURNED.label)
    expect(one_stop.locator("main")).to_contain_text(f"Số {result_number}")
    returned = current()
    assert returned.status == Status.RETURNED
    assert not returned.handoffs.filter(finished_at=None).exists()

    # --- the control slip: every hand-off, each finished on time ----------------------------------------------------
    handoffs = list(returned.handoffs.order_by("given_at", "id"))
    units = [(h.from_unit, h.to_unit) for h in handoffs]
    assert units == [
        ("Người nộp hồ sơ", "Bộ phận Một cửa"),
        ("Bộ phận Một cửa", DIVISION_NAME),
        (DIVISION_NAME, DIVISION_NAME),  # to the specialist
        (DIVISION_NAME, "Người nộp hồ sơ"),  # supplement request: the clock pauses
        ("Người nộp hồ sơ", DIVISION_NAME),
        (DIVISION_NAME, DIVISION_NAME),  # to the head
        (DIVISION_NAME, "Lãnh đạo Sở"),
        ("Lãnh đạo Sở", "Văn thư"),
        ("Văn thư", "Bộ phận Một cửa"),
    ], units
    text = fetch_pdf(one_stop, printable_href(one_stop, "05"))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mẫu số 05 (ban hành kèm theo {form_set.circular})" in text
    assert f"Mã hồ sơ: {code}" in text
    assert APPLICANT_NAME in text
    for unit in ("Bộ phận Một cửa", DIVISION_NAME, "Lãnh đạo Sở", "Văn thư"):
        assert f"Nhận: {unit}" in text, unit
    for _username, _role, _division, full_name in STAFF.values():  # who gave, who received
        assert full_name in text, full_name
    assert text.count("Giao: ") == 2 * len(handoffs)  # unit and time of each row
    timed = [h for h in handoffs if h.due_at is not None]
    assert len(timed) == len(handoffs) - 1  # the applicant's time for the supplement has no step deadline
    for handoff in timed:
        assert handoff.outcome in ("before", "on"), (handoff.to_unit, handoff.outcome)
        assert f"{handoff.get_outcome_display()} ({dmy(handoff.finished_at)})" in text
    assert "Trễ hạn (" not in text
    assert "Đang giải quyết" not in text

    # --- the applicant's side: result to download, tracking shows "returned" ----------------------------------------
    citizen.reload()
    expect(citizen.locator(".dv-summary")).to_contain_text(Status.RETURNED.label)
    expect(citizen.locator(".dv-result")).to_contain_text(result_number)
    response = citizen.context.request.get(base + f"/dich-vu-cong/ho-so/{dossier.pk}/ket-qua/")
    assert response.status == 200
    assert response.body().startswith(b"%PDF")

    tracker = new_page(browser, PHONE)
    tracker.goto(base + f"/dich-vu-cong/tra-cuu/?ma={code}")
    tracker.get_by_label("Số điện thoại").fill(APPLICANT_PHONE)
    tracker.get_by_role("button", name="Tra cứu").click()
    tracker.wait_for_load_state()
    result = tracker.locator(".dv-result")
    expect(result).to_contain_text(f"Hồ sơ {code}")
    expect(result).to_contain_text(Status.RETURNED.label)
    expect(result).not_to_contain_text(STAFF["specialist"][3])  # never who

    # The applicant heard of each step that sends mail (the e-mails go through the immediate task backend).
    subjects = [message.subject for message in mail.outbox if message.to == [APPLICANT_EMAIL]]
    for subject in (
        f"Hồ sơ {code} đã được tiếp nhận",
        f"Hồ sơ {code}: yêu cầu bổ sung hồ sơ",
        f"Hồ sơ {code} đã có kết quả",
        f"Hồ sơ {code}: đã trả kết quả",
    ):
        assert subject in subjects, (subject, subjects)
