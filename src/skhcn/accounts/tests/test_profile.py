import pytest
from django.contrib.auth import get_user_model

from skhcn.accounts.services import get_profile

from .factories import ApplicantFactory

pytestmark = pytest.mark.django_db
URL = "/tai-khoan/"


def _data(**overrides):
    data = {
        "full_name": "Lê Văn Cường",
        "phone": "0987 654 321",
        "id_number": "079090123456",
        "address": "12 Yersin, Nha Trang",
    }
    data.update(overrides)
    return data


def test_profile_shows_and_saves(client):
    user = ApplicantFactory()
    client.force_login(user)
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert user.email in html and "đã xác thực" in html and "Đổi mật khẩu" in html
    assert '<meta name="robots" content="noindex">' in html
    response = client.post(URL, _data())
    assert response["Location"] == URL
    profile = get_profile(user)
    profile.refresh_from_db()
    assert (profile.full_name, profile.phone, profile.id_number) == ("Lê Văn Cường", "0987654321", "079090123456")
    assert "Đã lưu thông tin tài khoản." in client.get(URL).content.decode()


def test_unverified_profile_offers_resend(client):
    client.force_login(ApplicantFactory(unverified=True))
    html = client.get(URL).content.decode()
    assert "chưa xác thực" in html and "Gửi lại thư xác thực" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "09123", "Số điện thoại di động không hợp lệ"),
        ("id_number", "0123456789", "phải gồm đúng 12 chữ số"),
        ("full_name", "   ", "Vui lòng nhập mục này."),
        ("address", "", "Vui lòng nhập mục này."),
    ],
)
def test_profile_rejects_bad_input(client, field, value, message):
    user = ApplicantFactory(profile__full_name="Cũ")
    client.force_login(user)
    response = client.post(URL, _data(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and f'aria-describedby="id_{field}_error' in html
    user.applicant_profile.refresh_from_db()
    assert user.applicant_profile.full_name == "Cũ"


def test_business_profile_takes_a_tax_code(client):
    user = ApplicantFactory(business=True)
    client.force_login(user)
    assert "Mã số thuế" in client.get(URL).content.decode()
    assert client.post(URL, _data(id_number="079090123456")).status_code == 400
    assert client.post(URL, _data(id_number="0312345678 001")).status_code == 302
    user.applicant_profile.refresh_from_db()
    assert user.applicant_profile.id_number == "0312345678-001"


def test_staff_without_profile(client):
    staff = get_user_model().objects.create_user("editor2", "e@example.invalid", "x")
    client.force_login(staff)
    assert get_profile(staff) is None
    response = client.get(URL)
    assert response.status_code == 200 and "tài khoản cán bộ" in response.content.decode()
    assert client.post(URL, _data()).status_code == 200


def test_get_profile_for_anonymous_and_none():
    from django.contrib.auth.models import AnonymousUser

    assert get_profile(AnonymousUser()) is None
    assert get_profile(None) is None
    user = ApplicantFactory()
    assert get_profile(user) == user.applicant_profile and get_profile(user).email_verified


def _address_inputs(html):
    import re

    return re.findall(r"<input\b[^>]*\bname=\"address\"[^>]*>", html)


@pytest.mark.parametrize("url", ["/tai-khoan/dang-ky/", URL])
def test_one_line_address_uses_address_line1_not_street_address(client, url):
    """W3C Nu: autocomplete="street-address" belongs to a multi-line textarea, not to an <input>."""
    if url == URL:
        client.force_login(ApplicantFactory())
    html = client.get(url).content.decode()
    inputs = _address_inputs(html)
    assert len(inputs) == 1
    assert 'autocomplete="address-line1"' in inputs[0]
    assert "street-address" not in html


def test_profile_with_a_blank_address_keeps_the_hint(client):
    client.force_login(ApplicantFactory())
    response = client.post(URL, _data(address=""))
    html = response.content.decode()
    inputs = _address_inputs(html)
    assert response.status_code in (200, 400) and len(inputs) == 1
    assert 'autocomplete="address-line1"' in inputs[0] and "street-address" not in html
