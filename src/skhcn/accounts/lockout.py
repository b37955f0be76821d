"""Login lockout on django-axes (database handler: it works without Redis).

One policy for the citizen login, the staff (Wagtail admin) login and the staff two-factor codes: after
``AXES_FAILURE_LIMIT`` failures for one login name, that login name is refused for ``AXES_COOLOFF_TIME`` since the
last failure, whatever the address or browser. Wrong passwords reach axes through Django's ``user_login_failed``
signal (sent by ``authenticate``); wrong two-factor codes are sent the same way by :func:`record_failure`. A
successful login clears the count (``AXES_RESET_ON_SUCCESS``). Administrators see and delete lockouts in the Django
admin (``/django-admin/axes/``) or with ``manage.py axes_reset_username``.

The login forms check :func:`is_locked` before the password and show their own Vietnamese message; axes' middleware
then keeps that page (:func:`lockout_response`) and answers other login paths with a Vietnamese lockout page.
"""

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import render

USERNAME_MAX_LENGTH = 255  # axes' AccessAttempt.username
EXPLAINED_ATTRIBUTE = "skhcn_lockout_explained"


def normalize_login_name(name: str) -> str:
    """Login names are locked without case: "Admin" and "admin" share one count (e-mail logins are lower-cased)."""
    return (name or "").strip().lower()[:USERNAME_MAX_LENGTH]


def login_name(request, credentials: dict | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the login name of an attempt, from the credentials or else the posted form."""
    source = credentials if credentials else getattr(request, "POST", {})
    return normalize_login_name(source.get("username") or "") or None


def _credentials(username: str) -> dict:
    return {"username": normalize_login_name(username)}


def max_failures() -> int:
    return int(settings.AXES_FAILURE_LIMIT)


def lock_minutes() -> int:
    cool_off = get_cool_off() or timedelta(0)
    return max(1, int(cool_off.total_seconds() // 60))


def is_locked(request, username: str) -> bool:
    """True while ``username`` may not log in (nor enter a two-factor code)."""
    return bool(username) and not AxesProxyHandler.is_allowed(request, _credentials(username))


def failures(request, username: str) -> int:
    """Failures counted for ``username`` within the cool-off period."""
    return AxesProxyHandler.get_failures(request, _credentials(username))


def record_failure(request, username: str) -> None:
    """Count a failure that Django's ``authenticate`` does not see (a wrong two-factor code)."""
    user_login_failed.send(sender=__name__, credentials=_credentials(username), request=request)


def locked_now(request) -> bool:
    """True when a failure counted during this request reached the limit."""
    return bool(getattr(request, "axes_locked_out", False))


def clear(username: str) -> None:
    """Forget the failures of ``username`` (after a full login, or a password reset through the e-mail link)."""
    AxesProxyHandler.reset_attempts(username=normalize_login_name(username))


def explained(request) -> None:
    """The view has told the user about the lockout itself: axes' middleware keeps the view's response."""
    setattr(request, EXPLAINED_ATTRIBUTE, True)


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: keep a response that already explains the lockout, else a Vietnamese page (429)."""
    if original_response is not None and getattr(request, EXPLAINED_ATTRIBUTE, False):
        return original_response
    context = {"count": max_failures(), "minutes": lock_minutes()}
    return render(request, "accounts/locked.html", context, status=429)
