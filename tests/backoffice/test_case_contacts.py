"""The case page shows the resident's contacts beside their other cases."""

from __future__ import annotations

from borough.cases.services import case_assign
from borough.contacts.services import contact_log


def contacts_part(html: str) -> str:
    start = html.index('id="contacts"')
    return html[start : html.index('id="timeline"')]


def test_the_case_page_lists_the_residents_contacts(
    world, make_case, make_staff, make_resident, signed_in
):
    resident = make_resident(full_name="Rita Resident")
    case = make_case(world.service, resident=resident, reporter_email="")
    other_case = make_case(world.other_team_service, resident=resident, reporter_email="")
    advisor = make_staff(world.team, "advisor")
    contact_log(
        organisation=world.district,
        channel="phone",
        outcome="progress_chased",
        resident=resident,
        case=case,
        staff=advisor,
        notes="Rang to chase the fly-tipping",
    )
    contact_log(
        organisation=world.district,
        channel="face_to_face",
        outcome="information_given",
        resident=resident,
        staff=advisor,
        notes="Asked about garden waste",
    )
    # Another council's contact with the same resident, and another resident's: not shown.
    contact_log(
        organisation=world.county,
        channel="phone",
        outcome="information_given",
        resident=resident,
        notes="Asked the county about potholes",
    )
    contact_log(
        organisation=world.district,
        channel="letter",
        outcome="complaint",
        resident=make_resident(),
        notes="Someone else entirely",
    )
    officer = make_staff(world.team, "caseworker")
    html = signed_in(officer).get(f"/staff/cases/{case.reference}/").content.decode()
    part = contacts_part(html)
    assert "Contacts from this resident" in part
    assert "Rang to chase the fly-tipping" in part and "(this case)" in part
    assert "Asked about garden waste" in part and "Face to face" in part
    # The contact that made the other case links to it.
    assert f'href="/staff/cases/{other_case.reference}/"' in part
    assert "Asked the county about potholes" not in part
    assert "Someone else entirely" not in part
    assert part.index("Asked about garden waste") < part.index("Rang to chase")  # newest first

    # A contractor sees this case's contacts, not the resident's others.
    contractor = make_staff(world.team, "contractor")
    case_assign(case=case, assignee=contractor, actor=world.colleague)
    part = contacts_part(
        signed_in(contractor).get(f"/staff/cases/{case.reference}/").content.decode()
    )
    assert "Rang to chase the fly-tipping" in part
    assert "Asked about garden waste" not in part
    assert other_case.reference not in part
