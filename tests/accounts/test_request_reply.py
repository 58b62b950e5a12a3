"""The resident's reply on their request page: shown while the council waits for them, with
the question; text and an optional photo; errors GOV.UK style; nobody else's request."""

# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from borough.cases.models import Attachment, EventKind, Status
from borough.cases.services import case_request_information, case_status_change
from borough.catalogue.services import case_status_create
from borough.contacts.models import Contact
from tests.accounts.conftest import error_summary, html
from tests.backoffice.test_case_statuses import photo_png


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def officer(service, make_staff):
    return make_staff(service.default_team, "caseworker", email="sam.officer@casterbridge.example")


@pytest.fixture
def alex(make_resident):
    return make_resident(email="alex@example.com", full_name="Alex Resident")


@pytest.fixture
def waiting(service, make_case, alex, officer):
    case = make_case(service, resident=alex)
    case_request_information(
        case=case,
        actor=officer,
        question="Is the waste blocking the pavement?",
        expected_version=None,
    )
    case.refresh_from_db()
    return case


def url(case):
    return f"/account/requests/{case.reference}/"


def test_a_waiting_request_shows_the_question_and_a_reply_form(waiting, alex, signed_in):
    response = signed_in(alex).get(url(waiting))
    assert response.status_code == 200
    page = html(response)
    assert "We need more information" in page
    assert "Casterbridge District Council asked:" in page
    assert "Is the waste blocking the pavement?" in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<label class="govuk-label" for="body">Your reply</label>' in page
    assert 'type="file" accept="image/jpeg,image/png"' in page
    assert '<strong class="govuk-tag govuk-tag--yellow">Waiting for you</strong>' in page


def test_the_resident_replies_and_the_case_goes_back_to_the_council(
    waiting, alex, signed_in, media
):
    client = signed_in(alex)
    response = client.post(
        url(waiting),
        {
            "body": "Yes, people have to walk in the road.",
            "photo": SimpleUploadedFile("pavement.png", photo_png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(waiting)
    waiting.refresh_from_db()
    assert waiting.status == Status.OPEN
    assert waiting.sla_paused_at is None
    reply = waiting.events.get(kind=EventKind.RESIDENT_REPLIED)
    assert (reply.actor, reply.body, reply.public, reply.data["channel"]) == (
        alex,
        "Yes, people have to walk in the road.",
        False,
        "web",
    )
    photo = Attachment.objects.get(case=waiting)
    # The resident's photo is for the council, not the public.
    assert (photo.public, photo.uploaded_by, photo.event) == (False, alex, reply)
    assert Contact.objects.filter(case=waiting, channel="web", resident=alex).count() == 2

    page = html(client.get(url(waiting)))
    assert "Your reply has been sent" in page
    assert "We need more information" not in page  # no longer waiting
    assert "Yes, people have to walk in the road." in page  # on their timeline, as theirs
    assert "Reply</h3>" in page
    assert "by You" in page


def test_a_reply_needs_words(waiting, alex, signed_in):
    since = waiting.events.count()
    response = signed_in(alex).post(url(waiting), {"body": "   "})
    assert response.status_code == 400
    assert error_summary(response) == [("#body", "Enter your reply")]
    page = html(response)
    assert 'id="body-error"' in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING
    assert waiting.events.count() == since


def test_a_photo_that_is_not_a_photo_is_refused_and_nothing_is_sent(
    waiting, alex, signed_in, media
):
    response = signed_in(alex).post(
        url(waiting),
        {
            "body": "Here it is",
            "photo": SimpleUploadedFile("photo.png", b"not a picture", content_type="image/png"),
        },
    )
    assert response.status_code == 400
    assert error_summary(response) == [("#photo", "The selected file must be a JPG or PNG")]
    assert "Here it is" in html(response)  # what they typed is kept
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING
    assert not waiting.events.filter(kind=EventKind.RESIDENT_REPLIED).exists()
    assert not Attachment.objects.exists()


def test_a_photo_the_case_refuses_leaves_nothing_behind(waiting, alex, signed_in, media):
    response = signed_in(alex).post(
        url(waiting),
        {
            "body": "Here it is",
            "photo": SimpleUploadedFile("tiny.png", photo_png(10, 10), content_type="image/png"),
        },
    )
    assert response.status_code == 400
    assert [anchor for anchor, _ in error_summary(response)] == ["#photo"]
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING
    assert not waiting.events.filter(kind=EventKind.RESIDENT_REPLIED).exists()


def test_another_residents_request_is_not_found(waiting, make_resident, signed_in, officer):
    someone = signed_in(make_resident(email="sam@example.com"))
    assert someone.get(url(waiting)).status_code == 404
    assert someone.post(url(waiting), {"body": "Mine now"}).status_code == 404
    # Staff are not the resident either: their own account has no such request.
    assert signed_in(officer).post(url(waiting), {"body": "As staff"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING
    assert not waiting.events.filter(kind=EventKind.RESIDENT_REPLIED).exists()


def test_signed_out_the_reply_asks_you_to_sign_in(waiting, client):
    response = client.post(url(waiting), {"body": "Hello"})
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")
    assert not waiting.events.filter(kind=EventKind.RESIDENT_REPLIED).exists()


def test_no_reply_form_unless_the_council_is_waiting(service, make_case, alex, signed_in):
    case = make_case(service, resident=alex)
    client = signed_in(alex)
    assert "We need more information" not in html(client.get(url(case)))
    # A reply sent anyway (a second tab, a double click) writes nothing.
    response = client.post(url(case), {"body": "Hello"})
    assert response.status_code == 302
    assert not case.events.filter(kind=EventKind.RESIDENT_REPLIED).exists()


def test_the_request_page_shows_the_councils_name_for_the_status(
    service, make_case, alex, officer, signed_in
):
    crew = case_status_create(
        organisation=service.organisation,
        service=service,
        name="Crew booked",
        base_status="action_scheduled",
    )
    case = make_case(service, resident=alex)
    case_status_change(case=case, named_status=crew, actor=officer, public_message="Friday")
    page = html(signed_in(alex).get(url(case)))
    assert '<strong class="govuk-tag govuk-tag--turquoise">Crew booked</strong>' in page
    assert "Status changed to ‘Crew booked’" in page
