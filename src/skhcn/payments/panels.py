"""What payments shows on pages of other apps: the fees of a dossier on the public tracking page."""

from skhcn.dossiers.citizen.tracking import register_tracking_panel

from .services import public_payments


def tracking_panel(dossier) -> dict:
    """The fees requested for the dossier (``track.html`` lists ``payments``)."""
    return {"payments": public_payments(dossier)}


register_tracking_panel("payments", tracking_panel)
