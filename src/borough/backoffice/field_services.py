"""Writes from the field officers' page: a case reported from where the officer stands."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from borough.accounts.models import User
from borough.cases.models import Case
from borough.cases.services import Submission, attachment_add, case_create, case_note_add
from borough.catalogue.models import Service
from borough.contacts.models import Channel
from borough.portal.uploads import upload_delete, upload_get, upload_read


@transaction.atomic
def field_report_create(
    *,
    service: Service,
    officer: User,
    answers: dict[str, Any],
    latitude: float | None,
    longitude: float | None,
    photo_token: str = "",
    note: str = "",
    idempotency_key: str | None = None,
) -> Case:
    """Make the case a field officer reports from where they stand: channel "field", made by
    the officer (`case_create` logs the contact as theirs), with their photo attached and,
    for a service whose form has no description question, their description as an internal
    note. The photo was checked when it was uploaded (`portal.uploads.upload_store`).

    Everything is written together or not at all. Sending again with the same idempotency key
    returns the first case and adds nothing. Raises `CaseInvalid` (writing nothing) when the
    submission is refused.
    """
    if idempotency_key:
        existing = Case.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    case = case_create(
        submission=Submission(
            service=service,
            channel=Channel.FIELD,
            answers=answers,
            staff=officer,
            latitude=latitude,
            longitude=longitude,
            idempotency_key=idempotency_key,
        )
    )
    upload = upload_get(photo_token) if photo_token else None
    content = upload_read(photo_token) if upload is not None else None
    if upload is not None and content is not None:
        digest = hashlib.sha256(content).hexdigest()
        if not case.attachments.filter(sha256=digest).exists():
            attachment_add(
                case=case,
                content=content,
                filename=upload.filename,
                actor=officer,
                content_type=upload.content_type,
                width=upload.width,
                height=upload.height,
            )
    if note.strip():
        case_note_add(case=case, actor=officer, body=note)
    if photo_token:
        token = photo_token
        transaction.on_commit(lambda: upload_delete(token))
    return case
