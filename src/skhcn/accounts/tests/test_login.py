import pytest
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from skhcn.accounts import services

from .factories import PASSWORD, ApplicantFactory

pytestmark = pytest.mark.django_db
URL = "/tai-khoan/dang-nhap/"


def _login(client, email, password=PASSWORD, **extra):
    return client.post(URL, {"username": email, "password": password, **extra})


def test_login_page_lists_the_local_provider(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html and 'type="email"' in html
    assert "Quên mật khẩu?" in html and "/tai-khoan/quen-mat-khau/" in html
    assert '<meta name="robots" content="noindex">' in html


def test_login_by_email_in_any_case(client):
    user = ApplicantFactory(email="an.nguyen@example.vn")
    response = _login(client, "  AN.Nguyen@EXAMPLE.vn ")
    assert response.status_code == 302
    assert response["Location"] == services.default_after_login_url()
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_is_refused_in_vietnamese(client):
    ApplicantFactory(email="an@example.vn")
    response = _login(client, "an@example.vn", "sai-mat-khau")
    assert response.status_code == 200
    assert "Thư điện tử hoặc mật khẩu không đúng" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_safe_next_is_honoured(client):
    ApplicantFactory(email="an@example.vn")
    response = _login(client, "an@example.vn", next="/tai-khoan/doi-mat-khau/")
    assert response["Location"] == "/tai-khoan/doi-mat-khau/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "http://testserver.evil/"])
def test_unsafe_next_is_ignored(client, target):
    ApplicantFactory(email="an@example.vn")
    page = client.get(URL, {"next": target}).content.decode()
    assert "evil" not in page
    response = _login(client, "an@example.vn", next=target)
    assert response.status_code == 302
    assert response["Location"] == services.default_after_login_url()


def test_five_failures_lock_the_address_for_fifteen_minutes(client):
    user = ApplicantFactory(email="an@example.vn")
    for _ in range(services.LOGIN_MAX_FAILURES):
        assert "không đúng" in _login(client, "an@example.vn", "sai").content.decode()
    # Even the right password (and in another case) is refused now.
    response = _login(client, "AN@example.vn")
    html = response.content.decode()
    assert "quá 5 lần" in html and "15 phút" in html
    assert SESSION_KEY not in client.session
    # Another address is not affected.
    other = ApplicantFactory()
    assert _login(Client(), other.email).status_code == 302
    # When the lock expires the right password works again.
    cache.delete(services._login_key("lock", "an@example.vn"))
    assert _login(client, "an@example.vn").status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_success_resets_the_failure_count(client):
    ApplicantFactory(email="an@example.vn")
    for _ in range(services.LOGIN_MAX_FAILURES - 1):
        _login(client, "an@example.vn", "sai")
    assert _login(client, "an@example.vn").status_code == 302
    client.logout()
    for _ in range(services.LOGIN_MAX_FAILURES - 1):
        _login(client, "an@example.vn", "sai")
    assert _login(client, "an@example.vn").status_code == 302


def test_failures_for_unknown_addresses_are_throttled_too(client):
    for _ in range(services.LOGIN_MAX_FAILURES):
        _login(client, "khong-co@example.vn", "sai")
    assert "quá 5 lần" in _login(client, "khong-co@example.vn", "sai").content.decode()


def test_inactive_account_cannot_log_in(client):
    ApplicantFactory(email="an@example.vn", is_active=False)
    assert _login(client, "an@example.vn").status_code == 200
    assert SESSION_KEY not in client.session


def test_logout_needs_post(client):
    user = ApplicantFactory()
    client.force_login(user)
    assert client.get("/tai-khoan/dang-xuat/").status_code == 405
    response = client.post("/tai-khoan/dang-xuat/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert SESSION_KEY not in client.session


def test_login_required_pages_send_to_the_public_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response["Location"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/"


def test_login_needs_csrf_token():
    ApplicantFactory(email="an@example.vn")
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "an@example.vn").status_code == 403
