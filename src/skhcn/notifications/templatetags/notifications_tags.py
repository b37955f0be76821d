from django import template

from ..constants import STAFF_EVENTS
from ..models import Delivery
from ..services import unread_count
from ..views import can_see_deliveries

register = template.Library()


@register.inclusion_tag("notifications/staff/_dossier_section.html", takes_context=True)
def dossier_notifications(context, dossier):
    """The "Thông báo đến người nộp" section of the staff dossier page: every e-mail and SMS sent about the dossier,
    with failures and their reasons."""
    request = context.get("request")
    deliveries = Delivery.objects.filter(notification__dossier=dossier).exclude(notification__event__in=STAFF_EVENTS)
    return {
        "request": request,
        "deliveries": list(deliveries.select_related("notification").order_by("created_at", "pk")),
        "can_resend": request is not None and can_see_deliveries(request.user),
    }


@register.inclusion_tag("notifications/_inbox_link.html", takes_context=True)
def inbox_link(context):
    """ "Thông báo (n chưa đọc)" for the citizen's own pages (never on cached public pages)."""

    request = context.get("request")
    return {"unread": unread_count(request.user) if request is not None else 0}
