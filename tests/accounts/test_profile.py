"""Your details: name, phone, how we contact you, address, help you need, and email address."""

# ruff: noqa: RUF001

from __future__ import annotations

import pytest
from django.utils import timezone

from borough.accounts.models import ResidentProfile, User
from borough.accounts.services import AccountInvalid, resident_profile_update
from borough.core.models import AuditEntry
from tests.accounts.conftest import PASSWORD, error_summary, html, link_in


@pytest.fixture
def alex(make_resident):
    return make_resident(email="alex@example.com", full_name="Alex Resident")


@pytest.fixture
def client(alex, signed_in):
    return signed_in(alex)


def profile_of(user) -> ResidentProfile:
    return ResidentProfile.objects.get(user=user)


def test_your_details(client, alex):
    response = client.get("/account/profile/")
    assert response.status_code == 200
    page = html(response)
    assert "no-store" in response["Cache-Control"]
    for text in ("Alex Resident", "alex@example.com", "Not confirmed yet", "Email", "Not given"):
        assert text in page
    for path in ("name", "phone", "contact", "address", "help", "email"):
        assert f'href="/account/profile/{path}/"' in page
    assert 'href="/account/delete/"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/account/profile/",
        "/account/profile/name/",
        "/account/profile/phone/",
        "/account/profile/contact/",
        "/account/profile/address/",
        "/account/profile/address/choose/?postcode=DT1+1UZ",
        "/account/profile/help/",
        "/account/profile/help/details/",
        "/account/profile/email/",
        "/account/delete/",
    ],
)
def test_every_details_page_needs_signing_in(db, path):
    from django.test import Client

    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


def test_change_name(client, alex):
    assert 'value="Alex Resident"' in html(client.get("/account/profile/name/"))
    response = client.post("/account/profile/name/", {"full_name": ""})
    assert response.status_code == 400
    assert error_summary(response) == [("#full_name", "Enter your full name")]
    assert "<title>Error: What is your full name?" in html(response)
    response = client.post("/account/profile/name/", {"full_name": "  Alex Smith "})
    assert response["Location"] == "/account/profile/"
    alex.refresh_from_db()
    assert alex.full_name == "Alex Smith"
    assert "Your name has been changed" in html(client.get("/account/profile/"))


def test_change_phone(client, alex):
    response = client.post("/account/profile/phone/", {"phone": "12345"})
    assert response.status_code == 400
    assert error_summary(response) == [
        (
            "#phone",
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        )
    ]
    assert profile_of(alex).phone == ""
    response = client.post("/account/profile/phone/", {"phone": "+44 7700 900 982"})
    assert response.status_code == 302
    assert profile_of(alex).phone == "07700900982"
    client.post("/account/profile/phone/", {"phone": ""})
    assert profile_of(alex).phone == ""


def test_change_contact_preference(client, alex):
    page = html(client.get("/account/profile/contact/"))
    assert (
        'id="contact_preference" name="contact_preference" type="radio" value="email" checked'
        in page
    )
    response = client.post("/account/profile/contact/", {})
    assert error_summary(response) == [
        ("#contact_preference", "Select how you would like us to contact you")
    ]
    response = client.post("/account/profile/contact/", {"contact_preference": "text"})
    assert error_summary(response) == [
        (
            "#contact_preference",
            "Add a phone number before choosing to be contacted by phone or text message",
        )
    ]
    response = client.post("/account/profile/contact/", {"contact_preference": "post"})
    assert error_summary(response) == [
        ("#contact_preference", "Add your address before choosing to be contacted by post")
    ]
    assert profile_of(alex).contact_preference == "email"
    client.post("/account/profile/phone/", {"phone": "01305 251010"})
    response = client.post("/account/profile/contact/", {"contact_preference": "text"})
    assert response.status_code == 302
    assert profile_of(alex).contact_preference == "text"
    # Now the phone number cannot be removed without choosing another way first.
    response = client.post("/account/profile/phone/", {"phone": ""})
    assert error_summary(response) == [
        ("#phone", "Enter a phone number, or choose another way for us to contact you first")
    ]
    assert profile_of(alex).phone == "01305251010"


def test_change_address_through_the_gazetteer(client, alex, make_property):
    home = make_property(uprn="100040000101", paon="3", postcode="DT1 1UZ")
    make_property(uprn="100040000102", paon="5", postcode="DT1 1UZ")
    elsewhere = make_property(uprn="100040000103", paon="7", postcode="DT1 2AA")

    response = client.post("/account/profile/address/", {"postcode": ""})
    assert error_summary(response) == [("#postcode", "Enter a postcode")]
    response = client.post("/account/profile/address/", {"postcode": "not a postcode"})
    assert error_summary(response) == [("#postcode", "Enter a real postcode")]
    response = client.post("/account/profile/address/", {"postcode": "dt11uz"})
    assert response["Location"] == "/account/profile/address/choose/?postcode=DT1+1UZ"

    page = html(client.get(response["Location"]))
    assert "2 addresses found" in page
    assert '<option value="100040000101">3 High West Street, Dorchester, DT1 1UZ</option>' in page
    assert elsewhere.uprn not in page

    response = client.post("/account/profile/address/choose/?postcode=DT1+1UZ", {"uprn": ""})
    assert error_summary(response) == [("#uprn", "Select an address from the list")]
    # An address at another postcode is not in the list.
    response = client.post(
        "/account/profile/address/choose/?postcode=DT1+1UZ", {"uprn": elsewhere.uprn}
    )
    assert error_summary(response) == [("#uprn", "Select an address from the list")]
    assert profile_of(alex).property is None

    response = client.post("/account/profile/address/choose/?postcode=DT1+1UZ", {"uprn": home.uprn})
    assert response["Location"] == "/account/profile/"
    profile = profile_of(alex)
    assert profile.property == home
    assert profile.address_text == "3 High West Street, Dorchester, DT1 1UZ"
    assert "3 High West Street, Dorchester, DT1 1UZ" in html(client.get("/account/profile/"))


def test_a_postcode_with_no_addresses(client, db):
    page = html(client.get("/account/profile/address/choose/?postcode=DT9+9ZZ"))
    assert "We cannot find any addresses for DT9 9ZZ" in page
    assert client.get("/account/profile/address/choose/?postcode=rubbish")["Location"] == (
        "/account/profile/address/"
    )


def test_change_help_needed(client, alex):
    page = html(client.get("/account/profile/help/"))
    assert 'value="no" checked' in page
    response = client.post("/account/profile/help/", {})
    assert error_summary(response) == [
        ("#needs_assistance", "Select yes if you need help to use council services")
    ]
    # Yes asks what help, on a page of its own; nothing is saved until then.
    response = client.post("/account/profile/help/", {"needs_assistance": "yes"})
    assert response["Location"] == "/account/profile/help/details/"
    assert profile_of(alex).needs_assistance is False
    response = client.post("/account/profile/help/details/", {"assistance_notes": "  "})
    assert error_summary(response) == [("#assistance_notes", "Enter what help you need")]
    assert "<title>Error: What help do you need?" in html(response)
    assert profile_of(alex).needs_assistance is False
    response = client.post(
        "/account/profile/help/details/", {"assistance_notes": "Large print letters, please"}
    )
    assert response["Location"] == "/account/profile/"
    profile = profile_of(alex)
    assert (profile.needs_assistance, profile.assistance_notes) == (
        True,
        "Large print letters, please",
    )
    assert 'value="yes" checked' in html(client.get("/account/profile/help/"))
    # No clears what they told us.
    response = client.post("/account/profile/help/", {"needs_assistance": "no"})
    assert response["Location"] == "/account/profile/"
    profile = profile_of(alex)
    assert (profile.needs_assistance, profile.assistance_notes) == (False, "")


def test_a_staff_member_without_a_profile_gets_one(district, make_team, make_staff, signed_in):
    officer = make_staff(make_team(district))
    client = signed_in(officer)
    assert client.get("/account/profile/").status_code == 200
    client.post("/account/profile/phone/", {"phone": "01305 251010"})
    assert profile_of(officer).phone == "01305251010"


def test_the_service_changes_only_what_it_is_given(alex):
    resident_profile_update(user=alex, phone="01305 251010")
    resident_profile_update(user=alex, contact_preference="phone")
    profile = profile_of(alex)
    assert (profile.phone, profile.contact_preference) == ("01305251010", "phone")
    with pytest.raises(AccountInvalid) as excinfo:
        resident_profile_update(user=alex, full_name="", uprn="999999999999")
    assert excinfo.value.errors == {
        "full_name": "Enter your full name",
        "uprn": "Select an address from the list",
    }
    alex.refresh_from_db()
    assert alex.full_name == "Alex Resident"


# -- Changing the email address -------------------------------------------------------------


def test_change_email_needs_confirming_from_the_new_address(
    client, alex, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/profile/email/", {"email": "Alex.New@Example.com", "password": PASSWORD}
        )
    assert response["Location"] == "/account/profile/"
    alex.refresh_from_db()
    # Nothing changes until the new address is confirmed.
    assert (alex.email, alex.pending_email) == ("alex@example.com", "alex.new@example.com")
    page = html(client.get("/account/profile/"))
    assert "Changing to alex.new@example.com when you confirm it" in page
    assert "Confirm your email address" in page
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["alex.new@example.com"], "Confirm your email address")
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(link_in(mailoutbox[0]))
    assert response.status_code == 200 and "Email address changed" in html(response)
    alex.refresh_from_db()
    assert (alex.email, alex.pending_email) == ("alex.new@example.com", "")
    assert alex.email_verified_at is not None
    assert AuditEntry.objects.filter(action="account.email_change").count() == 1
    # The old address is told.
    assert (mailoutbox[1].to, mailoutbox[1].subject) == (
        ["alex@example.com"],
        "Your email address has been changed",
    )
    # They now sign in with the new address.
    from django.test import Client

    signed = Client().post("/sign-in/", {"email": "alex.new@example.com", "password": PASSWORD})
    assert signed.status_code == 302


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"email": "", "password": ""},
            [("#email", "Enter your new email address"), ("#password", "Enter your password")],
        ),
        (
            {"email": "nope", "password": PASSWORD},
            [("#email", "Enter an email address in the correct format, like name@example.com")],
        ),
        (
            {"email": "new@example.com", "password": "wrong password"},
            [("#password", "Enter the correct password")],
        ),
        (
            {"email": "alex@example.com", "password": PASSWORD},
            [("#email", "Enter a different email address from the one you use now")],
        ),
    ],
)
def test_change_email_errors(
    client, alex, mailoutbox, django_capture_on_commit_callbacks, data, errors
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/profile/email/", data)
    assert response.status_code == 400
    assert error_summary(response) == errors
    alex.refresh_from_db()
    assert (alex.email, alex.pending_email) == ("alex@example.com", "")
    assert mailoutbox == []


def test_change_email_password_guesses_are_locked_out(client, alex):
    for _ in range(5):
        client.post("/account/profile/email/", {"email": "new@example.com", "password": "wrong"})
    response = client.post(
        "/account/profile/email/", {"email": "new@example.com", "password": PASSWORD}
    )
    assert error_summary(response) == [
        ("#password", "You’ve entered the wrong details too many times. Try again in 15 minutes.")
    ]
    alex.refresh_from_db()
    assert alex.pending_email == ""


def test_changing_to_an_address_another_account_has(
    client, alex, make_resident, mailoutbox, django_capture_on_commit_callbacks
):
    make_resident(email="taken@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/account/profile/email/", {"email": "taken@example.com", "password": PASSWORD}
        )
    # Whether the address has an account is only said to whoever reads its email.
    assert response.status_code == 302
    response = client.get(link_in(mailoutbox[0]))
    assert response.status_code == 400
    assert "Your email address has not been changed" in html(response)
    alex.refresh_from_db()
    assert alex.email == "alex@example.com"
    assert User.objects.filter(email="taken@example.com").count() == 1


def test_an_old_change_link_stops_working_after_another_change(
    client, alex, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/profile/email/", {"email": "one@example.com", "password": PASSWORD})
        client.post("/account/profile/email/", {"email": "two@example.com", "password": PASSWORD})
    first, second = (link_in(message) for message in mailoutbox)
    assert client.get(first).status_code == 400
    alex.refresh_from_db()
    assert alex.email == "alex@example.com"
    assert client.get(second).status_code == 200
    alex.refresh_from_db()
    assert alex.email == "two@example.com"


def test_confirmed_residents_keep_their_confirmation_until_the_change(client, alex):
    alex.email_verified_at = timezone.now()
    alex.save()
    client.post("/account/profile/email/", {"email": "new@example.com", "password": PASSWORD})
    alex.refresh_from_db()
    assert alex.email_verified_at is not None
    page = html(client.get("/account/"))
    assert "Confirm your email address" in page and "new@example.com" in page
