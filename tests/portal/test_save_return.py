"""Save and come back later: a signed-in resident's half-finished form outlives their session."""

# The pages use GOV.UK typography: curly quotes and apostrophes.

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from borough.cases.models import Case
from borough.catalogue.services import form_publish
from borough.portal.models import SavedJourney
from borough.portal.selectors import saved_journey_for_resident, saved_journeys_for_resident
from borough.portal.services import saved_journey_save, saved_journeys_expire
from borough.portal.uploads import upload_delete
from tests.conftest import SIMPLE_FORM
from tests.portal.conftest import check_key, png_bytes, url

PHOTO_FORM: dict[str, Any] = {
    "title": "Report a problem",
    "pages": [
        SIMPLE_FORM["pages"][0],
        {
            "id": "photos",
            "questions": [
                {
                    "id": "photos",
                    "type": "file",
                    "label": "Add a photo",
                    "name": "a photo",
                    "validation": {"max_files": 1},
                }
            ],
        },
    ],
}


@pytest.fixture
def service(district, make_service):
    return make_service(
        district, code="report-a-problem", name="Report a problem", identity="account"
    )


@pytest.fixture
def resident(make_resident):
    return make_resident(email="ada@example.com", full_name="Ada Resident")


def signed_in(user: Any) -> Client:
    """A new browser (a new session) signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def test_a_signed_in_residents_answers_are_saved_as_they_go(service, resident):
    client = signed_in(resident)
    response = client.post(url(service, "kind"), {"kind": "large"})
    assert response["Location"] == url(service, "details")

    saved = SavedJourney.objects.get(user=resident, service=service)
    assert saved.answers == {"kind": "large"}
    assert saved.completed == ["kind"]
    assert saved.form_version == 1

    # An answer with errors is kept too (as typed), but the step is not finished.
    client.post(url(service, "kind"), {"kind": ""})
    saved.refresh_from_db()
    assert saved.answers == {"kind": ""}
    assert saved.completed == ["kind"]


def test_after_the_session_is_lost_the_resident_continues_where_they_left_off(service, resident):
    first = signed_in(resident)
    first.post(url(service, "kind"), {"kind": "large"})

    # A new session (timed out, another device, signed in again).
    second = signed_in(resident)
    # The form's pages lead to the start page, which offers to continue or start again.
    assert second.get(url(service, "details"))["Location"] == url(service)
    assert second.get(url(service, "check"))["Location"] == url(service)
    start = second.get(url(service))
    assert "You have a saved report" in text(start)
    assert 'value="continue"' in text(start) and "Continue where you left off" in text(start)
    assert 'value="restart"' in text(start) and "Start again" in text(start)
    assert "Start now" not in text(start)

    response = second.post(url(service, "saved-answers"), {"choice": "continue"})
    # The first step still to answer, with the answers kept.
    assert response["Location"] == url(service, "details")
    kind_page = second.get(url(service, "kind"))
    assert 'value="large" checked' in text(kind_page)

    second.post(url(service, "details"), {"details": "Bags by the bins"})
    response = second.post(url(service, "check"), {"key": check_key(second, service)})
    case = Case.objects.get()
    assert response["Location"] == f"/service/{service.code}/done/{case.reference}/"
    assert case.resident == resident
    assert case.answers == {"kind": "large", "details": "Bags by the bins"}
    # Sent: the saved form is gone, and the start page offers nothing.
    assert not SavedJourney.objects.exists()
    assert "Continue where you left off" not in text(signed_in(resident).get(url(service)))


def test_start_again_deletes_the_saved_answers(service, resident):
    signed_in(resident).post(url(service, "kind"), {"kind": "large"})
    client = signed_in(resident)
    response = client.post(url(service, "saved-answers"), {"choice": "restart"})
    assert response["Location"] == url(service, "kind")
    assert not SavedJourney.objects.exists()
    page = client.get(url(service, "kind"))
    assert page.status_code == 200
    assert "checked" not in text(page)


def test_choosing_nothing_goes_back_to_the_start_page_and_keeps_the_saved_form(service, resident):
    signed_in(resident).post(url(service, "kind"), {"kind": "large"})
    client = signed_in(resident)
    assert client.post(url(service, "saved-answers"), {})["Location"] == url(service)
    assert client.get(url(service, "saved-answers")).status_code == 405
    assert SavedJourney.objects.get().answers == {"kind": "large"}


def test_sending_deletes_the_saved_form_in_the_same_session(service, resident):
    client = signed_in(resident)
    client.post(url(service, "kind"), {"kind": "small"})
    client.post(url(service, "details"), {"details": ""})
    assert SavedJourney.objects.filter(user=resident).exists()
    client.post(url(service, "check"), {"key": check_key(client, service)})
    assert Case.objects.count() == 1
    assert not SavedJourney.objects.exists()


def test_no_saved_form_for_a_resident_who_is_not_signed_in(district, make_service):
    service = make_service(district, code="report-it", identity="anonymous")
    client = Client()
    client.post(url(service, "kind"), {"kind": "small"})
    client.post(url(service, "details"), {"details": ""})
    assert client.get(url(service, "your-details")).status_code == 200
    assert not SavedJourney.objects.exists()
    # And a new anonymous session starts afresh.
    assert "Start now" in text(Client().get(url(service)))


def test_saved_forms_older_than_30_days_are_ignored_and_deleted(service, resident, district):
    other = signed_in(resident)
    other.post(url(service, "kind"), {"kind": "large"})
    SavedJourney.objects.update(updated_at=timezone.now() - timedelta(days=31))

    assert saved_journey_for_resident(user=resident, service=service) is None
    assert saved_journeys_for_resident(resident) == []
    client = signed_in(resident)
    start = client.get(url(service))
    assert "Continue where you left off" not in text(start)
    assert "Start now" in text(start)
    # Opening the service deleted the resident's stale saved form.
    assert not SavedJourney.objects.exists()
    # And the form pages are open.
    assert client.get(url(service, "kind")).status_code == 200


def test_expiring_deletes_only_the_saved_forms_older_than_30_days(service, resident, make_resident):
    someone = make_resident()
    for user in (resident, someone):
        saved_journey_save(
            user=user,
            service=service,
            form_version=1,
            answers={"kind": "small"},
            place={},
            details={},
            same={},
            completed=["kind"],
        )
    SavedJourney.objects.filter(user=someone).update(
        updated_at=timezone.now() - timedelta(days=30, minutes=1)
    )
    assert saved_journeys_expire() == 1
    assert list(SavedJourney.objects.values_list("user", flat=True)) == [resident.pk]
    assert saved_journeys_expire() == 0


def test_a_new_form_version_keeps_the_saved_answers(service, resident):
    signed_in(resident).post(url(service, "kind"), {"kind": "large"})
    form_publish(
        service=service,
        definition={
            "title": "Report a problem",
            "pages": [
                SIMPLE_FORM["pages"][0],
                {
                    "id": "when",
                    "questions": [{"id": "when", "type": "text", "label": "When was it?"}],
                },
                SIMPLE_FORM["pages"][1],
            ],
        },
    )
    client = signed_in(resident)
    response = client.post(url(service, "saved-answers"), {"choice": "continue"})
    assert response["Location"] == url(service, "when")
    client.post(url(service, "when"), {"when": "Yesterday"})
    client.post(url(service, "details"), {"details": ""})
    client.post(url(service, "check"), {"key": check_key(client, service)})
    case = Case.objects.get()
    assert case.form_version == 2
    assert case.answers["kind"] == "large" and case.answers["when"] == "Yesterday"


def _photo_service(district: Any, make_service: Any) -> Any:
    return make_service(district, code="report-with-photo", identity="account", form=PHOTO_FORM)


def test_a_photo_kept_in_the_temporary_store_comes_back(district, make_service, resident):
    service = _photo_service(district, make_service)
    client = signed_in(resident)
    client.post(url(service, "kind"), {"kind": "small"})
    photo = SimpleUploadedFile("hole.png", png_bytes(120, 120), content_type="image/png")
    client.post(url(service, "photos"), {"photos": photo})
    assert len(SavedJourney.objects.get().answers["photos"]) == 1

    again = signed_in(resident)
    response = again.post(url(service, "saved-answers"), {"choice": "continue"})
    assert response["Location"] == url(service, "check")
    assert "hole.png" in text(again.get(url(service, "check")))


def test_a_photo_whose_temporary_copy_is_gone_must_be_added_again(district, make_service, resident):
    service = _photo_service(district, make_service)
    client = signed_in(resident)
    client.post(url(service, "kind"), {"kind": "small"})
    photo = SimpleUploadedFile("hole.png", png_bytes(120, 120), content_type="image/png")
    client.post(url(service, "photos"), {"photos": photo})
    [token] = SavedJourney.objects.get().answers["photos"]
    upload_delete(token)

    again = signed_in(resident)
    response = again.post(url(service, "saved-answers"), {"choice": "continue"})
    assert response["Location"] == url(service, "photos")
    page = again.get(url(service, "photos"))
    assert "hole.png" not in text(page)
    # The other answers are kept.
    assert 'value="small" checked' in text(again.get(url(service, "kind")))


def test_the_account_page_snippet_lists_saved_requests_not_sent(service, resident, make_resident):
    signed_in(resident).post(url(service, "kind"), {"kind": "large"})
    request = RequestFactory().get("/account/")
    request.user = resident
    html = render_to_string("portal/saved_journeys.html", request=request)
    assert "Saved requests you have not sent" in html
    assert f'href="/service/{service.code}/"' in html
    assert "Report a problem" in html

    request.user = make_resident()
    assert "Saved requests" not in render_to_string("portal/saved_journeys.html", request=request)


def test_a_saved_form_of_a_service_no_longer_offered_is_not_listed(service, resident):
    signed_in(resident).post(url(service, "kind"), {"kind": "large"})
    service.is_active = False
    service.save(update_fields=["is_active"])
    assert saved_journeys_for_resident(resident) == []
