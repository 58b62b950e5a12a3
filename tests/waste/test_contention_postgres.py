"""Contention on PostgreSQL: real threads, each with its own database connection, lined up
behind a barrier so that their attempts race. Residents racing for the last bulky places on a
round's day book exactly the places there are; two subscriptions to garden waste for the same
address and year make one; two requests for the same container make one; a double submit gives
back the one thing it made; and a payment confirmed at the same moment by the resident's
return, GOV.UK Pay's webhook and the reconciler is handled once: one confirmation, one case,
one email.

These need a database server that the threads can share: the in-memory SQLite of the tests
refuses a second writer outright instead of waiting for the lock, as PostgreSQL does. Run them
with `scripts/with-postgres .venv/bin/pytest tests/waste/test_contention_postgres.py`."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection

from borough.cases.models import Case
from borough.notify.models import Notification
from borough.payments.models import Payment, PaymentEvent, PaymentEventKind, PaymentStatus
from borough.payments.services import (
    WebhookOutcome,
    payment_reconcile,
    payment_return,
    payment_start,
    payment_webhook_receive,
)
from borough.waste.models import (
    BookingStatus,
    BulkyBooking,
    BulkyDay,
    ContainerRequest,
    ContainerRequestStatus,
    GardenStatus,
    GardenSubscription,
)
from borough.waste.services import (
    GardenKind,
    WasteError,
    WasteErrorCode,
    bulky_booking_create,
    bulky_booking_payment,
    container_request_create,
    container_request_payment,
    garden_subscription_create,
    garden_subscription_payment,
)
from tests.payments.govuk_pay_stub import GovukPayStub
from tests.waste.conftest import Bulky, Garden, Waste, bulky_build, garden_build, london

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: threads racing for row locks need a database server they "
        "can share (the in-memory SQLite of the tests refuses a second writer outright)",
    ),
]

# A Wednesday: the next Monday bulky collection is on 11 May 2026, and the garden waste
# year is 1 April 2026 to 31 March 2027 (at the full price, £45 a bin).
NOW = london(2026, 5, 6, 10, 0)
MONDAY = date(2026, 5, 11)
RACERS = 6


@pytest.fixture(autouse=True)
def _travel() -> Iterator[None]:
    # Time stands still for every thread (time_machine patches the clock process-wide).
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def test_provider(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "test"


@pytest.fixture
def govuk_pay(settings: Any) -> Iterator[GovukPayStub]:
    stub = GovukPayStub().start()
    settings.PAYMENT_PROVIDER = "govuk_pay"
    settings.GOVUK_PAY_BASE_URL = stub.url
    settings.GOVUK_PAY_API_KEY = stub.api_key
    settings.GOVUK_PAY_WEBHOOK_SECRET = stub.webhook_secret
    settings.SITE_URL = "https://council.example"
    yield stub
    stub.stop()


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run each call in its own thread, all let go at once; what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call()
        except BaseException as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (a deadlock?)"
    unexpected = [o for o in outcomes if isinstance(o, BaseException | type(None))]
    unexpected = [o for o in unexpected if not isinstance(o, WasteError)]
    assert not unexpected, unexpected
    return outcomes


def key() -> str:
    return f"contention-{uuid.uuid4().hex}"


def book(bulky: Bulky, resident: Any, *, prop: Any = None, idempotency_key: str = "") -> Any:
    return bulky_booking_create(
        prop=prop or bulky.waste.home,
        resident=resident,
        quantities={"sofa": 1, "fridge": 1},
        day=MONDAY,
        placement="front_garden",
        notes="",
        price_pence=3600,
        idempotency_key=idempotency_key or key(),
    )


def homes(waste: Waste, make_property: Any, count: int) -> list[Any]:
    return [
        waste.add_home(make_property, paon=str(20 + n), street_name="Icen Way", postcode="DT1 1EW")
        for n in range(count)
    ]


def refusals(outcomes: list[Any]) -> list[WasteError]:
    return [o for o in outcomes if isinstance(o, WasteError)]


# -- Bulky waste: capacity per round per day ----------------------------------------------------


def test_residents_racing_for_the_last_place_on_a_day_book_it_once(
    waste, make_resident, make_property, test_provider
):
    bulky = bulky_build(waste, capacity=2)
    first = book(bulky, make_resident())
    racers = [(make_resident(), home) for home in homes(waste, make_property, RACERS)]

    outcomes = race(*[partial(book, bulky, resident, prop=home) for resident, home in racers])

    won = [o for o in outcomes if isinstance(o, BulkyBooking)]
    refused = refusals(outcomes)
    assert len(won) == 1
    assert len(refused) == RACERS - 1
    assert {(e.code, e.field, e.message) for e in refused} == {
        (
            WasteErrorCode.NOT_ALLOWED,
            "date",
            "Monday 11 May 2026 is now fully booked. Choose another day.",
        )
    }
    # Exactly the capacity holds places, and a refused attempt left nothing behind.
    assert sorted(BulkyBooking.objects.values_list("pk", flat=True)) == sorted(
        [first.pk, won[0].pk]
    )
    assert set(BulkyBooking.objects.values_list("status", flat=True)) == {
        BookingStatus.PENDING_PAYMENT
    }
    assert BulkyDay.objects.filter(round=bulky.round, date=MONDAY).count() == 1
    assert not Case.objects.exists()
    assert not Payment.objects.exists()


def test_the_first_bookings_of_a_day_racing_to_open_it_take_its_capacity_and_no_more(
    waste, make_resident, make_property, test_provider
):
    """No row for the day yet: the racers make it (one of them) and then queue on its lock."""
    bulky = bulky_build(waste, capacity=2)
    assert not BulkyDay.objects.exists()
    racers = [(make_resident(), home) for home in homes(waste, make_property, RACERS)]

    outcomes = race(*[partial(book, bulky, resident, prop=home) for resident, home in racers])

    assert len([o for o in outcomes if isinstance(o, BulkyBooking)]) == 2
    assert len(refusals(outcomes)) == RACERS - 2
    assert BulkyBooking.objects.filter(date=MONDAY).count() == 2
    assert BulkyDay.objects.filter(round=bulky.round, date=MONDAY).count() == 1


def test_a_double_submit_for_the_last_place_gives_back_the_one_booking(
    waste, make_resident, make_property, test_provider
):
    """The same check answers page sent twice at once (the same idempotency key): both
    requests answer with the booking, and the second is not told the day is now full."""
    bulky = bulky_build(waste, capacity=2)
    book(bulky, make_resident(), prop=homes(waste, make_property, 1)[0])
    resident = make_resident()
    same = key()

    outcomes = race(*[partial(book, bulky, resident, idempotency_key=same)] * RACERS)

    assert all(isinstance(o, BulkyBooking) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert BulkyBooking.objects.filter(resident=resident).count() == 1
    assert BulkyBooking.objects.count() == 2


# -- Garden waste: one subscription per property per year -----------------------------------------


def subscribe(garden: Garden, resident: Any, *, idempotency_key: str = "") -> Any:
    return garden_subscription_create(
        prop=garden.waste.home,
        resident=resident,
        kind=GardenKind.NEW,
        bins=1,
        price_pence=4500,
        idempotency_key=idempotency_key or key(),
    )


def test_two_subscriptions_for_the_same_address_and_year_at_once_make_one(
    waste, make_resident, test_provider
):
    garden = garden_build(waste)
    residents = [make_resident() for _ in range(RACERS)]

    outcomes = race(*[partial(subscribe, garden, resident) for resident in residents])

    won = [o for o in outcomes if isinstance(o, GardenSubscription)]
    refused = refusals(outcomes)
    assert len(won) == 1
    assert len(refused) == RACERS - 1
    assert {(e.code, e.message) for e in refused} == {
        (
            WasteErrorCode.DUPLICATE,
            "A garden waste subscription for this address is waiting for payment. Try again "
            "in 2 hours.",
        )
    }
    assert list(GardenSubscription.objects.values_list("pk", "status", "year")) == [
        (won[0].pk, GardenStatus.PENDING_PAYMENT, 2026)
    ]
    assert not Case.objects.exists()


def test_a_double_submit_of_a_garden_subscription_gives_back_the_one_subscription(
    waste, make_resident, test_provider
):
    garden = garden_build(waste)
    resident = make_resident()
    same = key()

    outcomes = race(*[partial(subscribe, garden, resident, idempotency_key=same)] * RACERS)

    assert all(isinstance(o, GardenSubscription) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert GardenSubscription.objects.count() == 1


# -- Container requests: one open request per container type ------------------------------------


def request(waste: Waste, resident: Any, code: str, reason: str = "missing") -> Any:
    return container_request_create(
        prop=waste.home,
        container_type=waste.types[code],
        reason=reason,
        quantity=1,
        channel="web",
        resident=resident,
    )


def test_two_requests_for_a_free_container_at_once_make_one_request_and_one_case(
    waste, make_resident, test_provider
):
    residents = [make_resident() for _ in range(RACERS)]

    outcomes = race(*[partial(request, waste, r, "food-caddy") for r in residents])

    won = [o for o in outcomes if isinstance(o, ContainerRequest)]
    refused = refusals(outcomes)
    assert len(won) == 1
    assert {(e.code, e.message) for e in refused} == {
        (WasteErrorCode.DUPLICATE, "A food waste caddy has already been requested for this address")
    }
    assert len(refused) == RACERS - 1
    assert list(ContainerRequest.objects.values_list("pk", "status")) == [
        (won[0].pk, ContainerRequestStatus.CONFIRMED)
    ]
    assert Case.objects.count() == 1


def test_two_residents_requesting_a_paid_container_at_once_leave_one_to_pay_for(
    waste, make_resident, test_provider
):
    """Two requests waiting for payment could both be paid, and the second fee kept for a
    refund: only one may wait for payment."""
    residents = [make_resident() for _ in range(RACERS)]

    outcomes = race(*[partial(request, waste, r, "rubbish-bin") for r in residents])

    won = [o for o in outcomes if isinstance(o, ContainerRequest)]
    refused = refusals(outcomes)
    assert len(won) == 1
    assert {(e.code, e.message) for e in refused} == {
        (
            WasteErrorCode.DUPLICATE,
            "A rubbish bin for this address is waiting for payment. Try again in 2 hours.",
        )
    }
    assert list(ContainerRequest.objects.values_list("pk", "status")) == [
        (won[0].pk, ContainerRequestStatus.PENDING_PAYMENT)
    ]
    assert not Case.objects.exists()


def test_a_double_submit_of_a_paid_container_request_gives_back_the_one_request(
    waste, make_resident, test_provider
):
    resident = make_resident()

    outcomes = race(*[partial(request, waste, resident, "rubbish-bin")] * RACERS)

    assert all(isinstance(o, ContainerRequest) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert ContainerRequest.objects.count() == 1


# -- Payments: never taken twice, confirmed once ------------------------------------------------


def _bulky_thing(waste: Waste, resident: Any) -> tuple[Any, Callable[[Any], Payment]]:
    return book(bulky_build(waste), resident), lambda b: bulky_booking_payment(booking=b)


def _garden_thing(waste: Waste, resident: Any) -> tuple[Any, Callable[[Any], Payment]]:
    subscription = subscribe(garden_build(waste), resident)
    return subscription, lambda s: garden_subscription_payment(subscription=s)


def _container_thing(waste: Waste, resident: Any) -> tuple[Any, Callable[[Any], Payment]]:
    return request(waste, resident, "rubbish-bin"), lambda r: container_request_payment(request=r)


THINGS = {
    "bulky booking": (_bulky_thing, BookingStatus.CONFIRMED, 3600),
    "garden subscription": (_garden_thing, GardenStatus.ACTIVE, 4500),
    "container request": (_container_thing, ContainerRequestStatus.CONFIRMED, 2500),
}


@pytest.mark.parametrize("kind", list(THINGS))
def test_pay_pressed_twice_at_once_makes_one_payment_at_govuk_pay(
    waste, make_resident, govuk_pay, kind
):
    make, _status, amount = THINGS[kind]
    thing, payment_for = make(waste, make_resident())

    def pay_pressed() -> tuple[int, str]:
        payment = payment_for(thing)
        return payment.pk, payment_start(payment=payment)

    outcomes = race(pay_pressed, pay_pressed, pay_pressed)

    payment = Payment.objects.get()
    assert payment.amount_pence == amount
    assert set(outcomes) == {(payment.pk, payment.next_url)}
    assert len(govuk_pay.payments) == 1
    assert {
        c.headers.get("Idempotency-Key") for c in govuk_pay.api_calls("POST", "/v1/payments")
    } == {payment.idempotency_key}


@pytest.mark.parametrize("kind", list(THINGS))
def test_a_payment_confirmed_by_the_return_the_webhook_and_the_reconciler_at_once_is_handled_once(
    waste, make_resident, govuk_pay, mailoutbox, kind
):
    make, confirmed, amount = THINGS[kind]
    resident = make_resident()
    thing, payment_for = make(waste, resident)
    payment = payment_for(thing)
    payment_start(payment=payment)
    govuk_pay.finish(payment.provider_payment_id, "success")
    body = govuk_pay.webhook_body(
        event_type="card_payment_succeeded", payment_id=payment.provider_payment_id
    )
    mailoutbox.clear()

    outcomes = race(
        partial(payment_return, token=payment.return_token),
        partial(payment_return, token=payment.return_token),
        partial(
            payment_webhook_receive,
            body=body,
            signature=govuk_pay.sign(body),
            secret=govuk_pay.webhook_secret,
        ),
        partial(payment_reconcile, now=NOW + timedelta(minutes=10)),
    )

    assert outcomes[2] == WebhookOutcome.PROCESSED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCESS
    events = PaymentEvent.objects.filter(payment=payment)
    assert events.filter(kind=PaymentEventKind.STATUS_CHANGED).count() == 1
    assert events.filter(kind=PaymentEventKind.OUTCOME_HANDLED).count() == 1
    thing.refresh_from_db()
    assert thing.status == confirmed
    assert thing.payment_reference == payment.reference
    if kind != "container request":
        assert thing.paid_pence == amount
    case = Case.objects.get()
    assert thing.case_id == case.pk
    assert list(
        Notification.objects.filter(case=case).values_list("recipient_email", flat=True)
    ) == [resident.email]
    assert [m.to for m in mailoutbox] == [[resident.email]]
