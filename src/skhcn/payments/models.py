"""Fee payments of dossiers: one ``Payment`` per fee request, an append-only ``PaymentEvent`` log of everything a
gateway said with a valid signature (and of staff actions), and the sandbox gateway's own record of what the "bank"
did (``SandboxTransaction``).

A payment's state changes only in ``services`` (the gateway's notification, reconciliation, refunds), atomically with
the row locked.
"""

from django.conf import settings
from django.db import models

from skhcn.core.models import AppendOnlyError, AppendOnlyModel


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Chờ thanh toán"
    PAID = "paid", "Đã thanh toán"
    FAILED = "failed", "Không thành công"
    CANCELLED = "cancelled", "Người nộp đã hủy"
    REFUNDED = "refunded", "Đã hoàn tiền"


class Payment(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="payments", verbose_name="hồ sơ"
    )
    purpose = models.CharField("nội dung thu", max_length=255)
    amount = models.PositiveBigIntegerField("số tiền (đồng)")
    # Per item: [{"description", "quantity", "unit_amount"}]; empty when the amount was entered as a whole.
    items = models.JSONField("chi tiết", default=list, blank=True)
    txn_ref = models.CharField("mã giao dịch (TxnRef)", max_length=40, unique=True, null=True, blank=True)
    gateway = models.CharField("cổng thanh toán", max_length=20, blank=True)
    status = models.CharField(
        "trạng thái", max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField("chuyển sang cổng lúc", null=True, blank=True)
    gateway_transaction_no = models.CharField("mã giao dịch tại cổng", max_length=100, blank=True)
    bank_code = models.CharField("ngân hàng", max_length=50, blank=True)
    bank_tran_no = models.CharField("mã giao dịch ngân hàng", max_length=100, blank=True)
    card_type = models.CharField("loại thẻ", max_length=50, blank=True)
    response_code = models.CharField("mã phản hồi", max_length=10, blank=True)
    paid_at = models.DateTimeField("thanh toán lúc", null=True, blank=True)
    last_notification = models.JSONField("thông báo gần nhất (IPN)", default=dict, blank=True)
    # Money came in for a dossier that no longer needs it (withdrawn, stopped, refused): staff must refund.
    refund_needed = models.BooleanField("cần hoàn tiền", default=False)
    note = models.TextField("ghi chú hệ thống", blank=True)
    refunded_at = models.DateTimeField("hoàn tiền lúc", null=True, blank=True)
    # Refunded so far (đồng): equal to ``amount`` once the status is "refunded"; less after a partial refund.
    refunded_amount = models.PositiveBigIntegerField("đã hoàn (đồng)", default=0)
    # A refund sent to the gateway whose outcome is not known yet (set, committed, before the gateway is called;
    # cleared with the gateway's definite answer, a query or a staff confirmation). While set, no other refund.
    refund_in_flight_amount = models.PositiveBigIntegerField("đang chờ kết quả hoàn (đồng)", default=0)
    refund_in_flight_since = models.DateTimeField("gửi yêu cầu hoàn lúc", null=True, blank=True)
    refund_in_flight_reason = models.TextField("lý do hoàn (đang chờ kết quả)", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "khoản thanh toán"
        verbose_name_plural = "khoản thanh toán"
        indexes = [models.Index(fields=["status", "started_at"], name="payment_status_started")]
        constraints = [
            # Never more refunded (or reserved for a refund under way) than was paid.
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("amount") - models.F("refund_in_flight_amount")),
                name="payment_refunds_within_amount",
            )
        ]

    def __str__(self):
        return f"{self.txn_ref or self.pk} – {self.amount} đ ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == PaymentStatus.PENDING

    @property
    def refund_in_flight(self) -> bool:
        """A refund was sent to the gateway and its outcome is not known yet."""
        return self.refund_in_flight_since is not None

    @property
    def refundable_amount(self) -> int:
        """What may still be refunded: the paid amount less earlier refunds (0 unless paid, and while a refund's
        outcome is unknown)."""
        if self.status != PaymentStatus.PAID or self.refund_in_flight:
            return 0
        return max(self.amount - self.refunded_amount - self.refund_in_flight_amount, 0)


class PaymentEvent(AppendOnlyModel):
    """Append-only: every verified notification, return and query (known order or not), start, refund. Requests
    without a valid signature are not recorded here but logged as warnings (``refusals``)."""

    class Kind(models.TextChoices):
        REQUEST = "request", "Yêu cầu nộp phí"
        START = "start", "Chuyển sang cổng thanh toán"
        NOTIFICATION = "notification", "Thông báo từ cổng (IPN)"
        RETURN = "return", "Trình duyệt quay về"
        QUERY = "query", "Tra soát giao dịch"
        REFUND = "refund", "Hoàn tiền"
        REVIEW = "review", "Cán bộ rà soát (không cần hoàn tiền)"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="events")
    gateway = models.CharField(max_length=20, blank=True)
    txn_ref = models.CharField(max_length=100, blank=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    verified = models.BooleanField(default=False)
    # The reply code sent (IPN) or what came of it ("paid", "ignored: ...").
    result = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "nhật ký thanh toán"
        verbose_name_plural = "nhật ký thanh toán"

    def __str__(self):
        return f"{self.get_kind_display()} {self.txn_ref} ({self.result})"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("PaymentEvent is append-only.")


class SandboxTransaction(models.Model):
    """What the sandbox "bank" did with a transaction: answers the sandbox's query and refund."""

    txn_ref = models.CharField(max_length=40, unique=True)
    amount = models.PositiveBigIntegerField()  # VND
    response_code = models.CharField(max_length=10)
    transaction_status = models.CharField(max_length=10)
    transaction_no = models.CharField(max_length=20)
    bank_code = models.CharField(max_length=20, default="NCB")
    order_info = models.CharField(max_length=255, blank=True)
    pay_date = models.DateTimeField()
    refunded_amount = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "giao dịch thử nghiệm"
        verbose_name_plural = "giao dịch thử nghiệm"

    def __str__(self):
        return f"{self.txn_ref}: {self.response_code}"
