import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from skhcn.accounts.constants import ApplicantKind

from .factories import PASSWORD, ApplicantFactory, ApplicantProfileFactory

pytestmark = pytest.mark.django_db


def test_applicant_factory_makes_a_verified_citizen():
    user = ApplicantFactory()
    assert user.applicant_profile.email_verified
    assert user.applicant_profile.kind == ApplicantKind.CITIZEN
    assert user.username == user.email
    # django-axes needs the request to check the lockout.
    assert authenticate(RequestFactory().post("/"), username=user.username, password=PASSWORD) == user


def test_applicant_factory_traits():
    assert not ApplicantFactory(unverified=True).applicant_profile.email_verified
    business = ApplicantFactory(business=True, profile__phone="0912345678").applicant_profile
    assert business.kind == ApplicantKind.BUSINESS and business.phone == "0912345678"
    assert len(business.id_number) == 10


def test_profile_factory_makes_its_user():
    profile = ApplicantProfileFactory(full_name="Trần Thị B")
    assert profile.user.applicant_profile == profile
