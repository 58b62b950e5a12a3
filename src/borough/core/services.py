"""Writes for tenancy, teams and the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from borough.core.models import AuditEntry, Organisation, Team


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any,
    organisation: Organisation | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that `actor` did `action` (e.g. "case.view") to `obj`."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organisation=organisation or getattr(obj, "organisation", None),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "reference", None) or obj.pk),
        detail=detail or {},
    )


@transaction.atomic
def organisation_create(
    *,
    slug: str,
    name: str,
    kind: str,
    reference_prefix: str,
    ons_code: str = "",
    boundary: dict[str, Any] | None = None,
    brand_colour: str = "#1d70b8",
    website: str = "",
    phone: str = "",
    email: str = "",
) -> Organisation:
    """Create an organisation and its fallback queue."""
    organisation = Organisation(
        slug=slug,
        name=name,
        kind=kind,
        reference_prefix=reference_prefix,
        ons_code=ons_code,
        boundary=boundary,
        brand_colour=brand_colour,
        website=website,
        phone=phone,
        email=email,
    )
    organisation.full_clean()
    organisation.save()
    team_create(organisation=organisation, slug="triage", name="Triage", is_fallback=True)
    return organisation


@transaction.atomic
def team_create(
    *, organisation: Organisation, slug: str, name: str, email: str = "", is_fallback: bool = False
) -> Team:
    team = Team(
        organisation=organisation, slug=slug, name=name, email=email, is_fallback=is_fallback
    )
    team.full_clean()
    team.save()
    return team
