# GOV.UK typography: curly apostrophes.
# ruff: noqa: RUF001
"""The round planner settings page's fields: what it shows for a council's settings
(`settings_groups`), and what a posted page says (`settings_parse`: the settings, or the
errors of what could not be read as numbers; the ranges are checked by
`planner_settings.planner_settings_errors`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from django.http import QueryDict
from django.utils.translation import gettext as _

from borough.portal.fields import Field
from borough.waste.forms import money_text
from borough.waste.models import Stream
from borough.waste.planning.demo_area import COST_UNITS_PER_POUND, FleetKind, cost_pence
from borough.waste.planning.planner_settings import (
    MAX_VEHICLE_TYPES,
    NAME_MAX_LENGTH,
    PlannerSettings,
    StreamLoad,
)

FLOAT, WHOLE, POUNDS = "float", "whole", "pounds"


@dataclass(frozen=True)
class Spec:
    name: str
    label: str
    kind: str
    example: str
    hint: str = ""
    width: str = "govuk-input--width-5"


@dataclass
class Group:
    """A fieldset of the page."""

    legend: str
    hint: str
    fields: list[Field]


def _place_specs(place: str) -> list[Spec]:
    return [
        Spec(f"{place}_latitude", _("Latitude"), FLOAT, "50.7195", width="govuk-input--width-10"),
        Spec(f"{place}_longitude", _("Longitude"), FLOAT, "-2.4105", width="govuk-input--width-10"),
    ]


def _work_specs() -> list[Spec]:
    return [
        Spec(
            "road_factor",
            _("How much longer are the roads than a straight line?"),
            FLOAT,
            "1.3",
            _("A factor: 1.3 means the road from one place to another is 30% longer"),
        ),
        Spec("speed_kmh", _("Average speed between stops, in km/h"), FLOAT, "24"),
        Spec(
            "service_seconds",
            _("Time at each property, in seconds"),
            WHOLE,
            "30",
            _("To empty its bins and move on"),
        ),
        Spec("tip_minutes", _("Time at the tip, in minutes"), WHOLE, "20"),
        Spec(
            "shift_hours",
            _("Length of a shift, in hours"),
            FLOAT,
            "8.5",
            _("From leaving the depot to coming back to it"),
        ),
    ]


def _fleet_specs(number: int) -> list[Spec]:
    prefix = f"fleet-{number}-"
    return [
        Spec(prefix + "name", _("Name"), "text", "26t RCV", width="govuk-input--width-20"),
        Spec(prefix + "payload_kg", _("Payload, in kg"), WHOLE, "10000"),
        Spec(
            prefix + "crews_per_day",
            _("Crews a day"),
            WHOLE,
            "2",
            _("How many of these the council can send out on one day"),
            width="govuk-input--width-3",
        ),
        Spec(
            prefix + "round_cost",
            _("Cost of a day, with its crew"),
            POUNDS,
            "550",
            _("In pounds. The planner adds £1 a kilometre driven"),
        ),
    ]


def _stream_specs(stream: Stream) -> list[Spec]:
    prefix = f"stream-{stream.kind}-"
    return [
        Spec(prefix + "kg_per_property", _("Weight from each property, in kg"), WHOLE, "18"),
        Spec(
            prefix + "days_per_cycle",
            _("Working days in a cycle"),
            WHOLE,
            "10",
            _("10 for a collection every 2 weeks, 5 for one every week"),
            width="govuk-input--width-3",
        ),
    ]


def _number_text(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def settings_values(planner: PlannerSettings, streams: list[Stream]) -> dict[str, str]:
    """The page's values for `planner`."""
    base = planner.base
    values = {
        "depot_latitude": _number_text(base.depot[0]),
        "depot_longitude": _number_text(base.depot[1]),
        "tip_latitude": _number_text(base.tip[0]),
        "tip_longitude": _number_text(base.tip[1]),
        **{spec.name: _number_text(getattr(base, spec.name)) for spec in _work_specs()},
    }
    for number, kind in enumerate(base.fleet, start=1):
        prefix = f"fleet-{number}-"
        values[prefix + "name"] = kind.name
        values[prefix + "payload_kg"] = str(kind.payload_kg)
        values[prefix + "crews_per_day"] = str(kind.crews_per_day)
        values[prefix + "round_cost"] = money_text(cost_pence(kind.round_cost)).removeprefix("£")
    for stream in streams:
        load = planner.load(stream.kind)
        values[f"stream-{stream.kind}-kg_per_property"] = str(load.kg_per_property)
        values[f"stream-{stream.kind}-days_per_cycle"] = str(load.days_per_cycle)
    return values


def _field(spec: Spec, values: dict[str, str], errors: dict[str, str]) -> Field:
    numeric = spec.kind != "text"
    return Field(
        id=spec.name,
        name=spec.name,
        kind="text",
        label=spec.label,
        hint=spec.hint,
        error=errors.get(spec.name),
        value=values.get(spec.name, ""),
        inputmode="decimal" if numeric else "",
        spellcheck="false",
        classes=spec.width,
        prefix="£" if spec.kind == POUNDS else "",
    )


def _vehicle_rows(values: dict[str, str]) -> int:
    """The vehicle types to show: those with anything entered, and one blank to add one."""
    filled = [
        number
        for number in range(1, MAX_VEHICLE_TYPES + 1)
        if any(values.get(spec.name, "").strip() for spec in _fleet_specs(number))
    ]
    return min(max(filled, default=0) + 1, MAX_VEHICLE_TYPES)


def settings_groups(
    values: dict[str, str], errors: dict[str, str], streams: list[Stream]
) -> list[Group]:
    def fields(specs: list[Spec]) -> list[Field]:
        return [_field(spec, values, errors) for spec in specs]

    groups = [
        Group(
            _("Depot"), _("Where the crews start and end each shift"), fields(_place_specs("depot"))
        ),
        Group(
            _("Tip"), _("Where the vehicles empty when they are full"), fields(_place_specs("tip"))
        ),
        Group(_("Roads and time"), "", fields(_work_specs())),
    ]
    for number in range(1, _vehicle_rows(values) + 1):
        groups.append(
            Group(
                _("Vehicle type %(number)s") % {"number": number},
                _("Leave every answer blank to remove it") if number > 1 else "",
                fields(_fleet_specs(number)),
            )
        )
    for stream in streams:
        groups.append(Group(stream.name, "", fields(_stream_specs(stream))))
    return groups


def _parse_number(raw: str, spec: Spec) -> float | int | None:
    text = raw.replace(",", "").strip()
    if spec.kind == POUNDS:
        text = text.removeprefix("£").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if spec.kind == WHOLE:
        return int(number) if number == number.to_integral_value() else None
    if spec.kind == POUNDS:
        return int(number * COST_UNITS_PER_POUND) if number == round(number, 2) else None
    return float(number)


def _read(post: QueryDict, spec: Spec, what: str, errors: dict[str, str]) -> float | int:
    raw = str(post.get(spec.name, "")).replace("\x00", "").strip()
    if not raw:
        errors[spec.name] = _("Enter %(what)s") % {"what": what}
        return 0
    number = _parse_number(raw[:50], spec)
    if number is None:
        if spec.kind == WHOLE:
            message = _("%(what)s must be a whole number, like %(example)s")
        else:
            message = _("%(what)s must be a number, like %(example)s")
        errors[spec.name] = message % {"what": what[:1].upper() + what[1:], "example": spec.example}
        return 0
    return number


# How an error names each setting ("Enter the depot's latitude").
def _what(name: str) -> str:
    whats = {
        "depot_latitude": _("the depot’s latitude"),
        "depot_longitude": _("the depot’s longitude"),
        "tip_latitude": _("the tip’s latitude"),
        "tip_longitude": _("the tip’s longitude"),
        "road_factor": _("how much longer the roads are"),
        "speed_kmh": _("the average speed"),
        "service_seconds": _("the time at each property"),
        "tip_minutes": _("the time at the tip"),
        "shift_hours": _("the length of a shift"),
        "payload_kg": _("the payload"),
        "crews_per_day": _("the crews a day"),
        "round_cost": _("the cost of a day"),
        "kg_per_property": _("the weight from each property"),
        "days_per_cycle": _("the working days in a cycle"),
    }
    return whats[name.rsplit("-", 1)[-1]]


def settings_parse(
    post: QueryDict, current: PlannerSettings, streams: list[Stream]
) -> tuple[PlannerSettings, dict[str, str]]:
    """The settings posted (over `current`), and the errors of answers missing or not
    numbers, in the page's order."""
    errors: dict[str, str] = {}

    def number(spec: Spec, of: str = "") -> float | int:
        return _read(post, spec, f"{_what(spec.name)}{of}", errors)

    depot = tuple(number(spec) for spec in _place_specs("depot"))
    tip = tuple(number(spec) for spec in _place_specs("tip"))
    work = {spec.name: number(spec) for spec in _work_specs()}
    fleet: list[FleetKind] = []
    for row in range(1, MAX_VEHICLE_TYPES + 1):
        specs = _fleet_specs(row)
        if not any(str(post.get(spec.name, "")).strip() for spec in specs):
            continue
        name_spec, *number_specs = specs
        name = str(post.get(name_spec.name, "")).replace("\x00", "").strip()
        if not name:
            errors[name_spec.name] = _("Enter the name of vehicle type %(number)s") % {
                "number": row
            }
        of = " " + _("of vehicle type %(number)s") % {"number": row}
        payload, crews, cost = (number(spec, of) for spec in number_specs)
        fleet.append(
            FleetKind(
                name=name[: NAME_MAX_LENGTH + 1],
                payload_kg=int(payload),
                crews_per_day=int(crews),
                round_cost=int(cost),
            )
        )
    loads: dict[str, StreamLoad] = {}
    for stream in streams:
        of = " " + _("for %(stream)s") % {"stream": stream.name}
        kg, days = (number(spec, of) for spec in _stream_specs(stream))
        loads[stream.kind] = StreamLoad(kg_per_property=int(kg), days_per_cycle=int(days))
    base = replace(
        current.base,
        depot=(float(depot[0]), float(depot[1])),
        tip=(float(tip[0]), float(tip[1])),
        road_factor=float(work["road_factor"]),
        speed_kmh=float(work["speed_kmh"]),
        service_seconds=int(work["service_seconds"]),
        tip_minutes=int(work["tip_minutes"]),
        shift_hours=float(work["shift_hours"]),
        fleet=tuple(fleet),
    )
    return PlannerSettings(base=base, streams={**current.streams, **loads}), errors


def posted_values(post: QueryDict) -> dict[str, str]:
    """What was posted, to show again on a page with errors."""
    return {
        str(name): str(value).replace("\x00", "")[:100]
        for name, value in post.items()
        if name != "csrfmiddlewaretoken"
    }
