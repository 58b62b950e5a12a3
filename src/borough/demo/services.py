"""The demo catalogue: what residents can do with Wessex County and Casterbridge District.

Each service is data: its catalogue entry (name, group, LGSL code, keywords, SLA, fee, what it
needs), its form definition, and, for the history generator only, how often residents use
it, how long it takes to close and what staff say along the way (`Story`).

LGSL codes 524, 526, 528, 530, 587 (waste), 59 (council tax discount), 69 (housing benefit
new claim) and 279 (blue badge) are the real ones; the others are plausible stand-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DISTRICT = "district"
COUNTY = "county"

Form = dict[str, Any]
Question = dict[str, Any]


# -- Form-definition builders ----------------------------------------------------------------


def options(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"value": value, "label": label} for value, label in pairs]


def question(
    id: str,
    type: str,
    label: str,
    *,
    name: str | None = None,
    hint: str | None = None,
    required: bool = True,
    choices: list[dict[str, str]] | None = None,
    when: dict[str, Any] | None = None,
    validation: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Question:
    q: Question = {"id": id, "type": type, "label": label}
    if name:
        q["name"] = name
    if hint:
        q["hint"] = hint
    if not required:
        q["required"] = False
    if choices is not None:
        q["options"] = choices
    if when is not None:
        q["when"] = when
    if validation:
        q["validation"] = validation
    if errors:
        q["errors"] = errors
    return q


def page(
    *questions: Question, when: dict[str, Any] | None = None, title: str = ""
) -> dict[str, Any]:
    """A page; one question per page is the pattern, so the page takes the question's id."""
    p: dict[str, Any] = {"id": questions[0]["id"], "questions": list(questions)}
    if title:
        p["title"] = title
    if when is not None:
        p["when"] = when
    return p


def form(title: str, *pages: dict[str, Any]) -> Form:
    return {"title": title, "pages": list(pages)}


def details(
    label: str = "Is there anything else we should know?", hint: str = ""
) -> dict[str, Any]:
    return page(
        question(
            "details",
            "textarea",
            label,
            name="more details",
            required=False,
            hint=hint or "Do not include personal information about other people.",
            validation={"max_length": 1200},
        )
    )


def photos(label: str = "Add photos (optional)") -> dict[str, Any]:
    return page(
        question(
            "photos",
            "file",
            label,
            name="photos",
            required=False,
            hint="You can add up to 3 photos. Photos help our teams find the problem.",
            validation={"max_files": 3, "accept": ["image/jpeg", "image/png"]},
        )
    )


def seen_date(label: str = "When did you see it?") -> dict[str, Any]:
    return page(
        question(
            "seen_date",
            "date",
            label,
            name="the date you saw it",
            hint="For example, 27 3 2026",
            validation={"not_future": True},
            errors={"not_future": "The date you saw it must be today or in the past"},
        )
    )


REGISTRATION = question(
    "registration",
    "text",
    "What is the vehicle's registration number?",
    name="the registration number",
    hint="For example, AB12 CDE",
    validation={"max_length": 10, "pattern": "^[A-Za-z0-9 ]{2,10}$"},
    errors={"pattern": "Enter the registration number using only letters and numbers"},
)

COUNCIL_TAX_ACCOUNT = question(
    "account_number",
    "text",
    "What is your council tax account number?",
    name="your council tax account number",
    hint="It's 8 digits and starts with 5. You can find it on your council tax bill.",
    validation={"pattern": "^5[0-9]{7}$"},
    errors={
        "pattern": "Enter your council tax account number in the correct format, like 51234567"
    },
)

NATIONAL_INSURANCE = question(
    "nino",
    "text",
    "What is their National Insurance number?",
    name="the National Insurance number",
    hint="It's on their National Insurance card, benefit letter, payslip or P60. "
    "For example, 'QQ 12 34 56 C'.",
    validation={"pattern": "^[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Da-d]$"},
    errors={"pattern": "Enter a National Insurance number in the correct format"},
)

SCHOOLS = options(
    ("casterbridge-primary", "Casterbridge Primary School"),
    ("durnover-primary", "Durnover Church of England Primary School"),
    ("mellstock-primary", "Mellstock Primary School"),
    ("weatherbury-first", "Weatherbury First School"),
    ("froom-vale-academy", "Froom Vale Academy"),
    ("wessex-grammar", "Casterbridge Grammar School"),
    ("hardy-secondary", "Egdon Heath Secondary School"),
)


# -- What the history generator needs to know ---------------------------------------------------


@dataclass(frozen=True)
class Story:
    """How a service's cases tend to go, for the generated history."""

    # Relative number of cases a year.
    weight: float
    # Typical calendar days from submission to close.
    close_days: float
    # How cases close: (status, weight, what the resident is told).
    outcomes: tuple[tuple[str, float, str], ...]
    # Steps on the way: (status, public message or "").
    progress: tuple[tuple[str, str], ...] = ()
    # Internal notes staff write.
    notes: tuple[str, ...] = ()
    # Example answers for text questions (question id -> choices).
    examples: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # Street reports can come from staff in the field and from partners.
    street: bool = False
    # Share of cases that are urgent, and the answer that makes them so.
    urgent_when: tuple[str, Any] | None = None


@dataclass(frozen=True)
class ServiceSpec:
    organisation: str
    team: str
    code: str
    name: str
    summary: str
    group: str
    kind: str
    form: Form
    story: Story
    description: str = ""
    keywords: tuple[str, ...] = ()
    lgsl_code: int | None = None
    needs_location: bool = False
    needs_property: bool = False
    identity: str = "account"
    fee_pence: int = 0
    sla_value: int | None = None
    sla_unit: str = "working_days"
    public_cases: bool = False
    other_ways: str = ""

    def service_create_kwargs(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "summary": self.summary,
            "group": self.group,
            "kind": self.kind,
            "form": self.form,
            "description": self.description,
            "keywords": list(self.keywords),
            "lgsl_code": self.lgsl_code,
            "needs_location": self.needs_location,
            "needs_property": self.needs_property,
            "identity": self.identity,
            "fee_pence": self.fee_pence,
            "sla_value": self.sla_value,
            "sla_unit": self.sla_unit,
            "public_cases": self.public_cases,
            "other_ways": self.other_ways,
        }


@dataclass(frozen=True)
class RoutingSpec:
    service: str
    team: str
    priority: int
    answers: dict[str, Any] = field(default_factory=dict)
    # A ward name: the rule applies in that ward only.
    ward: str = ""


DISTRICT_PHONE = (
    "Call Casterbridge District Council on 01305 900 100, Monday to Friday, 9am to 5pm."
)
COUNTY_PHONE = "Call Wessex County Council on 01305 900 200, Monday to Friday, 8am to 6pm."
CLOSED_FIXED = "fixed"
CLOSED = "closed"
NFA = "no_further_action"
NOT_OURS = "not_councils_responsibility"
CANCELLED = "cancelled"

# -- Casterbridge District Council -------------------------------------------------------------

BINS = "Bins and recycling"
STREET_CLEANING = "Street cleaning"
ENVIRONMENT = "Environment and pollution"
COUNCIL_TAX = "Council tax"
BENEFITS = "Benefits"
PARKING = "Parking"
LICENSING = "Licensing"
STREETS = "Streets and roads"
BLUE_BADGES = "Blue badges"
SCHOOLS_GROUP = "Schools"

BIN_TYPES = options(
    ("rubbish", "Rubbish (black bin)"),
    ("recycling", "Recycling (blue bin)"),
    ("food", "Food waste caddy"),
    ("garden", "Garden waste (green bin)"),
    ("glass", "Glass box"),
)

DISTRICT_SERVICES: list[ServiceSpec] = [
    ServiceSpec(
        organisation=DISTRICT,
        team="waste",
        code="report-missed-bin",
        name="Report a missed bin collection",
        summary="Tell us if your bin was not collected on your collection day.",
        description="Report a missed bin by 5pm on the working day after your collection day. "
        "Check your collection day first: collections can change around bank holidays.",
        group=BINS,
        kind="report",
        lgsl_code=524,
        needs_property=True,
        identity="anonymous",
        sla_value=2,
        keywords=(
            "bin",
            "bins",
            "rubbish",
            "recycling",
            "missed",
            "not collected",
            "refuse",
            "wheelie bin",
            "collection",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Report a missed bin collection",
            page(
                question(
                    "bin_type",
                    "radios",
                    "Which bin was not collected?",
                    name="the bin",
                    choices=BIN_TYPES,
                    errors={"required": "Select which bin was not collected"},
                )
            ),
            page(
                question(
                    "garden_subscriber",
                    "yes_no",
                    "Do you pay for garden waste collections?",
                    name="whether you pay for garden waste collections",
                    hint="Garden waste is collected only for households that subscribe.",
                    errors={"required": "Select yes if you pay for garden waste collections"},
                ),
                when={"question": "bin_type", "equals": "garden"},
            ),
            page(
                question(
                    "put_out",
                    "yes_no",
                    "Was the bin out by 7am on your collection day?",
                    name="whether the bin was out by 7am",
                    hint="Bins need to be at the edge of your property, with the lid closed.",
                    errors={"required": "Select yes if the bin was out by 7am"},
                )
            ),
            details(hint="For example, where you left the bin, or if the whole street was missed."),
        ),
        story=Story(
            weight=60,
            close_days=1.6,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.7,
                    "The crew went back and emptied your bin. Sorry it was missed.",
                ),
                (
                    NFA,
                    0.2,
                    "The crew reported that the bin was not out when they passed, so we "
                    "will not return this time. Your next collection is on your usual day.",
                ),
                (CLOSED, 0.1, "Your bin was emptied on the next round."),
            ),
            progress=(
                ("action_scheduled", "We have asked the crew to return within 2 working days."),
            ),
            notes=(
                "Crew tablet shows the bin as 'not presented' at 06:52.",
                "Whole road missed: the vehicle broke down. Recovery round booked.",
                "Third missed collection this quarter at this address; added to the assisted "
                "check list.",
            ),
            examples={
                "details": (
                    "The lorry came but the crew missed our bin.",
                    "The bin was at the end of the drive as usual.",
                    "All the bins in the street were missed this week.",
                )
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="waste",
        code="request-container",
        name="Request a new or replacement bin",
        summary="Order a bin, box or caddy for a new home, or replace one that is lost or damaged.",
        description="New-build properties get their first bins free. Replacing a lost, stolen or "
        "damaged bin costs £25, including delivery. We deliver within 10 working days.",
        group=BINS,
        kind="request",
        lgsl_code=526,
        needs_property=True,
        identity="account",
        fee_pence=2500,
        sla_value=10,
        keywords=(
            "bin",
            "new bin",
            "replacement bin",
            "broken bin",
            "stolen bin",
            "box",
            "caddy",
            "container",
            "wheelie bin",
            "bigger bin",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Request a new or replacement bin",
            page(
                question(
                    "container",
                    "select",
                    "What do you need?",
                    name="what you need",
                    choices=options(
                        ("rubbish_bin", "Rubbish bin (180 litres)"),
                        ("recycling_bin", "Recycling bin (240 litres)"),
                        ("food_caddy", "Outdoor food waste caddy"),
                        ("kitchen_caddy", "Kitchen food caddy"),
                        ("glass_box", "Glass box"),
                        ("garden_bin", "Garden waste bin"),
                    ),
                    errors={"required": "Select what you need"},
                )
            ),
            page(
                question(
                    "reason",
                    "radios",
                    "Why do you need it?",
                    name="why you need it",
                    choices=options(
                        ("new_property", "I have moved into a new-build home"),
                        ("missing", "It is lost or was stolen"),
                        ("damaged", "It is damaged"),
                        ("bigger", "I need a bigger bin"),
                    ),
                )
            ),
            page(
                question(
                    "damage",
                    "textarea",
                    "What is wrong with it?",
                    name="what is wrong with it",
                    hint="For example, a broken lid or a cracked wheel.",
                    validation={"max_length": 500},
                ),
                when={"question": "reason", "equals": "damaged"},
            ),
            page(
                question(
                    "household_size",
                    "number",
                    "How many people live at the property?",
                    name="how many people live at the property",
                    hint="Households of 6 or more can have a bigger rubbish bin.",
                    validation={"min": 1, "max": 20, "integer": True},
                ),
                when={"question": "reason", "equals": "bigger"},
            ),
            page(
                question(
                    "quantity",
                    "number",
                    "How many do you need?",
                    name="how many you need",
                    validation={"min": 1, "max": 3, "integer": True},
                    errors={"max": "You can order up to 3 at a time"},
                )
            ),
        ),
        story=Story(
            weight=20,
            close_days=8,
            outcomes=(
                (CLOSED_FIXED, 0.85, "Your new bin has been delivered."),
                (CANCELLED, 0.1, "You told us you found your bin, so we cancelled the order."),
                (
                    NFA,
                    0.05,
                    "We could not deliver because we could not find the property. Please call us.",
                ),
            ),
            progress=(("action_scheduled", "Your bin is booked for delivery."),),
            notes=("Delivery added to Thursday's run.", "Damaged bin to be collected on delivery."),
            examples={
                "damage": (
                    "The lid has snapped off.",
                    "One of the wheels is broken.",
                    "The bin is cracked down the side.",
                )
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="waste",
        code="book-bulky-waste",
        name="Book a bulky waste collection",
        summary="Book a collection of large household items like furniture and fridges.",
        description="We collect up to 5 large items. It costs £36 for up to 3 items and each "
        "item after that costs its own price. Leave items outside by 7am on your "
        "collection day. We do not collect building waste or garden waste.",
        group=BINS,
        kind="book",
        lgsl_code=528,
        needs_property=True,
        identity="account",
        fee_pence=3600,
        sla_value=10,
        keywords=(
            "bulky",
            "furniture",
            "sofa",
            "fridge",
            "mattress",
            "large items",
            "white goods",
            "collection",
            "settee",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Book a bulky waste collection",
            page(
                question(
                    "items",
                    "checkboxes",
                    "What do you want us to collect?",
                    name="what you want us to collect",
                    hint="Select all that apply.",
                    choices=options(
                        ("sofa", "Sofa or settee"),
                        ("armchair", "Armchair"),
                        ("mattress", "Mattress"),
                        ("bed_frame", "Bed frame"),
                        ("wardrobe", "Wardrobe or chest of drawers"),
                        ("table", "Table or chairs"),
                        ("fridge_freezer", "Fridge or freezer"),
                        ("washing_machine", "Washing machine or dishwasher"),
                        ("other", "Something else"),
                    ),
                    validation={"min_selected": 1, "max_selected": 5},
                    errors={"max_selected": "Select up to 5 items"},
                )
            ),
            page(
                question(
                    "other_items",
                    "text",
                    "What else do you want us to collect?",
                    name="what else you want us to collect",
                    validation={"max_length": 200},
                ),
                when={"question": "items", "includes": "other"},
            ),
            page(
                question(
                    "item_count",
                    "number",
                    "How many items are there in total?",
                    name="how many items there are",
                    validation={"min": 1, "max": 5, "integer": True},
                    errors={
                        "max": "We can collect up to 5 items. Book another collection for more"
                    },
                )
            ),
            page(
                question(
                    "placement",
                    "radios",
                    "Where will you leave the items?",
                    name="where you will leave the items",
                    choices=options(
                        ("front_garden", "In the front garden"),
                        ("driveway", "On the driveway"),
                        ("kerbside", "At the edge of the pavement"),
                        ("other", "Somewhere else"),
                    ),
                )
            ),
            page(
                question(
                    "collection_date",
                    "date",
                    "Which day would you like us to collect?",
                    name="the collection day",
                    hint="We collect on weekdays. For example, 14 4 2026",
                    validation={"not_past": True},
                    errors={"not_past": "The collection day must be today or in the future"},
                )
            ),
            details(
                "Is there anything the crew needs to know?",
                hint="For example, a gate code or where to park.",
            ),
        ),
        story=Story(
            weight=25,
            close_days=8,
            outcomes=(
                (CLOSED_FIXED, 0.88, "Your items have been collected."),
                (CANCELLED, 0.07, "You cancelled this booking. Your fee has been refunded."),
                (NFA, 0.05, "The crew could not find the items. Please call us to rebook."),
            ),
            progress=(("action_scheduled", "Your collection is booked."),),
            notes=(
                "Fridge: needs the van with the tail lift.",
                "Booked onto the Tuesday bulky round.",
            ),
            examples={
                "other_items": ("Exercise bike", "Garden bench", "Cot", "Rolled-up carpet"),
                "details": (
                    "Items will be by the side gate.",
                    "Please ring the bell first.",
                    "Parking is tight, please use the lay-by.",
                ),
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="waste",
        code="subscribe-garden-waste",
        name="Subscribe to garden waste collection",
        summary="Pay for your green bin to be emptied every 2 weeks for a year.",
        description="A year's garden waste collections cost £45 for each bin. We empty green bins "
        "every other week, except over Christmas.",
        group=BINS,
        kind="request",
        lgsl_code=530,
        needs_property=True,
        identity="account",
        fee_pence=4500,
        sla_value=10,
        keywords=(
            "garden waste",
            "green bin",
            "grass",
            "hedge cuttings",
            "subscription",
            "garden bin",
            "leaves",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Subscribe to garden waste collection",
            page(
                question(
                    "bins",
                    "number",
                    "How many garden waste bins do you want emptied?",
                    name="how many bins",
                    hint="Each bin costs £45 a year.",
                    validation={"min": 1, "max": 3, "integer": True},
                )
            ),
            page(
                question(
                    "has_bin",
                    "yes_no",
                    "Do you already have a green garden waste bin?",
                    name="whether you have a green bin",
                )
            ),
            page(
                question(
                    "start_date",
                    "date",
                    "When do you want collections to start?",
                    name="the start date",
                    validation={"not_past": True},
                    errors={"not_past": "The start date must be today or in the future"},
                )
            ),
            page(
                question(
                    "contact_phone",
                    "phone",
                    "What number can we call if the crew cannot find your bin?",
                    name="a phone number",
                    required=False,
                    hint="For international numbers include the country code.",
                )
            ),
        ),
        story=Story(
            weight=15,
            close_days=6,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.92,
                    "Your subscription is active. Collections start on the date you chose.",
                ),
                (CANCELLED, 0.08, "You cancelled your subscription and your payment was refunded."),
            ),
            progress=(("in_progress", ""),),
            notes=("Bin delivery added to the garden waste round.",),
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="waste",
        code="apply-assisted-collection",
        name="Apply for an assisted bin collection",
        summary="Ask for your bins to be collected from your property if you cannot take them out.",
        description="If nobody at your home can put the bins out, our crews can collect them from "
        "where you keep them and put them back.",
        group=BINS,
        kind="apply",
        lgsl_code=1139,
        needs_property=True,
        identity="account",
        sla_value=10,
        keywords=(
            "assisted collection",
            "help with bins",
            "disabled",
            "elderly",
            "cannot move bin",
            "pull out",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Apply for an assisted bin collection",
            page(
                question(
                    "reasons",
                    "checkboxes",
                    "Why can you not put your bins out?",
                    name="why you cannot put your bins out",
                    hint="Select all that apply.",
                    choices=options(
                        ("mobility", "Limited mobility"),
                        ("health", "A long-term health condition"),
                        ("age", "Age or frailty"),
                        ("temporary", "An injury or operation"),
                    ),
                )
            ),
            page(
                question(
                    "anyone_else",
                    "yes_no",
                    "Does anyone aged 16 or over live with you who could put the bins out?",
                    name="whether someone else could put the bins out",
                )
            ),
            page(
                question(
                    "bin_location",
                    "textarea",
                    "Where do you keep your bins?",
                    name="where you keep your bins",
                    hint="For example, behind the side gate.",
                    validation={"max_length": 300},
                )
            ),
            page(
                question(
                    "duration",
                    "radios",
                    "How long do you need help for?",
                    name="how long you need help for",
                    choices=options(
                        ("permanent", "For the foreseeable future"),
                        ("temporary", "For a short time"),
                    ),
                )
            ),
            page(
                question(
                    "end_date",
                    "date",
                    "Until when do you need help?",
                    name="the date you need help until",
                    validation={"not_past": True},
                ),
                when={"question": "duration", "equals": "temporary"},
            ),
        ),
        story=Story(
            weight=4,
            close_days=9,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.8,
                    "Assisted collections are set up. Crews will collect your "
                    "bins from where you keep them.",
                ),
                (
                    NFA,
                    0.2,
                    "Someone in your household can put the bins out, so we cannot offer "
                    "assisted collections.",
                ),
            ),
            progress=(("investigating", "An officer will call you to check the details."),),
            examples={
                "bin_location": (
                    "Behind the side gate.",
                    "In the front garden by the porch.",
                    "In the bin store at the back of the flats.",
                )
            },
        ),
    ),
    # Street cleaning
    ServiceSpec(
        organisation=DISTRICT,
        team="street-cleansing",
        code="report-fly-tipping",
        name="Report fly-tipping",
        summary="Tell us about rubbish dumped on a street, verge or public land.",
        description="Report rubbish dumped illegally on public land. We aim to clear it within 5 "
        "working days, and sooner if it is dangerous. If you see someone fly-tipping, do not "
        "approach them.",
        group=STREET_CLEANING,
        kind="report",
        lgsl_code=587,
        needs_location=True,
        identity="anonymous",
        sla_value=5,
        public_cases=True,
        keywords=(
            "fly-tipping",
            "flytipping",
            "dumped",
            "dumping",
            "rubbish",
            "waste",
            "mattress",
            "tyres",
            "illegal dumping",
            "junk",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Report fly-tipping",
            page(
                question(
                    "waste_types",
                    "checkboxes",
                    "What has been dumped?",
                    name="what has been dumped",
                    hint="Select all that apply.",
                    choices=options(
                        ("black_bags", "Black bags"),
                        ("household", "Household items or furniture"),
                        ("building", "Building rubble"),
                        ("garden", "Garden waste"),
                        ("tyres", "Tyres"),
                        ("electrical", "Electrical items"),
                        ("asbestos", "Asbestos or chemicals"),
                        ("other", "Something else"),
                    ),
                    errors={"required": "Select what has been dumped"},
                )
            ),
            page(
                question(
                    "amount",
                    "radios",
                    "How much has been dumped?",
                    name="how much has been dumped",
                    choices=options(
                        ("single_item", "A single item"),
                        ("car_boot", "A car boot load or less"),
                        ("van_load", "A small van load"),
                        ("lorry_load", "A lorry load or more"),
                    ),
                )
            ),
            page(
                question(
                    "private_land",
                    "yes_no",
                    "Is it on private land?",
                    name="whether it is on private land",
                    hint="For example, in a private car park or someone's garden.",
                )
            ),
            seen_date(),
            page(
                question(
                    "seen_dumping",
                    "yes_no",
                    "Did you see who dumped it?",
                    name="whether you saw who dumped it",
                )
            ),
            page(
                question(
                    "offender",
                    "textarea",
                    "Describe who dumped it and any vehicle",
                    name="a description",
                    hint="Include a vehicle registration if you saw one.",
                    validation={"max_length": 600},
                ),
                when={"question": "seen_dumping", "equals": True},
            ),
            photos(),
            details(),
        ),
        story=Story(
            weight=40,
            close_days=4,
            street=True,
            outcomes=(
                (CLOSED_FIXED, 0.78, "The fly-tipping has been cleared."),
                (
                    NOT_OURS,
                    0.12,
                    "This is on private land, so the landowner must clear it. "
                    "We have written to them.",
                ),
                (NFA, 0.1, "Our crew could not find any fly-tipping at this location."),
            ),
            progress=(
                (
                    "investigating",
                    "An enforcement officer will look for evidence before it is cleared.",
                ),
                ("action_scheduled", "A crew is booked to clear it."),
            ),
            notes=(
                "Envelope with an address found in the bags: passed to enforcement.",
                "Regular hotspot. Suggest a camera here.",
                "Crew cleared 6 bags and a chair.",
            ),
            examples={
                "offender": (
                    "A white van, registration started WX, two men unloading bags.",
                    "A man in a silver estate car tipped garden waste over the hedge.",
                ),
                "details": (
                    "It is blocking half the pavement.",
                    "There is broken glass in it.",
                    "It has been there for over a week.",
                    "Next to the bottle bank.",
                ),
            },
            urgent_when=("waste_types", "asbestos"),
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="street-cleansing",
        code="report-graffiti",
        name="Report graffiti",
        summary="Tell us about graffiti on walls, bus shelters and other public places.",
        description="We remove offensive graffiti within 1 working day and other graffiti within "
        "5 working days from public property.",
        group=STREET_CLEANING,
        kind="report",
        lgsl_code=420,
        needs_location=True,
        identity="anonymous",
        sla_value=5,
        public_cases=True,
        keywords=("graffiti", "tagging", "spray paint", "vandalism", "offensive"),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Report graffiti",
            page(
                question(
                    "surface",
                    "radios",
                    "Where is the graffiti?",
                    name="where the graffiti is",
                    choices=options(
                        ("wall", "On a wall or fence"),
                        ("bus_shelter", "On a bus shelter"),
                        ("road_sign", "On a road sign"),
                        ("street_furniture", "On a bench, bin or other street furniture"),
                        ("bridge", "On a bridge or underpass"),
                        ("other", "Somewhere else"),
                    ),
                )
            ),
            page(
                question(
                    "offensive",
                    "yes_no",
                    "Is the graffiti offensive or racist?",
                    name="whether it is offensive",
                    hint="We remove offensive graffiti within 1 working day.",
                )
            ),
            page(
                question(
                    "size",
                    "radios",
                    "How big is it?",
                    name="how big it is",
                    choices=options(
                        ("small", "Smaller than a door"),
                        ("medium", "About the size of a door"),
                        ("large", "Larger than a door"),
                    ),
                )
            ),
            photos(),
            details(),
        ),
        story=Story(
            weight=12,
            close_days=4,
            street=True,
            outcomes=(
                (CLOSED_FIXED, 0.8, "The graffiti has been removed."),
                (
                    NOT_OURS,
                    0.2,
                    "The graffiti is on private property. We have asked the owner to remove it.",
                ),
            ),
            progress=(("action_scheduled", "Our graffiti team will remove it."),),
            notes=("Same tag as the underpass last month.", "Needs the pressure washer."),
            examples={
                "details": ("Tag on the side of the shelter.", "It is on the old railway bridge.")
            },
            urgent_when=("offensive", True),
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="street-cleansing",
        code="report-dog-fouling",
        name="Report dog fouling",
        summary="Tell us about dog mess on pavements, parks and play areas.",
        description="We clean up dog fouling and use reports to decide where to patrol.",
        group=STREET_CLEANING,
        kind="report",
        lgsl_code=423,
        needs_location=True,
        identity="anonymous",
        sla_value=5,
        public_cases=True,
        keywords=("dog fouling", "dog mess", "dog poo", "dog waste", "poop"),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Report dog fouling",
            page(
                question(
                    "where",
                    "radios",
                    "Where is it?",
                    name="where it is",
                    choices=options(
                        ("pavement", "On a pavement"),
                        ("park", "In a park"),
                        ("play_area", "In a children's play area"),
                        ("verge", "On a grass verge"),
                    ),
                )
            ),
            page(
                question(
                    "frequency",
                    "radios",
                    "Is this a regular problem?",
                    name="how often it happens",
                    choices=options(
                        ("once", "No, it's a one-off"), ("regular", "Yes, it happens regularly")
                    ),
                )
            ),
            page(
                question(
                    "time_of_day",
                    "select",
                    "When does it usually happen?",
                    name="when it happens",
                    choices=options(
                        ("morning", "Early morning"),
                        ("daytime", "During the day"),
                        ("evening", "In the evening"),
                        ("night", "At night"),
                    ),
                ),
                when={"question": "frequency", "equals": "regular"},
            ),
            page(
                question(
                    "seen_owner",
                    "yes_no",
                    "Have you seen who is responsible?",
                    name="whether you have seen who is responsible",
                )
            ),
            page(
                question(
                    "owner_description",
                    "textarea",
                    "Describe the person and the dog",
                    name="a description",
                    validation={"max_length": 500},
                ),
                when={"question": "seen_owner", "equals": True},
            ),
        ),
        story=Story(
            weight=10,
            close_days=4,
            street=True,
            outcomes=(
                (CLOSED_FIXED, 0.75, "The area has been cleaned."),
                (CLOSED, 0.25, "Our wardens will patrol here at the times you told us."),
            ),
            progress=(("action_scheduled", ""),),
            notes=("Added to the dog warden patrol list.",),
            examples={
                "owner_description": (
                    "A man with a black Labrador, around 7am.",
                    "A woman with two small white dogs.",
                )
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="street-cleansing",
        code="report-litter",
        name="Report litter or a dirty street",
        summary="Tell us about litter, broken glass, overflowing litter bins or a street that needs sweeping.",
        group=STREET_CLEANING,
        kind="report",
        lgsl_code=1011,
        needs_location=True,
        identity="anonymous",
        sla_value=5,
        public_cases=True,
        keywords=(
            "litter",
            "dirty street",
            "broken glass",
            "litter bin",
            "overflowing bin",
            "needles",
            "sweeping",
            "leaves",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Report litter or a dirty street",
            page(
                question(
                    "problem",
                    "checkboxes",
                    "What is the problem?",
                    name="the problem",
                    hint="Select all that apply.",
                    choices=options(
                        ("litter", "Litter"),
                        ("broken_glass", "Broken glass"),
                        ("needles", "Needles or syringes"),
                        ("overflowing_bin", "An overflowing litter bin"),
                        ("leaves", "Fallen leaves"),
                        ("spillage", "A spillage"),
                    ),
                )
            ),
            details(),
        ),
        story=Story(
            weight=10,
            close_days=3,
            street=True,
            outcomes=(
                (CLOSED_FIXED, 0.9, "The street has been cleaned."),
                (NFA, 0.1, "The street was clean when our crew arrived."),
            ),
            notes=("Sent the mechanical sweeper.",),
            examples={
                "details": ("Litter all along the hedge line.", "The bin by the bus stop is full.")
            },
            urgent_when=("problem", "needles"),
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="environmental-health",
        code="report-abandoned-vehicle",
        name="Report an abandoned vehicle",
        summary="Tell us about a vehicle that seems to have been left on a road or public land.",
        description="A vehicle is not abandoned just because it has not moved for a while. Check "
        "whether it is taxed on GOV.UK first. If it is causing a danger, call the police.",
        group=STREET_CLEANING,
        kind="report",
        lgsl_code=1,
        needs_location=True,
        identity="anonymous",
        sla_value=15,
        public_cases=True,
        keywords=("abandoned vehicle", "abandoned car", "dumped car", "untaxed", "burnt out car"),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Report an abandoned vehicle",
            page(REGISTRATION),
            page(
                question(
                    "make",
                    "text",
                    "What make and model is it?",
                    name="the make and model",
                    hint="For example, Ford Focus",
                    validation={"max_length": 60},
                )
            ),
            page(
                question(
                    "colour",
                    "text",
                    "What colour is it?",
                    name="the colour",
                    validation={"max_length": 30},
                )
            ),
            page(
                question(
                    "how_long",
                    "radios",
                    "How long has it been there?",
                    name="how long it has been there",
                    choices=options(
                        ("under_week", "Less than a week"),
                        ("one_two_weeks", "1 to 2 weeks"),
                        ("over_two_weeks", "More than 2 weeks"),
                    ),
                )
            ),
            page(
                question(
                    "condition",
                    "checkboxes",
                    "What condition is it in?",
                    name="its condition",
                    required=False,
                    hint="Select all that apply.",
                    choices=options(
                        ("flat_tyres", "Flat tyres"),
                        ("broken_windows", "Broken windows"),
                        ("untaxed", "Not taxed"),
                        ("burnt_out", "Burnt out"),
                        ("rubbish_inside", "Full of rubbish"),
                    ),
                )
            ),
            details(),
        ),
        story=Story(
            weight=8,
            close_days=14,
            street=True,
            outcomes=(
                (CLOSED, 0.5, "We put a notice on the vehicle and the owner moved it."),
                (CLOSED_FIXED, 0.25, "The vehicle has been removed."),
                (NFA, 0.25, "The vehicle is taxed and has an MOT, so it is not abandoned."),
            ),
            progress=(
                ("investigating", "An officer will inspect the vehicle."),
                ("action_scheduled", "We have put a 7-day notice on the vehicle."),
            ),
            notes=("DVLA check: SORN since March.", "Keeper traced to an address in Weymouth."),
            examples={
                "registration": ("WX15 KLM", "HF62 ABC", "YT09 RPN", "WV18 GHD"),
                "make": ("Ford Focus", "Vauxhall Corsa", "Renault Clio", "BMW 3 Series"),
                "colour": ("Silver", "Blue", "Black", "Red"),
            },
        ),
    ),
    # Environment and pollution
    ServiceSpec(
        organisation=DISTRICT,
        team="environmental-health",
        code="report-noise",
        name="Report a noise problem",
        summary="Tell us about noise from neighbours, businesses, alarms or building work.",
        description="We can act on noise that happens often and seriously affects your home. We "
        "may ask you to keep a diary. For noise happening now at night, call the out-of-hours line.",
        group=ENVIRONMENT,
        kind="report",
        lgsl_code=506,
        identity="account",
        sla_value=20,
        keywords=("noise", "loud music", "barking dog", "neighbour", "alarm", "nuisance", "party"),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Report a noise problem",
            page(
                question(
                    "source_address",
                    "address",
                    "Where is the noise coming from?",
                    name="the address the noise is coming from",
                    hint="Search for the address by postcode.",
                )
            ),
            page(
                question(
                    "noise_type",
                    "radios",
                    "What kind of noise is it?",
                    name="the kind of noise",
                    choices=options(
                        ("music", "Loud music or TV"),
                        ("dog", "A barking dog"),
                        ("alarm", "A house or car alarm"),
                        ("shouting", "Shouting or banging"),
                        ("construction", "Building work"),
                        ("business", "A pub, shop or factory"),
                        ("other", "Something else"),
                    ),
                )
            ),
            page(
                question(
                    "when_happens",
                    "checkboxes",
                    "When does it happen?",
                    name="when it happens",
                    hint="Select all that apply.",
                    choices=options(
                        ("day", "During the day"),
                        ("evening", "In the evening"),
                        ("night", "At night, 11pm to 7am"),
                        ("weekend", "At weekends"),
                    ),
                )
            ),
            page(
                question(
                    "started",
                    "date",
                    "When did the noise start?",
                    name="when the noise started",
                    validation={"not_future": True},
                )
            ),
            page(
                question(
                    "spoken_to",
                    "yes_no",
                    "Have you spoken to the person making the noise?",
                    name="whether you have spoken to them",
                    hint="Only if it is safe to do so.",
                )
            ),
            details("Describe the noise and how it affects you"),
        ),
        story=Story(
            weight=12,
            close_days=22,
            outcomes=(
                (CLOSED, 0.45, "We wrote to the person responsible and the noise has stopped."),
                (
                    NFA,
                    0.35,
                    "The noise we recorded was not a statutory nuisance, so we cannot take action.",
                ),
                (CLOSED_FIXED, 0.2, "We served a noise abatement notice."),
            ),
            progress=(
                ("investigating", "We have sent you a noise diary to fill in for 2 weeks."),
                ("waiting", "We are waiting for your noise diary."),
            ),
            notes=(
                "Diary returned: 9 incidents after midnight.",
                "Noise app recordings reviewed.",
                "Letter A sent to the address.",
            ),
            examples={
                "details": (
                    "Music until 2am most weekends, the bass comes through the wall.",
                    "The dog barks all day when they are out at work.",
                    "Building work starts at 6am, including Sundays.",
                )
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="environmental-health",
        code="book-pest-control",
        name="Book pest control",
        summary="Book a visit to deal with rats, mice, wasps and other pests at your home.",
        description="A treatment costs £65. It is £20 if you get a means-tested benefit.",
        group=ENVIRONMENT,
        kind="book",
        lgsl_code=1000,
        needs_property=True,
        identity="account",
        fee_pence=6500,
        sla_value=5,
        keywords=(
            "pest control",
            "rats",
            "mice",
            "wasps",
            "bed bugs",
            "fleas",
            "cockroaches",
            "vermin",
            "infestation",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Book pest control",
            page(
                question(
                    "pest",
                    "radios",
                    "What pest do you have?",
                    name="the pest",
                    choices=options(
                        ("rats", "Rats"),
                        ("mice", "Mice"),
                        ("wasps", "Wasps"),
                        ("fleas", "Fleas"),
                        ("bedbugs", "Bed bugs"),
                        ("cockroaches", "Cockroaches"),
                    ),
                )
            ),
            page(
                question(
                    "where_found",
                    "radios",
                    "Where have you seen them?",
                    name="where you have seen them",
                    choices=options(
                        ("inside", "Inside the home"),
                        ("garden", "In the garden"),
                        ("both", "Inside and outside"),
                    ),
                )
            ),
            page(
                question(
                    "benefits",
                    "yes_no",
                    "Do you get a means-tested benefit?",
                    name="whether you get a means-tested benefit",
                    hint="For example, Universal Credit, Pension Credit or housing benefit.",
                )
            ),
            page(
                question(
                    "preferred_date",
                    "date",
                    "When would you like the visit?",
                    name="the visit date",
                    validation={"not_past": True},
                )
            ),
        ),
        story=Story(
            weight=8,
            close_days=5,
            outcomes=(
                (CLOSED_FIXED, 0.85, "The treatment is complete."),
                (CANCELLED, 0.15, "You cancelled the booking."),
            ),
            progress=(("action_scheduled", "Your visit is booked."),),
            notes=("Second visit needed in 10 days.", "Bait boxes laid in the loft."),
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="environmental-health",
        code="report-food-safety",
        name="Report a food safety problem",
        summary="Tell us about a restaurant, shop or takeaway you think is unhygienic.",
        group=ENVIRONMENT,
        kind="report",
        lgsl_code=418,
        identity="anonymous",
        sla_value=10,
        keywords=(
            "food hygiene",
            "food poisoning",
            "dirty restaurant",
            "takeaway",
            "out of date food",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Report a food safety problem",
            page(
                question(
                    "business_name",
                    "text",
                    "What is the name of the business?",
                    name="the name of the business",
                    validation={"max_length": 120},
                )
            ),
            page(
                question(
                    "business_address",
                    "address",
                    "What is the address of the business?",
                    name="the address of the business",
                )
            ),
            page(
                question(
                    "problem",
                    "radios",
                    "What is the problem?",
                    name="the problem",
                    choices=options(
                        ("food_poisoning", "I think I got food poisoning"),
                        ("dirty", "Dirty premises"),
                        ("pests", "Pests"),
                        ("out_of_date", "Out-of-date food"),
                        ("allergen", "Allergen information was wrong"),
                        ("other", "Something else"),
                    ),
                )
            ),
            page(
                question(
                    "visited",
                    "date",
                    "When did you visit?",
                    name="when you visited",
                    validation={"not_future": True},
                )
            ),
            details("What happened?"),
        ),
        story=Story(
            weight=4,
            close_days=9,
            outcomes=(
                (CLOSED, 0.7, "An officer inspected the business and told them what to improve."),
                (NFA, 0.3, "An officer inspected the business and found no problems."),
            ),
            progress=(("investigating", "A food safety officer will visit the business."),),
            examples={
                "business_name": ("The Frome Kitchen", "Castle Kebabs", "Corn Exchange Cafe"),
                "details": ("Ate a chicken wrap, ill that night.", "Saw a mouse near the counter."),
            },
        ),
    ),
    # Council tax
    ServiceSpec(
        organisation=DISTRICT,
        team="revenues-benefits",
        code="apply-single-person-discount",
        name="Apply for a single person discount",
        summary="Get 25% off your council tax if you are the only adult living in your home.",
        description="You can get a 25% discount if you are the only person aged 18 or over who "
        "lives in your home, or if the other adults are not counted for council tax.",
        group=COUNCIL_TAX,
        kind="apply",
        lgsl_code=59,
        needs_property=True,
        identity="account",
        sla_value=10,
        keywords=(
            "council tax",
            "single person discount",
            "live alone",
            "25%",
            "discount",
            "reduction",
            "spd",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Apply for a single person discount",
            page(COUNCIL_TAX_ACCOUNT),
            page(
                question(
                    "only_adult",
                    "yes_no",
                    "Are you the only person aged 18 or over who lives at the property?",
                    name="whether you are the only adult",
                )
            ),
            page(
                question(
                    "others_reason",
                    "radios",
                    "Why should the other adults not be counted?",
                    name="why the other adults should not be counted",
                    choices=options(
                        ("student", "They are full-time students"),
                        ("carer", "They are a live-in carer"),
                        ("smi", "They are severely mentally impaired"),
                        ("apprentice", "They are an apprentice"),
                        ("care_leaver", "They are a care leaver aged under 25"),
                    ),
                ),
                when={"question": "only_adult", "equals": False},
            ),
            page(
                question(
                    "from_date",
                    "date",
                    "From what date should the discount start?",
                    name="the start date",
                    hint="For example, the date the other adult moved out.",
                    validation={"not_future": True},
                )
            ),
        ),
        story=Story(
            weight=15,
            close_days=9,
            outcomes=(
                (CLOSED_FIXED, 0.8, "We have applied the discount. Your new bill is in the post."),
                (
                    NFA,
                    0.2,
                    "We cannot give the discount because another adult is registered "
                    "at the property.",
                ),
            ),
            progress=(("investigating", ""),),
            notes=("Electoral register shows a second adult: asked for evidence.",),
            examples={"account_number": ("51234567", "50918273", "53305561", "52849901")},
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="revenues-benefits",
        code="tell-moving-home",
        name="Tell us you are moving home",
        summary="Update your council tax when you move into, out of or within the district.",
        group=COUNCIL_TAX,
        kind="tell",
        lgsl_code=58,
        needs_property=True,
        identity="account",
        sla_value=10,
        keywords=(
            "moving home",
            "moving house",
            "change of address",
            "council tax",
            "move in",
            "move out",
            "final bill",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Tell us you are moving home",
            page(
                question(
                    "move_type",
                    "radios",
                    "Where are you moving?",
                    name="where you are moving",
                    choices=options(
                        ("into_area", "Into the district"),
                        ("within_area", "To another home in the district"),
                        ("out_of_area", "Out of the district"),
                    ),
                )
            ),
            page(
                question("move_date", "date", "What date are you moving?", name="the moving date")
            ),
            page(
                question(
                    "new_address", "address", "What is your new address?", name="your new address"
                ),
                when={"question": "move_type", "equals": "within_area"},
            ),
            page(
                question(
                    "forwarding_address",
                    "textarea",
                    "What is your forwarding address?",
                    name="your forwarding address",
                    validation={"max_length": 300},
                ),
                when={"question": "move_type", "equals": "out_of_area"},
            ),
            page(
                question(
                    "bill_email",
                    "email",
                    "Where should we email your bill?",
                    name="an email address",
                    hint="We will send your new or final council tax bill here.",
                )
            ),
        ),
        story=Story(
            weight=12,
            close_days=7,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.95,
                    "We have updated your council tax account and sent your bill.",
                ),
                (CANCELLED, 0.05, "You told us your move fell through."),
            ),
            examples={
                "forwarding_address": (
                    "14 Harbour Road, Weymouth, DT4 8XX",
                    "Flat 3, 22 Mill Street, Exeter, EX1 1XX",
                )
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="revenues-benefits",
        code="pay-council-tax",
        name="Pay your council tax",
        summary="Pay your council tax bill by debit or credit card.",
        group=COUNCIL_TAX,
        kind="pay",
        lgsl_code=57,
        identity="anonymous",
        sla_value=3,
        keywords=("pay council tax", "council tax payment", "bill", "instalment", "arrears"),
        other_ways="Pay by phone on 01305 900 101 (automated, 24 hours).",
        form=form(
            "Pay your council tax",
            page(COUNCIL_TAX_ACCOUNT),
            page(
                question(
                    "amount",
                    "money",
                    "How much do you want to pay?",
                    name="the amount",
                    hint="For example, £125.50",
                    validation={"min_pence": 100, "max_pence": 500000},
                    errors={"min_pence": "The amount must be £1 or more"},
                )
            ),
            page(
                question(
                    "receipt_email",
                    "email",
                    "Where should we send your receipt?",
                    name="an email address",
                )
            ),
        ),
        story=Story(
            weight=10,
            close_days=1,
            outcomes=((CLOSED_FIXED, 1.0, "Thank you. Your payment has been taken."),),
            examples={
                "account_number": ("51234567", "50918273", "53305561"),
                "amount": ("125.50", "152.00", "98.40", "300.00", "50.00"),
            },
        ),
    ),
    # Benefits
    ServiceSpec(
        organisation=DISTRICT,
        team="revenues-benefits",
        code="apply-housing-benefit",
        name="Apply for housing benefit",
        summary="Get help paying your rent if you are on a low income or have reached State Pension age.",
        description="Most people of working age claim Universal Credit instead. You can claim "
        "housing benefit if you have reached State Pension age or live in supported housing.",
        group=BENEFITS,
        kind="apply",
        lgsl_code=69,
        needs_property=True,
        identity="verified",
        sla_value=14,
        sla_unit="calendar_days",
        keywords=(
            "housing benefit",
            "help with rent",
            "rent",
            "benefit",
            "low income",
            "pension age",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Apply for housing benefit",
            page(
                question(
                    "tenancy",
                    "radios",
                    "Who is your landlord?",
                    name="your landlord",
                    choices=options(
                        ("council", "The council"),
                        ("housing_association", "A housing association"),
                        ("private", "A private landlord or letting agent"),
                        ("supported", "Supported or sheltered housing"),
                    ),
                )
            ),
            page(
                question(
                    "landlord_name",
                    "text",
                    "What is your landlord's name?",
                    name="your landlord's name",
                    validation={"max_length": 120},
                ),
                when={"question": "tenancy", "equals": "private"},
            ),
            page(
                question(
                    "rent",
                    "money",
                    "How much rent do you pay each month?",
                    name="your monthly rent",
                    validation={"min_pence": 100, "max_pence": 500000},
                )
            ),
            page(
                question(
                    "partner",
                    "yes_no",
                    "Do you live with a partner?",
                    name="whether you live with a partner",
                )
            ),
            page(
                question(
                    "children",
                    "number",
                    "How many children live with you?",
                    name="how many children live with you",
                    validation={"min": 0, "max": 15, "integer": True},
                )
            ),
            page(
                question(
                    "income",
                    "checkboxes",
                    "What income do you have?",
                    name="your income",
                    hint="Select all that apply.",
                    choices=options(
                        ("employment", "Wages"),
                        ("self_employment", "Self-employment"),
                        ("state_pension", "State Pension"),
                        ("pension_credit", "Pension Credit"),
                        ("private_pension", "A private or workplace pension"),
                        ("other_benefits", "Other benefits"),
                    ),
                )
            ),
            page(
                question(
                    "savings",
                    "radios",
                    "How much do you have in savings?",
                    name="your savings",
                    hint="Include bank accounts, shares and premium bonds.",
                    choices=options(
                        ("under_6000", "Less than £6,000"),
                        ("6000_16000", "£6,000 to £16,000"),
                        ("over_16000", "More than £16,000"),
                    ),
                )
            ),
            page(
                question(
                    "claim_from",
                    "date",
                    "From what date do you want to claim?",
                    name="the date you want to claim from",
                )
            ),
            page(
                question(
                    "rent_proof",
                    "file",
                    "Upload proof of your rent",
                    name="proof of your rent",
                    required=False,
                    hint="For example, your tenancy agreement or a rent book.",
                    validation={
                        "max_files": 3,
                        "accept": ["image/jpeg", "image/png", "application/pdf"],
                    },
                )
            ),
        ),
        story=Story(
            weight=10,
            close_days=12,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.7,
                    "We have worked out your housing benefit. Your award "
                    "letter explains how much you will get.",
                ),
                (
                    NFA,
                    0.2,
                    "Your claim was not successful. The letter we sent explains why "
                    "and how to ask us to look at it again.",
                ),
                (CANCELLED, 0.1, "You withdrew your claim."),
            ),
            progress=(
                (
                    "waiting",
                    "We need proof of your income. Please upload it or bring it to the "
                    "council offices.",
                ),
                ("investigating", "We have everything we need and are assessing your claim."),
            ),
            notes=("Rent verified with the landlord.", "Pension figures confirmed by DWP."),
            examples={
                "landlord_name": ("Wessex Lettings", "Mr D Newson", "Froom Property Management"),
                "rent": ("650.00", "725.00", "540.00", "810.00"),
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="revenues-benefits",
        code="apply-council-tax-reduction",
        name="Apply for council tax reduction",
        summary="Get help paying your council tax if you are on a low income.",
        group=BENEFITS,
        kind="apply",
        lgsl_code=867,
        needs_property=True,
        identity="verified",
        sla_value=14,
        sla_unit="calendar_days",
        keywords=(
            "council tax reduction",
            "council tax support",
            "low income",
            "help with council tax",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Apply for council tax reduction",
            page(
                question(
                    "household",
                    "radios",
                    "Who lives with you?",
                    name="who lives with you",
                    choices=options(
                        ("alone", "I live alone"),
                        ("partner", "My partner"),
                        ("family", "My partner and children, or my children"),
                        ("others", "Other adults"),
                    ),
                )
            ),
            page(
                question(
                    "weekly_income",
                    "money",
                    "What is your household's total weekly income?",
                    name="your weekly income",
                    validation={"min_pence": 0, "max_pence": 500000},
                )
            ),
            page(
                question(
                    "pension_age",
                    "yes_no",
                    "Have you reached State Pension age?",
                    name="whether you have reached State Pension age",
                )
            ),
        ),
        story=Story(
            weight=8,
            close_days=11,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.8,
                    "We have reduced your council tax. Your new bill is in the post.",
                ),
                (NFA, 0.2, "Your income is too high for a reduction."),
            ),
            progress=(("investigating", ""),),
            examples={"weekly_income": ("212.40", "305.00", "180.75")},
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="revenues-benefits",
        code="tell-change-of-circumstances",
        name="Tell us about a change of circumstances",
        summary="Tell us about changes that affect your housing benefit or council tax reduction.",
        group=BENEFITS,
        kind="tell",
        lgsl_code=73,
        identity="account",
        sla_value=10,
        keywords=(
            "change of circumstances",
            "new job",
            "income changed",
            "someone moved in",
            "benefit change",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Tell us about a change of circumstances",
            page(
                question(
                    "change",
                    "radios",
                    "What has changed?",
                    name="what has changed",
                    choices=options(
                        ("income", "My income"),
                        ("household", "Who lives with me"),
                        ("rent", "My rent"),
                        ("savings", "My savings"),
                        ("other", "Something else"),
                    ),
                )
            ),
            page(
                question(
                    "change_date",
                    "date",
                    "When did it change?",
                    name="when it changed",
                    validation={"not_future": True},
                )
            ),
            details("Tell us about the change"),
        ),
        story=Story(
            weight=8,
            close_days=8,
            outcomes=(
                (
                    CLOSED_FIXED,
                    1.0,
                    "We have updated your claim. A letter explains any change to what you get.",
                ),
            ),
            examples={
                "details": (
                    "My partner started a new job on 20 hours a week.",
                    "My son moved out to university.",
                    "My rent went up by £25 a month.",
                )
            },
        ),
    ),
    # Parking
    ServiceSpec(
        organisation=DISTRICT,
        team="parking",
        code="apply-resident-parking-permit",
        name="Apply for a resident parking permit",
        summary="Get a permit to park in your street's resident parking zone.",
        group=PARKING,
        kind="apply",
        lgsl_code=615,
        needs_property=True,
        identity="account",
        fee_pence=6000,
        sla_value=5,
        keywords=("parking permit", "resident permit", "permit zone", "parking"),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Apply for a resident parking permit",
            page(REGISTRATION),
            page(
                question(
                    "make",
                    "text",
                    "What make and model is the vehicle?",
                    name="the make and model",
                    validation={"max_length": 60},
                )
            ),
            page(
                question(
                    "permit_length",
                    "radios",
                    "How long do you want the permit for?",
                    name="how long you want the permit for",
                    choices=options(
                        ("6_months", "6 months (£35)"), ("12_months", "12 months (£60)")
                    ),
                )
            ),
            page(
                question(
                    "second_vehicle",
                    "yes_no",
                    "Does your household already have a permit?",
                    name="whether your household already has a permit",
                    hint="A second permit costs more.",
                )
            ),
            page(
                question(
                    "v5c",
                    "file",
                    "Upload the vehicle's logbook (V5C)",
                    name="the logbook",
                    required=False,
                    validation={
                        "max_files": 1,
                        "accept": ["image/jpeg", "image/png", "application/pdf"],
                    },
                )
            ),
        ),
        story=Story(
            weight=10,
            close_days=4,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.9,
                    "Your permit has been issued. It is linked to your "
                    "registration: you do not need to display anything.",
                ),
                (NFA, 0.1, "Your address is not in a resident parking zone."),
            ),
            examples={
                "registration": ("WX21 DTA", "HY19 PQR", "SA70 LMN"),
                "make": ("Toyota Yaris", "Kia Niro", "Volkswagen Golf"),
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="parking",
        code="challenge-parking-fine",
        name="Challenge a parking fine",
        summary="Ask us to cancel a penalty charge notice (PCN) you think is wrong.",
        description="Challenge within 14 days to keep the option of paying at the reduced rate if "
        "your challenge is rejected.",
        group=PARKING,
        kind="request",
        lgsl_code=1089,
        identity="anonymous",
        sla_value=28,
        sla_unit="calendar_days",
        keywords=("parking fine", "pcn", "penalty charge", "ticket", "appeal", "challenge"),
        other_ways="Write to Parking Services, Casterbridge District Council, DT1 1XX.",
        form=form(
            "Challenge a parking fine",
            page(
                question(
                    "pcn",
                    "text",
                    "What is the penalty charge notice number?",
                    name="the PCN number",
                    hint="It's 10 characters and starts with DT, like DT12345678.",
                    validation={"pattern": "^[Dd][Tt][0-9]{8}$"},
                    errors={
                        "pattern": "Enter the PCN number in the correct format, like DT12345678"
                    },
                )
            ),
            page(REGISTRATION),
            page(
                question(
                    "grounds",
                    "radios",
                    "Why are you challenging the fine?",
                    name="why you are challenging it",
                    choices=options(
                        ("no_contravention", "I did not park where the notice says"),
                        ("valid_permit", "I had a valid permit or ticket"),
                        ("signs", "The signs or lines were unclear"),
                        ("stolen", "The vehicle was stolen"),
                        ("loading", "I was loading or unloading"),
                        ("other", "Another reason"),
                    ),
                )
            ),
            page(
                question(
                    "explanation",
                    "textarea",
                    "Explain what happened",
                    name="what happened",
                    validation={"max_length": 2000},
                )
            ),
            page(
                question(
                    "evidence",
                    "file",
                    "Upload any evidence",
                    name="evidence",
                    required=False,
                    validation={"max_files": 5},
                )
            ),
        ),
        story=Story(
            weight=12,
            close_days=20,
            outcomes=(
                (CLOSED, 0.35, "We have accepted your challenge and cancelled the fine."),
                (
                    NFA,
                    0.65,
                    "We have rejected your challenge. You can still pay at the reduced "
                    "rate for 14 days from today.",
                ),
            ),
            progress=(("investigating", ""),),
            notes=(
                "CEO photos show the car on the double yellow lines.",
                "Permit was valid: cancel.",
            ),
            examples={
                "pcn": ("DT40211875", "DT40388122", "DT41007436"),
                "registration": ("WX68 TRE", "HK17 BNM", "YR66 FGH"),
                "explanation": (
                    "I was unloading shopping for my mother, who is disabled.",
                    "The pay and display machine was broken.",
                    "My permit was on the dashboard but had slipped.",
                ),
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="parking",
        code="report-parking-problem",
        name="Report a parking problem",
        summary="Tell us about cars parked on yellow lines, in disabled bays or across dropped kerbs.",
        group=PARKING,
        kind="report",
        lgsl_code=613,
        needs_location=True,
        identity="anonymous",
        sla_value=3,
        keywords=(
            "illegal parking",
            "parked on pavement",
            "yellow lines",
            "blocked driveway",
            "disabled bay",
            "school parking",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Report a parking problem",
            page(
                question(
                    "problem",
                    "radios",
                    "What is the problem?",
                    name="the problem",
                    choices=options(
                        ("yellow_lines", "Parking on yellow lines"),
                        ("dropped_kerb", "Blocking a dropped kerb or driveway"),
                        ("pavement", "Parking on the pavement"),
                        ("disabled_bay", "Misusing a disabled bay"),
                        ("zig_zag", "Parking on school zig-zags"),
                        ("permit_bay", "Parking in a permit bay without a permit"),
                    ),
                )
            ),
            page(
                question(
                    "registration",
                    "text",
                    "What is the vehicle's registration number? (optional)",
                    name="the registration number",
                    required=False,
                    validation={"max_length": 10},
                )
            ),
            page(
                question(
                    "regular",
                    "yes_no",
                    "Does this happen regularly?",
                    name="whether it happens regularly",
                )
            ),
            page(
                question(
                    "times",
                    "checkboxes",
                    "When does it usually happen?",
                    name="when it happens",
                    choices=options(
                        ("morning", "Early morning"),
                        ("school_run", "During the school run"),
                        ("daytime", "During the day"),
                        ("evening", "In the evening"),
                        ("overnight", "Overnight"),
                    ),
                ),
                when={"question": "regular", "equals": True},
            ),
        ),
        story=Story(
            weight=8,
            close_days=3,
            street=True,
            outcomes=(
                (CLOSED, 0.6, "A civil enforcement officer visited."),
                (NFA, 0.4, "No vehicles were parked illegally when our officer visited."),
            ),
            notes=("Added to the school patrol rota.",),
            examples={"registration": ("WX11 ABC", "HW20 XYZ")},
        ),
    ),
    # Licensing
    ServiceSpec(
        organisation=DISTRICT,
        team="licensing",
        code="apply-taxi-driver-licence",
        name="Apply for a taxi driver licence",
        summary="Apply to drive a hackney carriage or private hire vehicle in the district.",
        description="A 3-year licence costs £260. You need an enhanced DBS check, a medical and "
        "to have held a full driving licence for at least 12 months.",
        group=LICENSING,
        kind="apply",
        lgsl_code=1154,
        identity="verified",
        fee_pence=26000,
        sla_value=30,
        keywords=(
            "taxi licence",
            "private hire",
            "hackney carriage",
            "cab driver",
            "driver licence",
        ),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Apply for a taxi driver licence",
            page(
                question(
                    "licence_type",
                    "radios",
                    "Which licence do you need?",
                    name="the licence",
                    choices=options(
                        ("hackney", "Hackney carriage"),
                        ("private_hire", "Private hire"),
                        ("dual", "Both (dual licence)"),
                    ),
                )
            ),
            page(
                question(
                    "driving_licence",
                    "text",
                    "What is your driving licence number?",
                    name="your driving licence number",
                    hint="It's 16 characters, in section 5 of your photocard.",
                    validation={"pattern": "^[A-Za-z9]{5}[0-9]{6}[A-Za-z9]{2}[0-9A-Za-z]{3}$"},
                    errors={"pattern": "Enter your driving licence number in the correct format"},
                )
            ),
            page(
                question(
                    "years_driving",
                    "number",
                    "How many years have you held a full driving licence?",
                    name="how many years you have held a licence",
                    validation={"min": 0, "max": 70, "integer": True},
                )
            ),
            page(
                question(
                    "has_dbs",
                    "yes_no",
                    "Do you have an enhanced DBS certificate issued in the last 3 months?",
                    name="whether you have a DBS certificate",
                )
            ),
            page(
                question(
                    "dbs_number",
                    "text",
                    "What is your DBS certificate number?",
                    name="your DBS certificate number",
                    validation={"pattern": "^[0-9]{12}$"},
                    errors={"pattern": "Enter the 12-digit certificate number"},
                ),
                when={"question": "has_dbs", "equals": True},
            ),
            page(
                question(
                    "convictions",
                    "yes_no",
                    "Do you have any convictions, cautions or driving endorsements?",
                    name="whether you have any convictions",
                )
            ),
            page(
                question(
                    "conviction_details",
                    "textarea",
                    "Give details of your convictions",
                    name="details of your convictions",
                    validation={"max_length": 1000},
                ),
                when={"question": "convictions", "equals": True},
            ),
            page(
                question(
                    "medical_date",
                    "date",
                    "When was your medical?",
                    name="the date of your medical",
                    validation={"not_future": True},
                )
            ),
            page(
                question(
                    "photo",
                    "file",
                    "Upload a passport-style photo",
                    name="a photo",
                    required=False,
                    validation={"max_files": 1},
                )
            ),
        ),
        story=Story(
            weight=3,
            close_days=32,
            outcomes=(
                (CLOSED_FIXED, 0.8, "Your licence has been granted. Your badge is in the post."),
                (
                    NFA,
                    0.2,
                    "The licensing committee refused your application. The letter "
                    "explains how to appeal.",
                ),
            ),
            progress=(
                ("investigating", "Your application is with the licensing team."),
                ("waiting", "You need to pass the knowledge test. We have emailed you some dates."),
            ),
            examples={
                "driving_licence": ("HARDY712040T99AB", "NEWSO806153J99CD"),
                "dbs_number": ("001234567890", "009876543210"),
                "conviction_details": ("SP30 speeding, 3 points, 2024.",),
            },
        ),
    ),
    ServiceSpec(
        organisation=DISTRICT,
        team="licensing",
        code="give-temporary-event-notice",
        name="Give a temporary event notice",
        summary="Tell us about an event where you will sell alcohol or put on entertainment.",
        description="A temporary event notice (TEN) costs £21. Give it at least 10 working days "
        "before the event. Events must have fewer than 500 people.",
        group=LICENSING,
        kind="apply",
        lgsl_code=1035,
        identity="account",
        fee_pence=2100,
        sla_value=10,
        keywords=("temporary event notice", "TEN", "event", "alcohol licence", "party", "fete"),
        other_ways=DISTRICT_PHONE,
        form=form(
            "Give a temporary event notice",
            page(
                question(
                    "event_name",
                    "text",
                    "What is the event called?",
                    name="the event name",
                    validation={"max_length": 120},
                )
            ),
            page(question("venue", "address", "Where is the event?", name="the venue")),
            page(
                question(
                    "event_date",
                    "date",
                    "When does the event start?",
                    name="the event date",
                    validation={"not_past": True},
                )
            ),
            page(
                question(
                    "people",
                    "number",
                    "How many people will be there at any one time?",
                    name="how many people will be there",
                    validation={"min": 1, "max": 499, "integer": True},
                    errors={"max": "A temporary event must have fewer than 500 people"},
                )
            ),
            page(
                question(
                    "activities",
                    "checkboxes",
                    "What will happen at the event?",
                    name="what will happen",
                    choices=options(
                        ("alcohol", "Selling alcohol"),
                        ("entertainment", "Music, dance or plays"),
                        ("late_night_food", "Hot food after 11pm"),
                    ),
                )
            ),
        ),
        story=Story(
            weight=4,
            close_days=8,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.9,
                    "Your temporary event notice has been acknowledged. Enjoy the event.",
                ),
                (NFA, 0.1, "The police objected to the notice. The event cannot sell alcohol."),
            ),
            examples={
                "event_name": (
                    "Mellstock Summer Fete",
                    "Durnover Cricket Club Dinner",
                    "Froom Vale Beer Festival",
                    "Village Hall Barn Dance",
                )
            },
        ),
    ),
]

# -- Wessex County Council -----------------------------------------------------------------------

COUNTY_SERVICES: list[ServiceSpec] = [
    ServiceSpec(
        organisation=COUNTY,
        team="highways",
        code="report-pothole",
        name="Report a pothole",
        summary="Tell us about a pothole in a road, pavement or cycle lane.",
        description="We inspect reported potholes and repair dangerous ones within 24 hours. Others "
        "are repaired within 28 days if they meet our criteria. Motorways and some A roads are "
        "looked after by National Highways.",
        group=STREETS,
        kind="report",
        lgsl_code=547,
        needs_location=True,
        identity="anonymous",
        sla_value=28,
        sla_unit="calendar_days",
        public_cases=True,
        keywords=(
            "pothole",
            "road",
            "hole in road",
            "road surface",
            "crater",
            "carriageway",
            "damaged road",
        ),
        other_ways=COUNTY_PHONE,
        form=form(
            "Report a pothole",
            page(
                question(
                    "where_on_road",
                    "radios",
                    "Where is the pothole?",
                    name="where the pothole is",
                    choices=options(
                        ("carriageway", "In the road"),
                        ("pavement", "On the pavement"),
                        ("cycle_lane", "In a cycle lane"),
                        ("kerb", "At the kerb"),
                    ),
                )
            ),
            page(
                question(
                    "size",
                    "radios",
                    "How big is it?",
                    name="how big it is",
                    choices=options(
                        ("small", "Smaller than a dinner plate"),
                        ("medium", "About the size of a dinner plate"),
                        ("large", "Larger than a dinner plate"),
                    ),
                )
            ),
            page(
                question(
                    "depth",
                    "radios",
                    "How deep is it?",
                    name="how deep it is",
                    choices=options(
                        (
                            "shallow",
                            "Less than 4cm (about the height of a mobile phone on its side)",
                        ),
                        ("deep", "4cm or deeper"),
                    ),
                )
            ),
            page(
                question(
                    "hazard",
                    "yes_no",
                    "Is it dangerous right now?",
                    name="whether it is dangerous",
                    hint="For example, vehicles are swerving to avoid it.",
                )
            ),
            photos(),
            details(),
        ),
        story=Story(
            weight=45,
            close_days=12,
            street=True,
            outcomes=(
                (CLOSED_FIXED, 0.65, "The pothole has been repaired."),
                (
                    NFA,
                    0.3,
                    "An inspector checked the pothole. It does not meet our criteria for "
                    "repair yet. We will look again at the next routine inspection.",
                ),
                (NOT_OURS, 0.05, "This road is privately owned, so we cannot repair it."),
            ),
            progress=(
                ("investigating", "A highway inspector will visit."),
                ("action_scheduled", "A repair is booked. We will put up signs before we start."),
            ),
            notes=(
                "Inspected: 60mm deep, category 1. Make safe within 24 hours.",
                "Part of a larger patching scheme planned for the spring.",
                "Gang 3 to fill on Thursday.",
            ),
            examples={
                "details": (
                    "It is on the bend by the school.",
                    "Cyclists are swerving into traffic.",
                    "Water fills it when it rains so you cannot see it.",
                )
            },
            urgent_when=("hazard", True),
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="street-lighting",
        code="report-street-light",
        name="Report a street light fault",
        summary="Tell us about a street light that is not working, is on all day or is damaged.",
        group=STREETS,
        kind="report",
        lgsl_code=1264,
        needs_location=True,
        identity="anonymous",
        sla_value=10,
        public_cases=True,
        keywords=(
            "street light",
            "lamp",
            "lamp post",
            "light out",
            "streetlight",
            "lighting",
            "flickering",
        ),
        other_ways=COUNTY_PHONE,
        form=form(
            "Report a street light fault",
            page(
                question(
                    "column_number",
                    "text",
                    "What is the number on the lamp post? (optional)",
                    name="the lamp post number",
                    required=False,
                    hint="It's on a label about 2 metres up, like SL123.",
                    validation={"max_length": 12},
                )
            ),
            page(
                question(
                    "fault",
                    "radios",
                    "What is wrong with it?",
                    name="what is wrong",
                    choices=options(
                        ("out", "It is not working"),
                        ("day_burning", "It is on during the day"),
                        ("flickering", "It is flickering"),
                        ("damaged", "It is damaged or leaning"),
                        ("exposed_wires", "A door is missing or wires are showing"),
                    ),
                )
            ),
            page(
                question(
                    "since",
                    "select",
                    "How long has it been like this?",
                    name="how long",
                    choices=options(
                        ("today", "Since today"),
                        ("this_week", "Since earlier this week"),
                        ("longer", "More than a week"),
                    ),
                )
            ),
            details(),
        ),
        story=Story(
            weight=20,
            close_days=9,
            street=True,
            outcomes=(
                (CLOSED_FIXED, 0.85, "The street light has been repaired."),
                (
                    NOT_OURS,
                    0.15,
                    "This light belongs to the electricity network operator. We have "
                    "reported it to them.",
                ),
            ),
            progress=(("action_scheduled", "An electrician is booked to repair it."),),
            notes=(
                "Lantern replaced with LED unit.",
                "Supply fault: raised with the network operator.",
            ),
            examples={"column_number": ("SL114", "SL27", "SL302", "SL88")},
            urgent_when=("fault", "exposed_wires"),
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="highways",
        code="report-damaged-pavement",
        name="Report a damaged pavement",
        summary="Tell us about cracked, raised or missing paving slabs.",
        group=STREETS,
        kind="report",
        lgsl_code=1166,
        needs_location=True,
        identity="anonymous",
        sla_value=28,
        sla_unit="calendar_days",
        public_cases=True,
        keywords=("pavement", "paving slab", "footpath", "trip hazard", "uneven", "footway"),
        other_ways=COUNTY_PHONE,
        form=form(
            "Report a damaged pavement",
            page(
                question(
                    "problem",
                    "radios",
                    "What is the problem?",
                    name="the problem",
                    choices=options(
                        ("cracked", "Cracked slabs"),
                        ("raised", "A raised or sunken slab"),
                        ("missing", "Missing slabs or surface"),
                        ("tree_roots", "Tree roots lifting the surface"),
                    ),
                )
            ),
            page(
                question(
                    "injury", "yes_no", "Has anyone been hurt?", name="whether anyone has been hurt"
                )
            ),
            details(),
        ),
        story=Story(
            weight=10,
            close_days=12,
            street=True,
            outcomes=(
                (CLOSED_FIXED, 0.6, "The pavement has been repaired."),
                (
                    NFA,
                    0.4,
                    "An inspector checked it. It does not meet our criteria for repair yet.",
                ),
            ),
            progress=(("investigating", "A highway inspector will visit."),),
            notes=("Trip of 30mm: temporary repair.",),
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="highways",
        code="report-road-sign",
        name="Report a damaged road sign or bollard",
        summary="Tell us about road signs, bollards or barriers that are damaged or missing.",
        group=STREETS,
        kind="report",
        lgsl_code=1107,
        needs_location=True,
        identity="anonymous",
        sla_value=20,
        public_cases=True,
        keywords=("road sign", "bollard", "barrier", "sign", "knocked down", "damaged sign"),
        other_ways=COUNTY_PHONE,
        form=form(
            "Report a damaged road sign or bollard",
            page(
                question(
                    "item",
                    "radios",
                    "What is damaged?",
                    name="what is damaged",
                    choices=options(
                        ("sign", "A road sign"),
                        ("bollard", "A bollard"),
                        ("barrier", "A safety barrier"),
                        ("name_plate", "A street name plate"),
                    ),
                )
            ),
            page(
                question(
                    "damage",
                    "radios",
                    "What is wrong with it?",
                    name="what is wrong",
                    choices=options(
                        ("knocked_down", "It has been knocked down"),
                        ("missing", "It is missing"),
                        ("dirty", "It is dirty or covered"),
                        ("turned", "It is facing the wrong way"),
                    ),
                )
            ),
            details(),
        ),
        story=Story(
            weight=5,
            close_days=18,
            street=True,
            outcomes=((CLOSED_FIXED, 1.0, "The sign has been repaired."),),
            progress=(("action_scheduled", "A replacement has been ordered."),),
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="highways",
        code="report-flooding",
        name="Report flooding or a blocked drain on a road",
        summary="Tell us about standing water on a road or a blocked road drain (gully).",
        description="If a home is flooding now, call 999. Sewers are looked after by the water company.",
        group=STREETS,
        kind="report",
        lgsl_code=1066,
        needs_location=True,
        identity="anonymous",
        sla_value=5,
        public_cases=True,
        keywords=("flooding", "blocked drain", "gully", "standing water", "puddle", "drainage"),
        other_ways=COUNTY_PHONE,
        form=form(
            "Report flooding or a blocked drain on a road",
            page(
                question(
                    "problem",
                    "radios",
                    "What is the problem?",
                    name="the problem",
                    choices=options(
                        ("blocked_gully", "A blocked road drain"),
                        ("standing_water", "Standing water on the road"),
                        ("flowing_water", "Water running across the road"),
                    ),
                )
            ),
            page(
                question(
                    "depth",
                    "radios",
                    "How deep is the water?",
                    name="how deep the water is",
                    choices=options(
                        ("puddle", "A puddle"),
                        ("ankle", "Ankle deep"),
                        ("impassable", "Too deep to drive through"),
                    ),
                )
            ),
            page(
                question(
                    "property_risk",
                    "yes_no",
                    "Is water getting into a home or business?",
                    name="whether water is getting into a building",
                )
            ),
            details(),
        ),
        story=Story(
            weight=6,
            close_days=6,
            street=True,
            outcomes=(
                (CLOSED_FIXED, 0.8, "The drain has been cleared."),
                (NOT_OURS, 0.2, "This is a sewer problem. We have passed it to Wessex Water."),
            ),
            progress=(("action_scheduled", "The gully tanker is booked."),),
            urgent_when=("property_risk", True),
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="highways",
        code="report-overgrown-vegetation",
        name="Report an overgrown hedge or tree on a road",
        summary="Tell us about hedges, trees or grass blocking a road, pavement or sign.",
        group=STREETS,
        kind="report",
        lgsl_code=1112,
        needs_location=True,
        identity="anonymous",
        sla_value=20,
        public_cases=True,
        keywords=("overgrown hedge", "tree", "branches", "verge", "grass cutting", "vegetation"),
        other_ways=COUNTY_PHONE,
        form=form(
            "Report an overgrown hedge or tree on a road",
            page(
                question(
                    "vegetation",
                    "radios",
                    "What is overgrown?",
                    name="what is overgrown",
                    choices=options(
                        ("hedge", "A hedge"), ("tree", "A tree"), ("verge", "A grass verge")
                    ),
                )
            ),
            page(
                question(
                    "blocking",
                    "checkboxes",
                    "What is it blocking?",
                    name="what it is blocking",
                    choices=options(
                        ("pavement", "The pavement"),
                        ("road", "The road"),
                        ("sign", "A road sign"),
                        ("sight_line", "Drivers' view at a junction"),
                        ("light", "A street light"),
                    ),
                )
            ),
            page(
                question(
                    "private",
                    "yes_no",
                    "Is it growing from a private garden?",
                    name="whether it is growing from a private garden",
                )
            ),
            details(),
        ),
        story=Story(
            weight=8,
            close_days=20,
            street=True,
            outcomes=(
                (CLOSED_FIXED, 0.55, "The vegetation has been cut back."),
                (CLOSED, 0.45, "We have written to the owner asking them to cut it back."),
            ),
            notes=("Bird nesting season: cut deferred to September.",),
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="highways",
        code="request-grit-bin",
        name="Request a grit bin refill",
        summary="Tell us when a grit bin is empty or damaged.",
        group=STREETS,
        kind="request",
        lgsl_code=1062,
        needs_location=True,
        identity="anonymous",
        sla_value=10,
        public_cases=True,
        keywords=("grit bin", "salt bin", "gritting", "ice", "snow"),
        other_ways=COUNTY_PHONE,
        form=form(
            "Request a grit bin refill",
            page(
                question(
                    "bin_number",
                    "text",
                    "What is the number on the bin? (optional)",
                    name="the bin number",
                    required=False,
                    validation={"max_length": 10},
                )
            ),
            page(
                question(
                    "state",
                    "radios",
                    "What is the problem?",
                    name="the problem",
                    choices=options(
                        ("empty", "It is empty"),
                        ("low", "It is nearly empty"),
                        ("damaged", "It is damaged"),
                    ),
                )
            ),
        ),
        story=Story(
            weight=4,
            close_days=5,
            street=True,
            outcomes=((CLOSED_FIXED, 1.0, "The grit bin has been refilled."),),
            examples={"bin_number": ("GB041", "GB112", "GB007")},
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="highways",
        code="apply-dropped-kerb",
        name="Apply for a dropped kerb",
        summary="Apply to have the kerb lowered so you can drive onto your property.",
        description="The application fee of £115 is not refundable. If we approve it, we will quote "
        "for the work.",
        group=STREETS,
        kind="apply",
        lgsl_code=1146,
        needs_property=True,
        identity="account",
        fee_pence=11500,
        sla_value=20,
        keywords=("dropped kerb", "vehicle crossing", "driveway", "lowered kerb", "crossover"),
        other_ways=COUNTY_PHONE,
        form=form(
            "Apply for a dropped kerb",
            page(
                question(
                    "purpose",
                    "radios",
                    "What is the dropped kerb for?",
                    name="what it is for",
                    choices=options(
                        ("driveway", "To drive onto my property"),
                        ("wheelchair", "Wheelchair or mobility scooter access"),
                    ),
                )
            ),
            page(
                question(
                    "driveway_ready",
                    "yes_no",
                    "Is the parking area already built?",
                    name="whether the parking area is built",
                )
            ),
            page(
                question(
                    "width",
                    "number",
                    "How wide should the dropped kerb be, in metres?",
                    name="the width",
                    validation={"min": 2.4, "max": 10},
                )
            ),
            page(
                question(
                    "site_photos",
                    "file",
                    "Upload photos of the front of the property",
                    name="photos",
                    required=False,
                    validation={"max_files": 3},
                )
            ),
        ),
        story=Story(
            weight=4,
            close_days=22,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.7,
                    "Your application is approved. Your quote for the work is in the post.",
                ),
                (
                    NFA,
                    0.3,
                    "We cannot approve a dropped kerb here because it is too close to a junction.",
                ),
            ),
            progress=(("investigating", "An inspector will visit to measure up."),),
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="highways",
        code="apply-skip-permit",
        name="Apply for a skip permit",
        summary="Get permission to put a skip on the road or pavement.",
        description="Skip companies usually apply for you. A permit costs £40 for up to 28 days.",
        group=STREETS,
        kind="apply",
        lgsl_code=1143,
        identity="account",
        fee_pence=4000,
        sla_value=3,
        keywords=("skip", "skip permit", "skip licence", "builders skip"),
        other_ways=COUNTY_PHONE,
        form=form(
            "Apply for a skip permit",
            page(
                question(
                    "skip_company",
                    "text",
                    "Which company is supplying the skip?",
                    name="the skip company",
                    validation={"max_length": 120},
                )
            ),
            page(
                question(
                    "skip_location",
                    "location",
                    "Where will the skip go?",
                    name="the skip location",
                    hint="Drop a pin on the map.",
                )
            ),
            page(
                question(
                    "start_date",
                    "date",
                    "When will the skip arrive?",
                    name="the start date",
                    validation={"not_past": True},
                )
            ),
            page(
                question(
                    "weeks",
                    "number",
                    "How many weeks do you need it for?",
                    name="how many weeks",
                    validation={"min": 1, "max": 4, "integer": True},
                )
            ),
            page(
                question(
                    "lights",
                    "yes_no",
                    "Will the skip have lights and cones at night?",
                    name="whether it will have lights",
                )
            ),
        ),
        story=Story(
            weight=5,
            close_days=2,
            outcomes=(
                (CLOSED_FIXED, 0.9, "Your skip permit is approved."),
                (NFA, 0.1, "We cannot approve a skip here: it would block a bus stop."),
            ),
            examples={
                "skip_company": (
                    "Wessex Skips",
                    "Froom Valley Skip Hire",
                    "Casterbridge Containers",
                )
            },
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="blue-badges",
        code="apply-blue-badge",
        name="Apply for a blue badge",
        summary="Apply for a blue badge for yourself or someone you care for.",
        description="A blue badge costs £10. Some people get a badge automatically because of a "
        "benefit they get; others are assessed. It takes up to 12 weeks.",
        group=BLUE_BADGES,
        kind="apply",
        lgsl_code=279,
        needs_property=True,
        identity="verified",
        fee_pence=1000,
        sla_value=60,
        keywords=(
            "blue badge",
            "disabled parking",
            "disability",
            "parking badge",
            "mobility",
            "hidden disability",
        ),
        other_ways=COUNTY_PHONE,
        form=form(
            "Apply for a blue badge",
            page(
                question(
                    "applying_for",
                    "radios",
                    "Who is the badge for?",
                    name="who the badge is for",
                    choices=options(("myself", "Myself"), ("someone_else", "Someone else")),
                )
            ),
            page(
                question(
                    "applicant_name",
                    "text",
                    "What is their full name?",
                    name="their full name",
                    validation={"max_length": 120},
                ),
                when={"question": "applying_for", "equals": "someone_else"},
            ),
            page(
                question(
                    "relationship",
                    "select",
                    "What is your relationship to them?",
                    name="your relationship to them",
                    choices=options(
                        ("parent", "Parent or guardian"),
                        ("partner", "Partner"),
                        ("carer", "Carer"),
                        ("relative", "Other relative"),
                        ("other", "Something else"),
                    ),
                ),
                when={"question": "applying_for", "equals": "someone_else"},
            ),
            page(
                question(
                    "date_of_birth",
                    "date",
                    "What is the date of birth of the person the badge is for?",
                    name="their date of birth",
                    validation={"not_future": True},
                )
            ),
            page(
                question(
                    "eligibility",
                    "radios",
                    "Which of these describes them?",
                    name="which describes them",
                    choices=options(
                        (
                            "dla_mobility",
                            "Gets the higher rate of the mobility part of "
                            "Disability Living Allowance",
                        ),
                        (
                            "pip",
                            "Got 8 points or more for 'moving around' in Personal "
                            "Independence Payment",
                        ),
                        ("war_pension", "Gets a War Pensioners' Mobility Supplement"),
                        ("blind", "Is registered blind (severely sight impaired)"),
                        ("walking", "Has difficulty walking"),
                        ("hidden", "Has a condition you cannot see, like autism or dementia"),
                        ("child", "Is a child under 3 with a medical condition"),
                    ),
                )
            ),
            page(
                question(
                    "walking_distance",
                    "radios",
                    "How far can they walk without stopping?",
                    name="how far they can walk",
                    choices=options(
                        ("cannot", "They cannot walk"),
                        ("under_50", "Less than 50 metres"),
                        ("50_100", "50 to 100 metres"),
                        ("over_100", "More than 100 metres"),
                    ),
                ),
                when={"question": "eligibility", "equals": "walking"},
            ),
            page(
                question(
                    "walking_aids",
                    "checkboxes",
                    "What walking aids do they use?",
                    name="the walking aids",
                    required=False,
                    choices=options(
                        ("stick", "Walking stick"),
                        ("crutches", "Crutches"),
                        ("frame", "Walking frame"),
                        ("wheelchair", "Wheelchair"),
                        ("scooter", "Mobility scooter"),
                    ),
                ),
                when={"question": "eligibility", "equals": "walking"},
            ),
            page(
                question(
                    "hidden_condition",
                    "textarea",
                    "How does their condition affect journeys?",
                    name="how their condition affects journeys",
                    hint="For example, they are at risk near traffic, or become very distressed.",
                    validation={"max_length": 2000},
                ),
                when={"question": "eligibility", "equals": "hidden"},
            ),
            page(
                question(
                    "benefit_letter",
                    "file",
                    "Upload their benefit letter",
                    name="the benefit letter",
                    required=False,
                    validation={
                        "max_files": 2,
                        "accept": ["image/jpeg", "image/png", "application/pdf"],
                    },
                ),
                when={"question": "eligibility", "in": ["dla_mobility", "pip", "war_pension"]},
            ),
            page(NATIONAL_INSURANCE, when={"not": {"question": "eligibility", "equals": "child"}}),
            page(
                question(
                    "existing_badge",
                    "yes_no",
                    "Do they already have a blue badge?",
                    name="whether they already have a blue badge",
                )
            ),
            page(
                question(
                    "badge_number",
                    "text",
                    "What is the badge number?",
                    name="the badge number",
                    validation={"max_length": 20},
                ),
                when={"question": "existing_badge", "equals": True},
            ),
        ),
        story=Story(
            weight=12,
            close_days=40,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.75,
                    "Your blue badge has been approved. It will arrive by post within 2 weeks.",
                ),
                (
                    NFA,
                    0.2,
                    "We cannot give a blue badge because the criteria are not met. The "
                    "letter explains why and how to ask us to look again.",
                ),
                (CANCELLED, 0.05, "You withdrew the application."),
            ),
            progress=(
                ("investigating", "We are checking the benefit details with DWP."),
                ("waiting", "We need a clearer photo. Please upload one from your account."),
                (
                    "investigating",
                    "An occupational therapist will carry out a mobility assessment.",
                ),
            ),
            notes=(
                "PIP award letter checked: 10 points mobility.",
                "Mobility assessment booked.",
                "Photo rejected: not a plain background.",
            ),
            examples={
                "applicant_name": ("Margaret Yeobright", "Thomas Venn", "Eliza Clare"),
                "hidden_condition": (
                    "He has dementia and wanders into the road.",
                    "She has autism and panics in busy car parks.",
                ),
                "nino": ("QQ123456C", "QQ 65 43 21 A", "QQ908172B"),
                "badge_number": ("WX1234567", "WX7654321"),
            },
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="blue-badges",
        code="report-lost-blue-badge",
        name="Report a lost or stolen blue badge",
        summary="Tell us your blue badge is lost, stolen or damaged and get a replacement.",
        group=BLUE_BADGES,
        kind="tell",
        lgsl_code=280,
        identity="account",
        fee_pence=1000,
        sla_value=10,
        keywords=(
            "lost blue badge",
            "stolen blue badge",
            "replacement blue badge",
            "damaged badge",
        ),
        other_ways=COUNTY_PHONE,
        form=form(
            "Report a lost or stolen blue badge",
            page(
                question(
                    "badge_number",
                    "text",
                    "What is the badge number?",
                    name="the badge number",
                    hint="It's on the front of the badge. Leave blank if you do not know.",
                    required=False,
                    validation={"max_length": 20},
                )
            ),
            page(
                question(
                    "what_happened",
                    "radios",
                    "What happened to the badge?",
                    name="what happened",
                    choices=options(
                        ("lost", "It was lost"),
                        ("stolen", "It was stolen"),
                        ("damaged", "It is damaged"),
                    ),
                )
            ),
            page(
                question(
                    "crime_reference",
                    "text",
                    "What is the police crime reference number?",
                    name="the crime reference number",
                    required=False,
                    validation={"max_length": 30},
                ),
                when={"question": "what_happened", "equals": "stolen"},
            ),
            page(
                question(
                    "last_seen",
                    "location",
                    "Where did you last have it? (optional)",
                    name="where you last had it",
                    required=False,
                ),
                when={"question": "what_happened", "in": ["lost", "stolen"]},
            ),
            page(
                question(
                    "happened_on",
                    "date",
                    "When did this happen?",
                    name="when it happened",
                    validation={"not_future": True},
                )
            ),
        ),
        story=Story(
            weight=3,
            close_days=7,
            outcomes=(
                (
                    CLOSED_FIXED,
                    1.0,
                    "Your replacement badge is in the post. The old badge has been cancelled.",
                ),
            ),
            examples={
                "badge_number": ("WX1234567", "WX2468024"),
                "crime_reference": ("WP/26/004512", "WP/25/019873"),
            },
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="school-admissions",
        code="apply-school-place",
        name="Apply for a school place",
        summary="Apply for a place at a primary or secondary school, or to change school.",
        description="Apply by 15 January for a Reception place and by 31 October for secondary "
        "school. You can apply to change school at any time.",
        group=SCHOOLS_GROUP,
        kind="apply",
        lgsl_code=42,
        needs_property=True,
        identity="account",
        sla_value=40,
        keywords=(
            "school place",
            "admissions",
            "reception",
            "secondary school",
            "primary school",
            "in-year transfer",
            "change school",
        ),
        other_ways=COUNTY_PHONE,
        form=form(
            "Apply for a school place",
            page(
                question(
                    "child_name",
                    "text",
                    "What is your child's full name?",
                    name="your child's name",
                    validation={"max_length": 120},
                )
            ),
            page(
                question(
                    "child_dob",
                    "date",
                    "What is your child's date of birth?",
                    name="your child's date of birth",
                    validation={"not_future": True},
                )
            ),
            page(
                question(
                    "year_group",
                    "select",
                    "Which year group are you applying for?",
                    name="the year group",
                    choices=options(
                        ("reception", "Reception"),
                        ("year_3", "Year 3 (junior school)"),
                        ("year_7", "Year 7 (secondary school)"),
                        ("in_year", "A change of school during the year"),
                    ),
                )
            ),
            page(
                question(
                    "school_first",
                    "select",
                    "Which school is your first preference?",
                    name="your first preference",
                    choices=SCHOOLS,
                )
            ),
            page(
                question(
                    "sibling",
                    "yes_no",
                    "Does your child have a brother or sister at that school?",
                    name="whether they have a brother or sister there",
                )
            ),
            page(
                question(
                    "sibling_name",
                    "text",
                    "What is their brother or sister's name?",
                    name="their name",
                    validation={"max_length": 120},
                ),
                when={"question": "sibling", "equals": True},
            ),
            page(
                question(
                    "ehcp",
                    "yes_no",
                    "Does your child have an education, health and care plan?",
                    name="whether your child has an EHC plan",
                )
            ),
        ),
        story=Story(
            weight=8,
            close_days=25,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.85,
                    "Your child has been offered a place at your first preference school.",
                ),
                (
                    CLOSED,
                    0.15,
                    "Your child has been offered a place at another school. The "
                    "letter explains how to appeal.",
                ),
            ),
            progress=(
                ("investigating", "Applications are being ranked against the admissions criteria."),
            ),
            examples={
                "child_name": ("Ruby Everdene", "Oscar Farfrae", "Isla Winterborne", "Leo Melbury"),
                "sibling_name": ("Jack Everdene", "Mia Farfrae"),
            },
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="school-admissions",
        code="apply-school-transport",
        name="Apply for free school transport",
        summary="Apply for free travel to school if your child lives too far to walk.",
        group=SCHOOLS_GROUP,
        kind="apply",
        lgsl_code=28,
        needs_property=True,
        identity="account",
        sla_value=20,
        keywords=(
            "school transport",
            "school bus",
            "home to school travel",
            "free travel",
            "taxi to school",
        ),
        other_ways=COUNTY_PHONE,
        form=form(
            "Apply for free school transport",
            page(
                question(
                    "child_name",
                    "text",
                    "What is your child's full name?",
                    name="your child's name",
                    validation={"max_length": 120},
                )
            ),
            page(
                question(
                    "school",
                    "select",
                    "Which school does your child go to?",
                    name="the school",
                    choices=SCHOOLS,
                )
            ),
            page(
                question(
                    "distance",
                    "radios",
                    "How far is the school from your home by the shortest walking route?",
                    name="the distance",
                    choices=options(
                        ("under_2", "Less than 2 miles"),
                        ("2_to_3", "2 to 3 miles"),
                        ("over_3", "More than 3 miles"),
                    ),
                )
            ),
            page(
                question(
                    "low_income",
                    "yes_no",
                    "Does your child get free school meals?",
                    name="whether your child gets free school meals",
                )
            ),
            page(
                question(
                    "start_date",
                    "date",
                    "When does your child need transport from?",
                    name="the start date",
                    validation={"not_past": True},
                )
            ),
        ),
        story=Story(
            weight=4,
            close_days=18,
            outcomes=(
                (CLOSED_FIXED, 0.7, "Your child has a free bus pass. It is in the post."),
                (
                    NFA,
                    0.3,
                    "Your child lives within walking distance of the school, so they "
                    "cannot get free transport.",
                ),
            ),
            examples={"child_name": ("Ruby Everdene", "Oscar Farfrae", "Isla Winterborne")},
        ),
    ),
    ServiceSpec(
        organisation=COUNTY,
        team="school-admissions",
        code="apply-free-school-meals",
        name="Apply for free school meals",
        summary="Apply for free school meals if you get certain benefits.",
        group=SCHOOLS_GROUP,
        kind="apply",
        lgsl_code=36,
        identity="verified",
        sla_value=10,
        keywords=("free school meals", "school dinners", "FSM", "lunch"),
        other_ways=COUNTY_PHONE,
        form=form(
            "Apply for free school meals",
            page(
                question(
                    "child_name",
                    "text",
                    "What is your child's full name?",
                    name="your child's name",
                    validation={"max_length": 120},
                )
            ),
            page(
                question(
                    "school",
                    "select",
                    "Which school does your child go to?",
                    name="the school",
                    choices=SCHOOLS,
                )
            ),
            page(
                question(
                    "benefit",
                    "radios",
                    "Which benefit do you get?",
                    name="the benefit",
                    choices=options(
                        ("universal_credit", "Universal Credit"),
                        ("income_support", "Income Support"),
                        ("jsa", "Income-based Jobseeker's Allowance"),
                        ("esa", "Income-related Employment and Support Allowance"),
                        ("pension_credit", "Guarantee element of Pension Credit"),
                    ),
                )
            ),
            page(
                {
                    **NATIONAL_INSURANCE,
                    "label": "What is your National Insurance number?",
                    "name": "your National Insurance number",
                }
            ),
        ),
        story=Story(
            weight=5,
            close_days=7,
            outcomes=(
                (
                    CLOSED_FIXED,
                    0.85,
                    "Your child can have free school meals. We have told the school.",
                ),
                (NFA, 0.15, "We could not confirm your benefit. Please send us your award letter."),
            ),
            examples={
                "child_name": ("Ruby Everdene", "Oscar Farfrae", "Isla Winterborne"),
                "nino": ("QQ123456C", "QQ 11 22 33 D"),
            },
        ),
    ),
]

SERVICES: list[ServiceSpec] = [*DISTRICT_SERVICES, *COUNTY_SERVICES]

ROUTING_RULES: list[RoutingSpec] = [
    # Asbestos and chemicals go to the environmental health officers, not the crews.
    RoutingSpec(
        service="report-fly-tipping",
        team="environmental-health",
        priority=10,
        answers={"waste_types": ["asbestos"]},
    ),
    # Large loads are evidence for prosecution: enforcement looks first.
    RoutingSpec(
        service="report-fly-tipping",
        team="environmental-health",
        priority=20,
        answers={"amount": ["lorry_load"]},
    ),
    # The town centre rangers clean up graffiti and litter in the town centre ward.
    RoutingSpec(
        service="report-graffiti", team="town-rangers", priority=50, ward="Dorchester South"
    ),
    RoutingSpec(service="report-litter", team="town-rangers", priority=50, ward="Dorchester South"),
    # Dangerous potholes go to the urgent response team.
    RoutingSpec(
        service="report-pothole", team="highways-response", priority=10, answers={"hazard": True}
    ),
    RoutingSpec(
        service="report-street-light",
        team="highways-response",
        priority=10,
        answers={"fault": "exposed_wires"},
    ),
]


# -- Named statuses and response templates ------------------------------------------------------
# A few services have the council's own names for their statuses, and words staff pick for the
# resident; every other service uses the base statuses. Generated wording, nobody's real words.


@dataclass(frozen=True)
class StatusSpec:
    organisation: str
    # The service's code: named statuses here are each for one service.
    service: str
    name: str
    base_status: str
    # The template choosing this status picks: (title, body), or None.
    template: tuple[str, str] | None = None


@dataclass(frozen=True)
class TemplateSpec:
    """A template for every service of the organisation, picked by no status."""

    organisation: str
    title: str
    body: str


CASE_STATUSES: list[StatusSpec] = [
    StatusSpec(
        DISTRICT,
        "report-fly-tipping",
        "Checking for evidence",
        "investigating",
        (
            "Checking for evidence",
            "Thank you for reporting this. Our enforcement officers are checking the waste for "
            "evidence of who left it before it is cleared.",
        ),
    ),
    StatusSpec(
        DISTRICT,
        "report-fly-tipping",
        "Crew booked",
        "action_scheduled",
        (
            "Crew booked",
            "We have booked a crew to clear the fly-tipping on {where}. Most are cleared within "
            "3 working days. Your reference is {reference}.",
        ),
    ),
    StatusSpec(
        DISTRICT,
        "report-fly-tipping",
        "Removed",
        "fixed",
        (
            "Removed",
            "Our crew has cleared the fly-tipping on {where}. Thank you for reporting it.",
        ),
    ),
    StatusSpec(
        DISTRICT,
        "report-fly-tipping",
        "Not found",
        "no_further_action",
        (
            "Not found",
            "Our crew went to {where} but could not find any fly-tipping. If it is still there, "
            "report it again with a photo and give reference {reference}.",
        ),
    ),
    StatusSpec(
        DISTRICT,
        "report-fly-tipping",
        "On private land",
        "not_councils_responsibility",
        (
            "On private land",
            "The waste is on private land, so the landowner must clear it. We have written to "
            "them.",
        ),
    ),
    StatusSpec(
        COUNTY,
        "report-pothole",
        "Inspection booked",
        "investigating",
        (
            "Inspection booked",
            "A highway inspector will look at the pothole on {where} within 5 working days.",
        ),
    ),
    StatusSpec(
        COUNTY,
        "report-pothole",
        "Repair booked",
        "action_scheduled",
        (
            "Repair booked",
            "We have booked a repair of the pothole on {where}. We will update you when it is "
            "done.",
        ),
    ),
    StatusSpec(
        COUNTY,
        "report-pothole",
        "Repaired",
        "fixed",
        ("Repaired", "We have repaired the pothole on {where}. Thank you for reporting it."),
    ),
    StatusSpec(
        COUNTY,
        "report-pothole",
        "Below repair level",
        "no_further_action",
        (
            "Below repair level",
            "We inspected the pothole on {where}. It is not deep enough for us to repair yet. "
            "We will look at it again at the next routine inspection.",
        ),
    ),
]

RESPONSE_TEMPLATES: list[TemplateSpec] = [
    TemplateSpec(
        DISTRICT,
        "Thank you, we are looking into it",
        "Thank you for your {service} report ({reference}). We are looking into it and will "
        "update you.",
    ),
    TemplateSpec(
        DISTRICT,
        "Passed to the right team",
        "We have passed your report {reference} to the team that deals with it. They will "
        "update you.",
    ),
    TemplateSpec(
        COUNTY,
        "Thank you, we are looking into it",
        "Thank you for your {service} report ({reference}). {organisation} is looking into it "
        "and will update you.",
    ),
]


def demo_statuses_create(organisations: dict[str, Any], services: dict[str, Any]) -> None:
    """Create the named statuses and response templates above, through the catalogue's
    services (`organisations` by DISTRICT or COUNTY, `services` by code)."""
    from borough.catalogue.services import case_status_create, response_template_create

    for position, spec in enumerate(CASE_STATUSES, start=1):
        organisation = organisations[spec.organisation]
        service = services[spec.service]
        status = case_status_create(
            organisation=organisation,
            service=service,
            name=spec.name,
            base_status=spec.base_status,
            position=position,
        )
        if spec.template is not None:
            title, body = spec.template
            response_template_create(
                organisation=organisation,
                service=service,
                title=title,
                body=body,
                case_status=status,
                position=position,
            )
    for position, template in enumerate(RESPONSE_TEMPLATES, start=100):
        response_template_create(
            organisation=organisations[template.organisation],
            title=template.title,
            body=template.body,
            position=position,
        )
