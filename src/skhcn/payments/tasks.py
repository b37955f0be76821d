"""Background work: the sandbox's server-to-server notification, and reconciliation of stuck payments."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django_tasks import task

from skhcn.core.jobs import periodic

from . import services
from .gateways import NotificationResult, SandboxGateway, get_gateway

logger = logging.getLogger(__name__)
RECONCILE_EVERY_SECONDS = 300


@task()
def deliver_sandbox_ipn(params: dict) -> dict:
    """The sandbox "bank" notifies the merchant: what the IPN endpoint does with the same parameters, done in-process
    (no network, so it works offline and on any port); the reply the endpoint would give."""
    try:
        gateway = get_gateway(SandboxGateway.name)
    except LookupError:  # switched off meanwhile: the endpoint would refuse it
        return SandboxGateway().notification_reply(NotificationResult.REFUSED)[0]
    result = services.apply_notification(gateway.name, gateway.outcome_of(params))
    return gateway.notification_reply(result)[0]


def send_sandbox_ipn(params: dict) -> None:
    """Queue the sandbox's notification (tests replace this to hold a notification back)."""
    deliver_sandbox_ipn.enqueue(params)


@task()
def reconcile_pending() -> dict:
    counts = services.reconcile_pending()
    if counts["applied"] or counts["errors"]:
        logger.info("Payment reconciliation: %s", counts)
    return counts


@periodic("payments.reconcile", every=60)
def maybe_enqueue_reconciliation() -> bool:
    """Called by ``run_scheduler`` every minute: queue ``reconcile_pending`` at most every 5 minutes."""
    if not cache.add("skhcn:payments:reconcile", 1, timeout=RECONCILE_EVERY_SECONDS):
        return False
    try:
        reconcile_pending.enqueue()
    except Exception:
        logger.exception("Could not queue the payment reconciliation")
        return False
    return True
