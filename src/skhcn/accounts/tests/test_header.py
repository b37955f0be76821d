"""The header says who is signed in and offers to sign out; anonymous readers (and the page cache) never see a name."""

import pytest

from skhcn.core.pagecache import page_cache

from .factories import ApplicantFactory, StaffFactory, verified_staff_login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_page_cache():
    page_cache.clear()
    yield
    page_cache.clear()


def test_anonymous_readers_get_the_account_link(client, site_tree):
    html = client.get("/").content.decode()
    assert "Tài khoản dịch vụ công" in html and "Đăng xuất" not in html


def test_a_citizen_sees_their_name_and_can_sign_out(client, site_tree):
    citizen = ApplicantFactory()
    citizen.applicant_profile.full_name = "Nguyễn Thị Hồng Nhung"
    citizen.applicant_profile.save()
    client.force_login(citizen)
    html = client.get("/").content.decode()
    assert "Nguyễn Thị Hồng Nhung" in html and 'action="/tai-khoan/dang-xuat/"' in html and "Đăng xuất" in html

    response = client.post("/tai-khoan/dang-xuat/")
    assert response.status_code == 302
    assert "Tài khoản dịch vụ công" in client.get("/").content.decode()


def test_staff_see_their_name(client, site_tree, settings):
    settings.STAFF_2FA_REQUIRED = False
    staff = StaffFactory(profile__full_name="Trần Văn Một Cửa")
    verified_staff_login(client, staff)
    assert "Trần Văn Một Cửa" in client.get("/").content.decode()


def test_a_signed_in_page_is_never_served_to_anonymous_readers(client, site_tree):
    citizen = ApplicantFactory()
    citizen.applicant_profile.full_name = "Lê Văn Bí Mật"
    citizen.applicant_profile.save()
    client.force_login(citizen)
    client.get("/")
    client.logout()
    client.cookies.clear()
    for _ in range(2):  # a miss that fills the cache, then a hit
        html = client.get("/").content.decode()
        assert "Lê Văn Bí Mật" not in html and "Tài khoản dịch vụ công" in html
