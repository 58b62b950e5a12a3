"""The cases admin: for finding a case by reference, with none of the resident's details."""

from __future__ import annotations

import pytest

from borough.accounts.models import User
from borough.cases.models import Case
from tests.backoffice import conftest as backoffice_fixtures

make_case = backoffice_fixtures.make_case
world = backoffice_fixtures.world


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser("admin@example.org", "correct horse battery staple")
    client.force_login(user)
    return client


def test_the_admin_shows_no_personal_data_and_links_to_the_back_office(
    world, make_case, admin_client
):
    case = make_case(
        world.service,
        reporter_name="Rita Reporter",
        reporter_email="rita@example.com",
        reporter_phone="01305 123456",
        answers={"kind": "small", "details": "Outside number 12, by Mrs Smith's gate"},
    )

    listing = admin_client.get("/django-admin/cases/case/")
    detail = admin_client.get(f"/django-admin/cases/case/{case.pk}/change/")

    assert listing.status_code == detail.status_code == 200
    for page in (listing.content.decode(), detail.content.decode()):
        assert case.reference in page
        for personal in ("Rita Reporter", "rita@example.com", "01305 123456", "Mrs Smith"):
            assert personal not in page
    assert f'href="/staff/cases/{case.reference}/"' in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get("/django-admin/cases/case/add/").status_code == 403
    assert admin_client.post(f"/django-admin/cases/case/{case.pk}/delete/").status_code == 403
    assert Case.objects.count() == 1
