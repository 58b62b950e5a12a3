"""A case past its target time: its team leaders and its assignee are emailed, once per
breach, and the resident never is. A case due soon: its assignee (or, unassigned, its
team's mailbox) is warned, once per due time."""

from __future__ import annotations

from datetime import timedelta

from borough.accounts.services import staff_membership_add
from borough.cases.models import EventKind
from borough.cases.services import case_assign, case_sla_escalate, case_sla_warn
from borough.cases.sla import sla_check_run
from borough.notify.models import Notification, NotificationKind, NotificationStatus
from borough.notify.services import notifications_for_event, when_text


def by_address(mailoutbox):
    addresses = [m.to[0] for m in mailoutbox]
    assert len(addresses) == len(set(addresses)), f"someone got two copies: {addresses}"
    return {m.to[0]: m for m in mailoutbox}


def test_a_breach_emails_the_team_leaders_and_the_assignee_not_the_resident(
    world, report, committed, mailoutbox
):
    case = report()
    case = case_assign(case=case, assignee=world.officer, actor=world.colleague)
    due = case.sla_due_at
    with committed():
        event = case_sla_escalate(case=case, now=due + timedelta(hours=1))
    assert event is not None and event.kind == EventKind.SLA_BREACHED

    emails = by_address(mailoutbox)
    # The acknowledgement and the assignment were never committed, so only the breach went.
    assert sorted(emails) == ["leader@casterbridge.example", "officer@casterbridge.example"]
    assert "rita@example.com" not in emails
    leader, officer = emails["leader@casterbridge.example"], emails["officer@casterbridge.example"]
    assert leader.subject == officer.subject == f"{case.reference} is past its target time"
    assert f"It was due by {when_text(due)}." in leader.body
    assert "Team: Street cleansing" in leader.body
    assert "It is assigned to Sam Officer." in leader.body
    assert "It is assigned to you." in officer.body
    assert f"/staff/cases/{case.reference}/" in officer.body
    # Staff emails carry no personal details of the resident.
    assert "rita" not in leader.body.lower() and "Rita" not in leader.alternatives[0][0]

    rows = Notification.objects.filter(kind=NotificationKind.SLA_BREACHED)
    assert {(n.recipient_email, n.recipient_user, n.event_id, n.status) for n in rows} == {
        ("leader@casterbridge.example", world.colleague, event.pk, NotificationStatus.SENT),
        ("officer@casterbridge.example", world.officer, event.pk, NotificationStatus.SENT),
    }


def test_each_breach_is_emailed_exactly_once(world, report, committed, mailoutbox):
    case = report()
    later = case.sla_due_at + timedelta(hours=2)
    with committed():
        assert sla_check_run(now=later).escalated == [case.reference]
    assert [m.to for m in mailoutbox] == [["leader@casterbridge.example"]]
    with committed():
        # The check again, and the same event fanned out again: nothing new.
        assert sla_check_run(now=later + timedelta(minutes=5)).escalated == []
        event = case.events.get(kind=EventKind.SLA_BREACHED)
        assert notifications_for_event(event) == []
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(kind=NotificationKind.SLA_BREACHED).count() == 1
    assert Notification.objects.get(kind=NotificationKind.SLA_BREACHED).idempotency_key == (
        f"{event.pk}:sla_breached:leader@casterbridge.example"
    )


def test_an_unassigned_case_emails_only_the_team_leaders(world, report, committed, mailoutbox):
    case = report()
    with committed():
        case_sla_escalate(case=case, now=case.sla_due_at + timedelta(minutes=1))
    (email,) = [m for m in mailoutbox if m.subject.endswith("past its target time")]
    assert email.to == ["leader@casterbridge.example"]
    assert "Nobody is assigned to it." in email.body


def test_a_team_leader_who_is_the_assignee_gets_one_email(world, report, committed, mailoutbox):
    case = report()
    case = case_assign(case=case, assignee=world.colleague, actor=world.officer)
    with committed():
        case_sla_escalate(case=case, now=case.sla_due_at + timedelta(minutes=1))
    emails = by_address(mailoutbox)
    assert list(emails) == ["leader@casterbridge.example"]
    assert "It is assigned to you." in emails["leader@casterbridge.example"].body


def test_inactive_staff_are_not_emailed(world, report, committed, mailoutbox, make_staff):
    second = make_staff(world.team, "team_leader", email="second@casterbridge.example")
    case = report()
    case = case_assign(case=case, assignee=world.officer, actor=world.colleague)
    world.officer.is_active = False
    world.officer.save(update_fields=["is_active"])
    with committed():
        case_sla_escalate(case=case, now=case.sla_due_at + timedelta(minutes=1))
    assert sorted(by_address(mailoutbox)) == [
        "leader@casterbridge.example",
        second.email,
    ]


def test_team_leaders_of_other_teams_are_not_emailed(
    world, report, committed, mailoutbox, make_team, make_staff
):
    other = make_team(world.district, "Enforcement")
    boss = make_staff(other, "team_leader", email="boss@casterbridge.example")
    staff_membership_add(user=boss, team=world.team, role="caseworker")
    case = report()
    with committed():
        case_sla_escalate(case=case, now=case.sla_due_at + timedelta(minutes=1))
    assert list(by_address(mailoutbox)) == ["leader@casterbridge.example"]


def test_a_due_soon_warning_emails_the_assignee_once(world, report, committed, mailoutbox):
    case = report()
    case = case_assign(case=case, assignee=world.officer, actor=world.colleague)
    due = case.sla_due_at
    with committed():
        event = case_sla_warn(case=case, now=due - timedelta(hours=2))
        assert case_sla_warn(case=case, now=due - timedelta(hours=1)) is None
    assert event is not None

    emails = by_address(mailoutbox)
    assert list(emails) == ["officer@casterbridge.example"]
    email = emails["officer@casterbridge.example"]
    assert email.subject == f"{case.reference} is due soon"
    assert f"by {when_text(due)}" in email.body and "It is assigned to you." in email.body
    assert "rita" not in email.body.lower()
    with committed():
        notifications_for_event(event)
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(event=event, kind=NotificationKind.SLA_DUE_SOON).count() == 1


def test_an_unassigned_case_due_soon_warns_its_teams_mailbox_or_nobody(
    world, report, committed, mailoutbox
):
    case = report()
    with committed():
        assert case_sla_warn(case=case, now=case.sla_due_at - timedelta(hours=2)) is not None
    # The team has no shared mailbox: nobody to tell, and nothing written.
    assert mailoutbox == []
    assert not Notification.objects.filter(kind=NotificationKind.SLA_DUE_SOON).exists()

    case.team.email = "street.cleansing@casterbridge.example"
    case.team.save()
    other = report()
    with committed():
        assert case_sla_warn(case=other, now=other.sla_due_at - timedelta(hours=2)) is not None
    assert [m.to for m in mailoutbox] == [["street.cleansing@casterbridge.example"]]
    assert "Nobody is assigned to it yet." in mailoutbox[0].body
