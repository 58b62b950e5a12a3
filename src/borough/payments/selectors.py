"""Reads of payments. Staff see a payment only through `payment_for_staff`, which checks their
role in the payment's organisation and audits the read."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from borough.core.models import Role
from borough.core.services import audit_record
from borough.core.tenancy import for_staff
from borough.payments.models import Payment

# Roles that may look at payments (and their refunds and history).
PAYMENT_VIEW_ROLES = {
    str(role)
    for role in (
        Role.ADVISOR,
        Role.CASEWORKER,
        Role.TEAM_LEADER,
        Role.ADMINISTRATOR,
        Role.AUDITOR,
    )
}


def payments_for_staff(user: Any) -> QuerySet[Payment]:
    """The payments of the organisations where `user` holds a role that may see them."""
    return for_staff(Payment.objects.all(), user, roles=PAYMENT_VIEW_ROLES)


def payment_for_staff(*, user: Any, reference: str) -> Payment | None:
    """One payment by its reference, if `user` may see it (audited); None otherwise, whether
    or not it exists."""
    payment = (
        payments_for_staff(user)
        .select_related("organisation", "case", "taken_by")
        .filter(reference=reference)
        .first()
    )
    if payment is not None:
        audit_record(actor=user, action="payment.view", obj=payment)
    return payment
