"""Staff roles, two-factor authentication on the back offices, lockout and audit logging."""

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import F
from django.http import HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from skhcn.accounts import demo, lockout
from skhcn.accounts.constants import StaffRole
from skhcn.accounts.models import StaffProfile
from skhcn.accounts.staff import ROLE_GROUPS, ensure_role_groups, has_role, staff_profile

from .factories import (
    PASSWORD,
    ApplicantFactory,
    DivisionFactory,
    StaffFactory,
    enrol_totp,
    totp_code,
    verified_staff_login,
)

pytestmark = pytest.mark.django_db

ENROL = "/admin/xac-thuc-hai-buoc/thiet-lap/"
VERIFY = "/admin/xac-thuc-hai-buoc/xac-minh/"
CODES = "/admin/xac-thuc-hai-buoc/ma-du-phong/"
MANAGE = "/admin/xac-thuc-hai-buoc/"


@pytest.fixture
def two_factor(settings):
    """Two-factor authentication on (the root conftest turns it off); django-otp's own back-off delays off."""
    settings.STAFF_2FA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/admin/login/", {"username": username, "password": password, **extra})


def _actions(user) -> list[str]:
    return list(ModelLogEntry.objects.for_instance(user).order_by("pk").values_list("action", flat=True))


def _age_failures(minutes):
    """As if ``minutes`` had passed since the recorded failures."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def _wrong_code(device) -> str:
    valid = {totp_code(device, step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _text(response) -> str:
    return response.content.decode()


# --- Enrolment ---


def test_enrolment_end_to_end(client, two_factor):
    user = StaffFactory(role=StaffRole.ONE_STOP)
    response = _login(client, user.username)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == f"{ENROL}?next=%2Fadmin%2F"

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = _text(page)
    assert "Thiết lập xác thực hai bước" in html and "Ứng dụng xác thực" in html
    assert "<svg" in html and "quét mã QR" in html
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    secret = b32encode(device.bin_key).decode()
    assert " ".join(re.findall(".{4}", secret)) in html
    # A reload keeps the same secret.
    client.get(ENROL)
    assert TOTPDevice.objects.get(user=user).key == device.key

    wrong = client.post(ENROL, {"code": _wrong_code(device), "next": "/admin/"})
    assert wrong.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn. Bạn còn 4 lần thử." in _text(wrong)
    malformed = client.post(ENROL, {"code": "12ab"})
    assert "Vui lòng nhập mã gồm 6 chữ số" in _text(malformed)
    assert client.get("/admin/").status_code == 302

    confirmed = client.post(ENROL, {"code": totp_code(device), "next": "/admin/"})
    assert confirmed.status_code == 302 and confirmed["Location"] == CODES
    device.refresh_from_db()
    assert device.confirmed
    shown = client.get(CODES)
    html = _text(shown)
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", html)
    assert len(codes) == 10 == StaticToken.objects.filter(device__user=user).count()
    assert "in trang này" in html and 'download="ma-du-phong.txt"' in html and 'href="/admin/"' in html
    # Shown once: a second visit goes to the settings page.
    again = client.get(CODES)
    assert again.status_code == 302 and again["Location"] == MANAGE
    assert client.get("/admin/").status_code == 200
    assert _actions(user) == ["skhcn.staff.login", "skhcn.staff.otp_failed", "skhcn.staff.2fa_enrolled"]


def test_enrolled_user_verifies_with_the_app_on_the_next_login(client, two_factor):
    user = StaffFactory()
    device, _codes = enrol_totp(user)
    _login(client, user.username)
    response = client.get("/admin/account/")
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2Fadmin%2Faccount%2F"
    # The enrolment page sends an enrolled user to the code page.
    assert client.get(ENROL)["Location"].startswith(VERIFY)
    page = client.get(response["Location"])
    assert "mã dự phòng" in _text(page)
    done = client.post(VERIFY, {"code": totp_code(device), "next": "/admin/account/"})
    assert done.status_code == 302 and done["Location"] == "/admin/account/"
    assert client.get("/admin/account/").status_code == 200


def test_recovery_code_works_once(client, two_factor):
    user = StaffFactory()
    _device, codes = enrol_totp(user)
    _login(client, user.username)
    done = client.post(VERIFY, {"code": codes[0].upper().replace("-", " ")})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert "skhcn.staff.recovery_code_used" in _actions(user)

    client.post("/admin/logout/")
    _login(client, user.username)
    reused = client.post(VERIFY, {"code": codes[0]})
    assert reused.status_code == 200 and "không đúng" in _text(reused)
    assert client.post(VERIFY, {"code": codes[1]}).status_code == 302


def test_wrong_code_messages(client, two_factor):
    user = StaffFactory()
    device, _codes = enrol_totp(user)
    _login(client, user.username)
    assert "Vui lòng nhập mã xác thực." in _text(client.post(VERIFY, {"code": ""}))
    assert "hoặc một mã dự phòng gồm 8 ký tự" in _text(client.post(VERIFY, {"code": "12"}))
    assert "Bạn còn 4 lần thử." in _text(client.post(VERIFY, {"code": _wrong_code(device)}))
    assert "Bạn còn 3 lần thử." in _text(client.post(VERIFY, {"code": "zzzz-zzzz"}))
    # A correct code clears the count.
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_django_otp_back_off_asks_to_wait(client, settings):
    settings.STAFF_2FA_REQUIRED = True
    user = StaffFactory()
    device, _codes = enrol_totp(user)
    _login(client, user.username)
    client.post(VERIFY, {"code": _wrong_code(device)})
    waiting = client.post(VERIFY, {"code": totp_code(device)})
    assert "Vui lòng đợi 1 giây rồi thử lại." in _text(waiting)


def test_five_failed_codes_log_out_and_lock_the_account(client, two_factor):
    user = StaffFactory()
    device, _codes = enrol_totp(user)
    _login(client, user.username)
    for _ in range(4):
        assert client.post(VERIFY, {"code": _wrong_code(device)}).status_code == 200
    locked = client.post(VERIFY, {"code": _wrong_code(device)}, follow=True)
    assert locked.redirect_chain[0] == ("/admin/login/", 302)
    assert "tạm thời bị khóa đăng nhập 15 phút" in _text(locked)
    assert not locked.wsgi_request.user.is_authenticated
    # Even the right password is refused now.
    refused = _login(client, user.username)
    assert refused.status_code == 200 and "tạm thời bị khóa" in _text(refused)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert _actions(user) == ["skhcn.staff.login"] + ["skhcn.staff.otp_failed"] * 5 + ["skhcn.staff.locked"]


def test_failed_enrolment_codes_lock_too(client, two_factor):
    user = StaffFactory()
    _login(client, user.username)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    for _ in range(4):
        client.post(ENROL, {"code": _wrong_code(device)})
    response = client.post(ENROL, {"code": _wrong_code(device)})
    assert response["Location"] == "/admin/login/"
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 5
    refused = _login(client, user.username)
    assert refused.status_code == 200 and "tạm thời bị khóa" in _text(refused)


# --- Password lockout ---


def test_password_lockout_refuses_the_right_password_until_the_lock_ends(client):
    user = StaffFactory()
    other = StaffFactory()
    for attempt in range(4):
        response = _login(client, user.username, "sai-mat-khau")
        assert response.status_code == 200 and "tạm thời bị khóa" not in _text(response), attempt
    fifth = _login(client, user.username, "sai-mat-khau")
    assert "Tài khoản này tạm thời bị khóa đăng nhập" in _text(fifth)
    refused = _login(client, user.username)
    assert refused.status_code == 200 and "tạm thời bị khóa" in _text(refused)
    assert "_auth_user_id" not in client.session
    # Another account is not affected.
    assert _login(client, other.username).status_code == 302
    client.post("/admin/logout/")
    # The lock holds for 15 minutes after the fifth failure, then the right password works.
    _age_failures(14)
    assert "tạm thời bị khóa" in _text(_login(client, user.username))
    _age_failures(2)
    assert _login(client, user.username).status_code == 302
    assert _actions(user) == ["skhcn.staff.login_failed"] * 5 + ["skhcn.staff.locked", "skhcn.staff.login"]
    entry = ModelLogEntry.objects.filter(action="skhcn.staff.login_failed").first()
    assert entry.data["username"] == user.username and entry.data["ip"] == "127.0.0.1" and entry.user is None


def test_staff_lockout_holds_while_redis_is_down(client, two_factor, redis_down):
    """Wrong passwords and wrong two-factor codes lock from the database: a dead cache changes nothing."""
    user = StaffFactory()
    device, _codes = enrol_totp(user)
    with redis_down:
        for _ in range(4):
            assert "tạm thời bị khóa" not in _text(_login(client, user.username, "sai-mat-khau"))
        assert "tạm thời bị khóa" in _text(_login(client, user.username, "sai-mat-khau"))
        refused = _login(client, user.username)
        assert refused.status_code == 200 and "tạm thời bị khóa" in _text(refused)
        _age_failures(16)
        assert _login(client, user.username).status_code == 302
        for _ in range(4):
            client.post(VERIFY, {"code": _wrong_code(device)})
        locked = client.post(VERIFY, {"code": _wrong_code(device)}, follow=True)
        assert "tạm thời bị khóa đăng nhập 15 phút" in _text(locked)
        assert not locked.wsgi_request.user.is_authenticated
    assert _actions(user)[-2:] == ["skhcn.staff.otp_failed", "skhcn.staff.locked"]


def test_administrator_sees_and_clears_lockouts_in_the_django_admin(client, two_factor):
    user = StaffFactory()
    for _ in range(5):
        _login(client, user.username, "sai-mat-khau")
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", PASSWORD)
    verified_staff_login(client, admin)
    listing = client.get("/django-admin/axes/accessattempt/")
    assert listing.status_code == 200 and user.username in _text(listing)
    attempt = AccessAttempt.objects.get(username=user.username)
    deleted = client.post(f"/django-admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not AccessAttempt.objects.exists()
    client.post("/admin/logout/")
    assert _login(client, user.username).status_code == 302


def test_other_login_paths_get_a_vietnamese_lockout_page(rf):
    """axes' middleware answers a lockout the view did not explain with a 429 page in Vietnamese."""
    request = rf.post("/somewhere/")
    response = lockout.lockout_response(request, HttpResponse("original"))
    assert response.status_code == 429 and "Tài khoản này đã bị tạm khóa đăng nhập 15 phút" in _text(response)
    lockout.explained(request)
    assert _text(lockout.lockout_response(request, HttpResponse("original"))) == "original"


def test_a_successful_login_clears_earlier_failures(client):
    user = StaffFactory()
    for _ in range(4):
        _login(client, user.username, "sai-mat-khau")
    assert _login(client, user.username).status_code == 302
    client.post("/admin/logout/")
    for _ in range(4):
        _login(client, user.username, "sai-mat-khau")
    assert _login(client, user.username).status_code == 302


def test_unknown_usernames_lock_without_audit_entries(client):
    for _ in range(5):
        response = _login(client, "khong-ton-tai", "x")
    assert "tạm thời bị khóa" in _text(response)
    assert not ModelLogEntry.objects.filter(action__startswith="skhcn.staff.").exists()


# --- Who is gated, exempt paths ---


def test_citizens_cannot_enrol_or_reach_the_admin(client, two_factor):
    citizen = ApplicantFactory()
    client.force_login(citizen)
    for path in ("/admin/", ENROL, VERIFY, MANAGE):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), path
    assert client.post(ENROL, {"code": "123456"})["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.filter(user=citizen).exists()
    assert client.get("/django-admin/")["Location"].startswith("/django-admin/login/")
    # Citizen pages are not gated.
    assert client.get("/tai-khoan/").status_code == 200


def test_exempt_paths_stay_reachable_before_verification(client, two_factor):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", PASSWORD)
    client.force_login(user)
    assert client.get(ENROL).status_code == 200
    assert client.get("/admin/jsi18n/").status_code == 200
    assert client.get("/admin/sprite/").status_code == 200
    # Wagtail's login page sends a logged-in user on, and the gate then asks for the code.
    assert client.get("/admin/login/")["Location"] == "/admin/"
    # Not exempt: the two-factor settings page and the Django admin.
    assert client.get(MANAGE)["Location"].startswith(ENROL)
    assert client.get("/django-admin/")["Location"] == f"{ENROL}?next=%2Fdjango-admin%2F"
    assert client.get("/static/wagtailadmin/css/core.css").status_code in {200, 404}
    logout = client.post("/admin/logout/")
    assert logout.status_code == 302 and "_auth_user_id" not in client.session


def test_django_admin_login_goes_through_the_wagtail_login(client):
    response = client.get("/django-admin/login/?next=/django-admin/ratings/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=%2Fdjango-admin%2Fratings%2F"


def test_two_factor_can_be_switched_off(client, settings):
    settings.STAFF_2FA_REQUIRED = False
    user = StaffFactory()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    assert "chưa thiết lập" in _text(client.get(MANAGE))


def test_verified_staff_login_helper(client, two_factor):
    user = StaffFactory(role=StaffRole.LEADER)
    device = verified_staff_login(client, user)
    assert device.confirmed and device.user == user
    assert client.get("/admin/").status_code == 200


# --- Managing devices ---


def test_account_menu_and_own_reset_after_re_verifying(client, two_factor):
    user = StaffFactory()
    device = verified_staff_login(client, user)
    assert MANAGE in _text(client.get("/admin/account/"))
    page = client.get(MANAGE)
    assert "đã thiết lập" in _text(page) and "Còn <strong>10</strong> mã dự phòng" in _text(page)
    refused = client.post(MANAGE, {"action": "reset", "code": _wrong_code(device)})
    assert refused.status_code == 200 and TOTPDevice.objects.filter(user=user).exists()
    reset = client.post(MANAGE, {"action": "reset", "code": totp_code(device)})
    assert reset["Location"] == ENROL
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticDevice.objects.filter(user=user).exists()
    assert client.get("/admin/")["Location"].startswith(ENROL)
    assert _actions(user)[-1] == "skhcn.staff.2fa_reset"


def test_new_recovery_codes_replace_the_old_ones(client, two_factor):
    user = StaffFactory()
    verified_staff_login(client, user)
    old = [t.token for t in StaticToken.objects.filter(device__user=user)]
    response = client.post(MANAGE, {"action": "new_codes", "code": old[0]})
    assert response["Location"] == CODES
    codes = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", _text(client.get(CODES)))
    assert len(codes) == 10
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert client.get("/admin/").status_code == 200  # still verified
    assert "skhcn.staff.recovery_codes" in _actions(user)


def test_administrator_resets_another_users_device(client, two_factor):
    admin = StaffFactory(role=StaffRole.ADMINISTRATOR)
    target = StaffFactory(role=StaffRole.SPECIALIST)
    enrol_totp(target)
    verified_staff_login(client, admin)
    listing = _text(client.get("/admin/users/"))
    assert f"/admin/xac-thuc-hai-buoc/dat-lai/{target.pk}/" in listing
    url = f"/admin/xac-thuc-hai-buoc/dat-lai/{target.pk}/"
    assert "Đặt lại xác thực hai bước" in _text(client.get(url))
    response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    entry = ModelLogEntry.objects.filter(action="skhcn.staff.2fa_reset").get()
    assert entry.object_id == str(target.pk) and entry.user == admin


def test_only_administrators_reset_other_users(client, two_factor):
    specialist = StaffFactory(role=StaffRole.SPECIALIST)
    target = StaffFactory()
    enrol_totp(target)
    verified_staff_login(client, specialist)
    response = client.post(f"/admin/xac-thuc-hai-buoc/dat-lai/{target.pk}/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert TOTPDevice.objects.filter(user=target).exists()


# --- Audit log report ---


def test_security_events_show_in_the_wagtail_log_report(client, two_factor):
    user = StaffFactory()
    _login(client, user.username, "sai-mat-khau")
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", PASSWORD)
    verified_staff_login(client, admin)
    html = _text(client.get("/admin/reports/site-history/"))
    assert "Đăng nhập thất bại" in html or "Sai mật khẩu khi đăng nhập trang quản trị" in html
    filtered = client.get("/admin/reports/site-history/", {"action": "skhcn.staff.login_failed"})
    assert filtered.status_code == 200 and user.username in _text(filtered)


# --- Roles and groups ---


def test_role_groups_exist_after_migrate_and_grant_admin_access():
    groups = Group.objects.filter(name__in=ROLE_GROUPS.values())
    assert sorted(groups.values_list("name", flat=True)) == sorted(
        ["Bộ phận Một cửa", "Lãnh đạo phòng", "Chuyên viên", "Lãnh đạo Sở", "Văn thư", "Quản trị hệ thống"]
    )
    for group in groups:
        assert group.permissions.filter(codename="access_admin", content_type__app_label="wagtailadmin").exists()
    ensure_role_groups()
    assert Group.objects.filter(name__in=ROLE_GROUPS.values()).count() == 6


def test_profiles_put_users_in_their_role_group_and_helpers():
    division = DivisionFactory()
    user = StaffFactory(role=StaffRole.DIVISION_HEAD, division=division)
    assert list(user.groups.values_list("name", flat=True)) == ["Lãnh đạo phòng"]
    assert user.has_perm("wagtailadmin.access_admin")
    assert staff_profile(user).division == division
    assert has_role(user, StaffRole.DIVISION_HEAD) and has_role(user, StaffRole.LEADER, StaffRole.DIVISION_HEAD)
    assert not has_role(user, StaffRole.ADMINISTRATOR)
    profile = user.staff_profile
    profile.role = StaffRole.LEADER
    profile.save()
    user = get_user_model().objects.get(pk=user.pk)
    assert list(user.groups.values_list("name", flat=True)) == ["Lãnh đạo Sở"]
    assert has_role(user, StaffRole.LEADER) and not has_role(user, StaffRole.DIVISION_HEAD)
    profile.delete()
    assert not get_user_model().objects.get(pk=user.pk).groups.exists()

    superuser = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "x")
    assert has_role(superuser, StaffRole.ADMINISTRATOR) and not has_role(superuser, StaffRole.CLERK)
    assert staff_profile(superuser) is None
    citizen = ApplicantFactory()
    assert staff_profile(citizen) is None and not has_role(citizen, *StaffRole.values)
    assert staff_profile(None) is None and not has_role(None, StaffRole.CLERK)


def test_staff_admin_is_for_administrators_only(client):
    admin = StaffFactory(role=StaffRole.ADMINISTRATOR)
    specialist = StaffFactory(role=StaffRole.SPECIALIST)
    division = DivisionFactory(name="Phòng Thử nghiệm")
    new_user = get_user_model().objects.create_user("moi", "moi@example.invalid", "x")

    client.force_login(specialist)
    assert "/admin/can-bo/" not in _text(client.get("/admin/"))
    assert client.get("/admin/can-bo/").status_code == 302
    assert client.get("/admin/phong-chuyen-mon/").status_code == 302

    client.force_login(admin)
    sidebar = _text(client.get("/admin/"))
    assert "/admin/can-bo/" in sidebar and "staff_and_divisions" in sidebar
    listing = client.get("/admin/can-bo/")
    assert listing.status_code == 200 and "Chưa thiết lập" in _text(listing)
    assert "Phòng Thử nghiệm" in _text(client.get("/admin/phong-chuyen-mon/"))
    response = client.post(
        "/admin/can-bo/new/",
        {
            "user": new_user.pk,
            "full_name": "Nguyễn Văn Mới",
            "role": StaffRole.CLERK,
            "division": division.pk,
            "position": "Văn thư",
        },
    )
    assert response.status_code == 302, _text(response)
    assert StaffProfile.objects.get(user=new_user).role == StaffRole.CLERK
    assert list(new_user.groups.values_list("name", flat=True)) == ["Văn thư"]


# --- Demo staff ---


def test_demo_staff_are_created_once(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "logins.txt")
    lines = demo.ensure_demo_users()
    User = get_user_model()
    expected = {
        "admin": (StaffRole.ADMINISTRATOR, False),
        "motcua": (StaffRole.ONE_STOP, False),
        "truongphong": (StaffRole.DIVISION_HEAD, True),
        "chuyenvien": (StaffRole.SPECIALIST, True),
        "lanhdao": (StaffRole.LEADER, False),
        "vanthu": (StaffRole.CLERK, False),
    }
    stored = dict(line.split(" ", 1) for line in (tmp_path / "logins.txt").read_text().splitlines())
    for username, (role, in_division) in expected.items():
        user = User.objects.get(username=username)
        profile = user.staff_profile
        assert profile.role == role and has_role(user, role)
        assert (profile.division is not None) == in_division
        if in_division:
            assert profile.division.name == "Phòng Quản lý chuyên ngành (dữ liệu mẫu)"
        assert any(line.startswith(f"  {username} ") and stored[username] in line for line in lines)
        assert user.has_perm("wagtailadmin.access_admin")
    assert User.objects.get(username="admin").is_superuser
    assert any("xác thực hai bước" in line for line in lines)
    assert demo.ensure_demo_users() == lines
    assert StaffProfile.objects.count() == 6 and User.objects.count() == 9
