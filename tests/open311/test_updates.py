"""FixMyStreet's servicerequestupdates: updates out (GET) and the resident's updates in (POST)."""

from __future__ import annotations

from django.test import Client

from borough.cases.models import Case, CaseEvent
from borough.cases.services import (
    case_close,
    case_external_update,
    case_public_update,
    case_status_change,
)
from borough.core.models import AuditEntry
from borough.notify.models import Notification
from borough.open311.models import ReceivedUpdate
from borough.open311.services import apikey_issue
from tests.open311.conftest import BASE, errors_of, xml_of


def _reported(client, world, post_request) -> Case:
    post_request(world)
    return Case.objects.get()


def _update(world, case, **overrides):
    data = {
        "api_key": world.raw_key,
        "service_request_id": case.reference,
        "update_id": "501",
        "status": "OPEN",
        "description": "It is getting bigger",
        "email": "PAT@example.com",
        "first_name": "Pat",
        "last_name": "Reporter",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_get_updates_lists_public_events_with_their_status(client, world, post_request, make_staff):
    case = _reported(client, world, post_request)
    officer = make_staff(world.highways, "caseworker")
    case_status_change(case=case, status="in_progress", actor=officer, public_message="Booked in")
    case_public_update(case=case, actor=officer, body="Crew on site tomorrow")
    case_close(case=case, actor=officer, resolution="Filled in")
    response = client.get(f"{BASE}/servicerequestupdates.json", {"api_key": world.raw_key})
    assert response.status_code == 200
    rows = response.json()
    assert [(r["status"], r["description"], r["external_status_code"]) for r in rows] == [
        ("open", "Booked in", "in_progress"),
        ("open", "Crew on site tomorrow", "in_progress"),
        ("closed", "Filled in", "fixed"),
    ]
    assert {r["service_request_id"] for r in rows} == {case.reference}
    events = {
        str(e.pk)
        for e in CaseEvent.objects.filter(
            public=True, kind__in=["status_changed", "public_update", "closed"]
        )
    }
    assert {r["update_id"] for r in rows} == events
    assert all(r["updated_datetime"].endswith("Z") for r in rows)
    _, extended_key = apikey_issue(organisation=world.county, name="FMS", extended_statuses=True)
    extended = client.get(f"{BASE}/servicerequestupdates.xml", {"api_key": extended_key})
    root = xml_of(extended)
    assert root.tag == "service_request_updates"
    assert [u.findtext("status") for u in root.findall("request_update")] == [
        "in_progress",
        "in_progress",
        "fixed",
    ]


def test_a_contractors_updates_reach_the_client_with_their_status(client, world, post_request):
    case = _reported(client, world, post_request)
    case_external_update(
        case=case, contractor="Wessex Roads", update_id="c1", status="action_scheduled"
    )
    case_external_update(
        case=case, contractor="Wessex Roads", update_id="c2", description="Crew booked"
    )
    case_external_update(
        case=case, contractor="Wessex Roads", update_id="c3", status="fixed", description="Done"
    )
    rows = client.get(f"{BASE}/servicerequestupdates.json", {"api_key": world.raw_key}).json()
    assert [(r["status"], r["description"], r["external_status_code"]) for r in rows] == [
        ("open", "", "action_scheduled"),
        ("open", "Crew booked", "action_scheduled"),
        ("closed", "Done", "fixed"),
    ]


def test_get_updates_date_range(client, world, post_request, make_staff):
    case = _reported(client, world, post_request)
    officer = make_staff(world.highways, "caseworker")
    case_public_update(case=case, actor=officer, body="Later")
    response = client.get(
        f"{BASE}/servicerequestupdates.json",
        {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-01-02T00:00:00Z"},
    )
    assert response.json() == []
    too_long = client.get(
        f"{BASE}/servicerequestupdates.json",
        {"start_date": "2020-01-01T00:00:00Z", "end_date": "2020-06-01T00:00:00Z"},
    )
    assert too_long.status_code == 400


def test_post_update_from_the_reporter_is_their_reply(client, world, post_request):
    case = _reported(client, world, post_request)
    response = client.post(f"{BASE}/servicerequestupdates.json", _update(world, case))
    assert response.status_code == 201
    event = CaseEvent.objects.get(kind="resident_replied")
    assert response.json() == [{"update_id": str(event.pk)}]
    assert event.body == "It is getting bigger"
    assert event.public is False
    assert event.data["channel"] == "app"
    received = ReceivedUpdate.objects.get()
    assert (received.external_id, received.status, received.event) == ("501", "open", event)
    assert AuditEntry.objects.filter(action="open311.update_receive").count() == 1
    # Sent again: the same answer, nothing new.
    again = client.post(f"{BASE}/servicerequestupdates.json", _update(world, case))
    assert again.status_code == 200
    assert again.json() == response.json()
    assert CaseEvent.objects.filter(kind="resident_replied").count() == 1
    # The client's own update does not come back to it.
    rows = client.get(f"{BASE}/servicerequestupdates.json", {"api_key": world.raw_key}).json()
    assert str(event.pk) not in {r["update_id"] for r in rows}


def test_post_reopen_reopens_a_closed_case(client, world, post_request, make_staff):
    case = _reported(client, world, post_request)
    officer = make_staff(world.highways, "caseworker")
    case_close(case=case, actor=officer, resolution="Filled in")
    response = client.post(
        f"{BASE}/servicerequestupdates.xml",
        _update(world, case, status="REOPEN", description="It has opened up again"),
    )
    assert response.status_code == 201
    case.refresh_from_db()
    assert case.status == "open"
    reopened = CaseEvent.objects.get(kind="reopened")
    assert reopened.body == "It has opened up again"
    assert xml_of(response).findtext("request_update/update_id") == str(reopened.pk)


def test_reply_to_a_closed_case_is_refused(client, world, post_request, make_staff):
    case = _reported(client, world, post_request)
    officer = make_staff(world.highways, "caseworker")
    case_close(case=case, actor=officer, resolution="Filled in")
    response = client.post(
        f"{BASE}/servicerequestupdates.json", _update(world, case, status="CLOSED")
    )
    assert response.status_code == 400
    assert errors_of(response) == [
        "service_request_id: This case is closed, so a reply cannot be added"
    ]
    assert not ReceivedUpdate.objects.exists()
    assert not CaseEvent.objects.filter(kind="resident_replied").exists()


def test_an_update_from_someone_else_reaches_staff_and_changes_nothing(
    client, world, post_request, make_staff
):
    # FixMyStreet sends every commenter's update, with their own email and name; the key of
    # the case's organisation vouches for it.
    case = _reported(client, world, post_request)
    officer = make_staff(world.highways, "caseworker")
    case_status_change(case=case, status="waiting", actor=officer, public_message="Which side?")
    case.refresh_from_db()
    due = case.sla_due_at
    emails_before = Notification.objects.count()
    response = client.post(
        f"{BASE}/servicerequestupdates.json",
        _update(world, case, email="Neighbour@example.com", first_name="Nell", last_name="Bour"),
    )
    assert response.status_code == 201
    event = CaseEvent.objects.get(kind="internal_note")
    assert response.json() == [{"update_id": str(event.pk)}]
    assert event.body == "It is getting bigger"
    assert event.public is False
    assert event.actor is None
    assert event.data == {
        "source": "public",
        "channel": "app",
        "from_name": "Nell Bour",
        "from_email": "neighbour@example.com",
    }
    # Not the reporter's reply: the case still waits for the reporter, its clock stopped.
    assert not CaseEvent.objects.filter(kind="resident_replied").exists()
    case.refresh_from_db()
    assert (case.status, case.sla_due_at) == ("waiting", due)
    assert Notification.objects.count() == emails_before
    received = ReceivedUpdate.objects.get()
    assert (received.external_id, received.event) == ("501", event)
    audit = AuditEntry.objects.get(action="open311.update_receive")
    assert audit.detail["from_reporter"] is False
    # Staff read it on the case's timeline; the public report page does not show it.
    staff = Client()
    staff.force_login(officer)
    page = staff.get(f"/staff/cases/{case.reference}/")
    assert page.status_code == 200
    assert "It is getting bigger" in page.content.decode()
    public = client.get(f"{BASE}/requests/{case.reference}.json").content.decode()
    assert "It is getting bigger" not in public


def test_someone_else_cannot_reopen_a_closed_report(client, world, post_request, make_staff):
    case = _reported(client, world, post_request)
    officer = make_staff(world.highways, "caseworker")
    case_close(case=case, actor=officer, resolution="Filled in")
    response = client.post(
        f"{BASE}/servicerequestupdates.json",
        _update(world, case, email="neighbour@example.com", status="REOPEN"),
    )
    assert response.status_code == 201
    case.refresh_from_db()
    assert not case.is_open
    assert not CaseEvent.objects.filter(kind="reopened").exists()
    note = CaseEvent.objects.get(kind="internal_note")
    assert note.data["from_email"] == "neighbour@example.com"
    assert ReceivedUpdate.objects.get().status == "reopen"


def test_an_update_needs_the_senders_email(client, world, post_request):
    case = _reported(client, world, post_request)
    response = client.post(f"{BASE}/servicerequestupdates.json", _update(world, case, email=None))
    assert response.status_code == 400
    assert errors_of(response) == [
        "email: Enter the email address of the person sending the update"
    ]
    assert not ReceivedUpdate.objects.exists()
    assert not CaseEvent.objects.filter(kind__in=["internal_note", "resident_replied"]).exists()


def test_bad_updates(client, world, post_request):
    case = _reported(client, world, post_request)
    cases = [
        (_update(world, case, status="lost"), 400),
        (_update(world, case, update_id=None), 400),
        (_update(world, case, description=None), 400),
        (_update(world, case, service_request_id="WCC-0000-0000"), 404),
        (_update(world, case, api_key=world.district_raw_key), 404),
        (_update(world, case, api_key=None), 403),
        (_update(world, case, jurisdiction_id="casterbridge"), 403),
    ]
    for data, status in cases:
        response = client.post(f"{BASE}/servicerequestupdates.json", data)
        assert response.status_code == status, (data, response.content)
        assert errors_of(response)
    assert not ReceivedUpdate.objects.exists()
    assert not CaseEvent.objects.filter(kind__in=["resident_replied", "reopened"]).exists()
