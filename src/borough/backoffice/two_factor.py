"""Two-factor authentication for staff: a time-based code (TOTP) from an authenticator app.

Built on django-otp's TOTP device. A member of staff sets up an app once (scanning a QR code,
or typing the key), proving it with a code; from then on, after their password, they give
the 6-digit code the app shows. `OTPMiddleware` marks a session that did so as verified.

Who must: everyone with a back-office role when the setting STAFF_TWO_FACTOR is on (the
default in production), and anyone who has set up an app even when it is off. `staff_view`
sends a session that must and has not to the code page (or, with no app yet, to set-up).

Codes are checked by django-otp: a code is accepted once only (no replay), one step of clock
drift either way is allowed, and each wrong code doubles the wait before the next try.
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"
CODE_LENGTH = 6


class CodeError(StrEnum):
    """Why a code was refused, as the message the page shows."""

    MISSING = "Enter the 6-digit code from your authenticator app"
    FORMAT = "The code must be 6 digits"
    WRONG = "The code is not correct. Check your authenticator app and try again."
    THROTTLED = (
        "You have entered a code that is not correct too many times. "
        "Wait a minute, then enter the latest code from your authenticator app."
    )


def code_clean(value: str) -> str:
    """A code as typed ("123 456", "123-456") as its digits; CodeError when it is not 6."""
    code = re.sub(r"[\s\-]", "", value or "")
    if not code:
        raise ValueError(CodeError.MISSING)
    if not re.fullmatch(rf"\d{{{CODE_LENGTH}}}", code):
        raise ValueError(CodeError.FORMAT)
    return code


def confirmed_device(user: Any) -> TOTPDevice | None:
    """The authenticator app `user` has set up, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def two_factor_needed(user: Any) -> bool:
    """Whether `user` must give a code before using the back office."""
    if settings.STAFF_TWO_FACTOR:
        return True
    return confirmed_device(user) is not None


def is_verified(request: HttpRequest) -> bool:
    """Whether this session gave a code (set by django-otp's middleware)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check()) if callable(check) else False


@transaction.atomic
def device_for_setup(*, user: Any) -> TOTPDevice:
    """The unconfirmed device a set-up page shows (the same one on every visit, so the QR code
    does not change under someone halfway through scanning it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _throttled(device: TOTPDevice) -> bool:
    allowed, _details = device.verify_is_allowed()
    return not allowed


@transaction.atomic
def device_confirm(*, user: Any, code: str) -> TOTPDevice:
    """Finish setting up: the code must come from the device being set up. Removes any other
    unconfirmed device. Raises ValueError(CodeError) when refused."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("id")
        .first()
    )
    if device is None:
        raise ValueError(CodeError.WRONG)
    if _throttled(device):
        raise ValueError(CodeError.THROTTLED)
    if not device.verify_token(code_clean(code)):
        raise ValueError(CodeError.WRONG)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    return device


def code_verify(*, user: Any, code: str) -> TOTPDevice:
    """Check a code against the user's set-up app. Raises ValueError(CodeError) when refused."""
    cleaned = code_clean(code)
    device = confirmed_device(user)
    if device is None:
        raise ValueError(CodeError.WRONG)
    if _throttled(device):
        raise ValueError(CodeError.THROTTLED)
    verified = django_otp.verify_token(user, device.persistent_id, cleaned)
    if verified is None:
        raise ValueError(CodeError.WRONG)
    return verified


def session_verify(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session as having given a code, under a new session key."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session["otp_verified_at"] = timezone.now().isoformat()


@dataclass(frozen=True)
class SetupDetails:
    """What the set-up page shows: the QR code and the same key as text, for typing in."""

    qr_svg: str
    key: str
    key_grouped: str


def setup_details(device: TOTPDevice) -> SetupDetails:
    key = b32encode(device.bin_key).decode("ascii")
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=4
    )
    svg = image.to_string(encoding="unicode")
    # The key below is the text alternative; screen readers skip the picture.
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" class="borough-qr" ', 1)
    grouped = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
    return SetupDetails(qr_svg=svg, key=key, key_grouped=grouped)
