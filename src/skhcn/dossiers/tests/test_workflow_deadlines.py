"""Deadline status and per-step due times (pure functions in skhcn.deadlines.status): hand-checked cases and
hypothesis properties."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skhcn.deadlines import status as ds
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
from skhcn.procedures.tests.factories import ProcedureFactory

CAL = WorkCalendar()
W, C = TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS


def local(*args):
    return datetime(*args, tzinfo=TZ)


DUE = local(2026, 3, 23, 17, 0)  # Monday


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 3, 18, 9), ds.EARLY),  # Wed: 3 working days left
        (local(2026, 3, 19, 9), ds.EARLY),  # Thu: 2 left
        (local(2026, 3, 20, 9), ds.DUE_SOON),  # Fri: 1 left
        (local(2026, 3, 21, 9), ds.DUE_SOON),  # Saturday: Monday is the next working day
        (local(2026, 3, 23, 8), ds.ON_TIME),  # the due day, before 17:00
        (local(2026, 3, 23, 17, 0), ds.ON_TIME),  # 17:00 sharp still on time
        (local(2026, 3, 23, 17, 1), ds.OVERDUE),
        (local(2026, 3, 24, 9), ds.OVERDUE),
    ],
)
def test_open_status(now, expected):
    assert ds.deadline_status(now, DUE, cal=CAL, due_soon_working_days=1) == expected


def test_due_soon_window_is_configurable(settings):
    assert ds.deadline_status(local(2026, 3, 18, 9), DUE, cal=CAL, due_soon_working_days=3) == ds.DUE_SOON
    assert ds.deadline_status(local(2026, 3, 20, 9), DUE, cal=CAL, due_soon_working_days=0) == ds.EARLY
    settings.DEADLINE_DUE_SOON_WORKING_DAYS = 2
    assert ds.deadline_status(local(2026, 3, 19, 9), DUE, cal=CAL) == ds.DUE_SOON


def test_due_soon_skips_tet_2027():
    # Due Thu 11/02/2027, the first working day after Tết: on Wed 03/02 only one working day is left.
    due = local(2027, 2, 11, 17)
    assert ds.deadline_status(local(2027, 2, 3, 9), due, cal=CAL, due_soon_working_days=1) == ds.DUE_SOON
    assert ds.deadline_status(local(2027, 2, 2, 9), due, cal=CAL, due_soon_working_days=1) == ds.EARLY


@pytest.mark.parametrize(
    ("finished", "expected", "label"),
    [
        (local(2026, 3, 20, 16), ds.BEFORE, "Trước hạn"),
        (local(2026, 3, 23, 0, 5), ds.ON, "Đúng hạn"),
        (local(2026, 3, 23, 17, 0), ds.ON, "Đúng hạn"),
        (local(2026, 3, 23, 17, 30), ds.AFTER, "Trễ hạn"),
        (local(2026, 4, 1, 9), ds.AFTER, "Trễ hạn"),
    ],
)
def test_finished_status(finished, expected, label):
    # Once finished, "now" no longer matters.
    assert ds.deadline_status(local(2027, 1, 1), DUE, finished, cal=CAL) == expected
    assert ds.label(expected) == label


def test_labels_are_vietnamese():
    assert [ds.label(s) for s in ds.OPEN_STATUSES] == ["Sớm hạn", "Sắp đến hạn", "Đúng hạn", "Quá hạn"]


def test_step_due_times_hand_checked():
    start = local(2026, 3, 2, 9)
    assert ds.step_due_times(CAL, start, (2, 10, 3), W) == [
        local(2026, 3, 4, 17),
        local(2026, 3, 18, 17),
        local(2026, 3, 23, 17),
    ]
    paused = [(local(2026, 3, 4, 10), local(2026, 3, 9, 10))]
    assert ds.step_due_times(CAL, start, (2, 10, 3), W, paused)[1:] == [
        local(2026, 3, 23, 17),
        local(2026, 3, 26, 17),
    ]
    assert ds.step_due_times(CAL, start, (2, 10, 3), W, extra_days=2)[-1] == local(2026, 3, 25, 17)


def test_apology_extra_days_hand_checked():
    start = local(2027, 1, 25, 9)
    assert ds.dossier_due_at(CAL, start, 10, W) == local(2027, 2, 15, 17)
    assert ds.apology_extra_days(CAL, start, 10, W, [], date(2027, 2, 19)) == 4
    with pytest.raises(ValueError):
        ds.apology_extra_days(CAL, start, 10, W, [], date(2027, 2, 15))
    # Calendar days: 20 days from Mon 02/03/2026 -> Sun 22/03 rolled to Mon 23/03; a new date of Fri 27/03 = +5.
    start = local(2026, 3, 2, 9)
    assert ds.dossier_due_at(CAL, start, 20, C) == local(2026, 3, 23, 17)
    assert ds.apology_extra_days(CAL, start, 20, C, [], date(2026, 3, 27)) == 5


# --- properties --------------------------------------------------------------------------------------------------
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 1)).map(
    lambda d: d.replace(tzinfo=TZ)
)
days = st.integers(min_value=0, max_value=40)


@settings(max_examples=150, deadline=None)
@given(received=moments, amount=days)
def test_steps_end_at_the_overall_due_date_and_never_go_back(received, amount):
    budgets = (amount // 5, amount - amount // 5 - amount // 3, amount // 3)
    steps = ds.step_due_times(CAL, received, budgets, W)
    assert steps == sorted(steps)
    assert steps[-1] == due_at(CAL, received, amount, W)


@settings(max_examples=150, deadline=None)
@given(received=moments, amount=days, gap=st.integers(0, 30), length=st.integers(0, 30))
def test_a_pause_extends_by_exactly_its_working_days(received, amount, gap, length):

    base = due_at(CAL, received, amount, W)
    stop = received + timedelta(days=gap)
    resume = stop + timedelta(days=length)
    extended = ds.dossier_due_at(CAL, received, amount, W, [(stop, resume)])
    if stop > base:
        assert extended == base
        return
    stopped_on = max(stop.astimezone(TZ).date(), receipt_day(CAL, received))
    resumed_on = receipt_day(CAL, resume)
    paused = max(0, working_days_between(CAL, stopped_on, resumed_on)) if resumed_on > stopped_on else 0
    assert extended.date() == add_working_days(CAL, base.date(), paused)
    assert extended >= base


@settings(max_examples=100, deadline=None)
@given(received=moments, amount=st.integers(1, 30), extra=st.integers(1, 20))
def test_apology_extra_days_lands_exactly_on_the_new_date(received, amount, extra):
    target = ds.dossier_due_at(CAL, received, amount, W, extra_days=extra).astimezone(TZ).date()
    assert ds.apology_extra_days(CAL, received, amount, W, [], target) == extra


@settings(max_examples=200, deadline=None)
@given(now=moments, due_day=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)))
def test_open_status_agrees_with_how_a_result_now_would_be_classified(now, due_day):
    due = local(due_day.year, due_day.month, due_day.day, 17)
    open_status = ds.deadline_status(now, due, cal=CAL, due_soon_working_days=1)
    finished = ds.deadline_status(now, due, now, cal=CAL)
    assert {ds.EARLY: ds.BEFORE, ds.DUE_SOON: ds.BEFORE, ds.ON_TIME: ds.ON, ds.OVERDUE: ds.AFTER}[
        open_status
    ] == finished


@settings(max_examples=100, deadline=None)
@given(received=moments, amount=days)
def test_no_pause_means_the_plain_due_date(received, amount):
    assert ds.dossier_due_at(CAL, received, amount, W) == due_at_with_pauses(CAL, received, amount, W, [])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "time", "error", "budgets"),
    [
        ("2,10,3", 15, None, (2, 10, 3)),
        ("2; 10; 3", 15, None, (2, 10, 3)),
        ("", 15, None, (15,)),
        ("2,10,4", 15, "phải bằng thời hạn giải quyết (15)", (15,)),
        ("2,mười,3", 15, "số nguyên", (15,)),
        ("5,-1,11", 15, "không được âm", (15,)),
    ],
)
def test_procedure_step_budgets(value, time, error, budgets):
    from django.core.exceptions import ValidationError

    procedure = ProcedureFactory.build(processing_time=time, step_budgets=value)
    if error is None:
        procedure.clean()
        procedure.clean_fields(exclude=["field"])
    else:
        with pytest.raises(ValidationError) as caught:
            procedure.clean_fields(exclude=["field"])
            procedure.clean()
        assert error in str(caught.value)
    assert procedure.budgets == budgets
