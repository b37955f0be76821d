"""The workflow: the ONE entry point that creates a dossier in a state or changes its state (``perform``), and
what a screen may offer (``available_actions``). The rules are data in ``transitions``; what each action does beyond
the state is its handler in ``handlers``; who may act on which dossier is ``access``. Nothing else assigns a
dossier's status (``test_one_path`` scans the code).

``perform`` is all or nothing: one transaction, the dossier row locked (SELECT ... FOR UPDATE), the table, role,
ownership, version and inputs checked under the lock, an event appended, hand-offs and clock pauses recorded.
Uploaded files are checked and stored before the transaction and deleted again if anything fails, so a refusal
leaves no row and no file behind. E-mails are queued only after commit, one task per e-mail; a failure to queue is
logged and never undoes the change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.models import Division
from skhcn.accounts.staff import has_role, staff_profile
from skhcn.core.uploads import UploadRejected, allowed_types, check_upload, store_private

from .. import constants
from .. import notify as notify_people
from ..constants import Action, ReceiveMethod, Status
from ..constants import WorkflowMessages as M
from ..documents.formsets import get_form_set
from ..models import Dossier, DossierEvent, DossierEventFile
from .access import acting_roles, can_act
from .errors import SystemActor, WorkflowError
from .handlers import FOLLOW_UPS, HANDLERS, Change, Inputs
from .handoffs import hand_off
from .timing import calendar, check_past_date, local_today, recompute_due
from .transitions import NEW, RESUME, SYSTEM_ACTIONS, TRANSITIONS, DateKind, Need, Transition
from .transitions import allowed_transitions as _allowed_transitions

logger = logging.getLogger(__name__)

# Fields of a new dossier that only the workflow sets.
WORKFLOW_FIELDS = frozenset({"status", "version", "code", "submitted_at"})
# The apology (form 04, issued by a leader) and its draft by the one-stop officer: the same checks.
APOLOGY_ACTIONS = frozenset({Action.APOLOGIZE, Action.PREPARE_APOLOGY})
# Requests whose number per dossier the rule set in force limits (``documents.formsets.FormSet``): the action, the
# FormSet field with the limit, the refusal. Supplement requests while processing (each pauses the clock);
# completion requests at intake (the officer guides fully, once).
REQUEST_LIMITS: dict[str, tuple[str, str]] = {
    Action.REQUEST_SUPPLEMENT: ("supplement_requests_max", M.SUPPLEMENT_LIMIT),
    Action.REQUEST_COMPLETION: ("completion_requests_max", M.COMPLETION_LIMIT),
}


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
    needs_reason: bool  # ``reason=``: why a request is made (form 02's "Lý do")
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
        needs_reason=transition.reason,
        target=transition.target,
        public=transition.public,
    )


def allowed_transitions() -> set[tuple[str, str, str | None]]:
    """Every (source state, action, target) the table allows (for tests and documentation)."""
    return _allowed_transitions()


def available_actions(user, dossier: Dossier) -> list[ActionSpec]:
    """The actions ``user`` may take on ``dossier`` in its current state, in the table's order.

    The table, roles and ownership are checked; the apology and its draft are left out once the apology is used or
    from the due day on, a request once the rule set's limit is reached (``REQUEST_LIMITS``); inputs are checked by
    ``perform``.
    """
    now = timezone.now()
    return [
        spec_for(t)
        for action, t in TRANSITIONS.items()
        if can_act(user, dossier, action) and _still_possible(dossier, action, now)
    ]


def _still_possible(dossier: Dossier, action: str, now) -> bool:
    """The checks of ``perform`` that need no input: the apology's and the request limits."""
    try:
        if action in APOLOGY_ACTIONS:
            _check_apology(dossier, now)
        _check_limit(dossier, action)
    except WorkflowError:
        return False
    return True


def perform(
    dossier_id: int | None,
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

    * ``fields`` (the actions from ``transitions.NEW``: create, intake): a dict of the new dossier's fields
      (procedure, applicant, channel, ...; never its status, version, code or submission time); ``dossier_id`` is
      None and ``expected_version`` 0;
    * ``division`` (transfer): a Division or its pk, active;
    * ``assignee`` (assign): a User or its pk, an active specialist of the dossier's division;
    * ``date`` (a ``datetime.date``): receive — postmark of a postal dossier (optional); record_fee_paid — day paid
      (required, not in the future, not before receipt); apologize — the new appointment date (required; after the
      current due date, a working day, at most DOSSIER_APOLOGY_MAX_EXTENSION_DAYS later; once per dossier; only before
      the due day); prepare_apology — the proposed new date, the same checks;
    * ``method`` (return_result): a ``ReceiveMethod``; "online" makes the result downloadable by the applicant;
    * ``reason`` (request_completion, request_supplement): why the request is made, required; it becomes the
      comment's last line "Lý do: ..." (what the applicant reads and form 02 prints).
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(M.UNKNOWN_ACTION, "action")
    unknown = set(data) - {"division", "assignee", "date", "method", "reason", "fields"}
    if unknown:
        raise TypeError(f"perform() got unexpected data: {sorted(unknown)}")
    comment = (comment or "").strip()
    files = [f for f in (files or ()) if f is not None]
    fields = data.pop("fields", None)

    # Cheap refusals first, so a refused action never writes a file.
    if dossier_id is None:
        dossier = _new_dossier(transition, fields)
    else:
        if fields is not None:
            raise TypeError(f"{action} on an existing dossier takes no fields")
        dossier = Dossier.objects.select_related("procedure").filter(pk=dossier_id).first()
    if dossier is None:
        raise WorkflowError(M.NOT_FOUND, "not_found")
    _check(dossier, transition, actor, expected_version, comment, files, data, now=timezone.now())

    stored: list[tuple] = []
    try:
        stored = _store_files(dossier, transition, files)
        with transaction.atomic():
            if dossier_id is None:
                locked = dossier  # nobody else can see it yet
            else:
                locked = (
                    Dossier.objects.select_for_update(of=("self",))
                    .select_related("procedure")
                    .filter(pk=dossier_id)
                    .first()
                )
            if locked is None:
                raise WorkflowError(M.NOT_FOUND, "not_found")
            now = timezone.now()
            inputs = _check(locked, transition, actor, expected_version, comment, files, data, now=now)
            if inputs.reason:
                comment = f"{comment}\n{REASON_PREFIX}{inputs.reason}"
            _apply(locked, transition, actor, comment, stored, inputs, now)
    except BaseException:
        for _checked, name in stored:
            _delete_stored(name)
        raise
    return locked


def _new_dossier(transition: Transition, fields: dict | None) -> Dossier:
    """The unsaved dossier a creating action starts from: in the pseudo-state ``NEW``, version 0."""
    if NEW not in transition.sources:
        raise TypeError(f"{transition.action} needs an existing dossier")
    fields = dict(fields or {})
    taken = WORKFLOW_FIELDS & set(fields)
    if taken:
        raise TypeError(f"the workflow sets {sorted(taken)} of a new dossier")
    return Dossier(**fields, status=NEW, version=0)


# --- checks ----------------------------------------------------------------------------------------------------------
def _check(dossier, transition, actor, expected_version, comment, files, data, *, now) -> Inputs:
    label = Action(transition.action).label
    if isinstance(actor, SystemActor):
        roles = [SystemActor.ROLE] if transition.action in SYSTEM_ACTIONS else []
    else:
        roles = acting_roles(actor, dossier, transition.action)
    if not roles:
        raise WorkflowError(M.NOT_ALLOWED_ROLE.format(action=label), "role")
    if expected_version != dossier.version:
        raise WorkflowError(M.STALE, "stale")
    if dossier.status not in transition.sources:
        raise WorkflowError(M.NOT_ALLOWED_STATE.format(action=label, status=dossier.get_status_display()), "state")
    _check_limit(dossier, transition.action)
    inputs = Inputs(role=roles[0])

    if transition.comment == Need.REQUIRED and not comment:
        raise WorkflowError(M.COMMENT_REQUIRED, "comment")
    if len(comment) > constants.COMMENT_MAX_LENGTH:
        raise WorkflowError(M.COMMENT_TOO_LONG.format(limit=constants.COMMENT_MAX_LENGTH), "comment")
    if transition.files == Need.NO and files:
        raise WorkflowError(M.FILES_NOT_ALLOWED, "file")
    if transition.files == Need.REQUIRED and not files:
        message = {Action.ISSUE_RESULT: M.RESULT_FILE_REQUIRED, Action.REFUSE: M.REFUSAL_FILE_REQUIRED}.get(
            transition.action, M.FILE_REQUIRED
        )
        raise WorkflowError(message, "file")
    if len(files) > transition.max_files:
        raise WorkflowError(M.TOO_MANY_FILES.format(limit=transition.max_files), "file")

    if transition.division:
        inputs.division = _division(data.get("division"))
    if transition.assignee:
        inputs.assignee = _assignee(data.get("assignee"), dossier)
    if transition.receive_method:
        method = data.get("method") or ""
        if not method:
            raise WorkflowError(M.METHOD_REQUIRED, "method")
        if method not in ReceiveMethod.values:
            raise WorkflowError(M.METHOD_INVALID, "method")
        inputs.method = method
    if transition.reason:
        inputs.reason = _check_reason(data.get("reason"), comment)
    elif data.get("reason"):
        raise TypeError(f"{transition.action} takes no reason")
    if transition.date:
        inputs.day = _check_date(dossier, transition, data.get("date"), now)
    elif data.get("date") is not None:
        raise TypeError(f"{transition.action} takes no date")
    if transition.action in APOLOGY_ACTIONS:
        _check_apology(dossier, now)
    return inputs


REASON_PREFIX = "Lý do: "


def _check_reason(value, comment: str) -> str:
    reason = " ".join(str(value or "").split())
    if reason.lower().startswith("lý do:"):
        reason = reason[len(REASON_PREFIX) :].strip()
    if not reason or "\x00" in reason:
        raise WorkflowError(M.REASON_REQUIRED, "reason")
    if len(comment) + len(REASON_PREFIX) + len(reason) + 1 > constants.COMMENT_MAX_LENGTH:
        raise WorkflowError(M.COMMENT_TOO_LONG.format(limit=constants.COMMENT_MAX_LENGTH), "reason")
    return reason


def _division(value):
    if value in (None, ""):
        raise WorkflowError(M.DIVISION_REQUIRED, "division")
    pk = value.pk if isinstance(value, Division) else value
    division = Division.objects.filter(pk=pk, is_active=True).first() if str(pk).isdigit() else None
    if division is None:
        raise WorkflowError(M.DIVISION_INVALID, "division")
    return division


def _assignee(value, dossier):
    user_model = get_user_model()
    if value in (None, ""):
        raise WorkflowError(M.ASSIGNEE_REQUIRED, "assignee")
    pk = value.pk if isinstance(value, user_model) else value
    user = user_model.objects.filter(pk=pk, is_active=True).first() if str(pk).isdigit() else None
    profile = staff_profile(user) if user is not None else None
    if (
        user is None
        or profile is None
        or not has_role(user, StaffRole.SPECIALIST)
        or dossier.division_id is None
        or profile.division_id != dossier.division_id
    ):
        raise WorkflowError(M.ASSIGNEE_INVALID, "assignee")
    return user


def _as_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        raise WorkflowError(M.DATE_INVALID, "date")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise WorkflowError(M.DATE_INVALID, "date") from None


def _check_date(dossier, transition, value, now) -> date | None:
    day = _as_date(value)
    if day is None:
        if transition.date_required:
            raise WorkflowError(M.DATE_REQUIRED, "date")
        return None
    if transition.date in (DateKind.POSTMARK, DateKind.FEE_PAID):
        check_past_date(day, now)
    if transition.date == DateKind.POSTMARK:
        # Not after today already means not after the receipt, which happens now.
        if dossier.channel != constants.Channel.POST:
            raise WorkflowError(M.POSTMARK_NOT_POSTAL, "date")
    elif transition.date == DateKind.FEE_PAID:
        received = dossier.received_at and local_today(dossier.received_at)
        if received and day < received:
            raise WorkflowError(M.DATE_BEFORE_RECEIPT.format(date=f"{received:%d/%m/%Y}"), "date")
    elif transition.date == DateKind.NEW_DUE:
        if dossier.due_at is None:
            raise WorkflowError(M.NO_DUE_DATE, "date")
        current = local_today(dossier.due_at)
        if day <= current:
            raise WorkflowError(M.APOLOGY_DATE_NOT_AFTER.format(date=f"{current:%d/%m/%Y}"), "date")
        limit = settings.DOSSIER_APOLOGY_MAX_EXTENSION_DAYS
        if day > current + timedelta(days=limit):
            raise WorkflowError(M.APOLOGY_DATE_TOO_FAR.format(days=limit), "date")
        if not calendar().is_working_day(day):
            raise WorkflowError(M.APOLOGY_DATE_DAY_OFF, "date")
    return day


def _check_limit(dossier, action: str) -> None:
    """A limited request (``REQUEST_LIMITS``) is refused once the dossier has had as many as its rule set allows."""
    if action not in REQUEST_LIMITS or dossier.pk is None:
        return
    attribute, message = REQUEST_LIMITS[action]
    limit = getattr(get_form_set(dossier.form_set), attribute)
    count = DossierEvent.objects.filter(dossier=dossier, action=action).count()
    if count >= limit:
        raise WorkflowError(message.format(count=count, limit=limit), "limit")


def _check_apology(dossier, now) -> None:
    if dossier.apology_used:
        raise WorkflowError(M.APOLOGY_USED, "apology")
    if dossier.due_at is None:
        raise WorkflowError(M.NO_DUE_DATE, "apology")
    # The applicant must hear of it at least a day ahead: the apology is refused from the due day on.
    due_day = local_today(dossier.due_at)
    if local_today(now) >= due_day:
        raise WorkflowError(M.APOLOGY_TOO_LATE.format(date=f"{due_day:%d/%m/%Y}"), "apology")


# --- files -----------------------------------------------------------------------------------------------------------
def _delete_stored(name: str) -> None:
    try:
        storages["private"].delete(name)
    except Exception:  # a leftover file is logged, never a failed request
        logger.exception("Could not delete private file %s", name)


def _store_files(dossier, transition, files) -> list[tuple]:
    """Check and store every file; on any refusal delete the ones already stored and raise ``WorkflowError``."""
    if not files:
        return []
    if transition.action == Action.ISSUE_RESULT:
        types, folder = allowed_types(settings.DOSSIER_RESULT_FILE_TYPES), "results"
    else:
        types, folder = allowed_types(dossier.procedure.allowed_file_types), "events"
    stored: list[tuple] = []
    try:
        for uploaded in files:
            checked = check_upload(uploaded, types, max_bytes=settings.UPLOAD_MAX_FILE_BYTES)
            stored.append((checked, store_private(checked, uploaded, f"dossiers/{dossier.pk}/{folder}")))
    except UploadRejected as exc:
        for _checked, name in stored:
            _delete_stored(name)
        raise WorkflowError(exc.message, "upload") from exc
    except BaseException:
        for _checked, name in stored:
            _delete_stored(name)
        raise
    return stored


# --- applying --------------------------------------------------------------------------------------------------------
def _apply(dossier, transition, actor, comment, stored, inputs: Inputs, now) -> None:
    """What every action does: the action's handler, then the state, the pause, the version, the history row with
    its files, the control slip, the action's follow-up and the notifications (sent after commit)."""
    change = Change(
        dossier=dossier,
        transition=transition,
        actor=actor,
        comment=comment,
        inputs=inputs,
        now=now,
        cal=calendar(),
        from_status=dossier.status,
        target=transition.target,
        notify=transition.notify,
        stored=stored,
    )
    HANDLERS[transition.action](change)

    if change.target == RESUME:  # pragma: no cover - the SUPPLY handler resolves it
        change.target = dossier.paused_from
    if change.target is not None:
        dossier.status = change.target
    if change.from_status == Status.SUPPLEMENT_REQUESTED and dossier.status != Status.SUPPLEMENT_REQUESTED:
        # The clock resumes (supply) or the dossier ends (withdrawn, stopped): close the pause.
        dossier.paused_from = ""
        dossier.pauses.filter(ended_at=None).update(ended_at=now)
        if transition.target == RESUME and dossier.clock_started_at is not None:
            old_due = dossier.due_at
            recompute_due(dossier, change.cal)
            change.details.update(old_due=old_due.isoformat() if old_due else None, new_due=dossier.due_at.isoformat())

    dossier.version += 1
    dossier.save()
    if change.notify:
        change.details["notify"] = change.notify
    change.event = event = DossierEvent.objects.create(
        dossier=dossier,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=change.from_status,
        to_status=dossier.status,
        action=transition.action,
        comment=comment,
        details=change.details,
    )
    for checked, name in change.stored:
        DossierEventFile.objects.create(event=event, **checked.stored_fields(name))
    if change.target is not None:
        hand_off(dossier, actor, event, now, change.cal, note=comment if transition.comment_public else "")
    for follow_up in FOLLOW_UPS.get(transition.action, ()):
        follow_up(change)

    # Recorded with the change, sent after commit; a failure there never undoes the change (see notifications).
    if change.notify:
        notify_people.workflow_event(event, change.notify)
    notify_people.staff_event(event)
