"""The demo area: built once for this module (inside a transaction rolled back at the end),
then checked for what the product needs from it."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from borough.accounts.models import ResidentProfile, StaffMembership, User
from borough.cases.models import CLOSED_STATUSES, Case, CaseEvent, EventKind
from borough.catalogue.forms import QUESTION_TYPES, form_definition_errors
from borough.catalogue.models import Service
from borough.contacts.models import Channel, Contact
from borough.core.models import Organisation, Role
from borough.demo.build import (
    ALREADY_BUILT,
    DEMO_UPRNS,
    DemoSummary,
    demo_build,
    demo_counts,
    demo_delete,
)
from borough.demo.people import DEMO_PASSWORD, KEY_RESIDENTS, KEY_STAFF
from borough.places.geo import clear_geometry_cache, organisations_at
from borough.places.models import Area, AreaKind, Property, Street

SEED = 4242
NOW = timezone.make_aware(datetime(2026, 3, 18, 16, 30))


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The demo, built once; everything is rolled back when the module's tests are done."""
    with django_db_blocker.unblock():
        clear_geometry_cache()
        with transaction.atomic():
            started = time.perf_counter()
            summary = demo_build(seed=SEED, now=NOW)
            print(f"\nDemo built in {time.perf_counter() - started:.1f} seconds")
            yield summary
            transaction.set_rollback(True)
        clear_geometry_cache()


@pytest.fixture
def built(demo: DemoSummary, db: Any) -> DemoSummary:
    return demo


def content() -> dict[str, Any]:
    """What the demo is made of, without the random parts (case references)."""
    cases = Case.objects.filter(service__organisation__slug__in=["wessex", "casterbridge"])
    return {
        "uprns": set(
            Property.objects.filter(uprn__regex=DEMO_UPRNS).values_list("uprn", flat=True)
        ),
        "streets": set(Street.objects.values_list("usrn", "name")),
        "addresses": set(
            Property.objects.values_list(
                "uprn", "saon", "paon", "street_name", "postcode", "ward__name"
            )
        ),
        "wards": set(Area.objects.filter(kind=AreaKind.WARD).values_list("name", "code")),
        "services": set(Service.objects.values_list("code", "organisation__slug", "lgsl_code")),
        "residents": set(ResidentProfile.objects.values_list("user__email", "property__uprn")),
        "staff": set(StaffMembership.objects.values_list("user__email", "team__slug", "role")),
        "cases": Counter(cases.values_list("service__code", "channel", "status", "created_at")),
        "contacts": Counter(Contact.objects.values_list("channel", "outcome", "at")),
    }


def test_building_again_without_reset_changes_nothing(built: DemoSummary) -> None:
    assert built.built is True
    before = demo_counts()
    again = demo_build(seed=SEED, now=NOW)
    assert again.built is False
    assert again.message == ALREADY_BUILT
    assert demo_counts() == before


def test_reset_rebuilds_the_same_demo(built: DemoSummary) -> None:
    counts, before = demo_counts(), content()
    references = set(Case.objects.values_list("reference", flat=True))
    started = time.perf_counter()
    rebuilt = demo_build(seed=SEED, reset=True, now=NOW)
    print(f"\nDemo reset and rebuilt in {time.perf_counter() - started:.1f} seconds")
    assert rebuilt.built is True
    assert demo_counts() == counts
    after = content()
    for key in before:
        assert after[key] == before[key], key
    # Only the demo's rows went: a case reference is random, so the sets differ.
    assert set(Case.objects.values_list("reference", flat=True)) != references


def test_another_seed_gives_another_area(built: DemoSummary) -> None:
    uprns = content()["uprns"]
    other = demo_build(seed=SEED + 1, reset=True, now=NOW)
    assert other.built
    assert content()["uprns"] != uprns


def test_delete_removes_every_row_the_demo_made(built: DemoSummary) -> None:
    demo_delete()
    assert set(demo_counts().values()) == {0}
    assert not Organisation.objects.exists()
    assert not User.objects.exists()
    assert not Property.objects.exists()
    assert not Street.objects.exists()
    assert not Area.objects.exists()
    assert not Case.objects.exists()
    assert not Contact.objects.exists()


def test_catalogue_has_the_services_with_their_lgsl_codes_on_the_right_council(
    built: DemoSummary,
) -> None:
    services = Service.objects.select_related("organisation")
    assert services.count() >= 30
    district = {524, 526, 528, 530, 587, 59, 69}
    by_code = {service.lgsl_code: service for service in services}
    for lgsl in district:
        assert by_code[lgsl].organisation.slug == "casterbridge", lgsl
    assert by_code[279].organisation.slug == "wessex"
    assert by_code[279].name == "Apply for a blue badge"
    assert by_code[524].name == "Report a missed bin collection"
    assert services.get(code="report-pothole").organisation.slug == "wessex"
    assert services.get(code="report-street-light").organisation.slug == "wessex"
    for service in services:
        assert service.default_team is not None
        assert service.default_team.organisation_id == service.organisation_id
        assert service.keywords, service.code
    fees = {service.code: service.fee_pence for service in services}
    assert fees["subscribe-garden-waste"] == 4500
    assert fees["book-bulky-waste"] > 0 and fees["request-container"] > 0
    groups = {service.group for service in services}
    assert {
        "Bins and recycling",
        "Streets and roads",
        "Council tax",
        "Benefits",
        "Parking",
        "Blue badges",
        "Licensing",
        "Schools",
        "Environment and pollution",
    } <= groups


def test_every_form_is_valid_and_every_question_type_is_used(built: DemoSummary) -> None:
    used = set()
    for service in Service.objects.all():
        form = service.current_form
        assert form is not None
        assert form_definition_errors(form.definition) == [], service.code
        for page in form.definition["pages"]:
            used |= {question["type"] for question in page["questions"]}
    assert used == set(QUESTION_TYPES)
    street = Service.objects.get(code="report-fly-tipping")
    assert street.identity == "anonymous" and street.public_cases and street.needs_location
    assert Service.objects.get(code="apply-blue-badge").identity == "verified"


def test_staff_in_every_role_in_both_councils(built: DemoSummary) -> None:
    for slug in ("wessex", "casterbridge"):
        roles = set(
            StaffMembership.objects.filter(team__organisation__slug=slug).values_list(
                "role", flat=True
            )
        )
        assert roles == set(Role.values), slug
    emails = set(User.objects.filter(memberships__isnull=False).values_list("email", flat=True))
    assert all(email.endswith(".example") for email in emails)
    assert StaffMembership.objects.filter(team__organisation__slug="greenway").exists()
    assert StaffMembership.objects.filter(team__organisation__slug="wessex-police").exists()


def test_key_accounts_sign_in_with_the_demo_password(built: DemoSummary) -> None:
    for email in [account.email for account in KEY_STAFF] + [r.email for r in KEY_RESIDENTS]:
        assert authenticate(username=email, password=DEMO_PASSWORD) is not None, email
    assert [email for email, _ in built.accounts][: len(KEY_STAFF)] == [a.email for a in KEY_STAFF]


def test_residents_live_at_demo_addresses(built: DemoSummary) -> None:
    profiles = ResidentProfile.objects.select_related("user", "property")
    assert profiles.count() == 200
    for profile in profiles:
        assert profile.user.email.endswith("@example.com")
        assert profile.property is not None and profile.property.ward_id is not None
        assert profile.address_text == profile.property.address
    assert 5 <= profiles.filter(needs_assistance=True).count() <= 40


def test_gazetteer_covers_the_district_in_wards(built: DemoSummary) -> None:
    properties = Property.objects.filter(uprn__regex=DEMO_UPRNS)
    assert properties.count() >= 2000
    assert not properties.filter(ward__isnull=True).exists()
    assert not properties.filter(street__isnull=True).exists()
    assert properties.filter(saon__startswith="Flat").exists()
    assert all(len(uprn) == 12 for uprn in properties.values_list("uprn", flat=True))
    wards = Area.objects.filter(kind=AreaKind.WARD)
    assert 6 <= wards.count() <= 8
    assert all(wards.filter(properties__isnull=False).distinct().values_list("pk", flat=True))
    streets = Street.objects.all()
    assert 60 <= streets.count() <= 100
    assert set(streets.values_list("highway_authority__slug", flat=True)) == {"wessex"}
    assert all(len(usrn) == 8 for usrn in streets.values_list("usrn", flat=True))
    prop = properties.order_by("uprn").first()
    assert prop is not None
    assert prop.postcode[:3] in ("DT1", "DT2")
    assert abs(prop.latitude - 50.715) < 0.15 and abs(prop.longitude + 2.437) < 0.2
    here = {org.slug for org in organisations_at(prop.latitude, prop.longitude)}
    assert {"wessex", "casterbridge"} <= here


def test_cases_on_every_channel_open_and_closed_over_eighteen_months(built: DemoSummary) -> None:
    cases = Case.objects.all()
    assert 400 <= cases.count() <= 650
    assert set(cases.values_list("channel", flat=True)) == set(Channel.values)
    assert cases.filter(status__in=CLOSED_STATUSES).exists()
    open_cases = cases.exclude(status__in=CLOSED_STATUSES)
    assert open_cases.exists()
    # Open cases are mostly recent.
    recent = open_cases.filter(created_at__gte=NOW - timedelta(days=90)).count()
    assert recent > open_cases.count() / 2
    oldest = cases.order_by("created_at").first()
    newest = cases.order_by("-created_at").first()
    assert oldest is not None and newest is not None
    assert oldest.created_at < NOW - timedelta(days=480)
    assert newest.created_at > NOW - timedelta(days=14)
    assert not CaseEvent.objects.filter(at__gt=NOW).exists()
    assert cases.filter(assignee__isnull=False).exists()
    kinds = set(CaseEvent.objects.values_list("kind", flat=True))
    assert {
        EventKind.ASSIGNED,
        EventKind.PUBLIC_UPDATE,
        EventKind.INTERNAL_NOTE,
        EventKind.MARKED_DUPLICATE,
        EventKind.TRANSFERRED,
        EventKind.CLOSED,
    } <= kinds
    assert cases.filter(duplicate_of__isnull=False).exists()
    assert cases.filter(external_references__system="wessex-police").exists()
    for case in cases.filter(status__in=CLOSED_STATUSES)[:50]:
        assert case.closed_at is not None and case.created_at <= case.closed_at <= NOW


def test_the_web_and_the_app_take_over_from_the_phone(built: DemoSummary) -> None:
    def digital_share(start: datetime, end: datetime) -> float:
        channels = Counter(
            Case.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
                "channel", flat=True
            )
        )
        return (channels[Channel.WEB] + channels[Channel.APP]) / sum(channels.values())

    first = digital_share(NOW - timedelta(days=548), NOW - timedelta(days=365))
    last = digital_share(NOW - timedelta(days=183), NOW)
    assert first < 0.5 < last


def test_cases_belong_to_the_council_that_does_the_work(built: DemoSummary) -> None:
    potholes = Case.objects.filter(service__code="report-pothole")
    assert potholes.exists()
    assert set(potholes.values_list("organisation__slug", flat=True)) == {"wessex"}
    missed = Case.objects.filter(service__code="report-missed-bin")
    assert missed.filter(organisation__slug="casterbridge").exists()
    routed = CaseEvent.objects.filter(case__in=missed, kind=EventKind.ROUTED)
    assert {event.data["organisation"] for event in routed} == {"casterbridge"}
    assert (
        Case.objects.filter(service__code="apply-blue-badge")
        .exclude(organisation__slug="wessex")
        .count()
        == 0
    )


def test_contacts_that_needed_no_case(built: DemoSummary) -> None:
    contacts = Contact.objects.exclude(outcome="case_created")
    assert 900 <= contacts.count() <= 1100
    assert Contact.objects.filter(outcome="case_created").count() == Case.objects.count()
    assert contacts.filter(avoidable=True).exists()
    assert contacts.filter(resolved_at_first_contact=True).exists()
    assert Contact.objects.filter(outcome="progress_chased", case__isnull=False).exists()


def test_command_says_the_demo_is_there_and_if_absent_says_nothing(built: DemoSummary) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    assert out.getvalue().strip() == ALREADY_BUILT
    quiet = StringIO()
    call_command("demo", "--if-absent", stdout=quiet)
    assert quiet.getvalue() == ""
