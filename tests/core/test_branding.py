"""Per-organisation branding: validation, which organisation brands a page, and the layout."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone
from PIL import Image

from borough.cases.models import Case
from borough.cases.services import Submission, case_create
from borough.core.branding import (
    colour_contrast_validate,
    contrast_with_white,
    organisation_branding_update,
)
from borough.core.models import AuditEntry, Organisation
from tests.conftest import DORCHESTER


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#123456").save(buffer, format=image_format)
    return buffer.getvalue()


def body_style(html: str) -> str:
    match = re.search(r'<body class="govuk-template__body" style="([^"]*)"', html)
    assert match, "the layout sets the brand on <body>"
    return match.group(1)


def header_name(html: str) -> str:
    match = re.search(r'class="govuk-generic-header__homepage-link">(.*?)</a>', html, re.S)
    assert match
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


# -- Contrast and validation ---------------------------------------------------------------


def test_contrast_with_white_follows_wcag() -> None:
    assert contrast_with_white("#ffffff") == pytest.approx(1.0)
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#1d70b8") == pytest.approx(5.17, abs=0.01)
    # The lightest grey that passes AA, and the next one up that does not.
    assert contrast_with_white("#767676") >= 4.5
    assert contrast_with_white("#777777") < 4.5


@pytest.mark.parametrize("colour", ["#1d70b8", "#00594f", "#0B0C0C", "#767676"])
def test_dark_enough_colours_are_accepted(colour: str) -> None:
    colour_contrast_validate(colour)


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("#ffdd00", "Choose a darker colour: #ffdd00 has a contrast of 1.35:1 with white"),
        ("#777777", "Choose a darker colour: #777777 has a contrast of 4.48:1 with white"),
        ("red", "Enter a colour like #1d70b8"),
        ("#12345", "Enter a colour like #1d70b8"),
        ("#1d70b8;background:url(x)", "Enter a colour like #1d70b8"),
    ],
)
def test_unreadable_or_malformed_colours_are_refused(colour: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        colour_contrast_validate(colour)
    assert message in " ".join(refused.value.messages)


def test_an_invalid_colour_is_refused_and_changes_nothing(county: Organisation) -> None:
    with pytest.raises(ValidationError) as refused:
        organisation_branding_update(
            actor=None, organisation=county, brand_colour="#ffdd00", display_name="Changed"
        )
    assert "brand_colour" in refused.value.message_dict
    county.refresh_from_db()
    assert county.brand_colour == "#1d70b8"
    assert county.display_name == ""
    assert not AuditEntry.objects.filter(action="organisation.branding_update").exists()


def test_a_good_branding_change_is_saved_and_audited(county: Organisation) -> None:
    updated = organisation_branding_update(
        actor=None,
        organisation=county,
        brand_colour="#00594f",
        link_colour="#4c2c92",
        display_name="Wessex",
        accessibility_url="/accessibility",
    )
    county.refresh_from_db()
    assert (county.brand_colour, county.link_colour, county.display_name) == (
        "#00594f",
        "#4c2c92",
        "Wessex",
    )
    assert updated.accessibility_url == "/accessibility"
    entry = AuditEntry.objects.get(action="organisation.branding_update")
    assert entry.organisation == county
    assert entry.detail == {
        "fields": ["accessibility_url", "brand_colour", "display_name", "link_colour"]
    }


def test_the_admin_form_refuses_a_low_contrast_colour_with_a_clear_message(
    county: Organisation, admin_user: Any
) -> None:
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site._registry[Organisation]
    form_class = model_admin.get_form(request, county)
    data = {
        name: getattr(county, name)
        for name in form_class.base_fields
        if name not in {"logo", "boundary"}
    }
    data.update({"boundary": "null", "brand_colour": "#f0f0f0", "link_colour": "#00ff00"})
    form = form_class(data=data, instance=county)
    assert not form.is_valid()
    assert "Choose a darker colour: #f0f0f0" in form.errors["brand_colour"][0]
    assert "Choose a darker colour: #00ff00" in form.errors["link_colour"][0]
    county.refresh_from_db()
    assert county.brand_colour == "#1d70b8"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("logo.gif", image_bytes("GIF")),
        ("logo.png", image_bytes("GIF")),
    ],
)
def test_only_png_and_jpeg_logos_are_accepted(
    county: Organisation, name: str, content: bytes
) -> None:
    with pytest.raises(ValidationError) as refused:
        organisation_branding_update(
            actor=None, organisation=county, logo=SimpleUploadedFile(name, content)
        )
    assert refused.value.message_dict["logo"] == ["The logo must be a PNG or JPEG"]
    county.refresh_from_db()
    assert not county.logo


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "//evil.example.net/x", "data:text/html,hi", "ftp://x.org/a"]
)
def test_unsafe_footer_links_are_refused(county: Organisation, url: str) -> None:
    with pytest.raises(ValidationError) as refused:
        organisation_branding_update(actor=None, organisation=county, privacy_url=url)
    assert "privacy_url" in refused.value.message_dict
    county.refresh_from_db()
    assert county.privacy_url == ""


# -- Which organisation brands a page ----------------------------------------------------------


def test_the_home_page_shows_the_default_organisations_name_and_colours(
    client: Any, county: Organisation, district: Organisation
) -> None:
    # No setting: the first council created (the county here).
    organisation_branding_update(
        actor=None, organisation=county, brand_colour="#00594f", link_colour="#1d3a6e"
    )
    html = client.get("/").content.decode()
    assert header_name(html) == "Wessex County Council"
    assert body_style(html) == "--borough-brand: #00594f; --borough-link: #1d3a6e"
    assert '<p class="borough-footer__site-name">Wessex County Council</p>' in html


def test_the_default_organisation_setting_chooses_the_brand(
    client: Any, county: Organisation, district: Organisation, settings: Any
) -> None:
    settings.BOROUGH_DEFAULT_ORGANISATION = "casterbridge"
    organisation_branding_update(
        actor=None, organisation=district, display_name="Casterbridge", brand_colour="#4c2c92"
    )
    html = client.get("/").content.decode()
    assert header_name(html) == "Casterbridge"
    assert "--borough-brand: #4c2c92" in body_style(html)
    assert "Wessex County Council" not in html


def test_with_no_organisation_the_site_name_is_shown(client: Any, db: Any, settings: Any) -> None:
    settings.SITE_NAME = "Test Borough"
    html = client.get("/").content.decode()
    assert header_name(html) == "Test Borough"
    assert body_style(html) == "--borough-brand: #1d70b8; --borough-link: #1d70b8"


def test_a_county_service_start_page_shows_the_countys_name_and_colour(
    client: Any, district: Organisation, county: Organisation, make_service: Any, settings: Any
) -> None:
    settings.BOROUGH_DEFAULT_ORGANISATION = "casterbridge"
    organisation_branding_update(actor=None, organisation=county, brand_colour="#00594f")
    service = make_service(county, code="report-pothole", name="Report a pothole")
    html = client.get(f"/service/{service.code}/").content.decode()
    assert header_name(html) == "Wessex County Council"
    assert "--borough-brand: #00594f" in body_style(html)
    # The home page is still the default organisation's.
    assert header_name(client.get("/").content.decode()) == "Casterbridge District Council"


def test_a_public_report_is_branded_by_its_organisation_and_a_private_one_is_not(
    client: Any, district: Organisation, county: Organisation, make_service: Any, settings: Any
) -> None:
    settings.BOROUGH_DEFAULT_ORGANISATION = "casterbridge"
    service = make_service(county, needs_location=True, public_cases=True)
    case = case_create(
        submission=Submission(
            service=service,
            channel="web",
            answers={"kind": "small"},
            reporter_email="reporter@example.com",
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
            submitted_at=timezone.now() - timedelta(hours=1),
        )
    )
    response = client.get(f"/reports/{case.reference}/")
    assert response.status_code == 200
    assert header_name(response.content.decode()) == "Wessex County Council"
    Case.objects.filter(pk=case.pk).update(is_public=False)
    hidden = client.get(f"/reports/{case.reference}/")
    assert hidden.status_code == 404
    # A private case's page gives nothing away, not even whose it is.
    assert b"Wessex" not in hidden.content


def test_staff_pages_are_branded_by_the_staff_members_organisation(
    client: Any, district: Organisation, county: Organisation, make_team: Any, make_staff: Any
) -> None:
    organisation_branding_update(actor=None, organisation=district, brand_colour="#4c2c92")
    officer = make_staff(make_team(district))
    client.force_login(officer)
    html = client.get("/staff/").content.decode()
    assert header_name(html) == "Casterbridge District Council"
    assert "--borough-brand: #4c2c92" in body_style(html)


def test_the_logo_and_footer_links_are_shown(
    client: Any, county: Organisation, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    organisation_branding_update(
        actor=None,
        organisation=county,
        logo=SimpleUploadedFile("crest.png", image_bytes("PNG")),
        contact_url="https://wessex.example.org/contact",
        accessibility_url="/accessibility",
        privacy_url="https://wessex.example.org/privacy",
    )
    html = client.get("/").content.decode()
    assert re.search(
        r'<img src="/media/branding/crest[^"]*\.png" alt="" class="borough-header__logo">', html
    )
    footer = html[html.index("<footer") :]
    links = re.findall(r'<a class="govuk-footer__link" href="([^"]+)">([^<]+)</a>', footer)
    assert links[:3] == [
        ("https://wessex.example.org/contact", "Contact us"),
        ("/accessibility", "Accessibility statement"),
        ("https://wessex.example.org/privacy", "Privacy"),
    ]


def test_a_static_logo_path_is_served_from_static_files(client: Any, county: Organisation) -> None:
    organisation_branding_update(actor=None, organisation=county, logo_url="branding/wessex.png")
    html = client.get("/").content.decode()
    assert '<img src="/static/branding/wessex.png" alt=""' in html


def test_values_stored_around_validation_never_reach_the_page(
    client: Any, county: Organisation
) -> None:
    # A row changed behind the model's validators (a raw update) is not trusted by the layout.
    Organisation.objects.filter(pk=county.pk).update(
        brand_colour='#0"><b>',  # the column holds 7 characters
        link_colour="#ffff00",
        privacy_url="javascript:alert(1)",
        logo_url="javascript:alert(1)",
        display_name="<script>alert(1)</script>",
    )
    html = client.get("/").content.decode()
    assert body_style(html) == "--borough-brand: #1d70b8; --borough-link: #1d70b8"
    assert "javascript:" not in html
    assert '"><b>' not in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
