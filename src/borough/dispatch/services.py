"""Sending cases to contractors, and applying what they send back.

Sending (`dispatch_deliver`, run by the `dispatch_send` task) is claim, send, record:

1. claim: one short UPDATE moves the row to "sending" only if it is due, with a token of
   this attempt, so two workers given the same dispatch never both send it;
2. send: the HTTP request, outside any transaction (a slow contractor holds no lock);
3. record: a short transaction writes the outcome. Success writes a DISPATCHED case event
   with the contractor's id. A failure worth retrying is tried again after 1, 2, 4, 8...
   minutes; after `MAX_ATTEMPTS`, or at once for a refusal that retrying would repeat, the
   dispatch gives up and a DISPATCHED event (outcome "gave_up") says so on the timeline.

Updates coming back (Open311 polling, signed webhook callbacks) go through
`external_update_apply`: once per update id, as one EXTERNAL_UPDATE case event.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from borough.cases.models import CLOSED_STATUSES, Case, Status
from borough.cases.services import case_dispatched, case_external_update
from borough.core.services import audit_record
from borough.dispatch import open311_client, webhooks
from borough.dispatch.fanout import dispatch_enqueue
from borough.dispatch.models import (
    ContractorEndpoint,
    Dispatch,
    DispatchStatus,
    ExternalUpdate,
    Protocol,
)
from borough.dispatch.selectors import SENDING_LEASE, dispatch_ids_due, endpoints_to_poll
from borough.dispatch.transport import ContractorError, Sent

logger = logging.getLogger(__name__)

# A dispatch is tried this many times in all before it gives up.
MAX_ATTEMPTS = 8
# The wait before the second attempt; it doubles each time (1, 2, 4, 8 ... minutes).
FIRST_RETRY_DELAY = timedelta(minutes=1)
# Each Open311 poll asks again for this much time before the last one ended, in case the
# contractor recorded an update late (repeats are recognised by their update id).
POLL_OVERLAP = timedelta(minutes=10)
# The first poll of an endpoint looks back this far.
FIRST_POLL_WINDOW = timedelta(days=1)


class Delivery(StrEnum):
    """What `dispatch_deliver` did (the task's return value)."""

    SENT = "sent"
    FAILED = "failed"
    GAVE_UP = "gave up"
    ALREADY_SENT = "already sent"
    ALREADY_GAVE_UP = "already gave up"
    NOT_DUE = "not due"
    BUSY = "busy"
    MISSING = "missing"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8 ... minutes."""
    return FIRST_RETRY_DELAY * (2 ** max(0, attempts - 1))


# -- Sending -------------------------------------------------------------------------------


def dispatch_claim(*, dispatch_id: int, now: datetime | None = None) -> str | None:
    """Claim the dispatch for one sending attempt; the attempt's token, or None when it is
    not due, already sent, given up, or claimed by another worker right now."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    due = Dispatch.objects.filter(
        Q(status__in=(DispatchStatus.PENDING, DispatchStatus.FAILED), next_attempt_at__lte=now)
        | Q(status=DispatchStatus.SENDING, claimed_at__lt=now - SENDING_LEASE),
        pk=dispatch_id,
        endpoint__active=True,
    )
    with transaction.atomic():
        claimed = due.update(
            status=DispatchStatus.SENDING,
            claim_token=token,
            claimed_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    return token if claimed else None


def _why_not(dispatch_id: int) -> Delivery:
    dispatch = Dispatch.objects.filter(pk=dispatch_id).first()
    if dispatch is None:
        return Delivery.MISSING
    if dispatch.status == DispatchStatus.SENT:
        return Delivery.ALREADY_SENT
    if dispatch.status == DispatchStatus.GAVE_UP:
        return Delivery.ALREADY_GAVE_UP
    if dispatch.status == DispatchStatus.SENDING:
        return Delivery.BUSY
    return Delivery.NOT_DUE


def _send(dispatch: Dispatch) -> Sent:
    endpoint = dispatch.endpoint
    if endpoint.protocol == Protocol.OPEN311:
        fields = open311_client.request_fields(endpoint=endpoint, case=dispatch.case)
        return open311_client.request_post(
            endpoint=endpoint, fields=fields, idempotency_key=dispatch.idempotency_key
        )
    return webhooks.webhook_post(
        endpoint=endpoint,
        body=webhooks.dispatch_body(dispatch),
        idempotency_key=dispatch.idempotency_key,
    )


def dispatch_deliver(*, dispatch_id: int, now: datetime | None = None) -> Delivery:
    """Send one dispatch if it is due, at most once however often (or by however many
    workers) it is called, and record the outcome."""
    token = dispatch_claim(dispatch_id=dispatch_id, now=now)
    if token is None:
        return _why_not(dispatch_id)
    dispatch = Dispatch.objects.select_related(
        "endpoint__team", "case__service", "case__property", "case__street"
    ).get(pk=dispatch_id)
    try:
        sent = _send(dispatch)
    except ContractorError as error:
        return _record_failure(dispatch_id=dispatch_id, token=token, error=error)
    except Exception as error:  # a bug or an unexpected answer: recorded, retried, visible
        logger.exception("dispatch failed unexpectedly", extra={"dispatch": dispatch_id})
        return _record_failure(
            dispatch_id=dispatch_id,
            token=token,
            error=ContractorError(f"{type(error).__name__}: {error}"[:2000]),
        )
    return _record_success(dispatch_id=dispatch_id, sent=sent)


@transaction.atomic
def _record_success(*, dispatch_id: int, sent: Sent) -> Delivery:
    dispatch = (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("endpoint__team", "case")
        .get(pk=dispatch_id)
    )
    if dispatch.status == DispatchStatus.SENT:
        return Delivery.ALREADY_SENT
    now = timezone.now()
    dispatch.status = DispatchStatus.SENT
    dispatch.external_id = sent.external_id
    dispatch.token = sent.token
    dispatch.sent_at = now
    dispatch.next_attempt_at = None
    dispatch.last_error = ""
    dispatch.last_status_code = sent.status_code
    dispatch.save(
        update_fields=[
            "status",
            "external_id",
            "token",
            "sent_at",
            "next_attempt_at",
            "last_error",
            "last_status_code",
            "updated_at",
        ]
    )
    endpoint = dispatch.endpoint
    case_dispatched(
        case=dispatch.case,
        contractor=endpoint.team.name,
        outcome="sent",
        system=endpoint.system,
        external_id=sent.external_id,
        token=sent.token,
        dispatch=dispatch.pk,
        attempts=dispatch.attempts,
        protocol=endpoint.protocol,
    )
    return Delivery.SENT


def _record_failure(*, dispatch_id: int, token: str, error: ContractorError) -> Delivery:
    retry_in: timedelta | None = None
    with transaction.atomic():
        dispatch = (
            Dispatch.objects.select_for_update(of=("self",))
            .select_related("endpoint__team", "case")
            .get(pk=dispatch_id)
        )
        if dispatch.status != DispatchStatus.SENDING or dispatch.claim_token != token:
            # Another worker took over (our claim outlived its lease): its outcome stands.
            return Delivery.BUSY
        now = timezone.now()
        dispatch.last_error = error.message
        dispatch.last_status_code = error.status_code
        gave_up = error.permanent or dispatch.attempts >= MAX_ATTEMPTS
        if gave_up:
            dispatch.status = DispatchStatus.GAVE_UP
            dispatch.next_attempt_at = None
        else:
            retry_in = retry_delay(dispatch.attempts)
            dispatch.status = DispatchStatus.FAILED
            dispatch.next_attempt_at = now + retry_in
        dispatch.save(
            update_fields=[
                "status",
                "next_attempt_at",
                "last_error",
                "last_status_code",
                "updated_at",
            ]
        )
        logger.warning(
            "dispatch failed",
            extra={
                "dispatch": dispatch.pk,
                "attempts": dispatch.attempts,
                "gave_up": gave_up,
                "error": error.message,
            },
        )
        if gave_up:
            attempts = dispatch.attempts
            team = dispatch.endpoint.team.name
            case_dispatched(
                case=dispatch.case,
                contractor=team,
                outcome="gave_up",
                body=(
                    f"Could not send this case to {team} "
                    f"({attempts} attempt{'s' if attempts != 1 else ''}). {error.message}"
                ),
                dispatch=dispatch.pk,
                attempts=attempts,
                protocol=dispatch.endpoint.protocol,
            )
            return Delivery.GAVE_UP
    if retry_in is not None:
        dispatch_enqueue(dispatch_id, delay=retry_in)
    return Delivery.FAILED


@transaction.atomic
def dispatch_retry(*, dispatch: Dispatch, actor: Any) -> bool:
    """Send a failed (or given up) dispatch again now: one more attempt straight away, then
    the usual retries while attempts remain. False, and nothing done, for any other."""
    now = timezone.now()
    updated = Dispatch.objects.filter(
        pk=dispatch.pk, status__in=(DispatchStatus.FAILED, DispatchStatus.GAVE_UP)
    ).update(status=DispatchStatus.PENDING, next_attempt_at=now, updated_at=now)
    if not updated:
        return False
    audit_record(
        actor=actor,
        action="dispatch.retry",
        obj=dispatch,
        organisation=dispatch.organisation,
        detail={"case": dispatch.case.reference, "previous": dispatch.status},
    )
    transaction.on_commit(partial(dispatch_enqueue, dispatch.pk), robust=True)
    return True


@dataclass(frozen=True)
class SweepResult:
    enqueued: list[int]
    polled: list[int]


def dispatch_sweep_run(*, now: datetime | None = None) -> SweepResult:
    """Enqueue the sending of every dispatch that is due, and a poll of every Open311
    endpoint's updates. Run every DISPATCH_SWEEP_SECONDS by `borough worker`."""
    from borough.dispatch.tasks import dispatch_poll

    due = dispatch_ids_due(now=now)
    for dispatch_id in due:
        dispatch_enqueue(dispatch_id)
    polled = list(endpoints_to_poll().values_list("id", flat=True))
    for endpoint_id in polled:
        dispatch_poll.enqueue(endpoint_id=endpoint_id)
    return SweepResult(enqueued=due, polled=polled)


# -- Updates from contractors ----------------------------------------------------------------


class UpdateRefused(ValueError):
    """An update that cannot be applied; `code` is the API's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class UpdateCode(StrEnum):
    DUPLICATE = "duplicate_update"
    UNKNOWN_STATUS = "unknown_status"
    INVALID = "invalid"


def status_from_contractor(*, endpoint: ContractorEndpoint, raw: str, case: Case) -> str | None:
    """The Borough status a contractor's status means for `case`; None for no change.

    The endpoint's `status_map` is asked first; then Borough's own status names (any case,
    spaces for underscores, as FixMyStreet sends them). "open" only reopens a closed case and
    "closed" only closes an open one. Raises `UpdateRefused` for a status not understood."""
    raw = raw.strip()
    if not raw:
        return None
    mapped = endpoint.status_map.get(raw) or endpoint.status_map.get(raw.lower())
    value = str(mapped or raw).strip().lower().replace(" ", "_").replace("-", "_")
    if value not in Status.values:
        raise UpdateRefused(UpdateCode.UNKNOWN_STATUS, f"The status {raw!r} is not understood")
    if value == Status.OPEN and case.status not in CLOSED_STATUSES:
        return None
    if value == Status.CLOSED and case.status in CLOSED_STATUSES:
        return None
    return value


def photo_link(url: str) -> str:
    """A contractor's photo URL if it is an http(s) link (kept as a link, never fetched)."""
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > 500 or parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return url


def external_update_apply(
    *,
    endpoint: ContractorEndpoint,
    case: Case,
    update_id: str,
    status: str = "",
    description: str = "",
    photo_url: str = "",
    at: datetime | None = None,
) -> ExternalUpdate:
    """Apply one update from the contractor to the case, once: the same `update_id` again
    raises `UpdateRefused` (duplicate) and changes nothing."""
    update_id = update_id.strip()[:200]
    if not update_id:
        raise UpdateRefused(UpdateCode.INVALID, "Enter an update_id")
    try:
        with transaction.atomic():
            if ExternalUpdate.objects.filter(endpoint=endpoint, update_id=update_id).exists():
                raise UpdateRefused(UpdateCode.DUPLICATE, "This update was already received")
            record = ExternalUpdate.objects.create(
                organisation_id=case.organisation_id,
                endpoint=endpoint,
                update_id=update_id,
                case=case,
            )
            current = Case.objects.get(pk=case.pk)
            new_status = status_from_contractor(endpoint=endpoint, raw=status, case=current)
            event = case_external_update(
                case=current,
                contractor=endpoint.team.name,
                update_id=update_id,
                status=new_status,
                description=description[:5000],
                photo_url=photo_link(photo_url),
                at=at,
            )
            if event is not None:
                record.event = event
                record.save(update_fields=["event"])
    except IntegrityError as error:
        # Another worker recorded the same update a moment ago.
        raise UpdateRefused(UpdateCode.DUPLICATE, "This update was already received") from error
    return record


def _poll_start(endpoint: ContractorEndpoint, now: datetime) -> datetime:
    """Where the next window of updates starts: a little before the last one ended, or
    before the first case was sent (at most a day back) on the first poll."""
    if endpoint.updates_polled_until is not None:
        return endpoint.updates_polled_until - POLL_OVERLAP
    first = (
        Dispatch.objects.filter(endpoint=endpoint, sent_at__isnull=False)
        .order_by("sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    if first is None:
        return now - FIRST_POLL_WINDOW
    return max(first - POLL_OVERLAP, now - FIRST_POLL_WINDOW)


@dataclass(frozen=True)
class PollResult:
    applied: int = 0
    repeated: int = 0
    unknown: int = 0
    error: str = ""


def _tokens_resolve(endpoint: ContractorEndpoint) -> None:
    """Ask for the service_request_id behind each token the contractor gave instead."""
    waiting = Dispatch.objects.filter(
        endpoint=endpoint, status=DispatchStatus.SENT, external_id=""
    ).exclude(token="")
    for dispatch in waiting[:100]:
        external_id = open311_client.token_resolve(endpoint=endpoint, token=dispatch.token)
        if external_id:
            Dispatch.objects.filter(pk=dispatch.pk, external_id="").update(
                external_id=external_id[:200]
            )


def endpoint_updates_poll(*, endpoint_id: int, now: datetime | None = None) -> PollResult:
    """Fetch an Open311 contractor's updates since the last poll and apply each once."""
    now = now or timezone.now()
    endpoint = (
        ContractorEndpoint.objects.filter(pk=endpoint_id, active=True, protocol=Protocol.OPEN311)
        .select_related("team")
        .first()
    )
    if endpoint is None:
        return PollResult(error="no such active Open311 endpoint")
    try:
        _tokens_resolve(endpoint)
        updates = open311_client.updates_fetch(
            endpoint=endpoint, start=_poll_start(endpoint, now), end=now
        )
    except ContractorError as error:
        logger.warning(
            "contractor updates could not be fetched",
            extra={"endpoint": endpoint.pk, "error": error.message},
        )
        return PollResult(error=error.message)
    applied = repeated = unknown = 0
    for update in updates:
        dispatch = (
            Dispatch.objects.filter(endpoint=endpoint, external_id=update.service_request_id)
            .select_related("case")
            .order_by("-id")
            .first()
        )
        if dispatch is None:
            unknown += 1
            continue
        status = update.status
        code = update.external_status_code
        if code and (code in endpoint.status_map or code.lower() in endpoint.status_map):
            status = code
        apply = partial(
            external_update_apply,
            endpoint=endpoint,
            case=dispatch.case,
            update_id=update.update_id,
            description=update.description,
            photo_url=update.media_url,
            at=update.updated_at,
        )
        try:
            try:
                apply(status=status)
            except UpdateRefused as refused:
                if refused.code != UpdateCode.UNKNOWN_STATUS:
                    raise
                # A status we do not understand: the rest of the update still counts.
                logger.warning(
                    "contractor status not understood",
                    extra={"endpoint": endpoint.pk, "status": status},
                )
                apply(status="")
        except UpdateRefused as refused:
            if refused.code == UpdateCode.DUPLICATE:
                repeated += 1
            else:
                unknown += 1
            continue
        applied += 1
    ContractorEndpoint.objects.filter(pk=endpoint.pk).update(updates_polled_until=now)
    return PollResult(applied=applied, repeated=repeated, unknown=unknown)
