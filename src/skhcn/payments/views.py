"""Public side of online payment (``/thanh-toan/``): the applicant's "pay" button, the browser's return (display
only), the e-receipt, the gateways' notification endpoint (IPN), and the sandbox's own payment page."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

from skhcn.core.sitemaps import base_url
from skhcn.dossiers.citizen.pages import applicant_view, private_page

from . import services, tasks
from .gateways import NotificationResult, get_gateway, vnpay
from .gateways import sandbox as sandbox_gateway
from .models import Payment, SandboxTransaction
from .receipt import receipt_filename, render_receipt
from .refusals import MalformedRequest, log_refused, vnp_params


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


@applicant_view()
def pay(request, pk: int):
    if request.method != "POST":
        text = "Trang này chỉ nhận yêu cầu gửi từ nút “Thanh toán” trên trang hồ sơ."
        response = HttpResponse(text, status=405, content_type="text/plain; charset=utf-8")
        return _not_allowed(request, "pay", ("POST",), response)
    payment = _own_payment(request, pk)
    try:
        url = services.start(payment, request, request.POST.get("cong") or None)
    except services.PaymentError as exc:
        messages.error(request, exc.message)
        return redirect(dossier_url(payment))
    return redirect(url)


@applicant_view()
def payment_return(request, gateway: str):
    plugin = _gateway_or_404(gateway)
    result = services.record_return(plugin.name, plugin.read_return(request))
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
        "failure_text": plugin.failure_text(outcome),
        "dossier_url": dossier_url(payment) if payment is not None else reverse("dossiers:mine"),
        "receipt_available": payment is not None and services.receipt_available(payment),
    }
    return private_page(render(request, "payments/return.html", context, status=200 if result.valid else 400))


@applicant_view()
def receipt(request, pk: int):
    payment = _own_payment(request, pk)
    if not services.receipt_available(payment):
        raise Http404("Khoản phí chưa được thanh toán.")
    response = HttpResponse(render_receipt(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(payment)}"'
    return private_page(response)


# --- machine endpoints and the sandbox page: any input gets a 4xx or the protocol's answer, never a 500 -------------
GET_OR_POST = ("GET", "POST")
SANDBOX_PAGE = "sandbox pay page"
SANDBOX_API = "sandbox API"
MAX_API_BODY = 64 * 1024


def _not_allowed(request, endpoint: str, allowed: tuple[str, ...], response):
    log_refused(request, endpoint, "method not allowed")
    response["Allow"] = ", ".join(allowed)
    return response


@csrf_exempt
def ipn(request, gateway: str):
    """The gateway's server-to-server notification: always the protocol's JSON reply — HTTP 200 as VNPay expects;
    405 for a method other than GET / POST and 404 for a gateway that is not enabled, both with reply 99."""
    endpoint = f"IPN {gateway}"
    if request.method not in GET_OR_POST:
        refused = vnpay.reply_for(NotificationResult.REFUSED)
        return _not_allowed(request, endpoint, GET_OR_POST, JsonResponse(refused, status=405))
    try:
        plugin = get_gateway(gateway)
    except LookupError:
        log_refused(request, endpoint, "gateway not enabled")
        return JsonResponse(vnpay.reply_for(NotificationResult.REFUSED), status=404)
    result = services.apply_notification(plugin.name, plugin.read_notification(request))
    reply, status = plugin.notification_reply(result)
    return JsonResponse(reply, status=status)


# --- sandbox payment page -------------------------------------------------------------------------------------------
def _sandbox_error(request, reason: str, status: int = 400):
    return private_page(render(request, "payments/sandbox_error.html", {"reason": reason}, status=status))


def sandbox_pay(request):
    if request.method not in GET_OR_POST:
        response = _sandbox_error(request, "Trang này chỉ nhận yêu cầu GET hoặc POST.", status=405)
        return _not_allowed(request, SANDBOX_PAGE, GET_OR_POST, response)
    gateway = _gateway_or_404("sandbox")
    try:
        params = vnp_params(request)
    except MalformedRequest as refused:
        log_refused(request, SANDBOX_PAGE, refused.reason, refused.field, refused.value)
        return _sandbox_error(request, "Tham số không hợp lệ.")
    if problem := vnpay.signature_problem(params, gateway.secret):
        log_refused(request, SANDBOX_PAGE, f"signature {problem}", "vnp_SecureHash", params.get("vnp_SecureHash"))
        return _sandbox_error(request, "Sai chữ ký (checksum).")
    # Signed with the sandbox's secret, so made by this site: what follows would be a bug, refused all the same.
    if params.get("vnp_TmnCode") != sandbox_gateway.TMN_CODE:
        log_refused(request, SANDBOX_PAGE, "unknown merchant", "vnp_TmnCode", params.get("vnp_TmnCode"))
        return _sandbox_error(request, "Mã đơn vị (vnp_TmnCode) không hợp lệ.")
    amount = vnpay.vnd_amount(params.get("vnp_Amount"))
    return_url = params.get("vnp_ReturnUrl", "")
    if not amount:
        log_refused(request, SANDBOX_PAGE, "invalid amount", "vnp_Amount", params.get("vnp_Amount"))
        return _sandbox_error(request, "Tham số không hợp lệ.")
    if not url_has_allowed_host_and_scheme(
        return_url, allowed_hosts={request.get_host(), urlsplit(base_url()).netloc}, require_https=False
    ):
        log_refused(request, SANDBOX_PAGE, "return URL of another site", "vnp_ReturnUrl", return_url)
        return _sandbox_error(request, "Tham số không hợp lệ.")
    expires = vnpay.parse_date(params.get("vnp_ExpireDate", ""))
    if request.method == "GET":
        context = {"params": params, "amount": amount, "expires": expires}
        return private_page(render(request, "payments/sandbox_pay.html", context))

    choice = request.POST.get("ket_qua", "")
    if choice not in sandbox_gateway.CHOICES:
        log_refused(request, SANDBOX_PAGE, "unknown choice", "ket_qua", choice)
        return _sandbox_error(request, "Lựa chọn không hợp lệ.")
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
    result["vnp_SecureHash"] = vnpay.sign(result, gateway.secret)
    tasks.send_sandbox_ipn(result)
    return redirect(f"{return_url}{'&' if '?' in return_url else '?'}{query}")


def _api_body(request):
    """The JSON the sandbox API was sent and, when it cannot be read, why: (None, reason)."""
    try:
        payload = request.body
    except RequestDataTooBig:
        return None, "body too large"
    if len(payload) > MAX_API_BODY:
        return None, "body too large"
    try:
        return json.loads(payload or b"null"), ""
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError; RecursionError: "[[[[..."
        return None, f"not JSON ({type(exc).__name__})"


@csrf_exempt
def sandbox_api(request):
    """The sandbox's merchant web API (VNPay's ``/merchant_webapi/api/transaction``): JSON in, signed JSON out, HTTP
    200 whatever the answer code, as VNPay does (405 for a method other than POST, with answer 03). Only while the
    sandbox gateway is enabled (otherwise 404, answer 99 unsigned: there is no secret to sign with)."""
    try:
        get_gateway("sandbox")
    except LookupError:
        log_refused(request, SANDBOX_API, "sandbox not enabled")
        unsigned = {"vnp_ResponseCode": "99", "vnp_Message": sandbox_gateway.API_MESSAGES["99"]}
        return JsonResponse(unsigned, status=404)
    if request.method != "POST":
        answer, _field = sandbox_gateway.api_answer(None)
        return _not_allowed(request, SANDBOX_API, ("POST",), JsonResponse(answer, status=405))
    body, problem = _api_body(request)
    if not problem and not isinstance(body, dict):
        problem = "not a JSON object"
    answer, field = sandbox_gateway.api_answer(body)
    if problem or field:
        reason = f"answer {answer['vnp_ResponseCode']} ({problem or answer['vnp_Message']})"
        log_refused(request, SANDBOX_API, reason, field, body.get(field) if field else None)
    return JsonResponse(answer)
