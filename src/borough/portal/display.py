"""How the resident pages say things about a service: cost, time, kind, in plain words."""

from __future__ import annotations

from typing import Final

from borough.catalogue.forms import pounds_text
from borough.catalogue.models import Service, ServiceKind, SlaUnit

# What the resident is sending, by kind of service: (noun, plural, confirmation title).
_KIND_WORDS: Final = {
    ServiceKind.REPORT: ("report", "reports", "Report sent"),
    ServiceKind.REQUEST: ("request", "requests", "Request sent"),
    ServiceKind.APPLY: ("application", "applications", "Application sent"),
    ServiceKind.BOOK: ("booking request", "booking requests", "Request sent"),
    ServiceKind.PAY: ("request", "requests", "Request sent"),
    ServiceKind.TELL: ("request", "requests", "Request sent"),
}

_UNIT_WORDS: Final = {
    SlaUnit.WORKING_DAYS: ("working day", "working days"),
    SlaUnit.WORKING_HOURS: ("working hour", "working hours"),
    SlaUnit.CALENDAR_DAYS: ("day", "days"),
}

# First words of service names that are verbs, so "Other ways to report fly-tipping" reads well.
_VERBS: Final = frozenset(
    [
        "apply",
        "appeal",
        "book",
        "cancel",
        "challenge",
        "check",
        "claim",
        "find",
        "get",
        "order",
        "pay",
        "register",
        "renew",
        "report",
        "request",
        "subscribe",
        "tell",
        "update",
    ]
)


def _words_for(service: Service) -> tuple[str, str, str]:
    return _KIND_WORDS.get(ServiceKind(service.kind), _KIND_WORDS[ServiceKind.REQUEST])


def kind_noun(service: Service) -> str:
    """What the resident sends: "report", "application", "request"."""
    return _words_for(service)[0]


def confirmation_title(service: Service) -> str:
    """The confirmation panel's title: "Report sent", "Request sent", "Application sent"."""
    return _words_for(service)[2]


def fee_text(service: Service) -> str:
    if not service.fee_pence:
        return "This service is free."
    return f"It costs {pounds_text(service.fee_pence)}."


def sla_text(service: Service) -> str:
    """ "We aim to deal with reports within 5 working days", or "" without an SLA."""
    if not service.sla_value:
        return ""
    singular, plural = _UNIT_WORDS.get(SlaUnit(service.sla_unit), _UNIT_WORDS[SlaUnit.WORKING_DAYS])
    unit = singular if service.sla_value == 1 else plural
    return f"We aim to deal with {_words_for(service)[1]} within {service.sla_value} {unit}"


def other_ways_heading(service: Service) -> str:
    """ "Other ways to report fly-tipping", or a plain heading when the name is not a verb."""
    first, _, rest = service.name.partition(" ")
    if first.lower() in _VERBS and rest:
        return f"Other ways to {first.lower()} {rest}"
    return "Other ways to use this service"
