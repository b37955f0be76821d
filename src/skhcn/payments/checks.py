"""System checks: unknown gateways, VNPay without its credentials (a sandbox in production: ``plugins.E001``)."""

from django.conf import settings
from django.core.checks import Error, register

from .gateways import REGISTRY


@register()
def payment_gateways_check(app_configs=None, **kwargs):
    errors = []
    names = list(settings.PAYMENT_GATEWAYS)
    for name in names:
        if name not in REGISTRY:
            errors.append(
                Error(
                    f"Cổng thanh toán không xác định: {name!r}.",
                    hint=f"Chọn trong: {', '.join(REGISTRY)}.",
                    id="payments.E002",
                )
            )
    if "vnpay" in names and not (settings.VNPAY_TMN_CODE and settings.VNPAY_HASH_SECRET and settings.VNPAY_PAY_URL):
        errors.append(
            Error(
                "Cổng VNPay được bật nhưng thiếu VNPAY_TMN_CODE, VNPAY_HASH_SECRET hoặc VNPAY_PAY_URL.",
                id="payments.E003",
            )
        )
    return errors
