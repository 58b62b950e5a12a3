"""The resident's pages: postcode, then address, then the bin days and the calendar feed."""

from __future__ import annotations

import re

import time_machine

from borough.waste.models import PropertyService
from borough.waste.services import collection_event_record
from tests.waste.conftest import london


def test_the_lookup_asks_for_a_postcode(client, waste):
    page = client.get("/bins/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<h1 class="govuk-heading-l">Check your bin collection days</h1>' in text
    assert "There is a problem" not in text


def test_bad_postcodes_get_a_clear_message(client, waste):
    empty = client.get("/bins/", {"postcode": ""}).content.decode()
    assert "Enter a postcode" in empty
    assert "<title>Error:" in empty
    malformed = client.get("/bins/", {"postcode": "not a postcode"}).content.decode()
    assert "Enter a full UK postcode, like DT1 1UZ" in malformed
    outside = client.get("/bins/", {"postcode": "SW1A 1AA"}).content.decode()
    assert "We could not find any addresses for that postcode" in outside


def test_postcode_then_address_leads_to_the_bin_days(client, waste, make_property):
    make_property(paon="3", street_name="High West Street", postcode="DT1 1UZ")
    listing = client.get("/bins/", {"postcode": "dt11uz"}).content.decode()
    assert 'value="DT1 1UZ"' in listing
    assert "1 High West Street, Dorchester, DT1 1UZ" in listing
    assert "3 High West Street, Dorchester, DT1 1UZ" in listing
    assert "2 addresses found" in listing
    unchosen = client.get("/bins/", {"postcode": "DT1 1UZ", "uprn": ""}).content.decode()
    assert "Select an address" in unchosen and "There is a problem" in unchosen
    chosen = client.get("/bins/", {"postcode": "DT1 1UZ", "uprn": waste.home.uprn})
    assert chosen.status_code == 302
    assert chosen["Location"] == f"/bins/{waste.home.uprn}/"
    # An address from another postcode is not accepted.
    other = client.get("/bins/", {"postcode": "DT1 1UZ", "uprn": waste.friday_home.uprn})
    assert other.status_code == 200
    assert "Select an address" in other.content.decode()


def test_the_bin_days_page(client, waste):
    collection_event_record(
        round_=waste.rounds["monday-refuse"],
        stream=waste.streams["refuse"],
        day=london(2026, 3, 2).date(),
        outcome="not_presented",
        source="field",
        prop=waste.home,
    )
    with time_machine.travel(london(2026, 3, 4, 9, 0), tick=False):
        page = client.get(f"/bins/{waste.home.uprn}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Your bin days" in text
    assert waste.home.address in text
    sections = re.split(r'<h2 class="govuk-heading-m">', text)[1:]
    rubbish = next(s for s in sections if s.startswith("Rubbish"))
    assert "Monday 16 March 2026" in rubbish
    assert "Every 2 weeks" in rubbish
    assert "Monday 2 March 2026" in rubbish
    assert "Bin not put out" in rubbish
    assert "1 × Rubbish bin" in rubbish  # noqa: RUF001
    recycling = next(s for s in sections if s.startswith("Recycling"))
    assert "Monday 9 March 2026" in recycling
    food = next(s for s in sections if s.startswith("Food waste"))
    assert "Every week" in food
    assert f'href="/bins/{waste.home.uprn}/missed/"' in text
    assert f'href="/bins/{waste.home.uprn}/container/"' in text
    assert f'href="/bins/{waste.home.uprn}/calendar.ics"' in text


def test_the_public_page_does_not_say_who_has_assisted_collections(client, waste):
    assert PropertyService.objects.filter(property=waste.home).update(assisted=True) == 3
    text = client.get(f"/bins/{waste.home.uprn}/").content.decode()
    assert "assisted collections:" not in text.lower()
    # The link to apply is there either way, so its absence gives nothing away.
    assert f'href="/bins/{waste.home.uprn}/assisted/"' in text


def test_a_bank_holiday_is_explained(client, waste):
    with time_machine.travel(london(2026, 3, 31, 9, 0), tick=False):
        page = client.get(f"/bins/{waste.friday_home.uprn}/")
    text = page.content.decode()
    assert "Saturday 4 April 2026" in text
    assert "This is a different day because of a bank holiday" in text


def test_an_address_without_collections_and_an_unknown_address(client, waste, make_property):
    shop = make_property(paon="20", postcode="DT1 1UZ")
    page = client.get(f"/bins/{shop.uprn}/")
    assert page.status_code == 200
    assert "There are no bin collections for this address" in page.content.decode()
    assert client.get("/bins/999999999999/").status_code == 404
    assert client.get("/bins/not-a-uprn/").status_code == 404
    assert client.get(f"/bins/{shop.uprn}/calendar.ics").status_code == 404


def test_the_calendar_feed(client, waste):
    with time_machine.travel(london(2026, 3, 4, 9, 0), tick=False):
        response = client.get(f"/bins/{waste.home.uprn}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:{waste.home.uprn}-refuse-20260316@borough\r\n" in body
    assert "DTSTART;VALUE=DATE:20260309\r\n" in body  # recycling
    # A year: 26 rubbish, 26 recycling and 52 food collections (give or take one).
    assert 103 <= body.count("BEGIN:VEVENT") <= 106
    uids = re.findall(r"^UID:(.*)\r$", body, flags=re.M)
    assert len(uids) == len(set(uids))
