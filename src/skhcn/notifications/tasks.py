"""The background side of notifications: one task per delivery, and the scheduler's sweep that queues retries
and messages no worker took."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from skhcn.core.jobs import periodic

from .constants import DeliveryStatus
from .models import Delivery
from .sending import send

logger = logging.getLogger(__name__)


@task()
def send_delivery(delivery_id: int) -> str:
    """Send one e-mail or SMS; failures are recorded on the delivery (retried or failed), never raised."""
    return send(delivery_id)


def enqueue(delivery_ids) -> None:
    for delivery_id in delivery_ids:
        try:
            send_delivery.enqueue(delivery_id)
        except Exception:  # the scheduler queues it again (NOTIFICATION_REQUEUE_AFTER_SECONDS)
            logger.exception("Could not queue notification delivery %s", delivery_id)


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


@periodic("notifications.requeue", every=60)
def requeue_due_deliveries() -> None:
    """Retries whose time has come, queued messages no worker took, messages left "sending" by a dead worker."""
    requeue_due()
