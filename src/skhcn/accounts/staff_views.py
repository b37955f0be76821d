"""Back-office sign-in: the Wagtail login with lockout, and the two-factor pages inside the Wagtail admin.

The two-factor pages are registered through ``register_admin_urls`` (see ``wagtail_hooks``), so Wagtail's
``access_admin`` check runs first: citizens can neither enrol nor verify.
"""

from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import logout as auth_logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from wagtail.admin.views.account import LoginView

from . import lockout, security, services
from .staff import is_administrator, staff_profile

RECOVERY_SESSION_KEY = "skhcn_recovery_codes"


class Messages:
    LOCKED = (
        "Tài khoản này tạm thời bị khóa đăng nhập {minutes} phút vì nhập sai mật khẩu hoặc mã xác thực {count}"
        " lần. Vui lòng thử lại sau {minutes} phút, hoặc liên hệ quản trị hệ thống."
    )
    CODE_REQUIRED = "Vui lòng nhập mã xác thực."
    CODE_MALFORMED = "Mã gồm 6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng gồm 8 ký tự (ví dụ abcd-efgh)."
    ENROL_CODE_MALFORMED = "Vui lòng nhập mã gồm 6 chữ số đang hiện trong ứng dụng xác thực."
    CODE_WRONG = "Mã xác thực không đúng hoặc đã hết hạn. Bạn còn {left} lần thử."
    THROTTLED = "Bạn vừa nhập sai mã. Vui lòng đợi {seconds} giây rồi thử lại."
    VERIFIED_WITH_RECOVERY = (
        "Bạn đã đăng nhập bằng một mã dự phòng; mã này không dùng lại được. Còn {left} mã dự phòng."
        " Nếu bị mất điện thoại, hãy đặt lại xác thực hai bước tại mục “Xác thực hai bước” trong tài khoản."
    )
    ENROLLED = "Đã thiết lập xác thực hai bước."
    CODES_SHOWN_ONCE = "Mã dự phòng chỉ hiển thị một lần. Bạn có thể tạo bộ mã mới tại đây."
    RESET_SELF = "Đã xóa ứng dụng xác thực và mã dự phòng. Hãy thiết lập lại ngay bây giờ."
    RESET_OTHER = "Đã đặt lại xác thực hai bước của “{user}”. Lần đăng nhập tới, người này sẽ thiết lập lại."


def locked_message(request) -> str:
    """The lockout message; the view that shows it keeps its answer (axes' middleware does not replace it)."""
    lockout.explained(request)
    return Messages.LOCKED.format(minutes=lockout.lock_minutes(), count=lockout.max_failures())


# --- Login with lockout ---


class LockoutLoginFormMixin:
    """Refuse a locked login before checking the password; audit wrong passwords (django-axes counts them)."""

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if username and self.cleaned_data.get("password") and security.login_locked(self.request, username):
            raise ValidationError(locked_message(self.request), code="locked")
        try:
            return super().clean()
        except ValidationError as error:
            if username and error.code == "invalid_login" and security.password_failed(self.request, username):
                raise ValidationError(locked_message(self.request), code="locked") from error
            raise


class StaffLoginView(LoginView):
    """Wagtail's login (``wagtailadmin_login``) with lockout and audit logging."""

    def get_form_class(self):
        base = super().get_form_class()
        return type(f"Lockout{base.__name__}", (LockoutLoginFormMixin, base), {})

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Wagtail's form gives the password field no label, so Django would show the English field name.
        form.fields["password"].label = "Mật khẩu"
        return form

    def form_valid(self, form):
        user = form.get_user()
        response = super().form_valid(form)
        if security.needs_two_factor(user):
            security.password_succeeded(self.request, user)
        return response


# --- Two-factor pages ---


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực",
        max_length=20,
        error_messages={"required": Messages.CODE_REQUIRED},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false", "autocapitalize": "off"}
        ),
    )

    def __init__(self, *args, numeric=False, **kwargs):
        super().__init__(*args, **kwargs)
        if numeric:
            self.fields["code"].widget.attrs.update(inputmode="numeric", pattern=r"[0-9 ]*", maxlength="7")


def _next_url(request) -> str:
    return services.safe_next(request) or reverse("wagtailadmin_home")


def _with_next(url: str, request) -> str:
    next_url = services.safe_next(request)
    return f"{url}?next={quote(next_url)}" if next_url else url


def _lock_out(request):
    message = locked_message(request)
    auth_logout(request)
    messages.error(request, message)
    return redirect("wagtailadmin_login")


def _wrong_code(request, form, user) -> bool:
    """Count the failure; returns True when the account is now locked (caller logs the user out)."""
    left = security.otp_failed(request, user)
    if left == 0:
        return True
    form.add_error("code", Messages.CODE_WRONG.format(left=left))
    return False


def _check_into_form(request, form, user):
    """Check the form's code; on failure put the message in the form. Returns (CodeCheck | None, locked)."""
    result = security.check_code(user, form.cleaned_data["code"])
    if result.ok:
        security.otp_succeeded(user)
        if result.recovery:
            security.audit(user, "skhcn.staff.recovery_code_used", request, by=user)
        return result, False
    if result.malformed:
        form.add_error("code", Messages.CODE_MALFORMED)
    elif result.throttled_until is not None:
        seconds = max(1, int((result.throttled_until - timezone.now()).total_seconds() + 0.999))
        form.add_error("code", Messages.THROTTLED.format(seconds=seconds))
    elif _wrong_code(request, form, user):
        return None, True
    return None, False


@require_http_methods(["GET", "POST"])
def enrol(request):
    user = request.user
    if not security.needs_two_factor(user):
        raise PermissionDenied
    if security.has_two_factor(user):
        if security.is_verified(user):
            return redirect("staff_2fa:manage")
        return redirect(_with_next(reverse("staff_2fa:verify"), request))
    if security.login_locked(request, user.get_username()):
        return _lock_out(request)
    device = security.pending_totp(user)
    form = CodeForm(request.POST or None, numeric=True)
    if request.method == "POST" and form.is_valid():
        code = security.normalize_code(form.cleaned_data["code"])
        if not code.isdigit() or len(code) != 6:
            form.add_error("code", Messages.ENROL_CODE_MALFORMED)
        elif codes := security.confirm_enrolment(device, code):
            otp_login(request, security.confirmed_totp(user))
            security.otp_succeeded(user)
            security.audit(user, "skhcn.staff.2fa_enrolled", request, by=user)
            request.session[RECOVERY_SESSION_KEY] = {"codes": codes, "next": _next_url(request)}
            messages.success(request, Messages.ENROLLED)
            return redirect("staff_2fa:recovery_codes")
        elif _wrong_code(request, form, user):
            return _lock_out(request)
    return render(
        request,
        "accounts/staff/enrol.html",
        {
            "page_title": "Thiết lập xác thực hai bước",
            "form": form,
            "qr_svg": security.qr_svg(device),
            "secret": security.secret_groups(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "account": user.get_username(),
            "next": services.safe_next(request),
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    user = request.user
    if not security.needs_two_factor(user):
        raise PermissionDenied
    if not security.has_two_factor(user):
        return redirect(_with_next(reverse("staff_2fa:enrol"), request))
    if security.is_verified(user):
        return redirect(_next_url(request))
    if security.login_locked(request, user.get_username()):
        return _lock_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result, locked = _check_into_form(request, form, user)
        if locked:
            return _lock_out(request)
        if result is not None:
            otp_login(request, result.device)
            if result.recovery:
                messages.warning(
                    request, Messages.VERIFIED_WITH_RECOVERY.format(left=security.recovery_codes_left(user))
                )
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/staff/verify.html",
        {
            "page_title": "Xác thực hai bước",
            "form": form,
            "next": services.safe_next(request),
            "account": user.get_username(),
        },
    )


def recovery_codes(request):
    """The fresh recovery codes, shown once (they are taken out of the session)."""
    stash = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not stash:
        messages.info(request, Messages.CODES_SHOWN_ONCE)
        return redirect("staff_2fa:manage")
    codes = stash["codes"]
    text = "\n".join(
        [f"Mã dự phòng đăng nhập {settings.WAGTAIL_SITE_NAME} — tài khoản {request.user.get_username()}"]
        + codes
        + ["Mỗi mã chỉ dùng được một lần."]
    )
    return render(
        request,
        "accounts/staff/recovery_codes.html",
        {
            "page_title": "Mã dự phòng",
            "codes": codes,
            "download_href": "data:text/plain;charset=utf-8," + quote(text),
            "next": stash["next"],
        },
    )


@require_http_methods(["GET", "POST"])
def manage(request):
    """The user's own two-factor settings: new recovery codes or a reset, each after entering a current code."""
    user = request.user
    enrolled = security.has_two_factor(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and enrolled and form.is_valid():
        action = request.POST.get("action")
        if action in {"reset", "new_codes"}:
            result, locked = _check_into_form(request, form, user)
            if locked:
                return _lock_out(request)
            if result is not None and action == "reset":
                security.reset_two_factor(user)
                request.session.pop(DEVICE_ID_SESSION_KEY, None)
                security.audit(user, "skhcn.staff.2fa_reset", request, by=user)
                messages.success(request, Messages.RESET_SELF)
                return redirect("staff_2fa:enrol")
            if result is not None:
                codes = security.make_recovery_codes(user)
                # Re-verifying with a recovery code consumed one: the session stays verified by the app device.
                if result.recovery:
                    otp_login(request, security.confirmed_totp(user))
                security.audit(user, "skhcn.staff.recovery_codes", request, by=user)
                request.session[RECOVERY_SESSION_KEY] = {"codes": codes, "next": reverse("staff_2fa:manage")}
                return redirect("staff_2fa:recovery_codes")
    device = security.confirmed_totp(user)
    return render(
        request,
        "accounts/staff/manage.html",
        {
            "page_title": "Xác thực hai bước",
            "header_icon": "key",
            "form": form,
            "device": device,
            "enrolled": enrolled,
            "codes_left": security.recovery_codes_left(user) if enrolled else 0,
            "required": security.two_factor_required(),
        },
    )


@require_http_methods(["GET", "POST"])
def admin_reset(request, user_id: int):
    """An administrator removes another user's app and recovery codes (lost phone)."""
    if not is_administrator(request.user):
        raise PermissionDenied
    target = get_object_or_404(get_user_model(), pk=user_id)
    if request.method == "POST":
        security.reset_two_factor(target)
        security.audit(target, "skhcn.staff.2fa_reset", request, by=request.user)
        messages.success(request, Messages.RESET_OTHER.format(user=target.get_username()))
        return redirect(services.safe_next(request) or reverse("wagtailusers_users:index"))
    profile = staff_profile(target)
    return render(
        request,
        "accounts/staff/admin_reset.html",
        {
            "page_title": "Đặt lại xác thực hai bước",
            "header_icon": "key",
            "target": target,
            "profile": profile,
            "enrolled": security.has_two_factor(target),
            "next": services.safe_next(request),
        },
    )
