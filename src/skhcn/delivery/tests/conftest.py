import pytest

from skhcn.dossiers.constants import ReceiveMethod, Status
from skhcn.dossiers.tests import workflow_support
from skhcn.dossiers.tests.workflow_support import act, submitted_dossier

# The dossiers tests' department and controllable clock.
world = workflow_support.world
clock = workflow_support.clock


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.example.vn"
    settings.DELIVERY_CARRIERS = ["manual", "sandbox"]
    settings.AGENCY_ADDRESS = "Số 2 đường Hoàng Đình Giong, phường Thục Phán, tỉnh Cao Bằng"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """A private folder per test, so a test can check that nothing was left behind."""
    root = tmp_path / "private"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    settings.PRIVATE_MEDIA_ROOT = root
    return root


def private_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


ISSUE_PATH = ("receive", "transfer", "assign", "submit_to_head", "head_approve", "leader_approve", "issue_result")


def issued_dossier(department, *, procedure=None, receive_method=ReceiveMethod.POST, **fields):
    """A dossier whose result is issued, asking for the result by post."""
    dossier = submitted_dossier(
        department,
        procedure=procedure,
        receive_method=receive_method,
        postal_address="Số 12 đường Kim Đồng, phường Hợp Giang, tỉnh Cao Bằng",
        **fields,
    )
    for action in ISSUE_PATH:
        dossier = act(dossier, action, world=department)
    assert dossier.status == Status.RESULT_ISSUED
    return dossier


@pytest.fixture
def issued(world, clock):  # noqa: F811 - the fixtures above
    return issued_dossier(world)
