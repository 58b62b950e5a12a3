"""Case statuses as Open311 clients see them.

Plain GeoReport clients get `open` or `closed`. A key issued with "extended statuses" gets
FixMyStreet's extended set (the convention of FixMyStreet's Open311 client, which a body
switches on with its "extended statuses" setting: the same choice, made per key here).
"""

from __future__ import annotations

from typing import Final

from borough.cases.models import Status, open311_status

# Borough status -> FixMyStreet extended status. Waiting for the resident is work in progress
# (as the public report page shows it).
_EXTENDED: Final = {
    Status.OPEN: "open",
    Status.FOR_TRIAGE: "for_triage",
    Status.INVESTIGATING: "investigating",
    Status.IN_PROGRESS: "in_progress",
    Status.ACTION_SCHEDULED: "action_scheduled",
    Status.WAITING: "in_progress",
    Status.FIXED: "fixed",
    Status.CLOSED: "closed",
    Status.DUPLICATE: "duplicate",
    Status.NOT_RESPONSIBLE: "not_councils_responsibility",
    Status.NO_FURTHER_ACTION: "no_further_action",
    Status.INTERNAL_REFERRAL: "internal_referral",
    Status.CANCELLED: "cancelled",
}

# What a client may send as a status (any case): the extended set, open/closed and reopen.
INCOMING_STATUSES: Final = frozenset({*_EXTENDED.values(), "reopen"})
# Incoming statuses that say the report is still (or again) open.
INCOMING_OPEN: Final = frozenset(
    {"open", "reopen", "for_triage", "investigating", "in_progress", "action_scheduled"}
)


def status_out(status: str, *, extended: bool) -> str:
    if extended:
        try:
            return _EXTENDED[Status(status)]
        except ValueError:
            return open311_status(status)
    return open311_status(status)


def statuses_matching(wanted: str) -> set[str]:
    """The Borough statuses a `status` filter value covers: open, closed or an extended one."""
    if wanted in ("open", "closed"):
        return {s for s in Status.values if open311_status(s) == wanted}
    return {s for s, out in _EXTENDED.items() if out == wanted}
