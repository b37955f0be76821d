"""Carrier plugins by key; ``settings.DELIVERY_CARRIERS`` lists the ones offered (env ``DELIVERY_CARRIERS``)."""

from django.conf import settings

from .base import Carrier, CarrierError, TrackingUpdate
from .manual import ManualCarrier
from .sandbox import SandboxCarrier

REGISTRY: dict[str, type[Carrier]] = {cls.key: cls for cls in (ManualCarrier, SandboxCarrier)}
DEFAULT = ("manual",)

__all__ = ["Carrier", "CarrierError", "TrackingUpdate", "REGISTRY", "enabled_keys", "get_carrier", "carrier_label"]


def register(cls: type[Carrier]) -> type[Carrier]:
    """Add a plugin (a project may register its own carrier from an AppConfig.ready)."""
    REGISTRY[cls.key] = cls
    return cls


def enabled_keys() -> list[str]:
    keys = settings.DELIVERY_CARRIERS or list(DEFAULT)
    return [key for key in keys if key in REGISTRY]


def get_carrier(key: str) -> Carrier:
    """The enabled carrier ``key``; KeyError for an unknown or disabled one."""
    if key not in enabled_keys():
        raise KeyError(key)
    return REGISTRY[key]()


def carrier_label(key: str) -> str:
    cls = REGISTRY.get(key)
    return cls.label if cls else key


def choices() -> list[tuple[str, str]]:
    return [(key, REGISTRY[key].label) for key in enabled_keys()]
