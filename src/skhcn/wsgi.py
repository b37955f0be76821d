"""The WSGI application (granian loads it). In production it runs the system checks first and refuses to serve when
one fails: a WSGI server runs no checks by itself, and a sandbox plugin must never reach the public."""

import os

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skhcn.settings")
application = get_wsgi_application()


def refuse_failed_checks() -> None:
    failed = [message for message in checks.run_checks() if message.is_serious() and not message.is_silenced()]
    if failed:
        raise ImproperlyConfigured(
            "Kiểm tra cấu hình (manage.py check) không đạt, máy chủ không khởi động:\n"
            + "\n".join(f"- {message}" for message in failed)
        )


if settings.SKHCN_ENV == "production":
    refuse_failed_checks()
