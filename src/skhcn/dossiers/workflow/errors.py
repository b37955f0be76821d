"""What ``workflow.perform`` raises, and who may act without a user account."""

from __future__ import annotations

from skhcn.core.errors import UserFacingError


class WorkflowError(UserFacingError):
    """A refused action. ``message`` is Vietnamese, for the screen as is; ``code`` is short and stable for tests:
    not_found, stale, state, role, comment, file, division, assignee, method, date, apology, limit
    (a request limit of the rule set reached), upload."""


class SystemActor:
    """A verified automatic process acting without a user account, e.g. the payment gateway's confirmed
    notification. Allowed only on ``transitions.SYSTEM_ACTIONS``; its events have no actor ("Hệ thống")."""

    ROLE = "system"
    is_authenticated = False
    is_active = True
    pk = None

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return self.name
