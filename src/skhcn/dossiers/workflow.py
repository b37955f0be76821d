"""The staff workflow: the ONE entry point that changes a filed dossier (``perform``), and what a screen may offer
(``available_actions``). The rules are data in ``transitions``; who may act on which dossier is ``access``.

``perform`` is all or nothing: one transaction, the dossier row locked (SELECT ... FOR UPDATE), the table, role,
ownership, version and inputs checked under the lock, an event appended, hand-offs and clock pauses recorded.
Uploaded files are checked and stored before the transaction and deleted again if anything fails, so a refusal
leaves no row and no file behind. E-mails are queued only after commit, one task per e-mail; a failure to queue is
logged and never undoes the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from .constants import Action
from .models import Dossier
from .transitions import TRANSITIONS, Transition
from .transitions import allowed_transitions as _allowed_transitions


class WorkflowError(Exception):
    """A refused action. ``message`` is Vietnamese, for the screen as is; ``code`` is short and stable for tests:
    not_found, stale, state, role, comment, file, division, assignee, method, date, apology, upload."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ActionSpec:
    """What a screen needs to offer one action: its label and which inputs to show (and which are required)."""

    action: str
    label: str
    needs_comment: bool  # a comment is required (reasons, the request, the note)
    allows_files: bool
    needs_file: bool  # at least one file required (issue_result: exactly the signed result file)
    max_files: int
    needs_division: bool  # ``division=`` (Division or pk); transfer preselects ``dossier.procedure.division``
    needs_assignee: bool  # ``assignee=`` (User or pk): an active specialist of the dossier's division
    date_kind: str  # "" or a transitions.DateKind: postmark (optional), fee_paid, new_due
    needs_date: bool
    needs_receive_method: bool  # ``method=`` a ReceiveMethod (desk / post / online)
    target: str | None  # the state it leads to; None = stays; transitions.RESUME = back to the paused state
    public: bool  # the applicant will see this step (and, for requests/reasons, the comment)


def spec_for(transition: Transition) -> ActionSpec:
    return ActionSpec(
        action=transition.action,
        label=Action(transition.action).label,
        needs_comment=transition.needs_comment,
        allows_files=transition.files != "no",
        needs_file=transition.needs_file,
        max_files=transition.max_files,
        needs_division=transition.division,
        needs_assignee=transition.assignee,
        date_kind=transition.date,
        needs_date=transition.date_required,
        needs_receive_method=transition.receive_method,
        target=transition.target,
        public=transition.public,
    )


def allowed_transitions() -> set[tuple[str, str, str | None]]:
    """Every (source state, action, target) the table allows (for tests and documentation)."""
    return _allowed_transitions()


def available_actions(user, dossier: Dossier) -> list[ActionSpec]:
    """The actions ``user`` may take on ``dossier`` in its current state, in the table's order.

    Only the table, roles and ownership are checked; inputs (and the apology's once-only and before-due rules) are
    checked by ``perform``.
    """
    from .access import can_act

    return [spec_for(t) for action, t in TRANSITIONS.items() if can_act(user, dossier, action)]


def perform(
    dossier_id: int,
    action: str,
    actor,
    *,
    expected_version: int,
    comment: str = "",
    files=(),
    **data,
) -> Dossier:
    """Take ``action`` on dossier ``dossier_id`` as ``actor``; return the updated dossier or raise ``WorkflowError``
    (nothing changed, no file left behind).

    ``expected_version`` is the ``Dossier.version`` the actor's screen showed: if someone acted in between, the
    action is refused (code "stale"). ``files`` are uploaded files (``UploadedFile``); for ``issue_result`` the single
    file is the signed result. ``data`` by action:

    * ``division`` (transfer): a Division or its pk, active;
    * ``assignee`` (assign): a User or its pk, an active specialist of the dossier's division;
    * ``date`` (a ``datetime.date``): receive — postmark of a postal dossier (optional); record_fee_paid — day paid
      (required, not in the future, not before receipt); apologize — the new appointment date (required; after the
      current due date, a working day, at most ``APOLOGY_MAX_EXTENSION_DAYS`` later; once per dossier; only before
      the due day);
    * ``method`` (return_result): a ``ReceiveMethod``; "online" makes the result downloadable by the applicant.
    """
    raise NotImplementedError  # pragma: no cover - contract first, implementation follows
