"""SLA clocks: the pause arithmetic, waiting for the resident, the SLA check (warnings,
breaches and escalation) and the worker's scheduler that enqueues it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from borough.cases.models import Case, CaseEvent, EventKind, Status
from borough.cases.services import (
    CaseError,
    CaseInvalid,
    CaseStale,
    Submission,
    case_assign,
    case_close,
    case_create,
    case_request_information,
    case_resident_reply,
    case_status_change,
)
from borough.cases.sla import (
    add_working_time,
    due_after_pause,
    is_escalated,
    needs_escalation,
    needs_warning,
    sla_check_run,
    working_time_between,
)
from borough.cases.tasks import sla_check
from borough.contacts.models import Contact, Outcome
from borough.core.management.commands.worker import PERIODIC_JOBS, Scheduler, job_claim
from borough.core.models import ScheduledJob
from borough.core.workingdays import working_seconds_between
from tests.conftest import DORCHESTER

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


# -- The arithmetic ------------------------------------------------------------------------


def test_working_time_counts_office_hours_only():
    # Thursday 2 April 2026 10:00 to Tuesday 7 April 10:00: Good Friday, the weekend and
    # Easter Monday are not working days. Thursday 7 hours, Tuesday 1 hour.
    assert working_time_between(london(2026, 4, 2, 10), london(2026, 4, 7, 10)) == timedelta(
        hours=8
    )
    assert working_time_between(london(2026, 4, 4, 10), london(2026, 4, 6, 23)) == timedelta(0)
    assert working_time_between(london(2026, 4, 7, 10), london(2026, 4, 2, 10)) == timedelta(0)


def test_adding_working_time_skips_nights_weekends_and_bank_holidays():
    # From Thursday 2 April 15:00, 8 working hours: 2 on Thursday, then 6 on Tuesday.
    assert add_working_time(london(2026, 4, 2, 15), timedelta(hours=8)) == london(2026, 4, 7, 15)
    # From a Saturday the clock starts at 09:00 on the next working day.
    assert add_working_time(london(2026, 3, 28, 12), timedelta(minutes=30)) == london(
        2026, 3, 30, 9, 30
    )
    # Exactly to closing time stays on the day.
    assert add_working_time(london(2026, 3, 30, 16), timedelta(hours=1)) == london(2026, 3, 30, 17)
    # Nothing to add: the moment is unchanged, even outside office hours.
    assert add_working_time(london(2026, 3, 28, 20), timedelta(0)) == london(2026, 3, 28, 20)
    with pytest.raises(ValueError):
        add_working_time(london(2026, 3, 30, 10), timedelta(seconds=-1))
    with pytest.raises(ValueError):
        add_working_time(datetime(2026, 3, 30, 10), timedelta(hours=1))


def test_a_pause_pushes_the_due_time_by_exactly_the_working_time_paused():
    paused, resumed = london(2026, 4, 2, 10), london(2026, 4, 7, 10)
    due = london(2026, 4, 2, 15)
    pushed = due_after_pause(due_at=due, paused_at=paused, resumed_at=resumed)
    assert pushed == london(2026, 4, 7, 15)
    assert working_seconds_between(due, pushed) == working_seconds_between(paused, resumed)
    # A pause wholly outside office hours changes nothing.
    assert (
        due_after_pause(
            due_at=due, paused_at=london(2026, 4, 3, 9), resumed_at=london(2026, 4, 6, 17)
        )
        == due
    )


def test_a_pause_across_the_clocks_going_forward_keeps_the_office_hours():
    # Friday 27 March 2026 16:00 to Monday 30 March 10:00 (British Summer Time began on the
    # Sunday): 1 hour on Friday and 1 on Monday.
    pushed = due_after_pause(
        due_at=london(2026, 3, 30, 16),
        paused_at=london(2026, 3, 27, 16),
        resumed_at=london(2026, 3, 30, 10),
    )
    assert pushed == london(2026, 3, 31, 10)


# -- Waiting for the resident ---------------------------------------------------------------


@pytest.fixture
def team(district, make_team):
    return make_team(district, "Environmental health")


@pytest.fixture
def service(district, make_service, team):
    return make_service(district, name="Report a noise problem", default_team=team, sla_value=5)


def submit(service, **kw):
    fields = {
        "service": service,
        "channel": "web",
        "answers": {"kind": "small"},
        "reporter_email": "rita@example.com",
        "latitude": DORCHESTER[0],
        "longitude": DORCHESTER[1],
    }
    fields.update(kw)
    return case_create(submission=Submission(**fields))


def test_asking_for_information_makes_the_case_wait_with_its_clock_stopped(
    service, team, make_staff
):
    officer = make_staff(team)
    with time_machine.travel(london(2026, 3, 30, 10), tick=False):
        case = submit(service)
    assert case.sla_due_at == london(2026, 4, 8, 10)  # 5 working days, Easter skipped
    with time_machine.travel(london(2026, 4, 1, 11), tick=False):
        event = case_request_information(
            case=case,
            actor=officer,
            question="  When does the noise start?  ",
            expected_version=case.version,
        )
    case.refresh_from_db()
    assert case.status == Status.WAITING
    assert case.sla_paused_at == london(2026, 4, 1, 11)
    assert case.sla_due_at == london(2026, 4, 8, 10)  # unchanged until the reply
    assert case.version == 2
    assert (event.kind, event.public, event.body, event.actor) == (
        EventKind.INFORMATION_REQUESTED,
        True,
        "When does the noise start?",
        officer,
    )
    assert event.data == {"previous": "open", "status": "waiting"}

    # Asking again keeps the clock stopped from the first time.
    with time_machine.travel(london(2026, 4, 2, 9), tick=False):
        case_request_information(
            case=case, actor=officer, question="And when does it stop?", expected_version=None
        )
    case.refresh_from_db()
    assert case.sla_paused_at == london(2026, 4, 1, 11)


def test_asking_refuses_an_empty_question_a_stale_version_and_a_closed_case(
    service, team, make_staff
):
    officer = make_staff(team)
    case = submit(service)
    with pytest.raises(CaseInvalid) as invalid:
        case_request_information(case=case, actor=officer, question="  ", expected_version=1)
    assert invalid.value.errors == {"question": "Enter what you need to know from the resident"}
    with pytest.raises(CaseStale):
        case_request_information(case=case, actor=officer, question="When?", expected_version=7)
    case_close(case=case, actor=officer, resolution="Sorted")
    with pytest.raises(CaseError):
        case_request_information(case=case, actor=officer, question="When?", expected_version=None)
    case.refresh_from_db()
    assert case.status == Status.FIXED and case.sla_paused_at is None
    assert not case.events.filter(kind=EventKind.INFORMATION_REQUESTED).exists()


def test_the_reply_reopens_the_case_and_pushes_the_due_time_over_easter(
    service, team, make_staff, make_resident
):
    officer = make_staff(team)
    resident = make_resident()
    with time_machine.travel(london(2026, 3, 30, 10), tick=False):
        case = submit(service, resident=resident, reporter_email="")
    due = case.sla_due_at
    # Asked on Thursday 2 April at 10:00; the reply comes on Tuesday 7 April at 10:00, after
    # Good Friday, the weekend and Easter Monday: 8 working hours paused.
    with time_machine.travel(london(2026, 4, 2, 10), tick=False):
        case_request_information(
            case=case, actor=officer, question="When?", expected_version=case.version
        )
    with time_machine.travel(london(2026, 4, 7, 10), tick=False):
        event = case_resident_reply(case=case, body=" Every night at 11pm ", resident=resident)
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.sla_paused_at is None
    assert case.sla_due_at == london(2026, 4, 9, 10)  # Wednesday 8 April 10:00 + 8 hours
    assert working_seconds_between(due, case.sla_due_at) == 8 * 3600
    assert (event.kind, event.public, event.body, event.actor) == (
        EventKind.RESIDENT_REPLIED,
        False,
        "Every night at 11pm",
        resident,
    )
    assert event.data["resident_visible"] is True
    assert event.data["channel"] == "web"
    assert event.data["recorded_by"] is None
    assert (event.data["previous"], event.data["status"]) == ("waiting", "open")
    contact = Contact.objects.get(case=case, outcome=Outcome.CASE_UPDATED)
    assert (contact.channel, contact.resident, contact.staff) == ("web", resident, None)


def test_staff_record_a_reply_by_phone_with_the_channel_on_a_contact(service, team, make_staff):
    advisor = make_staff(team, "advisor")
    officer = make_staff(team)
    case = submit(service)
    case_request_information(case=case, actor=officer, question="When?", expected_version=1)
    event = case_resident_reply(
        case=case, body="Mornings", channel="phone", staff=advisor, expected_version=2
    )
    assert event.actor == advisor
    assert (event.data["channel"], event.data["recorded_by"]) == ("phone", advisor.email)
    contact = Contact.objects.get(case=case, outcome=Outcome.CASE_UPDATED)
    assert (contact.channel, contact.staff, contact.service) == ("phone", advisor, service)


def test_a_reply_is_refused_when_empty_or_on_a_closed_case_and_changes_nothing(
    service, team, make_staff
):
    officer = make_staff(team)
    case = submit(service)
    with pytest.raises(CaseInvalid) as invalid:
        case_resident_reply(case=case, body=" ", channel="pigeon")
    assert invalid.value.errors == {
        "body": "Enter the resident's reply",
        "channel": "Select how the resident replied",
    }
    case_request_information(case=case, actor=officer, question="When?", expected_version=1)
    case_close(case=case, actor=officer, resolution="Withdrawn")
    case.refresh_from_db()
    assert case.sla_paused_at is None  # closing clears the pause
    with pytest.raises(CaseError):
        case_resident_reply(case=case, body="Too late")
    assert not case.events.filter(kind=EventKind.RESIDENT_REPLIED).exists()
    assert not Contact.objects.filter(case=case, outcome=Outcome.CASE_UPDATED).exists()


def test_a_reply_to_a_case_that_was_not_waiting_leaves_its_status_and_clock(service):
    case = submit(service)
    due = case.sla_due_at
    case_status_change(case=case, status=Status.IN_PROGRESS, actor=None)
    case_resident_reply(case=case, body="Any news?")
    case.refresh_from_db()
    assert (case.status, case.sla_due_at, case.sla_paused_at) == (Status.IN_PROGRESS, due, None)


# -- The SLA check -------------------------------------------------------------------------


def sla_events(case: Case) -> list[tuple[str, dict]]:
    return [
        (event.kind, event.data)
        for event in CaseEvent.objects.filter(
            case=case, kind__in=(EventKind.SLA_DUE_SOON, EventKind.SLA_BREACHED)
        ).order_by("id")
    ]


@pytest.fixture
def leaders(team, make_staff, make_team, district):
    first = make_staff(team, "team_leader", email="lee@casterbridge.example")
    second = make_staff(team, "team_leader", email="ann@casterbridge.example")
    # Not this team's leader, and a caseworker of this team: neither is escalated to.
    make_staff(make_team(district), "team_leader", email="other@casterbridge.example")
    make_staff(team, "caseworker", email="cw@casterbridge.example")
    return [second.email, first.email]


def test_a_case_is_warned_about_once_then_escalated_once_to_its_team_leaders(
    service, leaders, make_staff, team
):
    officer = make_staff(team, email="casey@casterbridge.example")
    with time_machine.travel(london(2026, 3, 2, 10), tick=False):
        case = submit(service)
        case_assign(case=case, assignee=officer, actor=officer)
    due = case.sla_due_at
    assert due == london(2026, 3, 9, 10)
    version = Case.objects.get(pk=case.pk).version

    # Two working days before: nothing yet.
    assert sla_check_run(now=london(2026, 3, 5, 9)).warned == []
    assert sla_events(case) == []

    # Within one working day: a warning, once.
    result = sla_check_run(now=london(2026, 3, 6, 11))
    assert (result.warned, result.escalated) == ([case.reference], [])
    assert sla_check_run(now=london(2026, 3, 6, 12)).warned == []
    assert sla_events(case) == [
        (EventKind.SLA_DUE_SOON, {"due": due.isoformat(), "assignee": officer.email})
    ]

    # Past due: a breach, escalated to the team's leaders, once.
    result = sla_check_run(now=london(2026, 3, 9, 10, 5))
    assert (result.warned, result.escalated) == ([], [case.reference])
    assert sla_check_run(now=london(2026, 3, 9, 15)).escalated == []
    events = sla_events(case)
    assert len(events) == 2
    assert events[1] == (
        EventKind.SLA_BREACHED,
        {
            "due": due.isoformat(),
            "team": team.slug,
            "team_leaders": leaders,
            "assignee": officer.email,
        },
    )
    breach = case.events.get(kind=EventKind.SLA_BREACHED)
    assert (breach.public, breach.actor) == (False, None)
    case.refresh_from_db()
    assert (case.sla_warned_due_at, case.sla_escalated_due_at) == (due, due)
    assert is_escalated(case)
    # The marks do not make a member of staff's open page stale.
    assert case.version == version


def test_the_task_is_idempotent(service, leaders):
    with time_machine.travel(london(2026, 3, 2, 10), tick=False):
        overdue = submit(service)  # due on 9 March at 10:00
        due_soon = submit(service)
    Case.objects.filter(pk=due_soon.pk).update(sla_due_at=london(2026, 3, 9, 16))
    with time_machine.travel(london(2026, 3, 9, 10, 30), tick=False):
        first = sla_check.call()
        count = CaseEvent.objects.count()
        second = sla_check.call()
    assert first == {
        "warned": [due_soon.reference],
        "escalated": [overdue.reference],
    }
    assert second == {"warned": [], "escalated": []}
    assert CaseEvent.objects.count() == count


def test_an_overdue_case_never_warned_is_escalated_without_a_warning(service, leaders):
    with time_machine.travel(london(2026, 3, 2, 10), tick=False):
        case = submit(service)
    result = sla_check_run(now=london(2026, 3, 20, 10))
    assert (result.warned, result.escalated) == ([], [case.reference])
    assert [kind for kind, _ in sla_events(case)] == [EventKind.SLA_BREACHED]


def test_paused_closed_and_untimed_cases_are_left_alone(service, team, make_staff, district):
    officer = make_staff(team)
    with time_machine.travel(london(2026, 3, 2, 10), tick=False):
        waiting = submit(service)
        case_request_information(case=waiting, actor=officer, question="When?", expected_version=1)
        closed = submit(service)
        case_close(case=closed, actor=officer, resolution="Done")
        untimed = submit(service)
        Case.objects.filter(pk=untimed.pk).update(sla_due_at=None)
    now = london(2026, 3, 20, 10)
    for case in (waiting, closed, untimed):
        case.refresh_from_db()
        assert not needs_warning(case, now) and not needs_escalation(case, now)
    assert sla_check_run(now=now).escalated == []
    assert not CaseEvent.objects.filter(
        kind__in=(EventKind.SLA_DUE_SOON, EventKind.SLA_BREACHED)
    ).exists()


def test_escalation_data_is_empty_when_the_team_has_no_leader(service):
    with time_machine.travel(london(2026, 3, 2, 10), tick=False):
        case = submit(service)
    sla_check_run(now=london(2026, 3, 20, 10))
    assert case.events.get(kind=EventKind.SLA_BREACHED).data["team_leaders"] == []


def test_a_due_time_pushed_by_a_reply_can_be_warned_and_escalated_again(
    service, team, make_staff, leaders
):
    officer = make_staff(team)
    with time_machine.travel(london(2026, 3, 2, 10), tick=False):
        case = submit(service)  # due on Monday 9 March at 10:00
    assert sla_check_run(now=london(2026, 3, 6, 11)).warned == [case.reference]
    with time_machine.travel(london(2026, 3, 6, 12), tick=False):
        case_request_information(case=case, actor=officer, question="When?", expected_version=None)
    # Past the old due time, but the clock is stopped.
    assert sla_check_run(now=london(2026, 3, 9, 11)).escalated == []
    with time_machine.travel(london(2026, 3, 10, 12), tick=False):
        case_resident_reply(case=case, body="Nights")
    case.refresh_from_db()
    # Stopped 5 hours on Friday, 8 on Monday and 3 on Tuesday: 16 working hours later.
    assert case.sla_due_at == london(2026, 3, 11, 10)
    assert sla_check_run(now=london(2026, 3, 10, 12, 30)).warned == [case.reference]
    assert sla_check_run(now=london(2026, 3, 11, 11)).escalated == [case.reference]
    assert [kind for kind, _ in sla_events(case)] == [
        EventKind.SLA_DUE_SOON,
        EventKind.SLA_DUE_SOON,
        EventKind.SLA_BREACHED,
    ]


def test_a_case_moved_on_from_waiting_by_hand_has_its_clock_restarted(service, team, make_staff):
    officer = make_staff(team)
    with time_machine.travel(london(2026, 3, 2, 10), tick=False):
        case = submit(service)
    with time_machine.travel(london(2026, 3, 3, 10), tick=False):
        case_request_information(case=case, actor=officer, question="When?", expected_version=None)
    with time_machine.travel(london(2026, 3, 4, 10), tick=False):
        case_status_change(case=case, status=Status.IN_PROGRESS, actor=officer)
    case.refresh_from_db()
    assert case.sla_paused_at is None
    # Stopped from 10:00 on the 3rd to 10:00 on the 4th: one working day later.
    assert case.sla_due_at == london(2026, 3, 10, 10)


# -- The scheduler -------------------------------------------------------------------------


def test_two_callers_claim_the_job_once_per_interval(db):
    every = timedelta(minutes=5)
    now = london(2026, 3, 2, 10)
    assert job_claim(name="cases.sla_check", every=every, worker_id="one", now=now) is True
    assert job_claim(name="cases.sla_check", every=every, worker_id="two", now=now) is False
    later = now + timedelta(minutes=4)
    assert job_claim(name="cases.sla_check", every=every, worker_id="two", now=later) is False
    job = ScheduledJob.objects.get(name="cases.sla_check")
    assert (job.last_run_at, job.claimed_by) == (now, "one")
    due = now + every
    assert job_claim(name="cases.sla_check", every=every, worker_id="two", now=due) is True
    assert job_claim(name="cases.sla_check", every=every, worker_id="one", now=due) is False
    job.refresh_from_db()
    assert (job.last_run_at, job.claimed_by) == (due, "two")
    assert ScheduledJob.objects.count() == 1


def test_the_scheduler_enqueues_the_sla_check_when_it_is_due(service, leaders, settings):
    settings.SLA_CHECK_SECONDS = 300
    with time_machine.travel(london(2026, 3, 2, 10), tick=False):
        case = submit(service)
    # Only the SLA check: the other periodic jobs (such as the dispatch sweep) run on their own.
    jobs = [job for job in PERIODIC_JOBS if job[0] == "cases.sla_check"]
    one, two = Scheduler(worker_id="one", jobs=jobs), Scheduler(worker_id="two", jobs=jobs)
    assert one.tick == 30
    now = london(2026, 3, 20, 10)
    # The immediate task backend (used in tests) runs the task as it is enqueued.
    with time_machine.travel(now, tick=False):
        assert one.run_due() == ["cases.sla_check"]
        assert two.run_due() == []
    assert case.events.filter(kind=EventKind.SLA_BREACHED).count() == 1
    with time_machine.travel(now + timedelta(seconds=299), tick=False):
        assert two.run_due() == []
    with time_machine.travel(now + timedelta(seconds=300), tick=False):
        assert two.run_due() == ["cases.sla_check"]
    assert case.events.filter(kind=EventKind.SLA_BREACHED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_the_same_moment_claim_once():
    """Row locks at work, on PostgreSQL (the in-memory SQLite of the tests refuses a second
    writer outright instead of waiting, as SQLite in WAL mode on disk does)."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs a database server that two threads can share")
    now = london(2026, 3, 2, 10)
    ScheduledJob.objects.create(name="cases.sla_check")
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def claim(worker_id: str) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(
                job_claim(
                    name="cases.sla_check",
                    every=timedelta(minutes=5),
                    worker_id=worker_id,
                    now=now,
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]
    assert ScheduledJob.objects.get(name="cases.sla_check").last_run_at == now
