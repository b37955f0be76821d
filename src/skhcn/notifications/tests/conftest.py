import pytest

from skhcn.dossiers.tests.workflow_support import clock, world  # noqa: F401


@pytest.fixture(autouse=True)
def _notification_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.example.vn"
    settings.SMS_PROVIDER = "sandbox"
