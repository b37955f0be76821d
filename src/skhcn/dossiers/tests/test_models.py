import itertools
from datetime import UTC, datetime

import pytest
from django.db import transaction

from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.documents.codes import allocate_code, format_code
from skhcn.dossiers.models import DailySerial, DossierEvent
from skhcn.dossiers.workflow import transitions

from .factories import DossierFactory


def test_code_format(settings):
    settings.AGENCY_CODE = "000.26.H11"
    assert format_code("000.26.H11", datetime(2026, 11, 29).date(), 1) == "000.26.H11-261129-00001"


@pytest.mark.django_db
def test_serials_count_up_per_day_and_are_unique(settings):
    settings.AGENCY_CODE = "000.26.H11"
    now = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
    with transaction.atomic():
        codes = [allocate_code(now) for _ in range(3)]
    assert codes == ["000.26.H11-261129-00001", "000.26.H11-261129-00002", "000.26.H11-261129-00003"]
    assert DailySerial.objects.get().last_value == 3


@pytest.mark.django_db
def test_serial_day_follows_vietnam_midnight(settings):
    settings.AGENCY_CODE = "000.26.H11"
    with transaction.atomic():
        before = allocate_code(datetime(2026, 11, 29, 16, 59, 59, tzinfo=UTC))  # 23:59:59 on 29/11 in Vietnam
        after = allocate_code(datetime(2026, 11, 29, 17, 0, 0, tzinfo=UTC))  # 00:00 on 30/11 in Vietnam
        again = allocate_code(datetime(2026, 11, 29, 17, 0, 1, tzinfo=UTC))
    assert before == "000.26.H11-261129-00001"
    assert after == "000.26.H11-261130-00001"
    assert again == "000.26.H11-261130-00002"


@pytest.mark.django_db
def test_serials_are_per_agency(settings):
    now = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    with transaction.atomic():
        settings.AGENCY_CODE = "000.26.H11"
        first = allocate_code(now)
        settings.AGENCY_CODE = "000.27.H12"
        other = allocate_code(now)
    assert first.endswith("-00001") and other == "000.27.H12-261129-00001"


@pytest.mark.django_db
def test_serial_of_a_rolled_back_submission_is_reused(settings):
    now = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_code(now)
        raise RuntimeError("submission failed")
    with transaction.atomic():
        assert allocate_code(now).endswith("-00001")


@pytest.mark.django_db(transaction=True)
def test_allocate_code_refuses_to_run_outside_a_transaction():
    # Outside a transaction the row lock would end at once and two submissions could get the same serial.
    with pytest.raises(RuntimeError):
        allocate_code()
    assert not DailySerial.objects.exists()


@pytest.mark.django_db
def test_events_are_append_only():
    dossier = DossierFactory()
    event = DossierEvent.objects.create(dossier=dossier, to_status=Status.DRAFT, action=Action.CREATE)
    event.comment = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        DossierEvent.objects.filter(pk=event.pk).update(comment="changed")
    event.refresh_from_db()
    assert event.comment == ""


STATES = [value for value, _ in Status.choices]


@pytest.mark.parametrize(("current", "target"), list(itertools.product(STATES, STATES)))
def test_transition_table_pairs_around_drafts(current, target):
    # A draft only becomes submitted, and nothing leads back to a draft (the staff rows: test_workflow_table).
    if current == Status.DRAFT or target == Status.DRAFT:
        assert transitions.is_allowed(current, target) == ((current, target) == (Status.DRAFT, Status.SUBMITTED))


@pytest.mark.parametrize("current", STATES)
def test_submit_action_only_from_draft_and_only_by_applicant(current):
    if current == Status.DRAFT:
        assert transitions.transition_for(Action.SUBMIT, current).target == Status.SUBMITTED
        with pytest.raises(transitions.TransitionRefused):
            transitions.transition_for(Action.SUBMIT, current, role=transitions.Role.STAFF)
    else:
        with pytest.raises(transitions.TransitionRefused):
            transitions.transition_for(Action.SUBMIT, current)


def test_unknown_action_is_refused():
    with pytest.raises(transitions.TransitionRefused):
        transitions.transition_for("teleport", Status.DRAFT)


def test_only_drafts_are_editable():
    assert [s for s in STATES if transitions.is_editable(s)] == [Status.DRAFT]
