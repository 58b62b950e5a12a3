"""Builders for the resident pages: a form with every question type, images, and a runner."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from borough.catalogue.models import Service

# Every question type, with a condition (the "other" page is shown only for "other") and one
# page with two questions under a title.
EVERY_TYPE_FORM: dict[str, Any] = {
    "title": "Report a street problem",
    "pages": [
        {
            "id": "kind",
            "questions": [
                {
                    "id": "kind",
                    "type": "radios",
                    "label": "What is the problem?",
                    "name": "the problem",
                    "options": [
                        {"value": "pothole", "label": "A pothole"},
                        {"value": "sign", "label": "A broken sign", "hint": "Road signs only"},
                        {"value": "other", "label": "Something else"},
                    ],
                }
            ],
        },
        {
            "id": "other",
            "when": {"question": "kind", "equals": "other"},
            "questions": [
                {
                    "id": "other_details",
                    "type": "textarea",
                    "label": "Describe the problem",
                    "name": "a description of the problem",
                    "validation": {"max_length": 200},
                }
            ],
        },
        {
            "id": "hazards",
            "questions": [
                {
                    "id": "hazards",
                    "type": "checkboxes",
                    "label": "Is any of it dangerous?",
                    "name": "the dangers",
                    "hint": "Select all that apply",
                    "required": False,
                    "validation": {"max_selected": 2},
                    "options": [
                        {"value": "glass", "label": "Broken glass"},
                        {"value": "needles", "label": "Needles"},
                        {"value": "chemicals", "label": "Chemicals"},
                    ],
                }
            ],
        },
        {
            "id": "blocking",
            "questions": [
                {
                    "id": "blocking",
                    "type": "yes_no",
                    "label": "Is it blocking the road?",
                    "errors": {"required": "Select yes if it is blocking the road"},
                }
            ],
        },
        {
            "id": "seen",
            "questions": [
                {
                    "id": "seen_on",
                    "type": "date",
                    "label": "When did you see it?",
                    "name": "the date you saw it",
                    "hint": "For example, 27 3 2026",
                    "validation": {"not_future": True},
                }
            ],
        },
        {
            "id": "count",
            "questions": [
                {
                    "id": "count",
                    "type": "number",
                    "label": "How many are there?",
                    "name": "the number of problems",
                    "validation": {"integer": True, "min": 1, "max": 10},
                }
            ],
        },
        {
            "id": "cost",
            "questions": [
                {
                    "id": "cost",
                    "type": "money",
                    "label": "How much damage did it cause?",
                    "name": "the damage",
                    "required": False,
                    "validation": {"max_pence": 100000},
                }
            ],
        },
        {
            "id": "size",
            "questions": [
                {
                    "id": "size",
                    "type": "select",
                    "label": "How big is it?",
                    "name": "the size",
                    "options": [
                        {"value": "small", "label": "Smaller than a football"},
                        {"value": "large", "label": "Larger than a football"},
                    ],
                }
            ],
        },
        {
            "id": "contact",
            "title": "Who else saw it?",
            "questions": [
                {
                    "id": "witness_email",
                    "type": "email",
                    "label": "Their email address",
                    "required": False,
                },
                {
                    "id": "witness_phone",
                    "type": "phone",
                    "label": "Their telephone number",
                    "required": False,
                },
            ],
        },
        {
            "id": "summary",
            "questions": [
                {
                    "id": "summary",
                    "type": "text",
                    "label": "Give it a short title",
                    "name": "a title",
                    "validation": {"max_length": 40},
                }
            ],
        },
        {
            "id": "home",
            "questions": [
                {
                    "id": "home",
                    "type": "address",
                    "label": "What is your address?",
                    "name": "your address",
                    "required": False,
                }
            ],
        },
        {
            "id": "spot",
            "questions": [
                {
                    "id": "spot",
                    "type": "location",
                    "label": "Where exactly is it?",
                    "name": "where it is",
                    "required": False,
                }
            ],
        },
        {
            "id": "photos",
            "questions": [
                {
                    "id": "photos",
                    "type": "file",
                    "label": "Add photos",
                    "required": False,
                    "validation": {"max_files": 2, "max_size_mb": 1},
                }
            ],
        },
    ],
}

# Answers that get through every page of EVERY_TYPE_FORM (the optional ones left empty).
GOOD_ANSWERS: dict[str, dict[str, Any]] = {
    "kind": {"kind": "pothole"},
    "hazards": {"hazards": ["glass"]},
    "blocking": {"blocking": "yes"},
    "seen": {"seen_on-day": "5", "seen_on-month": "3", "seen_on-year": "2025"},
    "count": {"count": "2"},
    "cost": {"cost": ""},
    "size": {"size": "small"},
    "contact": {"witness_email": "", "witness_phone": ""},
    "summary": {"summary": "Hole by the bus stop"},
    "home": {"home-mode": "lookup", "home-postcode": ""},
    "spot": {"spot-search": ""},
    "photos": {},
}


def png_bytes(width: int = 120, height: int = 100) -> bytes:
    """A real PNG (white pixels), made with Pillow: storing it cleans it (cases.images) to the
    same bytes. Photos must be at least 100 pixels wide and high."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    # Uploads and attachments go to a fresh folder for each test.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def every_type_service(district: Any, make_service: Callable[..., Service]) -> Service:
    return make_service(
        district,
        code="report-street-problem",
        name="Report a street problem",
        summary="Potholes, signs and more",
        form=EVERY_TYPE_FORM,
        sla_value=5,
        public_cases=True,
    )


def url(service: Service, slug: str = "") -> str:
    return f"/service/{service.code}/{slug}/" if slug else f"/service/{service.code}/"


def post_page(client: Client, service: Service, slug: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(url(service, slug), data, **kw)


def answer_all(client: Client, service: Service, **overrides: dict[str, Any]) -> None:
    """Answer every page of EVERY_TYPE_FORM and the details page, checking each step moves on.

    The "other" page is answered only when given in `overrides` (with kind "other")."""
    slugs = list(GOOD_ANSWERS)
    if "other" in overrides:
        slugs.insert(1, "other")
    for index, slug in enumerate(slugs):
        response = post_page(client, service, slug, overrides.get(slug, GOOD_ANSWERS.get(slug)))
        assert response.status_code == 302, (slug, _errors(response))
        following = slugs[index + 1] if index + 1 < len(slugs) else "your-details"
        assert response["Location"] == url(service, following), slug
    response = post_page(
        client,
        service,
        "your-details",
        overrides.get("your-details", {"email": "Resident@Example.com", "name": "", "phone": ""}),
    )
    assert response.status_code == 302, _errors(response)
    assert response["Location"] == url(service, "check")


def _errors(response: Any) -> list[str]:
    text = response.content.decode()
    return re.findall(
        r'<p id="[^"]+-error" class="govuk-error-message">\s*(.*?)\s*</p>', text, re.S
    )


def errors_in(response: Any) -> list[str]:
    """The inline error messages on a page, without their visually hidden "Error:" prefix."""
    return [
        re.sub(r"<span class=\"govuk-visually-hidden\">Error:</span>\s*", "", message)
        for message in _errors(response)
    ]


def check_key(client: Client, service: Service) -> str:
    response = client.get(url(service, "check"))
    assert response.status_code == 200, response.get("Location")
    match = re.search(r'name="key" value="([^"]+)"', response.content.decode())
    assert match
    return match.group(1)
