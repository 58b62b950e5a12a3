"""An Open311 GeoReport v2 client, for contractors whose systems take service requests.

- `request_fields` builds the form POSTed to `{base_url}/requests.json` from a case: the
  contractor's service code, where (lat/long, address and UPRN), what (the description
  and answers as `attribute[...]`), and who only when the endpoint shares the reporter's
  contact details.
- `request_post` sends it and reads the `service_request_id` (or `token`) from the answer,
  in JSON or XML (XML is read with defusedxml).
- `token_resolve` asks `{base_url}/tokens/{token}.json` for the id behind a token.
- `updates_fetch` reads `{base_url}/servicerequestupdates.json` (the FixMyStreet extension)
  between two times.

Nothing here touches the database: the dispatch services call these outside transactions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element

import httpx
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from borough.cases.models import Case
from borough.catalogue.forms import answers_summary
from borough.dispatch.models import ContractorEndpoint
from borough.dispatch.transport import (
    ContractorError,
    Sent,
    error_for_exception,
    error_for_status,
    http_client,
)

# Open311 descriptions are plain text; longer ones are cut here.
DESCRIPTION_LIMIT = 4000


def _url(endpoint: ContractorEndpoint, path: str) -> str:
    return endpoint.base_url.rstrip("/") + "/" + path


def w3c(moment: datetime) -> str:
    """2026-03-05T14:15:00Z: the W3C date and time format Open311 uses, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def case_answers(case: Case) -> list[tuple[str, str, str]]:
    """(question id, label, answer as text) for each answered question of the case's form."""
    form = case.service.forms.filter(version=case.form_version).first()
    if form is None:
        return [(key, key, str(value)) for key, value in case.answers.items()]
    return answers_summary(form.definition, case.answers)


def request_fields(*, endpoint: ContractorEndpoint, case: Case) -> dict[str, str]:
    """The form of a POST Service Request for `case`."""
    answers = case_answers(case)
    lines = [case.title, *(f"{label}: {text}" for _id, label, text in answers)]
    lines.append(f"Reference: {case.reference}")
    fields: dict[str, str] = {
        "service_code": str(endpoint.service_codes.get(case.service.code) or case.service.code),
        "description": "\n".join(lines)[:DESCRIPTION_LIMIT],
        "attribute[borough_reference]": case.reference,
    }
    if endpoint.api_key:
        fields["api_key"] = endpoint.api_key
    if endpoint.jurisdiction_id:
        fields["jurisdiction_id"] = endpoint.jurisdiction_id
    if case.latitude is not None and case.longitude is not None:
        fields["lat"] = f"{case.latitude:.6f}"
        fields["long"] = f"{case.longitude:.6f}"
    if case.property is not None:
        fields["address_string"] = case.property.address
        fields["address_id"] = case.property.uprn
    if case.street is not None:
        fields["attribute[usrn]"] = case.street.usrn
    for question_id, _label, text in answers:
        fields[f"attribute[{question_id}]"] = text
    if endpoint.share_reporter_contact:
        first, _, last = case.reporter_name.strip().partition(" ")
        contact = {
            "email": case.reporter_email,
            "first_name": first,
            "last_name": last,
            "phone": case.reporter_phone,
        }
        fields.update({key: value for key, value in contact.items() if value})
    return fields


def _is_xml(response: httpx.Response) -> bool:
    return "xml" in response.headers.get("content-type", "") or response.text.lstrip().startswith(
        "<"
    )


def _xml(response: httpx.Response) -> Element:
    try:
        return ElementTree.fromstring(response.content)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise ContractorError(
            f"The contractor sent back XML that could not be read: {error}", permanent=True
        ) from error


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ContractorError(
            "The contractor sent back something that is not JSON", permanent=True
        ) from error


def _error_detail(response: httpx.Response) -> str:
    """The description of an Open311 error answer, if there is one."""
    try:
        if _is_xml(response):
            return " ".join(
                (node.text or "").strip() for node in _xml(response).iter("description")
            )
        errors = response.json()
        if isinstance(errors, list):
            return " ".join(str(e.get("description", "")) for e in errors if isinstance(e, dict))
    except (ContractorError, ValueError):
        pass
    return ""


def _first_request(response: httpx.Response) -> dict[str, str]:
    if _is_xml(response):
        node = _xml(response).find(".//request")
        if node is None:
            return {}
        return {child.tag: (child.text or "").strip() for child in node}
    data = _json(response)
    if isinstance(data, dict):
        data = data.get("service_requests") or [data]
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return {key: str(value) for key, value in data[0].items() if value is not None}
    return {}


def request_post(
    *, endpoint: ContractorEndpoint, fields: dict[str, str], idempotency_key: str
) -> Sent:
    """POST the service request. Raises `ContractorError` unless the contractor accepted it
    and said which request (or token) it became."""
    try:
        with http_client(endpoint) as client:
            response = client.post(
                _url(endpoint, "requests.json"),
                data=fields,
                headers={"Idempotency-Key": idempotency_key},
            )
    except httpx.HTTPError as error:
        raise error_for_exception(error) from error
    if not response.is_success:
        raise error_for_status(response, _error_detail(response))
    request = _first_request(response)
    external_id = request.get("service_request_id", "").strip()
    token = request.get("token", "").strip()
    if not external_id and not token:
        raise ContractorError(
            "The contractor accepted the request but sent back no service_request_id or token",
            permanent=True,
            status_code=response.status_code,
        )
    return Sent(external_id=external_id, token=token, status_code=response.status_code)


def token_resolve(*, endpoint: ContractorEndpoint, token: str) -> str:
    """The service_request_id behind `token`, or "" while the contractor has none yet."""
    params = {"jurisdiction_id": endpoint.jurisdiction_id} if endpoint.jurisdiction_id else {}
    try:
        with http_client(endpoint) as client:
            response = client.get(_url(endpoint, f"tokens/{token}.json"), params=params)
    except httpx.HTTPError as error:
        raise error_for_exception(error) from error
    if response.status_code == 404:
        return ""
    if not response.is_success:
        raise error_for_status(response, _error_detail(response))
    return _first_request(response).get("service_request_id", "").strip()


@dataclass(frozen=True)
class Open311Update:
    update_id: str
    service_request_id: str
    status: str
    description: str
    updated_at: datetime | None
    media_url: str
    external_status_code: str = ""


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _update(row: dict[str, Any]) -> Open311Update | None:
    def text(key: str) -> str:
        value = row.get(key)
        return "" if value is None else str(value).strip()

    if not text("update_id") or not text("service_request_id"):
        return None
    return Open311Update(
        update_id=text("update_id"),
        service_request_id=text("service_request_id"),
        status=text("status"),
        description=text("description"),
        updated_at=_moment(text("updated_datetime")),
        media_url=text("media_url"),
        external_status_code=text("external_status_code"),
    )


def updates_fetch(
    *, endpoint: ContractorEndpoint, start: datetime, end: datetime
) -> list[Open311Update]:
    """The contractor's updates made between `start` and `end`, oldest first."""
    params = {"start_date": w3c(start), "end_date": w3c(end)}
    if endpoint.api_key:
        params["api_key"] = endpoint.api_key
    if endpoint.jurisdiction_id:
        params["jurisdiction_id"] = endpoint.jurisdiction_id
    try:
        with http_client(endpoint) as client:
            response = client.get(_url(endpoint, "servicerequestupdates.json"), params=params)
    except httpx.HTTPError as error:
        raise error_for_exception(error) from error
    if not response.is_success:
        raise error_for_status(response, _error_detail(response))
    rows: list[dict[str, Any]]
    if _is_xml(response):
        rows = [
            {child.tag: child.text for child in node}
            for node in _xml(response).iter("request_update")
        ]
    else:
        data = _json(response)
        if isinstance(data, dict):
            data = data.get("service_request_updates") or data.get("request_updates") or []
        rows = [row for row in data if isinstance(row, dict)] if isinstance(data, list) else []
    updates = [update for row in rows if (update := _update(row)) is not None]
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted(updates, key=lambda u: u.updated_at or epoch)
