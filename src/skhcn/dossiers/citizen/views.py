"""Citizen side of online submission. Views are thin: rules live in ``intake.services`` and
``workflow``, lookups in ``tracking``."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from skhcn.accounts.services import get_profile
from skhcn.core.net import client_ip
from skhcn.core.uploads import (
    UploadRejected,
    accept_attribute,
    allowed_types,
    describe_allowed,
    format_size,
    private_file_response,
    upload_too_large_message,
)
from skhcn.procedures.models import Procedure

from .. import workflow
from ..constants import MINE_PAGE_SIZE, Action, Messages, ReceiveMethod, Status
from ..constants import WorkflowMessages as WM
from ..documents.codes import normalise_code
from ..documents.forms_pdf import applicant_receipt
from ..intake import services
from ..models import Dossier, DossierEventFile
from ..workflow.transitions import PUBLIC_ACTIONS, WITHDRAWABLE
from . import tracking
from .forms import DetailsForm, TrackForm, clean_text
from .pages import applicant_view, private_page


def _own_dossier(request, pk: int) -> Dossier:
    """The user's own dossier or 404: someone else's id must look exactly like a missing one."""
    return get_object_or_404(Dossier.objects.select_related("procedure"), pk=pk, applicant=request.user)


def _edit_url(dossier) -> str:
    return reverse("dossiers:edit", kwargs={"pk": dossier.pk})


# --- start ---------------------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@applicant_view()
def start(request, code: str):
    procedure = get_object_or_404(Procedure.objects.select_related("field"), code=code)
    draft = services.find_draft(request.user, procedure)
    if request.method == "POST" and procedure.accepts_online:
        if request.POST.get("tiep_tuc") and draft is not None:
            return redirect(_edit_url(draft))
        try:
            dossier = services.start_draft(request.user, procedure)
        except services.DossierError as exc:
            error = exc.message
        else:
            messages.success(request, Messages.DRAFT_CREATED)
            return redirect(_edit_url(dossier))
    else:
        error = ""
    context = {
        "procedure": procedure,
        "draft": draft,
        "refusal": "" if procedure.accepts_online else Messages.NOT_ONLINE,
        "error": error,
        "documents": procedure.documents.all(),
        "profile": get_profile(request.user),
    }
    return private_page(render(request, "dossiers/start.html", context, status=400 if error else 200))


# --- draft form ----------------------------------------------------------------------------------------------------
def _documents(dossier) -> tuple[list[dict], list]:
    files = list(dossier.files.all())
    sections = []
    for document in dossier.procedure.documents.all():
        sections.append({"document": document, "files": [f for f in files if f.required_document_id == document.pk]})
    known = {section["document"].pk for section in sections}
    others = [f for f in files if f.required_document_id not in known]
    return sections, others


def _upload_context(dossier) -> dict:
    types = allowed_types(dossier.procedure.allowed_file_types)
    total = sum(f.size for f in dossier.files.all())
    drafts_total = services.draft_bytes(dossier.applicant_id)
    return {
        "allowed_label": describe_allowed(types),
        "accept": accept_attribute(types),
        "max_file": format_size(settings.UPLOAD_MAX_FILE_BYTES),
        "max_dossier": format_size(settings.UPLOAD_MAX_DOSSIER_BYTES),
        "used": format_size(total) if total else "0 MB",
        "max_drafts": format_size(settings.DOSSIER_MAX_DRAFT_BYTES),
        "drafts_used": format_size(drafts_total) if drafts_total else "0 MB",
    }


def _details_form(dossier, data=None) -> DetailsForm:
    initial = {"receive_method": dossier.receive_method, "postal_address": dossier.postal_address, "note": dossier.note}
    return DetailsForm(data, initial=initial, methods=services.receive_methods(dossier.procedure))


def _render_edit(request, dossier, form=None, status=200, upload_errors=None):
    if not dossier.is_draft:
        return private_page(render(request, "dossiers/detail.html", _detail_context(dossier)))
    sections, others = _documents(dossier)
    upload_errors = upload_errors or {}
    for section in sections:
        section["error"] = upload_errors.get(str(section["document"].pk), "")
    context = {
        "dossier": dossier,
        "procedure": dossier.procedure,
        "sections": sections,
        "others": others,
        "form": form or _details_form(dossier),
        "other_error": upload_errors.get("khac", ""),
        **_upload_context(dossier),
    }
    return private_page(render(request, "dossiers/edit.html", context, status=status))


def _detail_context(dossier) -> dict:
    sections, others = _documents(dossier)
    context = {"dossier": dossier, "procedure": dossier.procedure, "sections": sections, "others": others}
    if not dossier.is_draft:
        context.update(_workflow_context(dossier))
    return context


# States in which the applicant answers a request with files (form 02) and which action that is.
SUPPLY_ACTIONS = {Status.COMPLETION_REQUESTED: Action.RESUBMIT, Status.SUPPLEMENT_REQUESTED: Action.SUPPLY}
REQUEST_ACTIONS = (Action.REQUEST_COMPLETION, Action.REQUEST_SUPPLEMENT)


def _result_available(dossier) -> bool:
    return (
        dossier.status in (Status.RETURNED, Status.CLOSED)
        and dossier.return_method == ReceiveMethod.ONLINE
        and dossier.has_result_file
    )


def _workflow_context(dossier) -> dict:
    """The staff side as the applicant sees it: the open request, what they may do, the public history."""
    request_event = None
    if dossier.status in SUPPLY_ACTIONS:
        request_event = (
            dossier.events.filter(action__in=REQUEST_ACTIONS).prefetch_related("files").order_by("-at", "-id").first()
        )
    types = allowed_types(dossier.procedure.allowed_file_types)
    return {
        "request_event": request_event,
        "can_supply": dossier.status in SUPPLY_ACTIONS,
        "can_withdraw": dossier.status in WITHDRAWABLE,
        "result_available": _result_available(dossier),
        "timeline": tracking.public_timeline(dossier, for_applicant=True),
        "accept": accept_attribute(types),
        "allowed_label": describe_allowed(types),
        "max_file": format_size(settings.UPLOAD_MAX_FILE_BYTES),
    }


def _render_detail(request, dossier, status=200, error=""):
    context = {**_detail_context(dossier), "workflow_error": error}
    return private_page(render(request, "dossiers/detail.html", context, status=status))


def _posted_version(request) -> int:
    try:
        return int(request.POST.get("phien_ban", ""))
    except ValueError:
        return -1


@require_http_methods(["GET", "POST"])
@applicant_view()
def edit(request, pk: int):
    dossier = _own_dossier(request, pk)
    if request.method == "GET" or not dossier.is_draft:
        return _render_edit(request, dossier)
    form = _details_form(dossier, request.POST)
    if not form.is_valid():
        return _render_edit(request, dossier, form=form, status=400)
    try:
        services.update_details(dossier, **form.cleaned_data, actor=request.user)
    except services.DossierError as exc:
        form.add_error(None, exc.message)
        return _render_edit(request, dossier, form=form, status=400)
    if "xem_lai" in request.POST:
        return redirect("dossiers:review", pk=dossier.pk)
    messages.success(request, Messages.DRAFT_SAVED)
    return redirect(_edit_url(dossier))


@require_http_methods(["GET", "POST"])
@applicant_view("dossiers:edit")
def upload(request, pk: int):
    """One file for one document. The project's upload handler (settings.FILE_UPLOAD_HANDLERS) drops an oversized
    file while it arrives and marks the request; the whole upload is then refused."""
    if request.method != "POST":
        return redirect("dossiers:edit", pk=pk)
    dossier = _own_dossier(request, pk)
    raw_document = request.POST.get("document", "")
    required_document = None
    if raw_document != "khac":
        if not raw_document.isdigit():
            raise Http404
        required_document = dossier.procedure.documents.filter(pk=int(raw_document)).first()
        if required_document is None:
            raise Http404
    error_key = raw_document
    error = ""
    if getattr(request, "upload_too_large", False):
        # The handler dropped the file while it arrived: refuse the whole request, store nothing.
        error = upload_too_large_message(request)
    elif "tep" not in request.FILES:
        error = Messages.NO_FILE
    else:
        try:
            record = services.attach_file(dossier, required_document, request.FILES["tep"], actor=request.user)
        except (UploadRejected, services.DossierError) as exc:
            error = exc.message
        else:
            messages.success(request, Messages.FILE_ADDED.format(name=record.original_name))
            return redirect(f"{_edit_url(dossier)}#tp-{error_key}")
    if not dossier.is_draft:
        messages.error(request, error)
        return redirect(_edit_url(dossier))
    return _render_edit(request, dossier, status=400, upload_errors={error_key: error})


@require_http_methods(["GET", "POST"])
@applicant_view("dossiers:edit")
def remove_file(request, pk: int, file_id: int):
    if request.method != "POST":
        return redirect("dossiers:edit", pk=pk)
    dossier = _own_dossier(request, pk)
    get_object_or_404(dossier.files, pk=file_id)
    try:
        record = services.remove_file(dossier, file_id, actor=request.user)
    except services.DossierError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, Messages.FILE_REMOVED.format(name=record.original_name))
    return redirect(_edit_url(dossier))


@require_http_methods(["GET", "POST"])
@applicant_view("dossiers:edit")
def delete_draft(request, pk: int):
    """Discard one of the user's drafts (with its files); a filed dossier cannot be deleted."""
    if request.method != "POST":
        return redirect("dossiers:edit", pk=pk)
    dossier = _own_dossier(request, pk)
    try:
        services.delete_draft(dossier, actor=request.user)
    except services.DossierError as exc:
        messages.error(request, exc.message)
        return redirect(_edit_url(dossier))
    messages.success(request, Messages.DRAFT_DELETED)
    return redirect("dossiers:mine")


# --- review and submit ---------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@applicant_view("dossiers:review")
def review(request, pk: int):
    dossier = _own_dossier(request, pk)
    if not dossier.is_draft:
        if request.method == "POST":
            messages.info(request, Messages.ALREADY_SUBMITTED.format(code=dossier.code))
        return redirect(_edit_url(dossier))
    if request.method == "POST":
        try:
            version = int(request.POST.get("phien_ban", ""))
        except ValueError:
            version = -1
        try:
            dossier = services.submit_dossier(dossier, request.user, expected_version=version)
        except services.AlreadySubmitted as exc:
            messages.info(request, exc.message)
            return redirect(_edit_url(exc.dossier))
        except services.SubmitRefused as exc:
            return _render_review(request, dossier, problems=exc.problems, status=400)
        except services.DossierError as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:review", pk=dossier.pk)
        messages.success(request, Messages.SUBMITTED.format(code=dossier.code))
        return redirect(_edit_url(dossier))
    return _render_review(request, dossier, problems=services.submission_problems(dossier))


def _render_review(request, dossier, problems, status=200):
    context = {
        **_detail_context(dossier),
        "problems": problems,
        "profile": get_profile(request.user),
        "is_post": dossier.receive_method == ReceiveMethod.POST,
    }
    return private_page(render(request, "dossiers/review.html", context, status=status))


# --- answering the staff: supplement, withdrawal, result ---------------------------------------------------------
@require_http_methods(["GET", "POST"])
@applicant_view("dossiers:edit")
def supplement(request, pk: int):
    """The applicant's answer to a request to complete (before intake) or supplement (during processing): files and
    a note, then "Đã bổ sung hồ sơ" -> resubmit / supply."""
    if request.method != "POST":
        return redirect("dossiers:edit", pk=pk)
    dossier = _own_dossier(request, pk)
    action = SUPPLY_ACTIONS.get(dossier.status)
    if action is None:
        status = dossier.get_status_display()
        messages.error(request, WM.NOT_ALLOWED_STATE.format(action="bổ sung hồ sơ", status=status))
        return redirect(_edit_url(dossier))
    files = request.FILES.getlist("tep")  # parses the body: the upload handler marks the request while it does
    if getattr(request, "upload_too_large", False):
        return _render_detail(request, dossier, status=400, error=upload_too_large_message(request))
    try:
        workflow.perform(
            dossier.pk,
            action,
            request.user,
            expected_version=_posted_version(request),
            comment=clean_text(request.POST.get("noi_dung", ""), keep_newlines=True),
            files=files,
        )
    except workflow.WorkflowError as exc:
        dossier.refresh_from_db()
        return _render_detail(request, dossier, status=400, error=exc.message)
    messages.success(request, WM.RESUBMIT_DONE if action == Action.RESUBMIT else WM.SUPPLY_DONE)
    return redirect(_edit_url(dossier))


@require_http_methods(["GET", "POST"])
@applicant_view("dossiers:edit")
def withdraw(request, pk: int):
    if request.method != "POST":
        return redirect("dossiers:edit", pk=pk)
    dossier = _own_dossier(request, pk)
    reason = clean_text(request.POST.get("ly_do", ""), keep_newlines=True)
    try:
        if not reason and dossier.status in WITHDRAWABLE:
            raise workflow.WorkflowError(WM.WITHDRAW_REASON_REQUIRED, "comment")
        workflow.perform(
            dossier.pk, Action.WITHDRAW, request.user, expected_version=_posted_version(request), comment=reason
        )
    except workflow.WorkflowError as exc:
        dossier.refresh_from_db()
        return _render_detail(request, dossier, status=400, error=exc.message)
    messages.success(request, WM.WITHDRAW_DONE.format(code=dossier.code))
    return redirect(_edit_url(dossier))


@require_http_methods(["GET"])
@applicant_view()
def result(request, pk: int):
    """The signed result, for dossiers whose result was returned online; anything else looks like a missing page."""

    dossier = _own_dossier(request, pk)
    if not _result_available(dossier):
        raise Http404(WM.NO_RESULT)
    response = private_file_response(
        dossier.result_stored_name, dossier.result_original_name, dossier.result_content_type
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET"])
@applicant_view()
def event_file(request, pk: int, file_id: int):
    """A file attached to a public step (the officer's request, the applicant's own supplement); internal
    attachments (consultations, notes) are never served here."""

    dossier = _own_dossier(request, pk)
    record = get_object_or_404(
        DossierEventFile.objects.select_related("event"),
        pk=file_id,
        event__dossier=dossier,
        event__action__in=PUBLIC_ACTIONS,
    )
    response = private_file_response(record.stored_name, record.original_name, record.content_type)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- receipt and files ---------------------------------------------------------------------------------------------
@require_http_methods(["GET"])
@applicant_view()
def receipt(request, pk: int):
    dossier = _own_dossier(request, pk)
    if dossier.is_draft:
        messages.info(request, Messages.NO_RECEIPT_YET)
        return redirect(_edit_url(dossier))
    content, filename = applicant_receipt(dossier)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return private_page(response)


@require_http_methods(["GET"])
@applicant_view()
def download(request, pk: int, file_id: int):

    dossier = _own_dossier(request, pk)
    record = get_object_or_404(dossier.files, pk=file_id)
    response = private_file_response(record.stored_name, record.original_name, record.content_type)
    response["X-Robots-Tag"] = "noindex"
    return response


# --- lists and tracking --------------------------------------------------------------------------------------------
@require_http_methods(["GET"])
@applicant_view()
def mine(request):
    dossiers = (
        Dossier.objects.filter(applicant=request.user)
        .select_related("procedure")
        .annotate(file_count=Count("files"))
        .order_by("-created_at", "-id")
    )
    page = Paginator(dossiers, MINE_PAGE_SIZE).get_page(request.GET.get("trang"))
    return private_page(render(request, "dossiers/mine.html", {"page": page}))


@require_http_methods(["GET", "POST"])
def track(request):
    """Anyone may track with code + phone or ID number; a wrong pair looks exactly like an unknown code."""
    if request.method == "POST":
        data, lookup = request.POST, True
    else:
        data = request.GET
        # A link with the code only (the QR code on the receipt) prefills the form without a lookup.
        lookup = bool(data.get("sdt") or data.get("giay_to"))
    form = TrackForm({name: data.get(name, "") for name in TrackForm.base_fields} if lookup else None)
    if not lookup:
        form.initial = {"ma": normalise_code(data.get("ma", ""))[:40]}
    context = {"form": form, "dossier": None, "error": "", "timeline": []}
    status = 200
    if lookup and form.is_valid():
        if not tracking.allow_lookup(client_ip(request)):
            context["error"], status = Messages.TRACK_TOO_MANY, 429
        else:
            dossier = tracking.find_dossier(
                form.cleaned_data["ma"], form.cleaned_data["sdt"], form.cleaned_data["giay_to"]
            )
            if dossier is None:
                context["error"] = Messages.TRACK_NOT_FOUND
            else:
                context.update(
                    dossier=dossier,
                    timeline=tracking.public_timeline(dossier),
                    shipments=tracking.public_shipments(dossier),
                    **tracking.panels_context(dossier),
                )
                context["provisional"] = dossier.status == Status.SUBMITTED
    elif lookup:
        status = 400
    return private_page(render(request, "dossiers/track.html", context, status=status))
