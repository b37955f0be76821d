"""Staff side (inside the Wagtail admin, ``/admin/thanh-toan/``): request a fee for a dossier, download a paid
payment's e-receipt, refund. Only staff who see the dossier and hold a fee role (one-stop, administrator) act; others
get 404 for dossiers they cannot see and "permission denied" otherwise."""

from __future__ import annotations

import logging
import re

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from wagtail.admin.auth import permission_denied

from skhcn.accounts.staff import has_role, user_roles
from skhcn.dossiers.workflow.access import visible_dossiers

from . import services
from .models import Payment, PaymentStatus
from .receipt import receipt_filename, render_receipt

logger = logging.getLogger(__name__)
_DIGITS = re.compile(r"[\s.,_]")
# ASCII digits only ("²".isdigit() is true but int() refuses it) and at most 18 of them (a PositiveBigIntegerField
# holds them all; larger amounts are refused by the services' limits, and Python's int() by its 4300-digit one).
_NUMBER = re.compile(r"[0-9]{1,18}")
PAGE_SIZE = 50
# The list's views ("loc"): what needs staff attention first.
VIEWS = {
    "can-hoan-tien": ("Cần hoàn tiền", Q(refund_needed=True)),
    "cho-ket-qua-hoan-tien": ("Đang chờ kết quả hoàn tiền", Q(refund_in_flight_since__isnull=False)),
    "cho-thanh-toan": ("Chờ thanh toán", Q(status=PaymentStatus.PENDING)),
    "da-thanh-toan": ("Đã thanh toán", Q(status=PaymentStatus.PAID)),
    "da-hoan-tien": ("Đã hoàn tiền", Q(status=PaymentStatus.REFUNDED) | Q(refunded_amount__gt=0)),
    "khong-thanh-cong": ("Không thành công / đã hủy", Q(status__in=[PaymentStatus.FAILED, PaymentStatus.CANCELLED])),
}


class PaymentFilterForm(forms.Form):
    loc = forms.ChoiceField(
        label="Hiển thị", required=False, choices=[("", "Tất cả")] + [(k, v[0]) for k, v in VIEWS.items()]
    )
    q = forms.CharField(label="Mã giao dịch / mã hồ sơ", required=False, max_length=60)


def parse_int(value) -> int | None:
    """A whole number of đồng typed by staff ("1.500.000", "1 500 000đ"); None when it is not one."""
    text = _DIGITS.sub("", str(value or "")).removesuffix("đ").strip()
    return int(text) if _NUMBER.fullmatch(text) else None


def _dossier_url(pk) -> str:
    return reverse("dossiers_staff:detail", kwargs={"pk": pk}) + "#thanh-toan"


def _visible_dossier(request, pk):
    dossier = visible_dossiers(request.user).select_related("procedure").filter(pk=pk).first()
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return dossier


def _visible_payment(request, pk) -> Payment:
    payment = Payment.objects.select_related("dossier__procedure").filter(pk=pk).first()
    if payment is None or not visible_dossiers(request.user).filter(pk=payment.dossier_id).exists():
        raise Http404("Không tìm thấy khoản thanh toán.")
    return payment


@require_POST
def request_fee(request, pk):
    if not user_roles(request.user):
        return permission_denied(request)
    dossier = _visible_dossier(request, pk)
    if not has_role(request.user, *services.FEE_ROLES):
        return permission_denied(request)
    data = request.POST
    kwargs = {"purpose": data.get("noi_dung", "")}
    if data.get("cach_tinh") == "don-gia":
        kwargs["quantity"] = parse_int(data.get("so_luong")) or 0
        kwargs["unit_amount"] = parse_int(data.get("don_gia")) or 0
    else:
        amount = parse_int(data.get("so_tien"))
        if data.get("so_tien", "").strip() and amount is None:
            messages.error(request, "Số tiền không hợp lệ: chỉ nhập chữ số.")
            return redirect(_dossier_url(pk))
        kwargs["amount"] = amount
    try:
        payment = services.request_fee(dossier, request.user, **kwargs)
    except services.PaymentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Đã gửi yêu cầu nộp phí {payment.amount:,} đồng (mã {payment.txn_ref}).".replace(",", ".")
        )
    return redirect(_dossier_url(pk))


def receipt(request, pk):
    if not user_roles(request.user):
        return permission_denied(request)
    payment = _visible_payment(request, pk)
    if not services.receipt_available(payment):
        raise Http404("Khoản phí chưa được thanh toán.")
    response = HttpResponse(render_receipt(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt_filename(payment)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def refund(request, pk):
    if not user_roles(request.user):
        return permission_denied(request)
    payment = _visible_payment(request, pk)
    typed = request.POST.get("so_tien_hoan", "").strip()
    amount = parse_int(typed)
    try:
        if typed and amount is None:
            raise services.PaymentError("Số tiền hoàn không hợp lệ: chỉ nhập chữ số (đồng).")
        done = services.refund(payment, request.user, request.POST.get("ly_do", ""), amount=amount)
    except services.PaymentError as exc:
        messages.error(request, exc.message)
    except Exception:  # never a 500 in the middle of a refund: say what to do
        logger.exception("Refund of payment %s failed", payment.pk)
        messages.error(request, f"Lỗi hệ thống khi hoàn tiền khoản {payment.txn_ref}. {services.REFUND_UNKNOWN}")
    else:
        refunded = done.refunded_amount - payment.refunded_amount
        messages.success(request, f"Đã hoàn {services.vnd(refunded)} của khoản {payment.txn_ref}.")
    return redirect(_dossier_url(payment.dossier_id))


@require_POST
def query(request, pk):
    if not user_roles(request.user):
        return permission_denied(request)
    payment = _visible_payment(request, pk)
    try:
        text = services.query_now(payment, request.user)
    except services.PaymentError as exc:
        messages.error(request, exc.message)
    except Exception:
        logger.exception("Query of payment %s failed", payment.pk)
        messages.error(request, f"Lỗi hệ thống khi tra soát khoản {payment.txn_ref}; vui lòng thử lại sau.")
    else:
        messages.success(request, f"Khoản {payment.txn_ref}: {text}")
    return redirect(_dossier_url(payment.dossier_id))


CONFIRM_CHOICES = {"da-hoan": True, "chua-hoan": False}


@require_POST
def confirm_refund(request, pk):
    """Staff settle a refund whose outcome was unknown: the gateway did (or did not) carry it out."""
    if not user_roles(request.user):
        return permission_denied(request)
    payment = _visible_payment(request, pk)
    choice = request.POST.get("ket_qua", "")
    try:
        if choice not in CONFIRM_CHOICES:
            raise services.PaymentError("Vui lòng chọn kết quả: đã hoàn tiền hay chưa hoàn tiền.")
        done = services.confirm_refund(
            payment, request.user, refunded=CONFIRM_CHOICES[choice], reason=request.POST.get("ly_do", "")
        )
    except services.PaymentError as exc:
        messages.error(request, exc.message)
    else:
        what = "đã hoàn tiền" if CONFIRM_CHOICES[choice] else "chưa hoàn tiền"
        messages.success(
            request, f"Đã ghi nhận khoản {payment.txn_ref} {what} (trạng thái: “{done.get_status_display()}”)."
        )
    return redirect(_dossier_url(payment.dossier_id))


@require_POST
def keep(request, pk):
    if not user_roles(request.user):
        return permission_denied(request)
    payment = _visible_payment(request, pk)
    try:
        services.clear_refund_flag(payment, request.user, request.POST.get("ly_do", ""))
    except services.PaymentError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã bỏ đánh dấu “cần hoàn tiền” của khoản {payment.txn_ref}.")
    return redirect(_dossier_url(payment.dossier_id))


def payment_list(request):
    """Payments of the dossiers the user sees, newest first; "Cần hoàn tiền" lists what staff still have to refund."""
    if not user_roles(request.user):
        return permission_denied(request)
    form = PaymentFilterForm(request.GET or None)
    qs = (
        Payment.objects.select_related("dossier")
        .filter(dossier__in=visible_dossiers(request.user))
        .order_by("-created_at", "-id")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["loc"]:
            qs = qs.filter(VIEWS[data["loc"]][1])
        if term := data["q"].strip():
            qs = qs.filter(Q(txn_ref=term) | Q(dossier__code__iexact=term))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    title = "Thanh toán trực tuyến"
    return render(
        request,
        "payments/staff/list.html",
        {
            "form": form,
            "page": page,
            "query": params.urlencode(),
            "page_title": title,
            "header_title": title,
            "header_icon": "doc-full",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": "Trang chủ"},
                {"url": None, "label": title},
            ],
        },
    )
