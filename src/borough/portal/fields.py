"""What a template needs to draw each question with its GOV.UK Frontend component.

`field_for(question, raw, error, ...)` turns a question of a form definition, its raw answer
and its error message into a `Field`; `portal/templates/portal/fields/<kind>.html` draws it
with the components in `portal/templates/portal/components/`. Everything a resident typed is
passed as plain text: the templates escape it (Django's autoescape), nothing is marked safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from borough.catalogue.forms import DEFAULT_MAX_FILES, DEFAULT_MAX_LENGTH
from borough.portal.answers import (
    MANUAL,
    date_parts_in_error,
    error_target,
    place_lookup,
)
from borough.portal.uploads import StoredUpload, accepted_types, upload_get

# Which template draws each question type.
TEMPLATES: Final = {
    "text": "input",
    "number": "input",
    "money": "input",
    "email": "input",
    "phone": "input",
    "textarea": "textarea",
    "date": "date",
    "radios": "radios",
    "yes_no": "radios",
    "checkboxes": "checkboxes",
    "select": "select",
    "address": "address",
    "location": "location",
    "file": "file",
}


@dataclass
class Item:
    """A radio, checkbox or select option."""

    id: str
    value: str
    label: str
    hint: str = ""
    checked: bool = False


@dataclass
class Field:
    id: str
    name: str
    kind: str
    label: str
    hint: str = ""
    error: str | None = None
    value: Any = ""
    # Whether the label or legend is the page's h1, and its size (l, m or s).
    heading: bool = False
    size: str = ""
    # Inputs
    input_type: str = "text"
    classes: str = ""
    inputmode: str = ""
    autocomplete: str = ""
    spellcheck: str = ""
    prefix: str = ""
    # Radios, checkboxes, select
    items: list[Item] = field(default_factory=list)
    # Textarea character count
    max_length: int | None = None
    # Parts of a date, an address or a location
    parts: dict[str, Field] = field(default_factory=dict)
    error_parts: list[str] = field(default_factory=list)
    # Address and location lookups
    mode: str = ""
    results_count: int = 0
    find_action: str = ""
    manual_url: str = ""
    lookup_url: str = ""
    other_ways: str = ""
    # Files
    uploads: list[StoredUpload] = field(default_factory=list)
    multiple: bool = False
    accept: str = ""
    max_files: int = 0
    # The id the error summary links to
    target: str = ""
    # Locations: the middle of the addresses found, the pin given, and the map to draw them
    # (a `portal.maps.MapConfig`, set by the view).
    centre: tuple[float, float] | None = None
    pin: tuple[float, float] | None = None
    map: Any = None

    @property
    def template(self) -> str:
        return f"portal/fields/{TEMPLATES[self.kind]}.html"

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint" if self.hint else ""

    @property
    def error_id(self) -> str:
        return f"{self.id}-error" if self.error else ""

    @property
    def info_id(self) -> str:
        return f"{self.id}-info" if self.max_length else ""

    @property
    def describedby(self) -> str:
        return " ".join(part for part in (self.info_id, self.hint_id, self.error_id) if part)

    @property
    def label_class(self) -> str:
        return f"govuk-label--{self.size}" if self.size else ""

    @property
    def legend_class(self) -> str:
        return f"govuk-fieldset__legend--{self.size}" if self.size else ""

    @property
    def without_heading(self) -> Field:
        """A file question's input under the list of files already added."""
        return replace(self, heading=False, size="s", label="Add another file", hint="")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _rules(question: Mapping[str, Any]) -> Mapping[str, Any]:
    rules = question.get("validation")
    return rules if isinstance(rules, Mapping) else {}


def field_for(
    question: Mapping[str, Any],
    raw: object,
    error: str | None,
    *,
    heading: bool,
    size: str,
    manual_url: str = "",
    lookup_url: str = "",
    manual_mode: bool | None = None,
    needs_uprn: bool = False,
    other_ways: str = "",
) -> Field:
    """The field for one question. `manual_mode` forces an address to be typed by hand (True)
    or looked up (False); None keeps what the resident last did."""
    qid = str(question["id"])
    kind = str(question.get("type"))
    result = Field(
        id=qid,
        name=qid,
        kind=kind,
        label=str(question.get("label", "")),
        hint=str(question.get("hint") or ""),
        error=error,
        heading=heading,
        size=size,
    )
    result.target = error_target(question, raw, error) if error else qid
    rules = _rules(question)

    if kind in ("text", "number", "money", "email", "phone"):
        result.value = _text(raw)
        if kind == "number":
            result.inputmode = "numeric" if rules.get("integer") else "decimal"
            result.spellcheck = "false"
            result.classes = "govuk-input--width-10"
        elif kind == "money":
            result.inputmode = "decimal"
            result.spellcheck = "false"
            result.prefix = "£"
            result.classes = "govuk-input--width-10"
        elif kind == "email":
            result.input_type = "email"
            result.autocomplete = "email"
            result.spellcheck = "false"
        elif kind == "phone":
            result.input_type = "tel"
            result.autocomplete = "tel"
            result.classes = "govuk-input--width-20"
        elif qid == "name":
            result.autocomplete = "name"
    elif kind == "textarea":
        result.value = _text(raw)
        result.max_length = int(rules.get("max_length", DEFAULT_MAX_LENGTH["textarea"]))
    elif kind == "date":
        _date_parts(result, raw)
    elif kind in ("radios", "select"):
        chosen = _text(raw)
        result.items = [
            Item(
                id=qid if index == 0 else f"{qid}-{index + 1}",
                value=str(option.get("value")),
                label=str(option.get("label")),
                hint=str(option.get("hint") or ""),
                checked=chosen == str(option.get("value")),
            )
            for index, option in enumerate(question.get("options") or [])
        ]
        if kind == "select":
            # Nothing is chosen until the resident chooses.
            result.items.insert(0, Item(id="", value="", label="Select an option"))
    elif kind == "yes_no":
        chosen = _text(raw).strip().lower()
        chosen = {"true": "yes", "false": "no"}.get(chosen, chosen)
        result.items = [
            Item(id=qid, value="yes", label="Yes", checked=chosen == "yes"),
            Item(id=f"{qid}-2", value="no", label="No", checked=chosen == "no"),
        ]
        result.classes = "govuk-radios--inline"
    elif kind == "checkboxes":
        chosen_list = [str(item) for item in raw] if isinstance(raw, list) else []
        result.items = [
            Item(
                id=qid if index == 0 else f"{qid}-{index + 1}",
                value=str(option.get("value")),
                label=str(option.get("label")),
                hint=str(option.get("hint") or ""),
                checked=str(option.get("value")) in chosen_list,
            )
            for index, option in enumerate(question.get("options") or [])
        ]
    elif kind == "address":
        value = raw if isinstance(raw, Mapping) else {}
        manual = bool(value.get(MANUAL)) if manual_mode is None else manual_mode
        _address_parts(
            result,
            value,
            manual=manual and not needs_uprn,
            manual_url="" if needs_uprn else manual_url,
            lookup_url=lookup_url,
            other_ways=other_ways if needs_uprn else "",
        )
    elif kind == "location":
        _location_parts(result, raw if isinstance(raw, Mapping) else {})
    elif kind == "file":
        tokens = raw if isinstance(raw, list) else []
        result.uploads = [upload for upload in map(upload_get, tokens) if upload is not None]
        result.max_files = int(rules.get("max_files", DEFAULT_MAX_FILES))
        result.multiple = result.max_files - len(result.uploads) > 1
        result.accept = ",".join(accepted_types(rules.get("accept")))
    return result


def _part(parent: Field, name: str, label: str, value: object, **extra: Any) -> Field:
    part = Field(
        id=f"{parent.id}-{name}", name=f"{parent.id}-{name}", kind="text", label=label, **extra
    )
    part.value = _text(value)
    return part


def _date_parts(result: Field, raw: object) -> None:
    value = raw if isinstance(raw, Mapping) else {}
    if isinstance(raw, str) and len(raw) == 10 and raw[4] == "-":
        value = {"year": raw[:4], "month": raw[5:7].lstrip("0"), "day": raw[8:].lstrip("0")}
    result.error_parts = date_parts_in_error(result.error)
    for name, width in (("day", 2), ("month", 2), ("year", 4)):
        classes = f"govuk-date-input__input govuk-input--width-{width}"
        if name in result.error_parts:
            classes += " govuk-input--error"
        result.parts[name] = _part(
            result,
            name,
            name.capitalize(),
            value.get(name),
            inputmode="numeric",
            classes=classes,
        )


def _address_parts(
    result: Field,
    value: Mapping[str, Any],
    *,
    manual: bool,
    manual_url: str,
    lookup_url: str,
    other_ways: str,
) -> None:
    result.mode = "manual" if manual else "lookup"
    result.manual_url = manual_url
    result.lookup_url = lookup_url
    result.other_ways = other_ways
    result.find_action = f"find:{result.id}"
    error = result.error
    result.error = None  # shown on the part it is about
    if manual:
        typed = value if value.get(MANUAL) else {}
        result.parts = {
            "line1": _part(
                result,
                "line1",
                "Address line 1",
                typed.get("line1"),
                autocomplete="address-line1",
            ),
            "line2": _part(
                result,
                "line2",
                "Address line 2 (optional)",
                typed.get("line2"),
                autocomplete="address-line2",
            ),
            "town": _part(
                result,
                "town",
                "Town or city",
                typed.get("town"),
                autocomplete="address-level2",
                classes="govuk-!-width-two-thirds",
            ),
            "manual-postcode": _part(
                result,
                "manual-postcode",
                "Postcode (optional)",
                typed.get("postcode"),
                autocomplete="postal-code",
                classes="govuk-input--width-10",
            ),
        }
    else:
        postcode = "" if value.get(MANUAL) else _text(value.get("postcode"))
        result.parts["postcode"] = _part(
            result,
            "postcode",
            "Postcode",
            postcode,
            autocomplete="postal-code",
            classes="govuk-input--width-10",
        )
        found, _ = place_lookup(postcode, postcode_only=True)
        if found:
            _choices(result, found, _text(value.get("uprn")), "Select an address")
    if error:
        target = result.target.removeprefix(f"{result.id}-")
        part = result.parts.get(target) or next(iter(result.parts.values()))
        part.error = error


def _location_parts(result: Field, value: Mapping[str, Any]) -> None:
    result.mode = "lookup"
    result.find_action = f"find:{result.id}"
    error = result.error
    result.error = None
    search = _text(value.get("search"))
    result.parts["search"] = _part(
        result,
        "search",
        "Postcode or street name",
        search,
        classes="govuk-!-width-two-thirds",
    )
    found, _ = place_lookup(search, postcode_only=False)
    if found:
        _choices(result, found, _text(value.get("uprn")), "Select the nearest address")
        street = found[0].street_name
        same = [prop for prop in found if prop.street_name == street]
        result.centre = (
            sum(prop.latitude for prop in same) / len(same),
            sum(prop.longitude for prop in same) / len(same),
        )
    # Filled by the map's pin (with JavaScript); otherwise the server takes the point from the
    # address chosen.
    result.parts["latitude"] = _part(result, "latitude", "Latitude", value.get("latitude"))
    result.parts["longitude"] = _part(result, "longitude", "Longitude", value.get("longitude"))
    result.pin = _pin(value)
    if error:
        target = result.target.removeprefix(f"{result.id}-")
        (result.parts.get(target) or result.parts["search"]).error = error


def _pin(value: Mapping[str, Any]) -> tuple[float, float] | None:
    """The point of a pin placed on the map (not one taken from an address chosen)."""
    if value.get("uprn"):
        return None
    try:
        lat, lon = float(value.get("latitude") or ""), float(value.get("longitude") or "")
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def _choices(result: Field, found: list[Any], chosen: str, label: str) -> None:
    count = len(found)
    select = _part(result, "uprn", label, chosen)
    select.kind = "select"
    select.items = [
        Item(
            id="",
            value="",
            label=f"{count} address found" if count == 1 else f"{count} addresses found",
        )
    ] + [
        Item(id="", value=prop.uprn, label=prop.address, checked=prop.uprn == chosen)
        for prop in found
    ]
    result.parts["uprn"] = select
    result.results_count = count
