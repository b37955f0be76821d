"""The limits the law sets, enforced by ``perform`` and left out of the staff screens once reached: supplement
requests while processing and completion requests at intake (per rule set, ``FormSet``); form 04 drafted by the
one-stop officer and issued by a leader; a refusal after review only with its signed letter."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.tests.factories import StaffFactory
from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.constants import WorkflowMessages as M
from skhcn.dossiers.models import ClockPause, Dossier, DossierEvent, DossierEventFile, HandOff
from skhcn.dossiers.workflow.transitions import PUBLIC_ACTIONS
from skhcn.notifications.constants import Event
from skhcn.notifications.models import Notification

from .conftest import private_files
from .factories import pdf_upload
from .workflow_support import act, dossier_at, set_limits, submitted_dossier


def snapshot(dossier):
    return (
        Dossier.objects.filter(pk=dossier.pk).values().get(),
        DossierEvent.objects.filter(dossier=dossier).count(),
        HandOff.objects.filter(dossier=dossier).count(),
        ClockPause.objects.filter(dossier=dossier).count(),
        DossierEventFile.objects.count(),
    )


def offered(user, dossier) -> list[str]:
    dossier.refresh_from_db()
    return [spec.action for spec in workflow.available_actions(user, dossier)]


def refused(dossier, action, actor, **kwargs) -> workflow.WorkflowError:
    dossier.refresh_from_db()
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(dossier.pk, action, actor, expected_version=dossier.version, **kwargs)
    return caught.value


def supplemented(world, clock, dossier):
    """One supplement request answered by the applicant: the dossier is back under review."""
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world, comment="Thiếu báo cáo.")
    clock.advance(days=1)
    dossier = act(dossier, Action.SUPPLY, world.applicant, world=world)
    assert dossier.status == Status.ASSIGNED
    return dossier


# --- supplement requests while processing --------------------------------------------------------------------------
def test_a_second_supplement_request_is_refused_and_changes_nothing(world, clock, private_root):
    dossier = supplemented(world, clock, dossier_at(Status.ASSIGNED, world))
    stored = private_files(private_root)
    before = snapshot(dossier)
    for actor in (world.specialist, world.head, world.one_stop, world.admin):
        assert Action.REQUEST_SUPPLEMENT not in offered(actor, dossier)
        error = refused(
            dossier, Action.REQUEST_SUPPLEMENT, actor, comment="Bổ sung lần hai.", files=[pdf_upload("yeu-cau.pdf")]
        )
        assert error.code == "limit"
        assert error.message == (
            "Hồ sơ đã có 1 lần yêu cầu bổ sung trong quá trình giải quyết; theo quy định chỉ được yêu cầu bổ sung "
            "1 lần."
        )
    assert snapshot(dossier) == before  # no event, same status and version, no pause
    assert private_files(private_root) == stored  # the refused request's file was never kept
    # The rest of the work goes on.
    assert Action.SUBMIT_TO_HEAD in offered(world.specialist, dossier)


def test_the_limit_also_holds_from_another_review_state(world, clock):
    dossier = supplemented(world, clock, dossier_at(Status.ASSIGNED, world))
    dossier = act(dossier, Action.SUBMIT_TO_HEAD, world=world)
    assert dossier.status == Status.AT_DIVISION_HEAD
    assert Action.REQUEST_SUPPLEMENT not in offered(world.head, dossier)
    assert refused(dossier, Action.REQUEST_SUPPLEMENT, world.head, comment="Thiếu nữa.").code == "limit"


def test_the_first_supplement_request_is_offered_and_allowed(world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    assert Action.REQUEST_SUPPLEMENT in offered(world.specialist, dossier)
    dossier = act(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, world=world)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED


def test_a_rule_set_allowing_two_requests(world, clock, monkeypatch):
    set_limits(monkeypatch, supplement_requests_max=2)
    dossier = supplemented(world, clock, dossier_at(Status.ASSIGNED, world))
    dossier = supplemented(world, clock, dossier)
    error = refused(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, comment="Lần ba.")
    assert error.code == "limit" and "đã có 2 lần" in error.message and "bổ sung 2 lần" in error.message


def test_the_limit_is_the_dossiers_rule_set(world, clock, monkeypatch):
    """A dossier keeps the rule set in force when it was received: its limit, not the current set's."""
    set_limits(monkeypatch, "tt01-2018", supplement_requests_max=2)
    clock.set(2025, 6, 30, 9, 0)
    dossier = dossier_at(Status.ASSIGNED, world)
    assert dossier.form_set == "tt01-2018"
    dossier = supplemented(world, clock, dossier)
    dossier = supplemented(world, clock, dossier)
    assert refused(dossier, Action.REQUEST_SUPPLEMENT, world.specialist, comment="Lần ba.").code == "limit"

    clock.set(2026, 3, 2, 9, 0)
    current = supplemented(world, clock, dossier_at(Status.ASSIGNED, world))
    assert current.form_set == "tt03-2025"
    assert refused(current, Action.REQUEST_SUPPLEMENT, world.specialist, comment="Lần hai.").code == "limit"


# --- completion requests at intake -----------------------------------------------------------------------------------
def test_a_second_completion_request_is_refused_then_receive_or_refuse(world, clock, private_root):
    dossier = submitted_dossier(world)
    assert Action.REQUEST_COMPLETION in offered(world.one_stop, dossier)
    dossier = act(dossier, Action.REQUEST_COMPLETION, world=world, comment="Thiếu đơn đề nghị.")
    dossier = act(dossier, Action.RESUBMIT, world=world)
    assert dossier.status == Status.SUBMITTED
    stored = private_files(private_root)
    before = snapshot(dossier)

    actions = offered(world.one_stop, dossier)
    assert Action.REQUEST_COMPLETION not in actions
    assert {Action.RECEIVE, Action.REFUSE_INTAKE} <= set(actions)
    error = refused(
        dossier, Action.REQUEST_COMPLETION, world.one_stop, comment="Thiếu điều lệ.", files=[pdf_upload("phieu.pdf")]
    )
    assert error.code == "limit"
    assert "đã có 1 lần yêu cầu bổ sung, hoàn thiện" in error.message
    assert "hướng dẫn đầy đủ, một lần" in error.message
    assert snapshot(dossier) == before
    assert private_files(private_root) == stored

    dossier = act(dossier, Action.RECEIVE, world=world)
    assert dossier.status == Status.RECEIVED


def test_after_the_completion_limit_the_officer_may_refuse(world, clock):
    dossier = act(submitted_dossier(world), Action.REQUEST_COMPLETION, world=world)
    dossier = act(dossier, Action.RESUBMIT, world=world)
    dossier = act(dossier, Action.REFUSE_INTAKE, world=world, comment="Hồ sơ vẫn thiếu điều lệ.")
    assert dossier.status == Status.REFUSED_AT_INTAKE


def test_completion_requests_follow_the_rule_set(world, clock, monkeypatch):
    set_limits(monkeypatch, completion_requests_max=2)
    dossier = submitted_dossier(world)
    for _ in range(2):
        dossier = act(dossier, Action.REQUEST_COMPLETION, world=world)
        dossier = act(dossier, Action.RESUBMIT, world=world)
    assert refused(dossier, Action.REQUEST_COMPLETION, world.one_stop, comment="Lần ba.").code == "limit"


# --- form 04: drafted by one-stop, issued by a leader ----------------------------------------------------------------
def test_one_stop_prepares_the_apology_but_cannot_issue_it(
    world, clock, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = dossier_at(Status.ASSIGNED, world)
    actions = offered(world.one_stop, dossier)
    assert Action.PREPARE_APOLOGY in actions and Action.APOLOGIZE not in actions
    error = refused(dossier, Action.APOLOGIZE, world.one_stop, comment="Xin lỗi.", date=date(2026, 3, 27))
    assert error.code == "role"

    due, version = dossier.due_at, dossier.version
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = act(
            dossier,
            Action.PREPARE_APOLOGY,
            world.one_stop,
            world=world,
            comment="Chậm do lấy ý kiến Bộ.",
            date=date(2026, 3, 27),
        )
    assert (dossier.status, dossier.due_at, dossier.apology_used) == (Status.ASSIGNED, due, False)
    assert dossier.version == version + 1
    event = dossier.events.order_by("-id").first()
    assert (event.action, event.actor, event.comment) == (
        Action.PREPARE_APOLOGY,
        world.one_stop,
        "Chậm do lấy ý kiến Bộ.",
    )
    assert event.details["proposed_due"] == "2026-03-27"
    assert Action.PREPARE_APOLOGY not in PUBLIC_ACTIONS  # internal: the applicant hears of the leader's apology
    assert not [m for m in mail.outbox if dossier.applicant_email in m.to]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"comment": "", "date": date(2026, 3, 27)}, "comment"),
        ({"comment": "Chậm.", "date": None}, "date"),
        ({"comment": "Chậm.", "date": date(2026, 3, 23)}, "date"),  # not after the current due date
        ({"comment": "Chậm.", "date": date(2026, 3, 28)}, "date"),  # a Saturday
        ({"comment": "Chậm.", "date": date(2026, 9, 1)}, "date"),  # too far
    ],
)
def test_the_draft_has_the_apologys_checks(world, clock, kwargs, code):
    dossier = dossier_at(Status.ASSIGNED, world)
    assert dossier.due_at.date() == date(2026, 3, 23)
    before = snapshot(dossier)
    assert refused(dossier, Action.PREPARE_APOLOGY, world.one_stop, **kwargs).code == code
    assert snapshot(dossier) == before


def test_no_draft_once_the_apology_is_used_or_from_the_due_day(world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    dossier = act(dossier, Action.APOLOGIZE, world.leader, world=world, date=date(2026, 3, 27))
    assert Action.PREPARE_APOLOGY not in offered(world.one_stop, dossier)
    assert refused(dossier, Action.PREPARE_APOLOGY, world.one_stop, comment="x", date=date(2026, 3, 30)).code == (
        "apology"
    )
    other = dossier_at(Status.ASSIGNED, world)
    clock.set(2026, 3, 23, 8, 0)
    assert Action.PREPARE_APOLOGY not in offered(world.one_stop, other)


def test_the_leader_issues_the_apology(world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    dossier = act(dossier, Action.PREPARE_APOLOGY, world.one_stop, world=world, date=date(2026, 3, 27))
    assert Action.APOLOGIZE in offered(world.leader, dossier)
    assert Action.PREPARE_APOLOGY not in offered(world.leader, dossier)
    for role_user in (world.head, world.specialist, world.clerk):
        assert Action.APOLOGIZE not in offered(role_user, dossier)
    dossier = act(dossier, Action.APOLOGIZE, world.leader, world=world, comment="Xin lỗi.", date=date(2026, 3, 27))
    assert dossier.apology_used and dossier.due_at.date() == date(2026, 3, 27)


def test_the_leaders_form_is_prefilled_from_the_latest_draft(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    act(dossier, Action.PREPARE_APOLOGY, world.one_stop, world=world, comment="Dự thảo cũ.", date=date(2026, 3, 26))
    clock.advance(hours=1)
    act(
        dossier,
        Action.PREPARE_APOLOGY,
        world.one_stop,
        world=world,
        comment="Chậm do lấy ý kiến Bộ.",
        date=date(2026, 3, 27),
    )
    client.force_login(world.leader)
    url = reverse("dossiers_staff:action", kwargs={"pk": dossier.pk, "action": Action.APOLOGIZE})
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["comment"] == "Chậm do lấy ý kiến Bộ."
    assert form.initial["date"] == date(2026, 3, 27)
    html = response.content.decode()
    assert "data-prepared-apology" in html and "27/03/2026" in html

    # Without a draft the form is empty; the one-stop officer is not offered the apology itself.
    other = dossier_at(Status.ASSIGNED, world)
    response = client.get(reverse("dossiers_staff:action", kwargs={"pk": other.pk, "action": Action.APOLOGIZE}))
    assert "comment" not in response.context["form"].initial
    assert "data-prepared-apology" not in response.content.decode()
    client.force_login(world.one_stop)
    detail = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert 'data-action="prepare_apology"' in detail and 'data-action="apologize"' not in detail
    assert "Ngày hẹn trả mới đề xuất: 27/03/2026" in detail
    response = client.get(url, follow=True)
    assert "không có quyền" in response.content.decode()


def test_the_leaders_are_told_of_a_draft(world, clock, mailoutbox, django_capture_on_commit_callbacks):
    second = StaffFactory(role=StaffRole.LEADER, email="phogiamdoc@skhcn.example.vn")
    gone = StaffFactory(role=StaffRole.LEADER, email="nghihuu@skhcn.example.vn")
    gone.is_active = False
    gone.save()
    dossier = dossier_at(Status.ASSIGNED, world)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(
            dossier,
            Action.PREPARE_APOLOGY,
            world.one_stop,
            world=world,
            comment="Chậm do lấy ý kiến Bộ.",
            date=date(2026, 3, 27),
        )
    told = Notification.objects.filter(event=Event.APOLOGY_PREPARED).order_by("user_id")
    assert [n.user for n in told] == [world.leader, second]
    assert told[0].title == f"Hồ sơ {dossier.code}: dự thảo phiếu xin lỗi và hẹn lại ngày trả kết quả chờ duyệt"
    assert told[0].link == reverse("dossiers_staff:action", kwargs={"pk": dossier.pk, "action": Action.APOLOGIZE})
    sent = {tuple(m.to): m for m in mail.outbox}
    assert set(sent) == {(world.leader.email,), (second.email,)}
    body = sent[(world.leader.email,)].body
    assert "Ngày hẹn trả mới đề xuất: 27/03/2026" in body and "Ngày hẹn trả hiện tại: 23/03/2026" in body
    assert "Chậm do lấy ý kiến Bộ." in body and f"/admin/ho-so/{dossier.pk}/" in body
    assert not Notification.objects.filter(user=world.applicant, event=Event.APOLOGY_PREPARED).exists()


# --- refusal after review -------------------------------------------------------------------------------------------
def test_refusal_without_its_signed_letter_is_refused(world, clock):
    dossier = dossier_at(Status.AT_LEADER, world)
    before = snapshot(dossier)
    error = refused(dossier, Action.REFUSE, world.leader, comment="Không đủ điều kiện.")
    assert (error.code, error.message) == ("file", M.REFUSAL_FILE_REQUIRED)
    assert error.message == "Vui lòng đính kèm văn bản trả lời từ chối giải quyết đã ký."
    assert snapshot(dossier) == before


def test_the_signed_refusal_is_what_the_applicant_downloads(client, world, clock):
    dossier = dossier_at(Status.AT_LEADER, world)
    dossier = act(
        dossier,
        Action.REFUSE,
        world.leader,
        world=world,
        comment="Không đủ điều kiện.",
        files=[pdf_upload("van-ban-tu-choi.pdf")],
    )
    assert dossier.status == Status.REFUSED
    record = dossier.events.get(action=Action.REFUSE).files.get()
    client.force_login(world.applicant)
    html = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/").content.decode()
    assert "van-ban-tu-choi.pdf" in html
    download = client.get(f"/dich-vu-cong/ho-so/{dossier.pk}/tep-xu-ly/{record.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    client.force_login(world.leader)
    detail = client.get(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})).content.decode()
    assert "van-ban-tu-choi.pdf" in detail


# --- staff screens ----------------------------------------------------------------------------------------------------
def test_the_screen_refuses_a_request_over_the_limit_with_the_reason(client, world, clock, private_root):
    dossier = supplemented(world, clock, dossier_at(Status.ASSIGNED, world))
    stored = private_files(private_root)
    before = snapshot(dossier)
    client.force_login(world.specialist)
    detail_url = reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})
    assert 'data-action="request_supplement"' not in client.get(detail_url).content.decode()
    url = reverse("dossiers_staff:action", kwargs={"pk": dossier.pk, "action": Action.REQUEST_SUPPLEMENT})
    response = client.post(
        url,
        {"expected_version": dossier.version, "comment": "Bổ sung lần hai.", "files": [pdf_upload("yeu-cau.pdf")]},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == detail_url
    assert "theo quy định chỉ được yêu cầu bổ sung 1 lần" in html
    assert snapshot(dossier) == before and private_files(private_root) == stored


def test_the_refusal_form_asks_for_the_signed_letter(client, world, clock):
    dossier = dossier_at(Status.AT_LEADER, world)
    client.force_login(world.leader)
    url = reverse("dossiers_staff:action", kwargs={"pk": dossier.pk, "action": Action.REFUSE})
    assert "Văn bản trả lời từ chối giải quyết đã ký (bắt buộc)" in client.get(url).content.decode()
    response = client.post(url, {"expected_version": dossier.version, "comment": "Không đủ điều kiện."})
    assert response.status_code == 200
    assert M.REFUSAL_FILE_REQUIRED in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.AT_LEADER
