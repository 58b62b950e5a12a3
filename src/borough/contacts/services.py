"""Writes for the contact log and channel costs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from borough.contacts.models import Channel, ChannelCost, Contact, Outcome
from borough.core.models import Organisation


class ContactInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def contact_log(
    *,
    organisation: Organisation,
    channel: str,
    outcome: str,
    resident: Any = None,
    case: Any = None,
    service: Any = None,
    staff: Any = None,
    avoidable: bool = False,
    resolved_at_first_contact: bool = False,
    notes: str = "",
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> Contact:
    """Record one interaction, whether or not it made a case. Logging again with the same
    `idempotency_key` returns the first contact and writes nothing.

    One INSERT, in the caller's transaction when there is one; a savepoint only when an
    idempotency key may clash with the same contact logged at the same moment."""
    if idempotency_key:
        existing = Contact.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = "Select how the resident got in touch"
    if outcome not in Outcome.values:
        errors["outcome"] = "Select the outcome of the contact"
    if errors:
        raise ContactInvalid(errors)
    contact = Contact(
        organisation=organisation,
        channel=channel,
        outcome=outcome,
        resident=resident,
        case=case,
        service=service,
        staff=staff,
        avoidable=avoidable,
        resolved_at_first_contact=resolved_at_first_contact,
        notes=notes.strip(),
        at=at or timezone.now(),
        idempotency_key=idempotency_key or None,
    )
    if not idempotency_key:
        contact.save()
        return contact
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        # The same key sent twice at once: the other request logged it.
        existing = (
            Contact.objects.filter(idempotency_key=idempotency_key).first()
            if idempotency_key
            else None
        )
        if existing is None:
            raise
        return existing
    return contact


@transaction.atomic
def channel_cost_set(
    *,
    organisation: Organisation | None,
    channel: str,
    valid_from: date,
    cost_pence: int,
    source: str,
) -> ChannelCost:
    """Set what a channel costs per transaction from a date (replacing one set for that date)."""
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = "Select a channel"
    if cost_pence < 0:
        errors["cost_pence"] = "Cost must be 0 or more"
    if not source.strip():
        errors["source"] = "Enter where the figure comes from"
    if errors:
        raise ContactInvalid(errors)
    cost, _ = ChannelCost.objects.update_or_create(
        organisation=organisation,
        channel=channel,
        valid_from=valid_from,
        defaults={"cost_pence": cost_pence, "source": source.strip()},
    )
    return cost
