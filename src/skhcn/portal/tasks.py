from django.core.management import call_command

from skhcn.core.jobs import periodic


@periodic("portal.publish_scheduled", every=60)
def publish_scheduled_pages() -> None:
    """Wagtail's go-live / expiry schedule: pages appear and disappear within a minute of their time."""
    call_command("publish_scheduled", verbosity=0)
