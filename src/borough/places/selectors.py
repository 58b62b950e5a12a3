"""Reads of the gazetteer shared by pages, the API and Open311."""

from __future__ import annotations

import math
import re
from functools import reduce
from operator import and_

from django.db.models import Q

from borough.places.models import Property, Street
from borough.places.postcodes import postcode_key, postcode_normalise

# Mean radius of the Earth (IUGG), for haversine distances: good to about 0.5%.
EARTH_RADIUS_M = 6_371_008.8

_CHUNKS = re.compile(r"(\d+)")
_DIGITS = re.compile(r"^[0-9]+$")


def _identifier(value: object, digits: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    if not _DIGITS.match(text):
        return None
    text = text.lstrip("0")
    return text if 0 < len(text) <= digits else None


def uprn_normalise(value: object) -> str | None:
    """' 00123' -> '123'; None unless it is a UPRN: a number of 1 to 12 digits, not 0."""
    return _identifier(value, 12)


def usrn_normalise(value: object) -> str | None:
    """As `uprn_normalise`, for a USRN: 1 to 8 digits."""
    return _identifier(value, 8)


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts '2' before '10' and '2A' before '2B': numbers by value, first."""
    return tuple(
        (0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk.strip().lower())
        for chunk in _CHUNKS.split(text)
        if chunk.strip()
    )


def address_sort_key(prop: Property) -> tuple[object, ...]:
    """Street, then building (naturally), then the flats in it: 2, 2A, Flat 1 2, 10, ..."""
    return (prop.street_name.lower(), _natural(prop.paon), _natural(prop.saon), prop.uprn)


def addresses_for_postcode(postcode: str) -> list[Property]:
    """The addresses at a postcode in the order people expect to pick from."""
    if postcode_normalise(postcode or "") is None:
        return []
    properties = Property.objects.filter(postcode_key=postcode_key(postcode))
    return sorted(properties, key=address_sort_key)


def property_by_uprn(uprn: str | int) -> Property | None:
    key = uprn_normalise(uprn)
    if key is None:
        return None
    return Property.objects.select_related("street", "ward").filter(uprn=key).first()


def street_by_usrn(usrn: str | int) -> Street | None:
    key = usrn_normalise(usrn)
    if key is None:
        return None
    return Street.objects.select_related("highway_authority").filter(usrn=key).first()


def haversine_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _bounding_box(lat: float, lon: float, metres: float) -> dict[str, float]:
    """Filters for the bounding box of the circle on the same sphere, a little generous."""
    if metres < 0 or not all(math.isfinite(v) for v in (lat, lon, metres)):
        raise ValueError("Give a point and a distance of 0 metres or more")
    angle = metres / EARTH_RADIUS_M
    dlat = math.degrees(angle) * 1.001
    if abs(lat) + dlat >= 90:
        dlon = 180.0
    else:
        dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
        dlon *= 1.001
    return {
        "latitude__gte": lat - dlat,
        "latitude__lte": lat + dlat,
        "longitude__gte": lon - dlon,
        "longitude__lte": lon + dlon,
    }


def properties_near(
    lat: float, lon: float, *, metres: float, limit: int | None = None
) -> list[Property]:
    """Properties within `metres` of the point, nearest first."""
    found = []
    for prop in Property.objects.filter(**_bounding_box(lat, lon, metres)):
        distance = haversine_metres(lat, lon, prop.latitude, prop.longitude)
        if distance <= metres:
            found.append((distance, prop.uprn, prop))
    found.sort(key=lambda item: (item[0], item[1]))
    result = [prop for _, _, prop in found]
    return result[:limit] if limit is not None else result


def street_id_near(lat: float, lon: float, *, metres: float) -> int | None:
    """The street (id) of the nearest addressed property within `metres`, or None. Reads
    four columns, not whole rows: every report placed on the map asks."""
    rows = Property.objects.filter(street__isnull=False, **_bounding_box(lat, lon, metres))
    best: tuple[float, str, int] | None = None
    for latitude, longitude, uprn, street_id in rows.values_list(
        "latitude", "longitude", "uprn", "street_id"
    ):
        distance = haversine_metres(lat, lon, latitude, longitude)
        if distance <= metres and (best is None or (distance, uprn) < best[:2]):
            best = (distance, uprn, street_id)
    return best[2] if best is not None else None


def address_search(text: str, *, limit: int = 20) -> list[Property]:
    """Addresses where every word of `text` is in the first line, locality, town or postcode.

    Case-insensitive substring matching: good enough for staff looking up an address they
    have in front of them. Matching free-text addresses to UPRNs (typos, abbreviations,
    missing parts) will use an address-matching library, not this.
    """
    words = (text or "").replace(",", " ").split()
    if not words:
        return []
    conditions = []
    for word in words:
        condition = (
            Q(saon__icontains=word)
            | Q(paon__icontains=word)
            | Q(street_name__icontains=word)
            | Q(locality__icontains=word)
            | Q(town__icontains=word)
            | Q(postcode_key__contains=postcode_key(word))
        )
        if word.isdigit() and len(word) >= 6:
            condition |= Q(uprn=word)
        conditions.append(condition)
    # The database cannot sort "2" before "10": take more than asked, sort, then cut.
    found = Property.objects.filter(reduce(and_, conditions)).order_by(
        "street_name", "paon", "saon", "pk"
    )[: limit * 5]
    return sorted(found, key=address_sort_key)[:limit]
