"""Branding in a real browser: the organisation's colours reach the header and links, and a
branded page (with its logo and footer links) passes axe-core."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from borough.core.branding import organisation_branding_update
from tests.browser.conftest import assert_accessible


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), "#ffffff").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_branded_service_page_uses_the_colours_and_passes_axe(
    live_server: Any, page: Any, county: Any, make_service: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    organisation_branding_update(
        actor=None,
        organisation=county,
        display_name="Wessex",
        brand_colour="#00594f",
        link_colour="#4c2c92",
        logo=SimpleUploadedFile("crest.png", png()),
        accessibility_url="/accessibility",
        privacy_url="https://wessex.example.org/privacy",
    )
    service = make_service(county, name="Report a pothole", summary="Tell us about a pothole")
    page.goto(f"{live_server.url}/service/{service.code}/")
    header = page.locator(".borough-header")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(0, 89, 79)"
    assert page.locator(".govuk-generic-header__homepage-link").inner_text().strip() == "Wessex"
    footer = page.locator("footer")
    expect(footer.get_by_role("link", name="Accessibility statement")).to_be_visible()
    expect(footer.get_by_role("link", name="Privacy")).to_be_visible()
    assert_accessible(page)

    # The county is the only council, so it brands the home page too: its links take the colour.
    page.goto(live_server.url + "/")
    link = page.get_by_role("link", name="See problems reported near you")
    assert link.evaluate("el => getComputedStyle(el).color") == "rgb(76, 44, 146)"
    assert_accessible(page)


def test_the_default_brand_without_javascript_passes_axe(
    live_server: Any, page_without_js: Any, district: Any
) -> None:
    page_without_js.goto(live_server.url + "/")
    name = page_without_js.locator(".govuk-generic-header__homepage-link").inner_text()
    assert name.strip() == "Casterbridge District Council"
    assert_accessible(page_without_js)
