"""Writes for Open311: API keys, their use, and what clients send.

A request that arrives over Open311 becomes a case through `cases.services.case_create`
(channel "app"), routed and worked like any other. An update a client posts goes through
`case_reopen` or `case_resident_reply` (see `update_receive` for the mapping).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case as SqlCase
from django.db.models import F, Q, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from borough.accounts.models import User
from borough.cases.models import Case, CaseEvent
from borough.cases.services import (
    CaseError,
    CaseInvalid,
    Submission,
    case_create,
    case_reopen,
    case_resident_reply,
    case_update_from_public,
)
from borough.catalogue.forms import answer_clean, questions
from borough.catalogue.models import Identity, Service
from borough.contacts.models import Channel
from borough.core.models import Organisation
from borough.core.references import reference_normalise
from borough.core.services import audit_record
from borough.open311.errors import Open311Error, bad_request, forbidden, not_found
from borough.open311.models import (
    DEFAULT_RATE_LIMIT,
    AnonymousRateWindow,
    ApiKey,
    ReceivedUpdate,
    ServiceRequest,
)
from borough.open311.params import RequestInput, UpdateInput
from borough.open311.statuses import INCOMING_OPEN
from borough.places.geo import organisations_at, point_in_area
from borough.places.selectors import address_search, property_by_uprn

KEY_PREFIX: Final = "b311_"
PREFIX_LENGTH: Final = len(KEY_PREFIX) + 8
RATE_WINDOW: Final = timedelta(minutes=1)
# Rate windows older than this are cleared away when a key opens a new one.
RATE_WINDOW_KEEP: Final = timedelta(hours=1)
# Question types GeoReport carries itself (lat/long, media_url), never as attributes.
_NOT_ATTRIBUTES: Final = frozenset({"location", "file"})
EMAIL_QUESTION: Final = {"id": "email", "type": "email", "label": "Email", "name": "email"}
PHONE_QUESTION: Final = {"id": "phone", "type": "phone", "label": "Phone", "name": "phone"}


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("utf-8")).hexdigest()


# -- API keys ----------------------------------------------------------------------------


class ApiKeyInvalid(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@transaction.atomic
def apikey_issue(
    *,
    organisation: Organisation,
    name: str,
    actor: User | None = None,
    extended_statuses: bool = False,
    rate_limit: int = DEFAULT_RATE_LIMIT,
) -> tuple[ApiKey, str]:
    """Issue a key for one client of `organisation`. Returns the key row and the key itself,
    which is never stored and cannot be shown again."""
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter who will use the key"
    elif len(name) > 100:
        errors["name"] = "Name must be 100 characters or fewer"
    if not organisation.is_active:
        errors["organisation"] = "Select an active organisation"
    if not 1 <= rate_limit <= 100_000:
        errors["rate_limit"] = "Requests each minute must be between 1 and 100,000"
    if errors:
        raise ApiKeyInvalid(errors)
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organisation=organisation,
        name=name,
        prefix=raw_key[:PREFIX_LENGTH],
        key_hash=key_hash(raw_key),
        extended_statuses=extended_statuses,
        rate_limit=rate_limit,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="apikey.issue",
        obj=api_key,
        detail={"name": name, "prefix": api_key.prefix},
    )
    return api_key, raw_key


@transaction.atomic
def apikey_revoke(*, api_key: ApiKey, actor: User | None = None) -> ApiKey:
    """Revoke a key: every later request with it is refused. Revoking twice changes nothing."""
    locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit_record(
        actor=actor,
        action="apikey.revoke",
        obj=locked,
        detail={"name": locked.name, "prefix": locked.prefix},
    )
    return locked


def apikey_use(*, api_key: ApiKey, now: datetime | None = None) -> None:
    """Count one request against the key's fixed one-minute window and note when the key was
    last used, in one conditional UPDATE of the key's row (so every web process shares the
    window, and no transaction or re-read is needed).

    The UPDATE matches only while the key may still make a request this minute: a window
    that has not started this minute begins again at 1, the current one goes up by 1 unless
    it is full. A request over the limit still counts as a use (`use_count`), not in the
    window. Raises a 429 Open311Error when the key has used up this minute's requests.
    """
    now = now or timezone.now()
    start = now.replace(second=0, microsecond=0)
    # A window that started at `start` or later (another process's clock a little ahead) is
    # the current one; anything earlier, or none, has ended.
    current = Q(window_start__gte=start)
    allowed = (
        ApiKey.objects.filter(pk=api_key.pk)
        .filter(~current | Q(window_start__isnull=True) | Q(window_count__lt=F("rate_limit")))
        .update(
            window_count=SqlCase(When(current, then=F("window_count") + 1), default=Value(1)),
            window_start=SqlCase(When(current, then=F("window_start")), default=Value(start)),
            last_used_at=now,
            use_count=F("use_count") + 1,
        )
    )
    if allowed:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now, use_count=F("use_count") + 1)
    raise Open311Error(
        429,
        f"api_key: this key may make {api_key.rate_limit} requests a minute; try again in a minute",
    )


def anonymous_use(*, client_ip: str | None, now: datetime | None = None) -> None:
    """Count one request made without a key against its address's one-minute window, as
    `apikey_use` does for a key. Raises a 429 Open311Error past the limit
    (`OPEN311_ANONYMOUS_RATE_LIMIT` a minute).

    Most requests are one conditional UPDATE of the address's current window; the first in
    a minute makes the window row (and clears away windows older than an hour)."""
    if client_ip is None:
        return
    limit = settings.OPEN311_ANONYMOUS_RATE_LIMIT
    now = now or timezone.now()
    start = now.replace(second=0, microsecond=0)
    windows = AnonymousRateWindow.objects.filter(
        client_ip=client_ip, window_start=start, count__lt=limit
    )
    if windows.update(count=F("count") + 1):
        return
    window, created = AnonymousRateWindow.objects.get_or_create(
        client_ip=client_ip, window_start=start, defaults={"count": 1}
    )
    if created:
        AnonymousRateWindow.objects.filter(window_start__lt=start - RATE_WINDOW_KEEP).delete()
        if limit >= 1:
            return
    elif windows.filter(pk=window.pk).update(count=F("count") + 1):
        return  # another request made this minute's window a moment ago
    raise Open311Error(
        429,
        f"Without an API key, {limit} requests a minute may be made; try again in a "
        "minute, or ask the council for a key",
    )


# -- Requests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestCreated:
    case: Case
    record: ServiceRequest
    created: bool


def _attribute_questions(definition: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Open311 attribute code -> question, for the questions GeoReport carries as attributes."""
    found: dict[str, dict[str, Any]] = {}
    for question in questions(definition):
        if question.get("type") in _NOT_ATTRIBUTES:
            continue
        settings = question.get("open311")
        settings = settings if isinstance(settings, Mapping) else {}
        found[str(settings.get("code", question["id"]))] = question
    return found


def _automated(question: Mapping[str, Any]) -> str:
    settings = question.get("open311")
    return str(settings.get("automated", "")) if isinstance(settings, Mapping) else ""


def _date_value(value: str) -> str:
    """A datetime attribute for a date question: its date in the UK ("2026-03-05")."""
    if "T" in value:
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.date().isoformat()
    return value


def _description_question(
    by_code: dict[str, dict[str, Any]], given: Mapping[str, object]
) -> tuple[str, dict[str, Any]] | None:
    """Where the `description` parameter goes: the question whose Open311 code is
    "description", else the form's first long-text question not answered by an attribute."""
    if "description" in by_code:
        return "description", by_code["description"]
    for code, question in by_code.items():
        if question.get("type") == "textarea" and code not in given:
            return code, question
    return None


def _reference_system(code: str) -> str:
    """The system whose id for this report an attribute carries, or "". Only ids of the
    report itself count (`fixmystreet_id`, an app's `<system>_request_id` or
    `<system>_report_id`): FixMyStreet's asset attributes (`asset_id`, `central_asset_id`)
    name a lamp post or a drain that many reports share, so they are kept as extras."""
    if code == "fixmystreet_id":
        return "fixmystreet"
    for suffix in ("_request_id", "_report_id"):
        if code.endswith(suffix) and len(code) > len(suffix):
            return code[: -len(suffix)]
    return ""


def _idempotency_key(api_key: ApiKey, references: dict[str, str], header: str | None) -> str | None:
    parts = [f"{system}={value}" for system, value in sorted(references.items())]
    if header:
        parts.append(f"header={header}")
    if not parts:
        return None
    digest = hashlib.sha256(f"{api_key.organisation_id}|{'|'.join(parts)}".encode()).hexdigest()
    return f"open311:{digest}"


def _service_for_post(code: str, jurisdiction: Organisation | None) -> Service:
    """The service a POST names, with its organisation and default team (and that team's
    organisation) loaded in the same query: routing and the case need them."""
    services = Service.objects.filter(code=code, organisation__is_active=True).select_related(
        "organisation", "default_team__organisation"
    )
    if jurisdiction is not None:
        services = services.filter(organisation=jurisdiction)
    try:
        service = services.get()  # the code is unique: no ordering to compile
    except Service.DoesNotExist:
        raise bad_request(f"service_code: there is no service with the code {code}") from None
    if service.identity != Identity.ANONYMOUS:
        raise bad_request(
            f"service_code: {code} needs a Borough account, so it cannot be requested over "
            "Open311; use the council's website"
        )
    return service


def _inside_a_council(service: Service, latitude: float, longitude: float) -> bool:
    """Whether the point is in the area of any active organisation here. The service's own
    organisation is asked first, from the geometry cache, which answers most requests
    without a query."""
    return point_in_area(service.organisation, latitude, longitude) or bool(
        organisations_at(latitude, longitude)
    )


def request_create(
    *,
    api_key: ApiKey,
    data: RequestInput,
    jurisdiction: Organisation | None = None,
    idempotency_header: str | None = None,
) -> RequestCreated:
    """Make a case from a POST requests. Raises Open311Error (400, 403 or 429) and makes
    nothing when anything is wrong.

    The request counts against the key's rate limit (`apikey_use`): in the transaction
    that makes the case when it is accepted, so an accepted request is one write; on its
    own when it is refused, so a client sending bad requests is limited too (and a key
    over its limit is told so with a 429 rather than what else was wrong).

    A key may only make cases its own organisation will own: a request the routing rules
    would send to another organisation is refused (403), as is a `jurisdiction_id` that is
    not the key's organisation.
    """
    try:
        return _request_make(
            api_key=api_key,
            data=data,
            jurisdiction=jurisdiction,
            idempotency_header=idempotency_header,
        )
    except Open311Error:
        apikey_use(api_key=api_key)
        raise


def _request_make(
    *,
    api_key: ApiKey,
    data: RequestInput,
    jurisdiction: Organisation | None = None,
    idempotency_header: str | None = None,
) -> RequestCreated:
    if jurisdiction is not None and jurisdiction.pk != api_key.organisation_id:
        raise forbidden(
            f"jurisdiction_id: this API key is for {api_key.organisation.name}, "
            f"not {jurisdiction.name}"
        )
    service = _service_for_post(data.service_code, jurisdiction)
    form = service.current_form
    if form is None:
        raise bad_request(f"service_code: {service.code} is not taking requests")
    problems: list[str] = []
    by_code = _attribute_questions(form.definition)
    code_of_question: dict[str, str] = {str(q["id"]): code for code, q in by_code.items()}

    raw: dict[str, Any] = {}
    extras: dict[str, str | list[str]] = {}
    references: dict[str, str] = {}
    for code, value in data.attributes.items():
        question = by_code.get(code)
        if question is None:
            system = _reference_system(code)
            if system and isinstance(value, str):
                if len(value) > 200:
                    problems.append(f"attribute[{code}]: must be 200 characters or fewer")
                else:
                    references[system] = value
            else:
                extras[code] = value
            continue
        if _automated(question) == "server_set":
            continue  # Borough sets it; what a client sends is not used.
        if question.get("type") == "date" and isinstance(value, str):
            value = _date_value(value)
        raw[str(question["id"])] = value

    description_code = None
    if data.description is not None:
        target = _description_question(by_code, data.attributes)
        if target is None:
            extras["description"] = data.description
        else:
            description_code, question = target
            raw[str(question["id"])] = data.description

    email = phone = ""
    if data.email is not None:
        cleaned, error = answer_clean(EMAIL_QUESTION, data.email)
        if error:
            problems.append(f"email: {error}")
        else:
            email = str(cleaned)
    if data.phone is not None:
        cleaned, error = answer_clean(PHONE_QUESTION, data.phone)
        if error:
            problems.append(f"phone: {error}")
        else:
            phone = str(cleaned)

    latitude, longitude, uprn = data.latitude, data.longitude, data.address_id
    if uprn is not None and property_by_uprn(uprn) is None:
        problems.append(f"address_id: there is no address with the UPRN {uprn}")
    if latitude is None and uprn is None and data.address_string is not None:
        matches = address_search(data.address_string, limit=2)
        if len(matches) == 1:
            uprn = matches[0].uprn
        else:
            problems.append(
                "address_string: the address could not be matched to one property; "
                "send lat and long, or address_id"
            )
    if (
        latitude is not None
        and longitude is not None
        and not _inside_a_council(service, latitude, longitude)
    ):
        problems.append("lat, long: this location is outside the area of every council here")
    if problems:
        raise bad_request(*problems)

    name = " ".join(part for part in (data.first_name, data.last_name) if part)
    submission = Submission(
        service=service,
        channel=Channel.APP,
        answers=raw,
        reporter_name=name[:200],
        reporter_email=email,
        reporter_phone=phone,
        latitude=latitude,
        longitude=longitude,
        uprn=uprn,
        idempotency_key=_idempotency_key(api_key, references, idempotency_header),
        external_references=references,
        form=form,
    )
    try:
        with transaction.atomic():
            # Counted in the transaction that makes the case: one write a request.
            apikey_use(api_key=api_key)
            case = case_create(submission=submission)
            if case.organisation_id != api_key.organisation_id:
                raise forbidden(
                    f"service_code: this request would go to {case.organisation.name}, and "
                    f"this API key is for {api_key.organisation.name}"
                )
            if submission.idempotency_key:
                # Sent before (the report's own id, or the same Idempotency-Key):
                # `case_create` gave back the first case; answer with its record.
                record = ServiceRequest.objects.filter(case=case).first()
                if record is not None:
                    return RequestCreated(case=case, record=record, created=False)
            record = ServiceRequest.objects.create(
                case=case,
                api_key=api_key,
                token=secrets.token_urlsafe(24),
                media_url=data.media_url or "",
                address_string=data.address_string or "",
                extra_attributes=extras,
            )
            audit_record(
                actor=None,
                action="open311.request_create",
                obj=case,
                detail={"api_key": api_key.prefix, "client": api_key.name},
            )
    except CaseInvalid as refused:
        raise bad_request(
            *(
                _case_problem(field, message, code_of_question, description_code)
                for field, message in refused.errors.items()
            )
        ) from None
    except IntegrityError:
        raise bad_request(
            *(
                f"attribute[{system}_id]: {value} is already used by another request"
                for system, value in references.items()
            )
        ) from None
    return RequestCreated(case=case, record=record, created=True)


def _case_problem(
    field: str, message: str, code_of_question: dict[str, str], description_code: str | None
) -> str:
    names = {
        "location": "lat, long",
        "address": "address_id",
        "reporter_email": "email",
        "service": "service_code",
        "resident": "service_code",
        "channel": "service_code",
    }
    if field in names:
        return f"{names[field]}: {message}"
    code = code_of_question.get(field, field)
    if code == description_code:
        return f"description: {message}"
    return f"attribute[{code}]: {message}"


# -- Updates from the front end (FixMyStreet's servicerequestupdates) -----------------------


@dataclass(frozen=True)
class UpdateReceived:
    update: ReceivedUpdate
    event: CaseEvent | None
    created: bool


def update_receive(*, api_key: ApiKey, data: UpdateInput) -> UpdateReceived:
    """An update a front end (FixMyStreet) sends for the resident who made the report.

    The honest mapping onto the case:

    - the key must be of the case's organisation (the authority); the person is carried in
      the fields (`email`, `first_name`, `last_name`). FixMyStreet sends the updates of
      everyone who comments on a report, not only its author's;
    - from someone other than the reporter (the email is not the report's): their words
      reach staff as an update from the public (`case_update_from_public`: staff only, with
      who sent it), whatever the status; it neither reopens nor changes the case;
    - from the reporter: `reopen`, or an open status on a closed case, reopens it (`case_reopen`, the
      description being the reason);
    - anything else is the resident's reply (`case_resident_reply`: staff see it, the
      resident sees it on their request page, the public does not; a case waiting for the
      resident goes back to open). A resident cannot close a case over Open311: a closing
      status is kept on the update record and the words go to staff as a reply;
    - a reply to a closed case is refused (400), as on every other channel.

    Sending the same `update_id` again returns the first update and writes nothing.
    """
    previous = ReceivedUpdate.objects.filter(api_key=api_key, external_id=data.update_id).first()
    if previous is not None:
        return UpdateReceived(update=previous, event=previous.event, created=False)
    reference = reference_normalise(data.service_request_id)
    case = (
        Case.objects.filter(reference=reference, organisation_id=api_key.organisation_id)
        .select_related("organisation", "resident")
        .first()
        if reference
        else None
    )
    if case is None:
        raise not_found(f"service_request_id: there is no request {data.service_request_id}")
    if not data.email:
        raise bad_request("email: Enter the email address of the person sending the update")
    from_reporter = bool(
        case.reporter_email and data.email.strip().lower() == case.reporter_email.lower()
    )
    reopening = from_reporter and (
        data.status == "reopen" or (data.status in INCOMING_OPEN and not case.is_open)
    )
    event: CaseEvent | None
    try:
        with transaction.atomic():
            if not from_reporter:
                # Someone else (FixMyStreet sends every commenter's update): the key of the
                # case's own organisation vouches for it; the person is in the fields.
                if not data.description:
                    raise bad_request("description: Enter the update")
                name = " ".join(p for p in (data.first_name, data.last_name) if p)
                event = case_update_from_public(
                    case=case,
                    body=data.description,
                    name=name,
                    email=data.email.strip().lower(),
                    channel=Channel.APP,
                )
            elif reopening:
                if not data.description:
                    raise bad_request("description: Enter why the report is being reopened")
                case = case_reopen(case=case, actor=case.resident, reason=data.description)
                event = case.events.order_by("-at", "-id").first()
            else:
                if not data.description:
                    raise bad_request("description: Enter the update")
                event = case_resident_reply(
                    case=case, body=data.description, resident=case.resident, channel=Channel.APP
                )
            update = ReceivedUpdate.objects.create(
                api_key=api_key,
                external_id=data.update_id,
                case=case,
                event=event,
                status=data.status,
            )
            audit_record(
                actor=None,
                action="open311.update_receive",
                obj=case,
                detail={
                    "api_key": api_key.prefix,
                    "client": api_key.name,
                    "update_id": data.update_id,
                    "status": data.status,
                    "from_reporter": from_reporter,
                },
            )
    except CaseInvalid as refused:
        raise bad_request(*(f"description: {m}" for m in refused.errors.values())) from None
    except CaseError as refused:
        raise bad_request(f"service_request_id: {refused.message}") from None
    except IntegrityError:
        # The same update sent twice at once: the other one won.
        previous = ReceivedUpdate.objects.filter(
            api_key=api_key, external_id=data.update_id
        ).first()
        if previous is None:
            raise
        return UpdateReceived(update=previous, event=previous.event, created=False)
    return UpdateReceived(update=update, event=event, created=True)
