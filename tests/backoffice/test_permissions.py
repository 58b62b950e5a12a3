"""Who may do what, through the pages: every role, every action, every kind of case.

The expected grants are written out here, by hand, rather than read from
`core.permissions`, so that a change to the map has to change this table too.
"""

from __future__ import annotations

import pytest

from borough.cases.models import Case, EventKind
from borough.cases.services import case_assign
from borough.core.models import AuditEntry, Role
from borough.core.permissions import ROLE_ACTIONS, Action, can

CASE_WORK = {
    "assign",
    "change_status",
    "add_note",
    "public_update",
    "transfer",
    "close",
    "mark_duplicate",
}
GRANTS = {
    "advisor": {"view_case", "add_note", "public_update"},
    "caseworker": {"view_case", *CASE_WORK},
    "field_officer": {"view_case", *CASE_WORK},
    "team_leader": {"view_case", *CASE_WORK, "bulk_assign"},
    # Only on cases assigned to them.
    "contractor": {"view_case", "change_status", "public_update"},
    "administrator": {"view_case", *CASE_WORK, "bulk_assign", "view_audit"},
    "auditor": {"view_case", "view_audit"},
}
ACTIONS = [action.value for action in Action]
# own: queued in the actor's team; mine: the same, assigned to the actor;
# other_team: another team of the actor's organisation; other_org: another council's.
SCOPES = ["own", "mine", "other_team", "other_org"]

EVENT_OF = {
    "assign": EventKind.ASSIGNED,
    "bulk_assign": EventKind.ASSIGNED,
    "change_status": EventKind.STATUS_CHANGED,
    "add_note": EventKind.INTERNAL_NOTE,
    "public_update": EventKind.PUBLIC_UPDATE,
    "transfer": EventKind.TRANSFERRED,
    "close": EventKind.CLOSED,
    "mark_duplicate": EventKind.MARKED_DUPLICATE,
}


def test_the_table_here_is_the_map_in_core_permissions():
    assert {role: {str(a) for a in actions} for role, actions in ROLE_ACTIONS.items()} == GRANTS
    assert set(GRANTS) == {role.value for role in Role}


def expected_status(role: str, action: str, scope: str) -> int:
    may_see = scope != "other_org" and (role != "contractor" or scope == "mine")
    if action == "bulk_assign" and "bulk_assign" not in GRANTS[role]:
        return 403  # the queue refuses before looking at any case
    if not may_see:
        return 404
    if action not in GRANTS[role]:
        return 403
    return 200 if action in ("view_case", "view_audit") else 302


def request_for(client, world, case, original, action):
    """The request each action makes from the pages, with valid input."""
    base = f"/staff/cases/{case.reference}/"
    in_district = case.organisation_id == world.district.pk
    version = case.version
    if action == "view_case":
        return client.get(base)
    if action == "view_audit":
        return client.get(base + "audit/")
    if action == "bulk_assign":
        return client.post("/staff/", {"cases": [case.reference], "assignee": world.colleague.pk})
    colleague = world.colleague if in_district else world.county_officer
    to_team = world.other_team if case.team_id == world.team.pk else world.team
    posts = {
        "assign": ("assign/", {"assign-assignee": colleague.pk, "assign-version": version}),
        "change_status": (
            "status/",
            {"status-status": "in_progress", "status-message": "", "status-version": version},
        ),
        "add_note": ("notes/", {"note-body": "Spoke to the crew", "note-version": version}),
        "public_update": (
            "updates/",
            {"update-body": "We are on our way", "update-version": version},
        ),
        "transfer": (
            "transfer/",
            {
                "transfer-team": to_team.pk,
                "transfer-reason": "Not ours",
                "transfer-version": version,
            },
        ),
        "close": (
            "close/",
            {"close-status": "fixed", "close-resolution": "Cleared", "close-version": version},
        ),
        "mark_duplicate": (
            "duplicate/",
            {"duplicate-original": original.reference, "duplicate-version": version},
        ),
    }
    path, data = posts[action]
    return client.post(base + path, data)


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(GRANTS))
def test_permission_matrix(world, make_case, make_staff, signed_in, role, action, scope):
    actor = make_staff(world.team, role)
    service = {
        "own": world.service,
        "mine": world.service,
        "other_team": world.other_team_service,
        "other_org": world.county_service,
    }[scope]
    case = make_case(service)
    if scope == "mine":
        case = case_assign(case=case, assignee=actor, actor=world.colleague)
    original = make_case(service)
    before = Case.objects.values().get(pk=case.pk)
    events_before = list(case.events.values_list("id", flat=True))
    audits_before = AuditEntry.objects.filter(object_id=case.reference).count()

    response = request_for(signed_in(actor), world, case, original, action)

    status = expected_status(role, action, scope)
    assert response.status_code == status, response.content.decode()[:2000]
    after = Case.objects.values().get(pk=case.pk)
    new_events = case.events.exclude(id__in=events_before)
    audits = AuditEntry.objects.filter(object_id=case.reference).count() - audits_before
    if status == 302:
        assert after["version"] == before["version"] + 1
        assert [event.kind for event in new_events] == [EVENT_OF[action]]
        assert new_events.get().actor == actor
    else:
        assert after == before, "a refused or read-only request changed the case"
        assert not new_events.exists()
    if status == 404:
        # A refused read is not audited, and the page does not say whether the case exists.
        assert audits == 0
        assert case.reference not in response.content.decode()
    if status == 200:
        assert audits == 1


@pytest.mark.parametrize("role", list(GRANTS))
def test_can_is_false_for_roles_held_in_another_organisation(world, make_case, make_staff, role):
    actor = make_staff(world.county_team, role)
    case = make_case(world.service)
    assert not any(can(actor, action, case) for action in Action)


def test_roles_add_up_within_an_organisation(world, make_case, make_staff):
    from borough.accounts.services import staff_membership_add

    actor = make_staff(world.team, "auditor")
    case = make_case(world.service)
    assert not can(actor, Action.ADD_NOTE, case)
    staff_membership_add(user=actor, team=world.other_team, role="advisor")
    assert can(actor, Action.ADD_NOTE, case) and can(actor, Action.VIEW_AUDIT, case)
    assert not can(actor, Action.CLOSE, case)


def test_an_inactive_team_grants_nothing(world, make_case, make_staff):
    actor = make_staff(world.team, "administrator")
    case = make_case(world.service)
    world.team.is_active = False
    world.team.save()
    assert not can(actor, Action.VIEW_CASE, case)
