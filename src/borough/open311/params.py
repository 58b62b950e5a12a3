"""Parsing GeoReport v2 parameters: form-encoded bodies and query strings.

Empty optional parameters are treated as absent. Every problem found is reported at once,
as a 400 with one error per problem, and nothing is written.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from borough.open311.errors import bad_request

MAX_DESCRIPTION: Final = 4000
MAX_NAME: Final = 100
MAX_EMAIL: Final = 254
MAX_PHONE: Final = 30
MAX_ADDRESS: Final = 500
MAX_MEDIA_URL: Final = 2000
MAX_CODE: Final = 100
MAX_VALUE: Final = 4000
MAX_ATTRIBUTES: Final = 100
MAX_IDS: Final = 200
# The spec: a date range "may not span more than 90 days"; without one, the last 90 days.
MAX_RANGE: Final = timedelta(days=90)
MAX_RESULTS: Final = 1000

_ATTRIBUTE_RE: Final = re.compile(r"^attribute\[([^\[\]]{1,100})\](\[\])?$")
_CODE_RE: Final = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
_url_validator = URLValidator(schemes=["http", "https"])


def text_param(data: QueryDict, name: str, limit: int, problems: list[str]) -> str | None:
    """One parameter, stripped; None when absent or empty. Too long: a problem."""
    values = data.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        problems.append(f"{name}: give one value")
        return None
    value = values[0].replace("\x00", "").strip()
    if not value:
        return None
    if len(value) > limit:
        problems.append(f"{name}: must be {limit:,} characters or fewer")
        return None
    return value


def _coordinate(
    text: str | None, name: str, low: float, high: float, problems: list[str]
) -> float | None:
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        problems.append(f"{name}: must be a number between {low:g} and {high:g}")
        return None
    return number


@dataclass
class RequestInput:
    """A POST requests body, parsed."""

    service_code: str
    latitude: float | None = None
    longitude: float | None = None
    address_string: str | None = None
    address_id: str | None = None
    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    description: str | None = None
    media_url: str | None = None
    # Open311 attribute code -> one value, or a list for attribute[code][]
    attributes: dict[str, str | list[str]] = field(default_factory=dict)


def request_input(data: QueryDict) -> RequestInput:
    problems: list[str] = []
    service_code = text_param(data, "service_code", 80, problems)
    if service_code is None and not problems:
        problems.append("service_code: Enter a service code")
    lat_text = text_param(data, "lat", 50, problems)
    long_text = text_param(data, "long", 50, problems)
    latitude = _coordinate(lat_text, "lat", -90, 90, problems)
    longitude = _coordinate(long_text, "long", -180, 180, problems)
    if (lat_text is None) != (long_text is None):
        problems.append("lat, long: give both a latitude and a longitude, or neither")
    address_string = text_param(data, "address_string", MAX_ADDRESS, problems)
    address_id = text_param(data, "address_id", 12, problems)
    if address_id is not None and not address_id.isdigit():
        problems.append("address_id: must be a UPRN, up to 12 digits")
    if lat_text is None and address_string is None and address_id is None:
        problems.append("lat, long: give a location as lat and long, address_string or address_id")
    media_url = text_param(data, "media_url", MAX_MEDIA_URL, problems)
    if media_url is not None:
        try:
            _url_validator(media_url)
        except ValidationError:
            problems.append("media_url: must be a web address starting http:// or https://")
    attributes: dict[str, str | list[str]] = {}
    for key in data:
        match = _ATTRIBUTE_RE.match(key)
        if match is None:
            continue
        code, is_list = match.group(1), bool(match.group(2))
        values = [v.replace("\x00", "").strip() for v in data.getlist(key)]
        values = [v for v in values if v]
        if any(len(v) > MAX_VALUE for v in values):
            problems.append(f"{key}: must be {MAX_VALUE:,} characters or fewer")
            continue
        if not values:
            continue
        if is_list:
            existing = attributes.get(code)
            attributes[code] = [*(existing if isinstance(existing, list) else []), *values]
        elif len(values) > 1:
            problems.append(f"{key}: give one value, or use {key}[] for a list")
        else:
            attributes[code] = values[0]
    if len(attributes) > MAX_ATTRIBUTES:
        problems.append(f"attribute: give no more than {MAX_ATTRIBUTES} attributes")
    parsed = RequestInput(
        service_code=service_code or "",
        latitude=latitude,
        longitude=longitude,
        address_string=address_string,
        address_id=address_id,
        email=text_param(data, "email", MAX_EMAIL, problems),
        phone=text_param(data, "phone", MAX_PHONE, problems),
        first_name=text_param(data, "first_name", MAX_NAME, problems),
        last_name=text_param(data, "last_name", MAX_NAME, problems),
        description=text_param(data, "description", MAX_DESCRIPTION, problems),
        media_url=media_url,
        attributes=attributes,
    )
    if problems:
        raise bad_request(*problems)
    return parsed


@dataclass
class UpdateInput:
    """A POST servicerequestupdates body (FixMyStreet's extension), parsed."""

    service_request_id: str
    update_id: str
    status: str
    description: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    media_url: str | None = None


def update_input(data: QueryDict, *, statuses: frozenset[str]) -> UpdateInput:
    problems: list[str] = []
    service_request_id = text_param(data, "service_request_id", 40, problems)
    if service_request_id is None and not problems:
        problems.append("service_request_id: Enter the id of the request to update")
    update_id = text_param(data, "update_id", 100, problems)
    if update_id is None and not any(p.startswith("update_id") for p in problems):
        problems.append("update_id: Enter your id for this update")
    status = text_param(data, "status", 40, problems)
    if status is None:
        if not any(p.startswith("status") for p in problems):
            problems.append("status: Enter a status")
    elif status.lower() not in statuses:
        problems.append(f"status: must be one of {', '.join(sorted(statuses))}")
    media_url = text_param(data, "media_url", MAX_MEDIA_URL, problems)
    if media_url is not None:
        try:
            _url_validator(media_url)
        except ValidationError:
            problems.append("media_url: must be a web address starting http:// or https://")
    parsed = UpdateInput(
        service_request_id=service_request_id or "",
        update_id=update_id or "",
        status=(status or "").lower(),
        description=text_param(data, "description", MAX_DESCRIPTION, problems),
        email=text_param(data, "email", MAX_EMAIL, problems),
        first_name=text_param(data, "first_name", MAX_NAME, problems),
        last_name=text_param(data, "last_name", MAX_NAME, problems),
        media_url=media_url,
    )
    if problems:
        raise bad_request(*problems)
    return parsed


def w3c_param(data: QueryDict, name: str, problems: list[str]) -> datetime | None:
    """A W3C datetime (or date) parameter; a time without a zone is taken as UTC."""
    text = text_param(data, name, 40, problems)
    if text is None:
        return None
    moment: datetime | None = None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = datetime(day.year, day.month, day.day)
    except ValueError:
        moment = None
    if moment is None:
        problems.append(f"{name}: must be a W3C datetime, like 2026-03-05T14:15:00Z")
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return moment


def date_range(data: QueryDict, problems: list[str]) -> tuple[datetime, datetime]:
    """start_date and end_date: either may be left out; the range is at most 90 days, and
    the last 90 days when neither is given."""
    start = w3c_param(data, "start_date", problems)
    end = w3c_param(data, "end_date", problems)
    if start is None and end is None:
        end = timezone.now()
        start = end - MAX_RANGE
    elif start is None:
        assert end is not None
        start = end - MAX_RANGE
    elif end is None:
        end = start + MAX_RANGE
    if start > end:
        problems.append("start_date: must be before end_date")
    elif end - start > MAX_RANGE:
        problems.append("end_date: the range may not span more than 90 days")
    return start, end


def list_param(
    data: QueryDict, name: str, problems: list[str], *, limit: int = MAX_IDS
) -> list[str]:
    """A comma-separated list (the parameter may also be given more than once)."""
    items: list[str] = []
    for value in data.getlist(name):
        items.extend(part.strip() for part in value.replace("\x00", "").split(","))
    items = [item for item in items if item]
    if len(items) > limit:
        problems.append(f"{name}: give no more than {limit} values")
        return []
    if any(len(item) > MAX_CODE for item in items):
        problems.append(f"{name}: each value must be {MAX_CODE} characters or fewer")
        return []
    return list(dict.fromkeys(items))


def code_valid(code: str) -> bool:
    return bool(_CODE_RE.match(code))
