"""Marking a duplicate (never of a duplicate, both rows locked in one order) and transferring
to another council (its own statuses, not the old council's)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from borough.cases.models import EventKind, Status
from borough.cases.services import (
    CaseError,
    CaseInvalid,
    case_close,
    case_mark_duplicate,
    case_status_change,
    case_transfer,
)
from borough.catalogue.services import case_status_create
from tests.cases.test_case_services import submit


@pytest.fixture
def officer(district, make_team, make_staff):
    return make_staff(make_team(district))


def test_a_duplicate_cannot_be_the_original_and_the_message_names_its_original(
    district, make_service, officer
):
    service = make_service(district)
    root, copy, third = submit(service), submit(service), submit(service)
    case_mark_duplicate(case=copy, original=root, actor=officer)
    notes_before = copy.events.count()
    with pytest.raises(CaseInvalid) as refused:
        case_mark_duplicate(case=third, original=copy, actor=officer)
    assert refused.value.errors == {
        "original": f"{copy.reference} is itself a duplicate of {root.reference}. "
        f"Enter {root.reference} instead"
    }
    third.refresh_from_db()
    assert third.status == Status.OPEN and third.duplicate_of is None
    assert copy.events.count() == notes_before  # no note written on the duplicate
    # Marking it a duplicate of the root works.
    third = case_mark_duplicate(case=third, original=root, actor=officer)
    assert third.duplicate_of == root


def test_a_closed_case_cannot_be_marked_but_a_fixed_original_may_take_duplicates(
    district, make_service, officer
):
    service = make_service(district)
    fixed, closed, copy = submit(service), submit(service), submit(service)
    case_close(case=fixed, actor=officer, resolution="Cleared")
    case_close(case=closed, actor=officer, resolution="Cleared")
    with pytest.raises(CaseError, match="This case is closed"):
        case_mark_duplicate(case=closed, original=copy, actor=officer)
    assert not copy.events.filter(kind=EventKind.INTERNAL_NOTE).exists()
    copy = case_mark_duplicate(case=copy, original=fixed, actor=officer)
    assert copy.duplicate_of == fixed


def test_both_rows_are_locked_lower_id_first_whichever_is_the_original(
    district, make_service, officer
):
    service = make_service(district)
    first, second, third = submit(service), submit(service), submit(service)

    def lock_reads(case, original):
        with CaptureQueriesContext(connection) as queries:
            case_mark_duplicate(case=case, original=original, actor=officer)
        reads = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith('SELECT "cases_case"') and '"cases_case"."id" =' in q["sql"]
        ]
        return reads[:2]

    # The later case as the duplicate of the earlier, and the other way round.
    reads = lock_reads(second, first)
    assert [str(first.pk) in reads[0], str(second.pk) in reads[1]] == [True, True]
    reads = lock_reads(first, third)
    assert [str(first.pk) in reads[0], str(third.pk) in reads[1]] == [True, True]


def test_a_transfer_to_another_council_leaves_the_old_councils_status_behind(
    district, county, make_service, make_team, officer
):
    service = make_service(district)
    county_team = make_team(county, "Highways")
    booked = case_status_create(
        organisation=district, name="Crew booked", base_status=Status.ACTION_SCHEDULED
    )
    county_open = case_status_create(
        organisation=county, name="Logged by the county", base_status=Status.OPEN
    )
    case = submit(service)
    case = case_status_change(case=case, named_status=booked, actor=officer)
    assert case.status_text == "Crew booked"

    case = case_transfer(case=case, team=county_team, actor=officer, reason="A county road")
    case.refresh_from_db()
    assert case.organisation == county
    assert case.status == Status.OPEN
    assert case.named_status == county_open and case.status_text == "Logged by the county"
    event = case.events.get(kind=EventKind.TRANSFERRED)
    assert {k: event.data[k] for k in ("previous_status", "previous_label", "status")} == {
        "previous_status": "action_scheduled",
        "previous_label": "Crew booked",
        "status": "open",
    }
    assert event.data["status_label"] == "Logged by the county"


def test_a_transfer_to_a_council_without_named_statuses_clears_the_name(
    district, county, make_service, make_team, officer
):
    service = make_service(district)
    booked = case_status_create(
        organisation=district, name="Crew booked", base_status=Status.ACTION_SCHEDULED
    )
    case = case_status_change(case=submit(service), named_status=booked, actor=officer)
    case = case_transfer(case=case, team=make_team(county), actor=officer, reason="Not ours")
    case.refresh_from_db()
    assert (case.status, case.named_status, case.status_text) == (Status.OPEN, None, "Open")


def test_a_transfer_within_the_council_keeps_the_status(district, make_service, make_team, officer):
    service = make_service(district)
    booked = case_status_create(
        organisation=district, name="Crew booked", base_status=Status.ACTION_SCHEDULED
    )
    case = case_status_change(case=submit(service), named_status=booked, actor=officer)
    case = case_transfer(case=case, team=make_team(district), actor=officer, reason="Theirs")
    case.refresh_from_db()
    assert case.named_status == booked and case.status == Status.ACTION_SCHEDULED
