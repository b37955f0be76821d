"""factory-boy factories for citizen and business accounts.

``ApplicantFactory()`` is a ``User`` (username = e-mail) with a verified ``ApplicantProfile``; its password is
``PASSWORD``. ``ApplicantFactory(unverified=True)`` leaves the e-mail unverified, ``ApplicantFactory(business=True)``
makes an organisation with a tax code; profile fields are set with ``profile__<field>=...``.
"""

from functools import cache

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from skhcn.accounts.constants import ApplicantKind
from skhcn.accounts.models import ApplicantProfile

PASSWORD = "Mật-khẩu-thử-2026"


@cache
def _password_hash(hasher: str) -> str:
    # Hashing once per hasher keeps factories fast (PBKDF2 is deliberately slow).
    return make_password(PASSWORD)


def password_hash() -> str:
    return _password_hash(settings.PASSWORD_HASHERS[0])


class ApplicantProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantProfile

    user = factory.SubFactory("skhcn.accounts.tests.factories.ApplicantFactory", profile=None)
    kind = ApplicantKind.CITIZEN
    full_name = factory.LazyAttributeSequence(
        lambda o, n: f"Công ty TNHH Thử nghiệm {n}" if o.kind == ApplicantKind.BUSINESS else f"Nguyễn Văn Thử {n}"
    )
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    # A 12-digit personal ID number (CCCD) or a 10-digit tax code.
    id_number = factory.LazyAttributeSequence(
        lambda o, n: f"03{n:08d}" if o.kind == ApplicantKind.BUSINESS else f"0010{n:08d}"
    )
    address = "Số 1 đường Trần Phú, phường Lộc Thọ, tỉnh Khánh Hòa"
    email_verified_at = factory.LazyFunction(timezone.now)
    identity_provider = "local"


class ApplicantFactory(factory.django.DjangoModelFactory):
    """A citizen who can log in with ``email`` / ``PASSWORD``."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    class Params:
        unverified = False
        business = False

    email = factory.Sequence(lambda n: f"nguoi{n}@example.vn")
    username = factory.LazyAttribute(lambda o: o.email.lower())
    password = factory.LazyFunction(password_hash)
    is_active = True
    profile = factory.RelatedFactory(
        ApplicantProfileFactory,
        factory_related_name="user",
        kind=factory.Maybe(factory.SelfAttribute("..business"), ApplicantKind.BUSINESS, ApplicantKind.CITIZEN),
        email_verified_at=factory.Maybe(
            factory.SelfAttribute("..unverified"), None, factory.LazyFunction(timezone.now)
        ),
    )
