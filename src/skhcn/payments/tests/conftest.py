import pytest

from skhcn.dossiers.constants import Status
from skhcn.dossiers.tests.workflow_support import clock, dossier_at, world  # noqa: F401  (fixtures)
from skhcn.payments import services

SANDBOX_SECRET = "sandbox-test-secret"


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PAYMENT_SANDBOX_ALLOWED = True
    settings.PAYMENT_GATEWAYS = ["sandbox"]
    settings.PAYMENT_SANDBOX_SECRET = SANDBOX_SECRET
    settings.SKHCN_ENV = "local"


@pytest.fixture
def awaiting(world):  # noqa: F811
    """A dossier received for a procedure whose clock waits for the fee (500.000 đồng)."""
    return dossier_at(Status.AWAITING_FEE, world)


@pytest.fixture
def payment(awaiting, world):  # noqa: F811

    return services.request_fee(awaiting, world.one_stop)
