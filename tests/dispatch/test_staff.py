"""/staff/dispatch/: the cases that could not be sent, and those waiting to be sent again,
for the member of staff's organisations only; team leaders and administrators retry them."""

from __future__ import annotations

import pytest
from django.test import Client

from borough.core.models import AuditEntry
from borough.core.services import team_create
from borough.dispatch.models import Dispatch, DispatchStatus
from tests.dispatch.contractor import Answer


@pytest.fixture
def signed_in():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def problems(world, open311_contractor, make_endpoint, report, committed):
    """One case the contractor refused (given up), one waiting for a retry after a 500."""
    make_endpoint(open311_contractor.url)
    open311_contractor.fail_next(
        Answer(400, '[{"code":400,"description":"Unknown service_code"}]'),
        Answer(500, "[]"),
    )
    with committed():
        refused = report()
        retrying = report()
    assert Dispatch.objects.get(case=refused).status == DispatchStatus.GAVE_UP
    assert Dispatch.objects.get(case=retrying).status == DispatchStatus.FAILED
    return refused, retrying


def test_staff_see_what_was_not_sent_and_what_will_be_retried(world, problems, signed_in):
    refused, retrying = problems
    response = signed_in(world.caseworker).get("/staff/dispatch/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dispatch to contractors" in html
    not_sent = html[html.index('id="not-sent"') : html.index('id="retrying"')]
    waiting = html[html.index('id="retrying"') :]
    assert refused.reference in not_sent and retrying.reference not in not_sent
    assert retrying.reference in waiting and refused.reference not in waiting
    assert "Unknown service_code" in not_sent
    assert "The contractor answered 500" in waiting
    assert "Ringway (highways contractor)" in html
    # A caseworker sees but does not retry.
    assert "Retry now" not in html
    # The menu offers the page; the read is audited for the organisation.
    assert 'href="/staff/dispatch/"' in html
    entry = AuditEntry.objects.get(action="dispatch.list")
    assert (entry.actor, entry.organisation) == (world.caseworker, world.district)


def test_team_leaders_retry_now(world, problems, signed_in, open311_contractor, committed):
    refused, _retrying = problems
    client = signed_in(world.leader)
    assert client.get("/staff/dispatch/").content.decode().count("Retry now") == 2
    dispatch = Dispatch.objects.get(case=refused)
    with committed():
        response = client.post(f"/staff/dispatch/{dispatch.pk}/retry/")
    assert (response.status_code, response["Location"]) == (302, "/staff/dispatch/")
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.SENT and dispatch.attempts == 2
    assert len(open311_contractor.posts()) == 3
    assert AuditEntry.objects.filter(action="dispatch.retry", object_id=str(dispatch.pk)).exists()
    # Sent now: the banner says so and the case leaves the list.
    html = client.get("/staff/dispatch/").content.decode()
    assert f"{refused.reference} is being sent to Ringway" in html
    assert f">{refused.reference}</a>" not in html
    # Retrying it again does nothing.
    with committed():
        client.post(f"/staff/dispatch/{dispatch.pk}/retry/")
    assert "was not sent again" in client.get("/staff/dispatch/").content.decode()
    assert len(open311_contractor.posts()) == 3


def test_a_caseworker_may_not_retry(world, problems, signed_in, open311_contractor):
    refused, _ = problems
    dispatch = Dispatch.objects.get(case=refused)
    response = signed_in(world.caseworker).post(f"/staff/dispatch/{dispatch.pk}/retry/")
    assert response.status_code == 403
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.GAVE_UP
    assert len(open311_contractor.posts()) == 2


def test_other_organisations_see_nothing_and_cannot_retry(
    world, problems, signed_in, county, make_staff, open311_contractor
):
    refused, retrying = problems
    county_team = team_create(organisation=county, slug="highways", name="Highways")
    outsider = make_staff(county_team, "administrator", email="admin@wessex.example")
    client = signed_in(outsider)
    response = client.get("/staff/dispatch/")
    assert response.status_code == 200
    html = response.content.decode()
    assert refused.reference not in html and retrying.reference not in html
    # No contractor in the county: no menu entry.
    assert 'href="/staff/dispatch/"' not in html
    dispatch = Dispatch.objects.get(case=refused)
    # Another organisation's dispatch is "not found", as if it did not exist.
    assert client.post(f"/staff/dispatch/{dispatch.pk}/retry/").status_code == 404
    assert client.post("/staff/dispatch/987654/retry/").status_code == 404
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.GAVE_UP
    assert len(open311_contractor.posts()) == 2


def test_contractor_staff_and_strangers_are_kept_out(
    world, problems, signed_in, make_staff, make_resident, client
):
    contractor_user = make_staff(world.contractor_team, "contractor", email="crew@ringway.example")
    assert signed_in(contractor_user).get("/staff/dispatch/").status_code == 403
    assert signed_in(make_resident()).get("/staff/dispatch/").status_code == 403
    response = client.get("/staff/dispatch/")
    assert response.status_code == 302 and "/staff/sign-in/" in response["Location"]


def test_retry_needs_a_post_with_a_csrf_token(world, problems, make_staff):
    refused, _ = problems
    dispatch = Dispatch.objects.get(case=refused)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader)
    assert client.get(f"/staff/dispatch/{dispatch.pk}/retry/").status_code == 405
    assert client.post(f"/staff/dispatch/{dispatch.pk}/retry/").status_code == 403
    dispatch.refresh_from_db()
    assert dispatch.status == DispatchStatus.GAVE_UP


def test_the_timeline_says_what_happened(world, problems, signed_in):
    refused, _ = problems
    html = signed_in(world.caseworker).get(f"/staff/cases/{refused.reference}/").content.decode()
    assert "Sent to contractor" in html
    assert "Could not be sent to Ringway (highways contractor)" in html
    assert "Not sent" in html
