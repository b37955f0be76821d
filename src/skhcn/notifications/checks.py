from django.conf import settings
from django.core.checks import Error, register

from . import sms


@register()
def sms_provider_check(app_configs=None, **kwargs):
    name = settings.SMS_PROVIDER
    if name and name not in sms.PROVIDERS:
        return [
            Error(
                f"Nhà cung cấp SMS không xác định: {name!r}.",
                hint=f"Chọn trong: {', '.join(sms.PROVIDERS)}.",
                id="notifications.E001",
            )
        ]
    return []  # the sandbox in production: plugins.E001
