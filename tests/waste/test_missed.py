"""Reporting a missed collection: the window after the collection day, refusals with their
reasons (nothing written), duplicates, assisted collections flagged, and the page."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from borough.cases.models import Case, Priority
from borough.waste.models import CollectionEvent, MissedCollection
from borough.waste.selectors import missed_collection_checks
from borough.waste.services import (
    WasteError,
    WasteErrorCode,
    assisted_collection_set,
    collection_event_record,
    missed_collection_report,
    waste_settings_set,
)
from tests.waste.conftest import london

# The home's rubbish is collected on Monday 2 March 2026 (every 2 weeks from 5 January).
COLLECTION_DAY = date(2026, 3, 2)


def _report(waste, when, stream="refuse", prop=None):
    return missed_collection_report(
        prop=prop or waste.home,
        stream=waste.streams[stream],
        channel="web",
        reporter_email="resident@example.com",
        details="The lorry drove past.",
        now=when,
    )


def test_a_missed_collection_after_the_crews_finish_makes_a_case(waste):
    case = _report(waste, london(2026, 3, 2, 16, 30))
    assert case.service == waste.missed
    assert case.team == waste.team
    assert case.property == waste.home
    assert case.priority == Priority.NORMAL
    assert case.answers == {
        "bin_type": "rubbish",
        "put_out": True,
        "details": "The lorry drove past.",
    }
    missed = MissedCollection.objects.get(case=case)
    assert missed.collection_date == COLLECTION_DAY
    assert missed.round == waste.rounds["monday-refuse"]
    assert missed.assisted is False


def test_before_the_crews_finish_it_is_not_due_and_nothing_is_written(waste):
    with pytest.raises(WasteError) as refused:
        _report(waste, london(2026, 3, 2, 10, 0))
    assert refused.value.code == WasteErrorCode.NOT_ALLOWED
    assert "collection is today" in refused.value.message
    assert "from 4pm today" in refused.value.message
    assert not Case.objects.exists()
    assert not MissedCollection.objects.exists()


def test_the_window_closes_at_the_end_of_the_second_working_day(waste):
    # Wednesday 4 March, late: still open.
    _report(waste, london(2026, 3, 4, 23, 30), stream="food")
    # Thursday 5 March: too late for Monday's rubbish, with the next day given.
    with pytest.raises(WasteError) as refused:
        _report(waste, london(2026, 3, 5, 0, 30))
    assert "too late" in refused.value.message
    assert "Your next rubbish collection is on Monday 16 March 2026." in refused.value.message
    assert Case.objects.count() == 1


def test_recycling_not_collected_this_week_is_out_of_its_window(waste):
    # Recycling was last collected on 23 February.
    with pytest.raises(WasteError) as refused:
        _report(waste, london(2026, 3, 2, 17, 0), stream="recycling")
    assert "23 February 2026" in refused.value.message
    assert not Case.objects.exists()


def test_refused_when_the_crew_recorded_the_bin_not_put_out(waste):
    collection_event_record(
        round_=waste.rounds["monday-refuse"],
        stream=waste.streams["refuse"],
        day=COLLECTION_DAY,
        outcome="not_presented",
        source="field",
        prop=waste.home,
    )
    with pytest.raises(WasteError) as refused:
        _report(waste, london(2026, 3, 2, 17, 0))
    assert "was not put out for collection on Monday 2 March 2026" in refused.value.message
    assert not Case.objects.exists()
    # Another home on the round is not affected, nor is a whole-round event.
    collection_event_record(
        round_=waste.rounds["monday-food"],
        stream=waste.streams["food"],
        day=COLLECTION_DAY,
        outcome="blocked_access",
        source="field",
    )
    assert _report(waste, london(2026, 3, 2, 17, 0), stream="food").pk


def test_refused_when_the_crew_recorded_the_wrong_things_in_the_bin(waste):
    collection_event_record(
        round_=waste.rounds["monday-refuse"],
        stream=waste.streams["refuse"],
        day=COLLECTION_DAY,
        outcome="contaminated",
        source="import",
        prop=waste.home,
    )
    with pytest.raises(WasteError) as refused:
        _report(waste, london(2026, 3, 3, 9, 0))
    assert "wrong things in it" in refused.value.message
    assert not Case.objects.exists()


def test_a_second_report_of_the_same_collection_is_refused(waste):
    _report(waste, london(2026, 3, 2, 17, 0))
    with pytest.raises(WasteError) as refused:
        _report(waste, london(2026, 3, 3, 9, 0))
    assert refused.value.code == WasteErrorCode.DUPLICATE
    assert refused.value.message == "A missed collection has already been reported for this address"
    assert Case.objects.count() == 1


def test_an_assisted_collection_is_flagged(waste, make_staff):
    assisted_collection_set(prop=waste.home, assisted=True, actor=None)
    case = _report(waste, london(2026, 3, 2, 17, 0))
    assert case.priority == Priority.HIGH
    assert MissedCollection.objects.get(case=case).assisted is True


def test_a_bank_holiday_moves_the_window_with_the_collection(waste):
    # Good Friday 3 April 2026: the Friday round collects on Saturday 4 April.
    with pytest.raises(WasteError) as refused:
        _report(waste, london(2026, 4, 3, 17, 0), prop=waste.friday_home)
    assert "27 March 2026" in refused.value.message
    case = _report(waste, london(2026, 4, 4, 17, 0), prop=waste.friday_home)
    assert MissedCollection.objects.get(case=case).collection_date == date(2026, 4, 4)


def test_not_collected_here_and_not_set_up(waste, make_property):
    elsewhere = make_property(paon="5")
    with pytest.raises(WasteError) as refused:
        _report(waste, london(2026, 3, 2, 17, 0), prop=elsewhere)
    assert refused.value.code == WasteErrorCode.NO_COLLECTIONS
    waste_settings_set(organisation=waste.organisation, missed_service=None)
    with pytest.raises(WasteError) as refused:
        _report(waste, london(2026, 3, 2, 17, 0))
    assert refused.value.code == WasteErrorCode.NOT_SET_UP
    assert not Case.objects.exists()


def test_the_checks_give_every_streams_state(waste):
    checks = {
        c.stream.kind: c
        for c in missed_collection_checks(prop=waste.home, now=london(2026, 3, 2, 17, 0))
    }
    assert checks["refuse"].allowed and checks["food"].allowed
    assert checks["recycling"].refusal == "too_late"


# -- The page -------------------------------------------------------------------------------


def test_the_page_reports_a_missed_collection(client, waste):
    url = f"/bins/{waste.home.uprn}/missed/"
    with time_machine.travel(london(2026, 3, 3, 9, 0), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Which collection was missed?" in text
        assert "Due on Monday 2 March 2026" in text
        # Recycling is out of its window and said so.
        assert "It is too late to report a missed recycling collection" in text
        response = client.post(
            url,
            {
                "stream": str(waste.streams["refuse"].pk),
                "details": "Bin at the gate",
                "email": "r@example.com",
            },
        )
        done = client.get(f"/bins/{waste.home.uprn}/sent/")
    assert response.status_code == 302
    assert response["Location"] == f"/bins/{waste.home.uprn}/sent/"
    case = Case.objects.get()
    assert case.reporter_email == "r@example.com"
    assert case.channel == "web"
    assert case.reference in done.content.decode()
    assert "Missed collection reported" in done.content.decode()


def test_the_page_shows_errors_and_writes_nothing(client, waste):
    url = f"/bins/{waste.home.uprn}/missed/"
    with time_machine.travel(london(2026, 3, 3, 9, 0), tick=False):
        response = client.post(url, {"stream": str(waste.streams["recycling"].pk), "email": "nope"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert "Select which collection was missed" in text
    assert "Enter an email address in the correct format, like name@example.com" in text
    assert not Case.objects.exists()


def test_the_page_says_why_nothing_can_be_reported(client, waste):
    CollectionEvent.objects.all().delete()
    with time_machine.travel(london(2026, 3, 2, 11, 0), tick=False):
        response = client.get(f"/bins/{waste.home.uprn}/missed/")
    text = response.content.decode()
    assert "You cannot report a missed collection for this address at the moment." in text
    assert "you can report a missed collection from 4pm today" in text
    assert 'name="stream"' not in text


def test_the_page_is_refused_without_a_csrf_token(waste):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(london(2026, 3, 3, 9, 0), tick=False):
        response = client.post(
            f"/bins/{waste.home.uprn}/missed/",
            {"stream": str(waste.streams["refuse"].pk), "email": "r@example.com"},
        )
    assert response.status_code == 403
    assert not Case.objects.exists()
