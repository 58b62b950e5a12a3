"""Checking a sign-in, with lock-out and rate limiting, for residents and staff alike.

`sign_in_attempt` is the one way a page checks an email address and password. Every try is
written as a `SignInAttempt`, and before the password is checked two limits are applied:

- an email address is locked for 15 minutes once 5 tries for it have failed within 15
  minutes (a successful sign-in starts the count again);
- an IP address is locked for 15 minutes once 20 tries from it have failed within 15
  minutes, whatever email addresses were typed (signing in to one account does not reset it).

While locked, the password is not checked at all, and the answer is the same whether or not
an account has the email address, so nobody learns which addresses have accounts or, during a
lock-out, whether a guessed password was right. Unknown addresses are counted and locked just
like known ones.

The emails anyone can ask Borough to send to an address (a link to confirm it, "you already
have an account", a password reset link) are limited too, by `email_send_claim`: at most
EMAIL_SENDS_PER_ADDRESS an hour to one address (confirmation and "already have an account"
emails count together, reset emails apart), and EMAIL_SENDS_PER_IP an hour asked for from
one IP address. An email over a limit is not sent, and the page says just what it says when
it is, so nobody learns about accounts, or the limit, from it; it is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from ipaddress import ip_address

from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from borough.accounts.models import EmailSend, EmailSendKind, SignInAttempt, User

logger = logging.getLogger(__name__)

EMAIL_FAILURES = 5
IP_FAILURES = 20
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)

LOCKED_MESSAGE = "You’ve entered the wrong details too many times. Try again in 15 minutes."  # noqa: RUF001
WRONG_DETAILS_MESSAGE = "Enter a correct email address and password"


class SignInOutcome(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG_DETAILS = "wrong_details"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None
    # When a lock-out ends (for LOCKED).
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == SignInOutcome.SIGNED_IN

    @property
    def message(self) -> str:
        """What to tell the person: the same for an unknown email and a wrong password."""
        if self.outcome == SignInOutcome.LOCKED:
            return LOCKED_MESSAGE
        if self.outcome == SignInOutcome.WRONG_DETAILS:
            return WRONG_DETAILS_MESSAGE
        return ""


def email_normalise(email: str) -> str:
    return email.strip().lower()[:254]


def request_ip(request: HttpRequest) -> str | None:
    """The client's IP address as the web server saw it (REMOTE_ADDR).

    Behind a reverse proxy, the proxy must set REMOTE_ADDR to the client's address (for
    example gunicorn's `--forwarded-allow-ips` with uvicorn's proxy headers); a forwarded
    header is never trusted here, because anyone can send one.
    """
    value = str(request.META.get("REMOTE_ADDR") or "").strip()
    try:
        return str(ip_address(value))
    except ValueError:
        return None


def _locked_until(failures: list[datetime], threshold: int) -> datetime | None:
    """The end of the latest lock-out that `failures` (times, oldest first) caused: each run
    of `threshold` failures within WINDOW locks for LOCK from the last of them."""
    until: datetime | None = None
    for i in range(threshold - 1, len(failures)):
        if failures[i] - failures[i - threshold + 1] <= WINDOW:
            end = failures[i] + LOCK
            until = end if until is None or end > until else until
    return until


def _failure_times(
    attempts: QuerySet[SignInAttempt], since: datetime, before_id: int | None
) -> list[datetime]:
    failures = attempts.filter(succeeded=False, blocked=False, at__gt=since)
    if before_id is not None:
        failures = failures.filter(id__lt=before_id)
    return list(failures.order_by("at", "id").values_list("at", flat=True))


def sign_in_lock(
    *, email: str, ip: str | None, now: datetime | None = None, before_id: int | None = None
) -> datetime | None:
    """When the lock-out on this email address or IP address ends, or None if neither is
    locked now. With `before_id`, only attempts written before that one count."""
    now = now or timezone.now()
    # A lock that is still on was set by a failure within LOCK, counted from WINDOW before it.
    horizon = now - LOCK - WINDOW
    email = email_normalise(email)
    ends: list[datetime] = []

    by_email = SignInAttempt.objects.filter(email=email)
    last_success = (
        by_email.filter(succeeded=True, at__gt=horizon).order_by("-at").values_list("at", flat=True)
    ).first()
    since = max(horizon, last_success) if last_success else horizon
    until = _locked_until(_failure_times(by_email, since, before_id), EMAIL_FAILURES)
    if until is not None:
        ends.append(until)
    if ip:
        by_ip = SignInAttempt.objects.filter(ip=ip)
        until = _locked_until(_failure_times(by_ip, horizon, before_id), IP_FAILURES)
        if until is not None:
            ends.append(until)
    latest = max(ends, default=None)
    return latest if latest is not None and latest > now else None


def sign_in_attempt(*, request: HttpRequest, email: str, password: str) -> SignInResult:
    """Check `email` and `password`, unless the email or the IP address is locked out, and
    record the try. The caller signs the user in (django.contrib.auth.login) when `ok`.

    The try is written first, as a failure, and only the tries written before it decide
    whether it may go ahead: so many tries sent at once cannot all get past the limit while
    each one's password is being checked. It becomes a success once the password is right.
    """
    email = email_normalise(email)
    ip = request_ip(request)
    now = timezone.now()
    attempt = SignInAttempt.objects.create(email=email, ip=ip, at=now)
    locked_until = sign_in_lock(email=email, ip=ip, now=now, before_id=attempt.pk)
    if locked_until is not None:
        attempt.blocked = True
        attempt.save(update_fields=["blocked"])
        return SignInResult(SignInOutcome.LOCKED, locked_until=locked_until)

    user = authenticate(request, username=email, password=password)
    if isinstance(user, User):
        attempt.succeeded = True
        attempt.save(update_fields=["succeeded"])
        return SignInResult(SignInOutcome.SIGNED_IN, user=user)
    # This failure may be the one that locks the address: say so straight away.
    locked_until = sign_in_lock(email=email, ip=ip, now=now)
    if locked_until is not None:
        return SignInResult(SignInOutcome.LOCKED, locked_until=locked_until)
    return SignInResult(SignInOutcome.WRONG_DETAILS)


def sign_in_attempts_delete_old(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Delete attempts older than `older_than` (they hold IP addresses, personal data, and are
    not needed for lock-outs after LOCK + WINDOW). Returns how many were deleted."""
    deleted, _ = SignInAttempt.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted


# -- Emails anyone can ask for ---------------------------------------------------------

EMAIL_SENDS_PER_ADDRESS = 3
EMAIL_SENDS_PER_IP = 20
EMAIL_SEND_WINDOW = timedelta(hours=1)
# Rows hold email and IP addresses (personal data): kept only as long as the limits need.
EMAIL_SEND_KEEP = timedelta(days=1)

# Which kinds count together towards the limit on one address.
_EMAIL_SEND_GROUPS = {
    EmailSendKind.CONFIRM: (EmailSendKind.CONFIRM, EmailSendKind.ACCOUNT_EXISTS),
    EmailSendKind.ACCOUNT_EXISTS: (EmailSendKind.CONFIRM, EmailSendKind.ACCOUNT_EXISTS),
    EmailSendKind.PASSWORD_RESET: (EmailSendKind.PASSWORD_RESET,),
    EmailSendKind.FOLLOW: (EmailSendKind.FOLLOW,),
}


def email_send_claim(
    *, kind: EmailSendKind, email: str, ip: str | None, now: datetime | None = None
) -> bool:
    """Whether an email of `kind` may be sent to `email` now, asked for from `ip`. The
    request is recorded either way (`EmailSend`), and the caller sends only when True.

    The request is written first, as sent, and counted with those written before it: so
    requests sent at once cannot all get past the limit. It is held back (False, and logged)
    when that makes more than EMAIL_SENDS_PER_ADDRESS of its kind to the address, or more
    than EMAIL_SENDS_PER_IP from the IP address, within EMAIL_SEND_WINDOW.
    """
    email = email_normalise(email)
    now = now or timezone.now()
    EmailSend.objects.filter(at__lt=now - EMAIL_SEND_KEEP).delete()
    claim = EmailSend.objects.create(kind=kind, email=email, ip=ip, at=now)
    counted = EmailSend.objects.filter(
        sent=True, at__gt=now - EMAIL_SEND_WINDOW, at__lte=now, id__lte=claim.pk
    )
    limit = ""
    if counted.filter(email=email, kind__in=_EMAIL_SEND_GROUPS[kind]).count() > (
        EMAIL_SENDS_PER_ADDRESS
    ):
        limit = "email"
    elif ip and counted.filter(ip=ip).count() > EMAIL_SENDS_PER_IP:
        limit = "ip"
    if not limit:
        return True
    claim.sent = False
    claim.save(update_fields=["sent"])
    logger.warning("email_rate_limited", extra={"kind": str(kind), "limit": limit, "ip": ip})
    return False
