# The pages use GOV.UK typography: curly apostrophes.
# ruff: noqa: RUF001
"""A waste team leader plans rounds in a real browser, with JavaScript on and off: from the
waste office to the plans, the form (sent empty first: an error), a short plan waiting for
the worker, the worker run in this process, then the results: each round's figures, the
comparison with the current rounds and, with JavaScript, the map; and the council's planner
settings changed, with a mistake first. axe-core on every page."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from borough.waste.models import RoundPlan, RoundPlannerSettings, RoundPlanStatus
from borough.waste.planning import views as planning_views
from tests.browser.conftest import assert_accessible
from tests.browser.test_bulky_journey import _sign_in_as
from tests.waste.conftest import Waste, waste_build
from tests.waste.test_planning_task import DATABASE_TASKS, homes


@pytest.fixture
def waste(district, make_team, make_property) -> Waste:
    area = waste_build(district, make_team, make_property)
    homes(area, make_property, streets=3, per_street=12)
    return area


def run_worker() -> None:
    """The worker's task runner (django-tasks-db's, which `borough worker` runs), in this
    process, until the queue is empty. (Without `borough worker`'s heartbeat thread: its
    own connection to the in-memory test database would lock the live server's tables.)"""
    call_command("db_worker", queue_name="*", batch=True, startup_delay=False, interval=0)


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_team_leader_plans_rounds_and_sees_them(
    request, live_server, page_fixture, waste, make_staff, settings, monkeypatch
):
    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(planning_views, "POLL_MS", 500)
    page = request.getfixturevalue(page_fixture)
    javascript = page_fixture == "page"
    _sign_in_as(page, live_server, make_staff(waste.team, role="team_leader"))

    page.goto(f"{live_server.url}/staff/waste/")
    page.get_by_role("link", name="Round plans").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Round plans")
    expect(page.get_by_text("No rounds have been planned yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Plan rounds").click()

    # The form, sent empty: both mistakes, and nothing asked of the worker.
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan rounds")
    assert_accessible(page)
    page.get_by_label("How long should the planner search, in seconds?").fill("")
    page.get_by_role("button", name="Start planning").click()
    expect(page).to_have_title(re.compile("^Error: Plan rounds"))
    alert = page.get_by_role("alert")
    expect(alert.get_by_text("Select the waste stream to plan")).to_be_visible()
    expect(
        alert.get_by_text("Enter how long the planner should search, in seconds")
    ).to_be_visible()
    assert_accessible(page)
    assert RoundPlan.objects.count() == 0

    page.get_by_label("Rubbish").check()
    page.get_by_label("How long should the planner search, in seconds?").fill("2")
    page.get_by_role("button", name="Start planning").click()

    # Waiting for the worker.
    plan = RoundPlan.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Plan {plan.pk}: Rubbish rounds")
    expect(page.get_by_text("Waiting for the planner to start.")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "0")
    assert_accessible(page)

    run_worker()
    plan.refresh_from_db()
    assert plan.status == RoundPlanStatus.DONE
    result = plan.result
    if javascript:
        # The page asked for the progress and reloaded itself when the plan was made.
        expect(page.get_by_role("table", name="Compared with the current rounds")).to_be_visible(
            timeout=30_000
        )
    else:
        page.get_by_role("link", name="Refresh the plan’s progress").click()
    expect(page.locator("#plan-status")).to_have_text("Planned")
    comparison = page.get_by_role("table", name="Compared with the current rounds")
    expect(comparison.get_by_role("row", name=re.compile("^Distance"))).to_contain_text(
        f"{result['current']['distance_m'] / 1000:,.1f}"
    )
    rounds = page.get_by_role("table", name="Planned rounds")
    expect(rounds.locator("tbody tr")).to_have_count(len(result["rounds"]))
    first = result["rounds"][0]
    expect(rounds.get_by_role("row", name=re.compile(f"^{first['name']} "))).to_contain_text(
        f"{first['distance_m'] / 1000:,.1f}"
    )
    expect(rounds.locator("tfoot")).to_contain_text(f"{result['total']['properties']}")
    expect(page.get_by_text(f"{result['properties']} properties in")).to_be_visible()
    map_region = page.get_by_role("region", name="Map of the planned rounds")
    if javascript:
        expect(map_region).to_be_visible()
        expect(page.locator("#plan-map-status")).to_contain_text(
            f"The map shows {len(result['rounds'])} round"
        )
        # One line a round, and the depot and the tip.
        expect(page.locator("#plan-map path.leaflet-interactive")).to_have_count(
            len(result["rounds"]) + 2
        )
    else:
        expect(map_region).to_be_hidden()
    assert_accessible(page)

    # The list of plans has it, planned.
    page.get_by_role("link", name="Round plans").click()
    row = page.locator("tbody tr", has_text=f"Plan {plan.pk}")
    expect(row).to_contain_text("Rubbish")
    expect(row).to_contain_text("Planned")
    assert_accessible(page)


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_team_leader_changes_the_planner_settings(
    request, live_server, page_fixture, waste, make_staff
):
    page = request.getfixturevalue(page_fixture)
    _sign_in_as(page, live_server, make_staff(waste.team, role="team_leader"))

    page.goto(f"{live_server.url}/staff/waste/planning/")
    page.get_by_role("link", name="Planner settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planner settings")
    roads = page.get_by_role("group", name="Roads and time")
    shift = roads.get_by_label("Length of a shift, in hours")
    expect(shift).to_have_value("8.5")
    assert_accessible(page)

    # A mistake: the message, the answer kept, and nothing saved.
    shift.fill("eight")
    page.get_by_role("group", name="Depot").get_by_label("Latitude").fill("")
    page.get_by_role("button", name="Save settings").click()
    expect(page).to_have_title(re.compile("^Error: Planner settings"))
    alert = page.get_by_role("alert")
    expect(alert.get_by_text("Enter the depot’s latitude")).to_be_visible()
    expect(alert.get_by_text("The length of a shift must be a number, like 8.5")).to_be_visible()
    expect(
        page.get_by_role("group", name="Roads and time").get_by_label("Length of a shift, in hours")
    ).to_have_value("eight")
    assert_accessible(page)
    assert not RoundPlannerSettings.objects.exists()

    # Put right, with a second vehicle type added, and saved.
    page.get_by_role("group", name="Depot").get_by_label("Latitude").fill("50.72")
    page.get_by_role("group", name="Roads and time").get_by_label(
        "Length of a shift, in hours"
    ).fill("7.5")
    second = page.get_by_role("group", name="Vehicle type 2")
    second.get_by_label("Name").fill("Narrow-access 7.5t")
    second.get_by_label("Payload, in kg").fill("3000")
    second.get_by_label("Crews a day").fill("1")
    second.get_by_label("Cost of a day, with its crew").fill("380.50")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Round plans")
    expect(page.get_by_text("The planner settings have been saved.")).to_be_visible()
    assert_accessible(page)
    saved = RoundPlannerSettings.objects.get(organisation=waste.organisation)
    assert saved.shift_hours == 7.5
    assert saved.depot_latitude == 50.72
    assert [kind["name"] for kind in saved.fleet][-1] == "Narrow-access 7.5t"
    assert saved.fleet[-1]["round_cost"] == 380_500  # tenths of a penny
