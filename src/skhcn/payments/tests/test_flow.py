"""End to end through the pages: staff request the fee, the applicant pays in the sandbox, the notification (sent
by the sandbox as a background task, immediate here) confirms it, the return page shows it, the e-receipt."""

import io
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone
from pypdf import PdfReader

from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.tests.workflow_support import act
from skhcn.payments import services, tasks
from skhcn.payments.models import Payment, PaymentEvent, PaymentStatus, SandboxTransaction

from .helpers import gateway_params


def staff_page(client, user, dossier):
    client.force_login(user)
    return client.get(f"/admin/ho-so/{dossier.pk}/")


def request_fee_through_page(client, world, dossier, **data):
    client.force_login(world.one_stop)
    return client.post(f"/admin/thanh-toan/ho-so/{dossier.pk}/yeu-cau-nop-phi/", data)


def start_sandbox_payment(client, payment):
    """The applicant presses "Thanh toán trực tuyến": redirected to the sandbox page; returns its signed params."""
    client.force_login(payment.dossier.applicant)
    response = client.post(f"/thanh-toan/{payment.pk}/thanh-toan/", {"cong": "sandbox"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/thanh-toan/sandbox/thanh-toan/"
    return dict(parse_qsl(location.query))


def press(client, params, choice):
    response = client.post("/thanh-toan/sandbox/thanh-toan/", {**params, "ket_qua": choice})
    assert response.status_code == 302
    return response["Location"]


def test_whole_flow(client, world, awaiting):
    # Staff: the form defaults to the procedure's fee.
    page = staff_page(client, world.one_stop, awaiting).content.decode()
    assert "Yêu cầu nộp phí" in page and 'value="500000"' in page
    response = request_fee_through_page(client, world, awaiting, cach_tinh="tong", so_tien="500.000", noi_dung="")
    assert response.status_code == 302
    payment = Payment.objects.get(dossier=awaiting)
    assert payment.amount == 500000 and payment.status == PaymentStatus.PENDING and payment.txn_ref
    # A second request while one is pending is refused.
    request_fee_through_page(client, world, awaiting, cach_tinh="tong", so_tien="1000")
    assert Payment.objects.filter(dossier=awaiting).count() == 1

    # Applicant: the dossier page offers the online payment.
    client.force_login(world.applicant)
    page = client.get(f"/dich-vu-cong/ho-so/{awaiting.pk}/").content.decode()
    assert "Thanh toán trực tuyến" in page and "500.000 đồng" in page
    params = start_sandbox_payment(client, payment)
    assert params["vnp_Amount"] == "50000000" and params["vnp_TxnRef"] == payment.txn_ref

    sandbox_page = client.get("/thanh-toan/sandbox/thanh-toan/", params).content.decode()
    assert "MÔI TRƯỜNG THỬ NGHIỆM — KHÔNG PHẢI THANH TOÁN THẬT" in sandbox_page
    for label in ("Thanh toán", "Hủy", "Không đủ số dư"):
        assert f">{label}</button>" in sandbox_page

    location = press(client, params, "thanh-toan")
    # The notification came first (immediate task): the payment is paid and the dossier's clock started.
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert awaiting.status == Status.RECEIVED and awaiting.clock_started_at is not None

    assert urlsplit(location).path == "/thanh-toan/ket-qua/sandbox/"
    result = client.get(location)
    text = result.content.decode()
    assert result.status_code == 200 and "giao dịch thành công" in text and 'data-confirmed="paid"' in text
    receipt = client.get(f"/thanh-toan/{payment.pk}/bien-lai.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    pdf = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ (ĐIỆN TỬ)" in pdf and "500.000 đồng" in pdf
    assert "không phải hóa đơn điện tử" in " ".join(pdf.split())

    # Staff see the payment and its receipt.
    page = staff_page(client, world.one_stop, awaiting).content.decode()
    assert 'data-payment-status="paid"' in page and "Biên lai điện tử" in page
    assert client.get(f"/admin/thanh-toan/{payment.pk}/bien-lai.pdf").status_code == 200


def test_quantity_times_unit_fee(client, world, awaiting):
    request_fee_through_page(
        client, world, awaiting, cach_tinh="don-gia", so_luong="3", don_gia="150.000", noi_dung="Phí thẩm định"
    )
    payment = Payment.objects.get(dossier=awaiting)
    assert payment.amount == 450000 and payment.purpose == "Phí thẩm định"
    assert payment.items == [{"description": "Phí thẩm định", "quantity": 3, "unit_amount": 150000}]


def test_notification_before_the_browser_returns_and_return_never_changes_state(client, payment, monkeypatch):
    params = start_sandbox_payment(client, payment)
    ipn_sent = []
    # The notification is held back: the browser returns first.
    monkeypatch.setattr(tasks, "send_sandbox_ipn", ipn_sent.append)
    location = press(client, params, "thanh-toan")
    page = client.get(location).content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # the return alone never changes the payment
    assert "giao dịch thành công" in page and "Đang chờ xác nhận" in page
    assert PaymentEvent.objects.filter(payment=payment, kind="return", verified=True).exists()
    # Then the notification arrives; the page now shows the confirmed status.
    tasks.deliver_sandbox_ipn.call(ipn_sent[0])
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert 'data-confirmed="paid"' in client.get(location).content.decode()


def test_return_without_notification_then_reconciliation(client, payment, monkeypatch):
    params = start_sandbox_payment(client, payment)
    monkeypatch.setattr(tasks, "send_sandbox_ipn", lambda result: None)  # lost notification
    press(client, params, "thanh-toan")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    # Not yet 15 minutes: left alone.
    assert services.reconcile_pending()["checked"] == 0
    counts = services.reconcile_pending(now=timezone.now() + timedelta(minutes=16))
    assert counts["applied"] == 1
    payment.refresh_from_db()
    payment.dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.dossier.status == Status.RECEIVED
    assert PaymentEvent.objects.filter(payment=payment, kind="query", verified=True).exists()
    # Running it again changes nothing.
    assert services.reconcile_pending(now=timezone.now() + timedelta(minutes=30))["checked"] == 0


def test_reconciliation_task_and_scheduler_gate(payment):
    from django.core.cache import cache

    cache.delete("skhcn:payments:reconcile")
    assert tasks.maybe_enqueue_reconciliation() is True
    assert tasks.maybe_enqueue_reconciliation() is False  # at most every 5 minutes


def test_reconciliation_leaves_a_payment_unknown_to_the_gateway_pending(client, payment):
    start_sandbox_payment(client, payment)  # went to the gateway, nobody pressed anything
    counts = services.reconcile_pending(now=timezone.now() + timedelta(minutes=16))
    assert counts == {"checked": 1, "applied": 0, "unsupported": 0, "errors": 0}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.parametrize(
    ("choice", "status", "shown"),
    [("huy", PaymentStatus.CANCELLED, "đã hủy giao dịch"), ("khong-du-so-du", PaymentStatus.FAILED, "không đủ số dư")],
)
def test_cancel_and_insufficient_funds(client, payment, choice, status, shown):
    params = start_sandbox_payment(client, payment)
    location = press(client, params, choice)
    payment.refresh_from_db()
    payment.dossier.refresh_from_db()
    assert payment.status == status
    assert payment.dossier.status == Status.AWAITING_FEE and payment.dossier.clock_started_at is None
    page = client.get(location).content.decode()
    assert shown in page
    assert client.get(f"/thanh-toan/{payment.pk}/bien-lai.pdf").status_code == 404


def test_amount_tampered_in_the_return_url_is_shown_as_invalid(client, payment):
    params = start_sandbox_payment(client, payment)
    location = press(client, params, "thanh-toan")
    tampered = location.replace("vnp_Amount=50000000", "vnp_Amount=100")
    assert tampered != location
    returns = PaymentEvent.objects.filter(kind="return")
    seen = returns.count()
    response = client.get(tampered)
    assert response.status_code == 400 and 'data-return="invalid"' in response.content.decode()
    assert returns.count() == seen  # unsigned: only logged as a warning (``refusals``)
    # A correctly signed return with a different amount (e.g. another merchant secret leak) is invalid too.
    payment.gateway = "sandbox"
    signed = gateway_params(payment, amount=100)
    response = client.get("/thanh-toan/ket-qua/sandbox/", signed)
    assert response.status_code == 400
    assert returns.filter(result="bad_amount", verified=True).exists()


def test_sandbox_page_refuses_a_bad_signature(client, payment):
    params = start_sandbox_payment(client, payment)
    params["vnp_Amount"] = "100"
    response = client.get("/thanh-toan/sandbox/thanh-toan/", params)
    assert response.status_code == 400 and "Sai chữ ký" in response.content.decode()
    assert not SandboxTransaction.objects.exists()


def test_second_click_resends_the_first_outcome(client, payment):
    params = start_sandbox_payment(client, payment)
    press(client, params, "thanh-toan")
    press(client, params, "huy")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert SandboxTransaction.objects.get().response_code == "00"


def test_refund_of_a_payment_for_a_withdrawn_dossier(client, world, payment):

    params = start_sandbox_payment(client, payment)
    act(payment.dossier, Action.WITHDRAW, world.applicant, world=world, comment="Rút hồ sơ.")
    press(client, params, "thanh-toan")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.refund_needed
    page = staff_page(client, world.one_stop, payment.dossier).content.decode()
    assert "cần hoàn tiền" in page
    response = client.post(f"/admin/thanh-toan/{payment.pk}/hoan-tien/", {"ly_do": "Hồ sơ đã rút."})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED and not payment.refund_needed
    assert SandboxTransaction.objects.get().refunded_amount == payment.amount
