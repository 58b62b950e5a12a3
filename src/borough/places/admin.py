from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from borough.places import geo
from borough.places.models import Area, Property, Street
from borough.places.services import area_create, area_update_boundary


class AreaForm(forms.ModelForm[Area]):
    class Meta:
        model = Area
        fields = ["kind", "name", "code", "organisation", "boundary"]

    def clean_boundary(self) -> Any:
        boundary = self.cleaned_data["boundary"]
        try:
            geo.boundary_from_geojson(boundary)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return boundary


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    form = AreaForm
    list_display = ["name", "kind", "code", "organisation", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["organisation"]
    readonly_fields = ["min_lat", "min_lon", "max_lat", "max_lon", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Area, form: Any, change: bool) -> None:
        # The boundary goes through the services, which store the bounding box and move
        # properties between wards.
        if not change:
            area = area_create(
                kind=obj.kind,
                name=obj.name,
                boundary=form.cleaned_data["boundary"],
                code=obj.code,
                organisation=obj.organisation,
            )
            obj.pk = area.pk
            obj._state.adding = False
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)
        if "boundary" in form.changed_data:
            area_update_boundary(area=obj, boundary=form.cleaned_data["boundary"])


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin[Street]):
    list_display = ["usrn", "name", "locality", "town", "highway_authority"]
    search_fields = ["usrn", "name", "town"]
    raw_id_fields = ["highway_authority"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Property)
class PropertyAdmin(admin.ModelAdmin[Property]):
    list_display = ["uprn", "first_line", "town", "postcode", "ward", "classification"]
    list_filter = ["classification"]
    search_fields = ["uprn", "postcode", "postcode_key", "street_name", "paon", "saon"]
    raw_id_fields = ["street", "ward"]
    readonly_fields = ["created_at", "updated_at"]
    list_select_related = ["ward"]
