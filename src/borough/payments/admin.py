from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from borough.payments.models import Payment, PaymentEvent, Refund

REFUND_FIELDS = ("amount_pence", "status", "provider_refund_id", "reason", "created_at")
EVENT_FIELDS = ("at", "kind", "source", "status", "data")


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = REFUND_FIELDS
    readonly_fields = REFUND_FIELDS


class PaymentEventInline(admin.TabularInline):
    model = PaymentEvent
    extra = 0
    can_delete = False
    fields = EVENT_FIELDS
    readonly_fields = EVENT_FIELDS


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "organisation", "amount_pence", "status", "provider", "channel"]
    list_filter = ["status", "provider", "channel", "organisation"]
    search_fields = ["reference", "provider_payment_id"]
    inlines = [RefundInline, PaymentEventInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A status only ever comes from the provider, through the services.
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
