"""Foundation measurements: case creation, gazetteer lookups, point-in-area."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any


def run(
    *, timed: Callable[..., list[float]], percentiles: Callable[[list[float]], str]
) -> Iterator[tuple[str, str]]:
    from borough.cases.services import Submission, case_create
    from borough.catalogue.models import Service
    from borough.places.geo import ward_at
    from borough.places.models import Property
    from borough.places.selectors import addresses_for_postcode

    rng = random.Random(7)
    properties = list(Property.objects.all()[:2000])
    postcodes = sorted({p.postcode for p in properties})
    service = Service.objects.filter(needs_location=True, identity="anonymous").first()

    yield (
        "postcode lookup",
        percentiles(timed(lambda: list(addresses_for_postcode(rng.choice(postcodes))), 500)),
    )
    yield (
        "ward at a point",
        percentiles(
            timed(
                lambda: ward_at(*(lambda p: (p.latitude, p.longitude))(rng.choice(properties))), 500
            )
        ),
    )
    if service is None:
        yield "case_create", "skipped: the demo has no anonymous located service"
        return
    form = service.current_form
    assert form is not None
    answers = _sample_answers(form.definition)

    def create() -> Any:
        prop = rng.choice(properties)
        return case_create(
            submission=Submission(
                service=service,
                channel="app",
                answers=answers,
                reporter_email="bench@example.com",
                latitude=prop.latitude,
                longitude=prop.longitude,
            )
        )

    samples = timed(create, 300)
    per_second = 1000 / (sum(samples) / len(samples))
    yield (
        f"case_create ({service.code})",
        f"{percentiles(samples)} ~{per_second:.0f} cases/s in one process",
    )


def _sample_answers(definition: dict[str, Any]) -> dict[str, Any]:
    """The smallest valid answers: the first option of every required choice, text otherwise."""
    answers: dict[str, Any] = {}
    for page in definition["pages"]:
        for question in page["questions"]:
            if not question.get("required", True):
                continue
            kind = question["type"]
            if kind in {"radios", "select"}:
                answers[question["id"]] = question["options"][0]["value"]
            elif kind == "checkboxes":
                answers[question["id"]] = [question["options"][0]["value"]]
            elif kind == "yes_no":
                answers[question["id"]] = "no"
            elif kind == "date":
                answers[question["id"]] = "2026-01-05"
            elif kind in {"number", "money"}:
                answers[question["id"]] = "1"
            elif kind == "email":
                answers[question["id"]] = "bench@example.com"
            elif kind == "phone":
                answers[question["id"]] = "01305 251010"
            elif kind in {"text", "textarea"}:
                answers[question["id"]] = "Benchmark report"
    return answers
