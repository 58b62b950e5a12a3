"""Cases sent to an Open311 contractor: on routing, retried after failures, exactly once, and
the contractor's updates polled back onto the case and on to the resident."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from borough.cases.models import CaseEvent, EventKind, ExternalReference, Status
from borough.cases.services import case_transfer
from borough.dispatch.models import Dispatch, DispatchStatus, ExternalUpdate
from borough.dispatch.services import (
    MAX_ATTEMPTS,
    Delivery,
    dispatch_claim,
    dispatch_deliver,
    dispatch_sweep_run,
    endpoint_updates_poll,
    retry_delay,
)
from borough.dispatch.tasks import dispatch_send
from borough.notify.models import Notification, NotificationKind
from tests.dispatch.contractor import Answer


def test_a_case_routed_to_the_contractor_is_sent_once_with_what_it_needs(
    world, open311_contractor, make_endpoint, report, committed
):
    endpoint = make_endpoint(open311_contractor.url)
    with committed():
        case = report()

    [post] = open311_contractor.posts()
    assert post.path == "/open311/v2/requests.json"
    form = post.form
    assert form["service_code"] == "FT01"
    assert form["api_key"] == "contractor-api-key"
    assert form["jurisdiction_id"] == "casterbridge"
    assert (form["lat"], form["long"]) == ("50.715000", "-2.437000")
    assert form["attribute[borough_reference]"] == case.reference
    assert form["attribute[kind]"] == "Large"
    assert "A sofa and bags on the verge" in form["description"]
    # Personal data stays at home unless the endpoint shares it.
    assert not {"email", "first_name", "last_name", "phone"} & form.keys()
    assert "rita" not in post.body.decode().lower()
    assert post.headers["idempotency-key"] == Dispatch.objects.get().idempotency_key

    dispatch = Dispatch.objects.get()
    assert (dispatch.status, dispatch.attempts, dispatch.external_id) == (
        DispatchStatus.SENT,
        1,
        "SR-1",
    )
    assert dispatch.organisation == world.district and dispatch.endpoint == endpoint
    event = case.events.get(kind=EventKind.DISPATCHED)
    assert event.data["outcome"] == "sent" and event.data["external_id"] == "SR-1"
    assert not event.public
    assert ExternalReference.objects.get(case=case).value == "SR-1"
    # Being sent is not news to the resident: only the acknowledgement went.
    assert list(Notification.objects.values_list("kind", flat=True)) == [
        NotificationKind.ACKNOWLEDGEMENT
    ]


def test_the_reporters_contact_details_go_only_when_the_endpoint_shares_them(
    world, open311_contractor, make_endpoint, report, committed
):
    make_endpoint(open311_contractor.url, share_reporter_contact=True)
    with committed():
        report()
    form = open311_contractor.posts()[0].form
    assert (form["email"], form["first_name"], form["last_name"], form["phone"]) == (
        "rita@example.com",
        "Rita",
        "Reporter",
        "07700 900123",
    )


def test_nothing_is_sent_for_other_teams_or_inactive_endpoints(
    world, open311_contractor, make_endpoint, report, committed, make_service
):
    endpoint = make_endpoint(open311_contractor.url, active=False)
    other = make_service(world.district, default_team=world.council_team)
    with committed():
        report()
        report(service=other)
    assert Dispatch.objects.count() == 0
    endpoint.active = True
    endpoint.save()
    with committed():
        report(service=other)
    assert Dispatch.objects.count() == 0
    assert open311_contractor.received == []


def test_a_rolled_back_change_writes_and_sends_nothing(
    world, open311_contractor, make_endpoint, report, committed
):
    make_endpoint(open311_contractor.url)
    with committed() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        report()
        assert Dispatch.objects.count() == 1
        raise RuntimeError("something later in the request failed")
    assert callbacks == []
    assert Dispatch.objects.count() == 0
    assert open311_contractor.received == []


def test_a_transfer_to_the_contractors_team_sends_the_case(
    world, open311_contractor, make_endpoint, report, committed
):
    make_endpoint(open311_contractor.url)
    world.service.default_team = world.council_team
    world.service.save()
    case = report()
    assert Dispatch.objects.count() == 0
    with committed():
        case_transfer(
            case=case, team=world.contractor_team, actor=world.leader, reason="For the crew"
        )
    assert len(open311_contractor.posts()) == 1
    assert Dispatch.objects.get().status == DispatchStatus.SENT


def test_a_500_is_retried_with_backoff_and_sent_by_the_sweep(
    world, open311_contractor, make_endpoint, report, committed
):
    make_endpoint(open311_contractor.url)
    open311_contractor.fail_next(Answer(500, '[{"code":500,"description":"Database busy"}]'))
    start = timezone.now()
    with committed():
        case = report()
    dispatch = Dispatch.objects.get()
    assert dispatch.status == DispatchStatus.FAILED
    assert dispatch.attempts == 1
    assert dispatch.last_status_code == 500
    assert "Database busy" in dispatch.last_error
    assert start + timedelta(minutes=1) <= dispatch.next_attempt_at
    assert not case.events.filter(kind=EventKind.DISPATCHED).exists()

    # Not due yet: the sweep and the task leave it alone.
    assert dispatch_sweep_run().enqueued == []
    assert dispatch_deliver(dispatch_id=dispatch.pk) == Delivery.NOT_DUE
    assert len(open311_contractor.posts()) == 1

    with time_machine.travel(dispatch.next_attempt_at + timedelta(seconds=1), tick=False):
        assert dispatch_sweep_run().enqueued == [dispatch.pk]
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts, dispatch.external_id) == (
        DispatchStatus.SENT,
        2,
        "SR-2",
    )
    posts = open311_contractor.posts()
    assert len(posts) == 2
    assert posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    assert case.events.filter(kind=EventKind.DISPATCHED).count() == 1


def test_the_waits_double_and_the_dispatch_gives_up_visibly_after_the_last_attempt(
    world, open311_contractor, make_endpoint, report, committed
):
    make_endpoint(open311_contractor.url)
    open311_contractor.fail_next(*[Answer(503, "[]") for _ in range(MAX_ATTEMPTS)])
    assert [retry_delay(n) for n in range(1, 5)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=8),
    ]
    moment = timezone.now()
    with time_machine.travel(moment, tick=False), committed():
        case = report()
    dispatch = Dispatch.objects.get()
    for attempt in range(1, MAX_ATTEMPTS):
        dispatch.refresh_from_db()
        assert (dispatch.status, dispatch.attempts) == (DispatchStatus.FAILED, attempt)
        assert dispatch.next_attempt_at == moment + retry_delay(attempt)
        moment = dispatch.next_attempt_at
        with time_machine.travel(moment, tick=False):
            assert dispatch_deliver(dispatch_id=dispatch.pk) in (Delivery.FAILED, Delivery.GAVE_UP)
    dispatch.refresh_from_db()
    assert (dispatch.status, dispatch.attempts, dispatch.next_attempt_at) == (
        DispatchStatus.GAVE_UP,
        MAX_ATTEMPTS,
        None,
    )
    assert len(open311_contractor.posts()) == MAX_ATTEMPTS
    event = case.events.get(kind=EventKind.DISPATCHED)
    assert event.data["outcome"] == "gave_up"
    assert "8 attempts" in event.body and "503" in event.body
    # Given up: nothing more is sent, however often the task runs.
    assert dispatch_send.enqueue(dispatch_id=dispatch.pk).return_value == "already gave up"
    assert len(open311_contractor.posts()) == MAX_ATTEMPTS


def test_a_refusal_gives_up_at_once(world, open311_contractor, make_endpoint, report, committed):
    make_endpoint(open311_contractor.url)
    open311_contractor.fail_next(
        Answer(400, '[{"code":400,"description":"service_code FT01 is not known"}]')
    )
    with committed():
        case = report()
    dispatch = Dispatch.objects.get()
    assert dispatch.status == DispatchStatus.GAVE_UP and dispatch.attempts == 1
    assert "service_code FT01 is not known" in dispatch.last_error
    assert case.events.filter(kind=EventKind.DISPATCHED, data__outcome="gave_up").count() == 1


def test_an_unreachable_contractor_is_retried(world, make_endpoint, report, committed):
    make_endpoint("http://127.0.0.1:9/open311/v2")  # the discard port: nothing listens
    with committed():
        report()
    dispatch = Dispatch.objects.get()
    assert dispatch.status == DispatchStatus.FAILED
    assert dispatch.last_error.startswith("Could not reach the contractor")


def test_the_task_run_twice_sends_once(world, open311_contractor, make_endpoint, report, committed):
    make_endpoint(open311_contractor.url)
    with committed():
        report()
    dispatch = Dispatch.objects.get()
    assert dispatch_send.enqueue(dispatch_id=dispatch.pk).return_value == "already sent"
    assert dispatch_deliver(dispatch_id=dispatch.pk) == Delivery.ALREADY_SENT
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert dispatch_sweep_run().enqueued == []
    assert len(open311_contractor.posts()) == 1
    assert CaseEvent.objects.filter(kind=EventKind.DISPATCHED).count() == 1


def test_two_workers_never_both_send(world, open311_contractor, make_endpoint, report):
    make_endpoint(open311_contractor.url)
    report()  # not committed: the dispatch waits
    dispatch = Dispatch.objects.get()
    assert dispatch.status == DispatchStatus.PENDING
    # Worker one claims it and is busy sending...
    token = dispatch_claim(dispatch_id=dispatch.pk)
    assert token is not None
    # ...so worker two, given the same dispatch, sends nothing.
    assert dispatch_claim(dispatch_id=dispatch.pk) is None
    assert dispatch_deliver(dispatch_id=dispatch.pk) == Delivery.BUSY
    assert open311_contractor.received == []
    # A claim held past its lease (the worker died) may be taken over, once.
    later = timezone.now() + timedelta(minutes=11)
    assert dispatch_deliver(dispatch_id=dispatch.pk, now=later) == Delivery.SENT
    assert dispatch_deliver(dispatch_id=dispatch.pk, now=later) == Delivery.ALREADY_SENT
    assert len(open311_contractor.posts()) == 1


def test_an_xml_answer_and_a_token_are_understood(
    world, open311_contractor, make_endpoint, report, committed
):
    endpoint = make_endpoint(open311_contractor.url)
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        "<service_requests><request><token>TK-77</token></request></service_requests>"
    )
    open311_contractor.fail_next(Answer(201, xml, "text/xml"))
    with committed():
        report()
    dispatch = Dispatch.objects.get()
    assert (dispatch.status, dispatch.token, dispatch.external_id) == (
        DispatchStatus.SENT,
        "TK-77",
        "",
    )
    # The next poll asks what the token became.
    open311_contractor.tokens["TK-77"] = "SR-900"
    endpoint_updates_poll(endpoint_id=endpoint.pk)
    dispatch.refresh_from_db()
    assert dispatch.external_id == "SR-900"


def test_hostile_xml_is_refused_not_parsed(
    world, open311_contractor, make_endpoint, report, committed
):
    make_endpoint(open311_contractor.url)
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<service_requests><request><service_request_id>&lol2;</service_request_id>"
        "</request></service_requests>"
    )
    open311_contractor.fail_next(Answer(200, bomb, "application/xml"))
    with committed():
        report()
    dispatch = Dispatch.objects.get()
    assert dispatch.status == DispatchStatus.GAVE_UP
    assert "could not be read" in dispatch.last_error


def _update(update_id, request_id, status, description, at, **extra):
    row = {
        "update_id": update_id,
        "service_request_id": request_id,
        "status": status,
        "description": description,
        "updated_datetime": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "media_url": "",
    }
    row.update(extra)
    return row


def test_polled_updates_reach_the_timeline_and_the_resident_once(
    world, open311_contractor, make_endpoint, report, committed, mailoutbox, make_resident
):
    endpoint = make_endpoint(open311_contractor.url)
    resident = make_resident(email="rita@example.com", full_name="Rita Reporter")
    with committed():
        case = report(resident=resident)
    mailoutbox.clear()
    now = timezone.now()
    open311_contractor.updates = [
        _update("U1", "SR-1", "IN_PROGRESS", "Crew booked for Tuesday.", now),
        _update(
            "U2",
            "SR-1",
            "FIXED",
            "Cleared and the verge swept.",
            now + timedelta(seconds=1),
            media_url="https://photos.contractor.example/after.jpg",
        ),
        _update("U3", "SR-404", "FIXED", "Not one of ours", now),
    ]
    with committed():
        result = endpoint_updates_poll(endpoint_id=endpoint.pk, now=now + timedelta(minutes=1))
    assert (result.applied, result.repeated, result.unknown) == (2, 0, 1)

    [query] = [r for r in open311_contractor.received if r.method == "GET"]
    assert query.path == "/open311/v2/servicerequestupdates.json"
    assert query.query["api_key"] == "contractor-api-key"
    assert query.query["end_date"].endswith("Z")

    case.refresh_from_db()
    assert case.status == Status.FIXED and case.closed_at is not None
    events = list(case.events.filter(kind=EventKind.EXTERNAL_UPDATE).order_by("id"))
    assert [(e.data["status"], e.body, e.public) for e in events] == [
        (Status.IN_PROGRESS, "Crew booked for Tuesday.", True),
        (Status.FIXED, "Cleared and the verge swept.", True),
    ]
    assert events[1].data["photo_url"] == "https://photos.contractor.example/after.jpg"
    # One email to the resident for each update.
    assert [m.to for m in mailoutbox] == [["rita@example.com"], ["rita@example.com"]]
    assert "Cleared and the verge swept." in mailoutbox[1].body

    # Polling again (overlapping windows, a second worker) applies nothing twice.
    mailoutbox.clear()
    with committed():
        again = endpoint_updates_poll(endpoint_id=endpoint.pk, now=now + timedelta(minutes=2))
    assert (again.applied, again.repeated) == (0, 2)
    assert case.events.filter(kind=EventKind.EXTERNAL_UPDATE).count() == 2
    assert ExternalUpdate.objects.count() == 2
    assert mailoutbox == []


def test_an_unknown_status_still_brings_the_description(
    world, open311_contractor, make_endpoint, report, committed
):
    endpoint = make_endpoint(open311_contractor.url, status_map={"BOOKED": "action_scheduled"})
    with committed():
        case = report()
    now = timezone.now()
    open311_contractor.updates = [
        _update("U1", "SR-1", "open", "Booked", now, external_status_code="BOOKED"),
        _update("U2", "SR-1", "WIBBLE", "Crew on site", now + timedelta(seconds=1)),
    ]
    with committed():
        endpoint_updates_poll(endpoint_id=endpoint.pk, now=now + timedelta(minutes=1))
    case.refresh_from_db()
    assert case.status == Status.ACTION_SCHEDULED
    events = case.events.filter(kind=EventKind.EXTERNAL_UPDATE).order_by("id")
    assert [(e.data["status"], e.body) for e in events] == [
        (Status.ACTION_SCHEDULED, "Booked"),
        (None, "Crew on site"),
    ]


def test_the_sweep_polls_open311_contractors_with_cases_sent(
    world, open311_contractor, make_endpoint, report, committed
):
    endpoint = make_endpoint(open311_contractor.url)
    assert dispatch_sweep_run().polled == []
    with committed():
        report()
    open311_contractor.updates = [
        _update("U1", "SR-1", "investigating", "Looking into it", timezone.now())
    ]
    with committed():
        result = dispatch_sweep_run(now=timezone.now())
    assert result.polled == [endpoint.pk]
    assert ExternalUpdate.objects.count() == 1
    endpoint.refresh_from_db()
    assert endpoint.updates_polled_until is not None


def test_a_failed_poll_changes_nothing_and_keeps_its_window(
    world, open311_contractor, make_endpoint, report, committed
):
    endpoint = make_endpoint(open311_contractor.url)
    with committed():
        report()
    open311_contractor.fail_next(Answer(502, json.dumps({"error": "gateway"})))
    result = endpoint_updates_poll(endpoint_id=endpoint.pk, now=datetime.now(UTC))
    assert result.error.startswith("The contractor answered 502")
    endpoint.refresh_from_db()
    assert endpoint.updates_polled_until is None
    assert ExternalUpdate.objects.count() == 0


def test_a_failure_is_enqueued_again_for_its_time_when_the_task_backend_can_wait(
    world, open311_contractor, make_endpoint, report, settings
):
    make_endpoint(open311_contractor.url)
    report()  # not committed: the dispatch waits for the worker
    dispatch = Dispatch.objects.get()
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    open311_contractor.fail_next(Answer(500, "[]"))
    assert dispatch_deliver(dispatch_id=dispatch.pk) == Delivery.FAILED
    dispatch.refresh_from_db()
    retry = DBTaskResult.objects.get()
    assert retry.task_path == "borough.dispatch.tasks.dispatch_send"
    assert retry.args_kwargs == {"args": [], "kwargs": {"dispatch_id": dispatch.pk}}
    assert abs(retry.run_after - dispatch.next_attempt_at) < timedelta(seconds=5)
