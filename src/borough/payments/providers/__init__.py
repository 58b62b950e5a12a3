"""Payment providers, chosen by the PAYMENT_PROVIDER setting (test or govuk_pay).

A payment remembers the provider it was made with, so switching the setting never strands a
payment that is under way."""

from __future__ import annotations

from django.conf import settings

from borough.payments.providers.base import (
    CreateRequest,
    PaymentProvider,
    ProviderError,
    ProviderPayment,
    ProviderRefund,
    ProviderRefused,
)

__all__ = [
    "CreateRequest",
    "PaymentProvider",
    "ProviderError",
    "ProviderPayment",
    "ProviderRefund",
    "ProviderRefused",
    "provider_default",
    "provider_for",
]


def provider_for(name: str) -> PaymentProvider:
    if name == "govuk_pay":
        from borough.payments.providers.govuk_pay import GovukPay

        return GovukPay(
            base_url=settings.GOVUK_PAY_BASE_URL,
            api_key=settings.GOVUK_PAY_API_KEY,
        )
    if name == "test":
        from borough.payments.providers.test_provider import TestProvider

        return TestProvider()
    raise ValueError(f"Unknown payment provider {name!r}")


def provider_default() -> str:
    """The provider new payments use."""
    return str(settings.PAYMENT_PROVIDER)
