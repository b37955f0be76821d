"""Sending one delivery (e-mail or SMS) that ``services`` recorded: claimed by one worker, sent, and marked sent,
for a retry or failed. Knows nothing of what the message is about: an attachment is built at send time by the
builder its app registered for the delivery's ``attachment`` kind (``register_attachment``)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta
from email.utils import make_msgid

from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from . import sms
from .constants import MAX_ATTEMPTS, RETRY_DELAYS_MINUTES, Channel, DeliveryStatus
from .models import Delivery, Notification

logger = logging.getLogger(__name__)

# attachment kind (``constants.Attachment``) -> builder(notification) -> (filename, content, mimetype) or None
AttachmentBuilder = Callable[[Notification], "tuple[str, bytes, str] | None"]
ATTACHMENTS: dict[str, AttachmentBuilder] = {}


def register_attachment(kind: str, builder: AttachmentBuilder) -> AttachmentBuilder:
    """Let the app that owns ``kind`` build the file attached to e-mails of that kind (e.g. dossiers: the receipt).
    The builder runs when the e-mail is sent; returning None sends the e-mail without it."""
    ATTACHMENTS[kind] = builder
    return builder


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
    builder = ATTACHMENTS.get(delivery.attachment) if delivery.attachment else None
    attached = builder(delivery.notification) if builder is not None else None
    if attached is not None:
        message.attach(*attached)
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
