"""Daily reminders to staff: content (grouped, Vietnamese, links to the staff screen), queues, once per day."""

from django.core import mail
from django.core.management import call_command

from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.models import DailyJobRun
from skhcn.dossiers.tasks import (
    REMINDER_JOB,
    claim_daily_run,
    maybe_enqueue_due_reminders,
    reminder_groups,
    send_due_reminders,
)
from skhcn.dossiers.workflow import access
from skhcn.notifications.models import Delivery

from .workflow_support import act, dossier_at


def setup_queue(world, clock):
    clock.set(2026, 2, 23, 9, 0)
    late = dossier_at(Status.ASSIGNED, world)  # due Mon 16/03/2026
    clock.set(2026, 3, 2, 9, 0)
    soon = dossier_at(Status.ASSIGNED, world)  # due Mon 23/03/2026
    leader = dossier_at(Status.AT_LEADER, world)  # due Mon 23/03/2026
    paused = dossier_at(Status.ASSIGNED, world)
    paused = act(paused, Action.REQUEST_SUPPLEMENT, world.specialist, world=world)
    clock.set(2026, 3, 20, 9, 0)  # Friday: one working day before the 23rd
    return late, soon, leader, paused


def test_work_queues(world, clock):
    late, soon, leader, paused = setup_queue(world, clock)
    assert list(access.work_queue(world.specialist)) == [late, soon, paused]
    assert list(access.work_queue(world.leader)) == [leader]
    assert not access.work_queue(world.head).exists()
    assert not access.work_queue(world.other_specialist).exists()


def test_groups_overdue_and_due_soon(world, clock):
    late, soon, leader, paused = setup_queue(world, clock)
    groups = reminder_groups(world.specialist)
    # The paused dossier (also due 23/03 before its pause) is left out: its clock is stopped.
    assert groups == {"overdue": [late], "due_soon": [soon]}
    assert reminder_groups(world.leader) == {"overdue": [], "due_soon": [leader]}


def test_reminder_mail_content(world, clock, mailoutbox, django_capture_on_commit_callbacks):
    late, soon, leader, paused = setup_queue(world, clock)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders.call() == 2
    by_user = {m.to[0]: m for m in mail.outbox}
    assert set(by_user) == {world.specialist.email, world.leader.email}
    message = by_user[world.specialist.email]
    assert message.subject == "Nhắc việc ngày 20/03/2026: 1 hồ sơ quá hạn, 1 hồ sơ sắp đến hạn"
    assert "HỒ SƠ QUÁ HẠN (1):" in message.body and "HỒ SƠ SẮP ĐẾN HẠN (1):" in message.body
    assert paused.code not in message.body
    overdue_part, soon_part = message.body.split("HỒ SƠ SẮP ĐẾN HẠN")
    assert late.code in overdue_part and soon.code not in overdue_part
    assert f"https://dichvucong.example.vn/admin/ho-so/{late.pk}/" in overdue_part
    assert "hạn 16/03/2026" in overdue_part
    assert f"/admin/ho-so/{soon.pk}/" in soon_part
    html = message.alternatives[0][0]
    assert f'href="https://dichvucong.example.vn/admin/ho-so/{late.pk}/"' in html
    assert leader.code in by_user[world.leader.email].body


def test_nothing_to_remind_sends_nothing(world, clock, mailoutbox):
    dossier_at(Status.ASSIGNED, world)  # due 23/03, today 02/03
    mail.outbox.clear()
    assert send_due_reminders.call() == 0
    assert mail.outbox == []


def test_once_a_day_from_the_configured_hour(world, clock, mailoutbox, settings, django_capture_on_commit_callbacks):

    setup_queue(world, clock)
    # The set-up's own notifications were never sent (no commit in this test); the scheduler would send them now.
    Delivery.objects.all().delete()
    mail.outbox.clear()
    settings.DOSSIER_REMINDER_HOUR = 7
    clock.set(2026, 3, 20, 6, 59)
    assert maybe_enqueue_due_reminders() is False
    assert mail.outbox == []
    clock.set(2026, 3, 20, 7, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert maybe_enqueue_due_reminders() is True
    assert len(mail.outbox) == 2
    clock.set(2026, 3, 20, 16, 0)
    assert maybe_enqueue_due_reminders() is False
    call_command("run_scheduler", "--once")
    assert len(mail.outbox) == 2, [(m.subject, m.to) for m in mail.outbox]
    assert DailyJobRun.objects.filter(job=REMINDER_JOB).count() == 1
    clock.set(2026, 3, 23, 7, 5)  # Monday
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once")
    assert len(mail.outbox) == 4
    assert DailyJobRun.objects.filter(job=REMINDER_JOB).count() == 2


def test_a_concurrent_claim_loses(world, clock):

    day = clock().date()
    assert claim_daily_run(REMINDER_JOB, day) is True
    assert claim_daily_run(REMINDER_JOB, day) is False
    assert claim_daily_run("other_job", day) is True
