"""The payment status table and the one entry point that applies it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skhcn.payments import services
from skhcn.payments.models import PaymentEvent, PaymentStatus
from skhcn.payments.transitions import ALLOWED, TRANSITIONS, TransitionError, allowed, check_transition, targets

STATUSES = [status.value for status in PaymentStatus]
EXPECTED = {
    ("pending", "paid"),
    ("pending", "failed"),
    ("pending", "cancelled"),
    ("failed", "paid"),
    ("cancelled", "paid"),
    ("paid", "refunded"),
}
every_pair = st.tuples(st.sampled_from(STATUSES), st.sampled_from(STATUSES))


def test_the_table():
    assert ALLOWED == EXPECTED
    assert len(TRANSITIONS) == len(ALLOWED)  # no pair listed twice
    assert targets(PaymentStatus.REFUNDED) == frozenset()  # the end
    assert all(transition.why for transition in TRANSITIONS)


@given(st.sampled_from(sorted(EXPECTED)))
def test_every_allowed_transition_is_accepted(pair):
    source, target = pair
    assert allowed(source, target)
    transition = check_transition(source, target)
    assert (transition.source, transition.target) == pair
    assert target in targets(source)


@given(every_pair.filter(lambda pair: pair not in EXPECTED))
def test_every_forbidden_transition_is_refused(pair):
    source, target = pair
    assert not allowed(source, target)
    with pytest.raises(TransitionError) as error:
        check_transition(source, target)
    assert (error.value.source, error.value.target) == pair
    assert target not in targets(source)


@given(st.sampled_from(STATUSES), st.text(max_size=12).filter(lambda text: text not in STATUSES))
def test_unknown_statuses_are_refused(status, other):
    for source, target in ((status, other), (other, status)):
        with pytest.raises(TransitionError):
            check_transition(source, target)


def test_change_status_applies_an_allowed_transition_and_logs_it(payment, world):
    seen = []
    changed = services.change_status(
        payment,
        PaymentStatus.FAILED,
        kind=PaymentEvent.Kind.NOTIFICATION,
        result="accepted failed",
        data={"why": "test"},
        changes={"response_code": "X"},
        effects=lambda locked: seen.append(locked.status) or "effect",
    )
    payment.refresh_from_db()
    assert payment.status == changed.status == PaymentStatus.FAILED and payment.response_code == "X"
    assert seen == [PaymentStatus.FAILED]
    event = PaymentEvent.objects.filter(payment=payment).last()
    assert (event.kind, event.result, event.data, event.verified) == (
        "notification",
        "accepted failed effect",
        {"why": "test"},
        True,
    )


def test_change_status_refuses_a_forbidden_transition_and_changes_nothing(payment):
    events = PaymentEvent.objects.count()
    with pytest.raises(TransitionError):
        services.change_status(
            payment, PaymentStatus.REFUNDED, kind=PaymentEvent.Kind.REFUND, changes={"note": "không được ghi"}
        )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.note == ""
    assert PaymentEvent.objects.count() == events


def test_after_commit_runs_only_once_committed(payment, django_capture_on_commit_callbacks):
    ran = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.change_status(
            payment, PaymentStatus.CANCELLED, kind=PaymentEvent.Kind.NOTIFICATION, after_commit=lambda: ran.append(1)
        )
        assert ran == []
    assert len(callbacks) >= 1 and ran == [1]
