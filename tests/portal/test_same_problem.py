""" "Is this the same problem?": after the location of a service with public cases, open public
reports of the same service within 50 metres are offered; choosing one follows it (a follower
and a contact, no new case), choosing "No" carries on. And a pin from the map."""

# The pages use GOV.UK typography: curly quotes and apostrophes.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from borough.cases.models import Case, CaseFollower
from borough.cases.services import Submission, attachment_add, case_close, case_create
from borough.contacts.models import Contact
from tests.conftest import DORCHESTER
from tests.portal.conftest import check_key, errors_in, png_bytes, post_page, url

PER_METRE = 1 / 111_195


def north(metres: float) -> tuple[float, float]:
    return DORCHESTER[0] + metres * PER_METRE, DORCHESTER[1]


def squash(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def potholes(county, make_service):
    return make_service(
        county,
        code="report-pothole",
        name="Report a pothole",
        needs_location=True,
        public_cases=True,
    )


@pytest.fixture
def home(make_property):
    # The address the resident chooses as nearest: at DORCHESTER.
    make_property(paon="3", street_name="High West Street", postcode="DT1 1UZ", lat=north(200)[0])
    return make_property(paon="1", street_name="High West Street", postcode="DT1 1UZ")


def existing(service: Any, metres: float = 0, **kw: Any) -> Case:
    lat, lon = north(metres)
    return case_create(
        submission=Submission(
            service=service,
            channel="phone",
            answers={"kind": "large"},
            reporter_email="first@example.com",
            reporter_name="First Reporter",
            latitude=lat,
            longitude=lon,
            **kw,
        )
    )


def give_location(client: Any, service: Any, home: Any) -> Any:
    return post_page(
        client, service, "find-location", {"location-search": "DT1 1UZ", "location-uprn": home.uprn}
    )


def test_an_open_report_nearby_is_offered(client, potholes, home):
    case = existing(potholes, 30)
    photo = attachment_add(
        case=case,
        content=png_bytes(),
        filename="hole.png",
        actor=None,
        public=True,
        content_type="image/png",
    )
    response = give_location(client, potholes, home)
    assert response["Location"] == url(potholes, "same-problem")

    response = client.get(url(potholes, "same-problem"))
    assert response.status_code == 200
    html = squash(response)
    assert '<h1 class="govuk-fieldset__heading">Is this the same problem?</h1>' in html
    assert (
        f'<input class="govuk-radios__input" id="same" name="same" type="radio" '
        f'value="{case.reference}" aria-describedby="same-1-report">'
    ) in html
    assert (
        f'Yes, this is the same problem<span class="govuk-visually-hidden"> as report '
        f"{case.reference}</span>"
    ) in html
    assert "No, this is a different problem" in html
    assert "30 metres away" in html
    assert '<strong class="govuk-tag govuk-tag--blue">Open</strong>' in html
    assert f'src="/reports/{case.reference}/photos/{photo.pk}/?size=thumbnail"' in html
    assert "first@example.com" not in html and "First Reporter" not in html
    assert 'href="/service/report-pothole/find-location/"' in html  # back


def _not_offered(client: Any, service: Any, home: Any) -> None:
    response = give_location(client, service, home)
    assert response["Location"] == url(service, "kind")
    response = client.get(url(service, "same-problem"))
    assert response["Location"] == url(service, "kind")


def test_a_report_more_than_50_metres_away_is_not_offered(client, potholes, home):
    existing(potholes, 60)
    _not_offered(client, potholes, home)


def test_a_report_of_another_service_is_not_offered(client, potholes, home, county, make_service):
    other = make_service(county, needs_location=True, public_cases=True)
    existing(other, 0)
    _not_offered(client, potholes, home)


def test_a_closed_report_is_not_offered(client, potholes, home, make_staff, make_team):
    case = existing(potholes, 0)
    case_close(case=case, actor=make_staff(make_team(case.organisation)), resolution="Filled")
    _not_offered(client, potholes, home)


def test_a_private_report_is_not_offered(client, potholes, home):
    case = existing(potholes, 0)
    Case.objects.filter(pk=case.pk).update(is_public=False)
    _not_offered(client, potholes, home)


def test_a_service_without_public_cases_offers_nothing(client, county, make_service, home):
    private = make_service(county, needs_location=True, public_cases=False)
    existing(private, 0)
    _not_offered(client, private, home)


def test_no_carries_on_with_a_new_report(client, potholes, home):
    case = existing(potholes, 0)
    give_location(client, potholes, home)
    response = post_page(client, potholes, "same-problem", {})
    assert errors_in(response) == ["Select if this is the same problem or a different one"]
    assert '<li><a href="#same">' in squash(response)

    response = post_page(client, potholes, "same-problem", {"same": "no"})
    assert response["Location"] == url(potholes, "kind")
    html = squash(client.get(url(potholes, "kind")))
    assert 'href="/service/report-pothole/same-problem/"' in html  # back
    post_page(client, potholes, "kind", {"kind": "small"})
    post_page(client, potholes, "details", {"details": ""})
    response = post_page(client, potholes, "your-details", {"email": "second@example.com"})
    assert response["Location"] == url(potholes, "check")
    client.post(url(potholes, "check"), {"key": check_key(client, potholes)})
    assert Case.objects.count() == 2
    assert Case.objects.exclude(pk=case.pk).get().reporter_email == "second@example.com"
    assert not CaseFollower.objects.exists()


def test_a_new_location_asks_again(client, potholes, home, make_property):
    existing(potholes, 0)
    give_location(client, potholes, home)
    post_page(client, potholes, "same-problem", {"same": "no"})
    other = make_property(paon="2", street_name="High West Street", postcode="DT1 1UZ")
    response = post_page(
        client,
        potholes,
        "find-location",
        {"location-search": "DT1 1UZ", "location-uprn": other.uprn},
    )
    assert response["Location"] == url(potholes, "same-problem")


def test_choosing_a_report_follows_it_and_makes_no_case(
    client, potholes, home, mailoutbox, django_capture_on_commit_callbacks
):
    case = existing(potholes, 20)
    contacts_before = Contact.objects.count()
    give_location(client, potholes, home)
    response = post_page(client, potholes, "same-problem", {"same": case.reference})
    assert response["Location"] == "/service/report-pothole/get-updates/"

    html = squash(client.get("/service/report-pothole/get-updates/"))
    assert f"Get updates about report {case.reference}</h1>" in html
    assert 'id="email" name="email" type="email" value=""' in html

    response = client.post("/service/report-pothole/get-updates/", {"email": "nope"})
    assert errors_in(response) == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert not CaseFollower.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/service/report-pothole/get-updates/",
            {"email": "Second@Example.com", "reference": case.reference},
        )
    assert response["Location"] == f"/service/report-pothole/following/{case.reference}/"
    html = squash(client.get(response["Location"]))
    # Not signed in: the address's owner confirms by email before any updates go to it.
    assert "Check your email</h1>" in html
    assert f"confirm you want updates about report {case.reference}" in html
    assert not CaseFollower.objects.exists()
    (message,) = [m for m in mailoutbox if m.to == ["second@example.com"]]
    link = re.search(r"https?://[^/\s]+(/follow/\S+/)", message.body).group(1)
    html = squash(client.post(link))
    assert f"You’re now following report {case.reference}</h1>" in html

    assert Case.objects.count() == 1
    follower = CaseFollower.objects.get()
    assert (follower.case, follower.email, follower.user) == (case, "second@example.com", None)
    contact = Contact.objects.order_by("-id").first()
    assert Contact.objects.count() == contacts_before + 1
    assert (contact.case, contact.channel, contact.outcome, contact.service) == (
        case,
        "web",
        "case_updated",
        potholes,
    )
    # The journey is over: starting again starts from the beginning.
    assert (
        "portal.journeys" not in client.session
        or potholes.code not in client.session["portal.journeys"]
    )

    # A double click lands on the same confirmation, with no second contact.
    response = client.post(
        "/service/report-pothole/get-updates/",
        {"email": "second@example.com", "reference": case.reference},
    )
    assert response["Location"] == f"/service/report-pothole/following/{case.reference}/"
    assert Contact.objects.count() == contacts_before + 1
    assert CaseFollower.objects.count() == 1


def test_a_signed_in_resident_has_their_email_address_filled_in(
    client, potholes, home, make_resident
):
    case = existing(potholes, 0)
    resident = make_resident(email="alex@example.com")
    resident.email_verified_at = timezone.now()
    resident.save()
    client.force_login(resident)
    give_location(client, potholes, home)
    post_page(client, potholes, "same-problem", {"same": case.reference})
    html = squash(client.get("/service/report-pothole/get-updates/"))
    assert 'id="email" name="email" type="email" value="alex@example.com"' in html
    response = client.post("/service/report-pothole/get-updates/", {"email": "alex@example.com"})
    # Their own confirmed address: following starts at once.
    follower = CaseFollower.objects.get()
    assert (follower.email, follower.user) == ("alex@example.com", resident)
    assert "You’re now following report" in squash(client.get(response["Location"]))
    assert Contact.objects.filter(outcome="case_updated").get().resident == resident


def test_get_updates_needs_a_report_chosen_first(client, potholes, home):
    existing(potholes, 0)
    response = client.get("/service/report-pothole/get-updates/")
    assert response["Location"] == url(potholes, "find-location")
    give_location(client, potholes, home)
    response = client.get("/service/report-pothole/get-updates/")
    assert response["Location"] == url(potholes, "same-problem")
    post_page(client, potholes, "same-problem", {"same": "no"})
    response = client.post("/service/report-pothole/get-updates/", {"email": "a@example.com"})
    assert response["Location"] == url(potholes, "kind")
    assert not CaseFollower.objects.exists()


def test_a_report_not_offered_cannot_be_chosen(client, potholes, home):
    existing(potholes, 0)
    far = existing(potholes, 500)
    give_location(client, potholes, home)
    response = post_page(client, potholes, "same-problem", {"same": far.reference})
    assert response.status_code == 200
    assert errors_in(response) == ["Select if this is the same problem or a different one"]


def test_the_following_page_is_only_for_the_browser_that_followed(client, potholes):
    case = existing(potholes, 0)
    response = client.get(f"/service/report-pothole/following/{case.reference}/")
    assert response.status_code == 404


# -- A pin from the map -----------------------------------------------------------------------------


def test_a_pin_from_the_map_gives_the_point_and_is_described_by_the_nearest_address(
    client, district, make_service, home
):
    service = make_service(district, needs_location=True)
    lat, lon = north(20)
    response = post_page(
        client,
        service,
        "find-location",
        {
            "location-search": "",
            "location-latitude": f"{lat:.6f}",
            "location-longitude": f"{lon:.6f}",
        },
    )
    assert response["Location"] == url(service, "kind")
    post_page(client, service, "kind", {"kind": "small"})
    post_page(client, service, "details", {"details": ""})
    post_page(client, service, "your-details", {"email": "a@example.com"})
    assert f"Near {home.address}" in squash(client.get(url(service, "check")))
    client.post(url(service, "check"), {"key": check_key(client, service)})
    case = Case.objects.get()
    assert (case.latitude, case.longitude) == (round(lat, 6), round(lon, 6))
    assert case.property is None


def test_the_location_page_has_a_map_for_javascript(client, district, make_service, home):
    service = make_service(district, needs_location=True)
    html = squash(client.get(url(service, "find-location")))
    assert '<div class="borough-map" data-borough-map="pin" hidden' in html
    assert (
        'data-latitude-input="location-latitude" data-longitude-input="location-longitude"' in html
    )
    assert 'role="region" aria-label="Map: click or tap to place a pin where it is"' in html
    assert 'data-areas-url="/map/areas.json"' in html
    assert 'data-bounds="' in html  # the council's area, before a postcode is given
    assert 'src="/static/portal/map.js"' in html
    # The postcode or street stays for those who cannot use the map.
    assert 'id="location-search" name="location-search"' in html

    response = post_page(
        client, service, "find-location", {"location-search": "DT1 1UZ", "action": "find:location"}
    )
    html = squash(response)
    # The middle of the addresses found.
    assert f'data-centre="{north(100)[0]:.6f},{DORCHESTER[1]:.6f}"' in html
    assert 'data-uprn-input="location-uprn"' in html
