"""The case endpoints: lists, one case, the timeline, raising cases, updates and status."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.utils import timezone

from borough.cases.models import Case, CaseEvent, Status
from borough.cases.services import case_assign, case_note_add, case_public_update
from borough.contacts.models import Contact
from borough.core.models import AuditEntry
from tests.api.conftest import ANSWERS

CASES = "/api/v1/cases"


def _codes(response) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in response.json()["errors"]]


def _references(response) -> list[str]:
    return [case["reference"] for case in response.json()["results"]]


# -- GET /cases ---------------------------------------------------------------------------


def test_the_list_holds_only_cases_the_caller_may_see(world, api_as, make_case):
    ours = make_case(world.service)
    other_team = make_case(world.other_team_service)
    county = make_case(world.county_service)

    response = api_as(world.caseworker).get(CASES)

    assert response.status_code == 200
    references = _references(response)
    # Caseworkers work every case of their organisation, whichever team holds it.
    assert sorted(references) == sorted([ours.reference, other_team.reference])
    assert county.reference not in references
    assert response.json()["count"] == 2
    # Lists leave out the reporter and the answers, and read nothing into the audit trail.
    assert "reporter" not in response.json()["results"][0]
    assert "answers" not in response.json()["results"][0]


def test_a_contractor_sees_only_cases_assigned_to_them(world, api_as, make_case, make_staff):
    contractor = make_staff(world.other_team, "contractor")
    assigned = make_case(world.service)
    make_case(world.service)
    case_assign(case=assigned, assignee=contractor, actor=world.caseworker)

    response = api_as(contractor).get(CASES)

    assert _references(response) == [assigned.reference]


def test_the_list_filters_by_status_service_team_and_time(world, api_as, make_case):
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        old = make_case(world.service)
    fresh = make_case(world.service)
    other_team = make_case(world.other_team_service)
    closed = make_case(world.service)
    Case.objects.filter(pk=closed.pk).update(status=Status.FIXED)
    api = api_as(world.caseworker)

    assert sorted(_references(api.get(CASES, service=world.service.code))) == sorted(
        [old.reference, fresh.reference, closed.reference]
    )
    assert _references(api.get(CASES, team=world.other_team.pk)) == [other_team.reference]
    assert _references(api.get(CASES, status="closed")) == [closed.reference]
    assert closed.reference not in _references(api.get(CASES, status="open"))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert old.reference not in _references(api.get(CASES, updated_since=since))
    assert fresh.reference in _references(api.get(CASES, updated_since=since))


def test_pages_are_in_a_stable_order_with_a_next_link(world, api_as, make_case):
    made = [make_case(world.service) for _ in range(5)]
    api = api_as(world.caseworker)

    first = api.get(CASES, limit=2).json()
    assert first["count"] == 5
    assert first["previous"] is None
    seen = [case["reference"] for case in first["results"]]
    next_url = first["next"]
    while next_url:
        parts = urlsplit(next_url)
        assert parts.path == CASES
        params = {key: values[0] for key, values in parse_qs(parts.query).items()}
        assert params["limit"] == "2"
        page = api.get(CASES, **params).json()
        seen += [case["reference"] for case in page["results"]]
        next_url = page["next"]

    # Least recently changed first, each case once.
    assert seen == [case.reference for case in made]


def test_bad_list_parameters_are_422_in_the_standard_shape(world, api_as):
    response = api_as(world.caseworker).get(CASES, limit=500, status="lost")

    assert response.status_code == 422
    assert sorted(_codes(response)) == [("invalid", "limit"), ("invalid", "status")]
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["limit"] == "Limit must be 100 or less"
    assert messages["status"] == "Select a status"


def test_a_time_without_a_time_zone_is_refused(world, api_as):
    response = api_as(world.caseworker).get(CASES, updated_since="2026-03-05T09:00:00")

    assert response.status_code == 422
    assert _codes(response) == [("invalid", "updated_since")]


# -- GET /cases/{reference} -----------------------------------------------------------------


def test_one_case_shows_the_reporter_and_answers_and_audits_the_read(world, api_as, make_case):
    case = make_case(world.service)

    response = api_as(world.caseworker).get(f"{CASES}/{case.reference.lower()}")

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert body["reporter"]["email"] == "rita@example.com"
    assert body["answers"] == ANSWERS
    assert body["version"] == case.version
    assert body["team"]["id"] == world.team.pk
    assert body["events_url"].endswith(f"{CASES}/{case.reference}/events")
    audit = AuditEntry.objects.get(action="case.view")
    assert (audit.actor, audit.object_id) == (world.caseworker, case.reference)


def test_another_organisations_case_is_404_like_one_that_does_not_exist(world, api_as, make_case):
    county_case = make_case(world.county_service)
    api = api_as(world.caseworker)

    hidden = api.get(f"{CASES}/{county_case.reference}")
    missing = api.get(f"{CASES}/CDC-0000-0000")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert not AuditEntry.objects.filter(action="case.view").exists()


def test_a_contractor_sees_only_cases_sent_to_their_team(world, api_as, make_case, make_staff):
    contractor = make_staff(world.other_team, "contractor")
    elsewhere = make_case(world.service)
    theirs = make_case(world.other_team_service)
    api = api_as(contractor)

    assert api.get(f"{CASES}/{elsewhere.reference}").status_code == 404
    assert api.get(f"{CASES}/{theirs.reference}").status_code == 200
    assert _references(api.get(CASES)) == [theirs.reference]


# -- GET /cases/{reference}/events ----------------------------------------------------------


def test_the_timeline_shows_internal_notes_to_caseworkers_only(
    world, api_as, make_case, make_staff
):
    contractor = make_staff(world.team, "contractor")
    case = make_case(world.service)
    case_assign(case=case, assignee=contractor, actor=world.caseworker)
    case_note_add(case=case, actor=world.caseworker, body="Gate code 1234")
    case_public_update(case=case, actor=world.caseworker, body="We will visit on Monday")

    staff_view = api_as(world.caseworker).get(f"{CASES}/{case.reference}/events").json()
    contractor_view = api_as(contractor).get(f"{CASES}/{case.reference}/events").json()

    staff_kinds = [event["kind"] for event in staff_view["results"]]
    assert staff_kinds == ["created", "routed", "assigned", "internal_note", "public_update"]
    contractor_kinds = [event["kind"] for event in contractor_view["results"]]
    assert contractor_kinds == ["created", "public_update"]
    assert "Gate code" not in str(contractor_view)


def test_another_organisations_timeline_is_404(world, api_as, make_case):
    case = make_case(world.county_service)

    response = api_as(world.caseworker).get(f"{CASES}/{case.reference}/events")

    assert response.status_code == 404


# -- POST /cases ----------------------------------------------------------------------------


def _new_case(world, **overrides):
    body = {
        "service_code": world.service.code,
        "channel": "phone",
        "answers": {"kind": "large", "details": "A sofa on the verge"},
        "location": {"latitude": 50.7150, "longitude": -2.4370},
        "reporter": {"name": "Colin Caller", "phone": "01632 960 001"},
    }
    body.update(overrides)
    return body


def test_raising_a_case_routes_it_and_logs_the_contact(world, api_as, make_staff):
    advisor = make_staff(world.team, "advisor")

    response = api_as(advisor).post(CASES, _new_case(world))

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(reference=body["reference"])
    assert response["Location"].endswith(f"{CASES}/{case.reference}")
    assert (case.channel, case.team, case.reporter_name) == ("phone", world.team, "Colin Caller")
    assert case.answers == {"kind": "large", "details": "A sofa on the verge"}
    created = case.events.get(kind="created")
    assert created.actor == advisor
    contact = Contact.objects.get(case=case)
    assert (contact.channel, contact.staff) == ("phone", advisor)


def test_answers_are_checked_by_the_form_and_nothing_is_written(world, api_as):
    response = api_as(world.caseworker).post(
        CASES, _new_case(world, answers={"kind": "enormous"}, location=None)
    )

    assert response.status_code == 422
    assert _codes(response) == [("invalid", "answers.kind")]
    assert response.json()["errors"][0]["message"] == "Select the problem"
    assert not Case.objects.exists()
    assert not Contact.objects.exists()


def test_the_same_idempotency_key_returns_the_same_case(world, api_as):
    api = api_as(world.caseworker)
    headers = {"Idempotency-Key": "crm-4711"}

    first = api.post(CASES, _new_case(world), headers=headers)
    again = api.post(CASES, _new_case(world), headers=headers)

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    assert Contact.objects.count() == 1


def test_an_idempotency_key_is_the_callers_own(world, api_as, make_staff):
    colleague = make_staff(world.team, "caseworker")
    headers = {"Idempotency-Key": "crm-4711"}

    mine = api_as(world.caseworker).post(CASES, _new_case(world), headers=headers)
    theirs = api_as(colleague).post(CASES, _new_case(world), headers=headers)

    assert theirs.status_code == 201
    assert mine.json()["reference"] != theirs.json()["reference"]


def test_an_idempotency_key_reused_for_another_service_is_409(world, api_as):
    api = api_as(world.caseworker)
    headers = {"Idempotency-Key": "crm-4711"}
    api.post(CASES, _new_case(world), headers=headers)

    response = api.post(
        CASES, _new_case(world, service_code=world.other_team_service.code), headers=headers
    )

    assert response.status_code == 409
    assert _codes(response) == [("idempotency_key_reused", "Idempotency-Key")]
    assert Case.objects.count() == 1


def test_another_organisations_service_cannot_be_raised(world, api_as):
    response = api_as(world.caseworker).post(
        CASES, _new_case(world, service_code=world.county_service.code)
    )

    assert response.status_code == 422
    assert _codes(response) == [("invalid", "service_code")]
    assert not Case.objects.exists()


def test_roles_that_do_not_raise_cases_are_403(world, api_as, make_staff):
    for role in ("contractor", "auditor", "field_officer"):
        response = api_as(make_staff(world.team, role)).post(CASES, _new_case(world))

        assert response.status_code == 403
        assert _codes(response) == [("forbidden", None)]
    assert not Case.objects.exists()


def test_a_missing_field_and_bad_json_use_the_standard_shape(world, api_as):
    api = api_as(world.caseworker)

    missing = api.post(CASES, {"channel": "phone"})
    assert missing.status_code == 422
    assert ("required", "service_code") in _codes(missing)

    broken = api.client.post(
        CASES, "{not json", content_type="application/json", headers=api.headers
    )
    assert broken.status_code == 400
    assert _codes(broken) == [("bad_request", None)]


# -- POST /cases/{reference}/updates ------------------------------------------------------


def test_a_public_update_and_an_internal_note(world, api_as, make_case):
    case = make_case(world.service)
    api = api_as(world.caseworker)
    url = f"{CASES}/{case.reference}/updates"

    update = api.post(url, {"kind": "public_update", "body": "Booked", "version": case.version})
    assert update.status_code == 201
    version = update.json()["version"]
    assert version == case.version + 1
    note = api.post(url, {"kind": "internal_note", "body": "Big job", "version": version})
    assert note.status_code == 201

    public = CaseEvent.objects.get(case=case, kind="public_update")
    internal = CaseEvent.objects.get(case=case, kind="internal_note")
    assert (public.public, public.body, public.actor) == (True, "Booked", world.caseworker)
    assert (internal.public, internal.body) == (False, "Big job")


def test_a_stale_version_is_409_and_changes_nothing(world, api_as, make_case):
    case = make_case(world.service)
    case_note_add(case=case, actor=world.caseworker, body="Someone else was quicker")
    api = api_as(world.caseworker)

    response = api.post(
        f"{CASES}/{case.reference}/updates",
        {"kind": "public_update", "body": "Booked", "version": case.version},
    )

    assert response.status_code == 409
    assert _codes(response) == [("stale", None)]
    assert not CaseEvent.objects.filter(case=case, kind="public_update").exists()


def test_an_auditor_may_read_but_not_add_notes(world, api_as, make_case, make_staff):
    auditor = make_staff(world.team, "auditor")
    case = make_case(world.service)
    api = api_as(auditor)

    assert api.get(f"{CASES}/{case.reference}").status_code == 200
    response = api.post(
        f"{CASES}/{case.reference}/updates",
        {"kind": "internal_note", "body": "Looks fine", "version": case.version},
    )

    assert response.status_code == 403
    assert _codes(response) == [("forbidden", None)]
    assert not CaseEvent.objects.filter(case=case, kind="internal_note").exists()


def test_updates_to_another_organisations_case_are_404(world, api_as, make_case):
    case = make_case(world.county_service)

    response = api_as(world.caseworker).post(
        f"{CASES}/{case.reference}/updates",
        {"kind": "public_update", "body": "Hello", "version": case.version},
    )

    assert response.status_code == 404
    assert not CaseEvent.objects.filter(case=case, kind="public_update").exists()


def test_a_blank_update_is_422(world, api_as, make_case):
    case = make_case(world.service)

    response = api_as(world.caseworker).post(
        f"{CASES}/{case.reference}/updates",
        {"kind": "public_update", "body": "   ", "version": case.version},
    )

    assert response.status_code == 422
    assert _codes(response) == [("invalid", "body")]


# -- POST /cases/{reference}/status --------------------------------------------------------


def test_changing_status_and_closing(world, api_as, make_case):
    case = make_case(world.service)
    api = api_as(world.caseworker)
    url = f"{CASES}/{case.reference}/status"

    moved = api.post(url, {"status": "in_progress", "version": case.version})
    assert moved.status_code == 200
    assert moved.json()["status"] == "in_progress"
    version = moved.json()["version"]

    unexplained = api.post(url, {"status": "fixed", "version": version})
    assert unexplained.status_code == 422
    assert _codes(unexplained) == [("required", "message")]

    closed = api.post(url, {"status": "fixed", "message": "Cleared today", "version": version})
    assert closed.status_code == 200
    body = closed.json()
    assert (body["status"], body["open311_status"]) == ("fixed", "closed")
    assert body["closed_at"] is not None
    event = CaseEvent.objects.get(case=case, kind="closed")
    assert (event.public, event.body) == (True, "Cleared today")


def test_status_with_a_stale_version_is_409(world, api_as, make_case):
    case = make_case(world.service)
    api = api_as(world.caseworker)
    url = f"{CASES}/{case.reference}/status"
    api.post(url, {"status": "in_progress", "version": case.version})

    response = api.post(url, {"status": "investigating", "version": case.version})

    assert response.status_code == 409
    assert _codes(response) == [("stale", None)]
    case.refresh_from_db()
    assert case.status == "in_progress"


def test_an_advisor_may_not_change_status(world, api_as, make_case, make_staff):
    advisor = make_staff(world.team, "advisor")
    case = make_case(world.service)

    response = api_as(advisor).post(
        f"{CASES}/{case.reference}/status", {"status": "in_progress", "version": case.version}
    )

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "open"


def test_an_assigned_contractor_may_change_status_but_not_close(
    world, api_as, make_case, make_staff
):
    contractor = make_staff(world.team, "contractor")
    case = make_case(world.service)
    case = case_assign(case=case, assignee=contractor, actor=world.caseworker)
    api = api_as(contractor)
    url = f"{CASES}/{case.reference}/status"

    moved = api.post(url, {"status": "action_scheduled", "version": case.version})
    assert moved.status_code == 200
    closing = api.post(
        url, {"status": "fixed", "message": "Done", "version": moved.json()["version"]}
    )
    assert closing.status_code == 403
    case.refresh_from_db()
    assert case.status == "action_scheduled"


def test_an_unknown_status_is_422(world, api_as, make_case):
    case = make_case(world.service)

    response = api_as(world.caseworker).post(
        f"{CASES}/{case.reference}/status", {"status": "lost", "version": case.version}
    )

    assert response.status_code == 422
    assert [field for _code, field in _codes(response)] == ["status"]


# -- Audit of writes ----------------------------------------------------------------------


def _audit(action: str) -> list[tuple[str, str, list[str]]]:
    return [
        (entry.object_id, entry.detail["outcome"], entry.detail["kinds"])
        for entry in AuditEntry.objects.filter(action=action).order_by("id")
    ]


def test_writes_are_audited_under_their_own_names_with_how_they_ended(
    world, api_as, make_case, make_staff
):
    case = make_case(world.service)
    api = api_as(world.caseworker)
    url = f"{CASES}/{case.reference}"

    note = api.post(
        f"{url}/updates", {"kind": "internal_note", "body": "Big job", "version": case.version}
    )
    stale = api.post(
        f"{url}/updates", {"kind": "public_update", "body": "Booked", "version": case.version}
    )
    version = note.json()["version"]
    no_message = api.post(f"{url}/status", {"status": "closed", "message": " ", "version": version})
    closed = api.post(
        f"{url}/status", {"status": "closed", "message": "Cleared", "version": version}
    )
    auditor = api_as(make_staff(world.team, "auditor")).post(
        f"{url}/updates", {"kind": "internal_note", "body": "Fine", "version": version}
    )

    assert [r.status_code for r in (note, stale, no_message, closed, auditor)] == [
        201,
        409,
        422,
        200,
        403,
    ]
    assert _audit("case.note") == [
        (case.reference, "done", ["internal_note"]),
        (case.reference, "forbidden", []),
    ]
    assert _audit("case.public_update") == [(case.reference, "stale", [])]
    closing = _audit("case.close")
    assert closing[0] == (case.reference, "refused", [])
    assert closing[1][:2] == (case.reference, "done") and closing[1][2]
    # A write is not also recorded as a view of the case.
    assert not AuditEntry.objects.filter(action="case.view").exists()
