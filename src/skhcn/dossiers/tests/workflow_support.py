"""Shared setup for the workflow tests: a department (two divisions, one user per role), a controllable clock, and
dossiers brought to any state either through ``perform`` (realistic) or directly (fast, for refusal tests)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.tests.factories import ApplicantFactory, DivisionFactory, StaffFactory
from skhcn.deadlines.calendar import TZ, add_working_days
from skhcn.deadlines.services import current_calendar
from skhcn.dossiers import workflow
from skhcn.dossiers.constants import Action, Channel, ReceiveMethod, Status
from skhcn.dossiers.documents.formsets import FORM_SETS
from skhcn.dossiers.models import Dossier
from skhcn.dossiers.workflow.transitions import TRANSITIONS, Role
from skhcn.procedures.tests.factories import ProcedureFactory

from .factories import DossierFactory, pdf_upload

R = StaffRole


@dataclass
class World:
    division: object
    other_division: object
    one_stop: object
    head: object
    other_head: object
    specialist: object
    other_specialist: object
    foreign_specialist: object
    leader: object
    clerk: object
    admin: object
    applicant: object
    stranger: object
    procedure: object

    def by_role(self, role: str, dossier: Dossier | None = None):
        """The user acting under ``role`` who owns ``dossier`` (its applicant, its division's head, its assignee)."""
        if role == Role.APPLICANT:
            return dossier.applicant if dossier is not None else self.applicant
        return {
            R.ONE_STOP: self.one_stop,
            R.DIVISION_HEAD: self.head,
            R.SPECIALIST: self.specialist,
            R.LEADER: self.leader,
            R.CLERK: self.clerk,
            R.ADMINISTRATOR: self.admin,
        }[role]


@pytest.fixture
def world(db):
    division = DivisionFactory(code="phong-qlkh", name="Phòng Quản lý khoa học")
    other = DivisionFactory(code="phong-tdc", name="Phòng Tiêu chuẩn Đo lường Chất lượng")
    procedure = ProcedureFactory(processing_time=15, step_budgets="2,10,3", division=division)
    return World(
        division=division,
        other_division=other,
        one_stop=StaffFactory(role=R.ONE_STOP, email="motcua@skhcn.example.vn"),
        head=StaffFactory(role=R.DIVISION_HEAD, division=division, email="truongphong@skhcn.example.vn"),
        other_head=StaffFactory(role=R.DIVISION_HEAD, division=other),
        specialist=StaffFactory(role=R.SPECIALIST, division=division, email="chuyenvien@skhcn.example.vn"),
        other_specialist=StaffFactory(role=R.SPECIALIST, division=division),
        foreign_specialist=StaffFactory(role=R.SPECIALIST, division=other),
        leader=StaffFactory(role=R.LEADER, email="lanhdao@skhcn.example.vn"),
        clerk=StaffFactory(role=R.CLERK),
        admin=StaffFactory(role=R.ADMINISTRATOR),
        applicant=ApplicantFactory(),
        stranger=ApplicantFactory(),
        procedure=procedure,
    )


class Clock:
    """The test's time, moved by time-machine: ``timezone.now()``, ``time.time()`` and auto_now fields follow it, and
    it stands still between moves."""

    def __init__(self, traveller, moment: datetime):
        self.traveller = traveller
        self._moment = moment

    def __call__(self) -> datetime:
        return self._moment

    @property
    def moment(self) -> datetime:
        return self._moment

    @moment.setter
    def moment(self, moment: datetime) -> None:
        self._moment = moment
        self.traveller.move_to(moment)

    def set(self, *args) -> datetime:
        self.moment = datetime(*args, tzinfo=TZ) if not isinstance(args[0], datetime) else args[0]
        return self.moment

    def advance(self, **kwargs) -> datetime:
        self.moment = self.moment + timedelta(**kwargs)
        return self.moment


@pytest.fixture
def clock():
    """Starts Monday 02/03/2026 09:00 (Vietnam time)."""
    start = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    with time_machine.travel(start, tick=False) as traveller:
        yield Clock(traveller, start)


def submitted_dossier(world: World, *, procedure=None, channel=Channel.ONLINE, **fields) -> Dossier:
    """A dossier as the citizen side leaves it after submission (code, snapshot, provisional date)."""
    now = timezone.now()
    values = {
        "procedure": procedure or world.procedure,
        "applicant": world.applicant,
        "status": Status.SUBMITTED,
        "channel": channel,
        "code": f"000.26.H11-{now:%y%m%d}-{Dossier.objects.count() + 1:05d}",
        "submitted_at": now,
        "applicant_name": "Nguyễn Văn An",
        "applicant_email": world.applicant.email,
        "applicant_phone": "0912345678",
        "lookup_phone": "0912345678",
        "receive_method": ReceiveMethod.ONLINE,
        **fields,
    }
    return Dossier.objects.create(**values)


def valid_input(action: str, dossier: Dossier, world: World) -> dict:
    """Inputs that satisfy ``action``'s needs on ``dossier``."""
    t = TRANSITIONS[action]
    kwargs: dict = {}
    if t.needs_comment:
        kwargs["comment"] = f"Nội dung cho thao tác {Action(action).label.lower()}."
    if t.needs_file:
        kwargs["files"] = [pdf_upload(f"{action}.pdf")]
    if t.division:
        kwargs["division"] = world.division
    if t.assignee:
        kwargs["assignee"] = world.specialist
    if t.receive_method:
        kwargs["method"] = ReceiveMethod.ONLINE
    if t.reason:
        kwargs["reason"] = "Hồ sơ chưa đủ thành phần theo quy định của thủ tục."
    if t.date_required:
        today = timezone.localdate(timezone.now())
        if action in (Action.APOLOGIZE, Action.PREPARE_APOLOGY):
            kwargs["date"] = add_working_days(current_calendar(), dossier.due_at.astimezone(TZ).date(), 3)
        else:
            kwargs["date"] = today
    return kwargs


def actor_for(action: str, dossier: Dossier, world: World):
    """A user allowed to take ``action`` on ``dossier`` by role and ownership (staff before the applicant)."""
    roles = TRANSITIONS[action].roles
    for role in (R.ONE_STOP, R.DIVISION_HEAD, R.SPECIALIST, R.LEADER, R.CLERK, Role.APPLICANT, R.ADMINISTRATOR):
        if role in roles:
            return world.by_role(role, dossier)
    raise AssertionError(action)


def act(dossier: Dossier, action: str, actor=None, *, world: World, **overrides) -> Dossier:
    dossier.refresh_from_db()
    kwargs = {**valid_input(action, dossier, world), **overrides}
    actor = actor or actor_for(action, dossier, world)
    return workflow.perform(dossier.pk, action, actor, expected_version=dossier.version, **kwargs)


# How to reach each state through the workflow, from SUBMITTED.
PATHS: dict[str, tuple[str, ...]] = {
    Status.SUBMITTED: (),
    Status.COMPLETION_REQUESTED: (Action.REQUEST_COMPLETION,),
    Status.REFUSED_AT_INTAKE: (Action.REFUSE_INTAKE,),
    Status.AWAITING_FEE: (Action.RECEIVE,),  # with a procedure whose clock waits for the fee
    Status.RECEIVED: (Action.RECEIVE,),
    Status.TRANSFERRED: (Action.RECEIVE, Action.TRANSFER),
    Status.ASSIGNED: (Action.RECEIVE, Action.TRANSFER, Action.ASSIGN),
    Status.SUPPLEMENT_REQUESTED: (Action.RECEIVE, Action.TRANSFER, Action.ASSIGN, Action.REQUEST_SUPPLEMENT),
    Status.AT_DIVISION_HEAD: (Action.RECEIVE, Action.TRANSFER, Action.ASSIGN, Action.SUBMIT_TO_HEAD),
    Status.AT_LEADER: (Action.RECEIVE, Action.TRANSFER, Action.ASSIGN, Action.SUBMIT_TO_HEAD, Action.HEAD_APPROVE),
    Status.APPROVED: (
        Action.RECEIVE,
        Action.TRANSFER,
        Action.ASSIGN,
        Action.SUBMIT_TO_HEAD,
        Action.HEAD_APPROVE,
        Action.LEADER_APPROVE,
    ),
}
PATHS[Status.RESULT_ISSUED] = (*PATHS[Status.APPROVED], Action.ISSUE_RESULT)
PATHS[Status.RETURNED] = (*PATHS[Status.RESULT_ISSUED], Action.RETURN_RESULT)
PATHS[Status.CLOSED] = (*PATHS[Status.RETURNED], Action.CLOSE)
PATHS[Status.REFUSED] = (*PATHS[Status.AT_LEADER], Action.REFUSE)
PATHS[Status.WITHDRAWN] = (Action.WITHDRAW,)
PATHS[Status.STOPPED] = (Action.RECEIVE, Action.STOP_PROCESSING)


def dossier_at(status: str, world: World, *, via: str | None = None) -> Dossier:
    """A dossier brought to ``status`` through ``perform`` (``via``: the state a supplement request paused)."""
    if status == Status.DRAFT:
        return DossierFactory(procedure=world.procedure, applicant=world.applicant)
    procedure = world.procedure
    if status == Status.AWAITING_FEE:
        procedure = ProcedureFactory(processing_time=10, clock_waits_for_fee=True, fee_amount=500000)
    dossier = submitted_dossier(world, procedure=procedure)
    path = PATHS[status]
    if status == Status.SUPPLEMENT_REQUESTED and via is not None:
        path = (*PATHS[via], Action.REQUEST_SUPPLEMENT)
    for action in path:
        dossier = act(dossier, action, world=world)
    assert dossier.status == status, (status, dossier.status)
    return dossier


def today() -> date:
    return timezone.localdate(timezone.now())


def set_limits(monkeypatch, *keys: str, **limits) -> None:
    """The rule sets ``keys`` (every one when none is named) with other request limits (``supplement_requests_max=``,
    ``completion_requests_max=``)."""
    for key in keys or list(FORM_SETS):
        monkeypatch.setitem(FORM_SETS, key, replace(FORM_SETS[key], **limits))
