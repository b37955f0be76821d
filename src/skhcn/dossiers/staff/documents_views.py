"""Staff views of the printable forms 01–05 (``forms_pdf``) and the register 06 with its XLSX export (``register``),
under ``/admin/ho-so/`` (namespace "dossiers_staff", patterns in ``staff.urls``).

Access as on the other staff screens: a staff role is required (``staff.views.staff_required``); a
dossier outside ``access.visible_dossiers`` is 404; the register lists only what ``visible_dossiers`` returns for
the user (a division head their division's dossiers, a specialist those assigned to them).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from ..documents.forms_pdf import FormUnavailable, form_filename, render_form
from ..documents.register import (
    HEADERS,
    PAGE_SIZE,
    RegisterFilterForm,
    build_rows,
    default_range,
    register_queryset,
    register_title,
    register_xlsx,
    xlsx_filename,
)
from ..workflow.access import visible_dossiers
from .views import staff_required

TEMPLATES = "dossiers/staff/"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_KEYS = ("tu_ngay", "den_ngay", "thu_tuc", "linh_vuc", "phong", "trang_thai")
FORM_UNAVAILABLE_TITLE = "Không in được biểu mẫu"


def _event_id(request) -> int | None:
    try:
        return int(request.GET["thao_tac"])
    except (KeyError, ValueError):
        return None


@staff_required
def form_pdf(request, pk: int, number: str):
    """Form ``number`` (01–05) of a dossier the user may see, inline; a Vietnamese 404 page when it does not apply."""
    dossier = get_object_or_404(
        visible_dossiers(request.user).select_related("procedure", "division", "received_by__staff_profile"), pk=pk
    )
    try:
        content = render_form(dossier, number, event_id=_event_id(request))
    except FormUnavailable as refusal:
        context = {
            "page_title": FORM_UNAVAILABLE_TITLE,
            "header_title": FORM_UNAVAILABLE_TITLE,
            "message": refusal.message,
            "dossier": dossier,
            "detail_url": reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk}),
        }
        return render(request, TEMPLATES + "register_form_unavailable.html", context, status=404)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{form_filename(dossier, number)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _filter_form(request) -> RegisterFilterForm:
    """Bound to the query string; with no filter at all, to the current month (so a bare link works)."""
    if any(key in request.GET for key in FILTER_KEYS):
        return RegisterFilterForm(request.GET)
    start, end = default_range()
    return RegisterFilterForm({"tu_ngay": start.isoformat(), "den_ngay": end.isoformat()})


def _page(request, form: RegisterFilterForm, status: int = 200, **extra):
    title = register_title().capitalize()
    context = {
        "page_title": title,
        "header_title": title,
        "header_icon": "list-ul",
        "form": form,
        "headers": HEADERS,
        **extra,
    }
    return render(request, TEMPLATES + "register.html", context, status=status)


@staff_required
def register(request):
    """The register page: filters, a 50-row preview page by page, and the export button."""
    form = _filter_form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    filters = form.filters()
    paginator = Paginator(register_queryset(filters, visible_dossiers(request.user)), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    query = {key: value for key, value in form.data.items() if key in FILTER_KEYS and value}
    querystring = urlencode(query)
    return _page(
        request,
        form,
        page=page,
        rows=list(build_rows(page.object_list)),
        description=filters.describe(),
        querystring=querystring,
        xlsx_url=reverse("dossiers_staff:register_xlsx") + (f"?{querystring}" if querystring else ""),
    )


@staff_required
def register_export(request):
    """The register as XLSX, streamed from a temporary file; bad filters give the page with its errors (400)."""
    form = _filter_form(request)
    if not form.is_valid():
        return _page(request, form, status=400)
    filters = form.filters()
    output = register_xlsx(filters, visible_dossiers(request.user))
    response = FileResponse(output, as_attachment=True, filename=xlsx_filename(filters), content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
