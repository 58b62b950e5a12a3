"""Your requests: a resident's own cases, and each one's status, answers and public timeline."""

# ruff: noqa: RUF001

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from borough.cases.models import Status
from borough.cases.selectors import case_for_resident, cases_for_resident
from borough.cases.services import case_close, case_note_add, case_public_update, case_status_change
from borough.core.models import AuditEntry
from tests.accounts.conftest import html


@pytest.fixture
def officer(district, service, make_staff):
    return make_staff(service.default_team, "caseworker", email="sam.officer@casterbridge.example")


def verified(user):
    user.email_verified_at = timezone.now()
    user.save()
    return user


def test_your_requests_lists_only_your_own_cases_newest_first(
    service, make_case, make_resident, signed_in
):
    alex = make_resident(email="alex@example.com")
    older = make_case(service, resident=alex, submitted_at=timezone.now() - timedelta(days=2))
    newer = make_case(service, resident=alex)
    someone_else = make_case(service, resident=make_resident(email="sam@example.com"))
    anonymous = make_case(service)  # rita@example.com, no account

    response = signed_in(alex).get("/account/")
    assert response.status_code == 200
    page = html(response)
    assert "no-store" in response["Cache-Control"]
    assert page.index(newer.reference) < page.index(older.reference)
    assert someone_else.reference not in page
    assert anonymous.reference not in page
    assert f'href="/account/requests/{newer.reference}/"' in page
    assert "Report fly-tipping" in page
    assert '<strong class="govuk-tag govuk-tag--blue">Received</strong>' in page


def test_cases_sent_with_your_email_count_once_it_is_confirmed(
    service, make_case, make_resident, signed_in
):
    sent_before = make_case(service, reporter_email="alex@example.com", reporter_name="Alex")
    alex = make_resident(email="alex@example.com")
    assert sent_before.reference not in html(signed_in(alex).get("/account/"))
    assert list(cases_for_resident(user=alex)) == []
    verified(alex)
    assert sent_before.reference in html(signed_in(alex).get("/account/"))
    assert list(cases_for_resident(user=alex)) == [sent_before]


def test_no_requests_yet(make_resident, signed_in):
    page = html(signed_in(make_resident()).get("/account/"))
    assert "You have not sent any requests or reports yet." in page


def test_your_requests_needs_signing_in(client, db):
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"] == "/sign-in/?next=/account/"


def test_your_requests_has_pages(service, make_case, make_resident, signed_in):
    alex = make_resident()
    cases = [make_case(service, resident=alex) for _ in range(21)]
    client = signed_in(alex)
    first = html(client.get("/account/"))
    second = html(client.get("/account/?page=2"))
    assert cases[0].reference not in first and cases[0].reference in second
    assert cases[-1].reference in first
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_a_request_shows_status_answers_and_only_the_public_timeline(
    service, make_case, make_resident, signed_in, officer
):
    alex = make_resident(email="alex@example.com")
    case = make_case(service, resident=alex)
    case_note_add(case=case, actor=officer, body="Resident is known to us; SECRET note")
    case_public_update(case=case, actor=officer, body="We will clear it on Tuesday.")
    case_status_change(case=case, status=Status.IN_PROGRESS, actor=officer)
    case_close(case=case, actor=officer, resolution="Cleared by the street cleansing crew.")

    response = signed_in(alex).get(f"/account/requests/{case.reference}/")
    assert response.status_code == 200
    page = html(response)
    assert "no-store" in response["Cache-Control"]
    assert f'<span class="govuk-caption-l">{case.reference}</span>' in page
    assert '<strong class="govuk-tag govuk-tag--green">Fixed</strong>' in page
    # The answers, worded by the form version they were given under.
    assert "What is the problem?" in page and "Small" in page
    assert "Bags of rubbish by the bins" in page
    # The public timeline, newest first, with the council as the author.
    assert page.index("Closed: Fixed") < page.index("We will clear it on Tuesday.")
    assert page.index("We will clear it on Tuesday.") < page.index("Report sent")
    assert "Cleared by the street cleansing crew." in page
    assert "by Casterbridge District Council" in page
    assert ", by You" in page  # they sent it
    # Never internal notes, private status changes, or staff names.
    assert "SECRET" not in page
    assert "Status changed to" not in page
    assert "Sam Officer" not in page and "sam.officer" not in page
    # A resident reading their own case is not a staff read: nothing audited.
    assert not AuditEntry.objects.filter(action="case.view").exists()


def test_a_public_status_change_is_shown_in_the_residents_words(
    service, make_case, make_resident, signed_in, officer
):
    alex = make_resident()
    case = make_case(service, resident=alex)
    case_status_change(
        case=case, status=Status.IN_PROGRESS, actor=officer, public_message="A crew is on the way."
    )
    page = html(signed_in(alex).get(f"/account/requests/{case.reference}/"))
    assert "Status changed to ‘In progress’" in page
    assert "A crew is on the way." in page


def test_another_residents_request_is_not_found(service, make_case, make_resident, signed_in):
    alex = make_resident(email="alex@example.com")
    sam = make_resident(email="sam@example.com")
    theirs = make_case(service, resident=sam)
    client = signed_in(alex)
    response = client.get(f"/account/requests/{theirs.reference}/")
    assert response.status_code == 404
    assert theirs.reference not in html(response)
    # Nor one that does not exist, nor rubbish.
    assert client.get("/account/requests/CDC-0000-0000/").status_code == 404
    assert client.get("/account/requests/nonsense/").status_code == 404


def test_a_request_needs_signing_in(client, service, make_case, make_resident):
    case = make_case(service, resident=make_resident())
    response = client.get(f"/account/requests/{case.reference}/")
    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next=/account/requests/{case.reference}/"


def test_case_for_resident(service, make_case, make_resident):
    alex = make_resident(email="alex@example.com")
    case = make_case(service, resident=alex)
    spaced = f" {case.reference.lower().replace('-', ' ')} "
    assert case_for_resident(user=alex, reference=spaced) == case
    with pytest.raises(Http404):
        case_for_resident(user=make_resident(), reference=case.reference)
    alex.is_active = False
    with pytest.raises(Http404):
        case_for_resident(user=alex, reference=case.reference)


def test_an_unconfirmed_email_does_not_reach_anonymous_cases_by_url(
    service, make_case, make_resident, signed_in
):
    case = make_case(service, reporter_email="alex@example.com")
    alex = make_resident(email="alex@example.com")
    assert signed_in(alex).get(f"/account/requests/{case.reference}/").status_code == 404
    verified(alex)
    assert signed_in(alex).get(f"/account/requests/{case.reference}/").status_code == 200
