"""Background e-mail: the request never waits for (or fails because of) the mail server."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task


@task()
def send_email(subject: str, body: str, recipient: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
