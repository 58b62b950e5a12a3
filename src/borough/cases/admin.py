from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from borough.cases.models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only, and without the resident's details: who reported it, what they wrote and
    the timeline are read in the back office (`backoffice:case`), which checks the reader's
    role and organisation and writes the read to the audit trail. The admin is for operators
    finding a case by its reference."""

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
    search_fields = ["reference"]
    list_select_related = ["service", "organisation", "team"]
    FIELDS = (
        "reference",
        "back_office",
        "organisation",
        "service",
        "team",
        "status",
        "named_status",
        "priority",
        "channel",
        "form_version",
        "is_public",
        "sla_due_at",
        "sla_paused_at",
        "created_at",
        "updated_at",
        "closed_at",
        "version",
    )
    fields = FIELDS
    readonly_fields = FIELDS

    @admin.display(description=_("In the back office"))
    def back_office(self, case: Case) -> str:
        url = reverse("backoffice:case", kwargs={"reference": case.reference})
        return format_html('<a href="{}">{}</a>', url, _("Open the case"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
