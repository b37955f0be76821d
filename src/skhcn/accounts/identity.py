"""Identity providers: the ways a citizen or business can prove who they are when logging in.

A provider is a small plugin: it has a ``key`` (what ``settings.IDENTITY_PROVIDERS`` lists), a ``label`` shown on
the login page, ``login_url(request, next_url)`` that starts its login flow, and ``is_available()`` that can hide it
while it is misconfigured or down. Only ``local`` (e-mail and password, the form on the login page) ships with the
project. A national-ID (VNeID) or provincial SSO plugin registers itself with :func:`register` from its app's
``ready()`` (or is named by dotted path in ``IDENTITY_PROVIDERS``); its callback view then finds or creates the user
and its ``ApplicantProfile`` (``identity_provider`` = its key) and calls ``django.contrib.auth.login``.

Providers live in the one plugin registry (``skhcn.core.plugins``, kind ``identity``), as instances: a provider
flagged ``sandbox`` is refused with ``SKHCN_ENV=production`` like every sandbox plugin (``plugins.E001``).
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.module_loading import import_string

from skhcn.core import plugins

KIND = plugins.Kind.IDENTITY


class IdentityProvider:
    """The contract every provider implements."""

    key: str = ""
    label: str = ""
    description: str = ""
    # True for the provider whose form is the login page itself (only ``local``); others are shown as links.
    uses_login_form: bool = False
    # A test double of a real identity service (anyone may claim any identity): refused with SKHCN_ENV=production.
    sandbox: bool = False

    def login_url(self, request, next_url: str = "") -> str:
        """Where the login button sends the visitor; ``next_url`` is already checked to be a safe local URL."""
        raise NotImplementedError

    def is_available(self) -> bool:
        """False hides the provider from the login page (e.g. missing credentials or the service is down)."""
        return True

    def __repr__(self):
        return f"<{type(self).__name__} {self.key!r}>"


class LocalProvider(IdentityProvider):
    key = "local"
    label = "Thư điện tử và mật khẩu"
    description = "Đăng nhập bằng địa chỉ thư điện tử đã đăng ký và mật khẩu."
    uses_login_form = True

    def login_url(self, request, next_url: str = "") -> str:
        url = reverse("accounts:login")
        return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def register(provider, *, key: str = ""):
    """Register a provider class (usable as a class decorator) or instance under ``key`` (default: its ``key``)."""
    instance = provider() if isinstance(provider, type) else provider
    if not instance.key:
        raise ValueError(f"{instance!r} has no key")
    plugins.register(KIND, instance, key=key or instance.key)
    return provider


def unregister(key: str) -> None:
    plugins.unregister(KIND, key)


def get_provider(key: str) -> IdentityProvider:
    """The registered provider for ``key``; a dotted path (``package.module.Class``) is imported, instantiated and
    registered under that path. ``ImproperlyConfigured`` for an unknown key and a sandbox in production."""
    try:
        return plugins.allowed(plugins.lookup(KIND, key)).implementation
    except plugins.UnknownPlugin as unknown:
        if "." not in key:
            raise ImproperlyConfigured(f"Unknown identity provider {key!r} in IDENTITY_PROVIDERS ({unknown})") from None
    try:
        provider = import_string(key)
    except ImportError as error:
        raise ImproperlyConfigured(f"Identity provider {key!r} cannot be imported: {error}") from error
    register(provider, key=key)
    return plugins.allowed(plugins.lookup(KIND, key)).implementation


def configured_providers() -> list[IdentityProvider]:
    """The providers ``settings.IDENTITY_PROVIDERS`` lists, in its order."""
    return [get_provider(key) for key in settings.IDENTITY_PROVIDERS]


def available_providers() -> list[IdentityProvider]:
    return [provider for provider in configured_providers() if provider.is_available()]


def local_login_enabled() -> bool:
    return any(provider.uses_login_form for provider in available_providers())


def check_identity_providers(app_configs=None, **kwargs):
    errors = []
    for key in settings.IDENTITY_PROVIDERS:
        try:
            get_provider(key)
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), id="accounts.E001"))
    return errors


register(LocalProvider)
