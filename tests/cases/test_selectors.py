"""Case reads for staff: the access function, its audit trail, queues, filters and search."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from borough.backoffice.templatetags.backoffice import is_overdue
from borough.cases.models import Case, Status
from borough.cases.selectors import (
    CaseFilters,
    Queue,
    case_for_staff,
    case_list_for_staff,
    case_others_for_staff,
    cases_visible_to_staff,
)
from borough.cases.services import case_assign, case_close, case_request_information
from borough.core.models import AuditEntry, Role
from borough.core.permissions import Action, can
from borough.places.services import area_create
from tests.backoffice import conftest as backoffice_fixtures
from tests.conftest import DORCHESTER, square

LONDON = ZoneInfo("Europe/London")

# The back office's builders, shared rather than copied.
make_case = backoffice_fixtures.make_case
world = backoffice_fixtures.world


def refs(cases):
    return sorted(case.reference for case in cases)


def views_of(case):
    return AuditEntry.objects.filter(action="case.view", object_id=case.reference)


# -- case_for_staff --------------------------------------------------------------------------


def test_case_for_staff_returns_the_case_and_audits_the_read(world, make_case, make_staff):
    officer = make_staff(world.team, "caseworker")
    case = make_case(world.service)
    found = case_for_staff(user=officer, reference=case.reference)
    assert found == case
    entry = views_of(case).get()
    assert (entry.actor, entry.organisation, entry.object_type) == (
        officer,
        world.district,
        "cases.case",
    )


def test_case_for_staff_takes_a_reference_typed_with_spaces_in_lower_case(
    world, make_case, make_staff
):
    officer = make_staff(world.team)
    case = make_case(world.service)
    typed = case.reference.lower().replace("-", " ")
    assert case_for_staff(user=officer, reference=typed) == case


def test_case_for_staff_refuses_another_organisations_case_without_audit(
    world, make_case, make_staff
):
    officer = make_staff(world.team, "administrator")
    case = make_case(world.county_service)
    with pytest.raises(Http404):
        case_for_staff(user=officer, reference=case.reference)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("reference", ["CDC-1234-5678", "not a reference", ""])
def test_case_for_staff_answers_404_for_a_case_that_does_not_exist(world, make_staff, reference):
    officer = make_staff(world.team)
    with pytest.raises(Http404):
        case_for_staff(user=officer, reference=reference)
    assert not AuditEntry.objects.exists()


def test_case_for_staff_refuses_residents_and_anonymous_users(
    world, make_case, make_resident, django_user_model
):
    from django.contrib.auth.models import AnonymousUser

    resident = make_resident()
    case = make_case(world.service, resident=resident)
    for user in (resident, AnonymousUser()):
        with pytest.raises(Http404):
            case_for_staff(user=user, reference=case.reference)
    assert not AuditEntry.objects.exists()


def test_contractors_see_only_cases_sent_to_them(world, make_case, make_staff):
    # The contractor's staff hold the contractor role in the contractor's team
    # (here `other_team`): cases routed there are sent to them, others only when assigned.
    contractor = make_staff(world.other_team, "contractor")
    assigned = make_case(world.service)
    case_assign(case=assigned, assignee=contractor, actor=world.colleague)
    queued_for_them = make_case(world.other_team_service)
    other = make_case(world.service)
    assert queued_for_them.team == world.other_team
    assert case_for_staff(user=contractor, reference=assigned.reference) == assigned
    assert case_for_staff(user=contractor, reference=queued_for_them.reference)
    with pytest.raises(Http404):
        case_for_staff(user=contractor, reference=other.reference)
    assert sorted(refs(cases_visible_to_staff(user=contractor))) == sorted(
        [assigned.reference, queued_for_them.reference]
    )
    assert can(contractor, Action.PUBLIC_UPDATE, queued_for_them)
    assert not can(contractor, Action.VIEW_CASE, other)
    assert views_of(assigned).count() == 1
    assert views_of(other).count() == 0


def test_an_inactive_user_sees_nothing(world, make_case, make_staff):
    officer = make_staff(world.team)
    make_case(world.service)
    officer.is_active = False
    officer.save()
    assert not cases_visible_to_staff(user=officer).exists()


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_the_visible_queryset_agrees_with_can_view(world, make_case, make_staff, role):
    actor = make_staff(world.team, role)
    cases = [
        make_case(world.service),
        make_case(world.other_team_service),
        make_case(world.county_service),
    ]
    case_assign(case=cases[0], assignee=actor, actor=world.colleague)
    visible = set(cases_visible_to_staff(user=actor).values_list("pk", flat=True))
    for case in Case.objects.select_related("organisation"):
        assert (case.pk in visible) == can(actor, Action.VIEW_CASE, case), (role, case)


# -- Queues ----------------------------------------------------------------------------------


def test_queues(world, make_case, make_staff):
    me = make_staff(world.team, "caseworker")
    now = timezone.now()
    mine = make_case(world.service)
    case_assign(case=mine, assignee=me, actor=me)
    unassigned = make_case(world.service)
    other_team = make_case(world.other_team_service)
    overdue = make_case(world.service)
    due_soon = make_case(world.other_team_service)
    closed_overdue = make_case(world.service)
    case_close(case=closed_overdue, actor=me, resolution="Done")
    make_case(world.county_service)  # another organisation's: in no queue
    Case.objects.filter(pk__in=[overdue.pk, closed_overdue.pk]).update(
        sla_due_at=now - timedelta(hours=1)
    )
    Case.objects.filter(pk=due_soon.pk).update(sla_due_at=now + timedelta(minutes=30))
    Case.objects.filter(pk__in=[mine.pk, unassigned.pk, other_team.pk]).update(
        sla_due_at=now + timedelta(days=30)
    )

    def queue(name):
        return refs(case_list_for_staff(user=me, queue=name, now=now))

    everything = [mine, unassigned, other_team, overdue, due_soon, closed_overdue]
    assert queue(Queue.MINE) == refs([mine])
    assert queue(Queue.TEAM) == refs([mine, unassigned, overdue, closed_overdue])
    assert queue(Queue.UNASSIGNED) == refs([c for c in everything if c != mine])
    assert queue(Queue.DUE_SOON) == refs([due_soon])
    assert queue(Queue.OVERDUE) == refs([overdue])
    assert queue(Queue.ALL) == refs(everything)
    with pytest.raises(ValueError):
        case_list_for_staff(user=me, queue="nonsense")


def test_queues_are_ordered_soonest_due_first_with_no_due_time_last(world, make_case, make_staff):
    me = make_staff(world.team)
    now = timezone.now()
    later, sooner, never = (make_case(world.service) for _ in range(3))
    Case.objects.filter(pk=later.pk).update(sla_due_at=now + timedelta(days=2))
    Case.objects.filter(pk=sooner.pk).update(sla_due_at=now + timedelta(days=1))
    Case.objects.filter(pk=never.pk).update(sla_due_at=None)
    assert list(case_list_for_staff(user=me, queue=Queue.ALL)) == [sooner, later, never]


def test_due_soon_means_within_one_working_day(world, make_case, make_staff):
    me = make_staff(world.team)
    # Friday 13:00: one working day on is Monday 13:00.
    friday = datetime(2026, 3, 6, 13, 0, tzinfo=LONDON)
    monday_noon, tuesday = make_case(world.service), make_case(world.service)
    Case.objects.filter(pk=monday_noon.pk).update(sla_due_at=friday + timedelta(days=3, hours=-1))
    Case.objects.filter(pk=tuesday.pk).update(sla_due_at=friday + timedelta(days=4))
    listed = case_list_for_staff(user=me, queue=Queue.DUE_SOON, now=friday)
    assert refs(listed) == [monday_noon.reference]


def test_a_case_waiting_for_the_resident_is_neither_due_soon_nor_overdue(
    world, make_case, make_staff
):
    me = make_staff(world.team)
    now = timezone.now()
    late, soon = make_case(world.service), make_case(world.service)
    Case.objects.filter(pk=late.pk).update(sla_due_at=now - timedelta(hours=2))
    Case.objects.filter(pk=soon.pk).update(sla_due_at=now + timedelta(hours=2))
    assert refs(case_list_for_staff(user=me, queue=Queue.OVERDUE)) == [late.reference]
    assert refs(case_list_for_staff(user=me, queue=Queue.DUE_SOON)) == [soon.reference]

    for case in (late, soon):
        case.refresh_from_db()
        case_request_information(
            case=case, actor=me, question="Which side of the road?", expected_version=None
        )

    assert not case_list_for_staff(user=me, queue=Queue.OVERDUE).exists()
    assert not case_list_for_staff(user=me, queue=Queue.DUE_SOON).exists()
    late.refresh_from_db()
    assert late.sla_paused_at is not None and not is_overdue(late)
    # Still in the team's queue, to be seen when the resident replies.
    assert late.reference in refs(case_list_for_staff(user=me, queue=Queue.TEAM))


# -- Filters ---------------------------------------------------------------------------------


def test_filters(world, make_case, make_staff):
    me = make_staff(world.team)
    ward = area_create(kind="ward", name="Dorchester North", boundary=square(*DORCHESTER, 0.01))
    march = datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)
    in_ward = make_case(world.service, submitted_at=march)
    by_phone = make_case(
        world.other_team_service,
        channel="phone",
        latitude=DORCHESTER[0] + 0.05,
        submitted_at=march + timedelta(days=5),
    )
    closed = make_case(world.service, latitude=DORCHESTER[0] + 0.05)
    case_close(case=closed, actor=me, resolution="Cleared", status=Status.NO_FURTHER_ACTION)
    assert in_ward.ward == ward and by_phone.ward is None

    def listed(**filters):
        return refs(case_list_for_staff(user=me, queue=Queue.ALL, filters=CaseFilters(**filters)))

    assert listed() == refs([in_ward, by_phone, closed])
    assert listed(service=world.other_team_service.pk) == [by_phone.reference]
    assert listed(status="open") == refs([in_ward, by_phone])
    assert listed(status="closed") == [closed.reference]
    assert listed(status=Status.NO_FURTHER_ACTION) == [closed.reference]
    assert listed(status=Status.IN_PROGRESS) == []
    assert listed(ward=ward.pk) == [in_ward.reference]
    assert listed(channel="phone") == [by_phone.reference]
    assert listed(created_from=date(2026, 3, 10), created_to=date(2026, 3, 10)) == [
        in_ward.reference
    ]
    assert listed(created_from=date(2026, 3, 11), created_to=date(2026, 3, 31)) == [
        by_phone.reference
    ]
    assert listed(created_to=date(2026, 3, 9)) == []


def test_created_dates_are_days_in_london(world, make_case, make_staff):
    me = make_staff(world.team)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    late = make_case(
        world.service, submitted_at=datetime(2026, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC"))
    )

    def listed(day):
        filters = CaseFilters(created_from=day, created_to=day)
        return refs(case_list_for_staff(user=me, queue=Queue.ALL, filters=filters))

    assert listed(date(2026, 7, 1)) == [late.reference]
    assert listed(date(2026, 6, 30)) == []


# -- Search ----------------------------------------------------------------------------------


@pytest.fixture
def searchable(world, make_case, make_property, make_resident):
    flat = make_property(paon="12", street_name="High West Street", postcode="DT1 1UZ")
    cottage = make_property(paon="Rose Cottage", street_name="Mill Lane", postcode="DT2 8QP")
    resident = make_resident(email="jo.bloggs@example.com", full_name="Jo Bloggs")
    return {
        "flat": make_case(world.service, uprn=flat.uprn, resident=resident, reporter_email=""),
        "cottage": make_case(
            world.service,
            uprn=cottage.uprn,
            answers={"kind": "small", "details": "An old mattress by the gate"},
            reporter_name="Priya Patel",
            reporter_email="priya@example.net",
        ),
        "nowhere": make_case(world.other_team_service, reporter_email="anon@example.org"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DT1 1UZ", ["flat"]),
        ("dt11uz", ["flat"]),
        ("DT2", ["cottage"]),
        ("12 high west", ["flat"]),
        ("rose cottage", ["cottage"]),
        ("Jo Bloggs", ["flat"]),
        ("bloggs", ["flat"]),
        ("jo.bloggs@example.com", ["flat"]),
        ("patel", ["cottage"]),
        ("priya@example.net", ["cottage"]),
        ("missed bin", ["nowhere"]),
        ("fly-tipping mill", ["cottage"]),
        ("nothing matches this", []),
        # The resident's own words and choices, as shown (not the questions' ids or labels).
        ("mattress", ["cottage"]),
        ("Bags of rubbish", ["flat", "nowhere"]),
        ("details", []),
    ],
)
def test_search(world, make_staff, searchable, text, expected):
    me = make_staff(world.team)
    found = case_list_for_staff(user=me, queue=Queue.ALL, filters=CaseFilters(search=text))
    assert refs(found) == refs([searchable[name] for name in expected])


def test_search_by_reference_typed_with_spaces_and_lower_case(world, make_staff, searchable):
    me = make_staff(world.team)
    reference = searchable["cottage"].reference
    for typed in (
        reference,
        reference.lower(),
        reference.replace("-", " ").lower(),
        f" {reference} ",
    ):
        found = case_list_for_staff(user=me, queue=Queue.ALL, filters=CaseFilters(search=typed))
        assert refs(found) == [reference], typed


def test_search_stays_within_what_the_user_may_view(world, make_case, make_staff):
    me = make_staff(world.team)
    theirs = make_case(world.county_service, reporter_name="Jo Bloggs")
    for text in (theirs.reference, "Bloggs"):
        found = case_list_for_staff(user=me, queue=Queue.ALL, filters=CaseFilters(search=text))
        assert list(found) == []


# -- Efficiency ------------------------------------------------------------------------------


def test_a_case_list_takes_the_same_queries_for_two_cases_as_for_twelve(
    world, make_case, make_staff
):
    me = make_staff(world.team)

    def render_rows():
        with CaptureQueriesContext(connection) as queries:
            for case in case_list_for_staff(user=me, queue=Queue.ALL):
                _ = (case.service.name, case.team.name, case.organisation.name)
                _ = case.assignee.full_name if case.assignee else ""
        return len(queries)

    for _ in range(2):
        case_assign(case=make_case(world.service), assignee=me, actor=me)
    few = render_rows()
    for _ in range(10):
        case_assign(case=make_case(world.other_team_service), assignee=me, actor=me)
    assert render_rows() == few == 1


# -- The resident's other cases --------------------------------------------------------------


def test_other_cases_of_the_same_resident_or_reporter_in_the_organisation(
    world, make_case, make_staff, make_resident
):
    me = make_staff(world.team)
    resident = make_resident(email="sam@example.com")
    case = make_case(world.service, resident=resident, reporter_email="")
    by_account = make_case(world.other_team_service, resident=resident, reporter_email="")
    by_email = make_case(world.service, reporter_email="SAM@example.com")
    make_case(world.service, reporter_email="someone.else@example.com")
    make_case(world.county_service, resident=resident, reporter_email="")  # another council's
    assert refs(case_others_for_staff(user=me, case=case)) == refs([by_account, by_email])
