"""The gazetteer: properties (UPRN), streets (USRN) and areas (wards, boundaries)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models

from borough.core.models import Organisation, TimeStampedModel

uprn_validator = RegexValidator(r"^[0-9]{1,12}$", "A UPRN is up to 12 digits")
usrn_validator = RegexValidator(r"^[0-9]{1,8}$", "A USRN is up to 8 digits")


class AreaKind(models.TextChoices):
    WARD = "ward", "Ward"
    ORGANISATION = "organisation", "Organisation boundary"
    PARISH = "parish", "Parish"
    ZONE = "zone", "Operational zone"


class Area(TimeStampedModel):
    """A named polygon (GeoJSON geometry, WGS84) with its bounding box for quick filtering."""

    kind = models.CharField(max_length=20, choices=AreaKind.choices)
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=20, blank=True, help_text="ONS code, e.g. E05012345")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="areas"
    )
    boundary = models.JSONField()
    min_lat = models.FloatField()
    min_lon = models.FloatField()
    max_lat = models.FloatField()
    max_lon = models.FloatField()

    class Meta:
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["kind", "min_lat", "max_lat", "min_lon", "max_lon"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Street(TimeStampedModel):
    usrn = models.CharField("USRN", max_length=8, unique=True, validators=[usrn_validator])
    name = models.CharField(max_length=200)
    locality = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100)
    # The highway authority (the county in a two-tier area).
    highway_authority = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name", "town"]

    def __str__(self) -> str:
        return f"{self.name}, {self.town}"


class PropertyClass(models.TextChoices):
    RESIDENTIAL = "residential", "Residential"
    COMMERCIAL = "commercial", "Commercial"
    OTHER = "other", "Other"


class Property(TimeStampedModel):
    """An addressable place, keyed by its UPRN, with BS7666-style address parts."""

    uprn = models.CharField("UPRN", max_length=12, unique=True, validators=[uprn_validator])
    saon = models.CharField("secondary addressable object", max_length=100, blank=True)
    paon = models.CharField("primary addressable object", max_length=100, blank=True)
    street = models.ForeignKey(
        Street, null=True, blank=True, on_delete=models.SET_NULL, related_name="properties"
    )
    street_name = models.CharField(max_length=200)
    locality = models.CharField(max_length=100, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=8)
    # Upper case without spaces, for lookups: "DT1 1AA" -> "DT11AA".
    postcode_key = models.CharField(max_length=8, db_index=True, editable=False)
    latitude = models.FloatField()
    longitude = models.FloatField()
    easting = models.FloatField(null=True, blank=True)
    northing = models.FloatField(null=True, blank=True)
    ward = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="properties"
    )
    classification = models.CharField(
        max_length=20, choices=PropertyClass.choices, default=PropertyClass.RESIDENTIAL
    )

    class Meta:
        ordering = ["postcode_key", "street_name", "paon", "saon"]
        verbose_name_plural = "properties"

    def __str__(self) -> str:
        return self.address

    def save(self, *args: object, **kwargs: object) -> None:
        from borough.places.postcodes import postcode_key

        self.postcode_key = postcode_key(self.postcode)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def first_line(self) -> str:
        parts = [self.saon, f"{self.paon} {self.street_name}".strip()]
        return ", ".join(part for part in parts if part)

    @property
    def address(self) -> str:
        parts = [self.first_line, self.locality, self.town, self.postcode]
        return ", ".join(part for part in parts if part)
