"""No sandbox plugin of any kind in production: a simulated payment, SMS, postal item or identity would look real."""

from dataclasses import dataclass

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from skhcn.accounts import identity
from skhcn.delivery import carriers
from skhcn.notifications import sms
from skhcn.payments import gateways


@dataclass(frozen=True)
class EnabledPlugin:
    setting: str  # the environment variable / setting that enables it
    key: str
    sandbox: bool


def enabled_plugins() -> list[EnabledPlugin]:
    """Every plugin the settings enable, of every kind (unknown names are each kind's own check's business)."""
    found = [
        EnabledPlugin("PAYMENT_GATEWAYS", name, import_string(gateways.REGISTRY[name]).sandbox)
        for name in gateways.enabled_names()
    ]
    if (sms_class := sms.PROVIDERS.get(settings.SMS_PROVIDER)) is not None:
        found.append(EnabledPlugin("SMS_PROVIDER", settings.SMS_PROVIDER, sms_class.sandbox))
    found += [
        EnabledPlugin("DELIVERY_CARRIERS", key, carriers.REGISTRY[key].sandbox) for key in carriers.enabled_keys()
    ]
    for key in settings.IDENTITY_PROVIDERS:
        try:
            provider = identity.get_provider(key)
        except ImproperlyConfigured:
            continue  # reported by accounts.E001
        found.append(EnabledPlugin("IDENTITY_PROVIDERS", key, provider.sandbox))
    return found


@register()
def no_sandbox_in_production(app_configs=None, **kwargs):
    if settings.SKHCN_ENV != "production":
        return []
    return [
        Error(
            f"Phần bổ trợ thử nghiệm {plugin.key!r} đang bật trong {plugin.setting} khi SKHCN_ENV=production: "
            "người dân sẽ nhận kết quả giả (thanh toán, tin nhắn, bưu gửi hoặc định danh không thật).",
            hint=f"Bỏ {plugin.key!r} khỏi biến môi trường {plugin.setting}.",
            id="plugins.E001",
        )
        for plugin in enabled_plugins()
        if plugin.sandbox
    ]
