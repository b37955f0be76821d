"""Public side of online payment (``/thanh-toan/``): the applicant's "pay" button, the browser's return (display
only), the e-receipt, the gateways' notification endpoint (IPN), and the sandbox's own payment page."""

from __future__ import annotations

import json
import secrets

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from skhcn.dossiers.views import _private, applicant_view

from . import services
from .gateways import get_gateway, vnpay
from .gateways import sandbox as sandbox_gateway
from .models import Payment, SandboxTransaction
from .receipt import receipt_filename, render_receipt

FAILURE_TEXT = {
    "24": "Ông/Bà đã hủy giao dịch tại cổng thanh toán.",
    "51": "Tài khoản không đủ số dư để thực hiện giao dịch.",
    "11": "Đã hết thời gian chờ thanh toán.",
}


def _gateway_or_404(name: str):
    try:
        return get_gateway(name)
    except LookupError:
        raise Http404("Cổng thanh toán không được bật.") from None


def _own_payment(request, pk: int) -> Payment:
    """The user's own dossier's payment, or 404 (someone else's id looks exactly like a missing one)."""
    return get_object_or_404(
        Payment.objects.select_related("dossier__procedure"), pk=pk, dossier__applicant=request.user
    )


def dossier_url(payment) -> str:
    return reverse("dossiers:edit", kwargs={"pk": payment.dossier_id})


@require_POST
@applicant_view()
def pay(request, pk: int):
    payment = _own_payment(request, pk)
    try:
        url = services.start(payment, request, request.POST.get("cong") or None)
    except services.PaymentError as exc:
        messages.error(request, exc.message)
        return redirect(dossier_url(payment))
    return redirect(url)


@applicant_view()
def payment_return(request, gateway: str):
    result = _gateway_or_404(gateway).handle_return(request)
    payment = result.payment
    if payment is not None and payment.dossier.applicant_id != request.user.pk:
        raise Http404
    if payment is not None:
        payment.refresh_from_db()
    outcome = result.outcome
    context = {
        "result": result,
        "valid": result.valid,
        "payment": payment,
        "reported_success": result.valid and outcome.success,
        "failure_text": FAILURE_TEXT.get(outcome.response_code, "Giao dịch không thành công."),
        "dossier_url": dossier_url(payment) if payment is not None else reverse("dossiers:mine"),
        "receipt_available": payment is not None and services.receipt_available(payment),
    }
    return _private(render(request, "payments/return.html", context, status=200 if result.valid else 400))


@applicant_view()
def receipt(request, pk: int):
    payment = _own_payment(request, pk)
    if not services.receipt_available(payment):
        raise Http404("Khoản phí chưa được thanh toán.")
    response = HttpResponse(render_receipt(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(payment)}"'
    return _private(response)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ipn(request, gateway: str):
    reply, status = _gateway_or_404(gateway).handle_notification(request)
    return JsonResponse(reply, status=status)


# --- sandbox payment page -------------------------------------------------------------------------------------------
def _sandbox_error(request, reason: str):
    return _private(render(request, "payments/sandbox_error.html", {"reason": reason}, status=400))


@require_http_methods(["GET", "POST"])
def sandbox_pay(request):
    gateway = _gateway_or_404("sandbox")
    source = request.POST if request.method == "POST" else request.GET
    params = {k: v for k, v in source.items() if k.startswith("vnp_")}
    if not vnpay.verify(params, gateway.secret) or params.get("vnp_TmnCode") != sandbox_gateway.TMN_CODE:
        return _sandbox_error(request, "Sai chữ ký (checksum).")
    amount_text = params.get("vnp_Amount", "")
    return_url = params.get("vnp_ReturnUrl", "")
    if (
        not amount_text.isdigit()
        or int(amount_text) % 100
        or not url_has_allowed_host_and_scheme(return_url, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return _sandbox_error(request, "Tham số không hợp lệ.")
    amount = int(amount_text) // 100
    expires = vnpay.parse_date(params.get("vnp_ExpireDate", ""))
    if request.method == "GET":
        context = {"params": params, "amount": amount, "expires": expires}
        return _private(render(request, "payments/sandbox_pay.html", context))

    choice = request.POST.get("ket_qua", "")
    if choice not in sandbox_gateway.CHOICES:
        return HttpResponseBadRequest("Lựa chọn không hợp lệ.")
    response_code, status = sandbox_gateway.CHOICES[choice]
    if expires is not None and expires < timezone.now():
        response_code, status = "11", "02"
    record, _created = SandboxTransaction.objects.get_or_create(
        txn_ref=params.get("vnp_TxnRef", "")[:40],
        defaults={
            "amount": amount,
            "order_info": params.get("vnp_OrderInfo", "")[:255],
            "response_code": response_code,
            "transaction_status": status,
            "transaction_no": f"{secrets.randbelow(10**8):08d}",
            "pay_date": timezone.now(),
        },
    )
    # A second click on the same transaction re-sends the first outcome (the notification is idempotent).
    result = sandbox_gateway.result_params(record, order_info=params.get("vnp_OrderInfo", ""))
    query = vnpay.signed_query(result, gateway.secret)
    from . import tasks

    result["vnp_SecureHash"] = vnpay.sign(result, gateway.secret)
    tasks.send_sandbox_ipn(result)
    return redirect(f"{return_url}{'&' if '?' in return_url else '?'}{query}")


@csrf_exempt
@require_POST
def sandbox_api(request):
    """The sandbox's merchant web API (VNPay's ``/merchant_webapi/api/transaction``): JSON in, signed JSON out, HTTP
    200 whatever the answer code, as VNPay does. Only while the sandbox gateway is enabled."""
    _gateway_or_404("sandbox")
    try:
        body = json.loads(request.body[:65536] or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    return JsonResponse(sandbox_gateway.api_answer(body))
