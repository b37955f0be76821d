import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from skhcn.accounts.constants import ApplicantKind
from skhcn.accounts.models import ApplicantProfile

from .factories import ApplicantFactory

pytestmark = pytest.mark.django_db
URL = "/tai-khoan/dang-ky/"


def _data(**overrides):
    data = {
        "kind": "citizen",
        "full_name": "  Trần   Thị Bình ",
        "email": "Binh.Tran@Example.VN",
        "phone": "+84 912 345 678",
        "id_number": "001 090 012345",
        "address": "Số 5 Lê Lợi, phường Nha Trang, Khánh Hòa",
        "password1": "Hoa-sen-no-2026",
        "password2": "Hoa-sen-no-2026",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_register_page_is_vietnamese_noindex_and_accessible(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert "accounts/accounts.css" in html
    assert "Đăng ký tài khoản" in html
    assert 'autocomplete="new-password"' in html
    assert response["X-Robots-Tag"] == "noindex"


def test_register_creates_user_and_profile_sends_mail_and_logs_in(client, mailoutbox, on_commit):
    with on_commit():
        response = client.post(URL, _data())
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    user = get_user_model().objects.get()
    assert user.username == user.email == "binh.tran@example.vn"
    profile = user.applicant_profile
    assert (profile.kind, profile.full_name, profile.phone, profile.id_number) == (
        ApplicantKind.CITIZEN,
        "Trần Thị Bình",
        "0912345678",
        "001090012345",
    )
    assert not profile.email_verified and profile.identity_provider == "local"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["binh.tran@example.vn"]
    assert "Xác thực" in message.subject
    assert re.search(r"http://127\.0\.0\.1:8000/tai-khoan/xac-thuc/[^/\s]+/", message.body)
    page = client.get(response["Location"])
    assert page.wsgi_request.user == user
    assert "Đã gửi thư xác thực đến binh.tran@example.vn" in page.content.decode()


def test_business_with_branch_tax_code(client, on_commit):
    with on_commit():
        response = client.post(
            URL, _data(kind="business", full_name="Công ty TNHH ABC", id_number="0123456789001", phone="0281234567")
        )
    # 028... is a landline, not a mobile number
    assert response.status_code == 400
    with on_commit():
        response = client.post(
            URL, _data(kind="business", full_name="Công ty TNHH ABC", id_number="0123456789001", phone="0351234567")
        )
    assert response.status_code == 302
    assert ApplicantProfile.objects.get().id_number == "0123456789-001"


def test_mail_leaves_only_after_commit(client, mailoutbox):
    # Inside the test transaction nothing commits, so no e-mail may have been sent yet.
    response = client.post(URL, _data())
    assert response.status_code == 302
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "robot", "Vui lòng chọn loại tài khoản."),
        ("full_name", "", "Vui lòng nhập mục này."),
        ("email", "khong-phai-thu", "Địa chỉ thư điện tử không hợp lệ"),
        ("phone", "12345", "Số điện thoại di động không hợp lệ"),
        ("phone", "0123456789", "Số điện thoại di động không hợp lệ"),
        ("id_number", "12345678901", "phải gồm đúng 12 chữ số"),
        ("id_number", "0123456789", "phải gồm đúng 12 chữ số"),
        ("id_number", "999090012345", "mã tỉnh"),
        ("address", "", "Vui lòng nhập mục này."),
        ("password2", "Khac-hoan-toan-2026", "Hai lần nhập mật khẩu không giống nhau."),
        ("consent", "", "Ông/Bà cần đồng ý"),
    ],
)
def test_register_rejects_bad_field(client, field, value, message):
    response = client.post(URL, _data(**{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Chưa gửi được" in html
    assert get_user_model().objects.count() == 0
    if field in ("full_name", "email", "phone", "id_number", "address", "password2"):
        assert f'aria-describedby="id_{field}_error' in html
        assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("tax_code", ["12345", "0123456789-01", "012345678901"])
def test_register_rejects_bad_tax_code(client, tax_code):
    response = client.post(URL, _data(kind="business", id_number=tax_code))
    assert response.status_code == 400
    assert "Mã số thuế phải gồm 10 chữ số" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ngan1", "Mật khẩu này quá ngắn"),
        ("1234567890123", "Mật khẩu này hoàn toàn là số"),
        ("password123", "Mật khẩu này quá phổ biến"),
        ("binh.tran@example", "Mật khẩu quá giống"),
    ],
)
def test_register_applies_password_validators_in_vietnamese(client, password, message):
    response = client.post(URL, _data(password1=password, password2=password))
    assert response.status_code == 400
    assert message in response.content.decode()


def test_duplicate_email_in_other_case_is_refused(client):
    ApplicantFactory(email="binh.tran@example.vn")
    response = client.post(URL, _data(email="BINH.TRAN@example.vn"))
    assert response.status_code == 400
    assert "đã được dùng để đăng ký" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_register_needs_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, _data())
    assert response.status_code == 403
    assert get_user_model().objects.count() == 0


def test_register_honours_only_safe_next(client):
    response = client.post(URL + "?next=https://evil.example/", _data())
    assert response["Location"] == reverse("accounts:profile")
    client.logout()
    response = client.post(URL, _data(email="khac@example.vn", next="/thu-tuc-hanh-chinh/"))
    assert response["Location"] == "/thu-tuc-hanh-chinh/"


def test_logged_in_user_is_sent_to_profile(client):
    client.force_login(ApplicantFactory())
    assert client.get(URL)["Location"] == reverse("accounts:profile")
