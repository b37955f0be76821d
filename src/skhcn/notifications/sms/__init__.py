"""SMS plugins, registered with the one plugin registry (``skhcn.core.plugins``, kind ``sms``) and chosen by
``SMS_PROVIDER`` (empty = no SMS). See base.py for the contract; docs/dev/plugins.md tells how to add a provider.
The sandbox is refused with ``SKHCN_ENV=production`` like every sandbox plugin (``plugins.E001``)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from skhcn.accounts.validators import normalize_phone
from skhcn.core import plugins

from .base import SmsError, SmsProvider
from .sandbox import SandboxSms

KIND = plugins.Kind.SMS
# name -> provider class, every registered provider.
PROVIDERS = plugins.Implementations(KIND)


def register(provider: type[SmsProvider]) -> type[SmsProvider]:
    return plugins.register(KIND, provider)


register(SandboxSms)


def provider() -> SmsProvider | None:
    """The configured provider, or None when SMS is switched off."""
    name = settings.SMS_PROVIDER
    if not name:
        return None
    try:
        return plugins.get(KIND, name).implementation()
    except plugins.UnknownPlugin:
        raise SmsError(f"Chưa cài đặt nhà cung cấp SMS “{name}”.", permanent=True) from None


def is_sandbox() -> bool:
    return any(plugin.sandbox for plugin in plugins.enabled(KIND))


def enabled() -> bool:
    return bool(settings.SMS_PROVIDER)


def mobile_number(phone: str) -> str:
    """``0912345678`` for any accepted spelling; ``SmsError(permanent)`` for a number that is not a mobile."""
    try:
        return normalize_phone(phone)
    except ValidationError:
        raise SmsError("Số điện thoại không phải số di động Việt Nam hợp lệ.", permanent=True) from None


__all__ = ["PROVIDERS", "SmsError", "SmsProvider", "enabled", "is_sandbox", "mobile_number", "provider", "register"]
