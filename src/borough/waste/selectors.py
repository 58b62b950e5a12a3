"""Reads of the waste data shared by the resident pages, the back office, the crews' page,
the import and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from borough.cases.models import CLOSED_STATUSES, Case
from borough.cases.selectors import cases_visible_to_staff
from borough.core.models import Organisation, Role
from borough.core.tenancy import staff_organisations, staff_roles, staff_teams
from borough.core.timetext import LONDON, clock_text
from borough.core.workingdays import add_working_days, is_working_day
from borough.places.models import Property
from borough.waste.models import (
    GARDEN_HOLDING_STATUSES,
    HOLDING_STATUSES,
    BookingStatus,
    BulkyBooking,
    BulkyDay,
    BulkyItem,
    BulkyRound,
    CollectionEvent,
    CollectionShift,
    Container,
    ContainerRequest,
    ContainerRequestStatus,
    ContainerType,
    GardenStatus,
    GardenSubscription,
    MissedCollection,
    Outcome,
    PropertyService,
    Round,
    StreamKind,
    WasteSettings,
)
from borough.waste.schedule import Pattern, collection_dates, last_collection, next_collections

# Who may record collections on the crews' page: in the round's organisation, or any member
# of the round's crew team (which may belong to a contractor).
CREW_ROLES = {
    Role.FIELD_OFFICER.value,
    Role.TEAM_LEADER.value,
    Role.ADMINISTRATOR.value,
    Role.CONTRACTOR.value,
}
# Who may see the waste back office (every staff role but contractors).
OFFICE_ROLES = {role.value for role in Role} - {Role.CONTRACTOR}


def day_text(day: date) -> str:
    """Monday 5 January 2026."""
    return dateformat.format(day, "l j F Y")


def local_now(now: datetime | None = None) -> datetime:
    return timezone.localtime(now or timezone.now(), LONDON)


def shifts_for(organisation_id: int) -> dict[date, date]:
    return dict(
        CollectionShift.objects.filter(organisation_id=organisation_id).values_list(
            "original_date", "new_date"
        )
    )


def pattern_for(service: PropertyService) -> Pattern:
    round_ = service.round
    return Pattern(
        weekday=round_.weekday,
        every_weeks=round_.every_weeks,
        anchor=round_.anchor_date,
        active_from=service.active_from,
        active_to=service.active_to,
    )


def property_services(prop: Property) -> list[PropertyService]:
    return list(
        PropertyService.objects.filter(property=prop, round__is_active=True)
        .select_related("stream", "round", "organisation")
        .order_by("stream__position", "stream__name")
    )


@dataclass
class StreamDays:
    service: PropertyService
    next_dates: list[date]
    last_date: date | None
    last_event: CollectionEvent | None
    containers: list[Container] = field(default_factory=list)

    @property
    def stream(self) -> Any:
        return self.service.stream

    @property
    def frequency_text(self) -> str:
        weeks = self.service.round.every_weeks
        if weeks == 1:
            return _("Every week")
        return _("Every %(weeks)s weeks") % {"weeks": weeks}

    @property
    def next_text(self) -> str:
        return day_text(self.next_dates[0]) if self.next_dates else ""

    @property
    def last_text(self) -> str:
        return day_text(self.last_date) if self.last_date else ""


@dataclass
class BinDays:
    prop: Property
    organisation: Organisation
    streams: list[StreamDays]
    settings: WasteSettings | None


def waste_settings_for(organisation: Organisation) -> WasteSettings | None:
    return WasteSettings.objects.filter(organisation=organisation).first()


def bin_days(*, prop: Property, today: date, count: int = 3) -> BinDays | None:
    """Each stream's next `count` collections and its last one, with what the crew recorded;
    None when no round collects from the property."""
    services = property_services(prop)
    if not services:
        return None
    organisation = services[0].organisation
    shifts = shifts_for(organisation.pk)
    containers: dict[int, list[Container]] = {}
    for container in Container.objects.filter(property=prop).select_related("container_type"):
        containers.setdefault(container.container_type.stream_id, []).append(container)
    streams = []
    for service in services:
        pattern = pattern_for(service)
        last = last_collection(pattern, shifts, today - timedelta(days=1))
        upcoming = next_collections(pattern, shifts, today, count)
        # Today's collection counts as the last once the crew has recorded it.
        event_days = [day for day in (last, today if today in upcoming else None) if day]
        event = (
            CollectionEvent.objects.filter(
                Q(property=prop) | Q(property__isnull=True, round=service.round),
                stream=service.stream,
                date__in=event_days,
            )
            .order_by("-date", "-recorded_at")
            .first()
        )
        if event is not None and event.date == today:
            last, upcoming = today, [day for day in upcoming if day != today]
        streams.append(
            StreamDays(
                service=service,
                next_dates=upcoming,
                last_date=last,
                last_event=event if event is not None and event.date == last else None,
                containers=containers.get(service.stream_id, []),
            )
        )
    return BinDays(
        prop=prop,
        organisation=organisation,
        streams=streams,
        settings=waste_settings_for(organisation),
    )


# -- Missed collections ---------------------------------------------------------------------


class MissedRefusal(StrEnum):
    NOT_DUE = "not_due"
    TOO_LATE = "too_late"
    NOT_PRESENTED = "not_presented"
    CONTAMINATED = "contaminated"
    ALREADY_REPORTED = "already_reported"
    NOT_SET_UP = "not_set_up"


@dataclass
class MissedCheck:
    service: PropertyService
    collection_date: date | None
    refusal: MissedRefusal | None = None
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def stream(self) -> Any:
        return self.service.stream


def report_window(collection_date: date, settings: WasteSettings) -> tuple[datetime, datetime]:
    """When a missed collection on `collection_date` can be reported: from the time crews
    finish that day until the end of the `report_working_days`th working day after it."""
    opens = datetime.combine(collection_date, settings.report_from, LONDON)
    last_day = add_working_days(collection_date, settings.report_working_days)
    closes = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), LONDON)
    return opens, closes


def missed_collection_check(
    *,
    service: PropertyService,
    now: datetime,
    settings: WasteSettings | None,
    shifts: dict[date, date],
) -> MissedCheck:
    """Whether a missed collection of `service`'s stream can be reported at `now`, and if not,
    why not (in words for the resident)."""
    local = local_now(now)
    today = local.date()
    pattern = pattern_for(service)
    name = service.stream.name.lower()
    if settings is None or settings.missed_service_id is None:
        return MissedCheck(
            service,
            None,
            MissedRefusal.NOT_SET_UP,
            _("You cannot report a missed collection online. Contact the council."),
        )
    last = last_collection(pattern, shifts, today)
    upcoming = next_collections(pattern, shifts, today + timedelta(days=1), 1)
    next_words = (
        _("Your next %(stream)s collection is on %(day)s.")
        % {"stream": name, "day": day_text(upcoming[0])}
        if upcoming
        else ""
    )
    if last is None:
        return MissedCheck(
            service,
            None,
            MissedRefusal.NOT_DUE,
            (
                _("Your %(stream)s collection is not due yet.") % {"stream": name}
                + " "
                + next_words
            ).strip(),
        )
    opens, closes = report_window(last, settings)
    if local < opens:
        return MissedCheck(
            service,
            last,
            MissedRefusal.NOT_DUE,
            _(
                "Your %(stream)s collection is today. Crews work until %(time)s: you can "
                "report a missed collection from %(time)s today."
            )
            % {"stream": name, "time": clock_text(opens)},
        )
    if local >= closes:
        return MissedCheck(
            service,
            last,
            MissedRefusal.TOO_LATE,
            (
                _(
                    "It is too late to report a missed %(stream)s collection for "
                    "%(day)s. You need to report it within %(count)s working days."
                )
                % {"stream": name, "day": day_text(last), "count": settings.report_working_days}
                + " "
                + next_words
            ).strip(),
        )
    event = (
        CollectionEvent.objects.filter(property=service.property, stream=service.stream, date=last)
        .order_by("-recorded_at")
        .first()
    )
    if event is not None and event.outcome == Outcome.NOT_PRESENTED:
        return MissedCheck(
            service,
            last,
            MissedRefusal.NOT_PRESENTED,
            (
                _(
                    "Our crew recorded that your %(stream)s bin was not put out for "
                    "collection on %(day)s, so we will not come back for it."
                )
                % {"stream": name, "day": day_text(last)}
                + " "
                + next_words
            ).strip(),
        )
    if event is not None and event.outcome == Outcome.CONTAMINATED:
        return MissedCheck(
            service,
            last,
            MissedRefusal.CONTAMINATED,
            (
                _(
                    "Our crew did not empty your %(stream)s bin on %(day)s because it had the "
                    "wrong things in it. Take them out before your next collection."
                )
                % {"stream": name, "day": day_text(last)}
                + " "
                + next_words
            ).strip(),
        )
    if MissedCollection.objects.filter(
        property=service.property, stream=service.stream, collection_date=last
    ).exists():
        return MissedCheck(
            service,
            last,
            MissedRefusal.ALREADY_REPORTED,
            _("A missed collection has already been reported for this address"),
        )
    return MissedCheck(service, last)


def missed_collection_checks(*, prop: Property, now: datetime) -> list[MissedCheck]:
    services = property_services(prop)
    if not services:
        return []
    organisation = services[0].organisation
    settings = waste_settings_for(organisation)
    shifts = shifts_for(organisation.pk)
    return [
        missed_collection_check(service=service, now=now, settings=settings, shifts=shifts)
        for service in services
    ]


# -- Containers -----------------------------------------------------------------------------


def container_types_for(prop: Property) -> list[ContainerType]:
    """The containers the property can ask for: those of the streams collected there."""
    streams = PropertyService.objects.filter(property=prop).values("stream_id")
    return list(ContainerType.objects.filter(stream_id__in=streams).order_by("position", "name"))


def container_request_open(
    *, prop: Property, container_type: ContainerType
) -> ContainerRequest | None:
    """The property's request for the type that is still open: sent (its fee paid, if any)
    and its case not closed. One waiting for payment or not paid is not open."""
    return (
        ContainerRequest.objects.filter(
            property=prop,
            container_type=container_type,
            status=ContainerRequestStatus.CONFIRMED,
            case__isnull=False,
        )
        .exclude(case__status__in=CLOSED_STATUSES)
        .first()
    )


def container_request_for_resident(*, user: Any, request_id: object) -> ContainerRequest | None:
    """A resident's own container request, or None (whether or not it exists)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        pk = int(str(request_id))
    except ValueError:
        return None
    return (
        ContainerRequest.objects.filter(pk=pk, resident=user)
        .select_related("property", "container_type", "case")
        .first()
    )


# -- Staff ------------------------------------------------------------------------------------


def waste_organisations_for_staff(*, user: Any) -> QuerySet[Organisation]:
    """The organisations whose waste back office `user` may see."""
    return staff_organisations(user, roles=OFFICE_ROLES).filter(
        id__in=Round.objects.values("organisation_id")
    )


def rounds_for_crew(*, user: Any) -> QuerySet[Round]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Round.objects.none()
    return (
        Round.objects.filter(is_active=True)
        .filter(
            Q(crew_team__in=staff_teams(user))
            | Q(organisation__in=staff_organisations(user, roles=CREW_ROLES))
        )
        .distinct()
        .order_by("weekday", "name")
    )


def round_for_crew(*, user: Any, round_id: object) -> Round | None:
    try:
        pk = int(str(round_id))
    except ValueError:
        return None
    return rounds_for_crew(user=user).filter(pk=pk).first()


def round_properties_on(*, round_: Round, day: date) -> list[PropertyService]:
    """The properties a round collects from on `day` (empty when it does not collect then)."""
    shifts = shifts_for(round_.organisation_id)
    services = (
        PropertyService.objects.filter(round=round_)
        .select_related("property", "stream", "round")
        .order_by("property__street_name", "property__paon", "property__saon", "stream__position")
    )
    return [
        service
        for service in services
        if day in next_collections(pattern_for(service), shifts, day, 1)
    ]


@dataclass(frozen=True)
class RoundCount:
    round: Round
    reported: int
    open: int


def missed_by_round(*, organisation: Organisation, since: date) -> list[RoundCount]:
    counts = (
        MissedCollection.objects.filter(organisation=organisation, collection_date__gte=since)
        .values("round_id")
        .annotate(
            reported=Count("id"),
            open=Count("id", filter=~Q(case__status__in=CLOSED_STATUSES)),
        )
    )
    by_round: dict[int, dict[str, int]] = {
        row["round_id"]: {"reported": row["reported"], "open": row["open"]} for row in counts
    }
    return [
        RoundCount(
            round=round_,
            reported=by_round.get(round_.pk, {}).get("reported", 0),
            open=by_round.get(round_.pk, {}).get("open", 0),
        )
        for round_ in Round.objects.filter(organisation=organisation).order_by("weekday", "name")
    ]


def missed_open_for_staff(*, user: Any, organisation: Organisation) -> list[MissedCollection]:
    visible = cases_visible_to_staff(user=user).exclude(status__in=CLOSED_STATUSES)
    return list(
        MissedCollection.objects.filter(organisation=organisation, case__in=visible)
        .select_related("case", "property", "stream", "round")
        .order_by("-assisted", "collection_date")[:200]
    )


def crew_reports(*, organisation: Organisation, since: date) -> list[CollectionEvent]:
    """What crews recorded other than "collected", latest first."""
    return list(
        CollectionEvent.objects.filter(organisation=organisation, date__gte=since)
        .exclude(outcome=Outcome.COLLECTED)
        .select_related("round", "property", "stream")
        .order_by("-date", "-recorded_at")[:200]
    )


def container_requests_open_for_staff(
    *, user: Any, organisation: Organisation
) -> list[ContainerRequest]:
    visible = cases_visible_to_staff(user=user).exclude(status__in=CLOSED_STATUSES)
    return list(
        ContainerRequest.objects.filter(organisation=organisation, case__in=visible)
        .select_related("case", "property", "container_type")
        .order_by("created_at")[:200]
    )


def assisted_applications_open_for_staff(*, user: Any, organisation: Organisation) -> list[Case]:
    settings = waste_settings_for(organisation)
    if settings is None or settings.assisted_service_id is None:
        return []
    return list(
        cases_visible_to_staff(user=user)
        .filter(service_id=settings.assisted_service_id)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("property")
        .order_by("created_at")[:200]
    )


# -- Bulky waste ------------------------------------------------------------------------------


def bulky_items_for(organisation: Organisation) -> list[BulkyItem]:
    return list(
        BulkyItem.objects.filter(organisation=organisation, is_active=True).order_by(
            "position", "name"
        )
    )


def bulky_round_for(prop: Property) -> BulkyRound | None:
    """The bulky round that serves `prop`: one whose areas include a round collecting there."""
    rounds = PropertyService.objects.filter(property=prop, round__is_active=True).values("round_id")
    return (
        BulkyRound.objects.filter(is_active=True, areas__in=rounds)
        .select_related("organisation")
        .order_by("weekday", "name")
        .first()
    )


def bulky_price(settings: WasteSettings, lines: list[tuple[int, int]]) -> int:
    """The price in pence of (unit price, quantity) lines: the base price covers up to
    `bulky_base_items` items, the dearest ones; every item after those costs its own price.
    Nothing for no items."""
    units = sorted((price for price, quantity in lines for _ in range(quantity)), reverse=True)
    if not units:
        return 0
    return settings.bulky_base_price_pence + sum(units[settings.bulky_base_items :])


def working_day_before(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def bulky_cutoff(day: date, settings: WasteSettings) -> datetime:
    """Until when a collection on `day` can be booked, changed or cancelled with a refund:
    the cutoff time on the working day before."""
    return datetime.combine(working_day_before(day), settings.bulky_cutoff, LONDON)


def bulky_places_taken(
    *, round_: BulkyRound, day: date, exclude_booking_id: int | None = None
) -> int:
    """Bookings holding a place on the round's day: waiting for payment or booked on it,
    and booked ones whose change to it is waiting for payment."""
    taken = BulkyBooking.objects.filter(round=round_).filter(
        Q(date=day, status__in=HOLDING_STATUSES)
        | (
            Q(pending_date=day, status=BookingStatus.CONFIRMED, pending_price_pence__isnull=False)
            & ~Q(date=day)
        )
    )
    if exclude_booking_id is not None:
        taken = taken.exclude(pk=exclude_booking_id)
    return taken.count()


def bulky_day_capacity(round_: BulkyRound, day: date) -> int:
    override = (
        BulkyDay.objects.filter(round=round_, date=day).values_list("capacity", flat=True).first()
    )
    return round_.capacity if override is None else override


@dataclass(frozen=True)
class BulkyDate:
    day: date
    places_left: int

    @property
    def text(self) -> str:
        return day_text(self.day)


def bulky_round_days(*, round_: BulkyRound, start: date, end: date) -> list[date]:
    """The round's collection days from `start` to `end`, after bank holiday shifts."""
    pattern = Pattern(
        weekday=round_.weekday, every_weeks=round_.every_weeks, anchor=round_.anchor_date
    )
    return collection_dates(pattern, shifts_for(round_.organisation_id), start, end)


def bulky_dates(
    *,
    round_: BulkyRound,
    settings: WasteSettings,
    now: datetime,
    exclude_booking_id: int | None = None,
) -> list[BulkyDate]:
    """The round's days that can still be booked at `now` (before their cutoff, within
    `bulky_days_ahead` days) and that have a place left."""
    today = local_now(now).date()
    days = bulky_round_days(
        round_=round_,
        start=today + timedelta(days=1),
        end=today + timedelta(days=settings.bulky_days_ahead),
    )
    overrides = dict(
        BulkyDay.objects.filter(round=round_, date__in=days).values_list("date", "capacity")
    )
    found = []
    for day in days:
        if now >= bulky_cutoff(day, settings):
            continue
        capacity = overrides.get(day)
        capacity = round_.capacity if capacity is None else capacity
        left = capacity - bulky_places_taken(
            round_=round_, day=day, exclude_booking_id=exclude_booking_id
        )
        if left > 0:
            found.append(BulkyDate(day, left))
    return found


def bulky_booking_for_resident(*, user: Any, booking_id: object) -> BulkyBooking | None:
    """A resident's own booking, or None (whether or not it exists)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        pk = int(str(booking_id))
    except ValueError:
        return None
    return (
        BulkyBooking.objects.filter(pk=pk, resident=user)
        .select_related("property", "round", "case", "organisation")
        .first()
    )


def bulky_bookings_for_resident(*, user: Any, prop: Property) -> list[BulkyBooking]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        BulkyBooking.objects.filter(
            resident=user, property=prop, status=BookingStatus.CONFIRMED
        ).select_related("case")
    )


@dataclass
class BulkyRoundDay:
    round: BulkyRound
    capacity: int
    bookings: list[BulkyBooking]


def bulky_collections_for_staff(*, organisation: Organisation, day: date) -> list[BulkyRoundDay]:
    """Each bulky round's booked collections on `day`, in street order, with their items and
    address, for the council's waste office."""
    rounds = list(BulkyRound.objects.filter(organisation=organisation).order_by("weekday", "name"))
    bookings: dict[int, list[BulkyBooking]] = {}
    for booking in (
        BulkyBooking.objects.filter(
            organisation=organisation, date=day, status=BookingStatus.CONFIRMED
        )
        .select_related("property", "case")
        .order_by("property__street_name", "property__paon", "property__saon")
    ):
        bookings.setdefault(booking.round_id, []).append(booking)
    return [
        BulkyRoundDay(round=r, capacity=bulky_day_capacity(r, day), bookings=bookings.get(r.pk, []))
        for r in rounds
        if bookings.get(r.pk)
        or day
        in next_collections(
            Pattern(weekday=r.weekday, every_weeks=r.every_weeks, anchor=r.anchor_date),
            shifts_for(organisation.pk),
            day,
            1,
        )
    ]


# -- Garden waste -----------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def garden_year_bounds(settings: WasteSettings, year: int) -> tuple[date, date]:
    """The first and last days of the subscription year that starts in `year`."""
    start = date(year, settings.garden_year_start_month, 1)
    return start, _add_months(start, 12) - timedelta(days=1)


def garden_year_for(settings: WasteSettings, day: date) -> int:
    """The subscription year (the calendar year it starts in) that `day` is in."""
    return day.year if day.month >= settings.garden_year_start_month else day.year - 1


def garden_year_text(settings: WasteSettings, year: int) -> str:
    """1 April 2026 to 31 March 2027."""
    start, end = garden_year_bounds(settings, year)
    return _("%(start)s to %(end)s") % {
        "start": dateformat.format(start, "j F Y"),
        "end": dateformat.format(end, "j F Y"),
    }


def garden_bin_price(settings: WasteSettings, *, year: int, starts_on: date) -> int:
    """The price of one bin for the subscription year `year` starting on `starts_on`: the full
    price, or the reduced price (when the council sets one) from the first day of the
    `garden_reduced_after_months`th month after the year starts."""
    start, _end = garden_year_bounds(settings, year)
    reduced_from = _add_months(start, settings.garden_reduced_after_months)
    if settings.garden_reduced_price_pence is not None and starts_on >= reduced_from:
        return settings.garden_reduced_price_pence
    return settings.garden_price_pence


def garden_reduced_from(settings: WasteSettings, year: int) -> date:
    start, _end = garden_year_bounds(settings, year)
    return _add_months(start, settings.garden_reduced_after_months)


def garden_renewal_opens(settings: WasteSettings, year: int) -> date:
    """The first day residents can renew the subscription year `year` for the next one."""
    _start, end = garden_year_bounds(settings, year)
    return end - timedelta(days=settings.garden_renewal_days - 1)


def garden_round_for(prop: Property) -> Round | None:
    """The round that collects (or would collect) garden waste from `prop`: the one it has,
    else an active garden round of the council on the same weekday as its other collections,
    else the council's first active garden round. None where there are no collections."""
    current = (
        PropertyService.objects.filter(property=prop, stream__kind=StreamKind.GARDEN)
        .select_related("round")
        .first()
    )
    if current is not None and current.round.is_active:
        return current.round
    services = list(
        PropertyService.objects.filter(property=prop, round__is_active=True).select_related("round")
    )
    if not services:
        return None
    organisation_id = services[0].organisation_id
    rounds = Round.objects.filter(
        organisation_id=organisation_id, is_active=True, streams__kind=StreamKind.GARDEN
    ).order_by("weekday", "name")
    weekdays = {service.round.weekday for service in services}
    return rounds.filter(weekday__in=weekdays).first() or rounds.first()


def garden_holding(*, prop: Property, year: int) -> GardenSubscription | None:
    """The property's subscription for `year` that is active or waiting for payment."""
    return GardenSubscription.objects.filter(
        property=prop, year=year, status__in=GARDEN_HOLDING_STATUSES
    ).first()


def garden_subscription_for_resident(
    *, user: Any, subscription_id: object
) -> GardenSubscription | None:
    """A resident's own subscription, or None (whether or not it exists)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        pk = int(str(subscription_id))
    except ValueError:
        return None
    return (
        GardenSubscription.objects.filter(pk=pk, resident=user)
        .select_related("property", "case", "organisation")
        .first()
    )


def garden_subscriptions_for_resident(*, user: Any, prop: Property) -> list[GardenSubscription]:
    """The resident's active subscriptions at `prop`, the latest year first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        GardenSubscription.objects.filter(
            resident=user, property=prop, status=GardenStatus.ACTIVE
        ).select_related("case")
    )


def garden_subscribers_for_staff(
    *, organisation: Organisation, year: int
) -> list[GardenSubscription]:
    """The council's active subscriptions for `year`, in street order, for the waste office
    and its export. The caller authorises and audits the read."""
    return list(
        GardenSubscription.objects.filter(
            organisation=organisation, year=year, status=GardenStatus.ACTIVE
        )
        .select_related("property", "resident", "case")
        .order_by("property__street_name", "property__paon", "property__saon", "pk")
    )


# -- Booked for a caller on the phone -----------------------------------------------------------


def _taken_by(queryset: QuerySet[Any], *, user: Any, pk: object) -> Any:
    """The booking (subscription, request) this advisor made for a caller, while they may
    still take payments for its council; None otherwise (whether or not it exists)."""
    from borough.payments.services import PHONE_PAYMENT_ROLES

    if not getattr(user, "is_authenticated", False):
        return None
    try:
        number = int(str(pk))
    except ValueError:
        return None
    found = queryset.filter(pk=number, taken_by=user).first()
    if found is None:
        return None
    if not staff_roles(user, found.organisation) & {str(role) for role in PHONE_PAYMENT_ROLES}:
        return None
    return found


def bulky_booking_taken_by(*, user: Any, booking_id: object) -> BulkyBooking | None:
    found: BulkyBooking | None = _taken_by(
        BulkyBooking.objects.select_related("property", "round", "case", "organisation"),
        user=user,
        pk=booking_id,
    )
    return found


def garden_subscription_taken_by(
    *, user: Any, subscription_id: object
) -> GardenSubscription | None:
    found: GardenSubscription | None = _taken_by(
        GardenSubscription.objects.select_related("property", "case", "organisation"),
        user=user,
        pk=subscription_id,
    )
    return found


def container_request_taken_by(*, user: Any, request_id: object) -> ContainerRequest | None:
    found: ContainerRequest | None = _taken_by(
        ContainerRequest.objects.select_related(
            "property", "container_type", "case", "organisation"
        ),
        user=user,
        pk=request_id,
    )
    return found


def paid_waste_task(service: Any) -> str | None:
    """Which paid waste journey a catalogue service is ("bulky", "garden" or "container"):
    an advisor books it for a caller through the waste pages, not the form runner."""
    settings = WasteSettings.objects.filter(organisation_id=service.organisation_id).first()
    if settings is None:
        return None
    for task in ("bulky", "garden", "container"):
        if getattr(settings, f"{task}_service_id") == service.pk:
            return task
    return None
