"""The deadline clock of a dossier: when it starts, the due date with pauses and the apology, the due time of each
internal step, and the dates staff enter about the past. Used by the workflow's handlers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F

from skhcn.deadlines import services as deadline_services
from skhcn.deadlines import status as deadline
from skhcn.deadlines.calendar import TZ

from ..constants import WorkflowMessages as M
from ..documents.formsets import get_form_set
from ..models import ResultSerial
from .errors import WorkflowError


def calendar():
    return deadline_services.current_calendar()


def local_today(now: datetime) -> date:
    return now.astimezone(TZ).date()


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in Vietnam time (date ranges of queries)."""
    return datetime.combine(day, time.min, tzinfo=TZ)


def check_past_date(day: date, now: datetime) -> None:
    """The rule for a day staff enter about the past (postmark, fee paid): not in the future, not more than
    ``DOSSIER_MAX_BACKDATE_DAYS`` back; ``WorkflowError`` otherwise."""
    today = local_today(now)
    backdate = settings.DOSSIER_MAX_BACKDATE_DAYS
    if day > today:
        raise WorkflowError(M.DATE_IN_FUTURE, "date")
    if day < today - timedelta(days=backdate):
        raise WorkflowError(M.DATE_TOO_OLD.format(days=backdate), "date")


def closed_pauses(dossier) -> list[tuple[datetime, datetime | None]]:
    return [(p.started_at, p.ended_at) for p in dossier.pauses.exclude(ended_at=None).order_by("started_at")]


def cutoff(dossier) -> time | None:
    """The afternoon cut-off for this dossier: its rule set's (``Dossier.form_set``; the set in force when not yet
    received) for its procedure, or None when counting starts from the day of receipt (``FormSet.cutoff_for``)."""
    return get_form_set(dossier.form_set).cutoff_for(dossier.procedure)


def recompute_due(dossier, cal) -> None:
    procedure = dossier.procedure
    dossier.due_at = deadline.dossier_due_at(
        cal,
        dossier.clock_started_at,
        procedure.processing_time,
        procedure.time_unit,
        closed_pauses(dossier),
        extra_days=dossier.apology_extra_days,
        cutoff=cutoff(dossier),
    )
    dossier.expected_return_at = dossier.due_at


def start_clock(dossier, moment: datetime, cal) -> None:
    dossier.clock_started_at = moment
    recompute_due(dossier, cal)
    dossier.original_due_at = dossier.due_at


def step_due_times(dossier, cal=None) -> list[datetime]:
    """Due time of each internal step of a dossier whose clock runs (``Procedure.step_budgets``)."""
    if dossier.clock_started_at is None:
        return []
    procedure = dossier.procedure
    return deadline.step_due_times(
        cal or calendar(),
        dossier.clock_started_at,
        procedure.budgets,
        procedure.time_unit,
        closed_pauses(dossier),
        extra_days=dossier.apology_extra_days,
        cutoff=cutoff(dossier),
    )


def provisional_return(dossier, moment: datetime) -> datetime:
    """The provisional return date shown at submission (the clock starts at receipt), with the dossier's cut-off."""
    procedure = dossier.procedure
    return deadline_services.expected_return(
        moment, procedure.processing_time, procedure.time_unit, cutoff=cutoff(dossier)
    )


def paid_moment(day: date, now: datetime) -> datetime:
    # A payment recorded for an earlier day counts from the start of that day's office hours (in the applicant's
    # favour: the cutoff cannot push it to the next day).
    if day == local_today(now):
        return now
    return datetime.combine(day, time(8, 0), tzinfo=TZ)


def allocate_result_number(now: datetime) -> str:
    """``<serial>/<yyyy>/<suffix>``, the serial counted per (Vietnam-time) year; inside the caller's transaction.

    Race-safe like dossier codes: the year's counter row is locked until the transaction ends; a rollback gives the
    number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_result_number() must run inside the transaction that saves the dossier")
    year = now.astimezone(TZ).year
    ResultSerial.objects.get_or_create(year=year)
    serial = ResultSerial.objects.select_for_update().get(year=year)
    ResultSerial.objects.filter(pk=serial.pk).update(last_value=F("last_value") + 1)
    suffix = settings.DOSSIER_RESULT_NUMBER_SUFFIX
    return f"{serial.last_value + 1}/{year}/{suffix}"
