"""Signed links for confirming an email address, and password reset tokens.

An email confirmation link carries the user's id and the address being confirmed, signed
with the SECRET_KEY and a timestamp (django.core.signing), so it needs nothing stored and
stops working after 3 days, or as soon as the address is no longer the one to confirm.
Password reset links use Django's PasswordResetTokenGenerator: they stop working once the
password changes (or the user signs in), and after PASSWORD_RESET_TIMEOUT (3 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from borough.accounts.models import User

VERIFY_SALT = "borough.accounts.verify-email"
VERIFY_MAX_AGE = timedelta(days=3)


class TokenProblem(StrEnum):
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class VerifyClaim:
    user_id: int
    email: str


def email_verify_token(*, user: User, email: str) -> str:
    return signing.dumps({"u": user.pk, "e": email}, salt=VERIFY_SALT)


def email_verify_token_read(token: str) -> VerifyClaim | TokenProblem:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        return TokenProblem.EXPIRED
    except signing.BadSignature:
        return TokenProblem.INVALID
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return TokenProblem.INVALID
    if not isinstance(data.get("e"), str):
        return TokenProblem.INVALID
    return VerifyClaim(user_id=data["u"], email=data["e"])


password_reset_tokens = PasswordResetTokenGenerator()


def password_reset_uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def password_reset_user(uidb64: str) -> User | None:
    """The active user a reset link's uid names, or None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError):
        return None
    return User.objects.filter(pk=pk, is_active=True).first()
