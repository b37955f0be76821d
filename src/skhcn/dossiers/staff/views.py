"""Staff screens inside the Wagtail admin: work queues, bulk assignment, the dossier page, file previews and one form
per workflow action. Views stay thin: the queue queries are ``queues``, the forms ``staff.forms``, every change goes
through ``workflow.perform``.

Access: only users with a staff role (``accounts.staff.user_roles``; superusers count as administrators) — others get
Wagtail's "permission denied"; a dossier outside ``access.visible_dossiers`` and a file of another dossier are 404.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import wraps

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.views.decorators.http import require_POST
from wagtail.admin.auth import permission_denied
from wagtail.log_actions import log

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.staff import has_role, user_roles
from skhcn.core.uploads import private_file_response

from ..constants import Action, ReceiveMethod, Status
from ..constants import WorkflowMessages as M
from ..documents import papers
from ..documents.formsets import FormKind, get_form_set
from ..intake import deadline as intake_deadline
from ..models import DossierEvent, DossierEventFile, DossierFile, HandOff
from ..workflow import WorkflowError, available_actions, perform, spec_for
from ..workflow.access import acting_roles, visible_dossiers
from ..workflow.transitions import STAFF_ACTIONS, TRANSITIONS
from . import queues
from .forms import ActionForm, BulkAssignForm, QueueFilterForm, staff_name

TEMPLATES = "dossiers/staff/"
FILE_VIEWED = "skhcn.dossier.file_viewed"
MAX_BULK = 200

STALE_MESSAGE = (
    "Hồ sơ vừa được cán bộ khác cập nhật nên thao tác vừa rồi chưa được thực hiện. "
    "Trạng thái hiện tại: “{status}”. Vui lòng xem lại hồ sơ rồi thực hiện lại nếu vẫn cần."
)
STALE_FILES_AGAIN = " Các tệp đã chọn chưa được lưu: vui lòng chọn lại tệp."
DONE_MESSAGE = "Đã thực hiện “{label}” đối với hồ sơ {code}."
NOT_AVAILABLE_MESSAGE = "Thao tác “{label}” hiện không thực hiện được đối với hồ sơ này."

# Printable forms (third engineer's views): form number -> which event makes it relevant ("" = once received).
PRINTABLE = (
    (FormKind.RECEIPT, "01"),
    (FormKind.COMPLETION_REQUEST, "02"),
    (FormKind.REFUSAL, "03"),
    (FormKind.APOLOGY, "04"),
    (FormKind.CONTROL_SLIP, "05"),
)
_FORM_EVENTS = {
    "02": {Action.REQUEST_COMPLETION, Action.REQUEST_SUPPLEMENT},
    "03": {Action.REFUSE_INTAKE},
    "04": {Action.APOLOGIZE},
}


def staff_required(view):
    """Only users holding a staff role (or superusers) reach the view; others get Wagtail's permission denied."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_roles(request.user):
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return wrapper


def _real_user(user):
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def _breadcrumbs(*items) -> list[dict]:
    return [
        {"url": reverse("wagtailadmin_home"), "label": "Trang chủ"},
        {"url": reverse("dossiers_staff:index"), "label": "Hồ sơ một cửa"},
        # The current page ("" here) is plain text: Wagtail makes a link of every item whose url is not None.
        *({"url": url or None, "label": label} for url, label in items),
    ]


def _dossier_or_404(request, pk):
    dossier = (
        visible_dossiers(request.user)
        .select_related("procedure__field", "division", "assignee__staff_profile", "received_by__staff_profile")
        .filter(pk=pk)
        .first()
    )
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


def _reverse_or_none(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _form_pdf_url(pk: int, number: str) -> str | None:
    for key in ("number", "form", "form_number"):
        if url := _reverse_or_none("dossiers_staff:form_pdf", pk=pk, **{key: number}):
            return url
    return None


# --- queues ----------------------------------------------------------------------------------------------------------
def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("trang", 1)), 100_000))
    except (TypeError, ValueError):
        return 1


def _query_without_page(request) -> str:
    params: QueryDict = request.GET.copy()
    params.pop("trang", None)
    return params.urlencode()


@staff_required
def queue(request, queue):
    if queue not in queues.QUEUES:
        raise Http404
    current = queues.QUEUES[queue]
    form = QueueFilterForm(request.GET or None)
    filters = form.filters
    qs = queues.staff_queue(request.user, queue, filters)
    page, count, capped = queues.page_and_count(qs, _page_number(request), searching=bool(filters.get("q")))
    now = timezone.now()
    intake_deadline.attach(page.rows)  # the intake due time of online dossiers awaiting intake, in one query
    rows = [{"dossier": d, "badge": queues.deadline_badge(d, now)} for d in page.rows]
    bulk_form = None
    if queue == "cho-phan-cong":
        bulk_form = BulkAssignForm(request.user)
        if not bulk_form.fields["assignee"].queryset.exists():
            bulk_form = None
    context = {
        "queue": current,
        "queues": queues.queues_for(request.user),
        "form": form,
        "page": page,
        "rows": rows,
        "count": count,
        "capped": capped,
        "query": _query_without_page(request),
        "bulk_form": bulk_form,
        "register_url": _reverse_or_none("dossiers_staff:register"),
        "register_xlsx_url": _reverse_or_none("dossiers_staff:register_xlsx"),
        "page_title": f"Hồ sơ một cửa: {current.label}",
        "header_title": f"Hồ sơ một cửa: {current.label}",
        "header_icon": "folder-open-inverse",
        "breadcrumbs_items": _breadcrumbs(("", current.label)),
    }
    return render(request, TEMPLATES + "queue.html", context)


@require_POST
@staff_required
def bulk_assign(request):
    form = BulkAssignForm(request.user, request.POST)
    back = reverse("dossiers_staff:queue", kwargs={"queue": "cho-phan-cong"})
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    assignee = form.cleaned_data["assignee"]
    pairs = form.pairs()[:MAX_BULK]
    ids = [pk for pk, _version in pairs]
    codes = dict(visible_dossiers(request.user).filter(pk__in=ids).values_list("pk", "code"))
    results = []
    for pk, version in pairs:
        if pk not in codes:
            results.append({"pk": pk, "code": f"#{pk}", "ok": False, "message": M.NOT_FOUND})
            continue
        try:
            dossier = perform(pk, Action.ASSIGN, request.user, expected_version=version, assignee=assignee)
        except WorkflowError as error:
            message = error.message
            if error.code == "stale":
                current = visible_dossiers(request.user).filter(pk=pk).first()
                status = current.get_status_display() if current else ""
                message = STALE_MESSAGE.format(status=status)
            results.append({"pk": pk, "code": codes[pk], "ok": False, "message": message})
        else:
            results.append({"pk": pk, "code": dossier.code, "ok": True, "message": "Đã phân công."})
    done = sum(r["ok"] for r in results)
    if done:
        messages.success(request, f"Đã phân công {done} hồ sơ cho {staff_name(assignee)}.")
    if done < len(results):
        messages.error(request, f"{len(results) - done} hồ sơ chưa được phân công (xem lý do bên dưới).")
    context = {
        "results": results,
        "assignee_name": staff_name(assignee),
        "back_url": back,
        "page_title": "Kết quả phân công",
        "header_title": "Kết quả phân công",
        "header_icon": "group",
        "breadcrumbs_items": _breadcrumbs((back, "Chờ phân công"), ("", "Kết quả phân công")),
    }
    return render(request, TEMPLATES + "bulk_result.html", context)


# --- dossier page ----------------------------------------------------------------------------------------------------
def _printable_forms(dossier, events) -> list[dict]:
    if not dossier.received_at and not any(e.action in _FORM_EVENTS["02"] | _FORM_EVENTS["03"] for e in events):
        return []
    form_set = get_form_set(dossier.form_set)
    done = {e.action for e in events}
    result = []
    for kind, number in PRINTABLE:
        needed = _FORM_EVENTS.get(number)
        relevant = bool(done & needed) if needed else dossier.received_at is not None
        if not relevant:
            continue
        url = _form_pdf_url(dossier.pk, number)
        if url:
            try:
                label = form_set.form(kind).label
            except KeyError:
                label = f"Mẫu số {number}"
            result.append({"number": number, "label": label, "url": url})
    return result


# Who may void a numbered paper: the unit that issued it (the one-stop desk for 01–03, the leaders for 04).
VOID_ROLES = {
    FormKind.RECEIPT: (StaffRole.ONE_STOP, StaffRole.ADMINISTRATOR),
    FormKind.COMPLETION_REQUEST: (StaffRole.ONE_STOP, StaffRole.ADMINISTRATOR),
    FormKind.REFUSAL: (StaffRole.ONE_STOP, StaffRole.ADMINISTRATOR),
    FormKind.APOLOGY: (StaffRole.LEADER, StaffRole.ADMINISTRATOR),
}
VOID_DONE = "Đã hủy phiếu số {number}. Số phiếu được giữ lại trong sổ, không cấp cho phiếu khác."


def _may_void(user, paper) -> bool:
    return paper.voided_at is None and has_role(user, *VOID_ROLES.get(paper.kind, ()))


def _paper_rows(user, dossier, *, form_set) -> list[dict]:
    """The dossier's numbered papers, each with its print link and whether the user may void it."""
    rows = []
    for paper in dossier.papers.select_related("voided_by__staff_profile").order_by("issued_at", "id"):
        try:
            form = form_set.form(paper.kind)
        except KeyError:
            continue
        url = _form_pdf_url(dossier.pk, form.number)
        if url and paper.event_id and paper.kind != FormKind.RECEIPT:
            url += f"?thao_tac={paper.event_id}"
        rows.append(
            {
                "paper": paper,
                "label": form.label,
                "url": url,
                "voided_by": staff_name(paper.voided_by),
                "may_void": _may_void(user, paper),
            }
        )
    return rows


@staff_required
@require_POST
def void_paper(request, pk, paper_id):
    """Void one numbered paper with the reason typed; refusals come back as a message, nothing changed."""
    dossier = _dossier_or_404(request, pk)
    paper = get_object_or_404(dossier.papers, pk=paper_id)
    if not has_role(request.user, *VOID_ROLES.get(paper.kind, ())):
        return permission_denied(request)
    try:
        paper = papers.void(paper.pk, dossier, request.user, request.POST.get("ly_do", ""))
    except papers.PaperError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, VOID_DONE.format(number=paper.number))
    return redirect(reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk}) + "#papers-title")


def _actor_label(event, dossier) -> str:
    if event.actor_id is None:
        return ""
    if event.actor_id == dossier.applicant_id:
        return f"Người nộp hồ sơ ({dossier.applicant_name})" if dossier.applicant_name else "Người nộp hồ sơ"
    return staff_name(event.actor)


def _event_rows(events, dossier) -> list[dict]:
    rows = []
    for event in events:
        details = event.details or {}
        facts = []
        if details.get("division"):
            facts.append(("Phòng xử lý", details["division"]))
        if details.get("assignee"):
            facts.append(("Chuyên viên", details["assignee"]))
        if details.get("result_number"):
            facts.append(("Số kết quả", details["result_number"]))
        if details.get("method"):
            facts.append(("Hình thức trả", dict(ReceiveMethod.choices).get(details["method"], details["method"])))
        for key, label in (("postmark_date", "Ngày bưu điện"), ("fee_paid_on", "Ngày nộp phí")):
            if details.get(key):
                facts.append((label, _iso_day(details[key])))
        if details.get("new_due"):
            facts.append(("Hạn trả mới", _iso_moment(details["new_due"])))
        if details.get("proposed_due"):
            facts.append(("Ngày hẹn trả mới đề xuất", _iso_day(details["proposed_due"])))
        if details.get("old_due"):
            facts.append(("Hạn trả trước đó", _iso_moment(details["old_due"])))
        if details.get("calendar_date"):
            days = ", ".join(_iso_day(day.strip()) for day in str(details["calendar_date"]).split(","))
            facts.append(("Ngày thay đổi trong lịch làm việc", days))
        rows.append({"event": event, "actor": _actor_label(event, dossier), "facts": facts})
    return rows


def _iso_day(value: str) -> str:

    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(value)


def _iso_moment(value: str) -> str:

    try:
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(value)


@staff_required
def detail(request, pk):
    dossier = _dossier_or_404(request, pk)
    now = timezone.now()
    events = list(
        DossierEvent.objects.filter(dossier=dossier)
        .select_related("actor__staff_profile")
        .prefetch_related(Prefetch("files", queryset=DossierEventFile.objects.order_by("uploaded_at", "id")))
        .order_by("at", "id")
    )
    files = list(
        DossierFile.objects.filter(dossier=dossier)
        .select_related("digitised_by__staff_profile")
        .order_by("uploaded_at", "id")
    )
    handoffs = list(
        HandOff.objects.filter(dossier=dossier)
        .select_related("from_user__staff_profile", "to_user__staff_profile")
        .order_by("given_at", "id")
    )
    context = {
        "dossier": dossier,
        "badge": queues.deadline_badge(dossier, now),
        "intake_due": intake_deadline.due_at(dossier),
        "form_set": get_form_set(dossier.form_set) if dossier.form_set else None,
        "files": files,
        "events": _event_rows(events, dossier),
        "handoffs": [
            {"row": h, "from_user": staff_name(h.from_user), "to_user": staff_name(h.to_user)} for h in handoffs
        ],
        "pauses": list(dossier.pauses.order_by("started_at", "id")),
        "actions": available_actions(request.user, dossier),
        "printable": _printable_forms(dossier, events),
        "papers": _paper_rows(request.user, dossier, form_set=get_form_set(dossier.form_set)),
        "assignee_name": staff_name(dossier.assignee),
        "received_by_name": staff_name(dossier.received_by),
        "page_title": f"Hồ sơ {dossier.code}",
        "header_title": f"Hồ sơ {dossier.code}",
        "header_icon": "doc-full",
        "breadcrumbs_items": _breadcrumbs(("", dossier.code or f"#{dossier.pk}")),
    }
    return render(request, TEMPLATES + "detail.html", context)


# --- files -----------------------------------------------------------------------------------------------------------
def _serve(request, dossier, *, kind: str, item_id, stored_name, original_name, content_type):

    as_attachment = request.GET.get("tai-ve") == "1"
    try:
        response = private_file_response(stored_name, original_name, content_type, as_attachment=as_attachment)
    except FileNotFoundError:
        raise Http404("Không tìm thấy tệp.") from None
    log(
        dossier,
        FILE_VIEWED,
        user=_real_user(request.user),
        data={"kind": kind, "id": item_id, "name": original_name, "download": as_attachment},
    )
    return response


def _serve_stored(request, dossier, kind: str, item):
    """``_serve`` for a stored upload (a ``DossierFile`` or ``DossierEventFile``)."""
    return _serve(
        request,
        dossier,
        kind=kind,
        item_id=item.pk,
        stored_name=item.stored_name,
        original_name=item.original_name,
        content_type=item.content_type,
    )


@staff_required
def dossier_file(request, pk, file_id):
    dossier = _dossier_or_404(request, pk)
    item = get_object_or_404(DossierFile, pk=file_id, dossier=dossier)
    return _serve_stored(request, dossier, "file", item)


@staff_required
def event_file(request, pk, file_id):
    dossier = _dossier_or_404(request, pk)
    item = get_object_or_404(DossierEventFile, pk=file_id, event__dossier=dossier)
    return _serve_stored(request, dossier, "event_file", item)


def _dossier_with_result_or_404(request, pk):
    dossier = _dossier_or_404(request, pk)
    if not dossier.result_stored_name:
        raise Http404("Hồ sơ chưa có tệp kết quả.")
    return dossier


@staff_required
def result_file(request, pk):
    dossier = _dossier_with_result_or_404(request, pk)
    return _serve(
        request,
        dossier,
        kind="result",
        item_id=dossier.pk,
        stored_name=dossier.result_stored_name,
        original_name=dossier.result_original_name or "ket-qua.pdf",
        content_type=dossier.result_content_type or "application/pdf",
    )


# PDFs are shown through PDF.js on a page of ours (core/static/core/pdf-preview.mjs): the files themselves carry
# "Content-Security-Policy: sandbox", under which the browsers' own PDF viewers refuse to run.
def _viewer(request, dossier, *, file_url: str, name: str, content_type: str, note: str = ""):
    if content_type != "application/pdf":
        return redirect(file_url)
    detail_url = reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})
    context = {
        "dossier": dossier,
        "file_url": file_url,
        "detail_url": detail_url,
        "name": name,
        "note": note,
        "page_title": name,
        "header_title": name,
        "header_icon": "doc-full",
        "breadcrumbs_items": _breadcrumbs((detail_url, dossier.code), ("", name)),
    }
    return render(request, TEMPLATES + "pdf_viewer.html", context)


def _stored_file_viewer(request, pk, file_id, model, dossier_lookup: str, route: str):
    """The viewer page of a file of the dossier (``DossierFile``) or of one of its actions (``DossierEventFile``)."""
    dossier = _dossier_or_404(request, pk)
    item = get_object_or_404(model, pk=file_id, **{dossier_lookup: dossier})
    url = reverse(route, kwargs={"pk": dossier.pk, "file_id": item.pk})
    return _viewer(
        request,
        dossier,
        file_url=url,
        name=item.original_name,
        content_type=item.content_type,
        note=item.removed_content_note,
    )


@staff_required
def dossier_file_viewer(request, pk, file_id):
    return _stored_file_viewer(request, pk, file_id, DossierFile, "dossier", "dossiers_staff:file")


@staff_required
def event_file_viewer(request, pk, file_id):
    return _stored_file_viewer(request, pk, file_id, DossierEventFile, "event__dossier", "dossiers_staff:event_file")


@staff_required
def result_viewer(request, pk):
    dossier = _dossier_with_result_or_404(request, pk)
    return _viewer(
        request,
        dossier,
        file_url=reverse("dossiers_staff:result_file", kwargs={"pk": dossier.pk}),
        name=dossier.result_original_name or "ket-qua.pdf",
        content_type=dossier.result_content_type or "application/pdf",
        note=dossier.result_removed_content_note,
    )


# --- actions ---------------------------------------------------------------------------------------------------------
def _not_available(request, dossier, action: str) -> str:
    label = Action(action).label
    if acting_roles(request.user, dossier, action):
        return M.NOT_ALLOWED_STATE.format(action=label, status=dossier.get_status_display())
    return M.NOT_ALLOWED_ROLE.format(action=label)


def _prepared_apology(dossier) -> dict | None:
    """The latest draft of form 04 by the one-stop officer (``prepare_apology``), for the leader's apology form."""
    event = (
        DossierEvent.objects.filter(dossier=dossier, action=Action.PREPARE_APOLOGY)
        .select_related("actor__staff_profile")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return None
    try:
        day = date.fromisoformat((event.details or {}).get("proposed_due", ""))
    except (TypeError, ValueError):
        day = None
    return {"event": event, "actor": staff_name(event.actor), "comment": event.comment, "date": day}


def _apology_initial(prepared: dict | None) -> dict:
    if prepared is None:
        return {}
    return {"comment": prepared["comment"], **({"date": prepared["date"]} if prepared["date"] else {})}


def _render_action(request, dossier, spec, form, status=200):
    context = {
        "dossier": dossier,
        "spec": spec,
        "form": form,
        "prepared": _prepared_apology(dossier) if spec.action == Action.APOLOGIZE else None,
        "badge": queues.deadline_badge(dossier, timezone.now()),
        "target_label": Status(spec.target).label if spec.target in Status.values else "",
        "public": spec.public,
        "page_title": spec.label,
        "header_title": f"{spec.label} – {dossier.code}",
        "header_icon": "edit",
        "breadcrumbs_items": _breadcrumbs(
            (reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk}), dossier.code), ("", spec.label)
        ),
    }
    return render(request, TEMPLATES + "action.html", context, status=status)


@staff_required
def action(request, pk, action):
    dossier = _dossier_or_404(request, pk)
    if action not in TRANSITIONS or action not in STAFF_ACTIONS:
        raise Http404("Thao tác không hợp lệ.")
    detail_url = reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})
    spec = next((s for s in available_actions(request.user, dossier) if s.action == action), None)

    if request.method != "POST":
        if spec is None:
            messages.error(request, _not_available(request, dossier, action))
            return redirect(detail_url)
        # The leader's apology starts from the one-stop officer's latest draft (reason, proposed date).
        initial = _apology_initial(_prepared_apology(dossier)) if action == Action.APOLOGIZE else {}
        return _render_action(request, dossier, spec, ActionForm(spec, dossier, initial=initial))

    # POST: perform decides (role, version, state, inputs), even when the page was opened before a change.
    form = ActionForm(spec or spec_for(TRANSITIONS[action]), dossier, request.POST, request.FILES)
    if not form.is_valid():
        if spec is None:
            messages.error(request, _not_available(request, dossier, action))
            return redirect(detail_url)
        return _render_action(request, dossier, spec, form)
    try:
        updated = perform(dossier.pk, action, request.user, **form.perform_kwargs())
    except WorkflowError as error:
        return _refused(request, dossier, action, form, error, detail_url)
    message = DONE_MESSAGE.format(label=Action(action).label, code=updated.code)
    if action == Action.ISSUE_RESULT and updated.result_number:
        message += f" Số kết quả: {updated.result_number}."
    messages.success(request, message)
    return redirect(detail_url)


def _refused(request, dossier, action, form, error, detail_url):
    """A refusal: the form again with the reason (nothing changed), or the dossier page when the action no longer
    applies (another officer moved the dossier on, or the user may not take it)."""
    current = _dossier_or_404(request, dossier.pk)
    spec = next((s for s in available_actions(request.user, current) if s.action == action), None)
    if error.code == "stale":
        text = STALE_MESSAGE.format(status=current.get_status_display())
        if form.cleaned_data.get("files"):
            text += STALE_FILES_AGAIN
        if spec is None:
            messages.error(request, text)
            return redirect(detail_url)
        data = request.POST.copy()
        data["expected_version"] = str(current.version)
        fresh = ActionForm(spec, current, data)
        fresh.is_valid()
        fresh.add_error(None, text)
        return _render_action(request, current, spec, fresh)
    if spec is None or error.code in ("role", "state", "not_found", "action"):
        messages.error(request, error.message)
        return redirect(detail_url)
    form.add_workflow_error(error)
    return _render_action(request, current, spec, form)
