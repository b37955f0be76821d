import pytest
from django.core.exceptions import ImproperlyConfigured

from skhcn.accounts import identity


class FakeSSO(identity.IdentityProvider):
    key = "thu-sso"
    label = "Tài khoản SSO thử nghiệm"
    available = True

    def login_url(self, request, next_url=""):
        return f"https://sso.example.invalid/login?next={next_url}"

    def is_available(self):
        return self.available


@pytest.fixture
def fake_sso():
    identity.register(FakeSSO)
    yield identity.get_provider("thu-sso")
    identity.unregister("thu-sso")


def test_local_is_the_default_provider(settings):
    providers = identity.configured_providers()
    assert [p.key for p in providers] == ["local"]
    assert providers[0].uses_login_form
    assert providers[0].login_url(None, "/dich-vu-cong/") == "/tai-khoan/dang-nhap/?next=%2Fdich-vu-cong%2F"
    assert identity.local_login_enabled()


def test_unknown_provider_is_a_configuration_error(settings):
    settings.IDENTITY_PROVIDERS = ["local", "vneid"]
    with pytest.raises(ImproperlyConfigured):
        identity.configured_providers()
    assert [error.id for error in identity.check_identity_providers()] == ["accounts.E001"]


def test_provider_by_dotted_path(settings):
    settings.IDENTITY_PROVIDERS = ["local", "skhcn.accounts.tests.test_identity.FakeSSO"]
    try:
        assert [p.key for p in identity.configured_providers()] == ["local", "thu-sso"]
        assert identity.check_identity_providers() == []
    finally:
        identity.unregister("skhcn.accounts.tests.test_identity.FakeSSO")


def test_provider_without_key_is_refused():
    with pytest.raises(ValueError):
        identity.register(identity.IdentityProvider())


@pytest.mark.django_db
def test_login_page_lists_configured_providers_in_order(client, settings, fake_sso):
    settings.IDENTITY_PROVIDERS = ["local", "thu-sso"]
    html = client.get("/tai-khoan/dang-nhap/", {"next": "/dich-vu-cong/"}).content.decode()
    assert "Hoặc đăng nhập bằng" in html and "Tài khoản SSO thử nghiệm" in html
    assert "https://sso.example.invalid/login?next=/dich-vu-cong/" in html
    fake_sso.available = False
    html = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Tài khoản SSO thử nghiệm" not in html
    fake_sso.available = True
    settings.IDENTITY_PROVIDERS = ["thu-sso"]
    html = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert 'name="password"' not in html and "Tài khoản SSO thử nghiệm" in html
