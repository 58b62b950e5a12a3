"""A caseworker works a fly-tipping report in a real browser, with and without JavaScript:
signs in, opens it from the team queue, assigns it to themself, changes its status with a
public update from a response template, and closes it with a photo of the fix. Then the
resident who reported it signs in and sees the update and the fixed status. Every page is
checked with axe, and exactly one email goes out for each public update."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from borough.cases.models import Attachment, Case, EventKind, Status
from borough.cases.services import Submission, case_create, case_request_information
from borough.catalogue.services import case_status_create, response_template_create
from borough.notify.models import Notification, NotificationKind
from tests.backoffice import conftest as backoffice_fixtures
from tests.backoffice.conftest import PASSWORD
from tests.browser.conftest import assert_accessible
from tests.conftest import DORCHESTER

# The back office's builders, shared rather than copied.
world = backoffice_fixtures.world


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def photo_file(folder, name: str = "cleared.png") -> str:
    path = folder / name
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (60, 140, 60)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def banner(page):
    return page.locator(".govuk-notification-banner--success")


def sign_in_staff(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/staff/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_in_resident(page, base_url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base_url + "/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.mark.parametrize("browser_page", ["page", "page_without_js"])
def test_caseworker_works_a_report_and_the_resident_sees_it_fixed(
    request, live_server, browser_page, world, make_staff, make_resident, media
):
    page = request.getfixturevalue(browser_page)
    javascript = browser_page == "page"
    base = live_server.url
    service = world.service
    service.public_cases = True
    service.save()
    crew = case_status_create(
        organisation=world.district,
        service=service,
        name="Crew booked",
        base_status="action_scheduled",
        position=1,
    )
    removed = case_status_create(
        organisation=world.district, service=service, name="Removed", base_status="fixed"
    )
    response_template_create(
        organisation=world.district,
        service=service,
        title="Crew booked",
        body="We have booked a crew to clear the fly-tipping. Your reference is {reference}.",
        case_status=crew,
    )
    response_template_create(
        organisation=world.district,
        service=service,
        title="Removed",
        body="Our crew has cleared the fly-tipping. Thank you for reporting it.",
        case_status=removed,
    )
    officer = make_staff(world.team, "caseworker", email="casey@casterbridge.example")
    alex = make_resident(email="alex@example.com", full_name="Alex Resident")
    mail.outbox.clear()
    case = case_create(
        submission=Submission(
            service=service,
            channel="web",
            answers={"kind": "large", "details": "A sofa and bin bags"},
            resident=alex,
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
        )
    )
    update_text = (
        f"We have booked a crew to clear the fly-tipping. Your reference is {case.reference}."
    )
    fixed_text = "Our crew has cleared the fly-tipping. Thank you for reporting it."

    # Sign in, and open the report from the team queue.
    sign_in_staff(page, base, officer.email)
    expect(page.get_by_role("heading", name="Your teams' cases")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=case.reference).click()
    assert page.url == f"{base}/staff/cases/{case.reference}/"
    expect(page.get_by_role("heading", name="Location")).to_be_visible()
    expect(page.get_by_text("See this place on the public map of reports")).to_be_visible()
    if javascript:
        # The map, drawn by Leaflet, with no tiles from anywhere.
        page.wait_for_selector("#case-map .leaflet-marker-icon", state="attached")
        expect(page.locator(".borough-map")).to_be_visible()
    else:
        expect(page.locator(".borough-map")).to_be_hidden()
    assert_accessible(page)

    page.get_by_role("button", name="Assign to me").click()
    expect(banner(page)).to_contain_text("Case assigned to you")
    assert_accessible(page)

    # Change status: choosing "Crew booked" picks its template.
    page.locator("#status-status").select_option(label="Crew booked")
    message = page.locator("#status-message")
    if javascript:
        expect(page.locator("button[name='status-use_template']")).to_be_hidden()
        expect(message).to_have_value(update_text)
    else:
        page.locator("button[name='status-use_template']").click()
        expect(message).to_have_value(update_text)
        assert_accessible(page)
    expect(page.locator("#status-template option:checked")).to_have_text("Crew booked")
    page.get_by_role("button", name="Change status").click()
    expect(banner(page)).to_contain_text("Status changed to Crew booked")
    expect(page.locator("h1 + p .govuk-tag")).to_have_text("Crew booked")
    expect(page.locator(".borough-timeline").get_by_text(update_text)).to_be_visible()
    assert_accessible(page)

    # Close, trying first without saying what was done.
    page.locator("#close-status").select_option(label="Removed")
    resolution = page.locator("#close-resolution")
    if javascript:
        expect(resolution).to_have_value(fixed_text)
        resolution.fill("")
    page.get_by_role("button", name="Close case").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role("link", name="Enter what was done")
    ).to_be_visible()
    assert_accessible(page)
    page.locator("#close-status").select_option(label="Removed")
    if javascript:
        page.locator("#close-template").select_option(label="Removed")
    else:
        page.locator("button[name='close-use_template']").click()
    expect(resolution).to_have_value(fixed_text)
    page.locator("#close-photo").set_input_files(photo_file(media))
    page.get_by_role("button", name="Close case").click()
    expect(banner(page)).to_contain_text("Case closed, with the photo of the fix")
    expect(page.locator("h1 + p .govuk-tag")).to_have_text("Removed")
    assert_accessible(page)

    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.named_status, case.assignee) == (Status.FIXED, removed, officer)
    assert list(case.events.filter(actor=officer).order_by("id").values_list("kind", "body")) == [
        (EventKind.ASSIGNED, ""),
        (EventKind.STATUS_CHANGED, update_text),
        (EventKind.CLOSED, fixed_text),
        (EventKind.ATTACHMENT_ADDED, ""),
    ]
    photo = Attachment.objects.get(case=case)
    assert photo.public and photo.event.kind == EventKind.CLOSED

    # The public report shows the photo of the fix.
    page.goto(f"{base}/reports/{case.reference}/")
    expect(page.get_by_role("img", name="Photo 1 of the problem")).to_be_visible()

    # The resident sees the update and the fixed status on their request page.
    sign_in_resident(page, base, alex.email)
    assert page.url == base + "/account/"
    page.get_by_role("link", name=case.reference).click()
    assert page.url == f"{base}/account/requests/{case.reference}/"
    main = page.locator("main")
    expect(main.locator(".govuk-summary-list .govuk-tag").first).to_have_text("Removed")
    expect(main.get_by_text("Status changed to ‘Crew booked’")).to_be_visible()  # noqa: RUF001
    expect(main.get_by_text(update_text)).to_be_visible()
    expect(main.get_by_text("Closed: Removed")).to_be_visible()
    expect(main.get_by_text(fixed_text)).to_be_visible()
    assert "We need more information" not in main.inner_text()
    assert_accessible(page)

    # One email for each public update, and one acknowledgement; none for the assignment or
    # the photo.
    kinds = list(
        Notification.objects.filter(case=case).order_by("id").values_list("kind", "status")
    )
    assert kinds == [
        (NotificationKind.ACKNOWLEDGEMENT, "sent"),
        (NotificationKind.CASE_UPDATE, "sent"),
        (NotificationKind.CASE_CLOSED, "sent"),
    ]
    assert [message.to for message in mail.outbox] == [[alex.email]] * 3
    assert update_text in mail.outbox[1].body and "Status: Crew booked" in mail.outbox[1].body
    assert fixed_text in mail.outbox[2].body and "Status: Removed" in mail.outbox[2].body


@pytest.mark.parametrize("browser_page", ["page", "page_without_js"])
def test_resident_replies_to_the_councils_question(
    request, live_server, browser_page, world, make_staff, make_resident, media
):
    page = request.getfixturevalue(browser_page)
    base = live_server.url
    officer = make_staff(world.team)
    alex = make_resident(email="alex@example.com")
    case = case_create(
        submission=Submission(
            service=world.service,
            channel="web",
            answers={"kind": "small"},
            resident=alex,
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
        )
    )
    case_request_information(
        case=case, actor=officer, question="Is it blocking the pavement?", expected_version=None
    )

    sign_in_resident(page, base, alex.email)
    page.goto(f"{base}/account/requests/{case.reference}/")
    expect(page.get_by_role("heading", name="We need more information")).to_be_visible()
    expect(
        page.locator(".govuk-inset-text").get_by_text("Is it blocking the pavement?")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Send reply").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter your reply")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_label("Your reply").fill("Yes, people walk in the road.")
    page.get_by_label("Add a photo (optional)").set_input_files(photo_file(media, "road.png"))
    page.get_by_role("button", name="Send reply").click()
    expect(banner(page)).to_contain_text("Your reply has been sent")
    expect(page.get_by_text("Yes, people walk in the road.")).to_be_visible()
    assert_accessible(page)

    case.refresh_from_db()
    assert case.status == Status.OPEN
    reply = case.events.get(kind=EventKind.RESIDENT_REPLIED)
    assert reply.actor == alex
    assert Attachment.objects.get(case=case).event == reply
