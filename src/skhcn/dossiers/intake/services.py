"""The applicant's draft: creating, files, details, submitting. Views stay thin and call these.

Creating and submitting go through ``workflow.perform`` (the one path of every status change); the draft's files
and details change here, each in one transaction with the dossier row locked (SELECT ... FOR UPDATE), deleting
stored files only after commit.
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import ProtectedError, Sum

from skhcn.accounts.services import get_profile
from skhcn.core.uploads import allowed_types, check_upload, format_size, store_private

from .. import workflow
from ..constants import MAX_FILES_PER_DOSSIER, Action, Messages, ReceiveMethod, Status
from ..models import Dossier, DossierFile
from ..workflow.errors import WorkflowError
from ..workflow.transitions import is_editable

logger = logging.getLogger(__name__)


class DossierError(Exception):
    """A refusal with a message for the applicant (Vietnamese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SubmitRefused(DossierError):
    def __init__(self, problems: list[str]):
        super().__init__(Messages.SUBMIT_REFUSED)
        self.problems = problems


class AlreadySubmitted(DossierError):
    def __init__(self, dossier: Dossier):
        super().__init__(Messages.ALREADY_SUBMITTED.format(code=dossier.code))
        self.dossier = dossier


class StaleDossier(DossierError):
    def __init__(self):
        super().__init__(Messages.STALE)


def private_storage():
    return storages["private"]


def receive_methods(procedure) -> list[tuple[str, str]]:
    """Choices offered for this procedure: post only where the procedure returns results by post."""
    return [
        (value, label) for value, label in ReceiveMethod.choices if value != ReceiveMethod.POST or procedure.post_return
    ]


def find_draft(user, procedure) -> Dossier | None:
    return (
        Dossier.objects.filter(applicant=user, procedure=procedure, status=Status.DRAFT).order_by("-updated_at").first()
    )


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().select_related("procedure").get(pk=dossier.pk)


def _require_editable(dossier: Dossier) -> None:
    if not is_editable(dossier.status):
        raise DossierError(Messages.NOT_EDITABLE)


def _touch(dossier: Dossier, *fields: str) -> None:
    dossier.version += 1
    dossier.save(update_fields=[*fields, "version", "updated_at"])


def _delete_stored(name: str) -> None:
    try:
        private_storage().delete(name)
    except Exception:  # a leftover file is logged, never a failed request
        logger.exception("Could not delete private file %s", name)


# --- drafts ---------------------------------------------------------------------------------------------------------
def _lock_account(user_id: int) -> None:
    """Lock the applicant's user row until the transaction ends: the account's quotas (open drafts, bytes in them)
    are counted and changed one request at a time, so two tabs cannot together pass a limit. Lock order: the
    account, then the dossier."""
    get_user_model().objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True).first()


def open_drafts(user):
    return Dossier.objects.filter(applicant=user, status=Status.DRAFT)


def draft_bytes(user_id: int) -> int:
    """Bytes of the files in all the account's open drafts (settings.DOSSIER_MAX_DRAFT_BYTES bounds it)."""
    return DossierFile.objects.filter(dossier__in=open_drafts(user_id)).aggregate(total=Sum("size"))["total"] or 0


def start_draft(user, procedure) -> Dossier:
    """A new draft; refused past settings.DOSSIER_MAX_OPEN_DRAFTS drafts of the account."""
    if not procedure.accepts_online:
        raise DossierError(Messages.NOT_ONLINE)
    limit = settings.DOSSIER_MAX_OPEN_DRAFTS
    with transaction.atomic():
        _lock_account(user.pk)
        count = open_drafts(user).count()
        if count >= limit:
            raise DossierError(Messages.TOO_MANY_DRAFTS.format(count=count, limit=limit))
        try:
            return workflow.perform(
                None, Action.CREATE, user, expected_version=0, fields={"applicant": user, "procedure": procedure}
            )
        except WorkflowError as exc:
            raise DossierError(exc.message) from exc


def delete_draft(dossier: Dossier, actor=None) -> None:
    """Discard a draft with its files and history (a draft was never filed); the stored files go after commit."""
    with transaction.atomic():
        locked = _locked(dossier)
        _require_editable(locked)
        names = list(locked.files.values_list("stored_name", flat=True))
        try:
            locked.delete()
        except ProtectedError as exc:  # a payment or shipment already points at it
            raise DossierError(Messages.DRAFT_NOT_DELETABLE) from exc
        for name in names:
            transaction.on_commit(partial(_delete_stored, name))


def _check_capacity(dossier: Dossier, adding: int) -> None:
    """Per dossier (file count, settings.UPLOAD_MAX_DOSSIER_BYTES), then for the account's open drafts together
    (settings.DOSSIER_MAX_DRAFT_BYTES)."""
    stats = dossier.files.aggregate(total=Sum("size"))
    if dossier.files.count() >= MAX_FILES_PER_DOSSIER:
        raise DossierError(Messages.TOO_MANY_FILES.format(limit=MAX_FILES_PER_DOSSIER))
    if (stats["total"] or 0) + adding > settings.UPLOAD_MAX_DOSSIER_BYTES:
        raise DossierError(Messages.DOSSIER_TOO_LARGE.format(limit=format_size(settings.UPLOAD_MAX_DOSSIER_BYTES)))
    if dossier.status == Status.DRAFT and draft_bytes(dossier.applicant_id) + adding > settings.DOSSIER_MAX_DRAFT_BYTES:
        raise DossierError(Messages.DRAFTS_TOO_LARGE.format(limit=format_size(settings.DOSSIER_MAX_DRAFT_BYTES)))


def attach_file(dossier: Dossier, required_document, uploaded, actor=None) -> DossierFile:
    """Check, store and record one uploaded file; ``UploadRejected`` or ``DossierError`` refuse it.

    The file is written before the row (the row must not point at nothing); if the row cannot be written the
    stored file is deleted again, so a failure leaves no orphan in the private storage.
    """
    procedure = dossier.procedure
    if required_document is not None and required_document.procedure_id != procedure.pk:
        raise DossierError(Messages.UNKNOWN_DOCUMENT)
    _require_editable(dossier)
    checked = check_upload(
        uploaded, allowed_types(procedure.allowed_file_types), max_bytes=settings.UPLOAD_MAX_FILE_BYTES
    )
    _check_capacity(dossier, checked.size)  # early, before writing anything
    stored_name = store_private(checked, uploaded, f"dossiers/{dossier.pk}")  # adds yyyy/mm/<uuid>.<ext>
    try:
        with transaction.atomic():
            _lock_account(dossier.applicant_id)
            locked = _locked(dossier)
            _require_editable(locked)
            _check_capacity(locked, checked.size)  # again under the locks: two tabs uploading at once
            record = DossierFile.objects.create(
                dossier=locked,
                required_document=required_document,
                document_name=required_document.name if required_document is not None else "",
                **checked.stored_fields(stored_name),
            )
            _touch(locked)
    except BaseException:
        _delete_stored(stored_name)
        raise
    dossier.version = locked.version
    return record


def remove_file(dossier: Dossier, file_id: int, actor=None) -> DossierFile:
    with transaction.atomic():
        locked = _locked(dossier)
        _require_editable(locked)
        record = locked.files.filter(pk=file_id).first()
        if record is None:
            raise DossierError(Messages.FILE_NOT_FOUND)
        record.delete()
        _touch(locked)
        # Only once the row is surely gone: a rollback must not leave a row without its file.
        transaction.on_commit(partial(_delete_stored, record.stored_name))
    dossier.version = locked.version
    return record


def update_details(dossier: Dossier, *, receive_method: str, postal_address: str, note: str, actor=None) -> Dossier:
    receive_method = receive_method or ""
    postal_address = (postal_address or "").strip()
    if receive_method and receive_method not in dict(receive_methods(dossier.procedure)):
        raise DossierError(Messages.RECEIVE_METHOD_INVALID)
    if receive_method == ReceiveMethod.POST and not postal_address:
        raise DossierError(Messages.POSTAL_ADDRESS_MISSING)
    with transaction.atomic():
        locked = _locked(dossier)
        _require_editable(locked)
        locked.receive_method = receive_method
        locked.postal_address = postal_address if receive_method == ReceiveMethod.POST else ""
        locked.note = (note or "").strip()
        _touch(locked, "receive_method", "postal_address", "note")
    for name in ("receive_method", "postal_address", "note", "version", "updated_at"):
        setattr(dossier, name, getattr(locked, name))
    return dossier


# --- submission ----------------------------------------------------------------------------------------------------
def missing_documents(dossier: Dossier) -> list:
    present = set(dossier.files.exclude(required_document=None).values_list("required_document_id", flat=True))
    return [doc for doc in dossier.procedure.documents.filter(mandatory=True) if doc.pk not in present]


def submission_problems(dossier: Dossier) -> list[str]:
    """Why this draft cannot be submitted yet (empty when it can); shown on the review page and checked on submit."""
    problems = []
    if not dossier.procedure.accepts_online:
        problems.append(Messages.NOT_ONLINE)
    profile = get_profile(dossier.applicant)
    if profile is None:
        problems.append(Messages.NO_PROFILE)
    elif not profile.email_verified:
        problems.append(Messages.EMAIL_UNVERIFIED)
    problems += [Messages.MISSING_DOCUMENT.format(name=doc.name) for doc in missing_documents(dossier)]
    if not dossier.receive_method:
        problems.append(Messages.RECEIVE_METHOD_MISSING)
    elif dossier.receive_method not in dict(receive_methods(dossier.procedure)):
        problems.append(Messages.RECEIVE_METHOD_INVALID)
    elif dossier.receive_method == ReceiveMethod.POST and not dossier.postal_address.strip():
        problems.append(Messages.POSTAL_ADDRESS_MISSING)
    return problems


def submit_dossier(dossier: Dossier, actor, expected_version: int | None = None) -> Dossier:
    """Submit a draft through ``workflow.perform`` (``submit``: code, applicant snapshot, provisional return date,
    history; the e-mail goes after commit).

    ``expected_version`` is the version the applicant reviewed: a change made since (another tab) is refused.
    A second submit of the same dossier (double click) raises ``AlreadySubmitted`` and changes nothing.
    """
    with transaction.atomic():
        locked = _locked(dossier)
        if locked.status != Status.DRAFT:
            raise AlreadySubmitted(locked)
        if expected_version is not None and expected_version != locked.version:
            raise StaleDossier()
        problems = submission_problems(locked)
        if problems:
            raise SubmitRefused(problems)
        try:
            return workflow.perform(locked.pk, Action.SUBMIT, actor, expected_version=locked.version)
        except WorkflowError as exc:
            raise DossierError(exc.message) from exc
