"""The shapes of the internal API's requests and answers (and so of its OpenAPI document)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from borough.cases.models import Status
from borough.cases.selectors import StatusFilter
from borough.contacts.models import Channel

# Limits that keep every value inside what the database columns hold.
MAX_ID = 2_147_483_647
MAX_TEXT = 5000
MAX_PAGE = 10_000
MAX_LIMIT = 100
DEFAULT_LIMIT = 25
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"

STATUS_VALUES = list(Status.values)
STATUS_FILTER_VALUES = [f.value for f in StatusFilter] + [
    v for v in Status.values if v not in {f.value for f in StatusFilter}
]


def _no_nul(value: object, depth: int = 0) -> None:
    """Refuse NUL characters anywhere (PostgreSQL cannot store them) and absurd nesting."""
    if depth > 20:
        raise ValueError(_("Answers are nested too deeply"))
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(_("Remove the NUL character"))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _no_nul(key, depth + 1)
            _no_nul(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _no_nul(item, depth + 1)


def not_null(schema: dict[str, Any]) -> None:
    """An optional query parameter is left out, never sent as null: document it as its type
    alone (pydantic writes `anyOf: [type, null]`)."""
    options = schema.pop("anyOf", None)
    if options:
        for option in options:
            if option.get("type") != "null":
                schema.update(option)


def _not_null_enum(values: list[str]) -> Any:
    def extra(schema: dict[str, Any]) -> None:
        not_null(schema)
        schema["type"] = "string"
        schema["enum"] = values

    return extra


class Text(Schema):
    """Base for request bodies: text must not hold NUL characters."""

    @field_validator("*", mode="after")
    @classmethod
    def _check_text(cls, value: Any) -> Any:
        _no_nul(value)
        return value


# -- Errors --------------------------------------------------------------------------------


class ErrorItem(Schema):
    code: str = Field(..., description="Stable and machine-readable, like `stale`")
    message: str = Field(..., description="What went wrong, in words for people")
    field: str | None = Field(None, description="The request field at fault, if any")


class Errors(Schema):
    errors: list[ErrorItem]


# -- Services ------------------------------------------------------------------------------


class OrganisationOut(Schema):
    slug: str
    name: str


class ServiceOut(Schema):
    code: str = Field(..., description="The service code (also its Open311 service_code)")
    name: str
    summary: str
    description: str
    group: str
    kind: str
    keywords: list[str]
    lgsl_code: int | None
    organisation: OrganisationOut
    needs_location: bool
    needs_property: bool
    identity: str
    fee_pence: int
    sla_value: int | None
    sla_unit: str
    public_cases: bool
    form_version: int | None
    answers_schema: dict[str, Any] = Field(
        ..., description="A JSON Schema (draft 2020-12) of the answers the form accepts"
    )


class ServiceList(Schema):
    results: list[ServiceOut]


# -- Cases ---------------------------------------------------------------------------------


class ServiceRef(Schema):
    code: str
    name: str


class TeamOut(Schema):
    id: int
    slug: str
    name: str


class PersonOut(Schema):
    name: str
    email: str


class LocationOut(Schema):
    latitude: float
    longitude: float


class CaseSummary(Schema):
    reference: str
    url: str
    title: str
    service: ServiceRef
    organisation: OrganisationOut
    team: TeamOut | None
    assignee: PersonOut | None
    status: str
    status_label: str
    open311_status: Literal["open", "closed"]
    priority: int
    channel: str
    location: LocationOut | None
    uprn: str | None
    usrn: str | None
    ward: str | None
    is_public: bool
    sla_due_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int = Field(..., description="Send this back with a change to the case")


class ReporterOut(Schema):
    name: str
    email: str
    phone: str
    show_name_publicly: bool


class CaseOut(CaseSummary):
    events_url: str
    answers: dict[str, Any]
    form_version: int
    address: str | None
    reporter: ReporterOut
    resident: PersonOut | None
    duplicate_of: str | None
    external_references: dict[str, str]


class CasePage(Schema):
    count: int
    next: str | None = Field(..., description="The next page, or null on the last")
    previous: str | None
    results: list[CaseSummary]


class CaseListQuery(Schema):
    status: str | None = Field(
        None,
        description="`open` or `closed` for every open or closed status, or one status",
        json_schema_extra=_not_null_enum(STATUS_FILTER_VALUES),
    )
    service: str | None = Field(
        None,
        description="A service code",
        max_length=80,
        pattern=SLUG_PATTERN,
        json_schema_extra=not_null,
    )
    team: int | None = Field(
        None, description="A team id", ge=1, le=MAX_ID, json_schema_extra=not_null
    )
    updated_since: datetime | None = Field(
        None,
        description="Only cases changed at or after this time (with a time zone)",
        json_schema_extra=not_null,
    )
    page: int = Field(1, ge=1, le=MAX_PAGE)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is not None and value not in STATUS_FILTER_VALUES:
            raise ValueError(_("Select a status"))
        return value

    @field_validator("updated_since")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(_("Give the time with its time zone, like 2026-03-05T09:00:00Z"))
        try:
            return value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ValueError(_("Give a time between the years 1 and 9999")) from None


class LocationIn(Schema):
    latitude: float = Field(..., ge=-90, le=90, allow_inf_nan=False)
    longitude: float = Field(..., ge=-180, le=180, allow_inf_nan=False)


class ReporterIn(Text):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)


class CaseCreateIn(Text):
    service_code: str = Field(..., max_length=80, pattern=SLUG_PATTERN)
    channel: Channel = Field(
        Channel.APP, description="How the resident got in touch (`app` for an integration)"
    )
    answers: dict[str, Any] = Field(
        default_factory=dict,
        description="Answers to the service's form: see the service's `answers_schema`",
    )
    location: LocationIn | None = None
    uprn: str | None = Field(None, description="The property's UPRN", pattern=r"^\d{1,12}$")
    reporter: ReporterIn | None = None


class CaseCreateHeaders(Schema):
    idempotency_key: str | None = Field(
        None,
        alias="Idempotency-Key",
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="Send the same key again to get the same case back, not a second one",
        json_schema_extra=not_null,
    )


class UpdateIn(Text):
    kind: Literal["public_update", "internal_note"] = Field(
        ...,
        description="A public update (the resident and followers are told) or an internal note",
    )
    body: str = Field(..., min_length=1, max_length=MAX_TEXT)
    version: int = Field(..., ge=1, le=MAX_ID, description="The case version you last read")


class StatusIn(Text):
    status: Status
    message: str = Field(
        "",
        max_length=MAX_TEXT,
        description="A public update sent with the change; needed to close a case",
    )
    version: int = Field(..., ge=1, le=MAX_ID, description="The case version you last read")


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    at: datetime
    public: bool
    actor: str | None
    body: str
    data: dict[str, Any]


class EventList(Schema):
    reference: str
    results: list[EventOut]
