"""Container requests (one open request per type, the fee) and assisted collections (apply,
and a caseworker approves)."""

from __future__ import annotations

import pytest

from borough.cases.models import Case, Status
from borough.core.models import AuditEntry
from borough.waste.models import ContainerRequest, PropertyService, RequestKind
from borough.waste.services import (
    WasteError,
    WasteErrorCode,
    assisted_collection_apply,
    container_request_create,
)

ASSISTED_ANSWERS = {
    "reasons": ["mobility"],
    "anyone_else": "no",
    "bin_location": "Behind the side gate",
    "duration": "permanent",
}


def test_a_replacement_bin_has_the_fee_and_makes_a_case(waste, make_resident):
    resident = make_resident()
    case = container_request_create(
        prop=waste.home,
        container_type=waste.types["rubbish-bin"],
        reason="damaged",
        damage="The lid has snapped off",
        quantity=1,
        channel="web",
        resident=resident,
    )
    assert case.service == waste.container
    assert case.answers["container"] == "rubbish_bin"
    assert case.answers["reason"] == "damaged"
    assert case.answers["damage"] == "The lid has snapped off"
    request = ContainerRequest.objects.get(case=case)
    assert request.kind == RequestKind.REPLACEMENT
    assert request.fee_pence == 2500


def test_a_new_homes_container_is_free_and_an_extra_one_is_not(waste, make_resident):
    resident = make_resident()
    new = container_request_create(
        prop=waste.home,
        container_type=waste.types["rubbish-bin"],
        reason="new_property",
        channel="web",
        resident=resident,
    )
    assert ContainerRequest.objects.get(case=new).fee_pence == 0
    extra = container_request_create(
        prop=waste.home,
        container_type=waste.types["food-caddy"],
        reason="extra",
        quantity=2,
        channel="web",
        resident=resident,
    )
    assert extra.answers["reason"] == "extra"
    assert ContainerRequest.objects.get(case=extra).kind == RequestKind.EXTRA


def test_one_open_request_per_container_type(waste, make_resident, make_staff):
    resident = make_resident()
    first = container_request_create(
        prop=waste.home,
        container_type=waste.types["rubbish-bin"],
        reason="missing",
        channel="web",
        resident=resident,
    )
    with pytest.raises(WasteError) as refused:
        container_request_create(
            prop=waste.home,
            container_type=waste.types["rubbish-bin"],
            reason="missing",
            channel="web",
            resident=resident,
        )
    assert refused.value.code == WasteErrorCode.DUPLICATE
    assert refused.value.message == "A rubbish bin has already been requested for this address"
    assert Case.objects.count() == 1
    # Once delivered, another can be requested.
    from borough.cases.services import case_close

    officer = make_staff(waste.team)
    case_close(case=first, actor=officer, resolution="Delivered")
    container_request_create(
        prop=waste.home,
        container_type=waste.types["rubbish-bin"],
        reason="missing",
        channel="web",
        resident=resident,
    )
    assert Case.objects.count() == 2


def test_the_container_page_needs_an_account_and_checks_answers(client, waste, make_resident):
    url = f"/bins/{waste.home.uprn}/container/"
    signed_out = client.get(url).content.decode()
    assert "You need to sign in to your account to do this" in signed_out
    resident = make_resident()
    client.force_login(resident)
    page = client.get(url).content.decode()
    assert "Rubbish bin" in page and "£25 for a replacement or an extra one" in page
    bad = client.post(url, {"reason": "damaged", "quantity": "9"}).content.decode()
    assert "Select what you need" in bad
    assert "Enter what is wrong with it" in bad
    assert "You can order between 1 and 3 at a time" in bad
    assert not Case.objects.exists()
    done = client.post(
        url,
        {
            "container_type": str(waste.types["rubbish-bin"].pk),
            "reason": "missing",
            "quantity": "1",
        },
    )
    assert done.status_code == 302
    again = client.post(
        url,
        {
            "container_type": str(waste.types["rubbish-bin"].pk),
            "reason": "missing",
            "quantity": "1",
        },
    ).content.decode()
    assert "A rubbish bin has already been requested for this address" in again
    assert Case.objects.filter(resident=resident).count() == 1


def test_assisted_collection_application_and_approval(client, waste, make_resident, make_staff):
    resident = make_resident()
    case = assisted_collection_apply(
        prop=waste.home, answers=ASSISTED_ANSWERS, channel="web", resident=resident
    )
    assert case.service == waste.assisted
    with pytest.raises(WasteError) as refused:
        assisted_collection_apply(
            prop=waste.home, answers=ASSISTED_ANSWERS, channel="web", resident=resident
        )
    assert refused.value.code == WasteErrorCode.DUPLICATE
    assert not PropertyService.objects.filter(property=waste.home, assisted=True).exists()

    # A contractor may not approve; a caseworker of the council may.
    contractor = make_staff(waste.team, role="contractor")
    client.force_login(contractor)
    response = client.post(f"/staff/waste/assisted/{case.reference}/approve/")
    assert response.status_code in (403, 404)
    assert not PropertyService.objects.filter(property=waste.home, assisted=True).exists()

    officer = make_staff(waste.team, role="caseworker")
    client.force_login(officer)
    response = client.post(f"/staff/waste/assisted/{case.reference}/approve/")
    assert response.status_code == 302
    assert PropertyService.objects.filter(property=waste.home).count() == 3
    assert not PropertyService.objects.filter(property=waste.home, assisted=False).exists()
    case.refresh_from_db()
    assert case.status == Status.FIXED
    assert AuditEntry.objects.filter(action="waste.assisted_set", actor=officer).count() == 3


def test_the_assisted_page(client, waste, make_resident):
    url = f"/bins/{waste.home.uprn}/assisted/"
    client.force_login(make_resident())
    page = client.get(url).content.decode()
    assert "Why can you not put your bins out?" in page
    bad = client.post(url, {}).content.decode()
    assert "There is a problem" in bad
    assert not Case.objects.exists()
    response = client.post(url, {**ASSISTED_ANSWERS, "reasons": "mobility"})
    assert response.status_code == 302
    assert Case.objects.get().service == waste.assisted
