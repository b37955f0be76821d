"""VNPay 2.1.0: pay URL, signature, return and IPN (VNPay's public "Payment Gateway Techspec 2.1.0"), and the merchant
web API (``vnp_Command=querydr`` and ``refund``, JSON POSTed to ``settings.VNPAY_API_URL``).

VNPay's codes stay in this module: the payment services speak in domain terms (``Outcome`` in,
``NotificationResult`` out) and this plugin translates both ways (``parse_outcome``, ``query_outcome``,
``reply_for``).

Redirect signature: the non-empty ``vnp_*`` parameters except ``vnp_SecureHash`` / ``vnp_SecureHashType``, sorted by
key, ``key=quote_plus(value)`` joined with ``&``, HMAC-SHA512 with the hash secret, lowercase hex.

Merchant web API (querydr / refund): the checksum is HMAC-SHA512 over a FIXED list of fields joined with ``|`` (no
sorting, no encoding, a missing field is an empty string), one list per request and per response; see the ``*_FIELDS``
tuples below. Sources (public):

* VNPay's own page "API querydr, refund" — https://sandbox.vnpayment.vn/apis/docs/truy-van-hoan-tien/querydr&refund.html
  (endpoint ``/merchant_webapi/api/transaction``, POST, ``Content-Type: application/json``, parameter tables);
* VNPay "Payment Gateway Techspec Post method 2.1.0-VN" (PDF linked from that site; read here through a public
  repository's Markdown summary of it, not the PDF itself), sections "Truy vấn giao dịch", "Hoàn trả giao dịch" and
  the error tables: the request checksum orders
  ``vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|vnp_TxnRef|vnp_TransactionDate|vnp_CreateDate|vnp_IpAddr|
  vnp_OrderInfo`` (querydr) and ``vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|vnp_TransactionType|vnp_TxnRef|
  vnp_Amount|vnp_TransactionNo|vnp_TransactionDate|vnp_CreateBy|vnp_CreateDate|vnp_IpAddr|vnp_OrderInfo`` (refund);
  the VNPay-style demo code for Node.js and Java in public repositories builds the same strings;
* the response checksum orders are those of the open-source client github.com/lehuygiang28/vnpay
  (``src/services/query.service.ts``), which another independent implementation matches for querydr (for refund it
  is the only source seen — check it against VNPay's sandbox before real use):
  ``vnp_ResponseId|vnp_Command|vnp_ResponseCode|vnp_Message|vnp_TmnCode|vnp_TxnRef|vnp_Amount|vnp_BankCode|
  vnp_PayDate|vnp_TransactionNo|vnp_TransactionType|vnp_TransactionStatus|vnp_OrderInfo`` (+ ``|vnp_PromotionCode|
  vnp_PromotionAmount`` for querydr).

An answer whose checksum does not verify is never used: the gateway raises ``GatewayError`` and nothing changes. So
does a network error or a timeout (``VNPAY_API_TIMEOUT`` seconds, default 20). The sandbox gateway serves the same
JSON API offline (``views.sandbox_api``), so this code runs end to end in tests.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import re
import secrets
import socket
import unicodedata
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from skhcn.core.net import client_ip
from skhcn.core.sitemaps import absolute_url
from skhcn.core.text import fold

from ..refusals import MalformedRequest, log_refused, shown, vnp_params
from .base import (
    UNCHANGED,
    Gateway,
    GatewayError,
    GatewayNotSent,
    GatewayUnavailable,
    NotificationResult,
    Outcome,
    QueryResult,
    RefundKind,
    RefundResult,
)

logger = logging.getLogger(__name__)

VERSION = "2.1.0"
GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
EXPIRE_MINUTES = 15
UNSIGNED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
# A vnp_SecureHash is an HMAC-SHA512 in hex: exactly 128 ASCII hex digits (either case). Anything else is malformed.
SECURE_HASH = re.compile(r"[0-9a-fA-F]{128}")
# vnp_Amount is Numeric[1,12] (đồng × 100): ASCII digits only ("²".isdigit() is true, int("²") fails) and bounded
# (Python refuses int() of more than 4300 digits).
AMOUNT = re.compile(r"[0-9]{1,15}")
DATE = re.compile(r"[0-9]{14}")
# Why a signature is refused (for the log).
MISSING, MALFORMED, UNENCODABLE, NO_SECRET, MISMATCH = (
    "missing",
    "malformed (not 128 hex digits)",
    "parameters not encodable",
    "no hash secret configured",
    "does not match",
)
# IPN reply codes (RspCode) and their messages, as VNPay expects them.
REPLIES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Fail checksum",
    "99": "Unknown error",
}
# The IPN reply for each domain result.
REPLY_CODES = {
    NotificationResult.ACCEPTED: "00",
    NotificationResult.UNKNOWN_ORDER: "01",
    NotificationResult.ALREADY_CONFIRMED: "02",
    NotificationResult.AMOUNT_MISMATCH: "04",
    NotificationResult.BAD_SIGNATURE: "97",
    NotificationResult.REFUSED: "99",
    NotificationResult.ERROR: "99",
}
SUCCESS = "00"
CANCELLED = "24"  # vnp_ResponseCode: the payer cancelled
NOT_FINISHED = "01"  # vnp_TransactionStatus: not finished yet
# Why a returned transaction failed (vnp_ResponseCode), for the return page.
FAILURE_TEXT = {
    CANCELLED: "Ông/Bà đã hủy giao dịch tại cổng thanh toán.",
    "51": "Tài khoản không đủ số dư để thực hiện giao dịch.",
    "11": "Đã hết thời gian chờ thanh toán.",
}


def signing_data(params: dict) -> str:
    items = sorted((k, str(v)) for k, v in params.items() if k.startswith("vnp_") and k not in UNSIGNED and str(v))
    return "&".join(f"{key}={quote_plus(value)}" for key, value in items)


def sign(params: dict, secret: str) -> str:
    return hmac.new(secret.encode(), signing_data(params).encode(), hashlib.sha512).hexdigest()


def hash_problem(given, secret: str, message) -> str:
    """Why ``given`` is not the HMAC-SHA512 of ``message()`` (a callable: built only for a well-formed hash) with
    ``secret``; "" when it is. The hash must be 128 ASCII hex digits: only then are the two digests compared, as bytes
    of equal length in constant time (``hmac.compare_digest`` refuses non-ASCII text)."""
    if not given:
        return MISSING
    if not isinstance(given, str) or not SECURE_HASH.fullmatch(given):
        return MALFORMED
    if not secret:
        return NO_SECRET
    try:
        data = message().encode()
    except UnicodeEncodeError:  # a lone surrogate (possible in JSON): nobody can have signed it
        return UNENCODABLE
    expected = hmac.new(secret.encode(), data, hashlib.sha512).digest()
    return "" if hmac.compare_digest(bytes.fromhex(given), expected) else MISMATCH


def signature_problem(params: dict, secret: str) -> str:
    """Why ``params`` (a return / IPN / pay request) are not signed with ``secret``; "" when they are."""
    return hash_problem(params.get("vnp_SecureHash", ""), secret, lambda: signing_data(params))


def verify(params: dict, secret: str) -> bool:
    return not signature_problem(params, secret)


def format_date(moment: datetime) -> str:
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_date(value: str) -> datetime | None:
    """yyyyMMddHHmmss (GMT+7) as an aware datetime; None unless 14 ASCII digits making a date that can be stored."""
    if not isinstance(value, str) or not DATE.fullmatch(value):
        return None
    try:
        moment = datetime.strptime(value, DATE_FORMAT).replace(tzinfo=GMT7)
        moment.astimezone(UTC)  # 00010101000000 is a date in GMT+7 but none in UTC
    except (ValueError, OverflowError):
        return None
    return moment


def vnd_amount(value) -> int | None:
    """vnp_Amount (đồng × 100) in đồng; None unless ASCII digits making a whole number of đồng."""
    text = as_text(value)
    if not AMOUNT.fullmatch(text):
        return None
    hundredths = int(text)
    return hundredths // 100 if hundredths % 100 == 0 else None


def order_info(payment) -> str:
    """What the payer's bank statement shows: ASCII only (the protocol forbids diacritics)."""
    text = f"Thanh toan {fold(payment.purpose)} ho so {payment.dossier.code}"
    return "".join(ch for ch in text if ch.isascii() and (ch.isalnum() or ch in " -.,:/()"))[:255]


def signed_query(params: dict, secret: str) -> str:
    """The query string of a signed request: the signing data itself, then ``vnp_SecureHash``."""
    return f"{signing_data(params)}&vnp_SecureHash={sign(params, secret)}"


def pay_params(payment, *, tmn_code: str, return_url: str, ip: str, now: datetime, locale: str = "vn") -> dict:
    return {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": tmn_code,
        "vnp_Amount": str(payment.amount * 100),
        "vnp_CreateDate": format_date(now),
        "vnp_ExpireDate": format_date(now + timedelta(minutes=EXPIRE_MINUTES)),
        "vnp_CurrCode": "VND",
        "vnp_IpAddr": ip or "127.0.0.1",
        "vnp_Locale": locale,
        "vnp_OrderInfo": order_info(payment),
        "vnp_OrderType": settings.VNPAY_ORDER_TYPE or "other",
        "vnp_ReturnUrl": return_url,
        "vnp_TxnRef": payment.txn_ref,
    }


def parse_outcome(params, secret: str) -> Outcome:
    """A return's or IPN's parameters, parsed; ``verified`` only when the signature matches."""
    raw = {k: str(v) for k, v in params.items() if k.startswith("vnp_")}
    response, status = raw.get("vnp_ResponseCode", ""), raw.get("vnp_TransactionStatus", "")
    problem = signature_problem(raw, secret)
    success = response == SUCCESS and status == SUCCESS
    return Outcome(
        verified=not problem,
        signature_problem=problem,
        txn_ref=raw.get("vnp_TxnRef", "")[:100],
        amount=vnd_amount(raw.get("vnp_Amount")),
        success=success,
        # Not finished (or not final) at the gateway yet: the payment stays pending.
        undecided=not success and status == NOT_FINISHED,
        cancelled=response == CANCELLED,
        response_code=response[:10],
        transaction_status=status[:10],
        transaction_no=raw.get("vnp_TransactionNo", "")[:100],
        bank_code=raw.get("vnp_BankCode", "")[:50],
        bank_tran_no=raw.get("vnp_BankTranNo", "")[:100],
        card_type=raw.get("vnp_CardType", "")[:50],
        pay_date=parse_date(raw.get("vnp_PayDate", "")),
        raw=raw,
    )


def reply(code: str) -> dict:
    return {"RspCode": code, "Message": REPLIES[code]}


def reply_for(result: NotificationResult) -> dict:
    return reply(REPLY_CODES[result])


# --- merchant web API: querydr / refund ------------------------------------------------------------------------------
QUERY_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
)
QUERY_RESPONSE_FIELDS = (*REFUND_RESPONSE_FIELDS, "vnp_PromotionCode", "vnp_PromotionAmount")
REQUEST_FIELDS = {"querydr": QUERY_REQUEST_FIELDS, "refund": REFUND_REQUEST_FIELDS}
RESPONSE_FIELDS = {"querydr": QUERY_RESPONSE_FIELDS, "refund": REFUND_RESPONSE_FIELDS}
# vnp_TransactionType: 01 payment, 02 full refund, 03 partial refund.
PAYMENT, FULL_REFUND, PARTIAL_REFUND = "01", "02", "03"
# vnp_TransactionStatus values a query may answer that settle a pending payment: 00 paid, 02 failed. Anything else
# (01 not finished, 04 reversed, 05/06 refund in progress, 07 suspected fraud, 09 refund refused...) is undecided.
PAID_STATUS, FAILED_STATUS = "00", "02"
# vnp_TransactionStatus of a refund a query reports: 00 refunded, 05 VNPay processing it, 06 sent to the bank; 09
# refused.
REFUND_DONE = frozenset({"00", "05", "06"})
REFUND_REFUSED = "09"
REFUND_KINDS = {FULL_REFUND: RefundKind.FULL, PARTIAL_REFUND: RefundKind.PARTIAL}
NOT_FOUND = "91"
API_ERRORS = {
    "02": "mã đơn vị (TmnCode) không hợp lệ",
    "03": "dữ liệu gửi sang không đúng định dạng",
    "08": "hệ thống cổng thanh toán đang bảo trì",
    "16": "không thể hoàn tiền trong khoảng thời gian này",
    "91": "không tìm thấy giao dịch",
    "93": "số tiền hoàn không hợp lệ (vượt quá số tiền có thể hoàn)",
    "94": "yêu cầu hoàn tiền cho giao dịch này đã được gửi trước đó và đang được xử lý",
    "95": "giao dịch không thành công tại VNPay nên không thể hoàn tiền",
    "97": "chữ ký (checksum) của yêu cầu không hợp lệ",
    "99": "lỗi khác",
}
WHAT = {"querydr": "tra soát giao dịch", "refund": "hoàn tiền"}
MAX_RESPONSE_BYTES = 64 * 1024
SCALARS = (str, int, float, bool)  # what a JSON field of the merchant API may hold (null aside)


def as_text(value) -> str:
    """A JSON field as text: "" for null / missing, and for a nested array or object (no field of the protocol is)."""
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, SCALARS) else ""


def api_message(data: dict, fields: tuple[str, ...]) -> str:
    return "|".join(as_text(data.get(name)) for name in fields)


def api_checksum(data: dict, fields: tuple[str, ...], secret: str) -> str:
    """HMAC-SHA512 of ``data``'s ``fields`` in that order joined with ``|`` (merchant web API)."""
    return hmac.new(secret.encode(), api_message(data, fields).encode(), hashlib.sha512).hexdigest()


def api_signature_problem(data: dict, fields: tuple[str, ...], secret: str) -> str:
    """Why ``data`` (a merchant-API request or answer) is not signed with ``secret``; "" when it is."""
    return hash_problem(data.get("vnp_SecureHash"), secret, lambda: api_message(data, fields))


def api_verify(data: dict, fields: tuple[str, ...], secret: str) -> bool:
    return not api_signature_problem(data, fields, secret)


def ascii_text(text: str, limit: int = 255) -> str:
    """Accent-free ASCII, case kept ("Nộp trùng" -> "Nop trung"): the API refuses diacritics in free text."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    plain = " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())
    return "".join(ch for ch in plain if ch.isascii() and (ch.isalnum() or ch in " -.,:/()_")).strip()[:limit]


def request_id() -> str:
    """vnp_RequestId: unique per request (Alphanumeric[1,32])."""
    return secrets.token_hex(16)


def api_error(command: str, code: str) -> str:
    reason = API_ERRORS.get(code, "lỗi không xác định")
    return f"Cổng thanh toán từ chối {WHAT[command]}: {reason} (mã {code})."


def query_request(payment, *, tmn_code: str, secret: str, now: datetime, ip: str) -> dict:
    body = {
        "vnp_RequestId": request_id(),
        "vnp_Version": VERSION,
        "vnp_Command": "querydr",
        "vnp_TmnCode": tmn_code,
        "vnp_TxnRef": payment.txn_ref,
        "vnp_OrderInfo": ascii_text(f"Truy van giao dich {payment.txn_ref}"),
        # The pay request's vnp_CreateDate (``pay_params`` uses ``started_at``).
        "vnp_TransactionDate": format_date(payment.started_at or payment.created_at),
        "vnp_CreateDate": format_date(now),
        "vnp_IpAddr": ip,
    }
    body["vnp_SecureHash"] = api_checksum(body, QUERY_REQUEST_FIELDS, secret)
    return body


def refund_request(
    payment, *, amount: int, reason: str, created_by: str, tmn_code: str, secret: str, now: datetime, ip: str
) -> dict:
    body = {
        "vnp_RequestId": request_id(),
        "vnp_Version": VERSION,
        "vnp_Command": "refund",
        "vnp_TmnCode": tmn_code,
        "vnp_TransactionType": FULL_REFUND if amount == payment.amount else PARTIAL_REFUND,
        "vnp_TxnRef": payment.txn_ref,
        "vnp_Amount": str(amount * 100),
        "vnp_OrderInfo": ascii_text(f"Hoan tien ho so {payment.dossier.code}: {reason}"),
        "vnp_TransactionNo": payment.gateway_transaction_no or "0",
        "vnp_TransactionDate": format_date(payment.started_at or payment.paid_at or payment.created_at),
        "vnp_CreateBy": ascii_text(created_by, 250) or "skhcn",
        "vnp_CreateDate": format_date(now),
        "vnp_IpAddr": ip,
    }
    body["vnp_SecureHash"] = api_checksum(body, REFUND_REQUEST_FIELDS, secret)
    return body


def post_json(url: str, body: dict, *, timeout: float, what: str) -> dict:
    """POST ``body`` as JSON, return the JSON object answered; ``GatewayError`` for anything else
    (``GatewayNotSent`` when the request certainly never reached the gateway)."""
    if not url.startswith(("https://", "http://")):
        raise GatewayNotSent(f"Địa chỉ API của cổng thanh toán chưa được cấu hình đúng (VNPAY_API_URL). {UNCHANGED}")
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            payload = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        logger.warning("VNPay API %s: HTTP %s", what, exc.code)
        raise GatewayUnavailable(f"Cổng thanh toán trả lỗi HTTP {exc.code} khi {what}. {UNCHANGED}") from None
    except http.client.HTTPException as exc:  # IncompleteRead, BadStatusLine, LineTooLong...: a broken answer
        logger.warning("VNPay API %s: malformed HTTP answer (%s)", what, type(exc).__name__)
        raise GatewayUnavailable(
            f"Phản hồi HTTP của cổng thanh toán khi {what} bị lỗi hoặc không trọn vẹn. {UNCHANGED}"
        ) from None
    except (TimeoutError, urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None)
        timed_out = isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError)
        logger.warning("VNPay API %s: %s", what, exc)
        if timed_out:
            raise GatewayUnavailable(
                f"Cổng thanh toán không trả lời trong {timeout:g} giây khi {what}. {UNCHANGED}"
            ) from None
        error = GatewayUnavailable
        if isinstance(exc, ConnectionRefusedError | socket.gaierror) or isinstance(
            reason, ConnectionRefusedError | socket.gaierror
        ):
            error = GatewayNotSent  # refused or unknown host: the request never got there
        raise error(f"Không kết nối được tới cổng thanh toán để {what} (lỗi mạng). {UNCHANGED}") from None
    if len(payload) > MAX_RESPONSE_BYTES:
        raise GatewayError(f"Phản hồi của cổng thanh toán khi {what} quá lớn, không đúng định dạng. {UNCHANGED}")
    return parse_api_response(payload, what)


def parse_api_response(payload: bytes, what: str) -> dict:
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise GatewayError(f"Phản hồi của cổng thanh toán khi {what} không đúng định dạng (JSON). {UNCHANGED}")
    return data


def query_outcome(data: dict) -> Outcome:
    """A verified querydr answer (ResponseCode 00) as an ``Outcome``, for ``services.apply_notification``."""
    status, kind = as_text(data.get("vnp_TransactionStatus"))[:10], as_text(data.get("vnp_TransactionType"))
    paid = status == PAID_STATUS and kind == PAYMENT
    return Outcome(
        verified=True,
        txn_ref=as_text(data.get("vnp_TxnRef"))[:100],
        amount=vnd_amount(data.get("vnp_Amount")),
        success=paid,
        # A query reports the transaction's status, not the payer's response code; "00" only when it is paid.
        response_code="00" if paid else "",
        transaction_status=status,
        transaction_no=as_text(data.get("vnp_TransactionNo"))[:100],
        bank_code=as_text(data.get("vnp_BankCode"))[:50],
        card_type=as_text(data.get("vnp_CardType"))[:50],
        pay_date=parse_date(as_text(data.get("vnp_PayDate"))),
        raw={k: v for k, v in data.items() if isinstance(k, str) and k.startswith("vnp_")},
        undecided=not paid and not (status == FAILED_STATUS and kind == PAYMENT),
        transaction_type=kind,
        refund=REFUND_KINDS.get(kind, RefundKind.NONE),
        refund_done=True if status in REFUND_DONE else (False if status == REFUND_REFUSED else None),
    )


class VNPayGateway(Gateway):
    name = "vnpay"
    label = "VNPay (thẻ ATM, thẻ quốc tế, QR ngân hàng)"

    # --- configuration (the sandbox overrides these) ---
    @property
    def tmn_code(self) -> str:
        return settings.VNPAY_TMN_CODE

    @property
    def secret(self) -> str:
        return settings.VNPAY_HASH_SECRET

    def pay_url(self, request) -> str:
        return settings.VNPAY_PAY_URL

    # --- the contract ---
    def start_payment(self, payment, request) -> str:
        # BASE_URL, not the Host header: the address registered with the gateway, the same behind any proxy.
        return_url = absolute_url(reverse("payments:return", kwargs={"gateway": self.name}))
        params = pay_params(
            payment,
            tmn_code=self.tmn_code,
            return_url=return_url,
            ip=client_ip(request),
            now=payment.started_at or timezone.now(),
        )
        return f"{self.pay_url(request)}?{signed_query(params, self.secret)}"

    def read_return(self, request) -> Outcome:
        return self._read(request, f"return {self.name}", "GET")

    def failure_text(self, outcome: Outcome) -> str:
        return FAILURE_TEXT.get(outcome.response_code, super().failure_text(outcome))

    def read_notification(self, request) -> Outcome:
        """Parameters that cannot be read as the protocol's (checked first) give a malformed outcome, a missing,
        malformed or wrong signature an unverified one: both refused without touching the database (reply 99 / 97)."""
        return self._read(request, f"IPN {self.name}")

    def outcome_of(self, params: dict) -> Outcome:
        """Parameters this gateway signed (the sandbox's own notification, delivered in-process), parsed."""
        return parse_outcome(params, self.secret)

    def notification_reply(self, result: NotificationResult) -> tuple[dict, int]:
        """VNPay expects HTTP 200 whatever the reply code."""
        return reply_for(result), 200

    def _read(self, request, endpoint: str, method: str | None = None) -> Outcome:
        try:
            params = vnp_params(request, method)
        except MalformedRequest as refused:
            log_refused(request, endpoint, refused.reason, refused.field, refused.value)
            return Outcome(verified=False, malformed=True)
        outcome = parse_outcome(params, self.secret)
        if not outcome.verified:
            self._log_bad_signature(request, endpoint, outcome, params)
        return outcome

    @staticmethod
    def _log_bad_signature(request, endpoint: str, outcome: Outcome, params: dict) -> None:
        reason = f"signature {outcome.signature_problem} (vnp_TxnRef={shown(outcome.txn_ref)})"
        log_refused(request, endpoint, reason, "vnp_SecureHash", params.get("vnp_SecureHash", ""))

    # --- merchant web API ---
    supports_query = True

    def api_url(self) -> str:
        return settings.VNPAY_API_URL

    @property
    def api_timeout(self) -> float:
        return settings.VNPAY_API_TIMEOUT

    @property
    def server_ip(self) -> str:
        """vnp_IpAddr of API calls: the address of the server calling it."""
        return settings.VNPAY_API_IP or "127.0.0.1"

    def call_api(self, body: dict) -> dict:
        """Send one merchant-API request; the JSON object answered (``GatewayError`` otherwise)."""
        return post_json(self.api_url(), body, timeout=self.api_timeout, what=WHAT[body["vnp_Command"]])

    def _checked(self, command: str, body: dict, payment) -> dict:
        """Call the API and return the answer only if its checksum verifies and it speaks of this transaction."""
        data = self.call_api(body)
        code = as_text(data.get("vnp_ResponseCode"))[:10]
        if (
            not api_verify(data, RESPONSE_FIELDS[command], self.secret)
            or as_text(data.get("vnp_TmnCode")) != self.tmn_code
        ):
            logger.warning("VNPay %s for %s: unverified answer (code %s)", command, payment.txn_ref, code)
            raise GatewayError(
                f"Phản hồi {WHAT[command]} của cổng thanh toán (mã {code or 'trống'}) không có chữ ký hợp lệ nên "
                f"không được sử dụng. {UNCHANGED}"
            )
        other = as_text(data.get("vnp_TxnRef"))
        if code == "00" and other != payment.txn_ref:
            raise GatewayError(
                f"Phản hồi {WHAT[command]} của cổng thanh toán nói về giao dịch khác ({other[:40]}) nên không được "
                f"sử dụng. {UNCHANGED}"
            )
        return data

    def query_transaction(self, payment) -> QueryResult:
        if not payment.txn_ref or payment.started_at is None:
            return QueryResult(found=False, message="Khoản này chưa được chuyển sang cổng thanh toán.")
        body = query_request(payment, tmn_code=self.tmn_code, secret=self.secret, now=timezone.now(), ip=self.server_ip)
        data = self._checked("querydr", body, payment)
        code = as_text(data.get("vnp_ResponseCode"))
        if code == NOT_FOUND:
            return QueryResult(
                found=False, message="Cổng thanh toán chưa có giao dịch này (người nộp chưa thanh toán)."
            )
        if code != "00":
            raise GatewayError(api_error("querydr", code))
        return QueryResult(found=True, outcome=query_outcome(data))

    def refund(self, payment, amount: int, reason: str, created_by: str = "") -> RefundResult:
        body = refund_request(
            payment,
            amount=amount,
            reason=reason,
            created_by=created_by,
            tmn_code=self.tmn_code,
            secret=self.secret,
            now=timezone.now(),
            ip=self.server_ip,
        )
        data = self._checked("refund", body, payment)
        code = as_text(data.get("vnp_ResponseCode"))
        if code != "00":
            return RefundResult(ok=False, message=api_error("refund", code))
        return RefundResult(
            ok=True,
            message="Cổng thanh toán đã nhận yêu cầu hoàn tiền.",
            reference=as_text(data.get("vnp_TransactionNo"))[:100],
        )
