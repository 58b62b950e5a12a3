import pytest

from borough.places.models import Area, AreaKind, Property, PropertyClass, Street
from borough.places.services import (
    PlacesError,
    area_create,
    area_update_boundary,
    property_upsert,
    street_upsert,
)
from tests.conftest import square

DORCHESTER = (50.7150, -2.4370)


def make(**overrides):
    fields = {
        "uprn": "100040001234",
        "paon": "10",
        "street_name": "High West Street",
        "town": "Dorchester",
        "postcode": "dt1 1uz",
        "latitude": DORCHESTER[0],
        "longitude": DORCHESTER[1],
    }
    fields.update(overrides)
    return property_upsert(**fields)


# -- Areas -------------------------------------------------------------------------------


def test_area_create_stores_a_repaired_boundary_and_its_box(db):
    bow_tie = {
        "type": "Feature",
        "properties": {"name": "ignored"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[-2.0, 50.0], [-1.0, 51.0], [-1.0, 50.0], [-2.0, 51.0], [-2.0, 50.0]]],
        },
    }
    area = area_create(kind=AreaKind.ZONE, name=" Round 1 ", code="Z1", boundary=bow_tie)
    area.refresh_from_db()
    assert area.name == "Round 1"
    assert area.boundary["type"] == "MultiPolygon"
    assert (area.min_lat, area.min_lon, area.max_lat, area.max_lon) == (50.0, -2.0, 51.0, -1.0)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "county"}, "Choose ward, organisation, parish or zone"),
        ({"name": "  "}, "Enter the name of the area"),
        ({"boundary": {"type": "Point", "coordinates": [-2, 50]}}, "not a Point"),
        ({"boundary": {"type": "Polygon", "coordinates": []}}, "has no coordinates"),
    ],
)
def test_area_create_refuses_bad_input_and_changes_nothing(db, fields, message):
    data = {"kind": AreaKind.WARD, "name": "Castle", "boundary": square(50, -2, 0.1)}
    data.update(fields)
    with pytest.raises(PlacesError, match=message):
        area_create(**data)
    assert not Area.objects.exists()


def test_a_new_ward_takes_the_properties_inside_it(db):
    inside, _ = make(uprn="1")
    outside, _ = make(uprn="2", latitude=50.8)
    assert inside.ward is None
    ward = area_create(kind=AreaKind.WARD, name="Castle", boundary=square(*DORCHESTER, 0.01))
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.ward == ward
    assert outside.ward is None
    # A zone is not a ward.
    area_create(kind=AreaKind.ZONE, name="Zone", boundary=square(50.8, -2.437, 0.01))
    outside.refresh_from_db()
    assert outside.ward is None


def test_moving_a_ward_boundary_moves_properties_in_and_out(db):
    ward = area_create(kind=AreaKind.WARD, name="Castle", boundary=square(*DORCHESTER, 0.01))
    old, _ = make(uprn="1")
    new, _ = make(uprn="2", latitude=DORCHESTER[0] + 0.05)
    assert (old.ward, new.ward) == (ward, None)
    before = ward.updated_at
    returned = area_update_boundary(
        area=ward, boundary=square(DORCHESTER[0] + 0.05, DORCHESTER[1], 0.01)
    )
    assert returned is ward
    assert ward.updated_at > before
    assert ward.min_lat == pytest.approx(DORCHESTER[0] + 0.04)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.ward, new.ward) == (None, ward)


def test_area_update_boundary_refuses_a_bad_boundary(db):
    ward = area_create(kind=AreaKind.WARD, name="Castle", boundary=square(*DORCHESTER, 0.01))
    with pytest.raises(PlacesError, match="not valid JSON"):
        area_update_boundary(area=ward, boundary="{")
    ward.refresh_from_db()
    assert ward.boundary == square(*DORCHESTER, 0.01)


# -- Streets -----------------------------------------------------------------------------


def test_street_upsert_creates_then_updates(db, county):
    street, created = street_upsert(usrn="08700123", name="High West Street", town="Dorchester")
    assert created
    assert street.usrn == "8700123"
    assert street.highway_authority is None
    same, created = street_upsert(
        usrn=8700123, name="High West Street", town="Dorchester", highway_authority=county
    )
    assert not created
    assert same.pk == street.pk
    assert same.highway_authority == county
    # Leaving the authority out keeps it.
    renamed, _ = street_upsert(usrn="8700123", name="High West St", town="Dorchester")
    renamed.refresh_from_db()
    assert renamed.name == "High West St"
    assert renamed.highway_authority == county
    assert Street.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"usrn": "123456789"}, "Enter a USRN of up to 8 digits"),
        ({"usrn": "12a"}, "Enter a USRN of up to 8 digits"),
        ({"name": ""}, "Enter the street name"),
        ({"town": " "}, "Enter the town"),
        ({"latitude": 50.7}, "Enter both the latitude and the longitude"),
        ({"latitude": 40.0, "longitude": -2.0}, "Enter a location in Great Britain"),
        ({"name": "x" * 201}, "The street name must be 200 characters or fewer"),
    ],
)
def test_street_upsert_refuses_bad_input(db, fields, message):
    data = {"usrn": "8700123", "name": "High West Street", "town": "Dorchester"}
    data.update(fields)
    with pytest.raises(PlacesError, match=message):
        street_upsert(**data)
    assert not Street.objects.exists()


# -- Properties --------------------------------------------------------------------------


def test_property_upsert_creates_a_property(db):
    ward = area_create(kind=AreaKind.WARD, name="Castle", boundary=square(*DORCHESTER, 0.01))
    prop, created = make(saon="Flat 1", usrn="8700123", classification=PropertyClass.COMMERCIAL)
    assert created
    prop.refresh_from_db()
    assert prop.uprn == "100040001234"
    assert prop.postcode == "DT1 1UZ"
    assert prop.postcode_key == "DT11UZ"
    assert prop.ward == ward
    assert prop.classification == "commercial"
    assert prop.first_line == "Flat 1, 10 High West Street"
    # The grid reference is worked out from the location.
    assert prop.easting == pytest.approx(369_300, abs=300)
    assert prop.northing == pytest.approx(90_600, abs=300)
    # The street is made from the address when its USRN is new.
    assert prop.street is not None
    assert (prop.street.usrn, prop.street.name, prop.street.town) == (
        "8700123",
        "High West Street",
        "Dorchester",
    )


def test_property_upsert_links_an_existing_street_without_renaming_it(db):
    street, _ = street_upsert(usrn="8700123", name="High West St", town="Dorchester")
    prop, _ = make(usrn="8700123")
    assert prop.street == street
    street.refresh_from_db()
    assert street.name == "High West St"


def test_property_upsert_updates_by_uprn_and_leaves_an_unchanged_one_alone(db):
    prop, created = make()
    first_updated = prop.updated_at
    again, created_again = make()
    assert not created_again
    assert again.pk == prop.pk
    assert again.updated_at == first_updated
    changed, created = make(paon="12", postcode="DT1 1AA", easting=369_301.0, northing=90_601.0)
    assert not created
    changed.refresh_from_db()
    assert (changed.paon, changed.postcode, changed.postcode_key) == ("12", "DT1 1AA", "DT11AA")
    assert (changed.easting, changed.northing) == (369_301.0, 90_601.0)
    assert changed.updated_at > first_updated
    assert Property.objects.count() == 1


def test_property_upsert_strips_leading_zeros_from_the_uprn(db):
    prop, _ = make(uprn="000123")
    assert prop.uprn == "123"
    _, created = make(uprn=123)
    assert not created


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"postcode": "DT1"}, "Enter a real postcode"),
        ({"postcode": ""}, "Enter a real postcode"),
        ({"uprn": "1234567890123"}, "Enter a UPRN of up to 12 digits"),
        ({"uprn": "0"}, "Enter a UPRN of up to 12 digits"),
        ({"uprn": "12-3"}, "Enter a UPRN of up to 12 digits"),
        ({"usrn": "x"}, "Enter a USRN of up to 8 digits"),
        ({"paon": " "}, "Enter the building number or name"),
        ({"street_name": ""}, "Enter the street name"),
        ({"town": ""}, "Enter the town"),
        ({"latitude": 0.0, "longitude": 0.0}, "Enter a location in Great Britain"),
        ({"latitude": float("nan")}, "Enter a location in Great Britain"),
        ({"latitude": "north"}, "Enter the latitude and longitude as numbers"),
        ({"classification": "castle"}, "Choose residential, commercial or other"),
        ({"saon": "x" * 101}, "The flat or unit must be 100 characters or fewer"),
    ],
)
def test_property_upsert_refuses_bad_input_and_changes_nothing(db, fields, message):
    with pytest.raises(PlacesError, match=message):
        make(**fields)
    assert not Property.objects.exists()
    assert not Street.objects.exists()


def test_places_error_is_a_value_error():
    assert issubclass(PlacesError, ValueError)
