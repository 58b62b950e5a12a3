"""The demo's waste collections, for Casterbridge District Council.

Streams (rubbish, recycling, food waste, garden waste) and their containers; for each weekday
a refuse round and a recycling round each every 2 weeks in alternate weeks, a weekly food
round and a garden round every 2 weeks, crewed by the contractor; every home on a street is
collected the same day; about a third of homes subscribe to garden waste (with this year's
subscriptions for the generated residents living there) and a few have
assisted collections; the bank holiday shifts; and a year of crews' events: each round's day
recorded as collected, with a few homes' bins not put out, wrongly filled or blocked.

The many rows (collections, containers, events) go in with one prepared statement per
batch, so the demo still builds in seconds.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from borough.accounts.models import User
from borough.catalogue.models import Service
from borough.catalogue.services import form_publish
from borough.core.models import Organisation, Team
from borough.core.timetext import LONDON
from borough.notify.services import notifications_suppressed
from borough.payments.models import Provider
from borough.payments.providers import provider_default
from borough.payments.providers.test_provider import card_page_finish
from borough.payments.services import payment_refresh, payment_start
from borough.places.models import Property, PropertyClass
from borough.waste.models import (
    BulkyBooking,
    CollectionEvent,
    Container,
    ContainerType,
    EventSource,
    GardenStatus,
    GardenSubscription,
    Outcome,
    PropertyService,
    Round,
    Stream,
    StreamKind,
    WasteSettings,
    Weekday,
)
from borough.waste.schedule import Pattern, collection_dates
from borough.waste.selectors import bulky_dates, shifts_for
from borough.waste.services import (
    WasteError,
    bulky_booking_create,
    bulky_booking_payment,
    bulky_item_create,
    bulky_lines,
    bulky_lines_price,
    bulky_round_create,
    bulky_setup,
    collection_shifts_generate,
    container_type_create,
    round_create,
    stream_create,
    waste_settings_set,
)

MISSED_SERVICE = "report-missed-bin"
CONTAINER_SERVICE = "request-container"
ASSISTED_SERVICE = "apply-assisted-collection"
BULKY_SERVICE = "book-bulky-waste"
GARDEN_SERVICE = "subscribe-garden-waste"

# (code, name, price in pence as an extra item, the bulky form's items answer)
BULKY_ITEMS = (
    ("sofa", "Sofa or settee", 1200, "sofa"),
    ("armchair", "Armchair", 800, "armchair"),
    ("mattress", "Mattress", 1000, "mattress"),
    ("bed-frame", "Bed frame", 1000, "bed_frame"),
    ("wardrobe", "Wardrobe or chest of drawers", 1200, "wardrobe"),
    ("table", "Table or chairs", 600, "table"),
    ("fridge-freezer", "Fridge or freezer", 1500, "fridge_freezer"),
    ("washing-machine", "Washing machine or dishwasher", 1200, "washing_machine"),
)
# £36 for up to 3 items, each item after that its own price, up to 5 items; a weekday's
# bulky crew takes 8 bookings a day from the homes collected that weekday.
BULKY_BASE_PENCE = 3600
BULKY_BASE_ITEMS = 3
BULKY_MAX_ITEMS = 5
BULKY_CAPACITY = 8
BULKY_BOOKINGS = 12

# (kind, name, the missed-bin form's answer)
STREAMS = (
    (StreamKind.REFUSE, "Rubbish", "rubbish"),
    (StreamKind.RECYCLING, "Recycling", "recycling"),
    (StreamKind.FOOD, "Food waste", "food"),
    (StreamKind.GARDEN, "Garden waste", "garden"),
)
# (stream, code, name, the container form's answer, fee in pence for a replacement or extra)
CONTAINER_TYPES = (
    (StreamKind.REFUSE, "rubbish-bin", "Rubbish bin (180 litres)", "rubbish_bin", 2500),
    (StreamKind.RECYCLING, "recycling-bin", "Recycling bin (240 litres)", "recycling_bin", 2500),
    (StreamKind.FOOD, "food-caddy", "Outdoor food waste caddy", "food_caddy", 500),
    (StreamKind.FOOD, "kitchen-caddy", "Kitchen food caddy", "kitchen_caddy", 0),
    (StreamKind.GARDEN, "garden-bin", "Garden waste bin", "garden_bin", 2500),
)
GARDEN_SHARE = 0.33
# Garden waste: £45 a bin a year from April, £25 a bin from October (the part-year price), up
# to 3 bins, renewal from 6 weeks before the year ends, a full refund within 14 days.
GARDEN_PRICE_PENCE = 4500
GARDEN_REDUCED_PRICE_PENCE = 2500
GARDEN_MAX_BINS = 3
# Subscriptions made through the real services and paid with the test provider, for the key
# residents' homes.
GARDEN_PAID_SUBSCRIPTIONS = 4
ASSISTED_SHARE = 0.02
# Of each home's collections in the last year, the share the crew could not empty.
EXCEPTIONS = (
    (Outcome.NOT_PRESENTED, 0.012),
    (Outcome.CONTAMINATED, 0.004),
    (Outcome.BLOCKED_ACCESS, 0.002),
    (Outcome.BIN_DAMAGED, 0.001),
)
BATCH = 5000


def container_form_with_extra(definition: dict[str, Any]) -> dict[str, Any] | None:
    """The container form with "I need an extra one" among the reasons (the waste pages
    offer it); None when it has it already or has no reasons question."""
    updated = copy.deepcopy(definition)
    for page in updated.get("pages", []):
        for question in page.get("questions", []):
            if question.get("id") == "reason":
                options = question.setdefault("options", [])
                if any(option.get("value") == "extra" for option in options):
                    return None
                options.append({"value": "extra", "label": "I need an extra one"})
                return updated
    return None


def _monday_on_or_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def waste_demo_create(
    *,
    seed: int,
    now: datetime,
    organisation: Organisation,
    crew_team: Team,
    services: dict[str, Service],
    homes: Sequence[Property],
) -> dict[str, int]:
    rng = random.Random(f"{seed}-waste")
    today = now.astimezone(LONDON).date()

    streams: dict[str, Stream] = {}
    for position, (kind, name, answer) in enumerate(STREAMS, start=1):
        streams[kind] = stream_create(
            organisation=organisation, kind=kind, name=name, missed_answer=answer, position=position
        )
    types: dict[str, list[ContainerType]] = {}
    for position, (kind, code, name, answer, fee) in enumerate(CONTAINER_TYPES, start=1):
        types.setdefault(kind, []).append(
            container_type_create(
                stream=streams[kind],
                code=code,
                name=name,
                request_answer=answer,
                fee_pence=fee,
                position=position,
            )
        )

    container_service = services[CONTAINER_SERVICE]
    current = container_service.current_form
    updated = container_form_with_extra(current.definition) if current else None
    if updated is not None:
        form_publish(service=container_service, definition=updated)
    waste_settings_set(
        organisation=organisation,
        missed_service=services[MISSED_SERVICE],
        container_service=container_service,
        assisted_service=services[ASSISTED_SERVICE],
        bulky_service=services.get(BULKY_SERVICE),
        bulky_base_price_pence=BULKY_BASE_PENCE,
        bulky_base_items=BULKY_BASE_ITEMS,
        bulky_max_items=BULKY_MAX_ITEMS,
        garden_service=services.get(GARDEN_SERVICE),
        garden_price_pence=GARDEN_PRICE_PENCE,
        garden_reduced_price_pence=GARDEN_REDUCED_PRICE_PENCE,
        garden_reduced_after_months=6,
        garden_max_bins=GARDEN_MAX_BINS,
        garden_year_start_month=4,
        garden_renewal_days=42,
        garden_cooling_off_days=14,
    )
    for year in range(today.year - 1, today.year + 2):
        collection_shifts_generate(organisation=organisation, year=year)

    # Week A and week B: the refuse and recycling rounds alternate.
    week_a = _monday_on_or_before(today - timedelta(days=400))
    rounds: dict[tuple[int, str], Round] = {}
    for weekday in range(5):
        day_name = Weekday(weekday).label
        for kind, every, offset in (
            (StreamKind.REFUSE, 2, 0),
            (StreamKind.RECYCLING, 2, 7),
            (StreamKind.FOOD, 1, 0),
            (StreamKind.GARDEN, 2, 7),
        ):
            rounds[(weekday, kind)] = round_create(
                organisation=organisation,
                name=f"{day_name} {streams[kind].name.lower()}",
                streams=[streams[kind]],
                weekday=weekday,
                every_weeks=every,
                anchor_date=week_a + timedelta(days=weekday + offset),
                crew_team=crew_team,
                vehicle=f"RCV {len(rounds) + 1:02d}",
            )

    residential = [home for home in homes if home.classification == PropertyClass.RESIDENTIAL]
    stamp = timezone.now()
    base = {"organisation_id": organisation.pk, "created_at": stamp, "updated_at": stamp}
    services_rows: list[dict[str, Any]] = []
    containers: list[dict[str, Any]] = []
    # (round, property id) pairs, for the events.
    collected: list[tuple[Round, int]] = []
    garden_homes: list[Property] = []
    for home in residential:
        weekday = int(home.street_id) % 5 if home.street_id else rng.randrange(5)
        assisted = rng.random() < ASSISTED_SHARE
        kinds = [StreamKind.REFUSE, StreamKind.RECYCLING, StreamKind.FOOD]
        if rng.random() < GARDEN_SHARE:
            kinds.append(StreamKind.GARDEN)
            garden_homes.append(home)
        for kind in kinds:
            round_ = rounds[(weekday, kind)]
            services_rows.append(
                {
                    **base,
                    "property_id": home.pk,
                    "stream_id": streams[kind].pk,
                    "round_id": round_.pk,
                    "assisted": assisted,
                    "active_from": None,
                    "active_to": None,
                }
            )
            collected.append((round_, home.pk))
            for container_type in types[kind]:
                containers.append(
                    {
                        **base,
                        "property_id": home.pk,
                        "container_type_id": container_type.pk,
                        "quantity": 1,
                    }
                )
    _insert(PropertyService, services_rows)
    _insert(Container, containers)

    round_kinds = {round_.pk: kind for (_weekday, kind), round_ in rounds.items()}
    # A year of events, up to yesterday.
    shifts = shifts_for(organisation.pk)
    start, end = today - timedelta(days=365), today - timedelta(days=1)
    days_of: dict[int, list[date]] = {}
    event_base = {
        "organisation_id": organisation.pk,
        "source": EventSource.DEMO.value,
        "crew_id": None,
        "note": "",
        "external_id": None,
    }
    events: list[dict[str, Any]] = []
    for round_ in rounds.values():
        pattern = Pattern(
            weekday=round_.weekday, every_weeks=round_.every_weeks, anchor=round_.anchor_date
        )
        days_of[round_.pk] = collection_dates(pattern, shifts, start, end)
        for day in days_of[round_.pk]:
            events.append(
                {
                    **event_base,
                    "round_id": round_.pk,
                    "property_id": None,
                    "stream_id": streams[round_kinds[round_.pk]].pk,
                    "date": day,
                    "outcome": Outcome.COLLECTED.value,
                    "recorded_at": _afternoon(day),
                }
            )
    total_share = sum(share for _, share in EXCEPTIONS)
    for round_, home_id in collected:
        for day in days_of[round_.pk]:
            draw = rng.random()
            if draw >= total_share:
                continue
            events.append(
                {
                    **event_base,
                    "round_id": round_.pk,
                    "property_id": home_id,
                    "stream_id": streams[round_kinds[round_.pk]].pk,
                    "date": day,
                    "outcome": _pick(draw),
                    "recorded_at": _afternoon(day) - timedelta(hours=rng.randint(2, 8)),
                }
            )
    _insert(CollectionEvent, events)
    bulky_rounds = _bulky_demo(
        rng=rng,
        now=now,
        organisation=organisation,
        crew_team=crew_team,
        rounds=rounds,
        homes=residential,
        week_a=week_a,
    )
    garden = _garden_demo(
        rng=rng, now=now, organisation=organisation, garden_homes=garden_homes, homes=residential
    )
    return {
        "garden subscriptions": garden,
        "bulky rounds": bulky_rounds,
        "bulky bookings": BulkyBooking.objects.filter(organisation=organisation).count(),
        "waste rounds": len(rounds),
        "homes with collections": len(residential),
        "collection events": len(events),
    }


def _bulky_demo(
    *,
    rng: random.Random,
    now: datetime,
    organisation: Organisation,
    crew_team: Team,
    rounds: dict[tuple[int, str], Round],
    homes: Sequence[Property],
    week_a: date,
) -> int:
    """The bulky item list, a bulky round for each weekday serving that day's homes, and a
    few bookings of the key residents in the coming weeks, made and paid through the real
    services with the built-in test provider (no money is taken; with another provider the
    demo makes no bookings)."""
    from borough.demo.people import KEY_RESIDENTS

    for position, (code, name, price, answer) in enumerate(BULKY_ITEMS, start=1):
        bulky_item_create(
            organisation=organisation,
            code=code,
            name=name,
            price_pence=price,
            form_answer=answer,
            position=position,
        )
    bulky_rounds = []
    for weekday in range(5):
        bulky_rounds.append(
            bulky_round_create(
                organisation=organisation,
                name=f"{Weekday(weekday).label} bulky",
                weekday=weekday,
                anchor_date=week_a + timedelta(days=weekday),
                areas=[rounds[(weekday, StreamKind.REFUSE)]],
                capacity=BULKY_CAPACITY,
                crew_team=crew_team,
            )
        )
    residents = list(
        User.objects.filter(
            email__in=[key.email for key in KEY_RESIDENTS], is_active=True
        ).order_by("email")
    )
    # Bookings are for days after today: a demo built for another day (as the tests build
    # one) makes none, since the cases' forms refuse a collection day in the past.
    built_today = abs(timezone.now() - now) < timedelta(days=1)
    if not residents or not homes or provider_default() != Provider.TEST or not built_today:
        return len(bulky_rounds)
    codes = [code for code, *_rest in BULKY_ITEMS]
    made = 0
    with notifications_suppressed():
        for attempt in range(BULKY_BOOKINGS * 3):
            if made >= BULKY_BOOKINGS:
                break
            home = homes[rng.randrange(len(homes))]
            try:
                setup = bulky_setup(home)
            except WasteError:
                continue
            options = bulky_dates(round_=setup.round, settings=setup.settings, now=now)
            if not options:
                continue
            chosen = rng.sample(codes, rng.randint(1, 3))
            quantities = {code: 1 for code in chosen}
            lines = bulky_lines(setup, quantities)
            booking = bulky_booking_create(
                prop=home,
                resident=residents[attempt % len(residents)],
                quantities=quantities,
                day=options[rng.randrange(min(len(options), 4))].day,
                placement=rng.choice(["front_garden", "driveway", "kerbside"]),
                notes=rng.choice(["", "", "By the side gate.", "Please ring the bell first."]),
                price_pence=bulky_lines_price(setup.settings, lines),
                idempotency_key=f"demo-bulky-{attempt}",
                now=now,
            )
            payment = bulky_booking_payment(booking=booking)
            payment_start(payment=payment)
            card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")
            payment_refresh(payment=payment, source="demo")
            made += 1
    return len(bulky_rounds)


def _garden_demo(
    *,
    rng: random.Random,
    now: datetime,
    organisation: Organisation,
    garden_homes: Sequence[Property],
    homes: Sequence[Property],
) -> int:
    """This year's garden waste subscriptions: one for each garden waste home where a demo
    resident lives (bulk-inserted, paid before the demo began, with no payment row or case),
    and a few for the key residents' homes made and paid through the real services with the
    test provider (each with its case, so they get the renewal reminder). Generated people
    only. Returns how many subscriptions there are."""
    from borough.accounts.models import ResidentProfile
    from borough.demo.people import KEY_RESIDENTS
    from borough.waste.selectors import garden_bin_price, garden_year_bounds, garden_year_for
    from borough.waste.services import (
        GardenKind,
        garden_setup,
        garden_subscription_create,
        garden_subscription_payment,
    )

    settings = WasteSettings.objects.get(organisation=organisation)
    if settings.garden_service_id is None:
        return 0
    today = now.astimezone(LONDON).date()
    year = garden_year_for(settings, today)
    start, end = garden_year_bounds(settings, year)
    occupants = dict(
        ResidentProfile.objects.filter(
            property_id__in=[home.pk for home in garden_homes],
            user__email__iendswith="@example.com",
        ).values_list("property_id", "user_id")
    )
    stamp = timezone.now()
    rows = []
    for home in garden_homes:
        resident_id = occupants.get(home.pk)
        if resident_id is None:
            continue
        bins = 2 if rng.random() < 0.1 else 1
        price = bins * settings.garden_price_pence
        rows.append(
            {
                "organisation_id": organisation.pk,
                "created_at": stamp,
                "updated_at": stamp,
                "property_id": home.pk,
                "resident_id": resident_id,
                "channel": "web",
                "taken_by_id": None,
                "contact_name": "",
                "contact_email": "",
                "contact_phone": "",
                "case_id": None,
                "year": year,
                "starts_on": start,
                "ends_on": end,
                "bins": bins,
                "price_pence": price,
                "paid_pence": price,
                "paid_at": datetime.combine(start, datetime.min.time(), LONDON),
                "status": GardenStatus.ACTIVE.value,
                "renewal_of_id": None,
                "payment_reference": "",
                "idempotency_key": f"demo-garden-{home.pk}-{year}",
                "reminder_sent_at": None,
                "cancelled_at": None,
                "refunded_pence": 0,
            }
        )
    _insert(GardenSubscription, rows)

    residents: dict[User, Property] = {
        profile.user: profile.property
        for profile in ResidentProfile.objects.filter(
            user__email__in=[key.email for key in KEY_RESIDENTS],
            user__is_active=True,
            property__isnull=False,
        ).select_related("user", "property")
        if profile.property is not None
    }
    built_today = abs(timezone.now() - now) < timedelta(days=1)
    if provider_default() != Provider.TEST or not built_today:
        return len(rows)
    # The key residents' homes first, then other homes without garden waste, each
    # subscribed by a key resident.
    garden_ids = {home.pk for home in garden_homes}
    targets = [(user, home) for user, home in residents.items() if home.pk not in garden_ids]
    others = [home for home in homes if home.pk not in garden_ids]
    users = list(residents) or list(
        User.objects.filter(email__in=[key.email for key in KEY_RESIDENTS], is_active=True)
    )
    while users and others and len(targets) < GARDEN_PAID_SUBSCRIPTIONS:
        home = others.pop(rng.randrange(len(others)))
        targets.append((users[len(targets) % len(users)], home))
    made = 0
    with notifications_suppressed():
        for index, (user, home) in enumerate(targets[:GARDEN_PAID_SUBSCRIPTIONS]):
            try:
                garden_setup(home)
            except WasteError:
                continue
            bins = 1 + index % 2
            subscription = garden_subscription_create(
                prop=home,
                resident=user,
                kind=GardenKind.NEW,
                bins=bins,
                price_pence=bins * garden_bin_price(settings, year=year, starts_on=today),
                idempotency_key=f"demo-garden-paid-{home.pk}-{year}",
                now=now,
            )
            payment = garden_subscription_payment(subscription=subscription)
            payment_start(payment=payment)
            card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")
            payment_refresh(payment=payment, source="demo")
            made += 1
    return len(rows) + made


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert many rows with one prepared statement: the ORM's `bulk_create` spends most of
    its time building model instances, which these plain rows do not need."""
    if not rows:
        return
    ops = connection.ops
    columns = list(rows[0])
    # Names from the model, quoted; the values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )

    adapted: dict[Any, Any] = {}

    def adapt(value: Any) -> Any:
        # The same few hundred days and times come again and again: adapt each once.
        if isinstance(value, date):
            if value not in adapted:
                adapted[value] = (
                    ops.adapt_datetimefield_value(value)
                    if isinstance(value, datetime)
                    else ops.adapt_datefield_value(value)
                )
            return adapted[value]
        return value

    with connection.cursor() as cursor:
        for index in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [[adapt(row[column]) for column in columns] for row in rows[index : index + BATCH]],
            )


def _pick(draw: float) -> str:
    running = 0.0
    for outcome, share in EXCEPTIONS:
        running += share
        if draw < running:
            return outcome
    return EXCEPTIONS[-1][0]


def _afternoon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, 30, tzinfo=LONDON)


def waste_demo_build(
    *,
    seed: int,
    now: datetime,
    organisations: dict[str, Organisation],
    teams: dict[tuple[str, str], Team],
    services: dict[str, Service],
    homes: Sequence[Property],
) -> str:
    """What `demo.build` calls: the district's collections, crewed by the contractor."""
    from borough.demo.people import CONTRACTOR, DISTRICT

    counts = waste_demo_create(
        seed=seed,
        now=now,
        organisation=organisations[DISTRICT],
        crew_team=teams[(CONTRACTOR, "crews")],
        services=services,
        homes=homes,
    )
    return (
        f"Set up {counts['waste rounds']} waste rounds and {counts['bulky rounds']} bulky "
        f"rounds ({counts['bulky bookings']} bookings) for {counts['homes with collections']:,} "
        f"homes, with {counts['collection events']:,} crew events and "
        f"{counts['garden subscriptions']:,} garden waste subscriptions."
    )
