"""Crews' events from the field page, a CSV import and the signed webhook; the waste back
office, and who may open each."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.core.management import CommandError, call_command

from borough.cases.models import Case
from borough.core.models import AuditEntry
from borough.core.services import organisation_create
from borough.dispatch.webhooks import signature_header
from borough.waste.models import CollectionEvent, Outcome
from borough.waste.services import missed_collection_report, waste_settings_set
from tests.conftest import DORCHESTER, square
from tests.waste.conftest import london

MONDAY = date(2026, 3, 2)


def test_the_crew_records_todays_collections(client, waste, make_staff, make_property):
    neighbour = waste.add_home(make_property, paon="2")
    member = make_staff(waste.crew, role="contractor")
    client.force_login(member)
    assert client.get("/staff/waste/crew/").status_code == 200
    url = f"/staff/waste/crew/{waste.rounds['monday-refuse'].pk}/"
    with time_machine.travel(london(2026, 3, 2, 8, 0), tick=False):
        page = client.get(url).content.decode()
        assert "1 High West Street (Rubbish)" in page
        assert "2 High West Street (Rubbish)" in page
        service = waste.home.waste_services.get(stream=waste.streams["refuse"])
        response = client.post(url, {f"outcome-{service.pk}": "not_presented"})
    assert response.status_code == 302
    events = {e.property_id: e for e in CollectionEvent.objects.all()}
    assert events[waste.home.pk].outcome == Outcome.NOT_PRESENTED
    assert events[waste.home.pk].source == "field"
    assert events[waste.home.pk].crew == member
    assert events[neighbour.pk].outcome == Outcome.COLLECTED
    assert all(e.date == MONDAY for e in events.values())
    # The page sent again records nothing twice; a changed answer corrects the event.
    with time_machine.travel(london(2026, 3, 2, 8, 5), tick=False):
        client.post(url, {f"outcome-{service.pk}": "not_presented"})
    assert CollectionEvent.objects.count() == 2
    with time_machine.travel(london(2026, 3, 2, 8, 10), tick=False):
        client.post(url, {f"outcome-{service.pk}": "collected"})
    assert CollectionEvent.objects.get(property=waste.home).outcome == Outcome.COLLECTED
    with time_machine.travel(london(2026, 3, 2, 8, 15), tick=False):
        client.post(url, {f"outcome-{service.pk}": "not_presented"})
    # The resident then cannot report it missed.
    with pytest.raises(Exception, match="not put out"):
        missed_collection_report(
            prop=waste.home,
            stream=waste.streams["refuse"],
            channel="web",
            reporter_email="a@example.com",
            now=london(2026, 3, 2, 17, 0),
        )


def test_a_round_on_a_day_it_does_not_collect(client, waste, make_staff):
    client.force_login(make_staff(waste.crew, role="contractor"))
    with time_machine.travel(london(2026, 3, 3, 8, 0), tick=False):
        page = client.get(f"/staff/waste/crew/{waste.rounds['monday-refuse'].pk}/")
    assert "This round has no collections today." in page.content.decode()


def test_who_may_use_the_crew_page(client, waste, make_staff, make_team, make_resident):
    url = f"/staff/waste/crew/{waste.rounds['monday-refuse'].pk}/"
    # A council advisor not in the crew: refused, the round not shown to exist.
    client.force_login(make_staff(waste.team, role="advisor"))
    assert client.get("/staff/waste/crew/").status_code == 403
    assert client.get(url).status_code == 404
    # Staff of another council.
    other = organisation_create(
        slug="elsewhere",
        name="Elsewhere",
        kind="district",
        reference_prefix="ELS",
        boundary=square(*DORCHESTER, 0.01),
    )
    client.force_login(make_staff(make_team(other), role="field_officer"))
    assert client.get(url).status_code == 404
    # A field officer of the council may.
    client.force_login(make_staff(waste.team, role="field_officer"))
    assert client.get(url).status_code == 200
    # A resident is sent to sign in as staff... and refused.
    client.force_login(make_resident())
    assert client.get(url).status_code == 403
    assert not CollectionEvent.objects.exists()


def _csv(tmp_path, rows):
    path = tmp_path / "events.csv"
    path.write_text("round,stream,date,outcome,uprn,note,id\n" + "\n".join(rows) + "\n")
    return path


def test_the_import_records_events_once(waste, tmp_path):
    path = _csv(
        tmp_path,
        [
            f"Monday rubbish,refuse,2026-03-02,contaminated,{waste.home.uprn},Soil,ev-1",
            "Monday food,food,2026-03-02,blocked_access,,Road closed,ev-2",
        ],
    )
    call_command("waste_import_events", str(path), "--organisation", "casterbridge")
    call_command("waste_import_events", str(path), "--organisation", "casterbridge")
    assert CollectionEvent.objects.count() == 2
    event = CollectionEvent.objects.get(external_id="ev-1")
    assert event.property == waste.home and event.outcome == "contaminated"
    assert event.source == "import"
    assert CollectionEvent.objects.get(external_id="ev-2").property is None


def test_an_import_with_a_bad_row_records_nothing(waste, tmp_path):
    path = _csv(
        tmp_path,
        [
            f"Monday rubbish,refuse,2026-03-02,collected,{waste.home.uprn},,ev-1",
            "Monday rubbish,refuse,2 March,collected,,,ev-2",
            f"Monday rubbish,refuse,2026-03-02,exploded,{waste.home.uprn},,ev-3",
            f"Monday rubbish,refuse,2026-03-02,collected,{waste.friday_home.uprn},,ev-4",
        ],
    )
    with pytest.raises(CommandError) as refused:
        call_command("waste_import_events", str(path), "--organisation", "casterbridge")
    message = str(refused.value)
    assert "row 3: Give the date as YYYY-MM-DD" in message
    assert "row 4: The outcome must be one of" in message
    assert f"row 5: UPRN {waste.friday_home.uprn} is not on round 'Monday rubbish'" in message
    assert not CollectionEvent.objects.exists()


def test_the_webhook_checks_the_signature(client, waste):
    waste_settings_set(organisation=waste.organisation, webhook_secret="s3cret")
    body = json.dumps(
        {
            "events": [
                {
                    "round": "Monday rubbish",
                    "stream": "refuse",
                    "date": "2026-03-02",
                    "outcome": "not_presented",
                    "uprn": waste.home.uprn,
                    "id": "cab-77",
                }
            ]
        }
    ).encode()
    url = "/waste/webhook/casterbridge/"
    wrong = client.post(
        url,
        body,
        content_type="application/json",
        headers={"X-Borough-Signature": signature_header(secret="wrong", body=body)},
    )
    assert wrong.status_code == 401
    unsigned = client.post(url, body, content_type="application/json")
    assert unsigned.status_code == 401
    assert not CollectionEvent.objects.exists()
    signed = {"X-Borough-Signature": signature_header(secret="s3cret", body=body)}
    response = client.post(url, body, content_type="application/json", headers=signed)
    assert response.status_code == 200
    assert response.json() == {"recorded": 1, "already_recorded": 0}
    again = client.post(url, body, content_type="application/json", headers=signed)
    assert again.json() == {"recorded": 0, "already_recorded": 1}
    event = CollectionEvent.objects.get()
    assert event.source == "webhook" and event.outcome == "not_presented"
    bad = json.dumps({"events": [{"round": "Nope"}]}).encode()
    refused = client.post(
        url,
        bad,
        content_type="application/json",
        headers={"X-Borough-Signature": signature_header(secret="s3cret", body=bad)},
    )
    assert refused.status_code == 400
    assert refused.json()["rejected"][0]["message"] == "No round called 'Nope'"


def test_the_waste_back_office(client, waste, make_staff):
    with time_machine.travel(london(2026, 3, 2, 17, 0), tick=False):
        case = missed_collection_report(
            prop=waste.home,
            stream=waste.streams["refuse"],
            channel="web",
            reporter_email="a@example.com",
        )
        officer = make_staff(waste.team, role="caseworker")
        client.force_login(officer)
        page = client.get("/staff/waste/")
    text = page.content.decode()
    assert page.status_code == 200
    assert case.reference in text
    assert "Monday rubbish" in text
    assert AuditEntry.objects.filter(actor=officer, action="waste.office_view").exists()


def test_the_waste_back_office_is_refused_to_others(
    client, waste, make_staff, make_team, make_resident
):
    other = organisation_create(
        slug="elsewhere",
        name="Elsewhere",
        kind="district",
        reference_prefix="ELS",
        boundary=square(*DORCHESTER, 0.01),
    )
    client.force_login(make_staff(make_team(other), role="caseworker"))
    assert client.get("/staff/waste/").status_code == 403
    client.force_login(make_staff(waste.team, role="contractor"))
    assert client.get("/staff/waste/").status_code == 403
    client.force_login(make_resident())
    assert client.get("/staff/waste/").status_code == 403
    client.logout()
    assert client.get("/staff/waste/").status_code == 302
    assert not Case.objects.exists()
