from typing import Any

from django.contrib import admin

from borough.waste.models import (
    BulkyBooking,
    BulkyDay,
    BulkyItem,
    BulkyRound,
    CollectionEvent,
    CollectionShift,
    Container,
    ContainerRequest,
    ContainerType,
    GardenSubscription,
    MissedCollection,
    PropertyService,
    Round,
    Stream,
    WasteSettings,
)


@admin.register(Stream)
class StreamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "position"]
    list_filter = ["organisation"]


@admin.register(ContainerType)
class ContainerTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "stream", "fee_pence", "organisation"]
    list_filter = ["organisation"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "weekday", "every_weeks", "anchor_date", "crew_team", "vehicle"]
    list_filter = ["organisation", "weekday", "every_weeks"]
    filter_horizontal = ["streams"]


@admin.register(PropertyService)
class PropertyServiceAdmin(admin.ModelAdmin):
    list_display = ["property", "stream", "round", "assisted", "active_from", "active_to"]
    list_filter = ["organisation", "stream", "assisted"]
    raw_id_fields = ["property"]
    search_fields = ["property__uprn", "property__postcode"]


@admin.register(Container)
class ContainerAdmin(admin.ModelAdmin):
    list_display = ["property", "container_type", "quantity"]
    raw_id_fields = ["property"]
    search_fields = ["property__uprn"]


@admin.register(CollectionShift)
class CollectionShiftAdmin(admin.ModelAdmin):
    """The bank holiday shifts: generated, and edited here."""

    list_display = ["original_date", "new_date", "reason", "organisation"]
    list_filter = ["organisation"]
    date_hierarchy = "original_date"


@admin.register(CollectionEvent)
class CollectionEventAdmin(admin.ModelAdmin):
    list_display = ["date", "round", "property", "stream", "outcome", "source"]
    list_filter = ["organisation", "outcome", "source"]
    raw_id_fields = ["property", "crew"]
    date_hierarchy = "date"


@admin.register(WasteSettings)
class WasteSettingsAdmin(admin.ModelAdmin):
    list_display = ["organisation", "missed_service", "container_service", "assisted_service"]


@admin.register(MissedCollection)
class MissedCollectionAdmin(admin.ModelAdmin):
    list_display = ["case", "property", "stream", "collection_date", "assisted"]
    raw_id_fields = ["case", "property"]


@admin.register(ContainerRequest)
class ContainerRequestAdmin(admin.ModelAdmin):
    list_display = ["case", "property", "container_type", "kind", "quantity", "fee_pence"]
    raw_id_fields = ["case", "property"]


@admin.register(BulkyItem)
class BulkyItemAdmin(admin.ModelAdmin):
    """The bulky items and their prices, per council."""

    list_display = ["name", "code", "price_pence", "form_answer", "position", "is_active"]
    list_filter = ["organisation", "is_active"]


@admin.register(BulkyRound)
class BulkyRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "weekday", "every_weeks", "anchor_date", "capacity", "is_active"]
    list_filter = ["organisation", "weekday"]
    filter_horizontal = ["areas"]


@admin.register(BulkyDay)
class BulkyDayAdmin(admin.ModelAdmin):
    """A bulky round's capacity on one day (0 closes the day)."""

    list_display = ["round", "date", "capacity"]
    list_filter = ["organisation", "round"]
    date_hierarchy = "date"


@admin.register(BulkyBooking)
class BulkyBookingAdmin(admin.ModelAdmin):
    """Read-only: bookings change only through the resident's pages and their payments."""

    list_display = ["pk", "date", "round", "property", "status", "price_pence", "paid_pence"]
    list_filter = ["organisation", "status", "round"]
    raw_id_fields = ["property", "resident", "case"]
    search_fields = ["property__uprn", "case__reference", "payment_reference"]
    date_hierarchy = "date"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(GardenSubscription)
class GardenSubscriptionAdmin(admin.ModelAdmin):
    """Read-only: subscriptions change only through the resident's pages and their payments."""

    list_display = ["pk", "year", "property", "bins", "status", "price_pence", "paid_pence"]
    list_filter = ["organisation", "status", "year"]
    raw_id_fields = ["property", "resident", "case", "renewal_of"]
    search_fields = ["property__uprn", "case__reference", "payment_reference"]
    date_hierarchy = "starts_on"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
