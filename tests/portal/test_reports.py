"""Street reports in public: reports near a place, one report's page, photos and following,
and the JSON the map draws from. Only public cases of services with public cases are ever
shown, and nothing personal."""

# The pages use GOV.UK typography: curly quotes and apostrophes.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from borough.cases.models import Case, CaseFollower, Status
from borough.cases.selectors import public_cases_near
from borough.cases.services import (
    Submission,
    attachment_add,
    case_close,
    case_create,
    case_note_add,
    case_public_update,
)
from borough.contacts.models import Contact
from tests.conftest import DORCHESTER
from tests.portal.conftest import png_bytes

# Degrees of latitude in one metre, near enough at Dorchester.
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
def fly_tipping(district, make_service):
    return make_service(
        district,
        code="report-fly-tipping",
        name="Report fly-tipping",
        needs_location=True,
        public_cases=True,
    )


@pytest.fixture
def make_case():
    def make(service: Any, metres: float = 0, *, days_ago: float = 0, **kw: Any) -> Case:
        lat, lon = north(metres)
        fields: dict[str, Any] = {
            "answers": {"kind": "small"},
            "reporter_email": "reporter@example.com",
            "reporter_name": "Pat Reporter",
            "reporter_phone": "01305 111222",
            "latitude": lat,
            "longitude": lon,
            "submitted_at": timezone.now() - timedelta(days=days_ago),
        }
        fields.update(kw)
        return case_create(submission=Submission(service=service, channel="web", **fields))

    return make


@pytest.fixture
def high_west_street(make_property):
    return [
        make_property(paon=str(n), street_name="High West Street", postcode="DT1 1UZ")
        for n in (1, 3)
    ]


def references_in(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/reports/([A-Z]+-\d{4}-\d{4})/">', html)


# -- The public selector ----------------------------------------------------------------------


def test_public_cases_near_filters_by_distance_service_openness_and_publicity(
    potholes, fly_tipping, make_case, district, make_service, make_staff, make_team
):
    here = make_case(potholes, 0, days_ago=2)
    near = make_case(potholes, 40, days_ago=1)
    make_case(potholes, 60)  # too far for 50 metres
    make_case(fly_tipping, 10)  # another service
    private = make_case(potholes, 5)
    Case.objects.filter(pk=private.pk).update(is_public=False)
    hidden_service = make_service(district, needs_location=True, public_cases=False)
    make_case(hidden_service, 5)
    closed = make_case(potholes, 20)
    staff = make_staff(make_team(closed.organisation))
    case_close(case=closed, actor=staff, resolution="Filled")

    found = public_cases_near(
        service=potholes, latitude=DORCHESTER[0], longitude=DORCHESTER[1], metres=50
    )
    assert [item.case for item in found] == [here, near]
    assert found[0].metres == pytest.approx(0, abs=0.01)
    assert found[1].metres == pytest.approx(40, abs=0.5)

    with_closed = public_cases_near(
        service=potholes,
        latitude=DORCHESTER[0],
        longitude=DORCHESTER[1],
        metres=50,
        open_only=False,
        newest_first=True,
    )
    assert [item.case for item in with_closed] == [closed, near, here]

    every_service = public_cases_near(
        service=None, latitude=DORCHESTER[0], longitude=DORCHESTER[1], metres=50
    )
    assert {item.case.service for item in every_service} == {potholes, fly_tipping}
    assert private not in [item.case for item in every_service]


# -- Reports near you --------------------------------------------------------------------------


def test_reports_near_a_postcode_lists_public_reports_within_1_km_newest_first(
    client, potholes, fly_tipping, make_case, high_west_street, district, make_service
):
    older = make_case(potholes, 0, days_ago=3)
    newer = make_case(fly_tipping, 500, days_ago=1)
    make_case(potholes, 1500)  # more than 1 km away
    private = make_case(potholes, 10)
    Case.objects.filter(pk=private.pk).update(is_public=False)
    hidden_service = make_service(district, needs_location=True, public_cases=False)
    hidden = make_case(hidden_service, 10)

    response = client.get("/reports/", {"q": "dt1 1uz"})
    assert response.status_code == 200
    html = squash(response)
    assert "<title>Reports near DT1 1UZ – Borough</title>" in html
    assert "Reports within 1 kilometre of DT1 1UZ" in html
    assert references_in(html) == [newer.reference, older.reference]
    assert private.reference not in html and hidden.reference not in html
    assert '<strong class="govuk-tag govuk-tag--blue">Open</strong>' in html
    assert "Less than 10 metres away" in html
    assert "500 metres away" in html
    # Nothing personal: the reporter did not choose to show their name.
    for personal in ("reporter@example.com", "Pat Reporter", "01305 111222"):
        assert personal not in html


def test_reports_show_the_reporters_name_only_when_they_chose(
    client, potholes, make_case, high_west_street
):
    make_case(potholes, 0, reporter_name="Sam Shown", show_name_publicly=True)
    make_case(potholes, 5, reporter_name="Kim Hidden")
    html = squash(client.get("/reports/", {"q": "DT1 1UZ"}))
    assert "by Sam Shown" in html
    assert "Kim Hidden" not in html


def test_reports_near_a_street_name_and_near_a_point(client, potholes, make_case, high_west_street):
    case = make_case(potholes, 0)
    assert references_in(squash(client.get("/reports/", {"q": "high west"}))) == [case.reference]
    lat, lon = north(300)
    html = squash(client.get("/reports/", {"latitude": str(lat), "longitude": str(lon)}))
    assert "Reports within 1 kilometre of the place you chose on the map" in html
    assert references_in(html) == [case.reference]
    assert "300 metres away" in html


def test_reports_say_what_is_wrong_with_the_search(client, potholes, high_west_street):
    html = squash(client.get("/reports/", {"q": ""}))
    assert "<title>Error: Reports near you – Borough</title>" in html
    assert '<li><a href="#q">Enter a postcode or street name</a></li>' in html
    html = squash(client.get("/reports/", {"q": "DT9 9ZZ"}))
    assert "We could not find that postcode or street" in html
    html = squash(client.get("/reports/"))
    assert "There is a problem" not in html and "Reports within" not in html


def test_no_reports_near_a_place_says_so(client, potholes, high_west_street):
    html = squash(client.get("/reports/", {"q": "DT1 1UZ"}))
    assert "There are no reports within 1 kilometre of DT1 1UZ." in html


def test_the_reports_page_has_a_map_only_for_javascript_and_no_tile_server(
    client, potholes, high_west_street, settings
):
    html = squash(client.get("/reports/", {"q": "DT1 1UZ"}))
    assert '<div class="borough-map" data-borough-map="reports" hidden' in html
    assert 'src="/static/build/leaflet/leaflet.js"' in html
    assert "data-tile-url" not in html
    assert "tile.openstreetmap" not in html and "{z}" not in html
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Our tiles <b>"
    html = squash(client.get("/reports/", {"q": "DT1 1UZ"}))
    assert 'data-tile-url="/tiles/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="© Our tiles &lt;b&gt;"' in html


def test_pages_without_a_map_do_not_load_leaflet(client, potholes):
    assert "leaflet" not in client.get("/").content.decode()
    assert "leaflet" not in client.get(f"/service/{potholes.code}/").content.decode()


# -- One report ---------------------------------------------------------------------------------


def test_a_report_page_shows_the_public_details_and_timeline_only(
    client, potholes, make_case, high_west_street, make_staff, make_team
):
    case = make_case(potholes, 0, answers={"kind": "small", "details": "Near my house"})
    staff = make_staff(make_team(case.organisation), email="officer@example.org")
    case_note_add(case=case, actor=staff, body="Secret internal note")
    case_public_update(case=case, actor=staff, body="A crew is booked for Tuesday.")

    response = client.get(f"/reports/{case.reference}/")
    assert response.status_code == 200
    html = squash(response)
    assert f"<title>Report a pothole – Report {case.reference} – Borough</title>" in html
    assert '<strong class="govuk-tag govuk-tag--blue">Open</strong>' in html
    assert "Near 1 High West Street, Dorchester" in html
    assert "Wessex County Council" in html
    assert "A crew is booked for Tuesday." in html
    assert "Reported" in html
    assert "Secret internal note" not in html
    for personal in (
        "reporter@example.com",
        "Pat Reporter",
        "01305 111222",
        "officer@example.org",
        "Sam Officer",
        "Near my house",
    ):
        assert personal not in html
    assert 'data-borough-map="report"' in html


def test_a_report_page_shows_the_status_in_public_words(
    client, potholes, make_case, make_staff, make_team
):
    case = make_case(potholes, 0)
    staff = make_staff(make_team(case.organisation))
    case_close(case=case, actor=staff, resolution="Filled in")
    html = squash(client.get(f"/reports/{case.reference}/"))
    assert '<strong class="govuk-tag govuk-tag--green">Fixed</strong>' in html
    assert "Status changed to Fixed" in html
    assert "Filled in" in html


def test_a_property_based_report_never_shows_the_home(
    client, district, make_service, high_west_street
):
    service = make_service(
        district,
        code="report-missed-bin",
        name="Report a missed bin",
        needs_property=True,
        public_cases=True,
    )
    home = high_west_street[1]
    case = case_create(
        submission=Submission(
            service=service,
            channel="web",
            answers={"kind": "small"},
            reporter_email="a@example.com",
            uprn=home.uprn,
        )
    )
    assert "3 High West Street" in case.title
    html = squash(client.get(f"/reports/{case.reference}/"))
    assert "3 High West Street" not in html
    assert '<h1 class="govuk-heading-l">Report a missed bin</h1>' in html


@pytest.mark.parametrize("how", ["private case", "private service", "unknown", "malformed"])
def test_a_report_that_is_not_public_is_not_found(
    client, potholes, make_case, district, make_service, how
):
    case = make_case(potholes, 0)
    reference = case.reference
    if how == "private case":
        Case.objects.filter(pk=case.pk).update(is_public=False)
    elif how == "private service":
        hidden = make_service(district, needs_location=True, public_cases=False)
        reference = make_case(hidden, 0).reference
    elif how == "unknown":
        reference = "WCC-1234-5678"
        assert not Case.objects.filter(reference=reference).exists()
    else:
        reference = "not-a-reference"
    response = client.get(f"/reports/{reference}/")
    assert response.status_code == 404
    assert client.post(f"/reports/{reference}/", {"email": "a@example.com"}).status_code == 404
    assert not CaseFollower.objects.exists()


def test_a_report_address_in_lower_case_goes_to_its_proper_address(client, potholes, make_case):
    case = make_case(potholes, 0)
    response = client.get(f"/reports/{case.reference.lower()}/")
    assert response.status_code == 301
    assert response["Location"] == f"/reports/{case.reference}/"


# -- Photos ---------------------------------------------------------------------------------------


def test_public_photos_are_shown_and_private_ones_are_not(client, potholes, make_case):
    case = make_case(potholes, 0)
    public = attachment_add(
        case=case,
        content=png_bytes(130, 100),
        filename="hole.png",
        actor=None,
        public=True,
        content_type="image/png",
    )
    private = attachment_add(
        case=case,
        content=png_bytes(140, 100),
        filename="face.png",
        actor=None,
        content_type="image/png",
    )
    html = squash(client.get(f"/reports/{case.reference}/"))
    assert f'href="/reports/{case.reference}/photos/{public.pk}/"' in html
    assert f'src="/reports/{case.reference}/photos/{public.pk}/?size=thumbnail"' in html
    assert f"/photos/{private.pk}/" not in html
    assert "/media/" not in html

    response = client.get(f"/reports/{case.reference}/photos/{public.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes(130, 100)

    assert client.get(f"/reports/{case.reference}/photos/{private.pk}/").status_code == 404


def test_a_public_photo_of_a_private_case_or_another_case_is_not_found(client, potholes, make_case):
    case = make_case(potholes, 0)
    other = make_case(potholes, 5)
    photo = attachment_add(
        case=case,
        content=png_bytes(),
        filename="hole.png",
        actor=None,
        public=True,
        content_type="image/png",
    )
    assert client.get(f"/reports/{other.reference}/photos/{photo.pk}/").status_code == 404
    Case.objects.filter(pk=case.pk).update(is_public=False)
    assert client.get(f"/reports/{case.reference}/photos/{photo.pk}/").status_code == 404


# -- Getting updates ------------------------------------------------------------------------------


def _link(message: Any) -> str:
    match = re.search(r"https?://[^/\s]+(/follow/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_following_a_report_by_email_starts_only_once_the_emailed_link_is_used(
    client, potholes, make_case, mailoutbox, django_capture_on_commit_callbacks
):
    case = make_case(potholes, 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/{case.reference}/", {"email": " Neighbour@Example.com "})
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{case.reference}/#updates"
    # Nobody follows yet: whoever typed the address may not own it.
    assert not CaseFollower.objects.exists()
    (message,) = [m for m in mailoutbox if m.to == ["neighbour@example.com"]]
    assert message.subject == f"Confirm you want updates about report {case.reference}"
    html = squash(client.get(f"/reports/{case.reference}/"))
    assert "Check your email</p>" in html
    assert "We’ll email you when this report is updated</p>" not in html
    # Shown once.
    assert "govuk-notification-banner" not in squash(client.get(f"/reports/{case.reference}/"))

    # Opening the link (as a mail scanner would) follows nothing: it asks.
    link = _link(message)
    page = client.get(link)
    assert page.status_code == 200 and page["X-Robots-Tag"] == "noindex"
    assert "Get updates about this report</h1>" in squash(page)
    assert not CaseFollower.objects.exists()
    # The button does.
    html = squash(client.post(link))
    assert f"You’re now following report {case.reference}</h1>" in html
    follower = CaseFollower.objects.get()
    assert (follower.case, follower.email, follower.user) == (case, "neighbour@example.com", None)
    # Again keeps one follower, and logs no contact.
    client.post(link)
    assert CaseFollower.objects.count() == 1
    assert Contact.objects.filter(case=case).count() == 1  # the one made with the case


def test_a_follow_link_that_is_changed_or_too_old_follows_nothing(
    client, potholes, make_case, mailoutbox, django_capture_on_commit_callbacks
):
    case = make_case(potholes, 0)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/{case.reference}/", {"email": "neighbour@example.com"})
    link = _link(mailoutbox[-1])
    broken = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    for address in (broken, "/follow/not-a-token/"):
        response = client.post(address)
        assert response.status_code == 404
        assert "This link has expired</h1>" in squash(response)
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        assert client.post(link).status_code == 404
    # A report no longer public cannot be followed by its old link.
    Case.objects.filter(pk=case.pk).update(is_public=False)
    assert client.post(link).status_code == 404
    assert not CaseFollower.objects.exists()


def test_follow_emails_are_limited_per_address_and_per_ip(
    client, potholes, make_case, mailoutbox, django_capture_on_commit_callbacks
):
    from borough.accounts.models import EmailSend

    case = make_case(potholes, 0)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            response = client.post(f"/reports/{case.reference}/", {"email": "victim@example.com"})
            assert response.status_code == 302  # the page says the same either way
    assert len(mailoutbox) == 3
    assert EmailSend.objects.filter(kind="follow", email="victim@example.com").count() == 5
    assert EmailSend.objects.filter(kind="follow", sent=False).count() == 2

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            client.post(
                f"/reports/{case.reference}/",
                {"email": f"person{n}@example.com"},
                REMOTE_ADDR="198.51.100.7",
            )
    # 20 an hour from one IP address, counting the ones before (from 127.0.0.1: others).
    assert len(mailoutbox) == 20
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/reports/{case.reference}/",
            {"email": "one-more@example.com"},
            REMOTE_ADDR="198.51.100.7",
        )
    assert len(mailoutbox) == 20
    assert not CaseFollower.objects.exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not an email", "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_following_needs_a_real_email_address(client, potholes, make_case, email, message):
    case = make_case(potholes, 0)
    response = client.post(f"/reports/{case.reference}/", {"email": email})
    assert response.status_code == 200
    html = squash(response)
    assert f'<li><a href="#email">{message}</a></li>' in html
    assert html.count("govuk-notification-banner") == 0
    assert not CaseFollower.objects.exists()


def test_a_signed_in_resident_has_their_email_address_filled_in(
    client, potholes, make_case, make_resident
):
    case = make_case(potholes, 0)
    resident = make_resident(email="alex@example.com")
    client.force_login(resident)
    html = squash(client.get(f"/reports/{case.reference}/"))
    assert 'id="email" name="email" type="email" value="alex@example.com"' in html
    # Not confirmed yet: like anyone else, they confirm by email first.
    client.post(f"/reports/{case.reference}/", {"email": "alex@example.com"})
    assert not CaseFollower.objects.exists()
    resident.email_verified_at = timezone.now()
    resident.save()
    # Confirmed: their own address follows at once...
    client.post(f"/reports/{case.reference}/", {"email": "alex@example.com"})
    assert CaseFollower.objects.get().user == resident
    assert "We’ll email you when this report is updated</p>" in squash(
        client.get(f"/reports/{case.reference}/")
    )
    # ...but another address still needs its owner to confirm.
    client.post(f"/reports/{case.reference}/", {"email": "someone-else@example.com"})
    assert CaseFollower.objects.count() == 1


def test_the_follow_form_is_protected_against_cross_site_posts(potholes, make_case):
    from django.test import Client

    case = make_case(potholes, 0)
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/reports/{case.reference}/", {"email": "a@example.com"}).status_code == 403
    assert not CaseFollower.objects.exists()


# -- What the map draws ---------------------------------------------------------------------------


def test_map_areas_are_the_councils_and_their_wards(client, county, district):
    from borough.places.services import area_create
    from tests.conftest import square

    area_create(
        kind="ward",
        name="Dorchester East",
        boundary=square(*DORCHESTER, 0.01),
        organisation=district,
    )
    response = client.get("/map/areas.json")
    assert response.status_code == 200
    features = response.json()["features"]
    assert [(f["properties"]["kind"], f["properties"]["name"]) for f in features] == [
        ("council", "Casterbridge District Council"),
        ("council", "Wessex County Council"),
        ("ward", "Dorchester East"),
    ]
    assert features[0]["geometry"]["type"] == "Polygon"


def test_map_reports_are_public_reports_near_a_point(
    client, potholes, fly_tipping, make_case, make_staff, make_team
):
    pothole = make_case(potholes, 0)
    tipping = make_case(fly_tipping, 20)
    private = make_case(potholes, 10)
    Case.objects.filter(pk=private.pk).update(is_public=False)
    closed = make_case(potholes, 30)
    case_close(case=closed, actor=make_staff(make_team(closed.organisation)), resolution="Done")

    point = {"latitude": str(DORCHESTER[0]), "longitude": str(DORCHESTER[1])}
    data = client.get("/map/reports.json", point).json()
    assert {f["properties"]["reference"] for f in data["features"]} == {
        pothole.reference,
        tipping.reference,
        closed.reference,
    }
    feature = next(f for f in data["features"] if f["properties"]["reference"] == pothole.reference)
    assert feature["geometry"] == {
        "type": "Point",
        "coordinates": [pothole.longitude, pothole.latitude],
    }
    assert set(feature["properties"]) == {"reference", "title", "status", "open", "reported", "url"}
    assert "reporter" not in response_text(client, point)

    data = client.get("/map/reports.json", {**point, "service": potholes.code, "open": "1"}).json()
    assert [f["properties"]["reference"] for f in data["features"]] == [pothole.reference]

    assert client.get("/map/reports.json", {"latitude": "x", "longitude": "1"}).status_code == 400
    assert client.get("/map/reports.json", {"latitude": "0", "longitude": "0"}).status_code == 400
    assert Case.objects.get(pk=closed.pk).status == Status.FIXED


def response_text(client: Any, params: dict[str, str]) -> str:
    return client.get("/map/reports.json", params).content.decode()


def test_a_duplicate_links_to_the_report_it_duplicates(
    client, potholes, make_case, make_staff, make_team
):
    from borough.cases.services import case_mark_duplicate

    original = make_case(potholes, 0)
    duplicate = make_case(potholes, 5)
    staff = make_staff(make_team(original.organisation))
    case_mark_duplicate(case=duplicate, original=original, actor=staff)
    html = squash(client.get(f"/reports/{duplicate.reference}/"))
    assert '<strong class="govuk-tag govuk-tag--grey">Duplicate</strong>' in html
    assert (
        f'the same problem as <a class="govuk-link" href="/reports/{original.reference}/">'
        f"report {original.reference}</a>"
    ) in html
    # The original's page does not show the internal note about the duplicate.
    assert duplicate.reference not in squash(client.get(f"/reports/{original.reference}/"))
