"""Reads the resident pages need: the services a resident may use, and their groups."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.utils.text import slugify

from borough.cases.models import Case
from borough.catalogue.models import FormDefinition, Service
from borough.catalogue.selectors import service_groups, service_list_active
from borough.portal.journey import submitted_by_session


@dataclass(frozen=True)
class ServiceGroup:
    name: str
    slug: str
    services: list[Service]


def service_group_list() -> list[ServiceGroup]:
    """Active services by group, for browsing: groups and services in name order."""
    return [
        ServiceGroup(name=name, slug=slugify(name), services=services)
        for name, services in service_groups()
    ]


def service_group_by_slug(slug: str) -> ServiceGroup | None:
    for group in service_group_list():
        if group.slug == slug:
            return group
    return None


def service_for_resident(code: str) -> Service | None:
    """The active service with this code (of an active organisation), or None."""
    return service_list_active().filter(code=code).first()


def service_form(service: Service) -> FormDefinition | None:
    """The service's current form version."""
    return service.forms.order_by("-version").first()


def case_submitted_in_session(*, session: SessionBase, code: str, reference: str) -> Case | None:
    """The case this browser sent, for its confirmation page; None for anyone else's case.

    A confirmation page shows a reference, so only the session that sent the case may see it.
    """
    if not submitted_by_session(session, reference):
        return None
    return (
        Case.objects.select_related("service", "organisation")
        .filter(reference=reference, service__code=code)
        .first()
    )
