"""Container requests (one open request per type, the fee) and assisted collections (apply,
and a caseworker approves)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from borough.cases.models import Case, Status
from borough.core.models import AuditEntry
from borough.payments.models import Payment, PaymentStatus
from borough.payments.providers.test_provider import card_page_finish
from borough.payments.services import payment_reconcile, payment_return, payment_start
from borough.waste.models import (
    ContainerRequest,
    ContainerRequestStatus,
    PropertyService,
    RequestKind,
)
from borough.waste.services import (
    WasteError,
    WasteErrorCode,
    assisted_collection_apply,
    container_request_create,
    container_request_payment,
)

ASSISTED_ANSWERS = {
    "reasons": ["mobility"],
    "anyone_else": "no",
    "bin_location": "Behind the side gate",
    "duration": "permanent",
}


def _paid(request: ContainerRequest, *, card: str = "success", code: str = "") -> Payment:
    payment = container_request_payment(request=request)
    payment_start(payment=payment)
    card_page_finish(provider_payment_id=payment.provider_payment_id, status=card, code=code)
    result = payment_return(token=payment.return_token)
    assert result is not None
    request.refresh_from_db()
    return result


def test_a_replacement_bin_has_the_fee_and_makes_a_case_once_paid(waste, make_resident, settings):
    settings.PAYMENT_PROVIDER = "test"
    resident = make_resident()
    request = container_request_create(
        prop=waste.home,
        container_type=waste.types["rubbish-bin"],
        reason="damaged",
        damage="The lid has snapped off",
        quantity=1,
        channel="web",
        resident=resident,
    )
    assert request.kind == RequestKind.REPLACEMENT
    assert request.fee_pence == 2500
    # Waiting for payment: nothing sent yet.
    assert request.status == ContainerRequestStatus.PENDING_PAYMENT
    assert request.case is None
    assert not Case.objects.exists()
    payment = _paid(request)
    assert payment.amount_pence == 2500
    assert payment.purpose == "waste.container"
    assert payment.idempotency_key == f"container-request-{request.pk}"
    assert request.status == ContainerRequestStatus.CONFIRMED
    assert request.payment_reference == payment.reference
    case = request.case
    assert case is not None
    assert case.service == waste.container
    assert case.resident == resident
    assert case.answers["container"] == "rubbish_bin"
    assert case.answers["reason"] == "damaged"
    assert case.answers["damage"] == "The lid has snapped off"
    # Seen again, nothing more happens.
    payment_return(token=payment.return_token)
    assert Case.objects.count() == 1


@pytest.mark.parametrize(("card", "code"), [("failed", "P0010"), ("cancelled", "P0030")])
def test_an_unpaid_fee_sends_nothing_and_blocks_no_retry(
    waste, make_resident, settings, card, code
):
    settings.PAYMENT_PROVIDER = "test"
    resident = make_resident()
    kwargs: dict[str, Any] = {
        "prop": waste.home,
        "container_type": waste.types["rubbish-bin"],
        "reason": "missing",
        "channel": "web",
        "resident": resident,
    }
    request = container_request_create(**kwargs)
    _paid(request, card=card, code=code)
    assert request.status == ContainerRequestStatus.UNPAID
    assert request.case is None
    assert not Case.objects.exists()
    again = container_request_create(**kwargs)
    assert again.pk != request.pk
    assert again.status == ContainerRequestStatus.PENDING_PAYMENT
    _paid(again)
    assert again.status == ContainerRequestStatus.CONFIRMED
    # Paid: the one open request per type rule holds.
    with pytest.raises(WasteError) as refused:
        container_request_create(**kwargs)
    assert refused.value.code == WasteErrorCode.DUPLICATE
    assert Case.objects.count() == 1


def test_a_double_submit_gives_the_same_request_and_payment_and_new_answers_replace_it(
    waste, make_resident, make_staff, settings
):
    settings.PAYMENT_PROVIDER = "test"
    resident = make_resident()
    kwargs: dict[str, Any] = {
        "prop": waste.home,
        "container_type": waste.types["rubbish-bin"],
        "reason": "missing",
        "channel": "web",
        "resident": resident,
    }
    first = container_request_create(**kwargs)
    first_payment = container_request_payment(request=first)
    payment_start(payment=first_payment)
    second = container_request_create(**kwargs)
    assert second.pk == first.pk
    assert container_request_payment(request=second).pk == first_payment.pk
    assert Payment.objects.count() == 1
    # Two bins instead: the first is given up and its payment cancelled at the provider.
    bigger = container_request_create(**{**kwargs, "quantity": 2})
    assert bigger.pk != first.pk and bigger.fee_pence == 5000
    first.refresh_from_db()
    first_payment.refresh_from_db()
    assert first.status == ContainerRequestStatus.UNPAID
    assert first_payment.status == PaymentStatus.CANCELLED
    # Another resident cannot jump in while one is waiting for payment.
    with pytest.raises(WasteError) as waiting:
        container_request_create(**{**kwargs, "resident": make_resident()})
    assert waiting.value.message == (
        "A rubbish bin for this address is waiting for payment. Try again in 2 hours."
    )
    # The staff list shows only sent requests.
    from borough.waste.selectors import container_requests_open_for_staff

    officer = make_staff(waste.team)
    assert container_requests_open_for_staff(user=officer, organisation=waste.organisation) == []


def test_an_abandoned_fee_payment_is_expired_and_sends_nothing(waste, make_resident, settings):
    settings.PAYMENT_PROVIDER = "test"
    request = container_request_create(
        prop=waste.home,
        container_type=waste.types["rubbish-bin"],
        reason="extra",
        channel="web",
        resident=make_resident(),
    )
    payment = container_request_payment(request=request)
    payment_start(payment=payment)
    with time_machine.travel(timezone.now() + timedelta(minutes=91), tick=False):
        assert payment_reconcile().expired == [payment.reference]
    request.refresh_from_db()
    assert request.status == ContainerRequestStatus.UNPAID
    assert not Case.objects.exists()


def test_a_new_homes_container_is_free_and_an_extra_one_is_not(waste, make_resident):
    resident = make_resident()
    new = container_request_create(
        prop=waste.home,
        container_type=waste.types["rubbish-bin"],
        reason="new_property",
        channel="web",
        resident=resident,
    )
    # Free: sent at once.
    assert new.fee_pence == 0
    assert new.status == ContainerRequestStatus.CONFIRMED
    assert new.case is not None
    extra = container_request_create(
        prop=waste.home,
        container_type=waste.types["food-caddy"],
        reason="extra",
        quantity=2,
        channel="web",
        resident=resident,
    )
    assert extra.case is not None
    assert extra.case.answers["reason"] == "extra"
    assert extra.kind == RequestKind.EXTRA


def test_one_open_request_per_container_type(waste, make_resident, make_staff, settings):
    settings.PAYMENT_PROVIDER = "test"
    resident = make_resident()
    first = container_request_create(
        prop=waste.home,
        container_type=waste.types["rubbish-bin"],
        reason="missing",
        channel="web",
        resident=resident,
    )
    _paid(first)
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
    assert first.case is not None
    case_close(case=first.case, actor=officer, resolution="Delivered")
    again = container_request_create(
        prop=waste.home,
        container_type=waste.types["rubbish-bin"],
        reason="missing",
        channel="web",
        resident=resident,
    )
    _paid(again)
    assert Case.objects.count() == 2


def test_the_container_page_needs_an_account_and_checks_answers(
    client, waste, make_resident, settings
):
    settings.PAYMENT_PROVIDER = "test"
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
    # The fee is paid first, on the provider's page; a double submit goes to the same one.
    assert done.status_code == 302 and done["Location"].startswith("/pay/test/")
    twice = client.post(
        url,
        {
            "container_type": str(waste.types["rubbish-bin"].pk),
            "reason": "missing",
            "quantity": "1",
        },
    )
    assert twice["Location"] == done["Location"]
    assert not Case.objects.exists()
    payment = Payment.objects.get()
    card_page_finish(provider_payment_id=payment.provider_payment_id, status="success")
    assert client.get(f"/pay/return/{payment.return_token}/").status_code == 200
    request = ContainerRequest.objects.get()
    assert payment.return_to == f"/bins/{waste.home.uprn}/container/{request.pk}/"
    sent = client.get(payment.return_to).content.decode()
    assert "Container requested" in sent
    assert Case.objects.get().reference in sent
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
    # Only the resident sees their request.
    client.force_login(make_resident())
    assert client.get(payment.return_to).status_code == 404


def test_a_declined_fee_says_the_container_was_not_requested(
    client, waste, make_resident, settings
):
    settings.PAYMENT_PROVIDER = "test"
    client.force_login(make_resident())
    url = f"/bins/{waste.home.uprn}/container/"
    posted = {
        "container_type": str(waste.types["rubbish-bin"].pk),
        "reason": "missing",
        "quantity": "1",
    }
    assert client.post(url, posted)["Location"].startswith("/pay/test/")
    payment = Payment.objects.get()
    card_page_finish(provider_payment_id=payment.provider_payment_id, status="failed", code="P0010")
    client.get(f"/pay/return/{payment.return_token}/")
    page = client.get(payment.return_to).content.decode()
    assert "Your container was not requested" in page
    assert not Case.objects.exists()
    # Trying again is not blocked.
    assert client.post(url, posted)["Location"].startswith("/pay/test/")
    assert Payment.objects.count() == 2


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
