"""Deleting an account: the council keeps the cases, the resident's personal data goes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from borough.accounts.models import ResidentProfile, SignInAttempt, User
from borough.accounts.services import AccountInvalid, resident_delete, resident_profile_update
from borough.cases.models import Case, CaseFollower
from borough.cases.services import case_follow
from borough.core.models import AuditEntry
from tests.accounts.conftest import PASSWORD, error_summary, html


@pytest.fixture
def alex(make_resident, make_property):
    alex = make_resident(email="alex@example.com", full_name="Alex Resident")
    alex.email_verified_at = timezone.now()
    alex.save()
    home = make_property(uprn="100040000201", postcode="DT1 1UZ")
    resident_profile_update(user=alex, phone="01305 251010", uprn=home.uprn)
    return alex


def test_the_delete_page(alex, signed_in):
    page = html(signed_in(alex).get("/account/delete/"))
    assert "Delete your account" in page
    assert "You cannot undo this." in page
    assert 'class="govuk-button govuk-button--warning"' in page


def test_deleting_keeps_the_cases_and_removes_personal_data(
    alex,
    service,
    make_case,
    make_resident,
    signed_in,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    by_account = make_case(service, resident=alex, reporter_phone="01305 251010")
    by_email = make_case(service, reporter_email="alex@example.com", reporter_name="Alex R")
    others = make_case(service, reporter_email="rita@example.com", reporter_name="Rita")
    sam = make_resident(email="sam@example.com")
    sams = make_case(service, resident=sam)
    case_follow(case=others, email="alex@example.com", user=alex)
    case_follow(case=others, email="sam@example.com", user=sam)
    SignInAttempt.objects.create(email="alex@example.com", ip="192.0.2.1")
    versions = {case.pk: case.version for case in (by_account, by_email, others, sams)}

    client = signed_in(alex)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/account/deleted/"
    assert "_auth_user_id" not in client.session
    assert "Your account has been deleted" in html(client.get("/account/deleted/"))

    user = User.objects.get(pk=alex.pk)
    assert user.email.startswith(f"deleted-{alex.pk}-") and user.email.endswith("@deleted.invalid")
    assert (user.full_name, user.pending_email, user.is_active) == ("", "", False)
    assert user.email_verified_at is None
    assert not user.has_usable_password()
    assert not ResidentProfile.objects.filter(user=user).exists()

    # The cases stay, without the resident's details.
    for case in (by_account, by_email):
        case.refresh_from_db()
        assert (case.resident, case.reporter_name, case.reporter_email, case.reporter_phone) == (
            None,
            "",
            "",
            "",
        )
        assert case.version == versions[case.pk] + 1
        assert case.events.count() == 2
    assert Case.objects.count() == 4
    # Other people's cases and follows are untouched.
    others.refresh_from_db()
    sams.refresh_from_db()
    assert (others.reporter_name, others.reporter_email) == ("Rita", "rita@example.com")
    assert others.version == versions[others.pk]
    assert sams.resident == sam and sams.reporter_email == "sam@example.com"
    assert list(CaseFollower.objects.values_list("email", flat=True)) == ["sam@example.com"]
    assert not SignInAttempt.objects.filter(email="alex@example.com").exists()

    entry = AuditEntry.objects.get(action="account.delete")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        alex.pk,
        "accounts.user",
        str(alex.pk),
    )
    assert entry.detail == {"cases": 2, "followers": 1, "answers": 0, "notifications": 2}
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["alex@example.com"], "Your account has been deleted")
    ]

    # Nobody can sign in as them any more, and their address is free to register again.
    response = Client().post("/sign-in/", {"email": "alex@example.com", "password": PASSWORD})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/register/",
            {"full_name": "Alex Again", "email": "alex@example.com", "password": PASSWORD},
        )
    assert User.objects.filter(email="alex@example.com", is_active=True).count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [("", "Enter your password"), ("wrong password", "Enter the correct password")],
)
def test_deleting_needs_the_password(alex, signed_in, mailoutbox, password, message):
    client = signed_in(alex)
    response = client.post("/account/delete/", {"password": password})
    assert response.status_code == 400
    assert error_summary(response) == [("#password", message)]
    alex.refresh_from_db()
    assert alex.is_active and alex.email == "alex@example.com"
    assert ResidentProfile.objects.filter(user=alex).exists()
    assert not AuditEntry.objects.filter(action="account.delete").exists()
    assert client.session.get("_auth_user_id") == str(alex.pk)
    assert mailoutbox == []


def test_deleting_is_a_post(alex, signed_in):
    client = signed_in(alex)
    assert client.get("/account/delete/").status_code == 200
    alex.refresh_from_db()
    assert alex.is_active


def test_a_staff_account_cannot_be_deleted_here(district, make_team, make_staff, signed_in):
    officer = make_staff(make_team(district), email="officer@casterbridge.example")
    response = signed_in(officer).post("/account/delete/", {"password": PASSWORD})
    assert response.status_code == 400
    assert error_summary(response) == [
        (
            "#password",
            "A staff account cannot be deleted here. Ask your Borough administrator.",
        )
    ]
    officer.refresh_from_db()
    assert officer.is_active and officer.email == "officer@casterbridge.example"


def test_the_service_refuses_to_delete_twice(alex):
    resident_delete(user=alex)
    with pytest.raises(AccountInvalid):
        resident_delete(user=User.objects.get(pk=alex.pk))
    assert AuditEntry.objects.filter(action="account.delete").count() == 1


def test_deleting_removes_saved_unsent_forms(alex, service):
    from borough.portal.models import SavedJourney
    from borough.portal.services import saved_journey_save

    saved_journey_save(
        user=alex,
        service=service,
        form_version=1,
        answers={"what": "A sofa"},
        place={},
        details={},
        same={},
        completed=[],
    )
    resident_delete(user=alex)
    assert not SavedJourney.objects.filter(user=alex).exists()


DETAILS_FORM = {
    "title": "Report a problem",
    "pages": [
        {
            "id": "problem",
            "questions": [
                {"id": "details", "type": "textarea", "label": "Describe the problem"},
                {"id": "where", "type": "address", "label": "Where is the problem?"},
            ],
        },
        {
            "id": "you",
            "title": "Your details",
            "questions": [
                {"id": "name", "type": "text", "label": "Your name", "personal": True},
                {"id": "home", "type": "address", "label": "Your address", "personal": True},
                {"id": "mail", "type": "email", "label": "Email address", "required": False},
                {"id": "tel", "type": "phone", "label": "Telephone number", "required": False},
            ],
        },
    ],
}
DETAILS_ANSWERS = {
    "details": "A pothole outside the school",
    "where": {"uprn": None, "text": "1 High West Street, Dorchester, DT1 1UZ"},
    "name": "Alex Resident",
    "home": {"uprn": None, "text": "2 Acland Road, Dorchester, DT1 1JW"},
    "mail": "alex@example.com",
    "tel": "07700900982",
}


def test_deleting_removes_the_residents_own_answers_and_keeps_the_rest(
    alex, district, make_team, make_service, make_case
):
    service = make_service(district, form=DETAILS_FORM, default_team=make_team(district))
    theirs = make_case(service, resident=alex, answers=dict(DETAILS_ANSWERS))
    rita = make_case(service, answers=dict(DETAILS_ANSWERS))

    resident_delete(user=alex)

    theirs.refresh_from_db()
    # What the council needs to work the case stays; the resident's own details go.
    assert theirs.answers == {
        "details": "A pothole outside the school",
        "where": {"uprn": None, "text": "1 High West Street, Dorchester, DT1 1UZ"},
    }
    rita.refresh_from_db()
    assert set(rita.answers) == set(DETAILS_ANSWERS)
    assert AuditEntry.objects.get(action="account.delete").detail["answers"] == 4


def test_deleting_empties_the_emails_sent_to_the_resident(
    alex, service, make_case, make_staff, make_team, django_capture_on_commit_callbacks
):
    from borough.cases.services import case_public_update
    from borough.notify.models import Notification, NotificationStatus

    officer = make_staff(service.default_team, email="officer@casterbridge.example")
    with django_capture_on_commit_callbacks(execute=True):
        sent = make_case(service, resident=alex, reporter_email="alex@example.com")
    followed = make_case(service)
    case_follow(case=followed, email="Alex@Example.com")
    # Written, not sent yet: the follower's update, and Rita's.
    case_public_update(case=followed, actor=officer, body="We have cleared it, Alex")
    ritas = Notification.objects.get(
        recipient_email="rita@example.com", event__body__contains="Alex"
    )
    assert Notification.objects.filter(recipient_email="alex@example.com").count() == 2
    assert Notification.objects.get(case=sent).status == NotificationStatus.SENT

    resident_delete(user=alex)

    scrubbed = Notification.objects.exclude(recipient_email="rita@example.com")
    assert scrubbed.count() == 2
    for notification in scrubbed:
        assert (notification.recipient_email, notification.recipient_user) == ("", None)
        assert (notification.body_text, notification.body_html) == ("", "")
        assert notification.unsubscribe_token == ""
        assert "alex" not in notification.idempotency_key.lower()
        assert notification.subject  # the reference and what happened stay, for counts
    statuses = dict(scrubbed.values_list("case_id", "status"))
    # Sent stays sent; the one not sent yet is never sent.
    assert statuses == {sent.pk: NotificationStatus.SENT, followed.pk: NotificationStatus.CANCELLED}
    # Another person's email is untouched.
    ritas.refresh_from_db()
    assert ritas.recipient_email == "rita@example.com" and ritas.body_text
    assert ritas.status == NotificationStatus.PENDING


def test_deleting_unlinks_contacts_and_clears_notes_not_on_a_case(alex, service, make_case):
    from borough.contacts.models import Contact
    from borough.contacts.services import contact_log

    case = make_case(service, resident=alex)
    on_case = contact_log(
        organisation=service.organisation,
        channel="phone",
        outcome="case_updated",
        resident=alex,
        case=case,
        notes="Asked when the crew will come",
    )
    alone = contact_log(
        organisation=service.organisation,
        channel="phone",
        outcome="information_given",
        resident=alex,
        notes="Alex at 2 Acland Road asked about their council tax",
    )

    resident_delete(user=alex)

    on_case.refresh_from_db()
    alone.refresh_from_db()
    assert (on_case.resident, on_case.notes) == (None, "Asked when the crew will come")
    assert (alone.resident, alone.notes) == (None, "")
    assert Contact.objects.count() - Contact.objects.filter(resident__isnull=True).count() == 0
