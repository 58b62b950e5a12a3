from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from borough.cases.models import AppendOnlyError, Case, CaseEvent, EventKind, Status
from borough.cases.services import (
    CaseError,
    CaseInvalid,
    CaseStale,
    Submission,
    attachment_add,
    case_assign,
    case_close,
    case_create,
    case_mark_duplicate,
    case_note_add,
    case_public_update,
    case_reopen,
    case_status_change,
    case_transfer,
)
from borough.catalogue.services import form_publish, routing_rule_create
from borough.contacts.models import Contact
from borough.places.services import area_create
from tests.conftest import DORCHESTER, SIMPLE_FORM, square

LONDON = ZoneInfo("Europe/London")


def submit(service, **kw):
    fields = {
        "service": service,
        "channel": "web",
        "answers": {"kind": "small", "details": "Bags of rubbish"},
        "reporter_email": "Reporter@Example.com",
        "latitude": DORCHESTER[0],
        "longitude": DORCHESTER[1],
    }
    fields.update(kw)
    return case_create(submission=Submission(**fields))


def kinds(case):
    return list(case.events.values_list("kind", flat=True))


def test_case_create_writes_case_events_and_contact(district, make_service):
    service = make_service(district, needs_location=True)
    case = submit(service)
    assert re.fullmatch(r"CDC-\d{4}-\d{4}", case.reference)
    assert case.organisation == district
    assert case.team.is_fallback
    assert case.status == Status.OPEN and case.is_open and case.open311_status == "open"
    assert case.answers == {"kind": "small", "details": "Bags of rubbish"}
    assert case.form_version == 1
    assert case.reporter_email == "reporter@example.com"
    assert kinds(case) == [EventKind.CREATED, EventKind.ROUTED]
    created = case.events.get(kind=EventKind.CREATED)
    assert created.public and created.data["channel"] == "web"
    contact = Contact.objects.get()
    assert (contact.case, contact.channel, contact.outcome, contact.organisation) == (
        case,
        "web",
        "case_created",
        district,
    )


def test_invalid_answers_create_nothing(district, make_service):
    service = make_service(district)
    with pytest.raises(CaseInvalid) as excinfo:
        submit(service, answers={"details": "no kind given"})
    assert excinfo.value.errors == {"kind": "Select the problem"}
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert Contact.objects.count() == 0


def test_anonymous_report_needs_an_email_and_account_services_need_a_resident(
    district, make_service
):
    street = make_service(district)
    with pytest.raises(CaseInvalid) as excinfo:
        submit(street, reporter_email="")
    assert excinfo.value.errors == {"reporter_email": "Enter your email address"}
    account_only = make_service(district, identity="account")
    with pytest.raises(CaseInvalid) as excinfo:
        submit(account_only)
    assert excinfo.value.errors["resident"] == "Sign in to use this service"
    assert Case.objects.count() == 0


def test_location_outside_the_council_area_is_refused(district, make_service):
    service = make_service(district, needs_location=True)
    with pytest.raises(CaseInvalid) as excinfo:
        submit(service, latitude=51.5, longitude=-0.12)
    assert excinfo.value.errors == {
        "location": "This location is outside the area Casterbridge District Council covers"
    }
    with pytest.raises(CaseInvalid) as excinfo:
        submit(service, latitude=None, longitude=None)
    assert excinfo.value.errors == {"location": "Choose a location on the map"}


def test_unknown_uprn_is_refused(district, make_service):
    service = make_service(district, needs_property=True)
    with pytest.raises(CaseInvalid) as excinfo:
        submit(service, uprn="999999999999")
    assert excinfo.value.errors == {"address": "Select an address from the list"}


def test_property_gives_location_street_and_title(district, make_service, make_property):
    prop = make_property(paon="12", street_name="South Street")
    service = make_service(district, needs_property=True, name="Report a missed bin")
    case = submit(service, uprn=prop.uprn, latitude=None, longitude=None)
    assert case.property == prop
    assert (case.latitude, case.longitude) == (prop.latitude, prop.longitude)
    assert case.title == "Report a missed bin at 12 South Street"


def test_idempotency_key_makes_one_case(district, make_service):
    service = make_service(district)
    first = submit(service, idempotency_key="form-123")
    second = submit(service, idempotency_key="form-123")
    assert first.pk == second.pk
    assert Case.objects.count() == 1
    assert Contact.objects.count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.CREATED).count() == 1


def test_routing_rules_by_area_and_answers(district, make_service, make_team):
    north = make_team(district, "North")
    large = make_team(district, "Large items")
    default = make_team(district, "Street scene")
    service = make_service(district, default_team=default)
    area = area_create(
        kind="zone", name="North zone", boundary=square(DORCHESTER[0] + 0.05, DORCHESTER[1], 0.04)
    )
    routing_rule_create(service=service, team=large, priority=1, answers={"kind": "large"})
    routing_rule_create(service=service, team=north, priority=2, area=area)

    assert submit(service, answers={"kind": "large"}).team == large
    assert submit(service, latitude=DORCHESTER[0] + 0.05).team == north
    routed = submit(service)
    assert routed.team == default
    assert routed.events.get(kind=EventKind.ROUTED).data["reason"] == "service team"


def test_an_organisations_rule_routes_every_one_of_its_services(
    district, county, make_service, make_team
):
    north = make_team(district, "North area")
    large = make_team(district, "Large items")
    default = make_team(district, "Street scene")
    fly_tip = make_service(district, default_team=default)
    graffiti = make_service(district, name="Report graffiti", default_team=default)
    pothole = make_service(county, name="Report a pothole")
    north_ward = area_create(
        kind="ward", name="North", boundary=square(DORCHESTER[0] + 0.05, DORCHESTER[1], 0.04)
    )
    # For every district service, the North ward goes to the North area team ...
    routing_rule_create(service=None, team=north, priority=5, area=north_ward)
    # ... except large fly-tips, by the service's own rule at the same priority.
    routing_rule_create(service=fly_tip, team=large, priority=5, answers={"kind": "large"})
    in_north = DORCHESTER[0] + 0.05

    assert submit(graffiti, latitude=in_north).team == north
    assert submit(fly_tip, latitude=in_north).team == north
    assert submit(fly_tip, latitude=in_north, answers={"kind": "large"}).team == large
    assert submit(graffiti).team == default
    # Another council's services are not touched by the district's rule.
    assert submit(pothole, latitude=in_north).organisation == county


def test_two_tier_the_owner_of_the_service_takes_the_case(county, district, make_service):
    pothole = make_service(county, name="Report a pothole", needs_location=True)
    missed_bin = make_service(district, name="Report a missed bin", needs_location=True)
    assert submit(pothole).organisation == county
    assert submit(missed_bin).organisation == district
    assert submit(pothole).reference.startswith("WCC-")


def test_sla_due_in_working_days_skips_the_christmas_bank_holidays(district, make_service):
    service = make_service(district, sla_value=2, sla_unit="working_days")
    # Thursday 24 December 2026, 10:00: Friday 25 and Monday 28 are bank holidays.
    case = submit(service, submitted_at=datetime(2026, 12, 24, 10, 0, tzinfo=LONDON))
    assert case.sla_due_at.astimezone(LONDON) == datetime(2026, 12, 30, 10, 0, tzinfo=LONDON)


def test_answers_keep_the_form_version_they_were_given_under(district, make_service):
    service = make_service(district)
    v2 = {**SIMPLE_FORM, "pages": [SIMPLE_FORM["pages"][1]]}
    form_publish(service=service, definition=v2)
    old = submit(service, form_version=1)
    new = submit(service, answers={"details": "only details now"})
    assert (old.form_version, new.form_version) == (1, 2)
    assert new.answers == {"details": "only details now"}


def test_assign_only_to_the_organisations_staff(
    district, county, make_service, make_team, make_staff
):
    team = make_team(district)
    officer = make_staff(team)
    outsider = make_staff(make_team(county))
    case = submit(make_service(district))
    case = case_assign(case=case, assignee=officer, actor=officer)
    assert case.assignee == officer
    assert case.version == 2
    assert case.events.filter(kind=EventKind.ASSIGNED).get().data == {
        "to": officer.email,
        "previous": None,
    }
    with pytest.raises(CaseError):
        case_assign(case=case, assignee=outsider, actor=officer)
    assert Case.objects.get(pk=case.pk).assignee == officer


def test_a_stale_edit_is_refused(district, make_service, make_team, make_staff):
    officer = make_staff(make_team(district))
    case = submit(make_service(district))
    loaded_version = case.version
    case_note_add(case=case, actor=officer, body="Someone else got here first")
    with pytest.raises(CaseStale):
        case_status_change(
            case=case, status=Status.IN_PROGRESS, actor=officer, expected_version=loaded_version
        )
    assert Case.objects.get(pk=case.pk).status == Status.OPEN


def test_transfer_to_another_organisation_needs_a_reason(
    district, county, make_service, make_team, make_staff
):
    officer = make_staff(make_team(district))
    highways = make_team(county, "Highways")
    case = submit(make_service(district))
    with pytest.raises(CaseInvalid):
        case_transfer(case=case, team=highways, actor=officer, reason=" ")
    case = case_transfer(case=case, team=highways, actor=officer, reason="A highways matter")
    assert (case.team, case.organisation) == (highways, county)
    event = case.events.get(kind=EventKind.TRANSFERRED)
    assert event.body == "A highways matter" and event.data["organisation"] == "wessex"


def test_close_and_reopen(district, make_service, make_team, make_staff):
    officer = make_staff(make_team(district))
    case = submit(make_service(district))
    with pytest.raises(CaseInvalid):
        case_close(case=case, actor=officer, resolution="")
    case = case_close(case=case, actor=officer, resolution="Rubbish cleared")
    assert case.status == Status.FIXED and not case.is_open and case.closed_at is not None
    closed = case.events.get(kind=EventKind.CLOSED)
    assert closed.public and closed.body == "Rubbish cleared"
    with pytest.raises(CaseError):
        case_close(case=case, actor=officer, resolution="again", status=Status.OPEN)
    case = case_reopen(case=case, actor=None, reason="It is back")
    assert case.is_open and case.closed_at is None
    assert case.events.filter(kind=EventKind.REOPENED, public=True).count() == 1


def test_status_change_refuses_unknown_or_unchanged_status(
    district, make_service, make_team, make_staff
):
    officer = make_staff(make_team(district))
    case = submit(make_service(district))
    with pytest.raises(CaseInvalid):
        case_status_change(case=case, status="made-up", actor=officer)
    with pytest.raises(CaseInvalid):
        case_status_change(case=case, status=Status.OPEN, actor=officer)
    case = case_status_change(
        case=case, status=Status.IN_PROGRESS, actor=officer, public_message="On our list"
    )
    event = case.events.get(kind=EventKind.STATUS_CHANGED)
    assert event.public and event.data == {"previous": "open", "status": "in_progress"}


def test_internal_notes_are_private_and_public_updates_public(
    district, make_service, make_team, make_staff
):
    officer = make_staff(make_team(district))
    case = submit(make_service(district))
    note = case_note_add(case=case, actor=officer, body="Resident is known to us")
    update = case_public_update(case=case, actor=officer, body="A crew is booked for Tuesday")
    assert (note.kind, note.public) == (EventKind.INTERNAL_NOTE, False)
    assert (update.kind, update.public) == (EventKind.PUBLIC_UPDATE, True)
    with pytest.raises(CaseInvalid):
        case_note_add(case=case, actor=officer, body="   ")


def test_mark_duplicate_links_both_timelines(district, make_service, make_team, make_staff):
    officer = make_staff(make_team(district))
    service = make_service(district)
    original, copy = submit(service), submit(service)
    with pytest.raises(CaseInvalid):
        case_mark_duplicate(case=original, original=original, actor=officer)
    copy = case_mark_duplicate(case=copy, original=original, actor=officer)
    assert copy.status == Status.DUPLICATE and copy.duplicate_of == original and not copy.is_open
    assert copy.events.get(kind=EventKind.MARKED_DUPLICATE).data["original"] == original.reference
    assert original.events.filter(
        kind=EventKind.INTERNAL_NOTE, data__duplicate=copy.reference
    ).exists()
    with pytest.raises(CaseInvalid):
        case_mark_duplicate(case=original, original=copy, actor=officer)


def test_attachment_is_stored_with_its_digest(district, make_service, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = submit(make_service(district))
    # A file that is not a photo is stored as sent (photos: tests/cases/test_images.py).
    attachment = attachment_add(
        case=case, content=b"%PDF-1.4 fake", filename="Letter.PDF", actor=None, public=True
    )
    assert attachment.size == 13
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith(
        f"cases/{case.reference}/"
    ) and attachment.file.name.endswith(".pdf")
    assert (tmp_path / attachment.file.name).read_bytes() == b"%PDF-1.4 fake"
    assert case.events.filter(kind=EventKind.ATTACHMENT_ADDED).count() == 1
    with pytest.raises(CaseInvalid):
        attachment_add(case=case, content=b"", filename="empty.png", actor=None)


def test_case_events_are_append_only(district, make_service):
    case = submit(make_service(district))
    event = case.events.first()
    event.body = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_a_map_report_takes_the_street_of_the_nearest_address(
    district, make_service, make_property
):
    from borough.places.services import street_upsert

    street, _ = street_upsert(usrn="44001234", name="South Street", town="Dorchester")
    make_property(paon="3", street_name="South Street", usrn="44001234", lat=50.7150, lon=-2.4370)
    service = make_service(district, needs_location=True)
    near = submit(service, latitude=50.7151, longitude=-2.4371)
    assert near.street == street and near.property is None
    far = submit(service, latitude=50.7300, longitude=-2.4370)
    assert far.street is None


def test_priority_change_records_old_and_new(district, make_service, make_team, make_staff):
    from borough.cases.models import Priority
    from borough.cases.services import case_priority_change

    officer = make_staff(make_team(district))
    case = submit(make_service(district))
    with pytest.raises(CaseInvalid):
        case_priority_change(case=case, priority=99, actor=officer)
    case = case_priority_change(case=case, priority=Priority.URGENT, actor=officer)
    assert case.priority == Priority.URGENT
    event = case.events.get(kind=EventKind.PRIORITY_CHANGED)
    assert event.data == {"previous": Priority.NORMAL, "priority": Priority.URGENT}
    # The same priority again changes nothing and writes no event.
    case_priority_change(case=case, priority=Priority.URGENT, actor=officer)
    assert case.events.filter(kind=EventKind.PRIORITY_CHANGED).count() == 1


def test_follow_is_idempotent_and_unfollow_takes_only_the_token(district, make_service):
    from borough.cases.services import case_follow, case_unfollow

    case = submit(make_service(district))
    first = case_follow(case=case, email=" Neighbour@Example.com ")
    again = case_follow(case=case, email="neighbour@example.com")
    assert first.pk == again.pk and first.email == "neighbour@example.com"
    assert len(first.token) >= 40
    with pytest.raises(CaseInvalid):
        case_follow(case=case, email="")
    assert case_unfollow(token="not-a-token") is None
    assert case_unfollow(token=first.token).email == "neighbour@example.com"
    assert not case.followers.exists()
    assert case_unfollow(token=first.token) is None


def test_merging_a_duplicate_moves_its_followers_and_reporter_to_the_original(
    district, make_service, make_team, make_staff
):
    from borough.cases.services import case_follow

    officer = make_staff(make_team(district))
    service = make_service(district)
    original = submit(service, reporter_email="first@example.com")
    copy = submit(service, reporter_email="second@example.com")
    case_follow(case=copy, email="watcher@example.com")
    case_follow(case=copy, email="both@example.com")
    case_follow(case=original, email="both@example.com")
    case_mark_duplicate(case=copy, original=original, actor=officer)
    assert sorted(original.followers.values_list("email", flat=True)) == [
        "both@example.com",
        "second@example.com",
        "watcher@example.com",
    ]
    assert not copy.followers.exists()
