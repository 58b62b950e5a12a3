"""What is written to the audit trail: every action on a case under its own name, every list
row that shows a resident's case or contact, and the case's trail beside its changes."""

from __future__ import annotations

import pytest

from borough.cases.models import EventKind
from borough.contacts.services import contact_log
from borough.core.models import AuditEntry


def entries_of(user, reference=None):
    entries = AuditEntry.objects.filter(actor=user).order_by("id")
    if reference is not None:
        entries = entries.filter(object_type="cases.case", object_id=reference)
    return list(entries)


ACTIONS = [
    ("assign/", "case.assign", EventKind.ASSIGNED),
    ("notes/", "case.note", EventKind.INTERNAL_NOTE),
    ("updates/", "case.public_update", EventKind.PUBLIC_UPDATE),
    ("status/", "case.status_change", EventKind.STATUS_CHANGED),
    ("close/", "case.close", EventKind.CLOSED),
    ("transfer/", "case.transfer", EventKind.TRANSFERRED),
    ("duplicate/", "case.mark_duplicate", EventKind.MARKED_DUPLICATE),
    ("request-information/", "case.request_information", EventKind.INFORMATION_REQUESTED),
]


def valid_post(world, officer, case, original, path):
    version = case.version
    return {
        "assign/": {"assign-assignee": officer.pk, "assign-version": version},
        "notes/": {"note-body": "Spoke to the crew", "note-version": version},
        "updates/": {"update-body": "On our way", "update-version": version},
        "status/": {"status-status": "in_progress", "status-version": version},
        "close/": {
            "close-status": "fixed",
            "close-resolution": "Cleared",
            "close-version": version,
        },
        "transfer/": {
            "transfer-team": world.other_team.pk,
            "transfer-reason": "Not ours",
            "transfer-version": version,
        },
        "duplicate/": {"duplicate-original": original.reference, "duplicate-version": version},
        "request-information/": {
            "information-question": "Which side of the road?",
            "information-version": version,
        },
    }[path]


@pytest.mark.parametrize(("path", "action", "kind"), ACTIONS)
def test_each_action_is_recorded_under_its_own_name_with_the_events_it_wrote(
    world, make_case, make_staff, signed_in, path, action, kind
):
    officer = make_staff(world.team, "caseworker")
    case = make_case(world.service)
    original = make_case(world.service)
    response = signed_in(officer).post(
        f"/staff/cases/{case.reference}/{path}", valid_post(world, officer, case, original, path)
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    [entry] = entries_of(officer, case.reference)
    event = case.events.get(kind=kind)
    assert entry.action == action
    assert entry.organisation == world.district
    assert entry.detail["outcome"] == "done"
    assert event.pk in entry.detail["events"]
    assert str(kind) in entry.detail["kinds"]


def test_a_refused_action_is_recorded_as_refused_and_a_forbidden_one_as_forbidden(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team, "caseworker")
    advisor = make_staff(world.team, "advisor")
    case = make_case(world.service)
    url = f"/staff/cases/{case.reference}/"
    response = signed_in(officer).post(url + "notes/", {"note-body": "", "note-version": 1})
    assert response.status_code == 400
    response = signed_in(officer).post(url + "notes/", {"note-body": "Hi", "note-version": 99})
    assert response.status_code == 409
    assert [(e.action, e.detail) for e in entries_of(officer, case.reference)] == [
        ("case.note", {"outcome": "refused", "events": [], "kinds": []}),
        ("case.note", {"outcome": "stale", "events": [], "kinds": []}),
    ]
    response = signed_in(advisor).post(url + "close/", {"close-resolution": "x"})
    assert response.status_code == 403
    [entry] = entries_of(advisor, case.reference)
    assert (entry.action, entry.detail["outcome"]) == ("case.close", "forbidden")


def test_every_row_of_a_queue_or_search_is_recorded_as_read(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team, "caseworker")
    first = make_case(world.service, reporter_name="Rita Reporter")
    second = make_case(world.service, reporter_name="Bob Other", reporter_email="bob@example.com")
    county_case = make_case(world.county_service)
    client = signed_in(officer)
    assert client.get("/staff/queues/all/").status_code == 200
    listed = entries_of(officer)
    assert sorted((e.action, e.object_id) for e in listed) == sorted(
        [("case.list", first.reference), ("case.list", second.reference)]
    )
    assert listed[0].detail == {"queue": "all", "search": "", "page": 1}
    assert county_case.reference not in {e.object_id for e in listed}

    AuditEntry.objects.all().delete()
    assert client.get("/staff/queues/all/", {"search": "rita"}).status_code == 200
    [found] = entries_of(officer)
    assert (found.action, found.object_id, found.detail["search"]) == (
        "case.search",
        first.reference,
        "rita",
    )


def test_bulk_assign_records_each_case(world, make_case, make_staff, signed_in):
    leader = make_staff(world.team, "team_leader")
    cases = [make_case(world.service), make_case(world.service)]
    response = signed_in(leader).post(
        "/staff/queues/all/",
        {"cases": [c.reference for c in cases], "assignee": world.colleague.pk},
    )
    assert response.status_code == 302
    assigned = [e for e in entries_of(leader) if e.action == "case.bulk_assign"]
    assert sorted(e.object_id for e in assigned) == sorted(c.reference for c in cases)
    for entry in assigned:
        assert entry.detail["kinds"] == [EventKind.ASSIGNED]


def test_every_row_of_todays_contacts_is_recorded_as_read(world, make_staff, signed_in):
    advisor = make_staff(world.team, "advisor")
    contact = contact_log(
        organisation=world.district,
        channel="phone",
        outcome="information_given",
        staff=advisor,
        notes="Mrs Smith of 4 High Street asked about bins",
    )
    contact_log(organisation=world.county, channel="phone", outcome="information_given")
    assert signed_in(advisor).get("/staff/contacts/").status_code == 200
    [entry] = entries_of(advisor)
    assert (entry.action, entry.object_type, entry.object_id, entry.organisation) == (
        "contact.list",
        "contacts.contact",
        str(contact.pk),
        world.district,
    )


def test_the_case_trail_shows_who_opened_or_acted_and_every_change(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team, "caseworker")
    auditor = make_staff(world.team, "auditor")
    case = make_case(world.service)
    client = signed_in(officer)
    client.get(f"/staff/cases/{case.reference}/")
    client.post(
        f"/staff/cases/{case.reference}/notes/",
        {"note-body": "Spoke to the crew", "note-version": case.version},
    )
    response = signed_in(auditor).get(f"/staff/cases/{case.reference}/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    staff_part, changes_part = html.split('id="changes"')
    assert "Opened a case" in staff_part and "Added an internal note" in staff_part
    assert "Done" in staff_part
    assert "2 entries" in staff_part  # the auditor's own read is not listed on its page
    # The changes are the case's events, whoever made them.
    assert "Internal note" in changes_part and "Received by web" in changes_part
    assert "The system" in changes_part  # routing has no actor
    [read] = entries_of(auditor)
    assert (read.action, read.object_id) == ("audit.case_trail", case.reference)
    # Everything the officer did is on their own trail.
    html = signed_in(auditor).get(f"/staff/audit/users/{officer.pk}/").content.decode()
    assert "Opened a case" in html and "Added an internal note" in html
