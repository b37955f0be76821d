"""The control slip (form 05): who holds a dossier in each state, and the row opened when it changes hands."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from skhcn.deadlines import status as deadline

from ..constants import APPLICANT_UNIT, Status
from ..models import HandOff
from .timing import step_due_times

# Internal stage of each state: 0 intake/handling, 1 appraisal (division), 2 approval, signing, issue.
STAGE = {
    Status.RECEIVED: 0,
    Status.TRANSFERRED: 1,
    Status.ASSIGNED: 1,
    Status.AT_DIVISION_HEAD: 1,
    Status.AT_LEADER: 2,
    Status.APPROVED: 2,
    Status.RESULT_ISSUED: 2,
}
# The default name of the receiving unit (settings.RECEIVING_UNIT_NAME: the one-stop desk, or the province's centre).
ONE_STOP_UNIT = "Bộ phận Một cửa"


def holder(dossier) -> tuple[str, object] | None:
    """(unit, user) holding the dossier in its current state for the control slip; None when nobody does."""
    status = dossier.status
    division = dossier.division.name if dossier.division_id else "Phòng chuyên môn"
    if status in (Status.RECEIVED, Status.RESULT_ISSUED):
        return settings.RECEIVING_UNIT_NAME, None
    if status in (Status.TRANSFERRED, Status.AT_DIVISION_HEAD):
        return division, None
    if status == Status.ASSIGNED:
        return division, dossier.assignee
    if status == Status.AT_LEADER:
        return "Lãnh đạo Sở", None
    if status == Status.APPROVED:
        return "Văn thư", None
    if status == Status.SUPPLEMENT_REQUESTED:
        return APPLICANT_UNIT, None
    return None


def step_due(dossier, cal) -> tuple[int, datetime | None]:
    stage = STAGE.get(dossier.status)
    if stage is None or dossier.clock_started_at is None:
        return 0, None
    dues = step_due_times(dossier, cal)
    step = min(stage, len(dues) - 1)
    return step, dues[step]


def hand_off(dossier, actor, event, now, cal, note: str = "") -> None:
    """Close the open control-slip row when the dossier changes hands, and open the next one."""
    current = dossier.handoffs.filter(finished_at=None).order_by("-given_at", "-id").first()
    held = holder(dossier)
    if current is not None and held is not None:
        if (current.to_unit, current.to_user_id) == (held[0], getattr(held[1], "pk", None)):
            return
    if current is not None:
        current.finished_at = now
        current.outcome = deadline.finished_outcome(now, current.due_at) if current.due_at else ""
        current.save(update_fields=["finished_at", "outcome"])
    if held is None:
        return
    step, due = step_due(dossier, cal)
    from_unit = current.to_unit if current is not None else APPLICANT_UNIT
    # "Người giao" is someone of the giving unit: when the applicant gives (filing, a supplement), the actor is the
    # officer receiving it (or the applicant's own account), so no staff member is named as the giver.
    giver = actor if getattr(actor, "is_authenticated", False) and from_unit != APPLICANT_UNIT else None
    HandOff.objects.create(
        dossier=dossier,
        step=step,
        from_unit=from_unit,
        from_user=giver,
        to_unit=held[0],
        to_user=held[1],
        given_at=now,
        received_at=now,
        due_at=due,
        note=note,
        event=event,
    )
