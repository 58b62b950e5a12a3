"""A resident's way through a service's form: the steps, what they have answered, what is next.

The steps of a journey are:

1. where, when the service needs one: an address (`needs_property`, giving a UPRN) or a
   location (`needs_location`, giving a point), before the form's own pages; for a service
   with public cases, then "Is this the same problem?" when open public reports of the same
   service are near that point (choosing one follows it instead of making a new case);
2. the form definition's pages that are shown, given the answers so far (conditions are
   evaluated by the form engine on the cleaned answers, so a hidden page is skipped);
3. "Your details" (email address, name, telephone) for a resident who is not signed in;
   for a signed-in resident on a service whose reports are public, only "Your name on our
   website" (whether the report shows the name on their account).

Answers are kept in the session as the resident typed them ("raw"), keyed by the service
code, with the form version they were given under. Nothing is thrown away: if the service
publishes a new form version mid-journey the raw answers are kept and checked again against
the new version; answers to questions that are no longer shown are dropped only when the
case is made (by the engine's `answers_clean`).

For a signed-in resident every change is also saved to the database (`SavedJourney`, one per
resident and service), so a half-finished form outlives the session: when they open the
service again in a new session they choose to continue where they left off (`resume`) or
start again.

In assisted mode (`Assisted`) an advisor goes through the same steps for a caller: the
journey is kept apart from the advisor's own, "Your details" becomes "The caller's details"
(name required, email address optional) unless the caller has an account, and nothing is
saved to the database.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext

from borough.accounts.models import User
from borough.cases.selectors import CaseNear, public_cases_near
from borough.catalogue.forms import (
    FormContext,
    answer_clean,
    answers_clean,
    visible_pages,
)
from borough.catalogue.models import FormDefinition, Service
from borough.places.geo import organisations_at
from borough.places.selectors import property_by_uprn
from borough.portal.answers import question_error
from borough.portal.display import kind_noun
from borough.portal.models import SavedJourney
from borough.portal.public import SAME_PROBLEM_METRES
from borough.portal.services import saved_journey_delete, saved_journey_save
from borough.portal.uploads import upload_get

SESSION_KEY: Final = "portal.journeys"
# Assisted digital: who the advisor is acting for, and the journeys made for callers (kept
# apart from the advisor's own), and the references sent for callers.
ASSISTED_KEY: Final = "portal.assisted"
ASSISTED_JOURNEYS_KEY: Final = "portal.assisted_journeys"
ASSISTED_SENT_KEY: Final = "portal.assisted_sent"
SUBMITTED_KEY: Final = "portal.submitted"
CASES_KEY: Final = "portal.cases"
# How many submitted journeys a session remembers (for double submits and confirmation pages).
REMEMBERED: Final = 20

# Step slugs that are not form pages. They contain a hyphen, which a page id cannot.
LOCATION_STEP: Final = "find-location"
ADDRESS_STEP: Final = "find-address"
DETAILS_STEP: Final = "your-details"
SAME_STEP: Final = "same-problem"
# The answer to "Is this the same problem?" that carries on with a new report.
DIFFERENT: Final = "no"
# How many nearby reports "Is this the same problem?" offers at most.
SAME_PROBLEM_LIMIT: Final = 10
# Form page ids that would clash with the runner's own addresses.
RESERVED_SLUGS: Final = frozenset({"check", "done"})

PLACE, FORM, DETAILS, SAME = "place", "form", "details", "same"


def page_slug(page_id: str) -> str:
    """The address segment of a form page: its id, unless that is a word the runner uses."""
    return f"page-{page_id}" if page_id in RESERVED_SLUGS else page_id


@dataclass(frozen=True)
class Step:
    slug: str
    kind: str
    page: dict[str, Any]

    @property
    def questions(self) -> list[dict[str, Any]]:
        questions: list[dict[str, Any]] = self.page["questions"]
        return questions

    @property
    def title(self) -> str:
        """The page's h1: its one question's label, or the page title."""
        if len(self.questions) == 1 and not self.page.get("title"):
            return str(self.questions[0].get("label", ""))
        return str(self.page.get("title") or self.questions[0].get("label", ""))


def location_question(service: Service) -> dict[str, Any]:
    return {
        "id": "location",
        "type": "location",
        "label": gettext("Where is the problem?")
        if service.kind == "report"
        else gettext("Where is it?"),
        "name": gettext("the location"),
        "hint": gettext("Enter a postcode or street name, then choose the nearest address."),
        "errors": {"required": gettext("Enter a postcode or street name")},
    }


def address_question(service: Service) -> dict[str, Any]:
    return {
        "id": "address",
        "type": "address",
        "label": gettext("What is the address?"),
        "name": gettext("the address"),
        "errors": {"required": gettext("Enter a postcode")},
    }


def caller_details_questions(service: Service) -> list[dict[str, Any]]:
    """ "The caller's details", asked by an advisor: many callers have no email address."""
    noun = kind_noun(service)
    return [
        {
            "id": "name",
            "type": "text",
            "label": gettext("Full name"),
            "name": gettext("the caller’s full name"),  # noqa: RUF001
            "validation": {"max_length": 200},
            "errors": {"required": gettext("Enter the caller’s full name")},  # noqa: RUF001
        },
        {
            "id": "email",
            "type": "email",
            "label": gettext("Email address (optional)"),
            "name": gettext("the caller’s email address"),  # noqa: RUF001
            "required": False,
            "hint": gettext(
                "For updates about their %(noun)s. Leave this empty if they do not have one."
            )
            % {"noun": noun},
        },
        {
            "id": "phone",
            "type": "phone",
            "label": gettext("UK telephone number (optional)"),
            "name": gettext("the caller’s telephone number"),  # noqa: RUF001
            "required": False,
        },
    ]


def show_name_question() -> dict[str, Any]:
    """ "Your name on our website": off unless ticked."""
    return {
        "id": "show_name",
        "type": "checkboxes",
        "label": gettext("Your name on our website"),
        "hint": gettext(
            "Reports are shown on our website. We never show your email address "
            "or telephone number."
        ),
        "required": False,
        "options": [{"value": "yes", "label": gettext("Show my name on the public report")}],
    }


def details_questions(
    service: Service, *, assisted: bool = False, signed_in: bool = False
) -> list[dict[str, Any]]:
    if assisted:
        return caller_details_questions(service)
    if signed_in:
        # The account gives the name and email address: only whether to show the name.
        return [show_name_question()] if service.public_cases else []
    questions: list[dict[str, Any]] = [
        {
            "id": "email",
            "type": "email",
            "label": gettext("Email address"),
            "name": gettext("your email address"),
            "hint": gettext(
                "We’ll only use this to send you updates about your %(noun)s."  # noqa: RUF001
            )
            % {"noun": kind_noun(service)},
        },
        {
            "id": "name",
            "type": "text",
            "label": gettext("Full name (optional)"),
            "name": gettext("your full name"),
            "required": False,
            "validation": {"max_length": 200},
        },
        {
            "id": "phone",
            "type": "phone",
            "label": gettext("UK telephone number (optional)"),
            "name": gettext("your telephone number"),
            "required": False,
            "hint": gettext("In case we need to ask you about it."),
        },
    ]
    if service.public_cases:
        questions.append(show_name_question())
    return questions


def same_problem_question(nearby: list[CaseNear]) -> dict[str, Any]:
    """ "Is this the same problem?": a radio for each nearby report (by reference), or no."""
    return {
        "id": "same",
        "type": "radios",
        "label": gettext("Is this the same problem?"),
        "name": gettext("whether this is the same problem"),
        "options": [
            *({"value": near.case.reference, "label": near.case.reference} for near in nearby),
            {"value": DIFFERENT, "label": gettext("No, this is a different problem")},
        ],
        "errors": {"required": gettext("Select if this is the same problem or a different one")},
    }


@dataclass
class JourneyState:
    """What is kept in the session for one service."""

    version: int
    answers: dict[str, Any] = field(default_factory=dict)
    place: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    completed: list[str] = field(default_factory=list)
    key: str | None = None
    # "Is this the same problem?": {"same": a reference or "no", "point": [lat, lon]}.
    same: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_session(cls, data: object, version: int) -> JourneyState:
        if not isinstance(data, dict):
            return cls(version=version)

        def mapping(name: str) -> dict[str, Any]:
            value = data.get(name)
            return dict(value) if isinstance(value, dict) else {}

        completed = data.get("completed")
        key = data.get("key")
        return cls(
            # A newer form version takes over; the raw answers stay and are checked against it.
            version=version,
            answers=mapping("answers"),
            place=mapping("place"),
            details=mapping("details"),
            same=mapping("same"),
            completed=[str(slug) for slug in completed] if isinstance(completed, list) else [],
            key=key if isinstance(key, str) else None,
        )


@dataclass(frozen=True)
class Assisted:
    """An advisor raising a case for a caller: the service, the caller's channel, the advisor,
    and the caller's account when they have one (None for a caller without)."""

    service_code: str
    channel: str
    staff_id: int
    resident_id: int | None = None


def assisted_start(
    session: SessionBase,
    *,
    service_code: str,
    channel: str,
    staff_id: int,
    resident_id: int | None = None,
) -> Assisted:
    """Start assisted mode for one service, with an empty journey for the new caller."""
    assisted = Assisted(
        service_code=service_code, channel=channel, staff_id=staff_id, resident_id=resident_id
    )
    session[ASSISTED_KEY] = asdict(assisted)
    session[ASSISTED_JOURNEYS_KEY] = {}
    return assisted


def assisted_get(session: SessionBase) -> Assisted | None:
    """Who the advisor using this session is acting for, if anyone."""
    data = session.get(ASSISTED_KEY)
    if not isinstance(data, dict):
        return None
    try:
        resident = data.get("resident_id")
        return Assisted(
            service_code=str(data["service_code"]),
            channel=str(data["channel"]),
            staff_id=int(data["staff_id"]),
            resident_id=int(resident) if resident is not None else None,
        )
    except (KeyError, TypeError, ValueError):
        return None


def assisted_end(session: SessionBase) -> None:
    """End assisted mode: the browser is the advisor's own again, with no caller's answers."""
    session.pop(ASSISTED_KEY, None)
    session.pop(ASSISTED_JOURNEYS_KEY, None)


def assisted_details_set(session: SessionBase, details: dict[str, str]) -> None:
    """Keep the contact details an advisor took for a caller without an account, for as long
    as assisted mode lasts (a new caller starts without them)."""
    data = session.get(ASSISTED_KEY)
    if isinstance(data, dict):
        session[ASSISTED_KEY] = {**data, "details": {k: str(v) for k, v in details.items()}}


def assisted_details(session: SessionBase) -> dict[str, str]:
    """The caller's contact details the advisor took in this assisted mode ({} for none)."""
    data = session.get(ASSISTED_KEY)
    details = data.get("details") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in details.items()} if isinstance(details, dict) else {}


def assisted_sent_remember(session: SessionBase, reference: str) -> None:
    sent = session.get(ASSISTED_SENT_KEY)
    sent = [str(item) for item in sent] if isinstance(sent, list) else []
    if reference not in sent:
        sent.append(reference)
    session[ASSISTED_SENT_KEY] = sent[-REMEMBERED:]


def assisted_sent(session: SessionBase, reference: str) -> bool:
    """Whether this browser sent the case with this reference for a caller."""
    sent = session.get(ASSISTED_SENT_KEY)
    return isinstance(sent, list) and reference in sent


class Journey:
    """One resident's journey through one service, backed by their session.

    `user` is the signed-in resident whose answers are also saved to the database (None for
    a resident who is not signed in, and in assisted mode); `assisted` says an advisor is
    going through it for a caller.
    """

    def __init__(
        self,
        *,
        session: SessionBase,
        service: Service,
        form: FormDefinition,
        signed_in: bool,
        user: User | None = None,
        assisted: Assisted | None = None,
    ) -> None:
        self.session = session
        self.service = service
        self.form = form
        self.signed_in = signed_in
        self.assisted = assisted
        self.user = user if assisted is None else None
        self.session_key = ASSISTED_JOURNEYS_KEY if assisted is not None else SESSION_KEY
        journeys = session.get(self.session_key)
        stored = journeys.get(service.code) if isinstance(journeys, dict) else None
        self.in_session = isinstance(stored, dict)
        self.state = JourneyState.from_session(stored, form.version)
        self._cleaned: tuple[dict[str, Any], dict[str, str]] | None = None
        self._steps: list[Step] | None = None
        self._nearby: tuple[tuple[float, float] | None, list[CaseNear]] | None = None

    # -- Keeping it ---------------------------------------------------------------------

    def _session_save(self) -> None:
        journeys = self.session.get(self.session_key)
        journeys = dict(journeys) if isinstance(journeys, dict) else {}
        journeys[self.service.code] = asdict(self.state)
        self.session[self.session_key] = journeys
        self.in_session = True

    def save(self) -> None:
        """Keep the answers in the session, and for a signed-in resident in the database."""
        self._session_save()
        if self.user is not None:
            saved_journey_save(
                user=self.user,
                service=self.service,
                form_version=self.state.version,
                answers=self.state.answers,
                place=self.state.place,
                details=self.state.details,
                same=self.state.same,
                completed=self.state.completed,
            )

    def clear(self) -> None:
        """Forget the answers (sent, followed, or started again), saved ones included."""
        journeys = self.session.get(self.session_key)
        journeys = dict(journeys) if isinstance(journeys, dict) else {}
        journeys.pop(self.service.code, None)
        self.session[self.session_key] = journeys
        self.in_session = False
        if self.user is not None:
            saved_journey_delete(user=self.user, service=self.service)
        self.state = JourneyState(version=self.form.version)
        self._forget()

    def resume(self, saved: SavedJourney) -> None:
        """Carry on from a saved form: its raw answers and finished steps come back into the
        session, checked against the current form version like any other answers. Files whose
        temporary copies are gone are left out, so a photo question may need answering again.
        """
        answers = dict(saved.answers) if isinstance(saved.answers, dict) else {}
        for page in self.definition.get("pages") or []:
            for question in page.get("questions") or []:
                tokens = answers.get(question.get("id"))
                if question.get("type") == "file" and isinstance(tokens, list):
                    answers[question["id"]] = [
                        token for token in tokens if isinstance(token, str) and upload_get(token)
                    ]
        self.state = JourneyState.from_session(
            {
                "answers": answers,
                "place": saved.place,
                "details": saved.details,
                "same": saved.same,
                "completed": saved.completed,
            },
            self.form.version,
        )
        self._forget()
        self._session_save()

    @property
    def started(self) -> bool:
        return bool(
            self.state.completed
            or self.state.answers
            or self.state.place
            or self.state.details
            or self.state.same
        )

    def idempotency_key(self) -> str:
        """The key that makes sending twice make one case; made when first asked for."""
        if not self.state.key:
            self.state.key = secrets.token_urlsafe(24)
            self._session_save()
        return self.state.key

    # -- The form -------------------------------------------------------------------------

    @property
    def definition(self) -> dict[str, Any]:
        definition: dict[str, Any] = self.form.definition
        return definition

    @property
    def context(self) -> FormContext:
        organisation = self.service.organisation

        def uprn_exists(uprn: str) -> bool:
            return property_by_uprn(uprn) is not None

        def location_allowed(latitude: float, longitude: float) -> str | None:
            if not organisation.boundary:
                return None
            try:
                inside = organisation in organisations_at(latitude, longitude)
            except ValueError:
                inside = False
            if inside:
                return None
            return gettext("Choose a location in the area %(organisation)s covers") % {
                "organisation": organisation.name
            }

        return FormContext(uprn_exists=uprn_exists, location_allowed=location_allowed)

    def cleaned(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The form's answers cleaned by the engine, and the errors, by question id."""
        if self._cleaned is None:
            self._cleaned = answers_clean(self.definition, self.state.answers, context=self.context)
        return self._cleaned

    def _forget(self) -> None:
        """Drop what was worked out from the answers, after they change."""
        self._cleaned = None
        self._steps = None
        self._nearby = None

    @property
    def asks_details(self) -> bool:
        """Whether "Your details" is asked: not of a signed-in resident (the case is theirs),
        nor of a caller an advisor found the account of."""
        if self.assisted is not None:
            return self.assisted.resident_id is None
        return not self.signed_in

    @property
    def account_name(self) -> str:
        """The signed-in resident's name on their account ("" when none or not signed in)."""
        return str(self.user.full_name or "").strip() if self.user is not None else ""

    @property
    def asks_name_choice(self) -> bool:
        """Whether a signed-in resident is asked only "Your name on our website": on services
        whose reports are public (their name and email address come from their account)."""
        return self.assisted is None and self.signed_in and self.service.public_cases

    def details_questions(self) -> list[dict[str, Any]]:
        return details_questions(
            self.service,
            assisted=self.assisted is not None,
            signed_in=self.assisted is None and self.signed_in,
        )

    def steps(self) -> list[Step]:
        """The steps the resident takes now, given their answers so far."""
        if self._steps is None:
            self._steps = self._steps_now()
        return list(self._steps)

    def _steps_now(self) -> list[Step]:
        steps: list[Step] = []
        if self.service.needs_property:
            question = address_question(self.service)
            steps.append(Step(ADDRESS_STEP, PLACE, {"id": ADDRESS_STEP, "questions": [question]}))
        elif self.service.needs_location:
            question = location_question(self.service)
            steps.append(Step(LOCATION_STEP, PLACE, {"id": LOCATION_STEP, "questions": [question]}))
            nearby = self.nearby()
            if nearby:
                same_page = {"id": SAME_STEP, "questions": [same_problem_question(nearby)]}
                steps.append(Step(SAME_STEP, SAME, same_page))
        cleaned, _ = self.cleaned()
        for page in visible_pages(self.definition, cleaned):
            steps.append(Step(page_slug(page["id"]), FORM, page))
        if self.asks_details:
            page = {
                "id": DETAILS_STEP,
                "title": gettext("The caller’s details")  # noqa: RUF001
                if self.assisted
                else gettext("Your details"),
                "questions": self.details_questions(),
            }
            steps.append(Step(DETAILS_STEP, DETAILS, page))
        elif self.asks_name_choice:
            # One question, so its label is the page's heading.
            page = {"id": DETAILS_STEP, "questions": self.details_questions()}
            steps.append(Step(DETAILS_STEP, DETAILS, page))
        return steps

    # -- "Is this the same problem?" ----------------------------------------------------------

    def point(self) -> tuple[float, float] | None:
        """The point of the location step once it is answered well, or None."""
        if not self.service.needs_location or self.service.needs_property:
            return None
        if LOCATION_STEP not in self.state.completed:
            return None
        question = location_question(self.service)
        value, error = answer_clean(question, self.state.place, context=self.context)
        if error is not None or not isinstance(value, dict):
            return None
        return float(value["latitude"]), float(value["longitude"])

    def nearby(self) -> list[CaseNear]:
        """Open public reports of this service near the location given, nearest first: the
        ones "Is this the same problem?" offers. Empty for services without public cases."""
        if self._nearby is None:
            point = self.point() if self.service.public_cases else None
            found: list[CaseNear] = []
            if point is not None:
                found = public_cases_near(
                    service=self.service,
                    latitude=point[0],
                    longitude=point[1],
                    metres=SAME_PROBLEM_METRES,
                    open_only=True,
                    limit=SAME_PROBLEM_LIMIT,
                )
            self._nearby = (point, found)
        return list(self._nearby[1])

    def same_problem(self) -> str | None:
        """The reference of the nearby report the resident said is their problem, if any."""
        chosen = str(self.state.same.get("same") or "")
        if not chosen or chosen == DIFFERENT:
            return None
        if any(near.case.reference == chosen for near in self.nearby()):
            return chosen
        return None

    def step(self, slug: str) -> Step | None:
        """The step at this address, if the resident is shown it now."""
        for step in self.steps():
            if step.slug == slug:
                return step
        return None

    def has_page(self, slug: str) -> bool:
        """Whether the form has a page at this address, shown now or not."""
        pages = self.definition.get("pages") or []
        return any(page_slug(str(page.get("id"))) == slug for page in pages)

    # -- Answers ----------------------------------------------------------------------------

    def raw(self, step: Step) -> dict[str, Any]:
        """The raw answers of a step's questions, by question id."""
        if step.kind == PLACE:
            return {step.questions[0]["id"]: self.state.place}
        if step.kind == DETAILS:
            return self.state.details
        if step.kind == SAME:
            return {"same": self.state.same.get("same")}
        return self.state.answers

    def store(self, step: Step, values: dict[str, Any]) -> None:
        """Keep a step's raw answers (as typed, valid or not: nothing is lost)."""
        if step.kind == PLACE:
            value = values.get(step.questions[0]["id"])
            self.state.place = dict(value) if isinstance(value, dict) else {}
        elif step.kind == DETAILS:
            self.state.details.update(values)
        elif step.kind == SAME:
            point = self.point()
            self.state.same = {
                "same": values.get("same"),
                "point": list(point) if point is not None else None,
            }
        else:
            self.state.answers.update(values)
        self._forget()
        self.save()

    def mark_completed(self, step: Step) -> None:
        if step.slug not in self.state.completed:
            self.state.completed.append(step.slug)
        self.save()

    def errors(self, step: Step) -> dict[str, str]:
        """Each of the step's questions that is not answered well enough, with its message."""
        raw = self.raw(step)
        errors: dict[str, str] = {}
        context = self.context
        for question in step.questions:
            error = question_error(
                question, raw.get(question["id"]), context=context, needs_uprn=step.kind == PLACE
            )
            if error is not None:
                errors[question["id"]] = error
        if step.kind == DETAILS and "name" not in errors:
            shown = raw.get("show_name")
            wants = isinstance(shown, list) and "yes" in shown
            asked_name = any(question["id"] == "name" for question in step.questions)
            if wants and asked_name and not str(raw.get("name", "")).strip():
                errors["name"] = gettext("Enter your full name to show it on the public report")
            elif wants and not asked_name and self.user is not None and not self.account_name:
                errors["show_name"] = gettext(
                    "Add your name to your account to show it on the public report"
                )
        # In the order of the questions on the page, for the error summary.
        order = [question["id"] for question in step.questions]
        return {qid: errors[qid] for qid in order if qid in errors}

    def is_complete(self, step: Step) -> bool:
        if step.kind == SAME:
            # Answered "no" for the point given now: a new point asks again.
            point = self.point()
            return (
                step.slug in self.state.completed
                and self.state.same.get("same") == DIFFERENT
                and point is not None
                and self.state.same.get("point") == list(point)
            )
        return step.slug in self.state.completed and not self.errors(step)

    def first_incomplete(self, before: Step | None = None) -> Step | None:
        """The first step not yet answered well, looking only before `before` if given."""
        for step in self.steps():
            if before is not None and step.slug == before.slug:
                return None
            if not self.is_complete(step):
                return step
        return None

    def step_after(self, step: Step, *, change: bool) -> Step | None:
        """Where to go after a step: the next one, or None for check your answers.

        When changing an answer from check your answers, go back there unless the change
        brought in a step that has not been answered (a page a condition now shows).
        """
        steps = self.steps()
        slugs = [item.slug for item in steps]
        if step.slug not in slugs:
            return self.first_incomplete()
        later = steps[slugs.index(step.slug) + 1 :]
        if change:
            return next((item for item in later if not self.is_complete(item)), None)
        return later[0] if later else None

    def step_before(self, step: Step) -> Step | None:
        steps = self.steps()
        slugs = [item.slug for item in steps]
        if step.slug not in slugs:
            return None
        index = slugs.index(step.slug)
        return steps[index - 1] if index > 0 else None

    # -- What the case is made from ---------------------------------------------------------

    def place(self) -> dict[str, Any]:
        """The cleaned where-step answer: {"latitude", "longitude"} or {"uprn", "text"}."""
        for step in self.steps():
            if step.kind == PLACE:
                question = step.questions[0]
                value, error = answer_clean(question, self.state.place, context=self.context)
                return value if isinstance(value, dict) and error is None else {}
        return {}

    def details(self) -> dict[str, Any]:
        """The cleaned "Your details" answers."""
        cleaned: dict[str, Any] = {}
        for question in self.details_questions():
            value, error = answer_clean(
                question, self.state.details.get(question["id"]), context=self.context
            )
            if error is None and value is not None:
                cleaned[question["id"]] = value
        return cleaned


# -- What a session remembers after sending ------------------------------------------------


def submitted_reference(session: SessionBase, key: str) -> tuple[str, str] | None:
    """(service code, reference) of the case this session made with an idempotency key."""
    submitted = session.get(SUBMITTED_KEY)
    found = submitted.get(key) if isinstance(submitted, dict) and key else None
    if isinstance(found, list) and len(found) == 2:
        return str(found[0]), str(found[1])
    return None


def submitted_remember(session: SessionBase, *, key: str, code: str, reference: str) -> None:
    submitted = session.get(SUBMITTED_KEY)
    submitted = dict(submitted) if isinstance(submitted, dict) else {}
    submitted[key] = [code, reference]
    session[SUBMITTED_KEY] = dict(list(submitted.items())[-REMEMBERED:])
    cases = session.get(CASES_KEY)
    cases = [str(item) for item in cases] if isinstance(cases, list) else []
    if reference not in cases:
        cases.append(reference)
    session[CASES_KEY] = cases[-REMEMBERED:]


def submitted_by_session(session: SessionBase, reference: str) -> bool:
    """Whether this browser sent the case with this reference (and may see its confirmation)."""
    cases = session.get(CASES_KEY)
    return isinstance(cases, list) and reference in cases
