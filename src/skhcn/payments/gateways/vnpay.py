"""VNPay 2.1.0 (redirect payment): pay URL, signature, return and IPN — /work/shared/domain/one-stop.md.

Signature: the non-empty ``vnp_*`` parameters except ``vnp_SecureHash`` / ``vnp_SecureHashType``, sorted by key,
``key=quote_plus(value)`` joined with ``&``, HMAC-SHA512 with the hash secret, lowercase hex.

Transaction query (querydr) and refund are not implemented for VNPay: their request format is not in the brief this
was built from, and an unverified protocol must not touch real money. Both raise ``GatewayNotSupported`` with a
Vietnamese message (README "Thanh toán trực tuyến"); reconciliation skips VNPay payments and staff confirm them in the
VNPay merchant portal.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from skhcn.core.net import client_ip
from skhcn.core.text import fold

from .base import Gateway, GatewayNotSupported, Outcome, QueryResult, RefundResult, ReturnResult

VERSION = "2.1.0"
GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
EXPIRE_MINUTES = 15
UNSIGNED = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
# IPN reply codes (RspCode) and their messages, as VNPay expects them.
REPLIES = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "Invalid amount",
    "97": "Fail checksum",
    "99": "Unknown error",
}
NOT_SUPPORTED = (
    "Cổng VNPay: chức năng {what} chưa được hỗ trợ tự động trong hệ thống này. "
    "Vui lòng tra soát / hoàn tiền trên trang quản trị dành cho đơn vị của VNPay."
)


def signing_data(params: dict) -> str:
    items = sorted((k, str(v)) for k, v in params.items() if k.startswith("vnp_") and k not in UNSIGNED and str(v))
    return "&".join(f"{key}={quote_plus(value)}" for key, value in items)


def sign(params: dict, secret: str) -> str:
    return hmac.new(secret.encode(), signing_data(params).encode(), hashlib.sha512).hexdigest()


def verify(params: dict, secret: str) -> bool:
    given = str(params.get("vnp_SecureHash", "")).lower()
    return bool(given) and bool(secret) and hmac.compare_digest(given, sign(params, secret))


def format_date(moment: datetime) -> str:
    return moment.astimezone(GMT7).strftime(DATE_FORMAT)


def parse_date(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=GMT7)
    except (TypeError, ValueError):
        return None


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
        "vnp_OrderType": getattr(settings, "VNPAY_ORDER_TYPE", "other") or "other",
        "vnp_ReturnUrl": return_url,
        "vnp_TxnRef": payment.txn_ref,
    }


def parse_outcome(params, secret: str) -> Outcome:
    """A return's or IPN's parameters, parsed; ``verified`` only when the signature matches."""
    raw = {k: str(v) for k, v in params.items() if k.startswith("vnp_")}
    amount = None
    text = raw.get("vnp_Amount", "")
    if text.isdigit() and int(text) % 100 == 0:
        amount = int(text) // 100
    response, status = raw.get("vnp_ResponseCode", ""), raw.get("vnp_TransactionStatus", "")
    return Outcome(
        verified=verify(raw, secret),
        txn_ref=raw.get("vnp_TxnRef", "")[:100],
        amount=amount,
        success=response == "00" and status == "00",
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
        return_url = request.build_absolute_uri(reverse("payments:return", kwargs={"gateway": self.name}))
        params = pay_params(
            payment,
            tmn_code=self.tmn_code,
            return_url=return_url,
            ip=client_ip(request),
            now=payment.started_at or timezone.now(),
        )
        return f"{self.pay_url(request)}?{signed_query(params, self.secret)}"

    def handle_return(self, request) -> ReturnResult:
        from .. import services

        return services.record_return(self.name, parse_outcome(request.GET, self.secret))

    def handle_notification(self, request) -> tuple[dict, int]:
        from .. import services

        params = request.GET if request.method == "GET" else request.POST
        return reply(services.apply_notification(self.name, parse_outcome(params, self.secret))), 200

    def query_transaction(self, payment) -> QueryResult:
        raise GatewayNotSupported(NOT_SUPPORTED.format(what="tra cứu giao dịch (querydr)"))

    def refund(self, payment, amount: int, reason: str) -> RefundResult:
        raise GatewayNotSupported(NOT_SUPPORTED.format(what="hoàn tiền"))
