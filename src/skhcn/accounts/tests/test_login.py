import re
from datetime import timedelta

import pytest
import redis
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.db.models import F
from django.test import Client
from django.urls import reverse

from skhcn.accounts import services

from .factories import PASSWORD, ApplicantFactory

pytestmark = pytest.mark.django_db
URL = "/tai-khoan/dang-nhap/"
LOCKED = "Ông/Bà đã nhập sai mật khẩu 5 lần liên tiếp"


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


def _age_failures(minutes):
    """As if ``minutes`` had passed since the recorded failures."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_five_failures_lock_the_address_for_fifteen_minutes(client):
    user = ApplicantFactory(email="an@example.vn")
    for _ in range(4):
        assert "không đúng" in _login(client, "an@example.vn", "sai").content.decode()
    fifth = _login(client, "an@example.vn", "sai")
    assert fifth.status_code == 200 and LOCKED in fifth.content.decode()
    # Even the right password (and in another case) is refused now.
    response = _login(client, "AN@example.vn")
    html = response.content.decode()
    assert response.status_code == 200 and LOCKED in html and "15 phút" in html
    assert SESSION_KEY not in client.session
    # Attempts while locked do not extend the lock; another address is not affected.
    assert AccessAttempt.objects.get(username="an@example.vn").failures_since_start == 5
    other = ApplicantFactory()
    assert _login(Client(), other.email).status_code == 302
    # Fourteen minutes on it is still locked; when the lock expires the right password works again.
    _age_failures(14)
    assert LOCKED in _login(client, "an@example.vn").content.decode()
    _age_failures(2)
    assert _login(client, "an@example.vn").status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)
    assert not AccessAttempt.objects.exists()


def test_lockout_is_per_login_name_not_per_address(client, settings):
    """Five addresses behind the trusted proxy share one count for the login name; the addresses are recorded."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    ApplicantFactory(email="an@example.vn")
    wrong = {"username": "an@example.vn", "password": "sai"}
    for number in range(1, 6):
        client.post(URL, wrong, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    right = {"username": "an@example.vn", "password": PASSWORD}
    assert LOCKED in Client().post(URL, right, REMOTE_ADDR="198.51.100.7").content.decode()
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {f"203.0.113.{number}" for number in range(1, 6)}


def test_success_resets_the_failure_count(client):
    ApplicantFactory(email="an@example.vn")
    for _ in range(4):
        _login(client, "an@example.vn", "sai")
    assert _login(client, "an@example.vn").status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post("/tai-khoan/dang-xuat/")
    for _ in range(4):
        _login(client, "an@example.vn", "sai")
    assert _login(client, "an@example.vn").status_code == 302


def test_failures_for_unknown_addresses_are_throttled_too(client):
    for _ in range(5):
        _login(client, "khong-co@example.vn", "sai")
    assert LOCKED in _login(client, "khong-co@example.vn", "sai").content.decode()


def test_a_password_reset_through_the_mailed_link_ends_the_lock(client, mailoutbox):
    user = ApplicantFactory(email="an@example.vn")
    for _ in range(5):
        _login(client, "an@example.vn", "sai")
    client.post(reverse("accounts:password_reset"), {"email": "an@example.vn"})
    link = re.search(r"http://127\.0\.0\.1:8000(/tai-khoan/dat-lai-mat-khau/[^\s]+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new_password = "Mat-khau-moi-2026"
    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    response = _login(client, "an@example.vn", new_password)
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(user.pk)


def test_lockout_holds_while_redis_is_down(client, redis_down):
    """The lockout lives in the database: a cache that does not answer changes nothing, and nothing fails."""
    ApplicantFactory(email="an@example.vn")
    with redis_down:
        with pytest.raises(redis.exceptions.ConnectionError):
            caches["default"].get("probe")  # the cache really is unreachable
        for _ in range(4):
            assert "không đúng" in _login(client, "an@example.vn", "sai").content.decode()
        fifth = _login(client, "an@example.vn", "sai")
        assert fifth.status_code == 200 and LOCKED in fifth.content.decode()
        refused = _login(client, "an@example.vn")
        assert refused.status_code == 200 and LOCKED in refused.content.decode()
        assert SESSION_KEY not in client.session


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
