"""The sandbox gateway: the VNPay 2.1.0 protocol (same parameters, same signature) against a local payment page at
``/thanh-toan/sandbox/`` — "MÔI TRƯỜNG THỬ NGHIỆM — KHÔNG PHẢI THANH TOÁN THẬT". Its hash secret is generated into the
data folder (``payment_sandbox_secret``) on first use.

On the page the tester chooses "Thanh toán", "Hủy" or "Không đủ số dư"; the sandbox records the outcome
(``SandboxTransaction``, which answers queries and refunds), sends the signed notification server-to-server through
a background task (``tasks.deliver_sandbox_ipn``) and redirects the browser to the signed return URL, as VNPay does.

Refused unless ``gateways.sandbox_allowed()`` (DEBUG, or PAYMENT_SANDBOX_ALLOWED and never SKHCN_ENV=production).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from ..models import SandboxTransaction
from . import vnpay
from .base import Outcome, QueryResult, RefundResult

TMN_CODE = "SKHCNSBX"
# Button -> (vnp_ResponseCode, vnp_TransactionStatus): 00 success, 24 cancelled by the payer, 51 insufficient funds.
CHOICES = {
    "thanh-toan": ("00", "00"),
    "huy": ("24", "02"),
    "khong-du-so-du": ("51", "02"),
}


def sandbox_secret() -> str:
    if configured := getattr(settings, "PAYMENT_SANDBOX_SECRET", ""):
        return configured
    path = Path(settings.DATA_DIR) / "payment_sandbox_secret"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class SandboxGateway(vnpay.VNPayGateway):
    name = "sandbox"
    label = "Cổng thử nghiệm (không phải thanh toán thật)"
    supports_query = True

    @property
    def tmn_code(self) -> str:
        return TMN_CODE

    @property
    def secret(self) -> str:
        return sandbox_secret()

    def pay_url(self, request) -> str:
        return reverse("payments:sandbox_pay")

    def query_transaction(self, payment) -> QueryResult:
        record = SandboxTransaction.objects.filter(txn_ref=payment.txn_ref).first()
        if record is None:
            return QueryResult(found=False, message="Cổng thử nghiệm không có giao dịch này.")
        params = result_params(record, order_info=vnpay.order_info(payment))
        params["vnp_SecureHash"] = vnpay.sign(params, self.secret)
        outcome: Outcome = vnpay.parse_outcome(params, self.secret)
        return QueryResult(found=True, outcome=outcome)

    def refund(self, payment, amount: int, reason: str) -> RefundResult:
        record = SandboxTransaction.objects.filter(txn_ref=payment.txn_ref, response_code="00").first()
        if record is None:
            return RefundResult(ok=False, message="Cổng thử nghiệm không có giao dịch thành công này.")
        if record.refunded_amount + amount > record.amount:
            return RefundResult(ok=False, message="Số tiền hoàn vượt quá số đã thanh toán.")
        record.refunded_amount += amount
        record.save(update_fields=["refunded_amount"])
        return RefundResult(ok=True, message="Đã hoàn tiền (thử nghiệm).", reference=f"HT{record.transaction_no}")


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
