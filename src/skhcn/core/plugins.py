"""The one registry of plugins: payment gateways, postal carriers, SMS providers and identity providers.

A plugin has a kind, a key (what the kind's setting lists), a Vietnamese label and a ``sandbox`` flag (a simulation:
a payment, text, postal item or identity that is not real). Each feature app registers its own plugins here — at
import of its plugin package, which its ``AppConfig.ready()`` imports — and wraps the lookups in its own terms
(``payments.gateways.get_gateway``, ``delivery.carriers.get_carrier``...). This module imports no feature app: it only
iterates what was registered.

Settings choose the enabled plugins of each kind (``KIND_SETTINGS``: a list, or one key for SMS). ONE sandbox policy
for every kind: a sandbox plugin is refused when ``SKHCN_ENV=production`` — registering it while its setting enables
it raises ``ImproperlyConfigured`` (the process does not start), ``get`` refuses it, and the system check
``plugins.E001`` reports it — and allowed in every other environment (local, test).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

PRODUCTION = "production"
CHECK_ID = "plugins.E001"


class Kind(StrEnum):
    PAYMENT = "payment"
    CARRIER = "carrier"
    SMS = "sms"
    IDENTITY = "identity"


# The setting (and environment variable) that enables the plugins of each kind.
KIND_SETTINGS = {
    Kind.PAYMENT: "PAYMENT_GATEWAYS",
    Kind.CARRIER: "DELIVERY_CARRIERS",
    Kind.SMS: "SMS_PROVIDER",
    Kind.IDENTITY: "IDENTITY_PROVIDERS",
}
KIND_LABELS = {
    Kind.PAYMENT: "cổng thanh toán",
    Kind.CARRIER: "đơn vị bưu chính",
    Kind.SMS: "nhà cung cấp SMS",
    Kind.IDENTITY: "phương thức định danh",
}


@dataclass(frozen=True)
class Plugin:
    kind: Kind
    key: str
    label: str
    sandbox: bool
    # What the app registered: a class (payments, carriers, SMS) or an instance (identity providers).
    implementation: object


class UnknownPlugin(KeyError):
    """No plugin of this kind is registered (or enabled) under this key. A ``KeyError`` (so a ``LookupError``) with a
    readable message."""

    def __init__(self, kind: Kind, key: str, *, enabled_only: bool = False):
        self.kind, self.key = Kind(kind), key
        known = ", ".join(plugin.key for plugin in registered(kind)) or "không có"
        what = "chưa được bật" if enabled_only else "không xác định"
        self.message = f"{KIND_LABELS[self.kind].capitalize()} {key!r} {what} (các khóa đã đăng ký: {known})."
        super().__init__(self.message)

    def __str__(self):
        return self.message


_registry: dict[Kind, dict[str, Plugin]] = {kind: {} for kind in Kind}


def _attribute(implementation, *names: str) -> str:
    return next((value for name in names if (value := getattr(implementation, name, ""))), "")


def register(kind: Kind, implementation, *, key: str = "", label: str = "", sandbox: bool | None = None):
    """Register ``implementation`` (a class or an instance) as a plugin of ``kind``; key, label and sandbox default to
    its ``key`` (or ``name``), ``label`` and ``sandbox`` attributes. Registering a key again replaces the plugin.
    Returns ``implementation`` (usable as a class decorator). ``ImproperlyConfigured`` for a sandbox that the settings
    enable in production."""
    kind = Kind(kind)
    key = key or _attribute(implementation, "key", "name")
    if not key:
        raise ValueError(f"{implementation!r} has no key")
    plugin = Plugin(
        kind=kind,
        key=key,
        label=label or _attribute(implementation, "label") or key,
        sandbox=bool(getattr(implementation, "sandbox", False) if sandbox is None else sandbox),
        implementation=implementation,
    )
    _registry[kind][key] = plugin
    if plugin.sandbox and not sandbox_allowed() and key in enabled_keys(kind):
        raise ImproperlyConfigured(f"{CHECK_ID}: {refusal(plugin)}")
    return implementation


def unregister(kind: Kind, key: str) -> None:
    _registry[Kind(kind)].pop(key, None)


def registered(kind: Kind) -> list[Plugin]:
    """Every registered plugin of ``kind``, in registration order."""
    return list(_registry[Kind(kind)].values())


def lookup(kind: Kind, key: str) -> Plugin:
    """The registered plugin ``key`` of ``kind``, enabled or not; ``UnknownPlugin`` otherwise."""
    try:
        return _registry[Kind(kind)][key]
    except KeyError:
        raise UnknownPlugin(kind, key) from None


def enabled_keys(kind: Kind) -> list[str]:
    """The keys the kind's setting lists, in its order (registered or not)."""
    value = getattr(settings, KIND_SETTINGS[Kind(kind)], None) or []
    if isinstance(value, str):
        value = [value.strip()]
    return [key for key in value if key]


def enabled(kind: Kind) -> list[Plugin]:
    """The registered plugins the kind's setting enables, in its order."""
    found = _registry[Kind(kind)]
    return [found[key] for key in enabled_keys(kind) if key in found]


def get(kind: Kind, key: str) -> Plugin:
    """The enabled plugin ``key`` of ``kind``: ``UnknownPlugin`` when it is not registered or not enabled,
    ``ImproperlyConfigured`` for a sandbox where sandboxes are refused."""
    plugin = lookup(kind, key)
    if key not in enabled_keys(kind):
        raise UnknownPlugin(kind, key, enabled_only=True)
    return allowed(plugin)


def allowed(plugin: Plugin) -> Plugin:
    """``plugin`` itself, or ``ImproperlyConfigured`` when it is a sandbox where sandboxes are refused."""
    if plugin.sandbox and not sandbox_allowed():
        raise ImproperlyConfigured(f"{CHECK_ID}: {refusal(plugin)}")
    return plugin


class Implementations(Mapping):
    """A live read-only view of one kind: key -> implementation (for an app's ``REGISTRY``-style lookups)."""

    def __init__(self, kind: Kind):
        self.kind = Kind(kind)

    def __getitem__(self, key: str):
        return _registry[self.kind][key].implementation

    def __iter__(self) -> Iterator[str]:
        return iter(list(_registry[self.kind]))

    def __len__(self) -> int:
        return len(_registry[self.kind])


# --- the sandbox policy ---------------------------------------------------------------------------------------------
def sandbox_allowed() -> bool:
    """Sandbox plugins may run: everywhere except ``SKHCN_ENV=production``."""
    return settings.SKHCN_ENV != PRODUCTION


def hint(plugin: Plugin) -> str:
    return f"Bỏ {plugin.key!r} khỏi biến môi trường {KIND_SETTINGS[plugin.kind]}."


def refusal(plugin: Plugin) -> str:
    return (
        f"Phần bổ trợ thử nghiệm {plugin.key!r} ({KIND_LABELS[plugin.kind]}) đang bật trong "
        f"{KIND_SETTINGS[plugin.kind]} khi SKHCN_ENV=production: người dân sẽ nhận kết quả giả (thanh toán, tin nhắn, "
        f"bưu gửi hoặc định danh không thật). {hint(plugin)}"
    )


def forbidden_sandboxes() -> list[Plugin]:
    """Every enabled sandbox plugin, of every kind, when sandboxes are refused (else none)."""
    if sandbox_allowed():
        return []
    return [plugin for kind in Kind for plugin in enabled(kind) if plugin.sandbox]


@checks.register()
def no_sandbox_in_production(app_configs=None, **kwargs):
    """plugins.E001: a simulated payment, SMS, postal item or identity would look real."""
    return [checks.Error(refusal(plugin), hint=hint(plugin), id=CHECK_ID) for plugin in forbidden_sandboxes()]
