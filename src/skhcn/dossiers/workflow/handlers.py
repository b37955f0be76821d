"""One handler per action of the transition table: what the action changes on the dossier beyond its state.

``workflow.perform`` checks the table, role, version and inputs under the row lock, then calls the action's
handler with a ``Change``; the handler sets the dossier's fields, may choose another target (receive with the fee
first, supply back to the paused state) and adds details to the history row. After the event is recorded, the
action's follow-up (if it has one) writes what hangs off the event (the clock pause) or records a notification.
The state itself, the version, the event, its files, the control slip and the table's notification are the same
for every action and stay in ``workflow.perform``.

Every action of ``transitions.TRANSITIONS`` has a handler (``test_every_action_has_a_handler``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from skhcn.accounts.services import get_profile
from skhcn.accounts.staff import staff_profile
from skhcn.deadlines import status as deadline

from .. import notify as notify_people
from ..constants import Action, ReceiveMethod, Status
from ..constants import WorkflowMessages as M
from ..documents import forms_pdf, papers
from ..documents.codes import allocate_code, normalise_id, normalise_phone
from ..documents.formsets import FormKind, form_set_for
from ..models import ClockPause, Dossier, DossierEvent
from . import timing
from .errors import WorkflowError
from .handoffs import hand_off, step_due
from .transitions import Transition


@dataclass
class Inputs:
    """The checked inputs of an action (``workflow._check``)."""

    role: str
    division: object = None
    assignee: object = None
    day: date | None = None
    method: str = ""
    reason: str = ""


@dataclass
class Change:
    """One action being applied, under the row lock. Handlers change ``dossier``, ``target``, ``details``,
    ``notify`` and ``stored``; ``event`` is set once the history row is written (for follow-ups)."""

    dossier: Dossier
    transition: Transition
    actor: object
    comment: str
    inputs: Inputs
    now: datetime
    cal: object
    from_status: str
    target: str | None
    notify: str
    stored: list = field(default_factory=list)
    details: dict = field(default_factory=dict)
    event: DossierEvent | None = None


Handler = Callable[[Change], None]
HANDLERS: dict[str, Handler] = {}
# Several follow-ups may hang off one action (the clock pause and the numbered paper of a supplement request).
FOLLOW_UPS: dict[str, list[Handler]] = {}


def handles(*actions: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for action in actions:
            assert action not in HANDLERS, action
            HANDLERS[action] = handler
        return handler

    return register


def follows(*actions: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for action in actions:
            FOLLOW_UPS.setdefault(action, []).append(handler)
        return handler

    return register


# --- new dossiers ----------------------------------------------------------------------------------------------------
@handles(Action.CREATE)
def create(change: Change) -> None:
    """A draft for the applicant: nothing beyond the state (its files and details come while it is a draft)."""


def _snapshot_lookup(dossier: Dossier) -> None:
    dossier.lookup_phone = normalise_phone(dossier.applicant_phone)
    dossier.lookup_id_number = normalise_id(dossier.applicant_id_number)


@handles(Action.SUBMIT)
def submit(change: Change) -> None:
    """The applicant files the draft: the code, what the profile says now (later edits must not change a filed
    dossier), the provisional return date."""
    dossier, now = change.dossier, change.now
    profile = get_profile(dossier.applicant)
    dossier.code = allocate_code(now)
    dossier.submitted_at = now
    dossier.expected_return_at = timing.provisional_return(dossier, now)
    dossier.applicant_kind = profile.kind
    dossier.applicant_name = profile.full_name
    dossier.applicant_id_number = profile.id_number
    dossier.applicant_phone = profile.phone
    dossier.applicant_email = dossier.applicant.email
    dossier.applicant_address = profile.address
    _snapshot_lookup(dossier)


@follows(Action.SUBMIT)
def submitted(change: Change) -> None:
    notify_people.submitted(change.dossier)  # with the receipt; sent after commit


@handles(Action.INTAKE)
def intake(change: Change) -> None:
    """A dossier handed in on paper (by post or at the desk), entered by the one-stop officer with the applicant's
    details as written on it: the code and the lookup keys; receiving it is the next action."""
    dossier = change.dossier
    dossier.code = allocate_code(change.now)
    dossier.submitted_at = change.now
    _snapshot_lookup(dossier)


# --- intake ----------------------------------------------------------------------------------------------------------
@handles(Action.RECEIVE)
def receive(change: Change) -> None:
    dossier, now = change.dossier, change.now
    dossier.received_at = now
    dossier.received_by = change.actor
    dossier.form_set = form_set_for(now).key
    change.details["form_set"] = dossier.form_set
    # The dossier's row in this year's register: the number form 01 prints (issued by the follow-up, with the event).
    dossier.register_serial = papers.allocate_serial(FormKind.RECEIPT, timing.local_today(now).year)
    change.details["register_serial"] = dossier.register_serial
    if change.inputs.day is not None:
        dossier.postmark_date = change.inputs.day
        change.details["postmark_date"] = change.inputs.day.isoformat()
    if dossier.procedure.clock_waits_for_fee:
        # Still "received" for the applicant (the date comes with the fee); the fee request itself, with the link
        # to pay, is the payment's notification (payments.services.request_fee).
        change.target = change.transition.fee_target
    else:
        timing.start_clock(dossier, now, change.cal)


@handles(Action.RESUBMIT)
def resubmit(change: Change) -> None:
    change.dossier.expected_return_at = timing.provisional_return(change.dossier, change.now)


@handles(Action.RECORD_FEE_PAID)
def record_fee_paid(change: Change) -> None:
    dossier, day = change.dossier, change.inputs.day
    dossier.fee_paid_at = timing.paid_moment(day, change.now)
    change.details["fee_paid_on"] = day.isoformat()
    timing.start_clock(dossier, dossier.fee_paid_at, change.cal)


# --- handling --------------------------------------------------------------------------------------------------------
@handles(Action.TRANSFER)
def transfer(change: Change) -> None:
    division = change.inputs.division
    change.dossier.division = division
    change.dossier.assignee = None
    change.details.update(division_id=division.pk, division=division.name)


@handles(Action.ASSIGN)
def assign(change: Change) -> None:
    assignee = change.inputs.assignee
    change.dossier.assignee = assignee
    profile = staff_profile(assignee)
    change.details.update(assignee_id=assignee.pk, assignee=profile.full_name if profile else "")


@handles(Action.REQUEST_SUPPLEMENT)
def request_supplement(change: Change) -> None:
    change.dossier.paused_from = change.from_status


@follows(Action.REQUEST_SUPPLEMENT)
def supplement_requested(change: Change) -> None:
    ClockPause.objects.create(dossier=change.dossier, started_at=change.now, reason=change.comment, event=change.event)


@handles(Action.SUPPLY)
def supply(change: Change) -> None:
    """Back to the state the request paused (``transitions.RESUME``); the clock resumes with the pause closed."""
    change.target = change.dossier.paused_from or Status.ASSIGNED


@handles(
    Action.REQUEST_COMPLETION,
    Action.REFUSE_INTAKE,
    Action.SUBMIT_TO_HEAD,
    Action.HEAD_RETURN,
    Action.HEAD_APPROVE,
    Action.LEADER_RETURN,
    Action.LEADER_APPROVE,
    Action.CLOSE,
    Action.WITHDRAW,
    Action.STOP_PROCESSING,
    Action.CONSULT,
    Action.CONSULT_REPLY,
    Action.COMMENT,
)
def state_only(change: Change) -> None:
    """Nothing beyond the table's state, the history row and its files."""


@handles(Action.REFUSE)
def refuse(change: Change) -> None:
    change.dossier.finished_at = change.now


# --- result ----------------------------------------------------------------------------------------------------------
@handles(Action.ISSUE_RESULT)
def issue_result(change: Change) -> None:
    dossier, now = change.dossier, change.now
    checked, name = change.stored[0]
    dossier.result_number = timing.allocate_result_number(now)
    dossier.result_stored_name = name
    dossier.result_original_name = checked.original_name
    dossier.result_content_type = checked.file_type.mime
    dossier.result_size = checked.size
    dossier.result_sha256 = checked.sha256
    dossier.result_removed_content = list(checked.removed_content)
    dossier.result_issued_at = dossier.finished_at = now
    change.details["result_number"] = dossier.result_number
    change.stored = []  # the result lives on the dossier, not as an event attachment


@handles(Action.RETURN_RESULT)
def return_result(change: Change) -> None:
    method = change.inputs.method
    change.dossier.return_method = method
    change.dossier.returned_at = change.now
    change.details["method"] = method
    if method == ReceiveMethod.POST:
        change.notify = ""  # the shipment's notification says it, with the tracking number (delivery.services)


# --- no state change -------------------------------------------------------------------------------------------------
@handles(Action.APOLOGIZE)
def apologize(change: Change) -> None:
    dossier, cal = change.dossier, change.cal
    procedure = dossier.procedure
    old_due = dossier.due_at
    try:
        dossier.apology_extra_days = deadline.apology_extra_days(
            cal,
            dossier.clock_started_at,
            procedure.processing_time,
            procedure.time_unit,
            timing.closed_pauses(dossier),
            change.inputs.day,
            extra_days=dossier.apology_extra_days,
            cutoff=timing.cutoff(dossier),
        )
    except ValueError:
        raise WorkflowError(M.APOLOGY_DATE_DAY_OFF, "date") from None
    dossier.apology_used = True
    timing.recompute_due(dossier, cal)
    change.details.update(old_due=old_due.isoformat(), new_due=dossier.due_at.isoformat())


@follows(Action.APOLOGIZE)
def apologized(change: Change) -> None:
    # The dossier stays where it is, but the control slip hears of the new date: the open row gets the new step
    # deadline.
    dossier = change.dossier
    note = change.comment if change.transition.comment_public else ""
    hand_off(dossier, change.actor, change.event, change.now, change.cal, note=note)
    dossier.handoffs.filter(finished_at=None).update(due_at=step_due(dossier, change.cal)[1])


@handles(Action.PREPARE_APOLOGY)
def prepare_apology(change: Change) -> None:
    """The one-stop officer's draft of form 04 for the leader who signs it: the reason (the comment) and the proposed
    new date. Nothing of the dossier changes; the leader's apology (pre-filled from the latest draft) does."""
    change.details["proposed_due"] = change.inputs.day.isoformat()


# --- numbered papers -------------------------------------------------------------------------------------------------
@follows(*forms_pdf.PAPER_ACTIONS)
def paper_issued(change: Change) -> None:
    """The act's paper (01 receipt, 02 request, 03 refusal at intake, 04 apology): numbered in this transaction and
    recorded with what it states (``documents.papers``)."""
    forms_pdf.issue_for_event(change.dossier, change.event)
