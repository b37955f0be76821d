"""SMS plugins, chosen by ``SMS_PROVIDER`` (empty = no SMS). See base.py for the contract; README "Thông báo" tells
how to add a provider."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from .base import SmsError, SmsProvider
from .sandbox import SandboxSms

PROVIDERS: dict[str, type[SmsProvider]] = {SandboxSms.name: SandboxSms}


def register(provider: type[SmsProvider]) -> type[SmsProvider]:
    PROVIDERS[provider.name] = provider
    return provider


def provider() -> SmsProvider | None:
    """The configured provider, or None when SMS is switched off."""
    name = settings.SMS_PROVIDER
    if not name:
        return None
    if name not in PROVIDERS:
        raise SmsError(f"Chưa cài đặt nhà cung cấp SMS “{name}”.", permanent=True)
    return PROVIDERS[name]()


def is_sandbox() -> bool:
    found = PROVIDERS.get(settings.SMS_PROVIDER)
    return bool(found and found.sandbox)


def enabled() -> bool:
    return bool(settings.SMS_PROVIDER)


def mobile_number(phone: str) -> str:
    """``0912345678`` for any accepted spelling; ``SmsError(permanent)`` for a number that is not a mobile."""
    from skhcn.accounts.validators import normalize_phone

    try:
        return normalize_phone(phone)
    except ValidationError:
        raise SmsError("Số điện thoại không phải số di động Việt Nam hợp lệ.", permanent=True) from None


__all__ = ["PROVIDERS", "SmsError", "SmsProvider", "enabled", "is_sandbox", "mobile_number", "provider", "register"]
