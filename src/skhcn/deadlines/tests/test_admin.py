import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from skhcn.deadlines import services
from skhcn.deadlines.constants import CalendarExceptionKind
from skhcn.deadlines.models import CalendarException
from skhcn.deadlines.signals import calendar_changed

from .factories import CalendarExceptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
    client.force_login(user)
    return client


def add(client, day, kind, note=""):
    return client.post(reverse("calendar_exceptions:add"), {"date": day, "kind": kind, "note": note})


def errors(response):
    return response.context["form"].errors


def test_menu_and_list_show_dates_in_vietnamese_format(staff_client):
    CalendarExceptionFactory(date=date(2026, 3, 12), note="Nghỉ theo thông báo 12/TB-UBND")
    CalendarExceptionFactory(date=date(2026, 3, 14), kind=CalendarExceptionKind.WORKING_DAY)
    sidebar = staff_client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'"label": {json.dumps("Ngày nghỉ / làm bù")}' in sidebar  # the sidebar is JSON
    assert '"url": "/admin/ngay-nghi-lam-bu/"' in sidebar
    html = staff_client.get(reverse("calendar_exceptions:index")).content.decode()
    assert "12/03/2026" in html and "14/03/2026" in html
    assert "Thứ Năm" in html and "Ngày làm việc bù" in html and "Nghỉ theo thông báo 12/TB-UBND" in html


def test_filters_by_kind_and_year(staff_client):
    CalendarExceptionFactory(date=date(2026, 3, 12))
    CalendarExceptionFactory(date=date(2027, 3, 11))
    CalendarExceptionFactory(date=date(2026, 3, 14), kind=CalendarExceptionKind.WORKING_DAY)
    url = reverse("calendar_exceptions:index")
    html = staff_client.get(url, {"year": "2027"}).content.decode()
    assert "11/03/2027" in html and "12/03/2026" not in html
    html = staff_client.get(url, {"kind": "working_day"}).content.decode()
    assert "14/03/2026" in html and "12/03/2026" not in html


def test_add_form_renders_in_vietnamese(staff_client):
    html = staff_client.get(reverse("calendar_exceptions:add")).content.decode()
    assert "Ngày làm việc bù" in html and "Ngày lễ, Tết và ngày nghỉ bù chung đã có sẵn" in html


def test_staff_add_a_day_off_and_a_make_up_saturday(staff_client):
    response = add(staff_client, "12/03/2026", "day_off", "Thông báo số 1")
    assert response.status_code == 302
    response = add(staff_client, "14/03/2026", "working_day")
    assert response.status_code == 302
    assert set(CalendarException.objects.values_list("date", "kind")) == {
        (date(2026, 3, 12), "day_off"),
        (date(2026, 3, 14), "working_day"),
    }


def test_duplicate_date_is_refused_in_vietnamese(staff_client):
    CalendarExceptionFactory(date=date(2026, 3, 12))
    response = add(staff_client, "12/03/2026", "day_off")
    assert response.status_code == 200
    assert "Ngày 12/03/2026 đã được khai báo là ngày nghỉ (thêm)" in str(errors(response))
    assert CalendarException.objects.count() == 1


def test_pointless_make_up_day_is_refused(staff_client):
    response = add(staff_client, "11/03/2026", "working_day")
    assert response.status_code == 200
    assert "Thứ Tư, 11/03/2026 vốn đã là ngày làm việc" in errors(response)["date"][0]
    assert not CalendarException.objects.exists()


@pytest.mark.parametrize(
    ("day", "reason"),
    [("17/02/2026", "ngày lễ (Tết Nguyên Đán)"), ("15/03/2026", "ngày nghỉ cuối tuần")],
)
def test_day_off_on_a_holiday_or_weekend_is_refused(staff_client, day, reason):
    response = add(staff_client, day, "day_off")
    assert response.status_code == 200
    assert reason in errors(response)["date"][0]
    assert not CalendarException.objects.exists()


def test_cancelling_a_package_make_up_saturday_is_allowed(staff_client):
    assert add(staff_client, "22/08/2026", "day_off").status_code == 302


def test_edit_keeps_validation(staff_client):
    exception = CalendarExceptionFactory(date=date(2026, 3, 12))
    url = reverse("calendar_exceptions:edit", args=[exception.pk])
    response = staff_client.post(url, {"date": "12/03/2026", "kind": "working_day", "note": ""})
    assert response.status_code == 200
    assert "vốn đã là ngày làm việc" in errors(response)["date"][0]
    exception.refresh_from_db()
    assert exception.kind == "day_off"


# --- calendar_changed: the apps storing computed dates hear of a change, the officer sees what they report ---------
@pytest.fixture
def heard():
    """Receivers of calendar_changed for the test: records each call, answers with a message."""
    calls = []

    def listener(sender, dates, actor, **kwargs):
        calls.append((dates, actor))
        return f"Đã xử lý {len(dates)} ngày."

    calendar_changed.connect(listener, dispatch_uid="test_listener")
    yield calls
    calendar_changed.disconnect(dispatch_uid="test_listener")


def test_the_signal_follows_the_commit_with_the_days_and_the_officer(heard, django_capture_on_commit_callbacks):
    officer = get_user_model().objects.create_user("canbo", "canbo@example.com", "x")
    with services.changing_calendar(officer) as change:
        with django_capture_on_commit_callbacks() as callbacks:
            exception = CalendarExceptionFactory(date=date(2026, 3, 12))
            assert heard == []  # not before the commit
        for callback in callbacks:
            callback()
    assert heard == [(frozenset({date(2026, 3, 12)}), officer)]
    # Other apps' receivers (the dossiers' due dates) answer too.
    assert "Đã xử lý 1 ngày." in change.messages and change.failures == 0

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        exception.date = date(2026, 3, 13)
        exception.save()
    assert heard == [(frozenset({date(2026, 3, 12), date(2026, 3, 13)}), None)]

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        exception.kind = CalendarExceptionKind.WORKING_DAY  # the same day, another kind
        exception.save()
        exception.note = "Đính chính"  # only the note: nothing to recompute
        exception.save()
    assert heard == [(frozenset({date(2026, 3, 13)}), None)]

    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        exception.delete()
    assert heard == [(frozenset({date(2026, 3, 13)}), None)]


def test_a_failing_receiver_never_undoes_the_change(heard, django_capture_on_commit_callbacks, caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    calendar_changed.connect(broken, dispatch_uid="test_broken")
    try:
        with services.changing_calendar(None) as change:
            with django_capture_on_commit_callbacks(execute=True):
                CalendarExceptionFactory(date=date(2026, 3, 12))
    finally:
        calendar_changed.disconnect(dispatch_uid="test_broken")
    assert CalendarException.objects.count() == 1
    assert change.failures == 1 and "Đã xử lý 1 ngày." in change.messages
    assert "calendar_changed receiver" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_admin_shows_what_the_receivers_report(heard, staff_client):
    response = add(staff_client, "12/03/2026", "day_off", "Thông báo số 1")
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Đã xử lý 1 ngày." in texts
    assert heard[0][0] == frozenset({date(2026, 3, 12)}) and heard[0][1].username == "admin"


def test_refused_input_announces_nothing(heard, staff_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = add(staff_client, "14/03/2026", "day_off")  # a Saturday: already off
    assert response.status_code == 200
    assert heard == [] and not CalendarException.objects.exists()
