"""The demo's organisations, teams, staff and residents, generated from a seed.

Every name is made up from word lists; every email address uses a reserved domain
(`.example`, RFC 2606, for staff; `example.com` for residents) and every phone number is in
Ofcom's drama range (07700 900000 to 07700 900999), so nothing here can reach a real person.

Some accounts are fixed whatever the seed, so that people trying the product (and the docs)
can sign in as any role: see KEY_STAFF and KEY_RESIDENTS.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.contrib.auth.hashers import make_password

from borough.accounts.models import ContactPreference, User
from borough.accounts.services import resident_register, staff_membership_add, staff_user_create
from borough.core.models import Organisation, Role, Team
from borough.core.services import organisation_create, team_create
from borough.places.models import Property

# Everyone in the demo signs in with this password.
DEMO_PASSWORD = "borough-demo-password"  # noqa: S105 (published on purpose, see docs/demo.md)

COUNTY = "county"
DISTRICT = "district"
CONTRACTOR = "contractor"
POLICE = "police"


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    slug: str
    name: str
    kind: str
    reference_prefix: str
    ons_code: str
    brand_colour: str
    domain: str
    phone: str
    # Which generated boundary the organisation covers: "county", "district" or none.
    area: str = ""


ORGANISATIONS: list[OrganisationSpec] = [
    OrganisationSpec(
        key=COUNTY,
        slug="wessex",
        name="Wessex County Council",
        kind="county",
        reference_prefix="WCC",
        ons_code="E10000999",
        brand_colour="#00594f",
        domain="wessex.example",
        phone="01305 900 200",
        area="county",
    ),
    OrganisationSpec(
        key=DISTRICT,
        slug="casterbridge",
        name="Casterbridge District Council",
        kind="district",
        reference_prefix="CDC",
        ons_code="E07000999",
        brand_colour="#4c2c92",
        domain="casterbridge.example",
        phone="01305 900 100",
        area="district",
    ),
    OrganisationSpec(
        key=CONTRACTOR,
        slug="greenway",
        name="Greenway Environmental Services",
        kind="contractor",
        reference_prefix="GES",
        ons_code="",
        brand_colour="#3d6b1f",
        domain="greenway.example",
        phone="01305 900 300",
    ),
    OrganisationSpec(
        key=POLICE,
        slug="wessex-police",
        name="Wessex Police",
        kind="partner",
        reference_prefix="WPF",
        ons_code="",
        brand_colour="#1d3a6e",
        domain="wessexpolice.example",
        phone="01305 900 999",
        area="county",
    ),
]

# (organisation, slug, name). Every organisation also has its "triage" fallback queue.
TEAMS: list[tuple[str, str, str]] = [
    (DISTRICT, "contact-centre", "Contact centre"),
    (DISTRICT, "waste", "Waste services"),
    (DISTRICT, "street-cleansing", "Street cleansing"),
    (DISTRICT, "town-rangers", "Town centre rangers"),
    (DISTRICT, "environmental-health", "Environmental health"),
    (DISTRICT, "revenues-benefits", "Revenues and benefits"),
    (DISTRICT, "parking", "Parking"),
    (DISTRICT, "licensing", "Licensing"),
    (DISTRICT, "digital-services", "Digital services"),
    (COUNTY, "contact-centre", "Contact centre"),
    (COUNTY, "highways", "Highways"),
    (COUNTY, "highways-response", "Highways urgent response"),
    (COUNTY, "street-lighting", "Street lighting"),
    (COUNTY, "blue-badges", "Blue badges"),
    (COUNTY, "school-admissions", "School admissions and transport"),
    (COUNTY, "digital-services", "Digital services"),
    (CONTRACTOR, "crews", "Crews"),
    (POLICE, "neighbourhood-policing", "Neighbourhood policing"),
]

# How many generated staff each team has in each role, beyond the key accounts.
# (organisation, team) -> {role: count}. Contractor roles are held by the contractor's people.
STAFFING: dict[tuple[str, str], dict[str, int]] = {
    (DISTRICT, "contact-centre"): {Role.TEAM_LEADER: 1, Role.ADVISOR: 5},
    (DISTRICT, "waste"): {Role.CASEWORKER: 2, Role.FIELD_OFFICER: 2, Role.CONTRACTOR: 2},
    (DISTRICT, "street-cleansing"): {
        Role.TEAM_LEADER: 1,
        Role.CASEWORKER: 1,
        Role.FIELD_OFFICER: 3,
        Role.CONTRACTOR: 1,
    },
    (DISTRICT, "town-rangers"): {Role.TEAM_LEADER: 1, Role.FIELD_OFFICER: 2},
    (DISTRICT, "environmental-health"): {
        Role.TEAM_LEADER: 1,
        Role.CASEWORKER: 2,
        Role.FIELD_OFFICER: 2,
    },
    (DISTRICT, "revenues-benefits"): {Role.TEAM_LEADER: 1, Role.CASEWORKER: 4},
    (DISTRICT, "parking"): {Role.TEAM_LEADER: 1, Role.CASEWORKER: 2, Role.FIELD_OFFICER: 2},
    (DISTRICT, "licensing"): {Role.TEAM_LEADER: 1, Role.CASEWORKER: 2},
    (DISTRICT, "digital-services"): {Role.ADMINISTRATOR: 1},
    (DISTRICT, "triage"): {Role.CASEWORKER: 1},
    (COUNTY, "contact-centre"): {Role.TEAM_LEADER: 1, Role.ADVISOR: 4},
    (COUNTY, "highways"): {Role.CASEWORKER: 2, Role.FIELD_OFFICER: 3, Role.CONTRACTOR: 1},
    (COUNTY, "highways-response"): {Role.TEAM_LEADER: 1, Role.FIELD_OFFICER: 2},
    (COUNTY, "street-lighting"): {
        Role.TEAM_LEADER: 1,
        Role.CASEWORKER: 1,
        Role.FIELD_OFFICER: 1,
        Role.CONTRACTOR: 1,
    },
    (COUNTY, "blue-badges"): {Role.TEAM_LEADER: 1, Role.CASEWORKER: 3},
    (COUNTY, "school-admissions"): {Role.TEAM_LEADER: 1, Role.CASEWORKER: 2},
    (COUNTY, "digital-services"): {Role.ADMINISTRATOR: 1},
    (COUNTY, "triage"): {Role.CASEWORKER: 1},
    (CONTRACTOR, "crews"): {Role.TEAM_LEADER: 1, Role.CONTRACTOR: 2},
    (POLICE, "neighbourhood-policing"): {
        Role.TEAM_LEADER: 1,
        Role.FIELD_OFFICER: 2,
        Role.CASEWORKER: 1,
    },
}


@dataclass(frozen=True)
class KeyAccount:
    email: str
    full_name: str
    # (organisation, team, role) memberships.
    memberships: tuple[tuple[str, str, str], ...]
    description: str


# One account per role in each council, the same for every seed.
KEY_STAFF: list[KeyAccount] = [
    KeyAccount(
        "advisor@casterbridge.example",
        "Aisha Patel",
        ((DISTRICT, "contact-centre", Role.ADVISOR),),
        "Casterbridge contact centre advisor",
    ),
    KeyAccount(
        "caseworker@casterbridge.example",
        "Ben Carter",
        ((DISTRICT, "waste", Role.CASEWORKER),),
        "Casterbridge waste services caseworker",
    ),
    KeyAccount(
        "field.officer@casterbridge.example",
        "Chloe Davies",
        ((DISTRICT, "street-cleansing", Role.FIELD_OFFICER),),
        "Casterbridge street cleansing field officer",
    ),
    KeyAccount(
        "team.leader@casterbridge.example",
        "Dan Hughes",
        ((DISTRICT, "waste", Role.TEAM_LEADER), (DISTRICT, "triage", Role.TEAM_LEADER)),
        "Casterbridge waste services team leader",
    ),
    KeyAccount(
        "administrator@casterbridge.example",
        "Ellie Morgan",
        ((DISTRICT, "digital-services", Role.ADMINISTRATOR),),
        "Casterbridge administrator",
    ),
    KeyAccount(
        "auditor@casterbridge.example",
        "Femi Adeyemi",
        ((DISTRICT, "digital-services", Role.AUDITOR),),
        "Casterbridge auditor",
    ),
    KeyAccount(
        "crew@greenway.example",
        "Gary Wills",
        ((DISTRICT, "waste", Role.CONTRACTOR), (CONTRACTOR, "crews", Role.CONTRACTOR)),
        "Greenway crew member, contractor to Casterbridge waste services",
    ),
    KeyAccount(
        "advisor@wessex.example",
        "Hannah Price",
        ((COUNTY, "contact-centre", Role.ADVISOR),),
        "Wessex contact centre advisor",
    ),
    KeyAccount(
        "caseworker@wessex.example",
        "Imran Shah",
        ((COUNTY, "highways", Role.CASEWORKER),),
        "Wessex highways caseworker",
    ),
    KeyAccount(
        "field.officer@wessex.example",
        "Jess Turner",
        ((COUNTY, "highways", Role.FIELD_OFFICER),),
        "Wessex highway inspector",
    ),
    KeyAccount(
        "team.leader@wessex.example",
        "Kieran Walsh",
        ((COUNTY, "highways", Role.TEAM_LEADER), (COUNTY, "triage", Role.TEAM_LEADER)),
        "Wessex highways team leader",
    ),
    KeyAccount(
        "administrator@wessex.example",
        "Laura Bennett",
        ((COUNTY, "digital-services", Role.ADMINISTRATOR),),
        "Wessex administrator",
    ),
    KeyAccount(
        "auditor@wessex.example",
        "Mohammed Ali",
        ((COUNTY, "digital-services", Role.AUDITOR),),
        "Wessex auditor",
    ),
    KeyAccount(
        "highways.crew@greenway.example",
        "Nathan Cole",
        ((COUNTY, "highways", Role.CONTRACTOR), (CONTRACTOR, "crews", Role.CONTRACTOR)),
        "Greenway crew member, contractor to Wessex highways",
    ),
    KeyAccount(
        "officer@wessexpolice.example",
        "Olivia Reed",
        ((POLICE, "neighbourhood-policing", Role.FIELD_OFFICER),),
        "Wessex Police neighbourhood officer",
    ),
]


@dataclass(frozen=True)
class KeyResident:
    email: str
    full_name: str
    phone: str
    needs_assistance: bool
    assistance_notes: str
    description: str


KEY_RESIDENTS: list[KeyResident] = [
    KeyResident(
        "resident@example.com",
        "Sam Taylor",
        "07700 900001",
        False,
        "",
        "A resident with a verified account and cases",
    ),
    KeyResident(
        "assisted@example.com",
        "Peggy Fairway",
        "07700 900002",
        True,
        "Partially sighted: prefers phone calls and large print letters.",
        "A resident who needs help to use council services",
    ),
]

FIRST_NAMES = [
    "Adam",
    "Alice",
    "Amelia",
    "Amir",
    "Anna",
    "Arthur",
    "Bethany",
    "Callum",
    "Caroline",
    "Charlie",
    "Chloe",
    "Daniel",
    "Deborah",
    "Eleanor",
    "Elijah",
    "Emily",
    "Ethan",
    "Evie",
    "Fatima",
    "Finley",
    "Freya",
    "George",
    "Grace",
    "Hamza",
    "Harriet",
    "Harry",
    "Isaac",
    "Isabel",
    "Jack",
    "Jacob",
    "Jasmine",
    "Joanne",
    "Joseph",
    "Julia",
    "Karen",
    "Katie",
    "Leo",
    "Lily",
    "Lucy",
    "Luke",
    "Maisie",
    "Margaret",
    "Mark",
    "Martha",
    "Matthew",
    "Maya",
    "Megan",
    "Michael",
    "Mohammed",
    "Nadia",
    "Noah",
    "Oliver",
    "Olivia",
    "Oscar",
    "Patrick",
    "Paul",
    "Poppy",
    "Priya",
    "Rachel",
    "Rebecca",
    "Reuben",
    "Robert",
    "Rosie",
    "Ruth",
    "Ryan",
    "Samuel",
    "Sarah",
    "Sophie",
    "Stephen",
    "Susan",
    "Thomas",
    "Tobias",
    "Victoria",
    "William",
    "Yasmin",
    "Zara",
    "Zoe",
    "Graham",
    "Helen",
    "Ian",
    "Janet",
    "Kevin",
    "Linda",
]
SURNAMES = [
    "Abbott",
    "Ahmed",
    "Atkins",
    "Bailey",
    "Baker",
    "Barker",
    "Bell",
    "Bishop",
    "Brooks",
    "Burton",
    "Chapman",
    "Clarke",
    "Coleman",
    "Cooper",
    "Cox",
    "Dawson",
    "Dixon",
    "Edwards",
    "Ellis",
    "Evans",
    "Fletcher",
    "Foster",
    "Francis",
    "Gibson",
    "Gill",
    "Graham",
    "Green",
    "Hall",
    "Harper",
    "Harris",
    "Hayes",
    "Holmes",
    "Hussain",
    "Jenkins",
    "Johnson",
    "Kaur",
    "Kelly",
    "Kennedy",
    "Knight",
    "Lane",
    "Lawrence",
    "Lloyd",
    "Marsh",
    "Mason",
    "Mills",
    "Mitchell",
    "Moore",
    "Murphy",
    "Nash",
    "Newman",
    "Nolan",
    "Owen",
    "Palmer",
    "Parker",
    "Pearce",
    "Perry",
    "Phillips",
    "Powell",
    "Read",
    "Reynolds",
    "Richards",
    "Robinson",
    "Rose",
    "Russell",
    "Saunders",
    "Sharp",
    "Shaw",
    "Simpson",
    "Singh",
    "Stevens",
    "Stone",
    "Sutton",
    "Thompson",
    "Tucker",
    "Vaughan",
    "Wade",
    "Ward",
    "Watson",
    "Webb",
    "West",
    "White",
    "Williamson",
    "Woods",
    "Wright",
    "Young",
]
ASSISTANCE_NOTES = [
    "Uses a screen reader: send documents as accessible PDFs or plain text.",
    "Hard of hearing: prefers email or text messages, not phone calls.",
    "Prefers to talk in person at the council offices.",
    "English is a second language: prefers Polish. Use the interpreting service.",
    "Has dementia: her son, who has power of attorney, helps with forms.",
    "Does not use the internet: call, or write by post.",
    "Needs letters in large print.",
    "Wheelchair user: needs step-free access for appointments.",
]


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def phone_number(rng: random.Random) -> str:
    """A mobile number in Ofcom's range for drama, which is never allocated."""
    return f"07700 900{rng.randint(3, 999):03d}"


def email_for(name: str, domain: str, taken: set[str]) -> str:
    base = name.lower().replace(" ", ".").replace("'", "")
    email = f"{base}@{domain}"
    number = 2
    while email in taken:
        email = f"{base}{number}@{domain}"
        number += 1
    taken.add(email)
    return email


@contextmanager
def one_password_hash(password: str) -> Iterator[None]:
    """Hash the demo password once and reuse the hash for every demo account.

    Borough hashes passwords with Argon2, deliberately slow (about a third of a second each):
    hashing it afresh for hundreds of demo accounts would take minutes. The accounts services
    take a raw password and have no way to pass a hash, so the hasher they reach is swapped,
    for this one password only, while the demo is built.
    """
    hashed = make_password(password)

    def make(raw: str | None, salt: str | None = None, hasher: str = "default") -> str:
        if raw == password and salt is None and hasher == "default":
            return hashed
        return make_password(raw, salt, hasher)

    # `AbstractBaseUser.set_password` calls the name it imported into its own module.
    with mock.patch("django.contrib.auth.base_user.make_password", make):
        yield


# -- Building -----------------------------------------------------------------------------------


@dataclass
class People:
    organisations: dict[str, Organisation]
    teams: dict[tuple[str, str], Team]
    # (organisation key, team slug) -> role -> users
    staff: dict[tuple[str, str], dict[str, list[User]]] = field(default_factory=dict)
    residents: list[User] = field(default_factory=list)
    # The resident's home, for each resident (by user id).
    homes: dict[int, Property] = field(default_factory=dict)

    def members(self, org: str, team: str, *roles: str) -> list[User]:
        by_role = self.staff.get((org, team), {})
        found: list[User] = []
        for role in roles or tuple(by_role):
            for user in by_role.get(role, []):
                if user not in found:
                    found.append(user)
        return found

    def everyone_in(self, org: str, *roles: str) -> list[User]:
        found: list[User] = []
        for (org_key, _), by_role in self.staff.items():
            if org_key != org:
                continue
            for role, users in by_role.items():
                if roles and role not in roles:
                    continue
                found.extend(user for user in users if user not in found)
        return found


def organisations_create(boundaries: dict[str, dict[str, Any]]) -> dict[str, Organisation]:
    made = {}
    for spec in ORGANISATIONS:
        made[spec.key] = organisation_create(
            slug=spec.slug,
            name=spec.name,
            kind=spec.kind,
            reference_prefix=spec.reference_prefix,
            ons_code=spec.ons_code,
            boundary=boundaries.get(spec.area) if spec.area else None,
            brand_colour=spec.brand_colour,
            website=f"https://www.{spec.domain}",
            phone=spec.phone,
            email=f"customer.services@{spec.domain}",
        )
    return made


def teams_create(organisations: dict[str, Organisation]) -> dict[tuple[str, str], Team]:
    domains = {spec.key: spec.domain for spec in ORGANISATIONS}
    teams: dict[tuple[str, str], Team] = {}
    for org_key, organisation in organisations.items():
        teams[(org_key, "triage")] = Team.objects.get(organisation=organisation, slug="triage")
    for org_key, slug, name in TEAMS:
        teams[(org_key, slug)] = team_create(
            organisation=organisations[org_key],
            slug=slug,
            name=name,
            email=f"{slug}@{domains[org_key]}",
        )
    return teams


def people_create(
    *,
    seed: int,
    organisations: dict[str, Organisation],
    teams: dict[tuple[str, str], Team],
    homes: list[Property],
    residents: int = 200,
) -> People:
    """Staff in every role and residents with accounts, all signing in with DEMO_PASSWORD."""
    rng = random.Random(f"borough-demo:{seed}:people")
    people = People(organisations=organisations, teams=teams)
    taken: set[str] = {account.email for account in KEY_STAFF} | {r.email for r in KEY_RESIDENTS}
    domains = {spec.key: spec.domain for spec in ORGANISATIONS}

    def add(user: User, org: str, team: str, role: str) -> None:
        staff_membership_add(user=user, team=teams[(org, team)], role=role)
        people.staff.setdefault((org, team), defaultdict(list))[role].append(user)

    with one_password_hash(DEMO_PASSWORD):
        for account in KEY_STAFF:
            user = staff_user_create(
                email=account.email, full_name=account.full_name, password=DEMO_PASSWORD
            )
            for org, team, role in account.memberships:
                add(user, org, team, role)
        contractor_staff: list[User] = []
        for (org, team), roles in STAFFING.items():
            for role, count in roles.items():
                for _ in range(count):
                    name = person_name(rng)
                    # Contractor roles are held by the contractor's own people.
                    domain = domains[CONTRACTOR] if role == Role.CONTRACTOR else domains[org]
                    user = staff_user_create(
                        email=email_for(name, domain, taken), full_name=name, password=DEMO_PASSWORD
                    )
                    add(user, org, team, role)
                    if role == Role.CONTRACTOR and org != CONTRACTOR:
                        contractor_staff.append(user)
        for user in contractor_staff:
            add(user, CONTRACTOR, "crews", Role.CONTRACTOR)
        # Contact centre team leaders also lead their council's triage queue.
        for org in (DISTRICT, COUNTY):
            for user in people.members(org, "contact-centre", Role.TEAM_LEADER):
                add(user, org, "triage", Role.TEAM_LEADER)

        places = [home for home in homes if home.classification == "residential"]
        rng.shuffle(places)
        for index, key in enumerate(KEY_RESIDENTS):
            user = resident_register(
                email=key.email,
                password=DEMO_PASSWORD,
                full_name=key.full_name,
                phone=key.phone,
                verified=True,
            )
            _profile_update(
                user,
                places[index],
                key.needs_assistance,
                key.assistance_notes,
                ContactPreference.PHONE if key.needs_assistance else ContactPreference.EMAIL,
            )
            people.residents.append(user)
            people.homes[user.pk] = places[index]
        for index in range(len(KEY_RESIDENTS), residents):
            name = person_name(rng)
            needs_help = rng.random() < 0.08
            user = resident_register(
                email=email_for(name, "example.com", taken),
                password=DEMO_PASSWORD,
                full_name=name,
                phone=phone_number(rng) if rng.random() < 0.6 else "",
                verified=rng.random() < 0.7,
            )
            preference = rng.choices(
                [
                    ContactPreference.EMAIL,
                    ContactPreference.TEXT,
                    ContactPreference.PHONE,
                    ContactPreference.POST,
                ],
                weights=[70, 15, 10, 5],
            )[0]
            _profile_update(
                user,
                places[index],
                needs_help,
                rng.choice(ASSISTANCE_NOTES) if needs_help else "",
                preference,
            )
            people.residents.append(user)
            people.homes[user.pk] = places[index]
    return people


def _profile_update(
    user: User, home: Property, needs_assistance: bool, notes: str, preference: str
) -> None:
    # No service sets a resident's address or needs yet: a plain save, as the brief allows.
    profile = user.resident_profile
    profile.property = home
    profile.address_text = home.address
    profile.needs_assistance = needs_assistance
    profile.assistance_notes = notes
    profile.contact_preference = preference
    profile.save(
        update_fields=[
            "property",
            "address_text",
            "needs_assistance",
            "assistance_notes",
            "contact_preference",
            "updated_at",
        ]
    )
