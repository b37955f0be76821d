"""Deadline status of a dossier and per-step due times. Pure functions over ``calendar``: no database.

Derived status (never stored; docs/quy-trinh-ho-so.md):

While open (no result yet), with ``due`` = 17:00 local on the due day:

* ``overdue`` (Quá hạn): now is after ``due``;
* ``on_time`` (Đúng hạn): today is the due day and it is not yet 17:00 — a result now would be "on" the deadline;
* ``due_soon`` (Sắp đến hạn): at most ``due_soon_working_days`` working days left before the due day;
* ``early`` (Sớm hạn): more working days left than that.

Once finished (result issued or refusal decided) at ``finished``:

* ``before`` (Trước hạn): finished on a day before the due day;
* ``on`` (Đúng hạn): finished on the due day, at or before 17:00;
* ``after`` (Trễ hạn): finished after 17:00 on the due day or later.

So "on time" means *on the due day itself, within office hours*; anything earlier is "before", anything later
"after", exactly as a result finished at that moment would be classified.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from django.conf import settings

from .calendar import (
    RECEIPT_CUTOFF,
    TZ,
    WorkCalendar,
    _end_of_day,
    _local,
    due_at_with_pauses,
    working_days_between,
)
from .constants import TimeUnit
from .services import current_calendar

EARLY = "early"
ON_TIME = "on_time"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
BEFORE = "before"
ON = "on"
AFTER = "after"

LABELS = {
    EARLY: "Sớm hạn",
    ON_TIME: "Đúng hạn",
    DUE_SOON: "Sắp đến hạn",
    OVERDUE: "Quá hạn",
    BEFORE: "Trước hạn",
    ON: "Đúng hạn",
    AFTER: "Trễ hạn",
}
OPEN_STATUSES = (EARLY, DUE_SOON, ON_TIME, OVERDUE)
FINISHED_STATUSES = (BEFORE, ON, AFTER)


def finished_outcome(finished_at: datetime, due_at: datetime) -> str:
    """``before`` / ``on`` / ``after`` for a result finished at ``finished_at`` against ``due_at``."""
    finished, due = _local(finished_at), _local(due_at)
    if finished > due:
        return AFTER
    return ON if finished.date() == due.date() else BEFORE


def deadline_status(
    now: datetime,
    due_at: datetime,
    finished_at: datetime | None = None,
    *,
    due_soon_working_days: int | None = None,
    cal: WorkCalendar | None = None,
) -> str:
    """The derived deadline status (module docstring). ``due_soon_working_days`` defaults to the setting
    ``DEADLINE_DUE_SOON_WORKING_DAYS`` (1); ``cal`` to the calendar in force (needed only to count working days)."""
    if finished_at is not None:
        return finished_outcome(finished_at, due_at)
    local_now, due = _local(now), _local(due_at)
    if local_now > due:
        return OVERDUE
    if local_now.date() == due.date():
        return ON_TIME
    if due_soon_working_days is None:
        due_soon_working_days = settings.DEADLINE_DUE_SOON_WORKING_DAYS
    if cal is None:
        cal = current_calendar()
    left = working_days_between(cal, local_now.date(), due.date())
    return DUE_SOON if left <= due_soon_working_days else EARLY


def label(status: str) -> str:
    return LABELS[status]


Pause = tuple[datetime, datetime | None]


def dossier_due_at(
    cal: WorkCalendar,
    clock_started_at: datetime,
    amount: int,
    unit: TimeUnit | str,
    pauses: Iterable[Pause] = (),
    *,
    extra_days: int = 0,
    now: datetime | None = None,
    cutoff: time | None = RECEIPT_CUTOFF,
) -> datetime:
    """Due time of a dossier whose clock started at ``clock_started_at``: the procedure's ``amount`` plus the days
    an apology added (``extra_days``), extended by the pauses (``calendar.due_at_with_pauses``). ``cutoff``: the
    rule set's afternoon cutoff for the procedure, None for none."""
    return due_at_with_pauses(cal, clock_started_at, amount + extra_days, unit, list(pauses), now=now, cutoff=cutoff)


def step_due_times(
    cal: WorkCalendar,
    clock_started_at: datetime,
    budgets: Sequence[int],
    unit: TimeUnit | str,
    pauses: Iterable[Pause] = (),
    *,
    extra_days: int = 0,
    now: datetime | None = None,
    cutoff: time | None = RECEIPT_CUTOFF,
) -> list[datetime]:
    """Due time of each internal step: step i ends after the cumulative budget of steps 0..i, counted from the clock
    start and extended by the pauses. The apology's ``extra_days`` go to the last step (the new appointment)."""
    pauses = list(pauses)
    result, total = [], 0
    for index, budget in enumerate(budgets):
        total += budget
        extra = extra_days if index == len(budgets) - 1 else 0
        result.append(
            dossier_due_at(cal, clock_started_at, total, unit, pauses, extra_days=extra, now=now, cutoff=cutoff)
        )
    return result


def apology_extra_days(
    cal: WorkCalendar,
    clock_started_at: datetime,
    amount: int,
    unit: TimeUnit | str,
    pauses: Iterable[Pause],
    new_date: date,
    *,
    extra_days: int = 0,
    cutoff: time | None = RECEIPT_CUTOFF,
) -> int:
    """How many days (working or calendar, per ``unit``) to add to ``amount`` so the dossier falls due on
    ``new_date``; ``ValueError`` if no whole number of days lands there (a day off, or not after the current due).

    Stored instead of the date itself so that a supplement pause after the apology still moves the new date.
    """
    pauses = list(pauses)

    def due_on(days: int) -> date:
        due = dossier_due_at(cal, clock_started_at, amount, unit, pauses, extra_days=days, cutoff=cutoff)
        return due.astimezone(TZ).date()

    current = due_on(extra_days)
    if new_date <= current:
        raise ValueError("the new date must be after the current due date")
    if TimeUnit(unit) == TimeUnit.WORKING_DAYS:
        guess = extra_days + working_days_between(cal, current, new_date)
    else:
        guess = extra_days + (new_date - current).days
    for days in (guess, *range(max(extra_days, guess - 7), guess + 8)):
        if due_on(days) == new_date:
            return days
    raise ValueError("no deadline lands on that date")


def end_of_day(d: date) -> datetime:
    """17:00 local time on ``d`` (results are due at the end of office hours)."""
    return _end_of_day(d)
