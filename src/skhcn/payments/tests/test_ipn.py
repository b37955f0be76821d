"""The IPN matrix: only a verified notification for a known order with the exact amount changes a payment, once."""

from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.models import DossierEvent
from skhcn.dossiers.tests.workflow_support import act, dossier_at
from skhcn.payments import services
from skhcn.payments.models import Payment, PaymentEvent, PaymentStatus

from .helpers import gateway_params, send_ipn


def _reload(payment):
    payment.refresh_from_db()
    payment.dossier.refresh_from_db()
    return payment


def test_good_notification_marks_paid_and_starts_the_clock(client, payment):
    dossier = payment.dossier
    assert dossier.status == Status.AWAITING_FEE and dossier.clock_started_at is None
    payment.gateway = "sandbox"
    payment.save()

    assert send_ipn(client, gateway_params(payment)) == {"RspCode": "00", "Message": "Confirm Success"}

    payment = _reload(payment)
    assert payment.status == PaymentStatus.PAID
    assert payment.gateway_transaction_no == "90001234" and payment.bank_code == "NCB"
    assert payment.paid_at is not None and payment.last_notification["vnp_TxnRef"] == payment.txn_ref
    dossier = payment.dossier
    assert dossier.status == Status.RECEIVED
    assert dossier.fee_paid_at is not None and dossier.clock_started_at is not None and dossier.due_at is not None
    event = DossierEvent.objects.get(dossier=dossier, action=Action.RECORD_FEE_PAID)
    assert event.actor is None  # "Hệ thống"
    assert PaymentEvent.objects.filter(payment=payment, kind="notification", verified=True).count() == 1


def test_bad_signature_changes_nothing(client, payment, caplog):
    payment.gateway = "sandbox"
    payment.save()
    events = PaymentEvent.objects.count()
    params = gateway_params(payment)
    params["vnp_SecureHash"] = "0" * 128
    assert send_ipn(client, params) == {"RspCode": "97", "Message": "Fail checksum"}
    forged = gateway_params(payment, secret="not-the-secret")
    assert send_ipn(client, forged)["RspCode"] == "97"
    payment = _reload(payment)
    assert payment.status == PaymentStatus.PENDING and payment.dossier.status == Status.AWAITING_FEE
    # Anyone can send these: refused with a warning in the log, nothing written to the database.
    assert PaymentEvent.objects.count() == events
    refused = [r for r in caplog.records if r.name == "skhcn.payments.refused"]
    assert len(refused) == 2 and all("signature does not match" in r.getMessage() for r in refused)


def test_unknown_order(client, payment):
    payment.gateway = "sandbox"
    payment.save()
    params = gateway_params(payment, vnp_TxnRef="999999999")
    assert send_ipn(client, params) == {"RspCode": "01", "Message": "Order not found"}
    assert _reload(payment).status == PaymentStatus.PENDING


def test_order_of_another_gateway_is_not_found(client, payment):
    payment.gateway = "vnpay"
    payment.save()
    assert send_ipn(client, gateway_params(payment))["RspCode"] == "01"


def test_wrong_amount(client, payment):
    payment.gateway = "sandbox"
    payment.save()
    assert send_ipn(client, gateway_params(payment, amount=payment.amount - 1)) == {
        "RspCode": "04",
        "Message": "Invalid amount",
    }
    payment = _reload(payment)
    assert payment.status == PaymentStatus.PENDING and payment.dossier.status == Status.AWAITING_FEE


def test_replayed_notification_changes_nothing_twice(client, payment):
    payment.gateway = "sandbox"
    payment.save()
    params = gateway_params(payment)
    assert send_ipn(client, params)["RspCode"] == "00"
    first = _reload(payment)
    version, due = first.dossier.version, first.dossier.due_at

    assert send_ipn(client, params) == {"RspCode": "02", "Message": "Order already confirmed"}
    # A different (later, failing) notification for the confirmed order changes nothing either.
    assert send_ipn(client, gateway_params(payment, response="24", status="02"))["RspCode"] == "02"
    again = _reload(payment)
    assert again.status == PaymentStatus.PAID and again.dossier.version == version and again.dossier.due_at == due
    assert DossierEvent.objects.filter(dossier=again.dossier, action=Action.RECORD_FEE_PAID).count() == 1


def test_failed_notification_marks_failed_and_dossier_still_waits(client, payment):
    payment.gateway = "sandbox"
    payment.save()
    assert send_ipn(client, gateway_params(payment, response="51", status="02"))["RspCode"] == "00"
    payment = _reload(payment)
    assert payment.status == PaymentStatus.FAILED and payment.dossier.status == Status.AWAITING_FEE


def test_notification_for_a_withdrawn_dossier_flags_a_refund(client, payment, world):

    payment.gateway = "sandbox"
    payment.save()
    act(payment.dossier, Action.WITHDRAW, world.applicant, world=world, comment="Không cần nữa.")
    assert send_ipn(client, gateway_params(payment))["RspCode"] == "00"
    payment = _reload(payment)
    assert payment.status == PaymentStatus.PAID and payment.refund_needed
    assert "hoàn tiền" in payment.note
    assert payment.dossier.status == Status.WITHDRAWN and payment.dossier.fee_paid_at is None


def test_paid_for_a_dossier_whose_clock_already_runs_changes_no_state(client, world):

    dossier = dossier_at(Status.RECEIVED, world)
    payment = services.request_fee(dossier, world.one_stop, amount=200000)
    payment.gateway = "sandbox"
    payment.save()
    version = dossier.version
    assert send_ipn(client, gateway_params(payment))["RspCode"] == "00"
    payment = _reload(payment)
    assert payment.status == PaymentStatus.PAID and not payment.refund_needed
    assert payment.dossier.version == version


def test_unexpected_error_replies_99(client, payment, monkeypatch):
    payment.gateway = "sandbox"
    payment.save()

    def boom(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(services, "_apply", boom)
    assert send_ipn(client, gateway_params(payment)) == {"RspCode": "99", "Message": "Unknown error"}
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_payment_events_are_append_only(payment):
    import pytest

    event = PaymentEvent.objects.filter(payment=payment).first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
