"""The two-factor gate covers every URL of the project, present and future.

A staff member who typed the password but not the code must reach no page that shows or changes data: the walk
below builds a path for EVERY URL pattern (path parameters filled with plausible values) and checks that GET and
POST both answer with a redirect to the code page. A URL added later is covered without touching this file.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import resolve, reverse

from skhcn.accounts.constants import StaffRole

from .factories import PASSWORD, ApplicantFactory, StaffFactory, enrol_totp, totp_code
from .urlwalk import all_paths

pytestmark = pytest.mark.django_db

VERIFY = "/admin/xac-thuc-hai-buoc/xac-minh/"
ENROL = "/admin/xac-thuc-hai-buoc/thiet-lap/"
LOGOUTS = {"/admin/logout/", "/tai-khoan/dang-xuat/"}


def allowed_before_verification() -> set[str]:
    """What a half-logged-in staff member may still open: finishing or abandoning the sign-in."""
    return {
        "/admin/login/",
        *LOGOUTS,
        ENROL,
        VERIFY,
        reverse("wagtailadmin_sprite"),
        reverse("wagtailadmin_javascript_catalog"),
    }


@pytest.fixture
def two_factor(settings):
    settings.STAFF_2FA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def half_logged_in(client, two_factor):
    """A staff member with an authenticator app who passed the password but not the code."""
    user = StaffFactory(role=StaffRole.SPECIALIST)
    device, _codes = enrol_totp(user)
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and SESSION_KEY in client.session
    return user, device


def test_the_walk_covers_the_whole_urlconf():
    paths = all_paths()
    assert len(paths) > 300  # Wagtail admin, Django admin and every app
    for expected in ("/tai-khoan/thong-bao/", "/tai-khoan/doi-mat-khau/", "/dich-vu-cong/tra-cuu/", "/thanh-toan/"):
        assert any(path.startswith(expected) for path in paths), expected
    for path in paths:
        resolve(path)  # every generated path reaches a view (raises Resolver404 otherwise)


def test_every_url_sends_a_half_logged_in_staff_member_to_the_code_page(client, half_logged_in):
    allowed = allowed_before_verification()
    not_gated = []
    for path in all_paths():
        if path in allowed:
            continue
        for method in (client.get, client.post):
            response = method(path)
            if response.status_code != 302 or not response["Location"].startswith(VERIFY):
                not_gated.append((method.__name__, path, response.status_code, response.get("Location")))
    assert not_gated == []
    assert SESSION_KEY in client.session  # nothing on the way logged the user out


def test_the_allowed_pages_answer_without_error(client, half_logged_in):
    for path in sorted(allowed_before_verification() - LOGOUTS):
        assert client.get(path).status_code in {200, 302}, path
    assert client.post(VERIFY, {"code": ""}).status_code == 200
    response = client.post("/tai-khoan/dang-xuat/")
    assert response.status_code == 302 and SESSION_KEY not in client.session


def test_get_keeps_the_page_asked_for_and_the_code_opens_it(client, half_logged_in):
    _user, device = half_logged_in
    response = client.get("/tai-khoan/thong-bao/")
    assert response["Location"] == f"{VERIFY}?next=%2Ftai-khoan%2Fthong-bao%2F"
    done = client.post(VERIFY, {"code": totp_code(device), "next": "/tai-khoan/thong-bao/"})
    assert done["Location"] == "/tai-khoan/thong-bao/"
    assert client.get("/tai-khoan/thong-bao/").status_code == 200


def test_a_post_changes_nothing_before_verification(client, half_logged_in):
    user, _device = half_logged_in
    new = "Mat-khau-moi-2026"
    response = client.post(
        "/tai-khoan/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response["Location"] == VERIFY
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_staff_without_an_app_are_sent_to_enrolment(client, two_factor):
    user = StaffFactory()
    client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert client.get("/")["Location"] == f"{ENROL}?next=%2F"
    assert client.post("/tai-khoan/")["Location"] == ENROL


def test_citizens_and_visitors_are_not_gated(client, two_factor):
    assert client.get("/dich-vu-cong/tra-cuu/").status_code == 200
    client.force_login(ApplicantFactory())
    assert client.get("/tai-khoan/").status_code == 200
    assert client.get("/tai-khoan/thong-bao/").status_code == 200


def test_the_gate_is_off_when_two_factor_is_not_required(client, settings):
    settings.STAFF_2FA_REQUIRED = False
    client.force_login(StaffFactory())
    assert client.get("/tai-khoan/thong-bao/").status_code == 200
