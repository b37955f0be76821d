"""Account logic: registration, e-mail verification, login throttling. Views stay thin."""

from django.core.exceptions import ObjectDoesNotExist

from .models import ApplicantProfile


def get_profile(user) -> ApplicantProfile | None:
    """The applicant profile of a logged-in citizen or business, or None (anonymous users, staff without one)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.applicant_profile
    except ObjectDoesNotExist:
        return None
