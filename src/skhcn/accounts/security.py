"""Staff sign-in security: lockout after repeated failures, two-factor devices (TOTP + recovery codes), audit log.

Lockout is the citizens' one (``lockout``, django-axes in the database): five failures for one login name lock it
for 15 minutes, whether wrong passwords on the admin login or wrong two-factor codes. Events go to Wagtail's audit
log ("Nhật ký") against the user concerned.
"""

import logging
import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.functional import LazyObject, empty
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from skhcn.core.net import client_ip

from . import lockout

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Ứng dụng xác thực"
STATIC_DEVICE_NAME = "Mã dự phòng"
ADMIN_ACCESS = "wagtailadmin.access_admin"


# --- Who needs two-factor authentication ---


def needs_two_factor(user) -> bool:
    """Users who can reach a back office (Wagtail admin or Django admin); citizens never do."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or user.has_perm(ADMIN_ACCESS))
    )


def is_verified(user) -> bool:
    checker = getattr(user, "is_verified", None)
    return bool(checker and checker())


# --- Lockout ---


def login_locked(request, username: str) -> bool:
    return lockout.is_locked(request, username)


def password_failed(request, username: str) -> bool:
    """Audit a wrong password (django-axes has counted it); returns True when this failure locked the login."""
    user = _user_named(username)
    locked = lockout.locked_now(request)
    if user is not None:
        audit(user, "skhcn.staff.login_failed", request, username=username)
        if locked:
            audit(user, "skhcn.staff.locked", request, reason="password")
    else:
        logger.warning("Failed admin login for unknown username %r (locked: %s)", username[:150], locked)
    return locked


def password_succeeded(request, user) -> None:
    audit(user, "skhcn.staff.login", request, by=user)


def otp_failed(request, user) -> int:
    """Count a wrong two-factor code as a failed login; the fifth locks the login. Returns the attempts left."""
    username = user.get_username()
    lockout.record_failure(request, username)
    failures = lockout.failures(request, username)
    audit(user, "skhcn.staff.otp_failed", request, by=user, attempt=failures)
    left = max(0, lockout.max_failures() - failures)
    if left == 0 or lockout.locked_now(request):
        audit(user, "skhcn.staff.locked", request, by=user, reason="otp")
        return 0
    return left


def otp_succeeded(user) -> None:
    """The login is complete: earlier wrong codes no longer count."""
    lockout.clear(user.get_username())


def _user_named(username: str):
    User = get_user_model()
    return User.objects.filter(**{User.USERNAME_FIELD: username}).first()


# --- Audit log ---

LOG_ACTIONS = {
    "skhcn.staff.login": ("Đăng nhập quản trị", "Đăng nhập trang quản trị thành công"),
    "skhcn.staff.login_failed": ("Đăng nhập thất bại", "Sai mật khẩu khi đăng nhập trang quản trị"),
    "skhcn.staff.otp_failed": ("Sai mã xác thực hai bước", "Nhập sai mã xác thực hai bước"),
    "skhcn.staff.locked": ("Tạm khóa đăng nhập", "Tài khoản bị tạm khóa đăng nhập do nhập sai nhiều lần"),
    "skhcn.staff.2fa_enrolled": ("Thiết lập xác thực hai bước", "Đã thiết lập ứng dụng xác thực"),
    "skhcn.staff.2fa_reset": ("Đặt lại xác thực hai bước", "Đã xóa ứng dụng xác thực và mã dự phòng"),
    "skhcn.staff.recovery_codes": ("Tạo mã dự phòng", "Đã tạo bộ mã dự phòng mới"),
    "skhcn.staff.recovery_code_used": ("Dùng mã dự phòng", "Xác thực hai bước bằng mã dự phòng"),
}


def register_log_actions(actions) -> None:
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


def _unwrap(obj):
    """The real object behind ``request.user`` (wrapped twice: auth and OTP middleware), which Wagtail's log needs."""
    while isinstance(obj, LazyObject):
        if obj._wrapped is empty:
            obj._setup()
        obj = obj._wrapped
    return obj


def audit(user, action: str, request=None, by=None, **data):
    """Log ``action`` about ``user`` (done by ``by``, None for anonymous) to Wagtail's audit log."""
    if request is not None:
        data["ip"] = client_ip(request)
    return log(_unwrap(user), action, user=_unwrap(by), data=data)


# --- Two-factor devices ---


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (the same secret across reloads of the enrolment page)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def secret_groups(device: TOTPDevice) -> str:
    """The base32 secret in groups of four characters, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    import segno  # loaded only when a staff member sets up two-step login, not by every process

    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, title="Mã QR thiết lập")


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def make_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODE_COUNT`` fresh ones; returns them (shown once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=STATIC_DEVICE_NAME, confirmed=True)
        tokens = set()
        while len(tokens) < RECOVERY_CODE_COUNT:
            tokens.add(StaticToken.random_token())
        StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in sorted(tokens))
    return [format_recovery_code(t) for t in sorted(tokens)]


def confirm_enrolment(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app; on success other devices go and recovery codes are made."""
    code = normalize_code(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk, confirmed=False).first()
        if device is None or not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        codes = make_recovery_codes(device.user)
    return codes


def reset_two_factor(user) -> None:
    """Remove the user's app and recovery codes: the next admin visit starts a new enrolment."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def normalize_code(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()


@dataclass
class CodeCheck:
    device: object = None
    malformed: bool = False
    throttled_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.device is not None

    @property
    def recovery(self) -> bool:
        return isinstance(self.device, StaticDevice)


def check_code(user, code: str) -> CodeCheck:
    """Check a 6-digit app code or an 8-character recovery code (used up on success) against the user's devices."""
    code = normalize_code(code)
    if re.fullmatch(r"\d{6}", code):
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    elif re.fullmatch(r"[a-z2-7]{8}", code):
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    else:
        return CodeCheck(malformed=True)
    for device in devices:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(throttled_until=(info or {}).get("locked_until"))
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return CodeCheck(device=verified)
    return CodeCheck()


def two_factor_required() -> bool:
    return settings.STAFF_2FA_REQUIRED
