"""Postal screens in the Wagtail admin (``/admin/buu-chinh/``, namespace "delivery_staff"): postal intake, sending a
result by post from a dossier, the label and slip, delivery / return, the list of shipments. Every change goes
through ``services``.

Access: intake and shipment changes only for one-stop officers and administrators; the list and printables for
staff who see the dossier (``access.visible_dossiers``). Anything else is a 404, as for a dossier one may not see.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skhcn.accounts.staff import user_roles
from skhcn.core.uploads import content_disposition
from skhcn.dossiers.workflow.access import visible_dossiers

from . import printables, services
from .forms import DeliveredForm, PostalIntakeForm, ReturnedForm, ShipmentFilterForm, ShipmentForm
from .models import Shipment
from .services import DeliveryError

PAGE_SIZE = 50


def _breadcrumbs(*items) -> list[dict]:
    return [
        {"url": reverse("wagtailadmin_home"), "label": "Trang chủ"},
        *({"url": url or None, "label": label} for url, label in items),
    ]


def _dossier_or_404(request, pk):
    dossier = visible_dossiers(request.user).select_related("procedure").filter(pk=pk).first()
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


def _shipment_or_404(request, pk) -> Shipment:
    shipment = (
        Shipment.objects.select_related("dossier__procedure")
        .filter(pk=pk, dossier__in=visible_dossiers(request.user))
        .first()
    )
    if shipment is None:
        raise Http404("Không tìm thấy vận đơn.")
    return shipment


def _detail_url(dossier) -> str:
    return reverse("dossiers_staff:detail", kwargs={"pk": dossier.pk})


# --- sending the result -----------------------------------------------------------------------------------------------
def ship(request, pk):
    dossier = _dossier_or_404(request, pk)
    if not services.may_manage(request.user, dossier):
        raise Http404("Không tìm thấy hồ sơ.")
    if request.method != "POST":
        if reason := services.refusal(request.user, dossier):
            messages.error(request, reason)
            return redirect(_detail_url(dossier))
        form = ShipmentForm(initial=ShipmentForm.initial_for(dossier))
        return _render_ship(request, dossier, form)
    form = ShipmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            shipment = services.create_shipment(
                dossier,
                request.user,
                expected_version=data["expected_version"],
                carrier=data["carrier"],
                recipient=form.recipient(),
                tracking_number=data["tracking_number"],
                notes=data["notes"],
            )
        except DeliveryError as error:
            if error.code in ("role", "state", "procedure", "method", "stale"):
                messages.error(request, error.message)
                return redirect(_detail_url(dossier))
            form.add_service_error(error)
        else:
            messages.success(
                request,
                f"Đã gửi kết quả của hồ sơ {dossier.code} qua bưu chính, số hiệu bưu gửi {shipment.tracking_number}. "
                "Hãy in nhãn và phiếu giao nhận.",
            )
            return redirect(_detail_url(dossier) + "#buu-chinh")
    return _render_ship(request, dossier, form)


def _render_ship(request, dossier, form):
    title = "Gửi kết quả qua bưu chính"
    return render(
        request,
        "delivery/staff/ship.html",
        {
            "dossier": dossier,
            "form": form,
            "page_title": f"{title} – {dossier.code}",
            "header_title": title,
            "header_icon": "mail",
            "breadcrumbs_items": _breadcrumbs(
                (reverse("dossiers_staff:index"), "Hồ sơ một cửa"), (_detail_url(dossier), dossier.code), ("", title)
            ),
        },
    )


@require_POST
def delivered(request, pk):
    shipment = _shipment_or_404(request, pk)
    if not services.may_manage(request.user, shipment.dossier):
        raise Http404("Không tìm thấy vận đơn.")
    form = DeliveredForm(request.POST)
    if form.is_valid():
        try:
            services.record_delivery(
                shipment, request.user, form.cleaned_data["delivered_at"], note=form.cleaned_data["note"]
            )
        except DeliveryError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Đã ghi nhận bưu gửi {shipment.tracking_number} phát thành công.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_detail_url(shipment.dossier) + "#buu-chinh")


@require_POST
def returned(request, pk):
    shipment = _shipment_or_404(request, pk)
    if not services.may_manage(request.user, shipment.dossier):
        raise Http404("Không tìm thấy vận đơn.")
    form = ReturnedForm(request.POST)
    if form.is_valid():
        try:
            services.record_return(shipment, request.user, form.cleaned_data["reason"])
        except DeliveryError as error:
            messages.error(request, error.message)
        else:
            messages.warning(
                request,
                f"Đã ghi nhận bưu gửi {shipment.tracking_number} không phát được. "
                "Vui lòng liên hệ người nộp để thống nhất cách nhận kết quả.",
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_detail_url(shipment.dossier) + "#buu-chinh")


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(name, as_attachment=False)
    response["Cache-Control"] = "private, no-store"
    return response


def label(request, pk):
    shipment = _shipment_or_404(request, pk)
    return _pdf(printables.label_pdf(shipment), f"nhan-buu-gui-{shipment.tracking_number or shipment.pk}.pdf")


def slip(request, pk):
    shipment = _shipment_or_404(request, pk)
    return _pdf(printables.slip_pdf(shipment), f"phieu-giao-nhan-{shipment.tracking_number or shipment.pk}.pdf")


# --- list -------------------------------------------------------------------------------------------------------------
def shipment_list(request):
    if not user_roles(request.user):
        raise Http404
    visible = visible_dossiers(request.user)
    form = ShipmentFilterForm(request.GET or None)
    qs = Shipment.objects.select_related("dossier").filter(dossier__in=visible).order_by("-created_at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["carrier"]:
            qs = qs.filter(carrier=data["carrier"])
        if term := data["q"].strip():
            qs = qs.filter(Q(tracking_number__iexact=term.replace(" ", "")) | Q(dossier__code__iexact=term))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    title = "Vận đơn bưu chính"
    return render(
        request,
        "delivery/staff/list.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "page_title": title,
            "header_title": title,
            "header_icon": "mail",
            "breadcrumbs_items": _breadcrumbs(("", title)),
        },
    )


# --- postal intake ----------------------------------------------------------------------------------------------------
def intake(request):
    if not services.can_receive_by_post(request.user):
        raise Http404
    title = "Tiếp nhận hồ sơ qua bưu chính"
    if request.method == "POST":
        form = PostalIntakeForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                dossier = services.receive_postal_dossier(
                    request.user,
                    procedure=data["procedure"],
                    applicant=form.applicant(),
                    postmark_date=data["postmark_date"],
                    receive_method=data["receive_method"],
                    files=data["files"],
                    note=data["note"],
                )
            except DeliveryError as error:
                form.add_service_error(error)
            else:
                text = f"Đã tiếp nhận hồ sơ {dossier.code} nhận qua bưu chính."
                if dossier.due_at:
                    text += f" Hạn trả kết quả: {timezone.localtime(dossier.due_at):%d/%m/%Y}."
                messages.success(request, text)
                return redirect(_detail_url(dossier))
        if form.is_bound and form.cleaned_data.get("files"):
            form.add_error("files", "Các tệp đã chọn chưa được lưu: vui lòng chọn lại tệp.")
    else:
        form = PostalIntakeForm()
    return render(
        request,
        "delivery/staff/intake.html",
        {
            "form": form,
            "page_title": title,
            "header_title": title,
            "header_icon": "mail",
            "breadcrumbs_items": _breadcrumbs(("", title)),
        },
    )
