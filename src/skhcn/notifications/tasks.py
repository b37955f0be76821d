from django_tasks import task

from skhcn.core.jobs import periodic

from . import services


@task()
def send_delivery(delivery_id: int) -> str:
    """Send one e-mail or SMS; failures are recorded on the delivery (retried or failed), never raised."""
    return services.send(delivery_id)


@periodic("notifications.requeue", every=60)
def requeue_due_deliveries() -> None:
    """Retries whose time has come, queued messages no worker took, messages left "sending" by a dead worker."""
    services.requeue_due()
