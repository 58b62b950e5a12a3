"""Writes from the resident pages: sending a form makes a case, with its photos attached;
saying a nearby report is the same problem follows that report instead; a signed-in resident's
unsent form is saved so that they can come back to it; an advisor raises a case for a caller
through the same pages (assisted digital)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from borough.accounts.models import EmailSendKind, User
from borough.accounts.signin import email_send_claim
from borough.cases.models import Case
from borough.cases.selectors import public_cases
from borough.cases.services import (
    CaseInvalid,
    Submission,
    attachment_add,
    case_create,
    case_follow,
    case_note_add,
)
from borough.catalogue.models import Identity, Service
from borough.contacts.models import Channel, Outcome
from borough.contacts.services import contact_log
from borough.core.links import site_url
from borough.core.services import audit_record
from borough.notify.services import from_address
from borough.portal.models import SAVED_JOURNEY_DAYS, SavedJourney
from borough.portal.uploads import upload_delete, upload_get, upload_read

logger = logging.getLogger(__name__)


@transaction.atomic
def web_case_create(*, submission: Submission, upload_tokens: Sequence[str] = ()) -> Case:
    """Make the case for a resident's web form and attach the files they uploaded.

    The case and its attachments are written together. Sending again with the same
    idempotency key returns the first case; a file already on it (same content) is not added
    twice. The resident's saved form for the service, if any, is deleted with it. Raises
    `CaseInvalid` (writing nothing) when the submission is refused.
    """
    case = case_create(submission=submission)
    if submission.resident is not None and submission.staff is None:
        saved_journey_delete(user=submission.resident, service=submission.service)
    for token in upload_tokens:
        upload = upload_get(token)
        content = upload_read(token)
        if upload is None or content is None:
            # Already attached by an earlier send of the same form, or cleared away.
            logger.warning("upload_missing", extra={"case": case.reference})
            continue
        digest = hashlib.sha256(content).hexdigest()
        if case.attachments.filter(sha256=digest).exists():
            continue
        attachment_add(
            case=case,
            content=content,
            filename=upload.filename,
            actor=submission.resident,
            content_type=upload.content_type,
            width=upload.width,
            height=upload.height,
        )
    tokens = list(upload_tokens)

    def clear_uploads() -> None:
        for token in tokens:
            upload_delete(token)

    transaction.on_commit(clear_uploads)
    return case


# -- Following a report by email ----------------------------------------------------------

FOLLOW_SALT = "borough.portal.follow"
# How long the link in a "Confirm you want updates" email works.
FOLLOW_MAX_AGE = timedelta(days=3)


class FollowOutcome(StrEnum):
    # The address follows the report now.
    FOLLOWING = "following"
    # A link to confirm was emailed (or held back by the rate limit: the page says the same).
    CONFIRM = "confirm"


def follow_token(*, case: Case, email: str) -> str:
    """The signed link token that confirms `email` wants updates about `case`."""
    return signing.dumps({"c": case.pk, "e": email}, salt=FOLLOW_SALT, compress=True)


def follow_token_read(token: str) -> tuple[int, str] | None:
    """The case id and address a follow token is for, or None when it is not one of ours or
    is older than FOLLOW_MAX_AGE."""
    try:
        value = signing.loads(token, salt=FOLLOW_SALT, max_age=FOLLOW_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    case_id, email = value.get("c"), value.get("e")
    if not isinstance(case_id, int) or not isinstance(email, str) or not email:
        return None
    return case_id, email


def _follows_at_once(user: User | None, email: str) -> bool:
    """A signed-in resident who confirmed their email address follows with it at once."""
    return bool(
        user is not None
        and user.email_verified_at is not None
        and user.email.strip().lower() == email.strip().lower()
    )


def _follow_confirmation_send(*, case: Case, email: str, ip: str | None) -> bool:
    """Email `email` a link to confirm it wants updates about `case`, within the rate limits
    on emails anyone can ask for (`email_send_claim`, kind "follow"). True if it is sent."""
    if not email_send_claim(kind=EmailSendKind.FOLLOW, email=email, ip=ip):
        return False
    link = site_url(reverse("portal:follow_confirm", args=[follow_token(case=case, email=email)]))
    organisation = case.organisation
    context = {
        "organisation": organisation,
        "reference": case.reference,
        "title": case.title,
        "link": link,
        "days": FOLLOW_MAX_AGE.days,
    }
    subject = str(_("Confirm you want updates about report %(reference)s")) % {
        "reference": case.reference
    }
    body = render_to_string("portal/email/follow_confirm.txt", context)
    sender = from_address(organisation)
    transaction.on_commit(
        lambda: send_mail(subject, body, sender, [email], fail_silently=False), robust=True
    )
    return True


@transaction.atomic
def web_follow_request(
    *, case: Case, email: str, user: User | None = None, ip: str | None = None
) -> FollowOutcome:
    """Someone on a report's page asked for updates by email.

    A signed-in resident whose confirmed address it is follows at once (`case_follow`).
    Anyone else is emailed a link to confirm (`follow_confirm`), so nobody can sign up an
    address that is not theirs: nothing is followed until the link is used. Those emails are
    limited per address and per IP address like the accounts' (`email_send_claim`); over the
    limit nothing is sent, and the outcome is the same, so the page says the same.
    Raises `CaseInvalid` (writing nothing) without an email address.
    """
    email = email.strip().lower()
    if not email:
        raise CaseInvalid({"email": "Enter your email address"})
    if _follows_at_once(user, email):
        case_follow(case=case, email=email, user=user)
        return FollowOutcome.FOLLOWING
    _follow_confirmation_send(case=case, email=email, ip=ip)
    return FollowOutcome.CONFIRM


@transaction.atomic
def follow_confirm(*, token: str, user: User | None = None) -> Case | None:
    """Follow the link in a "Confirm you want updates" email: the address in the token
    follows the case. Safe to repeat (one follower). None, and nothing written, for a token
    that is not valid, has expired, or is for a case that is no longer public."""
    read = follow_token_read(token)
    if read is None:
        return None
    case_id, email = read
    case = public_cases().filter(pk=case_id).first()
    if case is None:
        return None
    owner = user if user is not None and user.email.strip().lower() == email else None
    case_follow(case=case, email=email, user=owner)
    return case


@transaction.atomic
def web_same_problem_join(
    *,
    case: Case,
    email: str,
    user: User | None = None,
    channel: str = Channel.WEB,
    staff: User | None = None,
    ip: str | None = None,
) -> FollowOutcome:
    """A resident said a report already made is their problem: they follow it by email, and
    the contact is logged against that case ("existing case updated", on the web unless an
    advisor did it for a caller on another `channel`). No case is made.

    On the web the following is as `web_follow_request` does it: at once for a signed-in
    resident with that confirmed address, otherwise after the emailed link is used. An
    advisor (`staff`) taking the caller's address on the phone or face to face makes them a
    follower at once.

    Raises `CaseInvalid` (writing nothing) without an email address. Following twice keeps
    one follower; each time the resident says so is a contact.
    """
    if staff is not None:
        case_follow(case=case, email=email, user=user)
        outcome = FollowOutcome.FOLLOWING
    else:
        outcome = web_follow_request(case=case, email=email, user=user, ip=ip)
    contact_log(
        organisation=case.organisation,
        channel=channel,
        outcome=Outcome.CASE_UPDATED,
        resident=user,
        case=case,
        service=case.service,
        staff=staff,
    )
    if user is not None and staff is None:
        saved_journey_delete(user=user, service=case.service)
    return outcome


# -- Assisted digital: an advisor raises a case for a caller ----------------------------------

# The channels an advisor raises a case for a caller on.
ASSISTED_CHANNELS = (
    Channel.PHONE,
    Channel.FACE_TO_FACE,
    Channel.KIOSK,
    Channel.LETTER,
    Channel.EMAIL,
)


@transaction.atomic
def assisted_case_create(*, submission: Submission, upload_tokens: Sequence[str] = ()) -> Case:
    """Make the case an advisor (`submission.staff`) raised for a caller, through the same
    form runner residents use, with the caller's channel.

    `case_create` records the channel on the case and logs the one contact (that channel, the
    advisor, the caller's account if they have one). For a service that needs an account, the
    advisor acting for the caller stands in for signing in: an internal note on the case says
    so. The audit trail records that the advisor raised it. Sending again with the same
    idempotency key returns the first case and writes nothing more. Raises `CaseInvalid`
    (writing nothing) when the submission is refused, and `ValueError` without an advisor or
    on a channel that is not an assisted one.
    """
    staff = submission.staff
    if staff is None:
        raise ValueError("An assisted case needs the advisor who raised it")
    if submission.channel not in ASSISTED_CHANNELS:
        raise ValueError(f"Not an assisted channel: {submission.channel}")
    key = submission.idempotency_key
    if key:
        existing = Case.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    case = web_case_create(submission=submission, upload_tokens=upload_tokens)
    service = submission.service
    channel_name = Channel(submission.channel).label.lower()
    if service.identity != Identity.ANONYMOUS:
        who = "the caller's account" if submission.resident is not None else "the caller"
        case_note_add(
            case=case,
            actor=staff,
            body=(
                f"Raised by an advisor for {who} ({channel_name}). This service needs an "
                "account: the advisor acting for the caller stood in for signing in online."
            ),
        )
    audit_record(
        actor=staff,
        action="case.raise_for_caller",
        obj=case,
        detail={
            "channel": submission.channel,
            "identity": service.identity,
            "resident": submission.resident.pk if submission.resident is not None else None,
        },
    )
    return case


# -- Save and come back later -----------------------------------------------------------------


def _saved_since(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=SAVED_JOURNEY_DAYS)


@transaction.atomic
def saved_journey_save(
    *,
    user: User,
    service: Service,
    form_version: int,
    answers: dict[str, Any],
    place: dict[str, Any],
    details: dict[str, Any],
    same: dict[str, Any],
    completed: list[str],
) -> SavedJourney:
    """Keep a signed-in resident's unsent answers to a service (one saved form per service),
    as typed, with the form version and the steps finished."""
    saved, _ = SavedJourney.objects.update_or_create(
        user=user,
        service=service,
        defaults={
            "form_version": form_version,
            "answers": answers,
            "place": place,
            "details": details,
            "same": same,
            "completed": completed,
        },
    )
    return saved


@transaction.atomic
def saved_journey_delete(*, user: User, service: Service) -> int:
    """Forget a resident's saved form for a service (sent, or started again); how many."""
    deleted, _ = SavedJourney.objects.filter(user=user, service=service).delete()
    return deleted


@transaction.atomic
def saved_journeys_expire(*, user: User | None = None, now: datetime | None = None) -> int:
    """Delete saved forms not changed for `SAVED_JOURNEY_DAYS` (one resident's, or everyone's
    when `user` is None); how many were deleted. Safe to run again."""
    stale = SavedJourney.objects.filter(updated_at__lt=_saved_since(now))
    if user is not None:
        stale = stale.filter(user=user)
    deleted, _ = stale.delete()
    return deleted
