"""The dossier state machine as data: which action moves a dossier from which states to which state, who may do it
and what it needs; creating a dossier is an action from the pseudo-state ``NEW``. ``workflow.perform`` is the one
place that applies it; the staff guide's table (docs/quy-trinh-ho-so.md) is written from it and a test
(tests/test_transition_table_docs.py) fails when the two differ.

Roles are ``StaffRole`` values plus ``Role.APPLICANT``. Roles say *who in principle*; ``access.can_act`` adds
ownership (a division head only on their division's dossiers, a specialist only on dossiers assigned to them, the
applicant only on their own).
"""

from __future__ import annotations

from dataclasses import dataclass

from skhcn.accounts.constants import StaffRole

from ..constants import Action, Status


class Role:
    APPLICANT = "applicant"
    # Kept for callers of the citizen-side code; staff rows use the StaffRole values.
    STAFF = "staff"


class Need:
    """Whether an input (comment, files, ...) is required, optional or not taken."""

    NO = "no"
    OPTIONAL = "optional"
    REQUIRED = "required"


class DateKind:
    """What the ``date`` of an action means (each has its own checks in ``workflow``)."""

    POSTMARK = "postmark"  # receive: date the post office stamped a postal dossier (not future, not too old)
    FEE_PAID = "fee_paid"  # record_fee_paid: date paid (not future, not before receipt)
    NEW_DUE = "new_due"  # apologize and its draft: the new appointment date (after the current due, a working day)


# Where a pause resumes to: the state recorded when the clock was paused.
RESUME = "__resume__"
# The source of the actions that create a dossier (a draft, or a dossier handed in on paper): not yet a dossier.
# Its history row has this as ``from_status`` (empty).
NEW = ""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    # None: the dossier stays in its state (apology, consultation, comment); RESUME: back to ``paused_from``.
    target: str | None
    roles: frozenset[str]
    comment: str = Need.OPTIONAL
    files: str = Need.NO
    max_files: int = 10
    division: bool = False  # needs ``division=`` (a Division or its pk)
    assignee: bool = False  # needs ``assignee=`` (a User or its pk)
    date: str = ""  # a DateKind: takes ``date=`` (a datetime.date)
    date_required: bool = False
    receive_method: bool = False  # needs ``method=`` (a ReceiveMethod)
    # Needs ``reason=``: why the request is made (form 02 prints it as "Lý do"); added to the comment as its last line.
    reason: bool = False
    # Shown on the applicant's page and the public tracking page (never with the actor's name).
    public: bool = False
    # The comment is addressed to the applicant (request, reasons) and shown to them.
    comment_public: bool = False
    # E-mail to the applicant after commit (template dossiers/email/<notify>.txt), "" for none.
    notify: str = ""
    # receive: the target instead of ``target`` when the procedure's clock waits for the fee.
    fee_target: str | None = None

    @property
    def needs_comment(self) -> bool:
        return self.comment == Need.REQUIRED

    @property
    def needs_file(self) -> bool:
        return self.files == Need.REQUIRED

    @property
    def targets(self) -> frozenset[str | None]:
        """Every state this action may lead to (RESUME stands for "back to where the pause started")."""
        return frozenset({self.target} | ({self.fee_target} if self.fee_target else set()))


S = Status
A = Action
R = StaffRole
ADMIN = R.ADMINISTRATOR

# States in which the applicant may still change files and details.
EDITABLE_STATES = frozenset({S.DRAFT})
# The applicant may withdraw until the dossier is approved.
WITHDRAWABLE = frozenset(
    {
        S.SUBMITTED,
        S.COMPLETION_REQUESTED,
        S.AWAITING_FEE,
        S.RECEIVED,
        S.TRANSFERRED,
        S.ASSIGNED,
        S.SUPPLEMENT_REQUESTED,
        S.AT_DIVISION_HEAD,
        S.AT_LEADER,
    }
)
# Processing that the leader may stop (after receipt, before the result is issued).
STOPPABLE = frozenset(
    {
        S.AWAITING_FEE,
        S.RECEIVED,
        S.TRANSFERRED,
        S.ASSIGNED,
        S.SUPPLEMENT_REQUESTED,
        S.AT_DIVISION_HEAD,
        S.AT_LEADER,
        S.APPROVED,
    }
)
# The clock runs and no result is ready: an apology with a new date makes sense (not while paused: the due date is
# provisional then).
APOLOGIZABLE = frozenset({S.RECEIVED, S.TRANSFERRED, S.ASSIGNED, S.AT_DIVISION_HEAD, S.AT_LEADER, S.APPROVED})
# Under review by the division / leaders: consultations with other agencies happen here.
IN_REVIEW = frozenset({S.TRANSFERRED, S.ASSIGNED, S.AT_DIVISION_HEAD, S.AT_LEADER})
# Internal notes: on every filed dossier, closed ones included (for the record).
NOT_DRAFT = frozenset(set(Status.values) - {S.DRAFT})

ALL_STAFF = frozenset(R.values)

_TABLE = (
    # --- new dossiers ----------------------------------------------------------------------------------------------
    Transition(A.CREATE, frozenset({NEW}), S.DRAFT, frozenset({Role.APPLICANT}), comment=Need.NO, public=True),
    # A dossier handed in on paper (by post, at the desk): entered by the one-stop officer, then received.
    Transition(A.INTAKE, frozenset({NEW}), S.SUBMITTED, frozenset({R.ONE_STOP, ADMIN})),
    # --- citizen side --------------------------------------------------------------------------------------------
    Transition(A.SUBMIT, frozenset({S.DRAFT}), S.SUBMITTED, frozenset({Role.APPLICANT}), comment=Need.NO, public=True),
    # --- intake (one-stop) ---------------------------------------------------------------------------------------
    Transition(
        A.RECEIVE,
        frozenset({S.SUBMITTED}),
        S.RECEIVED,
        frozenset({R.ONE_STOP, ADMIN}),
        date=DateKind.POSTMARK,
        public=True,
        notify="received",
        fee_target=S.AWAITING_FEE,
    ),
    Transition(
        A.REQUEST_COMPLETION,
        frozenset({S.SUBMITTED}),
        S.COMPLETION_REQUESTED,
        frozenset({R.ONE_STOP, ADMIN}),
        comment=Need.REQUIRED,
        files=Need.OPTIONAL,
        public=True,
        comment_public=True,
        notify="completion_requested",
        reason=True,
    ),
    Transition(
        A.REFUSE_INTAKE,
        frozenset({S.SUBMITTED, S.COMPLETION_REQUESTED}),
        S.REFUSED_AT_INTAKE,
        frozenset({R.ONE_STOP, ADMIN}),
        comment=Need.REQUIRED,
        files=Need.OPTIONAL,
        public=True,
        comment_public=True,
        notify="refused_at_intake",
    ),
    Transition(
        A.RESUBMIT,
        frozenset({S.COMPLETION_REQUESTED}),
        S.SUBMITTED,
        frozenset({Role.APPLICANT}),
        files=Need.REQUIRED,
        public=True,
        comment_public=True,
    ),
    Transition(
        A.RECORD_FEE_PAID,
        frozenset({S.AWAITING_FEE}),
        S.RECEIVED,
        frozenset({R.ONE_STOP, ADMIN}),
        files=Need.OPTIONAL,
        date=DateKind.FEE_PAID,
        date_required=True,
        public=True,
    ),
    # --- handling --------------------------------------------------------------------------------------------------
    Transition(
        A.TRANSFER,
        frozenset({S.RECEIVED, S.TRANSFERRED}),
        S.TRANSFERRED,
        frozenset({R.ONE_STOP, ADMIN}),
        division=True,
        public=True,
    ),
    Transition(
        A.ASSIGN,
        frozenset({S.TRANSFERRED, S.ASSIGNED}),
        S.ASSIGNED,
        frozenset({R.DIVISION_HEAD, ADMIN}),
        assignee=True,
    ),
    Transition(
        A.REQUEST_SUPPLEMENT,
        frozenset({S.TRANSFERRED, S.ASSIGNED, S.AT_DIVISION_HEAD}),
        S.SUPPLEMENT_REQUESTED,
        frozenset({R.SPECIALIST, R.DIVISION_HEAD, R.ONE_STOP, ADMIN}),
        comment=Need.REQUIRED,
        files=Need.OPTIONAL,
        public=True,
        comment_public=True,
        notify="supplement_requested",
        reason=True,
    ),
    Transition(
        A.SUPPLY,
        frozenset({S.SUPPLEMENT_REQUESTED}),
        RESUME,
        # One-stop records a supplement handed in on paper at the desk.
        frozenset({Role.APPLICANT, R.ONE_STOP, ADMIN}),
        files=Need.REQUIRED,
        public=True,
        comment_public=True,
    ),
    Transition(
        A.SUBMIT_TO_HEAD,
        frozenset({S.ASSIGNED}),
        S.AT_DIVISION_HEAD,
        frozenset({R.SPECIALIST, ADMIN}),
        files=Need.OPTIONAL,
    ),
    Transition(
        A.HEAD_RETURN,
        frozenset({S.AT_DIVISION_HEAD}),
        S.ASSIGNED,
        frozenset({R.DIVISION_HEAD, ADMIN}),
        comment=Need.REQUIRED,
    ),
    Transition(
        A.HEAD_APPROVE,
        frozenset({S.AT_DIVISION_HEAD}),
        S.AT_LEADER,
        frozenset({R.DIVISION_HEAD, ADMIN}),
        files=Need.OPTIONAL,
    ),
    Transition(
        A.LEADER_RETURN,
        frozenset({S.AT_LEADER}),
        S.ASSIGNED,
        frozenset({R.LEADER, ADMIN}),
        comment=Need.REQUIRED,
    ),
    Transition(A.LEADER_APPROVE, frozenset({S.AT_LEADER}), S.APPROVED, frozenset({R.LEADER, ADMIN})),
    Transition(
        A.REFUSE,
        frozenset({S.AT_LEADER}),
        S.REFUSED,
        frozenset({R.LEADER, ADMIN}),
        comment=Need.REQUIRED,
        # The signed refusal letter: what the applicant downloads from their page.
        files=Need.REQUIRED,
        public=True,
        comment_public=True,
        notify="refused",
    ),
    # --- result ----------------------------------------------------------------------------------------------------
    Transition(
        A.ISSUE_RESULT,
        frozenset({S.APPROVED}),
        S.RESULT_ISSUED,
        frozenset({R.CLERK, ADMIN}),
        files=Need.REQUIRED,
        max_files=1,
        public=True,
        notify="result_ready",
    ),
    Transition(
        A.RETURN_RESULT,
        frozenset({S.RESULT_ISSUED}),
        S.RETURNED,
        frozenset({R.ONE_STOP, ADMIN}),
        receive_method=True,
        public=True,
        notify="result_returned",
    ),
    Transition(A.CLOSE, frozenset({S.RETURNED}), S.CLOSED, frozenset({R.ONE_STOP, ADMIN}), public=True),
    # --- ending early ----------------------------------------------------------------------------------------------
    Transition(
        A.WITHDRAW,
        WITHDRAWABLE,
        S.WITHDRAWN,
        # One-stop records a withdrawal requested in writing at the desk.
        frozenset({Role.APPLICANT, R.ONE_STOP, ADMIN}),
        comment=Need.REQUIRED,
        files=Need.OPTIONAL,
        public=True,
        comment_public=True,
    ),
    Transition(
        A.STOP_PROCESSING,
        STOPPABLE,
        S.STOPPED,
        frozenset({R.LEADER, ADMIN}),
        comment=Need.REQUIRED,
        files=Need.OPTIONAL,
        public=True,
        comment_public=True,
        notify="stopped",
    ),
    # --- no state change -------------------------------------------------------------------------------------------
    # Form 04 is signed by the Director: the one-stop officer drafts it (reason, proposed date), a leader issues it.
    Transition(
        A.APOLOGIZE,
        APOLOGIZABLE,
        None,
        frozenset({R.LEADER, ADMIN}),
        comment=Need.REQUIRED,
        files=Need.OPTIONAL,
        date=DateKind.NEW_DUE,
        date_required=True,
        public=True,
        comment_public=True,
        notify="apology",
    ),
    Transition(
        A.CONSULT,
        IN_REVIEW,
        None,
        frozenset({R.SPECIALIST, R.DIVISION_HEAD, R.LEADER, ADMIN}),
        comment=Need.REQUIRED,
        files=Need.OPTIONAL,
    ),
    Transition(
        A.CONSULT_REPLY,
        IN_REVIEW,
        None,
        frozenset({R.SPECIALIST, R.DIVISION_HEAD, R.LEADER, ADMIN}),
        comment=Need.REQUIRED,
        files=Need.OPTIONAL,
    ),
    Transition(A.COMMENT, NOT_DRAFT, None, ALL_STAFF, comment=Need.REQUIRED, files=Need.OPTIONAL),
    # The draft of form 04 for the leader (internal): the same date checks as the apology, nothing changes.
    Transition(
        A.PREPARE_APOLOGY,
        APOLOGIZABLE,
        None,
        frozenset({R.ONE_STOP, ADMIN}),
        comment=Need.REQUIRED,
        files=Need.OPTIONAL,
        date=DateKind.NEW_DUE,
        date_required=True,
    ),
)

TRANSITIONS: dict[str, Transition] = {t.action: t for t in _TABLE}
# Actions a verified automatic process may take without a user account (``workflow.SystemActor``): the payment
# gateway's confirmed notification records the fee as paid; the postal tracking task notes a returned item. Kept
# out of the table's roles (people only).
SYSTEM_ACTIONS = frozenset({A.RECORD_FEE_PAID, A.COMMENT})
# Actions that create a dossier (from NEW): the citizen's new draft, the officer's entry of a paper dossier.
CREATING_ACTIONS = frozenset(t.action for t in _TABLE if NEW in t.sources)
# Actions a staff screen may offer on a dossier (CREATE and SUBMIT belong to the citizen's draft pages, INTAKE to
# the postal intake form).
STAFF_ACTIONS = tuple(t.action for t in _TABLE if set(t.roles) - {Role.APPLICANT} and t.action not in CREATING_ACTIONS)
# History rows the system writes without a transition (no state change, nobody asked): the due date recomputed after
# a change of the working calendar (``workflow.recalculate``). Public: the applicant's appointment moved.
RECORDED_ACTIONS = frozenset({A.RECALCULATE_DUE})
# Events the applicant and the public tracking page see (when and what, never who).
PUBLIC_ACTIONS = frozenset(t.action for t in _TABLE if t.public) | RECORDED_ACTIONS
APPLICANT_COMMENT_ACTIONS = frozenset(t.action for t in _TABLE if t.comment_public)


class TransitionRefused(Exception):
    pass


def transition_for(action: str, current: str, role: str = Role.APPLICANT) -> Transition:
    """The transition ``action`` from state ``current`` by ``role``, or ``TransitionRefused``."""
    transition = TRANSITIONS.get(action)
    if transition is None or current not in transition.sources or role not in transition.roles:
        raise TransitionRefused(f"{action!r} is not allowed from {current!r} for {role!r}")
    return transition


def allowed_transitions() -> set[tuple[str, str, str | None]]:
    """Every (source, action, target) the table allows; target None = stays, RESUME = back to the paused state."""
    return {(source, t.action, target) for t in _TABLE for source in t.sources for target in t.targets}


def allowed_pairs() -> set[tuple[str, str]]:
    """Every (from, to) state pair some transition allows (staying and resuming left out)."""
    return {
        (source, target) for source, _action, target in allowed_transitions() if target is not None and target != RESUME
    }


def is_allowed(current: str, target: str) -> bool:
    return (current, target) in allowed_pairs()


def is_editable(status: str) -> bool:
    return status in EDITABLE_STATES
