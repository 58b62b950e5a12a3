from datetime import date

import pytest

from borough.contacts.models import ChannelCost, Contact
from borough.contacts.selectors import channel_cost_on
from borough.contacts.services import ContactInvalid, channel_cost_set, contact_log


def test_default_costs_are_seeded_from_socitm_2012(db):
    costs = {c.channel: c.cost_pence for c in ChannelCost.objects.filter(organisation=None)}
    assert costs == {"face_to_face": 862, "phone": 283, "web": 15}


def test_an_organisations_own_cost_overrides_the_default_from_its_date(district):
    assert (
        channel_cost_on(organisation=district, channel="phone", day=date(2026, 1, 1)).cost_pence
        == 283
    )
    channel_cost_set(
        organisation=district,
        channel="phone",
        valid_from=date(2026, 4, 1),
        cost_pence=410,
        source="Casterbridge contact centre costing 2026",
    )
    assert (
        channel_cost_on(organisation=district, channel="phone", day=date(2026, 3, 31)).cost_pence
        == 283
    )
    assert (
        channel_cost_on(organisation=district, channel="phone", day=date(2026, 4, 1)).cost_pence
        == 410
    )
    assert channel_cost_on(organisation=district, channel="kiosk", day=date(2026, 4, 1)) is None
    # Setting the same date again replaces the figure rather than adding a second.
    channel_cost_set(
        organisation=district,
        channel="phone",
        valid_from=date(2026, 4, 1),
        cost_pence=400,
        source="x",
    )
    assert ChannelCost.objects.filter(organisation=district).count() == 1


def test_channel_cost_refuses_bad_input(district):
    with pytest.raises(ContactInvalid) as excinfo:
        channel_cost_set(
            organisation=district,
            channel="pigeon",
            valid_from=date(2026, 1, 1),
            cost_pence=-1,
            source="",
        )
    assert set(excinfo.value.errors) == {"channel", "cost_pence", "source"}
    assert not ChannelCost.objects.filter(organisation=district).exists()


def test_contact_log_records_a_contact_without_a_case(district):
    contact = contact_log(
        organisation=district,
        channel="phone",
        outcome="information_given",
        avoidable=True,
        resolved_at_first_contact=True,
        notes="  Bin day given ",
    )
    assert Contact.objects.get() == contact
    assert contact.case is None and contact.avoidable and contact.notes == "Bin day given"
    with pytest.raises(ContactInvalid) as excinfo:
        contact_log(organisation=district, channel="fax", outcome="nope")
    assert excinfo.value.errors == {
        "channel": "Select how the resident got in touch",
        "outcome": "Select the outcome of the contact",
    }
    assert Contact.objects.count() == 1
