# ruff: noqa: RUF001
"""A council's round planner settings: the page shows the defaults until a team leader
saves the council's own; saved ones are audited with what changed, new plans are made
with them (each stream with its own load) and plans already made keep theirs; bad input
gets a clear message and saves nothing; only the council's waste team leaders and
administrators may see or change them."""

from __future__ import annotations

from typing import Any

import pytest

from borough.core.models import AuditEntry
from borough.core.services import organisation_create
from borough.waste.models import RoundPlan, RoundPlannerSettings, RoundPlanStatus
from borough.waste.planning.demo_area import FleetKind, RoundSettings
from borough.waste.planning.planner_settings import (
    PlannerSettings,
    PlannerSettingsInvalid,
    StreamLoad,
    planner_settings_for,
    planner_settings_get,
    planner_settings_save,
)
from borough.waste.planning.services import round_plan_start, round_settings_from_json
from borough.waste.services import stream_create, waste_settings_set
from tests.waste.test_planning_pages import text
from tests.waste.test_planning_task import homes

URL = "/staff/waste/planning/settings/"


@pytest.fixture
def area(waste, make_property) -> Any:
    homes(waste, make_property, streets=2, per_street=8)
    return waste


@pytest.fixture
def leader(area, make_staff) -> Any:
    return make_staff(area.team, role="team_leader")


def form(**changes: str) -> dict[str, str]:
    """The page as a team leader fills it in: a small fleet for the test streets."""
    values = {
        "depot_latitude": "50.7150",
        "depot_longitude": "-2.4300",
        "tip_latitude": "50.7200",
        "tip_longitude": "-2.4200",
        "road_factor": "1.4",
        "speed_kmh": "20",
        "service_seconds": "40",
        "tip_minutes": "15",
        "shift_hours": "2",
        "fleet-1-name": "Small RCV",
        "fleet-1-payload_kg": "1,000",
        "fleet-1-crews_per_day": "2",
        "fleet-1-round_cost": "£100",
        "fleet-2-name": "",
        "fleet-2-payload_kg": "",
        "fleet-2-crews_per_day": "",
        "fleet-2-round_cost": "",
        "stream-refuse-kg_per_property": "100",
        "stream-refuse-days_per_cycle": "10",
        "stream-recycling-kg_per_property": "60",
        "stream-recycling-days_per_cycle": "10",
        "stream-food-kg_per_property": "5",
        "stream-food-days_per_cycle": "5",
    }
    values.update(changes)
    return values


def test_the_page_shows_the_defaults_until_the_council_saves_its_own(client, area, leader):
    client.force_login(leader)
    page = client.get(URL)
    assert page.status_code == 200
    body = text(page)
    for words in ("Depot", "Tip", "Vehicle type 1", "Vehicle type 2", "Rubbish", "Food waste"):
        assert words in body
    html = page.content.decode()
    defaults = RoundSettings()
    assert f'value="{defaults.depot[0]:g}"' in html
    assert 'name="fleet-1-name" type="text" value="26t RCV"' in html
    assert 'name="fleet-1-round_cost" type="text" value="550"' in html
    # Each stream its own load: food waste is weekly and light.
    assert 'name="stream-food-days_per_cycle" type="text" value="5"' in html
    assert 'name="stream-refuse-kg_per_property" type="text" value="18"' in html
    assert AuditEntry.objects.filter(
        action="waste.round_planner_settings_view", actor=leader
    ).exists()
    assert planner_settings_for(organisation=area.organisation, kind="food").days_per_cycle == 5


def test_saved_settings_are_audited_and_used_by_new_plans_only(
    client, area, leader, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    before = round_plan_start(
        organisation=area.organisation, stream=area.streams["refuse"], seconds=1, actor=leader
    )
    # Three vehicle types posted, the middle one left blank: two are kept, in order.
    response = client.post(
        URL,
        form(
            **{
                "fleet-3-name": "Narrow",
                "fleet-3-payload_kg": "500",
                "fleet-3-crews_per_day": "1",
                "fleet-3-round_cost": "80.50",
            }
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/waste/planning/?organisation={area.organisation.slug}"
    listed = client.get(response["Location"])
    assert "The planner settings have been saved. New plans will use them." in text(listed)

    row = RoundPlannerSettings.objects.get(organisation=area.organisation)
    assert (row.depot_latitude, row.depot_longitude) == (50.715, -2.43)
    assert row.shift_hours == 2.0 and row.updated_by == leader
    assert row.fleet == [
        {"name": "Small RCV", "payload_kg": 1000, "crews_per_day": 2, "round_cost": 100_000},
        {"name": "Narrow", "payload_kg": 500, "crews_per_day": 1, "round_cost": 80_500},
    ]
    entry = AuditEntry.objects.get(action="waste.round_planner_settings_change")
    assert entry.actor == leader and entry.organisation == area.organisation
    changed = entry.detail["changed"]
    assert changed["shift_hours"] == [8.5, 2.0]
    assert changed["streams"][1]["food"] == {"kg_per_property": 5, "days_per_cycle": 5}
    assert "tip_minutes" in changed and "depot_latitude" in changed

    # The plan asked for before keeps the settings it was made with.
    before.refresh_from_db()
    assert round_settings_from_json(before.round_settings).shift_hours == 8.5

    # A new plan of food waste is made with the council's settings and food's load.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/waste/planning/new/", {"stream": "food", "seconds": "1"})
    plan = RoundPlan.objects.exclude(pk=before.pk).get()
    used = round_settings_from_json(plan.round_settings)
    assert used.depot == (50.715, -2.43) and used.tip == (50.72, -2.42)
    assert (used.kg_per_property, used.days_per_cycle, used.shift_hours) == (5, 5, 2.0)
    assert [kind.name for kind in used.fleet] == ["Small RCV", "Narrow"]
    plan.refresh_from_db()
    assert plan.status == RoundPlanStatus.DONE
    # The planner kept to the saved fleet and shift, and shows what it was made with.
    assert {row["vehicle"] for row in plan.result["rounds"]} <= {"Small RCV", "Narrow"}
    assert all(row["load_kg"] <= 1000 * row["trips"] for row in plan.result["rounds"])
    assert all(row["duration_s"] <= 2 * 3600 for row in plan.result["rounds"])
    assert plan.result["depot"] == [50.715, -2.43]
    body = text(client.get(f"/staff/waste/planning/{plan.pk}/"))
    assert "Settings this plan was made with" in body
    assert "Small RCV: 1,000 kg, 2 a day, £100 a day" in body
    assert "Narrow: 500 kg, 1 a day, £80.50 a day" in body
    assert "Working days in a cycle 5" in body and "Shift 2 h 00 min" in body

    # Saving the same settings again records no change.
    client.post(
        URL,
        {
            **form(),
            "fleet-2-name": "Narrow",
            "fleet-2-payload_kg": "500",
            "fleet-2-crews_per_day": "1",
            "fleet-2-round_cost": "80.50",
        },
    )
    again = AuditEntry.objects.filter(action="waste.round_planner_settings_change").latest("id")
    assert again.detail["changed"] == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"depot_latitude": ""}, "depot_latitude", "Enter the depot’s latitude"),
        ({"speed_kmh": "fast"}, "speed_kmh", "The average speed must be a number, like 24"),
        (
            {"service_seconds": "30.5"},
            "service_seconds",
            "The time at each property must be a whole number, like 30",
        ),
        (
            {"tip_latitude": "2.42", "tip_longitude": "50.72"},
            "tip_latitude",
            "The tip must be in Great Britain: check its latitude and longitude",
        ),
        ({"road_factor": "0.9"}, "road_factor", "must be between 1 and 3"),
        ({"shift_hours": "20"}, "shift_hours", "The shift must be between 1 and 14 hours"),
        ({"speed_kmh": "nan"}, "speed_kmh", "The average speed must be a number"),
        (
            {"fleet-1-payload_kg": ""},
            "fleet-1-payload_kg",
            "Enter the payload of vehicle type 1",
        ),
        (
            {"fleet-1-round_cost": "£1.005"},
            "fleet-1-round_cost",
            "The cost of a day of vehicle type 1 must be a number, like 550",
        ),
        (
            {
                "fleet-1-name": "",
                "fleet-1-payload_kg": "",
                "fleet-1-crews_per_day": "",
                "fleet-1-round_cost": "",
            },
            "fleet-1-name",
            "Enter at least one type of vehicle",
        ),
        ({"fleet-1-crews_per_day": "0"}, "fleet-1-crews_per_day", "must have a crew a day"),
        (
            {
                "fleet-2-name": "small rcv",
                "fleet-2-payload_kg": "500",
                "fleet-2-crews_per_day": "1",
                "fleet-2-round_cost": "50",
            },
            "fleet-2-name",
            "Each type of vehicle must have a different name",
        ),
        (
            {"fleet-2-payload_kg": "500"},
            "fleet-2-name",
            "Enter the name of vehicle type 2",
        ),
        (
            {"fleet-1-payload_kg": "50000"},
            "fleet-1-payload_kg",
            "The payload must be between 100 and 40,000 kg",
        ),
        (
            {"stream-food-days_per_cycle": "0"},
            "stream-food-days_per_cycle",
            "The working days in a cycle must be between 1 and 28",
        ),
        (
            {"stream-refuse-kg_per_property": ""},
            "stream-refuse-kg_per_property",
            "Enter the weight from each property for Rubbish",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, area, leader, changes, field, message
):
    client.force_login(leader)
    response = client.post(URL, form(**changes))
    assert response.status_code == 400
    body = text(response)
    assert "There is a problem" in body
    assert message in body
    html = response.content.decode()
    assert f'href="#{field}"' in html
    assert f'id="{field}-error"' in html
    # What was typed is shown again.
    assert 'name="speed_kmh" type="text" value="' in html
    assert not RoundPlannerSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="waste.round_planner_settings_change").exists()


def test_the_service_refuses_settings_out_of_range_and_writes_nothing(area, leader):
    bad = PlannerSettings(
        base=RoundSettings(speed_kmh=200.0, fleet=(FleetKind("RCV", 10_000, 1, 1),)),
        streams={"refuse": StreamLoad(kg_per_property=0, days_per_cycle=10)},
    )
    with pytest.raises(PlannerSettingsInvalid) as caught:
        planner_settings_save(organisation=area.organisation, planner=bad, actor=leader)
    assert set(caught.value.errors) == {"speed_kmh", "stream-refuse-kg_per_property"}
    assert not RoundPlannerSettings.objects.exists()
    assert planner_settings_get(organisation=area.organisation) == PlannerSettings()


def test_each_council_has_its_own_settings(
    client, area, leader, make_staff, make_team, make_service
):
    other = organisation_create(
        slug="elsewhere", name="Elsewhere District Council", kind="district", reference_prefix="ELS"
    )
    their_team = make_team(other, "Waste")
    waste_settings_set(
        organisation=other, missed_service=make_service(other, default_team=their_team)
    )
    stream_create(organisation=other, kind="refuse", name="Bins")
    client.force_login(leader)
    assert client.post(URL, form()).status_code == 302

    # Their team leader asking for this council's page gets their own council's (defaults).
    client.force_login(make_staff(their_team, role="team_leader"))
    page = client.get(URL, {"organisation": area.organisation.slug})
    assert page.status_code == 200
    assert "Elsewhere District Council" in text(page)
    assert 'value="50.715"' not in page.content.decode()
    response = client.post(
        URL,
        {
            **{k: v for k, v in form(shift_hours="7").items() if not k.startswith("stream-")},
            "stream-refuse-kg_per_property": "20",
            "stream-refuse-days_per_cycle": "10",
            "organisation": area.organisation.slug,
        },
    )
    assert response.status_code == 302
    assert RoundPlannerSettings.objects.get(organisation=other).shift_hours == 7.0
    assert RoundPlannerSettings.objects.get(organisation=area.organisation).shift_hours == 2.0
    assert planner_settings_for(organisation=area.organisation, kind="refuse").shift_hours == 2.0
