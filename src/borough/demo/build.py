"""Build (and rebuild) the demo area: `demo_build` is what `borough demo` calls.

The demo writes everything through the real services, so it exercises what production does:
organisations and teams (`core.services`), the gazetteer (`places.services`, the properties
through the real bulk import), the catalogue (`catalogue.services`), accounts
(`accounts.services`), and the history (`cases.services`, `contacts.services`).

Building is idempotent: when the demo organisations exist, `demo_build` does nothing unless
asked to reset, and a reset first deletes every row the demo made.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone

from borough.accounts.models import ResidentProfile, StaffMembership, User
from borough.cases.models import CLOSED_STATUSES, Case, CaseEvent
from borough.catalogue.models import RoutingRule, Service
from borough.catalogue.services import routing_rule_create, service_create
from borough.contacts.models import Contact
from borough.core.models import Organisation, Team, TenantOwned
from borough.demo.geography import TOWN, UPRN_PREFIX, USRN_PREFIX, Geography, geography_generate
from borough.demo.history import HistorySummary, history_create
from borough.demo.people import (
    COUNTY,
    DEMO_PASSWORD,
    DISTRICT,
    KEY_RESIDENTS,
    KEY_STAFF,
    ORGANISATIONS,
    organisations_create,
    people_create,
    teams_create,
)
from borough.demo.services import (
    ROUTING_RULES,
    SERVICES,
    ServiceSpec,
    demo_statuses_create,
)
from borough.notify.services import notifications_suppressed
from borough.places.geo import clear_geometry_cache, wgs84_to_bng
from borough.places.models import Area, AreaKind, Property, Street
from borough.places.services import area_create, gazetteer_import, street_upsert

DEMO_SLUGS = tuple(spec.slug for spec in ORGANISATIONS)
DEMO_DOMAINS = tuple(spec.domain for spec in ORGANISATIONS)
# Residents' generated addresses; the key residents use the same domain.
RESIDENT_DOMAIN = "example.com"
# Demo UPRNs are 12 digits starting UPRN_PREFIX, demo USRNs 8 digits starting USRN_PREFIX.
DEMO_UPRNS = rf"^{UPRN_PREFIX}[0-9]{{{12 - len(UPRN_PREFIX)}}}$"
DEMO_USRNS = rf"^{USRN_PREFIX}[0-9]{{{8 - len(USRN_PREFIX)}}}$"

ALREADY_BUILT = "The demo area is already built. Use --reset to rebuild it."


class Writer(Protocol):
    """Where progress goes: a text stream, or a management command's stdout."""

    def write(self, text: str, /) -> Any: ...


@dataclass
class DemoSummary:
    built: bool
    message: str
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    history: HistorySummary | None = None
    # (email, what the account is), one per role and a resident or two.
    accounts: list[tuple[str, str]] = field(default_factory=list)

    def report(self) -> str:
        lines = [self.message]
        if not self.built:
            return "\n".join(lines)
        lines.append("")
        width = max(len(name) for name in self.counts) if self.counts else 0
        for name, value in self.counts.items():
            lines.append(f"  {name.ljust(width)}  {value:>6,}")
        if self.history is not None:
            channels = ", ".join(
                f"{name} {count}" for name, count in sorted(self.history.channels.items())
            )
            lines.append(f"  cases by channel: {channels}")
            lines.append(
                f"  duplicates {self.history.duplicates}, transfers {self.history.transfers}, "
                f"police referrals {self.history.police_referrals}"
            )
        lines += ["", f"Demo accounts (every password is {DEMO_PASSWORD!r}):"]
        width = max(len(email) for email, _ in self.accounts)
        lines += [f"  {email.ljust(width)}  {description}" for email, description in self.accounts]
        lines += ["", f"Built in {self.seconds:.1f} seconds."]
        return "\n".join(lines)


def demo_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(slug__in=DEMO_SLUGS)


def demo_exists() -> bool:
    return demo_organisations().exists()


def demo_counts() -> dict[str, int]:
    """How many rows of each kind the demo has (what `demo_build` reports)."""
    orgs = demo_organisations()
    services = Service.objects.filter(organisation__in=orgs)
    cases = Case.objects.filter(service__in=services)
    return {
        "organisations": orgs.count(),
        "teams": Team.objects.filter(organisation__in=orgs).count(),
        "staff": _demo_staff().count(),
        "staff memberships": StaffMembership.objects.filter(team__organisation__in=orgs).count(),
        "residents": _demo_residents().count(),
        "wards": Area.objects.filter(organisation__in=orgs, kind=AreaKind.WARD).count(),
        "streets": Street.objects.filter(usrn__regex=DEMO_USRNS).count(),
        "properties": Property.objects.filter(uprn__regex=DEMO_UPRNS).count(),
        "services": services.count(),
        "routing rules": RoutingRule.objects.filter(service__in=services).count(),
        "cases": cases.count(),
        "open cases": cases.exclude(status__in=CLOSED_STATUSES).count(),
        "closed cases": cases.filter(status__in=CLOSED_STATUSES).count(),
        "case events": CaseEvent.objects.filter(case__in=cases).count(),
        "contacts": Contact.objects.filter(
            Q(organisation__in=orgs) | Q(service__in=services)
        ).count(),
    }


def _demo_staff() -> QuerySet[User]:
    domains = Q()
    for domain in DEMO_DOMAINS:
        domains |= Q(email__iendswith=f"@{domain}")
    return User.objects.filter(domains)


def _demo_residents() -> QuerySet[User]:
    """Residents the demo made: example.com accounts living in the demo gazetteer."""
    homes = ResidentProfile.objects.filter(property__uprn__regex=DEMO_UPRNS).values("user_id")
    return User.objects.filter(pk__in=homes, email__iendswith=f"@{RESIDENT_DOMAIN}")


def demo_delete() -> None:
    """Delete every row the demo made: its organisations and all they own, its staff and
    residents, and its gazetteer."""
    orgs = list(demo_organisations())
    # Contacts and cases first (cases protect their services), then everything else the
    # demo's organisations own, in whatever order their protected references allow.
    services = Service.objects.filter(organisation__in=orgs)
    cases = Case.objects.filter(Q(organisation__in=orgs) | Q(service__in=services))
    Contact.objects.filter(
        Q(organisation__in=orgs) | Q(case__in=cases) | Q(service__in=services)
    ).delete()
    cases.delete()
    RoutingRule.objects.filter(Q(organisation__in=orgs) | Q(service__in=services)).delete()
    _tenant_rows_delete(orgs)
    User.objects.filter(pk__in=list(_demo_residents().values_list("pk", flat=True))).delete()
    _demo_staff().delete()
    Area.objects.filter(organisation__in=orgs).delete()
    Property.objects.filter(uprn__regex=DEMO_UPRNS).delete()
    Street.objects.filter(usrn__regex=DEMO_USRNS).delete()
    Organisation.objects.filter(pk__in=[org.pk for org in orgs]).delete()
    clear_geometry_cache()


def _tenant_rows_delete(orgs: list[Organisation]) -> None:
    """Delete the rows of every tenant-owned model that belong to `orgs`.

    Models protect each other (a case protects its service), so delete what can be deleted
    and go round again until nothing is left.
    """
    pending = [model for model in apps.get_models() if issubclass(model, TenantOwned)]
    for _ in range(len(pending) + 1):
        blocked = []
        for model in pending:
            try:
                with transaction.atomic():
                    model._default_manager.filter(organisation__in=orgs).delete()
            except ProtectedError:
                blocked.append(model)
        if not blocked:
            return
        pending = blocked
    names = ", ".join(model._meta.label for model in pending)
    raise RuntimeError(f"Could not delete the demo's {names}: other rows still refer to them")


def _say(stdout: Writer | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")
        flush = getattr(stdout, "flush", None)
        if flush is not None:
            flush()


def demo_build(
    *,
    seed: int,
    reset: bool = False,
    stdout: Writer | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Build the demo area from `seed`. Without `reset`, an existing demo is left alone.

    The history covers the 18 months up to `now` (default: the present). The same seed and
    `now` give exactly the same demo, apart from case references (which are random).
    """
    if demo_exists() and not reset:
        return DemoSummary(built=False, message=ALREADY_BUILT)
    started = time.perf_counter()
    # The generated history is not news to anyone: it sends no emails. What people do in
    # the demo afterwards (through the portal and back office) does.
    with notifications_suppressed(), transaction.atomic():
        if reset:
            _say(stdout, "Deleting the demo area...")
            demo_delete()
        # Whole seconds, so that generated times look like people's.
        until = (now or timezone.now()).replace(microsecond=0)
        history = _build(seed=seed, now=until, stdout=stdout)
    summary = DemoSummary(
        built=True,
        message=f"Built the demo area from seed {seed}.",
        seconds=time.perf_counter() - started,
        counts=demo_counts(),
        history=history,
        accounts=demo_accounts(),
    )
    return summary


def demo_accounts() -> list[tuple[str, str]]:
    accounts = [(account.email, account.description) for account in KEY_STAFF]
    accounts += [(resident.email, resident.description) for resident in KEY_RESIDENTS]
    return accounts


def _build(*, seed: int, now: datetime, stdout: Writer | None) -> HistorySummary:
    _say(stdout, "Generating the area around Dorchester...")
    geography = geography_generate(seed=seed)
    organisations = organisations_create(
        {"county": geography.county_boundary, "district": geography.district_boundary}
    )
    _gazetteer(geography, organisations)
    _say(
        stdout,
        f"Imported {len(geography.properties):,} properties on {len(geography.streets)} streets.",
    )

    teams = teams_create(organisations)
    services = _catalogue(organisations, teams)
    _say(stdout, f"Published {len(services)} services.")

    homes = list(Property.objects.filter(uprn__regex=DEMO_UPRNS).order_by("uprn"))
    people = people_create(seed=seed, organisations=organisations, teams=teams, homes=homes)
    _say(stdout, f"Made {len(people.residents)} residents and the staff of every team.")

    _say(stdout, "Writing 18 months of cases and contacts...")
    specs = {spec.code: spec for spec in SERVICES}
    history = history_create(
        seed=seed, now=now, people=people, services=services, specs=specs, properties=homes
    )
    _channel_shift_targets(organisations, now)
    from borough.waste.demo import waste_demo_build

    waste = waste_demo_build(
        seed=seed, now=now, organisations=organisations, teams=teams, services=services, homes=homes
    )
    _say(stdout, waste)
    return history


def _channel_shift_targets(organisations: dict[str, Organisation], now: datetime) -> None:
    """Each council aims for 45% of contacts online three years after the history starts,
    and 65% after five (what the insight dashboards track)."""
    from datetime import date, timedelta

    from borough.demo.history import HISTORY_DAYS, LONDON
    from borough.insight.services import channel_shift_target_set

    start = (now - timedelta(days=HISTORY_DAYS)).astimezone(LONDON).date().replace(day=1)
    for key in (COUNTY, DISTRICT):
        for years, percent in ((3, 45), (5, 65)):
            channel_shift_target_set(
                organisation=organisations[key],
                actor=None,
                starts_on=start,
                due_on=date(start.year + years, start.month, 1),
                percent=percent,
                note="Digital strategy",
            )


def _gazetteer(geography: Geography, organisations: dict[str, Organisation]) -> None:
    county, district = organisations[COUNTY], organisations[DISTRICT]
    area_create(
        kind=AreaKind.ORGANISATION,
        name=county.name,
        boundary=geography.county_boundary,
        code=county.ons_code,
        organisation=county,
    )
    area_create(
        kind=AreaKind.ORGANISATION,
        name=district.name,
        boundary=geography.district_boundary,
        code=district.ons_code,
        organisation=district,
    )
    for ward in geography.wards:
        area_create(
            kind=AreaKind.WARD,
            name=ward.name,
            boundary=ward.boundary,
            code=ward.code,
            organisation=district,
        )
    for street in geography.streets:
        street_upsert(
            usrn=street.usrn,
            name=street.name,
            town=TOWN,
            locality=street.locality,
            highway_authority=county,
            latitude=street.latitude,
            longitude=street.longitude,
        )
    # The properties go in through the real gazetteer import, as an OS-style file would.
    rows: list[dict[str, str | None]] = []
    for prop in geography.properties:
        easting, northing = wgs84_to_bng(prop.latitude, prop.longitude)
        rows.append(
            {
                "UPRN": prop.uprn,
                "USRN": prop.usrn,
                "SAO_TEXT": prop.saon,
                "PAO_TEXT": prop.paon,
                "STREET_DESCRIPTION": prop.street_name,
                "LOCALITY": prop.locality,
                "TOWN_NAME": prop.town,
                "POSTCODE": prop.postcode,
                "X_COORDINATE": f"{easting:.2f}",
                "Y_COORDINATE": f"{northing:.2f}",
                "CLASS": "CR" if prop.classification == "commercial" else "RD",
            }
        )
    report = gazetteer_import(rows=rows)
    if report.rejected:
        raise RuntimeError(f"The demo gazetteer was refused: {report.rejected[:5]}")


def _catalogue(
    organisations: dict[str, Organisation], teams: dict[tuple[str, str], Team]
) -> dict[str, Service]:
    services: dict[str, Service] = {}
    for spec in SERVICES:
        services[spec.code] = _service(spec, organisations, teams)
    wards = {
        area.name: area
        for area in Area.objects.filter(kind=AreaKind.WARD, organisation=organisations[DISTRICT])
    }
    for rule in ROUTING_RULES:
        service = services[rule.service]
        org_key = next(spec.organisation for spec in SERVICES if spec.code == rule.service)
        routing_rule_create(
            service=service,
            team=teams[(org_key, rule.team)],
            priority=rule.priority,
            area=wards[rule.ward] if rule.ward else None,
            answers=rule.answers,
        )
    demo_statuses_create(organisations, services)
    return services


def _service(
    spec: ServiceSpec, organisations: dict[str, Organisation], teams: dict[tuple[str, str], Team]
) -> Service:
    kwargs: dict[str, Any] = spec.service_create_kwargs()
    return service_create(
        organisation=organisations[spec.organisation],
        default_team=teams[(spec.organisation, spec.team)],
        **kwargs,
    )
