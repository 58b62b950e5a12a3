"""What a page's map needs: drawn by `portal/static/portal/map.js` when JavaScript runs.

The map has no tiles of its own: it draws the councils' boundaries and wards (from
`/map/areas.json`) and public reports (from `/map/reports.json`). A council that has a tile
server sets `MAP_TILE_URL` (and `MAP_TILE_ATTRIBUTION`) and the map draws its tiles beneath.
Without JavaScript there is no map: every page has another way to say where.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from borough.catalogue.models import Service
from borough.core.models import Organisation
from borough.portal.selectors import council_bounds, organisation_bounds

# The map modes map.js knows.
PIN: Final = "pin"  # click or tap to place a draggable pin that fills hidden inputs
REPORTS: Final = "reports"  # public reports around a point; click to look somewhere else
REPORT: Final = "report"  # one report's place

# Zoom levels: a street, a few streets around a point, and a kilometre around it.
STREET_ZOOM: Final = 17
AREA_ZOOM: Final = 15
NEIGHBOURHOOD_ZOOM: Final = 14


@dataclass(frozen=True)
class MapConfig:
    id: str
    mode: str
    label: str
    hint: str = ""
    centre: str = ""
    zoom: int | None = None
    bounds: str = ""
    pin: str = ""
    latitude_input: str = ""
    longitude_input: str = ""
    uprn_input: str = ""
    reports_url: str = ""
    browse_url: str = ""

    @property
    def areas_url(self) -> str:
        return reverse("portal:map_areas")

    @property
    def tile_url(self) -> str:
        return str(getattr(settings, "MAP_TILE_URL", "") or "")

    @property
    def tile_attribution(self) -> str:
        return str(getattr(settings, "MAP_TILE_ATTRIBUTION", "") or "")


def _point_text(point: tuple[float, float] | None) -> str:
    return f"{point[0]:.6f},{point[1]:.6f}" if point is not None else ""


def _bounds_text(bounds: tuple[float, float, float, float] | None) -> str:
    return ",".join(f"{value:.6f}" for value in bounds) if bounds is not None else ""


def reports_url(
    *, point: tuple[float, float], service: Service | None = None, open_only: bool = False
) -> str:
    query: dict[str, str] = {"latitude": f"{point[0]:.6f}", "longitude": f"{point[1]:.6f}"}
    if service is not None:
        query["service"] = service.code
    if open_only:
        query["open"] = "1"
    return f"{reverse('portal:map_reports')}?{urlencode(query)}"


def pin_map(
    *,
    field_id: str,
    service: Service,
    centre: tuple[float, float] | None,
    pin: tuple[float, float] | None,
    has_uprn: bool,
) -> MapConfig:
    """The map of a location question: centred on the pin, the addresses found, or the
    organisation's area; open reports of the same service shown around it."""
    organisation: Organisation = service.organisation
    middle = pin or centre
    return MapConfig(
        id=f"{field_id}-map",
        mode=PIN,
        label="Map: click or tap to place a pin where it is",
        hint="Click or tap the map to place a pin. You can drag the pin to move it. "
        "If you cannot use the map, use the postcode or street name instead.",
        centre=_point_text(middle),
        zoom=STREET_ZOOM if pin else (AREA_ZOOM if centre else None),
        bounds="" if middle else _bounds_text(organisation_bounds(organisation)),
        pin=_point_text(pin),
        latitude_input=f"{field_id}-latitude",
        longitude_input=f"{field_id}-longitude",
        uprn_input=f"{field_id}-uprn" if has_uprn else "",
        reports_url=reports_url(point=middle, service=service, open_only=True) if middle else "",
    )


def reports_map(*, point: tuple[float, float] | None) -> MapConfig:
    """The map of "Reports near you": reports around the place searched for, or the whole
    area before a search. Clicking it looks for reports around where was clicked."""
    return MapConfig(
        id="reports-map",
        mode=REPORTS,
        label="Map of reports",
        hint="Click or tap the map to see reports near that place.",
        centre=_point_text(point),
        zoom=NEIGHBOURHOOD_ZOOM if point else None,
        bounds="" if point else _bounds_text(council_bounds()),
        reports_url=reports_url(point=point) if point else "",
        browse_url=reverse("portal:reports"),
    )


def report_map(*, point: tuple[float, float]) -> MapConfig:
    return MapConfig(
        id="report-map",
        mode=REPORT,
        label="Map showing where the report is",
        centre=_point_text(point),
        zoom=STREET_ZOOM,
        pin=_point_text(point),
    )
