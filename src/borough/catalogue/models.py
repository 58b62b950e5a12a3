"""Services a resident can use, their versioned form definitions, and routing rules."""

from __future__ import annotations

from django.db import models

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

    Rules are tried in ascending `priority`; the first that matches wins. `organisation` is the
    organisation whose team takes the case.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="routing_rules")
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
        return f"{self.service.code} #{self.priority} -> {self.team}"
