"""The built-in test provider: a pretend card processor on this site, for the demo.

Its card page (/pay/test/<id>/) is plainly marked as a test and takes no money. It mirrors
GOV.UK Pay: the same statuses and failure codes, and its test cards behave like GOV.UK Pay's
(4444 3333 2222 1111 succeeds, 4000 0000 0000 0002 is declined).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.urls import reverse

from borough.payments.models import TestCardPayment
from borough.payments.providers.base import (
    CODE_CANCELLED_BY_SERVICE,
    CreateRequest,
    ProviderError,
    ProviderPayment,
    ProviderRefund,
    ProviderRefused,
    status_from_state,
)

CARD_SUCCEEDS = "4444333322221111"
CARD_DECLINED = "4000000000000002"
FINISHED = {"success", "failed", "cancelled", "error"}


def _payment(row: TestCardPayment) -> ProviderPayment:
    return ProviderPayment(
        provider_payment_id=row.provider_payment_id,
        status=status_from_state(row.status, row.failure_code),
        finished=row.status in FINISHED,
        provider_status=row.status,
        amount_pence=row.amount_pence,
        next_url=reverse("payments:test_card", args=[row.provider_payment_id]),
        failure_code=row.failure_code,
        refund_available_pence=(
            row.amount_pence - row.refunded_pence if row.status == "success" else 0
        ),
    )


def _row(provider_payment_id: str) -> TestCardPayment:
    row = TestCardPayment.objects.filter(provider_payment_id=provider_payment_id).first()
    if row is None:
        raise ProviderRefused("P0200", "Not found", 404)
    return row


class TestProvider:
    __test__ = False  # not a pytest test class
    name = "test"

    def create(self, request: CreateRequest) -> ProviderPayment:
        existing = TestCardPayment.objects.filter(idempotency_key=request.idempotency_key).first()
        if existing is not None:
            return _payment(existing)
        try:
            with transaction.atomic():
                row = TestCardPayment.objects.create(
                    provider_payment_id=secrets.token_hex(13),
                    idempotency_key=request.idempotency_key,
                    amount_pence=request.amount_pence,
                    description=request.description,
                    reference=request.reference,
                    return_path=urlsplit(request.return_url).path,
                )
        except IntegrityError:
            row = TestCardPayment.objects.get(idempotency_key=request.idempotency_key)
        return _payment(row)

    def status(self, provider_payment_id: str) -> ProviderPayment:
        return _payment(_row(provider_payment_id))

    def cancel(self, provider_payment_id: str) -> None:
        updated = TestCardPayment.objects.filter(
            provider_payment_id=provider_payment_id,
            status__in=["created", "started", "submitted"],
        ).update(status="cancelled", failure_code=CODE_CANCELLED_BY_SERVICE)
        if not updated:
            raise ProviderRefused("P0501", "Cancellation of payment failed")

    def refund(
        self,
        provider_payment_id: str,
        *,
        amount_pence: int,
        refund_amount_available_pence: int,
        idempotency_key: str,
    ) -> ProviderRefund:
        with transaction.atomic():
            row = TestCardPayment.objects.select_for_update().get(pk=_row(provider_payment_id).pk)
            if row.status != "success":
                raise ProviderRefused("P0603", "The payment is not available for refund")
            available = row.amount_pence - row.refunded_pence
            if refund_amount_available_pence != available:
                raise ProviderRefused("P0604", "Refund amount available mismatch", 412)
            if amount_pence > available:
                raise ProviderRefused("P0603", "The payment is not available for refund")
            row.refunded_pence += amount_pence
            row.save(update_fields=["refunded_pence", "updated_at"])
        return ProviderRefund(
            provider_refund_id=f"{provider_payment_id}-{idempotency_key[-12:]}",
            status="success",
            amount_pence=amount_pence,
        )

    def refunds(self, provider_payment_id: str) -> list[ProviderRefund]:
        raise ProviderError("The test provider settles refunds at once")


def card_page_open(provider_payment_id: str) -> TestCardPayment | None:
    """The resident opened the card page: as GOV.UK Pay, the payment is now started."""
    TestCardPayment.objects.filter(
        provider_payment_id=provider_payment_id, status="created"
    ).update(status="started")
    return TestCardPayment.objects.filter(provider_payment_id=provider_payment_id).first()


def card_page_finish(*, provider_payment_id: str, status: str, code: str = "") -> bool:
    """Finish a test payment the resident has not finished yet; False if it had been."""
    return bool(
        TestCardPayment.objects.filter(
            provider_payment_id=provider_payment_id, status__in=["created", "started"]
        ).update(status=status, failure_code=code)
    )
