"""The case page and each action on it: events written, stale edits refused, bad input shown."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from borough.cases.models import Case, EventKind, Status
from borough.cases.services import (
    attachment_add,
    case_assign,
    case_close,
    case_note_add,
    case_public_update,
    case_status_change,
)
from borough.catalogue.services import form_publish
from borough.core.models import AuditEntry
from tests.conftest import SIMPLE_FORM

STALE = "This case was changed by someone else after you opened it"


def page(client, case):
    response = client.get(f"/staff/cases/{case.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def post(client, case, path, data):
    return client.post(f"/staff/cases/{case.reference}/{path}/", data)


def new_events(case, since):
    return list(case.events.filter(id__gt=since).order_by("id"))


def last_event_id(case):
    return case.events.order_by("-id").values_list("id", flat=True).first()


def banner(client, case) -> str:
    html = page(client, case)
    match = re.search(r'govuk-notification-banner__heading">([^<]*)<', html)
    return match.group(1) if match else ""


# -- What the page shows ---------------------------------------------------------------------


def test_the_case_page_shows_the_case(
    world, make_case, make_staff, make_property, make_resident, signed_in
):
    officer = make_staff(world.team)
    home = make_property(paon="7", street_name="Durngate Street", postcode="DT1 1JP")
    resident = make_resident(email="morag@example.com", full_name="Morag Hill")
    case = make_case(
        world.service,
        uprn=home.uprn,
        resident=resident,
        reporter_email="",
        reporter_phone="07700 900123",
    )
    html = page(signed_in(officer), case)
    assert f"<title>{case.reference} Report fly-tipping at 7 Durngate Street" in html
    for text in (
        "Report fly-tipping",
        "Street cleansing, Casterbridge District Council",
        "Normal",
        "Morag Hill",
        'href="mailto:morag@example.com"',
        "07700 900123",
        "7 Durngate Street, Dorchester, DT1 1JP",
        f"UPRN {home.uprn}",
        "50.715000, -2.437000",
        # Answers, by the labels of the form they were given under.
        "What is the problem?",
        "Small",
        "Bags of rubbish by the bins",
    ):
        assert text in html, text


def test_answers_use_the_form_version_they_were_given_under(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team)
    case = make_case(world.service)
    newer = {**SIMPLE_FORM, "pages": [dict(SIMPLE_FORM["pages"][0])]}
    newer["pages"][0]["questions"] = [
        {**SIMPLE_FORM["pages"][0]["questions"][0], "label": "How big is the pile?"}
    ]
    form_publish(service=world.service, definition=newer)
    html = page(signed_in(officer), case)
    assert "What is the problem?" in html and "How big is the pile?" not in html


def test_opening_a_case_is_audited(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    page(client, case)
    page(client, case)
    entries = AuditEntry.objects.filter(object_id=case.reference, action="case.view")
    assert entries.count() == 2
    assert {entry.actor for entry in entries} == {officer}


def test_the_timeline_is_newest_first_with_notes_and_updates_marked(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team)
    case = make_case(world.service)
    case_note_add(case=case, actor=officer, body="Crew booked for Tuesday")
    case_public_update(case=case, actor=officer, body="We will clear this by Tuesday")
    html = page(signed_in(officer), case)
    timeline = html[html.index('id="timeline"') :]
    order = [
        timeline.index("We will clear this by Tuesday"),
        timeline.index("Crew booked for Tuesday"),
        timeline.index("Sent to Street cleansing"),
        timeline.index("Received by web"),
    ]
    assert order == sorted(order)
    note = timeline[: timeline.index("Crew booked for Tuesday")]
    assert (
        note.rstrip().count('<strong class="govuk-tag govuk-tag--yellow">Internal note</strong>')
        == 1
    )
    update = timeline[: timeline.index("We will clear this by Tuesday")]
    assert '<strong class="govuk-tag govuk-tag--green">Public update</strong>' in update
    assert "Internal note</strong>" not in update


def test_the_residents_other_cases_are_listed(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service, reporter_email="pat@example.com")
    earlier = make_case(world.other_team_service, reporter_email="pat@example.com")
    elsewhere = make_case(world.county_service, reporter_email="pat@example.com")
    html = page(signed_in(officer), case)
    assert f'href="/staff/cases/{earlier.reference}/"' in html
    assert elsewhere.reference not in html


def test_a_read_only_role_sees_no_action_forms(world, make_case, make_staff, signed_in):
    auditor = make_staff(world.team, "auditor")
    case = make_case(world.service)
    html = page(signed_in(auditor), case)
    assert "<form" not in html.split('id="main-content"')[1]
    assert "Your role lets you read this case but not change it" in html
    assert "See who has viewed and changed this case" in html


def test_a_contractor_sees_the_forms_it_may_use(world, make_case, make_staff, signed_in):
    contractor = make_staff(world.team, "contractor")
    case = make_case(world.service)
    case_assign(case=case, assignee=contractor, actor=world.colleague)
    html = page(signed_in(contractor), case)
    assert "/status/" in html and "/updates/" in html
    for path in ("/assign/", "/notes/", "/close/", "/transfer/", "/duplicate/", "/audit/"):
        assert path not in html, path


# -- Each action writes its event ------------------------------------------------------------


def test_assign_to_me(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    assert "Assign to me" in page(client, case)
    since = last_event_id(case)
    response = post(client, case, "assign", {"assign-assignee": officer.pk, "assign-version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.reference}/"
    case.refresh_from_db()
    assert case.assignee == officer and case.version == 2
    [event] = new_events(case, since)
    assert (event.kind, event.actor, event.data["to"]) == (
        EventKind.ASSIGNED,
        officer,
        officer.email,
    )
    assert banner(client, case) == "Case assigned to you"
    assert "Assign to me" not in page(client, case)


def test_assign_to_a_colleague_and_only_to_staff_of_the_organisation(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    response = post(
        client, case, "assign", {"assign-assignee": world.county_officer.pk, "assign-version": 1}
    )
    assert response.status_code == 400
    assert (
        '<a href="#assign-assignee">Select who to assign the case to</a>'
        in response.content.decode()
    )
    response = post(
        client, case, "assign", {"assign-assignee": world.colleague.pk, "assign-version": 1}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == world.colleague
    assert banner(client, case) == "Case assigned"


def test_change_status_with_a_public_update(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    since = last_event_id(case)
    response = post(
        client,
        case,
        "status",
        {
            "status-status": "action_scheduled",
            "status-message": "Booked for Friday",
            "status-version": 1,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ACTION_SCHEDULED
    [event] = new_events(case, since)
    assert (event.kind, event.public, event.body) == (
        EventKind.STATUS_CHANGED,
        True,
        "Booked for Friday",
    )
    assert banner(client, case) == "Status changed to Action scheduled"


def test_change_status_refuses_a_closed_status_and_no_change(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    for data, message in (
        ({"status-status": "fixed"}, "Select a status"),
        ({"status-status": ""}, "Select a status"),
        ({"status-status": "open"}, "Select a different status, or add an update"),
    ):
        response = post(client, case, "status", {**data, "status-version": 1})
        assert response.status_code == 400
        assert message in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.version, case.events.count()) == (Status.OPEN, 1, 2)


def test_reopen_a_closed_case(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = case_close(case=make_case(world.service), actor=officer, resolution="Cleared")
    client = signed_in(officer)
    html = page(client, case)
    assert "Reopen case" in html and "/close/" not in html
    since = last_event_id(case)
    response = post(
        client,
        case,
        "status",
        {"status-status": "open", "status-message": "It is back", "status-version": case.version},
    )
    assert response.status_code == 302
    [event] = new_events(case, since)
    assert event.kind == EventKind.REOPENED
    assert banner(client, case) == "Case reopened"


def test_add_an_internal_note(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    since = last_event_id(case)
    response = post(client, case, "notes", {"note-body": "  Gate code 1234  ", "note-version": 1})
    assert response.status_code == 302
    [event] = new_events(case, since)
    assert (event.kind, event.public, event.body) == (
        EventKind.INTERNAL_NOTE,
        False,
        "Gate code 1234",
    )
    assert banner(client, case) == "Internal note added"


def test_add_a_public_update(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    since = last_event_id(case)
    response = post(client, case, "updates", {"update-body": "On our way", "update-version": 1})
    assert response.status_code == 302
    [event] = new_events(case, since)
    assert (event.kind, event.public, event.body) == (EventKind.PUBLIC_UPDATE, True, "On our way")
    assert banner(client, case) == "Public update added"


def test_transfer_within_the_organisation(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    case = case_assign(case=case, assignee=officer, actor=officer)
    client = signed_in(officer)
    since = last_event_id(case)
    response = post(
        client,
        case,
        "transfer",
        {
            "transfer-team": world.other_team.pk,
            "transfer-reason": "Bins, not fly-tipping",
            "transfer-version": case.version,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.reference}/"
    case.refresh_from_db()
    assert case.team == world.other_team and case.assignee is None
    [event] = new_events(case, since)
    assert (event.kind, event.body, event.data["team"]) == (
        EventKind.TRANSFERRED,
        "Bins, not fly-tipping",
        world.other_team.slug,
    )
    assert "transferred to Waste collections" in banner(client, case)


def test_transfer_to_another_council_goes_back_to_the_queue(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    html = page(client, case)
    assert '<optgroup label="Wessex County Council">' in html
    response = post(
        client,
        case,
        "transfer",
        {
            "transfer-team": world.county_team.pk,
            "transfer-reason": "A highway matter",
            "transfer-version": 1,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/staff/"
    case.refresh_from_db()
    assert case.organisation == world.county and case.team == world.county_team
    assert client.get(f"/staff/cases/{case.reference}/").status_code == 404


def test_transfer_offers_only_councils_and_the_users_own_organisations(
    world, make_case, make_staff, signed_in
):
    from borough.core.services import organisation_create

    contractor_org = organisation_create(
        slug="binco", name="Binco Ltd", kind="contractor", reference_prefix="BIN"
    )
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    assert "Binco Ltd" not in page(client, case)
    response = post(
        client,
        case,
        "transfer",
        {
            "transfer-team": contractor_org.team_set.get().pk,
            "transfer-reason": "Theirs",
            "transfer-version": 1,
        },
    )
    assert response.status_code == 400
    assert "Select the team to transfer the case to" in response.content.decode()


def test_transfer_needs_a_reason(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    response = post(
        signed_in(officer),
        case,
        "transfer",
        {"transfer-team": world.other_team.pk, "transfer-reason": "  ", "transfer-version": 1},
    )
    assert response.status_code == 400
    assert (
        '<a href="#transfer-reason">Enter a reason for the transfer</a>'
        in response.content.decode()
    )
    case.refresh_from_db()
    assert case.team == world.team and case.version == 1


def test_close_with_a_resolution(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    since = last_event_id(case)
    response = post(
        client,
        case,
        "close",
        {
            "close-status": "no_further_action",
            "close-resolution": "Nothing found",
            "close-version": 1,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.NO_FURTHER_ACTION and case.closed_at is not None
    [event] = new_events(case, since)
    assert (event.kind, event.public, event.body) == (EventKind.CLOSED, True, "Nothing found")
    assert banner(client, case) == "Case closed"


@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        (
            {"close-status": "fixed", "close-resolution": ""},
            "close-resolution",
            "Enter what was done",
        ),
        (
            {"close-status": "open", "close-resolution": "Done"},
            "close-status",
            "Select how the case was closed",
        ),
        (
            {"close-status": "duplicate", "close-resolution": "Done"},
            "close-status",
            "Select how the case was closed",
        ),
    ],
)
def test_close_errors(world, make_case, make_staff, signed_in, data, anchor, message):
    officer = make_staff(world.team)
    case = make_case(world.service)
    response = post(signed_in(officer), case, "close", {**data, "close-version": 1})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#{anchor}">{message}</a>' in html
    assert f'<p id="{anchor}-error" class="govuk-error-message">' in html
    case.refresh_from_db()
    assert (case.status, case.version, case.events.count()) == (Status.OPEN, 1, 2)


def test_closing_a_closed_case_is_refused(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = case_close(case=make_case(world.service), actor=officer, resolution="Cleared")
    events = case.events.count()
    response = post(
        signed_in(officer),
        case,
        "close",
        {"close-status": "fixed", "close-resolution": "Again", "close-version": case.version},
    )
    assert response.status_code == 400
    assert "This case is already closed" in response.content.decode()
    assert case.events.count() == events


def test_mark_as_a_duplicate(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    original = make_case(world.other_team_service)
    case = make_case(world.service)
    client = signed_in(officer)
    since = last_event_id(case)
    typed = original.reference.lower().replace("-", " ")
    response = post(
        client, case, "duplicate", {"duplicate-original": typed, "duplicate-version": 1}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DUPLICATE and case.duplicate_of == original
    [event] = new_events(case, since)
    assert event.kind == EventKind.MARKED_DUPLICATE
    assert original.events.filter(kind=EventKind.INTERNAL_NOTE).exists()
    assert banner(client, case) == f"Case marked as a duplicate of {original.reference}"


@pytest.mark.parametrize(
    ("original", "message"),
    [
        ("", "Enter the reference of the case this one duplicates"),
        ("CDC-1234", "Enter a case reference, like CDC-4827-3915"),
        ("self", "A case cannot be a duplicate of itself"),
        ("county", "Enter the reference of a case of Casterbridge District Council"),
        ("missing", "Enter the reference of a case of Casterbridge District Council"),
    ],
)
def test_mark_as_a_duplicate_errors(world, make_case, make_staff, signed_in, original, message):
    officer = make_staff(world.team)
    case = make_case(world.service)
    typed = {
        "self": case.reference,
        "county": make_case(world.county_service).reference,
        "missing": "CDC-1234-5674",
    }.get(original, original)
    response = post(
        signed_in(officer), case, "duplicate", {"duplicate-original": typed, "duplicate-version": 1}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.OPEN, 1)


def test_bad_input_keeps_what_was_typed_and_names_the_page_an_error(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team)
    case = make_case(world.service)
    response = post(
        signed_in(officer),
        case,
        "transfer",
        {"transfer-team": "", "transfer-reason": "Typed but no team", "transfer-version": 1},
    )
    html = response.content.decode()
    assert "<title>Error: " in html
    assert ">Typed but no team</textarea>" in html


# -- Stale edits -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("assign", {"assign-assignee": "me"}),
        ("status", {"status-status": "in_progress"}),
        ("notes", {"note-body": "A note"}),
        ("updates", {"update-body": "An update"}),
        ("transfer", {"transfer-team": "other", "transfer-reason": "Theirs"}),
        ("close", {"close-status": "fixed", "close-resolution": "Done"}),
    ],
)
def test_a_stale_edit_is_refused(world, make_case, make_staff, signed_in, path, data):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    prefix = next(iter(data)).split("-")[0]
    assert f'name="{prefix}-version" value="1"' in page(client, case)
    loaded = case.version
    # Someone else changes the case after the page was opened.
    case_status_change(case=case, status=Status.INVESTIGATING, actor=world.colleague)
    data = {
        key: officer.pk if value == "me" else world.other_team.pk if value == "other" else value
        for key, value in data.items()
    }
    events = case.events.count()
    response = post(client, case, path, {**data, f"{prefix}-version": loaded})
    assert response.status_code == 409
    html = response.content.decode()
    assert STALE in html and "govuk-error-summary" in html
    case.refresh_from_db()
    assert (case.status, case.version, case.assignee, case.team) == (
        Status.INVESTIGATING,
        2,
        None,
        world.team,
    )
    assert case.events.count() == events
    # The page now carries the new version, and what was typed is kept.
    assert f'name="{prefix}-version" value="2"' in html


def test_a_missing_version_is_treated_as_stale(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    case = make_case(world.service)
    response = post(signed_in(officer), case, "notes", {"note-body": "A note"})
    assert response.status_code == 409
    assert STALE in response.content.decode()
    assert case.events.count() == 2


REPEATED = "You changed this case a moment ago and that change was saved"


@pytest.mark.parametrize(
    ("path", "data", "kind", "refused", "message"),
    [
        ("notes", {"note-body": "Spoke to the crew"}, EventKind.INTERNAL_NOTE, 409, REPEATED),
        ("updates", {"update-body": "On our way"}, EventKind.PUBLIC_UPDATE, 409, REPEATED),
        (
            "close",
            {"close-status": "fixed", "close-resolution": "Cleared"},
            EventKind.CLOSED,
            400,
            "This case is already closed",
        ),
    ],
)
def test_the_same_form_sent_twice_acts_once_and_says_so(
    world, make_case, make_staff, signed_in, path, data, kind, refused, message
):
    officer = make_staff(world.team)
    case = make_case(world.service)
    client = signed_in(officer)
    prefix = next(iter(data)).split("-")[0]
    sent = {**data, f"{prefix}-version": case.version}

    first = post(client, case, path, sent)
    again = post(client, case, path, sent)

    assert first.status_code == 302
    assert again.status_code == refused
    html = again.content.decode()
    assert message in html and STALE not in html
    assert case.events.filter(kind=kind).count() == 1
    if path == "close":
        return
    # Someone else's change in between is still blamed on someone else.
    case.refresh_from_db()
    case_note_add(case=case, actor=world.colleague, body="Checked")
    late = post(client, case, path, {**data, f"{prefix}-version": case.version})
    assert late.status_code == 409 and STALE in late.content.decode()


# -- Attachments and the audit trail ---------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _png() -> bytes:
    # A photo as Borough stores it (cases.images): the cleaned file is the same bytes.
    buffer = io.BytesIO()
    Image.new("RGB", (120, 100), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def test_attachments_are_listed_and_served_only_to_staff_who_may_view(
    world, make_case, make_staff, signed_in, media
):
    officer = make_staff(world.team)
    case = make_case(world.service)
    photo = attachment_add(case=case, content=PNG, filename="bins.png", actor=None)
    document = attachment_add(
        case=case, content=b"<script>alert(1)</script>", filename="notes.html", actor=None
    )
    client = signed_in(officer)
    html = page(client, case)
    url = f"/staff/cases/{case.reference}/attachments/{photo.pk}/"
    assert (
        f'href="{url}"><img class="borough-attachment__thumbnail" src="{url}?size=thumbnail" '
        'alt="" width="120"> bins.png</a>'
    ) in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    # Anything that is not a plain image is downloaded, never rendered.
    response = client.get(f"/staff/cases/{case.reference}/attachments/{document.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    # The page, then each file under its own name with which file it was.
    entries = AuditEntry.objects.filter(object_id=case.reference).order_by("id")
    assert [(e.action, e.detail.get("attachment")) for e in entries] == [
        ("case.view", None),
        ("case.attachment_view", photo.pk),
        ("case.attachment_view", document.pk),
    ]
    views = entries.count()

    outsider = signed_in(world.county_officer)
    assert outsider.get(url).status_code == 404
    assert AuditEntry.objects.filter(object_id=case.reference).count() == views
    # An attachment of another case, through this case's address.
    other = make_case(world.service)
    assert client.get(f"/staff/cases/{other.reference}/attachments/{photo.pk}/").status_code == 404


def test_the_audit_trail_page(world, make_case, make_staff, signed_in):
    administrator = make_staff(world.team, "administrator")
    case = make_case(world.service)
    page(signed_in(world.colleague), case)
    response = signed_in(administrator).get(f"/staff/cases/{case.reference}/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "colleague@casterbridge.example" in html and "case.view" in html
    assert Case.objects.get(pk=case.pk).version == 1


def test_the_case_page_takes_the_same_queries_however_long_the_timeline(
    world, make_case, make_staff, signed_in, media
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = make_staff(world.team, "administrator")
    case = make_case(world.service)
    client = signed_in(officer)

    def queries():
        with CaptureQueriesContext(connection) as context:
            page(client, case)
        return len(context)

    case_note_add(case=case, actor=officer, body="First")
    attachment_add(case=case, content=PNG, filename="one.png", actor=officer)
    make_case(world.service)
    case_assign(case=case, assignee=officer, actor=officer)
    few = queries()
    for n in range(8):
        case_note_add(case=case, actor=world.colleague, body=f"Note {n}")
        case_public_update(case=case, actor=officer, body=f"Update {n}")
        attachment_add(case=case, content=PNG + bytes([n]), filename=f"{n}.png", actor=officer)
        make_case(world.service)
    case_assign(case=case, assignee=world.colleague, actor=officer)
    assert queries() == few
