import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from skhcn.delivery.services import paper_applicant_account
from skhcn.dossiers import notify, workflow
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.tests.workflow_support import act, dossier_at, submitted_dossier
from skhcn.notifications import sending, services, tasks
from skhcn.notifications.constants import MAX_ATTEMPTS, Channel, DeliveryStatus, Event
from skhcn.notifications.models import ChannelPreference, Delivery, Notification, NotificationTemplate, SandboxSms

from .factories import DeliveryFactory, NotificationFactory


def receive(dossier, world):
    return workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)


def test_default_channels_are_account_and_email(world, clock, django_capture_on_commit_callbacks):
    dossier = submitted_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        receive(dossier, world)
    notification = Notification.objects.get(dossier=dossier, event=Event.RECEIVED)
    assert notification.user == world.applicant and notification.show_in_account
    assert notification.title == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "Ngày hẹn trả kết quả: 23/03/2026" in notification.body
    assert [d.channel for d in notification.deliveries.all()] == [Channel.EMAIL]
    assert notification.deliveries.get().status == DeliveryStatus.SENT
    assert mail.outbox[-1].attachments[0][0].endswith(".pdf")
    assert SandboxSms.objects.count() == 0  # SMS is opt-in


def test_applicant_chooses_sms_and_no_email(world, clock, django_capture_on_commit_callbacks):
    ChannelPreference.objects.create(user=world.applicant, email=False, sms=True)
    dossier = submitted_dossier(world, applicant_phone="+84 912 345 678")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        receive(dossier, world)
    assert mail.outbox == []
    text = SandboxSms.objects.get()
    assert text.phone == "0912345678"
    assert text.text == f"Hồ sơ {dossier.code} đã được tiếp nhận, hẹn trả ngày 23/03/2026."
    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert delivery.status == DeliveryStatus.SENT and delivery.provider_message_id.startswith("sandbox-")


def test_sms_switched_off_sends_none(world, clock, settings, django_capture_on_commit_callbacks):
    settings.SMS_PROVIDER = ""
    ChannelPreference.objects.create(user=world.applicant, email=True, sms=True)
    dossier = submitted_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        receive(dossier, world)
    assert not Delivery.objects.filter(channel=Channel.SMS).exists()


def test_a_landline_is_a_permanent_sms_failure(world, clock, django_capture_on_commit_callbacks):
    ChannelPreference.objects.create(user=world.applicant, email=False, sms=True)
    dossier = submitted_dossier(world, applicant_phone="0206 3852 123")
    with django_capture_on_commit_callbacks(execute=True):
        receive(dossier, world)
    delivery = Delivery.objects.get(channel=Channel.SMS)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert delivery.last_error == "Số điện thoại không phải số di động Việt Nam hợp lệ."
    assert SandboxSms.objects.count() == 0


def test_paper_dossier_is_told_by_email_and_sms_without_an_account(world, clock, django_capture_on_commit_callbacks):

    dossier = submitted_dossier(world, applicant=paper_applicant_account(), applicant_email="")
    with django_capture_on_commit_callbacks(execute=True):
        receive(dossier, world)
    notification = Notification.objects.get(dossier=dossier)
    assert notification.user is None and not notification.show_in_account
    assert [d.channel for d in notification.deliveries.all()] == [Channel.SMS]


def test_edited_template_is_used_and_frozen_in_the_message(world, clock, django_capture_on_commit_callbacks):
    NotificationTemplate.objects.create(
        event=Event.RECEIVED, subject="Đã nhận {ma_ho_so}", body="Chào {nguoi_nop}. Hẹn {ngay_hen_tra}.", sms=""
    )
    dossier = submitted_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        receive(dossier, world)
    message = mail.outbox[-1]
    assert message.subject == f"Đã nhận {dossier.code}"
    assert message.body == "Chào Nguyễn Văn An. Hẹn 23/03/2026."
    NotificationTemplate.objects.filter(event=Event.RECEIVED).update(subject="Khác")
    assert Delivery.objects.get().subject == f"Đã nhận {dossier.code}"


def test_channel_switches_on_the_template(world, clock, django_capture_on_commit_callbacks):
    NotificationTemplate.objects.create(
        event=Event.RECEIVED, subject="S", body="B", sms="", send_email=False, send_web=False
    )
    dossier = submitted_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        receive(dossier, world)
    assert not Notification.objects.filter(event=Event.RECEIVED).exists()


def test_every_applicant_event_of_the_lifecycle(world, clock, django_capture_on_commit_callbacks):
    """Walk a dossier to the end: each event the applicant cares about leaves one notification in the account."""
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_at(Status.RESULT_ISSUED, world)
        act(dossier, Action.RETURN_RESULT, world=world)
    events = list(Notification.objects.filter(user=world.applicant).order_by("pk").values_list("event", flat=True))
    assert events == [Event.RECEIVED, Event.RESULT_READY, Event.RESULT_RETURNED]
    assert Notification.objects.filter(user=world.specialist, event=Event.ASSIGNED).count() == 1


def test_assignee_is_told_but_not_when_taking_it_themselves(world, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_at(Status.ASSIGNED, world)
    told = Notification.objects.get(user=world.specialist, event=Event.ASSIGNED)
    assert told.title == f"Được phân công xử lý hồ sơ {dossier.code}"
    assert told.link == f"/admin/ho-so/{dossier.pk}/"
    assert mail.outbox[-1].to == [world.specialist.email]
    assert f"https://dichvucong.example.vn/admin/ho-so/{dossier.pk}/" in mail.outbox[-1].body


# --- sending and retries ---
def _outage(*args, **kwargs):
    raise ConnectionRefusedError(111, "Connection refused")


def test_outage_is_retried_with_growing_delays_then_fails(clock, db):
    delivery = DeliveryFactory(next_attempt_at=timezone.now())
    delays = []
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=_outage):
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert sending.send(delivery.pk) in (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
            delivery.refresh_from_db()
            assert delivery.attempts == attempt
            if delivery.status == DeliveryStatus.PENDING:
                assert sending.send(delivery.pk) == "skipped"  # not due yet
                delays.append(delivery.next_attempt_at - timezone.now())
                clock.moment = delivery.next_attempt_at
    assert delivery.status == DeliveryStatus.FAILED
    assert delays == [timedelta(minutes=m) for m in (1, 5, 30, 120, 360)]
    assert "Không kết nối được máy chủ thư (ConnectionRefusedError)" in delivery.last_error


def test_refused_recipient_fails_at_once(db):
    delivery = DeliveryFactory(next_attempt_at=timezone.now())
    refused = smtplib.SMTPRecipientsRefused({"x@example.vn": (550, b"5.1.1 No such user")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        assert sending.send(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.last_error == "Máy chủ thư từ chối địa chỉ người nhận (550 5.1.1 No such user)."


@pytest.mark.parametrize(("code", "status"), [(451, DeliveryStatus.PENDING), (554, DeliveryStatus.FAILED)])
def test_smtp_reply_codes(db, code, status):
    delivery = DeliveryFactory(next_attempt_at=timezone.now())
    error = smtplib.SMTPDataError(code, b"try later" if code < 500 else b"rejected")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=error):
        assert sending.send(delivery.pk) == status


def test_unexpected_error_is_logged_and_retried(db, caplog):
    delivery = DeliveryFactory(next_attempt_at=timezone.now())
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=KeyError("bug")):
        assert sending.send(delivery.pk) == DeliveryStatus.PENDING
    assert "failed unexpectedly" in caplog.text


def test_a_sent_message_is_never_sent_twice(db):
    delivery = DeliveryFactory(next_attempt_at=timezone.now())
    assert sending.send(delivery.pk) == DeliveryStatus.SENT
    assert sending.send(delivery.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_scheduler_sweep(clock, db):
    now = timezone.now()
    due = DeliveryFactory(next_attempt_at=now - timedelta(minutes=1), queued_at=None, attempts=1)
    fresh = DeliveryFactory(next_attempt_at=now, queued_at=now)  # queued moments ago: a worker will take it
    lost = DeliveryFactory(next_attempt_at=now, queued_at=now - timedelta(minutes=11))
    stuck = DeliveryFactory(status=DeliveryStatus.SENDING, claimed_at=now - timedelta(minutes=16), attempts=1)
    later = DeliveryFactory(next_attempt_at=now + timedelta(minutes=5), queued_at=None, attempts=1)
    assert tasks.requeue_due() == 3
    statuses = {d.pk: Delivery.objects.get(pk=d.pk).status for d in (due, fresh, lost, stuck, later)}
    assert statuses == {
        due.pk: DeliveryStatus.SENT,
        fresh.pk: DeliveryStatus.PENDING,
        lost.pk: DeliveryStatus.SENT,
        stuck.pk: DeliveryStatus.SENT,
        later.pk: DeliveryStatus.PENDING,
    }


def test_resend_only_failed(db, django_capture_on_commit_callbacks):
    failed = DeliveryFactory(status=DeliveryStatus.FAILED, attempts=6, last_error="550")
    sent = DeliveryFactory(status=DeliveryStatus.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(failed)
        services.resend(sent)
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT and failed.attempts == 1
    assert len(mail.outbox) == 1


def test_inbox_read_state(db):

    mine = NotificationFactory()
    other = NotificationFactory()
    assert services.unread_count(mine.user) == 1 and services.has_unread(mine.user)
    assert services.mark_read(mine.user, [other.pk]) == 0  # someone else's id changes nothing
    assert services.mark_read(mine.user) == 1
    assert services.unread_count(mine.user) == 0 and services.unread_count(other.user) == 1


def test_a_template_saved_without_validation_falls_back_to_the_default(world, clock, caplog):
    NotificationTemplate.objects.create(event=Event.RECEIVED, subject="{nguoi_nop.__class__}", body="{x:>999999999}")
    dossier = submitted_dossier(world)
    receive(dossier, world)
    notification = Notification.objects.get(dossier=dossier, event=Event.RECEIVED)
    assert notification.title == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "is invalid" in caplog.text


def test_failure_while_building_values_never_undoes_the_change(world, clock, monkeypatch, caplog):
    def broken(dossier):
        raise RuntimeError("lookup failed")

    monkeypatch.setattr(notify, "applicant_values", broken)
    dossier = submitted_dossier(world)
    dossier = receive(dossier, world)
    assert dossier.status == Status.RECEIVED and not Notification.objects.filter(dossier=dossier).exists()
    assert "could not be recorded" in caplog.text
    assert notify.workflow_event(dossier.events.latest("pk"), Event.RECEIVED) is None


def test_a_stalled_worker_does_not_overwrite_a_newer_claim(clock, db):
    delivery = DeliveryFactory(next_attempt_at=timezone.now())

    def stall_then_send(message):
        # While this worker hangs, the scheduler hands the message to another worker, which sends it.
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SENT, claimed_at=None)
        raise ConnectionRefusedError(111, "Connection refused")

    with mock.patch("django.core.mail.EmailMultiAlternatives.send", autospec=True, side_effect=stall_then_send):
        sending.send(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT  # not turned back to "pending" by the stalled worker
