from django import template

from skhcn.dossiers.constants import ReceiveMethod

from .. import services
from ..constants import OPEN_STATUSES
from ..forms import DeliveredForm, ReturnedForm

register = template.Library()


@register.inclusion_tag("delivery/staff/_panel.html", takes_context=True)
def delivery_staff_panel(context, dossier):
    """The "Gửi kết quả qua bưu chính" section of the staff dossier page (empty when the dossier has nothing to do
    with the post)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    shipments = list(dossier.shipments.prefetch_related("events").order_by("created_at", "id"))
    relevant = bool(shipments) or (dossier.procedure.post_return and dossier.receive_method == ReceiveMethod.POST)
    manage = relevant and user is not None and services.may_manage(user, dossier)
    return {
        "dossier": dossier,
        "relevant": relevant,
        "shipments": [
            {"shipment": s, "open": s.status in OPEN_STATUSES and manage, "events": list(s.events.all())}
            for s in shipments
        ],
        "can_ship": manage and services.can_ship(user, dossier),
        "delivered_form": DeliveredForm(),
        "returned_form": ReturnedForm(),
        "request": request,
    }


@register.inclusion_tag("delivery/_citizen_panel.html")
def delivery_citizen_panel(dossier):
    """The applicant's view of the postal items of their dossier: status and tracking number (no staff names)."""
    shipments = list(dossier.shipments.exclude(status="cancelled").order_by("created_at", "id"))
    return {"dossier": dossier, "shipments": shipments}
