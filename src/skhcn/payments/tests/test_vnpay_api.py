"""VNPay's merchant web API (querydr, refund) over real HTTP on loopback, against ``FakeVNPay``: documented checksum
orders, answers verified before use, and network trouble turned into a Vietnamese error that changes nothing."""

import hashlib
import hmac
import socket
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from skhcn.deadlines.calendar import TZ
from skhcn.dossiers.constants import Status
from skhcn.dossiers.tests.workflow_support import dossier_at
from skhcn.payments import services
from skhcn.payments.gateways import GatewayError, get_gateway, vnpay
from skhcn.payments.models import Payment, PaymentEvent, PaymentStatus

from .fake_vnpay import SECRET, TMN_CODE, FakeVNPay, query_answer, refund_answer


@pytest.fixture
def fake_vnpay(settings):
    fake = FakeVNPay()
    settings.PAYMENT_GATEWAYS = ["vnpay", "sandbox"]
    settings.VNPAY_TMN_CODE = TMN_CODE
    settings.VNPAY_HASH_SECRET = SECRET
    settings.VNPAY_API_URL = fake.url
    settings.VNPAY_API_TIMEOUT = 3
    yield fake
    fake.close()


@pytest.fixture
def vnpay_payment(payment):
    """The pending fee, sent to VNPay 20 minutes ago (no notification came)."""
    payment.gateway = "vnpay"
    payment.started_at = timezone.now() - timedelta(minutes=20)
    payment.save()
    return payment


@pytest.fixture
def paid_vnpay_payment(vnpay_payment):
    Payment.objects.filter(pk=vnpay_payment.pk).update(
        status=PaymentStatus.PAID, paid_at=timezone.now(), gateway_transaction_no="14422574"
    )
    vnpay_payment.refresh_from_db()
    return vnpay_payment


def _reload(payment):
    payment.refresh_from_db()
    payment.dossier.refresh_from_db()
    return payment


# --- request format ---------------------------------------------------------------------------------------------------
def test_querydr_request_checksum_covers_the_documented_fields_in_order(payment, monkeypatch):
    monkeypatch.setattr(vnpay, "request_id", lambda: "a1b2c3")
    payment.started_at = datetime(2026, 3, 2, 9, 30, tzinfo=TZ)
    body = vnpay.query_request(
        payment, tmn_code="TMN12345", secret="s3cret", now=datetime(2026, 3, 2, 10, 0, 5, tzinfo=TZ), ip="10.0.0.7"
    )
    text = f"a1b2c3|2.1.0|querydr|TMN12345|{payment.txn_ref}|20260302093000|20260302100005|10.0.0.7|" + (
        f"Truy van giao dich {payment.txn_ref}"
    )
    assert body["vnp_SecureHash"] == hmac.new(b"s3cret", text.encode(), hashlib.sha512).hexdigest()
    assert body["vnp_OrderInfo"] == f"Truy van giao dich {payment.txn_ref}"


def test_refund_request_checksum_covers_the_documented_fields_in_order(payment, monkeypatch):
    monkeypatch.setattr(vnpay, "request_id", lambda: "d4e5f6")
    payment.started_at = datetime(2026, 3, 2, 9, 30, tzinfo=TZ)
    payment.gateway_transaction_no = "14422574"
    body = vnpay.refund_request(
        payment,
        amount=200000,
        reason="Nộp trùng lệ phí",
        created_by="motcua.ha",
        tmn_code="TMN12345",
        secret="s3cret",
        now=datetime(2026, 3, 3, 8, 0, tzinfo=TZ),
        ip="10.0.0.7",
    )
    info = f"Hoan tien ho so {payment.dossier.code}: Nop trung le phi"
    assert body["vnp_OrderInfo"] == info  # no diacritics
    assert body["vnp_TransactionType"] == "03"  # 200.000 of 500.000: partial
    text = (
        f"d4e5f6|2.1.0|refund|TMN12345|03|{payment.txn_ref}|20000000|14422574|20260302093000|motcua.ha|"
        f"20260303080000|10.0.0.7|{info}"
    )
    assert body["vnp_SecureHash"] == hmac.new(b"s3cret", text.encode(), hashlib.sha512).hexdigest()
    full = vnpay.refund_request(
        payment, amount=500000, reason="x", created_by="a", tmn_code="T", secret="s", now=timezone.now(), ip="1"
    )
    assert full["vnp_TransactionType"] == "02" and full["vnp_Amount"] == "50000000"


# --- querydr over HTTP ------------------------------------------------------------------------------------------------
def test_reconciliation_finds_a_vnpay_payment_paid_whose_notification_never_came(fake_vnpay, vnpay_payment):
    fake_vnpay.answer = lambda body: query_answer(body, amount=500000)
    counts = services.reconcile_pending()
    assert counts == {"checked": 1, "applied": 1, "unsupported": 0, "errors": 0}
    request = fake_vnpay.requests[0]
    assert request["content_type"] == "application/json"
    body = request["body"]
    assert body["vnp_Command"] == "querydr" and body["vnp_Version"] == "2.1.0" and body["vnp_TmnCode"] == TMN_CODE
    assert body["vnp_TxnRef"] == vnpay_payment.txn_ref
    assert body["vnp_TransactionDate"] == vnpay.format_date(vnpay_payment.started_at)
    assert fake_vnpay.bad_checksums == []  # the fake checked the request's checksum independently

    payment = _reload(vnpay_payment)
    assert payment.status == PaymentStatus.PAID and payment.gateway_transaction_no == "14422574"
    assert payment.paid_at == datetime(2026, 3, 2, 9, 15, tzinfo=TZ)
    assert payment.dossier.status == Status.RECEIVED
    assert PaymentEvent.objects.filter(
        payment=payment, kind="query", verified=True, result__startswith="accepted paid"
    ).exists()
    # Nothing pending any more: the next run asks nothing.
    assert services.reconcile_pending()["checked"] == 0 and len(fake_vnpay.requests) == 1


def _resign(answer, **changes):
    return {**answer, **changes}


@pytest.mark.parametrize(
    ("forge", "shown"),
    [
        # The amount changed after VNPay signed the answer.
        (lambda body: _resign(query_answer(body, amount=500000), vnp_Amount="100"), "không có chữ ký hợp lệ"),
        (lambda body: _resign(query_answer(body, amount=500000), vnp_SecureHash="0" * 128), "không có chữ ký hợp lệ"),
        (lambda body: {k: v for k, v in query_answer(body, amount=500000).items() if k != "vnp_SecureHash"}, "mã 00"),
        # Correctly signed, but about another merchant or another transaction.
        (lambda body: query_answer(body, amount=500000, vnp_TmnCode="OTHER123"), "không có chữ ký hợp lệ"),
        (lambda body: query_answer({"vnp_TxnRef": "999"}, amount=500000), "giao dịch khác"),
    ],
    ids=["tampered-amount", "bad-hash", "unsigned", "other-merchant", "other-transaction"],
)
def test_an_unverified_answer_is_never_used(fake_vnpay, vnpay_payment, forge, shown):
    fake_vnpay.answer = forge
    counts = services.reconcile_pending()
    assert counts["errors"] == 1 and counts["applied"] == 0
    payment = _reload(vnpay_payment)
    assert payment.status == PaymentStatus.PENDING and payment.dossier.status == Status.AWAITING_FEE
    event = PaymentEvent.objects.get(payment=payment, kind="query")
    assert event.result == "error" and not event.verified
    assert shown in event.data["message"]


def test_a_signed_answer_with_another_amount_is_refused_by_the_notification_rules(fake_vnpay, vnpay_payment):
    fake_vnpay.answer = lambda body: query_answer(body, amount=5000)
    assert services.reconcile_pending()["applied"] == 0
    assert _reload(vnpay_payment).status == PaymentStatus.PENDING
    assert PaymentEvent.objects.filter(payment=vnpay_payment, kind="query", result="amount_mismatch").exists()


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        ("02", "01", PaymentStatus.FAILED),
        ("01", "01", PaymentStatus.PENDING),  # not finished yet
        ("04", "01", PaymentStatus.PENDING),  # reversed: staff look at it
        ("07", "01", PaymentStatus.PENDING),  # suspected fraud
        ("00", "02", PaymentStatus.PENDING),  # a refund transaction, not the payment
    ],
)
def test_transaction_statuses(fake_vnpay, vnpay_payment, status, kind, expected):
    fake_vnpay.answer = lambda body: query_answer(body, amount=500000, status=status, kind=kind)
    services.reconcile_pending()
    payment = _reload(vnpay_payment)
    assert payment.status == expected
    assert payment.dossier.status == Status.AWAITING_FEE


def test_not_found_and_api_errors(fake_vnpay, vnpay_payment):
    fake_vnpay.answer = lambda body: query_answer(body, amount=0, code="91")
    result = get_gateway("vnpay").query_transaction(vnpay_payment)
    assert not result.found and "chưa có giao dịch" in result.message
    fake_vnpay.answer = lambda body: query_answer(body, amount=0, code="08")
    with pytest.raises(GatewayError) as info:
        get_gateway("vnpay").query_transaction(vnpay_payment)
    assert (
        info.value.message
        == "Cổng thanh toán từ chối tra soát giao dịch: hệ thống cổng thanh toán đang bảo trì (mã 08)."
    )


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/merchant_webapi/api/transaction"


@pytest.mark.parametrize("trouble", ["http-500", "not-json", "timeout", "refused", "bad-url"])
def test_network_trouble_gives_a_clear_error_and_changes_nothing(fake_vnpay, vnpay_payment, settings, trouble):
    expected = {
        "http-500": "Cổng thanh toán trả lỗi HTTP 500 khi tra soát giao dịch.",
        "not-json": "Phản hồi của cổng thanh toán khi tra soát giao dịch không đúng định dạng (JSON).",
        "timeout": "Cổng thanh toán không trả lời trong 0.5 giây khi tra soát giao dịch.",
        "refused": "Không kết nối được tới cổng thanh toán để tra soát giao dịch (lỗi mạng).",
        "bad-url": "Địa chỉ API của cổng thanh toán chưa được cấu hình đúng (VNPAY_API_URL).",
    }[trouble]
    if trouble == "http-500":
        fake_vnpay.answer = lambda body: (500, b"Internal Server Error")
    elif trouble == "not-json":
        fake_vnpay.answer = lambda body: (200, b"<html>maintenance</html>")
    elif trouble == "timeout":
        settings.VNPAY_API_TIMEOUT = 0.5
        fake_vnpay.delay = 2
        fake_vnpay.answer = lambda body: query_answer(body, amount=500000)
    elif trouble == "refused":
        settings.VNPAY_API_URL = _closed_port_url()
    else:
        settings.VNPAY_API_URL = "file:///etc/passwd"
    with pytest.raises(GatewayError) as info:
        get_gateway("vnpay").query_transaction(vnpay_payment)
    assert info.value.message.startswith(expected)
    assert info.value.message.endswith("Khoản thanh toán chưa thay đổi gì; vui lòng thử lại sau.")

    counts = services.reconcile_pending()
    assert counts["errors"] == 1
    assert _reload(vnpay_payment).status == PaymentStatus.PENDING
    assert PaymentEvent.objects.get(payment=vnpay_payment, kind="query").data["message"].startswith(expected)


# --- refund over HTTP -------------------------------------------------------------------------------------------------
def test_refund_through_vnpay(fake_vnpay, paid_vnpay_payment, world):
    fake_vnpay.answer = lambda body: refund_answer(body)
    payment = services.refund(paid_vnpay_payment, world.one_stop, "Hồ sơ bị từ chối sau khi nộp phí.")
    body = fake_vnpay.requests[0]["body"]
    assert body["vnp_Command"] == "refund" and body["vnp_TransactionType"] == "02"
    assert body["vnp_Amount"] == "50000000" and body["vnp_TransactionNo"] == "14422574"
    assert body["vnp_CreateBy"] == world.one_stop.username
    assert body["vnp_OrderInfo"].isascii() and "Ho so bi tu choi sau khi nop phi." in body["vnp_OrderInfo"]
    assert fake_vnpay.bad_checksums == []
    assert payment.status == PaymentStatus.REFUNDED and payment.refunded_amount == 500000
    assert not payment.refund_in_flight
    event = PaymentEvent.objects.get(payment=payment, kind="refund", result="refunded")
    assert event.data["reference"] == "14500001" and event.actor == world.one_stop


def test_partial_refund_through_vnpay(fake_vnpay, paid_vnpay_payment, world):
    fake_vnpay.answer = lambda body: refund_answer(body)
    payment = services.refund(paid_vnpay_payment, world.one_stop, "Thu thừa.", amount=150000)
    assert fake_vnpay.requests[0]["body"]["vnp_TransactionType"] == "03"
    assert fake_vnpay.requests[0]["body"]["vnp_Amount"] == "15000000"
    assert payment.status == PaymentStatus.PAID and payment.refunded_amount == 150000
    assert payment.refundable_amount == 350000


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (lambda body: refund_answer(body, code="94"), "đã được gửi trước đó"),
        (lambda body: refund_answer(body, code="16"), "không thể hoàn tiền trong khoảng thời gian này"),
    ],
    ids=["already-requested", "not-now"],
)
def test_a_refund_refused_by_vnpay_changes_nothing_and_is_logged(fake_vnpay, paid_vnpay_payment, world, answer, shown):
    fake_vnpay.answer = answer
    with pytest.raises(services.PaymentError) as info:
        services.refund(paid_vnpay_payment, world.one_stop, "Nộp trùng.")
    assert shown in info.value.message
    payment = _reload(paid_vnpay_payment)
    assert payment.status == PaymentStatus.PAID and payment.refunded_amount == 0 and payment.refunded_at is None
    assert not payment.refund_in_flight and payment.refundable_amount == 500000  # a definite "no": may retry
    event = PaymentEvent.objects.get(payment=payment, kind="refund", result="refused")
    assert shown in event.data["message"] and event.actor == world.one_stop


def test_staff_query_button_shows_network_errors(client, fake_vnpay, vnpay_payment, world, settings):
    settings.VNPAY_API_URL = _closed_port_url()
    client.force_login(world.one_stop)
    page = client.get(f"/admin/ho-so/{vnpay_payment.dossier_id}/").content.decode()
    assert "Tra soát với cổng thanh toán" in page
    response = client.post(f"/admin/thanh-toan/{vnpay_payment.pk}/tra-soat/", follow=True)
    assert "Không kết nối được tới cổng thanh toán để tra soát giao dịch (lỗi mạng)." in response.content.decode()
    assert _reload(vnpay_payment).status == PaymentStatus.PENDING

    settings.VNPAY_API_URL = fake_vnpay.url
    fake_vnpay.answer = lambda body: query_answer(body, amount=500000)
    response = client.post(f"/admin/thanh-toan/{vnpay_payment.pk}/tra-soat/", follow=True)
    assert "Kết quả tra soát: “Đã thanh toán”." in response.content.decode()
    assert _reload(vnpay_payment).status == PaymentStatus.PAID
    # Paid now: nothing left to query.
    response = client.post(f"/admin/thanh-toan/{vnpay_payment.pk}/tra-soat/", follow=True)
    assert "Chỉ tra soát được khoản đang chờ thanh toán" in response.content.decode()


def test_reconciliation_stops_asking_an_unreachable_gateway(fake_vnpay, vnpay_payment, world):

    other = services.request_fee(dossier_at(Status.RECEIVED, world), world.one_stop, amount=100000)
    Payment.objects.filter(pk=other.pk).update(gateway="vnpay", started_at=timezone.now() - timedelta(minutes=30))
    fake_vnpay.answer = lambda body: (502, b"Bad Gateway")
    counts = services.reconcile_pending()
    assert counts["errors"] == 1 and len(fake_vnpay.requests) == 1  # not 200 timeouts in a row
    assert Payment.objects.filter(status=PaymentStatus.PENDING).count() == 2
    # The next run asks again.
    fake_vnpay.answer = lambda body: query_answer(
        body, amount=100000 if body["vnp_TxnRef"] == other.txn_ref else 500000
    )
    assert services.reconcile_pending()["applied"] == 2
