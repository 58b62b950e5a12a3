from django.contrib import admin

from borough.contacts.models import ChannelCost, Contact


@admin.register(ChannelCost)
class ChannelCostAdmin(admin.ModelAdmin):
    list_display = ["channel", "organisation", "valid_from", "cost_pence", "source"]
    list_filter = ["channel", "organisation"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "organisation",
        "channel",
        "outcome",
        "avoidable",
        "resolved_at_first_contact",
    ]
    list_filter = ["organisation", "channel", "outcome"]
    raw_id_fields = ["resident", "case", "staff", "service"]
