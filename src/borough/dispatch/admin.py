"""Contractor endpoints are set up here by administrators; dispatches are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from borough.dispatch.models import ContractorEndpoint, Dispatch, ExternalUpdate, Protocol


class ContractorEndpointForm(forms.ModelForm):
    base_url = forms.URLField(max_length=300, assume_scheme="https")

    class Meta:
        model = ContractorEndpoint
        fields = [
            "team",
            "protocol",
            "base_url",
            "api_key",
            "secret",
            "jurisdiction_id",
            "service_codes",
            "status_map",
            "share_reporter_contact",
            "timeout_seconds",
            "active",
        ]
        widgets = {
            "api_key": forms.PasswordInput(render_value=True),
            "secret": forms.PasswordInput(render_value=True),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("protocol") == Protocol.WEBHOOK and not data.get("secret"):
            self.add_error("secret", "Enter the shared secret for the webhook signatures")
        if not str(data.get("base_url", "")).startswith(("https://", "http://")):
            self.add_error("base_url", "Enter a URL starting with https://")
        for name in ("service_codes", "status_map"):
            if not isinstance(data.get(name, {}), dict):
                self.add_error(name, "Enter a JSON object")
        return data

    def save(self, commit: bool = True) -> ContractorEndpoint:
        endpoint = super().save(commit=False)
        endpoint.organisation = endpoint.team.organisation
        if commit:
            endpoint.save()
        return endpoint


@admin.register(ContractorEndpoint)
class ContractorEndpointAdmin(admin.ModelAdmin):
    form = ContractorEndpointForm
    list_display = ["team", "organisation", "protocol", "base_url", "active"]
    list_filter = ["protocol", "active", "organisation"]
    list_select_related = ["team", "organisation"]


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    """Read-only: staff send a dispatch again from /staff/dispatch/."""

    list_display = ["case", "endpoint", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["case__reference", "external_id", "idempotency_key"]
    list_select_related = ["case", "endpoint__team"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExternalUpdate)
class ExternalUpdateAdmin(admin.ModelAdmin):
    list_display = ["received_at", "endpoint", "update_id", "case"]
    search_fields = ["update_id", "case__reference"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
