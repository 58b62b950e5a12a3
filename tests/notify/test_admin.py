"""The notifications admin: read-only, filtered by status, with a Retry action."""

from __future__ import annotations

import pytest

from borough.accounts.models import User
from borough.notify.models import Notification, NotificationStatus
from tests.notify.test_delivery import FAILING


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser("admin@example.org", "correct horse battery staple")
    client.force_login(user)
    return client


def test_the_list_filters_by_status_and_pages_are_read_only(world, report, committed, admin_client):
    with committed():
        case = report()
    notification = Notification.objects.get()
    listing = admin_client.get("/django-admin/notify/notification/?status__exact=sent")
    assert listing.status_code == 200
    assert "rita@example.com" in listing.content.decode()
    assert (
        "rita@example.com"
        not in admin_client.get(
            "/django-admin/notify/notification/?status__exact=failed"
        ).content.decode()
    )
    detail = admin_client.get(f"/django-admin/notify/notification/{notification.pk}/change/")
    assert detail.status_code == 200
    assert f"Report received: {case.reference}" in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    assert admin_client.get("/django-admin/notify/notification/add/").status_code == 403
    assert (
        admin_client.post(
            f"/django-admin/notify/notification/{notification.pk}/delete/"
        ).status_code
        == 403
    )
    assert Notification.objects.count() == 1


def test_retry_sends_failed_notifications_and_leaves_the_others(
    world, report, committed, admin_client, mailoutbox, settings
):
    with committed():
        report(reporter_email="sent@example.com")
    settings.EMAIL_BACKEND = FAILING
    with committed():
        report(reporter_email="failed@example.com")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert [m.to for m in mailoutbox] == [["sent@example.com"]]

    with committed():
        response = admin_client.post(
            "/django-admin/notify/notification/",
            {
                "action": "retry",
                "_selected_action": [
                    str(pk) for pk in Notification.objects.values_list("pk", flat=True)
                ],
            },
            follow=True,
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 notification will be sent again." in html
    assert "1 notification was not retried because only failed ones can be." in html
    assert [m.to for m in mailoutbox] == [["sent@example.com"], ["failed@example.com"]]
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
