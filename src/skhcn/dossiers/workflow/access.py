"""Who sees and who may act on which dossier (staff side). Roles come from ``skhcn.accounts.staff``.

* one-stop officers, leaders, clerks and administrators: every filed (non-draft) dossier;
* a division head: the dossiers of their division;
* a specialist: the dossiers assigned to them;
* applicants never see dossiers through ``visible_dossiers`` (their pages filter by ``applicant``), and act only on
  their own dossiers, only through the rows of the table that name ``Role.APPLICANT``.

A user with several roles gets the union.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from skhcn.accounts.constants import StaffRole
from skhcn.accounts.staff import staff_profile, user_roles

from ..constants import Status
from ..models import Dossier
from .transitions import TRANSITIONS, Role

ALL_SEEING = frozenset({StaffRole.ONE_STOP, StaffRole.LEADER, StaffRole.CLERK, StaffRole.ADMINISTRATOR})

# The states in which a dossier waits for a role (its work queue).
QUEUE_STATES: dict[str, frozenset[str]] = {
    StaffRole.ONE_STOP: frozenset(
        {Status.SUBMITTED, Status.AWAITING_FEE, Status.RECEIVED, Status.RESULT_ISSUED, Status.RETURNED}
    ),
    StaffRole.DIVISION_HEAD: frozenset({Status.TRANSFERRED, Status.AT_DIVISION_HEAD}),
    StaffRole.SPECIALIST: frozenset({Status.ASSIGNED, Status.SUPPLEMENT_REQUESTED}),
    StaffRole.LEADER: frozenset({Status.AT_LEADER}),
    StaffRole.CLERK: frozenset({Status.APPROVED}),
    StaffRole.ADMINISTRATOR: frozenset(),
}


def _division_id(user) -> int | None:
    profile = staff_profile(user)
    return profile.division_id if profile is not None else None


def _scope(user, roles) -> Q | None:
    """The dossiers ``user`` may see through any of ``roles``; None when nothing."""
    roles = set(roles)
    if roles & ALL_SEEING:
        return Q()
    condition = None
    if StaffRole.DIVISION_HEAD in roles and (division_id := _division_id(user)) is not None:
        condition = Q(division_id=division_id)
    if StaffRole.SPECIALIST in roles:
        mine = Q(assignee_id=user.pk)
        condition = mine if condition is None else condition | mine
    return condition


def visible_dossiers(user) -> QuerySet[Dossier]:
    """Filed dossiers the staff member may open (see module docstring); empty for anyone else."""
    base = Dossier.objects.exclude(status=Status.DRAFT)
    condition = _scope(user, user_roles(user))
    return base.none() if condition is None else base.filter(condition)


def work_queue(user) -> QuerySet[Dossier]:
    """Dossiers waiting for this staff member (their roles' queue states within their scope), soonest due first."""
    roles = user_roles(user)
    condition = None
    for role in roles:
        scope = _scope(user, {role})
        states = QUEUE_STATES.get(role, frozenset())
        if scope is None or not states:
            continue
        part = scope & Q(status__in=states)
        condition = part if condition is None else condition | part
    if condition is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(condition).order_by("due_at", "id")


def owns(user, dossier: Dossier, role: str) -> bool:
    """Whether ``user`` acting as ``role`` may act on this particular dossier."""
    if role == Role.APPLICANT:
        return dossier.applicant_id == user.pk
    if role in ALL_SEEING:
        return True
    if role == StaffRole.DIVISION_HEAD:
        division_id = _division_id(user)
        return division_id is not None and dossier.division_id == division_id
    if role == StaffRole.SPECIALIST:
        return dossier.assignee_id is not None and dossier.assignee_id == user.pk
    return False


def acting_roles(user, dossier: Dossier, action: str) -> list[str]:
    """The roles under which ``user`` may take ``action`` on ``dossier`` (state not checked), staff roles first."""
    transition = TRANSITIONS.get(action)
    if transition is None or user is None or not user.is_authenticated or not user.is_active:
        return []
    held = set(user_roles(user))
    # The applicant role is the dossier's own account, never a staff member's role.
    if dossier.applicant_id == user.pk:
        held.add(Role.APPLICANT)
    roles = [role for role in transition.roles if role in held and owns(user, dossier, role)]
    return sorted(roles, key=lambda role: role == Role.APPLICANT)


def can_act(user, dossier: Dossier, action: str) -> bool:
    """Whether ``user`` may take ``action`` on ``dossier`` now: the table allows it from the current state, the user
    holds one of its roles, and owns the dossier under that role."""
    transition = TRANSITIONS.get(action)
    if transition is None or dossier.status not in transition.sources:
        return False
    return bool(acting_roles(user, dossier, action))
