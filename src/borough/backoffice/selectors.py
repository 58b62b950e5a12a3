"""Reads the back office's pages need besides cases: who and where a case can go."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from borough.accounts.models import User
from borough.cases.selectors import cases_visible_to_staff
from borough.catalogue.models import Service
from borough.contacts.models import Contact
from borough.core.models import COUNCIL_KINDS, AuditEntry, Organisation, Role, Team
from borough.core.permissions import Action, roles_for
from borough.core.tenancy import for_staff, staff_organisations, staff_roles
from borough.places.models import Area, AreaKind

LONDON = ZoneInfo("Europe/London")


def staff_of_organisations(organisations: QuerySet[Organisation] | list[int]) -> QuerySet[User]:
    """Active users who hold a role in an active team of one of `organisations`: the people a
    case of those organisations can be assigned to."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__team__is_active=True,
            memberships__team__organisation__in=organisations,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def transfer_teams(*, user: Any, case: Any) -> QuerySet[Team]:
    """Teams a case can be transferred to: those of the user's own organisations and of every
    other council in the deployment (not contractors or partners the user is not in)."""
    return (
        Team.objects.filter(is_active=True, organisation__is_active=True)
        .filter(
            Q(organisation__in=staff_organisations(user)) | Q(organisation__kind__in=COUNCIL_KINDS)
        )
        .exclude(pk=case.team_id)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def filter_services(*, user: Any) -> QuerySet[Service]:
    """The services of the user's organisations, for the queue filter."""
    return for_staff(Service.objects.all(), user).order_by("name")


def filter_wards(*, user: Any) -> QuerySet[Area]:
    """Wards of the deployment: in a two-tier area the county's cases lie in the districts'
    wards, so every ward is offered."""
    return Area.objects.filter(kind=AreaKind.WARD).only("pk", "name").order_by("name")


def audit_entries_for_case(case: Any, *, limit: int = 500) -> list[AuditEntry]:
    """The audit trail of one case, newest first."""
    return list(
        AuditEntry.objects.filter(object_type=case._meta.label_lower, object_id=case.reference)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


# -- Contacts that needed no case ------------------------------------------------------------

# Who may log a contact and see the day's contacts: the roles that take calls and visits.
# Field officers, contractors and auditors do not.
CONTACT_LOG_ROLES = frozenset({Role.ADVISOR, Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMINISTRATOR})


def contact_organisations(*, user: Any) -> QuerySet[Organisation]:
    """The organisations `user` may log contacts for."""
    return staff_organisations(user, roles={str(role) for role in CONTACT_LOG_ROLES}).order_by(
        "name"
    )


def contact_services(organisations: Iterable[Organisation]) -> QuerySet[Service]:
    """The active services of `organisations`, for the contact form."""
    return (
        Service.objects.filter(organisation__in=list(organisations), is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def _london_day(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, LONDON)
    return start, datetime.combine(day + timedelta(days=1), time.min, LONDON)


def contacts_on_day(*, organisations: Iterable[Organisation], day: date) -> QuerySet[Contact]:
    """The contacts of `organisations` on `day` (Europe/London), newest first."""
    start, end = _london_day(day)
    return (
        Contact.objects.filter(organisation__in=list(organisations), at__gte=start, at__lt=end)
        .select_related("organisation", "service", "staff", "case")
        .order_by("-at", "-id")
    )


def case_contacts_for_staff(*, user: Any, case: Any, limit: int = 20) -> list[Contact]:
    """The resident's contacts with the case's organisation, for the case page, newest first:
    every contact logged on this case, and the resident's other contacts (by their account)
    on cases `user` may view, or on no case when `user` takes contacts for the organisation
    (`CONTACT_LOG_ROLES`). The page that shows them is the case's, audited by
    `case_for_staff`."""
    match = Q(case_id=case.pk)
    if case.resident_id:
        visible = Q(case__in=cases_visible_to_staff(user=user))
        if staff_roles(user, case.organisation) & {str(role) for role in CONTACT_LOG_ROLES}:
            visible |= Q(case__isnull=True)
        match |= Q(resident_id=case.resident_id) & visible
    return list(
        Contact.objects.filter(match, organisation_id=case.organisation_id)
        .select_related("service", "staff", "case")
        .order_by("-at", "-id")[:limit]
    )


def london_today() -> date:
    return timezone.localtime(timezone.now(), LONDON).date()


# -- The audit trail -------------------------------------------------------------------------


def audit_organisations(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose audit trail `user` may read (auditors and administrators)."""
    return staff_organisations(user, roles=roles_for(Action.VIEW_AUDIT)).order_by("name")


@dataclass(frozen=True)
class AuditFilters:
    email: str = ""
    reference: str = ""
    date_from: date | None = None
    date_to: date | None = None
    actor_id: int | None = None


def audit_entries(
    *, organisations: Iterable[Organisation], filters: AuditFilters
) -> QuerySet[AuditEntry]:
    """Audit entries of `organisations`, narrowed by `filters`, newest first."""
    entries = AuditEntry.objects.filter(organisation__in=list(organisations))
    if filters.actor_id is not None:
        entries = entries.filter(actor_id=filters.actor_id)
    if filters.email:
        entries = entries.filter(actor__email__icontains=filters.email)
    if filters.reference:
        entries = entries.filter(object_type="cases.case", object_id=filters.reference)
    if filters.date_from:
        entries = entries.filter(at__gte=_london_day(filters.date_from)[0])
    if filters.date_to:
        entries = entries.filter(at__lt=_london_day(filters.date_to)[1])
    return entries.select_related("actor", "organisation").order_by("-at", "-id")


def audit_user_in(*, user_id: int, organisations: Iterable[Organisation]) -> User | None:
    """The user whose trail an auditor of `organisations` asked for: someone on their staff or
    with entries in their trail; None for anyone else (answered as not found)."""
    organisations = list(organisations)
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        return None
    on_staff = Team.objects.filter(organisation__in=organisations, memberships__user=target)
    in_trail = AuditEntry.objects.filter(organisation__in=organisations, actor=target)
    return target if on_staff.exists() or in_trail.exists() else None


# -- Assisted digital: finding a caller's account ------------------------------------------------

# The fewest characters a search for a caller's account may have, and the most accounts shown.
RESIDENT_SEARCH_MIN = 3
RESIDENT_SEARCH_LIMIT = 20


def resident_search(*, query: str) -> list[User]:
    """Residents' accounts (active, not staff) for an advisor raising a case for a caller: the
    one with this email address, or those whose name has every word typed. [] for fewer than
    `RESIDENT_SEARCH_MIN` characters. Callers authorise and audit each account shown."""
    text = " ".join(query.split())[:254]
    if len(text) < RESIDENT_SEARCH_MIN:
        return []
    residents = User.objects.filter(is_active=True, is_staff=False, memberships__isnull=True)
    if "@" in text:
        residents = residents.filter(email__iexact=text)
    else:
        for word in text.split()[:5]:
            residents = residents.filter(full_name__icontains=word)
    return list(residents.order_by("full_name", "email", "pk")[:RESIDENT_SEARCH_LIMIT])
