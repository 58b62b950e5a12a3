"""Two-tier routing: one street-problem service, one routing path (`case_create` ->
`case_route`), and the case lands with the council responsible for what was reported: a
pothole with the county's highways team, a missed bin with the district's waste team, at the
very same spot (inside both councils' areas)."""

from __future__ import annotations

import pytest

from borough.cases.models import EventKind
from borough.cases.selectors import case_list_for_staff, cases_visible_to_staff
from borough.cases.services import Submission, case_create
from borough.catalogue.services import routing_rule_create
from borough.contacts.models import Contact
from borough.core.models import Team
from borough.places.geo import organisations_at
from borough.places.services import area_create
from tests.conftest import DORCHESTER, square

STREET_FORM = {
    "title": "Report a problem in the street",
    "pages": [
        {
            "id": "problem",
            "questions": [
                {
                    "id": "problem",
                    "type": "radios",
                    "label": "What is the problem?",
                    "name": "the problem",
                    "options": [
                        {"value": "pothole", "label": "A pothole"},
                        {"value": "missed_bin", "label": "A missed bin"},
                        {"value": "other", "label": "Something else"},
                    ],
                }
            ],
        }
    ],
}


@pytest.fixture
def street(county, district, make_team, make_service, make_staff):
    highways = make_team(county, "Highways")
    county_triage = Team.objects.get(organisation=county, is_fallback=True)
    waste = make_team(district, "Waste collections")
    service = make_service(
        county,
        name="Report a problem in the street",
        form=STREET_FORM,
        needs_location=True,
        default_team=county_triage,
    )
    # The district's area within the county: bins there are the district's.
    district_area = area_create(
        kind="organisation",
        name="Casterbridge",
        boundary=square(*DORCHESTER, 0.1),
        organisation=district,
    )
    routing_rule_create(service=service, team=highways, priority=1, answers={"problem": "pothole"})
    routing_rule_create(
        service=service,
        team=waste,
        priority=2,
        area=district_area,
        answers={"problem": "missed_bin"},
    )
    return {
        "service": service,
        "highways": highways,
        "waste": waste,
        "county_officer": make_staff(highways, "caseworker"),
        "district_officer": make_staff(waste, "caseworker"),
        "county_triage": county_triage,
    }


def report(service, problem, lat=DORCHESTER[0], lon=DORCHESTER[1]):
    return case_create(
        submission=Submission(
            service=service,
            channel="web",
            answers={"problem": problem},
            reporter_email="rita@example.com",
            latitude=lat,
            longitude=lon,
        )
    )


def test_a_pothole_goes_to_the_county_and_a_missed_bin_to_the_district_at_the_same_spot(
    county, district, street
):
    # The spot is in both councils' areas: only what was reported decides.
    assert {o.pk for o in organisations_at(*DORCHESTER)} == {county.pk, district.pk}
    pothole = report(street["service"], "pothole")
    missed_bin = report(street["service"], "missed_bin")

    assert (pothole.organisation, pothole.team) == (county, street["highways"])
    assert pothole.reference.startswith("WCC-")
    assert (missed_bin.organisation, missed_bin.team) == (district, street["waste"])
    assert missed_bin.reference.startswith("CDC-")
    # Both by the same routing step, which says why.
    for case, team in ((pothole, street["highways"]), (missed_bin, street["waste"])):
        routed = case.events.get(kind=EventKind.ROUTED)
        assert routed.data["organisation"] == team.organisation.slug
        assert routed.data["team"] == team.slug
        assert routed.data["reason"].startswith("rule ")
        # The contact counts for the council that took the case.
        assert Contact.objects.get(case=case).organisation == team.organisation

    # Each council's staff see their own case and not the other's.
    county_sees = set(cases_visible_to_staff(user=street["county_officer"]))
    district_sees = set(cases_visible_to_staff(user=street["district_officer"]))
    assert pothole in county_sees and missed_bin not in county_sees
    assert missed_bin in district_sees and pothole not in district_sees
    assert list(case_list_for_staff(user=street["district_officer"], queue="team")) == [missed_bin]


def test_a_missed_bin_outside_the_district_stays_with_the_county(county, district, street):
    # Inside the county, outside the district's area: the bin rule does not match.
    lat = DORCHESTER[0] + 0.3
    assert [o.pk for o in organisations_at(lat, DORCHESTER[1])] == [county.pk]
    case = report(street["service"], "missed_bin", lat=lat)
    assert (case.organisation, case.team) == (county, street["county_triage"])
    assert case.events.get(kind=EventKind.ROUTED).data["reason"] == "service team"
    # And anything else at the shared spot goes to the service's own team.
    other = report(street["service"], "other")
    assert (other.organisation, other.team) == (county, street["county_triage"])
