import json
import math

import pytest
import shapely

from borough.core.models import Organisation
from borough.core.services import organisation_create
from borough.places import geo
from borough.places.geo import (
    areas_at,
    bbox,
    bng_to_wgs84,
    boundary_from_geojson,
    geometry_from_geojson,
    organisations_at,
    point_in_area,
    ward_at,
    wards_for_points,
    wgs84_to_bng,
)
from borough.places.models import Area, AreaKind
from borough.places.services import area_create, area_update_boundary
from tests.conftest import square

# -- British National Grid --------------------------------------------------------------

# The reference for a point in Dorchester, Dorset (easting 369300, northing 90600), worked
# out with the Ordnance Survey's published transformation written out step by step: inverse
# Transverse Mercator on the Airy 1830 ellipsoid with the National Grid's parameters (checked
# against the OS guide's worked example below), then the OS's 7-parameter Helmert
# transformation from OSGB36 to WGS84.
DORCHESTER_EN = (369_300, 90_600)
DORCHESTER_LATLON = (50.71421, -2.43620)
OS_PIPELINE = (
    "+proj=pipeline "
    "+step +inv +proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 "
    "+ellps=airy "
    "+step +proj=cart +ellps=airy "
    "+step +proj=helmert +x=446.448 +y=-125.157 +z=542.06 +rx=0.15 +ry=0.247 +rz=0.842 "
    "+s=-20.489 +convention=position_vector "
    "+step +inv +proj=cart +ellps=WGS84 "
    "+step +proj=unitconvert +xy_in=rad +xy_out=deg"
)


def test_bng_to_wgs84_in_dorchester():
    lat, lon = bng_to_wgs84(*DORCHESTER_EN)
    assert lat == pytest.approx(DORCHESTER_LATLON[0], abs=0.0005)
    assert lon == pytest.approx(DORCHESTER_LATLON[1], abs=0.0005)
    # Roughly where the brief and the map put the town centre.
    assert lat == pytest.approx(50.715, abs=0.002)
    assert lon == pytest.approx(-2.437, abs=0.002)


def test_bng_to_wgs84_matches_the_os_helmert_transformation_written_out():
    from pyproj import Transformer

    reference = Transformer.from_pipeline(OS_PIPELINE)
    for easting, northing in [DORCHESTER_EN, (530_000, 180_000), (325_000, 673_000)]:
        ref_lon, ref_lat = reference.transform(easting, northing)
        lat, lon = bng_to_wgs84(easting, northing)
        assert lat == pytest.approx(ref_lat, abs=0.0005)
        assert lon == pytest.approx(ref_lon, abs=0.0005)


def test_the_national_grid_projection_matches_the_os_worked_example():
    # "A guide to coordinate systems in Great Britain", Ordnance Survey, worked example C.2:
    # E 651409.903, N 313177.270 is OSGB36 52°39'27.2531"N 1°43'4.5177"E.
    from pyproj import Transformer

    to_osgb36 = Transformer.from_crs("EPSG:27700", "EPSG:4277", always_xy=True)
    lon, lat = to_osgb36.transform(651_409.903, 313_177.270)
    assert lat == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-7)
    assert lon == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-7)


def test_bng_round_trip():
    for easting, northing in [DORCHESTER_EN, (100_000, 20_000), (651_409.903, 313_177.27)]:
        lat, lon = bng_to_wgs84(easting, northing)
        back = wgs84_to_bng(lat, lon)
        assert back[0] == pytest.approx(easting, abs=0.001)
        assert back[1] == pytest.approx(northing, abs=0.001)


def test_wgs84_to_bng_in_dorchester():
    easting, northing = wgs84_to_bng(*DORCHESTER_LATLON)
    assert easting == pytest.approx(DORCHESTER_EN[0], abs=5)
    assert northing == pytest.approx(DORCHESTER_EN[1], abs=5)


def test_bng_conversion_refuses_impossible_coordinates():
    with pytest.raises(ValueError, match="Cannot convert"):
        bng_to_wgs84(1e12, 1e12)


def test_bng_to_wgs84_many_agrees_with_one_at_a_time():
    pairs = [DORCHESTER_EN, (530_000, 180_000)]
    many = geo.bng_to_wgs84_many(pairs)
    assert many == [pytest.approx(bng_to_wgs84(*pair)) for pair in pairs]
    assert geo.bng_to_wgs84_many([]) == []


# -- GeoJSON -----------------------------------------------------------------------------


def test_geometry_from_geojson_takes_a_geometry_feature_or_collection():
    polygon = square(50.0, -2.0, 0.1)
    assert geometry_from_geojson(polygon).geom_type == "Polygon"
    assert geometry_from_geojson(json.dumps(polygon)).geom_type == "Polygon"
    feature = {"type": "Feature", "properties": {"name": "A"}, "geometry": polygon}
    assert geometry_from_geojson(feature).equals(geometry_from_geojson(polygon))
    collection = {
        "type": "FeatureCollection",
        "features": [feature, {"type": "Feature", "geometry": square(51.0, -2.0, 0.1)}],
    }
    union = geometry_from_geojson(collection)
    assert union.geom_type == "MultiPolygon"
    assert union.area == pytest.approx(2 * 0.2 * 0.2)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{not json", "not valid JSON"),
        ([1, 2], "must be an object"),
        ({"coordinates": []}, 'must have a "type"'),
        ({"type": "Circle", "coordinates": [0, 0]}, "'Circle' is not a geometry"),
        ({"type": "Polygon"}, 'no "coordinates" list'),
        ({"type": "Polygon", "coordinates": []}, "has no coordinates"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, "Polygon is not valid"),
        ({"type": "Point", "coordinates": ["a", "b"]}, "Point is not valid"),
        ({"type": "Feature", "geometry": None}, "Feature has no geometry"),
        ({"type": "FeatureCollection", "features": []}, "has no features"),
        ({"type": "FeatureCollection", "features": [{"type": "Point"}]}, "must be a Feature"),
        # British National Grid numbers given as GeoJSON.
        (
            {"type": "Point", "coordinates": [369300, 90600]},
            "must be WGS84 longitude and latitude",
        ),
    ],
)
def test_geometry_from_geojson_says_what_is_wrong(value, message):
    with pytest.raises(ValueError, match=message):
        geometry_from_geojson(value)


def test_geometry_from_geojson_repairs_a_self_intersecting_ring():
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    geometry = geometry_from_geojson(bow_tie)
    assert geometry.is_valid
    assert geometry.geom_type == "MultiPolygon"
    assert geometry.area == pytest.approx(0.5)


def test_boundary_from_geojson_needs_an_area():
    with pytest.raises(ValueError, match="not a LineString"):
        boundary_from_geojson({"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
    flat = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}
    with pytest.raises(ValueError, match="Polygon or MultiPolygon"):
        boundary_from_geojson(flat)


def test_bbox_is_lat_lon_order():
    assert bbox(geometry_from_geojson(square(50.0, -2.0, 0.1))) == pytest.approx(
        (49.9, -2.1, 50.1, -1.9)
    )


# -- Point in area -----------------------------------------------------------------------

MULTI = {
    "type": "MultiPolygon",
    "coordinates": [
        square(50.0, -2.0, 0.01)["coordinates"],
        square(50.1, -2.1, 0.01)["coordinates"],
    ],
}


@pytest.fixture
def ward(db):
    return area_create(kind=AreaKind.WARD, name="Castle", boundary=square(50.0, -2.0, 0.01))


def test_areas_at_a_square(ward):
    assert areas_at(50.0, -2.0) == [ward]
    assert ward_at(50.0, -2.0) == ward
    # On the edge and on a corner count as inside.
    assert areas_at(50.01, -2.0) == [ward]
    assert areas_at(50.01, -1.99) == [ward]
    # Just outside; and inside the bounding box of an L-shaped area but not the area.
    assert areas_at(50.0101, -2.0) == []
    assert ward_at(50.02, -2.0) is None


def test_areas_at_a_multipolygon(db):
    area = area_create(kind=AreaKind.ZONE, name="Two parts", boundary=MULTI)
    assert areas_at(50.0, -2.0) == [area]
    assert areas_at(50.1, -2.1) == [area]
    # Inside the bounding box, between the two parts.
    assert areas_at(50.05, -2.05) == []


def test_areas_at_a_concave_area_checks_the_shape_not_the_box(db):
    ell = {
        "type": "Polygon",
        "coordinates": [
            [
                [-2.0, 50.0],
                [-1.9, 50.0],
                [-1.9, 50.05],
                [-1.95, 50.05],
                [-1.95, 50.1],
                [-2.0, 50.1],
                [-2.0, 50.0],
            ]
        ],
    }
    area = area_create(kind=AreaKind.PARISH, name="Ell", boundary=ell)
    assert areas_at(50.02, -1.92) == [area]
    assert areas_at(50.08, -1.92) == []


def test_areas_at_filters_by_kind_and_orders_by_kind_then_name(ward):
    zone = area_create(kind=AreaKind.ZONE, name="Round A", boundary=square(50.0, -2.0, 0.1))
    parish = area_create(kind=AreaKind.PARISH, name="Fordington", boundary=square(50, -2, 0.05))
    assert areas_at(50.0, -2.0) == [parish, ward, zone]
    assert areas_at(50.0, -2.0, kind=AreaKind.ZONE) == [zone]
    assert areas_at(50.05, -2.0) == [parish, zone]


def test_a_point_on_the_line_between_two_wards_is_in_the_first_by_name(db):
    # Sides that are exact in binary, so that the two squares share their edge exactly.
    west = area_create(kind=AreaKind.WARD, name="West", boundary=square(50.0, -2.25, 0.125))
    east = area_create(kind=AreaKind.WARD, name="East", boundary=square(50.0, -2.0, 0.125))
    assert areas_at(50.0, -2.125, kind=AreaKind.WARD) == [east, west]
    assert ward_at(50.0, -2.125) == east
    assert wards_for_points([(50.0, -2.125), (50.0, -2.25), (50.0, -2.0), (51.0, -2.0)]) == [
        east,
        west,
        east,
        None,
    ]


def test_point_in_area(ward):
    assert point_in_area(ward, 50.0, -2.0)
    assert point_in_area(ward, 50.01, -2.0)
    assert not point_in_area(ward, 50.02, -2.0)


def test_points_must_be_real_coordinates(ward):
    with pytest.raises(ValueError, match="Latitude must be"):
        areas_at(math.nan, -2.0)
    with pytest.raises(ValueError, match="Latitude must be"):
        ward_at(91, 0)


def test_the_cache_does_not_parse_a_boundary_twice(ward, django_assert_num_queries, monkeypatch):
    assert ward_at(50.0, -2.0) == ward
    parsed = []
    real = geo.geometry_from_geojson
    monkeypatch.setattr(geo, "geometry_from_geojson", lambda obj: parsed.append(1) or real(obj))
    # One query each for the candidates; the boundary is neither fetched nor parsed again.
    with django_assert_num_queries(2):
        assert ward_at(50.0, -2.0) == ward
        assert ward_at(50.0101, -2.0) is None
    assert parsed == []


def test_the_cache_never_serves_an_old_boundary(ward):
    assert ward_at(50.0, -2.0) == ward
    # Move the ward a little north: the old centre is now outside it.
    area_update_boundary(area=ward, boundary=square(50.02, -2.0, 0.01))
    assert ward_at(50.0, -2.0) is None
    assert ward_at(50.02, -2.0) == ward
    # Another process's copy of the old row, with the old updated_at, still gets the old shape
    # it read, and a fresh read gets the new one.
    fresh = Area.objects.get(pk=ward.pk)
    assert point_in_area(fresh, 50.025, -2.0)
    assert not point_in_area(fresh, 50.0, -2.0)


def test_an_unusable_stored_boundary_is_skipped_and_logged(ward, caplog):
    Area.objects.filter(pk=ward.pk).update(boundary={"type": "Polygon"})
    assert areas_at(50.0, -2.0) == []
    assert "Ignoring the unusable boundary of places.area" in caplog.text


# -- Organisations -----------------------------------------------------------------------


def _organisation(slug, boundary, **kw):
    return organisation_create(
        slug=slug,
        name=slug.title() + " Council",
        kind="district",
        reference_prefix="AB",
        boundary=boundary,
        **kw,
    )


def test_organisations_at(db):
    county = _organisation("wessex", square(50.7, -2.4, 0.5))
    district = _organisation("casterbridge", square(50.7, -2.4, 0.1))
    _organisation("nowhere", None)
    assert organisations_at(50.7, -2.4) == [district, county]
    assert organisations_at(50.9, -2.4) == [county]
    # On the county's edge.
    assert organisations_at(51.2, -2.4) == [county]
    assert organisations_at(52.0, -2.4) == []
    assert point_in_area(county, 50.9, -2.4)


def test_organisations_at_leaves_out_inactive_ones_unless_asked(db):
    county = _organisation("wessex", square(50.7, -2.4, 0.5))
    Organisation.objects.filter(pk=county.pk).update(is_active=False)
    assert organisations_at(50.7, -2.4) == []
    assert organisations_at(50.7, -2.4, include_inactive=True) == [county]


def test_organisations_at_sees_a_changed_boundary(db):
    county = _organisation("wessex", square(50.7, -2.4, 0.5))
    assert organisations_at(50.7, -2.4) == [county]
    county.boundary = square(52.0, -1.0, 0.1)
    county.save()
    assert organisations_at(50.7, -2.4) == []
    assert organisations_at(52.0, -1.0) == [county]


def test_organisation_boundary_can_be_a_feature_collection(db):
    boundary = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": square(50.0, -2.0, 0.01)},
            {"type": "Feature", "properties": {}, "geometry": square(50.1, -2.0, 0.01)},
        ],
    }
    council = _organisation("split", boundary)
    assert organisations_at(50.1, -2.0) == [council]
    assert organisations_at(50.05, -2.0) == []


def test_shapely_is_the_real_thing():
    # Guard against an accidental stub: the helpers return shapely geometries.
    assert isinstance(geometry_from_geojson(square(50, -2, 0.1)), shapely.Polygon)


def test_the_wards_within_councils_areas(county, district):
    lat, lon = 50.7, -2.4
    district.boundary = square(lat, lon, 0.1)
    county.boundary = square(lat, lon, 0.5)
    district.save()
    county.save()
    neighbour = organisation_create(
        slug="elsewhere",
        name="Elsewhere Council",
        kind="district",
        reference_prefix="EC",
        boundary=square(lat + 2, lon, 0.1),
    )
    town = area_create(kind="ward", name="Town", boundary=square(lat, lon, 0.02))
    # A ward of the county outside the district.
    vale = area_create(kind="ward", name="Vale", boundary=square(lat + 0.3, lon, 0.02))
    far = area_create(kind="ward", name="Far", boundary=square(lat + 2, lon, 0.02))
    area_create(kind="zone", name="Not a ward", boundary=square(lat, lon, 0.02))

    assert geo.wards_within([district]) == [town]
    assert geo.wards_within([county]) == [town, vale]
    assert geo.wards_within([neighbour]) == [far]
    assert geo.wards_within([district, neighbour]) == [far, town]
    assert geo.wards_within([]) == []
