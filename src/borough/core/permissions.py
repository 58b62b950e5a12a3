"""Who may do what to a case: a declarative map of actions to roles.

A user's roles come from their staff memberships (`tenancy.staff_roles`) in the case's
organisation; roles held in another organisation never count. A role grants its actions on
every case of the organisation, except the roles in `ASSIGNED_ONLY_ROLES` (contractors),
which grant theirs only on the cases sent to them: those queued in a team where the user
holds that role (the contractor's own team, to which cases are routed and dispatched) and
those assigned to the user. Roles add up: a user who is both a contractor and a caseworker
in an organisation may do what either may.

| role          | view | note | public update | status | assign, transfer, close, duplicate | bulk assign | audit |
| ------------- | ---- | ---- | ------------- | ------ | ---------------------------------- | ----------- | ----- |
| advisor       | yes  | yes  | yes           |        |                                    |             |       |
| caseworker    | yes  | yes  | yes           | yes    | yes                                |             |       |
| field officer | yes  | yes  | yes           | yes    | yes                                |             |       |
| team leader   | yes  | yes  | yes           | yes    | yes                                | yes         |       |
| contractor    | (a)  |      | (a)           | (a)    |                                    |             |       |
| administrator | yes  | yes  | yes           | yes    | yes                                | yes         | yes   |
| auditor       | yes  |      |               |        |                                    |             | yes   |

(a): only on cases sent to them: queued in a team they are a contractor in, or assigned to
them. "status" moves a case between open statuses (or reopens it); closing is `close`.

The back office, the API and Open311 handlers ask `can(user, action, case)`; the case
selectors use `roles_for` to build the same scope as a queryset.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from borough.core.models import Role
from borough.core.tenancy import staff_organisations, staff_roles, staff_teams


class Action(StrEnum):
    VIEW_CASE = "view_case"
    ASSIGN = "assign"
    BULK_ASSIGN = "bulk_assign"
    CHANGE_STATUS = "change_status"
    ADD_NOTE = "add_note"
    PUBLIC_UPDATE = "public_update"
    TRANSFER = "transfer"
    CLOSE = "close"
    MARK_DUPLICATE = "mark_duplicate"
    VIEW_AUDIT = "view_audit"


# Everything that changes a case, one case at a time.
CASE_WORK = frozenset(
    {
        Action.ASSIGN,
        Action.CHANGE_STATUS,
        Action.ADD_NOTE,
        Action.PUBLIC_UPDATE,
        Action.TRANSFER,
        Action.CLOSE,
        Action.MARK_DUPLICATE,
    }
)

ROLE_ACTIONS: Mapping[str, frozenset[Action]] = MappingProxyType(
    {
        Role.ADVISOR: frozenset({Action.VIEW_CASE, Action.ADD_NOTE, Action.PUBLIC_UPDATE}),
        Role.CASEWORKER: frozenset({Action.VIEW_CASE, *CASE_WORK}),
        Role.FIELD_OFFICER: frozenset({Action.VIEW_CASE, *CASE_WORK}),
        Role.TEAM_LEADER: frozenset({Action.VIEW_CASE, *CASE_WORK, Action.BULK_ASSIGN}),
        Role.CONTRACTOR: frozenset({Action.VIEW_CASE, Action.CHANGE_STATUS, Action.PUBLIC_UPDATE}),
        Role.ADMINISTRATOR: frozenset(Action),
        Role.AUDITOR: frozenset({Action.VIEW_CASE, Action.VIEW_AUDIT}),
    }
)

# Roles whose actions apply only to cases assigned to the user.
ASSIGNED_ONLY_ROLES = frozenset({Role.CONTRACTOR})


def roles_for(action: str, *, assigned_only: bool | None = None) -> set[str]:
    """The roles that grant `action`; with `assigned_only`, just those limited (True) or not
    limited (False) to cases assigned to the user."""
    roles = {str(role) for role, actions in ROLE_ACTIONS.items() if action in actions}
    if assigned_only is True:
        return roles & ASSIGNED_ONLY_ROLES
    if assigned_only is False:
        return roles - ASSIGNED_ONLY_ROLES
    return roles


def granted_actions(roles: set[str], *, assigned_to_user: bool) -> frozenset[Action]:
    """What `roles` (held in a case's organisation) grant on that case."""
    granted: set[Action] = set()
    for role in roles:
        if role in ASSIGNED_ONLY_ROLES and not assigned_to_user:
            continue
        granted |= ROLE_ACTIONS.get(role, frozenset())
    # Nothing without sight of the case.
    return frozenset(granted) if Action.VIEW_CASE in granted else frozenset()


def actions_for(user: Any, case: Any, *, roles: set[str] | None = None) -> frozenset[Action]:
    """Everything `user` may do to `case`. Pass `roles` (the user's roles in the case's
    organisation) when they are already known, to save the query."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if not case.organisation.is_active:
        return frozenset()
    if roles is None:
        roles = staff_roles(user, case.organisation)
    sent_to_user = case.assignee_id == user.pk
    if not sent_to_user and roles & ASSIGNED_ONLY_ROLES and case.team_id is not None:
        sent_to_user = (
            staff_teams(user, roles=set(ASSIGNED_ONLY_ROLES)).filter(pk=case.team_id).exists()
        )
    return granted_actions(roles, assigned_to_user=sent_to_user)


def can(user: Any, action: str, case: Any, *, roles: set[str] | None = None) -> bool:
    """Whether `user` may do `action` to `case`, by their roles in the case's organisation."""
    return action in actions_for(user, case, roles=roles)


def can_anywhere(user: Any, action: str) -> bool:
    """Whether `user` holds a role granting `action` in any organisation (to decide whether to
    offer a control at all; each case is still checked with `can`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return staff_organisations(user, roles=roles_for(action)).exists()
