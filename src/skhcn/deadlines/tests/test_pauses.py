from datetime import datetime

import pytest

from skhcn.deadlines.calendar import TZ, WorkCalendar, due_at, due_at_with_pauses
from skhcn.deadlines.constants import TimeUnit

CAL = WorkCalendar()
W = TimeUnit.WORKING_DAYS


def at(m, d, hh=9):
    return datetime(2026, m, d, hh, 0, tzinfo=TZ)


def end_of(m, d):
    return datetime(2026, m, d, 17, 0, tzinfo=TZ)


def test_days_spent_before_the_pause_still_count():
    # Received Mon 02/03, 10 working days -> Mon 16/03 without pause.
    assert due_at(CAL, at(3, 2), 10, W) == end_of(3, 16)
    # Supplement requested Wed 04/03 (2 days spent: 03, 04), received back Mon 09/03 morning:
    # 8 days remain from Mon 09/03 -> Thu 19/03.
    assert due_at_with_pauses(CAL, at(3, 2), 10, W, [(at(3, 4), at(3, 9))]) == end_of(3, 19)


def test_resume_after_cutoff_counts_next_day():
    assert due_at_with_pauses(CAL, at(3, 2), 10, W, [(at(3, 4), at(3, 9, 16))]) == end_of(3, 20)


def test_two_pauses_add_up_and_overlaps_count_once():
    pauses = [(at(3, 4), at(3, 9)), (at(3, 10), at(3, 11))]
    assert due_at_with_pauses(CAL, at(3, 2), 10, W, pauses) == end_of(3, 20)
    overlapping = [(at(3, 4), at(3, 9)), (at(3, 5), at(3, 9))]
    assert due_at_with_pauses(CAL, at(3, 2), 10, W, overlapping) == end_of(3, 19)


def test_pause_after_the_deadline_does_not_extend_it():
    assert due_at_with_pauses(CAL, at(3, 2), 2, W, [(at(3, 10), at(3, 20))]) == end_of(3, 4)


def test_open_pause_runs_until_now():
    with pytest.raises(ValueError):
        due_at_with_pauses(CAL, at(3, 2), 10, W, [(at(3, 4), None)])
    assert due_at_with_pauses(CAL, at(3, 2), 10, W, [(at(3, 4), None)], now=at(3, 9)) == end_of(3, 19)


def test_calendar_days_pause_moves_by_calendar_days():
    # Mon 02/03 + 10 days = Thu 12/03; paused 04/03 -> 09/03 (5 days) -> Tue 17/03.
    assert due_at_with_pauses(CAL, at(3, 2), 10, TimeUnit.CALENDAR_DAYS, [(at(3, 4), at(3, 9))]) == end_of(3, 17)
