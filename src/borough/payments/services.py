"""Every change to a payment: create, start, confirm, reconcile, refund, take a webhook.

A payment's status is only ever set from what its provider says when Borough asks it
(`payment_refresh`): the return URL only names the payment (by a random token) and a webhook
only prompts Borough to ask. Provider calls are made outside database transactions; the
status they report is applied under a row lock, and the purpose's handler (`purposes`) runs in
that same transaction, exactly once.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from borough.accounts.models import User
from borough.cases.models import Case
from borough.core.links import site_url
from borough.core.models import Organisation, Role
from borough.core.references import reference_generate
from borough.core.tenancy import staff_roles
from borough.payments.models import (
    IN_PROGRESS_STATUSES,
    PAID_STATUSES,
    Payment,
    PaymentChannel,
    PaymentEvent,
    PaymentEventKind,
    PaymentStatus,
    Provider,
    Refund,
    RefundStatus,
    WebhookMessage,
)
from borough.payments.money import pounds
from borough.payments.providers import (
    CreateRequest,
    ProviderError,
    ProviderPayment,
    ProviderRefused,
    provider_default,
    provider_for,
)
from borough.payments.providers.base import CODE_CANCELLED_BY_SERVICE, CODE_EXPIRED
from borough.payments.purposes import purpose_handlers, purpose_known

logger = logging.getLogger("borough.payments")

# GOV.UK Pay's limit on one payment (£100,000) and the life of its payment pages.
MAX_AMOUNT_PENCE = 10_000_000
SESSION_LIFETIME = timedelta(minutes=90)
# Roles that may take a payment over the phone.
PHONE_PAYMENT_ROLES = frozenset(
    {Role.ADVISOR, Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMINISTRATOR}
)


class PaymentErrorCode(StrEnum):
    AMOUNT_INVALID = "amount_invalid"
    DESCRIPTION_MISSING = "description_missing"
    PURPOSE_UNKNOWN = "purpose_unknown"
    RETURN_TO_INVALID = "return_to_invalid"
    CHANNEL_INVALID = "channel_invalid"
    NOT_ALLOWED = "not_allowed"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    FINISHED = "finished"
    NOT_PAID = "not_paid"
    REFUND_TOO_MUCH = "refund_too_much"
    REFUND_NOT_ALLOWED = "refund_not_allowed"
    REFUND_REFUSED = "refund_refused"
    PROVIDER_UNAVAILABLE = "provider_unavailable"


class PaymentError(Exception):
    def __init__(self, code: PaymentErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# -- Creating and starting -------------------------------------------------------------


def _check_amount(amount_pence: Any) -> int:
    # Integer pence only: a float (or a bool, which is an int) is refused, never rounded.
    if type(amount_pence) is not int or not 0 < amount_pence <= MAX_AMOUNT_PENCE:
        raise PaymentError(
            PaymentErrorCode.AMOUNT_INVALID,
            _("Enter an amount between £0.01 and £100,000 in pence"),
        )
    return amount_pence


def _check_return_to(return_to: str) -> str:
    # A path on this site only: never an open redirect.
    if return_to and not (
        return_to.startswith("/")
        and url_has_allowed_host_and_scheme(return_to, allowed_hosts=set(), require_https=True)
    ):
        raise PaymentError(
            PaymentErrorCode.RETURN_TO_INVALID, _("The return address must be a path")
        )
    return return_to


def _event(
    payment: Payment,
    kind: str,
    *,
    source: str = "",
    actor: User | None = None,
    **data: Any,
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment, kind=kind, source=source, status=payment.status, actor=actor, data=data
    )


def _same_request(
    payment: Payment, organisation: Organisation, amount_pence: int, purpose: str, purpose_id: str
) -> bool:
    return (
        payment.organisation_id == organisation.pk
        and payment.amount_pence == amount_pence
        and payment.purpose == purpose
        and payment.purpose_id == purpose_id
    )


def payment_create(
    *,
    organisation: Organisation,
    amount_pence: int,
    description: str,
    idempotency_key: str,
    purpose: str = "",
    purpose_id: str = "",
    case: Case | None = None,
    return_to: str = "",
    channel: str = PaymentChannel.WEB,
    taken_by: User | None = None,
) -> Payment:
    """A payment of `amount_pence` for `purpose`, created at the provider too.

    The same `idempotency_key` always gives back the same payment, with no second call to
    the provider (an owner should derive it from what is being paid for, e.g. the booking).
    A phone payment (`channel="phone"`) is taken by `taken_by`, a member of the
    organisation's staff. Raises `PaymentError`; PROVIDER_UNAVAILABLE leaves the payment
    created, and `payment_start` tries the provider again."""
    _check_amount(amount_pence)
    description = (description or "").strip()
    if not description:
        raise PaymentError(PaymentErrorCode.DESCRIPTION_MISSING, _("Enter a description"))
    if purpose and not purpose_known(purpose):
        raise PaymentError(PaymentErrorCode.PURPOSE_UNKNOWN, f"Unknown purpose {purpose!r}")
    _check_return_to(return_to)
    if not idempotency_key or len(idempotency_key) > 100:
        raise PaymentError(
            PaymentErrorCode.IDEMPOTENCY_MISMATCH, "An idempotency key of 1 to 100 characters"
        )
    if channel == PaymentChannel.PHONE:
        if taken_by is None or not (
            staff_roles(taken_by, organisation) & {str(role) for role in PHONE_PAYMENT_ROLES}
        ):
            raise PaymentError(
                PaymentErrorCode.NOT_ALLOWED, _("You cannot take payments for this council")
            )
    elif channel == PaymentChannel.WEB:
        if taken_by is not None:
            raise PaymentError(
                PaymentErrorCode.CHANNEL_INVALID, "A web payment is not taken by staff"
            )
    else:
        raise PaymentError(PaymentErrorCode.CHANNEL_INVALID, f"Unknown channel {channel!r}")
    if case is not None and case.organisation_id != organisation.pk:
        raise PaymentError(PaymentErrorCode.NOT_ALLOWED, "The case belongs to another council")

    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is None:
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    organisation=organisation,
                    reference=reference_generate(organisation.reference_prefix[:3] + "P"),
                    amount_pence=amount_pence,
                    description=description[:255],
                    purpose=purpose,
                    purpose_id=str(purpose_id),
                    case=case,
                    provider=provider_default(),
                    return_token=secrets.token_urlsafe(32),
                    return_to=return_to,
                    idempotency_key=idempotency_key,
                    channel=channel,
                    taken_by=taken_by,
                )
                _event(payment, PaymentEventKind.CREATED, actor=taken_by, channel=channel)
        except IntegrityError:
            # Another request with the same key got there first.
            existing = Payment.objects.get(idempotency_key=idempotency_key)
        else:
            _provider_create(payment)
            return payment
    if not _same_request(existing, organisation, amount_pence, purpose, str(purpose_id)):
        raise PaymentError(
            PaymentErrorCode.IDEMPOTENCY_MISMATCH,
            "This idempotency key was used for a different payment",
        )
    return existing


def _return_url(payment: Payment) -> str:
    return site_url(reverse("payments:return", args=[payment.return_token]))


def _provider_create(payment: Payment) -> None:
    """Create the payment at its provider (again, harmlessly, with the same idempotency key)."""
    provider = provider_for(payment.provider)
    try:
        result = provider.create(
            CreateRequest(
                amount_pence=payment.amount_pence,
                reference=payment.reference,
                description=payment.description,
                return_url=_return_url(payment),
                idempotency_key=payment.idempotency_key,
                phone=payment.channel == PaymentChannel.PHONE,
                metadata={"borough_reference": payment.reference},
            )
        )
    except ProviderError as error:
        logger.warning(
            "Payment provider create failed",
            extra={"payment": payment.reference, "error": str(error)},
        )
        raise PaymentError(
            PaymentErrorCode.PROVIDER_UNAVAILABLE,
            _("Sorry, payments are not working at the moment. Try again later."),
        ) from error
    if result.amount_pence != payment.amount_pence:
        raise PaymentError(PaymentErrorCode.PROVIDER_UNAVAILABLE, "The provider changed the amount")
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if not locked.provider_payment_id:
            locked.provider_payment_id = result.provider_payment_id
            locked.next_url = result.next_url
            locked.provider_status = result.provider_status
            locked.save(
                update_fields=["provider_payment_id", "next_url", "provider_status", "updated_at"]
            )
            _event(
                locked,
                PaymentEventKind.SENT_TO_PROVIDER,
                provider=locked.provider,
                provider_payment_id=result.provider_payment_id,
            )
    payment.refresh_from_db()


def payment_start(*, payment: Payment) -> str:
    """Where to send the resident (or the advisor, for a phone payment) to pay."""
    payment.refresh_from_db()
    if payment.is_finished:
        raise PaymentError(PaymentErrorCode.FINISHED, _("This payment has already finished"))
    if not payment.provider_payment_id:
        _provider_create(payment)
    return payment.next_url


# -- Confirming: the return, webhooks and the reconciler all come here ------------------


def _outcome_handle(payment: Payment, *, source: str) -> None:
    """Run the purpose's on_paid or on_failed, once ever, in the caller's transaction."""
    claimed = Payment.objects.filter(pk=payment.pk, outcome_handled_at__isnull=True).update(
        outcome_handled_at=timezone.now()
    )
    if not claimed:
        return
    handlers = purpose_handlers(payment.purpose) if payment.purpose else None
    handler = None
    if handlers is not None:
        handler = handlers.on_paid if payment.status in PAID_STATUSES else handlers.on_failed
    if handler is not None:
        handler(payment)
    _event(
        payment,
        PaymentEventKind.OUTCOME_HANDLED,
        source=source,
        purpose=payment.purpose,
        handler=getattr(handler, "__name__", ""),
    )


def _status_apply(payment: Payment, info: ProviderPayment, *, source: str) -> Payment:
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        locked.last_checked_at = timezone.now()
        fields = ["last_checked_at", "updated_at"]
        if locked.is_finished or info.provider_payment_id != locked.provider_payment_id:
            locked.save(update_fields=fields)
            return locked
        status = info.status
        code = info.failure_code
        if status == PaymentStatus.SUCCESS and info.amount_pence != locked.amount_pence:
            # Never confirm a payment for an amount other than the one asked for.
            status, code = PaymentStatus.ERROR, "amount_mismatch"
        if not info.finished and status not in IN_PROGRESS_STATUSES:
            status = locked.status
        if status != locked.status or info.provider_status != locked.provider_status:
            previous = locked.status
            locked.status = status
            locked.provider_status = info.provider_status
            locked.failure_code = code
            fields += ["status", "provider_status", "failure_code"]
            if status not in IN_PROGRESS_STATUSES:
                locked.finished_at = timezone.now()
                fields.append("finished_at")
            locked.save(update_fields=fields)
            if status != previous:
                _event(
                    locked,
                    PaymentEventKind.STATUS_CHANGED,
                    source=source,
                    previous=previous,
                    provider_status=info.provider_status,
                    code=code,
                )
            if locked.is_finished:
                _outcome_handle(locked, source=source)
        else:
            locked.save(update_fields=fields)
        return locked


def payment_refresh(*, payment: Payment, source: str) -> Payment:
    """Ask the provider for the payment's status and apply it. Raises `ProviderError`."""
    if payment.is_finished or not payment.provider_payment_id:
        return payment
    info = provider_for(payment.provider).status(payment.provider_payment_id)
    return _status_apply(payment, info, source=source)


def payment_return(*, token: str) -> Payment | None:
    """The resident came back from the provider's pages: confirm the status server side.
    None for an unknown token. A provider that cannot be reached leaves the payment as it was
    (the reconciler checks it later)."""
    payment = Payment.objects.filter(return_token=token).first() if token else None
    if payment is None:
        return None
    try:
        return payment_refresh(payment=payment, source="return")
    except ProviderError:
        logger.warning("Payment status check failed", extra={"payment": payment.reference})
        return payment


def _expire(payment: Payment, *, source: str) -> Payment:
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.is_finished:
            return locked
        previous = locked.status
        locked.status = PaymentStatus.FAILED
        locked.failure_code = CODE_EXPIRED
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "failure_code", "finished_at", "updated_at"])
        _event(
            locked,
            PaymentEventKind.STATUS_CHANGED,
            source=source,
            previous=previous,
            code=CODE_EXPIRED,
            expired=True,
        )
        _outcome_handle(locked, source=source)
        return locked


def payment_cancel(*, payment: Payment, source: str = "owner") -> Payment:
    """Stop an unfinished payment: cancel it at the provider, so it can no longer be paid,
    and record what the provider then says (on_failed runs). A payment paid meanwhile counts
    (on_paid runs). One never sent to the provider is recorded as failed. Raises
    `ProviderError` when the provider cannot be reached (nothing is recorded)."""
    payment.refresh_from_db()
    if payment.is_finished:
        return payment
    if not payment.provider_payment_id:
        return _expire(payment, source=source)
    provider = provider_for(payment.provider)
    # Refused when it finished in the meantime: the status says how.
    with contextlib.suppress(ProviderRefused):
        provider.cancel(payment.provider_payment_id)
    return _status_apply(payment, provider.status(payment.provider_payment_id), source=source)


@dataclass
class ReconcileResult:
    checked: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)


def payment_reconcile(
    *, now: datetime | None = None, older_than: timedelta = timedelta(minutes=5)
) -> ReconcileResult:
    """Check every unfinished payment older than `older_than` with its provider. One still
    unfinished after the provider's 90-minute session has been abandoned: it is cancelled at
    the provider (so it can no longer be paid) and recorded as failed (expired). Idempotent."""
    now = now or timezone.now()
    result = ReconcileResult()
    due = Payment.objects.filter(
        status__in=IN_PROGRESS_STATUSES, created_at__lt=now - older_than
    ).order_by("created_at")
    for payment in due:
        result.checked.append(payment.reference)
        abandoned = payment.created_at < now - SESSION_LIFETIME
        try:
            if payment.provider_payment_id:
                payment = payment_refresh(payment=payment, source="reconcile")
                if not payment.is_finished and abandoned:
                    provider = provider_for(payment.provider)
                    # Refused when it finished in the meantime: the status says how.
                    with contextlib.suppress(ProviderRefused):
                        provider.cancel(payment.provider_payment_id)
                    info = provider.status(payment.provider_payment_id)
                    if not (
                        info.status == PaymentStatus.CANCELLED
                        and info.failure_code == CODE_CANCELLED_BY_SERVICE
                    ):
                        # Paid (or failed) at the last minute: that is what counts.
                        payment = _status_apply(payment, info, source="reconcile")
        except ProviderError:
            logger.warning("Payment reconcile failed", extra={"payment": payment.reference})
            result.unreachable.append(payment.reference)
            continue
        if not payment.is_finished and abandoned:
            payment = _expire(payment, source="reconcile")
            result.expired.append(payment.reference)
        elif payment.is_finished:
            result.finished.append(payment.reference)
    return result


# -- Refunds ----------------------------------------------------------------------------


class RefundRule(Protocol):
    def __call__(self, payment: Payment, amount_pence: int) -> str | None:
        """None to allow the refund, or the message that explains why not."""


def _refunded_totals(payment: Payment) -> None:
    """Recompute refunded_pence and the refund status from the refunds (caller holds the lock)."""
    refunded = (
        payment.refunds.filter(status=RefundStatus.SUCCESS).aggregate(total=Sum("amount_pence"))[
            "total"
        ]
        or 0
    )
    status = payment.status
    if refunded >= payment.amount_pence:
        status = PaymentStatus.REFUNDED
    elif refunded > 0:
        status = PaymentStatus.PARTIALLY_REFUNDED
    if refunded != payment.refunded_pence or status != payment.status:
        payment.refunded_pence = refunded
        payment.status = status
        payment.save(update_fields=["refunded_pence", "status", "updated_at"])


def refund_available(payment: Payment) -> int:
    """Pence that may still be refunded: the amount less refunds made or under way."""
    if payment.status not in PAID_STATUSES:
        return 0
    committed = (
        payment.refunds.exclude(status=RefundStatus.ERROR).aggregate(total=Sum("amount_pence"))[
            "total"
        ]
        or 0
    )
    return max(payment.amount_pence - committed, 0)


def payment_refund(
    *,
    payment: Payment,
    amount_pence: int,
    idempotency_key: str,
    actor: User | None = None,
    reason: str = "",
    rule: RefundRule | None = None,
) -> Refund:
    """Refund `amount_pence` (all or part) of a paid payment. The caller supplies its own
    refund rules as `rule` (e.g. "no refund within 2 days of the collection"); this refuses an
    unpaid payment and more than is left. The same key gives back the same refund."""
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.payment_id != payment.pk or existing.amount_pence != amount_pence:
            raise PaymentError(
                PaymentErrorCode.IDEMPOTENCY_MISMATCH,
                "This idempotency key was used for a different refund",
            )
        return existing
    _check_amount(amount_pence)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status not in PAID_STATUSES:
            raise PaymentError(PaymentErrorCode.NOT_PAID, _("This payment has not been taken"))
        available = refund_available(locked)
        if amount_pence > available:
            raise PaymentError(
                PaymentErrorCode.REFUND_TOO_MUCH,
                _("Enter an amount no more than %(amount)s") % {"amount": pounds(available)},
            )
        if rule is not None:
            message = rule(locked, amount_pence)
            if message:
                raise PaymentError(PaymentErrorCode.REFUND_NOT_ALLOWED, message)
        refund = Refund.objects.create(
            organisation=locked.organisation,
            payment=locked,
            amount_pence=amount_pence,
            idempotency_key=idempotency_key,
            reason=reason[:500],
            requested_by=actor,
        )
        _event(
            locked,
            PaymentEventKind.REFUND_REQUESTED,
            source="staff" if actor else "",
            actor=actor,
            amount_pence=amount_pence,
        )
    # GOV.UK Pay checks this against its own figure, so two refunds never race past it.
    provider_available = available
    try:
        result = provider_for(locked.provider).refund(
            locked.provider_payment_id,
            amount_pence=amount_pence,
            refund_amount_available_pence=provider_available,
            idempotency_key=idempotency_key,
        )
    except ProviderRefused as error:
        _refund_update(refund, status=RefundStatus.ERROR, error=f"{error.code} {error.description}")
        raise PaymentError(
            PaymentErrorCode.REFUND_REFUSED,
            _("The refund was refused: %(reason)s") % {"reason": error.description},
        ) from error
    except ProviderError as error:
        # Left submitted: whether the provider took it is not known.
        raise PaymentError(
            PaymentErrorCode.PROVIDER_UNAVAILABLE,
            _("Sorry, refunds are not working at the moment. Try again later."),
        ) from error
    return _refund_update(
        refund, status=result.status, provider_refund_id=result.provider_refund_id
    )


def _refund_update(
    refund: Refund, *, status: str, provider_refund_id: str = "", error: str = ""
) -> Refund:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        fields = ["status", "updated_at"]
        locked.status = status
        if provider_refund_id:
            locked.provider_refund_id = provider_refund_id
            fields.append("provider_refund_id")
        if error:
            locked.error = error[:500]
            fields.append("error")
        locked.save(update_fields=fields)
        _refunded_totals(payment)
        _event(
            payment,
            PaymentEventKind.REFUND_UPDATED,
            refund=locked.pk,
            refund_status=status,
            amount_pence=locked.amount_pence,
        )
        return locked


def payment_refunds_sync(*, payment: Payment) -> list[Refund]:
    """Bring the payment's submitted refunds up to date with the provider's."""
    changed = []
    for remote in provider_for(payment.provider).refunds(payment.provider_payment_id):
        refund = payment.refunds.filter(provider_refund_id=remote.provider_refund_id).first()
        if refund is not None and refund.status != remote.status:
            changed.append(_refund_update(refund, status=remote.status))
    return changed


# -- GOV.UK Pay webhooks --------------------------------------------------------------


class WebhookOutcome(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    UNKNOWN_PAYMENT = "unknown_payment"
    IGNORED = "ignored"
    BAD_SIGNATURE = "bad_signature"
    MALFORMED = "malformed"


WEBHOOK_EVENTS = frozenset(
    {
        "card_payment_started",
        "card_payment_succeeded",
        "card_payment_captured",
        "card_payment_settled",
        "card_payment_failed",
        "card_payment_expired",
        "card_payment_cancelled",
        "card_payment_refunded",
    }
)


def webhook_signature(*, secret: str, body: bytes) -> str:
    """GOV.UK Pay's Pay-Signature: hex HMAC-SHA256 of the raw body, keyed with the secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_signature_valid(*, secret: str, body: bytes, signature: str) -> bool:
    if not secret or not signature:
        return False
    expected = webhook_signature(secret=secret, body=body)
    return hmac.compare_digest(expected, signature.strip().lower())


def payment_webhook_receive(*, body: bytes, signature: str, secret: str) -> WebhookOutcome:
    """Take one GOV.UK Pay webhook message. Its body is never trusted for a status: it only
    prompts a status check with GOV.UK Pay. A message seen before does nothing. Raises
    `ProviderError` when GOV.UK Pay cannot be asked (answer 5xx so that it is sent again)."""
    if not webhook_signature_valid(secret=secret, body=body, signature=signature):
        return WebhookOutcome.BAD_SIGNATURE
    try:
        message = json.loads(body)
        message_id = str(message["webhook_message_id"])
        event_type = str(message["event_type"])
        resource_id = str(message.get("resource_id") or "")
    except (ValueError, KeyError, TypeError):
        return WebhookOutcome.MALFORMED
    if WebhookMessage.objects.filter(provider=Provider.GOVUK_PAY, message_id=message_id).exists():
        return WebhookOutcome.DUPLICATE
    payment = (
        Payment.objects.filter(provider=Provider.GOVUK_PAY, provider_payment_id=resource_id).first()
        if resource_id
        else None
    )
    if payment is None:
        outcome = WebhookOutcome.UNKNOWN_PAYMENT
    elif event_type not in WEBHOOK_EVENTS:
        outcome = WebhookOutcome.IGNORED
    else:
        if event_type == "card_payment_refunded":
            payment_refunds_sync(payment=payment)
        else:
            payment_refresh(payment=payment, source="webhook")
        outcome = WebhookOutcome.PROCESSED
    try:
        with transaction.atomic():
            WebhookMessage.objects.create(
                provider=Provider.GOVUK_PAY,
                message_id=message_id[:100],
                event_type=event_type[:60],
                resource_id=resource_id[:100],
            )
    except IntegrityError:
        return WebhookOutcome.DUPLICATE
    return outcome
