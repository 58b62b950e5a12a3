"""Writes from the resident pages: sending a form makes a case, with its photos attached;
saying a nearby report is the same problem follows that report instead."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from django.db import transaction

from borough.accounts.models import User
from borough.cases.models import Case, CaseFollower
from borough.cases.services import Submission, attachment_add, case_create, case_follow
from borough.contacts.models import Channel, Outcome
from borough.contacts.services import contact_log
from borough.portal.uploads import upload_delete, upload_get, upload_read

logger = logging.getLogger(__name__)


@transaction.atomic
def web_case_create(*, submission: Submission, upload_tokens: Sequence[str] = ()) -> Case:
    """Make the case for a resident's web form and attach the files they uploaded.

    The case and its attachments are written together. Sending again with the same
    idempotency key returns the first case; a file already on it (same content) is not added
    twice. Raises `CaseInvalid` (writing nothing) when the submission is refused.
    """
    case = case_create(submission=submission)
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
def web_same_problem_join(*, case: Case, email: str, user: User | None = None) -> CaseFollower:
    """A resident said a report already made is their problem: they follow it by email, and
    the contact is logged against that case (web, "existing case updated"). No case is made.

    Raises `CaseInvalid` (writing nothing) without an email address. Following twice keeps
    one follower; each time the resident says so is a contact.
    """
    follower = case_follow(case=case, email=email, user=user)
    contact_log(
        organisation=case.organisation,
        channel=Channel.WEB,
        outcome=Outcome.CASE_UPDATED,
        resident=user,
        case=case,
        service=case.service,
    )
    return follower
