"""Builders for insight tests: cases and contacts made through the real services, each at the
moment it happened (with time_machine), so every date is what production would write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from borough.accounts.models import User
from borough.cases.models import Case
from borough.cases.services import Submission, case_close, case_create
from borough.contacts.models import Contact
from borough.contacts.services import contact_log
from borough.core.models import Organisation

LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery staple"


def uk(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in UK time."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def log_contact() -> Callable[..., Contact]:
    def log(organisation: Organisation, channel: str, at: datetime, **kw: Any) -> Contact:
        kw.setdefault("outcome", "information_given")
        return contact_log(organisation=organisation, channel=channel, at=at, **kw)

    return log


@pytest.fixture
def report() -> Callable[..., Case]:
    """A case made on the web at `at`, closed at `closed` (by `actor`) when given."""

    def make(
        service: Any,
        at: datetime,
        *,
        closed: datetime | None = None,
        actor: User | None = None,
        channel: str = "web",
    ) -> Case:
        case = case_create(
            submission=Submission(
                service=service,
                channel=channel,
                answers={"kind": "small"},
                reporter_email="reporter@example.com",
                submitted_at=at,
            )
        )
        if closed is not None:
            assert actor is not None
            with time_machine.travel(closed, tick=False):
                case = case_close(case=case, actor=actor, resolution="Cleaned off")
        return case

    return make


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
