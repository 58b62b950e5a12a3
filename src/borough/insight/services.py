"""Changes to what the figures are worked out from: channel costs and channel-shift targets.

Each is one transaction that also writes the audit entry of who changed what.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from borough.contacts.models import ChannelCost
from borough.contacts.services import channel_cost_set
from borough.core.models import Organisation
from borough.core.services import audit_record
from borough.insight.cache import public_figures_forget
from borough.insight.models import ChannelShiftTarget


class InsightInvalid(ValueError):
    """Input refused; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@transaction.atomic
def channel_cost_change(
    *,
    organisation: Organisation,
    actor: Any,
    channel: str,
    valid_from: date,
    cost_pence: int,
    source: str,
) -> ChannelCost:
    """Set what a channel costs the organisation per contact from a date, noting the source."""
    cost = channel_cost_set(
        organisation=organisation,
        channel=channel,
        valid_from=valid_from,
        cost_pence=cost_pence,
        source=source,
    )
    public_figures_forget(organisation)
    audit_record(
        actor=actor,
        action="insight.channel_cost_set",
        obj=cost,
        organisation=organisation,
        detail={
            "channel": channel,
            "valid_from": valid_from.isoformat(),
            "cost_pence": cost_pence,
            "source": cost.source,
        },
    )
    return cost


@transaction.atomic
def channel_cost_remove(*, organisation: Organisation, actor: Any, cost_id: int) -> bool:
    """Remove one of the organisation's own costs (the default then applies again)."""
    cost = ChannelCost.objects.filter(organisation=organisation, pk=cost_id).first()
    if cost is None:
        return False
    public_figures_forget(organisation)
    audit_record(
        actor=actor,
        action="insight.channel_cost_remove",
        obj=cost,
        organisation=organisation,
        detail={
            "channel": cost.channel,
            "valid_from": cost.valid_from.isoformat(),
            "cost_pence": cost.cost_pence,
        },
    )
    cost.delete()
    return True


def _target_errors(
    starts_on: date | None, due_on: date | None, percent: int | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if percent is None or not 1 <= percent <= 100:
        errors["percent"] = _("Target must be a whole number from 1 to 100")
    if starts_on is None:
        errors["starts_on"] = _("Enter the date the target runs from")
    if due_on is None:
        errors["due_on"] = _("Enter the date the target is due")
    elif starts_on is not None and due_on <= starts_on:
        errors["due_on"] = _("The date the target is due must be after the date it runs from")
    return errors


@transaction.atomic
def channel_shift_target_set(
    *,
    organisation: Organisation,
    actor: Any,
    starts_on: date,
    due_on: date,
    percent: int,
    note: str = "",
) -> ChannelShiftTarget:
    """Aim for `percent` of contacts online by `due_on` (replacing a target due that day)."""
    errors = _target_errors(starts_on, due_on, percent)
    if errors:
        raise InsightInvalid(errors)
    try:
        with transaction.atomic():
            target, _created = ChannelShiftTarget.objects.update_or_create(
                organisation=organisation,
                due_on=due_on,
                defaults={"starts_on": starts_on, "percent": percent, "note": note.strip()},
            )
    except IntegrityError as error:
        raise InsightInvalid({"due_on": _("Enter a different date")}) from error
    public_figures_forget(organisation)
    audit_record(
        actor=actor,
        action="insight.target_set",
        obj=target,
        organisation=organisation,
        detail={
            "starts_on": starts_on.isoformat(),
            "due_on": due_on.isoformat(),
            "percent": percent,
        },
    )
    return target


@transaction.atomic
def channel_shift_target_remove(*, organisation: Organisation, actor: Any, target_id: int) -> bool:
    target = ChannelShiftTarget.objects.filter(organisation=organisation, pk=target_id).first()
    if target is None:
        return False
    public_figures_forget(organisation)
    audit_record(
        actor=actor,
        action="insight.target_remove",
        obj=target,
        organisation=organisation,
        detail={"due_on": target.due_on.isoformat(), "percent": target.percent},
    )
    target.delete()
    return True
