"""Writes from the resident pages: sending a form makes a case, with its photos attached;
saying a nearby report is the same problem follows that report instead; a signed-in resident's
unsent form is saved so that they can come back to it; an advisor raises a case for a caller
through the same pages (assisted digital)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from borough.accounts.models import User
from borough.cases.models import Case, CaseFollower
from borough.cases.services import (
    Submission,
    attachment_add,
    case_create,
    case_follow,
    case_note_add,
)
from borough.catalogue.models import Identity, Service
from borough.contacts.models import Channel, Outcome
from borough.contacts.services import contact_log
from borough.core.services import audit_record
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


@transaction.atomic
def web_same_problem_join(
    *,
    case: Case,
    email: str,
    user: User | None = None,
    channel: str = Channel.WEB,
    staff: User | None = None,
) -> CaseFollower:
    """A resident said a report already made is their problem: they follow it by email, and
    the contact is logged against that case ("existing case updated", on the web unless an
    advisor did it for a caller on another `channel`). No case is made.

    Raises `CaseInvalid` (writing nothing) without an email address. Following twice keeps
    one follower; each time the resident says so is a contact.
    """
    follower = case_follow(case=case, email=email, user=user)
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
    return follower


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
