"""One user model for residents and staff; staff roles come from team memberships."""

from __future__ import annotations

import builtins
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from borough.core.models import Role, Team, TimeStampedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Enter an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # is_staff means "may use Django admin" (platform administrators), not "works for a council":
    # council staff are users with StaffMemberships.
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # A new email address the resident asked for, kept here until they confirm it from the
    # link sent to it; until then `email` stays the address they sign in with.
    pending_email = models.EmailField(blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ContactPreference(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    POST = "post", "Post"


class ResidentProfile(TimeStampedModel):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="resident_profile")
    phone = models.CharField(max_length=30, blank=True)
    property = models.ForeignKey(
        "places.Property", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address_text = models.TextField(blank=True)
    contact_preference = models.CharField(
        max_length=10, choices=ContactPreference.choices, default=ContactPreference.EMAIL
    )
    # Assisted digital: what help this resident needs to use council services.
    needs_assistance = models.BooleanField(default=False)
    assistance_notes = models.TextField(blank=True)
    preferred_language = models.CharField(max_length=10, default="en-gb")

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @builtins.property
    def uprn(self) -> str | None:
        return self.property.uprn if self.property else None


class StaffMembership(TimeStampedModel):
    """A user's role in a team; a user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.team}"


class SignInAttempt(models.Model):
    """One try at signing in, on the resident or the staff sign-in page.

    `accounts.signin.sign_in_attempt` reads these to lock an email address (or an IP address)
    out after too many failures, and writes one row per try. `email` is what was typed
    (normalised), whether or not an account has it. `blocked` marks a try refused because of a
    lock-out: the password was not checked, and it does not count as a failure.
    """

    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    succeeded = models.BooleanField(default=False)
    blocked = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["email", "at"], name="signin_email_at"),
            models.Index(fields=["ip", "at"], name="signin_ip_at"),
        ]

    def __str__(self) -> str:
        outcome = "succeeded" if self.succeeded else "blocked" if self.blocked else "failed"
        return f"{self.email} from {self.ip} {outcome} at {self.at:%Y-%m-%d %H:%M}"


class EmailSendKind(models.TextChoices):
    """The emails anyone can make Borough send to an address, limited per hour."""

    CONFIRM = "confirm", "Confirm your email address"
    ACCOUNT_EXISTS = "account_exists", "You already have an account"
    PASSWORD_RESET = "password_reset", "Reset your password"
    FOLLOW = "follow", "Confirm you want updates about a report"


class EmailSend(models.Model):
    """One email a resident's action asked for: a confirmation link, an "account exists"
    notice, a password reset link or a link to confirm following a report.

    `accounts.signin.email_send_claim` writes one row per request and reads them to limit
    how many such emails go to one address, and are asked for from one IP address, each
    hour. `sent` is False when the limit held the email back. Rows are deleted after a day.
    """

    kind = models.CharField(max_length=20, choices=EmailSendKind.choices)
    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    sent = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["email", "at"], name="emailsend_email_at"),
            models.Index(fields=["ip", "at"], name="emailsend_ip_at"),
        ]

    def __str__(self) -> str:
        outcome = "sent" if self.sent else "held back"
        return f"{self.kind} to {self.email} from {self.ip} {outcome} at {self.at:%Y-%m-%d %H:%M}"
