"""Reads for the notify app's pages."""

from __future__ import annotations

from dataclasses import dataclass

from borough.cases.models import Case, CaseFollower
from borough.notify.models import Notification


@dataclass(frozen=True)
class UnsubscribeSubject:
    """What the unsubscribe page may say about the case a token is for."""

    reference: str
    brand_colour: str


def unsubscribe_subject(*, token: str) -> UnsubscribeSubject | None:
    """The case an unsubscribe token is for, or None for an unknown token.

    The follower row goes when they unsubscribe; the emails sent to them keep the token, so
    a second visit to the same link still names the case (only to whoever holds the link).
    """
    if not token:
        return None
    case: Case | None = None
    follower = CaseFollower.objects.filter(token=token).select_related("case").first()
    if follower is not None:
        case = follower.case
    else:
        notification = (
            Notification.objects.filter(unsubscribe_token=token, case__isnull=False)
            .select_related("case")
            .first()
        )
        case = notification.case if notification is not None else None
    if case is None:
        return None
    return UnsubscribeSubject(reference=case.reference, brand_colour=case.organisation.brand_colour)
