"""The garden waste pages: sign in first, the start page with the price rules, how many bins
(with its errors), check and pay with the test provider, the confirmation with the case
reference; a tampered price or bin count refused at the end, a double submit paying once, a
duplicate refused; renewal; cancellation with its refund; a subscription only its resident
can see or cancel; and the staff list of subscribers with its CSV export, authorised and
audited like the waste office."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import time_machine

from borough.cases.models import Case
from borough.core.models import AuditEntry
from borough.core.services import organisation_create
from borough.payments.models import Payment, Refund, TestCardPayment
from borough.waste.models import GardenStatus, GardenSubscription
from tests.conftest import DORCHESTER, square
from tests.waste.conftest import Garden, london
from tests.waste.test_garden import NOW, subscribed


@pytest.fixture(autouse=True)
def _test_provider(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "test"


@pytest.fixture(autouse=True)
def _travel() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def url(garden: Garden, rest: str = "") -> str:
    return f"/bins/{garden.waste.home.uprn}/garden/{rest}"


def text(response: Any) -> str:
    return response.content.decode()


def test_a_resident_must_sign_in_first(client, garden):
    for rest in ("", "subscribe/", "check/"):
        page = client.get(url(garden, rest))
        assert page.status_code == 200
        assert "You need to sign in to your account to do this" in text(page)
        assert "/sign-in/?next=" in text(page)
    assert not GardenSubscription.objects.exists()


def test_the_bin_days_page_links_to_garden_waste_where_it_is_set_up(client, garden, make_property):
    assert f'href="{url(garden)}"' in text(client.get(f"/bins/{garden.waste.home.uprn}/"))
    nowhere = make_property(paon="3", street_name="Nowhere Lane", postcode="DT1 9ZZ")
    page = client.get(f"/bins/{nowhere.uprn}/garden/")
    assert "We do not collect garden waste from this address" in text(page)
    assert client.get("/bins/999999999999/garden/").status_code == 404


def test_the_bin_days_page_has_no_garden_link_without_the_set_up(client, waste):
    assert "/garden/" not in text(client.get(f"/bins/{waste.home.uprn}/"))


def test_the_start_page_says_the_price_rules(client, garden, make_resident):
    client.force_login(make_resident())
    body = text(client.get(url(garden)))
    assert "Each bin costs £45 for the year 1 April 2026 to 31 March 2027." in body
    assert "You can have up to 3 bins." in body
    assert "on or after Thursday 1 October 2026, each bin costs £25" in body
    assert "If you cancel within 14 days of paying" in body
    assert f'href="{url(garden, "subscribe/")}"' in body


def test_the_whole_journey_subscribes_and_pays(client, garden, make_resident):
    resident = make_resident()
    client.force_login(resident)
    page = client.get(url(garden, "subscribe/"))
    assert "How many garden waste bins do you want emptied?" in text(page)
    assert "Each bin costs £45 for the year." in text(page)
    # No answer, and a number over the maximum, are errors.
    empty = client.post(url(garden, "subscribe/"), {})
    assert empty.status_code == 400
    assert "Select how many bins you want" in text(empty)
    assert "Error:" in text(empty)
    too_many = client.post(url(garden, "subscribe/"), {"bins": "4"})
    assert "Select how many bins you want, from 1 to 3" in text(too_many)
    assert client.post(url(garden, "subscribe/"), {"bins": "2"}).status_code == 302
    check = text(client.get(url(garden, "check/")))
    assert "Check your subscription before you pay" in check
    assert "Wednesday 6 May 2026 to Wednesday 31 March 2027" in check
    assert "2 bins at £45 each" in check
    assert '<dd class="govuk-summary-list__value" id="price">£90</dd>' in check
    assert not GardenSubscription.objects.exists()
    paying = client.post(url(garden, "check/"), {"price": "9000", "bins": "2"})
    assert paying.status_code == 302 and paying["Location"].startswith("/pay/test/")
    subscription = GardenSubscription.objects.get()
    assert subscription.status == GardenStatus.PENDING_PAYMENT
    payment = Payment.objects.get()
    TestCardPayment.objects.filter(provider_payment_id=payment.provider_payment_id).update(
        status="success"
    )
    back = client.get(f"/pay/return/{payment.return_token}/")
    assert back.status_code == 200
    done = client.get(payment.return_to)
    assert payment.return_to == url(garden, f"{subscription.pk}/")
    body = text(done)
    subscription.refresh_from_db()
    assert "Garden waste subscription confirmed" in body
    assert subscription.case is not None and subscription.case.reference in body
    # The journey is over: the start page lists the subscription and offers no new one.
    start = text(client.get(url(garden)))
    assert "2 bins, 6 May 2026 to 31 March 2027" in start
    assert "This address already has a garden waste subscription" in start
    assert client.get(url(garden, "subscribe/")).status_code == 400


def test_a_double_submit_of_check_answers_makes_one_subscription_and_one_payment(
    client, garden, make_resident
):
    client.force_login(make_resident())
    client.post(url(garden, "subscribe/"), {"bins": "1"})
    first = client.post(url(garden, "check/"), {"price": "4500", "bins": "1"})
    again = client.post(url(garden, "check/"), {"price": "4500", "bins": "1"})
    assert first.status_code == 302 and first["Location"].startswith("/pay/test/")
    assert again["Location"] == first["Location"]
    assert GardenSubscription.objects.count() == 1
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"price": "100", "bins": "2"}, "The price has changed to £90. Check your answers"),
        ({"price": "18000", "bins": "4"}, "Select how many bins you want, from 1 to 3"),
        ({"price": "lots", "bins": "2"}, "The price has changed to £90."),
    ],
)
def test_a_tampered_price_or_bin_count_is_refused_and_nothing_is_made(
    client, garden, make_resident, posted, message
):
    client.force_login(make_resident())
    client.post(url(garden, "subscribe/"), {"bins": "2"})
    page = client.post(url(garden, "check/"), posted)
    assert page.status_code == 400
    assert message in text(page)
    assert "There is a problem" in text(page)
    assert not GardenSubscription.objects.exists()
    assert not Payment.objects.exists()


def test_a_second_subscription_for_the_address_is_refused_with_a_clear_message(
    client, garden, make_resident
):
    subscribed(garden, make_resident())
    client.force_login(make_resident())
    page = client.get(url(garden, "subscribe/"))
    assert page.status_code == 400
    assert (
        "This address already has a garden waste subscription for 1 April 2026 to 31 March 2027"
    ) in text(page)
    assert GardenSubscription.objects.count() == 1


def test_a_declined_payment_says_the_subscription_was_not_made(client, garden, make_resident):
    client.force_login(make_resident())
    client.post(url(garden, "subscribe/"), {"bins": "1"})
    client.post(url(garden, "check/"), {"price": "4500", "bins": "1"})
    payment = Payment.objects.get()
    TestCardPayment.objects.filter(provider_payment_id=payment.provider_payment_id).update(
        status="failed", failure_code="P0010"
    )
    client.get(f"/pay/return/{payment.return_token}/")
    body = text(client.get(payment.return_to))
    assert "Your subscription was not made" in body
    assert not Case.objects.exists()
    # Starting again works.
    client.post(url(garden, "subscribe/"), {"bins": "1"})
    again = client.post(url(garden, "check/"), {"price": "4500", "bins": "1"})
    assert again["Location"].startswith("/pay/test/")
    assert Payment.objects.count() == 2


def test_renewal_pages(client, garden, make_resident, _travel):
    resident = make_resident()
    subscribed(garden, resident)
    client.force_login(resident)
    early = client.get(url(garden, "renew/"))
    assert early.status_code == 400
    assert "You can renew your subscription from Thursday 18 February 2027" in text(early)
    assert "You can renew for next year from Thursday 18 February 2027" in text(
        client.get(url(garden))
    )
    _travel.move_to(london(2027, 2, 20, 9, 0))
    # Months later: signed in again.
    client.force_login(resident)
    start = text(client.get(url(garden)))
    assert "You can renew your subscription now for 1 April 2027 to 31 March 2028." in start
    renew = text(client.get(url(garden, "renew/")))
    # The bins of the subscription it renews are chosen already.
    assert 'value="2" checked' in renew
    assert client.post(url(garden, "renew/"), {"bins": "2"}).status_code == 302
    check = text(client.get(url(garden, "check/")))
    assert "Renewal" in check
    assert "Thursday 1 April 2027 to Friday 31 March 2028" in check
    paying = client.post(url(garden, "check/"), {"price": "9000", "bins": "2"})
    assert paying["Location"].startswith("/pay/test/")
    renewal = GardenSubscription.objects.get(year=2027)
    assert renewal.renewal_of is not None
    # Someone else cannot renew it.
    client.force_login(make_resident())
    other = client.get(url(garden, "renew/"))
    assert "You do not have a garden waste subscription at this address to renew" in text(other)


def test_cancelling_on_the_page_refunds_within_14_days(client, garden, make_resident, _travel):
    resident = make_resident()
    subscription = subscribed(garden, resident)
    client.force_login(resident)
    page = text(client.get(url(garden, f"{subscription.pk}/cancel/")))
    assert "We will refund £90 to the card you paid with." in page
    done = client.post(url(garden, f"{subscription.pk}/cancel/"))
    assert done.status_code == 302
    body = text(client.get(done["Location"]))
    assert "Garden waste subscription cancelled" in body
    assert "We have refunded £90" in body
    assert Refund.objects.get().amount_pence == 9000
    again = client.post(url(garden, f"{subscription.pk}/cancel/"))
    assert again.status_code == 400
    assert "This subscription has been cancelled" in text(again)
    assert Refund.objects.count() == 1


def test_cancelling_after_14_days_says_there_is_no_refund(client, garden, make_resident, _travel):
    resident = make_resident()
    subscription = subscribed(garden, resident)
    _travel.move_to(london(2026, 6, 1, 9, 0))
    client.force_login(resident)
    page = text(client.get(url(garden, f"{subscription.pk}/cancel/")))
    assert "You will not get a refund, because it is more than 14 days since you paid." in page
    client.post(url(garden, f"{subscription.pk}/cancel/"))
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.CANCELLED
    assert not Refund.objects.exists()


def test_only_the_resident_sees_and_cancels_their_subscription(client, garden, make_resident):
    subscription = subscribed(garden, make_resident())
    client.force_login(make_resident())
    for rest in ("", "cancel/"):
        assert client.get(url(garden, f"{subscription.pk}/{rest}")).status_code == 404
    assert client.post(url(garden, f"{subscription.pk}/cancel/")).status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == GardenStatus.ACTIVE
    client.logout()
    assert client.get(url(garden, f"{subscription.pk}/")).status_code == 302


def test_staff_see_the_subscribers_and_export_them(
    client, garden, make_resident, make_staff, make_property
):
    first = subscribed(garden, make_resident())
    other_home = garden.waste.add_home(make_property, paon="=SUM(A1)", street_name="Acre Lane")
    second = subscribed(garden, make_resident(), prop=other_home, bins=1, price_pence=4500)
    officer = make_staff(garden.waste.team, role="caseworker")
    client.force_login(officer)
    assert "Garden waste subscribers" in text(client.get("/staff/waste/"))
    page = client.get("/staff/waste/garden/")
    assert page.status_code == 200
    body = text(page)
    assert "1 April 2026 to 31 March 2027" in body
    assert "2 subscribers, 3 bins" in body
    assert "1 High West Street, DT1 1UZ" in body
    assert first.case is not None and first.case.reference in body
    assert "Monday garden" in body
    assert AuditEntry.objects.filter(actor=officer, action="waste.garden_office_view").exists()
    export = client.get("/staff/waste/garden/", {"format": "csv", "year": "2026"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    assert "attachment;" in export["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:4] == ["uprn", "address", "postcode", "bins"]
    by_uprn = {row[0]: row for row in rows[1:]}
    assert set(by_uprn) == {first.property.uprn, second.property.uprn}
    assert by_uprn[first.property.uprn][3] == "2"
    assert by_uprn[first.property.uprn][9] == first.case.reference
    # A cell a spreadsheet would run as a formula is made text.
    assert by_uprn[second.property.uprn][1].startswith("'=SUM(A1)")
    export_audit = AuditEntry.objects.get(actor=officer, action="waste.garden_export")
    assert export_audit.detail == {"year": 2026, "count": 2}
    empty = text(client.get("/staff/waste/garden/", {"year": "2025"}))
    assert "No subscribers for this year." in empty


def test_the_admin_lists_subscriptions_and_they_are_read_only(client, garden, make_resident):
    from borough.accounts.models import User

    subscription = subscribed(garden, make_resident(email="robin@example.com"))
    client.force_login(User.objects.create_superuser("admin@example.org", "a long passphrase"))
    listing = text(client.get("/django-admin/waste/gardensubscription/?status__exact=active"))
    assert "1 High West Street, Dorchester, DT1 1UZ" in listing
    # The address, not the resident: no one's name or email address in the list.
    assert "robin@example.com" not in listing
    assert "Alex Resident" not in listing
    found = client.get(
        f"/django-admin/waste/gardensubscription/?q={subscription.payment_reference}"
    )
    assert "1 garden subscription" in text(found)
    nothing = client.get("/django-admin/waste/gardensubscription/?q=nothing")
    assert "0 garden subscriptions" in text(nothing)
    detail = client.get(f"/django-admin/waste/gardensubscription/{subscription.pk}/change/")
    assert detail.status_code == 200
    assert 'name="_save"' not in text(detail)
    assert client.get("/django-admin/waste/gardensubscription/add/").status_code == 403
    deleting = client.post(f"/django-admin/waste/gardensubscription/{subscription.pk}/delete/")
    assert deleting.status_code == 403
    assert GardenSubscription.objects.get().status == GardenStatus.ACTIVE


def test_the_staff_list_is_refused_to_others(client, garden, make_staff, make_team, make_resident):
    subscribed(garden, make_resident())
    other = organisation_create(
        slug="elsewhere",
        name="Elsewhere",
        kind="district",
        reference_prefix="ELS",
        boundary=square(*DORCHESTER, 0.01),
    )
    for user in (
        make_staff(make_team(other), role="caseworker"),
        make_staff(garden.waste.team, role="contractor"),
        make_resident(),
    ):
        client.force_login(user)
        assert client.get("/staff/waste/garden/").status_code == 403
        assert client.get("/staff/waste/garden/", {"format": "csv"}).status_code == 403
    client.logout()
    assert client.get("/staff/waste/garden/").status_code == 302
    assert not AuditEntry.objects.filter(action__startswith="waste.garden_").exists()
