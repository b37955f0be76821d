"""The sandbox can never be on in production; who may request fees and pay; direct URLs of others are 404."""

import pytest
from django.core.exceptions import ImproperlyConfigured

import skhcn.settings as module
from skhcn.accounts.constants import StaffRole
from skhcn.accounts.tests.factories import ApplicantFactory, StaffFactory
from skhcn.core import plugins
from skhcn.dossiers.constants import Action
from skhcn.dossiers.tests.workflow_support import act
from skhcn.payments import services
from skhcn.payments.checks import payment_gateways_check
from skhcn.payments.gateways import SandboxGateway, get_gateway
from skhcn.payments.models import Payment

from .helpers import gateway_params


def _ids(errors):
    return {e.id for e in errors}


def test_sandbox_enabled_in_production_fails_the_system_check(settings):
    settings.SKHCN_ENV = "production"
    settings.PAYMENT_SANDBOX_ALLOWED = True  # even when explicitly allowed
    settings.DEBUG = True
    assert "plugins.E001" in _ids(plugins.no_sandbox_in_production())
    with pytest.raises(ImproperlyConfigured):  # what stops a production process at start-up
        plugins.register(plugins.Kind.PAYMENT, SandboxGateway)
    with pytest.raises(ImproperlyConfigured):
        get_gateway("sandbox")


def test_sandbox_allowed_outside_production_whatever_debug_says(settings):
    """One sandbox policy for every plugin kind: only SKHCN_ENV=production refuses it (PAYMENT_SANDBOX_ALLOWED now
    only chooses whether PAYMENT_GATEWAYS offers it by default)."""
    settings.SKHCN_ENV = "test"
    settings.DEBUG = False
    settings.PAYMENT_SANDBOX_ALLOWED = False
    assert payment_gateways_check() == [] and plugins.no_sandbox_in_production() == []
    assert get_gateway("sandbox").sandbox


def test_local_default_passes_and_unknown_or_unconfigured_gateways_fail(settings):
    assert payment_gateways_check() == []
    settings.PAYMENT_GATEWAYS = ["sandbox", "momo"]
    assert "payments.E002" in _ids(payment_gateways_check())
    settings.PAYMENT_GATEWAYS = ["vnpay"]
    settings.VNPAY_TMN_CODE = ""
    assert "payments.E003" in _ids(payment_gateways_check())


def test_settings_defaults(monkeypatch):
    """Production-like environments get no sandbox by default; `make run` (SKHCN_ENV=local) gets it."""
    import importlib
    import os

    def load(**env):
        for key in ("SKHCN_ENV", "PAYMENT_SANDBOX_ALLOWED", "PAYMENT_GATEWAYS", "DEBUG"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return importlib.reload(module)

    production = {
        "SKHCN_ENV": "production",
        "SECRET_KEY": "k" * 30 + "ey-for-the-tests-only-0123456789",
        "ALLOWED_HOSTS": "skhcn.example.gov.vn",
        "BASE_URL": "https://skhcn.example.gov.vn",
        "SKHCN_DATA_DIR": os.environ.get("SKHCN_DATA_DIR", str(module.DATA_DIR)),
    }
    try:
        assert load(SKHCN_ENV="test").PAYMENT_GATEWAYS == []
        assert load(SKHCN_ENV="local").PAYMENT_GATEWAYS == ["sandbox"]
        assert load(**production, PAYMENT_SANDBOX_ALLOWED="1").PAYMENT_GATEWAYS == []
    finally:
        monkeypatch.undo()
        importlib.reload(module)


def test_sandbox_pages_are_404_when_the_sandbox_is_off(client, settings, payment):
    settings.PAYMENT_GATEWAYS = []
    assert client.get("/thanh-toan/sandbox/thanh-toan/").status_code == 404
    assert client.get("/thanh-toan/ipn/sandbox/", gateway_params(payment)).status_code == 404
    assert Payment.objects.get(pk=payment.pk).is_pending


@pytest.mark.parametrize("role", [StaffRole.SPECIALIST, StaffRole.LEADER, StaffRole.CLERK, StaffRole.DIVISION_HEAD])
def test_only_fee_roles_request_fees(client, world, awaiting, role):
    user = StaffFactory(role=role, division=world.division)
    with pytest.raises(services.PaymentError):
        services.request_fee(awaiting, user)
    client.force_login(user)
    response = client.post(f"/admin/thanh-toan/ho-so/{awaiting.pk}/yeu-cau-nop-phi/", {"so_tien": "1000"})
    assert response.status_code in (302, 403, 404)
    assert not Payment.objects.filter(dossier=awaiting).exists()


def test_citizens_cannot_request_fees(client, world, awaiting):
    with pytest.raises(services.PaymentError):
        services.request_fee(awaiting, world.applicant)
    client.force_login(world.applicant)
    client.post(f"/admin/thanh-toan/ho-so/{awaiting.pk}/yeu-cau-nop-phi/", {"so_tien": "1000"})
    assert not Payment.objects.exists()


def test_administrator_may_request_and_amount_must_be_positive(world, awaiting):
    with pytest.raises(services.PaymentError):
        services.request_fee(awaiting, world.admin, amount=0)
    assert services.request_fee(awaiting, world.admin, amount=123000).amount == 123000


def test_fee_cannot_be_requested_for_an_ended_dossier(world, awaiting):

    act(awaiting, Action.WITHDRAW, world.applicant, world=world, comment="Rút.")
    awaiting.refresh_from_db()
    with pytest.raises(services.PaymentError):
        services.request_fee(awaiting, world.one_stop)


def test_a_citizen_pays_only_their_own_dossiers_payment(client, payment):
    stranger = ApplicantFactory()
    client.force_login(stranger)
    assert client.post(f"/thanh-toan/{payment.pk}/thanh-toan/", {"cong": "sandbox"}).status_code == 404
    assert client.get(f"/thanh-toan/{payment.pk}/bien-lai.pdf").status_code == 404
    payment.refresh_from_db()
    assert payment.started_at is None


def test_someone_elses_return_url_is_404(client, payment):
    client.force_login(payment.dossier.applicant)
    client.post(f"/thanh-toan/{payment.pk}/thanh-toan/", {"cong": "sandbox"})
    payment.refresh_from_db()
    client.force_login(ApplicantFactory())
    assert client.get("/thanh-toan/ket-qua/sandbox/", gateway_params(payment)).status_code == 404


def test_anonymous_users_are_sent_to_login(client, payment):
    response = client.post(f"/thanh-toan/{payment.pk}/thanh-toan/")
    assert response.status_code == 302 and "/tai-khoan/" in response["Location"]
    assert client.get(f"/thanh-toan/{payment.pk}/bien-lai.pdf").status_code == 302


def test_staff_receipt_of_an_invisible_dossier_is_404(client, world, payment):
    outsider = StaffFactory(role=StaffRole.SPECIALIST, division=world.other_division)
    client.force_login(outsider)
    assert client.get(f"/admin/thanh-toan/{payment.pk}/bien-lai.pdf").status_code == 404
    assert client.post(f"/admin/thanh-toan/{payment.pk}/hoan-tien/", {"ly_do": "x"}).status_code == 404
    assert client.post(f"/admin/thanh-toan/{payment.pk}/tra-soat/").status_code == 404
    assert client.post(f"/admin/thanh-toan/{payment.pk}/khong-hoan-tien/", {"ly_do": "x"}).status_code == 404


def test_payment_list_shows_only_visible_dossiers(client, world, payment):
    client.force_login(world.one_stop)
    page = client.get("/admin/thanh-toan/").content.decode()
    assert payment.txn_ref in page and "Thanh toán trực tuyến" in page
    assert payment.txn_ref in client.get("/admin/thanh-toan/?loc=cho-thanh-toan").content.decode()
    assert payment.txn_ref not in client.get("/admin/thanh-toan/?loc=can-hoan-tien").content.decode()
    assert payment.txn_ref in client.get(f"/admin/thanh-toan/?q={payment.dossier.code}").content.decode()
    client.force_login(StaffFactory(role=StaffRole.SPECIALIST, division=world.other_division))
    assert payment.txn_ref not in client.get("/admin/thanh-toan/").content.decode()
    client.force_login(world.applicant)
    assert client.get("/admin/thanh-toan/").status_code in (302, 403)
