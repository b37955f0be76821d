import pytest

from skhcn.procedures.tests.factories import ProcedureFactory, RequiredDocumentFactory

# The workflow tests' department (``world``) and controllable clock (``clock``).
from .workflow_support import clock, world  # noqa: F401


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WAGTAILADMIN_BASE_URL = "https://dichvucong.example.vn"


@pytest.fixture
def procedure(db):
    """A fully online procedure with two mandatory documents and one optional one."""
    procedure = ProcedureFactory(
        name="Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
        code="1.004500.000.00.00.H11",
        fee_description="Lệ phí cấp giấy chứng nhận",
        fee_amount=1500000,
    )
    RequiredDocumentFactory(procedure=procedure, name="Đơn đề nghị cấp Giấy chứng nhận", sort_order=1)
    RequiredDocumentFactory(procedure=procedure, name="Điều lệ tổ chức và hoạt động", sort_order=2)
    RequiredDocumentFactory(procedure=procedure, name="Tài liệu khác liên quan", mandatory=False, sort_order=3)
    return procedure


@pytest.fixture
def documents(procedure):
    return list(procedure.documents.order_by("sort_order"))


def private_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


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
