"""What a payment is for, and what happens when it is paid or not.

An app that takes payments registers a handler for its purpose key in its
`AppConfig.ready()`:

    from borough.payments.purposes import purpose_register
    purpose_register("waste.container", on_paid=container_paid, on_failed=container_unpaid)

`on_paid(payment)` is called inside the transaction that marks the payment paid, exactly
once, however many times the return, a webhook or the reconciler see it succeed; `on_failed`
likewise when it fails, is cancelled or expires. A handler that raises rolls the payment's
change back (it is tried again next time). Plain functions: no Django signals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from borough.payments.models import Payment

Handler = Callable[["Payment"], None]


@dataclass(frozen=True)
class PurposeHandlers:
    on_paid: Handler
    on_failed: Handler | None = None


_REGISTRY: dict[str, PurposeHandlers] = {}


def purpose_register(key: str, *, on_paid: Handler, on_failed: Handler | None = None) -> None:
    """Register the handlers for `key`. Registering the same handlers again does nothing."""
    handlers = PurposeHandlers(on_paid=on_paid, on_failed=on_failed)
    existing = _REGISTRY.get(key)
    if existing is not None and existing != handlers:
        raise ValueError(f"The payment purpose {key!r} is already registered")
    _REGISTRY[key] = handlers


def purpose_unregister(key: str) -> None:
    _REGISTRY.pop(key, None)


def purpose_handlers(key: str) -> PurposeHandlers | None:
    return _REGISTRY.get(key)


def purpose_known(key: str) -> bool:
    return key in _REGISTRY
