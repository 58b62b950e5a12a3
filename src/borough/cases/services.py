"""Every change to a case: one function per business action, each in one transaction,
each writing its case events. Callers (views, APIs, Open311, tasks, commands) authorise first.
"""

from __future__ import annotations

import hashlib
import mimetypes
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from borough.accounts.models import User
from borough.cases.fanout import event_fanout
from borough.cases.images import ImageRefused, image_clean, image_expected, name_for
from borough.cases.models import (
    CLOSED_STATUSES,
    Attachment,
    Case,
    CaseEvent,
    CaseFollower,
    EventKind,
    ExternalReference,
    Priority,
    Status,
)
from borough.cases.routing import case_route
from borough.cases.search import answers_search_text
from borough.cases.sla import due_after_pause, needs_escalation, needs_warning
from borough.catalogue.forms import FormContext, answers_clean
from borough.catalogue.models import CaseStatus, FormDefinition, Service, SlaUnit
from borough.catalogue.selectors import case_statuses_for
from borough.contacts.models import Channel, Outcome
from borough.contacts.services import contact_log
from borough.core.models import Role, Team
from borough.core.references import reference_generate
from borough.core.workingdays import due_after_working_days, due_after_working_hours
from borough.places.geo import point_in_area, ward_at
from borough.places.models import Property
from borough.places.selectors import property_by_uprn, street_id_near


class CaseErrorCode(StrEnum):
    INVALID = "invalid"
    STALE = "stale"
    CLOSED = "closed"
    NOT_ALLOWED = "not_allowed"


class CaseError(ValueError):
    code: CaseErrorCode = CaseErrorCode.NOT_ALLOWED

    def __init__(self, message: str, *, code: CaseErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class CaseInvalid(CaseError):
    """The submission was refused; `errors` maps each field (question id) to its message."""

    code = CaseErrorCode.INVALID

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class CaseStale(CaseError):
    code = CaseErrorCode.STALE

    def __init__(self) -> None:
        super().__init__(
            "This case was changed by someone else after you opened it. "
            "Check the latest details and try again."
        )


# Fields of the submission that are not answers to the form's questions.
LOCATION = "location"
ADDRESS = "address"
REPORTER = "reporter_email"


@dataclass
class Submission:
    """Everything a channel hands over to create a case."""

    service: Service
    channel: str
    answers: dict[str, Any] = field(default_factory=dict)
    resident: User | None = None
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    show_name_publicly: bool = False
    latitude: float | None = None
    longitude: float | None = None
    uprn: str | None = None
    staff: User | None = None
    idempotency_key: str | None = None
    form_version: int | None = None
    external_references: dict[str, str] = field(default_factory=dict)
    priority: int = Priority.NORMAL
    submitted_at: datetime | None = None
    # The service's form when the caller has it already (the latest version, or the one
    # `form_version` names), so that it is not read again.
    form: FormDefinition | None = None


def _form_for(
    service: Service, version: int | None, given: FormDefinition | None = None
) -> FormDefinition:
    if (
        given is not None
        and given.service_id == service.pk
        and (version is None or given.version == version)
    ):
        return given
    forms = service.forms.all()
    form = forms.filter(version=version).first() if version else forms.order_by("-version").first()
    if form is None:
        raise CaseInvalid({"service": "This service has no form"})
    return form


def _sla_due(service: Service, start: datetime) -> datetime | None:
    if not service.sla_value:
        return None
    if service.sla_unit == SlaUnit.WORKING_HOURS:
        return due_after_working_hours(start, service.sla_value)
    if service.sla_unit == SlaUnit.CALENDAR_DAYS:
        return start + timedelta(days=service.sla_value)
    return due_after_working_days(start, service.sla_value)


def _new_reference(prefix: str) -> str:
    while True:
        reference = reference_generate(prefix)
        if not Case.objects.filter(reference=reference).exists():
            return reference


def _validate_submission(sub: Submission) -> tuple[dict[str, Any], Property | None, FormDefinition]:
    """Check everything before anything is written. Raises CaseInvalid with every problem."""
    service = sub.service
    errors: dict[str, str] = {}
    if not service.is_active or not service.organisation.is_active:
        raise CaseInvalid({"service": "This service is not available"})
    if sub.channel not in Channel.values:
        errors["channel"] = "Select a channel"
    form = _form_for(service, sub.form_version, sub.form)

    prop: Property | None = None
    if sub.uprn:
        prop = property_by_uprn(sub.uprn)
        if prop is None:
            errors[ADDRESS] = "Select an address from the list"
    elif service.needs_property:
        errors[ADDRESS] = "Select an address"

    lat, lon = sub.latitude, sub.longitude
    if (lat is None or lon is None) and prop is not None:
        lat, lon = prop.latitude, prop.longitude
    if service.needs_location and (lat is None or lon is None):
        errors[LOCATION] = "Choose a location on the map"
    if lat is not None and lon is not None:
        if not (49.8 <= lat <= 60.95 and -8.7 <= lon <= 1.8):
            errors[LOCATION] = "Choose a location in the UK"
        elif service.organisation.boundary and not point_in_area(service.organisation, lat, lon):
            errors[LOCATION] = (
                f"This location is outside the area {service.organisation.name} covers"
            )

    if service.needs_account and sub.resident is None and sub.staff is None:
        errors["resident"] = "Sign in to use this service"
    if (
        sub.resident is None
        and sub.staff is None
        and not (sub.reporter_email or sub.reporter_phone)
    ):
        errors[REPORTER] = "Enter your email address"

    def uprn_exists(uprn: str) -> bool:
        return property_by_uprn(uprn) is not None

    cleaned, answer_errors = answers_clean(
        form.definition, sub.answers, context=FormContext(uprn_exists=uprn_exists)
    )
    errors.update(answer_errors)
    if errors:
        raise CaseInvalid(errors)
    return cleaned, prop, form


def _title(service: Service, prop: Property | None) -> str:
    return f"{service.name} at {prop.first_line}"[:200] if prop else service.name[:200]


# How far from a reported point to look for the street (USRN) it is on.
STREET_SEARCH_METRES = 150


def _street_id_near(lat: float | None, lon: float | None) -> int | None:
    """The street of the nearest addressed property, for reports placed on the map."""
    if lat is None or lon is None:
        return None
    return street_id_near(lat, lon, metres=STREET_SEARCH_METRES)


def case_create(*, submission: Submission) -> Case:
    """Create a case from a submission on any channel, route it and log the contact.

    Resubmitting with the same idempotency key returns the first case and writes nothing.
    Invalid input raises `CaseInvalid` and writes nothing.
    """
    sub = submission
    if sub.idempotency_key:
        existing = Case.objects.filter(idempotency_key=sub.idempotency_key).first()
        if existing is not None:
            return existing
    cleaned, prop, form = _validate_submission(sub)
    try:
        # Inside a caller's transaction (Open311), a savepoint is only needed when a unique
        # idempotency key may clash with a request sent at the same moment: the clash is
        # then rolled back to here and answered with the first case.
        with transaction.atomic(savepoint=bool(sub.idempotency_key)):
            return _case_insert(sub, cleaned, prop, form)
    except IntegrityError:
        if sub.idempotency_key:
            existing = Case.objects.filter(idempotency_key=sub.idempotency_key).first()
            if existing is not None:
                return existing
        raise


def _case_insert(
    sub: Submission, cleaned: dict[str, Any], prop: Property | None, form: FormDefinition
) -> Case:
    service = sub.service
    now = sub.submitted_at or timezone.now()
    lat = sub.latitude if sub.latitude is not None else (prop.latitude if prop else None)
    lon = sub.longitude if sub.longitude is not None else (prop.longitude if prop else None)
    ward = (
        prop.ward
        if prop and prop.ward_id
        else (ward_at(lat, lon) if lat is not None and lon is not None else None)
    )
    route = case_route(service=service, latitude=lat, longitude=lon, answers=cleaned)

    resident = sub.resident
    case = Case.objects.create(
        reference=_new_reference(route.team.organisation.reference_prefix),
        organisation=route.team.organisation,
        service=service,
        team=route.team,
        resident=resident,
        reporter_name=sub.reporter_name or (resident.full_name if resident else ""),
        reporter_email=(sub.reporter_email or (resident.email if resident else "")).lower(),
        reporter_phone=sub.reporter_phone,
        show_name_publicly=sub.show_name_publicly,
        channel=sub.channel,
        title=_title(service, prop),
        answers=cleaned,
        search_text=answers_search_text(form.definition, cleaned),
        form_version=form.version,
        latitude=lat,
        longitude=lon,
        property=prop,
        street_id=prop.street_id if prop else _street_id_near(lat, lon),
        ward=ward,
        status=Status.OPEN,
        priority=sub.priority,
        sla_due_at=_sla_due(service, now),
        is_public=service.public_cases,
        idempotency_key=sub.idempotency_key or None,
        created_at=now,
    )
    actor = sub.staff or resident
    _event(
        case,
        EventKind.CREATED,
        actor,
        public=True,
        at=now,
        channel=sub.channel,
        form_version=form.version,
    )
    _event(
        case,
        EventKind.ROUTED,
        None,
        at=now,
        team=route.team.slug,
        organisation=route.team.organisation.slug,
        reason=route.reason,
    )
    for system, value in sub.external_references.items():
        ExternalReference.objects.create(case=case, system=system, value=value)
    contact_log(
        organisation=case.organisation,
        channel=sub.channel,
        outcome=Outcome.CASE_CREATED,
        resident=resident,
        case=case,
        service=service,
        staff=sub.staff,
        at=now,
    )
    return case


# -- Changes to an existing case -------------------------------------------------------


def _lock(case: Case, expected_version: int | None) -> Case:
    """Re-read the case under a row lock; refuse when the caller's copy is stale."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise CaseStale()
    return locked


def _save(case: Case, fields: list[str]) -> None:
    case.version = F("version") + 1
    case.save(update_fields=[*fields, "version", "updated_at"])
    case.refresh_from_db(fields=["version"])


def _event(
    case: Case,
    kind: str,
    actor: User | None,
    *,
    public: bool = False,
    body: str = "",
    at: datetime | None = None,
    **data: Any,
) -> CaseEvent:
    """Append to the timeline and fan the event out, in the caller's transaction."""
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        public=public,
        body=body,
        at=at or timezone.now(),
        data=data,
    )
    event_fanout(event, new=True)
    return event


def _clock_resume(case: Case, now: datetime) -> list[str]:
    """Restart a stopped SLA clock: the due time moves later by the working time it was
    stopped. Returns the fields changed."""
    if case.sla_paused_at is None:
        return []
    fields = ["sla_paused_at"]
    if case.sla_due_at is not None:
        case.sla_due_at = due_after_pause(
            due_at=case.sla_due_at, paused_at=case.sla_paused_at, resumed_at=now
        )
        fields.append("sla_due_at")
    case.sla_paused_at = None
    return fields


def _staff_of(user: User, organisation_id: int) -> bool:
    return Team.objects.filter(organisation_id=organisation_id, memberships__user=user).exists()


@transaction.atomic
def case_assign(
    *, case: Case, assignee: User | None, actor: User, expected_version: int | None = None
) -> Case:
    """Assign to a member of the owning organisation's staff, or unassign with None."""
    case = _lock(case, expected_version)
    if assignee is not None and not _staff_of(assignee, case.organisation_id):
        raise CaseError(f"{assignee} is not on the staff of {case.organisation.name}")
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    previous = case.assignee
    case.assignee = assignee
    _save(case, ["assignee"])
    _event(
        case,
        EventKind.ASSIGNED,
        actor,
        to=assignee.email if assignee else None,
        previous=previous.email if previous else None,
    )
    return case


@transaction.atomic
def case_transfer(
    *, case: Case, team: Team, actor: User, reason: str, expected_version: int | None = None
) -> Case:
    """Move the case to another team, in this or another organisation, with a reason.

    Moving to another organisation starts the case afresh there: the old council's name for
    its status does not apply (named statuses belong to an organisation), and an open case's
    progress there ("Action scheduled") is not the new council's, so an open case goes back to
    *Open* (a case waiting for the resident keeps waiting, its clock stopped) under the new
    organisation's name for that status, when it has one for the case. The event records the
    status and name it left (`previous_status`, `previous_label`) and took (`status`,
    `status_label`)."""
    if not reason.strip():
        raise CaseInvalid({"reason": "Enter a reason for the transfer"})
    case = _lock(case, expected_version)
    if team.pk == case.team_id:
        raise CaseError("The case is already in that team")
    previous = case.team
    moved = team.organisation_id != case.organisation_id
    previous_status, previous_label = case.status, case.status_name
    case.team = team
    case.organisation = team.organisation
    case.assignee = None
    fields = ["team", "organisation", "assignee"]
    status_data: dict[str, Any] = {}
    if moved:
        if case.is_open and case.status != Status.WAITING:
            case.status = Status.OPEN
        case.named_status = next(
            (named for named in case_statuses_for(case=case) if named.base_status == case.status),
            None,
        )
        fields += ["status", "named_status"]
        status_data = {
            "previous_status": previous_status,
            "previous_label": previous_label,
            "status": case.status,
            "status_label": case.named_status.name if case.named_status else "",
        }
    _save(case, fields)
    _event(
        case,
        EventKind.TRANSFERRED,
        actor,
        body=reason.strip(),
        previous_team=previous.slug if previous else None,
        team=team.slug,
        organisation=team.organisation.slug,
        **status_data,
    )
    return case


def _named_status_check(case: Case, named_status: CaseStatus) -> None:
    """A named status applies to a case of its organisation (and of its service, if it has
    one), while it is active."""
    if (
        not named_status.is_active
        or named_status.organisation_id != case.organisation_id
        or (named_status.service_id is not None and named_status.service_id != case.service_id)
    ):
        raise CaseInvalid({"status": "Select a status"})


@transaction.atomic
def case_status_change(
    *,
    case: Case,
    status: str = "",
    actor: User | None,
    public_message: str = "",
    expected_version: int | None = None,
    named_status: CaseStatus | None = None,
) -> Case:
    """Change status; a message makes it a public update the resident and followers see.

    With `named_status` (one of the council's names for a status, `catalogue.CaseStatus`) the
    case takes the base status it stands for, and records the name (`Case.named_status`, and
    `status_label` in the event's data); a change to a base status clears the name.
    """
    if named_status is not None:
        _named_status_check(case, named_status)
        status = named_status.base_status
    if status not in Status.values:
        raise CaseInvalid({"status": "Select a status"})
    case = _lock(case, expected_version)
    named_id = named_status.pk if named_status is not None else None
    if status == case.status and named_id == case.named_status_id and not public_message:
        raise CaseInvalid({"status": "Select a different status, or add an update"})
    previous = case.status
    previous_label = case.status_name
    was_open = previous not in CLOSED_STATUSES
    now_open = status not in CLOSED_STATUSES
    case.status = status
    case.named_status = named_status
    fields = ["status", "named_status"]
    if was_open and not now_open:
        case.closed_at = timezone.now()
        case.sla_paused_at = None
        fields += ["closed_at", "sla_paused_at"]
    elif not was_open and now_open:
        case.closed_at = None
        fields.append("closed_at")
    if now_open and status != Status.WAITING:
        # Moved on from waiting for the resident by hand: the clock runs again.
        fields += _clock_resume(case, timezone.now())
    _save(case, fields)
    kind = EventKind.STATUS_CHANGED
    if was_open and not now_open:
        kind = EventKind.CLOSED
    elif not was_open and now_open:
        kind = EventKind.REOPENED
    labels: dict[str, Any] = {}
    if named_status is not None:
        labels["status_label"] = named_status.name
    if previous_label:
        labels["previous_label"] = previous_label
    _event(
        case,
        kind,
        actor,
        public=bool(public_message) or kind != EventKind.STATUS_CHANGED,
        body=public_message.strip(),
        previous=previous,
        status=status,
        **labels,
    )
    return case


def case_close(
    *,
    case: Case,
    actor: User,
    resolution: str,
    status: str = Status.FIXED,
    expected_version: int | None = None,
    named_status: CaseStatus | None = None,
) -> Case:
    if named_status is not None:
        status = named_status.base_status
    if status not in CLOSED_STATUSES:
        raise CaseInvalid({"status": "Select how the case was closed"})
    if not resolution.strip():
        raise CaseInvalid({"resolution": "Enter what was done"})
    return case_status_change(
        case=case,
        status=status,
        actor=actor,
        public_message=resolution,
        expected_version=expected_version,
        named_status=named_status,
    )


def case_reopen(
    *, case: Case, actor: User | None, reason: str, expected_version: int | None = None
) -> Case:
    if case.is_open:
        raise CaseError("The case is already open", code=CaseErrorCode.NOT_ALLOWED)
    if not reason.strip():
        raise CaseInvalid({"reason": "Enter why the case is being reopened"})
    return case_status_change(
        case=case,
        status=Status.OPEN,
        actor=actor,
        public_message=reason,
        expected_version=expected_version,
    )


@transaction.atomic
def case_update_from_public(
    *, case: Case, body: str, name: str = "", email: str = "", channel: str = Channel.APP
) -> CaseEvent:
    """An update about the case from a member of the public who did not make the report (a
    neighbour commenting on FixMyStreet), vouched for by the channel that carried it.

    Staff see it on the timeline, with who sent it (`data["from_name"]`, `["from_email"]`);
    it is not public, not shown to the reporter, and changes nothing else: the status and the
    SLA clock are the council's and the reporter's, not a third party's. It may be added to a
    closed case (staff decide whether it warrants reopening)."""
    body = body.strip()
    if not body:
        raise CaseInvalid({"body": "Enter the update"})
    if channel not in Channel.values:
        raise CaseInvalid({"channel": "Select how the update came"})
    case = _lock(case, None)
    _save(case, [])
    return _event(
        case,
        EventKind.INTERNAL_NOTE,
        None,
        body=body,
        source="public",
        channel=channel,
        from_name=name[:200],
        from_email=email[:254],
    )


@transaction.atomic
def case_note_add(
    *, case: Case, actor: User, body: str, expected_version: int | None = None
) -> CaseEvent:
    """An internal note: staff only, never sent to the resident."""
    if not body.strip():
        raise CaseInvalid({"body": "Enter a note"})
    case = _lock(case, expected_version)
    _save(case, [])
    return _event(case, EventKind.INTERNAL_NOTE, actor, body=body.strip())


@transaction.atomic
def case_public_update(
    *, case: Case, actor: User, body: str, expected_version: int | None = None
) -> CaseEvent:
    """An update the resident, followers and (for public cases) everyone can read."""
    if not body.strip():
        raise CaseInvalid({"body": "Enter an update"})
    case = _lock(case, expected_version)
    _save(case, [])
    return _event(case, EventKind.PUBLIC_UPDATE, actor, public=True, body=body.strip())


@transaction.atomic
def case_priority_change(
    *, case: Case, priority: int, actor: User, expected_version: int | None = None
) -> Case:
    if priority not in Priority.values:
        raise CaseInvalid({"priority": "Select a priority"})
    case = _lock(case, expected_version)
    if case.priority == priority:
        return case
    previous = case.priority
    case.priority = priority
    _save(case, ["priority"])
    _event(case, EventKind.PRIORITY_CHANGED, actor, previous=previous, priority=priority)
    return case


def _lock_pair(first: Case, second: Case) -> tuple[Case, Case]:
    """Both cases re-read under row locks, the lower id locked first whichever is which, so
    two actions on the same pair at once wait for each other instead of deadlocking."""
    locked = {
        pk: Case.objects.select_for_update(of=("self",)).get(pk=pk)
        for pk in sorted({first.pk, second.pk})
    }
    return locked[first.pk], locked[second.pk]


@transaction.atomic
def case_mark_duplicate(
    *, case: Case, original: Case, actor: User, expected_version: int | None = None
) -> Case:
    """Close `case` as a duplicate of `original`, recording the link on both timelines.

    Both rows are locked (in id order) before either is read for the checks. The original may
    be open or closed (a problem reported again after it was fixed), but not itself a
    duplicate: the message names the case it duplicates, to use instead, so duplicates never
    chain. A closed case cannot be marked."""
    if original.pk == case.pk:
        raise CaseInvalid({"original": "A case cannot be a duplicate of itself"})
    case, original = _lock_pair(case, original)
    if expected_version is not None and case.version != expected_version:
        raise CaseStale()
    if not case.is_open:
        raise CaseError(
            "This case is closed, so it cannot be marked as a duplicate",
            code=CaseErrorCode.CLOSED,
        )
    if original.duplicate_of_id == case.pk:
        raise CaseInvalid({"original": f"{original.reference} is already a duplicate of this case"})
    if original.organisation_id != case.organisation_id:
        raise CaseInvalid({"original": "Choose a case of the same organisation"})
    if original.duplicate_of_id is not None or original.status == Status.DUPLICATE:
        root = (
            Case.objects.filter(pk=original.duplicate_of_id)
            .values_list("reference", flat=True)
            .first()
            if original.duplicate_of_id is not None
            else None
        )
        raise CaseInvalid(
            {
                "original": f"{original.reference} is itself a duplicate of {root}. "
                f"Enter {root} instead"
                if root
                else f"{original.reference} is itself a duplicate. Enter the case it duplicates"
            }
        )
    previous = case.status
    case.duplicate_of = original
    case.status = Status.DUPLICATE
    case.closed_at = timezone.now()
    _save(case, ["duplicate_of", "status", "closed_at"])
    _event(
        case,
        EventKind.MARKED_DUPLICATE,
        actor,
        public=True,
        body=f"This is the same problem as {original.reference}.",
        original=original.reference,
        previous=previous,
    )
    _followers_move(source=case, target=original)
    if case.reporter_email:
        # Whoever reported the duplicate hears about the original from now on.
        case_follow(case=original, email=case.reporter_email, user=case.resident)
    _event(
        original,
        EventKind.INTERNAL_NOTE,
        actor,
        body=f"{case.reference} was marked as a duplicate of this case.",
        duplicate=case.reference,
    )
    return case


@transaction.atomic
def attachment_add(
    *,
    case: Case,
    content: bytes,
    filename: str,
    actor: User | None,
    public: bool = False,
    content_type: str = "",
    width: int | None = None,
    height: int | None = None,
    event: CaseEvent | None = None,
) -> Attachment:
    """Store a file on the case.

    A photo (a file that is an image, or says it is by its type or name) is checked and
    cleaned first (`cases.images.image_clean`): stored without metadata, as JPEG or PNG, with
    its real width and height (`width` and `height` are then ignored) and a thumbnail. Any
    other file is stored as sent. Raises CaseInvalid, storing nothing, for a refused file.
    """
    if not content:
        raise CaseInvalid({"file": "The selected file is empty"})
    thumbnail = b""
    if image_expected(content, filename=filename, content_type=content_type):
        try:
            clean = image_clean(content)
        except ImageRefused as refused:
            raise CaseInvalid({"file": refused.message}) from refused
        content, content_type, thumbnail = clean.content, clean.content_type, clean.thumbnail
        width, height = clean.width, clean.height
        filename = name_for(filename, content_type)
    digest = hashlib.sha256(content).hexdigest()
    attachment = Attachment(
        case=case,
        event=event,
        original_name=filename[:200],
        content_type=content_type
        or mimetypes.guess_type(filename)[0]
        or "application/octet-stream",
        size=len(content),
        sha256=digest,
        width=width,
        height=height,
        public=public,
        uploaded_by=actor,
    )
    attachment.file.save(filename, ContentFile(content), save=False)
    if thumbnail:
        attachment.thumbnail.save("thumbnail.jpg", ContentFile(thumbnail), save=False)
    attachment.save()
    _event(
        case,
        EventKind.ATTACHMENT_ADDED,
        actor,
        public=public,
        attachment=attachment.pk,
        name=attachment.original_name,
    )
    return attachment


def _followers_move(*, source: Case, target: Case) -> None:
    already = set(target.followers.values_list("email", flat=True))
    source.followers.exclude(email__in=already).update(case=target)
    source.followers.all().delete()


@transaction.atomic
def case_follow(*, case: Case, email: str, user: User | None = None) -> CaseFollower:
    """Follow a case's public updates by email. Following twice keeps one follower."""
    email = email.strip().lower()
    if not email:
        raise CaseInvalid({"email": "Enter your email address"})
    follower, _ = CaseFollower.objects.get_or_create(
        case=case, email=email, defaults={"user": user, "token": secrets.token_urlsafe(32)}
    )
    return follower


@transaction.atomic
def case_unfollow(*, token: str) -> CaseFollower | None:
    """One-click unsubscribe: the token alone identifies the follower. Safe to repeat."""
    follower = CaseFollower.objects.filter(token=token).select_related("case").first()
    if follower is not None:
        follower.delete()
    return follower


# -- Waiting for the resident ------------------------------------------------------------

# Channels a member of staff may record a resident's reply from (the web is the resident's own).
REPLY_CHANNELS = (
    Channel.PHONE,
    Channel.EMAIL,
    Channel.LETTER,
    Channel.FACE_TO_FACE,
    Channel.WEBCHAT,
)


@transaction.atomic
def case_request_information(
    *, case: Case, actor: User, question: str, expected_version: int | None
) -> CaseEvent:
    """Ask the resident a question: a public event, the case waits for the resident and its
    SLA clock stops (`sla_paused_at`) until they reply. Asking again while waiting keeps the
    clock stopped from the first time."""
    question = question.strip()
    if not question:
        raise CaseInvalid({"question": "Enter what you need to know from the resident"})
    case = _lock(case, expected_version)
    if not case.is_open:
        raise CaseError("This case is closed", code=CaseErrorCode.CLOSED)
    now = timezone.now()
    previous = case.status
    case.status = Status.WAITING
    fields = ["status"]
    if case.sla_paused_at is None:
        case.sla_paused_at = now
        fields.append("sla_paused_at")
    _save(case, fields)
    return _event(
        case,
        EventKind.INFORMATION_REQUESTED,
        actor,
        public=True,
        body=question,
        at=now,
        previous=previous,
        status=Status.WAITING.value,
    )


@transaction.atomic
def case_resident_reply(
    *,
    case: Case,
    body: str,
    resident: User | None = None,
    channel: str = Channel.WEB,
    staff: User | None = None,
    expected_version: int | None = None,
) -> CaseEvent:
    """The resident's answer, sent by themselves (`resident`) or taken by a member of staff
    (`staff`, with the `channel` it came by).

    The event is not public (it is the resident's own words): staff see it, and so does the
    resident on their own request page (`data["resident_visible"]`), never the public pages.
    A waiting case goes back to open and its SLA clock restarts, the due time pushed later by
    the working time it was stopped. The reply is logged as a contact on `channel`.
    """
    body = body.strip()
    errors = {}
    if not body:
        errors["body"] = "Enter the resident's reply"
    if channel not in Channel.values:
        errors["channel"] = "Select how the resident replied"
    if errors:
        raise CaseInvalid(errors)
    case = _lock(case, expected_version)
    if not case.is_open:
        raise CaseError(
            "This case is closed, so a reply cannot be added", code=CaseErrorCode.CLOSED
        )
    now = timezone.now()
    previous = case.status
    previous_due = case.sla_due_at
    fields: list[str] = []
    if case.status == Status.WAITING:
        case.status = Status.OPEN
        fields.append("status")
    fields += _clock_resume(case, now)
    _save(case, fields)
    event = _event(
        case,
        EventKind.RESIDENT_REPLIED,
        resident or staff,
        public=False,
        body=body,
        at=now,
        resident_visible=True,
        channel=channel,
        recorded_by=staff.email if staff else None,
        previous=previous,
        status=case.status,
        previous_due=previous_due.isoformat() if previous_due else None,
        due=case.sla_due_at.isoformat() if case.sla_due_at else None,
    )
    contact_log(
        organisation=case.organisation,
        channel=channel,
        outcome=Outcome.CASE_UPDATED,
        resident=resident or case.resident,
        case=case,
        service=case.service,
        staff=staff,
        resolved_at_first_contact=False,
        at=now,
    )
    return event


# -- SLA warnings and escalation (written by the `sla_check` task) -------------------------


def team_leader_emails(team: Team | None) -> list[str]:
    """The email addresses of the active team leaders of `team`, sorted."""
    if team is None:
        return []
    return sorted(
        User.objects.filter(
            is_active=True,
            memberships__team=team,
            memberships__team__is_active=True,
            memberships__role=Role.TEAM_LEADER,
        )
        .values_list("email", flat=True)
        .distinct()
    )


def _sla_case(case: Case) -> Case:
    # Lock the case row only (PostgreSQL refuses FOR UPDATE on the nullable side of a join).
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("team", "assignee")
        .get(pk=case.pk)
    )


@transaction.atomic
def case_sla_warn(*, case: Case, now: datetime | None = None) -> CaseEvent | None:
    """Record once per due time that an open case with a running clock is due soon; None when
    it is not due soon or was already warned about.

    Marks made by the SLA check do not bump the case's version: a member of staff working on
    the case does not see their edit refused because the clock ticked."""
    now = now or timezone.now()
    case = _sla_case(case)
    if not needs_warning(case, now):
        return None
    Case.objects.filter(pk=case.pk).update(sla_warned_due_at=case.sla_due_at)
    case.sla_warned_due_at = case.sla_due_at
    assert case.sla_due_at is not None
    return _event(
        case,
        EventKind.SLA_DUE_SOON,
        None,
        at=now,
        due=case.sla_due_at.isoformat(),
        assignee=case.assignee.email if case.assignee else None,
    )


@transaction.atomic
def case_sla_escalate(*, case: Case, now: datetime | None = None) -> CaseEvent | None:
    """Record once per due time that an open case with a running clock is past its due time,
    escalated to the team leaders of its team (listed in the event's data, for notifications);
    None when it is not overdue or was already escalated. Does not bump the version."""
    now = now or timezone.now()
    case = _sla_case(case)
    if not needs_escalation(case, now):
        return None
    Case.objects.filter(pk=case.pk).update(sla_escalated_due_at=case.sla_due_at)
    case.sla_escalated_due_at = case.sla_due_at
    assert case.sla_due_at is not None
    return _event(
        case,
        EventKind.SLA_BREACHED,
        None,
        at=now,
        due=case.sla_due_at.isoformat(),
        team=case.team.slug if case.team else None,
        team_leaders=team_leader_emails(case.team),
        assignee=case.assignee.email if case.assignee else None,
    )


# -- Contractors (written by `dispatch.services`) ------------------------------------------


@transaction.atomic
def case_dispatched(
    *,
    case: Case,
    contractor: str,
    outcome: str,
    body: str = "",
    system: str = "",
    external_id: str = "",
    **data: Any,
) -> CaseEvent:
    """Record that the case was sent to a contractor (`outcome` "sent", with the contractor's
    id kept as an external reference under `system`) or could not be ("gave_up"). Staff only;
    does not bump the version, so an officer's edit is not refused because it was sent."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if (
        external_id
        and system
        and not ExternalReference.objects.filter(system=system, value=external_id).exists()
    ):
        ExternalReference.objects.create(case=case, system=system, value=external_id)
    return _event(
        case,
        EventKind.DISPATCHED,
        None,
        body=body,
        contractor=contractor,
        outcome=outcome,
        external_id=external_id,
        **data,
    )


@transaction.atomic
def case_external_update(
    *,
    case: Case,
    contractor: str,
    update_id: str,
    status: str | None = None,
    description: str = "",
    photo_url: str = "",
    at: datetime | None = None,
) -> CaseEvent | None:
    """An update from a contractor: a status change and/or a description, written as one
    public EXTERNAL_UPDATE event, so the resident and followers get one email. Closing and
    reopening work as in `case_status_change`. None (nothing written) when the update
    changes nothing and says nothing. A photo is kept as a link, never downloaded."""
    if status is not None and status not in Status.values:
        raise CaseInvalid({"status": "Select a status"})
    description = description.strip()
    case = _lock(case, None)
    previous = case.status
    if status == previous:
        status = None
    if status is None and not description:
        return None
    now = timezone.now()
    if status is not None:
        was_open = previous not in CLOSED_STATUSES
        now_open = status not in CLOSED_STATUSES
        case.status = status
        fields = ["status"]
        if was_open and not now_open:
            case.closed_at = now
            case.sla_paused_at = None
            fields += ["closed_at", "sla_paused_at"]
        elif not was_open and now_open:
            case.closed_at = None
            fields.append("closed_at")
        if now_open and status != Status.WAITING:
            fields += _clock_resume(case, now)
        _save(case, fields)
    else:
        _save(case, [])
    return _event(
        case,
        EventKind.EXTERNAL_UPDATE,
        None,
        public=True,
        body=description,
        at=now,
        contractor=contractor,
        updated_at=at.isoformat() if at is not None else None,
        update_id=update_id,
        previous=previous,
        status=case.status if status is not None else None,
        photo_url=photo_url,
    )
