"""The audit trail pages: for auditors and administrators only, within their organisations,
and every read of the trail is itself audited."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from borough.core.models import AuditEntry
from borough.core.services import audit_record

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def trail(world, make_case, make_staff, signed_in):
    """Two cases of the district opened by the colleague, one of the county by its officer."""
    first = make_case(world.service)
    second = make_case(world.service)
    county_case = make_case(world.county_service)
    colleague = signed_in(world.colleague)
    for case in (first, second):
        assert colleague.get(f"/staff/cases/{case.reference}/").status_code == 200
    assert (
        signed_in(world.county_officer).get(f"/staff/cases/{county_case.reference}/").status_code
        == 200
    )
    AuditEntry.objects.filter(object_id=first.reference).update(
        at=datetime(2026, 3, 2, 10, tzinfo=LONDON)
    )
    AuditEntry.objects.filter(object_id=second.reference).update(
        at=datetime(2026, 3, 5, 10, tzinfo=LONDON)
    )
    return first, second, county_case


def rows(html: str) -> int:
    body = html[html.index('<tbody class="govuk-table__body">') :]
    return body[: body.index("</tbody>")].count('<tr class="govuk-table__row">')


@pytest.mark.parametrize("role", ["auditor", "administrator"])
def test_auditors_and_administrators_read_their_organisations_trail(
    world, make_staff, signed_in, trail, role
):
    first, second, county_case = trail
    auditor = make_staff(world.team, role)
    response = signed_in(auditor).get("/staff/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert first.reference in html and second.reference in html
    assert county_case.reference not in html
    assert "Opened a case" in html
    assert f'href="/staff/audit/users/{world.colleague.pk}/"' in html
    assert rows(html) == 2  # the read being recorded now is not listed on its own page

    read = AuditEntry.objects.get(actor=auditor)
    assert (read.action, read.organisation, read.object_type, read.object_id) == (
        "audit.search",
        world.district,
        "core.organisation",
        str(world.district.pk),
    )
    assert read.detail == {"email": "", "reference": "", "from": None, "to": None}


@pytest.mark.parametrize("role", ["advisor", "caseworker", "field_officer", "team_leader"])
def test_other_roles_may_not_read_the_trail(world, make_staff, signed_in, trail, role):
    user = make_staff(world.team, role)
    client = signed_in(user)
    assert client.get("/staff/audit/").status_code == 403
    assert client.get(f"/staff/audit/users/{world.colleague.pk}/").status_code == 403
    assert not AuditEntry.objects.filter(actor=user).exists()
    assert 'href="/staff/audit/"' not in client.get("/staff/").content.decode()


def test_residents_may_not_read_the_trail(make_resident, signed_in, world):
    resident = make_resident()
    assert signed_in(resident).get("/staff/audit/").status_code == 403
    assert not AuditEntry.objects.filter(actor=resident).exists()


def test_search_by_email_reference_and_dates(world, make_staff, signed_in, trail):
    first, second, _ = trail
    auditor = make_staff(world.team, "auditor")
    client = signed_in(auditor)
    other = make_staff(world.team, "caseworker", email="other@casterbridge.example")
    signed_in(other).get(f"/staff/cases/{first.reference}/")

    html = client.get("/staff/audit/", {"email": "COLLEAGUE@"}).content.decode()
    assert rows(html) == 2 and "other@casterbridge.example" not in html

    html = client.get("/staff/audit/", {"reference": first.reference.lower()}).content.decode()
    assert rows(html) == 2  # the colleague's read and the other caseworker's
    assert second.reference not in html.split("<tbody")[1]

    html = client.get(
        "/staff/audit/", {"email": "colleague", "date_from": "3/3/2026", "date_to": "5/3/2026"}
    ).content.decode()
    assert rows(html) == 1 and second.reference in html.split("<tbody")[1]

    searches = AuditEntry.objects.filter(actor=auditor, action="audit.search").order_by("id")
    assert [entry.detail for entry in searches] == [
        {"email": "COLLEAGUE@", "reference": "", "from": None, "to": None},
        {"email": "", "reference": first.reference, "from": None, "to": None},
        {"email": "colleague", "reference": "", "from": "2026-03-03", "to": "2026-03-05"},
    ]


@pytest.mark.parametrize(
    ("query", "anchor", "message"),
    [
        ({"reference": "not a ref"}, "reference", "Enter a case reference, like CDC-4827-3915"),
        ({"date_from": "31/2/2026"}, "date_from", "From must be a real date, like 27/3/2026"),
        (
            {"date_from": "5/3/2026", "date_to": "4/3/2026"},
            "date_to",
            "To must be the same as or after from",
        ),
    ],
)
def test_a_bad_search_shows_an_error_reads_nothing_and_records_nothing(
    world, make_staff, signed_in, trail, query, anchor, message
):
    auditor = make_staff(world.team, "auditor")
    response = signed_in(auditor).get("/staff/audit/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#{anchor}">{message}</a>' in html
    assert "<tbody" not in html
    assert not AuditEntry.objects.filter(actor=auditor).exists()


def test_the_trail_of_one_person_lists_everything_they_did_here(
    world, make_staff, signed_in, trail
):
    first, second, _ = trail
    auditor = make_staff(world.team, "auditor")
    # Something the colleague did in another organisation is not shown.
    audit_record(actor=world.colleague, action="case.view", obj=trail[2], organisation=world.county)
    response = signed_in(auditor).get(f"/staff/audit/users/{world.colleague.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "colleague@casterbridge.example" in html
    assert rows(html) == 2
    assert first.reference in html and second.reference in html
    assert trail[2].reference not in html
    read = AuditEntry.objects.get(actor=auditor)
    assert (read.action, read.object_type, read.object_id, read.organisation) == (
        "audit.user_trail",
        "accounts.user",
        str(world.colleague.pk),
        world.district,
    )
    # The auditor's own reading shows on the trail of the auditor.
    html = (
        signed_in(make_staff(world.team, "administrator"))
        .get(f"/staff/audit/users/{auditor.pk}/")
        .content.decode()
    )
    assert "Read a person&#x27;s audit trail" in html


def test_the_trail_of_someone_unconnected_is_not_found(
    world, make_staff, signed_in, trail, make_resident
):
    auditor = make_staff(world.team, "auditor")
    client = signed_in(auditor)
    assert client.get(f"/staff/audit/users/{world.county_officer.pk}/").status_code == 404
    assert client.get(f"/staff/audit/users/{make_resident().pk}/").status_code == 404
    assert client.get("/staff/audit/users/999999/").status_code == 404
    assert not AuditEntry.objects.filter(actor=auditor).exists()
