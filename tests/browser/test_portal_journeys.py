"""A resident reports fly-tipping in a real browser, with JavaScript on and off.

They find the service by searching for "dumped", answer each page (using the non-JavaScript
way to give a location: a postcode, then the nearest address), check their answers, send the
report and see its reference. Every page visited, including one with errors, passes axe-core.
"""

# The pages use GOV.UK typography: curly quotes, apostrophes and en dashes.
# ruff: noqa: RUF001

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from borough.cases.models import Case
from tests.browser.conftest import assert_accessible
from tests.portal.conftest import png_bytes

FLY_TIPPING_FORM: dict[str, Any] = {
    "title": "Report fly-tipping",
    "pages": [
        {
            "id": "waste_types",
            "questions": [
                {
                    "id": "waste_types",
                    "type": "checkboxes",
                    "label": "What has been dumped?",
                    "name": "what has been dumped",
                    "hint": "Select all that apply.",
                    "options": [
                        {"value": "black_bags", "label": "Black bags"},
                        {"value": "household", "label": "Household items or furniture"},
                        {"value": "other", "label": "Something else"},
                    ],
                }
            ],
        },
        {
            "id": "seen_dumping",
            "questions": [
                {
                    "id": "seen_dumping",
                    "type": "yes_no",
                    "label": "Did you see who dumped it?",
                    "errors": {"required": "Select yes if you saw who dumped it"},
                }
            ],
        },
        {
            "id": "offender",
            "when": {"question": "seen_dumping", "equals": True},
            "questions": [
                {
                    "id": "offender",
                    "type": "textarea",
                    "label": "Describe who dumped it",
                    "validation": {"max_length": 600},
                }
            ],
        },
        {
            "id": "photos",
            "questions": [
                {
                    "id": "photos",
                    "type": "file",
                    "label": "Add photos (optional)",
                    "hint": "You can add up to 3 photos.",
                    "required": False,
                    "validation": {"max_files": 3},
                }
            ],
        },
    ],
}

# Screenshots of the pages for a person to look at: BOROUGH_SCREENSHOTS=/some/folder.
SCREENSHOTS = os.environ.get("BOROUGH_SCREENSHOTS", "")


def _shot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        suffix = "js" if getattr(page, "_borough_javascript", True) else "nojs"
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}-{suffix}.png", full_page=True)


def _visit(page: Any, name: str) -> None:
    assert_accessible(page)
    _shot(page, name)


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_a_resident_reports_fly_tipping(
    request, live_server, page_fixture, district, make_service, make_property, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = request.getfixturevalue(page_fixture)
    make_service(
        district,
        code="report-fly-tipping",
        name="Report fly-tipping",
        summary="Tell us about rubbish dumped on a street, verge or public land.",
        description="Report rubbish dumped illegally on public land.",
        group="Street cleaning",
        keywords=["fly-tipping", "dumped", "rubbish"],
        needs_location=True,
        sla_value=5,
        public_cases=True,
        other_ways="Call 01305 251010, Monday to Friday, 9am to 5pm.",
        form=FLY_TIPPING_FORM,
    )
    make_service(district, name="Report a missed bin", group="Bins", keywords=["bin"])
    make_property(paon="1", street_name="High West Street", postcode="DT1 1UZ")
    make_property(paon="3", street_name="High West Street", postcode="DT1 1UZ")

    page.goto(live_server.url + "/")
    _visit(page, "01-home")
    page.get_by_label("Search for a service").fill("dumped")
    page.get_by_role("button", name="Search").click()
    assert page.title().startswith("dumped – Search results")
    _visit(page, "02-search")
    page.get_by_role("link", name="Report fly-tipping").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Report fly-tipping"
    expect(page.get_by_text("We aim to deal with reports within 5 working days")).to_be_visible()
    _visit(page, "03-start")
    page.get_by_role("button", name="Start now").click()

    # Where: without a map, a postcode and then the nearest address.
    assert page.get_by_role("heading", level=1).inner_text() == "Where is the problem?"
    _visit(page, "04-location")
    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error: Where is the problem?")
    expect(page.get_by_role("alert").get_by_text("Enter a postcode or street name")).to_be_visible()
    _visit(page, "05-location-error")
    page.get_by_label("Postcode or street name").fill("dt1 1uz")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("Select the nearest address").select_option(
        label="3 High West Street, Dorchester, DT1 1UZ"
    )
    _visit(page, "06-location-addresses")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "What has been dumped?"
    _visit(page, "07-checkboxes")
    page.get_by_label("Black bags").check()
    page.get_by_label("Household items or furniture").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("radio", name="Yes").check()
    _visit(page, "08-yes-no")
    page.get_by_role("button", name="Continue").click()

    # Shown because they saw who dumped it.
    page.get_by_label("Describe who dumped it").fill("A white van <b>WX12</b>")
    _visit(page, "09-textarea")
    page.get_by_role("button", name="Continue").click()

    # A photo: a real PNG is kept and listed; a text file is refused.
    assert page.get_by_role("heading", level=1).inner_text() == "Add photos (optional)"
    page.get_by_label("Add photos (optional)").set_input_files(
        files=[{"name": "notes.png", "mimeType": "image/png", "buffer": b"not a picture"}]
    )
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("alert").get_by_text("The selected file must be a JPG, PNG or WebP")
    ).to_be_visible()
    _visit(page, "10-file-error")
    page.get_by_label("Add photos (optional)").set_input_files(
        files=[{"name": "bags.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Back").click()
    assert page.get_by_role("term").inner_text() == "bags.png"
    expect(page.get_by_role("button", name="Remove bags.png")).to_be_visible()
    _visit(page, "11-file-added")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your details"
    page.get_by_label("Email address").fill("resident@example.com")
    expect(page.get_by_label("Show my name on the public report")).to_be_visible()
    _visit(page, "12-details")
    page.get_by_role("button", name="Continue").click()

    assert page.title().startswith("Check your answers")
    main = page.locator("main")
    assert "Near 3 High West Street, Dorchester, DT1 1UZ" in main.inner_text()
    assert "A white van <b>WX12</b>" in main.inner_text()  # shown as typed, not as HTML
    assert "bags.png" in main.inner_text()
    _visit(page, "13-check")
    page.get_by_role("button", name="Accept and send").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Report sent"
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"CDC-\d{4}-\d{4}", reference)
    _visit(page, "14-done")

    case = Case.objects.get(reference=reference)
    assert case.answers["waste_types"] == ["black_bags", "household"]
    assert case.answers["seen_dumping"] is True
    assert case.answers["offender"] == "A white van <b>WX12</b>"
    assert len(case.answers["photos"]) == 1
    assert case.reporter_email == "resident@example.com"
    assert case.channel == "web"
    assert case.latitude is not None
    assert case.attachments.get().original_name == "bags.png"
