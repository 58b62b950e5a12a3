"""The one-click unsubscribe page: GET asks, POST (with or without a CSRF token) does it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from borough.cases.models import CaseFollower
from borough.cases.services import case_follow, case_public_update

FORM = "application/x-www-form-urlencoded"


def words(response) -> str:
    """The page's text: tags removed, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()).replace(" ?", "?")


@pytest.fixture
def csrf_client() -> Client:
    """A client that, like a browser, is held to CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def followed(world, report):
    case = report()
    follower = case_follow(case=case, email="alice@example.com")
    return case, follower


def test_get_asks_and_unsubscribes_nobody(world, followed, csrf_client):
    case, follower = followed
    world.district.brand_colour = "#005a30"
    world.district.save(update_fields=["brand_colour"])
    response = csrf_client.get(f"/unsubscribe/{follower.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Stop getting updates about {case.reference}?" in words(response)
    assert '<form method="post"' in html
    assert "Stop getting updates</button>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "--borough-brand: #005a30" in html  # the council's colour
    assert response["X-Robots-Tag"] == "noindex"
    # Link checkers and prefetchers only GET: the follower is still there.
    assert CaseFollower.objects.filter(pk=follower.pk).exists()
    assert csrf_client.head(f"/unsubscribe/{follower.token}/").status_code == 200
    assert CaseFollower.objects.filter(pk=follower.pk).exists()


def test_the_button_unsubscribes_and_later_updates_are_not_sent(
    world, followed, csrf_client, committed, mailoutbox
):
    case, follower = followed
    page = csrf_client.get(f"/unsubscribe/{follower.token}/")
    token = page.cookies["csrftoken"].value
    response = csrf_client.post(f"/unsubscribe/{follower.token}/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert f"You will not get any more emails about {case.reference}" in words(response)
    assert not CaseFollower.objects.filter(pk=follower.pk).exists()

    with committed():
        case_public_update(case=case, actor=world.officer, body="Cleared.")
    assert [m.to for m in mailoutbox] == [["rita@example.com"]]


def test_a_one_click_post_from_a_mail_client_needs_no_csrf_token(followed, csrf_client):
    case, follower = followed
    response = csrf_client.post(
        f"/unsubscribe/{follower.token}/",
        data="List-Unsubscribe=One-Click",
        content_type=FORM,
    )
    assert response.status_code == 200
    assert f"You will not get any more emails about {case.reference}" in words(response)
    assert not CaseFollower.objects.filter(pk=follower.pk).exists()


def test_the_link_in_an_email_still_names_the_case_after_unsubscribing(
    world, followed, csrf_client
):
    case, follower = followed
    # The follower has the link because an update was emailed to them.
    case_public_update(case=case, actor=world.officer, body="Cleared.")
    url = f"/unsubscribe/{follower.token}/"
    one_click = {"data": "List-Unsubscribe=One-Click", "content_type": FORM}
    csrf_client.post(url, **one_click)
    again = csrf_client.post(url, **one_click)
    assert again.status_code == 200
    assert f"You will not get any more emails about {case.reference}" in words(again)
    assert f"Stop getting updates about {case.reference}?" in words(csrf_client.get(url))


def test_an_unknown_token_reveals_nothing_and_changes_nothing(
    followed, county, csrf_client, settings
):
    case, follower = followed
    # The deployment's own brand is the county's, so the district's would be a give-away.
    settings.BOROUGH_DEFAULT_ORGANISATION = "wessex"
    url = "/unsubscribe/not-a-real-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
    page = csrf_client.get(url)
    assert page.status_code == 200
    assert "Stop getting updates about this case?" in words(page)
    response = csrf_client.post(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "You will not get any more emails about this case" in words(response)
    assert case.reference not in html
    assert 'data-brand="wessex"' in html
    assert case.organisation.slug not in html
    assert CaseFollower.objects.filter(pk=follower.pk).exists()

    too_long = csrf_client.post(f"/unsubscribe/{'a' * 300}/")
    assert too_long.status_code == 200
    assert CaseFollower.objects.count() == 1


def test_other_methods_are_refused(followed, csrf_client):
    _, follower = followed
    assert csrf_client.put(f"/unsubscribe/{follower.token}/").status_code == 405
    assert CaseFollower.objects.filter(pk=follower.pk).exists()


def test_other_pages_still_need_a_csrf_token(world, csrf_client):
    # The exemption is for this view only.
    response = csrf_client.post("/staff/sign-in/", {"email": "a@example.com", "password": "x"})
    assert response.status_code == 403


def test_a_reporter_unsubscribes_in_one_click_from_an_update_email(
    world, report, csrf_client, committed, mailoutbox
):
    from borough.notify.models import Notification, NotificationStatus, ReporterOptOut
    from borough.notify.services import reporter_unsubscribe_token

    case = report()
    case_follow(case=case, email="alice@example.com")
    with committed():
        case_public_update(case=case, actor=world.officer, body="We will clear it on Tuesday.")
    token = reporter_unsubscribe_token(case=case, email="rita@example.com")
    (ritas,) = [m for m in mailoutbox if m.to == ["rita@example.com"]]
    assert ritas.extra_headers["List-Unsubscribe"] == (
        f"<http://127.0.0.1:8000/unsubscribe/{token}/>"
    )
    url = f"/unsubscribe/{token}/"
    # GET asks and changes nothing.
    assert f"Stop getting updates about {case.reference}?" in words(csrf_client.get(url))
    assert not ReporterOptOut.objects.exists()
    # A mail client's one-click POST, with no CSRF token.
    response = csrf_client.post(url, data="List-Unsubscribe=One-Click", content_type=FORM)
    assert response.status_code == 200
    assert f"You will not get any more emails about {case.reference}" in words(response)
    assert ReporterOptOut.objects.get().email == "rita@example.com"
    csrf_client.post(url, data="List-Unsubscribe=One-Click", content_type=FORM)
    assert ReporterOptOut.objects.count() == 1

    # An update written before they unsubscribed, not sent yet, is never sent to them.
    pending = Notification.objects.filter(recipient_email="rita@example.com").first()
    Notification.objects.filter(pk=pending.pk).update(status=NotificationStatus.PENDING)
    mailoutbox.clear()
    with committed():
        case_public_update(case=case, actor=world.officer, body="Cleared.")
    # The follower still hears; the reporter does not.
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]
    from borough.notify.services import notification_deliver

    assert notification_deliver(notification_id=pending.pk) == "cancelled"
    # Another case of theirs still emails them.
    mailoutbox.clear()
    other = report()
    with committed():
        case_public_update(case=other, actor=world.officer, body="On its way.")
    assert [m.to for m in mailoutbox] == [["rita@example.com"]]


def test_a_made_up_reporter_token_changes_nothing(world, report, csrf_client, committed):
    from borough.notify.models import ReporterOptOut

    case = report()
    with committed():
        case_public_update(case=case, actor=world.officer, body="Cleared.")
    response = csrf_client.post(
        "/unsubscribe/r.0000000000000000000000000000000000000000/",
        data="List-Unsubscribe=One-Click",
        content_type=FORM,
    )
    assert response.status_code == 200
    assert not ReporterOptOut.objects.exists()
