"""factory-boy factories for citizen and business accounts, and for staff.

``ApplicantFactory()`` is a ``User`` (username = e-mail) with a verified ``ApplicantProfile``; its password is
``PASSWORD``. ``ApplicantFactory(unverified=True)`` leaves the e-mail unverified, ``ApplicantFactory(business=True)``
makes an organisation with a tax code; profile fields are set with ``profile__<field>=...``.

``StaffFactory(role=StaffRole.X, division=DivisionFactory())`` is a staff ``User`` with a ``StaffProfile`` (and so in
the role's group, with Wagtail admin access). ``verified_staff_login(client, user)`` gives the user a TOTP device and
logs the client in as two-factor verified; ``totp_code(device)`` is the code the user's app would show.
"""

from functools import cache

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from skhcn.accounts.constants import ApplicantKind, StaffRole
from skhcn.accounts.models import ApplicantProfile, Division, StaffProfile

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


# --- Staff ---


class DivisionFactory(factory.django.DjangoModelFactory):
    """A division (phòng chuyên môn)."""

    class Meta:
        model = Division
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"phong-{n}")
    name = factory.Sequence(lambda n: f"Phòng chuyên môn thử {n}")
    is_active = True


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    user = factory.SubFactory("skhcn.accounts.tests.factories.StaffFactory", profile=None)
    role = StaffRole.SPECIALIST
    division = None
    full_name = factory.Sequence(lambda n: f"Trần Thị Cán Bộ {n}")
    position = ""


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff ``User`` with a ``StaffProfile``: ``StaffFactory(role=StaffRole.SPECIALIST, division=division)``.

    The profile puts the user in the role's group, which grants access to the Wagtail admin. Password: ``PASSWORD``.
    Other profile fields: ``profile__full_name=...``, ``profile__position=...``.
    """

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    class Params:
        role = StaffRole.SPECIALIST
        division = None

    username = factory.Sequence(lambda n: f"canbo{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@skhcn.example.vn")
    password = factory.LazyFunction(password_hash)
    is_active = True
    profile = factory.RelatedFactory(
        StaffProfileFactory,
        factory_related_name="user",
        role=factory.SelfAttribute("..role"),
        division=factory.SelfAttribute("..division"),
    )


def enrol_totp(user):
    """Give ``user`` a confirmed TOTP device (and recovery codes); returns ``(device, recovery_codes)``."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from skhcn.accounts import security

    security.reset_two_factor(user)
    device = TOTPDevice.objects.create(user=user, name=security.TOTP_DEVICE_NAME, confirmed=True)
    return device, security.make_recovery_codes(user)


def totp_code(device, offset_steps: int = 0) -> str:
    """The code the user's app shows now (``offset_steps`` periods later or earlier)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset_steps):06d}"


def verified_staff_login(client, user):
    """Log the test client in as ``user`` with a TOTP device, verified for this session (2FA on or off).

    Returns the device; ``totp_code(device)`` gives its current code.
    """
    from django_otp import DEVICE_ID_SESSION_KEY

    device, _codes = enrol_totp(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
