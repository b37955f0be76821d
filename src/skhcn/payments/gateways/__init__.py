"""Payment gateway plugins, registered with the one plugin registry (``skhcn.core.plugins``, kind ``payment``);
``settings.PAYMENT_GATEWAYS`` lists the enabled ones in the order offered to the payer (the first is the default).

A sandbox gateway is refused with ``SKHCN_ENV=production`` like every sandbox plugin (``plugins.E001``)."""

from __future__ import annotations

from skhcn.core import plugins

from .base import (
    Gateway,
    GatewayError,
    GatewayNotSent,
    GatewayNotSupported,
    GatewayUnavailable,
    NotificationResult,
    QueryResult,
    RefundResult,
    ReturnResult,
)
from .sandbox import SandboxGateway
from .vnpay import VNPayGateway

__all__ = [
    "REGISTRY",
    "Gateway",
    "GatewayError",
    "GatewayNotSent",
    "GatewayNotSupported",
    "GatewayUnavailable",
    "NotificationResult",
    "QueryResult",
    "RefundResult",
    "ReturnResult",
    "SandboxGateway",
    "VNPayGateway",
    "enabled_names",
    "gateway_label",
    "get_gateway",
]

KIND = plugins.Kind.PAYMENT
for _gateway in (VNPayGateway, SandboxGateway):
    plugins.register(KIND, _gateway)
REGISTRY = plugins.Implementations(KIND)


def enabled_names() -> list[str]:
    return [plugin.key for plugin in plugins.enabled(KIND)]


def get_gateway(name: str) -> Gateway:
    """The enabled gateway ``name``; ``LookupError`` (``plugins.UnknownPlugin``) when it is unknown or not enabled,
    ``ImproperlyConfigured`` for the sandbox in production."""
    return plugins.get(KIND, name).implementation()


def gateway_label(name: str) -> str:
    try:
        return get_gateway(name).label
    except Exception:  # a label must never break a page
        return name
