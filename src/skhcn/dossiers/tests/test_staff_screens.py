"""Staff screens in the Wagtail admin (issue #5): work queues, filters and search, bulk assignment, the dossier page,
file previews, one form per action, refusals and permissions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.tests.factories import ApplicantFactory, StaffFactory, verified_staff_login
from skhcn.deadlines.calendar import TZ
from skhcn.dossiers.constants import Action, Channel, ReceiveMethod, Status
from skhcn.dossiers.constants import WorkflowMessages as M
from skhcn.dossiers.models import Dossier, DossierEvent, DossierFile, HandOff
from skhcn.dossiers.staff import queues
from skhcn.dossiers.staff.views import STALE_MESSAGE
from skhcn.procedures.tests.factories import ProcedureFactory

from .factories import MINIMAL_PDF, pdf_upload, png_bytes
from .workflow_support import act, dossier_at, submitted_dossier

pytestmark = pytest.mark.django_db
R = StaffRole


def url(name, **kwargs):
    return reverse(f"dossiers_staff:{name}", kwargs=kwargs or None)


def queue_url(slug):
    return url("queue", queue=slug)


def action_url(dossier, action):
    return url("action", pk=dossier.pk, action=action)


def codes(response) -> set[str]:
    return {row["dossier"].code for row in response.context["rows"]}


def login(client, user):
    client.force_login(user)
    return client


def refresh(dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def attach(dossier, name="don.pdf", content=MINIMAL_PDF, content_type="application/pdf") -> DossierFile:
    stored = storages["private"].save(f"dossiers/{dossier.pk}/{name}", ContentFile(content))
    return DossierFile.objects.create(
        dossier=dossier,
        document_name="Đơn đề nghị",
        stored_name=stored,
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256="0" * 64,
    )


def set_due(dossier, when: datetime):
    Dossier.objects.filter(pk=dossier.pk).update(due_at=when)
    return refresh(dossier)


# --- access ----------------------------------------------------------------------------------------------------------
def test_anonymous_goes_to_the_login_page(client):
    response = client.get(url("index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_applicant_cannot_reach_the_staff_screens(client, world):
    login(client, world.applicant)
    response = client.get(url("index"))
    assert response.status_code == 302
    assert not response["Location"].startswith("/admin/ho-so/")


def test_admin_user_without_a_staff_role_gets_permission_denied(client, world, clock):
    dossier = dossier_at(Status.SUBMITTED, world)
    editor = ApplicantFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    login(client, editor)
    for target in (url("index"), url("detail", pk=dossier.pk), action_url(dossier, "receive")):
        response = client.get(target)
        assert response.status_code == 302, target
        assert response["Location"] == reverse("wagtailadmin_home")
    response = client.post(action_url(dossier, "receive"), {"expected_version": dossier.version})
    assert response.status_code == 302
    assert refresh(dossier).status == Status.SUBMITTED


def test_superuser_counts_as_administrator(client, world, clock, django_user_model):
    dossier = dossier_at(Status.SUBMITTED, world)
    root = django_user_model.objects.create_superuser("goc", "goc@example.vn", "x")
    login(client, root)
    assert dossier.code in codes(client.get(queue_url("tat-ca")))
    assert client.get(url("detail", pk=dossier.pk)).status_code == 200


def test_menu_lists_the_queues_of_the_role(client, world):
    login(client, world.head)
    # The sidebar is JSON in the page: look for the items' names (ASCII) and URLs.
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "ho-so-mot-cua" in content
    assert queue_url("cho-phan-cong") in content
    login(client, world.specialist)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert queue_url("can-xu-ly") in content
    assert queue_url("cho-phan-cong") not in content
    login(client, world.applicant.__class__.objects.create_user("bientap", password="x"))
    assert "ho-so-mot-cua" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_two_factor_required_staff_must_verify_first(client, world, clock, settings):
    settings.STAFF_2FA_REQUIRED = True
    dossier = dossier_at(Status.SUBMITTED, world)
    client.force_login(world.one_stop)
    response = client.get(url("detail", pk=dossier.pk))
    assert response.status_code == 302
    assert "/admin/ho-so/" not in response["Location"]

    verified_staff_login(client, world.one_stop)
    response = client.get(url("detail", pk=dossier.pk))
    assert response.status_code == 200
    response = client.post(action_url(dossier, "receive"), {"expected_version": dossier.version})
    assert response.status_code == 302
    assert refresh(dossier).status == Status.RECEIVED


# --- queues per role -------------------------------------------------------------------------------------------------
@pytest.fixture
def spread(world, clock):
    """Dossiers in several states and divisions."""
    submitted = dossier_at(Status.SUBMITTED, world)
    transferred = dossier_at(Status.TRANSFERRED, world)
    assigned = dossier_at(Status.ASSIGNED, world)
    other_assigned = act(
        dossier_at(Status.TRANSFERRED, world), Action.ASSIGN, world=world, assignee=world.other_specialist
    )
    foreign = dossier_at(Status.RECEIVED, world)
    foreign = act(foreign, Action.TRANSFER, world=world, division=world.other_division)
    at_leader = dossier_at(Status.AT_LEADER, world)
    completion = dossier_at(Status.COMPLETION_REQUESTED, world)
    return {
        "submitted": submitted,
        "transferred": transferred,
        "assigned": assigned,
        "other_assigned": other_assigned,
        "foreign": foreign,
        "at_leader": at_leader,
        "completion": completion,
    }


def test_one_stop_work_queue_has_the_submitted_dossiers(client, world, spread):
    login(client, world.one_stop)
    response = client.get(url("index"))
    assert response.status_code == 200
    found = codes(response)
    assert spread["submitted"].code in found
    assert spread["transferred"].code not in found
    assert spread["assigned"].code not in found
    # All-seeing: "Tất cả" lists every filed dossier.
    everything = codes(client.get(queue_url("tat-ca")))
    assert {d.code for d in spread.values()} <= everything


def test_division_head_sees_only_their_division(client, world, spread):
    login(client, world.head)
    work = codes(client.get(url("index")))
    assert spread["transferred"].code in work
    assert spread["foreign"].code not in work
    everything = codes(client.get(queue_url("tat-ca")))
    assert spread["assigned"].code in everything
    assert spread["foreign"].code not in everything
    assert spread["submitted"].code not in everything

    login(client, world.other_head)
    assert codes(client.get(url("index"))) == {spread["foreign"].code}


def test_specialist_sees_only_assigned_dossiers(client, world, spread):
    login(client, world.specialist)
    assert codes(client.get(url("index"))) == {spread["assigned"].code}
    # "Tất cả" adds the dossiers still assigned to them at a later step.
    assert codes(client.get(queue_url("tat-ca"))) == {spread["assigned"].code, spread["at_leader"].code}
    login(client, world.other_specialist)
    assert codes(client.get(queue_url("tat-ca"))) == {spread["other_assigned"].code}


def test_leader_queue_and_waiting_for_applicant_queue(client, world, spread):
    login(client, world.leader)
    assert codes(client.get(url("index"))) == {spread["at_leader"].code}
    login(client, world.one_stop)
    assert spread["completion"].code in codes(client.get(queue_url("cho-nguoi-nop")))
    assert spread["submitted"].code not in codes(client.get(queue_url("cho-nguoi-nop")))


def test_unknown_queue_is_404(client, world):
    login(client, world.one_stop)
    assert client.get(queue_url("khong-co")).status_code == 404


def test_staff_queue_function_for_benchmarks(world, spread):
    qs = queues.staff_queue(world.head, "can-xu-ly", {"sort": "due"})
    assert spread["transferred"] in list(qs)
    assert set(qs.query.deferred_loading[0]) >= {"code", "due_at", "procedure__name"}
    with pytest.raises(KeyError):
        queues.staff_queue(world.head, "khong-co", {})


def test_queue_page_runs_a_fixed_number_of_queries(client, world, clock, django_assert_max_num_queries):
    for _ in range(12):
        dossier_at(Status.RECEIVED, world)
    login(client, world.one_stop)
    client.get(url("index"))  # warm the calendar and session caches
    with django_assert_max_num_queries(20):
        response = client.get(url("index"))
    assert len(response.context["rows"]) == 12


# --- filters, search, sort, pagination -------------------------------------------------------------------------------
def test_filters_by_status_division_channel_procedure_field_and_received_dates(client, world, spread, clock):
    login(client, world.one_stop)
    everything = queue_url("tat-ca")
    transferred = {spread["transferred"].code, spread["foreign"].code}
    assert codes(client.get(everything, {"status": Status.TRANSFERRED})) == transferred
    by_division = codes(client.get(everything, {"division": world.other_division.pk}))
    assert by_division == {spread["foreign"].code}

    postal = submitted_dossier(world, channel=Channel.POST)
    assert codes(client.get(everything, {"channel": Channel.POST})) == {postal.code}

    procedure = ProcedureFactory(name="Thẩm định công nghệ dự án đầu tư")
    special = submitted_dossier(world, procedure=procedure)
    assert codes(client.get(everything, {"procedure": procedure.pk})) == {special.code}
    assert special.code in codes(client.get(everything, {"field": procedure.field_id}))

    # Received today (02/03/2026) for all the spread dossiers that were received.
    today = codes(client.get(everything, {"received_from": "02/03/2026", "received_to": "02/03/2026"}))
    assert spread["transferred"].code in today
    assert spread["submitted"].code not in today
    assert codes(client.get(everything, {"received_from": "03/03/2026"})) == set()
    # A bad date is reported and left out (the list still shows).
    response = client.get(everything, {"received_from": "31/02/2026"})
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in response.content.decode()
    assert spread["submitted"].code in codes(response)


def test_search_by_code_name_phone_id_and_procedure(client, world, clock):
    first = submitted_dossier(
        world,
        applicant_name="Trần Thị Bích Ngọc",
        applicant_phone="0987 654 321",
        lookup_phone="0987654321",
        applicant_id_number="001099012345",
        lookup_id_number="001099012345",
    )
    procedure = ProcedureFactory(name="Đăng ký chuyển giao công nghệ")
    second = submitted_dossier(world, procedure=procedure, applicant_name="Lê Văn Hùng")
    login(client, world.one_stop)
    everything = queue_url("tat-ca")
    assert codes(client.get(everything, {"q": first.code.lower()})) == {first.code}
    assert codes(client.get(everything, {"q": "Bích Ngọc"})) == {first.code}
    assert codes(client.get(everything, {"q": "0987.654.321"})) == {first.code}
    assert codes(client.get(everything, {"q": "001099012345"})) == {first.code}
    # The procedure name matches without accents (folded search_text).
    assert codes(client.get(everything, {"q": "chuyen giao cong nghe"})) == {second.code}
    assert codes(client.get(everything, {"q": "Chuyển giao"})) == {second.code}
    response = client.get(everything, {"q": "không có ai"})
    assert codes(response) == set()
    assert "Không có hồ sơ nào khớp với bộ lọc" in response.content.decode()


def test_sort_by_due_received_and_code(client, world, clock):
    late = dossier_at(Status.RECEIVED, world)
    clock.advance(hours=1)
    soon = dossier_at(Status.RECEIVED, world)
    clock.advance(hours=1)
    overdue = dossier_at(Status.RECEIVED, world)
    late = set_due(late, datetime(2026, 3, 20, 17, tzinfo=TZ))
    soon = set_due(soon, datetime(2026, 3, 10, 17, tzinfo=TZ))
    overdue = set_due(overdue, datetime(2026, 3, 1, 17, tzinfo=TZ))
    login(client, world.one_stop)

    def order(**params):
        return [row["dossier"].code for row in client.get(queue_url("tat-ca"), params).context["rows"]]

    assert order() == [overdue.code, soon.code, late.code]  # default: soonest due first, overdue leads
    assert order(sort="-due") == [late.code, soon.code, overdue.code]
    assert order(sort="received") == [late.code, soon.code, overdue.code]
    assert order(sort="-received") == [overdue.code, soon.code, late.code]
    assert order(sort="code") == sorted([late.code, soon.code, overdue.code])
    assert order(sort="-code") == sorted([late.code, soon.code, overdue.code], reverse=True)


def test_pagination_fifty_per_page_without_a_full_count(client, world, clock):
    base = submitted_dossier(world)
    Dossier.objects.bulk_create(
        [
            Dossier(
                procedure=world.procedure,
                applicant=world.applicant,
                status=Status.SUBMITTED,
                code=f"000.26.H11-260302-{9000 + i:05d}",
                applicant_name=f"Người nộp {i}",
            )
            for i in range(55)
        ]
    )
    login(client, world.one_stop)
    first = client.get(url("index"), {"sort": "code"})
    assert len(first.context["rows"]) == 50
    assert first.context["page"].has_next
    assert "trang=2" in first.content.decode()
    assert first.context["count"] == 56
    second = client.get(url("index"), {"sort": "code", "trang": 2})
    assert len(second.context["rows"]) == 6
    assert not second.context["page"].has_next
    assert base.code in codes(first) | codes(second)
    assert client.get(url("index"), {"trang": "abc"}).status_code == 200
    # A result that fits on its first page is counted from the page itself: no second query.
    with CaptureQueriesContext(connection) as queries:
        only = client.get(url("index"), {"q": base.code})
    assert only.context["count"] == 1 and not only.context["capped"]
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_search_pages_come_from_one_ordered_match_list(client, world, clock):
    Dossier.objects.bulk_create(
        [
            Dossier(
                procedure=world.procedure,
                applicant=world.applicant,
                status=Status.SUBMITTED,
                code=f"000.26.H11-260302-{9100 + i:05d}",
                applicant_name=f"Trần Thị Mai {i}",
            )
            for i in range(55)
        ]
    )
    login(client, world.one_stop)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url("index"), {"q": "Trần Thị Mai", "sort": "-code"})
    assert first.context["count"] == 55 and not first.context["capped"]
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    expected = [f"000.26.H11-260302-{9100 + i:05d}" for i in reversed(range(55))]
    assert [row["dossier"].code for row in first.context["rows"]] == expected[:50]
    assert first.context["page"].has_next
    second = client.get(url("index"), {"q": "Trần Thị Mai", "sort": "-code", "trang": 2})
    assert [row["dossier"].code for row in second.context["rows"]] == expected[50:]
    assert not second.context["page"].has_next


def test_capped_count(world, clock):
    for _ in range(3):
        submitted_dossier(world)
    qs = queues.staff_queue(world.one_stop, "tat-ca", {})
    assert queues.capped_count(qs, cap=2) == (2, True)
    assert queues.capped_count(qs, cap=5) == (3, False)


# --- deadline badges and time-based queues ---------------------------------------------------------------------------
def test_deadline_badges_and_due_soon_and_overdue_queues(client, world, clock):
    early = set_due(dossier_at(Status.RECEIVED, world), datetime(2026, 3, 20, 17, tzinfo=TZ))
    soon = set_due(dossier_at(Status.RECEIVED, world), datetime(2026, 3, 3, 17, tzinfo=TZ))
    today = set_due(dossier_at(Status.RECEIVED, world), datetime(2026, 3, 2, 17, tzinfo=TZ))
    overdue = set_due(dossier_at(Status.RECEIVED, world), datetime(2026, 2, 27, 17, tzinfo=TZ))
    login(client, world.one_stop)
    response = client.get(queue_url("tat-ca"))
    badges = {row["dossier"].code: row["badge"].label for row in response.context["rows"]}
    assert badges == {
        early.code: "Sớm hạn",
        soon.code: "Sắp đến hạn",
        today.code: "Đúng hạn",
        overdue.code: "Quá hạn",
    }
    html = response.content.decode()
    assert 'class="dl-badge dl-badge--overdue">Quá hạn</span>' in html
    assert "27/02/2026" in html
    assert codes(client.get(queue_url("qua-han"))) == {overdue.code}
    assert codes(client.get(queue_url("sap-den-han"))) == {soon.code, today.code}


def test_paused_and_not_received_badges(world, clock):
    paused = dossier_at(Status.SUPPLEMENT_REQUESTED, world)
    submitted = dossier_at(Status.SUBMITTED, world)
    paper = submitted_dossier(world, channel=Channel.POST)
    assert queues.deadline_badge(paused).label == "Tạm dừng tính thời hạn"
    # Online and awaiting intake: the intake deadline (test_intake_deadline.py); on paper: none before receipt.
    assert queues.deadline_badge(submitted).label == "Trong hạn tiếp nhận"
    assert queues.deadline_badge(paper) is None


# --- dossier page ----------------------------------------------------------------------------------------------------
def test_dossier_page_shows_header_applicant_files_timeline_slip_and_actions(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    attach(dossier, "don-de-nghi.pdf")
    attach(dossier, "anh.png", png_bytes(), "image/png")
    act(dossier, Action.COMMENT, world=world, actor=world.specialist, comment="Ghi chú nội bộ về hồ sơ.")
    act(dossier, Action.REQUEST_SUPPLEMENT, world=world, actor=world.specialist, comment="Bổ sung bản sao.")
    act(dossier, Action.SUPPLY, world=world, actor=world.applicant, files=[pdf_upload("ban-sao.pdf")])
    dossier = refresh(dossier)
    login(client, world.leader)
    response = client.get(url("detail", pk=dossier.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        dossier.code,
        world.procedure.name,
        "Yêu cầu bổ sung hồ sơ (tạm dừng tính thời hạn)",
        "Tạm dừng tính thời hạn",
        "Nguyễn Văn An",
        "0912345678",
        world.division.name,
        "don-de-nghi.pdf",
        "anh.png",
        "ban-sao.pdf",
        "Người nộp hồ sơ (Nguyễn Văn An)",
        "Ghi chú nội bộ về hồ sơ.",
        "Bổ sung bản sao.",
        "Phiếu kiểm soát quá trình giải quyết",
        "Bộ phận Một cửa",
        "Thông tư số 03/2025/TT-VPCP",
        "data-pdf-preview",  # PDFs previewed through PDF.js (the files are sandboxed)
        "02/03/2026",
    ):
        assert text in html, text
    # Who did what: the one-stop officer's name is on the receive row.
    assert world.one_stop.staff_profile.full_name in html
    assert response.context["pauses"]
    assert len(response.context["handoffs"]) == HandOff.objects.filter(dossier=dossier).count()
    # The leader may stop processing a dossier in supplement, not approve it.
    offered = {spec.action for spec in response.context["actions"]}
    assert "stop_processing" in offered
    assert "leader_approve" not in offered


def test_dossier_outside_scope_is_404(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    login(client, world.other_head)
    assert client.get(url("detail", pk=dossier.pk)).status_code == 404
    assert client.get(action_url(dossier, "assign")).status_code == 404
    assert client.post(action_url(dossier, "assign"), {"expected_version": dossier.version}).status_code == 404
    login(client, world.other_specialist)
    assert client.get(url("detail", pk=dossier.pk)).status_code == 404
    login(client, world.one_stop)
    assert client.get(url("detail", pk=999999)).status_code == 404
    draft = dossier_at(Status.DRAFT, world)
    assert client.get(url("detail", pk=draft.pk)).status_code == 404


def test_printable_form_links_only_when_the_urls_exist(client, world, clock):
    from django.urls import NoReverseMatch

    dossier = dossier_at(Status.RECEIVED, world)
    login(client, world.one_stop)
    printable = client.get(url("detail", pk=dossier.pk)).context["printable"]
    try:
        reverse("dossiers_staff:form_pdf", kwargs={"pk": dossier.pk, "number": "01"})
    except NoReverseMatch:
        assert printable == []
    else:
        assert {f["number"] for f in printable} == {"01", "05"}


# --- files -----------------------------------------------------------------------------------------------------------
def test_file_preview_inline_and_audited(client, world, clock):
    dossier = dossier_at(Status.RECEIVED, world)
    item = attach(dossier)
    image = attach(dossier, "anh.png", png_bytes(), "image/png")
    login(client, world.one_stop)
    response = client.get(url("file", pk=dossier.pk, file_id=item.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response = client.get(url("file", pk=dossier.pk, file_id=image.pk))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    response = client.get(url("file", pk=dossier.pk, file_id=item.pk), {"tai-ve": "1"})
    assert response["Content-Disposition"].startswith("attachment")
    entries = ModelLogEntry.objects.filter(action="skhcn.dossier.file_viewed", object_id=str(dossier.pk))
    assert entries.count() == 3
    assert entries.first().user_id == world.one_stop.pk


def test_file_of_another_dossier_or_outside_scope_is_404(client, world, clock):
    mine = dossier_at(Status.ASSIGNED, world)
    other = dossier_at(Status.RECEIVED, world)
    other_file = attach(other, "khac.pdf")
    my_file = attach(mine, "cua-toi.pdf")
    login(client, world.specialist)
    assert client.get(url("file", pk=mine.pk, file_id=my_file.pk)).status_code == 200
    assert client.get(url("file", pk=mine.pk, file_id=other_file.pk)).status_code == 404
    assert client.get(url("file", pk=other.pk, file_id=other_file.pk)).status_code == 404
    login(client, world.other_specialist)
    assert client.get(url("file", pk=mine.pk, file_id=my_file.pk)).status_code == 404
    assert client.get(url("result_file", pk=mine.pk)).status_code == 404


def test_event_attachment_and_result_file(client, world, clock):
    dossier = dossier_at(Status.APPROVED, world)
    act(
        dossier,
        Action.COMMENT,
        world=world,
        actor=world.clerk,
        comment="Kèm tờ trình.",
        files=[pdf_upload("to-trinh.pdf")],
    )
    attachment = DossierEvent.objects.get(dossier=dossier, action=Action.COMMENT).files.get()
    act(dossier, Action.ISSUE_RESULT, world=world)
    other = dossier_at(Status.RECEIVED, world)
    login(client, world.clerk)
    response = client.get(url("event_file", pk=dossier.pk, file_id=attachment.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    assert client.get(url("event_file", pk=other.pk, file_id=attachment.pk)).status_code == 404
    response = client.get(url("result_file", pk=dossier.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "to-trinh.pdf" in client.get(url("detail", pk=dossier.pk)).content.decode()


# --- action forms ----------------------------------------------------------------------------------------------------
def post_action(client, dossier, action, data=None, **kwargs):
    dossier = refresh(dossier)
    payload = {"expected_version": dossier.version, **(data or {})}
    return client.post(action_url(dossier, action), payload, **kwargs)


def test_receive(client, world, clock):
    dossier = dossier_at(Status.SUBMITTED, world)
    login(client, world.one_stop)
    form = client.get(action_url(dossier, "receive"))
    assert form.status_code == 200
    assert 'name="expected_version"' in form.content.decode()
    assert 'name="date"' not in form.content.decode()  # no postmark for an online dossier
    response = post_action(client, dossier, "receive", follow=True)
    assert response.redirect_chain[-1][0] == url("detail", pk=dossier.pk)
    assert f"Đã thực hiện “Tiếp nhận hồ sơ” đối với hồ sơ {dossier.code}." in response.content.decode()
    dossier = refresh(dossier)
    assert dossier.status == Status.RECEIVED
    assert dossier.received_by == world.one_stop
    assert dossier.events.filter(action=Action.RECEIVE, actor=world.one_stop).exists()


def test_receive_postal_dossier_with_postmark_date(client, world, clock):
    dossier = submitted_dossier(world, channel=Channel.POST)
    login(client, world.one_stop)
    assert 'name="date"' in client.get(action_url(dossier, "receive")).content.decode()
    bad = post_action(client, dossier, "receive", {"date": "2026-13-45"})
    assert bad.status_code == 200
    assert "Ngày không hợp lệ" in bad.content.decode()
    future = post_action(client, dossier, "receive", {"date": "10/03/2026"})
    assert "Ngày không được sau ngày hôm nay." in future.content.decode()
    assert refresh(dossier).status == Status.SUBMITTED
    post_action(client, dossier, "receive", {"date": "27/02/2026"})
    dossier = refresh(dossier)
    assert dossier.status == Status.RECEIVED
    assert dossier.postmark_date.isoformat() == "2026-02-27"


def test_transfer_preselects_the_procedure_division(client, world, clock):
    dossier = dossier_at(Status.RECEIVED, world)
    login(client, world.one_stop)
    form = client.get(action_url(dossier, "transfer")).context["form"]
    assert form.fields["division"].initial == world.division.pk
    missing = post_action(client, dossier, "transfer")
    assert "Vui lòng chọn phòng chuyên môn xử lý." in missing.content.decode()
    post_action(client, dossier, "transfer", {"division": world.other_division.pk})
    dossier = refresh(dossier)
    assert dossier.status == Status.TRANSFERRED
    assert dossier.division == world.other_division


def test_assign_lists_only_specialists_of_the_division(client, world, clock):
    dossier = dossier_at(Status.TRANSFERRED, world)
    login(client, world.head)
    form = client.get(action_url(dossier, "assign")).context["form"]
    choices = set(form.fields["assignee"].queryset)
    assert choices == {world.specialist, world.other_specialist}
    foreign = post_action(client, dossier, "assign", {"assignee": world.foreign_specialist.pk})
    assert foreign.status_code == 200
    assert refresh(dossier).status == Status.TRANSFERRED
    post_action(client, dossier, "assign", {"assignee": world.other_specialist.pk})
    dossier = refresh(dossier)
    assert dossier.status == Status.ASSIGNED
    assert dossier.assignee == world.other_specialist


def test_request_supplement_needs_a_comment(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    login(client, world.specialist)
    response = post_action(client, dossier, "request_supplement", {"comment": "   "})
    assert response.status_code == 200
    assert "Vui lòng nhập nội dung (lý do, yêu cầu hoặc ý kiến)." in response.content.decode()
    assert refresh(dossier).status == Status.ASSIGNED
    # Form 02 prints a reason: without one nothing changes, and the file chosen is not kept.
    response = post_action(
        client,
        dossier,
        "request_supplement",
        {"comment": "Bổ sung bản sao quyết định thành lập.", "reason": "  ", "files": [pdf_upload("yeu-cau.pdf")]},
    )
    assert response.status_code == 200
    assert M.REASON_REQUIRED in response.content.decode()
    assert refresh(dossier).status == Status.ASSIGNED
    assert not refresh(dossier).events.filter(action=Action.REQUEST_SUPPLEMENT).exists()
    post_action(
        client,
        dossier,
        "request_supplement",
        {
            "comment": "Bổ sung bản sao quyết định thành lập.",
            "reason": "Bản sao đã nộp chưa được chứng thực.",
            "files": [pdf_upload("yeu-cau.pdf")],
        },
    )
    dossier = refresh(dossier)
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    event = dossier.events.get(action=Action.REQUEST_SUPPLEMENT)
    assert event.comment == "Bổ sung bản sao quyết định thành lập.\nLý do: Bản sao đã nộp chưa được chứng thực."
    assert event.files.get().original_name == "yeu-cau.pdf"
    assert dossier.pauses.filter(ended_at=None).exists()


def test_submit_to_head_head_approve_and_leader_approve(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    login(client, world.specialist)
    assert client.get(action_url(dossier, "submit_to_head")).status_code == 200
    post_action(client, dossier, "submit_to_head", {"comment": "Đề nghị cấp.", "files": [pdf_upload("du-thao.pdf")]})
    assert refresh(dossier).status == Status.AT_DIVISION_HEAD

    login(client, world.head)
    assert client.get(action_url(dossier, "head_approve")).status_code == 200
    post_action(client, dossier, "head_approve")
    assert refresh(dossier).status == Status.AT_LEADER

    login(client, world.leader)
    assert client.get(action_url(dossier, "leader_approve")).status_code == 200
    post_action(client, dossier, "leader_approve", {"comment": "Đồng ý."})
    assert refresh(dossier).status == Status.APPROVED


def test_head_return_needs_a_comment(client, world, clock):
    dossier = dossier_at(Status.AT_DIVISION_HEAD, world)
    login(client, world.head)
    response = post_action(client, dossier, "head_return")
    assert "Vui lòng nhập nội dung" in response.content.decode()
    post_action(client, dossier, "head_return", {"comment": "Bổ sung căn cứ."})
    assert refresh(dossier).status == Status.ASSIGNED


def test_issue_result_with_a_pdf(client, world, clock):
    dossier = dossier_at(Status.APPROVED, world)
    login(client, world.clerk)
    form = client.get(action_url(dossier, "issue_result"))
    assert 'enctype="multipart/form-data"' in form.content.decode()
    assert 'accept=".pdf,application/pdf"' in form.content.decode()
    missing = post_action(client, dossier, "issue_result")
    assert "Vui lòng tải lên tệp kết quả đã ký số." in missing.content.decode()
    not_pdf = post_action(
        client, dossier, "issue_result", {"files": ContentFileUpload("anh.png", png_bytes(), "image/png")}
    )
    assert not_pdf.status_code == 200
    assert refresh(dossier).status == Status.APPROVED
    response = post_action(client, dossier, "issue_result", {"files": pdf_upload("ket-qua.pdf")}, follow=True)
    dossier = refresh(dossier)
    assert dossier.status == Status.RESULT_ISSUED
    assert dossier.result_original_name == "ket-qua.pdf"
    assert f"Số kết quả: {dossier.result_number}." in response.content.decode()


def ContentFileUpload(name, content, content_type):  # noqa: N802 - reads like a class at the call site
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_return_result(client, world, clock):
    dossier = dossier_at(Status.RESULT_ISSUED, world)
    login(client, world.one_stop)
    form = client.get(action_url(dossier, "return_result"))
    assert form.context["form"].fields["method"].initial == ReceiveMethod.ONLINE
    missing = post_action(client, dossier, "return_result", {"method": ""})
    assert "Vui lòng chọn hình thức trả kết quả." in missing.content.decode()
    post_action(client, dossier, "return_result", {"method": ReceiveMethod.DESK})
    dossier = refresh(dossier)
    assert dossier.status == Status.RETURNED
    assert dossier.return_method == ReceiveMethod.DESK


def test_apology_date_is_checked(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    login(client, world.leader)
    due = dossier.due_at.astimezone(TZ).date()
    response = post_action(client, dossier, "apologize", {"comment": "Xin lỗi.", "date": due.strftime("%d/%m/%Y")})
    assert "Ngày hẹn mới phải sau ngày hẹn trả hiện tại" in response.content.decode()
    assert not refresh(dossier).apology_used


# --- refusals --------------------------------------------------------------------------------------------------------
def test_stale_version_from_two_clients(client, world, clock):
    from django.test import Client

    dossier = dossier_at(Status.SUBMITTED, world)
    second_officer = StaffFactory(role=R.ONE_STOP)
    first, second = login(client, world.one_stop), login(Client(), second_officer)
    version = dossier.version
    assert first.get(action_url(dossier, "request_completion")).status_code == 200
    assert second.get(action_url(dossier, "receive")).status_code == 200

    second.post(action_url(dossier, "receive"), {"expected_version": version})
    assert refresh(dossier).status == Status.RECEIVED
    # The first officer's request now comes too late: refused, nothing changed, the reason is clear.
    response = first.post(
        action_url(dossier, "request_completion"), {"expected_version": version, "comment": "Thiếu đơn."}, follow=True
    )
    html = response.content.decode()
    assert STALE_MESSAGE.format(status=Status.RECEIVED.label) in html
    assert "Hồ sơ vừa được cán bộ khác cập nhật" in html
    assert refresh(dossier).status == Status.RECEIVED
    assert not refresh(dossier).events.filter(action=Action.REQUEST_COMPLETION).exists()


def test_stale_version_keeps_the_form_when_the_action_still_applies(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    login(client, world.specialist)
    old = dossier.version
    act(dossier, Action.COMMENT, world=world, actor=world.head, comment="Lưu ý.")
    response = client.post(action_url(dossier, "comment"), {"expected_version": old, "comment": "Ý kiến của tôi."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hồ sơ vừa được cán bộ khác cập nhật" in html
    assert "Ý kiến của tôi." in html
    assert response.context["form"]["expected_version"].value() == str(refresh(dossier).version)
    assert refresh(dossier).events.filter(action=Action.COMMENT).count() == 1


def test_forbidden_action_is_refused_with_a_message(client, world, clock):
    dossier = dossier_at(Status.ASSIGNED, world)
    login(client, world.specialist)
    # Wrong role: a specialist cannot transfer.
    response = client.get(action_url(dossier, "transfer"), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", pk=dossier.pk)
    assert "Tài khoản không có quyền “Chuyển phòng chuyên môn xử lý” đối với hồ sơ này." in response.content.decode()
    response = post_action(client, dossier, "transfer", {"division": world.other_division.pk}, follow=True)
    assert "Tài khoản không có quyền" in response.content.decode()
    assert refresh(dossier).division == world.division
    # Right role, wrong state: the specialist may submit to the head only once.
    act(dossier, Action.SUBMIT_TO_HEAD, world=world)
    response = client.get(action_url(dossier, "submit_to_head"), follow=True)
    assert "Không thể “Trình lãnh đạo phòng” khi hồ sơ đang ở trạng thái" in response.content.decode()
    # Unknown and citizen-only actions do not exist here.
    assert client.get(action_url(dossier, "khong-co")).status_code == 404
    assert client.get(action_url(dossier, "submit")).status_code == 404


def test_missing_file_and_bad_date(client, world, clock):
    awaiting = dossier_at(Status.AWAITING_FEE, world)
    login(client, world.one_stop)
    response = post_action(client, awaiting, "record_fee_paid", {"date": "hôm qua"})
    assert "Ngày không hợp lệ" in response.content.decode()
    response = post_action(client, awaiting, "record_fee_paid", {"date": ""})
    assert "Vui lòng nhập ngày." in response.content.decode()
    assert refresh(awaiting).status == Status.AWAITING_FEE
    post_action(client, awaiting, "record_fee_paid", {"date": "02/03/2026"})
    assert refresh(awaiting).status == Status.RECEIVED

    supplement = dossier_at(Status.SUPPLEMENT_REQUESTED, world)
    response = post_action(client, supplement, "supply")
    assert "Vui lòng đính kèm tệp." in response.content.decode()
    assert refresh(supplement).status == Status.SUPPLEMENT_REQUESTED


def test_tampered_version_is_refused(client, world, clock):
    dossier = dossier_at(Status.SUBMITTED, world)
    login(client, world.one_stop)
    response = client.post(action_url(dossier, "receive"), {"expected_version": "abc"})
    assert response.status_code == 200
    assert refresh(dossier).status == Status.SUBMITTED


# --- bulk assignment -------------------------------------------------------------------------------------------------
def test_bulk_assignment_reports_each_dossier(client, world, clock):
    first = dossier_at(Status.TRANSFERRED, world)
    second = dossier_at(Status.TRANSFERRED, world)
    stale = dossier_at(Status.TRANSFERRED, world)
    foreign = act(dossier_at(Status.RECEIVED, world), Action.TRANSFER, world=world, division=world.other_division)
    login(client, world.head)
    page = client.get(queue_url("cho-phan-cong"))
    assert codes(page) == {first.code, second.code, stale.code}
    html = page.content.decode()
    assert f'value="{first.pk}:{first.version}"' in html
    assert set(page.context["bulk_form"].fields["assignee"].queryset) == {world.specialist, world.other_specialist}

    old_version = stale.version
    act(stale, Action.COMMENT, world=world, actor=world.one_stop, comment="Cập nhật song song.")
    response = client.post(
        url("bulk_assign"),
        {
            "assignee": world.specialist.pk,
            "dossiers": [
                f"{first.pk}:{first.version}",
                f"{second.pk}:{second.version}",
                f"{stale.pk}:{old_version}",
                f"{foreign.pk}:{foreign.version}",
            ],
        },
    )
    assert response.status_code == 200
    results = {r["pk"]: r for r in response.context["results"]}
    assert results[first.pk]["ok"] and results[second.pk]["ok"]
    assert not results[stale.pk]["ok"]
    assert "Hồ sơ vừa được cán bộ khác cập nhật" in results[stale.pk]["message"]
    assert not results[foreign.pk]["ok"]
    assert results[foreign.pk]["message"] == "Không tìm thấy hồ sơ."
    assert foreign.code not in response.content.decode()
    assert refresh(first).assignee == world.specialist
    assert refresh(second).status == Status.ASSIGNED
    assert refresh(stale).status == Status.TRANSFERRED
    assert refresh(foreign).status == Status.TRANSFERRED
    assert "Đã phân công 2 hồ sơ" in response.content.decode()


def test_bulk_assignment_needs_a_specialist_and_a_selection(client, world, clock):
    dossier = dossier_at(Status.TRANSFERRED, world)
    login(client, world.head)
    response = client.post(url("bulk_assign"), {"dossiers": [f"{dossier.pk}:{dossier.version}"]}, follow=True)
    assert "Vui lòng chọn chuyên viên thẩm định." in response.content.decode()
    response = client.post(url("bulk_assign"), {"assignee": world.specialist.pk}, follow=True)
    assert "Vui lòng chọn ít nhất một hồ sơ." in response.content.decode()
    # A specialist of another division is not a valid choice.
    response = client.post(
        url("bulk_assign"),
        {"assignee": world.foreign_specialist.pk, "dossiers": [f"{dossier.pk}:{dossier.version}"]},
        follow=True,
    )
    assert "Chuyên viên đã chọn không hợp lệ." in response.content.decode()
    assert refresh(dossier).status == Status.TRANSFERRED
    assert client.get(url("bulk_assign")).status_code == 405


def test_specialist_gets_no_bulk_assignment(client, world, clock):
    dossier = dossier_at(Status.TRANSFERRED, world)
    login(client, world.specialist)
    response = client.post(
        url("bulk_assign"), {"assignee": world.specialist.pk, "dossiers": [f"{dossier.pk}:{dossier.version}"]}
    )
    assert response.status_code == 302
    assert refresh(dossier).status == Status.TRANSFERRED


def test_received_date_filter_uses_vietnam_days(world, clock):
    dossier = dossier_at(Status.SUBMITTED, world)
    clock.set(2026, 3, 2, 23, 30)  # 23:30 in Vietnam = 16:30 UTC the same day
    act(dossier, Action.RECEIVE, world=world)
    day = clock.moment.astimezone(TZ).date()
    found = queues.staff_queue(world.one_stop, "tat-ca", {"received_from": day, "received_to": day})
    assert dossier in list(found)
    assert dossier not in list(queues.staff_queue(world.one_stop, "tat-ca", {"received_from": day + timedelta(days=1)}))
