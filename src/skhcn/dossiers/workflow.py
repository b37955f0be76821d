"""The staff workflow: the ONE entry point that changes a filed dossier (``perform``), and what a screen may offer
(``available_actions``). The rules are data in ``transitions``; who may act on which dossier is ``access``.

``perform`` is all or nothing: one transaction, the dossier row locked (SELECT ... FOR UPDATE), the table, role,
ownership, version and inputs checked under the lock, an event appended, hand-offs and clock pauses recorded.
Uploaded files are checked and stored before the transaction and deleted again if anything fails, so a refusal
leaves no row and no file behind. E-mails are queued only after commit, one task per e-mail; a failure to queue is
logged and never undoes the change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.staff import has_role, staff_profile
from skhcn.core.errors import UserFacingError
from skhcn.deadlines import status as deadline
from skhcn.deadlines.calendar import TZ

from . import constants
from . import notify as notify_people
from .constants import Action, ReceiveMethod, Status
from .constants import WorkflowMessages as M
from .models import ClockPause, Dossier, DossierEvent, DossierEventFile, HandOff, ResultSerial
from .transitions import RESUME, SYSTEM_ACTIONS, TRANSITIONS, DateKind, Need, Transition
from .transitions import allowed_transitions as _allowed_transitions

logger = logging.getLogger(__name__)


class WorkflowError(UserFacingError):
    """A refused action. ``message`` is Vietnamese, for the screen as is; ``code`` is short and stable for tests:
    not_found, stale, state, role, comment, file, division, assignee, method, date, apology, upload."""


class SystemActor:
    """A verified automatic process acting without a user account, e.g. the payment gateway's confirmed
    notification. Allowed only on ``transitions.SYSTEM_ACTIONS``; its events have no actor ("Hệ thống")."""

    ROLE = "system"
    is_authenticated = False
    is_active = True
    pk = None

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return self.name


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

    The table, roles and ownership are checked, and the apology is left out once used or from the due day on;
    inputs are checked by ``perform``.
    """
    from .access import can_act

    return [
        spec_for(t)
        for action, t in TRANSITIONS.items()
        if can_act(user, dossier, action) and (action != Action.APOLOGIZE or _apology_possible(dossier))
    ]


def _apology_possible(dossier: Dossier) -> bool:
    try:
        _check_apology(dossier, timezone.now())
    except WorkflowError:
        return False
    return True


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
      current due date, a working day, at most DOSSIER_APOLOGY_MAX_EXTENSION_DAYS later; once per dossier; only before
      the due day);
    * ``method`` (return_result): a ``ReceiveMethod``; "online" makes the result downloadable by the applicant.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise WorkflowError(M.UNKNOWN_ACTION, "action")
    unknown = set(data) - {"division", "assignee", "date", "method"}
    if unknown:
        raise TypeError(f"perform() got unexpected data: {sorted(unknown)}")
    comment = (comment or "").strip()
    files = [f for f in (files or ()) if f is not None]

    # Cheap refusals first, so a refused action never writes a file.
    dossier = Dossier.objects.select_related("procedure").filter(pk=dossier_id).first()
    if dossier is None:
        raise WorkflowError(M.NOT_FOUND, "not_found")
    _check(dossier, transition, actor, expected_version, comment, files, data, now=timezone.now())

    stored: list[tuple] = []
    try:
        stored = _store_files(dossier, transition, files)
        with transaction.atomic():
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
            _apply(locked, transition, actor, comment, stored, inputs, now)
    except BaseException:
        for _checked, name in stored:
            _delete_stored(name)
        raise
    return locked


# --- checks ----------------------------------------------------------------------------------------------------------
@dataclass
class _Inputs:
    role: str
    division: object = None
    assignee: object = None
    day: date | None = None
    method: str = ""


def _check(dossier, transition, actor, expected_version, comment, files, data, *, now) -> _Inputs:
    from .access import acting_roles

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
    inputs = _Inputs(role=roles[0])

    if transition.comment == Need.REQUIRED and not comment:
        raise WorkflowError(M.COMMENT_REQUIRED, "comment")
    if len(comment) > constants.COMMENT_MAX_LENGTH:
        raise WorkflowError(M.COMMENT_TOO_LONG.format(limit=constants.COMMENT_MAX_LENGTH), "comment")
    if transition.files == Need.NO and files:
        raise WorkflowError(M.FILES_NOT_ALLOWED, "file")
    if transition.files == Need.REQUIRED and not files:
        message = M.RESULT_FILE_REQUIRED if transition.action == Action.ISSUE_RESULT else M.FILE_REQUIRED
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
    if transition.date:
        inputs.day = _check_date(dossier, transition, data.get("date"), now)
    elif data.get("date") is not None:
        raise TypeError(f"{transition.action} takes no date")
    if transition.action == Action.APOLOGIZE:
        _check_apology(dossier, now)
    return inputs


def _division(value):
    from skhcn.accounts.models import Division

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


def _local_today(now: datetime) -> date:
    return now.astimezone(TZ).date()


def check_past_date(day: date, now: datetime) -> None:
    """The rule for a day staff enter about the past (postmark, fee paid): not in the future, not more than
    ``DOSSIER_MAX_BACKDATE_DAYS`` back; ``WorkflowError`` otherwise."""
    today = _local_today(now)
    backdate = settings.DOSSIER_MAX_BACKDATE_DAYS
    if day > today:
        raise WorkflowError(M.DATE_IN_FUTURE, "date")
    if day < today - timedelta(days=backdate):
        raise WorkflowError(M.DATE_TOO_OLD.format(days=backdate), "date")


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
        received = dossier.received_at and _local_today(dossier.received_at)
        if received and day < received:
            raise WorkflowError(M.DATE_BEFORE_RECEIPT.format(date=f"{received:%d/%m/%Y}"), "date")
    elif transition.date == DateKind.NEW_DUE:
        if dossier.due_at is None:
            raise WorkflowError(M.NO_DUE_DATE, "date")
        current = _local_today(dossier.due_at)
        if day <= current:
            raise WorkflowError(M.APOLOGY_DATE_NOT_AFTER.format(date=f"{current:%d/%m/%Y}"), "date")
        limit = settings.DOSSIER_APOLOGY_MAX_EXTENSION_DAYS
        if day > current + timedelta(days=limit):
            raise WorkflowError(M.APOLOGY_DATE_TOO_FAR.format(days=limit), "date")
        if not _calendar().is_working_day(day):
            raise WorkflowError(M.APOLOGY_DATE_DAY_OFF, "date")
    return day


def _check_apology(dossier, now) -> None:
    if dossier.apology_used:
        raise WorkflowError(M.APOLOGY_USED, "apology")
    if dossier.due_at is None:
        raise WorkflowError(M.NO_DUE_DATE, "apology")
    # The applicant must hear of it at least a day ahead: the apology is refused from the due day on.
    due_day = _local_today(dossier.due_at)
    if _local_today(now) >= due_day:
        raise WorkflowError(M.APOLOGY_TOO_LATE.format(date=f"{due_day:%d/%m/%Y}"), "apology")


# --- files -----------------------------------------------------------------------------------------------------------
def _private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def _delete_stored(name: str) -> None:
    try:
        _private_storage().delete(name)
    except Exception:  # a leftover file is logged, never a failed request
        logger.exception("Could not delete private file %s", name)


def _store_files(dossier, transition, files) -> list[tuple]:
    """Check and store every file; on any refusal delete the ones already stored and raise ``WorkflowError``."""
    from skhcn.core.uploads import UploadRejected, allowed_types, check_upload, store_private

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
def _calendar():
    from skhcn.deadlines.services import current_calendar

    return current_calendar()


def _closed_pauses(dossier) -> list[tuple[datetime, datetime | None]]:
    return [(p.started_at, p.ended_at) for p in dossier.pauses.exclude(ended_at=None).order_by("started_at")]


def _recompute_due(dossier, cal) -> None:
    procedure = dossier.procedure
    dossier.due_at = deadline.dossier_due_at(
        cal,
        dossier.clock_started_at,
        procedure.processing_time,
        procedure.time_unit,
        _closed_pauses(dossier),
        extra_days=dossier.apology_extra_days,
    )
    dossier.expected_return_at = dossier.due_at


def step_due_times(dossier, cal=None) -> list[datetime]:
    """Due time of each internal step of a dossier whose clock runs (``Procedure.step_budgets``)."""
    if dossier.clock_started_at is None:
        return []
    procedure = dossier.procedure
    return deadline.step_due_times(
        cal or _calendar(),
        dossier.clock_started_at,
        procedure.budgets,
        procedure.time_unit,
        _closed_pauses(dossier),
        extra_days=dossier.apology_extra_days,
    )


# Internal stage of each state: 0 intake/handling, 1 appraisal (division), 2 approval, signing, issue.
STAGE = {
    Status.RECEIVED: 0,
    Status.TRANSFERRED: 1,
    Status.ASSIGNED: 1,
    Status.AT_DIVISION_HEAD: 1,
    Status.AT_LEADER: 2,
    Status.APPROVED: 2,
    Status.RESULT_ISSUED: 2,
}
ONE_STOP_UNIT = "Bộ phận Một cửa"
APPLICANT_UNIT = "Người nộp hồ sơ"


def _holder(dossier) -> tuple[str, object] | None:
    """(unit, user) holding the dossier in its current state for the control slip; None when nobody does."""
    status = dossier.status
    division = dossier.division.name if dossier.division_id else "Phòng chuyên môn"
    if status in (Status.RECEIVED, Status.RESULT_ISSUED):
        return ONE_STOP_UNIT, None
    if status in (Status.TRANSFERRED, Status.AT_DIVISION_HEAD):
        return division, None
    if status == Status.ASSIGNED:
        return division, dossier.assignee
    if status == Status.AT_LEADER:
        return "Lãnh đạo Sở", None
    if status == Status.APPROVED:
        return "Văn thư", None
    if status == Status.SUPPLEMENT_REQUESTED:
        return APPLICANT_UNIT, None
    return None


def _step_due(dossier, cal) -> tuple[int, datetime | None]:
    stage = STAGE.get(dossier.status)
    if stage is None or dossier.clock_started_at is None:
        return 0, None
    dues = step_due_times(dossier, cal)
    step = min(stage, len(dues) - 1)
    return step, dues[step]


def _hand_off(dossier, actor, event, now, cal, note: str = "") -> None:
    """Close the open control-slip row when the dossier changes hands, and open the next one."""
    current = dossier.handoffs.filter(finished_at=None).order_by("-given_at", "-id").first()
    holder = _holder(dossier)
    if current is not None and holder is not None:
        if (current.to_unit, current.to_user_id) == (holder[0], getattr(holder[1], "pk", None)):
            return
    if current is not None:
        current.finished_at = now
        current.outcome = deadline.finished_outcome(now, current.due_at) if current.due_at else ""
        current.save(update_fields=["finished_at", "outcome"])
    if holder is None:
        return
    step, due = _step_due(dossier, cal)
    from_unit = current.to_unit if current is not None else APPLICANT_UNIT
    # "Người giao" is someone of the giving unit: when the applicant gives (filing, a supplement), the actor is the
    # officer receiving it (or the applicant's own account), so no staff member is named as the giver.
    giver = actor if getattr(actor, "is_authenticated", False) and from_unit != APPLICANT_UNIT else None
    HandOff.objects.create(
        dossier=dossier,
        step=step,
        from_unit=from_unit,
        from_user=giver,
        to_unit=holder[0],
        to_user=holder[1],
        given_at=now,
        received_at=now,
        due_at=due,
        note=note,
        event=event,
    )


def allocate_result_number(now: datetime) -> str:
    """``<serial>/<yyyy>/<suffix>``, the serial counted per (Vietnam-time) year; inside the caller's transaction.

    Race-safe like dossier codes: the year's counter row is locked until the transaction ends; a rollback gives the
    number back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_result_number() must run inside the transaction that saves the dossier")
    year = now.astimezone(TZ).year
    ResultSerial.objects.get_or_create(year=year)
    serial = ResultSerial.objects.select_for_update().get(year=year)
    ResultSerial.objects.filter(pk=serial.pk).update(last_value=F("last_value") + 1)
    suffix = settings.DOSSIER_RESULT_NUMBER_SUFFIX
    return f"{serial.last_value + 1}/{year}/{suffix}"


def _paid_moment(day: date, now: datetime) -> datetime:
    # A payment recorded for an earlier day counts from the start of that day's office hours (in the applicant's
    # favour: the cutoff cannot push it to the next day).
    if day == _local_today(now):
        return now
    return datetime.combine(day, time(8, 0), tzinfo=TZ)


def _start_clock(dossier, moment: datetime, cal) -> None:
    dossier.clock_started_at = moment
    _recompute_due(dossier, cal)
    dossier.original_due_at = dossier.due_at


def _apply(dossier, transition, actor, comment, stored, inputs: _Inputs, now) -> None:
    from .formsets import form_set_for

    cal = _calendar()
    action = transition.action
    from_status = dossier.status
    target = transition.target
    details: dict = {}
    notify = transition.notify

    if action == Action.RECEIVE:
        dossier.received_at = now
        dossier.received_by = actor
        dossier.form_set = form_set_for(now).key
        details["form_set"] = dossier.form_set
        if inputs.day is not None:
            dossier.postmark_date = inputs.day
            details["postmark_date"] = inputs.day.isoformat()
        if dossier.procedure.clock_waits_for_fee:
            # Still "received" for the applicant (the date comes with the fee); the fee request itself, with the link
            # to pay, is the payment's notification (payments.services.request_fee).
            target = transition.fee_target
        else:
            _start_clock(dossier, now, cal)
    elif action == Action.RESUBMIT:
        from skhcn.deadlines.services import expected_return

        procedure = dossier.procedure
        dossier.expected_return_at = expected_return(now, procedure.processing_time, procedure.time_unit)
    elif action == Action.RECORD_FEE_PAID:
        dossier.fee_paid_at = _paid_moment(inputs.day, now)
        details["fee_paid_on"] = inputs.day.isoformat()
        _start_clock(dossier, dossier.fee_paid_at, cal)
    elif action == Action.TRANSFER:
        dossier.division = inputs.division
        dossier.assignee = None
        details.update(division_id=inputs.division.pk, division=inputs.division.name)
    elif action == Action.ASSIGN:
        dossier.assignee = inputs.assignee
        profile = staff_profile(inputs.assignee)
        details.update(assignee_id=inputs.assignee.pk, assignee=profile.full_name if profile else "")
    elif action == Action.SUPPLY:
        target = dossier.paused_from or Status.ASSIGNED
    elif action == Action.REFUSE:
        dossier.finished_at = now
    elif action == Action.ISSUE_RESULT:
        checked, name = stored[0]
        dossier.result_number = allocate_result_number(now)
        dossier.result_stored_name = name
        dossier.result_original_name = checked.original_name
        dossier.result_content_type = checked.file_type.mime
        dossier.result_size = checked.size
        dossier.result_sha256 = checked.sha256
        dossier.result_removed_content = list(checked.removed_content)
        dossier.result_issued_at = dossier.finished_at = now
        details["result_number"] = dossier.result_number
        stored = []  # the result lives on the dossier, not as an event attachment
    elif action == Action.RETURN_RESULT:
        dossier.return_method = inputs.method
        dossier.returned_at = now
        details["method"] = inputs.method
        if inputs.method == ReceiveMethod.POST:
            notify = ""  # the shipment's notification says it, with the tracking number (delivery.services)
    elif action == Action.APOLOGIZE:
        procedure = dossier.procedure
        old_due = dossier.due_at
        try:
            dossier.apology_extra_days = deadline.apology_extra_days(
                cal,
                dossier.clock_started_at,
                procedure.processing_time,
                procedure.time_unit,
                _closed_pauses(dossier),
                inputs.day,
                extra_days=dossier.apology_extra_days,
            )
        except ValueError:
            raise WorkflowError(M.APOLOGY_DATE_DAY_OFF, "date") from None
        dossier.apology_used = True
        _recompute_due(dossier, cal)
        details.update(old_due=old_due.isoformat(), new_due=dossier.due_at.isoformat())

    if target == RESUME:  # pragma: no cover - SUPPLY sets it above
        target = dossier.paused_from
    if target is not None:
        dossier.status = target

    if action == Action.REQUEST_SUPPLEMENT:
        dossier.paused_from = from_status
    if from_status == Status.SUPPLEMENT_REQUESTED and dossier.status != Status.SUPPLEMENT_REQUESTED:
        # The clock resumes (supply) or the dossier ends (withdrawn, stopped): close the pause.
        dossier.paused_from = ""
        dossier.pauses.filter(ended_at=None).update(ended_at=now)
        if action == Action.SUPPLY and dossier.clock_started_at is not None:
            old_due = dossier.due_at
            _recompute_due(dossier, cal)
            details.update(old_due=old_due.isoformat() if old_due else None, new_due=dossier.due_at.isoformat())

    dossier.version += 1
    dossier.save()
    if notify:
        details["notify"] = notify
    event = DossierEvent.objects.create(
        dossier=dossier,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=dossier.status,
        action=action,
        comment=comment,
        details=details,
    )
    for checked, name in stored:
        DossierEventFile.objects.create(
            event=event,
            stored_name=name,
            original_name=checked.original_name,
            content_type=checked.file_type.mime,
            size=checked.size,
            sha256=checked.sha256,
            removed_content=list(checked.removed_content),
        )

    if action == Action.REQUEST_SUPPLEMENT:
        ClockPause.objects.create(dossier=dossier, started_at=now, reason=comment, event=event)
    if target is not None or action == Action.APOLOGIZE:
        _hand_off(dossier, actor, event, now, cal, note=comment if transition.comment_public else "")
    if action == Action.APOLOGIZE:
        dossier.handoffs.filter(finished_at=None).update(due_at=_step_due(dossier, cal)[1])

    # Recorded with the change, sent after commit; a failure there never undoes the change (see notifications).
    if notify:
        notify_people.workflow_event(event, notify)
    notify_people.staff_event(event)
