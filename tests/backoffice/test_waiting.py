"""Waiting for the resident, through the case page: ask for information, record the reply
given by phone or letter; and the SLA tags (Overdue, Escalated) the page shows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from borough.cases.models import Case, EventKind, Status
from borough.cases.services import case_close, case_request_information
from borough.cases.sla import sla_check_run
from borough.contacts.models import Contact, Outcome
from tests.backoffice.test_case_page import banner, last_event_id, new_events, page, post

LONDON = ZoneInfo("Europe/London")


def ask(client, case, question="When does the noise start?", version=None):
    return post(
        client,
        case,
        "request-information",
        {
            "information-question": question,
            "information-version": case.version if version is None else version,
        },
    )


def reply(client, case, body="Every night", channel="phone", version=None):
    return post(
        client,
        case,
        "resident-reply",
        {
            "reply-channel": channel,
            "reply-body": body,
            "reply-version": case.version if version is None else version,
        },
    )


def test_asking_the_resident_makes_the_case_wait_with_its_clock_stopped(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team)
    client = signed_in(officer)
    case = make_case(world.service)
    html = page(client, case)
    assert "Ask the resident for information" in html
    assert "Record the resident's reply" not in html  # only while waiting

    response = ask(client, case)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/cases/{case.reference}/"
    assert (
        banner(client, case) == "Question sent to the resident. The case is waiting for their reply"
    )
    case.refresh_from_db()
    assert case.status == Status.WAITING
    assert case.sla_paused_at is not None
    event = case.events.get(kind=EventKind.INFORMATION_REQUESTED)
    assert (event.public, event.body, event.actor) == (True, "When does the noise start?", officer)

    html = page(client, case)
    assert "Clock stopped since" in html
    assert "Record the resident's reply" in html
    assert '<strong class="govuk-tag govuk-tag--green">Question for the resident</strong>' in html


def test_asking_with_no_question_shows_an_error_and_changes_nothing(
    world, make_case, make_staff, signed_in
):
    officer = make_staff(world.team)
    client = signed_in(officer)
    case = make_case(world.service)
    since = last_event_id(case)
    response = ask(client, case, question="  ")
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<a href="#information-question">Enter what you need to know from the resident</a>' in html
    )
    assert 'id="information-question-error"' in html
    assert new_events(case, since) == []
    assert Case.objects.get(pk=case.pk).status == Status.OPEN


def test_asking_from_a_stale_page_is_refused(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    client = signed_in(officer)
    case = make_case(world.service)
    response = ask(client, case, version=case.version + 1)
    assert response.status_code == 409
    assert "This case was changed by someone else after you opened it" in response.content.decode()
    assert Case.objects.get(pk=case.pk).sla_paused_at is None


@pytest.mark.parametrize("role", ["advisor", "auditor"])
def test_roles_without_change_status_may_not_ask(world, make_case, make_staff, signed_in, role):
    client = signed_in(make_staff(world.team, role))
    case = make_case(world.service)
    assert "Ask the resident for information" not in page(client, case)
    since = last_event_id(case)
    assert ask(client, case).status_code == 403
    assert new_events(case, since) == []
    assert Case.objects.get(pk=case.pk).status == Status.OPEN


def test_a_closed_case_offers_no_question_and_refuses_one(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    client = signed_in(officer)
    case = make_case(world.service)
    case_close(case=case, actor=officer, resolution="Done")
    case.refresh_from_db()
    assert "Ask the resident for information" not in page(client, case)
    response = ask(client, case)
    assert response.status_code == 400
    assert "This case is closed" in response.content.decode()


def test_an_advisor_records_a_reply_taken_by_phone(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    advisor = make_staff(world.team, "advisor")
    case = make_case(world.service)
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=LONDON), tick=False):
        Case.objects.filter(pk=case.pk).update(sla_due_at=datetime(2026, 3, 9, 10, tzinfo=LONDON))
        case.refresh_from_db()
        case_request_information(
            case=case, actor=officer, question="When?", expected_version=case.version
        )
    case.refresh_from_db()
    client = signed_in(advisor)
    with time_machine.travel(datetime(2026, 3, 3, 10, tzinfo=LONDON), tick=False):
        response = reply(client, case, body="  Every night at 11pm  ")
    assert response.status_code == 302
    assert banner(client, case) == "Reply from the resident added"
    case.refresh_from_db()
    assert case.status == Status.OPEN and case.sla_paused_at is None
    assert case.sla_due_at == datetime(2026, 3, 10, 10, tzinfo=LONDON)  # one working day later
    event = case.events.get(kind=EventKind.RESIDENT_REPLIED)
    assert (event.public, event.body, event.actor) == (False, "Every night at 11pm", advisor)
    assert event.data["resident_visible"] is True
    contact = Contact.objects.get(case=case, outcome=Outcome.CASE_UPDATED)
    assert (contact.channel, contact.staff, contact.organisation) == (
        "phone",
        advisor,
        world.district,
    )
    html = page(client, case)
    assert '<strong class="govuk-tag govuk-tag--blue">From the resident</strong>' in html
    assert f"By phone, written down by {advisor.full_name}" in html
    assert "The clock restarted: now due 10 March 2026 at 10am" in html


@pytest.mark.parametrize(
    ("data", "anchor", "message"),
    [
        (
            {"reply-channel": "", "reply-body": "Yes"},
            "reply-channel",
            "Select how the resident replied",
        ),
        (
            {"reply-channel": "web", "reply-body": "Yes"},
            "reply-channel",
            "Select how the resident replied",
        ),
        (
            {"reply-channel": "letter", "reply-body": " "},
            "reply-body",
            "Enter the resident&#x27;s reply",
        ),
    ],
)
def test_recording_a_reply_errors(world, make_case, make_staff, signed_in, data, anchor, message):
    officer = make_staff(world.team)
    client = signed_in(officer)
    case = make_case(world.service)
    case_request_information(case=case, actor=officer, question="When?", expected_version=1)
    case.refresh_from_db()
    since = last_event_id(case)
    response = post(client, case, "resident-reply", {**data, "reply-version": case.version})
    assert response.status_code == 400
    assert f'<a href="#{anchor}">{message}</a>' in response.content.decode()
    assert new_events(case, since) == []
    assert not Contact.objects.filter(outcome=Outcome.CASE_UPDATED).exists()
    assert Case.objects.get(pk=case.pk).status == Status.WAITING


@pytest.mark.parametrize("role", ["auditor", "contractor"])
def test_roles_without_add_note_may_not_record_a_reply(
    world, make_case, make_staff, signed_in, role
):
    officer = make_staff(world.team)
    user = make_staff(world.team, role)
    case = make_case(world.service)
    case_request_information(case=case, actor=officer, question="When?", expected_version=1)
    if role == "contractor":
        from borough.cases.services import case_assign

        case_assign(case=case, assignee=user, actor=officer)
    case.refresh_from_db()
    client = signed_in(user)
    assert "Record the resident's reply" not in page(client, case)
    assert reply(client, case).status_code == 403
    assert Case.objects.get(pk=case.pk).status == Status.WAITING
    assert not case.events.filter(kind=EventKind.RESIDENT_REPLIED).exists()


def test_the_status_form_does_not_offer_waiting(world, make_case, make_staff, signed_in):
    client = signed_in(make_staff(world.team))
    case = make_case(world.service)
    html = page(client, case)
    status_form = html[html.index('id="status-status"') :]
    status_form = status_form[: status_form.index("</select>")]
    assert 'value="waiting"' not in status_form
    assert 'value="in_progress"' in status_form


def test_an_escalated_case_is_tagged_overdue_and_escalated(world, make_case, make_staff, signed_in):
    officer = make_staff(world.team)
    leader = make_staff(world.team, "team_leader", email="lee@casterbridge.example")
    client = signed_in(officer)
    case = make_case(world.service)
    Case.objects.filter(pk=case.pk).update(sla_due_at=datetime(2026, 1, 5, 10, tzinfo=LONDON))
    html = page(client, case)
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert "Escalated</strong>" not in html

    sla_check_run()
    html = page(client, case)
    assert '<strong class="govuk-tag govuk-tag--orange">Escalated</strong>' in html
    assert "Target time passed" in html
    assert f"Escalated to the team leader: {leader.email}" in html
    queue = client.get("/staff/queues/overdue/").content.decode()
    assert '<strong class="govuk-tag govuk-tag--orange">Escalated</strong>' in queue
