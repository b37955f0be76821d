import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from skhcn.accounts import services
from skhcn.core import throttle

from .factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/tai-khoan/xac-thuc/[^/\s]+/)", message.body).group(1)


def test_register_then_follow_the_link(client, mailoutbox, django_capture_on_commit_callbacks):
    from .test_register import URL, _data

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _data())
    client.logout()  # the link works from any browser
    response = client.get(_link(mailoutbox[0]))
    assert response.status_code == 200
    assert "Đã xác thực thư điện tử" in response.content.decode()
    assert get_user_model().objects.get().applicant_profile.email_verified
    # Following it again changes nothing and still says it is verified.
    first = get_user_model().objects.get().applicant_profile.email_verified_at
    assert client.get(_link(mailoutbox[0])).status_code == 200
    assert get_user_model().objects.get().applicant_profile.email_verified_at == first


def test_expired_link_offers_a_new_one(client):
    user = ApplicantFactory(unverified=True)
    with time_machine.travel(timezone.now() - timedelta(days=3, minutes=1)):
        token = services.make_verification_token(user)
    client.force_login(user)
    response = client.get(reverse("accounts:verify", args=[token]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "đã hết hạn" in html
    assert "Gửi lại thư xác thực" in html and 'action="/tai-khoan/xac-thuc/gui-lai/"' in html
    assert '<meta name="robots" content="noindex">' in html
    user.applicant_profile.refresh_from_db()
    assert not user.applicant_profile.email_verified


def test_link_just_within_three_days_still_works(client):
    user = ApplicantFactory(unverified=True)
    with time_machine.travel(timezone.now() - timedelta(days=3) + timedelta(minutes=1)):
        token = services.make_verification_token(user)
    assert client.get(reverse("accounts:verify", args=[token])).status_code == 200


@pytest.mark.parametrize("tamper", ["flip", "garbage", "other-salt"])
def test_tampered_link_is_refused(client, tamper):
    user = ApplicantFactory(unverified=True)
    token = services.make_verification_token(user)
    if tamper == "flip":
        token = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    elif tamper == "garbage":
        token = "khong-hop-le"
    else:
        token = signing.dumps({"u": user.pk, "e": user.email}, salt="something-else")
    response = client.get(reverse("accounts:verify", args=[token]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "không đúng hoặc không còn dùng được" in html
    assert "đăng nhập" in html  # anonymous visitors are told to log in to ask for a new link
    user.applicant_profile.refresh_from_db()
    assert not user.applicant_profile.email_verified


def test_link_for_an_old_address_is_refused(client):
    user = ApplicantFactory(unverified=True)
    token = services.make_verification_token(user)
    user.email = user.username = "moi@example.vn"
    user.save()
    assert client.get(reverse("accounts:verify", args=[token])).status_code == 400


def test_resend_is_limited_to_one_a_minute(client, mailoutbox, django_capture_on_commit_callbacks):
    user = ApplicantFactory(unverified=True)
    client.force_login(user)
    url = reverse("accounts:verify_resend")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Đã gửi lại thư xác thực" in response.content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Vui lòng chờ một phút" in response.content.decode()
    assert len(mailoutbox) == 1
    throttle.storages.reset()  # as if the minute had passed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert len(mailoutbox) == 2
    # The new link verifies the address.
    assert client.get(_link(mailoutbox[1])).status_code == 200
    user.applicant_profile.refresh_from_db()
    assert user.applicant_profile.email_verified


def test_resend_is_refused_while_redis_is_down(client, mailoutbox, django_capture_on_commit_callbacks, redis_down):
    """No shared count, no mail: the throttle refuses (a clear message, never a 500) rather than send without limit."""
    user = ApplicantFactory(unverified=True)
    client.force_login(user)
    url = reverse("accounts:verify_resend")
    with redis_down:
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(url, follow=True)
            assert response.status_code == 200
            assert "Hệ thống đang bận nên chưa gửi lại được thư xác thực" in response.content.decode()
    assert mailoutbox == []
    # Back up: the next request sends at once.
    throttle.storages.reset()
    with django_capture_on_commit_callbacks(execute=True):
        assert "Đã gửi lại thư xác thực" in client.post(url, follow=True).content.decode()
    assert len(mailoutbox) == 1


def test_resend_needs_post_login_and_an_unverified_address(client, mailoutbox):
    url = reverse("accounts:verify_resend")
    assert client.post(url)["Location"].startswith("/tai-khoan/dang-nhap/")
    user = ApplicantFactory()
    client.force_login(user)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "đã được xác thực" in response.content.decode()
    assert mailoutbox == []


def test_verification_offers_to_continue_the_interrupted_submission(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from .test_register import URL, _data

    target = "/dich-vu-cong/nop/1.014445.H38/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**_data(), "next": target})
    html = client.get(_link(mailoutbox[0])).content.decode()
    assert f'href="{target}">Tiếp tục nộp hồ sơ' in html
    # Another browser (not the one that registered) gets no such link; neither does an unsafe next.
    client.logout()
    assert "Tiếp tục nộp hồ sơ" not in client.get(_link(mailoutbox[0])).content.decode()


def test_unsafe_next_is_not_offered_after_verification(client, mailoutbox, django_capture_on_commit_callbacks):
    from .test_register import URL, _data

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**_data(), "next": "https://evil.example/"})
    assert "Tiếp tục nộp hồ sơ" not in client.get(_link(mailoutbox[0])).content.decode()
