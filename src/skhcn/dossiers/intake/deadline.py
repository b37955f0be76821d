"""The intake deadline of an online dossier awaiting intake (status "submitted", channel online): computed, never
stored (docs/quy-trinh-ho-so.md, "Hạn tiếp nhận hồ sơ trực tuyến").

The one-stop officer checks the dossier within ``DOSSIER_INTAKE_WORKING_HOURS`` office hours (default 8; a
configuration, to be checked against Nghị định 45/2020/NĐ-CP) counted from the moment it last became "submitted":
its submission, or its resubmission after a completion request (the latest SUBMIT / RESUBMIT / INTAKE event; the
dossier's ``submitted_at`` when it has none). Office hours and days off: ``deadlines.calendar.add_working_hours``.
The status (overdue, due soon...) follows the rule of the result deadlines (``deadlines.status.deadline_status``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.checks import Error, register
from django.db.models import Max, QuerySet

from skhcn.deadlines.calendar import WorkCalendar, add_working_hours
from skhcn.deadlines.services import current_calendar

from ..constants import Action, Channel, Status
from ..models import Dossier, DossierEvent

# The actions after which a dossier waits for intake.
WAITING_ACTIONS = (Action.SUBMIT, Action.RESUBMIT, Action.INTAKE)
# The attribute ``attach`` sets on each dossier (None when it does not await intake).
ATTRIBUTE = "intake_due_at"

OVERDUE, DUE_SOON, EARLY = "intake_overdue", "intake_due_soon", "intake_early"
LABELS = {OVERDUE: "Quá hạn tiếp nhận", DUE_SOON: "Sắp đến hạn tiếp nhận", EARLY: "Trong hạn tiếp nhận"}


def awaits_intake(dossier) -> bool:
    return dossier.status == Status.SUBMITTED and dossier.channel == Channel.ONLINE


def awaiting_intake(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return queryset.filter(status=Status.SUBMITTED, channel=Channel.ONLINE)


def waiting_since(dossiers: Iterable) -> dict[int, datetime]:
    """{dossier id: when it last became "submitted"} for the given dossiers, in one query."""
    dossiers = list(dossiers)
    latest = dict(
        DossierEvent.objects.filter(dossier_id__in=[d.pk for d in dossiers], action__in=WAITING_ACTIONS)
        .values_list("dossier_id")
        .annotate(last=Max("at"))
        .order_by()
    )
    return {d.pk: latest.get(d.pk) or d.submitted_at for d in dossiers if latest.get(d.pk) or d.submitted_at}


def due_after(since: datetime, cal: WorkCalendar | None = None) -> datetime:
    """The intake due time of a dossier waiting since ``since``."""
    return add_working_hours(cal or current_calendar(), since, settings.DOSSIER_INTAKE_WORKING_HOURS)


def attach(dossiers: Iterable, cal: WorkCalendar | None = None) -> list:
    """Set ``intake_due_at`` on each dossier (None unless it awaits intake); one query for the whole list."""
    dossiers = list(dossiers)
    waiting = [d for d in dossiers if awaits_intake(d)]
    since = waiting_since(waiting) if waiting else {}
    cal = cal or (current_calendar() if since else None)
    for dossier in dossiers:
        start = since.get(dossier.pk) if awaits_intake(dossier) else None
        setattr(dossier, ATTRIBUTE, due_after(start, cal) if start else None)
    return dossiers


def due_at(dossier, cal: WorkCalendar | None = None) -> datetime | None:
    """The dossier's intake due time (``attach``-ed or computed now); None unless it awaits intake."""
    if not hasattr(dossier, ATTRIBUTE):
        attach([dossier], cal)
    return getattr(dossier, ATTRIBUTE)


# The daily reminder (sent before the office opens) lists what falls due within the next working day.
REMINDER_HOURS = 8


def state(now: datetime, due: datetime, cal: WorkCalendar | None = None, *, soon_hours: int | None = None) -> str:
    """``intake_overdue`` after the due time; ``intake_due_soon`` when at most ``soon_hours`` office hours are left
    (default ``DOSSIER_INTAKE_DUE_SOON_HOURS``; counted like the deadline itself, so a dossier sent in the evening is
    not "due soon" before the office opens); ``intake_early`` otherwise."""
    if now > due:
        return OVERDUE
    hours = settings.DOSSIER_INTAKE_DUE_SOON_HOURS if soon_hours is None else soon_hours
    soon = add_working_hours(cal or current_calendar(), now, hours)
    return DUE_SOON if soon >= due else EARLY


@register()
def intake_hours_check(app_configs=None, **kwargs):
    hours = settings.DOSSIER_INTAKE_WORKING_HOURS
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 1000:
        return [
            Error(
                f"DOSSIER_INTAKE_WORKING_HOURS không hợp lệ: {hours!r}.",
                hint="Nhập số giờ làm việc (số nguyên từ 1 đến 1000), mặc định 8.",
                id="dossiers.E001",
            )
        ]
    return []
