from django.contrib import admin

from borough.waste.models import (
    CollectionEvent,
    CollectionShift,
    Container,
    ContainerRequest,
    ContainerType,
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
