from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from borough.core.models import AuditEntry, Organisation, Team, WorkerHeartbeat


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "ons_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug", "ons_code"]
    prepopulated_fields = {"slug": ["name"]}
    # An address typed without a scheme is taken as https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "is_fallback", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["name", "slug"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "organisation"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.register(WorkerHeartbeat)
