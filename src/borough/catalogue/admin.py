from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from borough.catalogue.models import FormDefinition, RoutingRule, Service


class RoutingRuleInline(admin.TabularInline):
    model = RoutingRule
    extra = 0
    raw_id_fields = ["team", "area", "organisation"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "organisation", "group", "kind", "lgsl_code", "is_active"]
    list_filter = ["organisation", "group", "kind", "is_active"]
    search_fields = ["name", "code", "keywords"]
    inlines = [RoutingRuleInline]


@admin.register(FormDefinition)
class FormDefinitionAdmin(admin.ModelAdmin):
    """Form versions are published through `form_publish`; the admin only shows them."""

    list_display = ["service", "version", "created_at"]
    list_filter = ["service__organisation"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
