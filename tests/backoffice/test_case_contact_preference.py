"""The staff case page says how the resident asked to be contacted, next to their details."""

from __future__ import annotations

import re

from borough.accounts.services import resident_profile_update


def contact_row(client, case) -> str:
    html = client.get(f"/staff/cases/{case.reference}/").content.decode()
    match = re.search(
        r'<div class="govuk-summary-list__row" id="contact-preference">(.*?)</div>', html
    )
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else ""


def test_a_resident_who_chose_the_phone_is_shown_so_with_their_number(
    world, make_case, make_staff, make_resident, signed_in
):
    officer = make_staff(world.team)
    resident = make_resident(email="morag@example.com", full_name="Morag Hill")
    resident_profile_update(user=resident, phone="07700 900982", contact_preference="phone")
    case = make_case(world.service, resident=resident, reporter_email="morag@example.com")
    row = contact_row(signed_in(officer), case)
    assert row == (
        "Contact by Phone: 07700900982 They asked to be contacted by phone, so updates are"
        " not emailed to them. Contact them that way."
    )


def test_a_resident_who_chose_email_has_no_warning(
    world, make_case, make_staff, make_resident, signed_in
):
    officer = make_staff(world.team)
    resident = make_resident(email="morag@example.com")
    resident_profile_update(user=resident, contact_preference="email")
    case = make_case(world.service, resident=resident)
    assert contact_row(signed_in(officer), case) == "Contact by Email"


def test_an_anonymous_reporter_has_no_preference_row(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    assert contact_row(signed_in(officer), case) == ""
