# ruff: noqa: RUF001
"""The round planner's staff pages: the list of plans, the form (with its errors), a plan's
progress and results, the progress JSON and the rounds' GeoJSON; only for team leaders and
administrators of the council's waste teams, audited."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.utils import timezone

from borough.core.models import AuditEntry
from borough.core.services import organisation_create
from borough.waste.models import RoundPlan, RoundPlannerSettings, RoundPlanStatus
from borough.waste.planning import services as planning
from borough.waste.services import stream_create, waste_settings_set
from tests.waste.test_planning_task import DATABASE_TASKS, SMALL, homes

PAGES = ["/staff/waste/planning/", "/staff/waste/planning/new/", "/staff/waste/planning/settings/"]


def text(response: Any) -> str:
    body = response.content.decode()
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@pytest.fixture
def area(waste, make_property, monkeypatch) -> Any:
    homes(waste, make_property, streets=2, per_street=8)
    # The small vehicle of the task tests, so that the plan has trips to the tip.
    start = planning.round_plan_start

    def small_start(**kwargs: Any) -> RoundPlan:
        kwargs.setdefault("round_settings", SMALL)
        return start(**kwargs)

    monkeypatch.setattr("borough.waste.planning.views.round_plan_start", small_start)
    return waste


@pytest.fixture
def leader(area, make_staff) -> Any:
    return make_staff(area.team, role="team_leader")


def plan_of(area: Any, **values: Any) -> RoundPlan:
    return RoundPlan.objects.create(
        organisation=area.organisation, stream=area.streams["refuse"], seconds=60, **values
    )


def test_a_team_leader_plans_rounds_and_sees_the_result(
    client, area, leader, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    page = client.get("/staff/waste/planning/")
    assert page.status_code == 200
    assert "No rounds have been planned yet." in text(page)
    form = client.get("/staff/waste/planning/new/")
    assert form.status_code == 200
    body = text(form)
    assert "Which waste stream do you want to plan?" in body
    assert "Rubbish" in body and "Recycling" in body and "Food waste" in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/waste/planning/new/", {"stream": "refuse", "seconds": "1"})
    plan = RoundPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/waste/planning/{plan.pk}/"
    assert (plan.stream, plan.seconds, plan.requested_by) == (area.streams["refuse"], 1, leader)
    assert plan.status == RoundPlanStatus.DONE

    page = client.get(f"/staff/waste/planning/{plan.pk}/")
    assert page.status_code == 200
    body = text(page)
    result = plan.result
    assert f"Plan {plan.pk}: Rubbish rounds" in body
    assert "Planned" in body
    assert "Compared with the current rounds" in body
    assert "Planned rounds" in body
    assert f"{result['properties']} properties in {result['collection_points']} collection" in body
    for row in result["rounds"]:
        figures = f"{row['name']} Small RCV {row['properties']} {row['distance_m'] / 1000:.1f}"
        assert figures in body
    assert f"Total {len(result['rounds'])} round" in body
    saving = result["saving"]
    assert f"£{round(saving['cost'] / 1000):,} less a cycle" in body
    assert "Refresh" not in body
    assert "Map of the planned rounds" in body
    # The current rounds are the council's, by the names they have in the round records.
    assert "Current rounds" in body and "as recorded" in body
    assert result["current"]["source"] == "rounds"
    for row in result["current"]["details"]:
        assert f"{row['name']} {row['properties']} {row['distance_m'] / 1000:.1f}" in body
    names = {area.rounds["monday-refuse"].name, area.rounds["friday-refuse"].name}
    assert set(result["current"]["names"]) == names

    progress = client.get(f"/staff/waste/planning/{plan.pk}/progress.json").json()
    assert progress["status"] == "done" and progress["finished"] is True
    assert progress["percent"] == 100

    geojson = client.get(f"/staff/waste/planning/{plan.pk}/rounds.geojson").json()
    lines = [f for f in geojson["features"] if f["geometry"]["type"] == "LineString"]
    points = [
        f["properties"]["kind"]
        for f in geojson["features"]
        if f["properties"]["kind"] in ("depot", "tip")
    ]
    assert len(lines) == len(result["rounds"])
    assert points == ["depot", "tip"]
    first = result["rounds"][0]
    assert lines[0]["geometry"]["coordinates"][1] == [first["path"][1][1], first["path"][1][0]]

    listed = text(client.get("/staff/waste/planning/"))
    assert f"Plan {plan.pk} Rubbish" in listed and "Planned" in listed

    actions = list(
        AuditEntry.objects.filter(actor=leader).order_by("id").values_list("action", "object_id")
    )
    organisation = str(area.organisation.pk)
    assert actions == [
        ("waste.round_plans_view", organisation),
        ("waste.round_plan_start", str(plan.pk)),
        ("waste.round_plan_view", str(plan.pk)),
        ("waste.round_plans_view", organisation),
    ]


def test_a_plan_waiting_or_running_shows_its_progress(client, area, leader, settings):
    settings.TASKS = DATABASE_TASKS
    client.force_login(leader)
    response = client.post("/staff/waste/planning/new/", {"stream": "food", "seconds": "30"})
    plan = RoundPlan.objects.get()
    assert plan.status == RoundPlanStatus.QUEUED
    page = client.get(response["Location"])
    body = text(page)
    assert "Waiting to start" in body
    assert "Waiting for the planner to start." in body
    assert "Refresh the plan’s progress" in body
    assert f'href="/staff/waste/planning/{plan.pk}/"' in page.content.decode()
    assert 'value="0"' in page.content.decode()

    RoundPlan.objects.filter(pk=plan.pk).update(
        status=RoundPlanStatus.RUNNING, progress=0.4, best_cost=1_234_567
    )
    body = text(client.get(f"/staff/waste/planning/{plan.pk}/"))
    assert "Planning: 40% done (12 of 30 seconds). Best cost so far: £1,235." in body
    assert "Compared with the current rounds" not in body
    assert client.get(f"/staff/waste/planning/{plan.pk}/progress.json").json() == {
        "status": "running",
        "status_text": "Planning",
        "percent": 40,
        "finished": False,
        "best_cost": 1_234_567,
        "best_cost_text": "£1,235",
        "text": "Planning: 40% done (12 of 30 seconds). Best cost so far: £1,235.",
    }
    # No rounds to draw yet.
    assert client.get(f"/staff/waste/planning/{plan.pk}/rounds.geojson").status_code == 404


def test_a_failed_plan_says_why(client, area, leader):
    plan = plan_of(area, status=RoundPlanStatus.FAILED, error="No properties have Rubbish")
    client.force_login(leader)
    body = text(client.get(f"/staff/waste/planning/{plan.pk}/"))
    assert "The plan failed No properties have Rubbish" in body
    assert "Plan rounds again" in body
    assert "Refresh" not in body


def test_a_plan_whose_worker_stopped_is_shown_as_failed(client, area, leader):
    now = timezone.now()
    budget = timedelta(seconds=60 + planning.STALLED_MARGIN_SECONDS)
    # Progress last written longer ago than the 60 s budget and the margin: the worker is gone.
    stalled = plan_of(
        area,
        status=RoundPlanStatus.RUNNING,
        progress=0.3,
        started_at=now - budget - timedelta(seconds=30),
        progress_at=now - budget - timedelta(seconds=1),
    )
    # Still within it: planning.
    running = plan_of(
        area,
        status=RoundPlanStatus.RUNNING,
        progress=0.3,
        started_at=now - budget,
        progress_at=now - budget + timedelta(seconds=10),
    )
    # Started long ago and never wrote its progress.
    silent = plan_of(
        area, status=RoundPlanStatus.RUNNING, started_at=now - budget - timedelta(seconds=1)
    )
    client.force_login(leader)
    message = "The planner stopped before it finished. Start a new plan."
    for plan in (stalled, silent):
        page = client.get(f"/staff/waste/planning/{plan.pk}/")
        body = text(page)
        assert "Status Failed" in body
        assert f"The plan failed {message}" in body
        assert "Plan rounds again" in body
        assert "Refresh" not in body
        progress = client.get(f"/staff/waste/planning/{plan.pk}/progress.json").json()
        assert progress["status"] == "failed" and progress["finished"] is True
        assert progress["text"] == "The plan failed."
    body = text(client.get(f"/staff/waste/planning/{running.pk}/"))
    assert "Status Planning" in body and "Refresh" in body
    listing = text(client.get("/staff/waste/planning/"))
    assert f"Plan {stalled.pk} Rubbish" in listing
    statuses = re.findall(r"Plan (\d+) Rubbish .*? (Failed|Planning)", listing)
    assert dict(statuses) == {
        str(stalled.pk): "Failed",
        str(running.pk): "Planning",
        str(silent.pk): "Failed",
    }
    # Shown so, not written: the periodic sweep records it.
    assert set(RoundPlan.objects.values_list("status", flat=True)) == {RoundPlanStatus.RUNNING}


@pytest.mark.parametrize(
    ("posted", "messages"),
    [
        (
            {},
            [
                "Select the waste stream to plan",
                "Enter how long the planner should search, in seconds",
            ],
        ),
        (
            {"stream": "refuse", "seconds": "a minute"},
            ["How long the planner should search must be a whole number of seconds, like 60"],
        ),
        (
            {"stream": "refuse", "seconds": "0"},
            ["How long the planner should search must be between 1 and 300 seconds"],
        ),
        (
            {"stream": "refuse", "seconds": "301"},
            ["How long the planner should search must be between 1 and 300 seconds"],
        ),
        ({"stream": "garden", "seconds": "10"}, ["Select the waste stream to plan"]),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(
    client, area, leader, posted, messages, django_capture_on_commit_callbacks
):
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/staff/waste/planning/new/", posted)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Plan rounds" in html
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary is not None
    assert re.findall(r"<a href=\"#[a-z]+\">(.*?)</a>", summary.group(1)) == messages
    assert RoundPlan.objects.count() == 0
    assert callbacks == []
    assert not AuditEntry.objects.filter(action="waste.round_plan_start").exists()
    # What was typed is kept.
    if posted.get("seconds"):
        assert f'value="{posted["seconds"]}"' in html


def test_a_stream_with_no_collections_is_refused(client, district, area, leader):
    stream_create(organisation=district, kind="garden", name="Garden waste")
    client.force_login(leader)
    response = client.post("/staff/waste/planning/new/", {"stream": "garden", "seconds": "10"})
    assert response.status_code == 400
    assert "No properties have Garden waste collections to plan" in text(response)
    assert RoundPlan.objects.count() == 0


def test_administrators_may_plan_too(client, area, make_staff):
    client.force_login(make_staff(area.team, role="administrator"))
    assert client.get("/staff/waste/planning/").status_code == 200
    assert client.get("/staff/waste/planning/new/").status_code == 200


@pytest.mark.parametrize(
    "role", ["advisor", "caseworker", "field_officer", "contractor", "auditor"]
)
def test_other_roles_in_the_waste_team_are_refused(client, area, make_staff, role):
    plan = plan_of(area, status=RoundPlanStatus.DONE)
    client.force_login(make_staff(area.team, role=role))
    for url in PAGES:
        assert client.get(url).status_code == 403
    response = client.post("/staff/waste/planning/new/", {"stream": "refuse", "seconds": "1"})
    assert response.status_code == 403
    response = client.post("/staff/waste/planning/settings/", {"speed_kmh": "30"})
    assert response.status_code == 403
    assert not RoundPlannerSettings.objects.exists()
    for rest in ("", "progress.json", "rounds.geojson"):
        assert client.get(f"/staff/waste/planning/{plan.pk}/{rest}").status_code == 404
    assert RoundPlan.objects.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="waste.round_plan").exists()


def test_team_leaders_of_other_teams_and_councils_are_refused(
    client, area, make_staff, make_team, make_service, make_resident
):
    plan = plan_of(area, status=RoundPlanStatus.DONE)
    # A team leader of a team of the same council that takes no waste cases.
    client.force_login(make_staff(make_team(area.organisation, "Parking"), role="team_leader"))
    for url in PAGES:
        assert client.get(url).status_code == 403
    assert client.get(f"/staff/waste/planning/{plan.pk}/").status_code == 404

    # The waste team leader of another council sees their own plans, never this one.
    other = organisation_create(
        slug="elsewhere", name="Elsewhere District Council", kind="district", reference_prefix="ELS"
    )
    their_team = make_team(other, "Waste")
    waste_settings_set(
        organisation=other, missed_service=make_service(other, default_team=their_team)
    )
    theirs = RoundPlan.objects.create(
        organisation=other,
        stream=stream_create(organisation=other, kind="refuse", name="Bins"),
        seconds=60,
    )
    client.force_login(make_staff(their_team, role="team_leader"))
    listed = client.get("/staff/waste/planning/", {"organisation": area.organisation.slug})
    assert listed.status_code == 200
    body = text(listed)
    assert "Elsewhere District Council" in body
    assert f"Plan {theirs.pk}" in body and f"Plan {plan.pk} " not in body
    for rest in ("", "progress.json", "rounds.geojson"):
        assert client.get(f"/staff/waste/planning/{plan.pk}/{rest}").status_code == 404
    # Asking for a plan of the other council's stream plans their own.
    client.post(
        "/staff/waste/planning/new/",
        {"organisation": area.organisation.slug, "stream": "refuse", "seconds": "1"},
    )
    assert not RoundPlan.objects.filter(organisation=area.organisation).exclude(pk=plan.pk)

    client.force_login(make_resident())
    assert client.get("/staff/waste/planning/").status_code == 403
    client.logout()
    assert client.get("/staff/waste/planning/").status_code == 302
    assert client.get(f"/staff/waste/planning/{plan.pk}/").status_code == 302


def test_the_waste_office_links_to_the_plans_for_those_who_may_plan(
    client, area, leader, make_staff
):
    client.force_login(leader)
    assert 'href="/staff/waste/planning/?organisation=casterbridge"' in (
        client.get("/staff/waste/").content.decode()
    )
    client.force_login(make_staff(area.team, role="caseworker"))
    page = client.get("/staff/waste/")
    assert page.status_code == 200
    assert "/staff/waste/planning/" not in page.content.decode()
