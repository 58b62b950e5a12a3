"""What follows from a case event, decided inside the transaction that wrote the event.

Effects that must not be lost (emails to the resident and followers, dispatch to a
contractor) are written here as rows in the same transaction and delivered by background
tasks enqueued on commit, so a rolled-back change sends nothing and a committed one is
never forgotten. Each app that reacts to events is called explicitly from here: no signals.
"""

from __future__ import annotations

from borough.cases.models import CaseEvent
from borough.dispatch.fanout import dispatch_for_event
from borough.notify.services import notifications_for_event


def event_fanout(event: CaseEvent, *, new: bool = False) -> None:
    """Called by `cases.services` for every event it writes (`new`: just written, in this
    transaction)."""
    notifications_for_event(event, new=new)
    dispatch_for_event(event)
