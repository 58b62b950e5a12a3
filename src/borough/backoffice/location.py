"""Where a case is, as the case page shows it: a map drawn by the portal's map.js when
JavaScript runs, and in words for everyone (latitude and longitude, the Ordnance Survey grid
reference, the nearest address and street, and a link to the public map of reports)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from borough.cases.models import Case
from borough.places.geo import in_great_britain, wgs84_to_bng
from borough.places.selectors import haversine_metres, properties_near
from borough.portal.maps import REPORT, STREET_ZOOM, MapConfig

# How far from the case to look for the nearest address.
NEAREST_ADDRESS_METRES = 250
# Letters of the 500 km and 100 km grid squares: the alphabet without I.
_GRID_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"


def grid_reference(easting: float, northing: float) -> str:
    """An Ordnance Survey grid reference to the metre: "SY 69303 90640"; "" outside the grid."""
    e100k, n100k = int(easting // 100_000), int(northing // 100_000)
    if not (0 <= e100k <= 6 and 0 <= n100k <= 12):
        return ""
    first = (19 - n100k) - (19 - n100k) % 5 + (e100k + 10) // 5
    second = (19 - n100k) * 5 % 25 + e100k % 5
    letters = _GRID_LETTERS[first] + _GRID_LETTERS[second]
    return f"{letters} {int(easting % 100_000):05d} {int(northing % 100_000):05d}"


@dataclass(frozen=True)
class CaseLocation:
    latitude: float
    longitude: float
    # British National Grid, to the metre ("" outside Great Britain).
    easting: str
    northing: str
    grid_reference: str
    # "Near 3 High West Street, Dorchester (about 20 metres away)", or "".
    nearest_address: str
    # The street the case is on (its USRN was found from the nearest address), or "".
    street: str
    public_map_url: str
    map: MapConfig


def _nearest(latitude: float, longitude: float) -> str:
    found = properties_near(latitude, longitude, metres=NEAREST_ADDRESS_METRES, limit=1)
    if not found:
        return ""
    place = found[0]
    metres = haversine_metres(latitude, longitude, place.latitude, place.longitude)
    line = f"{place.paon} {place.street_name}".strip()
    if metres < 10:
        return _("%(line)s, %(town)s (less than 10 metres away)") % {
            "line": line,
            "town": place.town,
        }
    return _("%(line)s, %(town)s (about %(metres)s metres away)") % {
        "line": line,
        "town": place.town,
        "metres": f"{round(metres / 10) * 10:,}",
    }


def case_location(case: Case) -> CaseLocation | None:
    """Where `case` is, or None when it has no point."""
    if case.latitude is None or case.longitude is None:
        return None
    lat, lon = case.latitude, case.longitude
    easting = northing = reference = ""
    if in_great_britain(lat, lon):
        try:
            east, north = wgs84_to_bng(lat, lon)
        except ValueError:
            pass
        else:
            easting, northing = f"{east:.0f}", f"{north:.0f}"
            reference = grid_reference(east, north)
    street = ""
    if case.street is not None:
        street = f"{case.street.name}, {case.street.town}" if case.street.town else case.street.name
    point = f"{lat:.6f},{lon:.6f}"
    query = urlencode({"latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"})
    return CaseLocation(
        latitude=lat,
        longitude=lon,
        easting=easting,
        northing=northing,
        grid_reference=reference,
        nearest_address=_nearest(lat, lon),
        street=street,
        public_map_url=f"{reverse('portal:reports')}?{query}#results",
        map=MapConfig(
            id="case-map",
            mode=REPORT,
            label=_("Map showing where the case is"),
            centre=point,
            zoom=STREET_ZOOM,
            pin=point,
        ),
    )
