"""Tenancy (organisations and their teams), roles, audit and worker health."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from borough.core.branding import (
    colour_contrast_validate,
    footer_link_validate,
    logo_url_validate,
    logo_validate,
)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OrganisationKind(models.TextChoices):
    UNITARY = "unitary", "Unitary council"
    COUNTY = "county", "County council"
    DISTRICT = "district", "District council"
    CONTRACTOR = "contractor", "Contractor"
    PARTNER = "partner", "Partner agency"


COUNCIL_KINDS = (OrganisationKind.UNITARY, OrganisationKind.COUNTY, OrganisationKind.DISTRICT)

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour like #1d70b8"))


class Organisation(TimeStampedModel):
    """A tenant: a council, a contractor or a partner agency."""

    slug = models.SlugField(unique=True, max_length=60)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    # Prefix of case references raised for this organisation, e.g. "CDC".
    reference_prefix = models.CharField(
        max_length=4, validators=[RegexValidator(r"^[A-Z]{2,4}$", "Use 2 to 4 capital letters")]
    )
    # The area it serves, as a GeoJSON Polygon or MultiPolygon geometry (WGS84).
    boundary = models.JSONField(null=True, blank=True)
    # Branding: shown in the Generic header and emails; see docs/branding.md.
    # The header's background, under white text: at least 4.5:1 against white.
    brand_colour = models.CharField(
        "header colour",
        max_length=7,
        default="#1d70b8",
        validators=[hex_colour, colour_contrast_validate],
    )
    # The colour of links on the page's white background: at least 4.5:1 against white.
    link_colour = models.CharField(
        max_length=7, default="#1d70b8", validators=[hex_colour, colour_contrast_validate]
    )
    # The name in the header and footer; the organisation's name when blank.
    display_name = models.CharField(max_length=200, blank=True)
    # A logo uploaded by an administrator: PNG or JPEG only (never SVG, which can carry script).
    logo = models.ImageField(upload_to="branding/", blank=True, validators=[logo_validate])
    # Or a logo the deployment ships: a static path ("branding/wessex.png") or an https URL.
    logo_url = models.CharField(max_length=300, blank=True, validators=[logo_url_validate])
    # Footer links: a path on this site ("/accessibility") or an https URL.
    contact_url = models.CharField(
        "contact link", max_length=300, blank=True, validators=[footer_link_validate]
    )
    accessibility_url = models.CharField(
        "accessibility statement link",
        max_length=300,
        blank=True,
        validators=[footer_link_validate],
    )
    privacy_url = models.CharField(
        "privacy notice link", max_length=300, blank=True, validators=[footer_link_validate]
    )
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_council(self) -> bool:
        return self.kind in COUNCIL_KINDS


class TenantOwned(models.Model):
    """Every tenant-owned row carries its organisation; see `borough.core.tenancy`."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)

    class Meta:
        abstract = True


class Team(TenantOwned, TimeStampedModel):
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    # The queue that takes cases no routing rule placed.
    is_fallback = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="team_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class Role(models.TextChoices):
    ADVISOR = "advisor", "Advisor"
    CASEWORKER = "caseworker", "Caseworker"
    FIELD_OFFICER = "field_officer", "Field officer"
    TEAM_LEADER = "team_leader", "Team leader"
    CONTRACTOR = "contractor", "Contractor"
    ADMINISTRATOR = "administrator", "Administrator"
    AUDITOR = "auditor", "Auditor"


class AuditEntry(models.Model):
    """Who read or changed what, and when. Written by `core.services.audit_record`."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type}"


class WorkerHeartbeat(models.Model):
    """Each running task worker updates its row every few seconds; /healthz reads them."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class ScheduledJob(models.Model):
    """A periodic job's last run, so that of several workers only one enqueues it each time.

    A worker claims the job by locking its row (`select_for_update(skip_locked=True)`) and
    moving `last_run_at` on; see `core.management.commands.worker.job_claim`.
    """

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    # Which worker claimed it last, for operators.
    claimed_by = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.name
