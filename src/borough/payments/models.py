"""Payments taken through a payment provider (the built-in test provider or GOV.UK Pay).

Money is integer pence. A payment's status is only ever set from what its provider says,
fetched server side (`services.payment_refresh`): never from a URL or a webhook body.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from borough.core.models import TenantOwned, TimeStampedModel


class PaymentStatus(models.TextChoices):
    CREATED = "created", "Created"
    STARTED = "started", "Started"
    SUBMITTED = "submitted", "Submitted"
    SUCCESS = "success", "Paid"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    ERROR = "error", "Error"
    PARTIALLY_REFUNDED = "partially_refunded", "Partly refunded"
    REFUNDED = "refunded", "Refunded"


# Not finished: the resident may still be on the provider's pages.
IN_PROGRESS_STATUSES = frozenset(
    {PaymentStatus.CREATED, PaymentStatus.STARTED, PaymentStatus.SUBMITTED}
)
# Money was taken (some of it may have been refunded since).
PAID_STATUSES = frozenset(
    {PaymentStatus.SUCCESS, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)
# Finished without taking money.
UNPAID_STATUSES = frozenset({PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.ERROR})


class Provider(models.TextChoices):
    TEST = "test", "Test provider"
    GOVUK_PAY = "govuk_pay", "GOV.UK Pay"


class PaymentChannel(models.TextChoices):
    """The same values as `contacts.Channel` for the channels a payment is taken on."""

    WEB = "web", "Web"
    PHONE = "phone", "Phone"


class Payment(TenantOwned, TimeStampedModel):
    """One attempt to take an amount from a resident for one purpose.

    `purpose` names a handler registered in `payments.purposes` (e.g. "waste.container") and
    `purpose_id` the owner's object; `case` optionally links the case it pays for."""

    reference = models.CharField(max_length=20, unique=True)
    amount_pence = models.PositiveIntegerField()
    description = models.CharField(max_length=255)
    purpose = models.CharField(max_length=60, blank=True)
    purpose_id = models.CharField(max_length=60, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.CREATED
    )
    provider = models.CharField(max_length=20, choices=Provider.choices)
    provider_payment_id = models.CharField(max_length=100, blank=True, db_index=True)
    # The provider's own words for the last status seen, and its code for a failure
    # (GOV.UK Pay: P0010 declined, P0020 expired, P0030 cancelled by the user, ...).
    provider_status = models.CharField(max_length=30, blank=True)
    failure_code = models.CharField(max_length=20, blank=True)
    # Where the provider's pages are; the resident is sent there to pay.
    next_url = models.CharField(max_length=1000, blank=True)
    # Secret in the return URL. It only says which payment to check, never its status.
    return_token = models.CharField(max_length=64, unique=True)
    # A path on this site to send the resident to once the payment has finished.
    return_to = models.CharField(max_length=500, blank=True)
    # The same key always gives the same payment: a payment is never taken twice.
    idempotency_key = models.CharField(max_length=100, unique=True)
    channel = models.CharField(
        max_length=20, choices=PaymentChannel.choices, default=PaymentChannel.WEB
    )
    # The advisor who took a payment over the phone.
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments_taken",
    )
    refunded_pence = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    # When the purpose handler (on_paid or on_failed) ran: it runs exactly once.
    outcome_handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_pence__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_pence__lte=models.F("amount_pence")),
                name="payment_refunds_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount_pence}p {self.status}"

    @property
    def is_paid(self) -> bool:
        return self.status in PAID_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status not in IN_PROGRESS_STATUSES


class RefundStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    SUCCESS = "success", "Refunded"
    ERROR = "error", "Error"


class Refund(TenantOwned, TimeStampedModel):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=RefundStatus.choices, default=RefundStatus.SUBMITTED
    )
    provider_refund_id = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    reason = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_pence__gt=0), name="refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} refund {self.amount_pence}p {self.status}"


class PaymentEventKind(models.TextChoices):
    CREATED = "created", "Created"
    SENT_TO_PROVIDER = "sent_to_provider", "Sent to the provider"
    STATUS_CHANGED = "status_changed", "Status changed"
    OUTCOME_HANDLED = "outcome_handled", "Outcome handled"
    REFUND_REQUESTED = "refund_requested", "Refund requested"
    REFUND_UPDATED = "refund_updated", "Refund updated"


class PaymentEvent(models.Model):
    """A payment's append-only history: what changed, when, and what told us."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=30, choices=PaymentEventKind.choices)
    # return, webhook, reconcile, staff, ...
    source = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind} {self.status}"


class WebhookMessage(models.Model):
    """Each provider webhook message taken, so that a replayed message does nothing."""

    provider = models.CharField(max_length=20, choices=Provider.choices)
    message_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=60)
    resource_id = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "message_id"], name="payments_webhook_message_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.message_id} {self.event_type}"


class TestCardPayment(TimeStampedModel):
    """The built-in test provider's own records: a pretend card processor living on this site,
    for the demo and for development. It takes no money and keeps no card details."""

    __test__ = False  # not a pytest test class

    provider_payment_id = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    amount_pence = models.PositiveIntegerField()
    description = models.CharField(max_length=255)
    reference = models.CharField(max_length=255)
    # A path on this site (the payment's return URL).
    return_path = models.CharField(max_length=500)
    status = models.CharField(max_length=20, default="created")
    failure_code = models.CharField(max_length=20, blank=True)
    refunded_pence = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.provider_payment_id} {self.status}"
