"""Paying with the built-in test provider in a real browser, with and without JavaScript:
the card page (plainly a test), its errors, a declined card and a successful payment."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from borough.payments.models import Payment
from borough.payments.purposes import purpose_register, purpose_unregister
from borough.payments.services import payment_create, payment_start
from tests.browser.conftest import assert_accessible

PURPOSE = "tests.browser_booking"


@pytest.fixture
def paid() -> Any:
    references: list[str] = []
    purpose_register(PURPOSE, on_paid=lambda p: references.append(p.reference))
    yield references
    purpose_unregister(PURPOSE)


@pytest.mark.parametrize("javascript", [True, False])
def test_a_resident_pays_on_the_test_card_page(
    live_server: Any, request: Any, javascript: bool, district: Any, settings: Any, paid: Any
) -> None:
    settings.PAYMENT_PROVIDER = "test"
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    payment = payment_create(
        organisation=district,
        amount_pence=4200,
        description="Bulky waste collection",
        purpose=PURPOSE,
        purpose_id="7",
        return_to="/",
        idempotency_key=f"bulky-7-{javascript}",
    )
    page.goto(live_server.url + payment_start(payment=payment))
    expect(page.get_by_text("This is a test payment page. No money will be taken.")).to_be_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Enter card details"
    assert_accessible(page)

    # Nothing entered: the error summary links to each field.
    page.get_by_role("button", name="Continue").click()
    assert page.title().startswith("Error:")
    summary = page.locator(".govuk-error-summary")
    assert "Enter the card number" in summary.inner_text()
    assert "Enter the name on the card" in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link", name="Enter the card number").click()
    if javascript:
        assert page.evaluate("document.activeElement.id") == "card-number"

    # With the keyboard only.
    page.get_by_label("Card number").fill("4444 3333 2222 1111")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2040")
    page.get_by_label("Name on card").fill("Alex Resident")
    page.get_by_label("Card security code").fill("123")
    page.get_by_label("Card security code").press("Enter")

    assert page.get_by_role("heading", level=1).inner_text() == "Payment complete"
    assert payment.reference in page.locator(".govuk-panel").inner_text()
    assert "£42.00" in page.locator(".govuk-summary-list").inner_text()
    assert_accessible(page)
    payment.refresh_from_db()
    assert payment.status == "success"
    assert paid == [payment.reference]


def test_a_declined_card_in_the_browser_takes_nothing(
    live_server: Any, page_without_js: Any, district: Any, settings: Any, paid: Any
) -> None:
    settings.PAYMENT_PROVIDER = "test"
    payment = payment_create(
        organisation=district,
        amount_pence=1500,
        description="Garden waste subscription",
        purpose=PURPOSE,
        idempotency_key="garden-1",
    )
    page = page_without_js
    page.goto(live_server.url + payment_start(payment=payment))
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("40")
    page.get_by_label("Name on card").fill("Alex Resident")
    page.get_by_label("Card security code").fill("123")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Your payment was declined"
    assert_accessible(page)
    assert Payment.objects.get(pk=payment.pk).status == "failed"
    assert paid == []
