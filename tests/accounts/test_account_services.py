import pytest

from borough.accounts.models import ResidentProfile, StaffMembership, User
from borough.accounts.services import (
    AccountInvalid,
    resident_register,
    staff_membership_add,
    staff_membership_remove,
    staff_user_create,
)


def test_resident_register_creates_user_and_profile(db):
    user = resident_register(
        email=" Alex@Example.COM ",
        password="correct horse battery staple",
        full_name="Alex Smith",
        phone="01305 111222",
    )
    assert user.email == "alex@example.com"
    assert user.check_password("correct horse battery staple")
    assert ResidentProfile.objects.get(user=user).phone == "01305 111222"
    assert user.email_verified_at is None
    assert not user.memberships.exists()


@pytest.mark.parametrize(
    ("email", "password", "name", "field", "message"),
    [
        ("", "correct horse battery staple", "A", "email", "Enter your email address"),
        (
            "not-an-email",
            "correct horse battery staple",
            "A",
            "email",
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("a@example.com", "", "A", "password", "Enter a password"),
        ("a@example.com", "correct horse battery staple", " ", "full_name", "Enter your full name"),
    ],
)
def test_resident_register_refuses_bad_input(db, email, password, name, field, message):
    with pytest.raises(AccountInvalid) as excinfo:
        resident_register(email=email, password=password, full_name=name)
    assert excinfo.value.errors[field] == message
    assert User.objects.count() == 0


def test_weak_password_and_duplicate_email_are_refused(db):
    with pytest.raises(AccountInvalid) as excinfo:
        resident_register(email="b@example.com", password="password", full_name="B")
    assert "password" in excinfo.value.errors
    resident_register(email="b@example.com", password="correct horse battery staple", full_name="B")
    with pytest.raises(AccountInvalid) as excinfo:
        resident_register(
            email="B@example.com", password="correct horse battery staple", full_name="B"
        )
    assert excinfo.value.errors == {"email": "An account already exists with this email address"}
    assert User.objects.count() == 1


def test_passwords_are_hashed_with_argon2_outside_tests(settings, db):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = staff_user_create(
        email="officer@example.org", full_name="Officer", password="correct horse battery staple"
    )
    assert user.password.startswith("argon2$")


def test_memberships_add_is_idempotent_and_remove_reports(district, make_team):
    team = make_team(district)
    user = staff_user_create(email="o@example.org", full_name="O")
    assert not user.has_usable_password()
    staff_membership_add(user=user, team=team, role="caseworker")
    staff_membership_add(user=user, team=team, role="caseworker")
    assert StaffMembership.objects.filter(user=user).count() == 1
    with pytest.raises(AccountInvalid):
        staff_membership_add(user=user, team=team, role="overlord")
    assert staff_membership_remove(user=user, team=team, role="caseworker") is True
    assert staff_membership_remove(user=user, team=team, role="caseworker") is False
