"""Registry of payment gateway plugins, keyed by name; ``settings.PAYMENT_GATEWAYS`` lists the enabled ones in the
order offered to the payer (the first is the default)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from .base import (
    Gateway,
    GatewayError,
    GatewayNotSent,
    GatewayNotSupported,
    GatewayUnavailable,
    QueryResult,
    RefundResult,
    ReturnResult,
)

__all__ = [
    "Gateway",
    "GatewayError",
    "GatewayNotSent",
    "GatewayNotSupported",
    "GatewayUnavailable",
    "QueryResult",
    "RefundResult",
    "ReturnResult",
    "enabled_names",
    "get_gateway",
    "sandbox_allowed",
]

REGISTRY = {
    "vnpay": "skhcn.payments.gateways.vnpay.VNPayGateway",
    "sandbox": "skhcn.payments.gateways.sandbox.SandboxGateway",
}
SANDBOX_FORBIDDEN = (
    "Cổng thanh toán thử nghiệm (sandbox) không được bật ở môi trường này: chỉ dùng khi DEBUG bật hoặc "
    "PAYMENT_SANDBOX_ALLOWED=1, và không bao giờ khi SKHCN_ENV=production. Bỏ 'sandbox' khỏi PAYMENT_GATEWAYS."
)


def sandbox_allowed() -> bool:
    """The sandbox may run: never with SKHCN_ENV=production; otherwise only with DEBUG or PAYMENT_SANDBOX_ALLOWED."""
    if settings.SKHCN_ENV == "production":
        return False
    return bool(settings.DEBUG or settings.PAYMENT_SANDBOX_ALLOWED)


def enabled_names() -> list[str]:
    return [name for name in settings.PAYMENT_GATEWAYS if name in REGISTRY]


def refuse_forbidden_sandbox() -> None:
    if "sandbox" in settings.PAYMENT_GATEWAYS and not sandbox_allowed():
        raise ImproperlyConfigured(SANDBOX_FORBIDDEN)


def get_gateway(name: str) -> Gateway:
    """The enabled gateway ``name``; ``LookupError`` when it is unknown or not enabled."""
    if name not in enabled_names():
        raise LookupError(name)
    if name == "sandbox":
        refuse_forbidden_sandbox()
    return import_string(REGISTRY[name])()
