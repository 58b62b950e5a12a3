"""The GOV.UK Pay adapter: its public API over HTTPS with a bearer API key.

    POST /v1/payments                      create (amount, reference, description, return_url),
                                           with an Idempotency-Key header
    GET  /v1/payments/{id}                 the payment and its `state`
    POST /v1/payments/{id}/cancel          cancel one the resident has not finished
    POST /v1/payments/{id}/refunds         refund (amount, refund_amount_available)
    GET  /v1/payments/{id}/refunds         the payment's refunds

Every call has timeouts. A network failure, a timeout or a 5xx is a `ProviderError` (try again
later); a 4xx is `ProviderRefused` with GOV.UK Pay's error code.
"""

from __future__ import annotations

from typing import Any

import httpx

from borough.payments.providers.base import (
    CreateRequest,
    ProviderError,
    ProviderPayment,
    ProviderRefund,
    ProviderRefused,
    status_from_state,
)

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
REFUND_STATUSES = {"submitted": "submitted", "success": "success", "error": "error"}


def payment_from_json(data: dict[str, Any]) -> ProviderPayment:
    state = data.get("state") or {}
    links = data.get("_links") or {}
    next_url = (links.get("next_url") or {}).get("href") or ""
    refund_summary = data.get("refund_summary") or {}
    available = refund_summary.get("amount_available")
    return ProviderPayment(
        provider_payment_id=str(data["payment_id"]),
        status=status_from_state(str(state.get("status", "")), str(state.get("code", ""))),
        finished=bool(state.get("finished", False)),
        provider_status=str(state.get("status", "")),
        amount_pence=int(data["amount"]),
        next_url=next_url,
        failure_code=str(state.get("code", "")),
        failure_message=str(state.get("message", "")),
        refund_available_pence=int(available) if available is not None else None,
    )


def refund_from_json(data: dict[str, Any]) -> ProviderRefund:
    return ProviderRefund(
        provider_refund_id=str(data["refund_id"]),
        status=REFUND_STATUSES.get(str(data.get("status", "")), "submitted"),
        amount_pence=int(data["amount"]),
    )


class GovukPay:
    name = "govuk_pay"

    def __init__(
        self, *, base_url: str, api_key: str, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.transport = transport

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        idempotency_key: str = "",
    ) -> httpx.Response:
        if not self.api_key:
            raise ProviderError("GOVUK_PAY_API_KEY is not set")
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        try:
            with httpx.Client(timeout=TIMEOUT, transport=self.transport) as client:
                response = client.request(method, self.base_url + path, json=json, headers=headers)
        except httpx.HTTPError as error:
            raise ProviderError(f"GOV.UK Pay could not be reached: {error}") from error
        if response.status_code >= 500:
            raise ProviderError(f"GOV.UK Pay answered {response.status_code}")
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ProviderRefused(
                str(body.get("code", response.status_code)),
                str(body.get("description", response.reason_phrase)),
                response.status_code,
            )
        return response

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError as error:
            raise ProviderError("GOV.UK Pay sent something that is not JSON") from error
        if not isinstance(data, dict):
            raise ProviderError("GOV.UK Pay sent an unexpected answer")
        return data

    def create(self, request: CreateRequest) -> ProviderPayment:
        body: dict[str, Any] = {
            "amount": request.amount_pence,
            "reference": request.reference,
            "description": request.description,
            "return_url": request.return_url,
            "language": "en",
        }
        if request.phone:
            # Mail order / telephone order: the account must have MOTO payments switched on.
            body["moto"] = True
        if request.metadata:
            body["metadata"] = request.metadata
        response = self._request(
            "POST", "/v1/payments", json=body, idempotency_key=request.idempotency_key
        )
        return payment_from_json(self._json(response))

    def status(self, provider_payment_id: str) -> ProviderPayment:
        response = self._request("GET", f"/v1/payments/{provider_payment_id}")
        return payment_from_json(self._json(response))

    def cancel(self, provider_payment_id: str) -> None:
        self._request("POST", f"/v1/payments/{provider_payment_id}/cancel")

    def refund(
        self,
        provider_payment_id: str,
        *,
        amount_pence: int,
        refund_amount_available_pence: int,
        idempotency_key: str,
    ) -> ProviderRefund:
        response = self._request(
            "POST",
            f"/v1/payments/{provider_payment_id}/refunds",
            json={
                "amount": amount_pence,
                "refund_amount_available": refund_amount_available_pence,
            },
            idempotency_key=idempotency_key,
        )
        return refund_from_json(self._json(response))

    def refunds(self, provider_payment_id: str) -> list[ProviderRefund]:
        response = self._request("GET", f"/v1/payments/{provider_payment_id}/refunds")
        embedded = self._json(response).get("_embedded") or {}
        return [refund_from_json(item) for item in embedded.get("refunds") or []]
