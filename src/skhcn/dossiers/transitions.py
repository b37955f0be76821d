"""The dossier state machine as data: which action moves a dossier from which states to which state, and who may.

Every state change goes through ``services`` which checks this table; the staff issue adds rows (receive, request
completion, refuse, ...) without touching the services' locking and history code.
"""

from dataclasses import dataclass

from .constants import Action, Status


class Role:
    APPLICANT = "applicant"
    STAFF = "staff"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (Transition(Action.SUBMIT, frozenset({Status.DRAFT}), Status.SUBMITTED, frozenset({Role.APPLICANT})),)
}

# States in which the applicant may still change files and details.
EDITABLE_STATES = frozenset({Status.DRAFT})


class TransitionRefused(Exception):
    pass


def transition_for(action: str, current: str, role: str = Role.APPLICANT) -> Transition:
    """The transition ``action`` from state ``current`` by ``role``, or ``TransitionRefused``."""
    transition = TRANSITIONS.get(action)
    if transition is None or current not in transition.sources or role not in transition.roles:
        raise TransitionRefused(f"{action!r} is not allowed from {current!r} for {role!r}")
    return transition


def allowed_pairs() -> set[tuple[str, str]]:
    """Every (from, to) pair some transition allows."""
    return {(source, t.target) for t in TRANSITIONS.values() for source in t.sources}


def is_allowed(current: str, target: str) -> bool:
    return (current, target) in allowed_pairs()


def is_editable(status: str) -> bool:
    return status in EDITABLE_STATES
