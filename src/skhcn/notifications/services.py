"""Notifications, a generic messaging app: one event → one ``Notification`` per person (shown in their account) and
one ``Delivery`` per e-mail / SMS, rendered from the event's template at that moment and sent by a background task
with retries (``tasks``, ``sending``). What an event of another app says and to whom is that app's business (e.g.
``skhcn.dossiers.notify``); it calls ``notify`` / ``notify_staff``.

Callers invoke ``notify`` / ``notify_staff`` inside the transaction of the change they report, so the notification
commits with the change or not at all. A broken template or a database hiccup here is logged and swallowed in a
savepoint: it never rolls back the change. Sending happens after commit (``sending.send``), and a failed send only
marks the delivery for a retry or as failed — visible to staff on the dossier page.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from skhcn.accounts.staff import staff_profile

from . import sms, templating
from .constants import Channel, DeliveryStatus
from .models import ChannelPreference, Delivery, Notification, NotificationTemplate
from .tasks import enqueue

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
def notify_staff(user, event: str, values: dict, *, link: str = "", dossier=None) -> Notification | None:
    """Tell a staff member (in the admin's "Thông báo" and by e-mail if they keep it on). Staff get no SMS."""
    if user is None or not user.is_active:
        return None
    profile = staff_profile(user)
    values = {
        "co_quan": settings.AGENCY_NAME,
        "can_bo": (profile.full_name if profile else "") or user.get_username(),
        **values,
    }
    preference = preference_for(user)
    return notify(
        event,
        user=user,
        dossier=dossier,
        values=values,
        link=link,
        email=user.email if preference.email else "",
        phone="",
    )


@guarded
def notify(
    event: str, *, user, values: dict, link: str = "", email: str = "", phone: str = "", dossier=None, attachment=""
) -> Notification | None:
    """Record one notification of ``event`` rendered with ``values``: shown in ``user``'s account (None: no account)
    and sent to ``email`` / ``phone`` as the event's template allows; ``dossier`` is what it is about (for the staff
    dossier page), ``attachment`` a kind registered with ``sending.register_attachment``. The sending is queued after
    commit. ``guarded``: a failure is logged and returns None."""
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
