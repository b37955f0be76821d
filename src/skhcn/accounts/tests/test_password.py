import re

import pytest
from django.contrib.auth import SESSION_KEY

from .factories import PASSWORD, ApplicantFactory

pytestmark = pytest.mark.django_db
RESET = "/tai-khoan/quen-mat-khau/"
NEW = "Cay-xoai-moi-2026"


def test_reset_flow_end_to_end(client, mailoutbox):
    user = ApplicantFactory(email="an@example.vn")
    response = client.post(RESET, {"email": "AN@Example.vn"})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/quen-mat-khau/da-gui/"
    assert "Nếu địa chỉ Ông/Bà nhập" in client.get(response["Location"]).content.decode()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["an@example.vn"] and "Đặt lại mật khẩu" in message.subject
    assert "Kính gửi" in message.body
    link = re.search(r"http://127\.0\.0\.1:8000(/tai-khoan/dat-lai-mat-khau/[^\s]+/)", message.body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session-bound URL
    page = client.get(form_url)
    assert "Đặt mật khẩu mới" in page.content.decode() and page.context["validlink"]
    mismatch = client.post(form_url, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert "Hai lần nhập mật khẩu không giống nhau." in mismatch.content.decode()
    short = client.post(form_url, {"new_password1": "ab1", "new_password2": "ab1"})
    assert "Mật khẩu này quá ngắn" in short.content.decode()
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/tai-khoan/dat-lai-mat-khau/xong/"
    assert "Đã đặt mật khẩu mới" in client.get(done["Location"]).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    # The link is single-use.
    assert not client.get(link, follow=True).context["validlink"]
    # And the new password logs in.
    client.post("/tai-khoan/dang-nhap/", {"username": "an@example.vn", "password": NEW})
    assert client.session[SESSION_KEY] == str(user.pk)


def test_reset_never_reveals_whether_an_address_exists(client, mailoutbox):
    ApplicantFactory(email="an@example.vn")
    known = client.post(RESET, {"email": "an@example.vn"}, follow=True)
    unknown = client.post(RESET, {"email": "khong-co@example.vn"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert len(mailoutbox) == 1


def test_reset_with_bad_address_shows_vietnamese_error(client):
    response = client.post(RESET, {"email": "khong-phai"})
    assert response.status_code == 200
    assert "Địa chỉ thư điện tử không hợp lệ" in response.content.decode()


def test_change_password(client):
    user = ApplicantFactory()
    client.force_login(user)
    page = client.get("/tai-khoan/doi-mat-khau/")
    assert "Mật khẩu hiện tại" in page.content.decode()
    wrong = client.post("/tai-khoan/doi-mat-khau/", {"old_password": "sai", "new_password1": NEW, "new_password2": NEW})
    assert "Mật khẩu hiện tại không đúng." in wrong.content.decode()
    response = client.post(
        "/tai-khoan/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response["Location"] == "/tai-khoan/"
    assert "Đã đổi mật khẩu." in client.get("/tai-khoan/").content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.session[SESSION_KEY] == str(user.pk)  # still logged in
