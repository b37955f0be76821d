"""What happens when the gateway's answer is broken or never comes: a broken HTTP answer is a clear gateway error (not
a 500, not a stopped reconciliation); a refund whose outcome is unknown stays reserved ("Đang chờ kết quả hoàn tiền")
until a query or an officer settles it; no row is locked while the gateway is called."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.test import RequestFactory
from django.utils import timezone

from skhcn.dossiers.constants import Status
from skhcn.dossiers.models import Dossier
from skhcn.dossiers.tests.workflow_support import dossier_at
from skhcn.payments import services
from skhcn.payments.gateways import GatewayError, GatewayUnavailable, get_gateway
from skhcn.payments.gateways import sandbox as sandbox_gateway
from skhcn.payments.gateways.base import UNCHANGED
from skhcn.payments.gateways.vnpay import VNPayGateway
from skhcn.payments.models import Payment, PaymentEvent, PaymentStatus, SandboxTransaction

from .fake_vnpay import query_answer, refund_answer
from .test_refunds import pay
from .test_vnpay_api import _closed_port_url, _reload, fake_vnpay, paid_vnpay_payment, vnpay_payment  # noqa: F401

BROKEN = {
    "bad-status-line": b"NOT-HTTP garbage\r\n\r\n",
    "incomplete-read": b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n{"vnp_Res',
    "line-too-long": b"HTTP/1.1 200 OK\r\nX-Junk: " + b"x" * 70000 + b"\r\n\r\n{}",
}


@pytest.fixture
def paid(client, payment):
    assert pay(client, payment)["RspCode"] == "00"
    return payment


def _results(payment, kind="refund"):
    return [e.result for e in PaymentEvent.objects.filter(payment=payment, kind=kind)]


# --- 1. a broken HTTP answer (http.client.HTTPException) --------------------------------------------------------------
@pytest.mark.parametrize("broken", list(BROKEN))
def test_a_broken_http_answer_is_a_gateway_error_and_reconciliation_goes_on(fake_vnpay, vnpay_payment, broken):  # noqa: F811
    fake_vnpay.answer = lambda body: BROKEN[broken]
    with pytest.raises(GatewayUnavailable) as info:
        get_gateway("vnpay").query_transaction(vnpay_payment)
    assert info.value.message.startswith("Phản hồi HTTP của cổng thanh toán khi tra soát giao dịch bị lỗi")
    counts = services.reconcile_pending()
    assert counts["errors"] == 1
    assert _reload(vnpay_payment).status == PaymentStatus.PENDING
    event = PaymentEvent.objects.get(payment=vnpay_payment, kind="query")
    assert event.result == "error" and "bị lỗi hoặc không trọn vẹn" in event.data["message"]


def test_staff_pages_do_not_fail_on_a_broken_answer(client, fake_vnpay, paid_vnpay_payment, world):  # noqa: F811
    fake_vnpay.answer = lambda body: BROKEN["bad-status-line"]
    client.force_login(world.one_stop)
    response = client.post(
        f"/admin/thanh-toan/{paid_vnpay_payment.pk}/hoan-tien/", {"ly_do": "Nộp trùng."}, follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert services.REFUND_UNKNOWN in text and "bị lỗi hoặc không trọn vẹn" in text
    payment = _reload(paid_vnpay_payment)
    assert payment.status == PaymentStatus.PAID and payment.refund_in_flight_amount == 500000
    assert _results(payment) == ["requested", "unknown"]
    # Querying it meets the same broken answer: a message, not a 500, and the refund still waits.
    response = client.post(f"/admin/thanh-toan/{payment.pk}/tra-soat/", follow=True)
    assert response.status_code == 200 and "Khoản này vẫn chờ kết quả hoàn tiền." in response.content.decode()
    assert _reload(payment).refund_in_flight


def test_one_failing_payment_does_not_stop_reconciliation(fake_vnpay, vnpay_payment, world, monkeypatch):  # noqa: F811
    """The oldest pending payment is asked first on every run: an unexpected error there must not block the rest."""
    from datetime import timedelta

    other = services.request_fee(dossier_at(Status.RECEIVED, world), world.one_stop, amount=100000)
    Payment.objects.filter(pk=other.pk).update(gateway="vnpay", started_at=timezone.now() - timedelta(minutes=16))
    original = VNPayGateway.query_transaction

    def query(self, payment):
        if payment.pk == vnpay_payment.pk:
            raise KeyError("vnp_TransactionStatus")  # a bug, not a GatewayError
        return original(self, payment)

    monkeypatch.setattr(VNPayGateway, "query_transaction", query)
    fake_vnpay.answer = lambda body: query_answer(body, amount=100000)
    counts = services.reconcile_pending()
    assert counts["errors"] == 1 and counts["applied"] == 1
    assert _reload(other).status == PaymentStatus.PAID
    assert _reload(vnpay_payment).status == PaymentStatus.PENDING
    assert PaymentEvent.objects.get(payment=vnpay_payment, kind="query").result == "error"


# --- 2. refunds with an unknown outcome -------------------------------------------------------------------------------
@pytest.mark.parametrize("trouble", ["timeout", "http-503", "tampered", "broken"])
def test_a_refund_with_unknown_outcome_stays_reserved_and_blocks_new_refunds(
    fake_vnpay,  # noqa: F811
    paid_vnpay_payment,  # noqa: F811
    world,
    settings,
    trouble,
):
    if trouble == "timeout":
        settings.VNPAY_API_TIMEOUT = 0.5
        fake_vnpay.delay = 2
        fake_vnpay.answer = lambda body: refund_answer(body)  # VNPay refunds, but the answer comes too late
    elif trouble == "http-503":
        fake_vnpay.answer = lambda body: (503, b"")
    elif trouble == "tampered":
        fake_vnpay.answer = lambda body: {**refund_answer(body), "vnp_Amount": "1"}
    else:
        fake_vnpay.answer = lambda body: BROKEN["incomplete-read"]
    with pytest.raises(services.PaymentError) as info:
        services.refund(paid_vnpay_payment, world.one_stop, "Nộp trùng.", amount=200000)
    assert info.value.message.endswith(services.REFUND_UNKNOWN)
    assert UNCHANGED not in info.value.message  # never "nothing changed" when VNPay may have refunded
    payment = _reload(paid_vnpay_payment)
    assert payment.status == PaymentStatus.PAID and payment.refunded_amount == 0
    assert payment.refund_in_flight and payment.refund_in_flight_amount == 200000
    assert payment.refund_in_flight_reason == "Nộp trùng." and payment.refundable_amount == 0
    assert _results(payment) == ["requested", "unknown"]
    # No new refund while the outcome is unknown (even a small one that would fit).
    with pytest.raises(services.PaymentError) as info:
        services.refund(payment, world.one_stop, "Thử lại.", amount=1000)
    assert info.value.message.startswith("Đang chờ kết quả hoàn tiền 200.000 đồng")
    assert len(fake_vnpay.requests) == 1 and _results(payment) == ["requested", "unknown"]


def test_a_refund_that_never_left_changes_nothing(fake_vnpay, paid_vnpay_payment, world, settings):  # noqa: F811
    settings.VNPAY_API_URL = _closed_port_url()  # connection refused: VNPay never saw it
    with pytest.raises(services.PaymentError) as info:
        services.refund(paid_vnpay_payment, world.one_stop, "Nộp trùng.")
    assert info.value.message.endswith(UNCHANGED)
    payment = _reload(paid_vnpay_payment)
    assert not payment.refund_in_flight and payment.refundable_amount == 500000
    assert _results(payment) == ["requested", "error"]


@pytest.mark.parametrize(
    ("kind", "status", "expected"),
    [
        ("02", "05", "refunded"),  # VNPay is processing the refund
        ("02", "00", "refunded"),
        ("02", "09", "not_refunded"),  # VNPay refused it
        ("01", "00", "undecided"),  # only the payment: staff check and confirm
        ("03", "05", "undecided"),  # a partial refund, not the full one that was sent
    ],
)
def test_a_query_settles_an_unknown_refund_when_the_answer_is_clear(
    client,
    fake_vnpay,  # noqa: F811
    paid_vnpay_payment,  # noqa: F811
    world,
    kind,
    status,
    expected,
):
    fake_vnpay.answer = lambda body: (503, b"")
    with pytest.raises(services.PaymentError):
        services.refund(paid_vnpay_payment, world.one_stop, "Nộp trùng.")
    fake_vnpay.answer = lambda body: query_answer(body, amount=500000, kind=kind, status=status)
    client.force_login(world.one_stop)
    page = client.get(f"/admin/ho-so/{paid_vnpay_payment.dossier_id}/").content.decode()
    assert "Tra soát với cổng thanh toán" in page
    text = client.post(f"/admin/thanh-toan/{paid_vnpay_payment.pk}/tra-soat/", follow=True).content.decode()
    payment = _reload(paid_vnpay_payment)
    assert fake_vnpay.requests[-1]["body"]["vnp_Command"] == "querydr"
    if expected == "refunded":
        assert "Cổng thanh toán xác nhận đã hoàn tiền" in text
        assert payment.status == PaymentStatus.REFUNDED and payment.refunded_amount == 500000
        assert not payment.refund_in_flight and payment.refunded_at is not None
        assert _results(payment) == ["requested", "unknown", "refunded"]
    elif expected == "not_refunded":
        assert "bị từ chối" in text
        assert payment.status == PaymentStatus.PAID and payment.refundable_amount == 500000
        assert _results(payment) == ["requested", "unknown", "not_refunded"]
    else:
        assert "Cổng thanh toán chưa cho thấy rõ kết quả" in text and f"loại giao dịch {kind}" in text
        assert payment.refund_in_flight and payment.refunded_amount == 0
        assert _results(payment) == ["requested", "unknown"]
    assert _results(payment, "query") == [
        f"refund_{'done' if expected == 'refunded' else expected}".replace("refund_not_refunded", "refund_refused")
    ]


def test_sandbox_refund_whose_answer_was_lost_is_found_by_a_query(client, paid, world, monkeypatch):
    """The sandbox "bank" refunds but its answer is lost; the query then shows the refund (type 02, status 05)."""
    original = sandbox_gateway.SandboxGateway.call_api

    def lose_refund_answer(self, body):
        answer = original(self, body)
        if body["vnp_Command"] == "refund":
            raise GatewayUnavailable("Cổng thanh toán không trả lời trong 20 giây khi hoàn tiền. " + UNCHANGED)
        return answer

    monkeypatch.setattr(sandbox_gateway.SandboxGateway, "call_api", lose_refund_answer)
    client.force_login(world.one_stop)
    text = client.post(f"/admin/thanh-toan/{paid.pk}/hoan-tien/", {"ly_do": "Nộp trùng."}, follow=True)
    text = text.content.decode()
    assert "Cổng thanh toán không trả lời trong 20 giây khi hoàn tiền. " + services.REFUND_UNKNOWN in text
    assert SandboxTransaction.objects.get().refunded_amount == 500000  # it did happen at the "bank"
    paid.refresh_from_db()
    assert paid.refund_in_flight and paid.status == PaymentStatus.PAID

    # Shown on the dossier page: the refund form gives way to "query" and "confirm".
    page = client.get(f"/admin/ho-so/{paid.dossier_id}/").content.decode()
    assert "data-refund-in-flight" in page and "Đang chờ kết quả hoàn tiền 500.000 đồng" in page
    assert "data-refund-form" not in page and "Xác nhận kết quả hoàn tiền" in page
    assert "Tra soát với cổng thanh toán" in page
    listing = client.get("/admin/thanh-toan/?loc=cho-ket-qua-hoan-tien").content.decode()
    assert paid.txn_ref in listing and "Đang chờ kết quả hoàn tiền" in listing

    text = client.post(f"/admin/thanh-toan/{paid.pk}/tra-soat/", follow=True).content.decode()
    assert "Cổng thanh toán xác nhận đã hoàn tiền: “Đã hoàn tiền”, đã hoàn 500.000 đồng." in text
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.REFUNDED and not paid.refund_in_flight
    assert "Hoàn tiền 500.000 đồng" in paid.note and "Nộp trùng." in paid.note
    assert "data-refund-in-flight" not in client.get(f"/admin/ho-so/{paid.dossier_id}/").content.decode()


def test_staff_confirm_the_outcome_of_a_refund(client, paid, world, monkeypatch):
    monkeypatch.setattr(
        sandbox_gateway.SandboxGateway,
        "refund",
        lambda self, *args, **kwargs: (_ for _ in ()).throw(GatewayError("Phản hồi không có chữ ký hợp lệ.")),
    )
    with pytest.raises(services.PaymentError):
        services.refund(paid, world.one_stop, "Thu thừa.", amount=100000)
    url = f"/admin/thanh-toan/{paid.pk}/xac-nhan-hoan-tien/"
    client.force_login(world.one_stop)
    text = client.post(url, {"ket_qua": "da-hoan", "ly_do": " "}, follow=True).content.decode()
    assert "Vui lòng nhập căn cứ xác nhận kết quả hoàn tiền." in text
    text = client.post(url, {"ket_qua": "co-le", "ly_do": "x"}, follow=True).content.decode()
    assert "Vui lòng chọn kết quả" in text
    with pytest.raises(services.PaymentError):
        services.confirm_refund(paid, world.specialist, refunded=True, reason="x")
    paid.refresh_from_db()
    assert paid.refund_in_flight
    listing = client.get("/admin/thanh-toan/", {"loc": "cho-ket-qua-hoan-tien"}).content.decode()
    assert "— đang chờ kết quả hoàn tiền 100.000 đồng" in listing and paid.txn_ref in listing
    client.force_login(paid.dossier.applicant)
    own_page = client.get(f"/dich-vu-cong/ho-so/{paid.dossier_id}/").content.decode()
    assert "Đang hoàn trả 100.000 đồng cho Ông/Bà" in own_page
    client.force_login(world.one_stop)

    # Checked on VNPay's merchant portal: not refunded. The refund may then be sent again.
    text = client.post(
        url, {"ket_qua": "chua-hoan", "ly_do": "Cổng VNPay không có giao dịch hoàn."}, follow=True
    ).content.decode()
    assert "chưa hoàn tiền" in text
    paid.refresh_from_db()
    assert not paid.refund_in_flight and paid.refundable_amount == 500000 and paid.refunded_amount == 0
    assert "Cán bộ xác nhận chưa hoàn tiền" in paid.note
    with pytest.raises(services.PaymentError) as info:
        services.confirm_refund(paid, world.one_stop, refunded=True, reason="x")
    assert info.value.message == "Khoản này không có lần hoàn tiền nào đang chờ kết quả."

    with pytest.raises(services.PaymentError):
        services.refund(paid, world.one_stop, "Thu thừa.", amount=100000)
    client.post(url, {"ket_qua": "da-hoan", "ly_do": "Ngân hàng báo đã hoàn 100.000 đồng."})
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.PAID and paid.refunded_amount == 100000 and not paid.refund_in_flight
    assert paid.refundable_amount == 400000
    assert _results(paid) == [
        "requested",
        "unknown",
        "confirmed_not_refunded",
        "requested",
        "unknown",
        "confirmed_refunded",
    ]
    event = PaymentEvent.objects.filter(payment=paid, result="confirmed_refunded").get()
    assert event.actor == world.one_stop and event.data["confirmation"] == "Ngân hàng báo đã hoàn 100.000 đồng."


def test_a_refund_done_at_the_gateway_but_not_saved_leaves_a_trace(paid, world, monkeypatch):
    """The gateway said yes and the local save failed: the reservation and the log keep it, staff confirm it."""

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "_settle_refund", broken)
    with pytest.raises(services.PaymentError) as info:
        services.refund(paid, world.one_stop, "Nộp trùng.")
    assert "Cổng thanh toán đã nhận yêu cầu hoàn 500.000 đồng nhưng hệ thống chưa ghi nhận được" in info.value.message
    assert SandboxTransaction.objects.get().refunded_amount == 500000
    paid.refresh_from_db()
    assert paid.refund_in_flight and paid.refund_in_flight_amount == 500000 and paid.status == PaymentStatus.PAID
    assert _results(paid) == ["requested", "unrecorded refunded"]
    monkeypatch.undo()
    services.confirm_refund(paid, world.one_stop, refunded=True, reason="Cổng đã hoàn (xem nhật ký).")
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.REFUNDED and paid.refunded_amount == 500000


def test_a_second_refund_during_the_first_is_refused(paid, world, monkeypatch):
    """The reservation is committed before the gateway is called: an officer refunding at the same moment is
    refused, so refunds never exceed what was paid."""
    original = sandbox_gateway.SandboxGateway.refund
    seen = []

    def refund_meanwhile(self, payment, amount, reason, created_by=""):
        try:
            services.refund(Payment.objects.get(pk=payment.pk), world.one_stop, "Lần hai.", amount=100000)
        except services.PaymentError as exc:
            seen.append(exc.message)
        return original(self, payment, amount, reason, created_by)

    monkeypatch.setattr(sandbox_gateway.SandboxGateway, "refund", refund_meanwhile)
    services.refund(paid, world.one_stop, "Lần một.", amount=450000)
    assert seen and seen[0].startswith("Đang chờ kết quả hoàn tiền 450.000 đồng")
    paid.refresh_from_db()
    assert paid.refunded_amount == 450000 and paid.refundable_amount == 50000
    assert SandboxTransaction.objects.get().refunded_amount == 450000


def test_the_database_refuses_refunds_beyond_the_payment(paid):
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=paid.pk).update(refunded_amount=300000, refund_in_flight_amount=300000)


# --- 3. locks ---------------------------------------------------------------------------------------------------------
def test_payment_locks_name_only_the_payment_row(paid, payment, world, monkeypatch):
    """``select_for_update(of=("self",))``: with ``select_related("dossier")`` PostgreSQL would lock the dossier row
    too (blocking the workflow and the dossier's notifications)."""
    original = QuerySet.select_for_update
    locks = []

    def spy(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if self.model is Payment:
            locks.append(result)
        return result

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    second = services.request_fee(paid.dossier, world.one_stop, amount=1000, purpose="Phí khác")
    request = RequestFactory().post("/")
    request.user = world.applicant
    locks.clear()
    services.start(second, request, "sandbox")
    services.refund(paid, world.one_stop, "Nộp trùng.")
    assert len(locks) == 3  # start; refund: reserve, settle
    assert all(qs.query.select_for_update_of == ("self",) for qs in locks)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_no_row_is_locked_while_the_gateway_is_asked_to_refund(fake_vnpay, paid_vnpay_payment, world):  # noqa: F811
    """While VNPay handles the refund request, another connection can lock the payment and the dossier at once."""

    seen = []

    def answer(body):  # runs in the fake's own thread, with its own database connection
        from django.db import connection as own

        try:
            with transaction.atomic():
                Payment.objects.select_for_update(nowait=True).get(pk=paid_vnpay_payment.pk)
                Dossier.objects.select_for_update(nowait=True).get(pk=paid_vnpay_payment.dossier_id)
            seen.append("free")
        except DatabaseError as exc:
            seen.append(f"locked: {exc}")
        finally:
            own.close()
        return refund_answer(body)

    fake_vnpay.answer = answer
    done = services.refund(paid_vnpay_payment, world.one_stop, "Nộp trùng.")
    assert seen == ["free"]
    assert done.status == PaymentStatus.REFUNDED
