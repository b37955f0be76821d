from django.conf import settings
from django.core.checks import Error, register

from . import sms


@register()
def sms_provider_check(app_configs=None, **kwargs):
    name = getattr(settings, "SMS_PROVIDER", "")
    if name and name not in sms.PROVIDERS:
        return [
            Error(
                f"Nhà cung cấp SMS không xác định: {name!r}.",
                hint=f"Chọn trong: {', '.join(sms.PROVIDERS)}.",
                id="notifications.E001",
            )
        ]
    if sms.is_sandbox() and getattr(settings, "SKHCN_ENV", "") == "production":
        return [
            Error(
                "SMS thử nghiệm (SMS_PROVIDER=sandbox) không được dùng khi SKHCN_ENV=production: tin nhắn sẽ "
                "không đến người dân.",
                id="notifications.E002",
            )
        ]
    return []
