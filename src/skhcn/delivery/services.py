"""Everything that changes a shipment, and postal intake. Each function is one transaction with the rows it changes
locked (SELECT ... FOR UPDATE) and appends events; the dossier itself changes only through ``workflow.perform``.

Deadline rule (Decision 45/2016/QĐ-TTg; domain brief): postal transit time does not count against the department.
``create_shipment`` performs ``return_result`` (method post) in the same transaction, so ``Dossier.returned_at`` is
the moment of hand-over to the post (``Shipment.handed_over_at`` is set from it) and the one-stop row of the control
slip closes then; delivery or return days later never touch the dossier's dates. The before / on / after outcome of
the dossier itself is decided earlier still, when the result is issued (``Dossier.finished_at``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone

from skhcn.accounts.constants import ApplicantKind, StaffRole
from skhcn.accounts.staff import has_role
from skhcn.core.uploads import UploadRejected, allowed_types, check_upload, format_size, store_private
from skhcn.deadlines.calendar import TZ
from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action, Channel, FileSource, ReceiveMethod, Status
from skhcn.dossiers.constants import Messages as DM
from skhcn.dossiers.constants import WorkflowMessages as WM
from skhcn.dossiers.intake.services import receive_methods
from skhcn.dossiers.models import Dossier, DossierFile
from skhcn.dossiers.notify import notify_applicant
from skhcn.dossiers.workflow import SystemActor, WorkflowError
from skhcn.dossiers.workflow.access import acting_roles
from skhcn.dossiers.workflow.timing import check_past_date
from skhcn.notifications.constants import Event as NotificationEvent
from skhcn.notifications.services import guarded

from . import carriers
from .constants import MAX_INTAKE_FILES, NOTES_MAX_LENGTH, Direction, EventKind, ShipmentStatus
from .constants import Messages as M
from .models import Shipment, ShipmentEvent

logger = logging.getLogger(__name__)

POSTAL_TRACKING = SystemActor("Theo dõi bưu chính")  # the poll task notes returned items as this actor
PHONE_RE = re.compile(r"^\+?[0-9 .\-]{8,15}$")


class DeliveryError(Exception):
    """A refused change; ``message`` is Vietnamese, ``code`` short and stable (role, procedure, method, state, stale,
    address, carrier, tracking, date, upload, ...)."""

    def __init__(self, message: str, code: str = "invalid", field: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    def __str__(self) -> str:
        return self.message


@dataclass
class Recipient:
    name: str
    phone: str
    address_line: str
    province: str
    ward: str = ""
    district: str = ""

    def cleaned(self) -> Recipient:
        values = {k: " ".join((v or "").split()) for k, v in self.__dict__.items()}
        recipient = Recipient(**values)
        if not recipient.name:
            raise DeliveryError(M.NAME_REQUIRED, "address", "recipient_name")
        if not recipient.phone:
            raise DeliveryError(M.PHONE_REQUIRED, "address", "recipient_phone")
        if not PHONE_RE.match(recipient.phone):
            raise DeliveryError(M.PHONE_INVALID, "address", "recipient_phone")
        if not recipient.address_line:
            raise DeliveryError(M.ADDRESS_REQUIRED, "address", "address_line")
        if not recipient.province:
            raise DeliveryError(M.PROVINCE_REQUIRED, "address", "province")
        return recipient


# --- eligibility -----------------------------------------------------------------------------------------------------
def can_ship(user, dossier: Dossier) -> bool:
    """Whether ``user`` may hand this dossier's result to the post now (the staff panel offers the form)."""
    try:
        _check_eligible(user, dossier)
    except DeliveryError:
        return False
    return True


def refusal(user, dossier: Dossier) -> str:
    """Why ``user`` may not hand this result to the post now ("" when they may)."""
    try:
        _check_eligible(user, dossier)
    except DeliveryError as error:
        return error.message
    return ""


def may_manage(user, dossier: Dossier) -> bool:
    """One-stop officers and administrators record deliveries and returns (same roles as ``return_result``)."""
    return bool(acting_roles(user, dossier, Action.RETURN_RESULT))


def _check_eligible(user, dossier: Dossier, expected_version: int | None = None) -> None:
    if not may_manage(user, dossier):
        raise DeliveryError(M.NOT_ALLOWED, "role")
    if expected_version is not None and expected_version != dossier.version:
        raise DeliveryError(M.STALE, "stale")
    if not dossier.procedure.post_return:
        raise DeliveryError(M.NO_POST_RETURN, "procedure")
    if dossier.receive_method != ReceiveMethod.POST:
        raise DeliveryError(M.NOT_POST_METHOD, "method")
    if dossier.status != Status.RESULT_ISSUED and not is_resend(dossier):
        raise DeliveryError(M.WRONG_STATE.format(status=dossier.get_status_display()), "state")


def is_resend(dossier: Dossier) -> bool:
    """The result went by post and came back undelivered: it may be sent again (the dossier stays "returned", its
    ``returned_at`` the first hand-over)."""
    if dossier.status != Status.RETURNED or dossier.return_method != ReceiveMethod.POST:
        return False
    latest = (
        Shipment.objects.filter(dossier=dossier, direction=Direction.RESULT_TO_APPLICANT)
        .exclude(status=ShipmentStatus.CANCELLED)
        .order_by("-created_at", "-id")
        .first()
    )
    return latest is not None and latest.status == ShipmentStatus.RETURNED


def _carrier(key: str):
    try:
        return carriers.get_carrier(key)
    except KeyError:
        raise DeliveryError(M.CARRIER_UNKNOWN, "carrier", "carrier") from None


def _notes(value: str) -> str:
    value = (value or "").strip()
    if len(value) > NOTES_MAX_LENGTH:
        raise DeliveryError(M.TOO_LONG.format(limit=NOTES_MAX_LENGTH), "notes", "notes")
    return value


def _event(shipment, kind, actor, from_status, *, happened_at=None, note="", details=None) -> ShipmentEvent:
    return ShipmentEvent.objects.create(
        shipment=shipment,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=shipment.status,
        happened_at=happened_at or timezone.now(),
        note=note,
        details=details or {},
    )


# --- sending the result --------------------------------------------------------------------------------------------
def create_shipment(
    dossier: Dossier,
    actor,
    *,
    expected_version: int,
    carrier: str,
    recipient: Recipient,
    tracking_number: str = "",
    notes: str = "",
) -> Shipment:
    """Hand the issued result to the post: a shipment (status handed_over) and ``return_result`` with method post,
    all in one transaction; ``DeliveryError`` and nothing changed otherwise. After an undelivered item came back
    (``is_resend``) the result may be sent again: a new shipment and a note on the dossier, its dates unchanged."""
    _check_eligible(actor, dossier, expected_version)
    recipient = recipient.cleaned()
    plugin = _carrier(carrier)
    notes = _notes(notes)
    number = ""
    if plugin.manual_tracking:
        if not (tracking_number or "").strip():
            raise DeliveryError(M.TRACKING_REQUIRED, "tracking", "tracking_number")
        try:
            number = plugin.clean_tracking_number(tracking_number)
        except carriers.CarrierError as error:
            raise DeliveryError(error.message, "tracking", "tracking_number") from None

    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=dossier.pk)
            _check_eligible(actor, locked, expected_version)
            if number and _number_taken(carrier, number):
                raise DeliveryError(M.TRACKING_TAKEN.format(number=number), "tracking", "tracking_number")
            shipment = Shipment.objects.create(
                dossier=locked,
                carrier=carrier,
                tracking_number=number,
                recipient_name=recipient.name,
                recipient_phone=recipient.phone,
                address_line=recipient.address_line,
                ward=recipient.ward,
                district=recipient.district,
                province=recipient.province,
                notes=notes,
                created_by=actor,
            )
            _event(shipment, EventKind.CREATED, actor, "", details={"carrier": carrier})
            try:
                generated = plugin.create_shipment(shipment)
            except carriers.CarrierError as error:
                raise DeliveryError(error.message, "carrier", "carrier") from None
            if generated:
                if _number_taken(carrier, generated, exclude=shipment.pk):
                    raise DeliveryError(M.TRACKING_TAKEN.format(number=generated), "tracking", "tracking_number")
                shipment.tracking_number = generated
            if locked.status == Status.RETURNED:
                # Sent again after a return: a note on the dossier, its dates untouched.
                _dossier_note(
                    locked, actor, f"Gửi lại kết quả qua bưu chính, số hiệu bưu gửi {shipment.tracking_number}."
                )
                handed_over_at = timezone.now()
            else:
                try:
                    returned = workflow.perform(
                        locked.pk,
                        Action.RETURN_RESULT,
                        actor,
                        expected_version=expected_version,
                        comment=f"Gửi kết quả qua bưu chính, số hiệu bưu gửi {shipment.tracking_number}.",
                        method=ReceiveMethod.POST,
                    )
                except WorkflowError as error:
                    raise DeliveryError(error.message, error.code) from None
                handed_over_at = returned.returned_at
            previous = shipment.status
            shipment.status = ShipmentStatus.HANDED_OVER
            shipment.handed_over_at = handed_over_at
            shipment.save()
            _event(
                shipment,
                EventKind.HANDED_OVER,
                actor,
                previous,
                happened_at=shipment.handed_over_at,
                details={"tracking_number": shipment.tracking_number},
            )
            _tell_applicant(shipment, NotificationEvent.SHIPPED)
    except IntegrityError:
        # Two officers typed the same number at the same moment: the unique constraint decided.
        raise DeliveryError(M.TRACKING_TAKEN.format(number=number), "tracking", "tracking_number") from None
    return shipment


def _number_taken(carrier: str, number: str, exclude: int | None = None) -> bool:
    qs = Shipment.objects.filter(carrier=carrier, tracking_number=number).exclude(status=ShipmentStatus.CANCELLED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def _locked_shipment(shipment: Shipment) -> Shipment:
    return Shipment.objects.select_for_update(of=("self",)).select_related("dossier__procedure").get(pk=shipment.pk)


def _check_open(shipment: Shipment) -> None:
    if shipment.status not in (ShipmentStatus.HANDED_OVER, ShipmentStatus.IN_TRANSIT):
        raise DeliveryError(M.NOT_OPEN.format(status=shipment.get_status_display()), "state")


def _as_moment(value, now: datetime) -> datetime:
    if value is None:
        return now
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=TZ)
    if isinstance(value, date):
        # A date only: the end of that day's office hours, or now when it is today.
        if value == now.astimezone(TZ).date():
            return now
        return datetime(value.year, value.month, value.day, 17, 0, tzinfo=TZ)
    raise DeliveryError(WM.DATE_INVALID, "date", "delivered_at")


def record_delivery(shipment: Shipment, actor, delivered_at=None, *, note: str = "") -> Shipment:
    """The post office delivered the item (from its tracking or the signed slip coming back)."""
    note = _notes(note)
    with transaction.atomic():
        locked = _locked_shipment(shipment)
        if actor is not None and not may_manage(actor, locked.dossier):
            raise DeliveryError(M.NOT_ALLOWED, "role")
        _check_open(locked)
        now = timezone.now()
        moment = _as_moment(delivered_at, now)
        if moment > now:
            raise DeliveryError(M.DATE_IN_FUTURE, "date", "delivered_at")
        if locked.handed_over_at and moment < locked.handed_over_at:
            at = f"{locked.handed_over_at.astimezone(TZ):%d/%m/%Y %H:%M}"
            raise DeliveryError(M.DATE_BEFORE_HANDOVER.format(at=at), "date", "delivered_at")
        previous = locked.status
        locked.status = ShipmentStatus.DELIVERED
        locked.delivered_at = moment
        locked.save(update_fields=["status", "delivered_at"])
        _event(locked, EventKind.DELIVERED, actor, previous, happened_at=moment, note=note)
        _tell_applicant(locked, NotificationEvent.DELIVERED)
    return locked


@guarded
def _tell_applicant(shipment: Shipment, event: str) -> None:
    notify_applicant(
        shipment.dossier,
        event,
        {
            "so_ket_qua": shipment.dossier.result_number or "",
            "so_hieu_buu_gui": shipment.tracking_number,
            "buu_chinh": shipment.carrier_label,
            "dia_chi_nhan": shipment.address,
            "ngay_phat": f"{shipment.delivered_at.astimezone(TZ):%d/%m/%Y}" if shipment.delivered_at else "",
        },
    )


def record_return(shipment: Shipment, actor, reason: str, returned_at=None) -> Shipment:
    """The item could not be delivered and came back: the shipment ends "returned" and the dossier gets an internal
    note for the one-stop officer (who contacts the applicant; the result stays with the department)."""
    reason = _notes(reason)
    if not reason:
        raise DeliveryError(M.REASON_REQUIRED, "reason", "reason")
    with transaction.atomic():
        locked = _locked_shipment(shipment)
        dossier = locked.dossier
        if actor is not None and not may_manage(actor, dossier):
            raise DeliveryError(M.NOT_ALLOWED, "role")
        _check_open(locked)
        now = timezone.now()
        moment = _as_moment(returned_at, now)
        if moment > now:
            raise DeliveryError(M.DATE_IN_FUTURE, "date", "returned_at")
        previous = locked.status
        locked.status = ShipmentStatus.RETURNED
        locked.returned_at = moment
        locked.save(update_fields=["status", "returned_at"])
        _event(locked, EventKind.RETURNED, actor, previous, happened_at=moment, note=reason)
        comment = (
            f"Bưu gửi {locked.tracking_number} không phát được, đã hoàn về Bộ phận Một cửa. Lý do: {reason} "
            "Cần liên hệ người nộp để thống nhất cách nhận kết quả."
        )
        _dossier_note(dossier, actor, comment)
    return locked


def _dossier_note(dossier: Dossier, actor, comment: str) -> None:
    """An internal note on the dossier through ``perform``: by the staff member, or for the poll task (no user) by
    the system actor of postal tracking."""
    current = Dossier.objects.only("version").get(pk=dossier.pk)
    try:
        workflow.perform(
            dossier.pk, Action.COMMENT, actor or POSTAL_TRACKING, expected_version=current.version, comment=comment
        )
    except WorkflowError as error:
        raise DeliveryError(error.message, error.code) from None


def poll(carrier_key: str | None = None, limit: int = 500) -> int:
    """Ask trackable carriers for news about open shipments and apply it; returns the number of updates applied.
    Each shipment in its own transaction: one failure is logged and does not stop the others."""
    keys = [k for k in carriers.enabled_keys() if carriers.REGISTRY[k].trackable]
    if carrier_key is not None:
        keys = [k for k in keys if k == carrier_key]
    ids = list(
        Shipment.objects.filter(carrier__in=keys, status__in=[ShipmentStatus.HANDED_OVER, ShipmentStatus.IN_TRANSIT])
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    applied = 0
    for pk in ids:
        try:
            applied += _poll_one(pk)
        except Exception:
            logger.exception("Could not poll shipment %s", pk)
    return applied


def _poll_one(pk: int) -> int:
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=pk)
        if shipment.status not in (ShipmentStatus.HANDED_OVER, ShipmentStatus.IN_TRANSIT):
            return 0
        plugin = carriers.get_carrier(shipment.carrier)
        updates = plugin.track(shipment)
        shipment.carrier_state = {**shipment.carrier_state, "polls": shipment.carrier_state.get("polls", 0) + 1}
        shipment.save(update_fields=["carrier_state"])
    count = 0
    for update in updates:
        if update.status == ShipmentStatus.DELIVERED:
            record_delivery(shipment, None, update.at, note=update.description)
        elif update.status == ShipmentStatus.RETURNED:
            record_return(shipment, None, update.description, update.at)
        elif update.status == ShipmentStatus.IN_TRANSIT:
            with transaction.atomic():
                locked = _locked_shipment(shipment)
                previous = locked.status
                locked.status = ShipmentStatus.IN_TRANSIT
                locked.save(update_fields=["status"])
                _event(locked, EventKind.TRACKED, None, previous, happened_at=update.at, note=update.description)
        else:
            continue
        shipment.refresh_from_db()
        count += 1
    return count


def poll_sandbox() -> int:
    return poll("sandbox")


# --- postal intake ---------------------------------------------------------------------------------------------------
PAPER_APPLICANT_USERNAME = "ho-so-giay-buu-chinh"


@dataclass
class PostalApplicant:
    kind: str
    name: str
    id_number: str
    phone: str
    address_line: str
    province: str
    email: str = ""
    ward: str = ""
    district: str = ""

    @property
    def address(self) -> str:
        return ", ".join(p for p in (self.address_line, self.ward, self.district, self.province) if p)


def _delete_private(name: str) -> None:

    try:
        storages["private"].delete(name)
    except Exception:  # a leftover file is logged, never a failed request
        logger.exception("Could not delete private file %s", name)


def paper_applicant_account():
    """The account that holds dossiers filed on paper (by post): inactive, no usable password, so nobody can sign in
    as it or act as "the applicant" (``access.acting_roles`` needs an active user). The applicant follows the dossier
    on the public tracking page with its code and phone / ID number."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=PAPER_APPLICANT_USERNAME, defaults={"is_active": False, "first_name": "Hồ sơ giấy (bưu chính)"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def check_postmark(day, now: datetime | None = None) -> date:
    """The workflow's rule for staff-entered dates (``receive`` checks it again), before any file is stored."""
    if day in (None, ""):
        raise DeliveryError(WM.DATE_REQUIRED, "date", "postmark_date")
    if isinstance(day, datetime) or not isinstance(day, date):
        raise DeliveryError(WM.DATE_INVALID, "date", "postmark_date")
    try:
        check_past_date(day, now or timezone.now())
    except WorkflowError as error:
        raise DeliveryError(error.message, error.code, "postmark_date") from None
    return day


def can_receive_by_post(user) -> bool:
    return has_role(user, StaffRole.ONE_STOP, StaffRole.ADMINISTRATOR)


def _clean_applicant(applicant: PostalApplicant) -> PostalApplicant:
    values = {k: " ".join((v or "").split()) for k, v in applicant.__dict__.items()}
    cleaned = PostalApplicant(**values)
    if cleaned.kind not in ApplicantKind.values:
        cleaned.kind = ApplicantKind.CITIZEN
    if not cleaned.name:
        raise DeliveryError(M.APPLICANT_NAME_REQUIRED, "applicant", "applicant_name")
    if not cleaned.id_number:
        raise DeliveryError(M.APPLICANT_ID_REQUIRED, "applicant", "applicant_id_number")
    if not cleaned.phone:
        raise DeliveryError(M.PHONE_REQUIRED, "applicant", "applicant_phone")
    if not PHONE_RE.match(cleaned.phone):
        raise DeliveryError(M.PHONE_INVALID, "applicant", "applicant_phone")
    if not cleaned.address_line:
        raise DeliveryError(M.ADDRESS_REQUIRED, "address", "address_line")
    if not cleaned.province:
        raise DeliveryError(M.PROVINCE_REQUIRED, "address", "province")
    return cleaned


def receive_postal_dossier(
    actor,
    *,
    procedure,
    applicant: PostalApplicant,
    postmark_date: date,
    receive_method: str,
    files,
    note: str = "",
) -> Dossier:
    """Enter a dossier that arrived by post and receive it at once (so the clock starts).

    Creates the dossier with the workflow's ``intake`` action (channel post, a code, the lookup keys), stores the
    scanned documents, then performs ``receive`` with the postmark date, all in one transaction: a refusal leaves no
    dossier and no file. The due date counts from the receipt at the department (now), as ``receive`` always
    computes it; the postmark date is kept for the record (it proves when the applicant sent the dossier).
    """

    if not can_receive_by_post(actor):
        raise DeliveryError(M.INTAKE_NOT_ALLOWED, "role")
    if not procedure.is_active:
        raise DeliveryError(M.PROCEDURE_INACTIVE, "procedure", "procedure")
    if not procedure.post_submission:
        raise DeliveryError(M.NO_POST_SUBMISSION, "procedure", "procedure")
    applicant = _clean_applicant(applicant)
    postmark_date = check_postmark(postmark_date)
    if receive_method not in dict(receive_methods(procedure)):
        raise DeliveryError(M.RECEIVE_METHOD_INVALID, "method", "receive_method")
    if receive_method == ReceiveMethod.POST and not procedure.post_return:
        raise DeliveryError(M.RECEIVE_METHOD_INVALID, "method", "receive_method")
    note = _notes(note)
    files = [f for f in (files or ()) if f is not None]
    if not files:
        raise DeliveryError(M.FILES_REQUIRED, "upload", "files")
    if len(files) > MAX_INTAKE_FILES:
        raise DeliveryError(M.TOO_MANY_FILES.format(limit=MAX_INTAKE_FILES), "upload", "files")
    types = allowed_types(procedure.allowed_file_types)
    try:
        checked = [check_upload(f, types, max_bytes=settings.UPLOAD_MAX_FILE_BYTES) for f in files]
    except UploadRejected as error:
        raise DeliveryError(error.message, "upload", "files") from None
    total = sum(c.size for c in checked)
    if total > settings.UPLOAD_MAX_DOSSIER_BYTES:
        raise DeliveryError(
            DM.DOSSIER_TOO_LARGE.format(limit=format_size(settings.UPLOAD_MAX_DOSSIER_BYTES)), "upload", "files"
        )

    holder = paper_applicant_account()
    stored: list[str] = []
    try:
        with transaction.atomic():
            try:
                dossier = workflow.perform(
                    None,
                    Action.INTAKE,
                    actor,
                    expected_version=0,
                    fields={
                        "procedure": procedure,
                        "applicant": holder,
                        "channel": Channel.POST,
                        "applicant_kind": applicant.kind,
                        "applicant_name": applicant.name,
                        "applicant_id_number": applicant.id_number,
                        "applicant_phone": applicant.phone,
                        "applicant_email": applicant.email,
                        "applicant_address": applicant.address,
                        "receive_method": receive_method,
                        "postal_address": applicant.address if receive_method == ReceiveMethod.POST else "",
                        "note": note,
                    },
                )
            except WorkflowError as error:
                raise DeliveryError(error.message, error.code) from None
            for upload, info in zip(files, checked, strict=True):
                try:
                    name = store_private(info, upload, f"dossiers/{dossier.pk}")
                except UploadRejected as error:
                    raise DeliveryError(error.message, "upload", "files") from None
                stored.append(name)
                DossierFile.objects.create(
                    dossier=dossier,
                    document_name="Bản quét hồ sơ nhận qua bưu chính",
                    source=FileSource.DIGITISED,
                    digitised_by=actor,
                    digitised_at=timezone.now(),
                    **info.stored_fields(name),
                )
            try:
                dossier = workflow.perform(
                    dossier.pk,
                    Action.RECEIVE,
                    actor,
                    expected_version=dossier.version,
                    comment=f"Hồ sơ nhận qua dịch vụ bưu chính (dấu bưu điện ngày {postmark_date:%d/%m/%Y}).",
                    date=postmark_date,
                )
            except WorkflowError as error:
                raise DeliveryError(error.message, error.code) from None
    except BaseException:
        for name in stored:
            _delete_private(name)
        raise
    return dossier
