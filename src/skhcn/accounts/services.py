"""Account logic: registration, e-mail verification. Views stay thin (login lockout: ``lockout``)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Q
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from skhcn.core.throttle import Fallback, Throttle, ThrottleUnavailable

from .models import ApplicantProfile
from .tasks import send_email

VERIFY_SALT = "skhcn.accounts.verify-email"
VERIFY_MAX_AGE = timedelta(days=3)
RESEND_INTERVAL_SECONDS = 60
# One verification e-mail a minute per account; refused while the shared throttle storage is down (no mail flood).
RESEND_THROTTLE = Throttle("verify-resend", lambda: (1, RESEND_INTERVAL_SECONDS), Fallback.REFUSE)


def get_profile(user) -> ApplicantProfile | None:
    """The applicant profile of a logged-in citizen or business, or None (anonymous users, staff without one)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.applicant_profile
    except ObjectDoesNotExist:
        return None


def normalize_email(email: str) -> str:
    """Logins are e-mail addresses compared without case: store and look them up lower-cased."""
    return (email or "").strip().lower()


def email_taken(email: str) -> bool:
    email = normalize_email(email)
    return get_user_model().objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists()


# --- Registration and e-mail verification ---


def register_applicant(data: dict, verify_url_builder) -> tuple:
    """Create the user and its profile in one transaction; the verification e-mail leaves after commit.

    ``verify_url_builder(path)`` turns the verification path into an absolute URL (``request.build_absolute_uri``).
    """
    email = normalize_email(data["email"])
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=email, email=email, password=data["password1"])
        profile = ApplicantProfile.objects.create(
            user=user,
            kind=data["kind"],
            full_name=data["full_name"],
            phone=data["phone"],
            id_number=data["id_number"],
            address=data["address"],
            identity_provider="local",
        )
        queue_verification_email(user, verify_url_builder)
    return user, profile


def make_verification_token(user) -> str:
    # The address is signed too: a link sent to an old address stops working once the address changes.
    return signing.dumps({"u": user.pk, "e": normalize_email(user.email)}, salt=VERIFY_SALT, compress=True)


def queue_verification_email(user, verify_url_builder) -> None:
    url = verify_url_builder(reverse("accounts:verify", args=[make_verification_token(user)]))
    context = {
        "user": user,
        "profile": get_profile(user),
        "url": url,
        "days": VERIFY_MAX_AGE.days,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    subject = " ".join(render_to_string("accounts/email/verify_subject.txt", context).split())
    body = render_to_string("accounts/email/verify_body.txt", context)
    recipient = user.email
    transaction.on_commit(lambda: send_email.enqueue(subject, body, recipient))


@dataclass
class VerificationResult:
    ok: bool
    expired: bool = False
    user: object = None


def verify_email(token: str) -> VerificationResult:
    """Mark the address verified if the token is genuine, unexpired and still matches the account."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        return VerificationResult(ok=False, expired=True)
    except signing.BadSignature:
        return VerificationResult(ok=False)
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    profile = get_profile(user)
    if profile is None or normalize_email(user.email) != data.get("e"):
        return VerificationResult(ok=False)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
    return VerificationResult(ok=True, user=user)


def resend_verification(user, verify_url_builder) -> str:
    """Send a fresh link at most once a minute per user.

    Returns "sent", "throttled", "unavailable" (the throttle cannot count: refused), "verified" or "no_profile".
    """
    profile = get_profile(user)
    if profile is None:
        return "no_profile"
    if profile.email_verified:
        return "verified"
    try:
        if not RESEND_THROTTLE.hit(str(user.pk)):
            return "throttled"
    except ThrottleUnavailable:
        return "unavailable"
    queue_verification_email(user, verify_url_builder)
    return "sent"


# --- Redirects ---


def safe_next(request, field: str = "next") -> str:
    """The ``next`` parameter when it points to this site, else an empty string."""
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def default_after_login_url() -> str:
    """``LOGIN_REDIRECT_URL`` (the applicant's dossiers), or the profile page while that page does not exist."""
    try:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:
        return reverse("accounts:profile")
