"""A council's round planner settings (`RoundPlannerSettings`): read them as the planner's
`RoundSettings` for one stream (`planner_settings_for`), check them and save them
(`planner_settings_save`, audited with what changed).

A council that has saved none plans with `RoundSettings`' defaults and `STREAM_DEFAULTS`.
The errors of `planner_settings_errors` are keyed by the names the settings page posts:
the plain setting names, `fleet-N-<attribute>` for the Nth vehicle type (from 1) and
`stream-<kind>-<attribute>` for a stream.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from borough.core.models import Organisation
from borough.core.services import audit_record
from borough.places.geo import in_great_britain
from borough.waste.models import RoundPlannerSettings, StreamKind
from borough.waste.planning.demo_area import COST_UNITS_PER_POUND, FleetKind, RoundSettings

# What a property puts out at each collection (kg) and the working days of the stream's
# cycle: rubbish and recycling every two weeks, food waste every week (made-up figures of
# the right size).
STREAM_DEFAULTS: dict[str, tuple[int, int]] = {
    StreamKind.REFUSE: (18, 10),
    StreamKind.RECYCLING: (12, 10),
    StreamKind.FOOD: (4, 5),
    StreamKind.GARDEN: (20, 10),
}
MAX_VEHICLE_TYPES = 4
NAME_MAX_LENGTH = 60

# The allowed range of each number: (smallest, largest).
LIMITS: dict[str, tuple[float, float]] = {
    "road_factor": (1.0, 3.0),
    "speed_kmh": (5.0, 80.0),
    "service_seconds": (1, 600),
    "tip_minutes": (0, 240),
    "shift_hours": (1.0, 14.0),
    "payload_kg": (100, 40_000),
    "crews_per_day": (0, 100),
    "round_cost": (0, 20_000 * COST_UNITS_PER_POUND),
    "kg_per_property": (1, 500),
    "days_per_cycle": (1, 28),
}


@dataclass(frozen=True)
class StreamLoad:
    kg_per_property: int
    days_per_cycle: int


@dataclass(frozen=True)
class PlannerSettings:
    """The council's settings: `base` for every stream, with each stream's load."""

    base: RoundSettings = field(default_factory=RoundSettings)
    streams: dict[str, StreamLoad] = field(default_factory=dict)

    def load(self, kind: str) -> StreamLoad:
        if kind in self.streams:
            return self.streams[kind]
        kg, days = STREAM_DEFAULTS.get(kind, (self.base.kg_per_property, self.base.days_per_cycle))
        return StreamLoad(kg_per_property=kg, days_per_cycle=days)

    def for_stream(self, kind: str) -> RoundSettings:
        load = self.load(kind)
        return replace(
            self.base, kg_per_property=load.kg_per_property, days_per_cycle=load.days_per_cycle
        )


def planner_settings_get(*, organisation: Organisation) -> PlannerSettings:
    return _from_row(RoundPlannerSettings.objects.filter(organisation=organisation).first())


def _from_row(row: RoundPlannerSettings | None) -> PlannerSettings:
    if row is None:
        return PlannerSettings()
    base = replace(
        RoundSettings(),
        depot=(row.depot_latitude, row.depot_longitude),
        tip=(row.tip_latitude, row.tip_longitude),
        road_factor=row.road_factor,
        speed_kmh=row.speed_kmh,
        service_seconds=row.service_seconds,
        tip_minutes=row.tip_minutes,
        shift_hours=row.shift_hours,
        fleet=tuple(FleetKind(**kind) for kind in row.fleet),
    )
    streams = {
        kind: StreamLoad(int(load["kg_per_property"]), int(load["days_per_cycle"]))
        for kind, load in (row.streams or {}).items()
    }
    return PlannerSettings(base=base, streams=streams)


def planner_settings_for(*, organisation: Organisation, kind: str) -> RoundSettings:
    """The settings a plan of `organisation`'s `kind` stream is made with."""
    return planner_settings_get(organisation=organisation).for_stream(kind)


def _out_of_range(name: str, value: float) -> bool:
    low, high = LIMITS[name]
    return not low <= value <= high


def _range_text(name: str, *, scale: float = 1) -> dict[str, str]:
    low, high = LIMITS[name]
    return {"low": f"{low / scale:,g}", "high": f"{high / scale:,g}"}


def planner_settings_errors(planner: PlannerSettings) -> dict[str, str]:
    """What is wrong with `planner`, by the name of the setting (empty when nothing is)."""
    base = planner.base
    errors: dict[str, str] = {}
    for place, label in (("depot", _("depot")), ("tip", _("tip"))):
        latitude, longitude = getattr(base, place)
        if not in_great_britain(latitude, longitude):
            errors[f"{place}_latitude"] = _(
                "The %(place)s must be in Great Britain: check its latitude and longitude"
            ) % {"place": label}
    messages = {
        "road_factor": _("How much longer the roads are must be between %(low)s and %(high)s"),
        "speed_kmh": _("The average speed must be between %(low)s and %(high)s km/h"),
        "service_seconds": _(
            "The time at each property must be between %(low)s and %(high)s seconds"
        ),
        "tip_minutes": _("The time at the tip must be between %(low)s and %(high)s minutes"),
        "shift_hours": _("The shift must be between %(low)s and %(high)s hours"),
    }
    for name, message in messages.items():
        if _out_of_range(name, float(getattr(base, name))):
            errors[name] = message % _range_text(name)
    errors.update(_fleet_errors(base.fleet))
    for kind, load in planner.streams.items():
        if _out_of_range("kg_per_property", load.kg_per_property):
            errors[f"stream-{kind}-kg_per_property"] = _(
                "The weight from each property must be between %(low)s and %(high)s kg"
            ) % _range_text("kg_per_property")
        if _out_of_range("days_per_cycle", load.days_per_cycle):
            errors[f"stream-{kind}-days_per_cycle"] = _(
                "The working days in a cycle must be between %(low)s and %(high)s"
            ) % _range_text("days_per_cycle")
    return errors


def _fleet_errors(fleet: tuple[FleetKind, ...]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not fleet:
        return {"fleet-1-name": _("Enter at least one type of vehicle")}
    if len(fleet) > MAX_VEHICLE_TYPES:
        return {
            f"fleet-{MAX_VEHICLE_TYPES + 1}-name": _(
                "Enter no more than %(count)s types of vehicle"
            )
            % {"count": MAX_VEHICLE_TYPES}
        }
    seen: set[str] = set()
    for number, kind in enumerate(fleet, start=1):
        prefix = f"fleet-{number}-"
        name = kind.name.strip()
        if not name:
            errors[prefix + "name"] = _("Enter the name of vehicle type %(number)s") % {
                "number": number
            }
        elif len(name) > NAME_MAX_LENGTH:
            errors[prefix + "name"] = _(
                "The name of a vehicle type must be %(count)s characters or fewer"
            ) % {"count": NAME_MAX_LENGTH}
        elif name.casefold() in seen:
            errors[prefix + "name"] = _("Each type of vehicle must have a different name")
        seen.add(name.casefold())
        if _out_of_range("payload_kg", kind.payload_kg):
            errors[prefix + "payload_kg"] = _(
                "The payload must be between %(low)s and %(high)s kg"
            ) % _range_text("payload_kg")
        if _out_of_range("crews_per_day", kind.crews_per_day):
            errors[prefix + "crews_per_day"] = _(
                "The crews a day must be between %(low)s and %(high)s"
            ) % _range_text("crews_per_day")
        if _out_of_range("round_cost", kind.round_cost):
            errors[prefix + "round_cost"] = _(
                "The cost of a day must be between £%(low)s and £%(high)s"
            ) % _range_text("round_cost", scale=COST_UNITS_PER_POUND)
    if not errors and not any(kind.crews_per_day for kind in fleet):
        errors["fleet-1-crews_per_day"] = _("At least one type of vehicle must have a crew a day")
    return errors


class PlannerSettingsInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def _as_row(planner: PlannerSettings, kinds: Iterable[str] = ()) -> dict[str, Any]:
    """The row's values; the streams are those `planner` names and `kinds` (their defaults
    when `planner` does not name them)."""
    base = planner.base
    return {
        "depot_latitude": base.depot[0],
        "depot_longitude": base.depot[1],
        "tip_latitude": base.tip[0],
        "tip_longitude": base.tip[1],
        "road_factor": base.road_factor,
        "speed_kmh": base.speed_kmh,
        "service_seconds": base.service_seconds,
        "tip_minutes": base.tip_minutes,
        "shift_hours": base.shift_hours,
        "fleet": [
            {
                "name": kind.name.strip(),
                "payload_kg": kind.payload_kg,
                "crews_per_day": kind.crews_per_day,
                "round_cost": kind.round_cost,
            }
            for kind in base.fleet
        ],
        "streams": {
            kind: asdict(planner.load(kind)) for kind in sorted({*planner.streams, *kinds})
        },
    }


def planner_settings_save(
    *, organisation: Organisation, planner: PlannerSettings, actor: Any
) -> RoundPlannerSettings:
    """Save `organisation`'s planner settings, audited with each setting that changed (its
    old and new value). Refused (PlannerSettingsInvalid, nothing written) when any is out
    of range. Plans already made keep the settings they were made with."""
    errors = planner_settings_errors(planner)
    if errors:
        raise PlannerSettingsInvalid(errors)
    values = _as_row(planner)
    with transaction.atomic():
        row = (
            RoundPlannerSettings.objects.select_for_update()
            .filter(organisation=organisation)
            .first()
        )
        before = _as_row(_from_row(row), planner.streams)
        if row is None:
            row = RoundPlannerSettings(organisation=organisation)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save()
        changed = {
            name: [before.get(name), value]
            for name, value in values.items()
            if before.get(name) != value
        }
        audit_record(
            actor=actor,
            action="waste.round_planner_settings_change",
            obj=row,
            detail={"changed": changed},
        )
    return row
