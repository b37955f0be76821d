"""The ONE contract every payment gateway plugin implements.

* ``start_payment(payment, request)`` -> the URL the payer's browser is sent to;
* ``read_return(request)`` -> ``Outcome``: what the browser's return says, for display only; it never changes a
  payment (a return can be forged, replayed or never come: ``services.record_return`` only logs it);
* ``failure_text(outcome)`` -> why a returned transaction failed, in Vietnamese, for the return page;
* ``read_notification(request)`` -> ``Outcome``: the server-to-server notification (IPN), the ONLY thing from outside
  that changes a payment's state, idempotently (``services.apply_notification``, which answers a
  ``NotificationResult``);
* ``notification_reply(result)`` -> ``(reply_dict, http_status)``: the protocol's answer for that domain result (the
  reply codes stay inside the gateway plugin);
* ``query_transaction(payment)`` -> ``QueryResult``: ask the gateway what became of a transaction (reconciliation);
* ``refund(payment, amount, reason, created_by="")`` -> ``RefundResult``.

Every operation that talks to the gateway raises ``GatewayError`` (Vietnamese message) when it cannot get a trustworthy
answer — network error, timeout, malformed or unverified reply — and the caller changes nothing then. For a refund
that means the outcome is unknown (the gateway may have carried it out), except ``GatewayNotSent``: the request
certainly never reached the gateway.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

# What a gateway error tells staff after a query (nothing changed); a refund's caller replaces it (see above).
UNCHANGED = "Khoản thanh toán chưa thay đổi gì; vui lòng thử lại sau."


class GatewayError(Exception):
    """A gateway could not do what was asked; ``message`` is Vietnamese, for the screen as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class GatewayUnavailable(GatewayError):
    """The gateway could not be reached or answered with an HTTP error / a timeout: asking again at once is useless."""


class GatewayNotSent(GatewayUnavailable):
    """The request certainly did not reach the gateway (API address not configured, connection refused, unknown
    host): nothing happened there."""


class GatewayNotSupported(GatewayError):
    """The gateway does not offer this operation here."""


class NotificationResult(StrEnum):
    """What a gateway's notification (or a query's answer) came to, in the domain's terms; each gateway plugin maps it
    to its protocol's reply (``Gateway.notification_reply``). The value is what the payment log records."""

    ACCEPTED = "accepted"  # applied: the payment changed, or the gateway says it is still pending
    ALREADY_CONFIRMED = "already_confirmed"  # the payment was settled before: nothing changed
    UNKNOWN_ORDER = "unknown_order"  # no payment of this gateway with this reference
    AMOUNT_MISMATCH = "amount_mismatch"  # the amount is not the payment's: nothing changed
    BAD_SIGNATURE = "bad_signature"  # not signed by the gateway: refused, never recorded
    REFUSED = "refused"  # unreadable as the protocol's (or the gateway is not enabled): refused, never recorded
    ERROR = "error"  # an unexpected error while applying it: nothing changed


class RefundKind(StrEnum):
    """What a queried transaction is, when the gateway reports a refund rather than the payment."""

    NONE = ""
    FULL = "full"
    PARTIAL = "partial"


@dataclass(frozen=True)
class Outcome:
    """A transaction's outcome as a gateway reports it (notification, return or query), already parsed.

    ``verified``: the signature (or the query's authenticity) checked out; nothing else may be trusted otherwise.
    ``signature_problem``: why it did not (for the log), e.g. "missing" or "does not match".
    ``amount``: in VND (the protocol's ×100 undone), None when missing or not a whole number of đồng.
    ``undecided``: the gateway says the transaction is neither paid nor failed for good (not finished, "reversed",
    "suspected fraud"...): the payment stays pending for staff or a later query.
    ``cancelled``: the payer cancelled it (a failure recorded as "cancelled").
    ``malformed``: the request could not be read as the protocol's (refused before its signature was checked).
    ``refund`` / ``refund_done``: a query's answer about a refund — which kind, and whether it was carried out (True:
    done or under way at the gateway, False: refused, None: not known yet). ``transaction_type``: the gateway's own
    word for the kind, shown to staff as is.
    """

    verified: bool
    signature_problem: str = ""
    txn_ref: str = ""
    amount: int | None = None
    success: bool = False
    response_code: str = ""
    transaction_status: str = ""
    transaction_no: str = ""
    bank_code: str = ""
    bank_tran_no: str = ""
    card_type: str = ""
    pay_date: datetime | None = None
    raw: dict = field(default_factory=dict)
    undecided: bool = False
    cancelled: bool = False
    malformed: bool = False
    transaction_type: str = ""
    refund: RefundKind = RefundKind.NONE
    refund_done: bool | None = None


@dataclass(frozen=True)
class ReturnResult:
    outcome: Outcome
    payment: object | None  # the Payment the return names (None: unknown reference or unverified)
    amount_matches: bool

    @property
    def valid(self) -> bool:
        return self.outcome.verified and self.payment is not None and self.amount_matches


@dataclass(frozen=True)
class QueryResult:
    found: bool
    outcome: Outcome | None = None
    message: str = ""


@dataclass(frozen=True)
class RefundResult:
    ok: bool
    message: str = ""
    reference: str = ""


class Gateway(ABC):
    name: str = ""
    label: str = ""
    # A simulation, no real money: refused with SKHCN_ENV=production.
    sandbox: bool = False

    @abstractmethod
    def start_payment(self, payment, request) -> str: ...

    @abstractmethod
    def read_return(self, request) -> Outcome: ...

    def failure_text(self, outcome: Outcome) -> str:
        return "Giao dịch không thành công."

    @abstractmethod
    def read_notification(self, request) -> Outcome: ...

    @abstractmethod
    def notification_reply(self, result: NotificationResult) -> tuple[dict, int]: ...

    @abstractmethod
    def query_transaction(self, payment) -> QueryResult: ...

    @abstractmethod
    def refund(self, payment, amount: int, reason: str, created_by: str = "") -> RefundResult: ...
