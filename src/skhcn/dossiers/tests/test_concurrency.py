"""Race tests with real threads and connections: PostgreSQL row locks (SQLite serialises writers anyway)."""

import pytest

from skhcn.accounts.tests.factories import ApplicantFactory
from skhcn.dossiers import services
from skhcn.dossiers.constants import ReceiveMethod, Status
from skhcn.dossiers.models import DailySerial, Dossier, DossierEvent

from .concurrency_support import POSTGRESQL_ONLY, run_together
from .factories import pdf_upload

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
