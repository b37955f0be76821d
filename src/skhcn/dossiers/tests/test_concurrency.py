"""Race tests with real threads and connections: PostgreSQL row locks (SQLite serialises writers anyway)."""

import time
from unittest import mock

import pytest

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.dossiers.constants import ReceiveMethod, Status
from skhcn.dossiers.intake import services
from skhcn.dossiers.models import DailySerial, Dossier, DossierEvent
from skhcn.procedures.tests.factories import ProcedureFactory

from .concurrency_support import POSTGRESQL_ONLY, run_together
from .factories import MINIMAL_PDF, pdf_upload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    POSTGRESQL_ONLY,
]

THREADS = 8


def ready_draft(procedure, documents):
    user = ApplicantFactory()
    draft = services.start_draft(user, procedure)
    for document in documents[:2]:
        services.attach_file(draft, document, pdf_upload())
    services.update_details(draft, receive_method=ReceiveMethod.DESK, postal_address="", note="")
    return draft


def test_concurrent_submissions_get_distinct_consecutive_codes(procedure, documents):
    drafts = [ready_draft(procedure, documents) for _ in range(THREADS)]
    results, errors = run_together([lambda d=d: services.submit_dossier(d, d.applicant).code for d in drafts])
    assert errors == []
    assert len(set(results)) == THREADS
    assert sorted(int(code.rsplit("-", 1)[1]) for code in results) == list(range(1, THREADS + 1))
    assert DailySerial.objects.get().last_value == THREADS


def test_same_dossier_submitted_twice_at_once(procedure, documents):
    draft = ready_draft(procedure, documents)
    results, errors = run_together([lambda: services.submit_dossier(draft, draft.applicant).code] * 2)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], services.AlreadySubmitted)
    assert Dossier.objects.get(pk=draft.pk).status == Status.SUBMITTED
    assert DossierEvent.objects.filter(dossier=draft, to_status=Status.SUBMITTED).count() == 1
    assert DailySerial.objects.get().last_value == 1


def test_concurrent_uploads_cannot_together_pass_the_account_limit(settings):
    """Uploads to drafts of one account lock the account: exactly as many fit as the limit allows. The drafts are
    for different procedures: locking a dossier also locks its procedure's row (select_related), which would hide
    a missing account lock."""

    user = ApplicantFactory()
    drafts = [services.start_draft(user, ProcedureFactory()) for _ in range(THREADS)]
    settings.DOSSIER_MAX_DRAFT_BYTES = len(MINIMAL_PDF) * 3
    touch = services._touch

    def slow_touch(*args):  # widens the window between the check and the commit
        time.sleep(0.2)
        touch(*args)

    with mock.patch.object(services, "_touch", slow_touch):
        results, errors = run_together([lambda d=d: services.attach_file(d, None, pdf_upload()).pk for d in drafts])
    assert len(results) == 3 and len(errors) == THREADS - 3
    assert all(isinstance(error, services.DossierError) for error in errors)
    assert all("cho mỗi tài khoản" in error.message for error in errors)
    assert services.draft_bytes(user.pk) == len(MINIMAL_PDF) * 3


def test_concurrent_new_drafts_cannot_pass_the_draft_limit(procedure, settings):
    user = ApplicantFactory()
    settings.DOSSIER_MAX_OPEN_DRAFTS = 3
    results, errors = run_together([lambda: services.start_draft(user, procedure).pk] * THREADS)
    assert len(results) == 3 and len(errors) == THREADS - 3
    assert all(isinstance(error, services.DossierError) for error in errors)
    assert Dossier.objects.filter(applicant=user, status=Status.DRAFT).count() == 3
