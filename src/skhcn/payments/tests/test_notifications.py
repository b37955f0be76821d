"""The applicant is told when a fee is requested (with the link to pay) and when the gateway confirms it."""

from skhcn.deadlines.calendar import TZ
from skhcn.notifications.constants import Event
from skhcn.notifications.models import Notification
from skhcn.payments import services

from .helpers import gateway_params, send_ipn


def test_fee_request_and_payment_are_notified(client, world, awaiting, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        payment = services.request_fee(awaiting, world.one_stop, amount=500000, purpose="Phí thẩm định")
    requested = Notification.objects.filter(dossier=awaiting, event=Event.FEE_REQUESTED).latest("pk")
    assert requested.user == world.applicant
    assert "Phí thẩm định" in requested.body
    assert f"/thanh-toan/{payment.pk}/thanh-toan/" in mail.outbox[-1].body
    payment.gateway = "sandbox"
    payment.save(update_fields=["gateway"])
    with django_capture_on_commit_callbacks(execute=True):
        assert send_ipn(client, gateway_params(payment, transaction_no="90005555"))["RspCode"] == "00"
    paid = Notification.objects.get(dossier=awaiting, event=Event.FEE_PAID)
    assert "500.000 đồng" in paid.body and "90005555" in paid.body
    awaiting.refresh_from_db()
    assert awaiting.due_at is not None  # the clock started with the payment, and the message gives the date
    assert f"Ngày hẹn trả kết quả: {awaiting.due_at.astimezone(TZ):%d/%m/%Y}" in paid.body
    # A replayed notification changes nothing and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_ipn(client, gateway_params(payment, transaction_no="90005555"))["RspCode"] == "02"
    assert Notification.objects.filter(dossier=awaiting, event=Event.FEE_PAID).count() == 1


def test_refused_fee_request_tells_nobody(world, awaiting):
    import pytest

    before = Notification.objects.count()
    with pytest.raises(services.PaymentError):
        services.request_fee(awaiting, world.one_stop, amount=0)
    with pytest.raises(services.PaymentError):
        services.request_fee(awaiting, world.specialist, amount=1000)
    assert Notification.objects.count() == before
