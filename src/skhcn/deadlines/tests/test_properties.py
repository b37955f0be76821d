from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from skhcn.deadlines.calendar import (
    TZ,
    WorkCalendar,
    add_working_days,
    due_at,
    due_at_with_pauses,
    receipt_day,
    working_days_between,
)
from skhcn.deadlines.constants import TimeUnit

CAL = WorkCalendar()
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=1, max_value=60)
moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(TZ))
units = st.sampled_from(list(TimeUnit))
calendars = st.builds(
    WorkCalendar.build,
    days_off=st.frozensets(dates, max_size=15),
    working_days=st.frozensets(dates, max_size=15),
)


@given(dates, counts)
def test_result_is_a_later_working_day(start, n):
    result = add_working_days(CAL, start, n)
    assert result > start
    assert CAL.is_working_day(result)


@given(dates, counts)
def test_monotonic_in_n(start, n):
    assert add_working_days(CAL, start, n + 1) > add_working_days(CAL, start, n)


@given(calendars, dates, st.integers(min_value=0, max_value=60))
def test_between_inverts_add(cal, start, n):
    assert working_days_between(cal, start, add_working_days(cal, start, n)) == n


@given(dates, dates)
def test_between_is_antisymmetric(a, b):
    assert working_days_between(CAL, a, b) == -working_days_between(CAL, b, a)


@given(calendars, dates, counts, dates)
def test_extra_day_off_never_makes_it_earlier(cal, start, n, extra):
    more_off = WorkCalendar.build(days_off=cal.extra_days_off | {extra}, working_days=cal.extra_working_days - {extra})
    assert add_working_days(more_off, start, n) >= add_working_days(cal, start, n)


@given(calendars, dates, counts, dates)
def test_extra_working_day_never_makes_it_later(cal, start, n, extra):
    more_work = WorkCalendar.build(days_off=cal.extra_days_off - {extra}, working_days=cal.extra_working_days | {extra})
    assert add_working_days(more_work, start, n) <= add_working_days(cal, start, n)


@given(moments, st.integers(min_value=0, max_value=60), units)
def test_due_at_is_a_working_day_at_17_and_not_before_receipt(received, amount, unit):
    due = due_at(CAL, received, amount, unit)
    assert CAL.is_working_day(due.date())
    assert due.time() == time(17, 0) and due.tzinfo == TZ
    assert due.date() >= received.date()
    if amount:
        assert due.date() > received.date()


@given(moments, st.integers(min_value=0, max_value=60), units)
def test_later_receipt_is_never_due_earlier(received, amount, unit):
    later = received + timedelta(hours=5)
    assert due_at(CAL, later, amount, unit) >= due_at(CAL, received, amount, unit)


@given(moments, st.integers(min_value=0, max_value=30))
def test_working_days_never_due_before_as_many_calendar_days(received, amount):
    # N working days always span at least N calendar days.
    assert due_at(CAL, received, amount, TimeUnit.WORKING_DAYS) >= due_at(CAL, received, amount, TimeUnit.CALENDAR_DAYS)


@given(moments)
def test_receipt_day_is_a_working_day_on_or_after_receipt(received):
    day = receipt_day(CAL, received)
    assert CAL.is_working_day(day)
    assert day >= received.date()


@given(moments, st.integers(min_value=0, max_value=30), units)
def test_no_pauses_means_plain_due_at(received, amount, unit):
    assert due_at_with_pauses(CAL, received, amount, unit, []) == due_at(CAL, received, amount, unit)


@settings(max_examples=50)
@given(
    moments,
    st.integers(min_value=1, max_value=30),
    units,
    st.integers(min_value=0, max_value=40),
    st.integers(min_value=0, max_value=40),
)
def test_pauses_never_make_it_earlier(received, amount, unit, offset, length):
    stop = received + timedelta(days=offset)
    resume = stop + timedelta(days=length)
    with_pause = due_at_with_pauses(CAL, received, amount, unit, [(stop, resume)])
    assert with_pause >= due_at(CAL, received, amount, unit)
    assert CAL.is_working_day(with_pause.date())
