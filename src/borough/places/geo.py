"""Geometry for the gazetteer: GeoJSON boundaries with shapely, British National Grid with pyproj.

No GDAL. Boundaries are GeoJSON geometries in WGS84 (longitude, latitude order, as RFC 7946
says). Point-in-area checks run in two steps: a bounding-box filter in SQL, then shapely's
`covers` on a prepared geometry, so that a point exactly on a boundary counts as inside.

Parsed and prepared geometries are cached per thread, keyed by (model label, pk,
updated_at): an Area or Organisation whose boundary changes through a service (or any
`save()`) gets a new `updated_at`, so the cache never serves the old shape, in this process
or any other. A `QuerySet.update()` of a boundary does not touch `updated_at`: don't.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import shapely
from pyproj import Transformer
from pyproj.exceptions import ProjError
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from borough.core.models import Organisation
from borough.places.models import Area, AreaKind

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

logger = logging.getLogger(__name__)

GEOMETRY_TYPES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
    }
)

# The extent of the British National Grid (EPSG:27700): the grid squares run from SV to JM.
BNG_MAX_EASTING = 700_000.0
BNG_MAX_NORTHING = 1_300_000.0
# Where EPSG:27700 may be used, in WGS84 (its "area of use": the UK and its waters).
GB_MIN_LAT, GB_MAX_LAT = 49.75, 61.01
GB_MIN_LON, GB_MAX_LON = -9.01, 2.01


# -- GeoJSON -----------------------------------------------------------------------------


def geometry_from_geojson(obj: Mapping[str, Any] | str | bytes) -> BaseGeometry:
    """A shapely geometry from a GeoJSON Geometry, Feature or FeatureCollection.

    A FeatureCollection becomes the union of its features' geometries. Invalid shapes (a
    self-intersecting ring, say) are repaired with `shapely.make_valid`. Raises ValueError
    with a message a person can act on when the input is not usable GeoJSON in WGS84.
    """
    if isinstance(obj, str | bytes):
        try:
            obj = json.loads(obj)
        except ValueError as error:
            raise ValueError(f"The GeoJSON is not valid JSON: {error}") from None
    if not isinstance(obj, Mapping):
        raise ValueError('GeoJSON must be an object with a "type"')
    kind = obj.get("type")
    if kind == "Feature":
        return _feature_geometry(obj)
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list) or not features:
            raise ValueError("The GeoJSON FeatureCollection has no features")
        geometries = [_feature_geometry(feature) for feature in features]
        return _valid(shapely.union_all(geometries), "FeatureCollection")
    if kind in GEOMETRY_TYPES:
        return _geometry(obj)
    raise ValueError(
        f"GeoJSON type {kind!r} is not a geometry, a Feature or a FeatureCollection"
        if kind
        else 'GeoJSON must have a "type"'
    )


def boundary_from_geojson(obj: Mapping[str, Any] | str | bytes) -> BaseGeometry:
    """A Polygon or MultiPolygon from GeoJSON (see `geometry_from_geojson`).

    Repairing a ring can leave stray lines or points (a spike, a zero-width neck): those are
    dropped. Raises ValueError when nothing with an area is left.
    """
    geometry = geometry_from_geojson(obj)
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        parts = [
            part
            for part in shapely.get_parts(geometry)
            if part.geom_type in ("Polygon", "MultiPolygon")
        ]
        if not parts:
            raise ValueError(
                f"A boundary must be a Polygon or MultiPolygon, not a {geometry.geom_type}"
            )
        geometry = shapely.union_all(parts)
    if geometry.is_empty or geometry.area == 0:
        raise ValueError("The boundary encloses no area")
    return geometry


def geojson_from_geometry(geometry: BaseGeometry) -> dict[str, Any]:
    """The GeoJSON geometry object (plain dicts and lists, ready for a JSONField)."""
    result: dict[str, Any] = json.loads(shapely.to_geojson(geometry))
    return result


def bbox(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) of a WGS84 geometry."""
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    return min_lat, min_lon, max_lat, max_lon


def _feature_geometry(feature: Any) -> BaseGeometry:
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise ValueError("Each item in a FeatureCollection must be a Feature")
    geometry = feature.get("geometry")
    if not isinstance(geometry, Mapping):
        raise ValueError("The GeoJSON Feature has no geometry")
    if geometry.get("type") not in GEOMETRY_TYPES:
        raise ValueError(f"GeoJSON type {geometry.get('type')!r} is not a geometry")
    return _geometry(geometry)


def _geometry(obj: Mapping[str, Any]) -> BaseGeometry:
    kind = obj["type"]
    member = "geometries" if kind == "GeometryCollection" else "coordinates"
    if not isinstance(obj.get(member), list):
        raise ValueError(f'The GeoJSON {kind} has no "{member}" list')
    try:
        geometry = shape(obj)
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise ValueError(f"The GeoJSON {kind} is not valid: {error}") from None
    return _valid(geometry, kind)


def _valid(geometry: BaseGeometry, kind: str) -> BaseGeometry:
    if geometry.is_empty:
        raise ValueError(f"The GeoJSON {kind} has no coordinates")
    geometry = shapely.force_2d(geometry)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not all(math.isfinite(value) for value in geometry.bounds) or not (
        -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90
    ):
        raise ValueError(
            "GeoJSON coordinates must be WGS84 longitude and latitude, in that order "
            "(longitude -180 to 180, latitude -90 to 90)"
        )
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return geometry


# -- Prepared-geometry cache -------------------------------------------------------------

# GEOS prepared geometries build their indexes lazily and are not safe to share between
# threads (libgeos/geos#825), so each thread has its own cache. Wards and councils are
# few, so the copies are cheap.
_CACHE_SIZE = 512
_UNUSABLE = shapely.Point()  # cached for a stored boundary that cannot be parsed
_local = threading.local()

_Key = tuple[str, Any, datetime | None]
M = TypeVar("M", Area, Organisation)


def _cache() -> OrderedDict[_Key, BaseGeometry]:
    store: OrderedDict[_Key, BaseGeometry] | None = getattr(_local, "geometries", None)
    if store is None:
        store = _local.geometries = OrderedDict()
    return store


def _cache_key(obj: Model) -> _Key:
    return (obj._meta.label_lower, obj.pk, getattr(obj, "updated_at", None))


def _cache_get(key: _Key) -> BaseGeometry | None:
    store = _cache()
    geometry = store.get(key)
    if geometry is not None:
        store.move_to_end(key)
    return geometry


def _cache_put(key: _Key, boundary: Any) -> BaseGeometry:
    try:
        geometry = geometry_from_geojson(boundary)
    except ValueError as error:
        logger.warning("Ignoring the unusable boundary of %s %s: %s", key[0], key[1], error)
        geometry = _UNUSABLE
    else:
        shapely.prepare(geometry)
        # Build the point locator now rather than on the first real query.
        shapely.covers(geometry, shapely.Point(geometry.bounds[:2]))
    store = _cache()
    store[key] = geometry
    while len(store) > _CACHE_SIZE:
        store.popitem(last=False)
    return geometry


def prepared_geometry(obj: Area | Organisation) -> BaseGeometry | None:
    """The prepared shapely geometry of an Area's or Organisation's boundary, cached.

    None when it has no boundary or its boundary cannot be used (that is logged).
    """
    key = _cache_key(obj)
    geometry = _cache_get(key)
    if geometry is None:
        if obj.boundary is None:
            return None
        geometry = _cache_put(key, obj.boundary)
    return None if geometry is _UNUSABLE else geometry


def clear_geometry_cache() -> None:
    """Forget this thread's parsed boundaries (for tests and long-running scripts)."""
    _cache().clear()


def without_boundary(queryset: QuerySet[M]) -> QuerySet[M]:
    """The rows without their boundary column, which is read from the cache instead.

    `.only()` with every other field, not `.defer("boundary")`: deferring walks every
    relation of the model on each query (measured at 4.6 against 1.6 ms a call for
    Organisation, which many models point at)."""
    fields = [f.name for f in queryset.model._meta.concrete_fields if f.name != "boundary"]
    return queryset.only(*fields)


def _with_geometries(objects: Sequence[M]) -> list[tuple[M, BaseGeometry]]:
    """Pair objects (loaded with `without_boundary`) with their cached geometries.

    Boundaries missing from the cache are fetched in one query.
    """
    found: dict[Any, BaseGeometry | None] = {}
    missing = []
    for obj in objects:
        found[obj.pk] = _cache_get(_cache_key(obj))
        if found[obj.pk] is None:
            missing.append(obj.pk)
    if missing:
        model = type(objects[0])
        label = model._meta.label_lower
        rows = model._default_manager.filter(pk__in=missing).values_list(
            "pk", "updated_at", "boundary"
        )
        for pk, updated_at, boundary in rows:
            if boundary is not None:
                found[pk] = _cache_put((label, pk, updated_at), boundary)
    return [
        (obj, geometry)
        for obj in objects
        if (geometry := found.get(obj.pk)) is not None and geometry is not _UNUSABLE
    ]


# -- Point in area -----------------------------------------------------------------------


def _check_point(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("Latitude must be -90 to 90 and longitude -180 to 180")


def areas_at(lat: float, lon: float, *, kind: str | None = None) -> list[Area]:
    """Areas whose boundary covers the point (on the boundary counts), by kind then name.

    The areas come with `boundary` deferred: reading it costs a query.
    """
    _check_point(lat, lon)
    candidates = Area.objects.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    )
    if kind is not None:
        candidates = candidates.filter(kind=kind)
    areas = list(without_boundary(candidates).order_by("kind", "name", "pk"))
    if not areas:
        return []
    point = shapely.Point(lon, lat)
    return [area for area, geometry in _with_geometries(areas) if geometry.covers(point)]


def point_in_area(area: Area | Organisation, lat: float, lon: float) -> bool:
    """Whether an Area's or Organisation's boundary covers the point (on the line counts)."""
    _check_point(lat, lon)
    geometry = prepared_geometry(area)
    return geometry is not None and bool(geometry.covers(shapely.Point(lon, lat)))


def ward_at(lat: float, lon: float) -> Area | None:
    """The ward the point is in. On a line between two wards, the first by name."""
    wards = areas_at(lat, lon, kind=AreaKind.WARD)
    return wards[0] if wards else None


def wards_for_points(points: Sequence[tuple[float, float]]) -> list[Area | None]:
    """The ward of each (lat, lon), as `ward_at` would give it, for many points at once."""
    if not points:
        return []
    for lat, lon in points:
        _check_point(lat, lon)
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    wards = list(
        without_boundary(
            Area.objects.filter(
                kind=AreaKind.WARD,
                min_lat__lte=max(lats),
                max_lat__gte=min(lats),
                min_lon__lte=max(lons),
                max_lon__gte=min(lons),
            )
        ).order_by("kind", "name", "pk")
    )
    result: list[Area | None] = [None] * len(points)
    if not wards:
        return result
    geoms = shapely.points(lons, lats)
    unassigned = np.ones(len(points), dtype=bool)
    for ward, geometry in _with_geometries(wards):
        hits = shapely.covers(geometry, geoms) & unassigned
        for index in np.flatnonzero(hits):
            result[index] = ward
        unassigned &= ~hits
        if not unassigned.any():
            break
    return result


def wards_within(organisations: Sequence[Organisation]) -> list[Area]:
    """The wards in any of `organisations`' areas, by name: those whose inside point (a point
    shapely guarantees is within the ward) the boundary covers, so a district's wards are also
    the county's around it, and a neighbouring council's are nobody's but its own. Wards of an
    organisation without a boundary are those it owns."""
    with_boundary = [org for org in organisations if org.boundary]
    owned = {org.pk for org in organisations if not org.boundary}
    wards = list(without_boundary(Area.objects.filter(kind=AreaKind.WARD)).order_by("name", "pk"))
    if not wards:
        return []
    geometries = [prepared_geometry(org) for org in with_boundary]
    found = []
    for ward, geometry in _with_geometries(wards):
        inside = geometry.representative_point()
        if ward.organisation_id in owned or any(
            area is not None and area.covers(inside) for area in geometries
        ):
            found.append(ward)
    return found


def organisations_at(
    lat: float, lon: float, *, include_inactive: bool = False
) -> list[Organisation]:
    """Organisations (active ones, unless asked) whose boundary covers the point, by name.

    There are few organisations and they have no bounding-box columns, so every boundary is
    checked, from the cache.
    """
    _check_point(lat, lon)
    candidates = Organisation.objects.filter(boundary__isnull=False)
    if not include_inactive:
        candidates = candidates.filter(is_active=True)
    organisations = list(without_boundary(candidates).order_by("name", "pk"))
    if not organisations:
        return []
    point = shapely.Point(lon, lat)
    return [org for org, geometry in _with_geometries(organisations) if geometry.covers(point)]


# -- British National Grid ---------------------------------------------------------------
#
# pyproj picks the best transformation it has. Without the OS's OSTN15 grid (which we do not
# download: no network at run time) that is the OS's published 7-parameter Helmert
# transformation between OSGB36 and WGS84, accurate to a few metres (the OS quotes up to
# about 5 m). That is fine for finding wards and streets, not for surveying. If the grid
# file is installed in PROJ's data directory, pyproj uses it and is accurate to about 0.1 m.


@cache
def _bng_to_wgs84() -> Transformer:
    # pyproj >= 3.1 makes Transformer safe to share between threads.
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@cache
def _wgs84_to_bng() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def bng_in_range(easting: float, northing: float) -> bool:
    """Whether an easting and northing are on the British National Grid."""
    return 0 <= easting <= BNG_MAX_EASTING and 0 <= northing <= BNG_MAX_NORTHING


def in_great_britain(lat: float, lon: float) -> bool:
    """Whether a WGS84 point is where British National Grid coordinates are defined."""
    return GB_MIN_LAT <= lat <= GB_MAX_LAT and GB_MIN_LON <= lon <= GB_MAX_LON


def bng_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """British National Grid easting and northing (metres) to WGS84 (lat, lon).

    Raises ValueError when the pair cannot be converted.
    """
    lon, lat = _transform(_bng_to_wgs84(), easting, northing)
    return lat, lon


def wgs84_to_bng(lat: float, lon: float) -> tuple[float, float]:
    """WGS84 (lat, lon) to British National Grid (easting, northing) in metres.

    Raises ValueError when the pair cannot be converted.
    """
    return _transform(_wgs84_to_bng(), lon, lat)


def _transform(transformer: Transformer, x: float, y: float) -> tuple[float, float]:
    try:
        out_x, out_y = transformer.transform(x, y, errcheck=True)
    except ProjError as error:
        raise ValueError(f"Cannot convert ({x}, {y}): {error}") from None
    if not (math.isfinite(out_x) and math.isfinite(out_y)):
        raise ValueError(f"Cannot convert ({x}, {y})")
    return float(out_x), float(out_y)


def bng_to_wgs84_many(
    coordinates: Iterable[tuple[float, float]],
) -> list[tuple[float, float]]:
    """Many (easting, northing) pairs to (lat, lon) pairs in one call (for imports).

    A pair that cannot be converted comes back as (inf, inf).
    """
    pairs = list(coordinates)
    if not pairs:
        return []
    eastings = np.array([easting for easting, _ in pairs], dtype=float)
    northings = np.array([northing for _, northing in pairs], dtype=float)
    lons, lats = _bng_to_wgs84().transform(eastings, northings)
    return [(float(lat), float(lon)) for lat, lon in zip(lats, lons, strict=True)]
