"""The workflow's system actor (``workflow.SystemActor``): allowed only on ``transitions.SYSTEM_ACTIONS``."""

import pytest

from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action, Status
from skhcn.dossiers.tests.workflow_support import dossier_at, today
from skhcn.dossiers.workflow import SystemActor, WorkflowError
from skhcn.dossiers.workflow.transitions import SYSTEM_ACTIONS


def test_system_actor_records_the_fee(world):
    dossier = dossier_at(Status.AWAITING_FEE, world)
    done = workflow.perform(
        dossier.pk, Action.RECORD_FEE_PAID, SystemActor("Cổng"), expected_version=dossier.version, date=today()
    )
    assert done.status == Status.RECEIVED and done.clock_started_at is not None
    assert done.events.get(action=Action.RECORD_FEE_PAID).actor is None


@pytest.mark.parametrize("action", [Action.TRANSFER, Action.WITHDRAW, Action.STOP_PROCESSING])
def test_system_actor_is_refused_elsewhere(world, action):
    assert action not in SYSTEM_ACTIONS
    dossier = dossier_at(Status.RECEIVED, world)
    with pytest.raises(WorkflowError) as info:
        workflow.perform(
            dossier.pk,
            action,
            SystemActor("Cổng"),
            expected_version=dossier.version,
            comment="x",
            division=world.division,
        )
    assert info.value.code == "role"


def test_system_actor_may_note_but_not_change_state(world):
    dossier = dossier_at(Status.RECEIVED, world)
    done = workflow.perform(
        dossier.pk, Action.COMMENT, SystemActor("Theo dõi bưu chính"), expected_version=dossier.version, comment="x"
    )
    event = done.events.get(action=Action.COMMENT)
    assert done.status == Status.RECEIVED and done.version == dossier.version + 1 and event.actor is None
