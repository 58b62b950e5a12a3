"""The form runner: one page at a time, check your answers, sending, confirmation."""

# The pages use GOV.UK typography: curly quotes, apostrophes and en dashes.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from borough.cases.models import Case
from borough.cases.services import CaseInvalid
from borough.catalogue.services import form_publish
from borough.portal.uploads import upload_get
from tests.conftest import DORCHESTER
from tests.portal.conftest import (
    EVERY_TYPE_FORM,
    GOOD_ANSWERS,
    answer_all,
    check_key,
    errors_in,
    png_bytes,
    post_page,
    url,
)


def squash(response: Any) -> str:
    """The page's HTML with runs of white space made one space, for matching markup."""
    return re.sub(r"\s+", " ", response.content.decode())


def reach(client: Client, service: Any, slug: str, **overrides: dict[str, Any]) -> None:
    """Answer every page before `slug` with good answers."""
    for page, data in GOOD_ANSWERS.items():
        if page == slug:
            return
        if page == "other" and overrides.get("kind", {}).get("kind") != "other":
            continue
        response = post_page(client, service, page, overrides.get(page, data))
        assert response.status_code == 302, (page, errors_in(response))


def send(client: Client, service: Any) -> Any:
    return client.post(url(service, "check"), {"key": check_key(client, service)})


# -- The start page -----------------------------------------------------------------------


def test_the_start_page_says_what_it_costs_how_long_it_takes_and_who_provides_it(
    client, district, make_service
):
    service = make_service(
        district,
        code="report-street-problem",
        name="Report a street problem",
        description="Tell us about a problem.\n\nWe fix most within a week.",
        fee_pence=2550,
        sla_value=5,
        other_ways="Call 01305 251010.",
        form=EVERY_TYPE_FORM,
    )
    html = squash(client.get(url(service)))
    assert '<h1 class="govuk-heading-xl">Report a street problem</h1>' in html
    assert '<p class="govuk-body">Tell us about a problem.</p>' in html
    assert '<p class="govuk-body">We fix most within a week.</p>' in html
    assert "It costs £25.50." in html
    assert "We aim to deal with reports within 5 working days." in html
    assert "Casterbridge District Council provides this service." in html
    assert '<h2 class="govuk-heading-m">Other ways to report a street problem</h2>' in html
    assert "Call 01305 251010." in html
    assert (
        '<a href="/service/report-street-problem/kind/" role="button" draggable="false" '
        'class="govuk-button govuk-button--start" data-module="govuk-button"> Start now' in html
    )
    assert "You need an account" not in html


def test_the_start_page_of_a_free_service_in_working_hours(client, county, make_service):
    service = make_service(
        county, kind="request", sla_value=1, sla_unit="working_hours", needs_location=True
    )
    html = squash(client.get(url(service)))
    assert "This service is free." in html
    assert "We aim to deal with requests within 1 working hour." in html
    assert "Wessex County Council provides this service." in html
    # A service that needs a location starts with it.
    assert f'href="/service/{service.code}/find-location/"' in html


def test_an_unknown_or_inactive_service_is_not_found(client, district, make_service):
    service = make_service(district)
    service.is_active = False
    service.save()
    assert client.get(url(service)).status_code == 404
    assert client.get(url(service, "kind")).status_code == 404
    assert client.get("/service/no-such-service/").status_code == 404


def test_a_service_that_needs_an_account_asks_anonymous_residents_to_sign_in(
    client, district, make_service, make_resident
):
    service = make_service(district, identity="account", other_ways="Call us.")
    start = squash(client.get(url(service)))
    assert "You need an account to use this service." in start
    assert f'href="/service/{service.code}/kind/"' in start

    for response in (
        client.get(url(service, "kind")),
        client.post(url(service, "kind"), {"kind": "small"}),
        client.get(url(service, "check")),
    ):
        html = squash(response)
        assert response.status_code == 200
        assert '<h1 class="govuk-heading-l">Sign in to use this service</h1>' in html
        assert "Call us." in html
        assert '<form method="post"' not in html
    assert "portal.journeys" not in client.session

    client.force_login(make_resident())
    html = squash(client.get(url(service, "kind")))
    assert '<h1 class="govuk-fieldset__heading">What is the problem?</h1>' in html


def test_a_service_that_needs_a_verified_identity_says_so(
    client, district, make_service, make_resident
):
    service = make_service(district, identity="verified")
    assert "You’ll also need to prove your identity." in squash(client.get(url(service)))
    client.force_login(make_resident())
    html = squash(client.get(url(service, "kind")))
    assert "Prove your identity to use this service" in html


# -- Each question type ---------------------------------------------------------------------


def test_each_question_type_is_drawn_with_its_govuk_component(client, every_type_service):
    service = every_type_service
    pages: dict[str, str] = {}
    for slug in GOOD_ANSWERS:
        if slug == "other":
            continue
        response = client.get(url(service, slug))
        assert response.status_code == 200, (slug, response.get("Location"))
        pages[slug] = squash(response)
        post_page(client, service, slug, GOOD_ANSWERS[slug])

    kind = pages["kind"]
    assert "<title>What is the problem? – Report a street problem – Borough</title>" in kind
    assert '<a href="/service/report-street-problem/" class="govuk-back-link">Back</a>' in kind
    assert '<span class="govuk-caption-l">Report a street problem</span>' in kind
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--l"> '
        '<h1 class="govuk-fieldset__heading">What is the problem?</h1> </legend>'
    ) in kind
    assert 'id="kind" name="kind" type="radio" value="pothole">' in kind
    assert (
        'id="kind-2" name="kind" type="radio" value="sign" aria-describedby="kind-2-item-hint">'
        in kind
    )
    assert (
        '<div id="kind-2-item-hint" class="govuk-hint govuk-radios__hint">Road signs only</div>'
        in kind
    )
    assert 'name="csrfmiddlewaretoken"' in kind

    hazards = pages["hazards"]
    assert '<fieldset class="govuk-fieldset" aria-describedby="hazards-hint">' in hazards
    assert 'id="hazards-3" name="hazards" type="checkbox" value="chemicals">' in hazards
    assert 'data-module="govuk-checkboxes"' in hazards

    blocking = pages["blocking"]
    assert '<div class="govuk-radios govuk-radios--inline" data-module="govuk-radios">' in blocking
    assert 'id="blocking" name="blocking" type="radio" value="yes">' in blocking
    assert '<label class="govuk-label govuk-radios__label" for="blocking-2">No</label>' in blocking

    seen = pages["seen"]
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="seen_on-hint">' in seen
    assert '<div class="govuk-date-input" id="seen_on">' in seen
    assert (
        '<input class="govuk-input govuk-date-input__input govuk-input--width-4" '
        'id="seen_on-year" name="seen_on-year" type="text" value="" inputmode="numeric">'
    ) in seen

    count = pages["count"]
    assert (
        '<h1 class="govuk-label-wrapper"> <label class="govuk-label govuk-label--l" '
        'for="count">How many are there?</label> </h1>'
    ) in count
    assert 'name="count" type="text" value="" spellcheck="false" inputmode="numeric">' in count

    cost = pages["cost"]
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in cost
    assert 'name="cost" type="text" value="" spellcheck="false" inputmode="decimal">' in cost

    size = pages["size"]
    assert '<select class="govuk-select" id="size" name="size">' in size
    assert '<option value="">Select an option</option>' in size
    assert '<option value="large">Larger than a football</option>' in size

    contact = pages["contact"]
    assert '<h1 class="govuk-heading-l">Who else saw it?</h1>' in contact
    assert (
        '<label class="govuk-label govuk-label--m" for="witness_email">Their email address</label>'
        in contact
    )
    assert (
        'name="witness_email" type="email" value="" spellcheck="false" autocomplete="email">'
        in contact
    )
    assert 'name="witness_phone" type="tel" value="" autocomplete="tel">' in contact

    assert 'id="summary" name="summary" type="text" value="">' in pages["summary"]

    home = pages["home"]
    assert '<h1 class="govuk-fieldset__heading">What is your address?</h1>' in home
    assert (
        'id="home-postcode" name="home-postcode" type="text" value="" autocomplete="postal-code">'
        in home
    )
    assert 'name="action" value="find:home"' in home and "Find address</button>" in home
    assert '<a class="govuk-link" href="/service/report-street-problem/home/?manual=home">' in home

    spot = pages["spot"]
    assert 'id="spot-search" name="spot-search" type="text" value="">' in spot
    assert '<input type="hidden" id="spot-latitude" name="spot-latitude" value="">' in spot
    assert '<input type="hidden" id="spot-longitude" name="spot-longitude" value="">' in spot

    photos = pages["photos"]
    assert '<form method="post" novalidate enctype="multipart/form-data">' in photos
    assert (
        '<input class="govuk-file-upload" id="photos" name="photos" type="file" multiple '
        'accept="image/jpeg,image/png,image/webp">'
    ) in photos

    details = squash(client.get(url(service, "your-details")))
    assert '<h1 class="govuk-heading-l">Your details</h1>' in details
    assert (
        'id="email" name="email" type="email" value="" spellcheck="false" aria-describedby="email-hint" autocomplete="email">'
        in details
    )
    assert 'id="name" name="name" type="text" value="" autocomplete="name">' in details
    assert 'type="checkbox" value="yes">' in details
    assert "Show my name on the public report</label>" in details


def test_a_textarea_has_a_character_count(client, every_type_service):
    service = every_type_service
    post_page(client, service, "kind", {"kind": "other"})
    html = squash(client.get(url(service, "other")))
    assert (
        '<div class="govuk-form-group govuk-character-count" '
        'data-module="govuk-character-count" data-maxlength="200">'
    ) in html
    assert 'aria-describedby="other_details-info"' in html
    assert (
        '<div id="other_details-info" class="govuk-hint govuk-character-count__message">'
        "You can enter up to 200 characters</div>"
    ) in html


def test_the_details_page_leaves_out_the_public_name_for_private_services(
    client, district, make_service
):
    service = make_service(district, public_cases=False)
    post_page(client, service, "kind", {"kind": "small"})
    post_page(client, service, "details", {"details": ""})
    html = squash(client.get(url(service, "your-details")))
    assert "Email address" in html
    assert "Show my name" not in html


# -- Validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "data", "message", "href"),
    [
        ("kind", {}, "Select the problem", "#kind"),
        (
            "hazards",
            {"hazards": ["glass", "needles", "chemicals"]},
            "Select no more than 2 options for the dangers",
            "#hazards",
        ),
        ("blocking", {}, "Select yes if it is blocking the road", "#blocking"),
        (
            "seen",
            {"seen_on-day": "5", "seen_on-month": "", "seen_on-year": "2025"},
            "The date you saw it must include a month",
            "#seen_on-month",
        ),
        (
            "seen",
            {"seen_on-day": "31", "seen_on-month": "2", "seen_on-year": "2025"},
            "The date you saw it must be a real date",
            "#seen_on-day",
        ),
        (
            "seen",
            {"seen_on-day": "1", "seen_on-month": "1", "seen_on-year": "2999"},
            "The date you saw it must be today or in the past",
            "#seen_on-day",
        ),
        (
            "seen",
            {"seen_on-day": "1", "seen_on-month": "1", "seen_on-year": "25"},
            "Year must include 4 numbers",
            "#seen_on-year",
        ),
        ("seen", {}, "Enter the date you saw it", "#seen_on-day"),
        ("count", {"count": "lots"}, "The number of problems must be a number", "#count"),
        ("count", {"count": "1.5"}, "The number of problems must be a whole number", "#count"),
        ("count", {"count": "11"}, "The number of problems must be between 1 and 10", "#count"),
        ("cost", {"cost": "12.345"}, "Enter an amount in pounds and pence, like 12.50", "#cost"),
        ("cost", {"cost": "£2,000"}, "The damage must be £1,000 or less", "#cost"),
        ("size", {"size": ""}, "Select the size", "#size"),
        ("size", {"size": "enormous"}, "Select the size", "#size"),
        (
            "contact",
            {"witness_email": "nope", "witness_phone": ""},
            "Enter an email address in the correct format, like name@example.com",
            "#witness_email",
        ),
        (
            "contact",
            {"witness_email": "", "witness_phone": "123"},
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            "#witness_phone",
        ),
        ("summary", {"summary": "  "}, "Enter a title", "#summary"),
        ("summary", {"summary": "x" * 41}, "A title must be 40 characters or less", "#summary"),
        (
            "home",
            {"home-mode": "lookup", "home-postcode": "not a postcode"},
            "Enter a real postcode",
            "#home-postcode",
        ),
    ],
)
def test_each_error_is_shown_in_the_summary_and_by_its_field(
    client, every_type_service, slug, data, message, href
):
    service = every_type_service
    reach(client, service, slug)
    response = post_page(client, service, slug, data)
    html = squash(response)
    assert response.status_code == 200
    assert re.search(r"<title>Error: [^<]+ – Report a street problem – Borough</title>", html)
    assert '<h2 class="govuk-error-summary__title">There is a problem</h2>' in html
    assert f'<li><a href="{href}">{message}</a></li>' in html
    assert errors_in(response) == [message]
    assert "govuk-form-group--error" in html


def test_a_page_with_two_questions_lists_both_errors_in_order(client, every_type_service):
    service = every_type_service
    reach(client, service, "contact")
    response = post_page(client, service, "contact", {"witness_email": "x", "witness_phone": "x"})
    html = squash(response)
    assert html.index('href="#witness_email"') < html.index('href="#witness_phone"')
    assert len(errors_in(response)) == 2


def test_the_details_page_needs_an_email_address_and_a_name_to_show(client, every_type_service):
    service = every_type_service
    reach(client, service, "your-details")
    for slug, data in GOOD_ANSWERS.items():
        post_page(client, service, slug, data)
    response = post_page(client, service, "your-details", {"email": ""})
    assert errors_in(response) == ["Enter your email address"]
    response = post_page(
        client, service, "your-details", {"email": "a@example.com", "show_name": "yes"}
    )
    assert errors_in(response) == ["Enter your full name to show it on the public report"]
    assert '<li><a href="#name">' in squash(response)


def test_a_textarea_page_shown_by_a_condition_checks_its_answer(client, every_type_service):
    service = every_type_service
    post_page(client, service, "kind", {"kind": "other"})
    response = post_page(client, service, "other", {"other_details": ""})
    assert errors_in(response) == ["Enter a description of the problem"]
    response = post_page(client, service, "other", {"other_details": "y" * 201})
    assert errors_in(response) == ["A description of the problem must be 200 characters or less"]


def test_what_was_typed_is_shown_again_escaped(client, every_type_service):
    service = every_type_service
    reach(client, service, "summary")
    response = post_page(client, service, "summary", {"summary": '"><script>x</script>' + "x" * 30})
    html = response.content.decode()
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;' in html
    assert "<script>x</script>" not in html


# -- Conditions, order and back links -----------------------------------------------------------


def test_conditions_skip_pages_and_back_links_follow_the_answers(client, every_type_service):
    service = every_type_service
    response = post_page(client, service, "kind", {"kind": "pothole"})
    assert response["Location"] == url(service, "hazards")
    html = squash(client.get(url(service, "hazards")))
    assert '<a href="/service/report-street-problem/kind/" class="govuk-back-link">' in html
    # The "other" page is hidden: asking for it goes to the first page still to answer.
    assert client.get(url(service, "other"))["Location"] == url(service, "hazards")

    response = post_page(client, service, "kind", {"kind": "other"})
    assert response["Location"] == url(service, "other")
    response = post_page(client, service, "other", {"other_details": "A fallen tree"})
    assert response["Location"] == url(service, "hazards")
    html = squash(client.get(url(service, "hazards")))
    assert '<a href="/service/report-street-problem/other/" class="govuk-back-link">' in html


def test_pages_are_answered_in_order(client, every_type_service):
    service = every_type_service
    assert client.get(url(service, "count"))["Location"] == url(service, "kind")
    response = post_page(client, service, "count", {"count": "3"})
    assert response["Location"] == url(service, "kind")
    assert client.get(url(service, "check"))["Location"] == url(service, "kind")
    assert client.get(url(service, "no-such-page")).status_code == 404


def test_answers_to_pages_a_change_hides_are_dropped_when_sent(client, every_type_service):
    service = every_type_service
    answer_all(client, service, kind={"kind": "other"}, other={"other_details": "A fallen tree"})
    assert "A fallen tree" in squash(client.get(url(service, "check")))
    # Changing the answer hides the "other" page; its answer stays in the session only.
    response = client.post(url(service, "kind") + "?change=1", {"kind": "pothole"})
    assert response["Location"] == url(service, "check")
    html = squash(client.get(url(service, "check")))
    assert "A fallen tree" not in html
    send(client, service)
    case = Case.objects.get()
    assert case.answers["kind"] == "pothole"
    assert "other_details" not in case.answers


# -- Check your answers ---------------------------------------------------------------------------


def test_check_answers_lists_every_answer_with_a_change_link(client, every_type_service):
    service = every_type_service
    answer_all(client, service)
    response = client.get(url(service, "check"))
    html = squash(response)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Check your answers before sending your report</h1>' in html
    for label, value in [
        ("What is the problem?", "A pothole"),
        ("Is any of it dangerous?", "Broken glass"),
        ("Is it blocking the road?", "Yes"),
        ("When did you see it?", "5 March 2025"),
        ("How many are there?", "2"),
        ("How big is it?", "Smaller than a football"),
        ("Give it a short title", "Hole by the bus stop"),
        ("How much damage did it cause?", "Not answered"),
        ("Email address", "resident@example.com"),
        ("Your name on our website", "Not shown"),
    ]:
        assert (
            f'<dt class="govuk-summary-list__key">{label}</dt> '
            f'<dd class="govuk-summary-list__value"> {value} </dd>'
        ) in html, label
    assert (
        '<a class="govuk-link" href="/service/report-street-problem/kind/?change=1">'
        'Change<span class="govuk-visually-hidden"> the problem</span></a>'
    ) in html
    assert (
        '<a class="govuk-link" href="/service/report-street-problem/your-details/?change=1">'
        'Change<span class="govuk-visually-hidden"> your email address</span></a>'
    ) in html
    assert 'data-prevent-double-click="true">Accept and send</button>' in html


def test_a_change_goes_back_to_check_answers_unless_it_shows_a_new_page(client, every_type_service):
    service = every_type_service
    answer_all(client, service)
    html = squash(client.get(url(service, "kind") + "?change=1"))
    assert '<a href="/service/report-street-problem/check/" class="govuk-back-link">' in html
    assert 'type="radio" value="pothole" checked>' in html

    response = client.post(url(service, "kind") + "?change=1", {"kind": "sign"})
    assert response["Location"] == url(service, "check")

    response = client.post(url(service, "kind") + "?change=1", {"kind": "other"})
    assert response["Location"] == url(service, "other") + "?change=1"
    response = client.post(url(service, "other") + "?change=1", {"other_details": "Bent post"})
    assert response["Location"] == url(service, "check")
    assert "Bent post" in squash(client.get(url(service, "check")))


def test_html_in_answers_is_shown_escaped(client, every_type_service):
    service = every_type_service
    answer_all(client, service, summary={"summary": "<b>bold</b> & <i>co</i>"})
    html = client.get(url(service, "check")).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;" in html
    assert "<b>bold</b>" not in html


def test_a_new_form_version_keeps_the_answers_and_asks_only_what_is_new(client, every_type_service):
    service = every_type_service
    answer_all(client, service)
    new_version = {
        **EVERY_TYPE_FORM,
        "pages": [
            EVERY_TYPE_FORM["pages"][0],
            {
                "id": "colour",
                "questions": [
                    {
                        "id": "colour",
                        "type": "radios",
                        "label": "What colour is the sign?",
                        "name": "the colour",
                        "options": [
                            {"value": "red", "label": "Red"},
                            {"value": "blue", "label": "Blue"},
                        ],
                    }
                ],
            },
            *EVERY_TYPE_FORM["pages"][1:],
        ],
    }
    form_publish(service=service, definition=new_version)

    response = client.get(url(service, "check"))
    assert response["Location"] == url(service, "colour") + "?change=1"
    assert 'value="pothole" checked' in squash(client.get(url(service, "kind")))
    response = client.post(url(service, "colour") + "?change=1", {"colour": "red"})
    assert response["Location"] == url(service, "check")
    html = squash(client.get(url(service, "check")))
    assert "Red" in html and "Hole by the bus stop" in html
    send(client, service)
    case = Case.objects.get()
    assert case.form_version == 2
    assert case.answers["colour"] == "red" and case.answers["summary"] == "Hole by the bus stop"


# -- Sending ---------------------------------------------------------------------------------------


def test_sending_makes_a_case_from_the_answers(client, every_type_service):
    service = every_type_service
    answer_all(
        client,
        service,
        cost={"cost": "£12.50"},
        **{
            "your-details": {
                "email": "Resident@Example.com",
                "name": "Ann",
                "phone": "01632 960 001",
                "show_name": "yes",
            }
        },
    )
    response = send(client, service)
    case = Case.objects.get()
    assert response["Location"] == f"/service/report-street-problem/done/{case.reference}/"
    assert case.channel == "web"
    assert case.service == service
    assert case.form_version == 1
    assert case.answers == {
        "kind": "pothole",
        "hazards": ["glass"],
        "blocking": True,
        "seen_on": "2025-03-05",
        "count": 2,
        "cost": 1250,
        "size": "small",
        "summary": "Hole by the bus stop",
    }
    assert case.reporter_email == "resident@example.com"
    assert case.reporter_name == "Ann"
    assert case.reporter_phone == "01632960001"
    assert case.show_name_publicly is True
    assert case.idempotency_key


def test_sending_twice_makes_one_case_and_both_land_on_the_same_confirmation(
    client, every_type_service
):
    service = every_type_service
    answer_all(client, service)
    key = check_key(client, service)
    first = client.post(url(service, "check"), {"key": key})
    second = client.post(url(service, "check"), {"key": key})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.idempotency_key == key
    assert first["Location"] == url(service, f"done/{case.reference}")

    html = squash(client.get(first["Location"]))
    assert '<h1 class="govuk-panel__title">Report sent</h1>' in html
    assert f"Your reference number<br><strong>{case.reference}</strong>" in html
    assert '<h2 class="govuk-heading-m">What happens next</h2>' in html
    assert "We aim to deal with reports within 5 working days." in html
    # The journey starts again from the beginning.
    assert client.get(url(service, "check"))["Location"] == url(service, "kind")


def test_a_refused_case_shows_why_on_check_answers_and_loses_nothing(
    client, every_type_service, monkeypatch
):
    service = every_type_service
    answer_all(client, service)
    key = check_key(client, service)

    def refuse(*, submission):
        raise CaseInvalid({"summary": "Enter a title", "service": "This service is not available"})

    monkeypatch.setattr("borough.portal.services.case_create", refuse)
    response = client.post(url(service, "check"), {"key": key})
    html = squash(response)
    assert response.status_code == 200
    assert "<title>Error: Check your answers" in html
    assert '<li><a href="#answer-summary">Enter a title</a></li>' in html
    assert "<li>This service is not available</li>" in html
    assert '<span class="govuk-visually-hidden">Error:</span> Enter a title</p>' in html
    assert Case.objects.count() == 0

    monkeypatch.undo()
    assert "Hole by the bus stop" in squash(client.get(url(service, "check")))
    response = client.post(url(service, "check"), {"key": key})
    assert response.status_code == 302
    assert Case.objects.get().answers["summary"] == "Hole by the bus stop"


def test_a_stale_check_page_is_shown_again_rather_than_sent(client, every_type_service):
    service = every_type_service
    answer_all(client, service)
    check_key(client, service)
    response = client.post(url(service, "check"), {"key": "not-the-key"})
    assert response["Location"] == url(service, "check")
    assert Case.objects.count() == 0


def test_only_the_browser_that_sent_a_case_sees_its_confirmation(client, every_type_service):
    service = every_type_service
    answer_all(client, service)
    done = send(client, service)["Location"]
    assert client.get(done).status_code == 200
    assert Client().get(done).status_code == 404
    reference = Case.objects.get().reference
    assert client.get(f"/service/another-service/done/{reference}/").status_code == 404


def test_every_form_has_csrf_protection(every_type_service):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url(every_type_service, "kind"), {"kind": "pothole"})
    assert response.status_code == 403


# -- Uploads -----------------------------------------------------------------------------------------


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_png_is_kept_and_attached_to_the_case(
    client, every_type_service, django_capture_on_commit_callbacks
):
    service = every_type_service
    reach(client, service, "photos")
    response = post_page(
        client, service, "photos", {"photos": upload("pothole.png", png_bytes(300, 200))}
    )
    assert response.status_code == 302, errors_in(response)
    token = client.session["portal.journeys"][service.code]["answers"]["photos"][0]
    assert upload_get(token).name == "pothole.png"

    # Coming back shows the file, with a button to remove it.
    html = squash(client.get(url(service, "photos")))
    assert "pothole.png" in html
    assert f'form="remove-files" name="remove" value="{token}"' in html

    post_page(client, service, "your-details", {"email": "a@example.com"})
    assert "pothole.png" in squash(client.get(url(service, "check")))
    with django_capture_on_commit_callbacks(execute=True):
        send(client, service)
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert attachment.original_name == "pothole.png"
    assert attachment.content_type == "image/png"
    assert (attachment.width, attachment.height) == (300, 200)
    assert attachment.file.read() == png_bytes(300, 200)
    assert case.answers["photos"] == [token]
    # The temporary copy is gone once the case has it.
    assert upload_get(token) is None


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            upload("notes.png", b"just some text, not a picture"),
            "The selected file must be a JPG, PNG or WebP",
        ),
        (upload("empty.png", b""), "The selected file is empty"),
        (
            upload("huge.png", png_bytes() + b"\0" * (1024 * 1024)),
            "The selected file must be smaller than 1MB",
        ),
    ],
)
def test_a_file_that_is_not_a_small_image_is_refused(client, every_type_service, file, message):
    service = every_type_service
    reach(client, service, "photos")
    response = post_page(client, service, "photos", {"photos": file})
    assert response.status_code == 200
    assert errors_in(response) == [message]
    assert f'<li><a href="#photos">{message}</a></li>' in squash(response)
    assert client.session["portal.journeys"][service.code]["answers"].get("photos") == []


def test_no_more_files_than_allowed_and_a_file_can_be_removed(client, every_type_service):
    service = every_type_service
    reach(client, service, "photos")
    files = [upload(f"{n}.png", png_bytes(n, 1)) for n in (1, 2, 3)]
    response = post_page(client, service, "photos", {"photos": files})
    assert errors_in(response) == ["You can only select up to 2 files"]

    post_page(client, service, "photos", {"photos": [upload("a.png", png_bytes())]})
    token = client.session["portal.journeys"][service.code]["answers"]["photos"][0]
    response = post_page(client, service, "photos", {"remove": token})
    assert response["Location"] == url(service, "photos")
    assert client.session["portal.journeys"][service.code]["answers"]["photos"] == []
    assert upload_get(token) is None


# -- Where: a location or an address from the gazetteer --------------------------------------------


@pytest.fixture
def high_west_street(make_property):
    return [
        make_property(paon=str(n), street_name="High West Street", postcode="DT1 1UZ")
        for n in (10, 2, 1)
    ]


def test_a_location_is_found_by_postcode_without_javascript(
    client, district, make_service, high_west_street
):
    service = make_service(district, needs_location=True)
    step = url(service, "find-location")
    html = squash(client.get(step))
    assert '<h1 class="govuk-fieldset__heading">Where is the problem?</h1>' in html

    response = client.post(step, {"location-search": ""})
    assert errors_in(response) == ["Enter a postcode or street name"]

    response = client.post(step, {"location-search": "dt1 1uz", "action": "find:location"})
    html = squash(response)
    assert response.status_code == 200
    assert errors_in(response) == []
    assert (
        '<label class="govuk-label" for="location-uprn">Select the nearest address</label>' in html
    )
    # In the order people expect: 1, 2, 10.
    assert (
        html.index("1 High West Street")
        < html.index("2 High West Street")
        < html.index("10 High West Street")
    )
    assert '<option value="">3 addresses found</option>' in html

    response = client.post(step, {"location-search": "dt1 1uz"})
    assert errors_in(response) == ["Select an address from the list"]
    assert '<li><a href="#location-uprn">' in squash(response)

    chosen = high_west_street[1]
    response = client.post(step, {"location-search": "dt1 1uz", "location-uprn": chosen.uprn})
    assert response["Location"] == url(service, "kind")
    post_page(client, service, "kind", {"kind": "small"})
    post_page(client, service, "details", {"details": ""})
    post_page(client, service, "your-details", {"email": "a@example.com"})
    assert f"Near {chosen.address}" in squash(client.get(url(service, "check")))
    send(client, service)
    case = Case.objects.get()
    assert (case.latitude, case.longitude) == (chosen.latitude, chosen.longitude)
    assert case.property is None


def test_a_location_can_be_found_by_street_name(client, district, make_service, high_west_street):
    service = make_service(district, needs_location=True)
    response = client.post(
        url(service, "find-location"), {"location-search": "high west", "action": "find:location"}
    )
    assert '<option value="">3 addresses found</option>' in squash(response)


def test_a_location_that_cannot_be_found_or_is_outside_the_area_is_refused(
    client, district, make_service, make_property
):
    service = make_service(district, needs_location=True)
    step = url(service, "find-location")
    response = client.post(step, {"location-search": "DT9 9ZZ", "action": "find:location"})
    assert errors_in(response) == [
        "We could not find that postcode or street – check it and try again, "
        "or enter a postcode nearby"
    ]
    far = make_property(paon="5", street_name="Far Lane", postcode="BA1 1AA", lat=51.38)
    response = client.post(step, {"location-search": "BA1 1AA", "location-uprn": far.uprn})
    assert errors_in(response) == [
        "Choose a location in the area Casterbridge District Council covers"
    ]


def test_an_address_comes_from_the_gazetteer_for_a_service_that_needs_a_property(
    client, district, make_service, high_west_street
):
    service = make_service(district, needs_property=True, other_ways="Call 01305 251010.")
    step = url(service, "find-address")
    response = client.post(step, {"address-postcode": "XYZ", "action": "find:address"})
    assert errors_in(response) == ["Enter a real postcode"]
    response = client.post(step, {"address-postcode": "DT1 1UZ", "action": "find:address"})
    html = squash(response)
    assert '<label class="govuk-label" for="address-uprn">Select an address</label>' in html
    # The case needs a UPRN, so no typing it in: the other ways instead.
    assert "?manual=address" not in html
    assert "I can’t find the address in the list</span>" in html and "Call 01305 251010." in html

    chosen = high_west_street[0]
    response = client.post(step, {"address-postcode": "DT1 1UZ", "address-uprn": chosen.uprn})
    assert response["Location"] == url(service, "kind")
    post_page(client, service, "kind", {"kind": "small"})
    post_page(client, service, "details", {"details": ""})
    post_page(client, service, "your-details", {"email": "a@example.com"})
    assert chosen.address in squash(client.get(url(service, "check")))
    send(client, service)
    case = Case.objects.get()
    assert case.property == chosen
    assert (case.latitude, case.longitude) == (chosen.latitude, chosen.longitude)


def test_an_address_question_can_be_typed_in_when_it_is_not_in_the_list(client, every_type_service):
    service = every_type_service
    reach(client, service, "home")
    html = squash(client.get(url(service, "home") + "?manual=home"))
    assert '<input type="hidden" name="home-mode" value="manual">' in html
    assert (
        'id="home-line1" name="home-line1" type="text" value="" autocomplete="address-line1">'
        in html
    )
    assert "Find the address by postcode instead" in html

    response = post_page(
        client, service, "home", {"home-mode": "manual", "home-town": "Casterbridge"}
    )
    assert errors_in(response) == ["Enter address line 1, typically the building and street"]
    assert '<li><a href="#home-line1">' in squash(response)
    response = post_page(
        client,
        service,
        "home",
        {
            "home-mode": "manual",
            "home-line1": "10 Acacia Avenue",
            "home-town": "Casterbridge",
            "home-manual-postcode": "dt1 2ab",
        },
    )
    assert response.status_code == 302
    for slug in ("spot", "photos"):
        post_page(client, service, slug, GOOD_ANSWERS[slug])
    post_page(client, service, "your-details", {"email": "a@example.com"})
    assert "10 Acacia Avenue, Casterbridge, DT1 2AB" in squash(client.get(url(service, "check")))
    send(client, service)
    assert Case.objects.get().answers["home"] == {
        "uprn": None,
        "text": "10 Acacia Avenue, Casterbridge, DT1 2AB",
    }


def test_a_location_question_in_the_form_gives_a_point(
    client, every_type_service, high_west_street
):
    service = every_type_service
    reach(client, service, "spot")
    chosen = high_west_street[2]
    response = post_page(
        client, service, "spot", {"spot-search": "DT1 1UZ", "spot-uprn": chosen.uprn}
    )
    assert response.status_code == 302
    post_page(client, service, "photos", {})
    post_page(client, service, "your-details", {"email": "a@example.com"})
    assert f"Near {chosen.address}" in squash(client.get(url(service, "check")))
    send(client, service)
    assert Case.objects.get().answers["spot"] == {
        "latitude": DORCHESTER[0],
        "longitude": DORCHESTER[1],
    }


def test_an_address_question_is_chosen_from_the_gazetteer(
    client, every_type_service, high_west_street
):
    service = every_type_service
    reach(client, service, "home")
    response = post_page(client, service, "home", {"home-postcode": "", "action": "find:home"})
    assert errors_in(response) == ["Enter a postcode"]
    response = post_page(
        client, service, "home", {"home-postcode": "dt11uz", "action": "find:home"}
    )
    assert '<label class="govuk-label" for="home-uprn">Select an address</label>' in squash(
        response
    )
    chosen = high_west_street[0]
    response = post_page(
        client, service, "home", {"home-postcode": "dt11uz", "home-uprn": chosen.uprn}
    )
    assert response["Location"] == url(service, "spot")
    for slug in ("spot", "photos"):
        post_page(client, service, slug, GOOD_ANSWERS[slug])
    post_page(client, service, "your-details", {"email": "a@example.com"})
    send(client, service)
    assert Case.objects.get().answers["home"] == {"uprn": chosen.uprn, "text": chosen.address}


def test_a_signed_in_resident_skips_your_details_and_the_case_is_theirs(
    client, district, make_service, make_resident
):
    resident = make_resident(email="alex@example.com")
    client.force_login(resident)
    service = make_service(district, identity="account")
    post_page(client, service, "kind", {"kind": "small"})
    response = post_page(client, service, "details", {"details": "By the bench"})
    assert response["Location"] == url(service, "check")
    html = squash(client.get(url(service, "check")))
    assert "Your details" not in html
    send(client, service)
    case = Case.objects.get()
    assert case.resident == resident
    assert case.reporter_email == "alex@example.com"


def test_a_page_whose_id_the_runner_uses_gets_another_address(client, district, make_service):
    form = {
        "title": "Odd ids",
        "pages": [
            {
                "id": "check",
                "questions": [{"id": "ok", "type": "yes_no", "label": "Is it OK?"}],
            }
        ],
    }
    service = make_service(district, form=form)
    assert f'href="/service/{service.code}/page-check/"' in squash(client.get(url(service)))
    response = post_page(client, service, "page-check", {"ok": "no"})
    assert response["Location"] == url(service, "your-details")


@pytest.mark.parametrize(("ticked", "shown"), [(True, True), (False, False)])
def test_a_signed_in_resident_chooses_whether_a_public_report_shows_their_name(
    client, district, make_service, make_resident, ticked, shown
):
    resident = make_resident(email="alex@example.com", full_name="Alex Resident")
    client.force_login(resident)
    service = make_service(district, public_cases=True)
    post_page(client, service, "kind", {"kind": "small"})
    response = post_page(client, service, "details", {"details": "By the bench"})
    # Not "Your details" (the account has them): only whether to show the name.
    assert response["Location"] == url(service, "your-details")
    html = squash(client.get(url(service, "your-details")))
    assert "Your name on our website" in html and "<h1" in html
    assert "Show my name on the public report" in html
    assert 'name="email"' not in html and 'name="phone"' not in html
    response = post_page(client, service, "your-details", {"show_name": ["yes"]} if ticked else {})
    assert response["Location"] == url(service, "check")
    html = squash(client.get(url(service, "check")))
    assert ("Shown on the public report" in html) is shown
    assert ("Not shown" in html) is not shown
    send(client, service)
    case = Case.objects.get()
    assert (case.resident, case.reporter_name) == (resident, "Alex Resident")
    assert case.show_name_publicly is shown
    page = squash(client.get(f"/reports/{case.reference}/"))
    assert ("Alex Resident" in page) is shown


def test_a_signed_in_resident_with_no_name_on_their_account_cannot_show_it(
    client, district, make_service, make_resident
):
    resident = make_resident(email="alex@example.com", full_name="Alex Resident")
    resident.full_name = ""
    resident.save()
    client.force_login(resident)
    service = make_service(district, public_cases=True)
    post_page(client, service, "kind", {"kind": "small"})
    post_page(client, service, "details", {"details": "By the bench"})
    response = post_page(client, service, "your-details", {"show_name": ["yes"]})
    assert response.status_code == 200
    assert errors_in(response) == ["Add your name to your account to show it on the public report"]
