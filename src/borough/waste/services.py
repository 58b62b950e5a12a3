# ruff: noqa: RUF001
"""Every change to the waste data: one function per business action, each in a transaction.

Cases (missed collections, container requests, assisted collection applications) are made
through `cases.services.case_create` with the council's catalogue service, so they are routed,
timed and logged like any other case; the waste rules are checked first and a refusal changes
nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from borough.accounts.models import User
from borough.cases.models import CLOSED_STATUSES, Case, Priority, Status
from borough.cases.services import Submission, case_close, case_create, case_public_update
from borough.catalogue.models import Service
from borough.contacts.models import Channel
from borough.core.links import site_url
from borough.core.models import Organisation, Team
from borough.core.services import audit_record
from borough.core.tenancy import staff_roles
from borough.core.timetext import clock_text
from borough.payments.models import IN_PROGRESS_STATUSES, PAID_STATUSES, Payment, PaymentChannel
from borough.payments.providers import ProviderError
from borough.payments.services import (
    PHONE_PAYMENT_ROLES,
    PaymentError,
    payment_cancel,
    payment_create,
    payment_refund,
    refund_available,
)
from borough.places.models import Property
from borough.places.selectors import property_by_uprn
from borough.waste.models import (
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
    EventSource,
    GardenStatus,
    GardenSubscription,
    MissedCollection,
    Outcome,
    Placement,
    PropertyService,
    RequestKind,
    Round,
    Stream,
    StreamKind,
    WasteSettings,
)
from borough.waste.schedule import bank_holiday_shifts
from borough.waste.selectors import (
    bulky_cutoff,
    bulky_dates,
    bulky_items_for,
    bulky_price,
    bulky_round_days,
    bulky_round_for,
    container_request_open,
    day_text,
    garden_bin_price,
    garden_holding,
    garden_renewal_opens,
    garden_round_for,
    garden_year_bounds,
    garden_year_for,
    garden_year_text,
    local_now,
    missed_collection_check,
    property_services,
    shifts_for,
    waste_settings_for,
)


class WasteErrorCode(StrEnum):
    NO_COLLECTIONS = "no_collections"
    NOT_ALLOWED = "not_allowed"
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    NOT_SET_UP = "not_set_up"


class WasteError(ValueError):
    def __init__(self, message: str, *, code: WasteErrorCode, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True)
class Caller:
    """Who an advisor books, subscribes or requests for on the phone: the advisor (who takes
    the payment) and the caller, by their account when the advisor found it, otherwise by
    the contact details the advisor took (the email address gets the confirmation)."""

    advisor: User
    resident: User | None = None
    name: str = ""
    email: str = ""
    phone: str = ""

    def fields(self) -> dict[str, Any]:
        """What is kept on the booking, subscription or request."""
        return {
            "resident": self.resident,
            "channel": Channel.PHONE,
            "taken_by": self.advisor,
            "contact_name": "" if self.resident else self.name.strip()[:200],
            "contact_email": "" if self.resident else self.email.strip().lower()[:254],
            "contact_phone": "" if self.resident else self.phone.strip()[:30],
        }


def _caller_check(caller: Caller, organisation: Organisation) -> None:
    """Refuse an advisor who may not take payments for the council, or a caller with neither
    an account nor an email address."""
    if not staff_roles(caller.advisor, organisation) & {str(r) for r in PHONE_PAYMENT_ROLES}:
        raise WasteError(
            _("You cannot take payments for %(council)s") % {"council": organisation.name},
            code=WasteErrorCode.NOT_ALLOWED,
        )
    if caller.resident is None and not caller.email.strip():
        raise WasteError(
            _("Enter the caller’s email address"),
            code=WasteErrorCode.INVALID,
            field="email",
        )


def _owned_by(resident: User | None, caller: Caller | None) -> Q:
    """The bookings (subscriptions, requests) of the same person: the resident's own, or
    those this advisor made for callers."""
    if caller is not None:
        return Q(taken_by=caller.advisor)
    if resident is None:
        raise WasteError(_("Sign in to do this"), code=WasteErrorCode.NOT_ALLOWED)
    return Q(resident=resident, taken_by__isnull=True)


def _owner_fields(resident: User | None, caller: Caller | None) -> dict[str, Any]:
    if caller is not None:
        return caller.fields()
    return {"resident": resident, "channel": Channel.WEB}


def _made_by(thing: Any, resident: User | None, caller: Caller | None) -> bool:
    if caller is not None:
        return bool(thing.taken_by_id == caller.advisor.pk)
    return resident is not None and thing.resident_id == resident.pk and thing.taken_by_id is None


def _submission_people(thing: Any) -> dict[str, Any]:
    """Who the case of a booking, subscription or request is for and who made it: the
    resident, or the caller's details and the advisor, on the channel it came by."""
    return {
        "channel": thing.channel or Channel.WEB,
        "resident": thing.resident,
        "reporter_name": thing.contact_name,
        "reporter_email": thing.contact_email,
        "reporter_phone": thing.contact_phone,
        "staff": thing.taken_by,
    }


def _payment_channel(thing: Any) -> dict[str, Any]:
    """A payment the advisor takes over the phone (MOTO at GOV.UK Pay), or the resident's."""
    if thing.taken_by_id is not None:
        return {"channel": PaymentChannel.PHONE, "taken_by": thing.taken_by}
    return {}


def _caller_audit(caller: Caller | None, thing: Any, what: str) -> None:
    if caller is None:
        return
    audit_record(
        actor=caller.advisor,
        action="waste.for_caller",
        obj=thing,
        organisation=thing.organisation,
        detail={
            "what": what,
            "channel": str(Channel.PHONE),
            "resident": caller.resident.pk if caller.resident is not None else None,
        },
    )


# How the waste pages answer each service's form, unless a council's settings say otherwise
# (`WasteSettings.form_answers`): which question takes what.
DEFAULT_FORM_ANSWERS: dict[str, Any] = {
    "missed": {
        "stream": "bin_type",
        "details": "details",
        # The page tells residents bins must be out by 7am; a subscriber has garden waste.
        "fixed": {"put_out": True, "garden_subscriber": True},
    },
    "bulky": {
        "items": "items",
        "count": "item_count",
        "placement": "placement",
        "date": "collection_date",
        "details": "details",
    },
    "garden": {
        "bins": "bins",
        "has_bin": "has_bin",
        "start": "start_date",
    },
    "container": {
        "type": "container",
        "reason": "reason",
        "damage": "damage",
        "quantity": "quantity",
    },
}


def form_answers(settings: WasteSettings, key: str) -> dict[str, Any]:
    configured = (settings.form_answers or {}).get(key) or {}
    return {**DEFAULT_FORM_ANSWERS[key], **configured}


# -- Setting up -----------------------------------------------------------------------------


@transaction.atomic
def stream_create(
    *,
    organisation: Organisation,
    kind: str,
    name: str,
    missed_answer: str = "",
    position: int = 100,
) -> Stream:
    stream = Stream(
        organisation=organisation,
        kind=kind,
        name=name,
        missed_answer=missed_answer,
        position=position,
    )
    stream.full_clean()
    stream.save()
    return stream


@transaction.atomic
def container_type_create(
    *,
    stream: Stream,
    code: str,
    name: str,
    request_answer: str = "",
    fee_pence: int = 0,
    position: int = 100,
) -> ContainerType:
    container_type = ContainerType(
        organisation=stream.organisation,
        stream=stream,
        code=code,
        name=name,
        request_answer=request_answer,
        fee_pence=fee_pence,
        position=position,
    )
    container_type.full_clean()
    container_type.save()
    return container_type


@transaction.atomic
def round_create(
    *,
    organisation: Organisation,
    name: str,
    streams: Iterable[Stream],
    weekday: int,
    every_weeks: int,
    anchor_date: date,
    crew_team: Team | None = None,
    vehicle: str = "",
) -> Round:
    streams = list(streams)
    if any(stream.organisation_id != organisation.pk for stream in streams):
        raise WasteError(
            _("Select streams of the round's organisation"),
            code=WasteErrorCode.INVALID,
            field="streams",
        )
    round_ = Round(
        organisation=organisation,
        name=name,
        weekday=weekday,
        every_weeks=every_weeks,
        anchor_date=anchor_date,
        crew_team=crew_team,
        vehicle=vehicle,
    )
    round_.full_clean()
    round_.save()
    round_.streams.set(streams)
    return round_


@transaction.atomic
def property_service_set(
    *,
    prop: Property,
    stream: Stream,
    round_: Round,
    assisted: bool = False,
    active_from: date | None = None,
    active_to: date | None = None,
) -> PropertyService:
    """Which round collects `stream` from `prop` (replacing what did before)."""
    if (
        round_.organisation_id != stream.organisation_id
        or not round_.streams.filter(pk=stream.pk).exists()
    ):
        raise WasteError(
            _("Select a round that collects this stream"),
            code=WasteErrorCode.INVALID,
            field="round",
        )
    service, _created = PropertyService.objects.update_or_create(
        property=prop,
        stream=stream,
        defaults={
            "organisation": stream.organisation,
            "round": round_,
            "assisted": assisted,
            "active_from": active_from,
            "active_to": active_to,
        },
    )
    return service


@transaction.atomic
def container_set(*, prop: Property, container_type: ContainerType, quantity: int) -> Container:
    container, _created = Container.objects.update_or_create(
        property=prop,
        container_type=container_type,
        defaults={"organisation": container_type.organisation, "quantity": quantity},
    )
    return container


@transaction.atomic
def waste_settings_set(*, organisation: Organisation, **values: Any) -> WasteSettings:
    settings, _created = WasteSettings.objects.get_or_create(organisation=organisation)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.full_clean()
    settings.save()
    return settings


@transaction.atomic
def collection_shifts_generate(*, organisation: Organisation, year: int) -> int:
    """Add the bank holiday shifts of `year` to the organisation's table; days already in the
    table (perhaps edited) are left alone. Returns how many were added."""
    existing = set(
        CollectionShift.objects.filter(
            organisation=organisation, original_date__year=year
        ).values_list("original_date", flat=True)
    )
    rows = [
        CollectionShift(
            organisation=organisation, original_date=day, new_date=target, reason=reason
        )
        for day, (target, reason) in bank_holiday_shifts(year).items()
        if day not in existing
    ]
    CollectionShift.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def collection_shift_set(
    *, organisation: Organisation, original_date: date, new_date: date, reason: str = ""
) -> CollectionShift:
    shift, _created = CollectionShift.objects.update_or_create(
        organisation=organisation,
        original_date=original_date,
        defaults={"new_date": new_date, "reason": reason},
    )
    return shift


# -- Crews' events ----------------------------------------------------------------------------


@transaction.atomic
def collection_event_record(
    *,
    round_: Round,
    stream: Stream,
    day: date,
    outcome: str,
    source: str,
    prop: Property | None = None,
    crew: User | None = None,
    note: str = "",
    external_id: str | None = None,
    recorded_at: datetime | None = None,
) -> CollectionEvent:
    """Record what a crew found. An event sent again with the same `external_id` is recorded
    once (the first is returned)."""
    if outcome not in Outcome.values:
        raise WasteError(_("Select what happened"), code=WasteErrorCode.INVALID, field="outcome")
    if external_id:
        existing = CollectionEvent.objects.filter(
            organisation=round_.organisation, external_id=external_id
        ).first()
        if existing is not None:
            return existing
    return CollectionEvent.objects.create(
        organisation=round_.organisation,
        round=round_,
        property=prop,
        stream=stream,
        date=day,
        outcome=outcome,
        source=source,
        crew=crew,
        note=note[:300],
        external_id=external_id or None,
        recorded_at=recorded_at or timezone.now(),
    )


@transaction.atomic
def crew_outcomes_record(
    *,
    round_: Round,
    day: date,
    outcomes: Mapping[int, str],
    crew: User,
) -> list[CollectionEvent]:
    """The crews' page: record the outcome at each of the round's properties (by the
    PropertyService id) that day. Ids not on the round are refused and nothing is recorded."""
    services = {
        service.pk: service
        for service in PropertyService.objects.filter(
            round=round_, pk__in=list(outcomes)
        ).select_related("property", "stream")
    }
    unknown = set(outcomes) - set(services)
    if unknown:
        raise WasteError(
            _("Some of the addresses are not on this round"), code=WasteErrorCode.INVALID
        )
    for outcome in outcomes.values():
        if outcome not in Outcome.values:
            raise WasteError(
                _("Select what happened"), code=WasteErrorCode.INVALID, field="outcome"
            )
    # The page sent twice (a double tap, a retry on a poor signal) records nothing twice:
    # one event per address and stream that day from the crews' page, and the latest
    # answer wins, so a crew can correct a mistake.
    events = []
    for pk, outcome in outcomes.items():
        event, _created = CollectionEvent.objects.update_or_create(
            organisation=round_.organisation,
            round=round_,
            property=services[pk].property,
            stream=services[pk].stream,
            date=day,
            source=EventSource.FIELD,
            defaults={"outcome": outcome, "crew": crew, "recorded_at": timezone.now()},
        )
        events.append(event)
    return events


@dataclass
class ImportReport:
    recorded: int = 0
    already: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _event_row(
    organisation: Organisation, row: Mapping[str, Any], rounds: dict[str, Round]
) -> dict[str, Any]:
    """Check one row of an import or webhook; the keyword arguments for the event."""
    name = str(row.get("round") or "").strip()
    round_ = rounds.get(name.lower())
    if round_ is None:
        raise ValueError(f"No round called {name!r}")
    kind = str(row.get("stream") or "").strip().lower()
    stream = next((s for s in round_.streams.all() if kind in (s.kind, s.name.lower())), None)
    if stream is None:
        raise ValueError(f"Round {round_.name!r} does not collect {kind!r}")
    day = parse_date(str(row.get("date") or "").strip())
    if day is None:
        raise ValueError("Give the date as YYYY-MM-DD")
    outcome = str(row.get("outcome") or "").strip().lower()
    if outcome not in Outcome.values:
        raise ValueError(f"The outcome must be one of {', '.join(Outcome.values)}")
    prop = None
    uprn = str(row.get("uprn") or "").strip()
    if uprn:
        prop = property_by_uprn(uprn)
        if prop is None or not PropertyService.objects.filter(property=prop, round=round_).exists():
            raise ValueError(f"UPRN {uprn} is not on round {round_.name!r}")
    recorded_at = None
    if row.get("recorded_at"):
        recorded_at = parse_datetime(str(row["recorded_at"]).strip())
        if recorded_at is None or timezone.is_naive(recorded_at):
            raise ValueError("Give recorded_at as an ISO 8601 time with a zone")
    return {
        "round_": round_,
        "stream": stream,
        "day": day,
        "outcome": outcome,
        "prop": prop,
        "note": str(row.get("note") or "")[:300],
        "external_id": str(row.get("id") or "").strip()[:100] or None,
        "recorded_at": recorded_at,
    }


@transaction.atomic
def collection_events_import(
    *, organisation: Organisation, rows: Iterable[Mapping[str, Any]], source: str
) -> ImportReport:
    """Record crews' events from an import or a webhook: columns round, stream, date,
    outcome and optionally uprn (none: the whole round), note, id and recorded_at.

    Every row is checked first; if any is refused nothing is recorded."""
    report = ImportReport()
    rounds = {
        r.name.lower(): r
        for r in Round.objects.filter(organisation=organisation).prefetch_related("streams")
    }
    checked = []
    for number, row in enumerate(rows, start=1):
        try:
            checked.append(_event_row(organisation, row, rounds))
        except ValueError as error:
            report.rejected.append((number, str(error)))
    if report.rejected:
        return report
    for values in checked:
        external_id = values["external_id"]
        if (
            external_id
            and CollectionEvent.objects.filter(
                organisation=organisation, external_id=external_id
            ).exists()
        ):
            report.already += 1
            continue
        collection_event_record(source=source, **values)
        report.recorded += 1
    return report


# -- Residents' cases -------------------------------------------------------------------------


def _settings_or_refuse(
    organisation: Organisation, service_field: str
) -> tuple[WasteSettings, Service]:
    settings = waste_settings_for(organisation)
    service = getattr(settings, service_field, None) if settings else None
    if settings is None or service is None:
        raise WasteError(
            _("You cannot do this online. Contact the council."), code=WasteErrorCode.NOT_SET_UP
        )
    return settings, service


def missed_collection_report(
    *,
    prop: Property,
    stream: Stream,
    channel: str,
    resident: User | None = None,
    reporter_email: str = "",
    reporter_name: str = "",
    details: str = "",
    staff: User | None = None,
    now: datetime | None = None,
) -> Case:
    """Report a missed collection of `stream` at `prop`: allowed only in the window after the
    collection day, refused (`WasteError`, nothing written) when the crew recorded the bin as
    not put out or wrongly filled, when it is not due or too late, or when already reported.
    An assisted collection's report is flagged high priority."""
    now = now or timezone.now()
    service = next((s for s in property_services(prop) if s.stream_id == stream.pk), None)
    if service is None:
        raise WasteError(
            _("We do not collect this from this address"),
            code=WasteErrorCode.NO_COLLECTIONS,
            field="stream",
        )
    settings, catalogue_service = _settings_or_refuse(service.organisation, "missed_service")
    with transaction.atomic():
        # One report at a time for a property: lock its collection rows.
        list(PropertyService.objects.select_for_update().filter(property=prop))
        check = missed_collection_check(
            service=service, now=now, settings=settings, shifts=shifts_for(service.organisation_id)
        )
        if not check.allowed or check.collection_date is None:
            code = (
                WasteErrorCode.DUPLICATE
                if check.refusal == "already_reported"
                else WasteErrorCode.NOT_ALLOWED
            )
            raise WasteError(check.reason, code=code, field="stream")
        mapping = form_answers(settings, "missed")
        answers: dict[str, Any] = dict(mapping.get("fixed") or {})
        answers[mapping["stream"]] = stream.missed_answer or stream.kind
        if details.strip():
            answers[mapping["details"]] = details.strip()
        case = case_create(
            submission=Submission(
                service=catalogue_service,
                channel=channel,
                answers=answers,
                resident=resident,
                reporter_email=reporter_email,
                reporter_name=reporter_name,
                uprn=prop.uprn,
                staff=staff,
                priority=Priority.HIGH if service.assisted else Priority.NORMAL,
                submitted_at=now,
            )
        )
        try:
            with transaction.atomic():
                MissedCollection.objects.create(
                    organisation=service.organisation,
                    case=case,
                    property=prop,
                    stream=stream,
                    round=service.round,
                    collection_date=check.collection_date,
                    assisted=service.assisted,
                    created_at=now,
                )
        except IntegrityError:
            raise WasteError(
                _("A missed collection has already been reported for this address"),
                code=WasteErrorCode.DUPLICATE,
                field="stream",
            ) from None
    return case


class RequestReason(StrEnum):
    NEW_PROPERTY = "new_property"
    MISSING = "missing"
    DAMAGED = "damaged"
    EXTRA = "extra"


REASON_KINDS = {
    RequestReason.NEW_PROPERTY: RequestKind.NEW,
    RequestReason.MISSING: RequestKind.REPLACEMENT,
    RequestReason.DAMAGED: RequestKind.REPLACEMENT,
    RequestReason.EXTRA: RequestKind.EXTRA,
}


def money_text(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def container_fee(container_type: ContainerType, reason: str, quantity: int) -> int:
    """In pence: nothing for a new home's first containers, else the type's fee each."""
    if REASON_KINDS.get(RequestReason(reason)) == RequestKind.NEW:
        return 0
    return container_type.fee_pence * quantity


CONTAINER_PURPOSE = "waste.container"


def container_request_create(
    *,
    prop: Property,
    container_type: ContainerType,
    reason: str,
    channel: str,
    resident: User | None = None,
    quantity: int = 1,
    damage: str = "",
    staff: User | None = None,
    caller: Caller | None = None,
) -> ContainerRequest:
    """Request a new, replacement or extra container: one open request per container type per
    property. A free one is sent at once (its case made). One with a fee waits for payment
    (`container_request_payment`): `container_request_paid` sends it, and an unpaid one is
    never sent, so it blocks nothing. The same resident asking again with the same answers
    while one waits for payment gets that one back (and its payment); with other answers the
    earlier one is given up. Another resident's request waiting for payment is refused.

    `caller`: an advisor requests it for a caller on the phone (and takes the fee)."""
    if reason not in {r.value for r in RequestReason}:
        raise WasteError(_("Select why you need it"), code=WasteErrorCode.INVALID, field="reason")
    if type(quantity) is not int or quantity < 1:
        raise WasteError(
            _("Enter how many you need"), code=WasteErrorCode.INVALID, field="quantity"
        )
    if container_type.pk not in {
        ct.pk
        for ct in ContainerType.objects.filter(
            stream_id__in=PropertyService.objects.filter(property=prop).values("stream_id")
        )
    }:
        raise WasteError(
            _("Select a container we collect from this address"),
            code=WasteErrorCode.INVALID,
            field="container_type",
        )
    settings, catalogue_service = _settings_or_refuse(
        container_type.organisation, "container_service"
    )
    if caller is not None:
        _caller_check(caller, container_type.organisation)
        resident, channel, staff = caller.resident, Channel.PHONE, caller.advisor
    mapping = form_answers(settings, "container")
    answers: dict[str, Any] = {
        mapping["type"]: container_type.request_answer or container_type.code,
        mapping["reason"]: reason,
        mapping["quantity"]: quantity,
    }
    if damage.strip():
        answers[mapping["damage"]] = damage.strip()
    fee = container_fee(container_type, reason, quantity)
    kind = REASON_KINDS[RequestReason(reason)]
    waiting = ContainerRequest.objects.filter(
        property=prop,
        container_type=container_type,
        status=ContainerRequestStatus.PENDING_PAYMENT,
    )
    for earlier in waiting:
        if not _made_by(earlier, resident, caller):
            raise _container_waiting(container_type)
        if earlier.answers == answers and earlier.fee_pence == fee:
            # Sent again (a double click, or back from the payment page): the same request.
            return earlier
        container_request_abandon(request=earlier)
    with transaction.atomic():
        list(PropertyService.objects.select_for_update().filter(property=prop))
        # Under the lock, one made meanwhile by a twin of this request (a double click) is
        # the same request; another waiting for payment (another resident's) refuses it.
        for twin in waiting.all():
            mine = _made_by(twin, resident, caller)
            if mine and twin.answers == answers and twin.fee_pence == fee:
                return twin
            raise _container_waiting(container_type)
        if container_request_open(prop=prop, container_type=container_type) is not None:
            raise WasteError(
                _("A %(container)s has already been requested for this address")
                % {"container": container_type.name.lower()},
                code=WasteErrorCode.DUPLICATE,
                field="container_type",
            )
        request = ContainerRequest.objects.create(
            organisation=container_type.organisation,
            property=prop,
            container_type=container_type,
            kind=kind,
            quantity=quantity,
            fee_pence=fee,
            **(
                caller.fields()
                if caller is not None
                else {"resident": resident, "channel": channel}
            ),
            answers=answers,
            status=ContainerRequestStatus.PENDING_PAYMENT
            if fee
            else ContainerRequestStatus.CONFIRMED,
        )
        _caller_audit(caller, request, "container")
        if not fee:
            _container_request_send(request, service=catalogue_service, staff=staff)
    return request


def _container_waiting(container_type: ContainerType) -> WasteError:
    return WasteError(
        _("A %(container)s for this address is waiting for payment. Try again in 2 hours.")
        % {"container": container_type.name.lower()},
        code=WasteErrorCode.DUPLICATE,
        field="container_type",
    )


def _container_request_send(
    request: ContainerRequest, *, service: Service, staff: User | None = None
) -> None:
    """Make the request's case and mark it sent (the caller holds the lock)."""
    people = _submission_people(request)
    people["staff"] = staff or request.taken_by
    request.case = case_create(
        submission=Submission(
            service=service,
            answers=dict(request.answers),
            uprn=request.property.uprn,
            idempotency_key=f"container-request-{request.pk}",
            **people,
        )
    )
    request.status = ContainerRequestStatus.CONFIRMED
    request.save(update_fields=["case", "status", "payment_reference"])


def container_request_payment(*, request: ContainerRequest) -> Payment:
    """The payment of a request's fee. The same request always gives the same payment."""
    if request.status != ContainerRequestStatus.PENDING_PAYMENT:
        raise WasteError(_("There is nothing to pay"), code=WasteErrorCode.INVALID)
    return payment_create(
        organisation=request.organisation,
        amount_pence=request.fee_pence,
        description=_("%(quantity)s × %(container)s")
        % {"quantity": request.quantity, "container": request.container_type.name},
        purpose=CONTAINER_PURPOSE,
        purpose_id=str(request.pk),
        return_to=reverse("waste:container_request", args=[request.property.uprn, request.pk]),
        idempotency_key=f"container-request-{request.pk}",
        **_payment_channel(request),
    )


def container_request_paid(payment: Payment) -> None:
    """on_paid of "waste.container": the request is sent, its case made. Runs once, in the
    payment's transaction. One paid after it was given up is sent all the same (the money
    was taken) unless another is open for the type; then the fee is kept for staff to
    refund and a warning logged."""
    request = (
        ContainerRequest.objects.select_for_update(of=("self",))
        .select_related("property", "container_type")
        .get(pk=int(payment.purpose_id))
    )
    if request.status == ContainerRequestStatus.CONFIRMED:
        return
    request.payment_reference = payment.reference
    if container_request_open(prop=request.property, container_type=request.container_type):
        request.status = ContainerRequestStatus.UNPAID
        request.save(update_fields=["status", "payment_reference"])
        logger.warning(
            "Container request paid after another was sent",
            extra={"request": request.pk, "payment": payment.reference},
        )
        return
    _settings, service = _settings_or_refuse(request.organisation, "container_service")
    _container_request_send(request, service=service)


def container_request_unpaid(payment: Payment) -> None:
    """on_failed of "waste.container": the request is never sent."""
    request = ContainerRequest.objects.select_for_update().get(pk=int(payment.purpose_id))
    if request.status == ContainerRequestStatus.PENDING_PAYMENT:
        request.status = ContainerRequestStatus.UNPAID
        request.save(update_fields=["status"])


def container_request_abandon(*, request: ContainerRequest) -> ContainerRequest:
    """Give up a request waiting for payment: its payment is cancelled at the provider (so it
    can no longer be paid) and it is marked not paid. One paid meanwhile is sent."""
    _payments_stop(
        Payment.objects.filter(purpose=CONTAINER_PURPOSE, purpose_id=str(request.pk)),
        source=CONTAINER_PURPOSE,
    )
    with transaction.atomic():
        locked = ContainerRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == ContainerRequestStatus.PENDING_PAYMENT:
            locked.status = ContainerRequestStatus.UNPAID
            locked.save(update_fields=["status"])
    return locked


def assisted_collection_apply(
    *,
    prop: Property,
    answers: Mapping[str, Any],
    channel: str,
    resident: User | None = None,
    staff: User | None = None,
) -> Case:
    """Apply for an assisted collection: a case of the council's assisted-collection service."""
    services = property_services(prop)
    if not services:
        raise WasteError(
            _("We do not collect bins from this address"), code=WasteErrorCode.NO_COLLECTIONS
        )
    if all(service.assisted for service in services):
        raise WasteError(
            _("This address already has assisted collections"), code=WasteErrorCode.DUPLICATE
        )
    _settings, catalogue_service = _settings_or_refuse(services[0].organisation, "assisted_service")
    open_application = (
        Case.objects.filter(service=catalogue_service, property=prop)
        .exclude(status__in=CLOSED_STATUSES)
        .exists()
    )
    if open_application:
        raise WasteError(
            _("An assisted collection has already been applied for at this address"),
            code=WasteErrorCode.DUPLICATE,
        )
    return case_create(
        submission=Submission(
            service=catalogue_service,
            channel=channel,
            answers=dict(answers),
            resident=resident,
            uprn=prop.uprn,
            staff=staff,
        )
    )


@transaction.atomic
def assisted_collection_set(*, prop: Property, assisted: bool, actor: User | None) -> int:
    """Turn assisted collection on or off for every stream collected from `prop`."""
    services = list(PropertyService.objects.select_for_update().filter(property=prop))
    for service in services:
        if service.assisted != assisted:
            service.assisted = assisted
            service.save(update_fields=["assisted", "updated_at"])
            audit_record(
                actor=actor,
                action="waste.assisted_set",
                obj=service,
                detail={"uprn": prop.uprn, "stream": service.stream.kind, "assisted": assisted},
            )
    return len(services)


@transaction.atomic
def assisted_collection_approve(*, case: Case, actor: User, message: str = "") -> Case:
    """Approve an application: the property's collections become assisted and the case is
    closed as done, telling the resident."""
    if case.property is None:
        raise WasteError(_("The application has no address"), code=WasteErrorCode.INVALID)
    settings = waste_settings_for(case.organisation)
    if settings is None or case.service_id != settings.assisted_service_id:
        raise WasteError(
            _("This is not an assisted collection application"), code=WasteErrorCode.INVALID
        )
    assisted_collection_set(prop=case.property, assisted=True, actor=actor)
    return case_close(
        case=case,
        actor=actor,
        status=Status.FIXED,
        resolution=message
        or _(
            "Assisted collections are set up. Crews will collect your bins from where you "
            "keep them and put them back."
        ),
    )


# -- Bulky waste ------------------------------------------------------------------------------

BULKY_PURPOSE = "waste.bulky"
logger = logging.getLogger("borough.waste")


@transaction.atomic
def bulky_item_create(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    price_pence: int,
    form_answer: str = "",
    hint: str = "",
    position: int = 100,
) -> BulkyItem:
    item = BulkyItem(
        organisation=organisation,
        code=code,
        name=name,
        price_pence=price_pence,
        form_answer=form_answer,
        hint=hint,
        position=position,
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def bulky_round_create(
    *,
    organisation: Organisation,
    name: str,
    weekday: int,
    anchor_date: date,
    areas: Iterable[Round],
    capacity: int,
    every_weeks: int = 1,
    crew_team: Team | None = None,
) -> BulkyRound:
    areas = list(areas)
    if any(area.organisation_id != organisation.pk for area in areas):
        raise WasteError(
            _("Select rounds of the same organisation"), code=WasteErrorCode.INVALID, field="areas"
        )
    round_ = BulkyRound(
        organisation=organisation,
        name=name,
        weekday=weekday,
        every_weeks=every_weeks,
        anchor_date=anchor_date,
        capacity=capacity,
        crew_team=crew_team,
    )
    round_.full_clean()
    round_.save()
    round_.areas.set(areas)
    return round_


@transaction.atomic
def bulky_day_set(*, round_: BulkyRound, day: date, capacity: int | None) -> BulkyDay:
    """Set (or with None, clear) the number of bookings the round takes on `day`."""
    bulky_day, _created = BulkyDay.objects.update_or_create(
        round=round_, date=day, defaults={"organisation": round_.organisation, "capacity": capacity}
    )
    return bulky_day


@dataclass(frozen=True)
class BulkySetup:
    """What a property needs for a bulky waste booking."""

    settings: WasteSettings
    service: Service
    round: BulkyRound
    items: list[BulkyItem]


def bulky_setup(prop: Property) -> BulkySetup:
    """The council's bulky set-up for `prop`; WasteError when it has none (no collections
    there, no bulky round for its area, or bulky waste not set up)."""
    round_ = bulky_round_for(prop)
    if round_ is None:
        raise WasteError(
            _("We do not collect bulky waste from this address"),
            code=WasteErrorCode.NO_COLLECTIONS,
        )
    settings = waste_settings_for(round_.organisation)
    items = bulky_items_for(round_.organisation)
    if settings is None or settings.bulky_service is None or not items:
        raise WasteError(
            _("You cannot book a bulky waste collection online. Contact the council."),
            code=WasteErrorCode.NOT_SET_UP,
        )
    return BulkySetup(settings=settings, service=settings.bulky_service, round=round_, items=items)


def bulky_lines(setup: BulkySetup, quantities: Mapping[str, int]) -> list[dict[str, Any]]:
    """The booking's items from {item code: quantity}: refused unless every code is on the
    council's list, each quantity is 0 to the maximum, and 1 to the maximum in all."""
    by_code = {item.code: item for item in setup.items}
    limit = setup.settings.bulky_max_items
    if any(code not in by_code for code in quantities):
        raise WasteError(
            _("Select items from the list"), code=WasteErrorCode.INVALID, field="items"
        )
    for code, quantity in quantities.items():
        if type(quantity) is not int or not 0 <= quantity <= limit:
            raise WasteError(
                _("Enter a number from 0 to %(count)s") % {"count": limit},
                code=WasteErrorCode.INVALID,
                field=f"item-{code}",
            )
    total = sum(quantities.values())
    if total == 0:
        raise WasteError(
            _("Select at least one item to collect"), code=WasteErrorCode.INVALID, field="items"
        )
    if total > limit:
        raise WasteError(
            _("We can collect up to %(count)s items at a time") % {"count": limit},
            code=WasteErrorCode.INVALID,
            field="items",
        )
    return [
        {
            "code": item.code,
            "name": item.name,
            "quantity": quantities[item.code],
            "price_pence": item.price_pence,
            "form_answer": item.form_answer or item.code,
        }
        for item in setup.items
        if quantities.get(item.code)
    ]


def bulky_lines_price(settings: WasteSettings, lines: list[dict[str, Any]]) -> int:
    return bulky_price(
        settings, [(int(line["price_pence"]), int(line["quantity"])) for line in lines]
    )


def _bulky_day_lock(round_: BulkyRound, day: date) -> None:
    """Lock the round's day (making its row the first time), so that places are counted and
    taken one booking at a time."""
    BulkyDay.objects.get_or_create(
        round=round_, date=day, defaults={"organisation": round_.organisation}
    )
    list(BulkyDay.objects.select_for_update().filter(round=round_, date=day))


def _bulky_date_check(
    setup: BulkySetup, day: date, now: datetime, *, booking_id: int | None = None
) -> None:
    """Under the day's lock: the day is one of the round's, before its cutoff, with a place."""
    offered = {
        option.day
        for option in bulky_dates(
            round_=setup.round, settings=setup.settings, now=now, exclude_booking_id=booking_id
        )
    }
    if day not in offered:
        scheduled = day in bulky_round_days(
            round_=setup.round, start=local_now(now).date(), end=day
        )
        full = scheduled and now < bulky_cutoff(day, setup.settings)
        raise WasteError(
            _("%(day)s is now fully booked. Choose another day.") % {"day": day_text(day)}
            if full
            else _("Select a collection day from the list"),
            code=WasteErrorCode.NOT_ALLOWED,
            field="date",
        )


def bulky_booking_create(
    *,
    prop: Property,
    resident: User | None,
    quantities: Mapping[str, int],
    day: date,
    placement: str,
    notes: str,
    price_pence: int,
    idempotency_key: str,
    replaces: str = "",
    now: datetime | None = None,
    caller: Caller | None = None,
) -> BulkyBooking:
    """Book a bulky waste collection, waiting for payment: it holds a place on `day` until
    the payment is taken (`bulky_booking_paid` confirms it) or not (`bulky_booking_unpaid`
    frees it). `price_pence` is the price the resident was shown: a different price is
    refused. The same `idempotency_key` gives back the same booking. A free booking is
    confirmed at once.

    `replaces` is the start of the idempotency keys of earlier bookings from the same
    journey (the resident went back from the payment page and changed an answer): those
    still waiting for payment are given up first, their payments cancelled, so only the
    latest answers can be paid for.

    `caller`: an advisor books it for a caller on the phone (and takes the payment); the
    booking is the caller's (their account, or their contact details)."""
    now = now or timezone.now()
    existing = BulkyBooking.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if not _made_by(existing, resident, caller):
            raise WasteError(_("Start your booking again"), code=WasteErrorCode.INVALID)
        return existing
    setup = bulky_setup(prop)
    if caller is not None:
        _caller_check(caller, setup.round.organisation)
    owner = _owned_by(resident, caller)
    if replaces:
        for earlier in BulkyBooking.objects.filter(
            owner,
            status=BookingStatus.PENDING_PAYMENT,
            idempotency_key__startswith=replaces,
        ):
            bulky_booking_abandon(booking=earlier)
    lines = bulky_lines(setup, quantities)
    price = bulky_lines_price(setup.settings, lines)
    if price != price_pence:
        raise WasteError(
            _("The price has changed to %(price)s. Check your answers and try again.")
            % {"price": money_text(price)},
            code=WasteErrorCode.INVALID,
            field="price",
        )
    if placement not in Placement.values:
        raise WasteError(
            _("Select where you will leave the items"),
            code=WasteErrorCode.INVALID,
            field="placement",
        )
    try:
        with transaction.atomic():
            _bulky_day_lock(setup.round, day)
            # A twin of this submit (a double click) may have booked while this one waited
            # for the lock: that booking is the answer, not "fully booked".
            made = BulkyBooking.objects.filter(idempotency_key=idempotency_key).first()
            if made is not None:
                return made
            _bulky_date_check(setup, day, now)
            booking = BulkyBooking.objects.create(
                organisation=setup.round.organisation,
                property=prop,
                **_owner_fields(resident, caller),
                round=setup.round,
                date=day,
                items=lines,
                price_pence=price,
                placement=placement,
                notes=notes.strip()[:500],
                idempotency_key=idempotency_key,
            )
            _caller_audit(caller, booking, "bulky")
            if price == 0:
                _bulky_confirm(booking, setup=setup, paid_pence=0, payment_reference="")
    except IntegrityError:
        existing = BulkyBooking.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return booking


def bulky_booking_abandon(*, booking: BulkyBooking) -> BulkyBooking:
    """Give up a booking still waiting for payment: its payment is cancelled at the provider
    (on_failed then marks it not paid) and its place freed. One paid meanwhile is booked."""
    _bulky_payments_stop(booking, changes_only=False)
    with transaction.atomic():
        locked = BulkyBooking.objects.select_for_update().get(pk=booking.pk)
        if locked.status == BookingStatus.PENDING_PAYMENT:
            # No payment was ever started for it.
            locked.status = BookingStatus.UNPAID
            locked.save(update_fields=["status", "updated_at"])
    return locked


def _bulky_answers(setup: BulkySetup, booking: BulkyBooking) -> dict[str, Any]:
    mapping = form_answers(setup.settings, "bulky")
    answers: dict[str, Any] = {
        mapping["items"]: sorted({str(line["form_answer"]) for line in booking.items}),
        mapping["count"]: booking.item_count,
        mapping["placement"]: booking.placement,
        mapping["date"]: booking.date.isoformat(),
    }
    if booking.notes:
        answers[mapping["details"]] = booking.notes
    return answers


def _bulky_confirm(
    booking: BulkyBooking, *, setup: BulkySetup, paid_pence: int, payment_reference: str
) -> None:
    """Confirm a booking and make its case (caller holds the lock)."""
    case = case_create(
        submission=Submission(
            service=setup.service,
            answers=_bulky_answers(setup, booking),
            uprn=booking.property.uprn,
            idempotency_key=f"bulky-booking-{booking.pk}",
            **_submission_people(booking),
        )
    )
    booking.case = case
    booking.status = BookingStatus.CONFIRMED
    booking.paid_pence = paid_pence
    booking.payment_reference = payment_reference
    booking.save(update_fields=["case", "status", "paid_pence", "payment_reference", "updated_at"])


def _booking_setup(booking: BulkyBooking) -> BulkySetup:
    settings = waste_settings_for(booking.organisation)
    if settings is None or settings.bulky_service is None:
        raise WasteError(
            _("You cannot book a bulky waste collection online. Contact the council."),
            code=WasteErrorCode.NOT_SET_UP,
        )
    return BulkySetup(
        settings=settings,
        service=settings.bulky_service,
        round=booking.round,
        items=bulky_items_for(booking.organisation),
    )


def _purpose_booking(payment: Payment) -> tuple[int, int]:
    """(booking id, change number: 0 for the booking itself) from the payment's purpose_id."""
    booking_id, _sep, change = payment.purpose_id.partition(":")
    return int(booking_id), int(change or 0)


def bulky_booking_payment(*, booking: BulkyBooking) -> Payment:
    """The payment for the booking, or for its change waiting for payment (the difference).
    The same booking (or change) always gives the same payment, so a double submit never
    takes two."""
    if booking.status == BookingStatus.PENDING_PAYMENT:
        amount, change, key = booking.price_pence, 0, f"bulky-booking-{booking.pk}"
        description = _("Bulky waste collection on %(day)s") % {"day": day_text(booking.date)}
    elif booking.status == BookingStatus.CONFIRMED and booking.pending_price_pence is not None:
        change = booking.amendments
        amount = booking.pending_price_pence - booking.paid_pence
        key = f"bulky-booking-{booking.pk}-change-{change}"
        description = _("Change to your bulky waste collection on %(day)s") % {
            "day": day_text(booking.pending_date or booking.date)
        }
    else:
        raise WasteError(_("There is nothing to pay"), code=WasteErrorCode.INVALID)
    return payment_create(
        organisation=booking.organisation,
        amount_pence=amount,
        description=description,
        purpose=BULKY_PURPOSE,
        purpose_id=f"{booking.pk}:{change}" if change else str(booking.pk),
        case=booking.case,
        return_to=reverse("waste:bulky_booking", args=[booking.property.uprn, booking.pk]),
        idempotency_key=key,
        # The booking itself is paid on the phone when an advisor made it; a change is the
        # resident's own, online.
        **(_payment_channel(booking) if change == 0 else {}),
    )


def bulky_booking_paid(payment: Payment) -> None:
    """on_paid of "waste.bulky": confirm the booking and make its case, or apply the change
    that was paid for. Runs once, inside the payment's transaction."""
    booking_id, change = _purpose_booking(payment)
    booking = BulkyBooking.objects.select_for_update().select_related("property").get(pk=booking_id)
    if change == 0:
        if booking.status == BookingStatus.PENDING_PAYMENT:
            _bulky_confirm(
                booking,
                setup=_booking_setup(booking),
                paid_pence=payment.amount_pence,
                payment_reference=payment.reference,
            )
        return
    if change != booking.amendments or booking.pending_price_pence is None:
        # A change the resident replaced before paying for it: the money is kept against
        # the booking, so a cheaper change or a cancellation refunds it.
        booking.paid_pence += payment.amount_pence
        booking.save(update_fields=["paid_pence", "updated_at"])
        logger.warning(
            "Bulky change paid after it was replaced",
            extra={"booking": booking.pk, "payment": payment.reference},
        )
        return
    _bulky_change_apply(
        booking,
        items=list(booking.pending_items or booking.items),
        day=booking.pending_date or booking.date,
        price=booking.pending_price_pence,
        paid=booking.paid_pence + payment.amount_pence,
        actor=booking.resident,
    )


def bulky_booking_unpaid(payment: Payment) -> None:
    """on_failed of "waste.bulky": the booking was never made (its place is freed), or the
    change is dropped and the booking stays as it was."""
    booking_id, change = _purpose_booking(payment)
    booking = BulkyBooking.objects.select_for_update().get(pk=booking_id)
    if change == 0:
        if booking.status == BookingStatus.PENDING_PAYMENT:
            booking.status = BookingStatus.UNPAID
            booking.save(update_fields=["status", "updated_at"])
        return
    if change == booking.amendments:
        booking.pending_items = booking.pending_date = booking.pending_price_pence = None
        booking.save(
            update_fields=["pending_items", "pending_date", "pending_price_pence", "updated_at"]
        )


def _change_text(booking: BulkyBooking) -> str:
    items = ", ".join(f"{line['quantity']} × {line['name']}" for line in booking.items)
    return _("Your bulky waste collection is now on %(day)s, for: %(items)s.") % {
        "day": day_text(booking.date),
        "items": items,
    }


def _bulky_change_apply(
    booking: BulkyBooking,
    *,
    items: list[dict[str, Any]],
    day: date,
    price: int,
    paid: int,
    actor: User | None,
    announce: bool = True,
) -> None:
    """Make the change (caller holds the lock); with `announce`, a public update on the
    case says what the booking now is."""
    booking.items = items
    booking.date = day
    booking.price_pence = price
    booking.paid_pence = paid
    booking.pending_items = booking.pending_date = booking.pending_price_pence = None
    booking.reminder_sent_at = None
    booking.save(
        update_fields=[
            "items",
            "date",
            "price_pence",
            "paid_pence",
            "pending_items",
            "pending_date",
            "pending_price_pence",
            "reminder_sent_at",
            "amendments",
            "updated_at",
        ]
    )
    if announce and booking.case is not None:
        case_public_update(case=booking.case, actor=actor, body=_change_text(booking))  # type: ignore[arg-type]


def _too_late(booking: BulkyBooking, settings: WasteSettings, now: datetime, what: str) -> None:
    if booking.status != BookingStatus.CONFIRMED:
        raise WasteError(
            _("This booking has been cancelled")
            if booking.status == BookingStatus.CANCELLED
            else _("This booking was not made"),
            code=WasteErrorCode.NOT_ALLOWED,
        )
    cutoff = bulky_cutoff(booking.date, settings)
    if now >= cutoff:
        raise WasteError(
            _(
                "It is too late to %(what)s this collection. You could %(what)s it until "
                "%(time)s on %(day)s. Contact the council if you need help."
            )
            % {"what": what, "time": clock_text(cutoff), "day": day_text(cutoff.date())},
            code=WasteErrorCode.NOT_ALLOWED,
        )


def _refund_rule(cutoff: datetime, now: datetime) -> Any:
    """The bulky refund rule for payments' `payment_refund`: none from the cutoff on."""

    def rule(payment: Payment, amount_pence: int) -> str | None:
        if now >= cutoff:
            return _("It is too late for a refund")
        return None

    return rule


def _bulky_refund(
    booking: BulkyBooking, amount: int, *, key: str, cutoff: datetime, now: datetime
) -> int:
    """Refund `amount` of what was paid for the booking, newest payment first. Returns the
    pence refunded. Each refund has its own idempotency key, so trying again refunds once."""
    left = amount
    payments = Payment.objects.filter(
        purpose=BULKY_PURPOSE, status__in=PAID_STATUSES, organisation=booking.organisation
    ).filter(Q(purpose_id=str(booking.pk)) | Q(purpose_id__startswith=f"{booking.pk}:"))
    for payment in payments.order_by("-created_at", "-pk"):
        if left <= 0:
            break
        part = min(left, refund_available(payment))
        if part <= 0:
            continue
        payment_refund(
            payment=payment,
            amount_pence=part,
            idempotency_key=f"{key}-{payment.reference}",
            actor=None,
            reason=_("Bulky waste collection %(id)s changed or cancelled") % {"id": booking.pk},
            rule=_refund_rule(cutoff, now),
        )
        left -= part
    return amount - left


def _bulky_payments_stop(booking: BulkyBooking, *, changes_only: bool = True) -> None:
    """Cancel the booking's payments still under way (a change's payment page left open, or
    with `changes_only=False` the booking's own), so that nothing can be paid for a change
    that was replaced or a booking given up. One paid meanwhile counts, and its handler
    runs."""
    ids = Q(purpose_id__startswith=f"{booking.pk}:")
    if not changes_only:
        ids |= Q(purpose_id=str(booking.pk))
    _payments_stop(
        Payment.objects.filter(ids, purpose=BULKY_PURPOSE, organisation=booking.organisation),
        source=BULKY_PURPOSE,
    )


def _payments_stop(payments: QuerySet[Payment], *, source: str) -> None:
    """Cancel at the provider each of `payments` still under way, so none can be paid any
    more; refused with the GOV.UK wording when the provider cannot be reached."""
    for payment in payments.filter(status__in=IN_PROGRESS_STATUSES):
        try:
            payment_cancel(payment=payment, source=source)
        except ProviderError as error:
            raise WasteError(
                _("Sorry, payments are not working at the moment. Try again later."),
                code=WasteErrorCode.NOT_ALLOWED,
            ) from error


def bulky_booking_cancel(
    *, booking: BulkyBooking, resident: User, now: datetime | None = None
) -> BulkyBooking:
    """Cancel a booking before its cutoff, with a full refund of what was paid; after the
    cutoff it is refused and nothing changes. The refund goes first: if the provider cannot
    refund, the booking is left as it was."""
    now = now or timezone.now()
    if booking.resident_id != resident.pk:
        raise WasteError(_("This is not your booking"), code=WasteErrorCode.NOT_ALLOWED)
    settings = _booking_setup(booking).settings
    with transaction.atomic():
        locked = BulkyBooking.objects.select_for_update().get(pk=booking.pk)
        _too_late(locked, settings, now, _("cancel"))
    _bulky_payments_stop(locked)
    locked.refresh_from_db()
    try:
        _bulky_refund(
            locked,
            locked.paid_pence,
            key=f"bulky-{locked.pk}-cancel",
            cutoff=bulky_cutoff(locked.date, settings),
            now=now,
        )
    except PaymentError as error:
        raise WasteError(error.message, code=WasteErrorCode.NOT_ALLOWED) from error
    with transaction.atomic():
        locked = BulkyBooking.objects.select_for_update().get(pk=booking.pk)
        if locked.status == BookingStatus.CANCELLED:
            return locked
        refunded = locked.paid_pence
        locked.status = BookingStatus.CANCELLED
        locked.cancelled_at = now
        locked.paid_pence = 0
        locked.pending_items = locked.pending_date = locked.pending_price_pence = None
        locked.save(
            update_fields=[
                "status",
                "cancelled_at",
                "paid_pence",
                "pending_items",
                "pending_date",
                "pending_price_pence",
                "updated_at",
            ]
        )
        if locked.case is not None and locked.case.status not in CLOSED_STATUSES:
            case_close(
                case=locked.case,
                actor=resident,
                status=Status.CANCELLED,
                resolution=(
                    _("You cancelled this booking. We have refunded %(amount)s.")
                    % {"amount": money_text(refunded)}
                    if refunded
                    else _("You cancelled this booking.")
                ),
            )
    return locked


def bulky_booking_change(
    *,
    booking: BulkyBooking,
    resident: User,
    quantities: Mapping[str, int],
    day: date,
    price_pence: int,
    now: datetime | None = None,
) -> BulkyBooking:
    """Change a booking's items or day before its cutoff. Cheaper: changed at once and the
    difference refunded. The same price: changed at once. Dearer: the change waits for the
    payment of the difference (`bulky_booking_payment`), holding a place on the new day; it
    is made when that is paid. `price_pence` is the new price the resident was shown."""
    now = now or timezone.now()
    if booking.resident_id != resident.pk:
        raise WasteError(_("This is not your booking"), code=WasteErrorCode.NOT_ALLOWED)
    setup = _booking_setup(booking)
    lines = bulky_lines(setup, quantities)
    price = bulky_lines_price(setup.settings, lines)
    if price != price_pence:
        raise WasteError(
            _("The price has changed to %(price)s. Check your answers and try again.")
            % {"price": money_text(price)},
            code=WasteErrorCode.INVALID,
            field="price",
        )
    if booking.pending_price_pence is not None:
        # A change waiting for payment is replaced by this one.
        _bulky_payments_stop(booking)
    with transaction.atomic():
        locked = (
            BulkyBooking.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=booking.pk)
        )
        _too_late(locked, setup.settings, now, _("change"))
        cutoff = bulky_cutoff(locked.date, setup.settings)
        if day != locked.date:
            _bulky_day_lock(setup.round, day)
            _bulky_date_check(setup, day, now, booking_id=locked.pk)
        locked.amendments += 1
        if price > locked.paid_pence:
            locked.pending_items = lines
            locked.pending_date = day
            locked.pending_price_pence = price
            locked.save(
                update_fields=[
                    "pending_items",
                    "pending_date",
                    "pending_price_pence",
                    "amendments",
                    "updated_at",
                ]
            )
            return locked
        before = (list(locked.items), locked.date, locked.price_pence, locked.paid_pence)
        refund = locked.paid_pence - price
        # The change takes its place first, so a day filled meanwhile refunds nothing.
        _bulky_change_apply(
            locked, items=lines, day=day, price=price, paid=price, actor=None, announce=False
        )
    if refund:
        try:
            _bulky_refund(
                locked,
                refund,
                key=f"bulky-{locked.pk}-change-{locked.amendments}",
                cutoff=cutoff,
                now=now,
            )
        except PaymentError as error:
            # Not refunded: the booking goes back to what it was.
            with transaction.atomic():
                undo = BulkyBooking.objects.select_for_update().get(pk=locked.pk)
                items, old_day, old_price, old_paid = before
                _bulky_change_apply(
                    undo,
                    items=items,
                    day=old_day,
                    price=old_price,
                    paid=old_paid,
                    actor=None,
                    announce=False,
                )
            raise WasteError(error.message, code=WasteErrorCode.NOT_ALLOWED) from error
    if locked.case is not None:
        case_public_update(case=locked.case, actor=resident, body=_change_text(locked))
    return locked


def bulky_reminders_send(*, now: datetime | None = None) -> list[int]:
    """Remind each resident the day before their collection: a public update on the booking's
    case, which the notify outbox emails. Once per booking and day (a change of day makes a
    new reminder due); safe to run often and on several workers at once."""
    now = now or timezone.now()
    tomorrow = local_now(now).date() + timedelta(days=1)
    sent = []
    due = BulkyBooking.objects.filter(
        status=BookingStatus.CONFIRMED,
        date=tomorrow,
        reminder_sent_at__isnull=True,
        case__isnull=False,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            booking = (
                BulkyBooking.objects.select_for_update(of=("self",))
                .select_related("case")
                .filter(pk=pk, reminder_sent_at__isnull=True, status=BookingStatus.CONFIRMED)
                .first()
            )
            if booking is None or booking.case is None or booking.date != tomorrow:
                continue
            booking.reminder_sent_at = now
            booking.save(update_fields=["reminder_sent_at", "updated_at"])
            items = ", ".join(f"{line['quantity']} × {line['name']}" for line in booking.items)
            case_public_update(
                case=booking.case,
                actor=None,  # type: ignore[arg-type]
                body=_(
                    "Your bulky waste collection is tomorrow, %(day)s. Put these items out by "
                    "7am: %(items)s. Where you told us you will leave them: %(placement)s."
                )
                % {
                    "day": day_text(booking.date),
                    "items": items,
                    "placement": Placement(booking.placement).label.lower(),
                },
            )
            sent.append(booking.pk)
    return sent


# -- Garden waste -----------------------------------------------------------------------------

GARDEN_PURPOSE = "waste.garden"


class GardenKind(StrEnum):
    NEW = "new"
    RENEWAL = "renewal"


@dataclass(frozen=True)
class GardenSetup:
    """What a property needs for a garden waste subscription."""

    settings: WasteSettings
    service: Service
    round: Round
    stream: Stream


def garden_setup(prop: Property) -> GardenSetup:
    """The council's garden waste set-up for `prop`; WasteError when there is none (no
    collections there, no garden round, or garden waste not set up)."""
    round_ = garden_round_for(prop)
    if round_ is None:
        raise WasteError(
            _("We do not collect garden waste from this address"),
            code=WasteErrorCode.NO_COLLECTIONS,
        )
    settings = waste_settings_for(round_.organisation)
    stream = round_.streams.filter(kind=StreamKind.GARDEN).first()
    if (
        settings is None
        or settings.garden_service is None
        or stream is None
        or settings.garden_price_pence <= 0
    ):
        raise WasteError(
            _("You cannot subscribe to garden waste online. Contact the council."),
            code=WasteErrorCode.NOT_SET_UP,
        )
    return GardenSetup(
        settings=settings, service=settings.garden_service, round=round_, stream=stream
    )


@dataclass(frozen=True)
class GardenOffer:
    """What a resident would subscribe to: the year, when it starts and ends, the price."""

    kind: GardenKind
    year: int
    starts_on: date
    ends_on: date
    bin_price_pence: int
    renews: GardenSubscription | None = None

    def price(self, bins: int) -> int:
        return self.bin_price_pence * bins


def garden_offer(
    setup: GardenSetup,
    *,
    prop: Property,
    kind: str,
    resident: User | None = None,
    now: datetime | None = None,
) -> GardenOffer:
    """A new subscription runs from today to the end of the current subscription year (part
    year rule: `garden_bin_price`). A renewal is of the resident's active subscription for
    the current year, from the opening of the renewal window to the end of the year, for
    the whole next year at the full price. Refused (WasteError) otherwise."""
    today = local_now(now).date()
    settings = setup.settings
    year = garden_year_for(settings, today)
    if kind == GardenKind.NEW:
        _start, end = garden_year_bounds(settings, year)
        return GardenOffer(
            kind=GardenKind.NEW,
            year=year,
            starts_on=today,
            ends_on=end,
            bin_price_pence=garden_bin_price(settings, year=year, starts_on=today),
        )
    if kind != GardenKind.RENEWAL:
        raise WasteError(_("Start again"), code=WasteErrorCode.INVALID)
    current = GardenSubscription.objects.filter(
        property=prop, year=year, status=GardenStatus.ACTIVE
    ).first()
    if current is None or resident is None or current.resident_id != resident.pk:
        raise WasteError(
            _("You do not have a garden waste subscription at this address to renew"),
            code=WasteErrorCode.NOT_ALLOWED,
        )
    opens = garden_renewal_opens(settings, year)
    if today < opens:
        raise WasteError(
            _("You can renew your subscription from %(day)s") % {"day": day_text(opens)},
            code=WasteErrorCode.NOT_ALLOWED,
        )
    start, end = garden_year_bounds(settings, year + 1)
    return GardenOffer(
        kind=GardenKind.RENEWAL,
        year=year + 1,
        starts_on=start,
        ends_on=end,
        bin_price_pence=settings.garden_price_pence,
        renews=current,
    )


def _garden_duplicate(settings: WasteSettings, existing: GardenSubscription) -> WasteError:
    if existing.status == GardenStatus.ACTIVE:
        message = _("This address already has a garden waste subscription for %(year)s") % {
            "year": garden_year_text(settings, existing.year)
        }
    else:
        message = _(
            "A garden waste subscription for this address is waiting for payment. Try again "
            "in 2 hours."
        )
    return WasteError(message, code=WasteErrorCode.DUPLICATE, field="bins")


def garden_subscription_create(
    *,
    prop: Property,
    resident: User | None,
    kind: str,
    bins: int,
    price_pence: int,
    idempotency_key: str,
    replaces: str = "",
    now: datetime | None = None,
    caller: Caller | None = None,
) -> GardenSubscription:
    """Subscribe (or renew) for a year, waiting for payment: `garden_subscription_paid`
    makes it active, with its case and the property's garden collection;
    `garden_subscription_unpaid` lets it go. `price_pence` is the price the resident was
    shown: another price is refused. One subscription per property and year: a duplicate
    is refused with a clear message. The same `idempotency_key` gives back the same
    subscription; the resident's earlier ones from the same journey (`replaces`) still
    waiting for payment are given up first, their payments cancelled.

    `caller`: an advisor subscribes a caller on the phone (and takes the payment); a renewal
    is of the caller's account's subscription."""
    now = now or timezone.now()
    existing = GardenSubscription.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if not _made_by(existing, resident, caller):
            raise WasteError(_("Start again"), code=WasteErrorCode.INVALID)
        return existing
    setup = garden_setup(prop)
    settings = setup.settings
    if caller is not None:
        _caller_check(caller, setup.round.organisation)
        resident = caller.resident
    owner = _owned_by(resident, caller)
    if type(bins) is not int or not 1 <= bins <= settings.garden_max_bins:
        raise WasteError(
            _("Select how many bins you want, from 1 to %(count)s")
            % {"count": settings.garden_max_bins},
            code=WasteErrorCode.INVALID,
            field="bins",
        )
    offer = garden_offer(setup, prop=prop, kind=kind, resident=resident, now=now)
    price = offer.price(bins)
    if price != price_pence:
        raise WasteError(
            _("The price has changed to %(price)s. Check your answers and try again.")
            % {"price": money_text(price)},
            code=WasteErrorCode.INVALID,
            field="price",
        )
    # The resident's own subscription still waiting for payment (from this journey or an
    # earlier one) is given up, so that only the latest answers can be paid for.
    same = Q(property=prop, year=offer.year)
    if replaces:
        same |= Q(idempotency_key__startswith=replaces)
    earlier = GardenSubscription.objects.filter(same, owner, status=GardenStatus.PENDING_PAYMENT)
    for subscription in earlier:
        garden_subscription_abandon(subscription=subscription)
    try:
        with transaction.atomic():
            # One at a time for the address: its collections' rows are the lock.
            list(PropertyService.objects.select_for_update().filter(property=prop))
            # A twin of this submit (a double click) may have subscribed while this one
            # waited for the lock: that subscription is the answer, not a duplicate.
            made = GardenSubscription.objects.filter(idempotency_key=idempotency_key).first()
            if made is not None:
                return made
            holding = garden_holding(prop=prop, year=offer.year)
            if holding is not None:
                raise _garden_duplicate(settings, holding)
            subscription = GardenSubscription.objects.create(
                organisation=setup.round.organisation,
                property=prop,
                **_owner_fields(resident, caller),
                year=offer.year,
                starts_on=offer.starts_on,
                ends_on=offer.ends_on,
                bins=bins,
                price_pence=price,
                renewal_of=offer.renews,
                idempotency_key=idempotency_key,
            )
            _caller_audit(caller, subscription, "garden")
            if price == 0:
                _garden_activate(subscription, setup=setup, payment=None, now=now)
    except IntegrityError:
        again = GardenSubscription.objects.filter(idempotency_key=idempotency_key).first()
        if again is not None:
            return again
        holding = garden_holding(prop=prop, year=offer.year)
        if holding is None:
            raise
        raise _garden_duplicate(settings, holding) from None
    return subscription


def garden_subscription_payment(*, subscription: GardenSubscription) -> Payment:
    """The subscription's payment. The same subscription always gives the same payment, so
    a double submit never takes two."""
    if subscription.status != GardenStatus.PENDING_PAYMENT:
        raise WasteError(_("There is nothing to pay"), code=WasteErrorCode.INVALID)
    settings = waste_settings_for(subscription.organisation)
    year = garden_year_text(settings, subscription.year) if settings else str(subscription.year)
    return payment_create(
        organisation=subscription.organisation,
        amount_pence=subscription.price_pence,
        description=_("Garden waste collection for %(year)s") % {"year": year},
        purpose=GARDEN_PURPOSE,
        purpose_id=str(subscription.pk),
        return_to=reverse(
            "waste:garden_subscription", args=[subscription.property.uprn, subscription.pk]
        ),
        idempotency_key=f"garden-subscription-{subscription.pk}",
        **_payment_channel(subscription),
    )


def _garden_answers(setup: GardenSetup, subscription: GardenSubscription) -> dict[str, Any]:
    mapping = form_answers(setup.settings, "garden")
    has_bin = Container.objects.filter(
        property=subscription.property, container_type__stream=setup.stream, quantity__gt=0
    ).exists()
    # A payment confirmed after midnight (by the reconciler, say) starts the day it is.
    start = max(subscription.starts_on, local_now().date())
    return {
        mapping["bins"]: subscription.bins,
        mapping["has_bin"]: has_bin,
        mapping["start"]: start.isoformat(),
    }


def garden_property_sync(*, prop: Property, today: date) -> None:
    """The property's garden collection and bins from its active subscriptions: collected
    from the first one's start to the last one's end, with the most bins any of them has;
    with none, the collection ends today and the garden bins are taken off the property."""
    active = list(
        GardenSubscription.objects.filter(
            property=prop, status=GardenStatus.ACTIVE, ends_on__gte=today
        )
    )
    round_ = garden_round_for(prop)
    if round_ is None:
        return
    stream = round_.streams.filter(kind=StreamKind.GARDEN).first()
    if stream is None:
        return
    bin_type = ContainerType.objects.filter(stream=stream).order_by("position", "name").first()
    if active:
        current = PropertyService.objects.filter(property=prop, stream=stream).first()
        property_service_set(
            prop=prop,
            stream=stream,
            round_=round_,
            assisted=current.assisted if current else False,
            active_from=min(s.starts_on for s in active),
            active_to=max(s.ends_on for s in active),
        )
        if bin_type is not None:
            container_set(prop=prop, container_type=bin_type, quantity=max(s.bins for s in active))
        return
    PropertyService.objects.filter(property=prop, stream=stream).update(
        active_to=today, updated_at=timezone.now()
    )
    Container.objects.filter(property=prop, container_type__stream=stream).delete()


def _garden_activate(
    subscription: GardenSubscription,
    *,
    setup: GardenSetup,
    payment: Payment | None,
    now: datetime,
) -> None:
    """Make the subscription active with its case and the property's garden collection
    (the caller holds its lock)."""
    case = case_create(
        submission=Submission(
            service=setup.service,
            answers=_garden_answers(setup, subscription),
            uprn=subscription.property.uprn,
            idempotency_key=f"garden-subscription-{subscription.pk}",
            **_submission_people(subscription),
        )
    )
    subscription.case = case
    subscription.status = GardenStatus.ACTIVE
    subscription.paid_pence = payment.amount_pence if payment else 0
    subscription.paid_at = now
    subscription.payment_reference = payment.reference if payment else ""
    subscription.save(
        update_fields=[
            "case",
            "status",
            "paid_pence",
            "paid_at",
            "payment_reference",
            "updated_at",
        ]
    )
    garden_property_sync(prop=subscription.property, today=local_now(now).date())


def garden_subscription_paid(payment: Payment) -> None:
    """on_paid of "waste.garden": the subscription becomes active. Runs once, inside the
    payment's transaction. One paid after it was given up (its place taken by another for
    the same year) is kept as not paid and logged, for staff to refund."""
    subscription = (
        GardenSubscription.objects.select_for_update(of=("self",))
        .select_related("property", "resident")
        .get(pk=int(payment.purpose_id))
    )
    if subscription.status == GardenStatus.ACTIVE:
        return
    holding = garden_holding(prop=subscription.property, year=subscription.year)
    if holding is not None and holding.pk != subscription.pk:
        subscription.payment_reference = payment.reference
        subscription.status = GardenStatus.UNPAID
        subscription.save(update_fields=["payment_reference", "status", "updated_at"])
        logger.warning(
            "Garden subscription paid after another was made",
            extra={"subscription": subscription.pk, "payment": payment.reference},
        )
        return
    if subscription.status != GardenStatus.PENDING_PAYMENT:
        # Given up, then paid at the last moment: the money was taken, so it counts.
        subscription.status = GardenStatus.PENDING_PAYMENT
    _garden_activate(
        subscription,
        setup=garden_setup(subscription.property),
        payment=payment,
        now=timezone.now(),
    )


def garden_subscription_unpaid(payment: Payment) -> None:
    """on_failed of "waste.garden": the subscription was never made."""
    subscription = GardenSubscription.objects.select_for_update().get(pk=int(payment.purpose_id))
    if subscription.status == GardenStatus.PENDING_PAYMENT:
        subscription.status = GardenStatus.UNPAID
        subscription.save(update_fields=["status", "updated_at"])


def garden_subscription_abandon(*, subscription: GardenSubscription) -> GardenSubscription:
    """Give up a subscription still waiting for payment: its payment is cancelled at the
    provider and it is marked not paid. One paid meanwhile is active."""
    _payments_stop(
        Payment.objects.filter(purpose=GARDEN_PURPOSE, purpose_id=str(subscription.pk)),
        source=GARDEN_PURPOSE,
    )
    with transaction.atomic():
        locked = GardenSubscription.objects.select_for_update().get(pk=subscription.pk)
        if locked.status == GardenStatus.PENDING_PAYMENT:
            locked.status = GardenStatus.UNPAID
            locked.save(update_fields=["status", "updated_at"])
    return locked


def garden_refund_due(
    subscription: GardenSubscription, settings: WasteSettings, now: datetime
) -> int:
    """The refund rule for a cancellation: everything paid back within the cooling-off
    period (`garden_cooling_off_days` days from paying) or before the subscription starts;
    nothing after that."""
    if subscription.status != GardenStatus.ACTIVE or not subscription.paid_pence:
        return 0
    today = local_now(now).date()
    cooling_off = subscription.paid_at is not None and now < subscription.paid_at + timedelta(
        days=settings.garden_cooling_off_days
    )
    if cooling_off or today < subscription.starts_on:
        return subscription.paid_pence
    return 0


def garden_subscription_cancel(
    *, subscription: GardenSubscription, resident: User, now: datetime | None = None
) -> GardenSubscription:
    """Cancel an active subscription: refunded in full under `garden_refund_due`, else not
    at all. Collections stop (from tomorrow) and the case is closed as cancelled. The refund
    goes first: if the provider cannot refund, nothing is cancelled."""
    now = now or timezone.now()
    if subscription.resident_id != resident.pk:
        raise WasteError(_("This is not your subscription"), code=WasteErrorCode.NOT_ALLOWED)
    settings = waste_settings_for(subscription.organisation)
    if settings is None:
        raise WasteError(
            _("You cannot subscribe to garden waste online. Contact the council."),
            code=WasteErrorCode.NOT_SET_UP,
        )
    locked = GardenSubscription.objects.get(pk=subscription.pk)
    if locked.status != GardenStatus.ACTIVE:
        raise WasteError(
            _("This subscription has been cancelled")
            if locked.status == GardenStatus.CANCELLED
            else _("This subscription was not made"),
            code=WasteErrorCode.NOT_ALLOWED,
        )
    refund = garden_refund_due(locked, settings, now)
    if refund:
        payment = Payment.objects.filter(
            purpose=GARDEN_PURPOSE, purpose_id=str(locked.pk), status__in=PAID_STATUSES
        ).first()
        if payment is not None:
            try:
                payment_refund(
                    payment=payment,
                    amount_pence=refund,
                    idempotency_key=f"garden-{locked.pk}-cancel",
                    actor=None,
                    reason=_("Garden waste subscription %(id)s cancelled") % {"id": locked.pk},
                )
            except PaymentError as error:
                raise WasteError(error.message, code=WasteErrorCode.NOT_ALLOWED) from error
    with transaction.atomic():
        locked = (
            GardenSubscription.objects.select_for_update(of=("self",))
            .select_related("case", "property")
            .get(pk=subscription.pk)
        )
        if locked.status != GardenStatus.ACTIVE:
            return locked
        locked.status = GardenStatus.CANCELLED
        locked.cancelled_at = now
        locked.refunded_pence = refund
        locked.paid_pence -= refund
        locked.save(
            update_fields=["status", "cancelled_at", "refunded_pence", "paid_pence", "updated_at"]
        )
        garden_property_sync(prop=locked.property, today=local_now(now).date())
        audit_record(
            actor=resident,
            action="waste.garden_cancel",
            obj=locked,
            detail={"uprn": locked.property.uprn, "year": locked.year, "refund_pence": refund},
        )
        if locked.case is not None and locked.case.status not in CLOSED_STATUSES:
            case_close(
                case=locked.case,
                actor=resident,
                status=Status.CANCELLED,
                resolution=(
                    _("You cancelled your garden waste subscription. We have refunded %(amount)s.")
                    % {"amount": money_text(refund)}
                    if refund
                    else _(
                        "You cancelled your garden waste subscription. Your collections have "
                        "stopped. There is no refund after the first %(days)s days."
                    )
                    % {"days": settings.garden_cooling_off_days}
                ),
            )
    return locked


def garden_reminders_send(*, now: datetime | None = None) -> list[int]:
    """Remind each subscriber to renew, once the renewal window of their year has opened:
    a public update on the subscription's case, which the notify outbox emails. Once per
    subscription (its `reminder_sent_at` is set under its row lock in the same transaction),
    and not for an address already renewed. Safe to run often and on several workers."""
    now = now or timezone.now()
    today = local_now(now).date()
    sent: list[int] = []
    due = GardenSubscription.objects.filter(
        status=GardenStatus.ACTIVE,
        reminder_sent_at__isnull=True,
        case__isnull=False,
        ends_on__gte=today,
    ).values_list("pk", "organisation_id")
    settings_by_org: dict[int, WasteSettings | None] = {}
    for pk, organisation_id in list(due):
        if organisation_id not in settings_by_org:
            settings_by_org[organisation_id] = WasteSettings.objects.filter(
                organisation_id=organisation_id
            ).first()
        settings = settings_by_org[organisation_id]
        if settings is None:
            continue
        with transaction.atomic():
            subscription = (
                GardenSubscription.objects.select_for_update(of=("self",))
                .select_related("case", "property")
                .filter(pk=pk, reminder_sent_at__isnull=True, status=GardenStatus.ACTIVE)
                .first()
            )
            if subscription is None or subscription.case is None:
                continue
            if today < garden_renewal_opens(settings, subscription.year):
                continue
            if garden_holding(prop=subscription.property, year=subscription.year + 1):
                continue
            subscription.reminder_sent_at = now
            subscription.save(update_fields=["reminder_sent_at", "updated_at"])
            case_public_update(
                case=subscription.case,
                actor=None,  # type: ignore[arg-type]
                body=_(
                    "Your garden waste subscription ends on %(day)s. Renew it for %(year)s "
                    "on our website to keep your garden waste collections: %(url)s"
                )
                % {
                    "day": day_text(subscription.ends_on),
                    "year": garden_year_text(settings, subscription.year + 1),
                    "url": site_url(
                        reverse("waste:garden_start", args=[subscription.property.uprn])
                    ),
                },
            )
            sent.append(subscription.pk)
    return sent
