"""Two-factor gate for the back offices (``/admin/`` Wagtail, ``/django-admin/`` Django admin).

Placed after django-otp's ``OTPMiddleware``. When ``settings.STAFF_2FA_REQUIRED`` is on, a logged-in user who can
reach a back office and has not passed two-factor authentication in this session is sent to the enrolment page
(no app confirmed yet) or to the code page. The login/logout pages, the two pages themselves, Wagtail's icon sprite
and translation catalogue, and static files are exempt. Users without back-office access (citizens) pass through
untouched: Wagtail and Django turn them away as before.

The Django admin's own login page is sent to the Wagtail login so that lockout and auditing apply to it too.
"""

from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import security

BACK_OFFICES = ("/admin/", "/django-admin/")


@cache
def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("wagtailadmin_login"),
        reverse("wagtailadmin_logout"),
        reverse("wagtailadmin_sprite"),
        reverse("wagtailadmin_javascript_catalog"),
        reverse("wagtailadmin_password_reset"),
        reverse("staff_2fa:enrol"),
        reverse("staff_2fa:verify"),
    )


@cache
def _django_admin_login() -> str:
    return reverse("admin:login")


def is_exempt(path: str) -> bool:
    return path.startswith(settings.STATIC_URL) or any(path.startswith(prefix) for prefix in _exempt_paths())


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(BACK_OFFICES):
            if path == _django_admin_login():
                query = urlencode({"next": request.GET.get("next") or "/django-admin/"})
                return HttpResponseRedirect(f"{reverse('wagtailadmin_login')}?{query}")
            if security.two_factor_required() and not is_exempt(path):
                user = request.user
                if security.needs_two_factor(user) and not security.is_verified(user):
                    return self._redirect(request, user)
        return self.get_response(request)

    def _redirect(self, request, user):
        target = "staff_2fa:verify" if security.has_two_factor(user) else "staff_2fa:enrol"
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
