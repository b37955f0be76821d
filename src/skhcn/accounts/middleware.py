"""Two-factor gate: a back-office user who typed the password but not the code reaches no page but the code page.

Placed after django-otp's ``OTPMiddleware``. When ``settings.STAFF_2FA_REQUIRED`` is on, a logged-in user who can
reach a back office (Wagtail admin or Django admin) and has not passed two-factor authentication in this session is
sent to the enrolment page (no app confirmed yet) or to the code page, from EVERY path of the site: back offices,
citizen pages (profile, password change, notifications, dossiers, payments), public pages and every POST alike. Only
what finishing or abandoning the sign-in needs stays reachable: the admin login and logout, the citizen logout, the
two pages themselves, Wagtail's icon sprite and translation catalogue, and static files. Anonymous visitors and users
without back-office access (citizens) pass through untouched.

The Django admin's own login page is sent to the Wagtail login so that lockout and auditing apply to it too.
"""

from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import security


@cache
def _exempt_paths() -> frozenset[str]:
    return frozenset(
        reverse(name)
        for name in (
            "wagtailadmin_login",
            "wagtailadmin_logout",
            "wagtailadmin_sprite",
            "wagtailadmin_javascript_catalog",
            "accounts:logout",
            "staff_2fa:enrol",
            "staff_2fa:verify",
        )
    )


@cache
def _django_admin_login() -> str:
    return reverse("admin:login")


def is_exempt(path: str) -> bool:
    return path in _exempt_paths() or path.startswith(settings.STATIC_URL)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if security.two_factor_required() and not is_exempt(path):
            user = request.user
            if security.needs_two_factor(user) and not security.is_verified(user):
                return self._redirect(request, user)
        if path == _django_admin_login():
            query = urlencode({"next": request.GET.get("next") or "/django-admin/"})
            return HttpResponseRedirect(f"{reverse('wagtailadmin_login')}?{query}")
        return self.get_response(request)

    def _redirect(self, request, user):
        target = "staff_2fa:verify" if security.has_two_factor(user) else "staff_2fa:enrol"
        url = reverse(target)
        if request.method in ("GET", "HEAD"):
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
