"""A case's timeline as the case page shows it: newest first, each event in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from borough.accounts.models import User
from borough.backoffice.templatetags.backoffice import london
from borough.cases.models import Case, CaseEvent, EventKind, Priority, Status
from borough.contacts.models import Channel
from borough.core.models import Team

INTERNAL_NOTE = "Internal note"
PUBLIC_UPDATE = "Public update"
QUESTION = "Question for the resident"
FROM_RESIDENT = "From the resident"
ESCALATED = "Escalated"
NOT_SENT = "Not sent"

TAG_CLASSES = {
    INTERNAL_NOTE: "govuk-tag--yellow",
    PUBLIC_UPDATE: "govuk-tag--green",
    QUESTION: "govuk-tag--green",
    FROM_RESIDENT: "govuk-tag--blue",
    ESCALATED: "govuk-tag--orange",
    NOT_SENT: "govuk-tag--red",
}


@dataclass(frozen=True)
class TimelineItem:
    title: str
    at: datetime
    actor: str
    description: str
    body: str
    # "Internal note", "Public update", ... or "".
    tag: str

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES.get(self.tag, "govuk-tag--grey")


def _label(choices: type[Status] | type[Channel], value: object) -> str:
    try:
        return str(choices(str(value)).label)
    except ValueError:
        return str(value or "")


def _priority(value: object) -> str:
    try:
        return str(Priority(int(str(value))).label)
    except ValueError:
        return str(value or "")


# The tag already says what these are.
TITLES = {
    EventKind.INTERNAL_NOTE: "Note added",
    EventKind.PUBLIC_UPDATE: "Update added",
    EventKind.INFORMATION_REQUESTED: "Asked the resident for information",
    EventKind.RESIDENT_REPLIED: "The resident replied",
    EventKind.SLA_DUE_SOON: "Due soon",
    EventKind.SLA_BREACHED: "Target time passed",
    EventKind.DISPATCHED: "Sent to contractor",
    EventKind.EXTERNAL_UPDATE: "Update from contractor",
}


def _moment(value: object) -> str:
    """An ISO time from event data, in words (Europe/London)."""
    try:
        return london(datetime.fromisoformat(str(value)))
    except ValueError:
        return ""


def _title(kind: str) -> str:
    if kind in TITLES:
        return TITLES[EventKind(kind)]
    return str(EventKind(kind).label) if kind in EventKind.values else kind


def case_timeline(case: Case) -> list[TimelineItem]:
    """The case's events, newest first, in three queries whatever their number."""
    events = list(case.events.select_related("actor").order_by("-at", "-id"))
    emails = {
        email
        for event in events
        for email in (event.data.get("to"), event.data.get("previous"))
        if event.kind == EventKind.ASSIGNED and email
    }
    names = {
        user.email: user.full_name or user.email
        for user in User.objects.filter(email__in=emails).only("email", "full_name")
    }
    slugs = {
        (event.data.get("organisation"), slug)
        for event in events
        for slug in (event.data.get("team"), event.data.get("previous_team"))
        if event.kind in (EventKind.ROUTED, EventKind.TRANSFERRED) and slug
    }
    teams = {
        (team.organisation.slug, team.slug): team.name
        for team in Team.objects.filter(slug__in={slug for _, slug in slugs}).select_related(
            "organisation"
        )
    }

    def team_name(slug: object) -> str:
        for (_organisation, team_slug), name in teams.items():
            if team_slug == slug:
                return name
        return str(slug or "")

    def team_in(organisation: object, slug: object) -> str:
        return teams.get((str(organisation), str(slug))) or team_name(slug)

    def event_actor(event: CaseEvent) -> str:
        return (event.actor.full_name or event.actor.email) if event.actor else "staff"

    items = []
    for event in events:
        data = event.data
        description = ""
        if event.kind == EventKind.CREATED:
            description = f"Received by {_label(Channel, data.get('channel')).lower()}"
        elif event.kind == EventKind.ROUTED:
            description = f"Sent to {team_in(data.get('organisation'), data.get('team'))}"
        elif event.kind == EventKind.TRANSFERRED:
            description = (
                f"Moved from {team_name(data.get('previous_team')) or 'no team'} "
                f"to {team_in(data.get('organisation'), data.get('team'))}"
            )
        elif event.kind == EventKind.ASSIGNED:
            to = data.get("to")
            description = f"Assigned to {names.get(to, to)}" if to else "Unassigned"
        elif event.kind in (EventKind.STATUS_CHANGED, EventKind.CLOSED, EventKind.REOPENED):
            # The council's names for the statuses ("Crew booked"), when staff chose them.
            description = (
                f"Status changed from "
                f"{data.get('previous_label') or _label(Status, data.get('previous'))} "
                f"to {data.get('status_label') or _label(Status, data.get('status'))}"
            )
        elif event.kind == EventKind.PRIORITY_CHANGED:
            description = (
                f"Priority changed from {_priority(data.get('previous'))} "
                f"to {_priority(data.get('priority'))}"
            )
        elif event.kind == EventKind.ATTACHMENT_ADDED:
            description = f"Added {data.get('name', 'a file')}"
        elif event.kind == EventKind.INFORMATION_REQUESTED:
            description = "The case is waiting for the resident and its clock has stopped"
        elif event.kind == EventKind.RESIDENT_REPLIED:
            how = _label(Channel, data.get("channel")).lower() or "web"
            description = f"By {how}" + (
                "" if not data.get("recorded_by") else f", written down by {event_actor(event)}"
            )
            if data.get("due") and data.get("due") != data.get("previous_due"):
                description += f". The clock restarted: now due {_moment(data['due'])}"
        elif event.kind == EventKind.SLA_DUE_SOON:
            description = f"Due {_moment(data.get('due'))}"
        elif event.kind == EventKind.SLA_BREACHED:
            leaders = data.get("team_leaders") or []
            description = f"Was due {_moment(data.get('due'))}. " + (
                f"Escalated to the team leader{'s' if len(leaders) != 1 else ''}: "
                + ", ".join(str(email) for email in leaders)
                if leaders
                else "The team has no team leader to escalate to"
            )
        elif event.kind == EventKind.DISPATCHED:
            contractor = data.get("contractor") or "the contractor"
            if data.get("outcome") == "gave_up":
                description = f"Could not be sent to {contractor}"
            else:
                reference = data.get("external_id") or data.get("token")
                description = f"Sent to {contractor}" + (
                    f", their reference {reference}" if reference else ""
                )
        elif event.kind == EventKind.EXTERNAL_UPDATE:
            description = f"From {data.get('contractor') or 'the contractor'}"
            if data.get("status"):
                description += (
                    f". Status changed from {_label(Status, data.get('previous'))} "
                    f"to {_label(Status, data.get('status'))}"
                )
            if data.get("photo_url"):
                description += f". Photo: {data['photo_url']}"
        tag = ""
        if event.kind == EventKind.INTERNAL_NOTE:
            tag = INTERNAL_NOTE
        elif event.kind == EventKind.INFORMATION_REQUESTED:
            tag = QUESTION
        elif event.kind == EventKind.RESIDENT_REPLIED:
            tag = FROM_RESIDENT
        elif event.kind == EventKind.SLA_BREACHED:
            tag = ESCALATED
        elif event.kind == EventKind.DISPATCHED and data.get("outcome") == "gave_up":
            tag = NOT_SENT
        elif event.public and event.body:
            tag = PUBLIC_UPDATE
        actor = event.actor
        items.append(
            TimelineItem(
                title=_title(event.kind),
                at=event.at,
                actor=(actor.full_name or actor.email) if actor else "",
                description=description,
                body=event.body,
                tag=tag,
            )
        )
    return items
