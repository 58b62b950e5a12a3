"""GeoReport v2 responses in XML (built with ElementTree) and JSON, both UTF-8.

Each response is a list of rows (dicts). In XML the list is the root element and each row
an element in it; a value that is a list becomes a wrapper element holding one child per
item (`attributes` holds `attribute`s, `values` holds `value`s, and so on). None is an
empty element in XML and null in JSON; booleans are "true"/"false" in XML.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

from django.http import HttpResponse

XML_CONTENT_TYPE: Final = "text/xml; charset=utf-8"
JSON_CONTENT_TYPE: Final = "application/json; charset=utf-8"
FORMATS: Final = ("xml", "json")

# The element each item of a list is written as, by the list's own name.
_ITEM_NAMES: Final = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}


def w3c(moment: datetime | None) -> str | None:
    """A W3C datetime with its time zone, in UTC, to the second: 2026-03-05T14:15:00Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _append(parent: ET.Element, name: str, value: object) -> None:
    element = ET.SubElement(parent, name)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _append(element, str(key), item)
    elif isinstance(value, list | tuple):
        child_name = _ITEM_NAMES.get(name, "item")
        for item in value:
            _append(element, child_name, item)
    else:
        element.text = _text(value)


def xml_bytes(root: str, value: Sequence[Any] | Mapping[str, Any]) -> bytes:
    """`value` (a list of rows, or one mapping) under the element `root`."""
    element = ET.Element(root)
    if isinstance(value, Mapping):
        for key, item in value.items():
            _append(element, str(key), item)
    else:
        child_name = _ITEM_NAMES.get(root, "item")
        for item in value:
            _append(element, child_name, item)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(
    fmt: str, root: str, value: Sequence[Any] | Mapping[str, Any], *, status: int = 200
) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        return HttpResponse(body, status=status, content_type=JSON_CONTENT_TYPE)
    return HttpResponse(xml_bytes(root, value), status=status, content_type=XML_CONTENT_TYPE)


def error_response(fmt: str, status: int, descriptions: Sequence[str]) -> HttpResponse:
    """The spec's errors: a list of code (the HTTP status) and description."""
    rows = [{"code": status, "description": text} for text in descriptions]
    response = respond(fmt if fmt in FORMATS else "xml", "errors", rows, status=status)
    return response
