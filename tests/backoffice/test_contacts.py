"""Logging a contact that needed no case, and today's contacts.

Advisors, caseworkers, team leaders and administrators may log contacts; field officers,
contractors, auditors and residents may not."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from borough.contacts.models import Contact
from borough.contacts.services import contact_log

LONDON = ZoneInfo("Europe/London")

GOOD = {
    "channel": "phone",
    "service": "",
    "outcome": "information_given",
    "avoidable": "yes",
    "resolved": "yes",
    "notes": "  Asked when the brown bin is collected  ",
}


def form_data(world, **overrides):
    data = {"organisation": world.district.pk, **GOOD}
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", ["advisor", "caseworker", "team_leader", "administrator"])
def test_staff_who_take_contacts_log_one(world, make_staff, signed_in, role):
    user = make_staff(world.team, role)
    client = signed_in(user)
    response = client.get("/staff/contacts/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Log a contact</h1>' in html
    # One organisation: nothing to choose, and its services are offered.
    assert f'<input type="hidden" name="organisation" value="{world.district.pk}">' in html
    assert '<select class="govuk-select" id="organisation"' not in html
    assert "Report fly-tipping" in html and "Report a pothole" not in html

    response = client.post(
        "/staff/contacts/new/", form_data(world, service=world.service.pk, avoidable="no")
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/contacts/"
    contact = Contact.objects.get()
    assert (
        contact.organisation,
        contact.channel,
        contact.service,
        contact.staff,
        contact.outcome,
        contact.avoidable,
        contact.resolved_at_first_contact,
        contact.notes,
        contact.case,
        contact.resident,
    ) == (
        world.district,
        "phone",
        world.service,
        user,
        "information_given",
        False,
        True,
        "Asked when the brown bin is collected",
        None,
        None,
    )
    listing = client.get("/staff/contacts/").content.decode()
    assert "Contact logged" in listing
    assert "1 contact</caption>" in listing
    assert "Asked when the brown bin is collected" in listing


def test_an_empty_form_shows_every_error_and_logs_nothing(world, make_staff, signed_in):
    client = signed_in(make_staff(world.team, "advisor"))
    response = client.post("/staff/contacts/new/", {"organisation": world.district.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: Log a contact" in html
    for anchor, message in [
        ("channel", "Select how the resident got in touch"),
        ("outcome", "Select the outcome of the contact"),
        ("avoidable", "Select yes if the contact could have been avoided"),
        ("resolved", "Select yes if the contact was resolved there and then"),
    ]:
        assert f'<a href="#{anchor}">{message}</a>' in html
        assert f'id="{anchor}-error"' in html
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"channel": "web"}, "channel", "Select how the resident got in touch"),
        ({"outcome": "case_created"}, "outcome", "Select the outcome of the contact"),
        ({"avoidable": "maybe"}, "avoidable", "Select yes if the contact could have been avoided"),
        ({"notes": "x" * 2001}, "notes", "Notes must be 2,000 characters or fewer"),
        ({"service": "999999"}, "service", "Select a service from the list"),
    ],
)
def test_bad_input_is_refused_and_kept(world, make_staff, signed_in, overrides, anchor, message):
    client = signed_in(make_staff(world.team, "advisor"))
    response = client.post("/staff/contacts/new/", form_data(world, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#{anchor}">{message}</a>' in html
    assert Contact.objects.count() == 0
    if anchor != "channel":
        assert 'value="phone" checked' in html  # what was chosen is kept


def test_another_councils_service_is_refused(world, make_staff, signed_in):
    client = signed_in(make_staff(world.team, "advisor"))
    response = client.post(
        "/staff/contacts/new/", form_data(world, service=world.county_service.pk)
    )
    assert response.status_code == 400
    assert '<a href="#service">Select a service from the list</a>' in response.content.decode()
    assert Contact.objects.count() == 0


def test_an_advisor_of_two_councils_chooses_which(world, make_staff, signed_in, county):
    from borough.accounts.services import staff_membership_add

    advisor = make_staff(world.team, "advisor")
    staff_membership_add(user=advisor, team=world.county_team, role="advisor")
    client = signed_in(advisor)
    html = client.get("/staff/contacts/new/").content.decode()
    assert '<select class="govuk-select" id="organisation" name="organisation">' in html
    assert '<optgroup label="Wessex County Council">' in html

    response = client.post("/staff/contacts/new/", form_data(world, organisation=""))
    assert response.status_code == 400
    assert (
        '<a href="#organisation">Select the council you took the contact for</a>'
        in response.content.decode()
    )
    # A service of the other council than the one chosen.
    response = client.post(
        "/staff/contacts/new/", form_data(world, service=world.county_service.pk)
    )
    assert response.status_code == 400
    assert (
        '<a href="#service">Select a service of Casterbridge District Council</a>'
        in response.content.decode()
    )
    assert Contact.objects.count() == 0
    response = client.post(
        "/staff/contacts/new/",
        form_data(world, organisation=county.pk, service=world.county_service.pk),
    )
    assert response.status_code == 302
    assert Contact.objects.get().organisation == county


@pytest.mark.parametrize("role", ["field_officer", "contractor", "auditor"])
def test_other_roles_may_not_log_or_list_contacts(world, make_staff, signed_in, role):
    client = signed_in(make_staff(world.team, role))
    assert client.get("/staff/contacts/new/").status_code == 403
    assert client.post("/staff/contacts/new/", form_data(world)).status_code == 403
    assert client.get("/staff/contacts/").status_code == 403
    assert Contact.objects.count() == 0
    assert 'href="/staff/contacts/"' not in client.get("/staff/").content.decode()


def test_residents_and_the_signed_out_may_not_log_contacts(world, make_resident, signed_in):
    client = signed_in(make_resident())
    assert client.get("/staff/contacts/new/").status_code == 403
    assert client.post("/staff/contacts/new/", form_data(world)).status_code == 403
    from django.test import Client

    response = Client().get("/staff/contacts/new/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/sign-in/?next=/staff/contacts/new/"
    assert Contact.objects.count() == 0


def test_the_list_shows_only_todays_contacts_of_the_users_councils(world, make_staff, signed_in):
    advisor = make_staff(world.team, "advisor")
    now = datetime(2026, 3, 10, 14, 30, tzinfo=LONDON)
    contact_log(
        organisation=world.district,
        channel="face_to_face",
        outcome="signposted",
        staff=advisor,
        notes="Sent to Citizens Advice",
        at=now - timedelta(hours=1),
    )
    contact_log(
        organisation=world.district,
        channel="letter",
        outcome="information_given",
        notes="Yesterday's letter",
        at=datetime(2026, 3, 9, 23, 59, tzinfo=LONDON),
    )
    contact_log(
        organisation=world.county,
        channel="phone",
        outcome="information_given",
        notes="A county call",
        at=now,
    )
    client = signed_in(advisor)
    with time_machine.travel(now, tick=False):
        html = client.get("/staff/contacts/").content.decode()
    assert "Every contact logged today, 10 March 2026" in html
    assert "1 contact</caption>" in html
    assert "Sent to Citizens Advice" in html and "1:30pm" in html
    assert "Yesterday&#x27;s letter" not in html
    assert "A county call" not in html
    assert (
        'aria-current="true"><strong class="govuk-service-navigation__active-fallback">Contacts'
        in html
    )


def test_sending_the_same_form_twice_logs_one_contact(world, make_staff, signed_in):
    advisor = make_staff(world.team, "advisor")
    client = signed_in(advisor)
    html = client.get("/staff/contacts/new/").content.decode()
    key = re.search(r'name="key" value="([^"]+)"', html)
    assert key is not None and len(key.group(1)) >= 16
    data = {
        "organisation": world.district.pk,
        "channel": "phone",
        "outcome": "information_given",
        "avoidable": "no",
        "resolved": "yes",
        "notes": "Asked about the tip",
        "key": key.group(1),
    }
    assert client.post("/staff/contacts/new/", data).status_code == 302
    assert client.post("/staff/contacts/new/", data).status_code == 302
    assert Contact.objects.count() == 1
    # A new form has a new key, so the next contact is logged.
    again = client.get("/staff/contacts/new/").content.decode()
    new_key = re.search(r'name="key" value="([^"]+)"', again)
    assert new_key is not None and new_key.group(1) != key.group(1)
    assert client.post("/staff/contacts/new/", {**data, "key": new_key.group(1)}).status_code == 302
    assert Contact.objects.count() == 2
    # The same key from another member of staff is their own contact.
    other = signed_in(make_staff(world.team, "advisor"))
    assert other.post("/staff/contacts/new/", data).status_code == 302
    assert Contact.objects.count() == 3


def test_the_key_is_kept_when_the_form_comes_back_with_errors(world, make_staff, signed_in):
    client = signed_in(make_staff(world.team, "advisor"))
    response = client.post(
        "/staff/contacts/new/", {"organisation": world.district.pk, "key": "abcdefghijklmnop"}
    )
    assert response.status_code == 400
    assert 'name="key" value="abcdefghijklmnop"' in response.content.decode()
