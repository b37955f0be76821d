"""Notifications: one event → one ``Notification`` per person (shown in their account) and one ``Delivery`` per
e-mail / SMS, rendered from the event's template at that moment and sent by a background task with retries.

Callers invoke ``notify_applicant`` / ``notify_staff`` inside the transaction of the change they report, so the
notification commits with the change or not at all. A broken template or a database hiccup here is logged and
swallowed in a savepoint: it never rolls back the dossier change. Sending happens after commit (``send``), and a
failed send only marks the delivery for a retry or as failed — visible to staff on the dossier page.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid
from functools import wraps

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import sms, templating
from .constants import (
    MAX_ATTEMPTS,
    RETRY_DELAYS_MINUTES,
    Attachment,
    Channel,
    DeliveryStatus,
)
from .models import ChannelPreference, Delivery, Notification, NotificationTemplate

logger = logging.getLogger(__name__)


# --- templates ---
def template_for(event: str) -> NotificationTemplate:
    """The edited template, or an unsaved one holding the default texts."""
    found = NotificationTemplate.objects.filter(event=event).first()
    if found is not None:
        return found
    default = templating.DEFAULTS[event]
    return NotificationTemplate(event=event, subject=default.subject, body=default.body, sms=default.sms)


def usable_template(event: str) -> NotificationTemplate:
    """``template_for``, checked again at use: a row saved without validation (shell, data migration) that names
    unknown variables or uses attribute access falls back to the built-in texts."""
    template = template_for(event)
    try:
        for text in (template.subject, template.body, template.sms):
            templating.validate(event, text)
    except templating.TemplateError as error:
        logger.warning("Template of %s is invalid (%s): the default texts are used", event, error.message)
        default = templating.DEFAULTS[event]
        template.subject, template.body, template.sms = default.subject, default.body, default.sms
    return template


# --- who wants what ---
def preference_for(user) -> ChannelPreference:
    if user is None or not user.pk:
        return ChannelPreference(email=True, sms=False)
    return ChannelPreference.objects.filter(user=user).first() or ChannelPreference(user=user)


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def applicant_values(dossier) -> dict[str, str]:
    from skhcn.dossiers.receipt import local_date, tracking_url

    return {
        "co_quan": settings.AGENCY_NAME,
        "ma_ho_so": dossier.code or "",
        "thu_tuc": dossier.procedure.name,
        "ma_thu_tuc": dossier.procedure.code,
        "nguoi_nop": dossier.applicant_name,
        "trang_ho_so": base_url() + reverse("dossiers:edit", kwargs={"pk": dossier.pk}),
        "tra_cuu": tracking_url(dossier.code) if dossier.code else "",
        "ngay_hen_tra": local_date(dossier.due_at or dossier.expected_return_at),
    }


def guarded(func):
    """Run ``func`` in a savepoint and swallow (log) any failure: telling people about a change must never undo or
    break the change itself. On PostgreSQL the caller's transaction stays usable after a failed savepoint, and the
    ``on_commit`` callbacks registered inside it are dropped with it."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except Exception:
            logger.exception("Notification by %s could not be recorded", func.__qualname__)
            return None

    return wrapper


@guarded
def notify_applicant(dossier, event: str, values: dict | None = None, *, attachment: str = "") -> Notification | None:
    """Tell the applicant of ``dossier`` about ``event``: in their account, and by e-mail / SMS as they chose. A
    dossier filed on paper has no usable account: it is told by e-mail and SMS to the contacts on the dossier."""
    user = dossier.applicant if dossier.applicant.is_active else None
    preference = preference_for(user)
    if user is None:
        preference.sms = settings.SMS_WITHOUT_ACCOUNT
    return _notify(
        event,
        user=user,
        dossier=dossier,
        values={**applicant_values(dossier), **(values or {})},
        link=reverse("dossiers:edit", kwargs={"pk": dossier.pk}),
        email=dossier.applicant_email if preference.email else "",
        phone=dossier.applicant_phone if preference.sms else "",
        attachment=attachment,
    )


@guarded
def notify_staff(user, event: str, values: dict, *, link: str = "", dossier=None) -> Notification | None:
    """Tell a staff member (in the admin's "Thông báo" and by e-mail if they keep it on). Staff get no SMS."""
    if user is None or not user.is_active:
        return None
    from skhcn.accounts.staff import staff_profile

    profile = staff_profile(user)
    values = {
        "co_quan": settings.AGENCY_NAME,
        "can_bo": (profile.full_name if profile else "") or user.get_username(),
        **values,
    }
    preference = preference_for(user)
    return _notify(
        event,
        user=user,
        dossier=dossier,
        values=values,
        link=link,
        email=user.email if preference.email else "",
        phone="",
    )


def _notify(event, *, user, dossier, values, link, email, phone, attachment="") -> Notification | None:
    """Record the notification and its deliveries (callers are ``guarded``); queue the sending after commit."""
    template = usable_template(event)
    subject = templating.render(template.subject, values)[:255]
    body = templating.render(template.body, values)
    show = bool(user is not None and template.send_web)
    channels = []
    if template.send_email and email:
        channels.append((Channel.EMAIL, email, subject, body, attachment))
    if template.send_sms and template.sms and phone and sms.enabled():
        channels.append((Channel.SMS, phone, "", templating.render(template.sms, values), ""))
    if not show and not channels:
        return None
    notification = Notification.objects.create(
        user=user, dossier=dossier, event=event, title=subject, body=body, link=link, show_in_account=show
    )
    now = timezone.now()
    created = Delivery.objects.bulk_create(
        Delivery(
            notification=notification,
            channel=channel,
            address=address,
            subject=channel_subject,
            body=text,
            attachment=channel_attachment,
            next_attempt_at=now,
            queued_at=now,
        )
        for channel, address, channel_subject, text, channel_attachment in channels
    )
    ids = [delivery.pk for delivery in created]  # PostgreSQL and SQLite 3.35+ return the keys of bulk_create
    if ids:
        transaction.on_commit(lambda: enqueue(ids), robust=True)
    return notification


# --- sending ---
def enqueue(delivery_ids) -> None:
    from .tasks import send_delivery

    for delivery_id in delivery_ids:
        try:
            send_delivery.enqueue(delivery_id)
        except Exception:  # the scheduler queues it again (NOTIFICATION_REQUEUE_AFTER_SECONDS)
            logger.exception("Could not queue notification delivery %s", delivery_id)


class SendFailure(Exception):
    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def send(delivery_id: int) -> str:
    """Send one delivery if it is due and nobody else is sending it; returns its status afterwards ("skipped" when
    another worker had it or it was not due). At least once, not exactly once: a worker that dies after the mail
    server accepted the message, but before recording it, leaves it "sending"; ``requeue_due`` sends it again."""
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .filter(Q(next_attempt_at=None) | Q(next_attempt_at__lte=now))
        .update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("notification__dossier__procedure").get(pk=delivery_id)
    try:
        provider_id = _send_email(delivery) if delivery.channel == Channel.EMAIL else _send_sms(delivery)
    except SendFailure as failure:
        return _failed(delivery, failure.message, permanent=failure.permanent)
    except Exception as error:  # a bug or an unexpected library error: retried like an outage, and logged
        logger.exception("Notification delivery %s failed unexpectedly", delivery_id)
        return _failed(delivery, f"Lỗi không xác định: {type(error).__name__}", permanent=False)
    _ours(delivery).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), last_error="", provider_message_id=provider_id[:100]
    )
    return DeliveryStatus.SENT


def _failed(delivery: Delivery, message: str, *, permanent: bool) -> str:
    message = message[:500]
    if permanent or delivery.attempts >= MAX_ATTEMPTS:
        logger.warning("Notification delivery %s failed for good: %s", delivery.pk, message)
        _ours(delivery).update(status=DeliveryStatus.FAILED, last_error=message)
        return DeliveryStatus.FAILED
    delay = timedelta(minutes=RETRY_DELAYS_MINUTES[delivery.attempts - 1])
    logger.info("Notification delivery %s will be retried in %s: %s", delivery.pk, delay, message)
    _ours(delivery).update(
        status=DeliveryStatus.PENDING, last_error=message, next_attempt_at=timezone.now() + delay, queued_at=None
    )
    return DeliveryStatus.PENDING


def _ours(delivery: Delivery):
    """The delivery while it is still this worker's claim (the scheduler may have handed a stalled one on)."""
    return Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at)


def _send_email(delivery: Delivery) -> str:
    message_id = make_msgid(domain=DNS_NAME)
    message = EmailMultiAlternatives(
        subject=delivery.subject, body=delivery.body, to=[delivery.address], headers={"Message-ID": message_id}
    )
    message.attach_alternative(
        render_to_string("notifications/email.html", {"subject": delivery.subject, "body": delivery.body}),
        "text/html",
    )
    dossier = delivery.notification.dossier
    if delivery.attachment == Attachment.RECEIPT and dossier is not None:
        from skhcn.dossiers.receipt import applicant_receipt

        content, filename = applicant_receipt(dossier)
        message.attach(filename, content, "application/pdf")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        detail = "; ".join(f"{code} {text.decode(errors='replace')}" for code, text in error.recipients.values())
        raise SendFailure(f"Máy chủ thư từ chối địa chỉ người nhận ({detail}).", permanent=True) from None
    except smtplib.SMTPSenderRefused as error:
        raise SendFailure(f"Máy chủ thư từ chối địa chỉ gửi ({error.smtp_code}).", permanent=False) from None
    except smtplib.SMTPResponseException as error:
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        permanent = 500 <= error.smtp_code < 600
        raise SendFailure(f"Máy chủ thư trả lời lỗi {error.smtp_code}: {text}", permanent=permanent) from None
    except (smtplib.SMTPException, OSError) as error:
        raise SendFailure(f"Không kết nối được máy chủ thư ({type(error).__name__}).", permanent=False) from None
    return message_id


def _send_sms(delivery: Delivery) -> str:
    try:
        provider = sms.provider()
        if provider is None:
            raise sms.SmsError("Hệ thống chưa bật gửi SMS.", permanent=True)
        return provider.send(sms.mobile_number(delivery.address), delivery.body)
    except sms.SmsError as error:
        raise SendFailure(error.message, permanent=error.permanent) from None


def requeue_due(now=None, limit: int = 200) -> int:
    """The scheduler's sweep: retries whose time has come, queued messages no worker took, and messages left
    "sending" by a process that died. Returns how many it queued."""
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.NOTIFICATION_STUCK_SENDING_SECONDS)
    lost_before = now - timedelta(seconds=settings.NOTIFICATION_REQUEUE_AFTER_SECONDS)
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=stuck_before).update(
        status=DeliveryStatus.PENDING, next_attempt_at=now, queued_at=None
    )
    due = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .filter(Q(queued_at=None) | Q(queued_at__lt=lost_before))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(due)
    if ids:
        Delivery.objects.filter(pk__in=ids).update(queued_at=now)
        enqueue(ids)
    return len(ids)


def resend(delivery: Delivery) -> None:
    """Staff's "Gửi lại" for a failed message (e.g. after the applicant corrected the address elsewhere)."""
    now = timezone.now()
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, queued_at=now
    )
    if updated:
        transaction.on_commit(lambda: enqueue([delivery.pk]), robust=True)


# --- the inbox ---
def inbox(user):
    return Notification.objects.filter(user=user, show_in_account=True)


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user).filter(read_at=None).count()


def has_unread(user) -> bool:
    return getattr(user, "is_authenticated", False) and inbox(user).filter(read_at=None).exists()


def mark_read(user, notification_ids=None) -> int:
    """Mark the user's notifications read (all when ``notification_ids`` is None); others' ids are ignored."""
    unread = inbox(user).filter(read_at=None)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def staff_dossier_url(dossier) -> str:
    return f"{base_url()}/admin/ho-so/{dossier.pk}/"
