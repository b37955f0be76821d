"""Public tracking: a dossier is shown only to someone who knows its code AND the phone or ID number given with it."""

from collections.abc import Callable

from django.conf import settings

from skhcn.core.throttle import Fallback, Throttle

from ..constants import Status
from ..documents.codes import normalise_code, normalise_id, normalise_phone
from ..models import Dossier
from ..workflow.transitions import APPLICANT_COMMENT_ACTIONS, PUBLIC_ACTIONS


def find_dossier(code: str, phone: str = "", id_number: str = "") -> Dossier | None:
    """The submitted dossier with this code whose phone and/or ID number match every value given, else None.

    Unknown code and wrong phone give the same None: the code alone reveals nothing.
    """
    code, phone, id_number = normalise_code(code), normalise_phone(phone), normalise_id(id_number)
    if not code or not (phone or id_number):
        return None
    dossier = Dossier.objects.exclude(status=Status.DRAFT).select_related("procedure").filter(code__iexact=code).first()
    if dossier is None:
        return None
    if phone and phone != dossier.lookup_phone:
        return None
    if id_number and (not dossier.lookup_id_number or id_number != dossier.lookup_id_number):
        return None
    return dossier


def public_timeline(dossier: Dossier, *, for_applicant: bool = False) -> list[dict]:
    """History for applicant-facing pages: when and what, never who (staff) nor internal steps and notes.

    Only ``transitions.PUBLIC_ACTIONS`` are listed. ``for_applicant`` (the logged-in owner's page) adds what the
    officer addressed to the applicant (requests, reasons) and the files of public steps; the public tracking page
    shows neither.
    """
    events = dossier.events.filter(action__in=PUBLIC_ACTIONS)
    if for_applicant:
        events = events.prefetch_related("files")
    steps = []
    for event in events:
        step = {"at": event.at, "action": event.get_action_display(), "status": event.get_to_status_display()}
        if for_applicant:
            step["comment"] = event.comment if event.action in APPLICANT_COMMENT_ACTIONS else ""
            step["files"] = list(event.files.all())
        steps.append(step)
    return steps


def public_shipments(dossier: Dossier) -> list:
    """Postal items of the dossier for applicant-facing pages (carrier, number, state, dates); not the cancelled."""
    return list(dossier.shipments.exclude(status="cancelled").order_by("created_at", "id"))


# The extension point of the public tracking page: apps above dossiers (payments: the fees) register a panel, a
# function of the dossier returning extra template context; dossiers imports none of them.
TrackingPanel = Callable[[Dossier], dict]
TRACKING_PANELS: dict[str, TrackingPanel] = {}


def register_tracking_panel(name: str, panel: TrackingPanel) -> TrackingPanel:
    """Add (or replace) the panel ``name``; called from the registering app's ``AppConfig.ready``."""
    TRACKING_PANELS[name] = panel
    return panel


def panels_context(dossier: Dossier) -> dict:
    """The context every registered panel adds for ``dossier``, in registration order."""
    context: dict = {}
    for panel in TRACKING_PANELS.values():
        context.update(panel(dossier))
    return context


def _limits() -> tuple[int, int]:
    return (
        settings.DOSSIER_TRACK_MAX_LOOKUPS,
        settings.DOSSIER_TRACK_WINDOW_SECONDS,
    )


# Shared between processes; while Redis is down each process keeps the same limit in its own memory.
LOOKUP_THROTTLE = Throttle("dossier-track", _limits, Fallback.MEMORY)


def allow_lookup(address: str) -> bool:
    """Count one lookup for this client address; False once it has used up its window."""
    return LOOKUP_THROTTLE.hit(address)
