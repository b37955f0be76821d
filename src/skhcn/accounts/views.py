from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from skhcn.core.sitemaps import absolute_url, base_url

from . import identity, lockout, services
from .forms import ChangePasswordForm, LoginForm, NewPasswordForm, ProfileForm, RegisterForm, ResetForm

AFTER_VERIFY_SESSION_KEY = "accounts_after_verify"


class Messages:
    VERIFICATION_SENT = (
        "Đã gửi thư xác thực đến {email}. Hãy mở thư và bấm vào đường liên kết trong vòng 3 ngày"
        " để xác thực địa chỉ thư điện tử."
    )
    RESENT = "Đã gửi lại thư xác thực đến {email}."
    RESEND_THROTTLED = "Ông/Bà vừa yêu cầu gửi thư xác thực. Vui lòng chờ một phút rồi thử lại."
    RESEND_UNAVAILABLE = "Hệ thống đang bận nên chưa gửi lại được thư xác thực. Vui lòng thử lại sau ít phút."
    ALREADY_VERIFIED = "Địa chỉ thư điện tử của Ông/Bà đã được xác thực."
    NO_PROFILE = "Tài khoản này không phải tài khoản công dân, doanh nghiệp."
    PROFILE_SAVED = "Đã lưu thông tin tài khoản."
    PASSWORD_CHANGED = "Đã đổi mật khẩu."  # noqa: S105
    LOGGED_OUT = "Ông/Bà đã đăng xuất."


def _noindex(response):
    response["X-Robots-Tag"] = "noindex"
    return response


def _absolute(request):
    """Links in e-mails start with the one configured base URL, not with the Host header of the request."""
    return absolute_url


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, _profile = services.register_applicant(form.cleaned_data, _absolute(request))
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, Messages.VERIFICATION_SENT.format(email=user.email))
        if next_url := services.safe_next(request):
            # Offered again once the e-mail is verified: registering usually interrupts a submission.
            request.session[AFTER_VERIFY_SESSION_KEY] = next_url
        return redirect(next_url or "accounts:profile")
    context = {"form": form, "next": services.safe_next(request)}
    return _noindex(render(request, "accounts/register.html", context, status=400 if form.errors else 200))


@never_cache
def verify(request, token):
    result = services.verify_email(token)
    if result.ok:
        continue_url = request.session.get(AFTER_VERIFY_SESSION_KEY, "") if request.user == result.user else ""
        context = {"verified_user": result.user, "continue_url": continue_url}
        return _noindex(render(request, "accounts/verify_done.html", context))
    context = {"expired": result.expired, "profile": services.get_profile(request.user)}
    return _noindex(render(request, "accounts/verify_failed.html", context, status=400))


@require_POST
@login_required
def resend_verification(request):
    outcome = services.resend_verification(request.user, _absolute(request))
    if outcome == "sent":
        messages.success(request, Messages.RESENT.format(email=request.user.email))
    elif outcome == "throttled":
        messages.warning(request, Messages.RESEND_THROTTLED)
    elif outcome == "unavailable":
        messages.error(request, Messages.RESEND_UNAVAILABLE)
    elif outcome == "verified":
        messages.info(request, Messages.ALREADY_VERIFIED)
    else:
        messages.error(request, Messages.NO_PROFILE)
    return redirect("accounts:profile")


@login_required
@never_cache
def profile(request):
    applicant = services.get_profile(request.user)
    form = ProfileForm(request.POST or None, instance=applicant) if applicant else None
    if request.method == "POST" and form is not None and form.is_valid():
        form.save()
        messages.success(request, Messages.PROFILE_SAVED)
        return redirect("accounts:profile")
    status = 400 if form is not None and form.errors else 200
    return _noindex(render(request, "accounts/profile.html", {"form": form, "profile": applicant}, status=status))


class NoIndexMixin:
    def render_to_response(self, context, **kwargs):
        return _noindex(super().render_to_response(context, **kwargs))


class LoginView(NoIndexMixin, auth_views.LoginView):
    """Django's login view (safe ``next`` only) with e-mail login and the configured identity providers."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return services.default_after_login_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        next_url = self.get_redirect_url()
        providers = identity.available_providers()
        context["local_login"] = any(p.uses_login_form for p in providers)
        context["other_providers"] = [
            {"provider": p, "url": p.login_url(self.request, next_url)} for p in providers if not p.uses_login_form
        ]
        return context


class LogoutView(auth_views.LogoutView):
    next_page = "/"

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, Messages.LOGGED_OUT)
        return response


class PasswordChangeView(NoIndexMixin, auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        messages.success(self.request, Messages.PASSWORD_CHANGED)
        return super().form_valid(form)


class PasswordResetView(NoIndexMixin, auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"site_name": settings.WAGTAIL_SITE_NAME, "base_url": base_url()}


class PasswordResetDoneView(NoIndexMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(NoIndexMixin, auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        # Whoever opened the e-mailed link controls the mailbox: a lockout on this login ends with the new password.
        response = super().form_valid(form)
        lockout.clear(form.user.get_username())
        return response


class PasswordResetCompleteView(NoIndexMixin, auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
