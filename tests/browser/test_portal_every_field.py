"""A form with every question type, in a real browser with JavaScript on and off.

The resident answers each page of EVERY_TYPE_FORM (radios, a textarea shown by a condition,
checkboxes, yes or no, a date, a number, money, a select, an email address and a telephone
number on one page, text, an address found by postcode and then typed in by hand, a location
and photos). Each page is first sent with a mistake, so every question type's error state is
checked by axe-core as well as the page itself; then check your answers, a change, sending and
the confirmation. With JavaScript the location is a pin placed on the map; without it, a
postcode and the nearest address.
"""

# The pages use GOV.UK typography: curly quotes, apostrophes and en dashes.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from borough.cases.models import Case
from tests.browser.conftest import assert_accessible
from tests.portal.conftest import EVERY_TYPE_FORM, png_bytes

SCRIPT = "<script>document.title='owned'</script>"


def _continue(page: Any) -> None:
    page.get_by_role("button", name="Continue").click()


def _heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


def _error_state(page: Any, message: str) -> None:
    """The page came back with the GOV.UK error summary naming the problem, and passes axe."""
    assert page.title().startswith("Error: "), page.title()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page.locator(".govuk-error-message", has_text=message)).to_be_visible()
    assert_accessible(page)


def _tmp_files() -> list[str]:
    folder = Path(django_settings.MEDIA_ROOT) / "tmp"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("page_fixture", ["page", "page_without_js"])
def test_every_question_type_and_its_error_state_passes_axe(
    request, live_server, page_fixture, district, make_service, make_property, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = request.getfixturevalue(page_fixture)
    javascript = bool(getattr(page, "_borough_javascript", True))
    service = make_service(
        district,
        code="report-street-problem",
        name="Report a street problem",
        summary="Potholes, signs and more",
        form=EVERY_TYPE_FORM,
        sla_value=5,
        public_cases=True,
    )
    make_property(paon="1", street_name="High West Street", postcode="DT1 1UZ")
    make_property(paon="3", street_name="High West Street", postcode="DT1 1UZ")

    page.goto(f"{live_server.url}/service/{service.code}/")
    assert _heading(page) == "Report a street problem"
    assert_accessible(page)
    page.get_by_role("button", name="Start now").click()

    # radios
    assert _heading(page) == "What is the problem?"
    assert_accessible(page)
    _continue(page)
    _error_state(page, "Select the problem")
    page.get_by_label("Something else").check()
    _continue(page)

    # textarea, shown only because the answer was "Something else"
    assert _heading(page) == "Describe the problem"
    page.get_by_label("Describe the problem").fill("x" * 201)
    _continue(page)
    _error_state(page, "A description of the problem must be 200 characters or less")
    page.get_by_label("Describe the problem").fill(f"A hole {SCRIPT} by the stop")
    _continue(page)

    # checkboxes
    assert _heading(page) == "Is any of it dangerous?"
    for label in ("Broken glass", "Needles", "Chemicals"):
        page.get_by_label(label).check()
    _continue(page)
    _error_state(page, "Select no more than 2 options for the dangers")
    page.get_by_label("Chemicals").uncheck()
    _continue(page)

    # yes or no
    assert _heading(page) == "Is it blocking the road?"
    _continue(page)
    _error_state(page, "Select yes if it is blocking the road")
    page.get_by_role("radio", name="Yes").check()
    _continue(page)

    # date
    assert _heading(page) == "When did you see it?"
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    _continue(page)
    _error_state(page, "The date you saw it must be a real date")
    page.get_by_label("Day").fill("5")
    page.get_by_label("Month").fill("3")
    _continue(page)

    # number
    assert _heading(page) == "How many are there?"
    page.get_by_label("How many are there?").fill("1.5")
    _continue(page)
    _error_state(page, "The number of problems must be a whole number")
    page.get_by_label("How many are there?").fill("2")
    _continue(page)

    # money
    assert _heading(page) == "How much damage did it cause?"
    page.get_by_label("How much damage did it cause?").fill("12.345")
    _continue(page)
    _error_state(page, "Enter an amount in pounds and pence, like 12.50")
    page.get_by_label("How much damage did it cause?").fill("£12.50")
    _continue(page)

    # select
    assert _heading(page) == "How big is it?"
    _continue(page)
    _error_state(page, "Select the size")
    page.get_by_label("How big is it?").select_option(label="Larger than a football")
    _continue(page)

    # email and phone, two questions under one title
    assert _heading(page) == "Who else saw it?"
    page.get_by_label("Their email address").fill("nope")
    page.get_by_label("Their telephone number").fill("123")
    _continue(page)
    _error_state(page, "Enter an email address in the correct format, like name@example.com")
    expect(
        page.locator(".govuk-error-summary").get_by_role(
            "link",
            name="Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        )
    ).to_be_visible()
    page.get_by_label("Their email address").fill("Witness@Example.com")
    page.get_by_label("Their telephone number").fill("01305 251010")
    _continue(page)

    # text
    assert _heading(page) == "Give it a short title"
    page.get_by_label("Give it a short title").fill("   ")
    _continue(page)
    _error_state(page, "Enter a title")
    page.get_by_label("Give it a short title").fill("Hole by the bus stop")
    _continue(page)

    # address: a postcode that is not one, then the list, then typed in by hand
    assert _heading(page) == "What is your address?"
    page.get_by_label("Postcode").fill("not a postcode")
    page.get_by_role("button", name="Find address").click()
    _error_state(page, "Enter a real postcode")
    page.get_by_label("Postcode").fill("dt1 1uz")
    page.get_by_role("button", name="Find address").click()
    expect(page.get_by_label("Select an address")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="I can’t find the address in the list").click()
    expect(page.get_by_role("link", name="Find the address by postcode instead")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Town or city").fill("Casterbridge")
    _continue(page)
    _error_state(page, "Enter address line 1, typically the building and street")
    page.get_by_label(re.compile("^Address line 1")).fill("10 Acacia Avenue")
    page.get_by_label("Postcode").fill("dt1 2ab")
    _continue(page)

    # location: a street that cannot be found, then a pin (JavaScript) or the nearest address
    assert _heading(page) == "Where exactly is it?"
    search = page.get_by_label("Postcode or street name")
    search.fill("DT9 9ZZ")
    page.get_by_role("button", name="Find address").click()
    _error_state(
        page,
        "We could not find that postcode or street – check it and try again, "
        "or enter a postcode nearby",
    )
    page.get_by_label("Postcode or street name").fill("DT1 1UZ")
    page.get_by_role("button", name="Find address").click()
    if javascript:
        map_region = page.get_by_role("region", name="Map: click or tap to place a pin where it is")
        expect(map_region).to_be_visible()
        map_region.click()
        page.locator(".leaflet-marker-icon").wait_for()
        expect(page.get_by_text("Pin placed on the map")).to_be_visible()
        assert re.fullmatch(r"50\.7\d{5}", page.locator("#spot-latitude").input_value())
    else:
        assert page.locator(".borough-map").is_hidden()
        page.get_by_label("Select the nearest address").select_option(
            label="3 High West Street, Dorchester, DT1 1UZ"
        )
    assert_accessible(page)
    _continue(page)

    # photos: not a photo, too small, too big; each refused and nothing kept; then a photo
    assert _heading(page) == "Add photos"
    photo_input = page.get_by_label("Add photos")
    for name, content, message in (
        ("notes.png", b"not a picture", "The selected file must be a JPG, PNG or WebP"),
        (
            "icon.png",
            png_bytes(50, 50),
            "The selected file must be at least 100 pixels wide and 100 pixels high",
        ),
        (
            "huge.png",
            png_bytes() + b"\0" * (1024 * 1024),
            "The selected file must be smaller than 1MB",
        ),
    ):
        photo_input.set_input_files(
            files=[{"name": name, "mimeType": "image/png", "buffer": content}]
        )
        _continue(page)
        _error_state(page, message)
        assert _tmp_files() == []
    photo_input.set_input_files(
        files=[{"name": "hole.png", "mimeType": "image/png", "buffer": png_bytes(300, 200)}]
    )
    _continue(page)

    # Your details
    assert _heading(page) == "Your details"
    _continue(page)
    _error_state(page, "Enter your email address")
    page.get_by_label("Email address").fill("resident@example.com")
    _continue(page)

    # Check your answers: every answer as typed (the script is text), then a change.
    assert page.title().startswith("Check your answers")
    main = page.locator("main")
    for text in (
        "Something else",
        f"A hole {SCRIPT} by the stop",
        "Broken glass",
        "Needles",
        "5 March 2025",
        "£12.50",
        "Larger than a football",
        "witness@example.com",
        "01305251010",
        "Hole by the bus stop",
        "10 Acacia Avenue, Casterbridge, DT1 2AB",
        "hole.png",
        "resident@example.com",
    ):
        expect(main.get_by_text(text, exact=False).first).to_be_visible()
    # With JavaScript the pin is described by the nearest address (both are at one point).
    near = "Near [13]" if javascript else "Near 3"
    expect(
        main.get_by_text(re.compile(near + " High West Street, Dorchester, DT1 1UZ"))
    ).to_be_visible()
    expect(main.get_by_role("link", name="Change your telephone number")).to_be_visible()
    assert page.title().startswith("Check your answers")  # the script did not run
    assert_accessible(page)
    page.get_by_role("link", name="Change the size").click()
    assert _heading(page) == "How big is it?"
    page.get_by_label("How big is it?").select_option(label="Smaller than a football")
    _continue(page)
    assert page.title().startswith("Check your answers")
    expect(main.get_by_text("Smaller than a football")).to_be_visible()
    page.get_by_role("button", name="Accept and send").click()

    assert _heading(page) == "Report sent"
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert_accessible(page)

    case = Case.objects.get(reference=reference)
    answers = case.answers
    assert answers["kind"] == "other"
    assert answers["other_details"] == f"A hole {SCRIPT} by the stop"
    assert answers["hazards"] == ["glass", "needles"]
    assert answers["blocking"] is True
    assert answers["seen_on"] == "2025-03-05"
    assert answers["count"] == 2
    assert answers["cost"] == 1250
    assert answers["size"] == "small"
    assert answers["witness_email"] == "witness@example.com"
    assert answers["witness_phone"] == "01305251010"
    assert answers["summary"] == "Hole by the bus stop"
    assert answers["home"] == {"uprn": None, "text": "10 Acacia Avenue, Casterbridge, DT1 2AB"}
    assert set(answers["spot"]) == {"latitude", "longitude"}
    assert answers["spot"]["latitude"] == pytest.approx(50.715, abs=0.01)
    assert case.attachments.get().original_name == "hole.png"
    assert _tmp_files() == []  # the temporary copy went to the case
