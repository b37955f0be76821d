"""End-to-end (issue #6): a "toàn trình" dossier whose fee is paid online in the sandbox gateway, then its result
returned (a) online — the applicant downloads it — and (b) by post — shipment, label, delivery, public tracking.

What runs in the browser (Debian's chromium through Playwright) is what these tests are about: the applicant's
submission, the one-stop officer's reception and fee request in the admin screens, the payment on the sandbox page
(its notification arrives through the immediate task backend, in the live server's thread, as the worker would send
it), the receipt, the issue of the result by the clerk (a), the return online (a) or the shipment, its label and its
delivery (b), and what the applicant sees. The internal steps between reception and the result (transfer, assign,
submit, approvals — and in (b) the issue too) go through ``skhcn.dossiers.workflow.perform`` in the test, to keep
each test well under a minute; ``test_staff_browser`` covers those screens.
"""

import pytest

from tests.browser.test_staff_browser import act, fetch_pdf, flat, new_page, password_login, pdf_text, small_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PROCEDURE_NAME = "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ thử nghiệm"
PROCEDURE_CODE = "1.009997.000.00.00.H11"
FEE_DESCRIPTION = "Lệ phí cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ"
DOCUMENT_NAME = "Đơn đăng ký hoạt động khoa học và công nghệ"
DIVISION_NAME = "Phòng Quản lý khoa học"
APPLICANT_NAME = "Trần Thị Mai Anh"
APPLICANT_EMAIL = "mai.anh@example.vn"
APPLICANT_PHONE = "0987654321"
POSTAL_ADDRESS = "Số 5 đường Vườn Cam, phường Thục Phán, tỉnh Cao Bằng"
TRACKING_NUMBER = "EB123456785VN"
SANDBOX_BANNER = "MÔI TRƯỜNG THỬ NGHIỆM — KHÔNG PHẢI THANH TOÁN THẬT"
ONLINE_RESULT = "Nhận bản điện tử (tải về trên Cổng dịch vụ công)"
POST_RESULT = "Nhận qua dịch vụ bưu chính công ích"


@pytest.fixture
def department(db, settings, live_server):
    """A fee-charging procedure whose clock starts when the fee is paid, five staff users and the applicant."""
    from skhcn.accounts.tests.factories import ApplicantFactory, DivisionFactory, StaffFactory
    from skhcn.procedures.tests.factories import ProcedureFactory, RequiredDocumentFactory

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.IDENTITY_PROVIDERS = ["local"]
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.PAYMENT_SANDBOX_ALLOWED = True
    settings.PAYMENT_GATEWAYS = ["sandbox"]
    settings.PAYMENT_SANDBOX_SECRET = "browser-test-sandbox-secret"
    settings.DELIVERY_CARRIERS = ["manual", "sandbox"]
    settings.AGENCY_ADDRESS = "Số 2 đường Hoàng Đình Giong, phường Thục Phán, tỉnh Cao Bằng"

    division = DivisionFactory(code="phong-qlkh", name=DIVISION_NAME)
    procedure = ProcedureFactory(
        name=PROCEDURE_NAME,
        code=PROCEDURE_CODE,
        processing_time=10,
        division=division,
        clock_waits_for_fee=True,
        fee_amount=500000,
        fee_description=FEE_DESCRIPTION,
        post_return=True,
    )
    RequiredDocumentFactory(procedure=procedure, name=DOCUMENT_NAME, mandatory=True, sort_order=1)
    staff = {
        "one_stop": StaffFactory(username="motcua.hoa", role="one_stop", profile__full_name="Nông Thị Hoa"),
        "head": StaffFactory(username="truongphong.son", role="division_head", division=division),
        "specialist": StaffFactory(username="chuyenvien.lam", role="specialist", division=division),
        "leader": StaffFactory(username="lanhdao.hung", role="leader"),
        "clerk": StaffFactory(username="vanthu.thu", role="clerk", profile__full_name="Bế Thị Thu"),
    }
    applicant = ApplicantFactory(
        email=APPLICANT_EMAIL,
        profile__full_name=APPLICANT_NAME,
        profile__phone=APPLICANT_PHONE,
        profile__id_number="004199012345",
        profile__address=POSTAL_ADDRESS,
    )
    return {"division": division, "procedure": procedure, "staff": staff, "applicant": applicant}


# --- steps -----------------------------------------------------------------------------------------------------------
def applicant_submits(browser, base, department, result_label):
    """The applicant signs in, fills the draft (one file, how to receive the result) and submits it; returns the
    applicant's page and the new dossier."""
    from playwright.sync_api import expect

    from skhcn.accounts.tests.factories import PASSWORD
    from skhcn.dossiers.models import Dossier

    page = new_page(browser, PHONE)
    page.goto(base + f"/tai-khoan/dang-nhap/?next=/dich-vu-cong/nop/{PROCEDURE_CODE}/")
    page.get_by_label("Thư điện tử").fill(APPLICANT_EMAIL)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).to_have_text("Hồ sơ nháp")

    document = department["procedure"].documents.get()
    section = page.locator(f"#tp-{document.pk}")
    section.locator("input[type=file]").set_input_files(
        {"name": "don-dang-ky.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Don dang ky")}
    )
    section.get_by_role("button", name="Tải lên").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Đã tải lên tệp “don-dang-ky.pdf”")
    page.get_by_label(result_label).check()
    if result_label == POST_RESULT:
        page.get_by_label("Địa chỉ nhận kết quả qua bưu chính").fill(POSTAL_ADDRESS)
    page.get_by_role("button", name="Xem lại và nộp").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(result_label)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Đã nộp hồ sơ")
    dossier = Dossier.objects.get(applicant=department["applicant"])
    expect(page.locator("h1")).to_have_text(f"Hồ sơ {dossier.code}")
    return page, dossier


def one_stop_receives_and_requests_the_fee(browser, base, department, dossier):
    """Reception in the admin screens (the clock waits for the fee), then "Yêu cầu nộp phí" with the procedure's
    fee, which the form proposes."""
    from playwright.sync_api import expect

    from skhcn.dossiers.constants import Status

    page = new_page(browser)
    password_login(page, base, department["staff"]["one_stop"])
    page.goto(base + f"/admin/ho-so/{dossier.pk}/")
    act(page, "receive", "Tiếp nhận hồ sơ")
    expect(page.locator("#summary-title [data-status]")).to_have_text(Status.AWAITING_FEE.label)
    form = page.locator("form[data-request-fee]")
    expect(form.get_by_label("Số tiền (đồng; mặc định theo mức phí của thủ tục)")).to_have_value("500000")
    expect(form.get_by_label("Nội dung thu")).to_have_value(FEE_DESCRIPTION)
    form.get_by_role("button", name="Gửi yêu cầu nộp phí").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Đã gửi yêu cầu nộp phí 500.000 đồng")
    expect(page.locator("[data-payments] [data-payment-status=pending]")).to_have_count(1)
    return page


def applicant_pays_in_the_sandbox(page, base, dossier):
    """From the dossier page to the sandbox gateway and back; the confirmed state and the e-receipt."""
    from playwright.sync_api import expect

    from skhcn.dossiers.constants import Status
    from skhcn.payments.models import Payment, PaymentStatus

    page.goto(base + f"/dich-vu-cong/ho-so/{dossier.pk}/")
    fees = page.locator("#thanh-toan")
    expect(fees).to_contain_text(FEE_DESCRIPTION)
    expect(fees).to_contain_text("Chờ thanh toán")
    fees.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_load_state()
    assert "/thanh-toan/sandbox/thanh-toan/" in page.url, page.url
    expect(page.locator("[data-sandbox-banner]")).to_have_text(SANDBOX_BANNER)
    expect(page.locator("main")).to_contain_text("500.000 đồng")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_load_state()
    assert "/thanh-toan/ket-qua/sandbox/" in page.url, page.url
    expect(page.locator("[data-return=success]")).to_contain_text("giao dịch thành công")
    # The notification (IPN) was applied before the browser came back: the page shows the confirmed state.
    expect(page.locator("[data-confirmed]")).to_have_attribute("data-confirmed", "paid")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải biên lai điện tử (PDF)").click()
    with open(download_info.value.path(), "rb") as handle:
        receipt = flat(pdf_text(handle.read()))
    payment = Payment.objects.get(dossier=dossier)
    assert payment.status == PaymentStatus.PAID
    for expected in ("BIÊN LAI THU PHÍ, LỆ PHÍ (ĐIỆN TỬ)", "500.000 đồng", dossier.code, APPLICANT_NAME):
        assert expected in receipt, expected
    assert payment.txn_ref in receipt
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.clock_started_at is not None and dossier.due_at is not None
    return payment


def through_the_workflow(dossier, department, *actions):
    """Internal steps between reception and the result, through the workflow service (not the point here)."""
    from skhcn.dossiers import workflow
    from skhcn.dossiers.workflow.transitions import TRANSITIONS

    staff = department["staff"]
    extra = {
        "transfer": ("one_stop", {"division": department["division"]}),
        "assign": ("head", {"assignee": staff["specialist"]}),
        "submit_to_head": ("specialist", {}),
        "head_approve": ("head", {}),
        "leader_approve": ("leader", {}),
        "issue_result": ("clerk", {}),
    }
    for action in actions:
        dossier.refresh_from_db()
        who, kwargs = extra[action]
        if TRANSITIONS[action].needs_comment:
            kwargs = {**kwargs, "comment": "Đủ điều kiện."}
        if TRANSITIONS[action].needs_file:
            from skhcn.dossiers.tests.factories import pdf_upload

            kwargs = {**kwargs, "files": [pdf_upload("ket-qua-da-ky.pdf")]}
        workflow.perform(dossier.pk, action, staff[who], expected_version=dossier.version, **kwargs)
    dossier.refresh_from_db()
    return dossier


# --- the tests -------------------------------------------------------------------------------------------------------
def test_fee_paid_online_and_result_downloaded(live_server, browser, department):
    from playwright.sync_api import expect

    from skhcn.dossiers.constants import Status

    base = live_server.url
    citizen, dossier = applicant_submits(browser, base, department, ONLINE_RESULT)
    one_stop = one_stop_receives_and_requests_the_fee(browser, base, department, dossier)
    payment = applicant_pays_in_the_sandbox(citizen, base, dossier)

    one_stop.reload()
    row = one_stop.locator(f"[data-payments] [data-payment='{payment.txn_ref}']")
    expect(row).to_have_attribute("data-payment-status", "paid")
    expect(row).to_contain_text("Biên lai điện tử")

    dossier = through_the_workflow(dossier, department, "transfer", "assign", "submit_to_head", "head_approve")
    dossier = through_the_workflow(dossier, department, "leader_approve")
    assert dossier.status == Status.APPROVED

    # The clerk issues the signed result in the admin screens; the one-stop officer returns it online.
    clerk = new_page(browser)
    password_login(clerk, base, department["staff"]["clerk"])
    clerk.goto(base + f"/admin/ho-so/{dossier.pk}/")
    act(
        clerk,
        "issue_result",
        "Phát hành kết quả",
        fill=lambda p: p.get_by_label("Tệp kết quả đã ký số (PDF) (bắt buộc)").set_input_files(
            {"name": "ket-qua-da-ky.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Ket qua da ky so")}
        ),
    )
    expect(clerk.locator("#summary-title [data-status]")).to_have_text(Status.RESULT_ISSUED.label)
    one_stop.reload()
    act(
        one_stop,
        "return_result",
        "Trả kết quả",
        fill=lambda p: expect(p.get_by_label(ONLINE_RESULT)).to_be_checked(),
    )
    expect(one_stop.locator("#summary-title [data-status]")).to_have_text(Status.RETURNED.label)
    dossier.refresh_from_db()

    # The applicant downloads the result online; the fee shows as paid.
    citizen.goto(base + f"/dich-vu-cong/ho-so/{dossier.pk}/")
    expect(citizen.locator(".dv-summary")).to_contain_text(Status.RETURNED.label)
    expect(citizen.locator(".dv-result")).to_contain_text(dossier.result_number)
    expect(citizen.locator("#thanh-toan [data-payment-status=paid]")).to_have_count(1)
    with citizen.expect_download() as download_info:
        citizen.get_by_role("link", name="Tải kết quả (ket-qua-da-ky.pdf)").click()
    download = download_info.value
    assert download.suggested_filename == "ket-qua-da-ky.pdf"
    with open(download.path(), "rb") as handle:
        result = handle.read()
    assert result.startswith(b"%PDF") and "Ket qua da ky so" in pdf_text(result)


def test_fee_paid_online_and_result_sent_by_post(live_server, browser, department):
    from django.utils import timezone
    from playwright.sync_api import expect

    from skhcn.delivery.models import Shipment
    from skhcn.dossiers.constants import ReceiveMethod, Status

    base = live_server.url
    citizen, dossier = applicant_submits(browser, base, department, POST_RESULT)
    assert dossier.receive_method == ReceiveMethod.POST and dossier.postal_address == POSTAL_ADDRESS
    one_stop = one_stop_receives_and_requests_the_fee(browser, base, department, dossier)
    applicant_pays_in_the_sandbox(citizen, base, dossier)
    # Everything up to the issued result through the workflow service, issue included (the post is the point).
    dossier = through_the_workflow(
        dossier, department, "transfer", "assign", "submit_to_head", "head_approve", "leader_approve", "issue_result"
    )
    assert dossier.status == Status.RESULT_ISSUED

    # The one-stop officer hands the result to the post.
    one_stop.goto(base + f"/admin/ho-so/{dossier.pk}/")
    one_stop.locator("[data-ship]").click()
    one_stop.wait_for_load_state()
    one_stop.get_by_label("Đơn vị bưu chính").select_option("manual")
    one_stop.get_by_label("Số hiệu bưu gửi").fill(TRACKING_NUMBER)
    # Prefilled from the dossier.
    expect(one_stop.get_by_label("Người nhận", exact=True)).to_have_value(APPLICANT_NAME)
    expect(one_stop.get_by_label("Điện thoại người nhận")).to_have_value(APPLICANT_PHONE)
    one_stop.get_by_label("Địa chỉ (số nhà, đường, thôn/xóm)").fill("Số 5 đường Vườn Cam")
    one_stop.get_by_label("Xã/phường").fill("Phường Thục Phán")
    one_stop.get_by_label("Tỉnh/thành phố").fill("Cao Bằng")
    one_stop.get_by_role("button", name="Giao kết quả cho bưu chính").click()
    one_stop.wait_for_load_state()
    expect(one_stop.locator(".messages")).to_contain_text(
        f"Đã gửi kết quả của hồ sơ {dossier.code} qua bưu chính, số hiệu bưu gửi {TRACKING_NUMBER}."
    )
    expect(one_stop.locator("#summary-title [data-status]")).to_have_text(Status.RETURNED.label)
    shipment = Shipment.objects.get(dossier=dossier)

    # The label (100 × 150 mm PDF) says who sends what to whom.
    panel = one_stop.locator("[data-delivery]")
    label = fetch_pdf(one_stop, panel.get_by_role("link", name="Nhãn gửi").get_attribute("href"))
    for expected in ("NGƯỜI GỬI", "Sở Khoa học và Công nghệ", "NGƯỜI NHẬN", APPLICANT_NAME):
        assert expected in label, expected
    assert "Phường Thục Phán, Cao Bằng" in label
    assert dossier.code in label and TRACKING_NUMBER in label

    # Delivered today.
    today = timezone.localdate()
    panel.get_by_label("Ngày phát thành công (dd/mm/yyyy, để trống = hôm nay)").fill(f"{today:%d/%m/%Y}")
    panel.get_by_role("button", name="Ghi nhận đã phát").click()
    one_stop.wait_for_load_state()
    expect(one_stop.locator(".messages")).to_contain_text(f"Đã ghi nhận bưu gửi {TRACKING_NUMBER} phát thành công.")
    expect(one_stop.locator("[data-delivery] [data-shipment-status]")).to_have_attribute(
        "data-shipment-status", "delivered"
    )
    shipment.refresh_from_db()
    handed = timezone.localtime(shipment.handed_over_at).date()

    # Anyone with the code and the phone number sees the item on the tracking page (signed out).
    tracker = new_page(browser, PHONE)
    tracker.goto(base + f"/dich-vu-cong/tra-cuu/?ma={dossier.code}")
    tracker.get_by_label("Số điện thoại").fill(APPLICANT_PHONE)
    tracker.get_by_role("button", name="Tra cứu").click()
    tracker.wait_for_load_state()
    result = tracker.locator(".dv-result")
    expect(result).to_contain_text(Status.RETURNED.label)
    item = result.locator(f"[data-shipments] [data-shipment='{TRACKING_NUMBER}']")
    expect(item).to_have_attribute("data-shipment-status", "delivered")
    expect(item).to_contain_text(shipment.carrier_label)
    expect(item).to_contain_text("Đã phát thành công")
    expect(item).to_contain_text(f"giao bưu chính ngày {handed:%d/%m/%Y}")
    expect(item).to_contain_text(f"phát thành công ngày {today:%d/%m/%Y}")
    expect(result.locator("[data-payments] [data-payment-status=paid]")).to_contain_text("500.000 đồng")
    expect(result).not_to_contain_text("Nông Thị Hoa")  # never who

    # And the applicant's own page says the same.
    citizen.goto(base + f"/dich-vu-cong/ho-so/{dossier.pk}/")
    expect(citizen.locator(f"[data-shipments] [data-shipment='{TRACKING_NUMBER}']")).to_contain_text(
        "Đã phát thành công"
    )
