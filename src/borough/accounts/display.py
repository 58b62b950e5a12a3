"""Cases and their timelines as a resident sees them on their account pages.

Only public events are shown, and never the name of the member of staff who wrote one: the
council is the author. Status names are the resident's words ("Received", not "For triage").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from borough.cases.models import (
    Case,
    CaseEvent,
    EventKind,
    Status,
)
from borough.catalogue.forms import answers_summary
from borough.catalogue.models import ServiceKind

StrOrPromise = str | Promise

STATUS_LABELS: dict[str, StrOrPromise] = {
    Status.OPEN: _lazy("Received"),
    Status.FOR_TRIAGE: _lazy("Received"),
    Status.WAITING: _lazy("Waiting for you"),
    Status.NOT_RESPONSIBLE: _lazy("Not our responsibility"),
    Status.NO_FURTHER_ACTION: _lazy("Closed"),
    Status.INTERNAL_REFERRAL: _lazy("Passed to another team"),
}


def status_label(status: str) -> str:
    if status in STATUS_LABELS:
        return str(STATUS_LABELS[status])
    try:
        return str(Status(status).label)
    except ValueError:
        return status


SENT: dict[str, StrOrPromise] = {
    ServiceKind.REPORT: _lazy("Report sent"),
    ServiceKind.REQUEST: _lazy("Request sent"),
    ServiceKind.APPLY: _lazy("Application sent"),
}


@dataclass(frozen=True)
class TimelineItem:
    title: str
    at: datetime
    author: str
    body: str


def _title(event: CaseEvent, case: Case) -> str:
    kind = event.kind
    status = str(event.data.get("status") or "")
    # The council's own name for the status, when staff chose one ("Crew booked").
    named = str(event.data.get("status_label") or "")
    if kind == EventKind.CREATED:
        return str(SENT.get(case.service.kind) or _("Sent"))
    if kind == EventKind.STATUS_CHANGED:
        if named:
            return _("Status changed to ‘%(status)s’") % {"status": named}  # noqa: RUF001
        if status:
            return _("Status changed to ‘%(status)s’") % {"status": status_label(status)}  # noqa: RUF001
        return _("Status changed")
    if kind == EventKind.CLOSED:
        if named:
            return _("Closed: %(status)s") % {"status": named}
        if status:
            return _("Closed: %(status)s") % {"status": status_label(status)}
        return _("Closed")
    if kind == EventKind.REOPENED:
        return _("Reopened")
    if kind == EventKind.PUBLIC_UPDATE:
        return _("Update")
    if kind == EventKind.MARKED_DUPLICATE:
        return _("Closed as already reported")
    if kind == EventKind.RESIDENT_REPLIED:
        return _("Reply")
    if kind == EventKind.ATTACHMENT_ADDED:
        return _("File added")
    if kind == EventKind.INFORMATION_REQUESTED:
        return _("Information requested")
    if kind == EventKind.DECISION_MADE:
        return _("Decision made")
    return _("Update")


def case_timeline_for_resident(*, case: Case, user: object) -> list[TimelineItem]:
    """The public events of the resident's own case, newest first, each in words, with "You"
    or the council as the author (never a member of staff's name)."""
    council = case.organisation.name
    items = []
    for event in reversed(_resident_events(case)):
        mine = event.actor_id is not None and event.actor_id == getattr(user, "pk", None)
        items.append(
            TimelineItem(
                title=_title(event, case),
                at=event.at,
                author=_("You") if mine else council,
                body=event.body,
            )
        )
    return items


def _resident_events(case: Case) -> list[CaseEvent]:
    """The public events and the resident's own replies (`resident_visible`), oldest first."""
    return list(
        case.events.filter(Q(public=True) | Q(data__resident_visible=True)).order_by("at", "id")
    )


def case_question_for_resident(*, case: Case) -> str:
    """What the council last asked the resident about their case ("" if nothing)."""
    event = case.events.filter(kind=EventKind.INFORMATION_REQUESTED, public=True).order_by(
        "-at", "-id"
    )
    return str(event.values_list("body", flat=True).first() or "")


def case_answers(case: Case) -> list[tuple[str, str, str]]:
    """(question id, question, answer) for the case's answers, worded by the form version they
    were given under."""
    form = case.service.forms.filter(version=case.form_version).first()
    if form is None:
        return []
    return answers_summary(form.definition, case.answers)
