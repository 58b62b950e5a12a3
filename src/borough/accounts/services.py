"""Writes for residents' accounts and staff memberships."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from borough.accounts.models import ResidentProfile, StaffMembership, User
from borough.core.models import Role, Team


class AccountInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _check_email(email: str, errors: dict[str, str]) -> str:
    email = email.strip().lower()
    if not email:
        errors["email"] = "Enter your email address"
        return email
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
        return email
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = "An account already exists with this email address"
    return email


@transaction.atomic
def resident_register(
    *, email: str, password: str, full_name: str, phone: str = "", verified: bool = False
) -> User:
    """Create a resident's account and profile."""
    errors: dict[str, str] = {}
    email = _check_email(email, errors)
    if not full_name.strip():
        errors["full_name"] = "Enter your full name"
    if not password:
        errors["password"] = "Enter a password"  # noqa: S105
    else:
        try:
            validate_password(password, User(email=email, full_name=full_name))
        except ValidationError as exc:
            errors["password"] = " ".join(exc.messages)
    if errors:
        raise AccountInvalid(errors)
    user = User.objects.create_user(
        email,
        password,
        full_name=full_name.strip(),
        email_verified_at=timezone.now() if verified else None,
    )
    ResidentProfile.objects.create(user=user, phone=phone.strip())
    return user


@transaction.atomic
def staff_user_create(*, email: str, full_name: str, password: str | None = None) -> User:
    """A member of staff's account. Without a password they set one through a reset link."""
    errors: dict[str, str] = {}
    email = _check_email(email, errors)
    if not full_name.strip():
        errors["full_name"] = "Enter their full name"
    if errors:
        raise AccountInvalid(errors)
    return User.objects.create_user(
        email, password, full_name=full_name.strip(), email_verified_at=timezone.now()
    )


@transaction.atomic
def staff_membership_add(*, user: User, team: Team, role: str) -> StaffMembership:
    if role not in Role.values:
        raise AccountInvalid({"role": "Select a role"})
    membership, _ = StaffMembership.objects.get_or_create(user=user, team=team, role=role)
    return membership


@transaction.atomic
def staff_membership_remove(*, user: User, team: Team, role: str) -> bool:
    deleted, _ = StaffMembership.objects.filter(user=user, team=team, role=role).delete()
    return deleted > 0
