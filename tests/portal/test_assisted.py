"""The form runner in assisted mode: an advisor fills a service's form for a caller, and the
case and its one contact carry the caller's channel and the advisor."""

# The pages use GOV.UK typography: curly quotes and apostrophes.
# ruff: noqa: RUF001

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from borough.accounts.models import User
from borough.cases.models import Case, EventKind
from borough.contacts.models import Contact
from borough.core.models import AuditEntry
from borough.portal.journey import ASSISTED_KEY, assisted_start
from borough.portal.models import SavedJourney
from tests.portal.conftest import check_key, errors_in, url


@pytest.fixture
def team(district, make_team):
    return make_team(district, "Waste collections")


@pytest.fixture
def advisor(team, make_staff):
    return make_staff(team, "advisor", email="avery@casterbridge.example")


@pytest.fixture
def missed_bin(district, make_service, team):
    return make_service(
        district,
        code="report-missed-bin",
        name="Report a missed bin",
        identity="anonymous",
        default_team=team,
        sla_value=2,
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def raise_for(client: Client, service: Any, **data: str) -> None:
    """Start assisted mode through the back office page."""
    posted = {"service": str(service.pk), "channel": "phone", "caller": "new", **data}
    response = client.post("/staff/assisted/", posted)
    assert response.status_code == 302, text(response)


def test_an_advisor_raises_a_case_for_a_caller_on_the_phone(missed_bin, advisor):
    client = signed_in(advisor)
    raise_for(client, missed_bin)
    service = missed_bin
    assert client.post(url(service, "kind"), {"kind": "large"})["Location"] == url(
        service, "details"
    )
    assert client.post(url(service, "details"), {"details": "Not collected"})["Location"] == url(
        service, "your-details"
    )

    # "The caller's details": a name is needed, an email address is not.
    page = client.get(url(service, "your-details"))
    assert "The caller’s details" in text(page)
    assert "no-store" in page["Cache-Control"]
    assert "Email address (optional)" in text(page)
    assert "Show my name on the public report" not in text(page)
    response = client.post(url(service, "your-details"), {"name": "", "email": "", "phone": ""})
    assert errors_in(response) == ["Enter the caller’s full name"]
    response = client.post(
        url(service, "your-details"), {"name": "Pat Caller", "email": "", "phone": "01305 123456"}
    )
    assert response["Location"] == url(service, "check")

    check = text(client.get(url(service, "check")))
    assert "Check the answers before sending the caller’s report" in check
    assert "The caller’s details" in check
    assert "Pat Caller" in check

    response = client.post(url(service, "check"), {"key": check_key(client, service)})
    case = Case.objects.get()
    assert response["Location"] == f"/service/{service.code}/done/{case.reference}/"
    assert case.channel == "phone"
    assert case.resident is None
    assert (case.reporter_name, case.reporter_email, case.reporter_phone) == (
        "Pat Caller",
        "",
        "01305123456",
    )
    created = case.events.get(kind=EventKind.CREATED)
    assert created.actor == advisor and created.data["channel"] == "phone"
    # Anonymous service: no note about identity.
    assert not case.events.filter(kind=EventKind.INTERNAL_NOTE).exists()

    # One contact, on the phone, taken by the advisor, with the case.
    contact = Contact.objects.get()
    assert (contact.channel, contact.staff, contact.case, contact.resident, contact.outcome) == (
        "phone",
        advisor,
        case,
        None,
        "case_created",
    )
    audit = AuditEntry.objects.get(action="case.raise_for_caller")
    assert audit.actor == advisor and audit.object_id == case.reference
    assert audit.detail == {"channel": "phone", "identity": "anonymous", "resident": None}

    # Assisted mode ended with the case: the advisor's browser is their own again.
    assert ASSISTED_KEY not in client.session
    assert not SavedJourney.objects.exists()

    done = text(client.get(response["Location"]))
    assert "The caller’s reference number" in done
    assert case.reference in done
    assert f"Their reference number is {case.reference}." in done
    assert f'href="/staff/cases/{case.reference}/"' in done
    assert 'href="/staff/assisted/"' in done


def test_sending_twice_makes_one_case_and_one_contact(missed_bin, advisor):
    client = signed_in(advisor)
    raise_for(client, missed_bin, channel="letter")
    client.post(url(missed_bin, "kind"), {"kind": "small"})
    client.post(url(missed_bin, "details"), {"details": ""})
    client.post(url(missed_bin, "your-details"), {"name": "Pat Caller"})
    key = check_key(client, missed_bin)
    first = client.post(url(missed_bin, "check"), {"key": key})
    second = client.post(url(missed_bin, "check"), {"key": key})
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert Contact.objects.count() == 1
    assert Case.objects.get().channel == "letter"
    assert AuditEntry.objects.filter(action="case.raise_for_caller").count() == 1


def test_an_account_service_for_a_callers_account(
    district, make_service, team, advisor, make_resident
):
    service = make_service(
        district, code="request-container", identity="account", default_team=team
    )
    caller = make_resident(email="casey@example.com", full_name="Casey Caller")
    client = signed_in(advisor)
    client.post(
        "/staff/assisted/",
        {"service": str(service.pk), "channel": "face_to_face", "caller": "account"},
    )
    client.get("/staff/assisted/caller/?q=casey")
    client.post("/staff/assisted/caller/", {"q": "casey", "resident": str(caller.pk)})

    # The identity gate is passed: the advisor acts for the caller. No details are asked.
    assert client.get(url(service, "kind")).status_code == 200
    client.post(url(service, "kind"), {"kind": "small"})
    response = client.post(url(service, "details"), {"details": ""})
    assert response["Location"] == url(service, "check")
    client.post(url(service, "check"), {"key": check_key(client, service)})

    case = Case.objects.get()
    assert (case.channel, case.resident, case.reporter_email) == (
        "face_to_face",
        caller,
        "casey@example.com",
    )
    contact = Contact.objects.get()
    assert (contact.channel, contact.staff, contact.resident) == ("face_to_face", advisor, caller)
    note = case.events.get(kind=EventKind.INTERNAL_NOTE)
    assert note.actor == advisor
    assert "advisor acting for the caller stood in for signing in" in note.body
    assert not note.public
    # Nothing was saved as the advisor's or the caller's unsent form.
    assert not SavedJourney.objects.exists()


def test_an_account_service_for_a_new_caller_needs_only_their_name(
    district, make_service, team, advisor
):
    service = make_service(district, code="apply-thing", identity="verified", default_team=team)
    client = signed_in(advisor)
    raise_for(client, service, channel="kiosk")
    client.post(url(service, "kind"), {"kind": "small"})
    client.post(url(service, "details"), {"details": ""})
    client.post(url(service, "your-details"), {"name": "Kim Visitor"})
    client.post(url(service, "check"), {"key": check_key(client, service)})
    case = Case.objects.get()
    assert (case.channel, case.resident, case.reporter_name) == ("kiosk", None, "Kim Visitor")
    assert case.events.filter(kind=EventKind.INTERNAL_NOTE).count() == 1


def test_the_flag_only_counts_for_the_advisor_who_set_it(missed_bin, advisor, make_resident):
    # A session claiming assisted mode for someone else is an ordinary resident's session.
    resident = make_resident()
    client = signed_in(resident)
    session = client.session
    assisted_start(session, service_code=missed_bin.code, channel="phone", staff_id=advisor.pk)
    session.save()
    client.post(url(missed_bin, "kind"), {"kind": "small"})
    response = client.post(url(missed_bin, "details"), {"details": ""})
    # A signed-in resident: no details step, and their answers are saved as theirs.
    assert response["Location"] == url(missed_bin, "check")
    assert "Raising a case for a caller" not in text(client.get(url(missed_bin, "check")))
    client.post(url(missed_bin, "check"), {"key": check_key(client, missed_bin)})
    case = Case.objects.get()
    assert (case.channel, case.resident) == ("web", resident)
    assert Contact.objects.get().staff is None


def test_an_advisor_who_lost_the_role_is_no_longer_assisted(missed_bin, advisor):
    client = signed_in(advisor)
    raise_for(client, missed_bin)
    advisor.memberships.all().delete()
    page = text(client.get(url(missed_bin, "kind")))
    assert "Raising a case for a caller" not in page


def test_assisted_mode_is_for_one_service_only(district, make_service, missed_bin, advisor):
    other = make_service(district, code="report-litter", identity="anonymous")
    client = signed_in(advisor)
    raise_for(client, missed_bin)
    assert "Raising a case for a caller" in text(client.get(url(missed_bin, "kind")))
    assert "Raising a case for a caller" not in text(client.get(url(other, "kind")))


def test_a_residents_confirmation_page_has_no_staff_links(missed_bin):
    client = Client()
    client.post(url(missed_bin, "kind"), {"kind": "small"})
    client.post(url(missed_bin, "details"), {"details": ""})
    client.post(url(missed_bin, "your-details"), {"email": "a@example.com"})
    response = client.post(url(missed_bin, "check"), {"key": check_key(client, missed_bin)})
    done = text(client.get(response["Location"]))
    assert "Your reference number" in done
    assert "/staff/" not in done
