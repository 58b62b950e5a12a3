"""The insight pages: who may see them, filters, CSV downloads, channel costs and targets
(administrators only), the public performance page and `borough report`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from borough.contacts.models import ChannelCost
from borough.core.models import AuditEntry
from borough.insight.models import ChannelShiftTarget
from borough.insight.services import channel_shift_target_set
from tests.insight.conftest import uk


@pytest.fixture
def area(district, county, make_team, make_service, make_staff, log_contact, report):
    """The district with a team leader, an administrator, a caseworker and a county auditor;
    a few contacts and cases last year."""
    team = make_team(district, "Street cleansing")
    county_team = make_team(county, "Highways")
    service = make_service(district, name="Report graffiti", default_team=team, sla_value=2)
    people = {
        "leader": make_staff(team, "team_leader"),
        "admin": make_staff(team, "administrator"),
        "caseworker": make_staff(team, "caseworker"),
        "advisor": make_staff(team, "advisor"),
        "county_auditor": make_staff(county_team, "auditor"),
    }
    for day in range(1, 8):
        log_contact(district, "phone", uk(2026, 3, day))
    log_contact(district, "web", uk(2026, 3, 10))
    report(service, uk(2026, 3, 3, 10), closed=uk(2026, 3, 4, 10), actor=people["caseworker"])
    people["service"] = service
    return people


RANGE = {"date_from": "1/3/2026", "date_to": "31/3/2026"}


def test_a_team_leader_sees_the_dashboard_and_the_read_is_audited(area, district, signed_in):
    client = signed_in(area["leader"])
    response = client.get("/staff/insight/", RANGE)
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Contacts by channel",
        "Digital take-up",
        "Cost to serve",
        "Savings against the baseline",
        "SLA met",
        "Time to resolve",
        "Backlog",
        "Reopened cases, duplicates and repeat contacts",
    ):
        assert title in html
    assert 'role="img"' in html and "<svg" in html
    assert "9 contacts from 1 March 2026 to 31 March 2026." in html
    # Not an administrator: no links to change costs or targets.
    assert "/staff/insight/casterbridge/costs/" not in html
    entry = AuditEntry.objects.get(action="insight.view")
    assert (entry.actor, entry.organisation, entry.detail["from"]) == (
        area["leader"],
        district,
        "2026-03-01",
    )


@pytest.mark.parametrize("role", ["caseworker", "advisor"])
def test_staff_without_an_insight_role_are_refused(area, signed_in, role):
    response = signed_in(area[role]).get("/staff/insight/")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="insight.view").exists()
    assert signed_in(area[role]).get("/staff/insight/download/channels.csv").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(area, client):
    response = client.get("/staff/insight/")
    assert response.status_code == 302 and "/staff/sign-in/" in response["Location"]


def test_another_councils_auditor_cannot_choose_this_council(area, signed_in):
    client = signed_in(area["county_auditor"])
    own = client.get("/staff/insight/")
    assert own.status_code == 200
    assert "Casterbridge District Council" not in own.content.decode()
    forged = client.get("/staff/insight/", {"organisation": "casterbridge"})
    assert forged.status_code == 400
    assert "Select a council from the list" in forged.content.decode()
    assert "Contacts by channel" not in forged.content.decode()
    assert (
        client.get(
            "/staff/insight/download/channels.csv", {"organisation": "casterbridge"}
        ).status_code
        == 400
    )
    assert list(
        AuditEntry.objects.filter(action__startswith="insight.").values_list(
            "organisation__slug", flat=True
        )
    ) == ["wessex"]


def test_bad_filters_show_errors_and_no_figures(area, signed_in):
    client = signed_in(area["leader"])
    response = client.get("/staff/insight/", {"date_from": "31/2/2026", "date_to": "1/1/2026"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The start date must be a real date, like 27/3/2026" in html
    swapped = client.get("/staff/insight/", {"date_from": "1/3/2026", "date_to": "1/2/2026"})
    assert "The end date must be the same as or after the start date" in swapped.content.decode()
    assert not AuditEntry.objects.filter(action="insight.view").exists()


def test_a_service_of_another_council_is_refused(area, signed_in, county, make_service):
    pothole = make_service(county, name="Report a pothole")
    response = signed_in(area["leader"]).get("/staff/insight/", {"service": pothole.pk})
    assert response.status_code == 400


def test_each_figure_downloads_as_csv_and_the_download_is_audited(area, signed_in):
    client = signed_in(area["leader"])
    response = client.get("/staff/insight/download/channels.csv", {**RANGE, "group": "month"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="casterbridge-channels.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Month", "Web", "Phone", "All channels"], ["Mar 2026", "2", "7", "9"]]
    cost = list(
        csv.reader(
            io.StringIO(client.get("/staff/insight/download/cost.csv", RANGE).content.decode())
        )
    )
    # 7 phone contacts at £2.83 and 2 web contacts (one made the case) at £0.15.
    assert ["Mar 2026", "9", "20.11"] in cost
    assert [
        e.detail["figure"]
        for e in AuditEntry.objects.filter(action="insight.download").order_by("id")
    ] == ["channels", "cost"]
    assert client.get("/staff/insight/download/nothing.csv").status_code == 404


def test_an_administrator_sets_and_removes_a_channel_cost(area, district, signed_in):
    client = signed_in(area["admin"])
    assert "/staff/insight/casterbridge/costs/" in client.get("/staff/insight/").content.decode()
    page = client.get("/staff/insight/casterbridge/costs/")
    assert page.status_code == 200
    refused = client.post(
        "/staff/insight/casterbridge/costs/",
        {"channel": "phone", "valid_from": "1/4/2026", "cost": "two pounds", "source": ""},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Enter the cost in pounds and pence, like 2.83" in html
    assert "Enter where the figure comes from" in html
    assert not ChannelCost.objects.filter(organisation=district).exists()
    saved = client.post(
        "/staff/insight/casterbridge/costs/",
        {"channel": "phone", "valid_from": "1/4/2026", "cost": "£4.10", "source": "Costing 2026"},
    )
    assert saved.status_code == 302
    cost = ChannelCost.objects.get(organisation=district)
    assert (cost.channel, cost.valid_from, cost.cost_pence, cost.source) == (
        "phone",
        date(2026, 4, 1),
        410,
        "Costing 2026",
    )
    assert AuditEntry.objects.get(action="insight.channel_cost_set").actor == area["admin"]
    listed = client.get("/staff/insight/casterbridge/costs/").content.decode()
    assert "£4.10" in listed and "Costing 2026" in listed
    client.post("/staff/insight/casterbridge/costs/", {"remove": cost.pk})
    assert not ChannelCost.objects.filter(organisation=district).exists()


@pytest.mark.parametrize("who", ["leader", "county_auditor", "caseworker"])
def test_only_administrators_of_the_council_open_its_costs_and_targets(area, signed_in, who):
    client = signed_in(area[who])
    expected = 404  # the council's pages are not there for them, as for anything unknown
    for path in ("/staff/insight/casterbridge/costs/", "/staff/insight/casterbridge/targets/"):
        assert client.get(path).status_code == expected
        assert (
            client.post(
                path,
                {
                    "percent": "50",
                    "starts_on": "1/4/2026",
                    "due_on": "1/4/2029",
                    "channel": "web",
                    "valid_from": "1/4/2026",
                    "cost": "1",
                    "source": "x",
                },
            ).status_code
            == expected
        )
    assert not ChannelCost.objects.exclude(organisation=None).exists()
    assert not ChannelShiftTarget.objects.exists()


def test_an_administrator_sets_channel_shift_targets_and_sees_progress(area, district, signed_in):
    client = signed_in(area["admin"])
    refused = client.post(
        "/staff/insight/casterbridge/targets/",
        {"percent": "150", "starts_on": "1/4/2026", "due_on": "1/1/2026"},
    )
    assert refused.status_code == 400
    assert "Target must be a whole number from 1 to 100" in refused.content.decode()
    assert not ChannelShiftTarget.objects.exists()
    backwards = client.post(
        "/staff/insight/casterbridge/targets/",
        {"percent": "45", "starts_on": "1/3/2026", "due_on": "1/1/2026"},
    )
    assert (
        "The date the target is due must be after the date it runs from"
        in backwards.content.decode()
    )
    for percent, due in (("45", "1/3/2029"), ("65", "1/3/2031")):
        response = client.post(
            "/staff/insight/casterbridge/targets/",
            {
                "percent": percent,
                "starts_on": "1/3/2026",
                "due_on": due,
                "note": "Digital strategy",
            },
        )
        assert response.status_code == 302
    assert list(ChannelShiftTarget.objects.values_list("percent", "due_on")) == [
        (45, date(2029, 3, 1)),
        (65, date(2031, 3, 1)),
    ]
    assert AuditEntry.objects.filter(action="insight.target_set").count() == 2
    page = client.get("/staff/insight/", RANGE).content.decode()
    assert "Channel-shift targets" in page and "45%" in page and "65%" in page


def test_the_public_page_shows_aggregates_and_hides_small_counts(area, district, client):
    index = client.get("/performance/")
    assert index.status_code == 200
    assert "Casterbridge District Council" in index.content.decode()
    response = client.get("/performance/casterbridge/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Contacts by channel" in html
    assert "[c]" in html
    # No one's details, and no staff-only figure.
    assert "reporter@example.com" not in html and "Sam Officer" not in html
    assert "Savings against the baseline" not in html
    download = client.get("/performance/casterbridge/channels.csv")
    assert download.status_code == 200 and "[c]" in download.content.decode()
    assert client.get("/performance/casterbridge/savings.csv").status_code == 404
    assert client.get("/performance/nowhere/").status_code == 404


def test_the_public_figures_are_kept_a_while_and_worked_out_again_when_a_target_changes(
    area, district, client, log_contact, django_capture_on_commit_callbacks
):
    url = "/performance/casterbridge/"

    def figures(response) -> str:
        return str([(f["figure"].key, f["figure"].summary) for f in response.context["figures"]])

    with CaptureQueriesContext(connection) as worked_out:
        first = client.get(url)
    for day in range(1, 21):
        log_contact(district, "web", uk(2026, 4, day))
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url)
    # From the cache: none of the figures' queries ran, so the new contacts are not in yet.
    assert len(kept) < len(worked_out) - 5
    assert figures(again) == figures(first)
    assert client.get("/performance/casterbridge/take-up.csv").content == (
        client.get("/performance/casterbridge/take-up.csv").content
    )

    with django_capture_on_commit_callbacks(execute=True):
        channel_shift_target_set(
            organisation=district,
            actor=area["admin"],
            starts_on=date(2026, 3, 1),
            due_on=date(2029, 3, 1),
            percent=45,
        )
    fresh = client.get(url)
    assert figures(fresh) != figures(first)


def test_the_report_command_prints_csv_and_json(area, district):
    out = io.StringIO()
    call_command(
        "report",
        "--format",
        "csv",
        "--organisation",
        "casterbridge",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        stdout=out,
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert ["Casterbridge District Council", "Contacts by channel", "Contacts by channel"] in rows
    assert ["Mar 2026", "2", "7", "9"] in rows
    out = io.StringIO()
    call_command(
        "report", "--format", "json", "--from", "2026-03-01", "--to", "2026-03-31", stdout=out
    )
    document = json.loads(out.getvalue())
    assert [o["slug"] for o in document["organisations"]] == ["casterbridge", "wessex"]
    channels = document["organisations"][0]["figures"][0]
    assert channels["key"] == "channels"
    assert channels["tables"][0]["rows"] == [["Mar 2026", 2, 7, 9]]
    with pytest.raises(CommandError):
        call_command("report", "--organisation", "nowhere", stdout=io.StringIO())


def test_the_back_office_menu_offers_insight_to_team_leaders_only(area, signed_in):
    assert ">Insight<" in signed_in(area["leader"]).get("/staff/").content.decode()
    assert ">Insight<" not in signed_in(area["caseworker"]).get("/staff/").content.decode()


def test_resident_pages_link_to_performance_in_the_footer(db, client):
    html = client.get("/performance/").content.decode()
    assert 'href="/performance/">Performance</a>' in html


def test_the_public_figures_round_counts_so_hidden_ones_cannot_be_worked_out(
    area, district, log_contact
):
    from borough.insight.figures import figure_channels, figure_targets
    from borough.insight.public_views import public_context

    log_contact(district, "web", uk(2026, 2, 10))  # one contact in February
    log_contact(district, "web", uk(2026, 2, 11))
    ChannelShiftTarget.objects.create(
        organisation=district, starts_on=date(2026, 2, 1), due_on=date(2029, 3, 1), percent=45
    )
    ChannelShiftTarget.objects.create(  # not started yet: no line to be behind
        organisation=district, starts_on=date(2026, 5, 1), due_on=date(2031, 3, 1), percent=65
    )
    public = public_context(district, date(2026, 4, 15))
    staff = public_context(district, date(2026, 4, 15))
    staff.public = False

    # March: web 2, phone 7, 9 in all. In public the 2 is hidden and the rest rounded to 5s,
    # so the hidden one cannot be had by taking phone from the total.
    [march] = [row for row in figure_channels(public).tables[0].rows if row[0] == "Mar 2026"]
    assert sorted(map(str, march[1:])) == ["10", "5", "[c]"]
    [staff_march] = [row for row in figure_channels(staff).tables[0].rows if row[0] == "Mar 2026"]
    assert sorted(staff_march[1:]) == [2, 7, 9]
    # The headline sentence too: 11 contacts (9 in March, 2 in February).
    assert figure_channels(staff).summary.startswith("11 contacts")
    assert figure_channels(public).summary.startswith("10 contacts")

    # The target tracker publishes no share for a month of fewer than 5 contacts.
    def months(ctx):
        return {row[0]: row[1] for row in figure_targets(ctx).tables[0].rows}

    def progress(ctx):
        return {row[0]: row[-1] for row in figure_targets(ctx).tables[1].rows}

    assert months(staff)["Feb 2026"] == 100.0
    assert months(public)["Feb 2026"] is None
    assert months(staff)["Mar 2026"] == months(public)["Mar 2026"] == pytest.approx(22.2, 0.01)
    assert progress(staff) == {"45%": "Behind", "65%": "No data yet"}
    assert progress(public) == {"45%": "No data yet", "65%": "No data yet"}
