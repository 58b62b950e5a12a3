import pytest

from borough.places.models import AreaKind
from borough.places.selectors import (
    address_search,
    addresses_for_postcode,
    haversine_metres,
    properties_near,
    property_by_uprn,
    street_by_usrn,
)
from borough.places.services import area_create, property_upsert, street_upsert
from tests.conftest import square

DORCHESTER = (50.7150, -2.4370)


def make(uprn, paon, saon="", street_name="High West Street", postcode="DT1 1UZ", **kw):
    prop, _ = property_upsert(
        uprn=uprn,
        paon=paon,
        saon=saon,
        street_name=street_name,
        town="Dorchester",
        postcode=postcode,
        latitude=kw.pop("latitude", DORCHESTER[0]),
        longitude=kw.pop("longitude", DORCHESTER[1]),
        **kw,
    )
    return prop


def test_addresses_for_postcode_in_natural_order(db):
    for uprn, paon, saon in [
        (1, "10", ""),
        (2, "2", "Flat 10"),
        (3, "2", "Flat 2"),
        (4, "1", ""),
        (5, "2A", ""),
        (6, "Rose Cottage", ""),
        (7, "2", ""),
        (8, "11", ""),
        (9, "2", "Flat 1"),
    ]:
        make(uprn, paon, saon)
    make(10, "3", postcode="DT1 1AA")
    found = addresses_for_postcode("dt1 1uz")
    assert [p.first_line.replace(" High West Street", "") for p in found] == [
        "1",
        "2",
        "Flat 1, 2",
        "Flat 2, 2",
        "Flat 10, 2",
        "2A",
        "10",
        "11",
        "Rose Cottage",
    ]
    assert [p.uprn for p in addresses_for_postcode("DT11UZ")] == [p.uprn for p in found]
    assert [p.uprn for p in addresses_for_postcode(" DT1 1AA ")] == ["10"]


def test_addresses_for_postcode_sorts_by_street_first(db):
    make(1, "5", street_name="South Street")
    make(2, "7", street_name="North Square")
    assert [p.street_name for p in addresses_for_postcode("DT1 1UZ")] == [
        "North Square",
        "South Street",
    ]


def test_addresses_for_a_bad_or_unknown_postcode(db):
    make(1, "1")
    assert addresses_for_postcode("not a postcode") == []
    assert addresses_for_postcode("") == []
    assert addresses_for_postcode("SW1A 1AA") == []


def test_property_by_uprn_and_street_by_usrn(db):
    ward = area_create(kind=AreaKind.WARD, name="Castle", boundary=square(*DORCHESTER, 0.01))
    prop = make(100040000001, "1", usrn="8700123")
    found = property_by_uprn("100040000001")
    assert found == prop
    assert found.ward == ward
    assert property_by_uprn(100040000001) == prop
    assert property_by_uprn("0100040000001") == prop
    assert property_by_uprn("2") is None
    assert property_by_uprn("12 High St") is None
    assert property_by_uprn("") is None
    street, _ = street_upsert(usrn="8700123", name="High West Street", town="Dorchester")
    assert street_by_usrn("8700123") == street
    assert street_by_usrn(8700123) == street
    assert street_by_usrn("999") is None
    assert street_by_usrn("x") is None


def test_haversine_metres():
    # One minute of latitude is about one nautical mile (1,852 m).
    assert haversine_metres(50.0, -2.0, 50.0 + 1 / 60, -2.0) == pytest.approx(1853, abs=3)
    assert haversine_metres(50.0, -2.0, 50.0, -2.0) == 0


def test_properties_near_nearest_first_within_the_distance(db):
    lat, lon = DORCHESTER
    # About 111 m per 0.001 degrees of latitude; 70 m per 0.001 of longitude here.
    here = make(1, "1")
    north_100 = make(2, "2", latitude=lat + 0.0009)
    east_140 = make(3, "3", longitude=lon + 0.002)
    make(4, "4", latitude=lat + 0.003)
    # Inside the bounding box of a 150 m circle, outside the circle.
    make(5, "5", latitude=lat + 0.0012, longitude=lon + 0.0018)
    assert properties_near(lat, lon, metres=150) == [here, north_100, east_140]
    assert properties_near(lat, lon, metres=150, limit=2) == [here, north_100]
    assert properties_near(lat, lon, metres=0) == [here]
    with pytest.raises(ValueError, match="0 metres or more"):
        properties_near(lat, lon, metres=-1)


def test_address_search(db):
    make(1, "10", street_name="High West Street")
    make(2, "2", saon="Flat 1", street_name="High West Street")
    make(3, "2", street_name="High East Street", postcode="DT1 1AA")
    make(4, "Rose Cottage", street_name="Icen Way", postcode="DT1 1AB")
    assert [p.uprn for p in address_search("high west")] == ["2", "1"]
    assert [p.uprn for p in address_search("10 HIGH")] == ["1"]
    assert [p.uprn for p in address_search("dt1 1aa")] == ["3"]
    assert [p.uprn for p in address_search("DT11AB")] == ["4"]
    assert [p.uprn for p in address_search("rose, icen")] == ["4"]
    assert [p.uprn for p in address_search("flat 1")] == ["2"]
    assert [p.uprn for p in address_search("street", limit=2)] == ["3", "2"]
    assert address_search("   ") == []
    assert address_search("nowhere") == []
