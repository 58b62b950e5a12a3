import pytest

from borough.cases.models import Case
from borough.cases.services import Submission, case_create
from borough.core.models import AuditEntry
from borough.core.services import audit_record, organisation_create
from borough.core.tenancy import for_organisation, for_staff, staff_organisations, staff_roles


def report(service):
    return case_create(
        submission=Submission(
            service=service,
            channel="phone",
            answers={"kind": "small"},
            reporter_phone="01305 000000",
        )
    )


def test_staff_see_only_their_own_organisations_rows(
    county, district, make_service, make_team, make_staff, make_resident
):
    district_case = report(make_service(district))
    county_case = report(make_service(county))
    district_officer = make_staff(make_team(district), role="caseworker")
    assert list(for_staff(Case.objects.all(), district_officer)) == [district_case]
    assert list(for_organisation(Case.objects.all(), county)) == [county_case]
    # A resident, or nobody signed in, sees no staff rows at all.
    assert not for_staff(Case.objects.all(), make_resident()).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not for_staff(Case.objects.all(), AnonymousUser()).exists()


def test_roles_are_per_organisation_and_can_filter(county, district, make_team, make_staff):
    team = make_team(district)
    user = make_staff(team, role="advisor")
    assert staff_roles(user, district) == {"advisor"}
    assert staff_roles(user, county) == set()
    assert list(staff_organisations(user, roles={"advisor"})) == [district]
    assert not staff_organisations(user, roles={"auditor"}).exists()


def test_an_inactive_team_gives_no_access(district, make_service, make_team, make_staff):
    report(make_service(district))
    team = make_team(district)
    user = make_staff(team)
    team.is_active = False
    team.save()
    assert not for_staff(Case.objects.all(), user).exists()


def test_organisation_create_makes_a_fallback_queue_and_validates(db):
    organisation = organisation_create(
        slug="poole", name="Poole", kind="unitary", reference_prefix="PBC"
    )
    assert organisation.team_set.get().is_fallback
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        organisation_create(slug="bad", name="Bad", kind="unitary", reference_prefix="lower")


def test_audit_record_names_actor_object_and_organisation(
    district, make_service, make_team, make_staff
):
    case = report(make_service(district))
    officer = make_staff(make_team(district))
    entry = audit_record(actor=officer, action="case.view", obj=case)
    assert AuditEntry.objects.get() == entry
    assert (entry.actor, entry.organisation, entry.object_type, entry.object_id) == (
        officer,
        district,
        "cases.case",
        case.reference,
    )


def test_team_slugs_are_unique_within_an_organisation(district, county):
    from django.core.exceptions import ValidationError

    from borough.core.services import team_create

    team_create(organisation=district, slug="waste", name="Waste services")
    team_create(organisation=county, slug="waste", name="Waste disposal")
    with pytest.raises(ValidationError):
        team_create(organisation=district, slug="waste", name="Another")
    assert district.team_set.filter(slug="waste").count() == 1
