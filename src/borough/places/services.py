"""Writes to the gazetteer: areas, streets (USRN), properties (UPRN) and the bulk import."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from borough.core.models import Organisation
from borough.places import geo
from borough.places.models import Area, AreaKind, Property, PropertyClass, Street
from borough.places.postcodes import postcode_key, postcode_normalise
from borough.places.selectors import uprn_normalise as _uprn_clean
from borough.places.selectors import usrn_normalise as _usrn_clean


class PlacesError(ValueError):
    """Input the gazetteer cannot take; the message says what to do, in GOV.UK style."""


_BATCH_SIZE = 1000
_WARD_CHUNK = 2000
_UPDATE_CHUNK = 500


def _max_length(model: Any, field_name: str) -> int:
    length: int = model._meta.get_field(field_name).max_length
    return length


def _location_check(latitude: object, longitude: object) -> tuple[float, float]:
    try:
        lat, lon = float(latitude), float(longitude)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PlacesError("Enter the latitude and longitude as numbers") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and geo.in_great_britain(lat, lon)):
        raise PlacesError("Enter a location in Great Britain")
    return lat, lon


# -- Areas -------------------------------------------------------------------------------


def _boundary(boundary: Any) -> tuple[dict[str, Any], tuple[float, float, float, float]]:
    try:
        geometry = geo.boundary_from_geojson(boundary)
    except ValueError as error:
        raise PlacesError(str(error)) from None
    return geo.geojson_from_geometry(geometry), geo.bbox(geometry)


@transaction.atomic
def area_create(
    *,
    kind: str,
    name: str,
    boundary: Mapping[str, Any] | str,
    code: str = "",
    organisation: Organisation | None = None,
) -> Area:
    """Create an area from a GeoJSON Polygon or MultiPolygon (or a Feature of one).

    The boundary is stored repaired and as a plain geometry, with its bounding box. A new
    ward takes the properties inside it.
    """
    if kind not in AreaKind.values:
        raise PlacesError("Choose ward, organisation, parish or zone")
    name = name.strip()
    if not name:
        raise PlacesError("Enter the name of the area")
    if len(name) > _max_length(Area, "name"):
        raise PlacesError("The name must be 200 characters or fewer")
    code = code.strip()
    if len(code) > _max_length(Area, "code"):
        raise PlacesError("The code must be 20 characters or fewer")
    geojson, (min_lat, min_lon, max_lat, max_lon) = _boundary(boundary)
    area = Area.objects.create(
        kind=kind,
        name=name,
        code=code,
        organisation=organisation,
        boundary=geojson,
        min_lat=min_lat,
        min_lon=min_lon,
        max_lat=max_lat,
        max_lon=max_lon,
    )
    if kind == AreaKind.WARD:
        _wards_reassign((min_lat, min_lon, max_lat, max_lon))
    return area


@transaction.atomic
def area_update_boundary(*, area: Area, boundary: Mapping[str, Any] | str) -> Area:
    """Give an area a new boundary; for a ward, properties move in and out of it."""
    geojson, new_bbox = _boundary(boundary)
    locked = Area.objects.select_for_update().get(pk=area.pk)
    old_bbox = (locked.min_lat, locked.min_lon, locked.max_lat, locked.max_lon)
    locked.boundary = geojson
    locked.min_lat, locked.min_lon, locked.max_lat, locked.max_lon = new_bbox
    locked.save(
        update_fields=["boundary", "min_lat", "min_lon", "max_lat", "max_lon", "updated_at"]
    )
    if locked.kind == AreaKind.WARD:
        _wards_reassign(old_bbox, new_bbox, ward=locked)
    for name in ("boundary", "min_lat", "min_lon", "max_lat", "max_lon", "updated_at"):
        setattr(area, name, getattr(locked, name))
    return area


def _wards_reassign(*bboxes: tuple[float, float, float, float], ward: Area | None = None) -> None:
    """Work out again the ward of the properties in the boxes (and of those in `ward`)."""
    where = Q(ward=ward) if ward is not None else Q()
    for min_lat, min_lon, max_lat, max_lon in bboxes:
        where |= Q(
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lon,
            longitude__lte=max_lon,
        )
    rows = (
        Property.objects.filter(where)
        .order_by()
        .values_list("pk", "latitude", "longitude", "ward_id")
    )
    moves: dict[int | None, list[int]] = {}
    chunk: list[tuple[int, float, float, int | None]] = []

    def flush() -> None:
        wards = geo.wards_for_points([(lat, lon) for _, lat, lon, _ in chunk])
        for (pk, _, _, ward_id), ward in zip(chunk, wards, strict=True):
            new_id = ward.pk if ward else None
            if new_id != ward_id:
                moves.setdefault(new_id, []).append(pk)
        chunk.clear()

    for row in rows.iterator(chunk_size=_WARD_CHUNK):
        chunk.append(row)
        if len(chunk) >= _WARD_CHUNK:
            flush()
    if chunk:
        flush()
    now = timezone.now()
    for ward_id, pks in moves.items():
        for start in range(0, len(pks), _UPDATE_CHUNK):
            Property.objects.filter(pk__in=pks[start : start + _UPDATE_CHUNK]).update(
                ward_id=ward_id, updated_at=now
            )


# -- Streets and properties --------------------------------------------------------------


def _text(value: str | None, *, label: str, model: Any, field_name: str) -> str:
    text = (value or "").strip()
    limit = _max_length(model, field_name)
    if len(text) > limit:
        raise PlacesError(f"{label} must be {limit} characters or fewer")
    return text


@transaction.atomic
def street_upsert(
    *,
    usrn: str | int,
    name: str,
    town: str,
    locality: str = "",
    highway_authority: Organisation | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
) -> tuple[Street, bool]:
    """Create or update a street by its USRN. Returns (street, created).

    On an existing street, a highway authority or location left as None is kept as it is.
    """
    clean_usrn = _usrn_clean(usrn)
    if clean_usrn is None:
        raise PlacesError("Enter a USRN of up to 8 digits")
    values: dict[str, Any] = {
        "name": _text(name, label="The street name", model=Street, field_name="name"),
        "town": _text(town, label="The town", model=Street, field_name="town"),
        "locality": _text(locality, label="The locality", model=Street, field_name="locality"),
    }
    if not values["name"]:
        raise PlacesError("Enter the street name")
    if not values["town"]:
        raise PlacesError("Enter the town")
    if (latitude is None) != (longitude is None):
        raise PlacesError("Enter both the latitude and the longitude, or neither")
    if latitude is not None:
        values["latitude"], values["longitude"] = _location_check(latitude, longitude)
    if highway_authority is not None:
        values["highway_authority"] = highway_authority
    street = Street.objects.select_for_update().filter(usrn=clean_usrn).first()
    if street is None:
        return Street.objects.create(usrn=clean_usrn, **values), True
    changed = [name for name, value in values.items() if getattr(street, name) != value]
    if changed:
        for name in changed:
            setattr(street, name, values[name])
        street.save(update_fields=[*changed, "updated_at"])
    return street, False


@transaction.atomic
def property_upsert(
    *,
    uprn: str | int,
    paon: str,
    street_name: str,
    town: str,
    postcode: str,
    latitude: float,
    longitude: float,
    saon: str = "",
    locality: str = "",
    usrn: str | int | None = None,
    easting: float | None = None,
    northing: float | None = None,
    classification: str = PropertyClass.RESIDENTIAL,
) -> tuple[Property, bool]:
    """Create or update a property by its UPRN. Returns (property, created).

    The postcode is normalised ("dt11aa" -> "DT1 1AA"), the street is linked by USRN (and
    created from this address when it is new), the ward is found from the location, and the
    grid reference is worked out when not given.
    """
    clean_uprn = _uprn_clean(uprn)
    if clean_uprn is None:
        raise PlacesError("Enter a UPRN of up to 12 digits")
    clean_postcode = postcode_normalise(postcode or "")
    if clean_postcode is None:
        raise PlacesError("Enter a real postcode")
    if classification not in PropertyClass.values:
        raise PlacesError("Choose residential, commercial or other")
    values: dict[str, Any] = {
        "saon": _text(saon, label="The flat or unit", model=Property, field_name="saon"),
        "paon": _text(paon, label="The building", model=Property, field_name="paon"),
        "street_name": _text(
            street_name, label="The street name", model=Property, field_name="street_name"
        ),
        "locality": _text(locality, label="The locality", model=Property, field_name="locality"),
        "town": _text(town, label="The town", model=Property, field_name="town"),
        "postcode": clean_postcode,
        "classification": classification,
    }
    if not values["paon"]:
        raise PlacesError("Enter the building number or name")
    if not values["street_name"]:
        raise PlacesError("Enter the street name")
    if not values["town"]:
        raise PlacesError("Enter the town")
    lat, lon = _location_check(latitude, longitude)
    values["latitude"], values["longitude"] = lat, lon
    if easting is None or northing is None:
        easting, northing = geo.wgs84_to_bng(lat, lon)
        easting, northing = round(easting, 2), round(northing, 2)
    values["easting"], values["northing"] = float(easting), float(northing)
    values["street_id"] = None
    if usrn is not None and str(usrn).strip():
        clean_usrn = _usrn_clean(usrn)
        if clean_usrn is None:
            raise PlacesError("Enter a USRN of up to 8 digits")
        street = Street.objects.filter(usrn=clean_usrn).first()
        if street is None:
            street, _ = street_upsert(
                usrn=clean_usrn,
                name=values["street_name"],
                town=values["town"],
                locality=values["locality"],
            )
        values["street_id"] = street.pk
    ward = geo.ward_at(lat, lon)
    values["ward_id"] = ward.pk if ward else None

    prop = Property.objects.select_for_update().filter(uprn=clean_uprn).first()
    if prop is None:
        prop = Property(uprn=clean_uprn, **values)
        prop.save()
        return prop, True
    changed = [name for name, value in values.items() if getattr(prop, name) != value]
    if changed:
        for name in changed:
            setattr(prop, name, values[name])
        prop.save(update_fields=[*changed, "postcode_key", "updated_at"])
    return prop, False


# -- The gazetteer import ----------------------------------------------------------------

GAZETTEER_COLUMNS = (
    "UPRN",
    "USRN",
    "SAO_TEXT",
    "PAO_TEXT",
    "STREET_DESCRIPTION",
    "LOCALITY",
    "TOWN_NAME",
    "POSTCODE",
    "X_COORDINATE",
    "Y_COORDINATE",
    "CLASS",
)
GAZETTEER_REQUIRED_COLUMNS = (
    "UPRN",
    "PAO_TEXT",
    "STREET_DESCRIPTION",
    "TOWN_NAME",
    "POSTCODE",
    "X_COORDINATE",
    "Y_COORDINATE",
)
GAZETTEER_OPTIONAL_COLUMNS = tuple(
    c for c in GAZETTEER_COLUMNS if c not in GAZETTEER_REQUIRED_COLUMNS
)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # (line number in the file, reason), in line order.
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


class CsvRow(dict[str, str]):
    """A CSV row keyed by column, with the line it starts on and how many values it has
    beyond the header's columns."""

    line: int
    extra_values: int = 0


def gazetteer_csv_rows(stream: IO[str]) -> Iterator[CsvRow]:
    """The rows of a gazetteer CSV file (open it with newline="").

    Column names are matched without regard to case or surrounding spaces. Raises
    PlacesError at once when the file has no header or lacks a required column; lines that
    are entirely empty are skipped.
    """
    reader = csv.reader(stream)
    header = next(reader, None)
    if not header or not any(name.strip() for name in header):
        raise PlacesError("The file is empty: the first line must name the columns")
    columns = [name.strip().upper() for name in header]
    missing = [name for name in GAZETTEER_REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise PlacesError(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"A gazetteer file needs the columns {', '.join(GAZETTEER_REQUIRED_COLUMNS)} "
            f"and may have {', '.join(GAZETTEER_OPTIONAL_COLUMNS)}."
        )
    return _csv_rows(reader, columns)


def _csv_rows(reader: Any, columns: list[str]) -> Iterator[CsvRow]:
    previous_end = reader.line_num
    for values in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(value.strip() for value in values):
            continue
        row = CsvRow(zip(columns, values, strict=False))
        row.line = start
        row.extra_values = max(0, len(values) - len(columns))
        yield row


@dataclass
class _AddressRow:
    line: int
    uprn: str
    usrn: str | None
    saon: str
    paon: str
    street_name: str
    locality: str
    town: str
    postcode: str
    easting: float
    northing: float
    classification: str


def _address_row(row: Mapping[str, Any], line: int) -> _AddressRow | list[str]:
    """The parsed row, or the reasons it cannot be imported."""
    problems: list[str] = []
    extra = getattr(row, "extra_values", 0)
    if extra:
        problems.append(
            f"the line has {extra} more value{'s' if extra > 1 else ''} than the header "
            "has columns (is there an unquoted comma?)"
        )

    def value(column: str) -> str:
        # Rows built in code may hold numbers; rows from a file hold text.
        given = row.get(column)
        return "" if given is None else str(given).strip()

    if "\ufffd" in "".join(str(v) for v in row.values() if v):
        problems.append("the line has characters that are not in the file's encoding")

    uprn = _uprn_clean(value("UPRN"))
    if not value("UPRN"):
        problems.append("missing UPRN")
    elif uprn is None:
        problems.append("UPRN must be up to 12 digits")
    usrn = None
    if value("USRN"):
        usrn = _usrn_clean(value("USRN"))
        if usrn is None:
            problems.append("USRN must be up to 8 digits")

    texts: dict[str, str] = {}
    for column, model, field_name, required in (
        ("SAO_TEXT", Property, "saon", False),
        ("PAO_TEXT", Property, "paon", True),
        ("STREET_DESCRIPTION", Property, "street_name", True),
        ("LOCALITY", Property, "locality", False),
        ("TOWN_NAME", Property, "town", True),
    ):
        text = value(column)
        limit = _max_length(model, field_name)
        if required and not text:
            problems.append(f"missing {column}")
        elif len(text) > limit:
            problems.append(f"{column} is longer than {limit} characters")
        texts[field_name] = text

    postcode = postcode_normalise(value("POSTCODE"))
    if not value("POSTCODE"):
        problems.append("missing POSTCODE")
    elif postcode is None:
        problems.append("POSTCODE is not a real postcode")

    numbers: dict[str, float] = {}
    for column in ("X_COORDINATE", "Y_COORDINATE"):
        text = value(column)
        if not text:
            problems.append(f"missing {column}")
            continue
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            problems.append(f"{column} is not a number")
        else:
            numbers[column] = number
    if len(numbers) == 2 and not geo.bng_in_range(numbers["X_COORDINATE"], numbers["Y_COORDINATE"]):
        problems.append("coordinates are outside Great Britain")

    code = value("CLASS").upper()
    # AddressBase classes: R... residential, C... commercial. No class: the model's default.
    if not code or code.startswith("R"):
        classification = PropertyClass.RESIDENTIAL
    elif code.startswith("C"):
        classification = PropertyClass.COMMERCIAL
    else:
        classification = PropertyClass.OTHER

    if problems or uprn is None or postcode is None:
        return problems
    return _AddressRow(
        line=line,
        uprn=uprn,
        usrn=usrn,
        saon=texts["saon"],
        paon=texts["paon"],
        street_name=texts["street_name"],
        locality=texts["locality"],
        town=texts["town"],
        postcode=postcode,
        easting=numbers["X_COORDINATE"],
        northing=numbers["Y_COORDINATE"],
        classification=classification,
    )


_PROPERTY_FIELDS = (
    "saon",
    "paon",
    "street_id",
    "street_name",
    "locality",
    "town",
    "postcode",
    "postcode_key",
    "latitude",
    "longitude",
    "easting",
    "northing",
    "ward_id",
    "classification",
)


def gazetteer_import(
    *,
    rows: Iterable[Mapping[str, Any]],
    progress: Callable[[int], object] | None = None,
) -> ImportReport:
    """Import an OS AddressBase-style gazetteer: create, update or leave each property by UPRN.

    `rows` map column names (see GAZETTEER_COLUMNS) to text; a row's line number is its
    `line` attribute (rows from `gazetteer_csv_rows` have one), else its position counting
    the header as line 1. A bad row is rejected with its line and the reasons; the rest are
    imported. Streets are created or renamed by USRN from the first row that gives each one.
    Eastings and northings are converted to WGS84; the ward comes from the location.

    Work is committed in batches of about 1,000 rows, each batch in its own transaction, so
    an import stopped halfway keeps what it did; importing the same file again is safe and
    reports the rows as unchanged. `progress`, when given, is called with the number of rows
    read since its last call (`tqdm.update` fits).
    """
    report = ImportReport()
    first_line: dict[str, int] = {}
    street_ids: dict[str, int] = {}
    batch: list[_AddressRow] = []
    read = 0
    for position, row in enumerate(rows):
        read += 1
        line = getattr(row, "line", position + 2)
        parsed = _address_row(row, line)
        if isinstance(parsed, list):
            report.rejected.append((line, "; ".join(parsed)))
        elif parsed.uprn in first_line:
            report.rejected.append(
                (line, f"UPRN {parsed.uprn} is already on line {first_line[parsed.uprn]}")
            )
        else:
            first_line[parsed.uprn] = line
            batch.append(parsed)
        if len(batch) >= _BATCH_SIZE:
            _gazetteer_batch(batch, report, street_ids)
            batch = []
            if progress is not None:
                progress(read)
            read = 0
    if batch:
        _gazetteer_batch(batch, report, street_ids)
    if progress is not None and read:
        progress(read)
    report.rejected.sort()
    return report


def _gazetteer_batch(
    batch: list[_AddressRow], report: ImportReport, street_ids: dict[str, int]
) -> None:
    points = geo.bng_to_wgs84_many((row.easting, row.northing) for row in batch)
    usable: list[tuple[_AddressRow, float, float]] = []
    for row, (lat, lon) in zip(batch, points, strict=True):
        if math.isfinite(lat) and math.isfinite(lon):
            usable.append((row, round(lat, 7), round(lon, 7)))
        else:
            report.rejected.append((row.line, "coordinates are outside Great Britain"))
    if not usable:
        return
    wards = geo.wards_for_points([(lat, lon) for _, lat, lon in usable])
    now = timezone.now()
    with transaction.atomic():
        _streets_for_batch([row for row, _, _ in usable], street_ids, now)
        existing = Property.objects.in_bulk([row.uprn for row, _, _ in usable], field_name="uprn")
        new: list[Property] = []
        changed: list[Property] = []
        for (row, lat, lon), ward in zip(usable, wards, strict=True):
            values: dict[str, Any] = {
                "saon": row.saon,
                "paon": row.paon,
                "street_id": street_ids[row.usrn] if row.usrn else None,
                "street_name": row.street_name,
                "locality": row.locality,
                "town": row.town,
                "postcode": row.postcode,
                "postcode_key": postcode_key(row.postcode),
                "latitude": lat,
                "longitude": lon,
                "easting": row.easting,
                "northing": row.northing,
                "ward_id": ward.pk if ward else None,
                "classification": row.classification,
            }
            prop = existing.get(row.uprn)
            if prop is None:
                new.append(Property(uprn=row.uprn, created_at=now, updated_at=now, **values))
            elif any(getattr(prop, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(prop, name, value)
                prop.updated_at = now
                changed.append(prop)
            else:
                report.unchanged += 1
        Property.objects.bulk_create(new, batch_size=_UPDATE_CHUNK)
        Property.objects.bulk_update(
            changed, [*_PROPERTY_FIELDS, "updated_at"], batch_size=_UPDATE_CHUNK
        )
    report.created += len(new)
    report.updated += len(changed)


def _streets_for_batch(rows: list[_AddressRow], street_ids: dict[str, int], now: Any) -> None:
    """Create or rename the batch's streets not yet seen in this import; fill `street_ids`."""
    wanted: dict[str, _AddressRow] = {}
    for row in rows:
        if row.usrn and row.usrn not in street_ids and row.usrn not in wanted:
            wanted[row.usrn] = row
    if not wanted:
        return
    existing = Street.objects.in_bulk(list(wanted), field_name="usrn")
    new: list[Street] = []
    changed: list[Street] = []
    for usrn, row in wanted.items():
        values = {"name": row.street_name, "locality": row.locality, "town": row.town}
        street = existing.get(usrn)
        if street is None:
            new.append(Street(usrn=usrn, created_at=now, updated_at=now, **values))
        elif any(getattr(street, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(street, name, value)
            street.updated_at = now
            changed.append(street)
    Street.objects.bulk_create(new, batch_size=_UPDATE_CHUNK)
    Street.objects.bulk_update(
        changed, ["name", "locality", "town", "updated_at"], batch_size=_UPDATE_CHUNK
    )
    street_ids.update(Street.objects.filter(usrn__in=list(wanted)).values_list("usrn", "pk"))
