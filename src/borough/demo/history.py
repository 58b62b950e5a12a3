"""Eighteen months of history: cases on every channel and contacts that needed no case.

Everything is written through the real services (`case_create`, `case_assign`,
`case_status_change`, `case_close`, `case_note_add`, `case_public_update`, `case_transfer`,
`case_mark_duplicate`, `contact_log`), each call made at the moment it happened with
`time_machine`, so every event, SLA and timestamp is dated truly.

The story it tells: residents move from the phone and the front desk to the web and the app
(web and app from about 35% of new cases to about 65%); street reports are busiest in the
seasons you would expect; open cases are mostly recent; most cases close in about the time
their service takes, some breach their SLA, a few are duplicates, a few are passed to another
team, council or the police, and the police refer some problems they find.
"""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from borough.accounts.models import User
from borough.cases.models import CLOSED_STATUSES, Case, Priority, Status
from borough.cases.services import (
    Submission,
    case_assign,
    case_close,
    case_create,
    case_mark_duplicate,
    case_note_add,
    case_public_update,
    case_status_change,
    case_transfer,
)
from borough.catalogue.forms import FormContext, answer_clean, condition_holds
from borough.catalogue.models import Service
from borough.contacts.models import Channel, Outcome
from borough.contacts.services import contact_log
from borough.core.models import Role, Team
from borough.core.workingdays import is_working_day
from borough.demo.people import (
    CONTRACTOR,
    COUNTY,
    DISTRICT,
    KEY_RESIDENTS,
    POLICE,
    People,
    person_name,
    phone_number,
)
from borough.demo.services import ServiceSpec
from borough.places.models import Property

LONDON = ZoneInfo("Europe/London")
HISTORY_DAYS = 548  # about 18 months

# Share of new cases made on the web or in the app, at the start and at the end.
DIGITAL_SHARE_START = 0.35
DIGITAL_SHARE_END = 0.65
# Assisted channels, relative to each other.
ASSISTED_WEIGHTS = {
    Channel.PHONE: 50,
    Channel.FACE_TO_FACE: 14,
    Channel.EMAIL: 12,
    Channel.WEBCHAT: 10,
    Channel.LETTER: 6,
    Channel.KIOSK: 4,
    Channel.FIELD: 6,
}
STAFFED_CHANNELS = {
    Channel.PHONE,
    Channel.FACE_TO_FACE,
    Channel.EMAIL,
    Channel.WEBCHAT,
    Channel.LETTER,
}

# Contacts that needed no case: (channel, weight at the start, weight at the end).
CONTACT_CHANNELS = [
    (Channel.PHONE, 55, 33),
    (Channel.FACE_TO_FACE, 15, 8),
    (Channel.EMAIL, 11, 9),
    (Channel.WEBCHAT, 5, 24),
    (Channel.LETTER, 4, 2),
    (Channel.KIOSK, 3, 4),
    (Channel.WEB, 4, 12),
    (Channel.APP, 2, 7),
    (Channel.FIELD, 1, 1),
]
CONTACT_OUTCOMES = [
    (Outcome.INFORMATION_GIVEN, 44),
    (Outcome.SIGNPOSTED, 14),
    (Outcome.PROGRESS_CHASED, 20),
    (Outcome.PAYMENT_TAKEN, 10),
    (Outcome.COMPLAINT, 4),
    (Outcome.OTHER, 8),
]
CONTACT_NOTES: dict[str, tuple[str, ...]] = {
    Outcome.INFORMATION_GIVEN: (
        "Asked which day the recycling is collected.",
        "Asked what goes in the blue bin.",
        "Asked how much a bulky waste collection costs.",
        "Asked when the next council tax instalment is due.",
        "Asked whether the household waste recycling centre is open on bank holidays.",
        "Asked how long a blue badge application takes.",
        "Asked about the school admissions deadline.",
        "Asked how to pay a parking fine.",
        "Asked whether potholes on a private road are repaired.",
        "Asked for the opening hours of the council offices.",
    ),
    Outcome.SIGNPOSTED: (
        "Sewer smell: passed the number for Wessex Water.",
        "Universal Credit question: signposted to DWP.",
        "Noisy neighbour in a housing association flat: gave the landlord's number.",
        "Asked about a planning application: gave the planning portal link.",
        "Motorway litter: signposted to National Highways.",
    ),
    Outcome.PROGRESS_CHASED: (
        "Chased progress of their report.",
        "Asked when the crew will come back.",
        "Asked for an update on their application.",
        "Wanted to know why the case was closed.",
    ),
    Outcome.PAYMENT_TAKEN: (
        "Paid a council tax instalment by card.",
        "Paid a parking fine.",
        "Paid for a replacement bin.",
        "Paid for a garden waste subscription renewal.",
    ),
    Outcome.COMPLAINT: (
        "Unhappy that the bin was missed for the third time.",
        "Complained about the time taken to fill a pothole.",
        "Complained about the manner of a civil enforcement officer.",
    ),
    Outcome.OTHER: (
        "Wrong number: wanted the hospital.",
        "Call dropped before the resident gave details.",
        "Compliment for the street cleansing crew.",
    ),
}

# Street problems are seasonal: month -> weight (1 = usual).
SEASONS: dict[str, dict[int, float]] = {
    "report-pothole": {1: 2.0, 2: 2.2, 3: 1.8, 4: 1.2, 11: 1.3, 12: 1.6},
    "request-grit-bin": {
        1: 3,
        2: 3,
        3: 0.5,
        4: 0,
        5: 0,
        6: 0,
        7: 0,
        8: 0,
        9: 0,
        10: 0.5,
        11: 2,
        12: 3,
    },
    "report-flooding": {1: 2, 2: 2, 10: 1.5, 11: 2, 12: 2, 6: 0.5, 7: 0.5},
    "subscribe-garden-waste": {2: 2, 3: 3, 4: 2.5, 5: 1.5, 10: 0.3, 11: 0.2, 12: 0.2, 1: 0.4},
    "report-overgrown-vegetation": {5: 2, 6: 2.5, 7: 2.5, 8: 2, 12: 0.2, 1: 0.2, 2: 0.2},
    "apply-school-place": {9: 2, 10: 3, 11: 2, 12: 2, 1: 3, 6: 0.3, 7: 0.3, 8: 0.3},
    "apply-school-transport": {6: 2, 7: 3, 8: 3},
    "give-temporary-event-notice": {4: 2, 5: 2.5, 6: 3, 7: 3, 8: 2, 11: 1.5, 12: 2, 1: 0.3, 2: 0.3},
    "report-noise": {6: 1.6, 7: 2, 8: 1.8, 12: 1.4},
}

# How often a yes/no question is answered yes (default 35%).
YES_SHARE = {
    "put_out": 0.9,
    "only_adult": 0.85,
    "has_bin": 0.7,
    "garden_subscriber": 0.85,
    "spoken_to": 0.45,
    "partner": 0.35,
    "pension_age": 0.5,
    "has_dbs": 0.8,
    "convictions": 0.15,
    "hazard": 0.2,
    "lights": 0.9,
    "driveway_ready": 0.6,
    "existing_badge": 0.3,
    "sibling": 0.3,
    "ehcp": 0.05,
    "private_land": 0.12,
    "seen_dumping": 0.12,
    "offensive": 0.15,
    "property_risk": 0.1,
    "injury": 0.05,
    "benefits": 0.3,
    "low_income": 0.2,
    "second_vehicle": 0.2,
    "anyone_else": 0.15,
    "regular": 0.6,
    "seen_owner": 0.25,
    "private": 0.5,
}
# Date questions: (earliest, latest) days from the day the case was made.
DATE_RANGES = {
    "child_dob": (-4300, -1300),
    "date_of_birth": (-33000, -1500),
    "medical_date": (-80, -3),
    "move_date": (-14, 30),
    "claim_from": (-21, 0),
    "started": (-120, -3),
    "change_date": (-40, 0),
}
# Options that are picked only now and then.
RARE_OPTIONS = {
    "asbestos",
    "needles",
    "burnt_out",
    "exposed_wires",
    "impassable",
    "lorry_load",
    "cannot",
    "child",
    "war_pension",
    "stolen",
}

# Open cases the key residents have: (email, service, days ago, channel).
KEY_RESIDENT_CASES = [
    ("resident@example.com", "report-missed-bin", 2, Channel.WEB),
    ("resident@example.com", "report-pothole", 5, Channel.APP),
    ("resident@example.com", "apply-single-person-discount", 9, Channel.WEB),
    ("assisted@example.com", "book-bulky-waste", 6, Channel.PHONE),
]

GENERIC_NOTES = (
    "Called the resident to check the details.",
    "Checked the location on the map: matches the photos.",
    "Resident is happy for us to visit without an appointment.",
    "Linked to an earlier report at this address.",
)
GENERIC_UPDATES = (
    "Thank you for reporting this. We have looked at it and will update you when the work is booked.",
    "We have inspected this and added it to our programme of work.",
    "Our team has been out to look at this. We will keep you posted.",
)


@dataclass
class HistorySummary:
    cases: int = 0
    open_cases: int = 0
    closed_cases: int = 0
    contacts: int = 0
    duplicates: int = 0
    transfers: int = 0
    police_referrals: int = 0
    channels: Counter[str] = field(default_factory=Counter)


class _History:
    def __init__(
        self,
        *,
        seed: int,
        now: datetime,
        people: People,
        services: dict[str, Service],
        specs: dict[str, ServiceSpec],
        properties: list[Property],
    ) -> None:
        self.rng = random.Random(f"borough-demo:{seed}:history")
        self.now = now
        self.start = now - timedelta(days=HISTORY_DAYS)
        self.people = people
        self.services = services
        self.specs = specs
        self.properties = properties
        self.residential = [p for p in properties if p.classification == "residential"]
        self.team_keys: dict[int, tuple[str, str]] = {
            team.pk: key for key, team in people.teams.items()
        }
        self.org_keys = {org.pk: key for key, org in people.organisations.items()}
        self.verified = [user for user in people.residents if user.email_verified_at]
        key_emails = {resident.email for resident in KEY_RESIDENTS}
        self.key_residents = [user for user in people.residents if user.email in key_emails]
        self.summary = HistorySummary()
        # (created_at, closed_at or None, case) of every case, for chasing contacts.
        self.timeline: list[tuple[datetime, datetime | None, Case]] = []
        self.police_numbers: set[str] = set()

    # -- Time --------------------------------------------------------------------------------

    def fraction(self, moment: datetime) -> float:
        return (moment - self.start) / (self.now - self.start)

    def moment(self, *, code: str = "", office_hours: bool = False) -> datetime:
        """A moment in the window, following the service's season, at a plausible time of day."""
        season = SEASONS.get(code, {})
        while True:
            day = self.start + timedelta(days=self.rng.uniform(0, HISTORY_DAYS))
            local = day.astimezone(LONDON)
            # More people use the council's services as more of them can do it online.
            weight = season.get(local.month, 1.0) * (0.6 + 0.8 * self.fraction(day))
            if self.rng.random() * 3.9 > weight:
                continue
            if office_hours and not is_working_day(local.date()):
                continue
            if office_hours:
                minutes = self.rng.randint(9 * 60, 17 * 60 - 5)
            else:
                # The evening peak of people reporting from home.
                minutes = int(self.rng.triangular(6 * 60, 23 * 60, 19 * 60))
            moment = datetime.combine(local.date(), datetime.min.time(), LONDON) + timedelta(
                minutes=minutes, seconds=self.rng.randint(0, 59)
            )
            if self.start < moment < self.now - timedelta(minutes=30):
                return moment

    @staticmethod
    def backlog_share(age_days: int) -> float:
        """The share of cases this many days old that are still open past their time."""
        if age_days < 45:
            return 0.4
        if age_days < 120:
            return 0.06
        if age_days < 240:
            return 0.02
        return 0.003

    def office_time(self, moment: datetime) -> datetime:
        """The same day (or the next working day) in office hours: when staff took it."""
        day = moment.astimezone(LONDON).date()
        while True:
            if is_working_day(day):
                minutes = self.rng.randint(9 * 60, 17 * 60 - 5)
                moved = datetime.combine(day, datetime.min.time(), LONDON) + timedelta(
                    minutes=minutes, seconds=self.rng.randint(0, 59)
                )
                if moved > moment or day > moment.astimezone(LONDON).date():
                    return moved if moved < self.now - timedelta(minutes=30) else moment
            day += timedelta(days=1)

    # -- Who, where, what ----------------------------------------------------------------------

    def channel_for(self, moment: datetime, spec: ServiceSpec) -> str:
        share = DIGITAL_SHARE_START + (DIGITAL_SHARE_END - DIGITAL_SHARE_START) * self.fraction(
            moment
        )
        if self.rng.random() < share:
            app_share = 0.35 if spec.story.street else 0.08
            return Channel.APP if self.rng.random() < app_share else Channel.WEB
        weights = dict(ASSISTED_WEIGHTS)
        if not spec.story.street:
            weights.pop(Channel.FIELD)
        channels = list(weights)
        return self.rng.choices(channels, weights=[weights[c] for c in channels])[0]

    def resident(self, spec: ServiceSpec) -> User:
        if self.key_residents and self.rng.random() < 0.04:
            return self.rng.choice(self.key_residents)
        pool = self.verified if spec.identity == "verified" else self.people.residents
        return self.rng.choice(pool)

    def staff(self, org: str, team: str, *roles: str) -> User | None:
        members = self.people.members(org, team, *roles)
        return self.rng.choice(members) if members else None

    def point_near(self, prop: Property, metres: float = 18) -> tuple[float, float]:
        angle = self.rng.uniform(0, 2 * math.pi)
        distance = self.rng.uniform(0, metres)
        lat = prop.latitude + distance * math.sin(angle) / 111_230
        lon = prop.longitude + distance * math.cos(angle) / 70_430
        return round(lat, 6), round(lon, 6)

    def answers_for(
        self, spec: ServiceSpec, moment: datetime, *, email: str, phone: str, home: Property | None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Raw answers as a channel would send them, and the same answers cleaned."""
        today = moment.astimezone(LONDON).date()
        context = FormContext(today=today)
        raw: dict[str, Any] = {}
        cleaned: dict[str, Any] = {}
        for page in spec.form["pages"]:
            if not condition_holds(page.get("when"), cleaned):
                continue
            for question in page["questions"]:
                if not condition_holds(question.get("when"), cleaned):
                    continue
                if question.get("required", True) is False and (
                    question["type"] == "file" or self.rng.random() < 0.5
                ):
                    continue
                value = self.answer(spec, question, today, email=email, phone=phone, home=home)
                if value is None:
                    continue
                clean, error = answer_clean(question, value, context=context)
                if error is not None:
                    raise ValueError(f"{spec.code}: {question['id']}={value!r}: {error}")
                raw[question["id"]] = value
                if clean is not None:
                    cleaned[question["id"]] = clean
        return raw, cleaned

    def answer(
        self,
        spec: ServiceSpec,
        question: dict[str, Any],
        today: date,
        *,
        email: str,
        phone: str,
        home: Property | None,
    ) -> Any:
        qid, kind = question["id"], question["type"]
        rules = question.get("validation", {})
        examples = spec.story.examples.get(qid)
        if examples:
            return self.rng.choice(examples)
        if kind in ("radios", "select"):
            values = [option["value"] for option in question["options"]]
            common = [value for value in values if value not in RARE_OPTIONS]
            if common and self.rng.random() < 0.93:
                return self.rng.choice(common)
            return self.rng.choice(values)
        if kind == "checkboxes":
            values = [option["value"] for option in question["options"]]
            common = [value for value in values if value not in RARE_OPTIONS] or values
            most = min(rules.get("max_selected", 3), 3, len(common))
            low = min(rules.get("min_selected", 1), most)
            chosen = self.rng.sample(common, self.rng.randint(low, most))
            rare = [value for value in values if value in RARE_OPTIONS]
            if rare and self.rng.random() < 0.06 and len(chosen) < rules.get("max_selected", 99):
                chosen.append(self.rng.choice(rare))
            return chosen
        if kind == "yes_no":
            return "yes" if self.rng.random() < YES_SHARE.get(qid, 0.35) else "no"
        if kind == "date":
            if qid in DATE_RANGES:
                low, high = DATE_RANGES[qid]
            elif rules.get("not_future"):
                low, high = -21, 0
            elif rules.get("not_past"):
                low, high = 3, 40
            else:
                low, high = -10, 30
            return (today + timedelta(days=self.rng.randint(low, high))).isoformat()
        if kind == "number":
            low = rules.get("min", 1)
            high = rules.get("max", low + 10)
            if rules.get("integer"):
                return str(self.rng.randint(int(low), int(min(high, low + 4))))
            return f"{self.rng.uniform(low, min(high, low + 4)):.1f}"
        if kind == "money":
            low = max(rules.get("min_pence", 100), 100)
            high = min(rules.get("max_pence", 100_000), 100_000)
            pence = self.rng.randint(low, high)
            return f"{pence // 100}.{pence % 100:02d}"
        if kind == "email":
            return email or "resident@example.org"
        if kind == "phone":
            return phone or phone_number(self.rng)
        if kind == "address":
            prop = self.rng.choice(self.properties)
            return {"uprn": prop.uprn, "text": prop.address}
        if kind == "location":
            lat, lon = self.point_near(home or self.rng.choice(self.properties), 60)
            return {"latitude": lat, "longitude": lon}
        if kind in ("text", "textarea"):
            if question.get("required", True) is False:
                return None
            return "Given on the phone: see the call notes."
        return None

    # -- Cases -------------------------------------------------------------------------------

    def make_cases(self, count: int) -> None:
        codes = list(self.specs)
        weights = [self.specs[code].story.weight for code in codes]
        plans: list[tuple[datetime, str, bool]] = []
        for _ in range(count):
            code = self.rng.choices(codes, weights=weights)[0]
            plans.append((self.moment(code=code), code, False))
        # Police referrals: problems officers found on patrol.
        police_codes = [
            "report-fly-tipping",
            "report-abandoned-vehicle",
            "report-graffiti",
            "report-pothole",
            "report-flooding",
            "report-road-sign",
        ]
        for _ in range(max(6, count // 25)):
            code = self.rng.choice(police_codes)
            plans.append((self.moment(code=code, office_hours=True), code, True))
        for moment, code, police in sorted(plans):
            self.case_story(code, moment, police=police)
        self.key_resident_cases()

    def key_resident_cases(self) -> None:
        """Recent open cases for the key residents, so that signing in as them shows some."""
        by_email = {user.email: user for user in self.key_residents}
        for email, code, days_ago, channel in KEY_RESIDENT_CASES:
            resident = by_email.get(email)
            if resident is None:
                continue
            spec, service = self.specs[code], self.services[code]
            day = (self.now - timedelta(days=days_ago)).astimezone(LONDON).date()
            moment = datetime.combine(day, datetime.min.time(), LONDON) + timedelta(
                hours=19, minutes=12
            )
            staff = None
            if channel in STAFFED_CHANNELS:
                moment = self.office_time(moment)
                staff = self.staff(spec.organisation, "contact-centre", Role.ADVISOR)
            home = self.people.homes[resident.pk]
            latitude = longitude = None
            if spec.needs_location:
                latitude, longitude = self.point_near(home, 40)
            raw, _ = self.answers_for(
                spec, moment, email=resident.email, phone=resident.resident_profile.phone, home=home
            )
            submission = Submission(
                service=service,
                channel=channel,
                answers=raw,
                resident=resident,
                staff=staff,
                uprn=home.uprn if spec.needs_property else None,
                latitude=latitude,
                longitude=longitude,
                submitted_at=moment,
            )
            with time_machine.travel(moment, tick=False):
                case = case_create(submission=submission)
            self.summary.cases += 1
            self.summary.channels[case.channel] += 1
            case = self.lifecycle(case, spec, moment, None, spec.organisation)
            self.timeline.append((case.created_at, case.closed_at, case))

    def case_story(self, code: str, moment: datetime, *, police: bool) -> Case | None:
        spec = self.specs[code]
        service = self.services[code]
        org = spec.organisation
        submission, cleaned = self.submission(spec, service, moment, police=police)
        assert submission.submitted_at is not None
        moment = submission.submitted_at
        with time_machine.travel(moment, tick=False):
            case = case_create(submission=submission)
        self.summary.cases += 1
        self.summary.channels[case.channel] += 1
        if police:
            self.summary.police_referrals += 1
        urgent = False
        if spec.story.urgent_when is not None:
            qid, value = spec.story.urgent_when
            answer = cleaned.get(qid)
            urgent = value in answer if isinstance(answer, list) else answer == value
        # How long it takes: roughly the service's usual time, faster when urgent.
        days = spec.story.close_days * math.exp(self.rng.gauss(0, 0.5)) * (0.3 if urgent else 1.0)
        closes_at: datetime | None = moment + timedelta(days=max(days, 0.05))
        # A backlog: some recent cases are still open long after they should have closed,
        # and now and then an old one was forgotten.
        age = (self.now - moment).days
        if self.rng.random() < self.backlog_share(age):
            closes_at = None
        case = self.lifecycle(case, spec, moment, closes_at, org)
        self.timeline.append((case.created_at, case.closed_at, case))
        # Someone else reports the same problem before it is fixed.
        if spec.story.street and not police and self.rng.random() < 0.1:
            self.duplicate(case, spec, moment, closes_at)
        return case

    def submission(
        self, spec: ServiceSpec, service: Service, moment: datetime, *, police: bool
    ) -> tuple[Submission, dict[str, Any]]:
        org = spec.organisation
        channel = Channel.EMAIL if police else self.channel_for(moment, spec)
        if channel in STAFFED_CHANNELS or channel == Channel.FIELD or police:
            # Assisted channels are worked in office hours.
            local = moment.astimezone(LONDON)
            if local.weekday() >= 5 or not (9 <= local.hour < 17):
                moment = self.office_time(moment)
        resident: User | None = None
        staff: User | None = None
        reporter_name = reporter_email = reporter_phone = ""
        external: dict[str, str] = {}
        if police:
            staff = self.staff(POLICE, "neighbourhood-policing")
            assert staff is not None
            reporter_name, reporter_email = staff.full_name, staff.email
            external = {"wessex-police": self.police_reference(moment)}
        elif channel == Channel.FIELD:
            staff = self.field_officer(org, spec.team)
        else:
            if channel in STAFFED_CHANNELS:
                staff = self.staff(org, "contact-centre", Role.ADVISOR)
            wants_account = spec.identity != "anonymous"
            share = (
                0.85 if wants_account else (0.45 if channel in (Channel.WEB, Channel.APP) else 0.35)
            )
            if (wants_account and staff is None) or self.rng.random() < share:
                resident = self.resident(spec)
            else:
                reporter_name = person_name(self.rng)
                if channel == Channel.PHONE:
                    reporter_phone = phone_number(self.rng)
                else:
                    reporter_email = reporter_name.lower().replace(" ", ".") + "@example.org"
        home = self.people.homes.get(resident.pk) if resident else None
        uprn = None
        latitude = longitude = None
        if spec.needs_property:
            prop = home or self.rng.choice(self.residential)
            uprn = prop.uprn
        if spec.needs_location:
            near = self.rng.choice(self.properties)
            latitude, longitude = self.point_near(near)
        email = resident.email if resident else reporter_email
        phone = resident.resident_profile.phone if resident else reporter_phone
        raw, cleaned = self.answers_for(spec, moment, email=email, phone=phone, home=home)
        priority = Priority.NORMAL
        if spec.story.urgent_when is not None:
            qid, value = spec.story.urgent_when
            answer = cleaned.get(qid)
            if (value in answer) if isinstance(answer, list) else answer == value:
                priority = Priority.URGENT
        if priority == Priority.NORMAL and spec.story.street and self.rng.random() < 0.08:
            priority = Priority.HIGH
        submission = Submission(
            service=service,
            channel=channel,
            answers=raw,
            resident=resident,
            reporter_name=reporter_name,
            reporter_email=reporter_email,
            reporter_phone=reporter_phone,
            show_name_publicly=bool(resident) and self.rng.random() < 0.2,
            latitude=latitude,
            longitude=longitude,
            uprn=uprn,
            staff=staff,
            external_references=external,
            priority=priority,
            submitted_at=moment,
        )
        return submission, cleaned

    def field_officer(self, org: str, team: str) -> User | None:
        return (
            self.staff(org, team, Role.FIELD_OFFICER)
            or self.staff(org, "street-cleansing", Role.FIELD_OFFICER)
            or self.staff(org, "highways", Role.FIELD_OFFICER)
        )

    def police_reference(self, moment: datetime) -> str:
        while True:
            reference = f"WP-{moment:%y}-{self.rng.randint(1000, 99999):06d}"
            if reference not in self.police_numbers:
                self.police_numbers.add(reference)
                return reference

    def team_of(self, case: Case) -> tuple[str, str]:
        assert case.team_id is not None
        return self.team_keys[case.team_id]

    def workers(self, case: Case) -> tuple[list[User], User | None]:
        """Who can work the case (by its team) and who leads them."""
        org, team = self.team_of(case)
        workers = self.people.members(
            org, team, Role.CASEWORKER, Role.FIELD_OFFICER, Role.CONTRACTOR
        ) or self.people.members(org, team)
        leaders = self.people.members(org, team, Role.TEAM_LEADER)
        leader = leaders[0] if leaders else None
        if not workers:
            workers = self.people.everyone_in(org, Role.CASEWORKER)
        return workers, leader

    def at(self, start: datetime, end: datetime, low: float, high: float) -> datetime:
        """A moment `low` to `high` of the way from `start` to `end`."""
        return start + (end - start) * self.rng.uniform(low, high)

    def lifecycle(
        self, case: Case, spec: ServiceSpec, created: datetime, closes_at: datetime | None, org: str
    ) -> Case:
        end = closes_at if closes_at is not None and closes_at < self.now else self.now
        if end <= created + timedelta(minutes=2):
            return case
        workers, leader = self.workers(case)

        # Passed on: to the council that is responsible, to the police, or back to the crews.
        transfer = self.transfer_for(case, spec)
        if transfer is not None:
            team, reason = transfer
            when = self.at(created, end, 0.02, 0.15)
            actor = leader or (workers[0] if workers else None)
            if actor is not None:
                with time_machine.travel(when, tick=False):
                    case = case_transfer(case=case, team=team, actor=actor, reason=reason)
                self.summary.transfers += 1
                workers, leader = self.workers(case)

        assignee: User | None = None
        if workers and self.rng.random() < 0.75:
            assignee = self.rng.choice(workers)
            when = self.at(created, end, 0.05, 0.25)
            with time_machine.travel(when, tick=False):
                case = case_assign(case=case, assignee=assignee, actor=leader or assignee)
        actor = assignee or leader or (workers[0] if workers else None)
        if actor is None:
            return case

        points = sorted(self.rng.uniform(0.3, 0.85) for _ in spec.story.progress)
        for (status, message), point in zip(spec.story.progress, points, strict=True):
            if self.rng.random() > 0.7:
                continue
            if status == case.status and not message:
                continue
            with time_machine.travel(self.at(created, end, point, point), tick=False):
                case = case_status_change(
                    case=case, status=status, actor=actor, public_message=message
                )
        if self.rng.random() < 0.35:
            note = self.rng.choice(spec.story.notes or GENERIC_NOTES)
            with time_machine.travel(self.at(created, end, 0.3, 0.9), tick=False):
                case_note_add(case=case, actor=actor, body=note)
        if case.is_public and self.rng.random() < 0.15:
            with time_machine.travel(self.at(created, end, 0.4, 0.95), tick=False):
                case_public_update(case=case, actor=actor, body=self.rng.choice(GENERIC_UPDATES))

        if closes_at is not None and closes_at < self.now:
            status, message = self.outcome(case, spec)
            with time_machine.travel(closes_at, tick=False):
                case = case_close(case=case, actor=actor, resolution=message, status=status)
        return case

    def outcome(self, case: Case, spec: ServiceSpec) -> tuple[str, str]:
        org, _ = self.team_of(case)
        if org == POLICE:
            return Status.CLOSED, "Wessex Police dealt with this. Thank you for reporting it."
        outcomes = spec.story.outcomes
        status, _, message = self.rng.choices(outcomes, weights=[o[1] for o in outcomes])[0]
        return status, message

    def transfer_for(self, case: Case, spec: ServiceSpec) -> tuple[Team, str] | None:
        answers = case.answers
        teams = self.people.teams
        roll = self.rng.random()
        if spec.code == "report-graffiti" and answers.get("surface") == "road_sign" and roll < 0.7:
            return teams[(COUNTY, "highways")], (
                "The graffiti is on a road sign, which Wessex County Council looks after."
            )
        if spec.code == "report-abandoned-vehicle" and roll < 0.15:
            return teams[(POLICE, "neighbourhood-policing")], (
                "DVLA shows the vehicle as stolen: passed to Wessex Police."
            )
        if spec.code == "report-noise" and answers.get("noise_type") == "shouting" and roll < 0.4:
            return teams[(POLICE, "neighbourhood-policing")], (
                "Threats and shouting in the street: this is anti-social behaviour for the police."
            )
        if (
            spec.code == "report-fly-tipping"
            and self.team_of(case) == (DISTRICT, "environmental-health")
            and roll < 0.5
        ):
            return teams[(DISTRICT, "street-cleansing")], (
                "Checked the photos: ordinary building rubble, no asbestos. Passed to the crews."
            )
        if spec.code == "report-missed-bin" and answers.get("bin_type") == "garden" and roll < 0.5:
            return teams[(CONTRACTOR, "crews")], "Garden waste rounds are run by Greenway."
        return None

    def duplicate(
        self, original: Case, spec: ServiceSpec, created: datetime, closes_at: datetime | None
    ) -> None:
        if original.organisation_id != self.people.organisations[spec.organisation].pk:
            return
        latest = min(closes_at or self.now, self.now, created + timedelta(days=5))
        if latest <= created + timedelta(hours=3):
            return
        moment = self.at(created + timedelta(hours=2), latest, 0.0, 0.7)
        service = self.services[spec.code]
        name = person_name(self.rng)
        raw, _ = self.answers_for(spec, moment, email="", phone="", home=None)
        lat, lon = original.latitude, original.longitude
        if lat is not None and lon is not None:
            lat += self.rng.uniform(-0.0001, 0.0001)
            lon += self.rng.uniform(-0.0001, 0.0001)
        submission = Submission(
            service=service,
            channel=self.rng.choice([Channel.WEB, Channel.APP, Channel.PHONE]),
            answers=raw,
            reporter_name=name,
            reporter_email=name.lower().replace(" ", ".") + "@example.org",
            latitude=lat,
            longitude=lon,
            submitted_at=moment,
        )
        if submission.channel == Channel.PHONE:
            submission.staff = self.staff(spec.organisation, "contact-centre", Role.ADVISOR)
        with time_machine.travel(moment, tick=False):
            case = case_create(submission=submission)
        self.summary.cases += 1
        self.summary.channels[case.channel] += 1
        if case.organisation_id != original.organisation_id:
            return
        workers, leader = self.workers(case)
        actor = leader or (workers[0] if workers else None)
        marked = self.at(moment, min(latest + timedelta(hours=6), self.now), 0.1, 0.9)
        if actor is None or marked >= self.now:
            return
        with time_machine.travel(marked, tick=False):
            case = case_mark_duplicate(case=case, original=original, actor=actor)
        self.summary.duplicates += 1
        self.timeline.append((case.created_at, case.closed_at, case))

    # -- Contacts that needed no case ---------------------------------------------------------

    def make_contacts(self, count: int) -> None:
        self.timeline.sort(key=lambda item: item[0])
        created = [item[0] for item in self.timeline]
        by_org = {
            key: [s for code, s in self.services.items() if self.specs[code].organisation == key]
            for key in (DISTRICT, COUNTY)
        }
        paid = {
            key: [s for s in services if s.fee_pence or s.kind == "pay"]
            for key, services in by_org.items()
        }
        for _ in range(count):
            moment = self.moment(office_hours=True)
            frac = self.fraction(moment)
            channels = [c for c, _, _ in CONTACT_CHANNELS]
            weights = [a + (b - a) * frac for _, a, b in CONTACT_CHANNELS]
            channel = self.rng.choices(channels, weights=weights)[0]
            outcome = self.rng.choices(
                [o for o, _ in CONTACT_OUTCOMES], weights=[w for _, w in CONTACT_OUTCOMES]
            )[0]
            org = DISTRICT if self.rng.random() < 0.62 else COUNTY
            organisation = self.people.organisations[org]
            service: Service | None = None
            case: Case | None = None
            resident: User | None = None
            if outcome == Outcome.PROGRESS_CHASED:
                case = self.open_case_at(moment, created)
                if case is not None:
                    organisation = case.organisation
                    service = case.service
                    resident = case.resident
            elif outcome == Outcome.PAYMENT_TAKEN:
                service = self.rng.choice(paid[org])
            elif self.rng.random() < 0.75:
                service = self.rng.choice(by_org[org])
            if resident is None and case is None and self.rng.random() < 0.4:
                resident = self.rng.choice(self.people.residents)
            staff = None
            if channel in STAFFED_CHANNELS or (
                channel == Channel.KIOSK and self.rng.random() < 0.3
            ):
                org_key = self.org_keys.get(organisation.pk, org)
                staff = self.staff(org_key, "contact-centre", Role.ADVISOR) or self.staff(
                    org, "contact-centre", Role.ADVISOR
                )
            elif channel == Channel.FIELD:
                staff = self.field_officer(
                    org, "street-cleansing" if org == DISTRICT else "highways"
                )
            avoidable = outcome == Outcome.PROGRESS_CHASED or (
                outcome == Outcome.INFORMATION_GIVEN
                and channel not in (Channel.WEB, Channel.APP)
                and self.rng.random() < 0.6
            )
            resolved = outcome in (
                Outcome.INFORMATION_GIVEN,
                Outcome.SIGNPOSTED,
                Outcome.PAYMENT_TAKEN,
            ) or (outcome == Outcome.PROGRESS_CHASED and self.rng.random() < 0.5)
            contact_log(
                organisation=organisation,
                channel=channel,
                outcome=outcome,
                resident=resident,
                case=case,
                service=service,
                staff=staff,
                avoidable=avoidable,
                resolved_at_first_contact=resolved,
                notes=self.rng.choice(CONTACT_NOTES[outcome]),
                at=moment,
            )
            self.summary.contacts += 1

    def open_case_at(self, moment: datetime, created: list[datetime]) -> Case | None:
        before = bisect.bisect_left(created, moment)
        if before == 0:
            return None
        for _ in range(8):
            made, closed, case = self.timeline[self.rng.randrange(max(0, before - 80), before)]
            if made < moment and (closed is None or closed > moment):
                return case
        return None


def history_create(
    *,
    seed: int,
    now: datetime,
    people: People,
    services: dict[str, Service],
    specs: dict[str, ServiceSpec],
    properties: list[Property],
    cases: int = 500,
    contacts: int = 1000,
) -> HistorySummary:
    """Cases and contacts over the 18 months before `now`, the same for the same seed."""
    history = _History(
        seed=seed, now=now, people=people, services=services, specs=specs, properties=properties
    )
    history.make_cases(cases)
    history.make_contacts(contacts)
    summary = history.summary
    closed = Case.objects.filter(status__in=CLOSED_STATUSES, service__in=services.values()).count()
    summary.closed_cases = closed
    summary.open_cases = summary.cases - closed
    return summary
