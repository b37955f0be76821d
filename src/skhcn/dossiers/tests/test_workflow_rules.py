"""perform(): stale versions, dates, result files and orphans, apology, clock start and pauses, hand-offs (control
slip), result numbers, form sets and notifications — with hand-checked dates (Tết 2027, make-up Saturday)."""

import dataclasses
from datetime import date, datetime

import pytest
from django.core import mail
from django.db import transaction

from skhcn.deadlines.calendar import TZ
from skhcn.deadlines.models import CalendarException
from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action, Channel, HandOffOutcome, ReceiveMethod, Status
from skhcn.dossiers.documents.formsets import FORM_SETS, CutoffScope, FormKind, form_set_for, get_form_set
from skhcn.dossiers.models import ClockPause, Dossier, DossierEvent, DossierEventFile, HandOff
from skhcn.dossiers.workflow import timing
from skhcn.notifications import services as notifications
from skhcn.notifications import tasks
from skhcn.notifications.models import Notification
from skhcn.procedures.tests.factories import ProcedureFactory

from .conftest import private_files
from .factories import pdf_upload, png_upload
from .workflow_support import act, dossier_at, submitted_dossier


def local(*args):
    return datetime(*args, tzinfo=TZ)


def end_of(y, m, d):
    return local(y, m, d, 17, 0)


def snapshot(dossier):
    return (
        Dossier.objects.filter(pk=dossier.pk).values().get(),
        DossierEvent.objects.filter(dossier=dossier).count(),
        HandOff.objects.filter(dossier=dossier).count(),
        ClockPause.objects.filter(dossier=dossier).count(),
        DossierEventFile.objects.count(),
    )


# --- versions -------------------------------------------------------------------------------------------------------
def test_two_officers_at_once_one_wins_the_other_gets_a_clear_message(world, clock):
    dossier = submitted_dossier(world)
    second = type(world.one_stop).objects.get(pk=world.admin.pk)
    version = dossier.version
    workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=version)
    before = snapshot(dossier)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(dossier.pk, Action.REFUSE_INTAKE, second, expected_version=version, comment="Thiếu giấy tờ")
    assert caught.value.code == "stale"
    assert "vừa được người khác xử lý" in caught.value.message
    assert snapshot(dossier) == before


def test_stale_version_stores_no_file(world, clock, private_root):
    dossier = dossier_at(Status.ASSIGNED, world)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(
            dossier.pk,
            Action.COMMENT,
            world.specialist,
            expected_version=dossier.version - 1,
            comment="Ghi chú",
            files=[pdf_upload()],
        )
    assert caught.value.code == "stale"
    assert private_files(private_root / "dossiers" / str(dossier.pk) / "events") == []


def test_unknown_dossier_and_action(world, clock):
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(999999, Action.RECEIVE, world.one_stop, expected_version=1)
    assert caught.value.code == "not_found"
    dossier = submitted_dossier(world)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(dossier.pk, "teleport", world.one_stop, expected_version=dossier.version)
    assert caught.value.message == "Thao tác không hợp lệ."


# --- required inputs ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("state", "action", "actor", "kwargs", "code"),
    [
        (Status.SUBMITTED, Action.REQUEST_COMPLETION, "one_stop", {"comment": "  "}, "comment"),
        (Status.SUBMITTED, Action.RECEIVE, "one_stop", {"files": [pdf_upload()]}, "file"),
        (Status.RECEIVED, Action.TRANSFER, "one_stop", {}, "division"),
        (Status.RECEIVED, Action.TRANSFER, "one_stop", {"division": 987654}, "division"),
        (Status.TRANSFERRED, Action.ASSIGN, "head", {}, "assignee"),
        (Status.TRANSFERRED, Action.ASSIGN, "head", {"assignee": "foreign_specialist"}, "assignee"),
        (Status.TRANSFERRED, Action.ASSIGN, "head", {"assignee": "leader"}, "assignee"),
        (Status.RESULT_ISSUED, Action.RETURN_RESULT, "one_stop", {}, "method"),
        (Status.RESULT_ISSUED, Action.RETURN_RESULT, "one_stop", {"method": "fax"}, "method"),
        (Status.SUPPLEMENT_REQUESTED, Action.SUPPLY, "applicant", {}, "file"),
        (Status.ASSIGNED, Action.COMMENT, "specialist", {"comment": "x" * 4001}, "comment"),
        (Status.APPROVED, Action.ISSUE_RESULT, "clerk", {}, "file"),
    ],
)
def test_missing_or_invalid_inputs_change_nothing(world, clock, private_root, state, action, actor, kwargs, code):
    dossier = dossier_at(state, world)
    kwargs = {
        key: getattr(world, value, value) if isinstance(value, str) and key == "assignee" else value
        for key, value in kwargs.items()
    }
    before = snapshot(dossier)
    files_before = private_files(private_root)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(dossier.pk, action, getattr(world, actor), expected_version=dossier.version, **kwargs)
    assert caught.value.code == code
    assert caught.value.message
    assert snapshot(dossier) == before
    assert private_files(private_root) == files_before


def test_missing_result_file_says_so(world, clock):
    dossier = dossier_at(Status.APPROVED, world)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(dossier.pk, Action.ISSUE_RESULT, world.clerk, expected_version=dossier.version)
    assert caught.value.message == "Vui lòng tải lên tệp kết quả đã ký số."


def test_result_must_be_a_pdf_and_a_refused_upload_leaves_nothing(world, clock, private_root):
    dossier = dossier_at(Status.APPROVED, world)
    before, files_before = snapshot(dossier), private_files(private_root)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(
            dossier.pk, Action.ISSUE_RESULT, world.clerk, expected_version=dossier.version, files=[png_upload()]
        )
    assert caught.value.code == "upload"
    assert snapshot(dossier) == before
    assert private_files(private_root) == files_before


def test_failure_after_storing_the_file_removes_it_and_rolls_everything_back(world, clock, private_root, monkeypatch):
    dossier = dossier_at(Status.APPROVED, world)
    before, files_before = snapshot(dossier), private_files(private_root)

    def broken(now):
        raise RuntimeError("database went away")

    monkeypatch.setattr(timing, "allocate_result_number", broken)
    with pytest.raises(RuntimeError):
        workflow.perform(
            dossier.pk, Action.ISSUE_RESULT, world.clerk, expected_version=dossier.version, files=[pdf_upload()]
        )
    assert snapshot(dossier) == before
    assert private_files(private_root) == files_before


def test_one_bad_file_among_several_stores_none(world, clock, private_root):
    dossier = dossier_at(Status.SUPPLEMENT_REQUESTED, world)
    bad = pdf_upload("gia-mao.pdf")
    bad.file.write(b"")  # keep the name, make the content a PNG below
    bad = png_upload("gia-mao.pdf")
    before, files_before = snapshot(dossier), private_files(private_root)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(
            dossier.pk,
            Action.SUPPLY,
            world.applicant,
            expected_version=dossier.version,
            files=[pdf_upload("a.pdf"), pdf_upload("b.pdf"), bad],
        )
    assert caught.value.code == "upload"
    assert snapshot(dossier) == before
    assert private_files(private_root) == files_before


def test_too_many_files(world, clock):
    dossier = dossier_at(Status.APPROVED, world)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(
            dossier.pk,
            Action.ISSUE_RESULT,
            world.clerk,
            expected_version=dossier.version,
            files=[pdf_upload(), pdf_upload("b.pdf")],
        )
    assert caught.value.message == "Chỉ được đính kèm tối đa 1 tệp."


# --- dates ----------------------------------------------------------------------------------------------------------
@pytest.fixture
def fee_procedure(world):
    return ProcedureFactory(processing_time=10, clock_waits_for_fee=True, fee_amount=500000, division=world.division)


def test_clock_waits_for_the_fee(world, clock, fee_procedure):
    dossier = submitted_dossier(world, procedure=fee_procedure)
    dossier = workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
    assert dossier.status == Status.AWAITING_FEE
    assert dossier.received_at == clock() and dossier.clock_started_at is None and dossier.due_at is None
    clock.set(2026, 3, 5, 10, 0)  # paid on Thursday 05/03
    dossier = workflow.perform(
        dossier.pk, Action.RECORD_FEE_PAID, world.one_stop, expected_version=dossier.version, date=date(2026, 3, 5)
    )
    assert dossier.status == Status.RECEIVED
    assert dossier.clock_started_at == dossier.fee_paid_at == clock()
    # 10 working days after Thu 05/03: 06, 09-13, 16-19 -> Thu 19/03.
    assert dossier.due_at == dossier.original_due_at == end_of(2026, 3, 19)


@pytest.mark.parametrize(
    ("paid", "code", "text"),
    [
        (date(2026, 3, 6), "date", "sau ngày hôm nay"),  # tomorrow
        (date(2026, 3, 1), "date", "trước ngày tiếp nhận"),  # back-dated before the receipt
        (None, "date", "Vui lòng nhập ngày"),
        ("05/03/2026", "date", "không hợp lệ"),
    ],
)
def test_fee_paid_date_checks(world, clock, fee_procedure, paid, code, text):
    dossier = submitted_dossier(world, procedure=fee_procedure)
    clock.set(2026, 3, 3, 9, 0)
    dossier = workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
    clock.set(2026, 3, 5, 10, 0)
    before = snapshot(dossier)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(
            dossier.pk, Action.RECORD_FEE_PAID, world.one_stop, expected_version=dossier.version, date=paid
        )
    assert caught.value.code == code
    assert text in caught.value.message
    assert snapshot(dossier) == before


def test_fee_paid_earlier_counts_from_that_morning(world, clock, fee_procedure):
    dossier = submitted_dossier(world, procedure=fee_procedure)
    dossier = workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
    clock.set(2026, 3, 4, 16, 30)
    dossier = workflow.perform(
        dossier.pk, Action.RECORD_FEE_PAID, world.one_stop, expected_version=dossier.version, date=date(2026, 3, 3)
    )
    assert dossier.clock_started_at == local(2026, 3, 3, 8, 0)
    assert dossier.due_at == end_of(2026, 3, 17)


def test_postmark_only_for_postal_dossiers_and_never_in_the_future(world, clock):
    online = submitted_dossier(world)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(
            online.pk, Action.RECEIVE, world.one_stop, expected_version=online.version, date=date(2026, 2, 27)
        )
    assert caught.value.message == "Chỉ hồ sơ nhận qua bưu chính mới có ngày bưu điện."
    postal = submitted_dossier(world, channel=Channel.POST)
    for bad, text in ((date(2026, 3, 3), "sau ngày hôm nay"), (date(2025, 3, 3), "quá xa")):
        with pytest.raises(workflow.WorkflowError) as caught:
            workflow.perform(postal.pk, Action.RECEIVE, world.one_stop, expected_version=postal.version, date=bad)
        assert text in caught.value.message
    postal = workflow.perform(
        postal.pk, Action.RECEIVE, world.one_stop, expected_version=postal.version, date=date(2026, 2, 27)
    )
    assert postal.postmark_date == date(2026, 2, 27)
    # The clock starts when the officer receives it, not at the postmark.
    assert postal.clock_started_at == clock()


# --- hand-checked deadlines -----------------------------------------------------------------------------------------
def test_receive_starts_the_clock_and_fixes_the_due_date(world, clock):
    dossier = dossier_at(Status.RECEIVED, world)  # Mon 02/03/2026 09:00, 15 working days
    assert dossier.received_at == clock() and dossier.received_by == world.one_stop
    assert dossier.due_at == dossier.original_due_at == dossier.expected_return_at == end_of(2026, 3, 23)
    assert dossier.form_set == "tt03-2025"


def test_receipt_across_tet_2027(world, clock):
    world.procedure.processing_time, world.procedure.step_budgets = 10, ""
    world.procedure.save()
    clock.set(2027, 2, 1, 9, 0)
    dossier = dossier_at(Status.RECEIVED, world)
    # Working days after Mon 01/02/2027: 02, 03, (04–10 Tết), 11, 12, 15, 16, 17, 18, 19, 22.
    assert dossier.due_at == end_of(2027, 2, 22)


def test_make_up_saturday_22_08_2026_counts_and_31_08_does_not(world, clock):
    world.procedure.processing_time, world.procedure.step_budgets = 3, ""
    world.procedure.save()
    clock.set(2026, 8, 20, 9, 0)
    assert dossier_at(Status.RECEIVED, world).due_at == end_of(2026, 8, 24)  # Fri 21, Sat 22, Mon 24
    clock.set(2026, 8, 27, 9, 0)
    assert dossier_at(Status.RECEIVED, world).due_at == end_of(2026, 9, 4)  # Fri 28, Thu 03/09, Fri 04/09


def test_staff_entered_day_off_moves_the_due_date(world, clock):
    CalendarException.objects.create(date=date(2026, 3, 10), kind="day_off", note="Nghỉ đột xuất")
    assert dossier_at(Status.RECEIVED, world).due_at == end_of(2026, 3, 24)


def test_supplement_pause_extends_due_by_the_paused_working_days(world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)  # received Mon 02/03/2026, due Mon 23/03
    assert dossier.due_at == end_of(2026, 3, 23)
    clock.set(2026, 3, 4, 10, 0)
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED and dossier.paused_from == Status.ASSIGNED
    pause = ClockPause.objects.get(dossier=dossier)
    assert pause.started_at == clock() and pause.ended_at is None
    clock.set(2026, 3, 9, 10, 0)
    dossier = act(dossier, Action.SUPPLY, world.applicant, world=world)
    pause.refresh_from_db()
    assert pause.ended_at == clock()
    # Paused after Wed 04/03, resumed Mon 09/03: 05, 06, 09 = 3 working days -> Thu 26/03.
    assert dossier.due_at == dossier.expected_return_at == end_of(2026, 3, 26)
    assert dossier.original_due_at == end_of(2026, 3, 23)
    event = dossier.events.order_by("-id").first()
    assert event.details["new_due"] == end_of(2026, 3, 26).isoformat()


def test_supplement_pause_across_tet_2027(world, clock):
    world.procedure.processing_time, world.procedure.step_budgets = 10, ""
    world.procedure.save()
    clock.set(2027, 1, 25, 9, 0)
    dossier = dossier_at(Status.ASSIGNED, world)
    assert dossier.due_at == end_of(2027, 2, 15)
    clock.set(2027, 2, 2, 10, 0)
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world)
    clock.set(2027, 2, 11, 9, 0)  # supplied the first working day after Tết
    dossier = act(dossier, Action.SUPPLY, world.applicant, world=world)
    # Only 03/02 and 11/02 are working days in the pause: Mon 15/02 + 2 -> Wed 17/02/2027.
    assert dossier.due_at == end_of(2027, 2, 17)


def test_supply_after_15_00_resumes_the_same_day_without_a_cutoff(world, clock):
    # A 15-working-day procedure: under the SAME_DAY scope the 15:00 rule does not apply, so a supplement at 15:30
    # counts for that day (changed deliberately: the rule used to apply to every procedure).
    dossier = dossier_at(Status.ASSIGNED, world)
    clock.set(2026, 3, 4, 10, 0)
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world)
    clock.set(2026, 3, 9, 15, 30)
    dossier = act(dossier, Action.SUPPLY, world.applicant, world=world)
    assert dossier.due_at == end_of(2026, 3, 26)


def test_supply_after_the_cutoff_resumes_the_next_working_day_under_scope_all(world, clock, monkeypatch):
    dossier = dossier_at(Status.ASSIGNED, world)
    monkeypatch.setitem(
        FORM_SETS, dossier.form_set, dataclasses.replace(FORM_SETS[dossier.form_set], cutoff_scope=CutoffScope.ALL)
    )
    clock.set(2026, 3, 4, 10, 0)
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world)
    clock.set(2026, 3, 9, 15, 30)
    dossier = act(dossier, Action.SUPPLY, world.applicant, world=world)
    assert dossier.due_at == end_of(2026, 3, 27)


def test_step_due_times_and_control_slip(world, clock):
    dossier = dossier_at(Status.RECEIVED, world)  # 2,10,3 from Mon 02/03/2026
    assert timing.step_due_times(dossier) == [end_of(2026, 3, 4), end_of(2026, 3, 18), end_of(2026, 3, 23)]
    clock.set(2026, 3, 4, 16, 0)  # the one-stop transfers on its last day: on time
    dossier = act(dossier, Action.TRANSFER, world=world)
    clock.set(2026, 3, 5, 9, 0)
    dossier = act(dossier, Action.ASSIGN, world=world)
    clock.set(2026, 3, 19, 9, 0)  # appraisal finished a day after its step deadline
    dossier = act(dossier, Action.SUBMIT_TO_HEAD, world=world)
    clock.set(2026, 3, 19, 11, 0)
    dossier = act(dossier, Action.HEAD_APPROVE, world=world)
    clock.set(2026, 3, 20, 9, 0)
    dossier = act(dossier, Action.LEADER_APPROVE, world=world)
    clock.set(2026, 3, 20, 10, 0)
    dossier = act(dossier, Action.ISSUE_RESULT, world=world)
    clock.set(2026, 3, 23, 9, 0)
    dossier = act(dossier, Action.RETURN_RESULT, world=world, method=ReceiveMethod.DESK)
    rows = list(dossier.handoffs.order_by("given_at", "id"))
    assert [(r.from_unit, r.to_unit, r.step, r.outcome) for r in rows] == [
        ("Người nộp hồ sơ", "Bộ phận Một cửa", 0, HandOffOutcome.ON),
        ("Bộ phận Một cửa", "Phòng Quản lý khoa học", 1, HandOffOutcome.BEFORE),
        ("Phòng Quản lý khoa học", "Phòng Quản lý khoa học", 1, HandOffOutcome.AFTER),
        ("Phòng Quản lý khoa học", "Phòng Quản lý khoa học", 1, HandOffOutcome.AFTER),
        ("Phòng Quản lý khoa học", "Lãnh đạo Sở", 2, HandOffOutcome.BEFORE),
        ("Lãnh đạo Sở", "Văn thư", 2, HandOffOutcome.BEFORE),
        ("Văn thư", "Bộ phận Một cửa", 2, HandOffOutcome.ON),
    ]
    assert rows[2].to_user == world.specialist and rows[2].from_user == world.head
    assert rows[0].due_at == end_of(2026, 3, 4) and rows[-1].due_at == end_of(2026, 3, 23)
    assert all(r.finished_at is not None for r in rows)
    assert dossier.finished_at == local(2026, 3, 20, 10, 0)


# --- apology --------------------------------------------------------------------------------------------------------
def test_apology_sets_a_new_date_once(world, clock, mailoutbox, django_capture_on_commit_callbacks):
    dossier = dossier_at(Status.ASSIGNED, world)  # due Mon 23/03/2026
    clock.set(2026, 3, 20, 9, 0)
    with pytest.raises(workflow.WorkflowError) as caught:
        act(dossier, Action.APOLOGIZE, world.leader, world=world, date=date(2026, 3, 23))
    assert "phải sau ngày hẹn trả hiện tại (23/03/2026)" in caught.value.message
    with pytest.raises(workflow.WorkflowError) as caught:
        act(dossier, Action.APOLOGIZE, world.leader, world=world, date=date(2026, 3, 28))  # a Saturday
    assert caught.value.message == "Ngày hẹn mới rơi vào ngày nghỉ; vui lòng chọn một ngày làm việc."
    with pytest.raises(workflow.WorkflowError) as caught:
        act(dossier, Action.APOLOGIZE, world.leader, world=world, date=date(2026, 9, 1))
    assert "không được quá 90 ngày" in caught.value.message
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # e-mails only after the commit
        dossier = act(dossier, Action.APOLOGIZE, world.leader, world=world, date=date(2026, 3, 27))
        assert mail.outbox == []
    assert dossier.status == Status.ASSIGNED
    assert dossier.apology_used and dossier.due_at == end_of(2026, 3, 27)
    assert dossier.original_due_at == end_of(2026, 3, 23)
    assert len(mail.outbox) == 1
    assert "xin lỗi" in mail.outbox[0].subject
    assert "Ngày hẹn trả ban đầu: 23/03/2026\nNgày hẹn trả mới: 27/03/2026" in mail.outbox[0].body
    # The apology moves the last step; the specialist's open control-slip row keeps the appraisal deadline.
    assert timing.step_due_times(dossier) == [end_of(2026, 3, 4), end_of(2026, 3, 18), end_of(2026, 3, 27)]
    assert dossier.handoffs.get(finished_at=None).due_at == end_of(2026, 3, 18)
    with pytest.raises(workflow.WorkflowError) as caught:
        act(dossier, Action.APOLOGIZE, world.leader, world=world, date=date(2026, 3, 31))
    assert caught.value.code == "apology"
    assert "không được hẹn lại lần thứ hai" in caught.value.message
    assert Action.APOLOGIZE not in [s.action for s in workflow.available_actions(world.leader, dossier)]


@pytest.mark.parametrize("moment", [(2026, 3, 23, 9, 0), (2026, 3, 24, 9, 0)])
def test_apology_refused_on_or_after_the_due_day(world, clock, moment):
    dossier = dossier_at(Status.ASSIGNED, world)
    assert Action.APOLOGIZE in [s.action for s in workflow.available_actions(world.leader, dossier)]
    clock.set(*moment)
    assert Action.APOLOGIZE not in [s.action for s in workflow.available_actions(world.leader, dossier)]
    before = snapshot(dossier)
    with pytest.raises(workflow.WorkflowError) as caught:
        act(dossier, Action.APOLOGIZE, world.leader, world=world, date=date(2026, 3, 31))
    assert caught.value.code == "apology"
    assert "trước ngày hẹn trả (23/03/2026)" in caught.value.message
    assert snapshot(dossier) == before


def test_a_pause_after_the_apology_still_moves_the_new_date(world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    clock.set(2026, 3, 10, 9, 0)
    dossier = act(dossier, Action.APOLOGIZE, world.leader, world=world, date=date(2026, 3, 27))
    clock.set(2026, 3, 11, 10, 0)
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world)
    clock.set(2026, 3, 13, 10, 0)
    dossier = act(dossier, Action.SUPPLY, world.applicant, world=world)
    assert dossier.due_at == end_of(2026, 3, 31)  # 12, 13 paused: Fri 27/03 + 2 working days


# --- results --------------------------------------------------------------------------------------------------------
def test_result_numbers_count_per_year(world, clock, settings, private_root):
    settings.DOSSIER_RESULT_NUMBER_SUFFIX = "KQ-SKHCN"
    first = dossier_at(Status.RESULT_ISSUED, world)
    second = dossier_at(Status.RESULT_ISSUED, world)
    assert (first.result_number, second.result_number) == ("1/2026/KQ-SKHCN", "2/2026/KQ-SKHCN")
    assert first.result_stored_name.startswith(f"dossiers/{first.pk}/results/")
    assert (private_root / first.result_stored_name).exists()
    assert first.result_original_name == "issue_result.pdf" and first.result_content_type == "application/pdf"
    clock.set(2027, 1, 4, 9, 0)
    settings.DOSSIER_RESULT_NUMBER_SUFFIX = "QĐ-SKHCN"
    assert dossier_at(Status.RESULT_ISSUED, world).result_number == "1/2027/QĐ-SKHCN"


def test_return_online_and_close(world, clock):
    dossier = dossier_at(Status.RETURNED, world)
    assert dossier.return_method == ReceiveMethod.ONLINE and dossier.returned_at == clock()
    dossier = act(dossier, Action.CLOSE, world=world)
    assert dossier.status == Status.CLOSED


def test_withdraw_during_a_pause_closes_the_pause(world, clock):
    dossier = dossier_at(Status.SUPPLEMENT_REQUESTED, world)
    clock.advance(days=1)
    dossier = act(dossier, Action.WITHDRAW, world.applicant, world=world)
    assert dossier.status == Status.WITHDRAWN and dossier.paused_from == ""
    assert ClockPause.objects.get(dossier=dossier).ended_at == clock()
    assert not dossier.handoffs.filter(finished_at=None).exists()


def test_event_files_and_details(world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    dossier = act(
        dossier,
        Action.CONSULT,
        world.specialist,
        world=world,
        comment="Gửi công văn lấy ý kiến Sở Tài chính",
        files=[pdf_upload("cong-van.pdf")],
    )
    event = dossier.events.order_by("-id").first()
    assert event.action == Action.CONSULT and event.to_status == Status.ASSIGNED
    assert [f.original_name for f in event.files.all()] == ["cong-van.pdf"]
    transfer = dossier.events.get(action=Action.TRANSFER)
    assert transfer.details["division"] == "Phòng Quản lý khoa học"
    assign = dossier.events.get(action=Action.ASSIGN)
    assert assign.details["assignee_id"] == world.specialist.pk


def test_form_set_kept_from_receipt(world, clock):

    assert form_set_for(date(2025, 6, 30)).key == "tt01-2018"
    assert form_set_for(date(2025, 7, 1)).key == "tt03-2025"
    assert form_set_for(date(2010, 1, 1)).key == "tt01-2018"
    assert get_form_set("").key == "tt03-2025"
    for form_set in FORM_SETS.values():
        assert [f.number for f in form_set.forms] == ["01", "02", "03", "04", "05", "06"]
    assert get_form_set("tt01-2018").form(FormKind.APOLOGY).label == (
        "Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    )
    clock.set(2025, 6, 30, 9, 0)
    dossier = dossier_at(Status.RECEIVED, world)
    clock.set(2026, 3, 2, 9, 0)
    dossier = act(dossier, Action.TRANSFER, world=world)
    assert dossier.form_set == "tt01-2018"


# --- notifications --------------------------------------------------------------------------------------------------
NOTIFIED = [
    (Status.SUBMITTED, Action.RECEIVE, "đã được tiếp nhận"),
    (Status.SUBMITTED, Action.REQUEST_COMPLETION, "yêu cầu bổ sung, hoàn thiện"),
    (Status.SUBMITTED, Action.REFUSE_INTAKE, "từ chối tiếp nhận"),
    (Status.ASSIGNED, Action.REQUEST_SUPPLEMENT, "yêu cầu bổ sung hồ sơ"),
    (Status.APPROVED, Action.ISSUE_RESULT, "đã có kết quả"),
    (Status.RESULT_ISSUED, Action.RETURN_RESULT, "đã trả kết quả"),
    (Status.AT_LEADER, Action.REFUSE, "từ chối giải quyết"),
    (Status.RECEIVED, Action.STOP_PROCESSING, "dừng xử lý"),
]


@pytest.mark.parametrize(("state", "action", "subject"), NOTIFIED)
def test_applicant_mail_after_commit_only(
    world, clock, mailoutbox, django_capture_on_commit_callbacks, state, action, subject
):
    dossier = dossier_at(state, world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dossier = act(dossier, action, world=world)
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert subject in message.subject and dossier.code in message.subject
    assert message.to == [dossier.applicant_email]
    assert f"/ho-so/{dossier.pk}/" in message.body
    if action == Action.RECEIVE:
        assert message.attachments[0][0].endswith(".pdf")
        assert "Ngày hẹn trả kết quả: 23/03/2026" in message.body
    if action in (Action.REQUEST_COMPLETION, Action.REQUEST_SUPPLEMENT, Action.REFUSE_INTAKE, Action.REFUSE):
        assert dossier.events.order_by("-id").first().comment in message.body
    if action == Action.RETURN_RESULT:
        assert f"/ho-so/{dossier.pk}/ket-qua/" in message.body


def test_fee_request_mail(world, clock, mailoutbox, fee_procedure, django_capture_on_commit_callbacks):
    dossier = submitted_dossier(world, procedure=fee_procedure)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
    # "Received"; the date comes with the fee. The fee request (amount, link to pay) is the payment's own message.
    assert len(mail.outbox) == 1 and "đã được tiếp nhận" in mail.outbox[0].subject
    assert "Ngày hẹn trả kết quả: tính từ khi Ông/Bà nộp phí, lệ phí" in mail.outbox[0].body


def test_rolled_back_action_sends_nothing(world, clock, mailoutbox, django_capture_on_commit_callbacks):
    dossier = submitted_dossier(world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
            raise RuntimeError("later step failed")
    assert callbacks == []
    assert mail.outbox == []
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_internal_actions_send_nothing(world, clock, mailoutbox, django_capture_on_commit_callbacks):
    dossier = dossier_at(Status.AT_LEADER, world)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        act(dossier, Action.LEADER_RETURN, world=world)
    assert callbacks == []
    assert mail.outbox == []


def test_mail_failure_is_logged_and_never_undoes_the_change(
    world, clock, monkeypatch, caplog, django_capture_on_commit_callbacks
):

    class Down:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "send_delivery", Down())
    dossier = submitted_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert "Could not queue notification delivery" in caplog.text


def test_broken_notification_never_undoes_the_change(world, clock, monkeypatch, caplog):

    def broken(*args, **kwargs):
        raise RuntimeError("template storage down")

    monkeypatch.setattr(notifications, "template_for", broken)
    dossier = submitted_dossier(world)
    dossier = workflow.perform(dossier.pk, Action.RECEIVE, world.one_stop, expected_version=dossier.version)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.events.filter(action=Action.RECEIVE).exists()
    assert not Notification.objects.filter(dossier=dossier, event="received").exists()
    assert "could not be recorded" in caplog.text
