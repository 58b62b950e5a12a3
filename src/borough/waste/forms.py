# GOV.UK typography: curly apostrophes.
# ruff: noqa: RUF001
"""The fields of the waste pages, as `portal.fields.Field`s so that they render with the
portal's GOV.UK components, and the checks on what was posted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import QueryDict
from django.utils.translation import gettext as _

from borough.portal.fields import Field, Item
from borough.waste.models import BulkyItem, ContainerType, Outcome, Placement, PropertyService
from borough.waste.selectors import BulkyDate, MissedCheck

DETAILS_MAX_LENGTH = 1000
DAMAGE_MAX_LENGTH = 500
MAX_QUANTITY = 3


def money_text(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


@dataclass
class Posted:
    """What a form posted: cleaned values and errors by field name (in page order)."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def summary(self) -> list[tuple[str, str]]:
        return [(message, f"#{name}") for name, message in self.errors.items()]


def _text(post: QueryDict, name: str, limit: int) -> str:
    return str(post.get(name, "")).replace("\x00", "").strip()[: limit + 1]


def email_field(value: str = "", error: str | None = None) -> Field:
    return Field(
        id="email",
        name="email",
        kind="email",
        label=_("Email address"),
        hint=_("We’ll only use this to tell you about your report."),
        input_type="email",
        autocomplete="email",
        spellcheck="false",
        value=value,
        error=error,
        size="s",
    )


def email_clean(post: QueryDict, posted: Posted) -> None:
    email = _text(post, "email", 254)
    if not email:
        posted.errors["email"] = _("Enter your email address")
        return
    try:
        validate_email(email)
    except ValidationError:
        posted.errors["email"] = _(
            "Enter an email address in the correct format, like name@example.com"
        )
        return
    posted.values["email"] = email


# -- Missed collection ----------------------------------------------------------------------


def missed_fields(checks: list[MissedCheck], posted: Posted, *, ask_email: bool) -> list[Field]:
    allowed = [check for check in checks if check.allowed]
    chosen = str(posted.values.get("stream", ""))
    fields = [
        Field(
            id="stream",
            name="stream",
            kind="radios",
            label=_("Which collection was missed?"),
            hint=_("Bins must be out by 7am on your collection day."),
            size="m",
            error=posted.errors.get("stream"),
            items=[
                Item(
                    id="stream" if index == 0 else f"stream-{check.stream.pk}",
                    value=str(check.stream.pk),
                    label=check.stream.name,
                    hint=_("Due on %(day)s") % {"day": check_day(check)},
                    checked=chosen == str(check.stream.pk),
                )
                for index, check in enumerate(allowed)
            ],
        ),
        Field(
            id="details",
            name="details",
            kind="textarea",
            label=_("Is there anything else we should know? (optional)"),
            hint=_("For example, where you left the bin, or if the whole street was missed."),
            value=posted.values.get("details", ""),
            error=posted.errors.get("details"),
            max_length=DETAILS_MAX_LENGTH,
            size="s",
        ),
    ]
    if ask_email:
        fields.append(email_field(posted.values.get("email", ""), posted.errors.get("email")))
    for one in fields:
        one.target = one.id
    return fields


def check_day(check: MissedCheck) -> str:
    from borough.waste.selectors import day_text

    return day_text(check.collection_date) if check.collection_date else ""


def missed_clean(post: QueryDict, checks: list[MissedCheck], *, ask_email: bool) -> Posted:
    posted = Posted()
    allowed = {str(check.stream.pk): check for check in checks if check.allowed}
    stream = str(post.get("stream", ""))
    if stream in allowed:
        posted.values["stream"] = stream
    else:
        posted.errors["stream"] = _("Select which collection was missed")
    details = _text(post, "details", DETAILS_MAX_LENGTH)
    posted.values["details"] = details
    if len(details) > DETAILS_MAX_LENGTH:
        posted.errors["details"] = _("Details must be %(count)s characters or less") % {
            "count": DETAILS_MAX_LENGTH
        }
    if ask_email:
        email_clean(post, posted)
    return posted


# -- Containers -----------------------------------------------------------------------------

REASONS = (
    ("new_property", lambda: _("I have moved into a new-build home")),
    ("missing", lambda: _("It is lost or was stolen")),
    ("damaged", lambda: _("It is damaged")),
    ("extra", lambda: _("I need an extra one")),
)


def container_fields(types: list[ContainerType], posted: Posted) -> list[Field]:
    chosen = str(posted.values.get("container_type", ""))
    reason = str(posted.values.get("reason", ""))
    fields = [
        Field(
            id="container_type",
            name="container_type",
            kind="radios",
            label=_("What do you need?"),
            size="m",
            error=posted.errors.get("container_type"),
            items=[
                Item(
                    id="container_type" if index == 0 else f"container_type-{ct.pk}",
                    value=str(ct.pk),
                    label=ct.name,
                    hint=(
                        _("%(fee)s for a replacement or an extra one")
                        % {"fee": money_text(ct.fee_pence)}
                        if ct.fee_pence
                        else _("Free")
                    ),
                    checked=chosen == str(ct.pk),
                )
                for index, ct in enumerate(types)
            ],
        ),
        Field(
            id="reason",
            name="reason",
            kind="radios",
            label=_("Why do you need it?"),
            size="m",
            error=posted.errors.get("reason"),
            items=[
                Item(
                    id="reason" if index == 0 else f"reason-{value}",
                    value=value,
                    label=label(),
                    hint=_("Free for a new home") if value == "new_property" else "",
                    checked=reason == value,
                )
                for index, (value, label) in enumerate(REASONS)
            ],
        ),
        Field(
            id="damage",
            name="damage",
            kind="textarea",
            label=_("If it is damaged, what is wrong with it?"),
            hint=_("For example, a broken lid or a cracked wheel."),
            value=posted.values.get("damage", ""),
            error=posted.errors.get("damage"),
            max_length=DAMAGE_MAX_LENGTH,
            size="s",
        ),
        Field(
            id="quantity",
            name="quantity",
            kind="number",
            label=_("How many do you need?"),
            hint=_("You can order up to %(count)s at a time.") % {"count": MAX_QUANTITY},
            value=posted.values.get("quantity", "1"),
            error=posted.errors.get("quantity"),
            input_type="text",
            inputmode="numeric",
            classes="govuk-input--width-2",
            spellcheck="false",
            size="s",
        ),
    ]
    for one in fields:
        one.target = one.id
    return fields


def container_clean(post: QueryDict, types: list[ContainerType]) -> Posted:
    posted = Posted()
    by_id = {str(ct.pk): ct for ct in types}
    chosen = str(post.get("container_type", ""))
    if chosen in by_id:
        posted.values["container_type"] = chosen
    else:
        posted.errors["container_type"] = _("Select what you need")
    reason = str(post.get("reason", ""))
    if reason in {value for value, _label in REASONS}:
        posted.values["reason"] = reason
    else:
        posted.errors["reason"] = _("Select why you need it")
    damage = _text(post, "damage", DAMAGE_MAX_LENGTH)
    posted.values["damage"] = damage
    if reason == "damaged" and not damage:
        posted.errors["damage"] = _("Enter what is wrong with it")
    elif len(damage) > DAMAGE_MAX_LENGTH:
        posted.errors["damage"] = _(
            "What is wrong with it must be %(count)s characters or less"
        ) % {"count": DAMAGE_MAX_LENGTH}
    quantity = _text(post, "quantity", 10)
    posted.values["quantity"] = quantity
    if not quantity:
        posted.errors["quantity"] = _("Enter how many you need")
    elif not quantity.isdigit():
        posted.errors["quantity"] = _("How many you need must be a number, like 1")
    elif not 1 <= int(quantity) <= MAX_QUANTITY:
        posted.errors["quantity"] = _("You can order between 1 and %(count)s at a time") % {
            "count": MAX_QUANTITY
        }
    return posted


# -- Crews' page ----------------------------------------------------------------------------


def outcome_items(name: str, chosen: str) -> list[Item]:
    return [
        Item(id=f"{name}-{value}", value=value, label=str(label), checked=chosen == value)
        for value, label in Outcome.choices
    ]


def crew_field(service: PropertyService, chosen: str) -> Field:
    name = f"outcome-{service.pk}"
    return Field(
        id=name,
        name=name,
        kind="select",
        label=f"{service.property.first_line} ({service.stream.name})",
        items=outcome_items(name, chosen or Outcome.COLLECTED),
        size="s",
    )


# -- Bulky waste ------------------------------------------------------------------------------

NOTES_MAX_LENGTH = 500


def bulky_item_fields(
    items: list[BulkyItem], quantities: dict[str, str], errors: dict[str, str], *, extra: bool
) -> list[Field]:
    fields = []
    for item in items:
        hint = item.hint
        if extra and item.price_pence:
            price = _("%(price)s as an extra item") % {"price": money_text(item.price_pence)}
            hint = f"{hint} {price}".strip() if hint else price
        one = Field(
            id=f"item-{item.code}",
            name=f"item-{item.code}",
            kind="number",
            label=item.name,
            hint=hint,
            value=quantities.get(item.code, "0"),
            error=errors.get(f"item-{item.code}"),
            input_type="text",
            inputmode="numeric",
            classes="govuk-input--width-2",
            spellcheck="false",
            size="s",
        )
        one.target = one.id
        fields.append(one)
    return fields


def bulky_items_clean(post: QueryDict, items: list[BulkyItem], limit: int) -> Posted:
    """{"quantities": {code: number}} and {"raw": {code: text}}; a number of each item from 0
    to `limit`, and at least one item."""
    posted = Posted(values={"quantities": {}, "raw": {}})
    for item in items:
        name = f"item-{item.code}"
        raw = _text(post, name, 10) or "0"
        posted.values["raw"][item.code] = raw
        if not raw.isdigit():
            posted.errors[name] = _("%(item)s must be a number, like 1") % {"item": item.name}
        elif int(raw) > limit:
            posted.errors[name] = _("%(item)s must be a number from 0 to %(count)s") % {
                "item": item.name,
                "count": limit,
            }
        else:
            posted.values["quantities"][item.code] = int(raw)
    quantities = posted.values["quantities"]
    if not posted.errors and items:
        total = sum(quantities.values())
        first = f"item-{items[0].code}"
        if total == 0:
            posted.errors[first] = _("Enter how many of at least one item you want us to collect")
        elif total > limit:
            posted.errors[first] = _("We can collect up to %(count)s items at a time") % {
                "count": limit
            }
    return posted


def bulky_date_field(options: list[BulkyDate], chosen: str, error: str | None) -> Field:
    field_ = Field(
        id="date",
        name="date",
        kind="radios",
        label=_("Choose a collection day"),
        heading=True,
        size="l",
        hint=_("Put your items out by 7am on the day. Only days with places left are shown."),
        error=error,
        items=[
            Item(
                id="date" if index == 0 else f"date-{option.day.isoformat()}",
                value=option.day.isoformat(),
                label=option.text,
                checked=chosen == option.day.isoformat(),
            )
            for index, option in enumerate(options)
        ],
    )
    field_.target = "date"
    return field_


def bulky_details_fields(values: dict[str, str], errors: dict[str, str]) -> list[Field]:
    chosen = values.get("placement", "")
    fields = [
        Field(
            id="placement",
            name="placement",
            kind="radios",
            label=_("Where will you leave the items?"),
            size="m",
            hint=_("The crew needs to be able to reach them from the road."),
            error=errors.get("placement"),
            items=[
                Item(
                    id="placement" if index == 0 else f"placement-{value}",
                    value=value,
                    label=str(label),
                    checked=chosen == value,
                )
                for index, (value, label) in enumerate(Placement.choices)
            ],
        ),
        Field(
            id="notes",
            name="notes",
            kind="textarea",
            label=_("Is there anything the crew needs to know? (optional)"),
            hint=_("For example, a gate code or where to park."),
            value=values.get("notes", ""),
            error=errors.get("notes"),
            max_length=NOTES_MAX_LENGTH,
            size="s",
        ),
    ]
    for one in fields:
        one.target = one.id
    return fields


def bulky_details_clean(post: QueryDict) -> Posted:
    posted = Posted()
    placement = str(post.get("placement", ""))
    if placement in Placement.values:
        posted.values["placement"] = placement
    else:
        posted.errors["placement"] = _("Select where you will leave the items")
    notes = _text(post, "notes", NOTES_MAX_LENGTH)
    posted.values["notes"] = notes
    if len(notes) > NOTES_MAX_LENGTH:
        posted.errors["notes"] = _(
            "What the crew needs to know must be %(count)s characters or less"
        ) % {"count": NOTES_MAX_LENGTH}
    return posted


def garden_bins_field(max_bins: int, bin_price_pence: int, chosen: str, error: str | None) -> Field:
    field_ = Field(
        id="bins",
        name="bins",
        kind="radios",
        label=_("How many garden waste bins do you want emptied?"),
        heading=True,
        size="l",
        hint=_("Each bin costs %(price)s for the year.") % {"price": money_text(bin_price_pence)},
        error=error,
        items=[
            Item(
                id="bins" if count == 1 else f"bins-{count}",
                value=str(count),
                label=str(count),
                checked=chosen == str(count),
            )
            for count in range(1, max_bins + 1)
        ],
    )
    field_.target = "bins"
    return field_


def garden_bins_clean(post: QueryDict, max_bins: int) -> Posted:
    posted = Posted()
    raw = str(post.get("bins", "")).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= max_bins:
        posted.errors["bins"] = (
            _("Select how many bins you want")
            if not raw
            else _("Select how many bins you want, from 1 to %(count)s") % {"count": max_bins}
        )
    else:
        posted.values["bins"] = int(raw)
    return posted


# -- The caller's details (an advisor booking for a caller on the phone) --------------------

CALLER_NAME_MAX_LENGTH = 200
CALLER_PHONE_MAX_LENGTH = 30
_PHONE_CHARACTERS = frozenset("0123456789 +()-")


def caller_fields(values: dict[str, str], errors: dict[str, str]) -> list[Field]:
    fields = [
        Field(
            id="name",
            name="name",
            kind="text",
            label=_("Full name"),
            value=values.get("name", ""),
            error=errors.get("name"),
            autocomplete="off",
            spellcheck="false",
            size="s",
        ),
        Field(
            id="email",
            name="email",
            kind="email",
            label=_("Email address"),
            hint=_("We’ll send the caller their confirmation by email."),
            input_type="email",
            autocomplete="off",
            spellcheck="false",
            value=values.get("email", ""),
            error=errors.get("email"),
            size="s",
        ),
        Field(
            id="phone",
            name="phone",
            kind="text",
            label=_("UK telephone number (optional)"),
            input_type="tel",
            autocomplete="off",
            value=values.get("phone", ""),
            error=errors.get("phone"),
            classes="govuk-input--width-20",
            size="s",
        ),
    ]
    for one in fields:
        one.target = one.id
    return fields


def caller_clean(post: QueryDict) -> Posted:
    """The caller's name and email address (both needed: the confirmation is emailed) and
    telephone number (optional)."""
    posted = Posted()
    name = _text(post, "name", CALLER_NAME_MAX_LENGTH)
    posted.values["name"] = name
    if not name:
        posted.errors["name"] = _("Enter the caller’s full name")
    elif len(name) > CALLER_NAME_MAX_LENGTH:
        posted.errors["name"] = _("The caller’s name must be %(count)s characters or less") % {
            "count": CALLER_NAME_MAX_LENGTH
        }
    email = _text(post, "email", 254)
    posted.values["email"] = email
    if not email:
        posted.errors["email"] = _("Enter the caller’s email address")
    else:
        try:
            validate_email(email)
        except ValidationError:
            posted.errors["email"] = _(
                "Enter an email address in the correct format, like name@example.com"
            )
    phone = _text(post, "phone", CALLER_PHONE_MAX_LENGTH)
    posted.values["phone"] = phone
    digits = sum(character.isdigit() for character in phone)
    if phone and (
        len(phone) > CALLER_PHONE_MAX_LENGTH
        or not set(phone) <= _PHONE_CHARACTERS
        or not 10 <= digits <= 13
    ):
        posted.errors["phone"] = _("Enter a telephone number, like 01632 960 001")
    return posted
