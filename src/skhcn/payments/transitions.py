"""The payment state machine as data: which status may follow which, and why. ``services.change_status`` is the one
place that changes a payment's status, and it refuses anything not listed here (``check_transition``).

A payment is created ``pending`` (a fee request). Partial refunds, refund reservations and flags change other fields,
never the status; a full refund does (``paid`` -> ``refunded``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import PaymentStatus


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    why: str


TRANSITIONS = (
    Transition(PaymentStatus.PENDING, PaymentStatus.PAID, "the gateway confirms the payment (notification or query)"),
    Transition(PaymentStatus.PENDING, PaymentStatus.FAILED, "the gateway reports a failure (notification or query)"),
    Transition(PaymentStatus.PENDING, PaymentStatus.CANCELLED, "the gateway reports that the payer cancelled"),
    # The money is real even when an earlier notification said otherwise: recorded (and flagged when the fee was
    # paid otherwise meanwhile).
    Transition(PaymentStatus.FAILED, PaymentStatus.PAID, "the gateway confirms the payment after a failure"),
    Transition(PaymentStatus.CANCELLED, PaymentStatus.PAID, "the gateway confirms the payment after a cancellation"),
    Transition(PaymentStatus.PAID, PaymentStatus.REFUNDED, "refunds reach the amount paid"),
)
ALLOWED = frozenset((t.source, t.target) for t in TRANSITIONS)


class TransitionError(Exception):
    """A status change the table does not allow (a bug of the caller: services check before)."""

    def __init__(self, source: str, target: str):
        super().__init__(f"Payment status {source!r} cannot become {target!r}.")
        self.source, self.target = source, target


def allowed(source: str, target: str) -> bool:
    return (source, target) in ALLOWED


def check_transition(source: str, target: str) -> Transition:
    """The transition from ``source`` to ``target``; ``TransitionError`` when the table has none."""
    for transition in TRANSITIONS:
        if (transition.source, transition.target) == (source, target):
            return transition
    raise TransitionError(source, target)


def targets(source: str) -> frozenset[str]:
    """The statuses a payment in ``source`` may move to."""
    return frozenset(t.target for t in TRANSITIONS if t.source == source)
