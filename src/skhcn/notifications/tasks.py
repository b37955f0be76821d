from django_tasks import task

from . import services


@task()
def send_delivery(delivery_id: int) -> str:
    """Send one e-mail or SMS; failures are recorded on the delivery (retried or failed), never raised."""
    return services.send(delivery_id)
