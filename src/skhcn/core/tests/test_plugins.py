"""The one plugin registry: every kind registers with it, unknown keys are clear errors, and one sandbox policy for
every kind (refused with SKHCN_ENV=production, allowed elsewhere)."""

import importlib
import os

import pytest
from django.core.exceptions import ImproperlyConfigured

import skhcn.settings as module
from skhcn.accounts import identity
from skhcn.core import plugins
from skhcn.delivery import carriers
from skhcn.notifications import sms
from skhcn.payments import gateways

SANDBOX_IDENTITY = "skhcn.core.tests.sandbox_identity.SandboxIdentityProvider"


# kind, setting value enabling its sandbox, the app's own lookup of the sandbox.
SANDBOXES = [
    (plugins.Kind.PAYMENT, ["sandbox"], lambda: gateways.get_gateway("sandbox")),
    (plugins.Kind.CARRIER, ["manual", "sandbox"], lambda: carriers.get_carrier("sandbox")),
    (plugins.Kind.SMS, "sandbox", sms.provider),
    (plugins.Kind.IDENTITY, ["local", SANDBOX_IDENTITY], lambda: identity.get_provider(SANDBOX_IDENTITY)),
]


@pytest.fixture(autouse=True)
def _forget_the_sandbox_identity():
    yield
    identity.unregister(SANDBOX_IDENTITY)


def test_every_app_registers_its_plugins_with_core():
    def keys(kind):
        return {plugin.key for plugin in plugins.registered(kind)}

    assert {"vnpay", "sandbox"} <= keys(plugins.Kind.PAYMENT)
    assert {"manual", "sandbox"} <= keys(plugins.Kind.CARRIER)
    assert {"sandbox"} <= keys(plugins.Kind.SMS)
    assert {"local"} <= keys(plugins.Kind.IDENTITY)
    sandbox = plugins.lookup(plugins.Kind.PAYMENT, "sandbox")
    assert sandbox.sandbox and sandbox.label == "Cổng thử nghiệm (không phải thanh toán thật)"
    assert not plugins.lookup(plugins.Kind.PAYMENT, "vnpay").sandbox
    assert plugins.lookup(plugins.Kind.CARRIER, "sandbox").sandbox
    assert plugins.lookup(plugins.Kind.SMS, "sandbox").sandbox
    assert not plugins.lookup(plugins.Kind.IDENTITY, "local").sandbox


def test_each_kind_registers_a_new_plugin_through_its_app(settings):
    class Carrier(carriers.Carrier):
        key, label = "buu-dien-tinh", "Bưu điện tỉnh"

        def create_shipment(self, shipment):
            return None

    class Sms(sms.SmsProvider):
        name, label = "nha-mang", "Nhà mạng"

        def send(self, phone, text):
            return "1"

    class Sso(identity.IdentityProvider):
        key, label = "sso-tinh", "SSO của tỉnh"

    class Gateway(gateways.SandboxGateway):
        name, label, sandbox = "cong-khac", "Cổng khác", False

    registered = [
        (plugins.Kind.CARRIER, "buu-dien-tinh", lambda: carriers.register(Carrier)),
        (plugins.Kind.SMS, "nha-mang", lambda: sms.register(Sms)),
        (plugins.Kind.IDENTITY, "sso-tinh", lambda: identity.register(Sso)),
        (plugins.Kind.PAYMENT, "cong-khac", lambda: plugins.register(plugins.Kind.PAYMENT, Gateway)),
    ]
    try:
        for kind, key, register in registered:
            register()
            plugin = plugins.lookup(kind, key)
            assert (plugin.kind, plugin.key, plugin.sandbox) == (kind, key, False)
        settings.DELIVERY_CARRIERS = ["buu-dien-tinh"]
        settings.SMS_PROVIDER = "nha-mang"
        settings.IDENTITY_PROVIDERS = ["sso-tinh"]
        settings.PAYMENT_GATEWAYS = ["cong-khac"]
        assert isinstance(carriers.get_carrier("buu-dien-tinh"), Carrier)
        assert isinstance(sms.provider(), Sms)
        assert [p.key for p in identity.configured_providers()] == ["sso-tinh"]
        assert isinstance(gateways.get_gateway("cong-khac"), Gateway)
        assert carriers.REGISTRY["buu-dien-tinh"] is Carrier and sms.PROVIDERS["nha-mang"] is Sms
    finally:
        for kind, key, _register in registered:
            plugins.unregister(kind, key)
    assert "buu-dien-tinh" not in carriers.REGISTRY


def test_a_plugin_without_key_is_refused():
    with pytest.raises(ValueError):
        plugins.register(plugins.Kind.CARRIER, object())


def test_unknown_keys_are_clear_errors(settings):
    with pytest.raises(plugins.UnknownPlugin) as error:
        plugins.lookup(plugins.Kind.PAYMENT, "momo")
    assert str(error.value) == (
        "Cổng thanh toán 'momo' không xác định (các khóa đã đăng ký: "
        f"{', '.join(p.key for p in plugins.registered(plugins.Kind.PAYMENT))})."
    )
    assert isinstance(error.value, KeyError) and isinstance(error.value, LookupError)
    settings.PAYMENT_GATEWAYS = ["vnpay"]
    with pytest.raises(LookupError, match="'sandbox' chưa được bật"):
        gateways.get_gateway("sandbox")
    with pytest.raises(LookupError, match="không xác định"):
        gateways.get_gateway("momo")
    with pytest.raises(KeyError, match="Đơn vị bưu chính 'ems' không xác định"):
        carriers.get_carrier("ems")
    settings.SMS_PROVIDER = "viettel"
    with pytest.raises(sms.SmsError, match="viettel"):
        sms.provider()
    with pytest.raises(ImproperlyConfigured, match="'vneid'"):
        identity.get_provider("vneid")


def _enable(settings, kind, value):
    setattr(settings, plugins.KIND_SETTINGS[kind], value)


@pytest.mark.parametrize(("kind", "value", "app_lookup"), SANDBOXES, ids=[kind for kind, *_ in SANDBOXES])
def test_sandbox_of_every_kind_is_refused_in_production(settings, kind, value, app_lookup):
    _enable(settings, kind, value)
    settings.SKHCN_ENV = "production"
    with pytest.raises(ImproperlyConfigured, match=f"khỏi biến môi trường {plugins.KIND_SETTINGS[kind]}"):
        app_lookup()
    sandbox = next(plugin for plugin in plugins.enabled(kind) if plugin.sandbox)
    errors = plugins.no_sandbox_in_production()
    assert [error.id for error in errors] == ["plugins.E001"]
    assert plugins.KIND_SETTINGS[kind] in errors[0].msg and repr(sandbox.key) in errors[0].hint
    with pytest.raises(ImproperlyConfigured):  # registered at start-up: the process stops there
        plugins.register(kind, sandbox.implementation, key=sandbox.key)


@pytest.mark.parametrize(("kind", "value", "app_lookup"), SANDBOXES, ids=[kind for kind, *_ in SANDBOXES])
@pytest.mark.parametrize("environment", ["test", "local"])
def test_sandbox_of_every_kind_is_allowed_outside_production(settings, kind, value, app_lookup, environment):
    _enable(settings, kind, value)
    settings.SKHCN_ENV = environment
    settings.DEBUG = False
    assert app_lookup().sandbox
    assert plugins.no_sandbox_in_production() == []
    assert any(plugin.sandbox for plugin in plugins.enabled(kind))


def test_no_sandbox_is_on_by_default_in_production(monkeypatch):
    names = ("SKHCN_ENV", "DEBUG", "PAYMENT_SANDBOX_ALLOWED", *plugins.KIND_SETTINGS.values())
    for name in names:
        monkeypatch.delenv(name, raising=False)
    for name, value in {
        "SKHCN_ENV": "production",
        "SECRET_KEY": "k" * 30 + "ey-for-the-tests-only-0123456789",
        "ALLOWED_HOSTS": "skhcn.example.gov.vn",
        "BASE_URL": "https://skhcn.example.gov.vn",
        "SKHCN_DATA_DIR": os.environ.get("SKHCN_DATA_DIR", str(module.DATA_DIR)),
        "PAYMENT_SANDBOX_ALLOWED": "1",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        production = importlib.reload(module)
        assert "sandbox" not in production.PAYMENT_GATEWAYS
        assert "sandbox" not in production.DELIVERY_CARRIERS
        assert production.SMS_PROVIDER != "sandbox"
        assert production.IDENTITY_PROVIDERS == ["local"]
    finally:
        monkeypatch.undo()
        importlib.reload(module)
