"""A case's timeline as the case page shows it: newest first, each event in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from borough.accounts.models import User
from borough.backoffice.templatetags.backoffice import london
from borough.cases.models import Case, CaseEvent, EventKind, Priority, Status
from borough.contacts.models import Channel
from borough.core.models import Team

# The tags, translated when shown (lazy: they are also the keys of TAG_CLASSES).
INTERNAL_NOTE = _lazy("Internal note")
PUBLIC_UPDATE = _lazy("Public update")
QUESTION = _lazy("Question for the resident")
FROM_RESIDENT = _lazy("From the resident")
ESCALATED = _lazy("Escalated")
NOT_SENT = _lazy("Not sent")

TAG_CLASSES: dict[Any, str] = {
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
    EventKind.INTERNAL_NOTE: _lazy("Note added"),
    EventKind.PUBLIC_UPDATE: _lazy("Update added"),
    EventKind.INFORMATION_REQUESTED: _lazy("Asked the resident for information"),
    EventKind.RESIDENT_REPLIED: _lazy("The resident replied"),
    EventKind.SLA_DUE_SOON: _lazy("Due soon"),
    EventKind.SLA_BREACHED: _lazy("Target time passed"),
    EventKind.DISPATCHED: _lazy("Sent to contractor"),
    EventKind.EXTERNAL_UPDATE: _lazy("Update from contractor"),
}


def _moment(value: object) -> str:
    """An ISO time from event data, in words (Europe/London)."""
    try:
        return london(datetime.fromisoformat(str(value)))
    except ValueError:
        return ""


def _title(kind: str) -> str:
    if kind in TITLES:
        return str(TITLES[EventKind(kind)])
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
        return (event.actor.full_name or event.actor.email) if event.actor else _("staff")

    items = []
    for event in events:
        data = event.data
        description = ""
        if event.kind == EventKind.CREATED:
            description = _("Received by %(channel)s") % {
                "channel": _label(Channel, data.get("channel")).lower()
            }
        elif event.kind == EventKind.ROUTED:
            description = _("Sent to %(team)s") % {
                "team": team_in(data.get("organisation"), data.get("team"))
            }
        elif event.kind == EventKind.TRANSFERRED:
            description = _("Moved from %(previous)s to %(team)s") % {
                "previous": team_name(data.get("previous_team")) or _("no team"),
                "team": team_in(data.get("organisation"), data.get("team")),
            }
        elif event.kind == EventKind.ASSIGNED:
            to = data.get("to")
            description = (
                _("Assigned to %(name)s") % {"name": names.get(to, to)} if to else _("Unassigned")
            )
        elif event.kind in (EventKind.STATUS_CHANGED, EventKind.CLOSED, EventKind.REOPENED):
            # The council's names for the statuses ("Crew booked"), when staff chose them.
            description = _("Status changed from %(previous)s to %(status)s") % {
                "previous": data.get("previous_label") or _label(Status, data.get("previous")),
                "status": data.get("status_label") or _label(Status, data.get("status")),
            }
        elif event.kind == EventKind.PRIORITY_CHANGED:
            description = _("Priority changed from %(previous)s to %(priority)s") % {
                "previous": _priority(data.get("previous")),
                "priority": _priority(data.get("priority")),
            }
        elif event.kind == EventKind.ATTACHMENT_ADDED:
            description = _("Added %(name)s") % {"name": data.get("name") or _("a file")}
        elif event.kind == EventKind.INFORMATION_REQUESTED:
            description = _("The case is waiting for the resident and its clock has stopped")
        elif event.kind == EventKind.RESIDENT_REPLIED:
            how = _label(Channel, data.get("channel")).lower() or _("web")
            if data.get("recorded_by"):
                description = _("By %(how)s, written down by %(name)s") % {
                    "how": how,
                    "name": event_actor(event),
                }
            else:
                description = _("By %(how)s") % {"how": how}
            if data.get("due") and data.get("due") != data.get("previous_due"):
                description += _(". The clock restarted: now due %(due)s") % {
                    "due": _moment(data["due"])
                }
        elif event.kind == EventKind.SLA_DUE_SOON:
            description = _("Due %(due)s") % {"due": _moment(data.get("due"))}
        elif event.kind == EventKind.SLA_BREACHED:
            leaders = data.get("team_leaders") or []
            was_due = _("Was due %(due)s.") % {"due": _moment(data.get("due"))}
            if leaders:
                escalated = ngettext(
                    "Escalated to the team leader: %(leaders)s",
                    "Escalated to the team leaders: %(leaders)s",
                    len(leaders),
                ) % {"leaders": ", ".join(str(email) for email in leaders)}
            else:
                escalated = _("The team has no team leader to escalate to")
            description = f"{was_due} {escalated}"
        elif event.kind == EventKind.DISPATCHED:
            contractor = data.get("contractor") or _("the contractor")
            if data.get("outcome") == "gave_up":
                description = _("Could not be sent to %(contractor)s") % {"contractor": contractor}
            else:
                reference = data.get("external_id") or data.get("token")
                if reference:
                    description = _("Sent to %(contractor)s, their reference %(reference)s") % {
                        "contractor": contractor,
                        "reference": reference,
                    }
                else:
                    description = _("Sent to %(contractor)s") % {"contractor": contractor}
        elif event.kind == EventKind.EXTERNAL_UPDATE:
            description = _("From %(contractor)s") % {
                "contractor": data.get("contractor") or _("the contractor")
            }
            if data.get("status"):
                description += _(". Status changed from %(previous)s to %(status)s") % {
                    "previous": _label(Status, data.get("previous")),
                    "status": _label(Status, data.get("status")),
                }
            if data.get("photo_url"):
                description += _(". Photo: %(url)s") % {"url": data["photo_url"]}
        tag: str | Promise = ""
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
                tag=str(tag),
            )
        )
    return items
