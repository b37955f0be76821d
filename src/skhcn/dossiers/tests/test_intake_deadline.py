"""The intake deadline of online dossiers awaiting intake: DOSSIER_INTAKE_WORKING_HOURS office hours from the
(re)submission; shown in the one-stop queue and dossier page, included in the daily reminder. Nothing is stored."""

from datetime import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from skhcn.deadlines.calendar import TZ
from skhcn.dossiers.constants import Action, Channel, Status
from skhcn.dossiers.intake import deadline as intake_deadline
from skhcn.dossiers.staff import queues
from skhcn.dossiers.tasks import reminder_groups, send_due_reminders

from .test_staff_screens import login, queue_url, url
from .workflow_support import act, dossier_at, submitted_dossier

pytestmark = pytest.mark.django_db


def local(day, month, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def badge(dossier, now=None):
    dossier.refresh_from_db()
    dossier.__dict__.pop(intake_deadline.ATTRIBUTE, None)  # computed again
    found = queues.deadline_badge(dossier, now)
    return found and (found.key, found.label)


def test_due_time_counts_office_hours_from_the_submission(world, clock):
    dossier = dossier_at(Status.SUBMITTED, world)  # Monday 02/03/2026 09:00
    assert intake_deadline.due_at(dossier) == local(2, 3, 17)
    # "Due soon" from DOSSIER_INTAKE_DUE_SOON_HOURS (2) office hours before the due time.
    assert badge(dossier) == ("intake_early", "Trong hạn tiếp nhận")
    assert badge(dossier, local(2, 3, 14, 59)) == ("intake_early", "Trong hạn tiếp nhận")
    assert badge(dossier, local(2, 3, 15)) == ("intake_due_soon", "Sắp đến hạn tiếp nhận")
    assert badge(dossier, local(2, 3, 17)) == ("intake_due_soon", "Sắp đến hạn tiếp nhận")
    assert badge(dossier, local(2, 3, 17, 1)) == ("intake_overdue", "Quá hạn tiếp nhận")


def test_friday_afternoon_submission_is_due_on_monday(world, clock, settings):
    clock.set(2026, 3, 6, 16, 0)  # Friday
    dossier = dossier_at(Status.SUBMITTED, world)
    assert intake_deadline.due_at(dossier) == local(9, 3, 15)
    settings.DOSSIER_INTAKE_WORKING_HOURS = 40  # five working days: not yet due soon
    assert badge(dossier) == ("intake_early", "Trong hạn tiếp nhận")


def test_resubmission_restarts_the_intake_deadline(world, clock):
    dossier = dossier_at(Status.SUBMITTED, world)
    act(dossier, Action.REQUEST_COMPLETION, world.one_stop, world=world, comment="Thiếu bản sao giấy phép.")
    clock.set(2026, 3, 4, 14, 0)  # Wednesday
    dossier = act(dossier, Action.RESUBMIT, world.applicant, world=world)
    assert dossier.status == Status.SUBMITTED
    # 3 hours on Wednesday (14:00–17:00), 5 on Thursday from 08:00.
    assert intake_deadline.due_at(dossier) == local(5, 3, 13)


def test_only_online_dossiers_awaiting_intake_have_one(world, clock):
    paper = submitted_dossier(world, channel=Channel.POST)
    assert intake_deadline.due_at(paper) is None and badge(paper) is None
    received = dossier_at(Status.RECEIVED, world)
    assert intake_deadline.due_at(received) is None
    assert badge(received)[0] != "intake_due_soon"


def test_one_stop_queue_and_dossier_page_show_it(client, world, clock, django_assert_max_num_queries):
    waiting = [dossier_at(Status.SUBMITTED, world) for _ in range(3)]
    dossier_at(Status.RECEIVED, world)
    clock.set(2026, 3, 3, 9, 0)  # the next day: all three are overdue
    login(client, world.one_stop)
    client.get(queue_url("can-xu-ly"))  # warm the calendar and session caches
    with django_assert_max_num_queries(21):
        response = client.get(queue_url("can-xu-ly"))
    rows = {row["dossier"].code: row["badge"] for row in response.context["rows"]}
    assert {rows[d.code].label for d in waiting} == {"Quá hạn tiếp nhận"}
    html = response.content.decode()
    assert "Tiếp nhận trước 02/03/2026 17:00" in html
    assert 'class="dl-badge dl-badge--intake_overdue">Quá hạn tiếp nhận</span>' in html

    page = client.get(url("detail", pk=waiting[0].pk)).content.decode()
    assert "<dt>Hạn tiếp nhận</dt>" in page and "02/03/2026 17:00" in page
    assert "dl-badge--intake_overdue" in page


def test_reminder_lists_intake_due_soon_and_overdue_for_the_one_stop(world, clock, django_capture_on_commit_callbacks):
    overdue = dossier_at(Status.SUBMITTED, world)  # Monday 09:00, due Monday 17:00
    clock.set(2026, 3, 3, 10, 0)
    soon = dossier_at(Status.SUBMITTED, world)  # Tuesday 10:00, due Wednesday 09:00
    paper = submitted_dossier(world, channel=Channel.POST)
    groups = reminder_groups(world.one_stop)
    assert groups == {"overdue": [overdue], "due_soon": [soon]}
    assert paper not in groups["due_soon"] + groups["overdue"]
    assert reminder_groups(world.specialist) == {"overdue": [], "due_soon": []}

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders.call() == 1
    [message] = mail.outbox
    assert message.to == [world.one_stop.email]
    overdue_part, soon_part = message.body.split("HỒ SƠ SẮP ĐẾN HẠN")
    assert overdue.code in overdue_part and "hạn tiếp nhận 02/03/2026 17:00" in overdue_part
    assert soon.code in soon_part and "hạn tiếp nhận 04/03/2026 09:00" in soon_part


def test_reminder_leaves_out_intake_far_ahead(world, clock, settings):
    settings.DOSSIER_INTAKE_WORKING_HOURS = 40
    dossier_at(Status.SUBMITTED, world)
    assert reminder_groups(world.one_stop) == {"overdue": [], "due_soon": []}


@pytest.mark.parametrize("value", [0, -8, "8", 1001, 2.5, True])
def test_bad_setting_is_a_system_check_error(settings, value):
    settings.DOSSIER_INTAKE_WORKING_HOURS = value
    errors = intake_deadline.intake_hours_check()
    assert [error.id for error in errors] == ["dossiers.E001"]
    assert "DOSSIER_INTAKE_WORKING_HOURS không hợp lệ" in errors[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check")


def test_default_setting_passes_the_check(settings):
    assert settings.DOSSIER_INTAKE_WORKING_HOURS == 8
    assert intake_deadline.intake_hours_check() == []
