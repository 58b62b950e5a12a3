"""The case page with a council's named statuses: the status and close forms offer them (or
the base statuses when there are none), the case records the name, the timelines show it,
closing takes a photo of the fix, and the map and place in words."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from PIL import Image

from borough.backoffice.location import grid_reference
from borough.cases.models import Attachment, Case, EventKind, Status
from borough.catalogue.services import case_status_create
from borough.notify.models import Notification
from tests.backoffice.test_case_page import banner, last_event_id, new_events, page, post


def photo_png(width: int = 200, height: int = 150) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def options(html: str, name: str) -> list[tuple[str, str]]:
    """(value, text) of each option of the select called `name`."""
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def named(world):
    """The fly-tipping service's own statuses, and one every district service uses."""
    district, service = world.district, world.service
    return {
        "crew": case_status_create(
            organisation=district,
            service=service,
            name="Crew booked",
            base_status="action_scheduled",
            position=1,
        ),
        "checking": case_status_create(
            organisation=district,
            service=service,
            name="Checking for evidence",
            base_status="investigating",
            position=2,
        ),
        "removed": case_status_create(
            organisation=district, service=service, name="Removed", base_status="fixed", position=3
        ),
        "not_found": case_status_create(
            organisation=district,
            service=service,
            name="Not found",
            base_status="no_further_action",
            position=4,
        ),
        "general": case_status_create(
            organisation=district, name="Booked in", base_status="action_scheduled"
        ),
    }


@pytest.fixture
def public_world(world):
    world.service.public_cases = True
    world.service.save()
    return world


# -- The forms offer the service's statuses --------------------------------------------------


def test_the_forms_offer_the_services_named_statuses(
    world, named, make_case, make_staff, signed_in
):
    html = page(signed_in(make_staff(world.team)), make_case(world.service))
    crew, checking = str(named["crew"].pk), str(named["checking"].pk)
    removed, not_found = str(named["removed"].pk), str(named["not_found"].pk)
    assert options(html, "status-status") == [
        ("", "Select a status"),
        (crew, "Crew booked"),
        (checking, "Checking for evidence"),
    ]
    assert options(html, "close-status") == [
        ("", "Select a status"),
        (removed, "Removed"),
        (not_found, "Not found"),
    ]
    # "Removed" stands for fixed, so the close form starts on it.
    assert f'<option value="{removed}" selected>Removed</option>' in html


def test_without_named_statuses_the_forms_offer_the_base_statuses(
    world, make_case, make_staff, signed_in
):
    html = page(signed_in(make_staff(world.team)), make_case(world.other_team_service))
    assert [value for value, _ in options(html, "status-status")] == [
        "",
        "open",
        "for_triage",
        "investigating",
        "in_progress",
        "action_scheduled",
    ]
    assert ("fixed", "Fixed") in options(html, "close-status")
    assert ("duplicate", "Duplicate") not in options(html, "close-status")
    assert "Response template" not in html  # none configured
    assert "backoffice/case.js" not in html


# -- Changing status --------------------------------------------------------------------------


def test_change_to_a_named_status_with_a_public_update(
    world, named, make_case, make_staff, signed_in, django_capture_on_commit_callbacks
):
    officer = make_staff(world.team)
    client = signed_in(officer)
    case = make_case(world.service)
    since = last_event_id(case)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            case,
            "status",
            {
                "status-status": named["crew"].pk,
                "status-message": "A crew will clear it on Friday.",
                "status-version": case.version,
            },
        )
    assert response.status_code == 302
    assert banner(client, case) == "Status changed to Crew booked"
    case.refresh_from_db()
    assert (case.status, case.named_status) == (Status.ACTION_SCHEDULED, named["crew"])
    [event] = new_events(case, since)
    assert (event.kind, event.public, event.body) == (
        EventKind.STATUS_CHANGED,
        True,
        "A crew will clear it on Friday.",
    )
    assert event.data["status_label"] == "Crew booked"
    # One email, to the reporter, in the council's words.
    [email] = mail.outbox
    assert email.to == ["rita@example.com"]
    assert "Status: Crew booked" in email.body
    assert Notification.objects.filter(event=event).count() == 1

    html = page(client, case)
    assert '<strong class="govuk-tag govuk-tag--turquoise">Crew booked</strong>' in html
    assert "Counts as: Action scheduled" in html
    assert "Status changed from Open to Crew booked" in html
    # The form starts on the status the case is in.
    assert f'<option value="{named["crew"].pk}" selected>Crew booked</option>' in html


def test_moving_between_two_names_for_the_same_base_status(
    world, named, make_case, make_staff, signed_in
):
    client = signed_in(make_staff(world.team))
    case = make_case(world.service)
    # Booked in (the council's) is not offered: the service has its own list.
    response = post(
        client,
        case,
        "status",
        {"status-status": named["general"].pk, "status-version": case.version},
    )
    assert response.status_code == 400
    assert "Select a status" in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.named_status, case.version) == (Status.OPEN, None, 1)

    on_the_way = case_status_create(
        organisation=world.district,
        service=world.service,
        name="Crew on the way",
        base_status="action_scheduled",
    )
    post(client, case, "status", {"status-status": named["crew"].pk, "status-version": 1})
    response = post(
        client, case, "status", {"status-status": named["crew"].pk, "status-version": 2}
    )
    assert response.status_code == 400
    assert "Select a different status, or add an update" in response.content.decode()
    response = post(client, case, "status", {"status-status": on_the_way.pk, "status-version": 2})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.named_status) == (Status.ACTION_SCHEDULED, on_the_way)
    assert case.events.order_by("-id").first().data == {
        "previous": "action_scheduled",
        "status": "action_scheduled",
        "status_label": "Crew on the way",
        "previous_label": "Crew booked",
    }


def test_the_public_report_and_the_staff_timeline_show_the_name(
    public_world, named, make_case, make_staff, signed_in, client
):
    officer = make_staff(public_world.team)
    case = make_case(public_world.service)
    post(
        signed_in(officer),
        case,
        "status",
        {
            "status-status": named["crew"].pk,
            "status-message": "Booked",
            "status-version": case.version,
        },
    )
    public = client.get(f"/reports/{case.reference}/").content.decode()
    assert "Status changed to Crew booked" in public


# -- Closing with a photo of the fix ----------------------------------------------------------


def test_close_with_a_named_status_and_a_photo_of_the_fix(
    public_world,
    named,
    make_case,
    make_staff,
    signed_in,
    media,
    client,
    django_capture_on_commit_callbacks,
):
    officer = make_staff(public_world.team)
    staff = signed_in(officer)
    case = make_case(public_world.service)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/staff/cases/{case.reference}/close/",
            {
                "close-status": named["removed"].pk,
                "close-resolution": "Cleared by the crew.",
                "close-photo": upload("after.png", photo_png()),
                "close-version": case.version,
            },
        )
    assert response.status_code == 302
    assert banner(staff, case) == "Case closed, with the photo of the fix"
    case.refresh_from_db()
    assert (case.status, case.named_status, case.is_open) == (Status.FIXED, named["removed"], False)
    closed = case.events.get(kind=EventKind.CLOSED)
    assert (closed.body, closed.data["status_label"]) == ("Cleared by the crew.", "Removed")
    photo = Attachment.objects.get(case=case)
    assert (photo.public, photo.uploaded_by, photo.event, photo.content_type) == (
        True,
        officer,
        closed,
        "image/png",
    )
    # One email (the close), none for the photo.
    assert [m.to for m in mail.outbox] == [["rita@example.com"]]
    assert "Status: Removed" in mail.outbox[0].body

    report = client.get(f"/reports/{case.reference}/").content.decode()
    assert f"/reports/{case.reference}/photos/{photo.pk}/" in report
    assert "Status changed to Removed" in report
    assert client.get(f"/reports/{case.reference}/photos/{photo.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (("notes.png", b"this is text, not a photo"), "The selected file must be a JPG or PNG"),
        (("tiny.png", None), "at least 100 pixels"),
    ],
)
def test_a_refused_photo_leaves_the_case_open(
    world, named, make_case, make_staff, signed_in, media, file, message
):
    client = signed_in(make_staff(world.team))
    case = make_case(world.service)
    since = last_event_id(case)
    name, content = file
    response = client.post(
        f"/staff/cases/{case.reference}/close/",
        {
            "close-status": named["removed"].pk,
            "close-resolution": "Cleared by the crew.",
            "close-photo": upload(name, content if content is not None else photo_png(20, 20)),
            "close-version": case.version,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#close-photo"' in html
    assert message in html
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.OPEN, 1)
    assert new_events(case, since) == []
    assert not Attachment.objects.filter(case=case).exists()
    assert not Notification.objects.filter(case=case, kind="case_closed").exists()


def test_close_without_a_photo_and_with_a_base_status(
    world, make_case, make_staff, signed_in, media
):
    case = make_case(world.other_team_service)
    officer = make_staff(world.other_team)
    client = signed_in(officer)
    response = post(
        client,
        case,
        "close",
        {"close-status": "fixed", "close-resolution": "Done", "close-version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.named_status) == (Status.FIXED, None)
    assert not Attachment.objects.filter(case=case).exists()


# -- Who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["status", "close"])
def test_others_may_not_change_status_or_close(
    world, named, make_case, make_staff, make_resident, signed_in, path
):
    case = make_case(world.service)
    data = {
        "status": {"status-status": named["crew"].pk, "status-version": 1},
        "close": {
            "close-status": named["removed"].pk,
            "close-resolution": "Done",
            "close-version": 1,
        },
    }[path]
    # Another council's caseworker: no such case. An advisor: may not. A resident: not staff.
    assert post(signed_in(world.county_officer), case, path, data).status_code == 404
    advisor = make_staff(world.team, "advisor")
    assert post(signed_in(advisor), case, path, data).status_code == 403
    # A contractor of another team: the case was not sent to them.
    contractor = make_staff(world.other_team, "contractor")
    assert post(signed_in(contractor), case, path, data).status_code == 404
    assert post(signed_in(make_resident()), case, path, data).status_code == 403
    case.refresh_from_db()
    assert (case.status, case.named_status, case.version) == (Status.OPEN, None, 1)
    # A caseworker of another team of the same council may (staff see their whole council's).
    other_team = make_staff(world.other_team)
    assert post(signed_in(other_team), case, path, data).status_code == 302


# -- The map and the place in words -------------------------------------------------------------


def test_the_case_page_shows_the_map_and_the_place_in_words(
    world, make_case, make_staff, make_property, signed_in, settings
):
    settings.MAP_TILE_URL = ""
    make_property(paon="12", street_name="Icen Way", lat=50.71505, lon=-2.43705)
    case = make_case(world.service)
    html = page(signed_in(make_staff(world.team)), case)
    assert 'data-borough-map="report"' in html
    assert 'data-pin="50.715000,-2.437000"' in html
    assert 'aria-label="Map showing where the case is"' in html
    assert "data-tile-url" not in html  # no tiles from anywhere unless configured
    assert "build/leaflet/leaflet.js" in html and "portal/map.js" in html
    # Without JavaScript (or a map), the place in words.
    assert "50.715000, -2.437000" in html
    assert re.search(r"Grid reference</dt><dd[^>]*>SY \d{5} \d{5}<br>", html)
    assert "12 Icen Way, Dorchester (less than 10 metres away)" in html
    assert 'href="/reports/?latitude=50.715000&amp;longitude=-2.437000#results"' in html


def test_the_map_draws_tiles_only_from_the_configured_server(
    world, make_case, make_staff, signed_in, settings
):
    settings.MAP_TILE_URL = "https://tiles.casterbridge.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "Casterbridge tiles"
    html = page(signed_in(make_staff(world.team)), make_case(world.service))
    assert 'data-tile-url="https://tiles.casterbridge.example/{z}/{x}/{y}.png"' in html


def test_a_case_with_no_place_has_no_map(world, make_case, make_staff, signed_in, district):
    service = world.other_team_service
    case = make_case(service, latitude=None, longitude=None)
    html = page(signed_in(make_staff(world.other_team)), case)
    assert "No location was given." in html
    assert "data-borough-map" not in html
    assert "portal/map.js" not in html


def test_grid_references():
    # The Ordnance Survey's own example, and the corners of two 100 km squares.
    assert grid_reference(651409, 313177) == "TG 51409 13177"
    assert grid_reference(369000, 90500) == "SY 69000 90500"
    assert grid_reference(0, 0) == "SV 00000 00000"
    assert grid_reference(-1, 0) == ""
    assert grid_reference(700_001, 0) == ""


def test_the_case_is_still_listed_under_its_base_status(world, named, make_case, make_staff):
    from borough.cases.selectors import CaseFilters, case_list_for_staff

    officer = make_staff(world.team)
    case = make_case(world.service)
    from borough.cases.services import case_status_change

    case_status_change(case=case, named_status=named["crew"], actor=officer)
    found = case_list_for_staff(
        user=officer, queue="all", filters=CaseFilters(status=Status.ACTION_SCHEDULED)
    )
    assert list(found) == [Case.objects.get(pk=case.pk)]
    assert Case.objects.get(pk=case.pk).open311_status == "open"
