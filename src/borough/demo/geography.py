"""The demo area's geography, generated from a seed: boundaries, wards, streets, properties.

Everything here is made up. The county and district boundaries are irregular polygons drawn
around Dorchester, Dorset; the wards tile the district (a Voronoi diagram clipped to it);
streets are short polylines around the town centre and a few villages, and properties sit
along both sides of them. Street names come from word lists (with a Thomas Hardy flavour:
Casterbridge is his Dorchester), UPRNs and USRNs from reserved-looking ranges, postcodes in
the shape of DT1 and DT2 postcodes (they need not exist).

Geometry is worked out in a local metric plane around Dorchester (a flat approximation is
plenty at this scale) and converted to WGS84 latitude and longitude at the end.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import voronoi_diagram

# Dorchester, Dorset.
CENTRE_LAT = 50.7150
CENTRE_LON = -2.4370
# Metres per degree at Dorchester's latitude.
M_PER_DEG_LAT = 111_230.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(CENTRE_LAT))

# Demo identifiers: every demo UPRN starts with UPRN_PREFIX, every USRN with USRN_PREFIX,
# so that `demo --reset` can find what the demo made.
UPRN_PREFIX = "10001"
USRN_PREFIX = "4400"
TOWN = "Dorchester"

# The flat approximation used to place things, in metres east and north of the centre.


def to_lat_lon(x: float, y: float) -> tuple[float, float]:
    return (
        round(CENTRE_LAT + y / M_PER_DEG_LAT, 6),
        round(CENTRE_LON + x / M_PER_DEG_LON, 6),
    )


def to_xy(lat: float, lon: float) -> tuple[float, float]:
    return (lon - CENTRE_LON) * M_PER_DEG_LON, (lat - CENTRE_LAT) * M_PER_DEG_LAT


def geojson_polygon(polygon: BaseGeometry) -> dict[str, Any]:
    """A metric-plane polygon as a GeoJSON geometry in WGS84 (longitude, latitude order)."""

    def ring(coords: Any) -> list[list[float]]:
        points = []
        for x, y in coords:
            lat, lon = to_lat_lon(x, y)
            points.append([lon, lat])
        return points

    if isinstance(polygon, MultiPolygon):
        return {
            "type": "MultiPolygon",
            "coordinates": [
                [ring(part.exterior.coords), *(ring(hole.coords) for hole in part.interiors)]
                for part in polygon.geoms
            ],
        }
    assert isinstance(polygon, Polygon)
    return {
        "type": "Polygon",
        "coordinates": [
            ring(polygon.exterior.coords),
            *(ring(hole.coords) for hole in polygon.interiors),
        ],
    }


# -- What the generator produces ----------------------------------------------------------


@dataclass(frozen=True)
class WardSpec:
    name: str
    code: str
    polygon: Polygon
    rural: bool

    @property
    def boundary(self) -> dict[str, Any]:
        return geojson_polygon(self.polygon)


@dataclass(frozen=True)
class StreetSpec:
    usrn: str
    name: str
    locality: str
    ward: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class PropertySpec:
    uprn: str
    saon: str
    paon: str
    usrn: str
    street_name: str
    locality: str
    town: str
    postcode: str
    latitude: float
    longitude: float
    ward: str
    classification: str = "residential"

    @property
    def address(self) -> str:
        first = ", ".join(part for part in (self.saon, f"{self.paon} {self.street_name}") if part)
        return ", ".join(part for part in (first, self.locality, self.town, self.postcode) if part)


@dataclass
class Geography:
    county: Polygon
    district: Polygon
    wards: list[WardSpec]
    streets: list[StreetSpec] = field(default_factory=list)
    properties: list[PropertySpec] = field(default_factory=list)

    @property
    def county_boundary(self) -> dict[str, Any]:
        return geojson_polygon(self.county)

    @property
    def district_boundary(self) -> dict[str, Any]:
        return geojson_polygon(self.district)


# -- Word lists -----------------------------------------------------------------------------

# Town wards first (small, dense), then rural wards named after (fictional) Wessex villages.
TOWN_WARDS = ["Dorchester North", "Dorchester East", "Dorchester South", "Dorchester West"]
RURAL_WARDS = ["Mellstock", "Weatherbury", "Froom Vale"]
# Villages in each rural ward: (name, postcode district sector digit).
VILLAGES = {
    "Mellstock": ["Mellstock", "Upper Longpuddle"],
    "Weatherbury": ["Weatherbury", "Kingsbere"],
    "Froom Vale": ["Froom Everard", "Chalk Newton"],
}

STREET_WORDS = [
    "Acland",
    "Alington",
    "Barnes",
    "Boldwood",
    "Brewery",
    "Bridport",
    "Castle",
    "Cerne",
    "Chalk",
    "Chantry",
    "Church",
    "Clare",
    "Coburg",
    "Cornhill",
    "Damer",
    "Durnover",
    "Everdene",
    "Farfrae",
    "Fawley",
    "Flint",
    "Friary",
    "Frome",
    "Glebe",
    "Grove",
    "Hazel",
    "Henchard",
    "Holly",
    "Icen",
    "Kingsbere",
    "Lucetta",
    "Maiden",
    "Manor",
    "Maumbury",
    "Meadow",
    "Melbury",
    "Mill",
    "Monmouth",
    "Newson",
    "Oak",
    "Orchard",
    "Priory",
    "Rectory",
    "Ridgeway",
    "Roman",
    "Rowan",
    "School",
    "Shire",
    "Somers",
    "Stinsford",
    "Sydling",
    "Tanner",
    "Templeman",
    "Trenchard",
    "Trumpet",
    "Venn",
    "Vicarage",
    "Wareham",
    "Weymouth",
    "Whitfield",
    "Wildeve",
    "Willow",
    "Winterborne",
    "Yeobright",
    "Yalbury",
    "Beech",
    "Blackmore",
    "Bockhampton",
    "Chestnut",
    "Egdon",
    "Greenhill",
    "Hermitage",
    "Kennet",
    "Lime",
    "Linden",
    "Market",
    "Nettlecombe",
    "Pummery",
    "Quarry",
    "Saxon",
    "Sheep",
    "Sparrow",
    "Station",
    "Swan",
    "Tolpuddle",
]
TOWN_SUFFIXES = [
    "Road",
    "Road",
    "Street",
    "Lane",
    "Close",
    "Way",
    "Avenue",
    "Crescent",
    "Gardens",
    "Terrace",
    "Drive",
    "Place",
    "Mews",
    "Walk",
    "Row",
    "Court",
]
VILLAGE_SUFFIXES = ["Lane", "Lane", "Close", "Row", "Green", "Hill", "Road", "Street"]
HOUSE_NAMES = [
    "Rose Cottage",
    "The Old Forge",
    "Ivy Cottage",
    "The Old School House",
    "Orchard House",
    "Yew Tree Cottage",
    "The Granary",
    "Meadow View",
    "Honeysuckle Cottage",
    "The Barn",
    "Little Thatch",
    "Holly Lodge",
    "The Old Bakery",
    "Willow Cottage",
    "Brook House",
    "The Coach House",
    "Chalk Farm",
    "Keepers Cottage",
    "The Old Dairy",
    "Sunnyside",
]
BLOCK_NAMES = [
    "Acland House",
    "Frome Court",
    "Maumbury Court",
    "Priory House",
    "Brewery Court",
    "Coburg House",
    "Chantry Court",
    "Hardy House",
    "Icen House",
    "Somers Court",
]
# Inward codes avoid the letters C, I, K, M, O and V, as Royal Mail's do.
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


# -- The generator --------------------------------------------------------------------------


def _irregular_polygon(
    rng: random.Random, cx: float, cy: float, radius: float, jitter: float, vertices: int
) -> Polygon:
    points = []
    for index in range(vertices):
        angle = 2 * math.pi * index / vertices + rng.uniform(-0.15, 0.15)
        r = radius * (1 + rng.uniform(-jitter, jitter))
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    polygon = Polygon(points)
    return polygon if polygon.is_valid else polygon.buffer(0)


def _wards(rng: random.Random, district: Polygon) -> list[WardSpec]:
    """Seven wards: four small town wards around the centre, three rural ones around them."""
    seeds = []
    for index in range(len(TOWN_WARDS)):
        # North, east, south, west of the centre.
        angle = math.pi / 2 - index * math.pi / 2 + rng.uniform(-0.2, 0.2)
        distance = rng.uniform(900, 1300)
        seeds.append((distance * math.cos(angle), distance * math.sin(angle)))
    for index in range(len(RURAL_WARDS)):
        angle = math.pi / 3 + index * 2 * math.pi / 3 + rng.uniform(-0.2, 0.2)
        distance = rng.uniform(5500, 6500)
        seeds.append((distance * math.cos(angle), distance * math.sin(angle)))
    cells = voronoi_diagram(shapely.MultiPoint(seeds), envelope=district.buffer(5000))
    names = [*TOWN_WARDS, *RURAL_WARDS]
    wards = []
    for index, (sx, sy) in enumerate(seeds):
        seed = Point(sx, sy)
        cell = next(geom for geom in cells.geoms if geom.covers(seed))
        polygon = cell.intersection(district)
        if isinstance(polygon, MultiPolygon):
            polygon = max(polygon.geoms, key=lambda part: part.area)
        polygon = shapely.set_precision(polygon, 0.01)
        wards.append(
            WardSpec(
                name=names[index],
                code=f"E0590{index + 1:04d}",
                polygon=polygon,
                rural=index >= len(TOWN_WARDS),
            )
        )
    return wards


class _Names:
    """Unique street names and postcodes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.streets: set[str] = set()
        self.postcodes: set[str] = set()

    def street(self, village: bool) -> str:
        suffixes = VILLAGE_SUFFIXES if village else TOWN_SUFFIXES
        while True:
            name = f"{self.rng.choice(STREET_WORDS)} {self.rng.choice(suffixes)}"
            if name not in self.streets:
                self.streets.add(name)
                return name

    def postcode(self, outward: str, sector: int) -> str:
        while True:
            letters = self.rng.choice(POSTCODE_LETTERS) + self.rng.choice(POSTCODE_LETTERS)
            postcode = f"{outward} {sector}{letters}"
            if postcode not in self.postcodes:
                self.postcodes.add(postcode)
                return postcode


def geography_generate(*, seed: int, properties: int = 3000) -> Geography:
    """The demo area for `seed`: the same seed always gives the same area."""
    rng = random.Random(f"borough-demo:{seed}:geography")
    county = _irregular_polygon(rng, 12_000, 6_000, 34_000, 0.12, 18)
    district = _irregular_polygon(rng, 0, 0, 9_000, 0.12, 14)
    assert county.contains(district)
    geography = Geography(county=county, district=district, wards=_wards(rng, district))
    names = _Names(rng)

    # Where people live: each town ward around its own part of the centre, two villages in
    # each rural ward. About 70% of properties are in the town.
    settlements: list[tuple[WardSpec, str, Point, float, int]] = []
    town_share = int(properties * 0.7)
    for ward in geography.wards:
        inner = ward.polygon.buffer(-60)
        if not ward.rural:
            anchor = inner.intersection(Point(0, 0).buffer(2200))
            target = town_share // len(TOWN_WARDS)
            settlements.append((ward, "", anchor.representative_point(), 550.0, target))
        else:
            for village in VILLAGES[ward.name]:
                point = _random_point_in(rng, inner.difference(Point(0, 0).buffer(3500)))
                target = (properties - town_share) // (len(RURAL_WARDS) * 2)
                settlements.append((ward, village, point, 260.0, target))

    usrn = int(USRN_PREFIX + "1000")
    uprn = int(UPRN_PREFIX + "0000000")
    sectors = {ward.name: index + 1 for index, ward in enumerate(geography.wards)}
    for ward, village, anchor, spread, target in settlements:
        made = 0
        attempts = 0
        inner = ward.polygon.buffer(-25)
        while made < target and attempts < 400:
            attempts += 1
            line = _street_line(rng, anchor, spread, inner)
            if line is None:
                continue
            usrn += rng.randint(3, 29)
            name = names.street(village=bool(village))
            mid = line.interpolate(0.5, normalized=True)
            lat, lon = to_lat_lon(mid.x, mid.y)
            street = StreetSpec(
                usrn=str(usrn),
                name=name,
                locality=village,
                ward=ward.name,
                latitude=lat,
                longitude=lon,
            )
            geography.streets.append(street)
            outward = "DT2" if ward.rural else "DT1"
            sector = (sectors[ward.name] % 9) + 1 if not ward.rural else 6 + sectors[ward.name] % 4
            placed, uprn = _properties_along(
                rng,
                geography,
                street,
                line,
                inner,
                names,
                outward,
                sector,
                uprn,
                limit=target - made,
                village=bool(village),
                ward=ward.name,
            )
            made += placed
    return geography


def _random_point_in(rng: random.Random, polygon: BaseGeometry) -> Point:
    min_x, min_y, max_x, max_y = polygon.bounds
    while True:
        point = Point(rng.uniform(min_x, max_x), rng.uniform(min_y, max_y))
        if polygon.contains(point):
            return point


def _street_line(
    rng: random.Random, anchor: Point, spread: float, inner: BaseGeometry
) -> LineString | None:
    """A gently bent street near `anchor`, clipped to the ward; None when it does not fit."""
    sx = anchor.x + rng.gauss(0, spread)
    sy = anchor.y + rng.gauss(0, spread)
    angle = rng.uniform(0, 2 * math.pi)
    length = rng.uniform(140, 460)
    bend = rng.uniform(-0.35, 0.35)
    points = [(sx, sy)]
    for step in range(1, 5):
        a = angle + bend * step / 4
        x, y = points[-1]
        points.append((x + length / 4 * math.cos(a), y + length / 4 * math.sin(a)))
    line = LineString(points)
    clipped = line.intersection(inner)
    if clipped.is_empty or clipped.geom_type != "LineString" or clipped.length < 120:
        return None
    assert isinstance(clipped, LineString)
    return clipped


def _properties_along(
    rng: random.Random,
    geography: Geography,
    street: StreetSpec,
    line: LineString,
    inner: BaseGeometry,
    names: _Names,
    outward: str,
    sector: int,
    uprn: int,
    *,
    limit: int,
    village: bool,
    ward: str,
) -> tuple[int, int]:
    """Houses on both sides of a street, odd numbers on the left; some blocks of flats."""
    spacing = rng.choice([9.0, 11.0, 14.0, 18.0, 24.0]) if not village else rng.choice([16.0, 24.0])
    commercial = not village and street.name.endswith(("Street", "Place")) and rng.random() < 0.6
    placed = 0
    number = {0: 1, 1: 2}
    house_names = list(HOUSE_NAMES)
    rng.shuffle(house_names)
    postcode = names.postcode(outward, sector)
    in_postcode = 0
    postcode_size = rng.randint(12, 26)
    distance = 6.0
    while distance < line.length - 6 and placed < limit:
        here = line.interpolate(distance)
        ahead = line.interpolate(min(distance + 1, line.length))
        dx, dy = ahead.x - here.x, ahead.y - here.y
        norm = math.hypot(dx, dy) or 1.0
        for side in (0, 1):
            sign = 1 if side == 0 else -1
            offset = 11 + rng.uniform(-2, 3)
            x = here.x - sign * dy / norm * offset
            y = here.y + sign * dx / norm * offset
            if not inner.contains(Point(x, y)) or placed >= limit:
                continue
            if in_postcode >= postcode_size:
                postcode = names.postcode(outward, sector)
                in_postcode = 0
                postcode_size = rng.randint(12, 26)
            paon = str(number[side])
            number[side] += 2
            if village and house_names and rng.random() < 0.25:
                paon = house_names.pop()
            flats = 0
            if not village and not commercial and rng.random() < 0.015:
                flats = rng.randint(4, 12)
                if rng.random() < 0.5:
                    paon = rng.choice(BLOCK_NAMES)
            classification = "commercial" if commercial and rng.random() < 0.7 else "residential"
            units = [f"Flat {n}" for n in range(1, flats + 1)] if flats else [""]
            for saon in units:
                uprn += rng.randint(1, 4)
                lat, lon = to_lat_lon(x + rng.uniform(-1, 1), y + rng.uniform(-1, 1))
                geography.properties.append(
                    PropertySpec(
                        uprn=str(uprn),
                        saon=saon,
                        paon=paon,
                        usrn=street.usrn,
                        street_name=street.name,
                        locality=street.locality,
                        town=TOWN,
                        postcode=postcode,
                        latitude=lat,
                        longitude=lon,
                        ward=ward,
                        classification=classification,
                    )
                )
                placed += 1
                in_postcode += 1
        distance += spacing
    return placed, uprn
