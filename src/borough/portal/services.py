"""Writes from the resident pages: sending a form makes a case, with its photos attached."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from django.db import transaction

from borough.cases.models import Case
from borough.cases.services import Submission, attachment_add, case_create
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
