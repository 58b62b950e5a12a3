"""What the back office writes to the audit trail besides opening a case (`case.view`, by
`cases.selectors.case_for_staff`): each action on a case, under the action's own name, and
each list that shows residents' details (a queue or search, the field officer's day, today's
contacts), one entry for every row shown.

An auditor reads them per case (`/staff/cases/<reference>/audit/`, beside the case's events)
and per person (`/staff/audit/users/<id>/`).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from borough.cases.models import Case
from borough.core.models import AuditEntry
from borough.core.services import audit_record


class AuditOutcome(StrEnum):
    """How an action on a case ended, kept in the entry's `detail["outcome"]`."""

    DONE = "done"
    # The form had errors, the service refused it, or the case had moved on: nothing changed.
    REFUSED = "refused"
    STALE = "stale"
    # The user may view the case but their role does not allow the action.
    FORBIDDEN = "forbidden"
    # "Use template": the form came back with a response template's text, nothing changed.
    TEMPLATE = "template"


# The audit action of each list that shows cases.
CASE_LIST = "case.list"
CASE_SEARCH = "case.search"
FIELD_LIST = "case.field_list"
CONTACT_LIST = "contact.list"

# Every action the back office records, in words (for the audit pages).
AUDIT_ACTIONS: dict[str, Any] = {
    "case.view": _("Opened a case"),
    "case.assign": _("Assigned a case"),
    "case.bulk_assign": _("Assigned cases in bulk"),
    "case.status_change": _("Changed a case's status"),
    "case.note": _("Added an internal note"),
    "case.public_update": _("Added a public update"),
    "case.transfer": _("Transferred a case"),
    "case.close": _("Closed a case"),
    "case.mark_duplicate": _("Marked a case as a duplicate"),
    "case.request_information": _("Asked the resident for information"),
    "case.resident_reply": _("Recorded the resident's reply"),
    "case.attachment_view": _("Opened a case's file"),
    CASE_LIST: _("Saw a case in a queue"),
    CASE_SEARCH: _("Found a case by searching"),
    FIELD_LIST: _("Saw a case on the field list"),
    CONTACT_LIST: _("Saw a contact in today's contacts"),
    "case.raise_for_caller": _("Raised a case for a caller"),
    "resident.search": _("Found a resident's account"),
    "resident.act_for": _("Acted for a resident"),
    "audit.search": _("Searched the audit trail"),
    "audit.case_trail": _("Read a case's audit trail"),
    "audit.user_trail": _("Read a person's audit trail"),
}


AUDIT_OUTCOMES: dict[str, Any] = {
    AuditOutcome.DONE: _("Done"),
    AuditOutcome.REFUSED: _("Refused: nothing changed"),
    AuditOutcome.STALE: _("Refused as the case had changed: nothing changed"),
    AuditOutcome.FORBIDDEN: _("Not allowed for their role: nothing changed"),
    AuditOutcome.TEMPLATE: _("Filled in a response template: nothing changed"),
}


def audit_case_action(
    *,
    actor: Any,
    case: Case,
    action: str,
    outcome: AuditOutcome,
    events: Iterable[Any] = (),
) -> AuditEntry:
    """One entry for one request that acted on `case` (under the organisation the case was in
    when it was opened), with how it ended and the case events it wrote (their ids and kinds),
    so the trail and the case's timeline can be read together."""
    events = list(events)
    return audit_record(
        actor=actor,
        action=action,
        obj=case,
        organisation=case.organisation,
        detail={
            "outcome": str(outcome),
            "events": [event.pk for event in events],
            "kinds": [str(event.kind) for event in events],
        },
    )


def audit_rows_shown(
    *, actor: Any, action: str, rows: Iterable[Any], detail: dict[str, Any] | None = None
) -> int:
    """One entry for each row of a list shown to `actor` (a case, or a contact), all written in
    one query. Returns how many were written."""
    now = timezone.now()
    entries = [
        AuditEntry(
            at=now,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            organisation_id=row.organisation_id,
            action=action,
            object_type=row._meta.label_lower,
            object_id=str(getattr(row, "reference", None) or row.pk),
            detail=detail or {},
        )
        for row in rows
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)
