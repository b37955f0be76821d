"""Fee payments: staff request a fee, the applicant pays through a gateway, the gateway's notification (IPN) — and
only it, or reconciliation asking the gateway — changes the payment, and a confirmed payment records the fee as paid
in the dossier workflow (``record_fee_paid`` by ``workflow.SystemActor``).

Every status change goes through ``change_status`` — one transaction with the payment row locked (SELECT ... FOR
UPDATE), checked against the table in ``transitions``, logged in ``PaymentEvent``. A replayed or duplicated
notification finds the payment no longer pending and changes nothing (``NotificationResult.ALREADY_CONFIRMED``).
Everything a gateway says with a valid signature is logged in ``PaymentEvent``; a request without one is refused
before it changes anything and only logged as a warning (``refusals``: anyone can send those, so they write nothing to
the database). This module speaks in domain terms only: each gateway plugin maps its protocol's codes to ``Outcome``
and ``NotificationResult`` back to its replies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.staff import has_role
from skhcn.core.sitemaps import absolute_url
from skhcn.core.text import format_vnd
from skhcn.deadlines.calendar import TZ
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.models import Dossier
from skhcn.dossiers.notify import notify_applicant
from skhcn.dossiers.workflow import SystemActor, WorkflowError, perform
from skhcn.dossiers.workflow.access import visible_dossiers
from skhcn.notifications.constants import Event as NotificationEvent
from skhcn.notifications.services import guarded

from .gateways import GatewayError, GatewayNotSent, GatewayUnavailable, NotificationResult, enabled_names, get_gateway
from .gateways.base import UNCHANGED, Outcome, RefundKind, ReturnResult
from .models import Payment, PaymentEvent, PaymentStatus
from .receipt_numbers import txn_ref_for
from .transitions import check_transition

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = SystemActor("Cổng thanh toán trực tuyến")
FEE_ROLES = (StaffRole.ONE_STOP, StaffRole.ADMINISTRATOR)
# A fee may be requested for a filed dossier still being handled.
REQUESTABLE = frozenset(
    {
        Status.SUBMITTED,
        Status.AWAITING_FEE,
        Status.RECEIVED,
        Status.TRANSFERRED,
        Status.ASSIGNED,
        Status.SUPPLEMENT_REQUESTED,
        Status.AT_DIVISION_HEAD,
        Status.AT_LEADER,
        Status.APPROVED,
        Status.RESULT_ISSUED,
    }
)
# Money arriving for these dossiers is not needed any more: it is recorded and flagged for a refund.
ENDED = frozenset({Status.WITHDRAWN, Status.STOPPED, Status.REFUSED, Status.REFUSED_AT_INTAKE, Status.CLOSED})
MAX_AMOUNT = 10_000_000_000  # VND: far above any administrative fee; guards against typing errors
MAX_QUANTITY = 10_000
RECONCILE_AFTER = timedelta(minutes=15)
RECONCILE_WITHIN = timedelta(days=7)
DEFAULT_PURPOSE = "Phí, lệ phí giải quyết thủ tục hành chính"
MAX_REASON = 1000
# NUL cannot be stored in a PostgreSQL text column; no keyboard types it.
INVALID_CHARACTER = "Nội dung chứa ký tự không hợp lệ (NUL); vui lòng nhập lại."


class PaymentError(Exception):
    """A refused payment operation; ``message`` is Vietnamese, for the screen as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _log(payment, kind, *, gateway="", txn_ref="", verified=False, result="", data=None, actor=None):
    return PaymentEvent.objects.create(
        payment=payment,
        gateway=gateway or (payment.gateway if payment else ""),
        txn_ref=(txn_ref or (payment.txn_ref if payment else "") or "")[:100],
        kind=kind,
        verified=verified,
        result=result[:100],
        data=data or {},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


# --- THE entry point of every status change ----------------------------------------------------------------------
def change_status(
    payment,
    target: str,
    *,
    kind: str,
    result: str = "",
    data: dict | None = None,
    actor=None,
    changes: dict | None = None,
    effects: Callable[[Payment], str] | None = None,
    after_commit: Callable[[], None] | None = None,
    locked: bool = False,
) -> Payment:
    """Move ``payment`` to status ``target``: the one function that changes a payment's status.

    In one transaction (a savepoint inside the caller's): the row is locked (SELECT ... FOR UPDATE) and read again,
    the transition checked against ``transitions`` (``TransitionError`` otherwise, nothing changed), ``changes``
    (other fields) applied with the status and saved, ``effects(locked)`` run with the row still locked (e.g. record
    the fee in the dossier; what it returns is added to the log line), and a ``PaymentEvent`` of ``kind`` appended
    with ``result`` (and that effect) and ``data``. Side effects outside the database happen only once committed:
    the applicant's messages recorded by ``effects`` are sent after commit by ``skhcn.notifications``, and
    ``after_commit`` runs then. Returns the locked, updated payment.

    ``locked=True``: the caller read ``payment`` with its row locked (``select_for_update``) in the transaction still
    open around this call, and decided on what it read: the row is not read (nor locked) again.
    """
    if locked and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("change_status(locked=True) outside the transaction that locked the row")
    with transaction.atomic():
        row = payment if locked else Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        check_transition(row.status, target)
        for field, value in (changes or {}).items():
            setattr(row, field, value)
        row.status = target
        row.save()
        effect = effects(row) if effects else ""
        _log(row, kind, verified=True, result=" ".join(f"{result} {effect or ''}".split()), data=data, actor=actor)
        if after_commit is not None:
            transaction.on_commit(after_commit)
    return row


# --- staff: request a fee ---------------------------------------------------------------------------------------------
def can_request_fee(user, dossier) -> bool:
    return (
        has_role(user, *FEE_ROLES)
        and dossier.status in REQUESTABLE
        and visible_dossiers(user).filter(pk=dossier.pk).exists()
    )


def default_purpose(procedure) -> str:
    text = (procedure.fee_description or "").strip()
    return (text or DEFAULT_PURPOSE)[:255]


def request_fee(
    dossier,
    actor,
    *,
    amount: int | None = None,
    purpose: str = "",
    quantity: int | None = None,
    unit_amount: int | None = None,
) -> Payment:
    """A pending payment of ``amount`` đồng (default: the procedure's ``fee_amount``; or ``quantity`` × ``unit_amount``
    entered by staff) for ``dossier``. One pending request per dossier at a time.

    A procedure whose fee is a range (``Procedure.fee_is_range``) has no default: the amount is required and must lie
    within [fee_amount, fee_amount_max]."""
    if not has_role(actor, *FEE_ROLES) or not visible_dossiers(actor).filter(pk=dossier.pk).exists():
        raise PaymentError("Tài khoản không có quyền yêu cầu nộp phí đối với hồ sơ này.")
    items = []
    if quantity is not None or unit_amount is not None:
        if not quantity or not unit_amount or quantity < 1 or unit_amount < 1 or quantity > MAX_QUANTITY:
            raise PaymentError("Vui lòng nhập số lượng và đơn giá (số nguyên dương).")
        amount = quantity * unit_amount
        items = [
            {
                "description": (purpose or default_purpose(dossier.procedure))[:255],
                "quantity": quantity,
                "unit_amount": unit_amount,
            }
        ]
    procedure = dossier.procedure
    if procedure.fee_is_range:
        # A fee by range: staff set this dossier's amount (the total, also when entered as quantity × unit price).
        if amount is None:
            raise PaymentError("Thủ tục có mức phí theo khoảng; vui lòng nhập số tiền.")
        if not procedure.fee_amount <= amount <= procedure.fee_amount_max:
            raise PaymentError(
                f"Số tiền phải trong khoảng từ {vnd(procedure.fee_amount)} đến {vnd(procedure.fee_amount_max)} "
                "theo biểu phí của thủ tục."
            )
    elif amount is None:
        amount = procedure.fee_amount
    if not amount or amount < 1:
        raise PaymentError("Số tiền phải lớn hơn 0 đồng (thủ tục này chưa khai báo mức phí: hãy nhập số tiền).")
    if amount > MAX_AMOUNT:
        raise PaymentError("Số tiền vượt quá mức cho phép, vui lòng kiểm tra lại.")
    purpose = (purpose or "").strip()[:255] or default_purpose(dossier.procedure)
    if "\x00" in purpose:
        raise PaymentError(INVALID_CHARACTER)
    with transaction.atomic():
        # The dossier row serialises requests: at most one pending payment per dossier.
        locked = type(dossier).objects.select_for_update().get(pk=dossier.pk)
        if locked.status not in REQUESTABLE:
            raise PaymentError(f"Không thể yêu cầu nộp phí khi hồ sơ ở trạng thái “{locked.get_status_display()}”.")
        if Payment.objects.filter(dossier=locked, status=PaymentStatus.PENDING).exists():
            raise PaymentError("Hồ sơ đang có một khoản phí chờ thanh toán; không tạo thêm yêu cầu.")
        payment = Payment.objects.create(
            dossier=locked, purpose=purpose, amount=amount, items=items, requested_by=actor
        )
        payment.txn_ref = txn_ref_for(payment)
        payment.save(update_fields=["txn_ref"])
        _log(
            payment,
            PaymentEvent.Kind.REQUEST,
            verified=True,
            result="pending",
            data={"amount": amount, "purpose": purpose, "items": items},
            actor=actor,
        )
        _tell_applicant(payment, locked, NotificationEvent.FEE_REQUESTED)
    return payment


@guarded
def _tell_applicant(payment, dossier, event: str) -> None:
    """Recorded with the payment change, sent after commit (``skhcn.notifications``)."""
    notify_applicant(
        dossier,
        event,
        {
            "so_tien": vnd(payment.amount),
            "le_phi": payment.purpose,
            "ma_giao_dich": payment.gateway_transaction_no,
            "lien_ket_thanh_toan": absolute_url(reverse("payments:pay", kwargs={"pk": payment.pk})),
        },
    )


# --- applicant: pay ---------------------------------------------------------------------------------------------------
def payable(payment) -> bool:
    return payment.is_pending and payment.dossier.status not in ENDED and bool(enabled_names())


def start(payment, request, gateway_name: str | None = None) -> str:
    """Send the payer to the gateway: the URL to redirect the browser to."""
    names = enabled_names()
    name = gateway_name if gateway_name in names else (names[0] if names else None)
    if name is None:
        raise PaymentError("Hiện chưa có cổng thanh toán trực tuyến nào được bật.")
    gateway = get_gateway(name)
    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=payment.pk)
        if not payable(locked):
            raise PaymentError("Khoản phí này không còn chờ thanh toán.")
        locked.gateway = name
        locked.started_at = timezone.now()
        locked.save(update_fields=["gateway", "started_at", "updated_at"])
        url = gateway.start_payment(locked, request)
        _log(locked, PaymentEvent.Kind.START, verified=True, result="redirected", actor=request.user)
    return url


def record_return(gateway_name: str, outcome: Outcome) -> ReturnResult:
    """Log a verified browser return and say what it shows — never changes the payment. An unverified one is shown
    as invalid and not recorded (the gateway logged the refusal)."""
    if not outcome.verified:
        return ReturnResult(outcome=outcome, payment=None, amount_matches=False)
    payment = Payment.objects.select_related("dossier").filter(txn_ref=outcome.txn_ref, gateway=gateway_name).first()
    matches = payment is not None and outcome.amount == payment.amount
    _log(
        payment,
        PaymentEvent.Kind.RETURN,
        gateway=gateway_name,
        txn_ref=outcome.txn_ref,
        verified=True,
        result=("shown" if matches else "bad_amount") if payment else "unknown_order",
        data=outcome.raw,
    )
    return ReturnResult(outcome=outcome, payment=payment, amount_matches=matches)


# --- gateway: notification (the only state change from outside) ----------------------------------------------------
def apply_notification(
    gateway_name: str, outcome: Outcome, *, kind: str = PaymentEvent.Kind.NOTIFICATION
) -> NotificationResult:
    """Apply a gateway's notification (or a reconciliation query's answer); what came of it, in domain terms (the
    gateway plugin turns it into its protocol's reply). A malformed or unverified outcome is refused without touching
    the database; any unexpected error is logged and answered ``ERROR``, nothing changed."""
    if outcome.malformed:
        return NotificationResult.REFUSED
    if not outcome.verified:  # the gateway logged the refusal; never recorded: anyone can send one
        return NotificationResult.BAD_SIGNATURE
    try:
        return _apply(gateway_name, outcome, kind)
    except Exception:
        logger.exception("Payment notification %s/%s failed", gateway_name, outcome.txn_ref)
        try:
            _log(
                None,
                kind,
                gateway=gateway_name,
                txn_ref=outcome.txn_ref,
                verified=outcome.verified,
                result=NotificationResult.ERROR,
                data=outcome.raw,
            )
        except Exception:
            logger.exception("Could not log the failed payment notification")
        return NotificationResult.ERROR


def _apply(gateway_name: str, outcome: Outcome, kind: str) -> NotificationResult:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(txn_ref=outcome.txn_ref, gateway=gateway_name).first()
        if payment is None:
            result = NotificationResult.UNKNOWN_ORDER
            _log(
                None,
                kind,
                gateway=gateway_name,
                txn_ref=outcome.txn_ref,
                verified=True,
                result=result,
                data=outcome.raw,
            )
            return result
        if outcome.amount != payment.amount:
            _log(payment, kind, verified=True, result=NotificationResult.AMOUNT_MISMATCH, data=outcome.raw)
            return NotificationResult.AMOUNT_MISMATCH
        # Money confirmed for a payment an earlier notification had recorded as failed or cancelled: the money is
        # real, so it is recorded (and flagged when the fee was paid otherwise meanwhile).
        late = outcome.success and payment.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED)
        if payment.status != PaymentStatus.PENDING and not late:
            _log(payment, kind, verified=True, result=NotificationResult.ALREADY_CONFIRMED, data=outcome.raw)
            return NotificationResult.ALREADY_CONFIRMED
        if not outcome.success and outcome.undecided:
            # Not finished (or not final) at the gateway yet: stays pending.
            _log(payment, kind, verified=True, result=f"still_pending {outcome.transaction_status}", data=outcome.raw)
            return NotificationResult.ACCEPTED
        changes = {
            "last_notification": outcome.raw,
            "response_code": outcome.response_code,
            "gateway_transaction_no": outcome.transaction_no,
            "bank_code": outcome.bank_code,
            "bank_tran_no": outcome.bank_tran_no,
            "card_type": outcome.card_type,
        }
        accepted = NotificationResult.ACCEPTED
        if not outcome.success:
            target = PaymentStatus.CANCELLED if outcome.cancelled else PaymentStatus.FAILED
            change_status(
                payment,
                target,
                kind=kind,
                result=f"{accepted} {target}",
                data=outcome.raw,
                changes=changes,
                locked=True,
            )
            return accepted
        changes["paid_at"] = outcome.pay_date or timezone.now()
        warn = None
        if late:
            previous = payment.get_status_display()
            changes["note"] = _append(
                payment.note, f"Cổng thanh toán xác nhận đã nhận tiền sau khi khoản này được ghi “{previous}”."
            )

            def warn():
                logger.warning("Payment %s: success confirmed after %s", payment.pk, previous)

        change_status(
            payment,
            PaymentStatus.PAID,
            kind=kind,
            result=f"{accepted} {PaymentStatus.PAID} {'late' if late else ''}",
            data=outcome.raw,
            changes=changes,
            effects=_fee_paid,
            after_commit=warn,
            locked=True,
        )
    return accepted


def _fee_paid(payment) -> str:
    """The effects of a confirmed payment (inside ``change_status``, the row locked): the fee recorded in the dossier,
    the applicant told (sent after commit)."""
    effect = _record_fee(payment)
    payment.dossier.refresh_from_db()  # record_fee_paid may have started the clock: the message gives the date
    _tell_applicant(payment, payment.dossier, NotificationEvent.FEE_PAID)
    return effect


def _append(note: str, line: str) -> str:
    return f"{note}\n{line}".strip()


def paid_twin(payment):
    """Another payment of the same dossier for the same fee (purpose and amount), paid and not refunded: this one
    pays the fee a second time."""
    return (
        Payment.objects.filter(
            dossier_id=payment.dossier_id, status=PaymentStatus.PAID, amount=payment.amount, purpose=payment.purpose
        )
        .exclude(pk=payment.pk)
        .order_by("paid_at", "id")
        .first()
    )


def _record_fee(payment) -> str:
    """The fee is paid: start the dossier's clock when it waits for the fee; flag a refund when the dossier ended or
    the same fee was already paid (double payment). Runs inside ``change_status``, the payment row locked."""
    # The dossier row serialises payments of one dossier, so two payments of the same fee cannot both miss the
    # other (lock order: payment, then dossier; nothing locks them the other way round).
    dossier = Dossier.objects.select_for_update().get(pk=payment.dossier_id)
    payment.dossier = dossier
    if dossier.status in ENDED:
        payment.refund_needed = True
        payment.note = _append(
            payment.note,
            f"Tiền về khi hồ sơ đã ở trạng thái “{dossier.get_status_display()}”: không thay đổi hồ sơ, "
            "cán bộ cần hoàn tiền cho người nộp.",
        )
        payment.save(update_fields=["refund_needed", "note", "updated_at"])
        logger.warning("Payment %s paid for ended dossier %s: refund needed", payment.pk, dossier.pk)
        return "refund_needed"
    if twin := paid_twin(payment):
        payment.refund_needed = True
        payment.note = _append(
            payment.note,
            f"Có thể nộp trùng: khoản {twin.txn_ref} cùng nội dung, cùng số tiền đã được thanh toán lúc "
            f"{local_text(twin.paid_at)}. Cán bộ kiểm tra và hoàn tiền khoản này nếu đúng là nộp trùng.",
        )
        payment.save(update_fields=["refund_needed", "note", "updated_at"])
        logger.warning("Payment %s duplicates paid payment %s: refund needed", payment.pk, twin.pk)
        return "double_payment"
    if dossier.status != Status.AWAITING_FEE:
        return "recorded"
    today = timezone.now().astimezone(TZ).date()
    day = min(payment.paid_at.astimezone(TZ).date(), today)
    if dossier.received_at:
        day = max(day, dossier.received_at.astimezone(TZ).date())
    comment = f"Nộp phí trực tuyến {payment.amount:,} đồng, mã giao dịch {payment.gateway_transaction_no}.".replace(
        ",", "."
    )
    for _attempt in range(3):
        try:
            perform(
                dossier.pk,
                Action.RECORD_FEE_PAID,
                SYSTEM_ACTOR,
                expected_version=dossier.version,
                comment=comment,
                date=day,
            )
            return "fee_recorded"
        except WorkflowError as exc:
            dossier.refresh_from_db(fields=["status", "version", "received_at"])
            if exc.code == "stale" and dossier.status == Status.AWAITING_FEE:
                continue
            payment.note = _append(payment.note, f"Đã nhận tiền nhưng chưa ghi nhận nộp phí vào hồ sơ: {exc.message}")
            payment.save(update_fields=["note", "updated_at"])
            logger.warning("Payment %s: record_fee_paid refused (%s)", payment.pk, exc.code)
            return f"workflow_refused:{exc.code}"
    return "workflow_refused:stale"


# --- reconciliation ---------------------------------------------------------------------------------------------------
def reconcile_pending(now=None) -> dict:
    """Ask the gateway about payments sent to it more than 15 minutes ago and still pending; apply the answers."""
    now = now or timezone.now()
    counts = {"checked": 0, "applied": 0, "unsupported": 0, "errors": 0}
    unavailable = set()  # gateways that could not be reached in this run: not asked again until the next one
    candidates = Payment.objects.filter(
        status=PaymentStatus.PENDING,
        started_at__lt=now - RECONCILE_AFTER,
        started_at__gte=now - RECONCILE_WITHIN,
    ).exclude(gateway="")
    for payment in candidates.order_by("started_at", "id")[:200]:
        # One payment's trouble (a bug, a broken answer) must not stop the others: the oldest is asked first on
        # every run, so an uncaught error there would block reconciliation for good.
        try:
            _reconcile_one(payment, counts, unavailable)
        except Exception:
            counts["errors"] += 1
            logger.exception("Reconciliation of payment %s failed", payment.pk)
            try:
                _log(payment, PaymentEvent.Kind.QUERY, result="error", data={"message": "unexpected error"})
            except Exception:
                logger.exception("Could not log the failed reconciliation of payment %s", payment.pk)
    return counts


def _reconcile_one(payment, counts: dict, unavailable: set) -> None:
    try:
        gateway = get_gateway(payment.gateway)
    except LookupError:
        return
    if payment.gateway in unavailable:
        return
    if not getattr(gateway, "supports_query", False):  # a gateway plugin without a query API
        counts["unsupported"] += 1
        return
    counts["checked"] += 1
    try:
        result = gateway.query_transaction(payment)
    except GatewayError as exc:
        counts["errors"] += 1
        _log(payment, PaymentEvent.Kind.QUERY, verified=False, result="error", data={"message": exc.message})
        if isinstance(exc, GatewayUnavailable):
            unavailable.add(payment.gateway)
        return
    if not result.found or result.outcome is None:
        _log(payment, PaymentEvent.Kind.QUERY, verified=True, result="not_found", data={"message": result.message})
        return
    if apply_notification(payment.gateway, result.outcome, kind=PaymentEvent.Kind.QUERY) == NotificationResult.ACCEPTED:
        counts["applied"] += 1


# --- staff: query now, refund, clear a refund flag -------------------------------------------------------------------
def _staff_check(payment, actor, what: str) -> None:
    if not has_role(actor, *FEE_ROLES) or not visible_dossiers(actor).filter(pk=payment.dossier_id).exists():
        raise PaymentError(f"Tài khoản không có quyền {what} khoản này.")


def _gateway_of(payment):
    try:
        return get_gateway(payment.gateway)
    except LookupError:
        raise PaymentError("Cổng thanh toán của khoản này hiện không được bật.") from None


def query_now(payment, actor) -> str:
    """Staff ask the gateway about a pending payment now (as reconciliation does), or about the refund of a paid
    payment whose outcome is unknown; the Vietnamese outcome."""
    _staff_check(payment, actor, "tra soát")
    payment.refresh_from_db()
    if payment.refund_in_flight:
        return _query_refund(payment, actor)
    if not payment.is_pending or not payment.gateway or payment.started_at is None:
        raise PaymentError("Chỉ tra soát được khoản đang chờ thanh toán đã được chuyển sang cổng thanh toán.")
    gateway = _gateway_of(payment)
    try:
        result = gateway.query_transaction(payment)
    except GatewayError as exc:
        _log(payment, PaymentEvent.Kind.QUERY, result="error", data={"message": exc.message}, actor=actor)
        raise PaymentError(exc.message) from None
    except Exception:
        logger.exception("Payment %s: query failed", payment.pk)
        _log(payment, PaymentEvent.Kind.QUERY, result="error", data={"message": "unexpected error"}, actor=actor)
        raise PaymentError(f"Lỗi không xác định khi tra soát với cổng thanh toán. {UNCHANGED}") from None
    if not result.found or result.outcome is None:
        _log(
            payment,
            PaymentEvent.Kind.QUERY,
            verified=True,
            result="not_found",
            data={"message": result.message},
            actor=actor,
        )
        return result.message or "Cổng thanh toán chưa có giao dịch này."
    applied = apply_notification(payment.gateway, result.outcome, kind=PaymentEvent.Kind.QUERY)
    payment.refresh_from_db()
    if applied == NotificationResult.AMOUNT_MISMATCH:
        raise PaymentError("Cổng thanh toán báo số tiền khác với khoản phí: không ghi nhận, vui lòng kiểm tra.")
    if applied not in (NotificationResult.ACCEPTED, NotificationResult.ALREADY_CONFIRMED):
        raise PaymentError("Không áp dụng được kết quả tra soát (lỗi hệ thống), vui lòng thử lại sau.")
    if payment.is_pending:
        return "Cổng thanh toán báo giao dịch chưa hoàn tất; khoản phí vẫn chờ thanh toán."
    return f"Kết quả tra soát: “{payment.get_status_display()}”."


# --- refunds ----------------------------------------------------------------------------------------------------------
# A refund is recorded in three steps, so that no outcome is ever lost:
# 1. reserve: the payment row locked, checks, then the amount and the time are set on the payment (the marker
#    "đang chờ kết quả hoàn tiền") and a "requested" event logged — committed before the gateway is called;
# 2. the gateway is called with no row locked;
# 3. a definite answer (done, or refused) is applied and the marker cleared in one transaction. When the answer is
#    unknown (timeout, network error, broken or unverifiable answer) the marker stays: no new refund of the payment
#    until a query (``query_now``) or an officer (``confirm_refund``) settles it.
REFUND_UNKNOWN = "Chưa rõ kết quả hoàn tiền tại cổng thanh toán; vui lòng tra soát trước khi hoàn lại."


def _refund_detail(message: str) -> str:
    """A gateway error's message without "nothing changed, try again later" — untrue for a refund sent out."""
    return message.replace(UNCHANGED, "").strip()


def in_flight_text(payment) -> str:
    return (
        f"Đang chờ kết quả hoàn tiền {vnd(payment.refund_in_flight_amount)} "
        f"(gửi cổng thanh toán lúc {local_text(payment.refund_in_flight_since)})"
    )


def _refusal_if_not_refundable(locked) -> str:
    if locked.refund_in_flight:
        return (
            f"{in_flight_text(locked)}: vui lòng tra soát với cổng thanh toán hoặc xác nhận kết quả trước khi hoàn "
            "tiếp."
        )
    if locked.status == PaymentStatus.REFUNDED:
        return "Khoản này đã được hoàn tiền toàn bộ; không hoàn thêm được."
    if locked.status != PaymentStatus.PAID:
        return f"Chỉ hoàn tiền được khoản đã thanh toán (khoản này: “{locked.get_status_display()}”)."
    return ""


def refund(payment, actor, reason: str, amount: int | None = None) -> Payment:
    """Refund ``amount`` đồng (default: all that is left) of a paid payment through its gateway, with a reason.

    Refused (``PaymentError``, nothing changed): no fee role or dossier not visible, no reason, an amount that is not
    a positive whole number or exceeds what was paid less earlier refunds, a payment not (or no longer) paid — which
    also refuses the same refund twice — or one whose previous refund has no known outcome yet. The amount is
    reserved (row locked, committed) before the gateway is called, so two officers cannot refund it at once and
    refunds never exceed the payment. A refusal of the gateway is logged and shown as is; an unknown outcome keeps the
    reservation and says so (``REFUND_UNKNOWN``).
    """
    _staff_check(payment, actor, "hoàn tiền")
    reason = _checked_reason(reason, "Vui lòng nhập lý do hoàn tiền.", "Lý do hoàn tiền quá dài")
    if amount is not None and amount < 1:
        raise PaymentError("Số tiền hoàn phải là số nguyên dương (đồng).")
    # 1. Reserve.
    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=payment.pk)
        if refusal := _refusal_if_not_refundable(locked):
            raise PaymentError(refusal)
        left = locked.refundable_amount
        amount = left if amount is None else amount
        if amount > left:
            raise PaymentError(
                f"Số tiền hoàn {vnd(amount)} vượt quá số tiền còn có thể hoàn của khoản này ({vnd(left)})."
            )
        gateway = _gateway_of(locked)
        since = timezone.now()  # identifies this reservation (stored to the microsecond)
        locked.refund_in_flight_amount = amount
        locked.refund_in_flight_since = since
        locked.refund_in_flight_reason = reason
        locked.save(
            update_fields=["refund_in_flight_amount", "refund_in_flight_since", "refund_in_flight_reason", "updated_at"]
        )
        _log(
            locked,
            PaymentEvent.Kind.REFUND,
            verified=True,
            result="requested",
            data={"reason": reason, "amount": amount},
            actor=actor,
        )
    # 2. Ask the gateway, no row locked.
    data = {"reason": reason, "amount": amount}
    try:
        result = gateway.refund(locked, amount, reason, created_by=getattr(actor, "username", ""))
    except GatewayNotSent as exc:  # it never got there: nothing happened
        _settle_or_keep(
            locked, since, refunded=False, result="error", data={**data, "message": exc.message}, actor=actor
        )
        raise PaymentError(exc.message) from None
    except GatewayError as exc:
        raise _refund_unknown(locked, actor, data, _refund_detail(exc.message)) from None
    except Exception:
        logger.exception("Payment %s: refund call failed", locked.pk)
        raise _refund_unknown(locked, actor, data, "Lỗi không xác định khi gọi cổng thanh toán để hoàn tiền.") from None
    # 3. A definite answer.
    if not result.ok:
        message = result.message or "Cổng thanh toán từ chối hoàn tiền."
        _settle_or_keep(locked, since, refunded=False, result="refused", data={**data, "message": message}, actor=actor)
        raise PaymentError(message)
    done = _settle_or_keep(
        locked, since, refunded=True, result="refunded", data={**data, "reference": result.reference}, actor=actor
    )
    if done is None:
        if not Payment.objects.filter(pk=locked.pk, refund_in_flight_since=since).exists():
            raise PaymentError(
                f"Cổng thanh toán đã nhận yêu cầu hoàn {vnd(amount)}, nhưng kết quả lần hoàn tiền này đã được xác nhận "
                "trong lúc chờ cổng trả lời: vui lòng kiểm tra lại số tiền đã hoàn của khoản này."
            )
        raise PaymentError(
            f"Cổng thanh toán đã nhận yêu cầu hoàn {vnd(amount)} nhưng hệ thống chưa ghi nhận được (lỗi hệ thống). "
            "Khoản này vẫn ở trạng thái chờ kết quả hoàn tiền: vui lòng tra soát hoặc bấm “Xác nhận kết quả hoàn "
            "tiền” (đã hoàn)."
        )
    return done


def _refund_unknown(payment, actor, data: dict, detail: str) -> PaymentError:
    """The gateway may or may not have refunded: the reservation stays, staff are told to check (the error to raise)."""
    try:
        _log(payment, PaymentEvent.Kind.REFUND, result="unknown", data={**data, "message": detail}, actor=actor)
    except Exception:
        logger.exception("Payment %s: could not log an unknown refund outcome", payment.pk)
    return PaymentError(f"{detail} {REFUND_UNKNOWN}".strip())


def _settle_or_keep(payment, since, **kwargs) -> Payment | None:
    """``_settle_refund``; on a failure (database error...) the reservation stays and the failure is logged."""
    try:
        return _settle_refund(payment.pk, since, **kwargs)
    except Exception:
        logger.exception("Payment %s: could not record the refund outcome %s", payment.pk, kwargs.get("result"))
        try:
            _log(
                payment,
                PaymentEvent.Kind.REFUND,
                verified=True,
                result=f"unrecorded {kwargs.get('result', '')}",
                data=kwargs.get("data") or {},
                actor=kwargs.get("actor"),
            )
        except Exception:
            logger.exception("Payment %s: could not log the unrecorded refund outcome", payment.pk)
        return None


def _settle_refund(pk, since, *, refunded: bool, result: str, data: dict, actor=None, note: str = "") -> Payment | None:
    """Apply a refund's definite outcome and clear the reservation — one transaction, the row locked. ``since``: the
    reservation this outcome belongs to (None: whichever is set); None returned when it is no longer there (settled
    meanwhile), after logging the outcome."""
    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).get(pk=pk)
        if not locked.refund_in_flight or (since is not None and locked.refund_in_flight_since != since):
            if since is not None:  # the gateway's answer came after the refund was settled otherwise: kept in the log
                _log(locked, PaymentEvent.Kind.REFUND, verified=True, result=f"late {result}", data=data, actor=actor)
            return None
        amount, reason = locked.refund_in_flight_amount, locked.refund_in_flight_reason
        now = timezone.now()
        changes = {"refund_in_flight_amount": 0, "refund_in_flight_since": None, "refund_in_flight_reason": ""}
        full = False
        text = locked.note
        if refunded:
            changes["refunded_amount"] = locked.refunded_amount + amount
            full = changes["refunded_amount"] >= locked.amount
            if full:
                changes["refunded_at"] = now
            changes["refund_needed"] = False
            text = _append(text, f"Hoàn tiền {vnd(amount)} ({local_text(now)}): {reason}")
            if result == "refunded":
                result = "refunded" if full else "refunded_partly"
        if note:
            text = _append(text, note)
        changes["note"] = text
        logged = {"amount": amount, "reason": reason, **data}
        if full:  # the one refund outcome that changes the status
            return change_status(
                locked,
                PaymentStatus.REFUNDED,
                kind=PaymentEvent.Kind.REFUND,
                result=result,
                data=logged,
                actor=actor,
                changes=changes,
                locked=True,
            )
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.save()
        _log(locked, PaymentEvent.Kind.REFUND, verified=True, result=result, data=logged, actor=actor)
    return locked


def _query_refund(payment, actor) -> str:
    """Ask the gateway what became of a refund whose outcome is unknown. The gateway plugin reports a refund as its
    kind (``Outcome.refund``: full / partial) and whether it was carried out (``Outcome.refund_done``). Settled
    automatically only when the answer is unambiguous — the payment's first refund, of the kind that was sent;
    otherwise staff read the answer and confirm (``confirm_refund``)."""
    gateway = _gateway_of(payment)
    since = payment.refund_in_flight_since
    still = "Khoản này vẫn chờ kết quả hoàn tiền."
    try:
        result = gateway.query_transaction(payment)
    except GatewayError as exc:
        _log(payment, PaymentEvent.Kind.QUERY, result="error", data={"message": exc.message}, actor=actor)
        raise PaymentError(f"{_refund_detail(exc.message)} {still}") from None
    except Exception:
        logger.exception("Payment %s: refund query failed", payment.pk)
        _log(payment, PaymentEvent.Kind.QUERY, result="error", data={"message": "unexpected error"}, actor=actor)
        raise PaymentError(f"Lỗi không xác định khi tra soát với cổng thanh toán. {still}") from None
    outcome = result.outcome if result.found else None
    raw = outcome.raw if outcome else {}
    # The gateway's own words for the transaction's kind and status, shown to staff and logged as they are.
    kind, status = (outcome.transaction_type, outcome.transaction_status) if outcome else ("", "")
    expected = RefundKind.FULL if payment.refund_in_flight_amount == payment.amount else RefundKind.PARTIAL
    verdict = None
    if outcome and outcome.txn_ref == payment.txn_ref and payment.refunded_amount == 0 and outcome.refund == expected:
        verdict = outcome.refund_done
    _log(
        payment,
        PaymentEvent.Kind.QUERY,
        verified=outcome is not None,
        result={True: "refund_done", False: "refund_refused", None: "refund_undecided"}[verdict],
        data=raw or {"message": result.message},
        actor=actor,
    )
    if verdict is None:
        seen = f"loại giao dịch {kind or '—'}, trạng thái {status or '—'}" if outcome else "không có giao dịch"
        return (
            f"Cổng thanh toán chưa cho thấy rõ kết quả của lần hoàn tiền này ({seen}). {still} Vui lòng kiểm tra "
            "trên trang quản trị của cổng thanh toán rồi bấm “Xác nhận kết quả hoàn tiền”."
        )
    done = _settle_or_keep(
        payment,
        since,
        refunded=verdict,
        result="refunded" if verdict else "not_refunded",
        data={"source": "query", "transaction_type": kind, "transaction_status": status},
        actor=actor,
        note="" if verdict else f"Cổng thanh toán từ chối hoàn tiền (tra soát lúc {local_text(timezone.now())}).",
    )
    if done is None:
        raise PaymentError(f"Không ghi nhận được kết quả tra soát hoàn tiền (lỗi hệ thống). {still}")
    if verdict:
        status = done.get_status_display()
        return f"Cổng thanh toán xác nhận đã hoàn tiền: “{status}”, đã hoàn {vnd(done.refunded_amount)}."
    return "Cổng thanh toán báo lần hoàn tiền này bị từ chối: chưa hoàn, có thể hoàn lại."


def _checked_reason(reason: str, missing: str, too_long: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(missing)
    if len(reason) > MAX_REASON:
        raise PaymentError(f"{too_long} (tối đa {MAX_REASON} ký tự).")
    if "\x00" in reason:
        raise PaymentError(INVALID_CHARACTER)
    return reason


def confirm_refund(payment, actor, *, refunded: bool, reason: str) -> Payment:
    """Staff settle a refund whose outcome was unknown, having checked at the gateway (its merchant portal, the
    bank): ``refunded`` — it was carried out — or not; with a reason, kept in the note and the log."""
    _staff_check(payment, actor, "xác nhận kết quả hoàn tiền")
    reason = _checked_reason(reason, "Vui lòng nhập căn cứ xác nhận kết quả hoàn tiền.", "Lý do quá dài")
    what = "đã hoàn tiền" if refunded else "chưa hoàn tiền"
    done = _settle_refund(
        payment.pk,
        None,
        refunded=refunded,
        result="confirmed_refunded" if refunded else "confirmed_not_refunded",
        data={"source": "staff", "confirmation": reason},
        actor=actor,
        note=f"Cán bộ xác nhận {what} ({local_text(timezone.now())}): {reason}",
    )
    if done is None:
        raise PaymentError("Khoản này không có lần hoàn tiền nào đang chờ kết quả.")
    return done


def clear_refund_flag(payment, actor, reason: str) -> Payment:
    """Staff checked a payment flagged "cần hoàn tiền" and keep the money (e.g. two different fees with the same
    purpose and amount): the flag goes, the reason stays in the note and the log."""
    _staff_check(payment, actor, "rà soát")
    reason = _checked_reason(reason, "Vui lòng nhập lý do không hoàn tiền.", "Lý do quá dài")
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if not locked.refund_needed:
            raise PaymentError("Khoản này không được đánh dấu cần hoàn tiền.")
        locked.refund_needed = False
        locked.note = _append(locked.note, f"Không hoàn tiền ({local_text(timezone.now())}): {reason}")
        locked.save(update_fields=["refund_needed", "note", "updated_at"])
        _log(locked, PaymentEvent.Kind.REVIEW, verified=True, result="kept", data={"reason": reason}, actor=actor)
    return locked


vnd = format_vnd


def local_text(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else "—"


def public_payments(dossier) -> list[dict]:
    """The dossier's fees as the public tracking page shows them (what, how much, in which state — no transaction
    details), and whether the applicant can pay online by signing in (``pay``)."""
    owner_can_sign_in = bool(dossier.applicant_id) and dossier.applicant.is_active
    return [
        {
            "purpose": p.purpose,
            "amount": vnd(p.amount),
            "status": p.status,
            "status_label": p.get_status_display(),
            "requested_at": p.created_at,
            "paid_at": p.paid_at,
            "refunded": vnd(p.refunded_amount) if p.refunded_amount else "",
            "refund_needed": p.refund_needed,
            "payable": payable(p),
            "pay": payable(p) and owner_can_sign_in,
        }
        for p in Payment.objects.filter(dossier=dossier).order_by("-created_at", "-id")
    ]


def receipt_available(payment) -> bool:
    return payment.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED) and payment.paid_at is not None
