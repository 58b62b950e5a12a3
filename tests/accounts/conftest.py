"""Builders for the account tests: cases made through the real services, signed-in clients,
and the error summary of a page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from borough.accounts.models import User
from borough.cases.models import Case
from borough.cases.services import Submission, case_create
from borough.catalogue.models import Service
from tests.conftest import DORCHESTER

PASSWORD = "correct horse battery staple"


@pytest.fixture
def service(district, make_team, make_service) -> Service:
    team = make_team(district, "Street cleansing")
    return make_service(district, name="Report fly-tipping", default_team=team)


@pytest.fixture
def make_case() -> Callable[..., Case]:
    def make(service: Service, **overrides: Any) -> Case:
        fields: dict[str, Any] = {
            "service": service,
            "channel": "web",
            "answers": {"kind": "small", "details": "Bags of rubbish by the bins"},
            "latitude": DORCHESTER[0],
            "longitude": DORCHESTER[1],
        }
        if "resident" not in overrides:
            fields |= {"reporter_name": "Rita Reporter", "reporter_email": "rita@example.com"}
        fields.update(overrides)
        return case_create(submission=Submission(**fields))

    return make


@pytest.fixture
def signed_in() -> Callable[[User], Client]:
    """A test client signed in as `user` (each call a new client)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def html(response: Any) -> str:
    return response.content.decode()


def error_summary(response: Any) -> list[tuple[str, str]]:
    """The error summary's (link, message) pairs; [] when there is none."""
    page = html(response)
    start = page.find('class="govuk-error-summary"')
    if start == -1:
        return []
    block = page[start : page.find("</ul>", start)]
    return re.findall(r'<li><a href="([^"]*)">([^<]*)</a></li>', block)


def link_in(message: Any) -> str:
    """The first link (a path) in an email's body."""
    match = re.search(r"https?://[^/\s]+(/\S*)", message.body)
    assert match, f"no link in {message.body!r}"
    return match.group(1)
