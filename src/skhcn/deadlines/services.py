"""The calendar in force (package holidays + staff-entered exceptions) and expected return times.

Cache choice: each process keeps the built ``WorkCalendar`` in memory. Saving or deleting a ``CalendarException``
drops it at once in the process that made the change (signal, again on commit); other processes reload it at
most ``DEADLINES_CALENDAR_TTL_SECONDS`` (default 60) later. Exceptions are announced days or weeks ahead, so a minute
of staleness is harmless, and one small query per process per minute beats a stamp check on every call.
"""

import threading
import time
from datetime import datetime
from datetime import time as clock_time

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .calendar import RECEIPT_CUTOFF, WorkCalendar, due_at
from .constants import CalendarExceptionKind, TimeUnit
from .models import CalendarException

_lock = threading.Lock()
_state: dict = {"calendar": None, "loaded_at": 0.0}


def _ttl() -> float:
    return settings.DEADLINES_CALENDAR_TTL_SECONDS


def load_calendar() -> WorkCalendar:
    """Build a calendar from the database, uncached."""
    days_off, working_days = [], []
    for day, kind in CalendarException.objects.values_list("date", "kind"):
        (working_days if kind == CalendarExceptionKind.WORKING_DAY else days_off).append(day)
    return WorkCalendar.build(days_off=days_off, working_days=working_days)


def current_calendar() -> WorkCalendar:
    calendar = _state["calendar"]
    if calendar is not None and time.monotonic() - _state["loaded_at"] < _ttl():
        return calendar
    with _lock:
        calendar = load_calendar()
        _state["calendar"] = calendar
        _state["loaded_at"] = time.monotonic()
    return calendar


def forget() -> None:
    """Make the next ``current_calendar()`` read the database (after a change, and between tests)."""
    _state["calendar"] = None


def expected_return(
    received_at: datetime, amount: int, unit: TimeUnit | str, *, cutoff: clock_time | None = RECEIPT_CUTOFF
) -> datetime:
    """When the result of a dossier received at ``received_at`` is due (17:00 local time); see ``calendar.due_at``.
    ``cutoff``: the rule set's afternoon cutoff for the procedure, None for none."""
    return due_at(current_calendar(), received_at, amount, unit, cutoff=cutoff)


@receiver(post_save, sender=CalendarException, dispatch_uid="deadlines_forget_on_save")
@receiver(post_delete, sender=CalendarException, dispatch_uid="deadlines_forget_on_delete")
def _exception_changed(**kwargs):
    # Now, for reads later in this transaction, and after commit, in case another thread reloaded in between.
    forget()
    transaction.on_commit(forget)
