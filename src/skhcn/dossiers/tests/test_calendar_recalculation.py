"""Stored due dates follow the working calendar: a day off added, changed or deleted by staff moves the due date of
the open dossiers counting across it (workflow.recalculate, on deadlines' calendar_changed after the commit).

The world's procedure takes 15 working days in steps 2,10,3; received Monday 02/03/2026 09:00 it is due Monday
23/03/2026. Thursday 12/03/2026 is an ordinary working day, until staff declare it a day off."""

from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from skhcn.deadlines import services as deadline_services
from skhcn.deadlines.calendar import TZ
from skhcn.deadlines.constants import CalendarExceptionKind
from skhcn.deadlines.models import CalendarException
from skhcn.dossiers import workflow
from skhcn.dossiers.citizen.tracking import public_timeline
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.models import DossierEvent
from skhcn.dossiers.workflow import recalculate

from .workflow_support import act, dossier_at

DAY_OFF = date(2026, 3, 12)


def end_of(y, m, d):
    return datetime(y, m, d, 17, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    deadline_services.forget()
    yield
    deadline_services.forget()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change of the calendar and what follows its commit (the test's own transaction never commits)."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


def add_day_off(day=DAY_OFF):
    return CalendarException.objects.create(date=day, kind=CalendarExceptionKind.DAY_OFF, note="Thông báo số 1")


def recalculations(dossier):
    return list(dossier.events.filter(action=Action.RECALCULATE_DUE).order_by("id"))


def test_a_day_off_inside_the_window_moves_the_due_date_by_one_working_day(world, clock, committed):
    dossier = dossier_at(Status.ASSIGNED, world)
    assert dossier.due_at == dossier.original_due_at == end_of(2026, 3, 23)
    version = dossier.version

    committed(add_day_off)

    dossier.refresh_from_db()
    assert dossier.due_at == dossier.expected_return_at == end_of(2026, 3, 24)
    assert dossier.original_due_at == end_of(2026, 3, 23)  # the printed receipt's appointment never changes
    assert dossier.version == version + 1
    [event] = recalculations(dossier)
    assert (event.from_status, event.to_status, event.actor_id) == (Status.ASSIGNED, Status.ASSIGNED, None)
    assert event.details == {
        "old_due": end_of(2026, 3, 23).isoformat(),
        "new_due": end_of(2026, 3, 24).isoformat(),
        "calendar_date": "2026-03-12",
    }
    # The applicant sees that the appointment moved (when and what, never who).
    assert "Tính lại hạn giải quyết do thay đổi lịch làm việc" in [step["action"] for step in public_timeline(dossier)]
    # The open control-slip row (the specialist's appraisal, step 1: 2 + 10 working days) moves with it.
    handoff = dossier.handoffs.get(finished_at=None)
    assert (handoff.step, handoff.due_at) == (1, end_of(2026, 3, 19))


def test_a_make_up_saturday_brings_the_due_date_one_working_day_earlier(world, clock, committed):
    dossier = dossier_at(Status.RECEIVED, world)
    committed(CalendarException.objects.create, date=date(2026, 3, 7), kind=CalendarExceptionKind.WORKING_DAY)
    dossier.refresh_from_db()
    assert dossier.due_at == end_of(2026, 3, 20)
    assert dossier.original_due_at == end_of(2026, 3, 23)
    assert recalculations(dossier)[0].details["new_due"] == end_of(2026, 3, 20).isoformat()


def test_deleting_the_day_off_moves_it_back(world, clock, committed):
    dossier = dossier_at(Status.ASSIGNED, world)
    exception = committed(add_day_off)
    committed(exception.delete)

    dossier.refresh_from_db()
    assert dossier.due_at == dossier.original_due_at == end_of(2026, 3, 23)
    first, second = recalculations(dossier)
    assert second.details["old_due"] == end_of(2026, 3, 24).isoformat()
    assert second.details["new_due"] == end_of(2026, 3, 23).isoformat()
    assert dossier.handoffs.get(finished_at=None).due_at == end_of(2026, 3, 18)


def test_moving_the_day_off_names_both_days(world, clock, committed):
    dossier = dossier_at(Status.RECEIVED, world)
    exception = committed(add_day_off)
    exception.date = date(2026, 3, 13)  # still inside the window: the due date stays 24/03

    committed(exception.save)
    assert len(recalculations(dossier)) == 1

    exception.date = date(2026, 4, 2)  # after the due date: back to 23/03
    committed(exception.save)
    dossier.refresh_from_db()
    assert dossier.due_at == end_of(2026, 3, 23)
    assert recalculations(dossier)[-1].details["calendar_date"] == "2026-03-13, 2026-04-02"


def test_only_the_note_changed_recomputes_nothing(world, clock, committed, django_assert_max_num_queries):
    dossier = dossier_at(Status.RECEIVED, world)
    exception = committed(add_day_off)
    exception.note = "Thông báo số 2 (đính chính)"
    with django_assert_max_num_queries(3):
        committed(exception.save)
    assert len(recalculations(dossier)) == 1


def test_dossiers_not_counting_across_the_day_get_no_event(world, clock, committed):
    clock.set(2026, 3, 13, 9, 0)  # received the day after: not affected
    later = dossier_at(Status.RECEIVED, world)
    clock.set(2026, 2, 2, 9, 0)  # due before 12/03: not affected
    earlier = dossier_at(Status.RECEIVED, world)
    assert earlier.due_at < end_of(2026, 3, 12)
    versions = (later.version, earlier.version)

    committed(add_day_off)

    later.refresh_from_db()
    earlier.refresh_from_db()
    assert (later.version, earlier.version) == versions
    assert not DossierEvent.objects.filter(action=Action.RECALCULATE_DUE).exists()
    assert later.due_at == end_of(2026, 4, 3)


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RESULT_ISSUED, Status.CLOSED, Status.WITHDRAWN])
def test_dossiers_not_in_progress_are_untouched(world, clock, committed, status):
    dossier = dossier_at(status, world)
    before = (dossier.due_at, dossier.expected_return_at, dossier.version)

    committed(add_day_off)

    dossier.refresh_from_db()
    assert (dossier.due_at, dossier.expected_return_at, dossier.version) == before
    assert recalculations(dossier) == []


def test_a_paused_dossier_is_recomputed_and_its_pause_still_counts(world, clock, committed):
    dossier = dossier_at(Status.ASSIGNED, world)
    clock.set(2026, 3, 4, 10, 0)
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED

    committed(add_day_off)

    dossier.refresh_from_db()
    assert dossier.due_at == end_of(2026, 3, 24)
    [event] = recalculations(dossier)
    assert event.to_status == Status.SUPPLEMENT_REQUESTED
    assert dossier.handoffs.get(finished_at=None).due_at is None  # the applicant holds it: no step deadline
    # Supplied Monday 09/03: the pause (05, 06, 09) moves the new date by 3 working days -> Friday 27/03.
    clock.set(2026, 3, 9, 10, 0)
    dossier = act(dossier, Action.SUPPLY, world.applicant, world=world)
    assert dossier.due_at == end_of(2026, 3, 27)
    assert dossier.original_due_at == end_of(2026, 3, 23)


def test_the_officer_is_named_and_a_stale_screen_is_refused(world, clock, committed):
    dossier = dossier_at(Status.ASSIGNED, world)
    stale_version = dossier.version
    with deadline_services.changing_calendar(world.admin) as change:
        committed(add_day_off)
    assert recalculations(dossier)[0].actor_id == world.admin.pk
    assert change.failures == 0
    assert change.messages == [f"Đã tính lại hạn giải quyết của 1 hồ sơ: {dossier.code} (23/03/2026 → 24/03/2026)."]
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(dossier.pk, Action.COMMENT, world.specialist, expected_version=stale_version, comment="Đã xem")
    assert caught.value.code == "stale"


def test_the_message_names_at_most_ten_codes():
    moved = [recalculate.Moved(pk, f"MA-{pk:02d}", end_of(2026, 3, 23), end_of(2026, 3, 24)) for pk in range(1, 13)]
    message = recalculate.Report(moved=moved, failed=[]).message()
    assert message.startswith("Đã tính lại hạn giải quyết của 12 hồ sơ: MA-01 (23/03/2026 → 24/03/2026), ")
    assert "MA-10" in message and "MA-11" not in message and message.endswith(" và 2 hồ sơ khác.")
    assert recalculate.Report(moved=[], failed=[7]).message() == (
        "Không có hồ sơ đang giải quyết nào phải đổi hạn giải quyết. "
        "Chưa tính lại được hạn của 1 hồ sơ do lỗi hệ thống; vui lòng báo quản trị hệ thống."
    )


def test_a_failure_for_one_dossier_does_not_stop_the_others(world, clock, committed, monkeypatch):
    first = dossier_at(Status.RECEIVED, world)
    second = dossier_at(Status.RECEIVED, world)
    original = recalculate.recalculate_one

    def failing(pk, *args):
        if pk == first.pk:
            raise RuntimeError("boom")
        return original(pk, *args)

    monkeypatch.setattr(recalculate, "recalculate_one", failing)
    with deadline_services.changing_calendar(None) as change:
        committed(add_day_off)
    assert "Chưa tính lại được hạn của 1 hồ sơ" in change.messages[0]
    assert recalculations(first) == [] and len(recalculations(second)) == 1


@hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(day=st.dates(min_value=date(2026, 2, 23), max_value=date(2026, 4, 10)))
def test_adding_then_deleting_any_day_off_restores_the_due_date(world, clock, committed, day):
    """Whatever working day becomes a day off, the due date moves by at most one working day, an event is written
    exactly when it moved, and deleting the day off restores it."""
    if not deadline_services.current_calendar().is_working_day(day):
        return
    dossier = dossier_at(Status.TRANSFERRED, world)
    events = len(recalculations(dossier))
    exception = committed(add_day_off, day)
    dossier.refresh_from_db()
    inside = date(2026, 3, 2) <= day <= date(2026, 3, 23)
    assert dossier.due_at == (end_of(2026, 3, 24) if inside else end_of(2026, 3, 23))
    assert len(recalculations(dossier)) == events + inside
    committed(exception.delete)
    deadline_services.forget()
    dossier.refresh_from_db()
    assert dossier.due_at == dossier.original_due_at == end_of(2026, 3, 23)
    assert len(recalculations(dossier)) == events + 2 * inside


def test_the_staff_history_shows_the_old_and_new_dates_and_the_day(world, clock, client, committed):
    dossier = dossier_at(Status.ASSIGNED, world)
    with deadline_services.changing_calendar(world.admin):
        committed(add_day_off)
    client.force_login(world.one_stop)
    html = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert "Tính lại hạn giải quyết do thay đổi lịch làm việc" in html
    assert "Ngày thay đổi trong lịch làm việc" in html and "12/03/2026" in html
    assert "24/03/2026" in html and "23/03/2026" in html


# --- the admin screen --------------------------------------------------------------------------------------------
@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("quantri", "quantri@skhcn.example.vn", "x")


def test_bad_input_in_the_admin_changes_nothing(world, clock, client, superuser, committed):
    dossier = dossier_at(Status.ASSIGNED, world)
    client.force_login(superuser)
    url = reverse("calendar_exceptions:add")
    # A Saturday declared a day off: already off, refused by the form's validation.
    response = committed(client.post, url, {"date": "14/03/2026", "kind": "day_off", "note": ""})
    assert response.status_code == 200
    response = committed(client.post, url, {"date": "31/02/2026", "kind": "day_off", "note": ""})
    assert response.status_code == 200
    assert not CalendarException.objects.exists()
    dossier.refresh_from_db()
    assert dossier.due_at == end_of(2026, 3, 23) and recalculations(dossier) == []


@pytest.mark.django_db(transaction=True)
def test_the_officer_sees_the_dossiers_whose_date_moved(world, clock, client, superuser):
    """The real path: the admin view's transaction commits, the signal runs, the message lists the dossiers."""
    dossier = dossier_at(Status.ASSIGNED, world)
    client.force_login(superuser)
    response = client.post(
        reverse("calendar_exceptions:add"), {"date": "12/03/2026", "kind": "day_off", "note": "Thông báo số 1"}
    )
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"Đã tính lại hạn giải quyết của 1 hồ sơ: {dossier.code} (23/03/2026 → 24/03/2026)." in texts
    assert recalculations(dossier)[0].actor_id == superuser.pk

    exception = CalendarException.objects.get()
    response = client.post(reverse("calendar_exceptions:delete", args=[exception.pk]))
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert f"Đã tính lại hạn giải quyết của 1 hồ sơ: {dossier.code} (24/03/2026 → 23/03/2026)." in texts
    dossier.refresh_from_db()
    assert dossier.due_at == end_of(2026, 3, 23)
