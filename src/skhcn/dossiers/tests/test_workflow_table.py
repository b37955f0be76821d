"""The transition table, exhaustively: every allowed (state, action) goes where the table says, every other pair is
refused and changes nothing, every role is allowed or refused as the table says, ownership on top."""

import itertools

import pytest

from skhcn.accounts.constants import StaffRole
from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action, Channel, Status
from skhcn.dossiers.models import Dossier, DossierEvent, DossierEventFile
from skhcn.dossiers.workflow import access
from skhcn.dossiers.workflow.handlers import HANDLERS
from skhcn.dossiers.workflow.transitions import (
    CREATING_ACTIONS,
    NEW,
    RECORDED_ACTIONS,
    RESUME,
    TRANSITIONS,
    Role,
    allowed_transitions,
)

from .conftest import private_files
from .workflow_support import actor_for, dossier_at, submitted_dossier, valid_input

STATES = list(Status.values)
WORKFLOW_ACTIONS = [a for a in TRANSITIONS if a != Action.SUBMIT]
ALLOWED = sorted(
    (source, action, target)
    for source, action, target in allowed_transitions()
    if action != Action.SUBMIT  # the citizen's submit: test_services
    and source != NEW  # creating a dossier: test_every_creating_transition
)
CREATING = sorted((action, TRANSITIONS[action].target) for action in CREATING_ACTIONS)


def _id(case):
    return "-".join(str(part) for part in case)


def test_table_is_consistent():
    for t in TRANSITIONS.values():
        assert t.sources, t.action
        assert t.roles <= set(StaffRole.values) | {Role.APPLICANT}, t.action
        assert Status.DRAFT not in t.sources or t.action in (Action.SUBMIT,)
    # Final states are final: only the internal note is possible there.
    for final in (Status.REFUSED_AT_INTAKE, Status.CLOSED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED):
        assert {a for s, a, _ in allowed_transitions() if s == final} == {Action.COMMENT}
    # Every state but the draft is reachable.
    reached = {Status.DRAFT} | {t for _s, _a, t in allowed_transitions() if t not in (None, RESUME)}
    assert reached == set(STATES)


def test_every_action_has_a_handler():
    # RECORDED_ACTIONS are history rows the system writes outside the table (workflow.recalculate).
    assert set(HANDLERS) == set(TRANSITIONS) == set(Action.values) - RECORDED_ACTIONS
    assert not RECORDED_ACTIONS & set(TRANSITIONS)


def test_creating_actions_are_the_draft_and_the_paper_intake():
    assert {(s, a, t) for s, a, t in allowed_transitions() if s == NEW} == {
        (NEW, Action.CREATE, Status.DRAFT),
        (NEW, Action.INTAKE, Status.SUBMITTED),
    }
    assert all(TRANSITIONS[action].sources == {NEW} for action in CREATING_ACTIONS)


def creation_fields(action: str, world) -> dict:
    """The fields a creating action takes: the applicant's own draft, or a paper dossier's details."""
    fields = {"procedure": world.procedure, "applicant": world.applicant}
    if action == Action.INTAKE:
        fields.update(
            channel=Channel.POST,
            applicant_name="Nguyễn Văn An",
            applicant_id_number="079.088-001",
            applicant_phone="+84 912.345.678",
        )
    return fields


@pytest.mark.parametrize(("action", "target"), CREATING, ids=[_id(c) for c in CREATING])
def test_every_creating_transition(world, clock, action, target):
    actor = actor_for(action, None, world)
    dossier = workflow.perform(None, action, actor, expected_version=0, fields=creation_fields(action, world))
    dossier.refresh_from_db()
    assert dossier.status == target and dossier.version == 1
    event = dossier.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (action, NEW, target, actor.pk)
    if action == Action.INTAKE:
        assert dossier.code and dossier.submitted_at is not None
        assert (dossier.lookup_phone, dossier.lookup_id_number) == ("0912345678", "079088001")
    else:
        assert dossier.code is None and dossier.submitted_at is None


@pytest.mark.parametrize("action", sorted(set(TRANSITIONS) - CREATING_ACTIONS))
def test_no_other_action_creates_a_dossier(world, clock, action):
    actor = actor_for(action, None, world)
    with pytest.raises(TypeError):
        workflow.perform(None, action, actor, expected_version=0, fields=creation_fields(action, world))
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()


@pytest.mark.parametrize("action", sorted(CREATING_ACTIONS))
def test_creating_is_refused_with_workflow_fields_or_a_version(world, clock, action):
    actor = actor_for(action, None, world)
    for taken in ({"status": Status.RECEIVED}, {"version": 7}, {"code": "X"}):
        with pytest.raises(TypeError):
            workflow.perform(
                None, action, actor, expected_version=0, fields={**creation_fields(action, world), **taken}
            )
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(None, action, actor, expected_version=1, fields=creation_fields(action, world))
    assert caught.value.code == "stale"
    assert not Dossier.objects.exists()


CREATING_ROLES = sorted((action, role) for action in CREATING_ACTIONS for role in [*StaffRole.values, Role.APPLICANT])


@pytest.mark.parametrize(("action", "role"), CREATING_ROLES, ids=[_id(c) for c in CREATING_ROLES])
def test_every_role_allowed_or_refused_to_create(world, clock, action, role):
    user = world.by_role(role)
    if role in TRANSITIONS[action].roles:
        dossier = workflow.perform(None, action, user, expected_version=0, fields=creation_fields(action, world))
        assert dossier.status == TRANSITIONS[action].target
    else:
        with pytest.raises(workflow.WorkflowError) as caught:
            workflow.perform(None, action, user, expected_version=0, fields=creation_fields(action, world))
        assert caught.value.code == "role"
        assert not Dossier.objects.exists()


@pytest.mark.parametrize(("source", "action", "target"), ALLOWED, ids=[_id(c) for c in ALLOWED])
def test_every_allowed_transition(world, clock, source, action, target, private_root):
    if action == Action.RECEIVE and target == Status.AWAITING_FEE:
        world.procedure.clock_waits_for_fee = True
        world.procedure.save()
    if action == Action.RECEIVE and target == Status.RECEIVED:
        world.procedure.clock_waits_for_fee = False
        world.procedure.save()
    dossier = dossier_at(source, world)
    version, events = dossier.version, dossier.events.count()
    actor = actor_for(action, dossier, world)
    assert access.can_act(actor, dossier, action)
    assert action in [spec.action for spec in workflow.available_actions(actor, dossier)]

    result = workflow.perform(
        dossier.pk, action, actor, expected_version=version, **valid_input(action, dossier, world)
    )

    expected = {None: source, RESUME: dossier.paused_from}.get(target, target)
    assert result.status == expected
    result.refresh_from_db()
    assert result.status == expected
    assert result.version == version + 1
    assert result.events.count() == events + 1
    event = result.events.order_by("-id").first()
    assert (event.action, event.from_status, event.to_status, event.actor_id) == (action, source, expected, actor.pk)


@pytest.mark.parametrize("source", [Status.ASSIGNED, Status.TRANSFERRED, Status.AT_DIVISION_HEAD])
def test_supply_resumes_the_state_the_supplement_paused(world, clock, source):
    dossier = dossier_at(Status.SUPPLEMENT_REQUESTED, world, via=source)
    assert dossier.paused_from == source
    result = workflow.perform(
        dossier.pk,
        Action.SUPPLY,
        world.applicant,
        expected_version=dossier.version,
        **valid_input(Action.SUPPLY, dossier, world),
    )
    assert result.status == source
    assert result.paused_from == ""


FORBIDDEN = sorted(
    (state, action)
    for state, action in itertools.product(STATES, WORKFLOW_ACTIONS)
    if state not in TRANSITIONS[action].sources
)


def direct_dossier(world, state) -> Dossier:
    """A dossier put in ``state`` directly (the refusal comes before anything depends on the other fields)."""
    from django.utils import timezone

    now = timezone.now()
    return submitted_dossier(
        world,
        status=state,
        division=world.division,
        assignee=world.specialist,
        received_at=now,
        clock_started_at=now,
        due_at=now + timezone.timedelta(days=20),
    )


@pytest.mark.parametrize(("state", "action"), FORBIDDEN, ids=[_id(c) for c in FORBIDDEN])
def test_every_forbidden_pair_is_refused_and_changes_nothing(world, clock, state, action, private_root):
    dossier = direct_dossier(world, state)
    # The administrator holds every staff role; the applicant's rows need the dossier's own applicant.
    actor = world.applicant if TRANSITIONS[action].roles == {Role.APPLICANT} else world.admin
    if Role.APPLICANT in TRANSITIONS[action].roles and StaffRole.ADMINISTRATOR not in TRANSITIONS[action].roles:
        actor = world.applicant
    assert not access.can_act(actor, dossier, action)
    before = Dossier.objects.filter(pk=dossier.pk).values().get()
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(
            dossier.pk, action, actor, expected_version=dossier.version, **valid_input(action, dossier, world)
        )
    assert caught.value.code == "state"
    assert "Không thể" in caught.value.message
    assert Dossier.objects.filter(pk=dossier.pk).values().get() == before
    assert not DossierEvent.objects.filter(dossier=dossier).exists()
    assert not DossierEventFile.objects.exists()
    assert private_files(private_root) == []


ROLE_CASES = sorted(
    (action, role)
    for action in WORKFLOW_ACTIONS
    if action not in CREATING_ACTIONS  # test_every_role_allowed_or_refused_to_create
    for role in [*StaffRole.values, Role.APPLICANT]
)


@pytest.mark.parametrize(("action", "role"), ROLE_CASES, ids=[_id(c) for c in ROLE_CASES])
def test_every_role_allowed_or_refused(world, clock, action, role):
    t = TRANSITIONS[action]
    state = sorted(t.sources)[0]
    dossier = direct_dossier(world, state)
    if t.action == Action.SUPPLY:
        dossier.paused_from = Status.ASSIGNED
        dossier.save()
    user = world.by_role(role, dossier)
    allowed = role in t.roles
    assert access.can_act(user, dossier, action) == allowed
    if not allowed:
        with pytest.raises(workflow.WorkflowError) as caught:
            workflow.perform(
                dossier.pk, action, user, expected_version=dossier.version, **valid_input(action, dossier, world)
            )
        assert caught.value.code == "role"
        assert dossier.events.count() == 0


@pytest.mark.parametrize("action", [Action.ASSIGN, Action.HEAD_RETURN, Action.HEAD_APPROVE])
def test_a_division_head_acts_only_on_their_division(world, clock, action):
    state = sorted(TRANSITIONS[action].sources)[0]
    dossier = direct_dossier(world, state)
    assert access.can_act(world.head, dossier, action)
    assert not access.can_act(world.other_head, dossier, action)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(
            dossier.pk,
            action,
            world.other_head,
            expected_version=dossier.version,
            **valid_input(action, dossier, world),
        )
    assert caught.value.code == "role"


@pytest.mark.parametrize("action", [Action.SUBMIT_TO_HEAD, Action.REQUEST_SUPPLEMENT, Action.CONSULT, Action.COMMENT])
def test_a_specialist_acts_only_on_dossiers_assigned_to_them(world, clock, action):
    dossier = direct_dossier(world, Status.ASSIGNED)
    assert access.can_act(world.specialist, dossier, action)
    for other in (world.other_specialist, world.foreign_specialist):
        assert not access.can_act(other, dossier, action)
        with pytest.raises(workflow.WorkflowError) as caught:
            workflow.perform(
                dossier.pk, action, other, expected_version=dossier.version, **valid_input(action, dossier, world)
            )
        assert caught.value.code == "role"


def test_applicant_acts_only_on_their_own_dossier(world, clock):
    dossier = direct_dossier(world, Status.RECEIVED)
    assert access.can_act(world.applicant, dossier, Action.WITHDRAW)
    assert not access.can_act(world.stranger, dossier, Action.WITHDRAW)
    with pytest.raises(workflow.WorkflowError) as caught:
        workflow.perform(dossier.pk, Action.WITHDRAW, world.stranger, expected_version=dossier.version, comment="x")
    assert caught.value.code == "role"


def test_anonymous_and_inactive_users_act_on_nothing(world, clock):
    from django.contrib.auth.models import AnonymousUser

    dossier = direct_dossier(world, Status.SUBMITTED)
    world.one_stop.is_active = False
    world.one_stop.save()
    for user in (AnonymousUser(), world.one_stop, None):
        assert not access.can_act(user, dossier, Action.RECEIVE)
        assert workflow.available_actions(user, dossier) == []


def test_visible_dossiers_by_role(world, clock):
    mine = direct_dossier(world, Status.ASSIGNED)
    other_division = direct_dossier(world, Status.TRANSFERRED)
    other_division.division = world.other_division
    other_division.assignee = None
    other_division.save()
    draft = dossier_at(Status.DRAFT, world)
    everything = {mine.pk, other_division.pk}
    for user in (world.one_stop, world.leader, world.clerk, world.admin):
        assert set(access.visible_dossiers(user).values_list("pk", flat=True)) == everything
    assert set(access.visible_dossiers(world.head).values_list("pk", flat=True)) == {mine.pk}
    assert set(access.visible_dossiers(world.other_head).values_list("pk", flat=True)) == {other_division.pk}
    assert set(access.visible_dossiers(world.specialist).values_list("pk", flat=True)) == {mine.pk}
    assert not access.visible_dossiers(world.other_specialist).exists()
    assert not access.visible_dossiers(world.applicant).exists()
    assert draft.pk not in access.visible_dossiers(world.admin).values_list("pk", flat=True)


def test_available_actions_describe_their_inputs(world, clock):
    dossier = direct_dossier(world, Status.RESULT_ISSUED)
    specs = {spec.action: spec for spec in workflow.available_actions(world.one_stop, dossier)}
    assert set(specs) == {Action.RETURN_RESULT, Action.STOP_PROCESSING, Action.COMMENT} - {Action.STOP_PROCESSING}
    assert specs[Action.RETURN_RESULT].needs_receive_method
    assert specs[Action.RETURN_RESULT].label == "Trả kết quả"
    approved = direct_dossier(world, Status.APPROVED)
    spec = {s.action: s for s in workflow.available_actions(world.clerk, approved)}[Action.ISSUE_RESULT]
    assert spec.needs_file and spec.max_files == 1
    received = direct_dossier(world, Status.RECEIVED)
    spec = {s.action: s for s in workflow.available_actions(world.one_stop, received)}[Action.TRANSFER]
    assert spec.needs_division and not spec.needs_comment
