"""Writes for residents' accounts and staff memberships.

Every function here is one business action with keyword-only arguments, in one transaction;
the emails they cause are sent after it commits. Problems are raised as AccountInvalid with
GOV.UK messages by field.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from borough.accounts.emails import email_send_on_commit
from borough.accounts.models import (
    ContactPreference,
    EmailSend,
    EmailSendKind,
    ResidentProfile,
    SignInAttempt,
    StaffMembership,
    User,
)
from borough.accounts.signin import email_send_claim
from borough.accounts.tokens import (
    VERIFY_MAX_AGE,
    TokenProblem,
    VerifyClaim,
    email_verify_token,
    email_verify_token_read,
    password_reset_tokens,
    password_reset_uid,
)
from borough.cases.models import Case, CaseFollower
from borough.cases.selectors import cases_for_resident
from borough.catalogue.forms import answer_clean, questions
from borough.catalogue.models import FormDefinition
from borough.contacts.models import Contact
from borough.core.models import Role, Team
from borough.core.services import audit_record
from borough.notify.models import Notification, NotificationStatus
from borough.places.selectors import property_by_uprn
from borough.portal.models import SavedJourney


class AccountInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


EMAIL_REQUIRED = "Enter your email address"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
EMAIL_TAKEN = "An account already exists with this email address"

# GOV.UK wording for what Django's password validators refuse, by their error code.
PASSWORD_MESSAGES = {
    "password_too_short": "Your password must be {min_length} characters or more",
    "password_too_common": (
        "Enter a password that is harder to guess. Do not use a common password like ‘password123’"  # noqa: RUF001
    ),
    "password_entirely_numeric": "Your password must include letters or symbols, not only numbers",
    "password_too_similar": "Your password must not be like your name or email address",
}


def _email_format(email: str, errors: dict[str, str], field: str = "email") -> str:
    email = email.strip().lower()
    if not email:
        errors[field] = EMAIL_REQUIRED
        return email
    try:
        validate_email(email)
    except ValidationError:
        errors[field] = EMAIL_FORMAT
    return email


def _check_email(email: str, errors: dict[str, str]) -> str:
    email = _email_format(email, errors)
    if "email" not in errors and User.objects.filter(email__iexact=email).exists():
        errors["email"] = EMAIL_TAKEN
    return email


def password_problems(password: str, user: User) -> str | None:
    """What is wrong with a new password, in GOV.UK words, or None."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        messages = []
        for error in exc.error_list:
            template = PASSWORD_MESSAGES.get(error.code or "")
            messages.append(
                template.format(**(error.params or {})) if template else " ".join(error.messages)
            )
        return ". ".join(message.rstrip(".") for message in messages)
    return None


@transaction.atomic
def resident_register(
    *,
    email: str,
    password: str,
    full_name: str,
    phone: str = "",
    verified: bool = False,
    base_url: str = "",
    ip: str | None = None,
) -> User:
    """Create a resident's account and profile.

    With `base_url` (and not `verified`), a link to confirm the email address is emailed to
    the resident once the account is saved (unless the limits on such emails for the address,
    or for `ip`, the address it was asked for from, hold it back: see `accounts.signin`).
    """
    errors: dict[str, str] = {}
    email = _check_email(email, errors)
    if not full_name.strip():
        errors["full_name"] = "Enter your full name"
    elif len(full_name.strip()) > 200:
        errors["full_name"] = "Your full name must be 200 characters or fewer"
    if not password:
        errors["password"] = "Enter a password"  # noqa: S105
    else:
        problem = password_problems(password, User(email=email, full_name=full_name))
        if problem:
            errors["password"] = problem
    if errors:
        raise AccountInvalid(errors)
    user = User.objects.create_user(
        email,
        password,
        full_name=full_name.strip(),
        email_verified_at=timezone.now() if verified else None,
    )
    ResidentProfile.objects.create(user=user, phone=phone.strip())
    if base_url and not verified:
        _verification_email(user=user, email=user.email, base_url=base_url, ip=ip)
    return user


def resident_sign_up(
    *, email: str, password: str, full_name: str, base_url: str, ip: str | None = None
) -> User | None:
    """Register from the sign-up page without telling anyone which addresses have accounts.

    When the only problem is that the email address already has an account, nothing is
    created: its owner is emailed how to sign in or reset their password, and None is
    returned, so the page can say "Check your email" exactly as it does for a new account.
    Any other problem raises AccountInvalid (without the "already exists" message).
    """
    try:
        return resident_register(
            email=email, password=password, full_name=full_name, base_url=base_url, ip=ip
        )
    except AccountInvalid as exc:
        errors = {field: message for field, message in exc.errors.items() if message != EMAIL_TAKEN}
        if errors:
            raise AccountInvalid(errors) from exc
    except IntegrityError:
        pass  # registered a moment ago by another request: the same as already taken
    # Hash the password anyway, so this answer takes as long as making an account does.
    make_password(password)
    existing = User.objects.filter(email__iexact=email.strip()).first()
    if (
        existing is not None
        and existing.is_active
        and email_send_claim(kind=EmailSendKind.ACCOUNT_EXISTS, email=existing.email, ip=ip)
    ):
        email_send_on_commit(
            to=existing.email,
            subject="You already have an account",
            template="account_exists",
            name=existing.full_name,
            sign_in_url=base_url + reverse("accounts:sign_in"),
            reset_url=base_url + reverse("accounts:password_reset"),
        )
    return None


# -- Confirming an email address ---------------------------------------------------------


def _verification_email(*, user: User, email: str, base_url: str, ip: str | None) -> None:
    if not email_send_claim(kind=EmailSendKind.CONFIRM, email=email, ip=ip):
        return
    token = email_verify_token(user=user, email=email)
    email_send_on_commit(
        to=email,
        subject="Confirm your email address",
        template="verify_email",
        name=user.full_name,
        url=base_url + reverse("accounts:verify_email", args=[token]),
        days=VERIFY_MAX_AGE.days,
    )


def email_address_to_confirm(user: User) -> str | None:
    """The address waiting for confirmation: a new one asked for, or an unconfirmed one."""
    if user.pending_email:
        return user.pending_email
    if user.email_verified_at is None:
        return user.email
    return None


def email_verification_send(*, user: User, base_url: str, ip: str | None = None) -> str | None:
    """Email a new confirmation link to the address waiting for confirmation, if any (and
    if the limits on such emails allow). Returns that address either way."""
    email = email_address_to_confirm(user)
    if email is not None:
        _verification_email(user=user, email=email, base_url=base_url, ip=ip)
    return email


class VerifyOutcome(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    CHANGED = "changed"
    EXPIRED = "expired"
    INVALID = "invalid"
    TAKEN = "taken"


@dataclass(frozen=True)
class VerifyResult:
    outcome: VerifyOutcome
    user: User | None = None

    @property
    def ok(self) -> bool:
        return self.outcome in {
            VerifyOutcome.CONFIRMED,
            VerifyOutcome.ALREADY_CONFIRMED,
            VerifyOutcome.CHANGED,
        }


@transaction.atomic
def email_verify(*, token: str) -> VerifyResult:
    """Confirm the address a link was sent to: the account's own address, or the new address
    the resident asked to change to (which then becomes their address)."""
    claim = email_verify_token_read(token)
    if claim == TokenProblem.EXPIRED:
        return VerifyResult(VerifyOutcome.EXPIRED)
    if not isinstance(claim, VerifyClaim):
        return VerifyResult(VerifyOutcome.INVALID)
    user = User.objects.select_for_update().filter(pk=claim.user_id, is_active=True).first()
    if user is None:
        return VerifyResult(VerifyOutcome.INVALID)
    now = timezone.now()
    if claim.email == user.email:
        if user.email_verified_at is not None:
            return VerifyResult(VerifyOutcome.ALREADY_CONFIRMED, user)
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at"])
        return VerifyResult(VerifyOutcome.CONFIRMED, user)
    if not user.pending_email or claim.email != user.pending_email:
        return VerifyResult(VerifyOutcome.INVALID, user)
    if User.objects.filter(email__iexact=claim.email).exclude(pk=user.pk).exists():
        return VerifyResult(VerifyOutcome.TAKEN, user)
    previous = user.email
    user.email = claim.email
    user.pending_email = ""
    user.email_verified_at = now
    user.save(update_fields=["email", "pending_email", "email_verified_at"])
    audit_record(actor=user, action="account.email_change", obj=user, detail={"previous": previous})
    email_send_on_commit(
        to=previous,
        subject="Your email address has been changed",
        template="email_changed",
        name=user.full_name,
        new_email=user.email,
    )
    return VerifyResult(VerifyOutcome.CHANGED, user)


@transaction.atomic
def resident_email_change(*, user: User, email: str, base_url: str, ip: str | None = None) -> str:
    """Ask to change the account's email address to `email`. Nothing changes until the
    resident follows the link emailed to the new address; the old one keeps working till
    then. (The page checks the resident's password first.) Returns the new address."""
    errors: dict[str, str] = {}
    email = _email_format(email, errors)
    if not errors and email == user.email:
        errors["email"] = "Enter a different email address from the one you use now"
    if errors:
        raise AccountInvalid(errors)
    # Whether another account has the address is only said to whoever can read its emails,
    # when they follow the link.
    user = User.objects.select_for_update().get(pk=user.pk)
    user.pending_email = email
    user.save(update_fields=["pending_email"])
    _verification_email(user=user, email=email, base_url=base_url, ip=ip)
    return email


# -- Passwords -------------------------------------------------------------------------


def password_reset_request(*, email: str, base_url: str, ip: str | None = None) -> None:
    """Email a password reset link, if an active account has this address and the limits on
    reset emails (to the address, and asked for from `ip`) allow. The caller says the same
    thing either way."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    if not email_send_claim(kind=EmailSendKind.PASSWORD_RESET, email=user.email, ip=ip):
        return
    token = password_reset_tokens.make_token(user)
    with transaction.atomic():
        email_send_on_commit(
            to=user.email,
            subject="Reset your password",
            template="password_reset",
            name=user.full_name,
            url=base_url
            + reverse("accounts:password_reset_confirm", args=[password_reset_uid(user), token]),
            days=settings.PASSWORD_RESET_TIMEOUT // 86400,
        )


@transaction.atomic
def password_reset_set(*, user: User, password: str) -> User:
    """Set a new password from a reset link. Following the link proved the resident reads the
    account's email, so the address counts as confirmed."""
    if not password:
        raise AccountInvalid({"password": "Enter a new password"})
    problem = password_problems(password, user)
    if problem:
        raise AccountInvalid({"password": problem})
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    fields = ["password"]
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    audit_record(actor=user, action="account.password_reset", obj=user)
    return user


# -- The resident's details -------------------------------------------------------------


class Unset(Enum):
    UNSET = "unset"


UNSET = Unset.UNSET

CONTACT_NEEDS = {
    ContactPreference.PHONE: "phone",
    ContactPreference.TEXT: "phone",
    ContactPreference.POST: "address",
}


def _phone_clean(phone: str, errors: dict[str, str]) -> str:
    if not phone.strip():
        return ""
    question = {"id": "phone", "type": "phone", "label": "Phone number", "required": False}
    value, error = answer_clean(question, phone)
    if error:
        errors["phone"] = error
        return phone
    return str(value)


@transaction.atomic
def resident_profile_update(
    *,
    user: User,
    full_name: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    contact_preference: str | Unset = UNSET,
    uprn: str | Unset | None = UNSET,
    needs_assistance: bool | Unset = UNSET,
    assistance_notes: str | Unset = UNSET,
) -> ResidentProfile:
    """Change some of a resident's details; arguments left out stay as they are.

    `uprn` is an address from the gazetteer (None removes the address). Being contacted by
    phone or text message needs a phone number, and by post an address.
    """
    errors: dict[str, str] = {}
    user = User.objects.select_for_update().get(pk=user.pk)
    profile, _ = ResidentProfile.objects.select_for_update().get_or_create(user=user)
    user_fields: list[str] = []
    fields: list[str] = []

    if not isinstance(full_name, Unset):
        name = full_name.strip()
        if not name:
            errors["full_name"] = "Enter your full name"
        elif len(name) > 200:
            errors["full_name"] = "Your full name must be 200 characters or fewer"
        user.full_name = name
        user_fields.append("full_name")
    if not isinstance(phone, Unset):
        profile.phone = _phone_clean(phone, errors)
        fields.append("phone")
    if not isinstance(contact_preference, Unset):
        if contact_preference not in ContactPreference.values:
            errors["contact_preference"] = "Select how you would like us to contact you"
        profile.contact_preference = contact_preference
        fields.append("contact_preference")
    if not isinstance(uprn, Unset):
        if uprn is None:
            profile.property = None
            profile.address_text = ""
        else:
            prop = property_by_uprn(uprn)
            if prop is None:
                errors["uprn"] = "Select an address from the list"
            else:
                profile.property = prop
                profile.address_text = prop.address
        fields += ["property", "address_text"]
    if not isinstance(needs_assistance, Unset):
        profile.needs_assistance = needs_assistance
        fields.append("needs_assistance")
        if not needs_assistance:
            profile.assistance_notes = ""
            fields.append("assistance_notes")
    if not isinstance(assistance_notes, Unset) and profile.needs_assistance:
        notes = assistance_notes.strip()
        if not notes:
            errors["assistance_notes"] = "Enter what help you need"
        elif len(notes) > 1000:
            errors["assistance_notes"] = "What help you need must be 1,000 characters or fewer"
        profile.assistance_notes = notes
        fields.append("assistance_notes")

    # Being contacted a way we have no details for.
    need = CONTACT_NEEDS.get(ContactPreference(profile.contact_preference))
    if need == "phone" and not profile.phone and "phone" not in errors:
        field = "contact_preference" if "contact_preference" in fields else "phone"
        errors[field] = (
            "Add a phone number before choosing to be contacted by phone or text message"
            if field == "contact_preference"
            else "Enter a phone number, or choose another way for us to contact you first"
        )
    if need == "address" and profile.property_id is None and "uprn" not in errors:
        field = "contact_preference" if "contact_preference" in fields else "uprn"
        errors[field] = (
            "Add your address before choosing to be contacted by post"
            if field == "contact_preference"
            else "Choose another way for us to contact you before removing your address"
        )
    if errors:
        raise AccountInvalid(errors)
    if user_fields:
        user.save(update_fields=user_fields)
    if fields:
        profile.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    return profile


# -- Deleting an account --------------------------------------------------------------


DELETED_EMAIL_DOMAIN = "deleted.invalid"


# Answers to questions of these types are the resident's own contact details.
PERSONAL_QUESTION_TYPES = frozenset({"email", "phone"})


def _personal_question_ids(definition: dict[str, Any]) -> set[str]:
    return {
        str(question["id"])
        for question in questions(definition)
        if question.get("type") in PERSONAL_QUESTION_TYPES or question.get("personal") is True
    }


def _personal_answers_remove(case_ids: list[int]) -> int:
    """Remove, from the answers of these cases, those that are the resident's own details:
    answers to `email` and `phone` questions, and to questions marked `"personal": true`.
    Every other answer is what the council needs to work the case, and stays. Returns how
    many answers were removed."""
    removed = 0
    forms: dict[tuple[int, int], set[str]] = {}
    for case in Case.objects.filter(pk__in=case_ids).only(
        "pk", "service_id", "form_version", "answers"
    ):
        key = (case.service_id, case.form_version)
        if key not in forms:
            form = FormDefinition.objects.filter(
                service_id=case.service_id, version=case.form_version
            ).first()
            forms[key] = _personal_question_ids(form.definition) if form else set()
        answers = dict(case.answers or {})
        personal = forms[key] & set(answers)
        if not personal:
            continue
        for question_id in personal:
            del answers[question_id]
        removed += len(personal)
        Case.objects.filter(pk=case.pk).update(answers=answers)
    return removed


def _notifications_scrub(*, user: User, addresses: set[str]) -> int:
    """Empty the emails Borough sent (or meant to send) to the resident: the address, the
    bodies and the unsubscribe link go; the row stays, with its kind, case, subject (the
    reference and what happened) and status, so that counts of what was sent stay true. An
    email not yet sent never will be. Returns how many were scrubbed."""
    lowered = {address.lower() for address in addresses}
    rows = Notification.objects.filter(
        Q(recipient_user=user) | Q(recipient_email__in=lowered | addresses)
    )
    ids = list(rows.values_list("pk", flat=True))
    if not ids:
        return 0
    Notification.objects.filter(
        pk__in=ids, status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED]
    ).update(status=NotificationStatus.CANCELLED)
    Notification.objects.filter(pk__in=ids).update(
        recipient_email="",
        recipient_user=None,
        body_text="",
        body_html="",
        unsubscribe_token="",
        last_error="",
        # The key held the address: it stays unique with the row's own id instead.
        idempotency_key=Concat(Value("deleted:"), Cast("pk", output_field=CharField())),
    )
    return len(ids)


@transaction.atomic
def resident_delete(*, user: User, base_url: str = "") -> User:
    """Delete a resident's account, keeping the council's records of their cases.

    The user row stays (cases, contacts and the audit trail point at it) but is deactivated
    and emptied: the email address becomes a unique placeholder at a domain that cannot
    receive mail, the name is cleared and the password made unusable. The profile and any saved, unsent forms are deleted.
    On the resident's cases the reporter's name, email and phone are cleared and the resident
    set to none, and the answers that are the resident's own details removed (see
    `_personal_answers_remove`); their follows of cases, sign-in attempts and email requests
    are deleted; the emails sent to them are emptied (`_notifications_scrub`); their contacts
    are unlinked. The deletion is audited, and a last email tells the old address it happened.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active or user.email.endswith("@" + DELETED_EMAIL_DOMAIN):
        raise AccountInvalid({"account": "This account has already been deleted"})
    if user.is_staff or user.is_superuser or user.memberships.exists():
        raise AccountInvalid(
            {"account": "A staff account cannot be deleted here. Ask your Borough administrator."}
        )
    old_email = user.email
    addresses = {old_email, *([user.pending_email] if user.pending_email else [])}

    case_ids = list(cases_for_resident(user=user).values_list("pk", flat=True))
    cases = Case.objects.filter(pk__in=case_ids).update(
        resident=None,
        reporter_name="",
        reporter_email="",
        reporter_phone="",
        show_name_publicly=False,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    answers = _personal_answers_remove(case_ids)
    followers, _ = CaseFollower.objects.filter(Q(user=user) | Q(email__in=addresses)).delete()
    notifications = _notifications_scrub(user=user, addresses=addresses)
    # Contacts stay (they count what each channel does) but lose the link to the resident;
    # notes on a contact that belongs to no case are about nothing but the resident.
    Contact.objects.filter(resident=user, case__isnull=True).update(notes="")
    Contact.objects.filter(resident=user).update(resident=None)
    SignInAttempt.objects.filter(email__in=addresses).delete()
    EmailSend.objects.filter(email__in=addresses).delete()
    ResidentProfile.objects.filter(user=user).delete()
    SavedJourney.objects.filter(user=user).delete()

    user.email = f"deleted-{user.pk}-{secrets.token_hex(6)}@{DELETED_EMAIL_DOMAIN}"
    user.full_name = ""
    user.pending_email = ""
    user.email_verified_at = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    audit_record(
        actor=user,
        action="account.delete",
        obj=user,
        detail={
            "cases": cases,
            "followers": followers,
            "answers": answers,
            "notifications": notifications,
        },
    )
    email_send_on_commit(
        to=old_email,
        subject="Your account has been deleted",
        template="account_deleted",
        home_url=(base_url + "/") if base_url else "",
    )
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
