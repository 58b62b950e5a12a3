import json

import pytest

from borough.accounts.models import User
from borough.places.models import Area, AreaKind, Property
from borough.places.services import area_create, property_upsert
from tests.conftest import square

DORCHESTER = (50.7150, -2.4370)


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser("admin@example.org", "correct horse battery staple")
    client.force_login(user)
    return client


def test_the_gazetteer_admin_pages_load(admin_client):
    area_create(kind=AreaKind.WARD, name="Castle", boundary=square(*DORCHESTER, 0.01))
    prop, _ = property_upsert(
        uprn="1",
        paon="1",
        street_name="High West Street",
        town="Dorchester",
        postcode="DT1 1UZ",
        latitude=DORCHESTER[0],
        longitude=DORCHESTER[1],
        usrn="8700123",
    )
    for url in [
        "/django-admin/places/area/",
        "/django-admin/places/area/add/",
        "/django-admin/places/street/?q=8700123",
        f"/django-admin/places/street/{prop.street_id}/change/",
        "/django-admin/places/property/?q=DT1+1UZ",
        f"/django-admin/places/property/{prop.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def _area_form(boundary, **fields):
    data = {"kind": AreaKind.WARD, "name": "Castle", "code": "", "organisation": ""}
    data.update(fields)
    data["boundary"] = json.dumps(boundary)
    return data


def test_adding_an_area_in_the_admin_goes_through_the_service(admin_client):
    prop, _ = property_upsert(
        uprn="1",
        paon="1",
        street_name="High West Street",
        town="Dorchester",
        postcode="DT1 1UZ",
        latitude=DORCHESTER[0],
        longitude=DORCHESTER[1],
    )
    response = admin_client.post(
        "/django-admin/places/area/add/", _area_form(square(*DORCHESTER, 0.01))
    )
    assert response.status_code == 302
    area = Area.objects.get()
    assert area.min_lat == pytest.approx(DORCHESTER[0] - 0.01)
    prop.refresh_from_db()
    assert prop.ward == area

    # Moving it moves the property out.
    response = admin_client.post(
        f"/django-admin/places/area/{area.pk}/change/",
        _area_form(square(52.0, -1.0, 0.01), name="Castle Ward"),
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert (area.name, area.min_lat) == ("Castle Ward", pytest.approx(51.99))
    assert Property.objects.get().ward is None


def test_the_admin_refuses_a_bad_boundary(admin_client):
    response = admin_client.post(
        "/django-admin/places/area/add/",
        _area_form({"type": "LineString", "coordinates": [[-2, 50], [-1, 51]]}),
    )
    assert response.status_code == 200
    assert "A boundary must be a Polygon or MultiPolygon, not a LineString" in (
        response.content.decode()
    )
    assert not Area.objects.exists()
