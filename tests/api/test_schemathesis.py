"""Property-based testing of the whole internal API from its own OpenAPI document.

Schemathesis reads /api/v1/openapi.json from Borough's WSGI application (in this process, no
network), generates requests for every operation (valid ones, and invalid ones that break
the schema) and calls the application as a caseworker with a personal token. Every answer
must not be a server error, and must match what the document promises: its status code,
content type and body schema.

The number of examples is bounded and the generation deterministic, so the run is the same
every time and takes seconds.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from borough.cases.services import case_note_add

MAX_EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def caseworker(world, make_case) -> Any:
    """A caseworker of the district council, like the demo's, with cases about: one of their
    organisation's (with a note), and one of the county's they may not see."""
    case = make_case(world.service)
    case_note_add(case=case, actor=world.caseworker, body="Checked on site")
    make_case(world.county_service)
    return world.caseworker


@pytest.fixture
def connection_kept():
    """Keep the test's database connection across the WSGI requests, as Django's own test
    client does: the real handler closes "old" connections when a request starts and ends,
    which on PostgreSQL closes the connection holding the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _run(operation: Any, mode: GenerationMode, headers: dict[str, str], **fixed: Any) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_the_api_answers_every_generated_request_without_a_server_error(
    caseworker, world, token_for, connection_kept
):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {token_for(caseworker)}"}
    reference = world.service.cases.get().reference
    # Known values for path parameters, so that requests reach real cases and services as
    # well as ones that do not exist.
    known = {"reference": reference, "code": world.service.code}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 8

    for operation in operations:
        path_names = {p.name for p in operation.path_parameters}
        fixed = (
            {"path_parameters": {name: known[name] for name in path_names}} if path_names else {}
        )
        # Valid requests about real cases and services; invalid ones about any.
        _run(operation, GenerationMode.POSITIVE, headers, **fixed)
        _run(operation, GenerationMode.NEGATIVE, headers)
        if fixed and operation.method.upper() == "POST":
            # Invalid changes to a real case.
            _run(operation, GenerationMode.NEGATIVE, headers, **fixed)
