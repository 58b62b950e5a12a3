"""Which case events email whom, and what the emails say."""

from __future__ import annotations

from borough.cases.models import EventKind, Status
from borough.cases.services import (
    case_assign,
    case_close,
    case_follow,
    case_mark_duplicate,
    case_note_add,
    case_priority_change,
    case_public_update,
    case_reopen,
    case_status_change,
    case_transfer,
)
from borough.core.services import team_create
from borough.notify import services
from borough.notify.models import Notification, NotificationKind, NotificationStatus
from borough.notify.services import notifications_suppressed, when_text

FROM = "Casterbridge District Council <no-reply@borough.localhost>"


def plain(text):
    """Emails use typographic apostrophes (U+2019); tests are written with plain ones."""
    return text.replace("\u2019", "'")


def only(mailoutbox):
    assert len(mailoutbox) == 1, [m.to for m in mailoutbox]
    return mailoutbox[0]


def by_address(mailoutbox):
    addresses = [m.to[0] for m in mailoutbox]
    assert len(addresses) == len(set(addresses)), f"someone got two copies: {addresses}"
    return {m.to[0]: m for m in mailoutbox}


def test_a_new_report_is_acknowledged_to_the_reporter(world, report, committed, mailoutbox):
    with committed():
        case = report()
    email = only(mailoutbox)
    assert email.to == ["rita@example.com"]
    assert email.subject == f"Report received: {case.reference}"
    assert email.from_email == FROM
    assert email.reply_to == []
    assert f"Your reference number is {case.reference}." in email.body
    assert "We've received your report: Report fly-tipping." in plain(email.body)
    assert "We aim to deal with reports within 5 working days." in email.body
    assert "You're getting this email because you sent us" in plain(email.body)
    # The reporter is not a follower: no unsubscribe link or header.
    assert "unsubscribe" not in email.body.lower()
    assert "List-Unsubscribe" not in email.extra_headers
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "Casterbridge District Council" in html
    assert "background-color:#1d70b8" in html
    assert case.reference in html

    notification = Notification.objects.get()
    created = case.events.get(kind=EventKind.CREATED)
    assert notification.idempotency_key == f"{created.pk}:acknowledgement:rita@example.com"
    assert (notification.kind, notification.status, notification.attempts) == (
        NotificationKind.ACKNOWLEDGEMENT,
        NotificationStatus.SENT,
        1,
    )
    assert notification.sent_at is not None
    assert (notification.case, notification.event, notification.organisation) == (
        case,
        created,
        world.district,
    )


def test_replies_go_to_the_council_when_it_has_an_address(world, report, committed, mailoutbox):
    world.district.email = "customer.services@casterbridge.example"
    world.district.save(update_fields=["email"])
    with committed():
        report()
    assert only(mailoutbox).reply_to == ["customer.services@casterbridge.example"]


def test_a_signed_in_resident_is_acknowledged_at_their_account_address(
    world, report, make_resident, committed, mailoutbox
):
    resident = make_resident(email="sam@example.com", full_name="Sam Taylor")
    with committed():
        report(resident=resident, reporter_email="", reporter_name="")
    assert only(mailoutbox).to == ["sam@example.com"]
    assert Notification.objects.get().recipient_user == resident


def test_a_report_by_phone_without_an_email_address_sends_nothing(
    world, report, committed, mailoutbox
):
    with committed():
        report(
            channel="phone", reporter_email="", reporter_phone="07700 900123", staff=world.officer
        )
    assert mailoutbox == []
    assert Notification.objects.count() == 0


def test_the_acknowledgement_links_to_the_case_page_when_there_is_one(
    world, report, committed, mailoutbox, settings, monkeypatch
):
    settings.SITE_URL = "https://services.casterbridge.example/"
    # Any URL name that takes a reference stands in for the portal's public report page.
    monkeypatch.setattr(services, "CASE_URL_NAME", "backoffice:case")
    with committed():
        case = report()
    url = f"https://services.casterbridge.example/staff/cases/{case.reference}/"
    assert f"Check progress on your report:\n{url}\n" in only(mailoutbox).body
    assert f'href="{url}"' in only(mailoutbox).alternatives[0][0]


def test_without_a_case_page_the_acknowledgement_has_no_link(
    world, report, committed, mailoutbox, monkeypatch
):
    monkeypatch.setattr(services, "CASE_URL_NAME", "portal:no-such-page")
    with committed():
        report()
    assert "Check progress" not in only(mailoutbox).body


def test_a_private_case_has_no_public_link(world, report, make_service, committed, mailoutbox):
    private = make_service(world.district, name="Request a bin", default_team=world.team)
    with committed():
        report(service=private, answers={"kind": "small"})
    email = only(mailoutbox)
    assert email.subject.startswith("Report received: ")
    assert "Check progress" not in email.body
    assert "http" not in email.body


def test_a_public_update_emails_the_reporter_and_each_follower_exactly_once(
    world, report, committed, mailoutbox
):
    case = report()
    alice = case_follow(case=case, email="Alice@Example.com")
    bob = case_follow(case=case, email="bob@example.org")
    with committed():
        case_public_update(case=case, actor=world.officer, body="We will clear it on Tuesday.")
    emails = by_address(mailoutbox)
    assert sorted(emails) == ["alice@example.com", "bob@example.org", "rita@example.com"]
    for email in emails.values():
        assert email.subject == f"Update on {case.reference}"
        assert "We will clear it on Tuesday." in email.body
        assert email.from_email == FROM

    reporter = emails["rita@example.com"]
    assert f"There's an update on your report {case.reference}" in plain(reporter.body)
    # Update emails to the reporter carry a one-click unsubscribe link too (RFC 8058), with
    # a token of their own: the acknowledgement is a receipt, and has none.
    token = services.reporter_unsubscribe_token(case=case, email="rita@example.com")
    url = f"http://127.0.0.1:8000/unsubscribe/{token}/"
    assert reporter.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert reporter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop getting emails about {case.reference}: {url}" in reporter.body
    assert url in reporter.alternatives[0][0]

    for follower, address in ((alice, "alice@example.com"), (bob, "bob@example.org")):
        email = emails[address]
        url = f"http://127.0.0.1:8000/unsubscribe/{follower.token}/"
        assert email.extra_headers["List-Unsubscribe"] == f"<{url}>"
        assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert f"Stop getting these emails: {url}" in email.body
        assert url in email.alternatives[0][0]
    assert Notification.objects.filter(kind=NotificationKind.CASE_UPDATE).count() == 3


def test_unsubscribe_links_use_the_site_url(world, report, committed, mailoutbox, settings):
    settings.SITE_URL = "https://services.casterbridge.example"
    case = report()
    follower = case_follow(case=case, email="alice@example.com")
    with committed():
        case_public_update(case=case, actor=world.officer, body="Cleared.")
    email = by_address(mailoutbox)["alice@example.com"]
    assert email.extra_headers["List-Unsubscribe"] == (
        f"<https://services.casterbridge.example/unsubscribe/{follower.token}/>"
    )


def test_a_reporter_who_also_follows_gets_one_copy(world, report, committed, mailoutbox):
    case = report()
    case_follow(case=case, email="RITA@example.com")
    case_follow(case=case, email="alice@example.com")
    with committed():
        case_public_update(case=case, actor=world.officer, body="Cleared.")
    emails = by_address(mailoutbox)
    assert sorted(emails) == ["alice@example.com", "rita@example.com"]
    # The reporter's wording: they did not ask to follow, they sent the report.
    assert "You're getting this email because you sent us" in plain(emails["rita@example.com"].body)
    assert Notification.objects.filter(recipient_email="rita@example.com").count() == 2


def test_an_internal_note_emails_nobody(world, report, committed, mailoutbox):
    case = report()
    case_follow(case=case, email="alice@example.com")
    with committed():
        case_note_add(case=case, actor=world.officer, body="Reporter sounded cross on the phone")
        case_priority_change(case=case, priority=3, actor=world.officer)
        case_status_change(case=case, status=Status.INVESTIGATING, actor=world.officer)
    assert mailoutbox == []
    # Only the acknowledgement was ever written.
    assert list(Notification.objects.values_list("kind", flat=True)) == [
        NotificationKind.ACKNOWLEDGEMENT
    ]


def test_a_status_change_with_a_message_is_an_update(world, report, committed, mailoutbox):
    case = report()
    with committed():
        case_status_change(
            case=case,
            status=Status.ACTION_SCHEDULED,
            actor=world.officer,
            public_message="A crew is booked for Friday.",
        )
    email = only(mailoutbox)
    assert email.subject == f"Update on {case.reference}"
    assert "A crew is booked for Friday." in email.body
    assert "Status: Action scheduled" in email.body


def test_closing_and_reopening_tell_the_reporter_and_followers(
    world, report, committed, mailoutbox
):
    case = report()
    case_follow(case=case, email="alice@example.com")
    with committed():
        case = case_close(case=case, actor=world.officer, resolution="We took the rubbish away.")
    emails = by_address(mailoutbox)
    assert sorted(emails) == ["alice@example.com", "rita@example.com"]
    closed = emails["rita@example.com"]
    assert closed.subject == f"{case.reference} is closed"
    assert "Status: Fixed" in closed.body
    assert "We took the rubbish away." in closed.body

    mailoutbox.clear()
    with committed():
        case_reopen(case=case, actor=world.officer, reason="More bags appeared.")
    emails = by_address(mailoutbox)
    assert sorted(emails) == ["alice@example.com", "rita@example.com"]
    assert emails["alice@example.com"].subject == f"{case.reference} has been reopened"
    assert "More bags appeared." in emails["alice@example.com"].body


def test_a_duplicate_tells_its_reporter_and_then_they_hear_about_the_original(
    world, report, committed, mailoutbox
):
    original = report(reporter_email="first@example.com")
    duplicate = report(reporter_email="second@example.com")
    case_follow(case=duplicate, email="alice@example.com")
    with committed():
        case_mark_duplicate(case=duplicate, original=original, actor=world.officer)
    emails = by_address(mailoutbox)
    # The original's reporter hears nothing: the note on their case is internal.
    assert sorted(emails) == ["alice@example.com", "second@example.com"]
    email = emails["second@example.com"]
    assert email.subject == f"{duplicate.reference} is a duplicate of {original.reference}"
    assert f"We'll email you updates about {original.reference} instead." in plain(email.body)

    mailoutbox.clear()
    with committed():
        case_public_update(case=original, actor=world.officer, body="Cleared.")
    assert sorted(by_address(mailoutbox)) == [
        "alice@example.com",
        "first@example.com",
        "second@example.com",
    ]


def test_assigning_emails_the_assignee_unless_they_assigned_themselves(
    world, report, committed, mailoutbox
):
    case = report()
    with committed():
        case = case_assign(case=case, assignee=world.officer, actor=world.colleague)
    email = only(mailoutbox)
    assert email.to == ["officer@casterbridge.example"]
    assert email.subject == f"{case.reference} has been assigned to you"
    assert f"/staff/cases/{case.reference}/" in email.body
    assert f"Due: {when_text(case.sla_due_at)}" in email.body
    assert "rita@example.com" not in email.body  # no personal data in staff emails
    assert "unsubscribe" not in email.body.lower()
    notification = Notification.objects.get(kind=NotificationKind.ASSIGNED_TO_YOU)
    assert notification.recipient_user == world.officer

    mailoutbox.clear()
    with committed():
        case = case_assign(case=case, assignee=world.colleague, actor=world.colleague)
        case = case_assign(case=case, assignee=None, actor=world.colleague)
    assert mailoutbox == []
    assert Notification.objects.filter(kind=NotificationKind.ASSIGNED_TO_YOU).count() == 1


def test_a_transfer_emails_the_receiving_team_when_it_has_an_address(
    world, report, committed, mailoutbox
):
    enforcement = team_create(
        organisation=world.district,
        slug="enforcement",
        name="Enforcement",
        email="enforcement@casterbridge.example",
    )
    silent = team_create(organisation=world.district, slug="parks", name="Parks")
    case = report()
    with committed():
        case = case_transfer(
            case=case, team=enforcement, actor=world.officer, reason="Business waste"
        )
    email = only(mailoutbox)
    assert email.to == ["enforcement@casterbridge.example"]
    assert email.subject == f"{case.reference} has been transferred to Enforcement"
    assert "Reason: Business waste" in email.body

    mailoutbox.clear()
    with committed():
        case_transfer(case=case, team=silent, actor=world.officer, reason="It is in a park")
    assert mailoutbox == []


def test_an_inactive_organisation_sends_nothing(world, report, committed, mailoutbox):
    case = report()
    case_follow(case=case, email="alice@example.com")
    world.district.is_active = False
    world.district.save(update_fields=["is_active"])
    case.refresh_from_db()
    with committed():
        case_public_update(case=case, actor=world.officer, body="Cleared.")
    assert mailoutbox == []
    assert Notification.objects.filter(kind=NotificationKind.CASE_UPDATE).count() == 0


def test_update_text_is_escaped_in_html_and_kept_in_plain_text(
    world, report, committed, mailoutbox
):
    case = report()
    with committed():
        case_public_update(
            case=case, actor=world.officer, body='Fish & chips <script>alert("x")</script>'
        )
    email = only(mailoutbox)
    assert 'Fish & chips <script>alert("x")</script>' in email.body
    html = email.alternatives[0][0]
    assert "<script>" not in html
    assert "Fish &amp; chips &lt;script&gt;" in html


def test_suppressed_notifications_write_nothing(world, report, committed, mailoutbox):
    with notifications_suppressed(), committed():
        case = report()
        case_follow(case=case, email="alice@example.com")
        case_public_update(case=case, actor=world.officer, body="Cleared.")
        case_assign(case=case, assignee=world.officer, actor=world.colleague)
    assert mailoutbox == []
    assert Notification.objects.count() == 0
    # Outside the block they are written again.
    with committed():
        case_public_update(case=case, actor=world.officer, body="Cleared again.")
    assert sorted(by_address(mailoutbox)) == ["alice@example.com", "rita@example.com"]


def test_suppression_is_undone_after_an_error(world, report, committed, mailoutbox):
    try:
        with notifications_suppressed():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with committed():
        report()
    assert len(mailoutbox) == 1


def test_the_demo_history_is_built_with_notifications_suppressed(
    db, monkeypatch, district, make_service, make_staff, mailoutbox, committed
):
    from borough.demo import build

    made = []

    def fake_build(*, seed, now, stdout):
        team = team_create(organisation=district, slug="history", name="History")
        service = make_service(district, default_team=team)
        from borough.cases.services import Submission, case_create

        made.append(
            case_create(
                submission=Submission(
                    service=service,
                    channel="web",
                    answers={"kind": "small"},
                    reporter_email="history@example.com",
                )
            )
        )
        return None

    monkeypatch.setattr(build, "_build", fake_build)
    monkeypatch.setattr(build, "demo_exists", lambda: False)
    with committed():
        build.demo_build(seed=1)
    assert len(made) == 1
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_times_in_staff_emails_read_the_gov_uk_way_in_uk_time():
    from datetime import UTC, datetime

    assert when_text(datetime(2026, 11, 30, 9, 0, tzinfo=UTC)) == "30 November 2026 at 9am"
    assert when_text(datetime(2026, 6, 1, 16, 30, tzinfo=UTC)) == "1 June 2026 at 5:30pm"
    assert when_text(datetime(2026, 6, 1, 11, 5, tzinfo=UTC)) == "1 June 2026 at 12:05pm"
    # GOV.UK style: "midnight" and "midday", not 12am and 12pm.
    assert when_text(datetime(2026, 1, 1, 0, 0, tzinfo=UTC)) == "1 January 2026 at midnight"


def test_a_resident_who_chose_to_be_contacted_another_way_gets_no_update_emails(
    world, report, committed, mailoutbox, make_resident
):
    from borough.accounts.services import resident_profile_update

    resident = make_resident(email="morag@example.com")
    resident_profile_update(user=resident, phone="07700 900982", contact_preference="phone")
    with committed():
        case = report(resident=resident, reporter_email="morag@example.com")
    # The acknowledgement is the receipt for what they sent online: it still goes.
    assert [m.subject for m in mailoutbox] == [f"Report received: {case.reference}"]
    follower = case_follow(case=case, email="alice@example.com")
    mailoutbox.clear()
    with committed():
        case_public_update(case=case, actor=world.officer, body="We will clear it on Tuesday.")
        case_close(case=case, actor=world.officer, resolution="Cleared.")
    # Followers asked for email, and get it; the resident who chose the phone does not.
    assert sorted({m.to[0] for m in mailoutbox}) == [follower.email]

    # Choosing email again brings the emails back.
    resident_profile_update(user=resident, contact_preference="email")
    mailoutbox.clear()
    case.refresh_from_db()
    with committed():
        case_reopen(case=case, actor=world.officer, reason="It is back.")
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.com", "morag@example.com"]
