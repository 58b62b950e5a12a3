"""Reads of the service catalogue shared by pages and APIs."""

from __future__ import annotations

from itertools import groupby

from django.db.models import QuerySet

from borough.catalogue.models import Service


def service_list_active() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True, organisation__is_active=True).select_related(
        "organisation"
    )


def service_groups() -> list[tuple[str, list[Service]]]:
    """Active services grouped for browsing, groups and services in name order."""
    services = service_list_active().order_by("group", "name")
    return [(group, list(items)) for group, items in groupby(services, key=lambda s: s.group)]
