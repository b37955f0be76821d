"""What the dossier pages (staff and applicant) show about payments, so each page needs only one ``{% include %}``."""

from django import template

from skhcn.accounts.staff import has_role
from skhcn.core.text import format_vnd

from .. import services
from ..gateways import enabled_names, gateway_label
from ..models import Payment

register = template.Library()
register.filter("vnd", format_vnd)


@register.simple_tag
def staff_payments(dossier, user) -> dict:
    payments = list(Payment.objects.filter(dossier=dossier).order_by("-created_at", "-id"))
    fee_role = has_role(user, *services.FEE_ROLES)
    return {
        "payments": payments,
        "can_request": services.can_request_fee(user, dossier) and not any(p.is_pending for p in payments),
        # Query, refund, clear a refund flag (the services check again).
        "can_act": fee_role,
        # A fee by range has no default amount: staff enter it within the range (services.request_fee checks).
        "default_amount": "" if dossier.procedure.fee_is_range else (dossier.procedure.fee_amount or ""),
        "fee_range": dossier.procedure.fee_range_display,
        "default_purpose": services.default_purpose(dossier.procedure),
    }


@register.simple_tag
def citizen_payments(dossier) -> dict:
    payments = list(Payment.objects.filter(dossier=dossier).order_by("-created_at", "-id"))
    return {
        "payments": [
            {
                "payment": p,
                "payable": services.payable(p) and p.dossier_id == dossier.pk,
                "receipt": services.receipt_available(p),
            }
            for p in payments
        ],
        "gateways": [(name, gateway_label(name)) for name in enabled_names()],
    }
