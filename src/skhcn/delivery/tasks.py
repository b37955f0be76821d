import logging

from django.core.cache import cache
from django_tasks import task

from skhcn.core.jobs import periodic

from . import services

logger = logging.getLogger(__name__)

POLL_EVERY_SECONDS = 600


@task()
def poll_shipments() -> int:
    """Ask the trackable carriers (today: the sandbox) for news about open shipments."""
    applied = services.poll()
    if applied:
        logger.info("Shipment tracking: %s updates applied", applied)
    return applied


@periodic("delivery.poll", every=60)
def maybe_enqueue_poll() -> bool:
    """For a scheduler loop: queue ``poll_shipments`` at most every ``POLL_EVERY_SECONDS``."""
    if not cache.add("skhcn:delivery:poll", 1, timeout=POLL_EVERY_SECONDS):
        return False
    try:
        poll_shipments.enqueue()
    except Exception:
        logger.exception("Could not queue the shipment polling")
        return False
    return True
