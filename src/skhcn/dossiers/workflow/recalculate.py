"""Stored due dates follow the working calendar: when staff add, change or delete a day off or a make-up working day
(``deadlines.signals.calendar_changed``, after the commit), the open dossiers whose deadline counts across that day
get their due date recomputed.

Not an action of ``workflow.perform``: nothing asks for it, no state changes, no role or version is checked and a
dossier whose date did not move gets no history row. It keeps ``perform``'s discipline though: one transaction per
dossier, the row locked (SELECT ... FOR UPDATE) and re-read, the version bumped, a history row appended
(``Action.RECALCULATE_DUE``, shown to the applicant: their appointment moved). The receipt's appointment
(``original_due_at``) never changes, and the open control-slip row gets its step's new due time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.dispatch import receiver

from skhcn.deadlines.calendar import TZ
from skhcn.deadlines.signals import calendar_changed

from ..constants import IN_PROGRESS_STATES, Action
from ..models import Dossier, DossierEvent
from .handoffs import step_due
from .timing import calendar, local_midnight, recompute_due

logger = logging.getLogger(__name__)

# Codes named in the officer's message; the rest are counted.
MESSAGE_MAX_CODES = 10


@dataclass(frozen=True)
class Moved:
    """A dossier whose due date moved."""

    pk: int
    code: str
    old_due: datetime
    new_due: datetime


@dataclass
class Report:
    moved: list[Moved]
    failed: list[int]

    def message(self) -> str:
        """The officer's message (Vietnamese): how many dossiers moved, the first codes with old → new dates."""
        parts = []
        if self.moved:
            shown = ", ".join(
                f"{m.code} ({_day(m.old_due)} → {_day(m.new_due)})" for m in self.moved[:MESSAGE_MAX_CODES]
            )
            rest = len(self.moved) - MESSAGE_MAX_CODES
            more = f" và {rest} hồ sơ khác" if rest > 0 else ""
            parts.append(f"Đã tính lại hạn giải quyết của {len(self.moved)} hồ sơ: {shown}{more}.")
        else:
            parts.append("Không có hồ sơ đang giải quyết nào phải đổi hạn giải quyết.")
        if self.failed:
            parts.append(
                f"Chưa tính lại được hạn của {len(self.failed)} hồ sơ do lỗi hệ thống; vui lòng báo quản trị hệ thống."
            )
        return " ".join(parts)


def _day(moment: datetime) -> str:
    return f"{moment.astimezone(TZ):%d/%m/%Y}"


def candidates(dates: Iterable[date]):
    """Open dossiers whose clock runs or is paused and whose counting may cross one of ``dates``: clock started on or
    before the last day, due on or after the first (a day after the due date cannot move it; a wider net is safe,
    the recomputation writes nothing when the date stays)."""
    dates = sorted(dates)
    return Dossier.objects.filter(
        status__in=IN_PROGRESS_STATES,
        clock_started_at__isnull=False,
        clock_started_at__lt=local_midnight(dates[-1] + timedelta(days=1)),
        due_at__gte=local_midnight(dates[0]),
    ).order_by("pk")


def recalculate_one(pk: int, dates: Iterable[date], actor, cal) -> Moved | None:
    """Recompute one dossier's due date under its row lock; the history row and a new version only when it moved."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).select_related("procedure").filter(pk=pk).first()
        if dossier is None or dossier.status not in IN_PROGRESS_STATES or dossier.clock_started_at is None:
            return None
        old_due = dossier.due_at
        recompute_due(dossier, cal)
        # The open control-slip row's step deadline (none while the applicant holds a paused dossier).
        _step, step_due_at = step_due(dossier, cal)
        dossier.handoffs.filter(finished_at=None).exclude(due_at=step_due_at).update(due_at=step_due_at)
        if dossier.due_at == old_due:
            return None
        dossier.version += 1
        dossier.save()
        DossierEvent.objects.create(
            dossier=dossier,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            from_status=dossier.status,
            to_status=dossier.status,
            action=Action.RECALCULATE_DUE,
            details={
                "old_due": old_due.astimezone(TZ).isoformat() if old_due else None,
                "new_due": dossier.due_at.astimezone(TZ).isoformat(),
                "calendar_date": ", ".join(d.isoformat() for d in sorted(dates)),
            },
        )
        return Moved(dossier.pk, dossier.code or "", old_due, dossier.due_at)


def recalculate_due_dates(dates: Iterable[date], actor=None) -> Report:
    """Recompute the affected dossiers (``candidates``) with the calendar now in force, one transaction each; a
    failure for one dossier is logged and reported, and does not stop the others."""
    dates = frozenset(dates)
    report = Report(moved=[], failed=[])
    if not dates:
        return report
    cal = calendar()
    for pk in candidates(dates).values_list("pk", flat=True):
        try:
            moved = recalculate_one(pk, dates, actor, cal)
        except Exception:
            logger.exception("Could not recompute the due date of dossier %s", pk)
            report.failed.append(pk)
            continue
        if moved is not None:
            report.moved.append(moved)
    return report


@receiver(calendar_changed, dispatch_uid="dossiers_recalculate_due_dates")
def _calendar_changed(dates, actor=None, **kwargs) -> str:
    return recalculate_due_dates(dates, actor).message()
