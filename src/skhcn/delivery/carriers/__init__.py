"""Carrier plugins, registered with the one plugin registry (``skhcn.core.plugins``, kind ``carrier``);
``settings.DELIVERY_CARRIERS`` lists the ones offered (env ``DELIVERY_CARRIERS``, ``manual`` when empty). The sandbox
carrier is refused with ``SKHCN_ENV=production`` like every sandbox plugin (``plugins.E001``)."""

from skhcn.core import plugins

from .base import Carrier, CarrierError, TrackingUpdate
from .manual import ManualCarrier
from .sandbox import SandboxCarrier

KIND = plugins.Kind.CARRIER
DEFAULT = ("manual",)

__all__ = ["Carrier", "CarrierError", "TrackingUpdate", "REGISTRY", "enabled_keys", "get_carrier", "carrier_label"]


def register(cls: type[Carrier]) -> type[Carrier]:
    """Add a plugin (a project may register its own carrier from an AppConfig.ready)."""
    return plugins.register(KIND, cls)


register(ManualCarrier)
register(SandboxCarrier)
# key -> carrier class, every registered carrier (enabled or not).
REGISTRY = plugins.Implementations(KIND)


def enabled_keys() -> list[str]:
    if not plugins.enabled_keys(KIND):
        return [key for key in DEFAULT if key in REGISTRY]
    return [plugin.key for plugin in plugins.enabled(KIND)]


def get_carrier(key: str) -> Carrier:
    """The enabled carrier ``key``; KeyError (``plugins.UnknownPlugin``) for an unknown or disabled one,
    ``ImproperlyConfigured`` for the sandbox in production."""
    if key not in enabled_keys():
        raise plugins.UnknownPlugin(KIND, key, enabled_only=key in REGISTRY)
    return plugins.allowed(plugins.lookup(KIND, key)).implementation()


def carrier_label(key: str) -> str:
    cls = REGISTRY.get(key)
    return cls.label if cls else key


def choices() -> list[tuple[str, str]]:
    return [(key, REGISTRY[key].label) for key in enabled_keys()]
