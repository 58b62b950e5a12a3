"""The queues page: tabs, the table, filters and search, pagination and bulk assign."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from borough.cases.models import Case, CaseEvent, EventKind
from borough.cases.services import case_assign
from borough.places.models import Property


def rows(response) -> list[str]:
    """The references in the table, in order."""
    return re.findall(r'href="/staff/cases/([A-Z]+-\d{4}-\d{4})/"', response.content.decode())


def test_the_team_queue_is_the_default(world, make_case, make_staff, signed_in):
    leader = make_staff(world.team, "team_leader")
    ours = make_case(world.service)
    other_team = make_case(world.other_team_service)
    make_case(world.county_service)
    response = signed_in(leader).get("/staff/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Your teams&#x27; cases</h1>' in html
    assert rows(response) == [ours.reference]
    assert other_team.reference not in html
    assert 'aria-current="page">Team</a>' in html
    for label in ("Mine", "Unassigned", "Due soon", "Overdue"):
        assert f">{label}</a>" in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_table_shows_each_case(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service, channel="phone")
    case = case_assign(case=case, assignee=world.colleague, actor=officer)
    Case.objects.filter(pk=case.pk).update(sla_due_at=timezone.now() - timedelta(hours=2))
    html = signed_in(officer).get("/staff/").content.decode()
    row = html[html.index(f'href="/staff/cases/{case.reference}/"') :]
    row = row[: row.index("</tr>")]
    assert "Report fly-tipping" in row
    assert '<strong class="govuk-tag govuk-tag--blue">Open</strong>' in row
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in row
    assert "Sam Officer" in row and "Phone" in row
    for header in ("Reference", "Title", "Service", "Status", "Due", "Assigned to", "Channel"):
        assert f'<th scope="col" class="govuk-table__header">{header}</th>' in html


def test_due_times_are_shown_in_london(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    # 16:00 UTC in July is 5pm in London.
    Case.objects.filter(pk=case.pk).update(sla_due_at=datetime(2036, 7, 1, 16, 0, tzinfo=UTC))
    html = signed_in(officer).get("/staff/").content.decode()
    assert "1 Jul 2036, 5pm" in html
    assert "govuk-tag--red" not in html


def test_each_queue_tab(world, make_case, make_staff, signed_in):
    me = make_staff(world.team)
    mine = make_case(world.service)
    case_assign(case=mine, assignee=me, actor=me)
    overdue = make_case(world.other_team_service)
    Case.objects.filter(pk=overdue.pk).update(sla_due_at=timezone.now() - timedelta(days=1))
    client = signed_in(me)
    assert rows(client.get("/staff/queues/mine/")) == [mine.reference]
    assert rows(client.get("/staff/queues/unassigned/")) == [overdue.reference]
    assert rows(client.get("/staff/queues/overdue/")) == [overdue.reference]
    assert rows(client.get("/staff/queues/due-soon/")) == []
    assert sorted(rows(client.get("/staff/queues/all/"))) == sorted(
        [mine.reference, overdue.reference]
    )
    assert client.get("/staff/queues/nonsense/").status_code == 404


def test_tabs_keep_the_filters(world, make_staff, signed_in):
    html = signed_in(make_staff(world.team)).get("/staff/?search=bins&page=2").content.decode()
    assert 'href="/staff/queues/mine/?search=bins"' in html


def test_closed_cases_are_left_out_unless_asked_for(world, make_case, make_staff, signed_in):
    from borough.cases.services import case_close

    me = make_staff(world.team)
    closed = make_case(world.service)
    case_close(case=closed, actor=me, resolution="Done")
    client = signed_in(me)
    assert rows(client.get("/staff/")) == []
    assert rows(client.get("/staff/?status=closed")) == [closed.reference]
    assert rows(client.get("/staff/?status=all")) == [closed.reference]
    assert rows(client.get("/staff/?status=fixed")) == [closed.reference]


def test_search_from_the_page(
    world, make_case, make_staff, make_property, make_resident, signed_in
):
    me = make_staff(world.team)
    home = make_property(paon="3", street_name="Icen Way", postcode="DT1 1EW")
    resident = make_resident(full_name="Morwenna Trevithick")
    theirs = make_case(world.service, uprn=home.uprn, resident=resident, reporter_email="")
    other = make_case(world.service)
    client = signed_in(me)
    typed = theirs.reference.lower().replace("-", " ")
    assert rows(client.get("/staff/queues/all/", {"search": typed})) == [theirs.reference]
    assert rows(client.get("/staff/queues/all/", {"search": "dt1 1ew"})) == [theirs.reference]
    assert rows(client.get("/staff/queues/all/", {"search": "trevithick"})) == [theirs.reference]
    assert rows(client.get("/staff/queues/all/", {"search": other.reference})) == [other.reference]
    assert Property.objects.count() == 1


def test_filters_from_the_page(world, make_case, make_staff, signed_in):
    me = make_staff(world.team)
    phoned = make_case(world.other_team_service, channel="phone")
    make_case(world.service)
    client = signed_in(me)
    response = client.get(
        "/staff/queues/all/",
        {"service": world.other_team_service.pk, "channel": "phone", "status": "open"},
    )
    assert rows(response) == [phoned.reference]
    html = response.content.decode()
    assert f'<option value="{world.other_team_service.pk}" selected>' in html
    assert '<option value="phone" selected>Phone</option>' in html
    assert "Clear filters" in html


def test_a_bad_date_gets_an_error_summary(world, make_case, make_staff, signed_in):
    me = make_staff(world.team)
    case = make_case(world.service)
    response = signed_in(me).get(
        "/staff/", {"created_from": "31/2/2026", "created_to": "yesterday"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#created_from">Created from must be a real date, like 27/3/2026</a>' in html
    assert '<a href="#created_to">Created to must be a real date, like 27/3/2026</a>' in html
    assert 'class="govuk-input govuk-!-width-full govuk-input--error"' in html
    # The rest of the page still works.
    assert rows(response) == [case.reference]


def test_created_to_before_created_from(world, make_staff, signed_in):
    response = signed_in(make_staff(world.team)).get(
        "/staff/", {"created_from": "2/3/2026", "created_to": "1/3/2026"}
    )
    assert response.status_code == 400
    assert "Created to must be the same as or after created from" in response.content.decode()


def test_pagination(world, make_case, make_staff, signed_in):
    me = make_staff(world.team)
    for _ in range(51):
        make_case(world.service)
    client = signed_in(me)
    first = client.get("/staff/")
    assert len(rows(first)) == 50
    html = first.content.decode()
    assert '<nav class="govuk-pagination" aria-label="Pagination">' in html
    assert 'href="?page=2" rel="next"' in html
    assert "51 cases" in html
    second = client.get("/staff/?page=2")
    assert len(rows(second)) == 1
    assert 'rel="prev"' in second.content.decode()
    assert set(rows(first)).isdisjoint(rows(second))
    # Past the end: the last page.
    assert rows(client.get("/staff/?page=99")) == rows(second)


def test_the_queue_takes_the_same_queries_whatever_its_length(
    world, make_case, make_staff, signed_in
):
    leader = make_staff(world.team, "team_leader")
    client = signed_in(leader)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/staff/").status_code == 200
        return len(context)

    for _ in range(2):
        case_assign(case=make_case(world.service), assignee=world.colleague, actor=leader)
    few = queries()
    for _ in range(10):
        case_assign(case=make_case(world.service), assignee=leader, actor=leader)
    assert queries() == few


# -- Bulk assign -----------------------------------------------------------------------------


def test_team_leaders_assign_several_cases_at_once(world, make_case, make_staff, signed_in):
    leader = make_staff(world.team, "team_leader")
    first, second, untouched = (make_case(world.service) for _ in range(3))
    client = signed_in(leader)
    html = client.get("/staff/").content.decode()
    assert 'name="cases"' in html and "Assign selected cases to" in html
    data = {"cases": [first.reference, second.reference], "assignee": world.colleague.pk}
    response = client.post("/staff/?status=open", data)
    assert response.status_code == 302 and response["Location"] == "/staff/?status=open"
    assert "2 cases assigned to Sam Officer" in client.get("/staff/").content.decode()
    for case in (first, second):
        case.refresh_from_db()
        assert case.assignee == world.colleague
        event = case.events.get(kind=EventKind.ASSIGNED)
        assert event.actor == leader and event.data["to"] == world.colleague.email
    untouched.refresh_from_db()
    assert untouched.assignee is None

    # Submitting the same form again changes nothing.
    events = CaseEvent.objects.count()
    assert client.post("/staff/?status=open", data).status_code == 302
    assert CaseEvent.objects.count() == events


def test_bulk_assign_needs_cases_and_someone(world, make_case, make_staff, signed_in):
    leader = make_staff(world.team, "team_leader")
    case = make_case(world.service)
    client = signed_in(leader)
    response = client.post("/staff/", {})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select the cases to assign" in html and "Select who to assign the cases to" in html
    response = client.post(
        "/staff/", {"cases": [case.reference], "assignee": world.county_officer.pk}
    )
    assert response.status_code == 400
    assert '<a href="#assignee">Select who to assign the cases to</a>' in response.content.decode()
    case.refresh_from_db()
    assert case.assignee is None and case.version == 1


def test_bulk_assign_is_all_or_nothing(world, make_case, make_staff, signed_in):
    leader = make_staff(world.team, "team_leader")
    ours = make_case(world.service)
    theirs = make_case(world.county_service)
    response = signed_in(leader).post(
        "/staff/", {"cases": [ours.reference, theirs.reference], "assignee": world.colleague.pk}
    )
    assert response.status_code == 404
    ours.refresh_from_db()
    assert ours.assignee is None


def test_only_roles_with_bulk_assign_see_or_use_it(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team, "caseworker")
    case = make_case(world.service)
    client = signed_in(officer)
    assert 'name="cases"' not in client.get("/staff/").content.decode()
    response = client.post("/staff/", {"cases": [case.reference], "assignee": officer.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.assignee is None


def test_page_items():
    from borough.backoffice.views import page_items

    assert page_items(1, 1) == [1]
    assert page_items(1, 3) == [1, 2, 3]
    assert page_items(1, 10) == [1, 2, None, 10]
    assert page_items(5, 10) == [1, None, 4, 5, 6, None, 10]
    assert page_items(10, 10) == [1, None, 9, 10]
    assert page_items(3, 10) == [1, 2, 3, 4, None, 10]
