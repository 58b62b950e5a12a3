"""Every change to the waste data: one function per business action, each in a transaction.

Cases (missed collections, container requests, assisted collection applications) are made
through `cases.services.case_create` with the council's catalogue service, so they are routed,
timed and logged like any other case; the waste rules are checked first and a refusal changes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from borough.accounts.models import User
from borough.cases.models import CLOSED_STATUSES, Case, Priority, Status
from borough.cases.services import Submission, case_close, case_create
from borough.catalogue.models import Service
from borough.core.models import Organisation, Team
from borough.core.services import audit_record
from borough.places.models import Property
from borough.places.selectors import property_by_uprn
from borough.waste.models import (
    CollectionEvent,
    CollectionShift,
    Container,
    ContainerRequest,
    ContainerType,
    EventSource,
    MissedCollection,
    Outcome,
    PropertyService,
    RequestKind,
    Round,
    Stream,
    WasteSettings,
)
from borough.waste.schedule import bank_holiday_shifts
from borough.waste.selectors import (
    container_request_open,
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


# How the waste pages answer each service's form, unless a council's settings say otherwise
# (`WasteSettings.form_answers`): which question takes what.
DEFAULT_FORM_ANSWERS: dict[str, Any] = {
    "missed": {
        "stream": "bin_type",
        "details": "details",
        # The page tells residents bins must be out by 7am; a subscriber has garden waste.
        "fixed": {"put_out": True, "garden_subscriber": True},
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


def container_fee(container_type: ContainerType, reason: str, quantity: int) -> int:
    """In pence: nothing for a new home's first containers, else the type's fee each."""
    if REASON_KINDS.get(RequestReason(reason)) == RequestKind.NEW:
        return 0
    return container_type.fee_pence * quantity


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
) -> Case:
    """Request a new, replacement or extra container: one open request per container type per
    property. The fee is recorded on the request (payment comes with the payments app)."""
    if reason not in {r.value for r in RequestReason}:
        raise WasteError(_("Select why you need it"), code=WasteErrorCode.INVALID, field="reason")
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
    mapping = form_answers(settings, "container")
    answers: dict[str, Any] = {
        mapping["type"]: container_type.request_answer or container_type.code,
        mapping["reason"]: reason,
        mapping["quantity"]: quantity,
    }
    if damage.strip():
        answers[mapping["damage"]] = damage.strip()
    with transaction.atomic():
        list(PropertyService.objects.select_for_update().filter(property=prop))
        if container_request_open(prop=prop, container_type=container_type) is not None:
            raise WasteError(
                _("A %(container)s has already been requested for this address")
                % {"container": container_type.name.lower()},
                code=WasteErrorCode.DUPLICATE,
                field="container_type",
            )
        case = case_create(
            submission=Submission(
                service=catalogue_service,
                channel=channel,
                answers=answers,
                resident=resident,
                uprn=prop.uprn,
                staff=staff,
            )
        )
        ContainerRequest.objects.create(
            organisation=container_type.organisation,
            case=case,
            property=prop,
            container_type=container_type,
            kind=REASON_KINDS[RequestReason(reason)],
            quantity=quantity,
            fee_pence=container_fee(container_type, reason, quantity),
        )
    return case


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
