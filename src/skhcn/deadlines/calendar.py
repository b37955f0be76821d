"""Working days and due times for administrative procedures. Pure functions: no database, no settings.

Rules (docs/quy-trinh-ho-so.md, "Thời hạn"):

* Saturdays and Sundays are days off, unless the government announced them as make-up working days (the `holidays`
  package's ``weekend_workdays``, e.g. Saturday 22/08/2026) or staff entered them as such.
* Public holidays, Tết and substituted days off come from ``holidays.country_holidays("VN")``; staff add further
  days off and make-up working days on top (``CalendarException``). Staff entries win over the package.
* A dossier received on a non-working day counts as received on the next working day; so does one received after
  the cutoff (15:00) when a cutoff applies. Whether it applies is the rule set's choice (``cutoff=None``: no cutoff,
  the day of receipt counts whatever the hour); the dossiers app passes it per procedure (``FormSet.cutoff_for``).
* Counting starts the day after (effective) receipt; the result is due at the end of office hours (17:00).
* Deadlines in working hours (the intake of an online dossier) count office hours, 08:00–17:00 on working days; the
  lunch break is not modelled.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from .constants import TimeUnit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Receipts later than this count as received the next working day, where a cutoff applies (the default of the
# functions below; callers for a dossier pass the rule set's cutoff or None).
RECEIPT_CUTOFF = time(15, 0)
# Office hours (working-hour deadlines); results are due at the end of office hours on the due date.
OFFICE_OPENS = time(8, 0)
OFFICE_CLOSES = time(17, 0)

ONE_DAY = timedelta(days=1)


@functools.lru_cache(maxsize=256)
def _package_year(country: str, year: int) -> tuple[Mapping[date, str], frozenset[date]]:
    """(holidays with their Vietnamese names, make-up working weekend days) the package knows for one year."""
    known = holidays.country_holidays(country, years=year, language="vi")
    days_off = MappingProxyType(dict(known))
    # `weekend_workdays` is shared between instances in holidays 0.109 and keeps other years' dates: keep this year's.
    workdays = frozenset(d for d in getattr(known, "weekend_workdays", ()) if d.year == year)
    return days_off, workdays


@dataclass(frozen=True)
class WorkCalendar:
    """Vietnamese working calendar: weekends + package holidays, corrected by announced exceptions."""

    extra_days_off: frozenset[date] = field(default_factory=frozenset)
    extra_working_days: frozenset[date] = field(default_factory=frozenset)
    country: str = "VN"

    @classmethod
    def build(cls, days_off: Iterable[date] = (), working_days: Iterable[date] = ()) -> WorkCalendar:
        return cls(extra_days_off=frozenset(days_off), extra_working_days=frozenset(working_days))

    def holiday_name(self, d: date) -> str | None:
        """The package's (Vietnamese) name of a public holiday or substituted day off, else None."""
        return _package_year(self.country, d.year)[0].get(d)

    def is_package_working_day(self, d: date) -> bool:
        """Working day according to weekends and the package alone, ignoring staff-entered exceptions."""
        days_off, weekend_workdays = _package_year(self.country, d.year)
        if d.weekday() >= 5:
            return d in weekend_workdays
        return d not in days_off

    def is_working_day(self, d: date) -> bool:
        if d in self.extra_days_off:
            return False
        if d in self.extra_working_days:
            return True
        return self.is_package_working_day(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        d += ONE_DAY
        while not self.is_working_day(d):
            d += ONE_DAY
        return d

    def working_day_on_or_after(self, d: date) -> date:
        return d if self.is_working_day(d) else self.next_working_day(d)


def add_working_days(cal: WorkCalendar, start: date, n: int) -> date:
    """The n-th working day after ``start`` (``start`` itself never counts). ``n == 0`` returns ``start``."""
    if n < 0:
        raise ValueError("n must be >= 0")
    d = start
    for _ in range(n):
        d = cal.next_working_day(d)
    return d


def working_days_between(cal: WorkCalendar, start: date, end: date) -> int:
    """Working days in (start, end]: the inverse of ``add_working_days``. Negative when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(cal, end, start)
    count = 0
    d = start + ONE_DAY
    while d <= end:
        count += cal.is_working_day(d)
        d += ONE_DAY
    return count


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("an aware datetime is required")
    return moment.astimezone(TZ)


def receipt_day(cal: WorkCalendar, received_at: datetime, cutoff: time | None = RECEIPT_CUTOFF) -> date:
    """The working day a receipt counts for: the next working day if received on a day off or after ``cutoff``.

    "After 15:00" is strict: 15:00:00 sharp still counts for the same day. ``cutoff=None``: no cutoff, a receipt on a
    working day counts for that day at any hour.
    """
    local = _local(received_at)
    d = local.date()
    late = cutoff is not None and local.time().replace(tzinfo=None) > cutoff
    if not cal.is_working_day(d) or late:
        return cal.next_working_day(d)
    return d


def add_working_hours(cal: WorkCalendar, start: datetime, hours: float) -> datetime:
    """``start`` + ``hours`` office hours (``OFFICE_OPENS``–``OFFICE_CLOSES`` on working days), aware, local time.

    Time outside office hours does not count: a start before opening, after closing or on a day off counts from the
    next opening. An amount that ends exactly at closing time is due at closing time (17:00), not at the next
    opening. ``hours == 0`` gives the start itself when it is within office hours, else the next opening.
    """
    if hours < 0:
        raise ValueError("hours must be >= 0")
    current = _local(start)
    day = current.date()
    if not cal.is_working_day(day) or current > datetime.combine(day, OFFICE_CLOSES, tzinfo=TZ):
        current = datetime.combine(cal.next_working_day(day), OFFICE_OPENS, tzinfo=TZ)
    else:
        current = max(current, datetime.combine(day, OFFICE_OPENS, tzinfo=TZ))
    remaining = timedelta(hours=hours)
    while True:
        left_today = datetime.combine(current.date(), OFFICE_CLOSES, tzinfo=TZ) - current
        if remaining <= left_today:
            return current + remaining
        remaining -= left_today
        current = datetime.combine(cal.next_working_day(current.date()), OFFICE_OPENS, tzinfo=TZ)


def _end_of_day(d: date) -> datetime:
    return datetime.combine(d, OFFICE_CLOSES, tzinfo=TZ)


def due_date(
    cal: WorkCalendar,
    received_at: datetime,
    amount: int,
    unit: TimeUnit | str,
    *,
    cutoff: time | None = RECEIPT_CUTOFF,
    roll_to_working_day: bool = True,
) -> date:
    """The date a result is due; see ``due_at``."""
    if amount < 0:
        raise ValueError("amount must be >= 0")
    start = receipt_day(cal, received_at, cutoff)
    if TimeUnit(unit) == TimeUnit.WORKING_DAYS:
        return add_working_days(cal, start, amount)
    end = start + timedelta(days=amount)
    return cal.working_day_on_or_after(end) if roll_to_working_day else end


def due_at(
    cal: WorkCalendar,
    received_at: datetime,
    amount: int,
    unit: TimeUnit | str,
    *,
    cutoff: time | None = RECEIPT_CUTOFF,
    roll_to_working_day: bool = True,
) -> datetime:
    """Expected return time (aware, Asia/Ho_Chi_Minh, 17:00) for a dossier received at ``received_at``.

    The receipt day is ``receipt_day`` (cutoff and days off applied). Working days: the ``amount``-th working day
    after it. Calendar days: receipt day + ``amount`` days, moved to the next working day when that is a day off
    (``roll_to_working_day``; the usual rule, since nothing can be returned on a day the office is closed).
    ``amount == 0`` (same-day procedures): the receipt day itself.
    """
    return _end_of_day(due_date(cal, received_at, amount, unit, cutoff=cutoff, roll_to_working_day=roll_to_working_day))


def due_at_with_pauses(
    cal: WorkCalendar,
    received_at: datetime,
    amount: int,
    unit: TimeUnit | str,
    pauses: Iterable[tuple[datetime, datetime | None]],
    *,
    now: datetime | None = None,
    cutoff: time | None = RECEIPT_CUTOFF,
    roll_to_working_day: bool = True,
) -> datetime:
    """``due_at`` extended by the days the clock was stopped (supplement requested, fee awaited...).

    A pause from ``stop`` to ``resume`` stops the clock after the day of ``stop`` (that day was spent and counts) and
    restarts it as if the dossier were received again at ``resume`` (cutoff applies). The deadline moves by the
    working days (calendar days for calendar-day procedures) in between. Overlapping pauses count once; a pause
    starting after the deadline it would extend does not revive it. An open pause (``resume is None``) runs until
    ``now``, which is then required: the result is provisional while the clock is stopped.
    """
    if amount < 0:
        raise ValueError("amount must be >= 0")
    working = TimeUnit(unit) == TimeUnit.WORKING_DAYS
    start = receipt_day(cal, received_at, cutoff)
    # Unrolled due date: calendar-day deadlines are moved off days off only at the end.
    due = add_working_days(cal, start, amount) if working else start + timedelta(days=amount)
    counted_until = start
    for stop, resume in sorted(pauses, key=lambda pause: pause[0]):
        if resume is None:
            if now is None:
                raise ValueError("an open pause needs `now`")
            resume = now
        current_due = due if working or not roll_to_working_day else cal.working_day_on_or_after(due)
        if _local(stop) > _end_of_day(current_due):
            continue
        stopped_on = max(_local(stop).date(), counted_until)
        resumed_on = receipt_day(cal, resume, cutoff)
        if resumed_on <= stopped_on:
            continue
        if working:
            due = add_working_days(cal, due, working_days_between(cal, stopped_on, resumed_on))
        else:
            due += resumed_on - stopped_on
        counted_until = resumed_on
    if not working and roll_to_working_day:
        due = cal.working_day_on_or_after(due)
    return _end_of_day(due)
