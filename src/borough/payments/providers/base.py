"""What every payment provider offers Borough: create, check, refund, cancel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class ProviderError(Exception):
    """The provider could not be asked (network, timeout, its own fault): try again later."""


class ProviderRefused(ProviderError):
    """The provider refused the request (GOV.UK Pay error codes such as P0604)."""

    def __init__(self, code: str, description: str, status: int = 400) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description
        self.status = status


@dataclass(frozen=True)
class ProviderPayment:
    """What the provider says about one payment. `status` is one of `PaymentStatus`."""

    provider_payment_id: str
    status: str
    finished: bool
    provider_status: str
    amount_pence: int
    next_url: str = ""
    failure_code: str = ""
    failure_message: str = ""
    refund_available_pence: int | None = None


@dataclass(frozen=True)
class ProviderRefund:
    provider_refund_id: str
    status: str  # one of RefundStatus
    amount_pence: int


@dataclass(frozen=True)
class CreateRequest:
    amount_pence: int
    reference: str
    description: str
    return_url: str
    idempotency_key: str
    phone: bool = False
    metadata: dict[str, str] = field(default_factory=dict)


class PaymentProvider(Protocol):
    name: str

    def create(self, request: CreateRequest) -> ProviderPayment: ...

    def status(self, provider_payment_id: str) -> ProviderPayment: ...

    def cancel(self, provider_payment_id: str) -> None: ...

    def refund(
        self,
        provider_payment_id: str,
        *,
        amount_pence: int,
        refund_amount_available_pence: int,
        idempotency_key: str,
    ) -> ProviderRefund: ...

    def refunds(self, provider_payment_id: str) -> list[ProviderRefund]: ...


# GOV.UK Pay's failure codes (state.code); the test provider uses the same ones.
CODE_DECLINED = "P0010"
CODE_EXPIRED = "P0020"
CODE_CANCELLED_BY_USER = "P0030"
CODE_CANCELLED_BY_SERVICE = "P0040"
CODE_ERROR = "P0050"


def status_from_state(status: str, code: str = "") -> str:
    """Borough's `PaymentStatus` for a GOV.UK Pay `state` (status and code)."""
    if status == "failed" and code == CODE_CANCELLED_BY_USER:
        return "cancelled"
    if status == "capturable":
        # Delayed capture is not used: treat as submitted until it is captured.
        return "submitted"
    if status in {"created", "started", "submitted", "success", "failed", "cancelled", "error"}:
        return status
    return "error"
