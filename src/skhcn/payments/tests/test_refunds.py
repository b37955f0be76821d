"""Refunds (one service, row-locked, logged), double payments and money for ended dossiers: each bad input refused
in Vietnamese with nothing changed; each odd payment recorded, logged and flagged for staff."""

import pytest
from django.utils import timezone

from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.models import DossierEvent
from skhcn.dossiers.tests.workflow_support import act, dossier_at
from skhcn.payments import services
from skhcn.payments.models import Payment, PaymentEvent, PaymentStatus, SandboxTransaction
from skhcn.payments.receipt import render_receipt

from .helpers import gateway_params, send_ipn


def pay(client, payment, **params):
    """The sandbox "bank" took the money (as the payment page records it) and notified us."""
    payment.gateway = "sandbox"
    payment.started_at = payment.started_at or timezone.now()
    payment.save()
    SandboxTransaction.objects.get_or_create(
        txn_ref=payment.txn_ref,
        defaults={
            "amount": payment.amount,
            "response_code": "00",
            "transaction_status": "00",
            "transaction_no": "90001234",
            "pay_date": timezone.now(),
        },
    )
    reply = send_ipn(client, gateway_params(payment, **params))
    payment.refresh_from_db()
    return reply


@pytest.fixture
def paid(client, payment):
    assert pay(client, payment)["RspCode"] == "00"
    return payment


def receipt_text(payment) -> str:
    import io

    from pypdf import PdfReader

    payment.refresh_from_db()
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_receipt(payment))).pages).split())


def _unchanged(payment, status=PaymentStatus.PAID, refunded=0):
    payment.refresh_from_db()
    assert payment.status == status and payment.refunded_amount == refunded


# --- refund: bad input ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "reason", "amount", "message"),
    [
        ("one_stop", "", None, "Vui lòng nhập lý do hoàn tiền."),
        ("one_stop", "   ", None, "Vui lòng nhập lý do hoàn tiền."),
        ("one_stop", "x" * 1001, None, "Lý do hoàn tiền quá dài (tối đa 1000 ký tự)."),
        ("one_stop", "Thu thừa.", 0, "Số tiền hoàn phải là số nguyên dương (đồng)."),
        ("one_stop", "Thu thừa.", 500001, "Số tiền hoàn 500.001 đồng vượt quá số tiền còn có thể hoàn"),
        ("specialist", "Thu thừa.", None, "Tài khoản không có quyền hoàn tiền khoản này."),
        ("applicant", "Thu thừa.", None, "Tài khoản không có quyền hoàn tiền khoản này."),
    ],
)
def test_refund_refusals(paid, world, who, reason, amount, message):
    with pytest.raises(services.PaymentError) as info:
        services.refund(paid, getattr(world, who), reason, amount=amount)
    assert info.value.message.startswith(message)
    _unchanged(paid)
    assert SandboxTransaction.objects.get().refunded_amount == 0
    assert not PaymentEvent.objects.filter(kind="refund").exists()


def test_refund_of_an_unpaid_payment_is_refused(payment, world):
    with pytest.raises(services.PaymentError) as info:
        services.refund(payment, world.one_stop, "Nhầm.")
    assert info.value.message == "Chỉ hoàn tiền được khoản đã thanh toán (khoản này: “Chờ thanh toán”)."
    _unchanged(payment, PaymentStatus.PENDING)


@pytest.mark.parametrize("status", [PaymentStatus.FAILED, PaymentStatus.CANCELLED])
def test_refund_of_a_failed_payment_is_refused(client, payment, world, status):
    pay(client, payment, response="24" if status == PaymentStatus.CANCELLED else "51", status="02")
    assert payment.status == status
    with pytest.raises(services.PaymentError):
        services.refund(payment, world.one_stop, "Nhầm.")


def test_refund_twice_is_refused(paid, world):
    services.refund(paid, world.one_stop, "Hồ sơ bị từ chối.")
    _unchanged(paid, PaymentStatus.REFUNDED, 500000)
    with pytest.raises(services.PaymentError) as info:
        services.refund(paid, world.one_stop, "Hồ sơ bị từ chối.")
    assert info.value.message == "Khoản này đã được hoàn tiền toàn bộ; không hoàn thêm được."
    assert PaymentEvent.objects.filter(kind="refund", result="refunded").count() == 1
    assert SandboxTransaction.objects.get().refunded_amount == 500000


def test_partial_refunds_up_to_the_paid_amount(paid, world):
    services.refund(paid, world.one_stop, "Thu thừa 200.000 đồng.", amount=200000)
    _unchanged(paid, PaymentStatus.PAID, 200000)
    with pytest.raises(services.PaymentError) as info:
        services.refund(paid, world.one_stop, "Thêm.", amount=300001)
    assert "vượt quá số tiền còn có thể hoàn của khoản này (300.000 đồng)" in info.value.message
    _unchanged(paid, PaymentStatus.PAID, 200000)
    assert "Đã hoàn trả 200.000 đồng cho người nộp." in receipt_text(paid)
    services.refund(paid, world.one_stop, "Hoàn nốt.")  # what is left
    _unchanged(paid, PaymentStatus.REFUNDED, 500000)
    assert [e.result for e in PaymentEvent.objects.filter(kind="refund")] == [
        "requested",
        "refunded_partly",
        "requested",
        "refunded",
    ]
    assert SandboxTransaction.objects.get().refunded_amount == 500000


def test_a_refund_refused_by_the_gateway_is_logged_and_changes_nothing(paid, world):
    SandboxTransaction.objects.update(refunded_amount=500000)  # refunded at the gateway's portal meanwhile
    with pytest.raises(services.PaymentError) as info:
        services.refund(paid, world.one_stop, "Nộp trùng.")
    assert "đã được gửi trước đó" in info.value.message
    _unchanged(paid)
    assert not paid.refund_in_flight and paid.refund_in_flight_amount == 0  # a definite "no": nothing reserved
    assert [e.result for e in PaymentEvent.objects.filter(kind="refund")] == ["requested", "refused"]
    event = PaymentEvent.objects.get(kind="refund", result="refused")
    assert event.actor == world.one_stop and event.data["reason"] == "Nộp trùng."


def test_refund_through_the_staff_page(client, paid, world):
    client.force_login(world.one_stop)
    url = f"/admin/thanh-toan/{paid.pk}/hoan-tien/"
    page = client.get(f"/admin/ho-so/{paid.dossier_id}/").content.decode()
    assert "data-refund-form" in page and 'name="so_tien_hoan" value="500000"' in page
    text = client.post(url, {"ly_do": "Thu thừa.", "so_tien_hoan": "hai trăm"}, follow=True).content.decode()
    assert "Số tiền hoàn không hợp lệ: chỉ nhập chữ số (đồng)." in text
    text = client.post(url, {"ly_do": "", "so_tien_hoan": "200.000"}, follow=True).content.decode()
    assert "Vui lòng nhập lý do hoàn tiền." in text
    _unchanged(paid)
    text = client.post(url, {"ly_do": "Thu thừa.", "so_tien_hoan": "200.000"}, follow=True).content.decode()
    assert "Đã hoàn 200.000 đồng của khoản" in text  # the message
    assert text.count("Đã hoàn 200.000 đồng") == 2  # and the payment row
    _unchanged(paid, PaymentStatus.PAID, 200000)
    # Staff without a fee role are refused (or do not even see the dossier).
    client.force_login(world.head)
    assert client.post(url, {"ly_do": "x"}).status_code in (302, 403, 404)
    _unchanged(paid, PaymentStatus.PAID, 200000)


# --- double payment ---------------------------------------------------------------------------------------------------
def test_the_same_fee_paid_twice_is_flagged_for_refund(client, paid, world):
    dossier = paid.dossier
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    # Staff request the same fee again by mistake; the applicant pays it too.
    second = services.request_fee(dossier, world.one_stop)
    assert pay(client, second, transaction_no="90005678")["RspCode"] == "00"
    assert second.status == PaymentStatus.PAID and second.refund_needed
    assert f"Có thể nộp trùng: khoản {paid.txn_ref}" in second.note
    paid.refresh_from_db()
    assert not paid.refund_needed
    assert DossierEvent.objects.filter(dossier=dossier, action=Action.RECORD_FEE_PAID).count() == 1
    assert PaymentEvent.objects.filter(
        payment=second, kind="notification", result="accepted paid double_payment"
    ).exists()

    client.force_login(world.one_stop)
    page = client.get(f"/admin/ho-so/{dossier.pk}/").content.decode()
    assert "data-refund-needed" in page and "Có thể nộp trùng" in page
    assert "Bỏ đánh dấu cần hoàn tiền" in page
    client.post(f"/admin/thanh-toan/{second.pk}/hoan-tien/", {"ly_do": "Nộp trùng lệ phí."})
    second.refresh_from_db()
    assert second.status == PaymentStatus.REFUNDED and not second.refund_needed


def test_a_different_fee_is_not_a_double_payment(client, paid, world):
    other = services.request_fee(paid.dossier, world.one_stop, amount=120000, purpose="Phí thẩm định bổ sung")
    pay(client, other)
    assert other.status == PaymentStatus.PAID and not other.refund_needed


def test_staff_may_keep_a_flagged_payment_with_a_reason(client, paid, world):
    second = services.request_fee(paid.dossier, world.one_stop)
    pay(client, second, transaction_no="90005678")
    with pytest.raises(services.PaymentError) as info:
        services.clear_refund_flag(second, world.one_stop, " ")
    assert info.value.message == "Vui lòng nhập lý do không hoàn tiền."
    with pytest.raises(services.PaymentError):
        services.clear_refund_flag(second, world.specialist, "Hai lần thẩm định.")
    client.force_login(world.one_stop)
    text = client.post(
        f"/admin/thanh-toan/{second.pk}/khong-hoan-tien/", {"ly_do": "Hai lần thẩm định khác nhau."}, follow=True
    ).content.decode()
    assert "Đã bỏ đánh dấu “cần hoàn tiền”" in text
    second.refresh_from_db()
    assert not second.refund_needed and "Hai lần thẩm định khác nhau." in second.note
    assert PaymentEvent.objects.get(payment=second, kind="review").actor == world.one_stop
    with pytest.raises(services.PaymentError) as info:
        services.clear_refund_flag(second, world.one_stop, "Lần nữa.")
    assert info.value.message == "Khoản này không được đánh dấu cần hoàn tiền."


def test_success_confirmed_after_a_cancellation_is_recorded(client, payment):
    assert pay(client, payment, response="24", status="02")["RspCode"] == "00"
    assert payment.status == PaymentStatus.CANCELLED
    # The gateway then confirms the money did arrive (signed): it is real money, recorded.
    assert send_ipn(client, gateway_params(payment, transaction_no="90009999"))["RspCode"] == "00"
    payment.refresh_from_db()
    payment.dossier.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and "sau khi khoản này được ghi “Người nộp đã hủy”" in payment.note
    assert payment.dossier.status == Status.RECEIVED
    # Replayed: nothing more.
    assert send_ipn(client, gateway_params(payment, transaction_no="90009999"))["RspCode"] == "02"


# --- money for a dossier that ended -----------------------------------------------------------------------------------
@pytest.mark.parametrize("ended", [Status.WITHDRAWN, Status.STOPPED, Status.REFUSED_AT_INTAKE])
def test_money_for_an_ended_dossier_is_recorded_flagged_and_shown(client, world, ended):
    dossier = dossier_at(Status.RECEIVED if ended == Status.STOPPED else Status.SUBMITTED, world)
    payment = services.request_fee(dossier, world.one_stop, amount=300000)
    action = {
        Status.WITHDRAWN: Action.WITHDRAW,
        Status.STOPPED: Action.STOP_PROCESSING,
        Status.REFUSED_AT_INTAKE: Action.REFUSE_INTAKE,
    }[ended]
    act(dossier, action, world=world)
    version = type(dossier).objects.get(pk=dossier.pk).version
    assert pay(client, payment)["RspCode"] == "00"
    assert payment.status == PaymentStatus.PAID and payment.refund_needed
    dossier.refresh_from_db()
    assert dossier.status == ended and dossier.version == version  # the dossier is not touched
    client.force_login(world.one_stop)
    page = client.get(f"/admin/ho-so/{dossier.pk}/").content.decode()
    assert "data-refund-needed" in page and "cần hoàn tiền cho người nộp" in page
    listing = client.get("/admin/thanh-toan/?loc=can-hoan-tien").content.decode()
    assert payment.txn_ref in listing
    client.force_login(dossier.applicant)
    page = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    assert "data-refund-needed" in page and "sẽ được hoàn trả cho Ông/Bà" in page


def test_payment_for_an_ended_dossier_cannot_start(client, payment, world):
    act(payment.dossier, Action.WITHDRAW, world.applicant, world=world, comment="Rút.")
    client.force_login(world.applicant)
    response = client.post(f"/thanh-toan/{payment.pk}/thanh-toan/", {"cong": "sandbox"}, follow=True)
    assert "Khoản phí này không còn chờ thanh toán." in response.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.started_at is None
    assert Payment.objects.count() == 1
