"""Reading answers from a posted page, and checking them before the form engine does.

Most question types post one field named by the question id and are checked by the engine's
`answer_clean` alone. Addresses and locations are found in the gazetteer first (postcode,
"Find address", a list to choose from, or the address typed by hand), all on the server so
that they work without JavaScript; their steps have messages of their own ("Enter a real
postcode", "Select an address from the list") before the engine checks the result.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from django.http import QueryDict
from django.utils.translation import gettext_lazy

from borough.catalogue.forms import UPRN_MESSAGE, FormContext, answer_clean
from borough.places.models import Property
from borough.places.postcodes import postcode_key, postcode_normalise
from borough.places.selectors import (
    address_search,
    addresses_for_postcode,
    properties_near,
    property_by_uprn,
)

MANUAL: Final = "manual"
LOOKUP: Final = "lookup"
SEARCH_RESULTS_LIMIT: Final = 100

# Translated when shown (lazy): compared with `==`, and made text with str() when returned.
ENTER_POSTCODE: Final = gettext_lazy("Enter a postcode")
REAL_POSTCODE: Final = gettext_lazy("Enter a real postcode")
NO_ADDRESSES: Final = gettext_lazy(
    "We could not find any addresses for that postcode \u2013 check it or enter the address manually"
)
NO_PLACES: Final = gettext_lazy(
    "We could not find that postcode or street \u2013 check it and try again, "
    "or enter a postcode nearby"
)
ENTER_PLACE: Final = gettext_lazy("Enter a postcode or street name")
LINE1_REQUIRED: Final = gettext_lazy("Enter address line 1, typically the building and street")
TOWN_REQUIRED: Final = gettext_lazy("Enter town or city")


def _text(post: QueryDict, name: str, limit: int = 500) -> str:
    return str(post.get(name, "")).replace("\x00", "").strip()[:limit]


def _required(question: Mapping[str, Any]) -> bool:
    return question.get("required", True) is not False


def _own_required_message(question: Mapping[str, Any], default: str) -> str:
    errors = question.get("errors")
    if isinstance(errors, Mapping) and isinstance(errors.get("required"), str):
        return str(errors["required"])
    return default


# -- Finding places in the gazetteer ----------------------------------------------------


def place_lookup(text: str, *, postcode_only: bool) -> tuple[list[Property], str | None]:
    """Addresses for a postcode (or, for a location, a street), and the message when none."""
    text = (text or "").strip()
    if not text:
        return [], None
    if postcode_normalise(text):
        found = addresses_for_postcode(text)
        return found, None if found else str(NO_ADDRESSES if postcode_only else NO_PLACES)
    if postcode_only:
        return [], str(REAL_POSTCODE)
    found = address_search(text, limit=SEARCH_RESULTS_LIMIT)
    return found, None if found else str(NO_PLACES)


def _same_search(one: object, other: object) -> bool:
    return postcode_key(str(one or "")) == postcode_key(str(other or ""))


def _chosen(
    uprn: str | None, search: str, stored_search: object, *, finding: bool, postcode_only: bool
) -> str | None:
    """The UPRN chosen from the list, unless the resident has searched for something else."""
    if not uprn or finding:
        return None  # "Find address" starts a new search: the old choice no longer applies
    if _same_search(search, stored_search):
        return uprn
    found, _ = place_lookup(search, postcode_only=postcode_only)
    return uprn if any(prop.uprn == uprn for prop in found) else None


# -- From the posted form to raw answers ----------------------------------------------------


def raw_from_post(
    question: Mapping[str, Any], post: QueryDict, *, stored: object, finding: bool = False
) -> Any:
    """A question's raw answer as posted. `stored` is its raw answer before this post;
    `finding` is true when the resident pressed this question's "Find address" button."""
    qid = str(question["id"])
    qtype = question.get("type")
    if qtype == "checkboxes":
        return [str(value) for value in post.getlist(qid)][:100]
    if qtype == "date":
        return {part: _text(post, f"{qid}-{part}", 20) for part in ("day", "month", "year")}
    if qtype == "address":
        return _address_from_post(qid, post, stored if isinstance(stored, dict) else {}, finding)
    if qtype == "location":
        return _location_from_post(qid, post, stored if isinstance(stored, dict) else {}, finding)
    if qtype == "file":
        return stored if isinstance(stored, list) else []
    limit = 10_000 if qtype == "textarea" else 1_000
    return str(post.get(qid, "")).replace("\x00", "")[:limit]


def _address_from_post(
    qid: str, post: QueryDict, stored: dict[str, Any], finding: bool
) -> dict[str, Any]:
    if post.get(f"{qid}-mode") == MANUAL:
        parts = {part: _text(post, f"{qid}-{part}", 200) for part in ("line1", "line2", "town")}
        postcode = _text(post, f"{qid}-manual-postcode", 20)
        shown = postcode_normalise(postcode) or postcode
        text = ", ".join(item for item in (*parts.values(), shown) if item)
        return {MANUAL: True, **parts, "postcode": postcode, "uprn": None, "text": text}
    postcode = _text(post, f"{qid}-postcode", 20)
    uprn = _chosen(
        _text(post, f"{qid}-uprn", 20) or None,
        postcode,
        stored.get("postcode"),
        finding=finding,
        postcode_only=True,
    )
    prop = property_by_uprn(uprn) if uprn else None
    return {"postcode": postcode, "uprn": uprn, "text": prop.address if prop else ""}


def _location_from_post(
    qid: str, post: QueryDict, stored: dict[str, Any], finding: bool
) -> dict[str, Any]:
    search = _text(post, f"{qid}-search", 100)
    uprn = _chosen(
        _text(post, f"{qid}-uprn", 20) or None,
        search,
        stored.get("search"),
        finding=finding,
        postcode_only=False,
    )
    latitude = _text(post, f"{qid}-latitude", 30)
    longitude = _text(post, f"{qid}-longitude", 30)
    if finding or not _same_search(search, stored.get("search")):
        latitude = longitude = ""
    prop = property_by_uprn(uprn) if uprn else None
    if prop is not None:
        # The point comes from the property the resident chose near the problem.
        return {
            "search": search,
            "uprn": uprn,
            "text": prop.address,
            "latitude": prop.latitude,
            "longitude": prop.longitude,
        }
    # The map (with JavaScript) fills the hidden latitude and longitude; without it they stay
    # empty. A pin is described by the nearest address, for check your answers.
    return {
        "search": search,
        "uprn": uprn,
        "text": _nearest_address(latitude, longitude),
        "latitude": latitude,
        "longitude": longitude,
    }


# How far from a pin to look for an address to describe it by.
PIN_ADDRESS_METRES: Final = 150


def _nearest_address(latitude: str, longitude: str) -> str:
    try:
        lat, lon = float(latitude), float(longitude)
    except ValueError:
        return ""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return ""
    found = properties_near(lat, lon, metres=PIN_ADDRESS_METRES, limit=1)
    return found[0].address if found else ""


# -- Checking ---------------------------------------------------------------------------------


def _has_point(raw: Mapping[str, Any]) -> bool:
    return (
        str(raw.get("latitude", "")).strip() != "" and str(raw.get("longitude", "")).strip() != ""
    )


def question_error(
    question: Mapping[str, Any],
    raw: object,
    *,
    context: FormContext,
    needs_uprn: bool = False,
) -> str | None:
    """The message for a question's raw answer, or None when it is fine.

    `needs_uprn`: an address must be one from the gazetteer (a service that needs a property).
    """
    qtype = question.get("type")
    if qtype == "address":
        return _address_error(question, raw, context=context, needs_uprn=needs_uprn)
    if qtype == "location":
        return _location_error(question, raw, context=context)
    _, error = answer_clean(question, raw, context=context)
    return error


def _address_error(
    question: Mapping[str, Any], raw: object, *, context: FormContext, needs_uprn: bool
) -> str | None:
    value = raw if isinstance(raw, Mapping) else {}
    if value.get(MANUAL) and not needs_uprn:
        typed = [str(value.get(part) or "").strip() for part in ("line1", "line2", "town")]
        postcode = str(value.get("postcode") or "").strip()
        if not any(typed) and not postcode and not _required(question):
            return None
        if not typed[0]:
            return str(LINE1_REQUIRED)
        if not typed[2]:
            return str(TOWN_REQUIRED)
        if postcode and not postcode_normalise(postcode):
            return str(REAL_POSTCODE)
    else:
        postcode = str(value.get("postcode") or "").strip()
        if not value.get("uprn"):
            if not postcode:
                if not _required(question) and not needs_uprn:
                    return None
                return _own_required_message(question, str(ENTER_POSTCODE))
            _, lookup_error = place_lookup(postcode, postcode_only=True)
            return lookup_error or str(UPRN_MESSAGE)
    cleaned_input = {"uprn": value.get("uprn"), "text": value.get("text") or ""}
    _, error = answer_clean(question, cleaned_input, context=context)
    return error


def _location_error(
    question: Mapping[str, Any], raw: object, *, context: FormContext
) -> str | None:
    value = raw if isinstance(raw, Mapping) else {}
    if not value.get("uprn") and not _has_point(value):
        search = str(value.get("search") or "").strip()
        if not search:
            return (
                None
                if not _required(question)
                else _own_required_message(question, str(ENTER_PLACE))
            )
        _, lookup_error = place_lookup(search, postcode_only=False)
        return lookup_error or str(UPRN_MESSAGE)
    point = {"latitude": value.get("latitude"), "longitude": value.get("longitude")}
    _, error = answer_clean(question, point, context=context)
    return error


_DATE_PART_RE: Final = re.compile(
    r"must include a ((?:day|month|year)(?: and (?:day|month|year))*)"
)


def date_parts_in_error(message: str | None) -> list[str]:
    """Which of day, month and year an error message is about (all three when it does not say)."""
    if not message:
        return []
    if message.startswith("Year must include"):
        return ["year"]
    match = _DATE_PART_RE.search(message)
    if match:
        return match.group(1).split(" and ")
    return ["day", "month", "year"]


def error_target(question: Mapping[str, Any], raw: object, message: str | None) -> str:
    """The id of the field an error summary link should take the resident to."""
    qid = str(question["id"])
    qtype = question.get("type")
    value = raw if isinstance(raw, Mapping) else {}
    if qtype == "date":
        parts = date_parts_in_error(message) or ["day"]
        return f"{qid}-{parts[0]}"
    if qtype == "address":
        if value.get(MANUAL):
            return (
                f"{qid}-town"
                if message == TOWN_REQUIRED
                else (f"{qid}-manual-postcode" if message == REAL_POSTCODE else f"{qid}-line1")
            )
        return f"{qid}-uprn" if message == UPRN_MESSAGE else f"{qid}-postcode"
    if qtype == "location":
        return f"{qid}-uprn" if message == UPRN_MESSAGE else f"{qid}-search"
    return qid
