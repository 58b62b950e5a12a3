"""Payment pages: where the resident comes back from the provider, the test provider's card
page, and GOV.UK Pay's webhooks. Views parse, call a service and render."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from borough.payments import services
from borough.payments.models import PaymentStatus
from borough.payments.money import pounds
from borough.payments.providers import ProviderError
from borough.payments.providers.base import (
    CODE_CANCELLED_BY_USER,
    CODE_DECLINED,
    CODE_EXPIRED,
)
from borough.payments.providers.test_provider import (
    CARD_DECLINED,
    CARD_SUCCEEDS,
    card_page_finish,
    card_page_open,
)

logger = logging.getLogger("borough.payments")

SIGNATURE_HEADER = "Pay-Signature"


def _outcome(status: str, code: str) -> str:
    if status in {
        PaymentStatus.SUCCESS,
        PaymentStatus.PARTIALLY_REFUNDED,
        PaymentStatus.REFUNDED,
    }:
        return "paid"
    if status == PaymentStatus.CANCELLED:
        return "cancelled"
    if status == PaymentStatus.FAILED:
        return {CODE_DECLINED: "declined", CODE_EXPIRED: "expired"}.get(code, "failed")
    if status == PaymentStatus.ERROR:
        return "failed"
    return "checking"


@never_cache
@require_safe
def payment_return(request: HttpRequest, token: str) -> HttpResponse:
    """Back from the provider's pages. The URL names the payment; its status is asked of the
    provider, never read from the URL."""
    payment = services.payment_return(token=token)
    if payment is None:
        raise Http404("No such payment")
    return render(
        request,
        "payments/result.html",
        {
            "payment": payment,
            "outcome": _outcome(payment.status, payment.failure_code),
            "amount": pounds(payment.amount_pence),
        },
    )


# -- The test provider's card page -------------------------------------------------------

_DIGITS = re.compile(r"^\d+$")


def _card_errors(data: Any) -> tuple[dict[str, str], str]:
    """Errors by field id, and the card number (digits only) when there are none."""
    errors: dict[str, str] = {}
    number = re.sub(r"[\s-]", "", data.get("card-number", ""))
    if not number:
        errors["card_number"] = _("Enter the card number")
    elif not _DIGITS.match(number) or not 12 <= len(number) <= 19:
        errors["card_number"] = _("Enter a card number of 12 to 19 digits")
    elif number not in {CARD_SUCCEEDS, CARD_DECLINED}:
        errors["card_number"] = _("Enter one of the test card numbers shown on this page")
    month = data.get("expiry-month", "").strip()
    year = data.get("expiry-year", "").strip()
    if not month or not year:
        errors["expiry"] = _("Enter the expiry date")
    elif not (_DIGITS.match(month) and _DIGITS.match(year)) or not 1 <= int(month) <= 12:
        errors["expiry"] = _("Expiry date must be a real date")
    else:
        full_year = int(year) + 2000 if len(year) <= 2 else int(year)
        today = date.today()
        if (full_year, int(month)) < (today.year, today.month):
            errors["expiry"] = _("Expiry date must be in the future")
    if not data.get("name", "").strip():
        errors["name"] = _("Enter the name on the card")
    cvc = data.get("cvc", "").strip()
    if not cvc:
        errors["cvc"] = _("Enter the security code")
    elif not _DIGITS.match(cvc) or len(cvc) not in (3, 4):
        errors["cvc"] = _("Security code must be 3 or 4 digits")
    return errors, number


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def test_card(request: HttpRequest, provider_payment_id: str) -> HttpResponse:
    """The built-in test provider's card page: plainly a test, it takes no money."""
    row = card_page_open(provider_payment_id)
    if row is None:
        raise Http404("No such payment")
    if row.status not in {"created", "started"}:
        return redirect(row.return_path)
    errors: dict[str, str] = {}
    values = {"expiry_month": "", "expiry_year": "", "name": ""}
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            card_page_finish(
                provider_payment_id=provider_payment_id,
                status="failed",
                code=CODE_CANCELLED_BY_USER,
            )
            return redirect(row.return_path)
        errors, number = _card_errors(request.POST)
        if not errors:
            if number == CARD_SUCCEEDS:
                card_page_finish(provider_payment_id=provider_payment_id, status="success")
            else:
                card_page_finish(
                    provider_payment_id=provider_payment_id, status="failed", code=CODE_DECLINED
                )
            return redirect(row.return_path)
        # Never send card details back to the page, except the harmless ones.
        values.update(
            {
                "expiry_month": request.POST.get("expiry-month", "")[:2],
                "expiry_year": request.POST.get("expiry-year", "")[:4],
                "name": request.POST.get("name", "")[:100],
            }
        )
    anchors = {"card_number": "card-number", "expiry": "expiry-month", "name": "name", "cvc": "cvc"}
    return render(
        request,
        "payments/test_card.html",
        {
            "row": row,
            "amount": pounds(row.amount_pence),
            "errors": errors,
            "error_list": [
                (errors[key], f"#{anchor}") for key, anchor in anchors.items() if key in errors
            ],
            "values": values,
        },
        status=400 if errors else 200,
    )


# -- GOV.UK Pay webhooks -----------------------------------------------------------------


@csrf_exempt
@require_POST
def govuk_pay_webhook(request: HttpRequest) -> HttpResponse:
    """GOV.UK Pay's webhook messages, signed with the webhook's signing secret."""
    try:
        outcome = services.payment_webhook_receive(
            body=request.body,
            signature=request.headers.get(SIGNATURE_HEADER, ""),
            secret=settings.GOVUK_PAY_WEBHOOK_SECRET,
        )
    except ProviderError:
        logger.warning("GOV.UK Pay webhook could not be checked with GOV.UK Pay")
        return JsonResponse({"error": "unavailable"}, status=503)
    if outcome == services.WebhookOutcome.BAD_SIGNATURE:
        return JsonResponse({"error": "signature"}, status=401)
    if outcome == services.WebhookOutcome.MALFORMED:
        return JsonResponse({"error": "malformed"}, status=400)
    return JsonResponse({"result": str(outcome)})
