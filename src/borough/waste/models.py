# ruff: noqa: RUF001
"""Waste collections: streams, container types, rounds, each property's collections and
containers, bank holiday shifts, crews' collection events, and the cases residents raise
about them (missed collections, container requests).

Every row is owned by the council that collects (`organisation`). How the dates are worked
out is in `borough.waste.schedule`; the rules for reporting are in `borough.waste.services`.
"""

from __future__ import annotations

import builtins
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from borough.core.models import Organisation, Team, TenantOwned, TimeStampedModel


class StreamKind(models.TextChoices):
    REFUSE = "refuse", _("Refuse")
    RECYCLING = "recycling", _("Recycling")
    FOOD = "food", _("Food waste")
    GARDEN = "garden", _("Garden waste")


class Stream(TenantOwned, TimeStampedModel):
    """A kind of waste collected separately, named as the council names it ("Rubbish")."""

    kind = models.CharField(max_length=20, choices=StreamKind.choices)
    name = models.CharField(max_length=100, help_text=_("What residents call it: Rubbish"))
    # The value of the missed-collection service's "which bin" answer for this stream.
    missed_answer = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("The answer to the missed-collection form's bin question for this stream"),
    )
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["organisation", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="waste_stream_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ContainerType(TenantOwned, TimeStampedModel):
    """A bin, box or caddy for a stream."""

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="container_types")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    # The value of the container-request service's "what do you need" answer.
    request_answer = models.CharField(max_length=60, blank=True)
    # What a replacement or an extra one costs; the first containers for a new home are free.
    fee_pence = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["organisation", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="waste_container_type_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")


class Round(TenantOwned, TimeStampedModel):
    """A crew and vehicle collecting some streams on one weekday, every `every_weeks` weeks,
    in the weeks of `anchor_date` (a day the round collects)."""

    name = models.CharField(max_length=100)
    streams = models.ManyToManyField(Stream, related_name="rounds")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    every_weeks = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    anchor_date = models.DateField(help_text=_("A day this round collects on"))
    crew_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="waste_rounds"
    )
    vehicle = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation", "weekday", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="waste_round_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if (
            self.anchor_date
            and self.weekday is not None
            and self.anchor_date.weekday() != self.weekday
        ):
            raise ValidationError({"anchor_date": _("Enter a date on the round’s collection day")})


class PropertyService(TenantOwned, TimeStampedModel):
    """Which round collects a stream from a property (UPRN), from when until when."""

    property = models.ForeignKey(
        "places.Property", on_delete=models.CASCADE, related_name="waste_services"
    )
    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="property_services")
    assisted = models.BooleanField(
        default=False, help_text=_("The crew collects the bins from where they are kept")
    )
    active_from = models.DateField(null=True, blank=True)
    active_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["property", "stream__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "stream"], name="waste_property_service_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.property_id} {self.stream} ({self.round})"


class Container(TenantOwned, TimeStampedModel):
    property = models.ForeignKey(
        "places.Property", on_delete=models.CASCADE, related_name="waste_containers"
    )
    container_type = models.ForeignKey(ContainerType, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["property", "container_type"], name="waste_container_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.container_type}"


class CollectionShift(TenantOwned, TimeStampedModel):
    """A collection day moved, usually by a bank holiday: every round of the organisation that
    would collect on `original_date` collects on `new_date` instead. Generated from the bank
    holidays (`services.collection_shifts_generate`) and editable."""

    original_date = models.DateField()
    new_date = models.DateField()
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["organisation", "original_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "original_date"], name="waste_shift_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_date} -> {self.new_date}"


class Outcome(models.TextChoices):
    COLLECTED = "collected", _("Collected")
    NOT_PRESENTED = "not_presented", _("Bin not put out")
    CONTAMINATED = "contaminated", _("Wrong items in the bin")
    BLOCKED_ACCESS = "blocked_access", _("Crew could not get to the bin")
    BIN_DAMAGED = "bin_damaged", _("Bin damaged")


class EventSource(models.TextChoices):
    FIELD = "field", _("Crew page")
    IMPORT = "import", _("Import")
    WEBHOOK = "webhook", _("Webhook")
    DEMO = "demo", _("Demo data")


class CollectionEvent(TenantOwned):
    """What a crew recorded about a collection: at one property, or (with no property) for
    the whole round that day."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="events")
    property = models.ForeignKey(
        "places.Property",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waste_events",
    )
    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="+")
    # The day of the collection as scheduled (after any bank holiday shift).
    date = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    source = models.CharField(max_length=10, choices=EventSource.choices)
    crew = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    # The sender's id for the event, so that an import or webhook sent twice records it once.
    external_id = models.CharField(max_length=100, null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-recorded_at"]
        indexes = [
            models.Index(fields=["property", "stream", "date"]),
            models.Index(fields=["round", "date"]),
            models.Index(fields=["organisation", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"], name="waste_event_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.round} {self.outcome}"


class WasteSettings(TenantOwned, TimeStampedModel):
    """A council's waste settings: which catalogue services take the cases, and the window
    for reporting a missed collection."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="waste_settings"
    )
    missed_service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    container_service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assisted_service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Crews finish by this time: a missed collection can be reported from then on the day.
    report_from = models.TimeField(default=time(16, 0))
    # ... until the end of this many working days after the collection day.
    report_working_days = models.PositiveSmallIntegerField(default=2)
    # Which question of each service's form the waste pages answer, over the defaults in
    # `services.DEFAULT_FORM_ANSWERS`: {"missed": {"stream": "bin_type", ...}, ...}.
    form_answers = models.JSONField(default=dict, blank=True)
    # Shared secret of the crews' webhook (HMAC-SHA256); empty turns the webhook off.
    webhook_secret = models.CharField(max_length=200, blank=True)
    # Bulky waste: the catalogue service its bookings are cases of, and the price rule: the
    # base price covers up to `bulky_base_items` items (the dearest ones); each item after
    # those costs its own price. At most `bulky_max_items` items a booking.
    bulky_service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bulky_base_price_pence = models.PositiveIntegerField(default=0)
    bulky_base_items = models.PositiveSmallIntegerField(default=3)
    bulky_max_items = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    # A booking can be made, changed or cancelled (with a full refund) until this time on
    # the working day before the collection; after it, not at all.
    bulky_cutoff = models.TimeField(default=time(12, 0))
    # How far ahead dates are offered.
    bulky_days_ahead = models.PositiveSmallIntegerField(default=42)
    # Garden waste: the catalogue service its subscriptions are cases of, and the rules. A
    # subscription year runs for 12 months from the 1st of `garden_year_start_month`; each
    # bin costs `garden_price_pence` a year, or `garden_reduced_price_pence` (when set) for a
    # subscription starting once `garden_reduced_after_months` months of the year have gone.
    # Renewal for next year opens `garden_renewal_days` before the year ends. A cancellation
    # within `garden_cooling_off_days` of paying, or before the year starts, is refunded in
    # full; later, nothing is refunded.
    garden_service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    garden_price_pence = models.PositiveIntegerField(default=0)
    garden_reduced_price_pence = models.PositiveIntegerField(null=True, blank=True)
    garden_reduced_after_months = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    garden_max_bins = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    garden_year_start_month = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    garden_renewal_days = models.PositiveSmallIntegerField(
        default=42, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    garden_cooling_off_days = models.PositiveSmallIntegerField(default=14)

    class Meta:
        verbose_name_plural = "waste settings"

    def __str__(self) -> str:
        return f"Waste settings of {self.organisation_id}"


class MissedCollection(TenantOwned):
    """A missed collection reported on the waste pages; its case is the work item."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="missed")
    property = models.ForeignKey("places.Property", on_delete=models.CASCADE, related_name="+")
    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="missed")
    collection_date = models.DateField()
    assisted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["property", "stream", "collection_date"], name="waste_missed_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.stream} {self.collection_date}"


class RequestKind(models.TextChoices):
    NEW = "new", _("New")
    REPLACEMENT = "replacement", _("Replacement")
    EXTRA = "extra", _("Extra")


class ContainerRequestStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    CONFIRMED = "confirmed", _("Requested")
    # The fee was not paid (declined, cancelled, timed out or given up): never sent.
    UNPAID = "unpaid", _("Not paid")


class ContainerRequest(TenantOwned):
    """A request for a container; its case is the delivery work item. One with a fee waits
    for payment (no case yet) and is confirmed, with its case, when the fee is paid."""

    case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="container_request",
    )
    status = models.CharField(
        max_length=20,
        choices=ContainerRequestStatus.choices,
        default=ContainerRequestStatus.CONFIRMED,
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=20, blank=True)
    # Booked for a caller on the phone: the advisor who took it (and the payment), and the
    # caller's details when they have no account (the email address gets the confirmation).
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    # The container form's answers, kept for the case made when the fee is paid.
    answers = models.JSONField(default=dict, blank=True)
    payment_reference = models.CharField(max_length=20, blank=True)
    property = models.ForeignKey("places.Property", on_delete=models.CASCADE, related_name="+")
    container_type = models.ForeignKey(ContainerType, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    quantity = models.PositiveSmallIntegerField(default=1)
    fee_pence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.container_type} ({self.kind})"

    @builtins.property
    def fee_text(self) -> str:
        pounds, pence = divmod(self.fee_pence, 100)
        return f"£{pounds:,}" if pence == 0 else f"£{pounds:,}.{pence:02d}"


# -- Bulky waste ----------------------------------------------------------------------------


class BulkyItem(TenantOwned, TimeStampedModel):
    """Something a council collects as bulky waste, with its price."""

    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    hint = models.CharField(max_length=200, blank=True)
    price_pence = models.PositiveIntegerField(default=0)
    # The value of the bulky service form's "items" answer for this item.
    form_answer = models.CharField(max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="waste_bulky_item_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BulkyRound(TenantOwned, TimeStampedModel):
    """A bulky waste crew's day: it collects on its weekday every `every_weeks` weeks (moved
    by the council's bank holiday shifts like any round) from the properties of `areas`
    (the collection rounds whose addresses it serves), at most `capacity` bookings a day."""

    name = models.CharField(max_length=100)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    every_weeks = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    anchor_date = models.DateField(help_text=_("A day this round collects on"))
    areas = models.ManyToManyField(Round, related_name="bulky_rounds")
    capacity = models.PositiveSmallIntegerField(default=10)
    crew_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="bulky_rounds"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation", "weekday", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="waste_bulky_round_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if (
            self.anchor_date
            and self.weekday is not None
            and self.anchor_date.weekday() != self.weekday
        ):
            raise ValidationError({"anchor_date": _("Enter a date on the round’s collection day")})


class BulkyDay(TenantOwned):
    """One day of a bulky round. Its row is locked while a booking takes a place, so a day
    is never overbooked; `capacity` (when set) overrides the round's for that day (0 closes
    it)."""

    round = models.ForeignKey(BulkyRound, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["round", "date"], name="waste_bulky_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.date}"


class BookingStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    CONFIRMED = "confirmed", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    # The payment failed, was cancelled or timed out: the booking was never made.
    UNPAID = "unpaid", _("Not paid")


# Bookings that hold a place on their day.
HOLDING_STATUSES = (BookingStatus.PENDING_PAYMENT, BookingStatus.CONFIRMED)


class Placement(models.TextChoices):
    FRONT_GARDEN = "front_garden", _("In the front garden")
    DRIVEWAY = "driveway", _("On the driveway")
    KERBSIDE = "kerbside", _("At the edge of the pavement")
    OTHER = "other", _("Somewhere else")


class BulkyBooking(TenantOwned, TimeStampedModel):
    """A resident's bulky waste collection. It holds a place on its day from when it is made
    (waiting for payment) and is confirmed, with its case, when the payment is taken. A
    change that costs more is kept in `pending_*` (holding a place on its new day) until its
    payment is taken."""

    property = models.ForeignKey(
        "places.Property", on_delete=models.PROTECT, related_name="bulky_bookings"
    )
    # The resident's account: None for a caller without one, booked for them by phone.
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bulky_bookings",
    )
    channel = models.CharField(max_length=20, default="web")
    # Booked for a caller on the phone: the advisor who took it (and the payment), and the
    # caller's details when they have no account (the email address gets the confirmation).
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    round = models.ForeignKey(BulkyRound, on_delete=models.PROTECT, related_name="bookings")
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="bulky"
    )
    date = models.DateField()
    # [{"code", "name", "quantity", "price_pence"}]: the items and their prices when booked.
    items = models.JSONField(default=list)
    price_pence = models.PositiveIntegerField()
    # What has been taken, less refunds.
    paid_pence = models.PositiveIntegerField(default=0)
    placement = models.CharField(max_length=20, choices=Placement.choices)
    notes = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=20, choices=BookingStatus.choices, default=BookingStatus.PENDING_PAYMENT
    )
    # The payment that confirmed it.
    payment_reference = models.CharField(max_length=20, blank=True)
    # From the check answers page: a second submit of the same page makes no second booking.
    idempotency_key = models.CharField(max_length=100, unique=True)
    pending_items = models.JSONField(null=True, blank=True)
    pending_date = models.DateField(null=True, blank=True)
    pending_price_pence = models.PositiveIntegerField(null=True, blank=True)
    amendments = models.PositiveSmallIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "created_at"]
        indexes = [
            models.Index(fields=["round", "date", "status"]),
            models.Index(fields=["status", "date"]),
        ]

    def __str__(self) -> str:
        return f"Bulky {self.pk} {self.date} ({self.status})"

    @builtins.property
    def item_count(self) -> int:
        return sum(int(item["quantity"]) for item in self.items)


# -- Garden waste -----------------------------------------------------------------------------


class GardenStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")
    # The payment failed, was cancelled or timed out: the subscription was never made.
    UNPAID = "unpaid", _("Not paid")


# Subscriptions that hold the property's place for their year.
GARDEN_HOLDING_STATUSES = (GardenStatus.PENDING_PAYMENT, GardenStatus.ACTIVE)


class GardenSubscription(TenantOwned, TimeStampedModel):
    """A resident's garden waste subscription at a property for one subscription year
    (`year` is the calendar year it starts in). Waiting for payment until its payment is
    taken; active, with its case and the property's garden collection, once paid. A renewal
    is the next year's subscription (`renewal_of` the one it renews)."""

    property = models.ForeignKey(
        "places.Property", on_delete=models.PROTECT, related_name="garden_subscriptions"
    )
    # The resident's account: None for a caller without one, subscribed for them by phone.
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="garden_subscriptions",
    )
    channel = models.CharField(max_length=20, default="web")
    # Booked for a caller on the phone: the advisor who took it (and the payment), and the
    # caller's details when they have no account (the email address gets the confirmation).
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=30, blank=True)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="garden"
    )
    year = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    bins = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    price_pence = models.PositiveIntegerField()
    # What has been taken, less refunds.
    paid_pence = models.PositiveIntegerField(default=0)
    paid_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=GardenStatus.choices, default=GardenStatus.PENDING_PAYMENT
    )
    renewal_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals"
    )
    payment_reference = models.CharField(max_length=20, blank=True)
    # From the check answers page: a second submit of the same page makes no second one.
    idempotency_key = models.CharField(max_length=100, unique=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    refunded_pence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-year", "created_at"]
        indexes = [models.Index(fields=["organisation", "year", "status"])]
        constraints = [
            # One subscription (paid or waiting for payment) per property and year.
            models.UniqueConstraint(
                fields=["property", "year"],
                condition=models.Q(status__in=["pending_payment", "active"]),
                name="waste_garden_one_per_property_year",
            ),
        ]

    def __str__(self) -> str:
        return f"Garden {self.pk} {self.year} ({self.status})"


# -- Round planning -------------------------------------------------------------------------


class RoundPlanStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Planning")
    DONE = "done", _("Planned")
    FAILED = "failed", _("Failed")


class RoundPlan(TenantOwned, TimeStampedModel):
    """A plan of one stream's rounds, made by the round planner in a background task
    (`borough.waste.planning.services`). It is advice for the round manager: nothing else
    changes when it is made. `round_settings` are the `RoundSettings` it used; while it runs the
    task writes `progress` (0 to 1) and the best cost found so far; `result` holds each
    round (its stops in order, distance, time, load and trips), the totals, the current
    rounds' figures and the saving."""

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="round_plans")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seconds = models.PositiveIntegerField(help_text=_("How long the planner searches"))
    round_settings = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=RoundPlanStatus.choices, default=RoundPlanStatus.QUEUED
    )
    # How many properties the stream collects from (when the plan was asked for).
    properties = models.PositiveIntegerField(default=0)
    progress = models.FloatField(default=0.0)
    # The solver's best cost so far (its unit: 0.1p; distance plus each round's fixed cost).
    best_cost = models.BigIntegerField(null=True, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    # The background task's id, to find it in the task queue.
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"Round plan {self.pk} {self.stream_id} ({self.status})"


class RoundPlannerSettings(TenantOwned, TimeStampedModel):
    """What the round planner assumes of a council: where the depot and the tip are, how
    fast the vehicles go and how much longer than the straight line the roads are, the time
    at each property and at the tip, the shift, the fleet, and for each stream the weight a
    property puts out and how many working days its cycle has. Set by the council's waste
    team leaders on the planner's settings page (`planning.services.planner_settings_save`);
    a council without a row plans with `demo_area.RoundSettings`' defaults. A plan keeps a
    copy of the settings it was made with (`RoundPlan.round_settings`): changing these
    changes no plan already made."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="round_planner_settings"
    )
    depot_latitude = models.FloatField()
    depot_longitude = models.FloatField()
    tip_latitude = models.FloatField()
    tip_longitude = models.FloatField()
    road_factor = models.FloatField()
    speed_kmh = models.FloatField()
    service_seconds = models.PositiveIntegerField()
    tip_minutes = models.PositiveIntegerField()
    shift_hours = models.FloatField()
    # [{"name": "26t RCV", "payload_kg": 10000, "crews_per_day": 2, "round_cost": 550000}]
    # (round_cost in the planner's unit, 0.1p).
    fleet = models.JSONField(default=list)
    # {"refuse": {"kg_per_property": 18, "days_per_cycle": 10}, ...}; a stream not named
    # takes the defaults.
    streams = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "round planner settings"

    def __str__(self) -> str:
        return f"Round planner settings ({self.organisation_id})"
