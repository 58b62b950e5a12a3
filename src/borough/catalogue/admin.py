from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from borough.catalogue.models import (
    CaseStatus,
    FormDefinition,
    ResponseTemplate,
    RoutingRule,
    Service,
)


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


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Every rule, including an organisation's rules for all its services (no service), which
    the service pages' lists do not show."""

    list_display = ["__str__", "organisation", "service", "priority", "area", "team"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "service", "area", "team__organisation"]
    raw_id_fields = ["team", "area", "organisation", "service"]


@admin.register(FormDefinition)
class FormDefinitionAdmin(admin.ModelAdmin):
    """Form versions are published through `form_publish`; the admin only shows them."""

    list_display = ["service", "version", "created_at"]
    list_filter = ["service__organisation"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseStatus)
class CaseStatusAdmin(admin.ModelAdmin):
    """Each council's names for statuses; `clean` checks the service is the council's."""

    list_display = ["name", "base_status", "organisation", "service", "position", "is_active"]
    list_filter = ["organisation", "base_status", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["organisation", "service"]


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    """Words staff pick for a public update; `clean` checks the placeholders."""

    list_display = ["title", "organisation", "service", "case_status", "base_status", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["title", "body"]
    raw_id_fields = ["organisation", "service", "case_status"]
