"""The calendar in force (package holidays + staff-entered exceptions) and expected return times.

After the commit that adds, changes or deletes an exception, ``signals.calendar_changed`` tells the apps that store
dates computed from the calendar (the dossiers' due dates) which days changed; ``changing_calendar`` names the user
and collects what the receivers report for them (the admin screen shows it).

Cache choice: each process keeps the built ``WorkCalendar`` in memory. Saving or deleting a ``CalendarException``
drops it at once in the process that made the change (signal, again on commit); other processes reload it at
most ``DEADLINES_CALENDAR_TTL_SECONDS`` (default 60) later. Exceptions are announced days or weeks ahead, so a minute
of staleness is harmless, and one small query per process per minute beats a stamp check on every call.
"""

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .calendar import RECEIPT_CUTOFF, WorkCalendar, due_at
from .constants import CalendarExceptionKind, TimeUnit
from .models import CalendarException
from .signals import calendar_changed

logger = logging.getLogger(__name__)

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


@dataclass
class CalendarChange:
    """One user's change of the calendar: who made it and what the receivers of ``calendar_changed`` answered."""

    actor: object = None
    messages: list[str] = field(default_factory=list)
    failures: int = 0


_change: ContextVar[CalendarChange | None] = ContextVar("deadlines_calendar_change", default=None)


@contextmanager
def changing_calendar(actor) -> Iterator[CalendarChange]:
    """Saves and deletes of exceptions inside this block are ``actor``'s; once the block ends (after the commit),
    the yielded ``CalendarChange`` holds the receivers' messages for them."""
    change = CalendarChange(actor=actor)
    token = _change.set(change)
    try:
        yield change
    finally:
        _change.reset(token)


def announce(dates: Iterable[date], change: CalendarChange | None = None) -> CalendarChange:
    """Send ``calendar_changed`` for ``dates`` now (after the commit), collecting the answers in ``change``."""
    change = change if change is not None else CalendarChange()
    forget()
    responses = calendar_changed.send_robust(sender=CalendarException, dates=frozenset(dates), actor=change.actor)
    for handler, response in responses:
        if isinstance(response, Exception):
            change.failures += 1
            logger.error("calendar_changed receiver %r failed", handler, exc_info=response)
        elif response:
            change.messages.append(str(response))
    return change


def _announce_on_commit(dates: set[date]) -> None:
    change = _change.get()
    transaction.on_commit(lambda: announce(dates, change))


@receiver(pre_save, sender=CalendarException, dispatch_uid="deadlines_remember_previous")
def _remember_previous(instance, **kwargs):
    # An edit may move an entry to another day or change its kind: both days may change.
    previous = None
    if instance.pk is not None:
        previous = CalendarException.objects.filter(pk=instance.pk).values_list("date", "kind").first()
    instance._previous_day = previous


@receiver(post_save, sender=CalendarException, dispatch_uid="deadlines_forget_on_save")
@receiver(post_delete, sender=CalendarException, dispatch_uid="deadlines_forget_on_delete")
def _exception_changed(instance, **kwargs):
    # Now, for reads later in this transaction, and after commit, in case another thread reloaded in between.
    forget()
    transaction.on_commit(forget)
    previous, instance._previous_day = getattr(instance, "_previous_day", None), None
    if kwargs.get("signal") is post_save and previous == (instance.date, instance.kind):
        return  # only the note changed: no day changed
    dates = {instance.date} | ({previous[0]} if previous else set())
    _announce_on_commit(dates)
