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
    # Only on cases sent to them: queued in their (contractor's) team, or assigned to them.
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
    may_see = scope != "other_org" and (role != "contractor" or scope in ("own", "mine"))
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


# -- The other actions: asking the resident, recording their reply, files, and the pages that
# are not one case's (raising a case for a caller, today's contacts, the field list) ----------

# Who takes calls and visits (contacts, assisted digital), and who works in the field: written
# out by hand as above, against `backoffice.selectors.CONTACT_LOG_ROLES` and
# `backoffice.field_selectors.FIELD_ROLES`.
CONTACT_ROLES = {"advisor", "caseworker", "team_leader", "administrator"}
FIELD_ROLES = {"field_officer", "team_leader"}
MORE_ACTIONS = [
    "request_information",
    "resident_reply",
    "attachment",
    "assisted",
    "contacts",
    "field",
]
# The case action each stands for in `core.permissions`.
GRANT_OF = {
    "request_information": "change_status",
    "resident_reply": "add_note",
    "attachment": "view_case",
}
MORE_EVENTS = {
    "request_information": EventKind.INFORMATION_REQUESTED,
    "resident_reply": EventKind.RESIDENT_REPLIED,
}


def test_the_page_roles_here_are_the_ones_the_pages_use():
    from borough.backoffice.field_selectors import FIELD_ROLES as field_roles
    from borough.backoffice.selectors import CONTACT_LOG_ROLES

    assert {str(role) for role in CONTACT_LOG_ROLES} == CONTACT_ROLES
    assert set(field_roles) == FIELD_ROLES


def more_expected(role: str, action: str, scope: str) -> tuple[int, bool]:
    """(status, whether the scope's case shows on the page) for one role, action and scope."""
    if action in GRANT_OF:
        status = expected_status(role, GRANT_OF[action], scope)
        return status, status in (200, 302)
    if action == "assisted":
        # Any council's service: cases are routed by where they are.
        return (302, False) if role in CONTACT_ROLES else (403, False)
    if action == "contacts":
        # The contact that made the case, today, in the user's organisations only.
        return (200, scope != "other_org") if role in CONTACT_ROLES else (403, False)
    # field: my cases, and my field teams' unassigned ones due soon.
    return (200, scope in ("own", "mine")) if role in FIELD_ROLES else (403, False)


def more_request(client, case, action, media_photo):
    base = f"/staff/cases/{case.reference}/"
    if action == "request_information":
        return client.post(
            base + "request-information/",
            {
                "information-question": "Which side of the road?",
                "information-version": case.version,
            },
        )
    if action == "resident_reply":
        return client.post(
            base + "resident-reply/",
            {
                "reply-channel": "phone",
                "reply-body": "The north side",
                "reply-version": case.version,
            },
        )
    if action == "attachment":
        return client.get(base + f"attachments/{media_photo.pk}/")
    if action == "assisted":
        return client.post(
            "/staff/assisted/", {"service": case.service_id, "channel": "phone", "caller": "new"}
        )
    if action == "contacts":
        return client.get("/staff/contacts/")
    return client.get("/staff/field/")


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("action", MORE_ACTIONS)
@pytest.mark.parametrize("role", list(GRANTS))
def test_permission_matrix_of_the_other_actions(
    world, make_case, make_staff, signed_in, settings, tmp_path, role, action, scope
):
    from datetime import timedelta

    from django.utils import timezone

    from borough.cases.services import attachment_add, case_request_information

    settings.MEDIA_ROOT = tmp_path
    actor = make_staff(world.team, role)
    service = {
        "own": world.service,
        "mine": world.service,
        "other_team": world.other_team_service,
        "other_org": world.county_service,
    }[scope]
    case = make_case(service)
    owner = world.county_officer if scope == "other_org" else world.colleague
    if scope == "mine":
        case = case_assign(case=case, assignee=actor, actor=owner)
    if action == "resident_reply":
        case_request_information(case=case, actor=owner, question="Where?", expected_version=None)
    # Due soon, for the field list.
    Case.objects.filter(pk=case.pk).update(sla_due_at=timezone.now() + timedelta(hours=2))
    photo = attachment_add(case=case, content=b"%PDF-1.4 a letter", filename="a.pdf", actor=None)
    case.refresh_from_db()
    before = Case.objects.values().get(pk=case.pk)
    events_before = list(case.events.values_list("id", flat=True))
    audits_before = AuditEntry.objects.filter(object_id=case.reference).count()

    response = more_request(signed_in(actor), case, action, photo)

    status, shown = more_expected(role, action, scope)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == status, body.decode(errors="replace")[:2000]
    after = Case.objects.values().get(pk=case.pk)
    new_events = case.events.exclude(id__in=events_before)
    audits = AuditEntry.objects.filter(object_id=case.reference).count() - audits_before
    if status == 302 and action in MORE_EVENTS:
        assert after["version"] == before["version"] + 1
        assert [event.kind for event in new_events] == [MORE_EVENTS[action]]
        assert new_events.get().actor == actor
    else:
        assert after == before, "a refused or read-only request changed the case"
        assert not new_events.exists()
    if status == 404:
        # Refused as if the case did not exist, and not audited.
        assert audits == 0
        assert case.reference not in body.decode(errors="replace")
    if status == 403:
        assert case.reference not in body.decode(errors="replace")
    if action == "attachment" and status == 200:
        assert body == b"%PDF-1.4 a letter"
        assert audits == 1
    if action in ("contacts", "field") and status == 200:
        assert (case.reference in body.decode()) is shown
        # Each row shown is an audited read; a case not shown is not.
        assert audits == (1 if shown and action == "field" else 0)
    if action == "assisted" and status == 302:
        assert response["Location"].startswith(f"/service/{case.service.code}/")
