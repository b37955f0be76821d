"""The sandbox gateway: the VNPay 2.1.0 protocol (same parameters, same signature) against a local payment page at
``/thanh-toan/sandbox/`` — "MÔI TRƯỜNG THỬ NGHIỆM — KHÔNG PHẢI THANH TOÁN THẬT". Its hash secret is generated into the
data folder (``payment_sandbox_secret``) on first use.

On the page the tester chooses "Thanh toán", "Hủy" or "Không đủ số dư"; the sandbox records the outcome
(``SandboxTransaction``), sends the signed notification server-to-server through a background task
(``tasks.deliver_sandbox_ipn``, which applies it in-process through the payment services) and redirects the browser to
the signed return URL, as VNPay does.

Query and refund are VNPay's own code (``VNPayGateway.query_transaction`` / ``refund``): the same JSON requests and
checksums, answered by the sandbox's merchant API (``api_answer``; served over HTTP by ``views.sandbox_api`` at
``/thanh-toan/sandbox/api/transaction/``), which the sandbox calls in-process (no network, so it works offline and on
any port).

A sandbox plugin: refused with SKHCN_ENV=production (``skhcn.core.plugins``, ``plugins.E001``).
"""

from __future__ import annotations

import json
import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import SandboxTransaction
from . import vnpay

logger = logging.getLogger(__name__)

TMN_CODE = "SKHCNSBX"
# Button -> (vnp_ResponseCode, vnp_TransactionStatus): 00 success, 24 cancelled by the payer, 51 insufficient funds.
CHOICES = {
    "thanh-toan": ("00", "00"),
    "huy": ("24", "02"),
    "khong-du-so-du": ("51", "02"),
}


def sandbox_secret() -> str:
    if configured := settings.PAYMENT_SANDBOX_SECRET:
        return configured
    path = Path(settings.DATA_DIR) / "payment_sandbox_secret"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class SandboxGateway(vnpay.VNPayGateway):
    name = "sandbox"
    label = "Cổng thử nghiệm (không phải thanh toán thật)"
    sandbox = True

    @property
    def tmn_code(self) -> str:
        return TMN_CODE

    @property
    def secret(self) -> str:
        return sandbox_secret()

    def pay_url(self, request) -> str:
        return reverse("payments:sandbox_pay")

    def api_url(self) -> str:
        return reverse("payments:sandbox_api")

    def call_api(self, body: dict) -> dict:
        """The sandbox's merchant API answered in-process: what an HTTP POST of ``body`` to it would get (the same
        JSON round trip, without the network)."""
        what = vnpay.WHAT.get(body.get("vnp_Command"), "gọi API")
        answer, field = api_answer(json.loads(json.dumps(body)))
        if field:
            logger.warning("Sandbox API refused a request: answer %s (%s)", answer["vnp_ResponseCode"], field)
        return vnpay.parse_api_response(json.dumps(answer).encode(), what)


def result_params(record: SandboxTransaction, *, order_info: str) -> dict:
    """The parameters a return / IPN / query answer carries for ``record`` (unsigned)."""
    return {
        "vnp_Amount": str(record.amount * 100),
        "vnp_BankCode": record.bank_code,
        "vnp_BankTranNo": f"SBX{record.transaction_no}" if record.response_code == "00" else "",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": order_info,
        "vnp_PayDate": vnpay.format_date(record.pay_date),
        "vnp_ResponseCode": record.response_code,
        "vnp_TmnCode": TMN_CODE,
        "vnp_TransactionNo": record.transaction_no,
        "vnp_TransactionStatus": record.transaction_status,
        "vnp_TxnRef": record.txn_ref,
    }


# --- the sandbox "bank": its merchant web API (querydr / refund) ------------------------------------------------------
API_MESSAGES = {
    "00": "Success",
    "02": "Merchant is invalid",
    "03": "Invalid data format",
    "91": "Transaction not found",
    "93": "Invalid refund amount",
    "94": "Refund request already sent",
    "95": "Transaction is not successful",
    "97": "Invalid checksum",
    "99": "Unknown error",
}
REQUIRED = {
    "querydr": ("vnp_RequestId", "vnp_TxnRef", "vnp_OrderInfo", "vnp_TransactionDate", "vnp_CreateDate", "vnp_IpAddr"),
    "refund": (
        "vnp_RequestId",
        "vnp_TransactionType",
        "vnp_TxnRef",
        "vnp_Amount",
        "vnp_OrderInfo",
        "vnp_TransactionDate",
        "vnp_CreateBy",
        "vnp_CreateDate",
        "vnp_IpAddr",
    ),
}


def api_answer(body) -> tuple[dict, str]:
    """What the sandbox's merchant API answers to ``body`` (a parsed JSON request), signed as VNPay signs it, and the
    request field at fault when the request is refused outright (02, 03, 97; "" otherwise and for a body that is no
    JSON object).

    Checks like VNPay's: command and merchant code (02), checksum (97), format (03); querydr answers the recorded
    transaction (91 when nobody pressed a button on the payment page; a refunded one as its refund); refund refuses
    a failed transaction (95), an amount above what is left (93) and a transaction already refunded in full (94), and
    records the refund.
    """
    if not isinstance(body, dict):
        return _signed({"vnp_Command": ""}, "03"), ""
    command = vnpay.as_text(body.get("vnp_Command"))
    if command not in vnpay.REQUEST_FIELDS:
        return _signed({"vnp_Command": _echoed(command, 16)}, "03"), "vnp_Command"
    echo = {"vnp_Command": command, "vnp_TxnRef": _echoed(vnpay.as_text(body.get("vnp_TxnRef")), 100)}
    if vnpay.as_text(body.get("vnp_TmnCode")) != TMN_CODE:
        return _signed(echo, "02"), "vnp_TmnCode"
    if not vnpay.api_verify(body, vnpay.REQUEST_FIELDS[command], sandbox_secret()):
        return _signed(echo, "97"), "vnp_SecureHash"
    # Every field is text (or a number); a nested array / object would have been signed as "".
    nested = next((key for key, value in body.items() if not isinstance(value, (*vnpay.SCALARS, type(None)))), "")
    missing = next((key for key in REQUIRED[command] if not vnpay.as_text(body.get(key))), "")
    if body.get("vnp_Version") != vnpay.VERSION or nested or missing:
        return _signed(echo, "03"), nested or missing or "vnp_Version"
    if command == "querydr":
        return _query(body, echo), ""
    return _refund(body, echo), ""


def _echoed(text: str, limit: int) -> str:
    """Unverified text echoed in a signed answer: cut, and UTF-8-encodable (JSON may carry a lone surrogate)."""
    return text[:limit].encode("utf-8", "replace").decode("utf-8")


def _query(body: dict, echo: dict) -> dict:
    record = SandboxTransaction.objects.filter(txn_ref=echo["vnp_TxnRef"]).first()
    if record is None:
        return _signed(echo, "91")
    # Like VNPay, a refunded transaction is reported as its refund: type 02 (all) / 03 (part), status 05
    # ("VNPay is processing the refund").
    kind, status = vnpay.PAYMENT, record.transaction_status
    if record.refunded_amount:
        kind = vnpay.FULL_REFUND if record.refunded_amount >= record.amount else vnpay.PARTIAL_REFUND
        status = "05"
    return _signed(
        {
            **echo,
            "vnp_Amount": str(record.amount * 100),
            "vnp_BankCode": record.bank_code,
            "vnp_CardType": "ATM",
            "vnp_PayDate": vnpay.format_date(record.pay_date),
            "vnp_TransactionNo": record.transaction_no,
            "vnp_TransactionType": kind,
            "vnp_TransactionStatus": status,
            "vnp_OrderInfo": record.order_info,
            "vnp_PromotionCode": "",
            "vnp_PromotionAmount": "",
        },
        "00",
    )


def _refund(body: dict, echo: dict) -> dict:
    kind, text = vnpay.as_text(body.get("vnp_TransactionType")), vnpay.as_text(body.get("vnp_Amount"))
    amount = vnpay.vnd_amount(text)
    if kind not in (vnpay.FULL_REFUND, vnpay.PARTIAL_REFUND) or not amount:
        return _signed(echo, "03")
    with transaction.atomic():
        record = SandboxTransaction.objects.select_for_update().filter(txn_ref=echo["vnp_TxnRef"]).first()
        if record is None:
            return _signed(echo, "91")
        if record.response_code != "00":
            return _signed(echo, "95")
        if record.refunded_amount >= record.amount:
            return _signed(echo, "94")
        if amount > record.amount - record.refunded_amount or (kind == vnpay.FULL_REFUND and amount != record.amount):
            return _signed(echo, "93")
        record.refunded_amount += amount
        record.save(update_fields=["refunded_amount"])
    return _signed(
        {
            **echo,
            "vnp_Amount": text,
            "vnp_BankCode": record.bank_code,
            "vnp_PayDate": vnpay.format_date(timezone.now()),
            "vnp_TransactionNo": f"{secrets.randbelow(10**8):08d}",
            "vnp_TransactionType": kind,
            "vnp_TransactionStatus": "05",  # VNPay is processing the refund
            "vnp_OrderInfo": vnpay.as_text(body.get("vnp_OrderInfo"))[:255],
        },
        "00",
    )


def _signed(data: dict, code: str) -> dict:
    command = data.get("vnp_Command", "")
    answer = {
        "vnp_ResponseId": secrets.token_hex(16),
        **data,
        "vnp_ResponseCode": code,
        "vnp_Message": API_MESSAGES[code],
        "vnp_TmnCode": TMN_CODE,
    }
    fields = vnpay.RESPONSE_FIELDS.get(command, vnpay.REFUND_RESPONSE_FIELDS)
    answer["vnp_SecureHash"] = vnpay.api_checksum(answer, fields, sandbox_secret())
    return answer
