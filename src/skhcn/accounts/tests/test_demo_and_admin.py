import pytest
from django.contrib.auth import get_user_model

from skhcn.accounts import demo

from .factories import ApplicantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins_file(tmp_path, monkeypatch):
    path = tmp_path / "logins.txt"
    monkeypatch.setattr(demo, "LOGINS_FILE", path)
    return path


def test_demo_citizen_is_created_once_verified_and_can_log_in(client, logins_file):
    lines = demo.ensure_demo_users()
    user = get_user_model().objects.get(username="congdan@example.vn")
    profile = user.applicant_profile
    assert profile.email_verified and profile.full_name == "Nguyễn Văn An (dữ liệu mẫu)"
    assert len(profile.id_number) == 12 and profile.phone.startswith("0")
    assert not user.is_staff and not user.has_perm("wagtailadmin.access_admin")
    stored = dict(line.split(" ", 1) for line in logins_file.read_text().splitlines())
    password = stored["congdan@example.vn"]
    assert any(line.startswith("  congdan@example.vn") and password in line for line in lines)
    assert len(lines) == 11  # heading, nine accounts, the two-factor note
    # Idempotent: same lines, no new users or profiles.
    assert demo.ensure_demo_users() == lines
    assert get_user_model().objects.filter(username="congdan@example.vn").count() == 1
    response = client.post("/tai-khoan/dang-nhap/", {"username": "CongDan@example.vn", "password": password})
    assert response.status_code == 302


def test_non_staff_are_kept_out_of_the_wagtail_admin(client):
    user = ApplicantFactory()
    assert not user.has_perm("wagtailadmin.access_admin")
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/pages/").status_code == 302
    assert client.get("/django-admin/").status_code == 302


def test_citizen_cannot_log_in_through_the_admin_login(client):
    from .factories import PASSWORD

    user = ApplicantFactory()
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"].startswith("/admin/login/")
    assert client.get("/admin/").status_code == 302


def test_staff_login_stays_on_the_admin(client, settings):
    assert settings.WAGTAILADMIN_LOGIN_URL == "wagtailadmin_login"
    staff = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "mat-khau-quan-tri")
    response = client.post("/admin/login/", {"username": "quantri", "password": "mat-khau-quan-tri"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert staff.has_perm("wagtailadmin.access_admin")
