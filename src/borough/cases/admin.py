from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from borough.cases.models import Case, CaseEvent


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "public", "body", "data"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only here: cases change through the back office and `cases.services`."""

    list_display = [
        "reference",
        "service",
        "organisation",
        "team",
        "status",
        "channel",
        "created_at",
    ]
    list_filter = ["organisation", "status", "channel"]
    search_fields = ["reference", "title"]
    inlines = [CaseEventInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
