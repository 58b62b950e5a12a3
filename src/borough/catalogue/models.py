"""Services a resident can use, their versioned form definitions, and routing rules."""

from __future__ import annotations

import re
from typing import Final

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from borough.cases.models import CLOSED_STATUSES, Status
from borough.core.models import Team, TenantOwned, TimeStampedModel


class ServiceKind(models.TextChoices):
    REPORT = "report", "Report"
    REQUEST = "request", "Request"
    APPLY = "apply", "Apply"
    BOOK = "book", "Book"
    PAY = "pay", "Pay"
    TELL = "tell", "Tell"


class SlaUnit(models.TextChoices):
    WORKING_DAYS = "working_days", "working days"
    WORKING_HOURS = "working_hours", "working hours"
    CALENDAR_DAYS = "calendar_days", "calendar days"


class Identity(models.TextChoices):
    """What a resident must have to use the service."""

    ANONYMOUS = "anonymous", "Anyone, with an email address"
    ACCOUNT = "account", "A Borough account"
    VERIFIED = "verified", "An account with verified identity"


class Service(TenantOwned, TimeStampedModel):
    # The Open311 service_code: unique across the deployment, stable once published.
    code = models.SlugField(unique=True, max_length=80)
    name = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, help_text="One sentence for the service list")
    description = models.TextField(blank=True, help_text="What the start page says")
    group = models.CharField(max_length=100)
    keywords = models.JSONField(default=list, blank=True)
    lgsl_code = models.PositiveIntegerField("LGSL code", null=True, blank=True)
    kind = models.CharField(max_length=10, choices=ServiceKind.choices)
    needs_location = models.BooleanField(default=False, help_text="Asks for a map point")
    needs_property = models.BooleanField(default=False, help_text="Asks for an address (UPRN)")
    identity = models.CharField(max_length=10, choices=Identity.choices, default=Identity.ACCOUNT)
    fee_pence = models.PositiveIntegerField(default=0)
    sla_value = models.PositiveIntegerField(null=True, blank=True)
    sla_unit = models.CharField(
        max_length=20, choices=SlaUnit.choices, default=SlaUnit.WORKING_DAYS
    )
    public_cases = models.BooleanField(
        default=False, help_text="Cases are shown on public pages (street reports)"
    )
    # The team that takes the service's cases when no routing rule matches.
    default_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    other_ways = models.TextField(blank=True, help_text="Other ways to get this service")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_account(self) -> bool:
        return self.identity != Identity.ANONYMOUS

    @property
    def needs_verified_identity(self) -> bool:
        return self.identity == Identity.VERIFIED

    @property
    def current_form(self) -> FormDefinition | None:
        return self.forms.order_by("-version").first()


class FormDefinition(TimeStampedModel):
    """One published version of a service's form. Never edited: a change is a new version."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="forms")
    version = models.PositiveIntegerField()
    definition = models.JSONField()

    class Meta:
        ordering = ["service", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "version"], name="form_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} v{self.version}"


class RoutingRule(TenantOwned, TimeStampedModel):
    """Sends a service's cases to a team, when the case is in an area and its answers match.

    Rules are tried in ascending `priority` (at the same priority a service's own rules before
    its organisation's); the first that matches wins. `organisation` is the organisation whose
    team takes the case. A rule with no `service` is the organisation's for every one of its
    services ("cases in the North ward go to the North area team").
    """

    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("Leave empty for a rule every service of the organisation uses"),
    )
    priority = models.PositiveIntegerField(default=100)
    area = models.ForeignKey(
        "places.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # {"question_id": "value"} or {"question_id": ["one of", "these"]}: all must match.
    answers = models.JSONField(default=dict, blank=True)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["service", "priority", "id"]

    def __str__(self) -> str:
        applies = self.service.code if self.service else "every service"
        return f"{applies} #{self.priority} -> {self.team}"


# -- Named statuses and response templates -----------------------------------------------------

# Base statuses a named status may not stand for: "waiting for the resident" is set by asking
# the resident for information (which stops the SLA clock), and a duplicate by marking it so.
UNNAMEABLE_STATUSES: Final = frozenset({Status.WAITING, Status.DUPLICATE})
NAMEABLE_STATUSES: Final = [(s.value, s.label) for s in Status if s not in UNNAMEABLE_STATUSES]


class CaseStatus(TenantOwned, TimeStampedModel):
    """A status a council names for its cases ("Crew booked", "Removed"), for all of its
    services or for one (`service`). Each stands for one of the base statuses (FixMyStreet's
    set), which Open311, SLA clocks and queues use, and so is open or closed.

    A service's list is its own named statuses when it has any, otherwise its organisation's
    (those with no service); with neither, staff choose from the base statuses."""

    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="case_statuses",
        help_text=_("Leave empty for a status every service of the organisation uses"),
    )
    name = models.CharField(
        max_length=80, help_text=_("What staff, the resident and the public see")
    )
    base_status = models.CharField(
        max_length=40,
        choices=NAMEABLE_STATUSES,
        help_text=_("What the status means to Open311, SLA clocks and queues"),
    )
    position = models.PositiveSmallIntegerField(default=100, help_text=_("Order in the list"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation", "service", "position", "name", "id"]
        verbose_name_plural = "case statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service", "name"], name="case_status_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({Status(self.base_status).label})"

    @property
    def is_closed(self) -> bool:
        return self.base_status in CLOSED_STATUSES

    def clean(self) -> None:
        super().clean()
        if self.base_status in UNNAMEABLE_STATUSES:
            raise ValidationError({"base_status": _("Select a status other than this one")})
        service = self.service if self.service_id is not None else None
        if (
            service is not None
            and self.organisation_id is not None
            and service.organisation_id != self.organisation_id
        ):
            raise ValidationError({"service": _("Select a service of the status's organisation")})


# The placeholders a response template may use, each replaced by text about the case.
TEMPLATE_PLACEHOLDERS: Final = ("reference", "service", "status", "organisation", "where")
PLACEHOLDER_RE: Final = re.compile(r"\{([a-z_]+)\}")


class ResponseTemplate(TenantOwned, TimeStampedModel):
    """Words a caseworker picks to fill a public update or a resolution, for all of an
    organisation's services or for one, and optionally for one status: choosing that status
    picks the template. Placeholders in braces ({reference}, {service}, {status},
    {organisation}, {where}) are filled in with the case's details as plain text."""

    service = models.ForeignKey(
        Service,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="response_templates",
        help_text=_("Leave empty for a template every service of the organisation uses"),
    )
    title = models.CharField(max_length=100, help_text=_("How staff find it in the list"))
    body = models.TextField(
        help_text=_(
            "The update the resident reads. You can use {reference}, {service}, {status}, "
            "{organisation} and {where}."
        )
    )
    # Choosing this status picks the template.
    case_status = models.ForeignKey(
        CaseStatus,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response_templates",
        help_text=_("Choosing this named status picks the template"),
    )
    base_status = models.CharField(
        max_length=40,
        choices=Status.choices,
        blank=True,
        help_text=_("For services with no named statuses: choosing this status picks the template"),
    )
    position = models.PositiveSmallIntegerField(default=100, help_text=_("Order in the list"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation", "position", "title", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        unknown = sorted(
            {name for name in PLACEHOLDER_RE.findall(self.body)} - set(TEMPLATE_PLACEHOLDERS)
        )
        if unknown:
            errors["body"] = str(
                _("Remove {names}: the placeholders you can use are {allowed}")
            ).format(
                names=", ".join("{" + name + "}" for name in unknown),
                allowed=", ".join("{" + name + "}" for name in TEMPLATE_PLACEHOLDERS),
            )
        if self.organisation_id is not None:
            service = self.service if self.service_id is not None else None
            if service is not None and service.organisation_id != self.organisation_id:
                errors["service"] = str(_("Select a service of the template's organisation"))
            status = self.case_status
            if status is not None and status.organisation_id != self.organisation_id:
                errors["case_status"] = str(_("Select a status of the template's organisation"))
        if errors:
            raise ValidationError(errors)
