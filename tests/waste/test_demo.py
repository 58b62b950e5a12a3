"""The demo's waste collections, built on a few homes."""

from __future__ import annotations

from datetime import timedelta

from borough.catalogue.services import service_create
from borough.demo.services import SERVICES
from borough.places.models import PropertyClass
from borough.waste.demo import waste_demo_create
from borough.waste.models import (
    CollectionEvent,
    CollectionShift,
    Container,
    Outcome,
    PropertyService,
    Round,
    WasteSettings,
)
from borough.waste.selectors import bin_days
from tests.waste.conftest import london


def test_the_demo_gives_every_home_its_rounds_and_a_year_of_events(
    district, make_team, make_property
):
    team = make_team(district, "Waste")
    crew = make_team(district, "Crews")
    services = {
        spec.code: service_create(
            organisation=district, default_team=team, **spec.service_create_kwargs()
        )
        for spec in SERVICES
        if spec.code in ("report-missed-bin", "request-container", "apply-assisted-collection")
    }
    homes = [make_property(paon=str(n)) for n in range(1, 41)]
    shop = make_property(paon="Shop", classification=PropertyClass.COMMERCIAL)
    now = london(2026, 3, 4, 12, 0)
    counts = waste_demo_create(
        seed=7,
        now=now,
        organisation=district,
        crew_team=crew,
        services=services,
        homes=[*homes, shop],
    )
    assert Round.objects.filter(organisation=district).count() == 20 == counts["waste rounds"]
    assert counts["homes with collections"] == 40
    for home in homes:
        kinds = set(
            PropertyService.objects.filter(property=home).values_list("stream__kind", flat=True)
        )
        assert {"refuse", "recycling", "food"} <= kinds
    assert not PropertyService.objects.filter(property=shop).exists()
    assert Container.objects.filter(property=homes[0]).count() >= 4
    events = CollectionEvent.objects.filter(organisation=district)
    assert events.count() == counts["collection events"]
    first, last = events.order_by("date").first(), events.order_by("date").last()
    assert first.date >= (now - timedelta(days=365)).date()
    assert last.date < now.date()
    # Each round's day recorded as collected, and some homes' bins not put out.
    assert events.filter(property__isnull=True, outcome=Outcome.COLLECTED).count() > 400
    assert events.filter(outcome=Outcome.NOT_PRESENTED).exists()
    assert CollectionShift.objects.filter(organisation=district).count() > 20
    settings = WasteSettings.objects.get(organisation=district)
    assert settings.missed_service == services["report-missed-bin"]
    form = services["request-container"].current_form
    assert form.version == 2
    days = bin_days(prop=homes[0], today=now.date())
    assert days is not None and all(stream.next_dates for stream in days.streams)


def test_the_demo_sets_up_bulky_waste_with_paid_bookings(
    district, make_team, make_property, make_resident, settings
):
    import time_machine

    from borough.payments.models import Payment
    from borough.waste.models import BookingStatus, BulkyBooking, BulkyItem, BulkyRound

    settings.PAYMENT_PROVIDER = "test"
    team = make_team(district, "Waste")
    crew = make_team(district, "Crews")
    codes = (
        "report-missed-bin",
        "request-container",
        "apply-assisted-collection",
        "book-bulky-waste",
    )
    services = {
        spec.code: service_create(
            organisation=district, default_team=team, **spec.service_create_kwargs()
        )
        for spec in SERVICES
        if spec.code in codes
    }
    make_resident(email="resident@example.com")
    homes = [make_property(paon=str(n)) for n in range(1, 21)]
    now = london(2026, 3, 4, 12, 0)
    with time_machine.travel(now, tick=False):
        counts = waste_demo_create(
            seed=7, now=now, organisation=district, crew_team=crew, services=services, homes=homes
        )
    assert counts["bulky rounds"] == 5
    assert BulkyRound.objects.filter(organisation=district, capacity=8).count() == 5
    assert BulkyItem.objects.filter(organisation=district).count() == 8
    settings_row = WasteSettings.objects.get(organisation=district)
    assert settings_row.bulky_service == services["book-bulky-waste"]
    assert (settings_row.bulky_base_price_pence, settings_row.bulky_base_items) == (3600, 3)
    bookings = BulkyBooking.objects.filter(organisation=district)
    assert bookings.count() == counts["bulky bookings"] == 12
    assert all(b.status == BookingStatus.CONFIRMED and b.case is not None for b in bookings)
    assert all(b.date > now.date() for b in bookings)
    assert Payment.objects.filter(purpose="waste.bulky", status="success").count() == 12


def test_the_demo_sets_up_garden_waste_with_subscriptions_for_generated_residents(
    district, make_team, make_property, make_resident, settings
):
    import time_machine

    from borough.accounts.models import ResidentProfile
    from borough.payments.models import Payment
    from borough.waste.models import GardenStatus, GardenSubscription

    settings.PAYMENT_PROVIDER = "test"
    team = make_team(district, "Waste")
    crew = make_team(district, "Crews")
    codes = (
        "report-missed-bin",
        "request-container",
        "apply-assisted-collection",
        "subscribe-garden-waste",
    )
    services = {
        spec.code: service_create(
            organisation=district, default_team=team, **spec.service_create_kwargs()
        )
        for spec in SERVICES
        if spec.code in codes
    }
    homes = [make_property(paon=str(n)) for n in range(1, 31)]
    # A generated resident in every home; the key resident in the first.
    for index, home in enumerate(homes):
        resident = make_resident(
            email="resident@example.com" if index == 0 else f"person{index}@example.com"
        )
        ResidentProfile.objects.update_or_create(user=resident, defaults={"property": home})
    now = london(2026, 5, 6, 12, 0)
    with time_machine.travel(now, tick=False):
        counts = waste_demo_create(
            seed=7, now=now, organisation=district, crew_team=crew, services=services, homes=homes
        )
    settings_row = WasteSettings.objects.get(organisation=district)
    assert settings_row.garden_service == services["subscribe-garden-waste"]
    assert (settings_row.garden_price_pence, settings_row.garden_reduced_price_pence) == (
        4500,
        2500,
    )
    subscriptions = GardenSubscription.objects.filter(organisation=district)
    assert subscriptions.count() == counts["garden subscriptions"]
    assert all(s.status == GardenStatus.ACTIVE and s.year == 2026 for s in subscriptions)
    # Every home collected for garden waste has this year's subscription, by its occupant.
    garden_homes = set(
        PropertyService.objects.filter(organisation=district, stream__kind="garden").values_list(
            "property_id", flat=True
        )
    )
    assert garden_homes == set(subscriptions.values_list("property_id", flat=True))
    for subscription in subscriptions.select_related("resident__resident_profile"):
        assert subscription.resident.email.endswith("@example.com")
    # A few were made and paid with the test provider, each with its case.
    paid = subscriptions.exclude(payment_reference="")
    assert paid.count() == 4
    assert all(s.case is not None for s in paid)
    assert Payment.objects.filter(purpose="waste.garden", status="success").count() == 4
