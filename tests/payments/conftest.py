"""Builders for payment tests: the GOV.UK Pay stub and a recording purpose handler."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from borough.payments.models import Payment
from borough.payments.purposes import purpose_register, purpose_unregister
from borough.payments.services import payment_create
from tests.payments.govuk_pay_stub import GovukPayStub

PURPOSE = "tests.booking"


@dataclass
class Recorder:
    """A purpose's handlers that remember every call (and can be made to fail)."""

    paid: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    raise_on_paid: bool = False

    def on_paid(self, payment: Payment) -> None:
        if self.raise_on_paid:
            raise RuntimeError("The booking could not be confirmed")
        self.paid.append(payment.reference)

    def on_failed(self, payment: Payment) -> None:
        self.failed.append(payment.reference)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    recorder = Recorder()
    purpose_register(PURPOSE, on_paid=recorder.on_paid, on_failed=recorder.on_failed)
    yield recorder
    purpose_unregister(PURPOSE)


@pytest.fixture
def govuk_pay(settings: Any) -> Iterator[GovukPayStub]:
    stub = GovukPayStub().start()
    settings.PAYMENT_PROVIDER = "govuk_pay"
    settings.GOVUK_PAY_BASE_URL = stub.url
    settings.GOVUK_PAY_API_KEY = stub.api_key
    settings.GOVUK_PAY_WEBHOOK_SECRET = stub.webhook_secret
    settings.SITE_URL = "https://council.example"
    yield stub
    stub.stop()


@pytest.fixture
def test_provider(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "test"


@pytest.fixture
def make_payment(district: Any, recorder: Recorder) -> Callable[..., Payment]:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> Payment:
        fields: dict[str, Any] = {
            "organisation": district,
            "amount_pence": 2550,
            "description": "Replacement green bin",
            "purpose": PURPOSE,
            "purpose_id": "42",
            "return_to": "/bins/100040000001/",
            "idempotency_key": f"booking-{next(counter)}",
        }
        fields.update(overrides)
        return payment_create(**fields)

    return make
