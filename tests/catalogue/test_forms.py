"""The form-definition engine: definitions, conditions, answers, summaries and schemas."""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from borough.catalogue.forms import (
    FormContext,
    FormDefinitionInvalid,
    answer_clean,
    answers_clean,
    answers_json_schema,
    answers_summary,
    condition_holds,
    form_definition_check,
    form_definition_errors,
    form_definition_schema,
    open311_attributes,
    pounds_text,
    question_by_id,
    question_name,
    questions,
    visible_pages,
    visible_questions,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "forms.md"
TODAY = date(2026, 3, 5)
CONTEXT = FormContext(today=TODAY)

FLY_TIPPING: dict[str, Any] = {
    "title": "Report fly-tipping",
    "pages": [
        {
            "id": "what",
            "questions": [
                {
                    "id": "waste_type",
                    "type": "radios",
                    "label": "What has been dumped?",
                    "name": "what has been dumped",
                    "options": [
                        {"value": "household", "label": "Household rubbish"},
                        {"value": "garden", "label": "Garden waste"},
                        {"value": "other", "label": "Something else"},
                    ],
                }
            ],
        },
        {
            "id": "other",
            "when": {"question": "waste_type", "equals": "other"},
            "questions": [
                {
                    "id": "other_waste",
                    "type": "textarea",
                    "label": "Tell us what has been dumped",
                    "validation": {"max_length": 200},
                }
            ],
        },
        {
            "id": "hazards",
            "questions": [
                {
                    "id": "hazards",
                    "type": "checkboxes",
                    "label": "Is any of it dangerous?",
                    "hint": "Select all that apply",
                    "required": False,
                    "options": [
                        {"value": "asbestos", "label": "Asbestos"},
                        {"value": "chemicals", "label": "Chemicals or oil"},
                        {"value": "needles", "label": "Needles"},
                    ],
                }
            ],
        },
        {
            "id": "blocking",
            "questions": [
                {
                    "id": "blocking",
                    "type": "yes_no",
                    "label": "Is it blocking the road or pavement?",
                    "errors": {"required": "Select yes if it is blocking the road or pavement"},
                    "open311": {"code": "BLOCKING"},
                }
            ],
        },
        {
            "id": "needles_where",
            "when": {"question": "hazards", "includes": "needles"},
            "questions": [
                {
                    "id": "near_school",
                    "type": "yes_no",
                    "label": "Is it near a school or playground?",
                    "name": "whether it is near a school or playground",
                }
            ],
        },
        {
            "id": "when",
            "questions": [
                {
                    "id": "seen_on",
                    "type": "date",
                    "label": "When did you see it?",
                    "name": "the date you saw it",
                    "validation": {"not_future": True},
                }
            ],
        },
        {
            "id": "where",
            "questions": [
                {"id": "location", "type": "location", "label": "Where is it?"},
            ],
        },
        {
            "id": "photos",
            "questions": [
                {"id": "photos", "type": "file", "label": "Add photos", "required": False},
            ],
        },
        {
            "id": "contact",
            "questions": [
                {"id": "email", "type": "email", "label": "Email address"},
                {
                    "id": "phone",
                    "type": "phone",
                    "label": "Telephone number",
                    "required": False,
                    "open311": {"automated": "hidden_field"},
                },
                {
                    "id": "ward",
                    "type": "text",
                    "label": "Ward",
                    "required": False,
                    "open311": {"automated": "server_set"},
                },
            ],
        },
    ],
}

GOOD_RAW = {
    "waste_type": "other",
    "other_waste": "  A sofa  ",
    "hazards": ["needles", "asbestos"],
    "blocking": "no",
    "near_school": "yes",
    "seen_on": {"day": "4", "month": "3", "year": "2026"},
    "location": {"latitude": "50.7155", "longitude": "-2.4367"},
    "photos": ["tok-1"],
    "email": " Resident@Example.COM ",
    "phone": "07700 900 982",
}

GOOD_CLEANED = {
    "waste_type": "other",
    "other_waste": "A sofa",
    "hazards": ["asbestos", "needles"],
    "blocking": False,
    "near_school": True,
    "seen_on": "2026-03-04",
    "location": {"latitude": 50.7155, "longitude": -2.4367},
    "photos": ["tok-1"],
    "email": "resident@example.com",
    "phone": "07700900982",
}


def q(qtype: str, **fields: Any) -> dict[str, Any]:
    """One question; the label defaults to something that gives a readable name."""
    question: dict[str, Any] = {"id": "answer", "type": qtype, "label": "Colour", **fields}
    return question


def form(*pages: list[dict[str, Any]], whens: dict[int, Any] | None = None) -> dict[str, Any]:
    """A definition with one page per list of questions; `whens` gives page conditions."""
    built = []
    for index, page_questions in enumerate(pages):
        page: dict[str, Any] = {"id": f"page_{index}", "questions": page_questions}
        if whens and index in whens:
            page["when"] = whens[index]
        built.append(page)
    return {"title": "Test form", "pages": built}


def clean(question: dict[str, Any], raw: object, **context: Any) -> tuple[object, str | None]:
    return answer_clean(question, raw, context=FormContext(today=TODAY, **context))


def errors_with(change: Any) -> list[str]:
    """The errors for the fly-tipping form after `change(definition)`."""
    definition = copy.deepcopy(FLY_TIPPING)
    change(definition)
    return form_definition_errors(definition)


# --- The meta-schema and definition checks -------------------------------------------------


def test_meta_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = form_definition_schema()

    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_good_definition_has_no_errors() -> None:
    assert form_definition_errors(FLY_TIPPING) == []
    form_definition_check(FLY_TIPPING)


def test_the_example_in_the_docs_is_valid() -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)
    definitions = [json.loads(block) for block in blocks if '"pages"' in block]

    assert definitions
    for definition in definitions:
        assert form_definition_errors(definition) == []


def test_check_raises_with_every_error() -> None:
    definition = copy.deepcopy(FLY_TIPPING)
    del definition["title"]
    definition["pages"][0]["questions"][0]["options"] = [{"value": "other", "label": "Other"}]

    with pytest.raises(FormDefinitionInvalid) as raised:
        form_definition_check(definition)

    assert raised.value.errors == [
        'definition: "title" is missing',
        "pages[0].questions[0].options: radios questions need at least 2 options",
    ]


def test_a_definition_that_is_not_an_object() -> None:
    assert form_definition_errors(["pages"]) == ["definition: must be an object"]
    assert form_definition_errors(None) == ["definition: must be an object"]


def _set(path: str, value: Any) -> Any:
    """A change that sets a dotted path like "pages.0.questions.0.type" to a value."""

    def change(definition: Any) -> None:
        *parents, last = path.split(".")
        target = definition
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


def _delete(path: str) -> Any:
    def change(definition: Any) -> None:
        *parents, last = path.split(".")
        target = definition
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[int(last) if last.isdigit() else last]

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("pages", []), "pages: a form needs at least one page"),
        (_set("pages.0.questions", []), "pages[0].questions: a page needs at least one question"),
        (_set("colour", "red"), 'definition: "colour" is not allowed here'),
        (_delete("pages.0.questions.0.label"), 'pages[0].questions[0]: "label" is missing'),
        (_delete("pages.0.id"), 'pages[0]: "id" is missing'),
        (_set("pages.0.questions.0.label", ""), "pages[0].questions[0].label: must not be empty"),
        (
            _set("pages.0.questions.0.required", "yes"),
            "pages[0].questions[0].required: must be true or false",
        ),
        (
            _set("pages.0.questions.0.id", "Waste-Type"),
            'pages[0].questions[0].id: "Waste-Type" is not a valid id: start with a lower-case '
            "letter and use only lower-case letters, digits and underscores, up to 50 characters",
        ),
        (
            _set("pages.0.questions.0.id", "a" * 51),
            f'pages[0].questions[0].id: "{"a" * 51}" is not a valid id: start with a lower-case '
            "letter and use only lower-case letters, digits and underscores, up to 50 characters",
        ),
        (
            _set("pages.0.questions.0.type", "colour"),
            'pages[0].questions[0].type: "colour" is not a question type: use text, textarea, '
            "number, money, date, email, phone, radios, checkboxes, select, yes_no, address, "
            "location or file",
        ),
        (
            _set("pages.0.questions.0.colour", "red"),
            'pages[0].questions[0]: "colour" is not allowed here',
        ),
        (
            _set("pages.0.questions.0.errors", {"requried": "Select one"}),
            'pages[0].questions[0].errors: "requried" is not an error rule: use required, format, '
            "min_length, max_length, pattern, min, max, integer, min_pence, max_pence, incomplete, "
            "not_future, not_past, min_selected, max_selected, max_files, uprn or bounds",
        ),
        (
            _set("pages.0.questions.0.options.1", {"value": "garden"}),
            'pages[0].questions[0].options[1]: "label" is missing',
        ),
        (
            _set("pages.0.questions.0.options", [{"value": "household", "label": "Rubbish"}]),
            "pages[0].questions[0].options: radios questions need at least 2 options",
        ),
        (
            _delete("pages.0.questions.0.options"),
            "pages[0].questions[0].options: radios questions need at least 2 options",
        ),
        (
            _set("pages.2.questions.0.options", []),
            "pages[2].questions[0].options: checkboxes questions need at least 1 option",
        ),
        (
            _set("pages.0.questions.0.options.1.value", "household"),
            'pages[0].questions[0].options[1].value: option value "household" is used more than once',
        ),
        (
            _set("pages.1.questions.0.options", [{"value": "a", "label": "A"}]),
            "pages[1].questions[0].options: textarea questions do not take options",
        ),
        (
            _set("pages.1.id", "what"),
            'pages[1].id: page id "what" is already used by pages[0]',
        ),
        (
            _set("pages.1.questions.0.id", "waste_type"),
            'pages[1].questions[0].id: question id "waste_type" is already used by '
            "pages[0].questions[0]",
        ),
        (
            _set("pages.8.questions.2.open311", {"code": "BLOCKING"}),
            'pages[8].questions[2].open311.code: Open311 code "BLOCKING" is already used by '
            "pages[3].questions[0]",
        ),
        (
            _set("pages.2.when", {"question": "colour", "equals": "red"}),
            'pages[2].when: refers to question "colour", which is not in this form',
        ),
        (
            _set("pages.1.when", {"question": "hazards", "answered": True}),
            'pages[1].when: refers to question "hazards", which is not on an earlier page',
        ),
        (
            _set("pages.8.questions.1.when", {"question": "email", "answered": True}),
            'pages[8].questions[1].when: refers to question "email", which is not on an earlier page',
        ),
        (
            _set(
                "pages.4.when",
                {
                    "all": [
                        {"question": "hazards", "answered": True},
                        {"not": {"question": "photos", "answered": True}},
                    ]
                },
            ),
            'pages[4].when.all[1].not: refers to question "photos", which is not on an earlier page',
        ),
        (
            _set("pages.1.when", {"question": "waste_type", "includes": "other"}),
            'pages[1].when: "includes" works only with checkboxes questions, and "waste_type" is '
            "a radios question",
        ),
        (
            _set("pages.4.when", {"question": "hazards", "equals": "needles"}),
            'pages[4].when: use "includes" to test checkboxes question "hazards", not "equals"',
        ),
        (
            _set("pages.1.when", {"question": "waste_type", "in": ["other", "rubble"]}),
            'pages[1].when: "rubble" is not an option of question "waste_type"',
        ),
        (
            _set("pages.5.when", {"question": "blocking", "equals": "yes"}),
            'pages[5].when: "blocking" is a yes_no question, so compare it with true or false',
        ),
        (
            _set("pages.1.when", {"question": "waste_type"}),
            "pages[1].when: a condition on a question needs one of equals, not_equals, in, "
            "includes or answered",
        ),
        (
            _set("pages.1.when", {"question": "waste_type", "equals": "other", "answered": True}),
            "pages[1].when: a condition on a question can have only one of equals, not_equals, "
            "in, includes or answered",
        ),
        (
            _set("pages.1.when", {"question": "waste_type", "is": "other"}),
            'pages[1].when: "is" is not allowed in a condition: use one of equals, not_equals, in, '
            "includes or answered",
        ),
        (
            _set("pages.1.when", {"all": []}),
            "pages[1].when.all: needs at least 1 item",
        ),
        (
            _set("pages.1.when", "waste_type is other"),
            'pages[1].when: is not a valid condition: give "question" with one of equals, '
            "not_equals, in, includes or answered, or combine conditions with all, any or not",
        ),
        (
            _set("pages.1.questions.0.validation", {"max_length": 5, "min_length": 10}),
            "pages[1].questions[0].validation: min_length (10) is more than max_length (5)",
        ),
        (
            _set("pages.1.questions.0.validation", {"min_length": 5000}),
            "pages[1].questions[0].validation: min_length (5000) is more than the longest "
            "textarea answer allowed (4000 characters): set max_length too",
        ),
        (
            _set("pages.1.questions.0.validation", {"pattern": "[a-z"}),
            "pages[1].questions[0].validation.pattern: is not a valid regular expression: "
            "unterminated character set at position 0",
        ),
        (
            _set("pages.1.questions.0.validation", {"min": 3}),
            'pages[1].questions[0].validation: "min" is not a rule for text questions: use '
            "min_length, max_length or pattern",
        ),
        (
            _set("pages.0.questions.0.validation", {"max_length": 3}),
            'pages[0].questions[0].validation: "max_length" is not a rule for this type of '
            "question, which takes no validation rules",
        ),
        (
            _set("pages.5.questions.0.validation", {"min": "2026-02-30"}),
            'pages[5].questions[0].validation.min: "2026-02-30" is not a date: use YYYY-MM-DD, '
            "like 2026-03-05",
        ),
        (
            _set("pages.5.questions.0.validation", {"min": "2026-03-01", "max": "2026-01-01"}),
            "pages[5].questions[0].validation: min (2026-03-01) is after max (2026-01-01)",
        ),
        (
            _set("pages.2.questions.0.validation", {"min_selected": 3, "max_selected": 2}),
            "pages[2].questions[0].validation: min_selected (3) is more than max_selected (2)",
        ),
        (
            _set("pages.2.questions.0.validation", {"min_selected": 4}),
            "pages[2].questions[0].validation: min_selected (4) is more than the number of "
            "options (3)",
        ),
        (
            _set("pages.7.questions.0.validation", {"accept": ["pdf"]}),
            'pages[7].questions[0].validation.accept[0]: "pdf" is not a MIME type, like '
            "image/jpeg or application/pdf",
        ),
        (
            _set("pages.7.questions.0.validation", {"max_files": 0}),
            "pages[7].questions[0].validation.max_files: must be 1 or more",
        ),
        (
            _set("pages.8.questions.1.open311", {"automated": "always"}),
            'pages[8].questions[1].open311.automated: "always" must be one of "hidden_field", '
            '"server_set"',
        ),
    ],
)
def test_bad_definitions_are_refused_with_the_place_and_problem(change: Any, message: str) -> None:
    assert message in errors_with(change)


def test_number_and_money_rules_that_cannot_be_met() -> None:
    definition = form(
        [q("number", id="count", validation={"min": 10, "max": 2})],
        [q("money", id="fee", validation={"min_pence": 500, "max_pence": 100})],
    )

    assert form_definition_errors(definition) == [
        "pages[0].questions[0].validation: min (10) is more than max (2)",
        "pages[1].questions[0].validation: min_pence (500) is more than max_pence (100)",
    ]


def test_a_condition_compares_numbers_with_numbers() -> None:
    definition = form(
        [q("money", id="fee")],
        [q("text", id="why")],
        whens={1: {"question": "fee", "equals": "12.50"}},
    )

    assert form_definition_errors(definition) == [
        'pages[1].when: "fee" is a money question, so compare it with a number of pence'
    ]


def test_errors_come_in_form_order_each_once() -> None:
    definition = form(
        [q("radios", id="a", options=[{"value": "x", "label": "X"}])],
        [q("number", id="a", validation={"min": 2, "max": 1}), q("text", id="B")],
    )

    assert form_definition_errors(definition) == [
        "pages[0].questions[0].options: radios questions need at least 2 options",
        'pages[1].questions[0].id: question id "a" is already used by pages[0].questions[0]',
        "pages[1].questions[0].validation: min (2) is more than max (1)",
        'pages[1].questions[1].id: "B" is not a valid id: start with a lower-case letter and '
        "use only lower-case letters, digits and underscores, up to 50 characters",
    ]


# --- Reading a definition -------------------------------------------------------------------


def test_questions_in_order_and_by_id() -> None:
    assert [question["id"] for question in questions(FLY_TIPPING)] == [
        "waste_type",
        "other_waste",
        "hazards",
        "blocking",
        "near_school",
        "seen_on",
        "location",
        "photos",
        "email",
        "phone",
        "ward",
    ]
    assert question_by_id(FLY_TIPPING, "blocking") is FLY_TIPPING["pages"][3]["questions"][0]
    assert question_by_id(FLY_TIPPING, "colour") is None


@pytest.mark.parametrize(
    ("question", "name"),
    [
        (
            {"label": "What has been dumped?", "name": "what has been dumped"},
            "what has been dumped",
        ),
        ({"label": "Email address"}, "email address"),
        ({"label": "What is your name? "}, "what is your name"),
        ({"label": "UPRN of the property"}, "UPRN of the property"),
    ],
)
def test_question_name(question: dict[str, Any], name: str) -> None:
    assert question_name(question) == name


# --- Text and textarea ----------------------------------------------------------------------


def test_text_is_stripped() -> None:
    assert clean(q("text"), "  Red  ") == ("Red", None)


def test_text_required_and_optional() -> None:
    assert clean(q("text"), "   ") == (None, "Enter colour")
    assert clean(q("text"), None) == (None, "Enter colour")
    assert clean(q("text", required=False), "") == (None, None)
    assert clean(q("text", name="the colour of the car"), "") == (
        None,
        "Enter the colour of the car",
    )


def test_text_lengths() -> None:
    assert clean(q("text"), "x" * 500) == ("x" * 500, None)
    assert clean(q("text"), "x" * 501) == (None, "Colour must be 500 characters or less")
    assert clean(q("textarea"), "x" * 4000) == ("x" * 4000, None)
    assert clean(q("textarea"), "x" * 4001) == (None, "Colour must be 4000 characters or less")
    assert clean(q("text", validation={"min_length": 3}), "ab") == (
        None,
        "Colour must be 3 characters or more",
    )
    assert clean(q("text", validation={"max_length": 5}), "abcdef") == (
        None,
        "Colour must be 5 characters or less",
    )
    between = q("text", validation={"min_length": 3, "max_length": 5})
    assert clean(between, "ab") == (None, "Colour must be between 3 and 5 characters")
    assert clean(between, "abcdef") == (None, "Colour must be between 3 and 5 characters")
    assert clean(between, "abcd") == ("abcd", None)


def test_text_pattern_must_match_the_whole_answer() -> None:
    postcode = q(
        "text",
        label="Postcode",
        validation={"pattern": "[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}"},
    )

    assert clean(postcode, "DT1 1AA") == ("DT1 1AA", None)
    assert clean(postcode, "DT1 1AA extra") == (None, "Enter postcode in the correct format")
    custom = {**postcode, "errors": {"pattern": "Enter a real postcode"}}
    assert clean(custom, "nope") == (None, "Enter a real postcode")


def test_textarea_line_endings_and_nul_characters() -> None:
    assert clean(q("textarea"), "one\r\ntwo\rthree\x00") == ("one\ntwo\nthree", None)


def test_text_that_is_not_text() -> None:
    assert clean(q("text"), {"a": 1}) == (None, "Colour must be text")
    assert clean(q("text"), 42) == ("42", None)


def test_custom_length_messages() -> None:
    question = q(
        "text",
        validation={"max_length": 3},
        errors={"max_length": "Colour must be short", "required": "Tell us the colour"},
    )

    assert clean(question, "abcd") == (None, "Colour must be short")
    assert clean(question, "") == (None, "Tell us the colour")


# --- Number and money -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [("12", 12), ("12.5", 12.5), (" -3 ", -3), ("1,000", 1000), (7, 7), (2.5, 2.5), ("0.1", 0.1)],
)
def test_numbers(raw: object, cleaned: object) -> None:
    value, error = clean(q("number", label="Number of bags"), raw)

    assert (value, error) == (cleaned, None)
    assert type(value) is type(cleaned)


@pytest.mark.parametrize("raw", ["twelve", "12 bags", "1e999", "nan", True, float("inf"), "1_000"])
def test_not_numbers(raw: object) -> None:
    assert clean(q("number", label="Number of bags"), raw) == (
        None,
        "Number of bags must be a number",
    )


def test_number_rules() -> None:
    whole = q("number", label="Number of bags", validation={"integer": True})
    assert clean(whole, "2.5") == (None, "Number of bags must be a whole number")
    assert clean(whole, "2.0") == (2, None)

    at_least = q("number", label="Number of bags", validation={"min": 1})
    assert clean(at_least, "0") == (None, "Number of bags must be 1 or more")
    at_most = q("number", label="Number of bags", validation={"max": 1000})
    assert clean(at_most, "1001") == (None, "Number of bags must be 1,000 or less")
    between = q("number", label="Number of bags", validation={"min": 1, "max": 10.5})
    assert clean(between, "11") == (None, "Number of bags must be between 1 and 10.5")
    assert clean(between, "10.5") == (10.5, None)

    custom = {**between, "errors": {"min": "You must have at least 1 bag", "format": "Nope"}}
    assert clean(custom, "0") == (None, "You must have at least 1 bag")
    assert clean(custom, "11") == (None, "Number of bags must be between 1 and 10.5")
    assert clean(custom, "lots") == (None, "Nope")


@pytest.mark.parametrize(
    ("raw", "pence"),
    [
        ("£12.50", 1250),
        ("12.5", 1250),
        ("12", 1200),
        ("£1,250.05", 125005),
        (" £ 0.99 ", 99),
        (".5", 50),
        ("12.", 1200),
        (1250, 1250),
    ],
)
def test_money(raw: object, pence: int) -> None:
    assert clean(q("money", label="Amount"), raw) == (pence, None)


@pytest.mark.parametrize("raw", ["12.505", "-1", "£-1", "twelve", "12.5.0", "$12", 12.5, True, "."])
def test_not_money(raw: object) -> None:
    assert clean(q("money", label="Amount"), raw) == (
        None,
        "Enter an amount in pounds and pence, like 12.50",
    )


def test_money_rules() -> None:
    assert clean(q("money", label="Amount"), "") == (None, "Enter amount")
    at_least = q("money", label="Amount", validation={"min_pence": 500})
    assert clean(at_least, "4.99") == (None, "Amount must be £5 or more")
    at_most = q("money", label="Amount", validation={"max_pence": 125050})
    assert clean(at_most, "1250.51") == (None, "Amount must be £1,250.50 or less")
    between = q("money", label="Amount", validation={"min_pence": 100, "max_pence": 2000})
    assert clean(between, "20.01") == (None, "Amount must be between £1 and £20")
    custom = {**between, "errors": {"max_pence": "The most you can claim is £20"}}
    assert clean(custom, "21") == (None, "The most you can claim is £20")


# --- Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        {"day": "4", "month": "3", "year": "2026"},
        {"day": "04", "month": "03", "year": "2026"},
        {"day": "4th", "month": "March", "year": "2026"},
        {"day": 4, "month": "mar", "year": 2026},
        "2026-03-04",
        " 2026-03-04 ",
    ],
)
def test_dates(raw: object) -> None:
    assert clean(q("date", label="Date"), raw) == ("2026-03-04", None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"day": "", "month": "", "year": ""}, "Enter date"),
        ({"day": "4", "month": "", "year": "2026"}, "Date must include a month"),
        ({"day": "", "month": "", "year": "2026"}, "Date must include a day and month"),
        ({"day": "4", "month": "3", "year": ""}, "Date must include a year"),
        ({"day": "31", "month": "2", "year": "2026"}, "Date must be a real date"),
        ({"day": "4", "month": "13", "year": "2026"}, "Date must be a real date"),
        ({"day": "x", "month": "3", "year": "2026"}, "Date must be a real date"),
        ({"day": "4", "month": "3", "year": "26"}, "Year must include 4 numbers"),
        ({"day": "4", "month": "3", "year": "20x6"}, "Date must be a real date"),
        ({"day": ["4"], "month": "3", "year": "2026"}, "Date must be a real date"),
        ("2026-02-30", "Date must be a real date"),
        ("4/3/2026", "Date must be a real date"),
        (20260304, "Date must be a real date"),
    ],
)
def test_date_errors(raw: object, message: str) -> None:
    assert clean(q("date", label="Date"), raw) == (None, message)


def test_date_rules() -> None:
    past = q("date", label="Date", validation={"not_future": True})
    assert clean(past, "2026-03-05") == ("2026-03-05", None)
    assert clean(past, "2026-03-06") == (None, "Date must be today or in the past")

    future = q("date", label="Date", validation={"not_past": True})
    assert clean(future, "2026-03-05") == ("2026-03-05", None)
    assert clean(future, "2026-03-04") == (None, "Date must be today or in the future")

    after = q("date", label="Date", validation={"min": "2026-01-01"})
    assert clean(after, "2025-12-31") == (None, "Date must be the same as or after 1 January 2026")
    before = q("date", label="Date", validation={"max": "2026-01-01"})
    assert clean(before, "2026-01-02") == (
        None,
        "Date must be the same as or before 1 January 2026",
    )
    between = q("date", label="Date", validation={"min": "2026-01-01", "max": "2026-12-31"})
    assert clean(between, "2027-01-01") == (
        None,
        "Date must be between 1 January 2026 and 31 December 2026",
    )

    custom = {
        **past,
        "name": "your date of birth",
        "errors": {"not_future": "Date of birth must be in the past"},
    }
    assert clean(custom, "2030-01-01") == (None, "Date of birth must be in the past")
    assert clean(custom, {"day": "1", "month": "", "year": ""}) == (
        None,
        "Your date of birth must include a month and year",
    )


def test_today_defaults_to_the_date_in_london() -> None:
    value, error = answer_clean(q("date", validation={"not_future": True}), "2000-01-01")

    assert (value, error) == ("2000-01-01", None)


# --- Email and telephone ----------------------------------------------------------------------


def test_email() -> None:
    email = q("email", label="Email address")

    assert clean(email, " Name@Example.COM ") == ("name@example.com", None)
    assert clean(email, "") == (None, "Enter email address")
    for bad in ("name", "name@", "name@example", "@example.com", "a b@example.com", ["x", "y"]):
        assert clean(email, bad) == (
            None,
            "Enter an email address in the correct format, like name@example.com",
        )


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("01632 960 001", "01632960001"),
        ("07700 900 982", "07700900982"),
        ("+44 808 157 0192", "08081570192"),
        ("+44 (0)20 7946 0000", "02079460000"),
        ("(01632) 960-001", "01632960001"),
        ("0044 7700 900982", "07700900982"),
        ("0800 123 456", "0800123456"),
    ],
)
def test_phone(raw: str, cleaned: str) -> None:
    assert clean(q("phone", label="Telephone number"), raw) == (cleaned, None)


@pytest.mark.parametrize(
    "raw",
    [
        "+33 1 23 45 67 89",
        "7700 900 982",
        "0770090098",
        "077009009821",
        "07700 900 98x",
        "00000000000",
        "\uff10\uff17\uff17\uff10\uff10 900 982",
        7700900982,
    ],
)
def test_not_phone(raw: object) -> None:
    assert clean(q("phone", label="Telephone number"), raw) == (
        None,
        "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
    )


# --- Choices ----------------------------------------------------------------------------------

WASTE = FLY_TIPPING["pages"][0]["questions"][0]
HAZARDS = FLY_TIPPING["pages"][2]["questions"][0]


def test_radios_and_select() -> None:
    assert clean(WASTE, " garden ") == ("garden", None)
    assert clean(WASTE, ["garden"]) == ("garden", None)
    assert clean(WASTE, "") == (None, "Select what has been dumped")
    assert clean(WASTE, "sofa") == (None, "Select what has been dumped")
    assert clean(WASTE, ["garden", "other"]) == (None, "Select what has been dumped")
    select = {**WASTE, "type": "select", "errors": {"required": "Select the type of waste"}}
    assert clean(select, "household") == ("household", None)
    assert clean(select, "sofa") == (None, "Select the type of waste")


def test_checkboxes() -> None:
    assert clean(HAZARDS, ["needles", "asbestos", "needles"]) == (["asbestos", "needles"], None)
    assert clean(HAZARDS, "needles") == (["needles"], None)
    assert clean(HAZARDS, ["", "needles"]) == (["needles"], None)
    assert clean(HAZARDS, []) == (None, None)
    assert clean({**HAZARDS, "required": True}, [""]) == (None, "Select is any of it dangerous")
    assert clean(HAZARDS, ["needles", "fire"]) == (None, "Select is any of it dangerous")
    assert clean(HAZARDS, {"needles": True}) == (None, "Select is any of it dangerous")

    limited = {
        **HAZARDS,
        "name": "the dangers",
        "validation": {"min_selected": 2, "max_selected": 2},
    }
    assert clean(limited, ["needles"]) == (None, "Select at least 2 options for the dangers")
    assert clean(limited, ["needles", "asbestos", "chemicals"]) == (
        None,
        "Select no more than 2 options for the dangers",
    )
    custom = {**limited, "errors": {"min_selected": "Select 2 dangers"}}
    assert clean(custom, ["needles"]) == (None, "Select 2 dangers")


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [("yes", True), ("No", False), (" YES ", True), (True, True), (False, False), (["no"], False)],
)
def test_yes_no(raw: object, cleaned: bool) -> None:
    assert clean(q("yes_no"), raw) == (cleaned, None)


def test_yes_no_errors() -> None:
    question = q("yes_no", name="whether it is blocking the road")

    assert clean(question, "maybe") == (None, "Select whether it is blocking the road")
    assert clean(question, 1) == (None, "Select whether it is blocking the road")
    assert clean(question, "") == (None, "Select whether it is blocking the road")


# --- Address, location and file ---------------------------------------------------------------


def test_address() -> None:
    address = q("address", label="Address")

    assert clean(address, {"uprn": "100040001", "text": "1 High Street, Dorchester"}) == (
        {"uprn": "100040001", "text": "1 High Street, Dorchester"},
        None,
    )
    assert clean(address, " 100040001 ") == ({"uprn": "100040001", "text": ""}, None)
    assert clean(address, {"uprn": 100040001}) == ({"uprn": "100040001", "text": ""}, None)
    assert clean(address, {"uprn": "", "text": "The old barn"}) == (
        {"uprn": None, "text": "The old barn"},
        None,
    )
    assert clean(address, "The old barn, Fordington") == (
        {"uprn": None, "text": "The old barn, Fordington"},
        None,
    )
    assert clean(address, {"uprn": "", "text": ""}) == (None, "Enter address")


@pytest.mark.parametrize(
    "raw",
    [
        "1234567890123",
        {"uprn": "12a", "text": "x"},
        {"uprn": -1},
        {"uprn": ["1"]},
        {"uprn": "\uff11\uff12"},
    ],
)
def test_address_with_a_bad_uprn(raw: object) -> None:
    assert clean(q("address", label="Address"), raw) == (None, "Select an address from the list")


def test_address_uprn_must_exist_when_the_context_can_say() -> None:
    known = {"100040001"}
    address = q("address", label="Address")

    assert clean(address, "100040001", uprn_exists=known.__contains__) == (
        {"uprn": "100040001", "text": ""},
        None,
    )
    assert clean(address, "100040002", uprn_exists=known.__contains__) == (
        None,
        "Select an address from the list",
    )
    custom = {**address, "errors": {"uprn": "Select your address"}}
    assert clean(custom, "100040002", uprn_exists=known.__contains__) == (
        None,
        "Select your address",
    )


def test_location() -> None:
    where = q("location", label="Where is it?", name="where the fly-tipping is")

    assert clean(where, {"latitude": "50.7155", "longitude": "-2.4367"}) == (
        {"latitude": 50.7155, "longitude": -2.4367},
        None,
    )
    assert clean(where, {"latitude": 50, "longitude": 1.5}) == (
        {"latitude": 50.0, "longitude": 1.5},
        None,
    )
    assert clean(where, "50.7155, -2.4367") == ({"latitude": 50.7155, "longitude": -2.4367}, None)
    assert clean(where, {"latitude": "", "longitude": ""}) == (
        None,
        "Select where the fly-tipping is",
    )
    assert clean(where, {"latitude": "50.7", "longitude": ""}) == (
        None,
        "Select where the fly-tipping is on the map",
    )
    assert clean(where, {"latitude": "north", "longitude": "1"}) == (
        None,
        "Select where the fly-tipping is on the map",
    )
    assert clean(where, {"latitude": 48.85, "longitude": 2.35}) == (
        None,
        "Where the fly-tipping is must be in Great Britain or Northern Ireland",
    )
    assert clean(where, {"latitude": 54.6, "longitude": -5.93}) == (
        {"latitude": 54.6, "longitude": -5.93},
        None,
    )


def test_location_allowed_by_the_context() -> None:
    def in_casterbridge(latitude: float, longitude: float) -> str | None:
        return None if latitude < 51 else "The location must be in Casterbridge"

    where = q("location", label="Where is it?")

    assert clean(where, "50.7, -2.4", location_allowed=in_casterbridge) == (
        {"latitude": 50.7, "longitude": -2.4},
        None,
    )
    assert clean(where, "52.2, 0.12", location_allowed=in_casterbridge) == (
        None,
        "The location must be in Casterbridge",
    )


def test_file() -> None:
    photos = q("file", label="Photos")

    assert clean(photos, ["tok-1", " tok-2 ", "tok-1", ""]) == (["tok-1", "tok-2"], None)
    assert clean(photos, "tok-1") == (["tok-1"], None)
    assert clean(photos, []) == (None, "Select photos")
    assert clean(photos, ["a", "b", "c", "d"]) == (None, "You can only select up to 3 files")
    one = q("file", validation={"max_files": 1}, errors={"max_files": "Select 1 photo"})
    assert clean(one, ["a", "b"]) == (None, "Select 1 photo")
    assert clean(q("file", validation={"max_files": 1}), ["a", "b"]) == (
        None,
        "You can only select up to 1 file",
    )
    assert clean(photos, [{"token": "a"}]) == (
        None,
        "The selected file could not be uploaded – try again",  # noqa: RUF001
    )


def test_an_unknown_question_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="Unknown question type"):
        answer_clean({"id": "x", "type": "colour", "label": "X"}, "red")


# --- Conditions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "holds"),
    [
        ({"question": "colour", "equals": "red"}, True),
        ({"question": "colour", "equals": "blue"}, False),
        ({"question": "colour", "not_equals": "blue"}, True),
        ({"question": "colour", "not_equals": "red"}, False),
        ({"question": "size", "not_equals": "big"}, True),
        ({"question": "colour", "in": ["blue", "red"]}, True),
        ({"question": "colour", "in": ["blue"]}, False),
        ({"question": "hazards", "includes": "needles"}, True),
        ({"question": "hazards", "includes": "asbestos"}, False),
        ({"question": "colour", "includes": "r"}, False),
        ({"question": "colour", "answered": True}, True),
        ({"question": "size", "answered": True}, False),
        ({"question": "size", "answered": False}, True),
        ({"question": "empty", "answered": False}, True),
        ({"question": "blocking", "equals": True}, True),
        ({"question": "count", "equals": True}, False),
        ({"question": "count", "equals": 1}, True),
        ({"question": "count", "equals": 1.0}, True),
        ({"question": "blocking", "equals": 1}, False),
        (
            {"all": [{"question": "colour", "equals": "red"}, {"question": "count", "equals": 1}]},
            True,
        ),
        (
            {"all": [{"question": "colour", "equals": "red"}, {"question": "count", "equals": 2}]},
            False,
        ),
        (
            {"any": [{"question": "colour", "equals": "blue"}, {"question": "count", "equals": 1}]},
            True,
        ),
        (
            {"any": [{"question": "colour", "equals": "blue"}, {"question": "count", "equals": 2}]},
            False,
        ),
        ({"not": {"question": "colour", "equals": "red"}}, False),
        (
            {
                "all": [
                    {"not": {"question": "size", "answered": True}},
                    {"any": [{"question": "hazards", "includes": "needles"}]},
                ]
            },
            True,
        ),
        (None, True),
    ],
)
def test_condition_holds(condition: Any, holds: bool) -> None:
    answers = {"colour": "red", "hazards": ["needles"], "blocking": True, "count": 1, "empty": ""}

    assert condition_holds(condition, answers) is holds


def test_something_that_is_not_a_condition() -> None:
    with pytest.raises(ValueError, match="Not a condition"):
        condition_holds({"question": "colour"}, {})


def test_page_conditions() -> None:
    assert [page["id"] for page in visible_pages(FLY_TIPPING, {"waste_type": "garden"})] == [
        "what",
        "hazards",
        "blocking",
        "when",
        "where",
        "photos",
        "contact",
    ]
    shown = visible_pages(FLY_TIPPING, {"waste_type": "other", "hazards": ["needles"]})
    assert [page["id"] for page in shown][:5] == [
        "what",
        "other",
        "hazards",
        "blocking",
        "needles_where",
    ]


def test_question_conditions_and_pages_with_nothing_to_show() -> None:
    definition = form(
        [q("yes_no", id="has_car", label="Do you have a car?")],
        [
            q(
                "text",
                id="registration",
                label="Registration",
                when={"question": "has_car", "equals": True},
            ),
        ],
        [
            q("text", id="make", label="Make", when={"question": "has_car", "equals": True}),
            q(
                "text",
                id="bus_route",
                label="Bus route",
                when={"question": "has_car", "equals": False},
            ),
        ],
    )

    car = visible_pages(definition, {"has_car": True})
    assert [(page["id"], [x["id"] for x in page["questions"]]) for page in car] == [
        ("page_0", ["has_car"]),
        ("page_1", ["registration"]),
        ("page_2", ["make"]),
    ]
    no_car = visible_pages(definition, {"has_car": False})
    assert [(page["id"], [x["id"] for x in page["questions"]]) for page in no_car] == [
        ("page_0", ["has_car"]),
        ("page_2", ["bus_route"]),
    ]
    assert [x["id"] for x in visible_questions(definition, {})] == ["has_car"]
    # The definition itself is not changed by filtering.
    assert len(definition["pages"][2]["questions"]) == 2


def test_chained_conditions_ignore_answers_to_hidden_questions() -> None:
    definition = form(
        [q("yes_no", id="has_pet", label="Do you have a pet?")],
        [
            q(
                "radios",
                id="pet",
                label="What pet?",
                options=[{"value": "dog", "label": "Dog"}, {"value": "cat", "label": "Cat"}],
            )
        ],
        [q("text", id="dog_name", label="Dog's name")],
        whens={1: {"question": "has_pet", "equals": True}, 2: {"question": "pet", "equals": "dog"}},
    )
    stale = {"has_pet": False, "pet": "dog", "dog_name": "Rex"}

    assert [x["id"] for x in visible_questions(definition, stale)] == ["has_pet"]
    assert answers_clean(definition, stale, context=CONTEXT) == ({"has_pet": False}, {})
    assert answers_summary(definition, stale) == [("has_pet", "Do you have a pet?", "No")]


# --- Whole sets of answers ----------------------------------------------------------------------


def test_answers_clean_a_full_journey() -> None:
    assert answers_clean(FLY_TIPPING, GOOD_RAW, context=CONTEXT) == (GOOD_CLEANED, {})


def test_answers_clean_drops_hidden_answers_and_unknown_keys() -> None:
    raw = {**GOOD_RAW, "waste_type": "garden", "hazards": [], "colour": "red"}

    cleaned, errors = answers_clean(FLY_TIPPING, raw, context=CONTEXT)

    assert errors == {}
    assert "other_waste" not in cleaned
    assert "near_school" not in cleaned
    assert "hazards" not in cleaned
    assert "colour" not in cleaned


def test_answers_clean_errors_in_form_order() -> None:
    raw = {
        "email": "not an email",
        "waste_type": "other",
        "other_waste": "",
        "blocking": "maybe",
        "seen_on": {"day": "6", "month": "3", "year": "2026"},
        "location": {"latitude": "", "longitude": ""},
    }

    cleaned, errors = answers_clean(FLY_TIPPING, raw, context=CONTEXT)

    assert cleaned == {"waste_type": "other"}
    assert list(errors.items()) == [
        ("other_waste", "Enter tell us what has been dumped"),
        ("blocking", "Select yes if it is blocking the road or pavement"),
        ("seen_on", "The date you saw it must be today or in the past"),
        ("location", "Select where is it"),
        ("email", "Enter an email address in the correct format, like name@example.com"),
    ]


def test_an_answer_with_an_error_does_not_count_in_later_conditions() -> None:
    raw = {**GOOD_RAW, "waste_type": "sofa"}

    cleaned, errors = answers_clean(FLY_TIPPING, raw, context=CONTEXT)

    assert errors == {"waste_type": "Select what has been dumped"}
    assert "other_waste" not in cleaned


def test_answers_clean_with_nothing() -> None:
    cleaned, errors = answers_clean(FLY_TIPPING, {}, context=CONTEXT)

    assert cleaned == {}
    assert list(errors) == ["waste_type", "blocking", "seen_on", "location", "email"]


# --- Summaries, JSON Schema and Open311 ---------------------------------------------------------


def test_answers_summary() -> None:
    assert answers_summary(FLY_TIPPING, GOOD_CLEANED) == [
        ("waste_type", "What has been dumped?", "Something else"),
        ("other_waste", "Tell us what has been dumped", "A sofa"),
        ("hazards", "Is any of it dangerous?", "Asbestos\nNeedles"),
        ("blocking", "Is it blocking the road or pavement?", "No"),
        ("near_school", "Is it near a school or playground?", "Yes"),
        ("seen_on", "When did you see it?", "4 March 2026"),
        ("location", "Where is it?", "50.7155, -2.4367"),
        ("photos", "Add photos", "1 file"),
        ("email", "Email address", "resident@example.com"),
        ("phone", "Telephone number", "07700900982"),
    ]


def test_answers_summary_of_money_numbers_and_addresses() -> None:
    definition = form(
        [
            q("money", id="fee", label="Fee"),
            q("money", id="deposit", label="Deposit"),
            q("number", id="bags", label="Bags"),
            q("number", id="weight", label="Weight"),
            q("address", id="home", label="Address"),
            q("address", id="site", label="Site"),
            q(
                "select",
                id="size",
                label="Size",
                options=[{"value": "s", "label": "Small"}, {"value": "l", "label": "Large"}],
            ),
        ]
    )
    answers = {
        "fee": 1250,
        "deposit": 125000,
        "bags": 3,
        "weight": 2.5,
        "home": {"uprn": "1", "text": "1 High Street"},
        "site": {"uprn": "100040001", "text": ""},
        "size": "l",
    }

    assert [row[2] for row in answers_summary(definition, answers)] == [
        "£12.50",
        "£1,250",
        "3",
        "2.5",
        "1 High Street",
        "UPRN 100040001",
        "Large",
    ]


def test_answers_json_schema_describes_cleaned_answers() -> None:
    schema = answers_json_schema(FLY_TIPPING)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)

    assert schema["required"] == ["waste_type", "blocking", "seen_on", "location", "email"]
    assert schema["properties"]["waste_type"] == {
        "type": "string",
        "enum": ["household", "garden", "other"],
        "title": "What has been dumped?",
    }
    assert list(validator.iter_errors(GOOD_CLEANED)) == []
    hidden = {**GOOD_CLEANED, "waste_type": "garden"}
    assert not validator.is_valid(hidden)  # other_waste must be absent now
    del hidden["other_waste"]
    assert validator.is_valid(hidden)
    missing = {key: value for key, value in GOOD_CLEANED.items() if key != "other_waste"}
    assert not validator.is_valid(missing)  # and present when waste_type is "other"
    assert not validator.is_valid({**GOOD_CLEANED, "colour": "red"})


def test_open311_attributes() -> None:
    assert open311_attributes(FLY_TIPPING) == [
        {
            "variable": True,
            "code": "waste_type",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": "",
            "order": 1,
            "description": "What has been dumped?",
            "values": [
                {"key": "household", "name": "Household rubbish"},
                {"key": "garden", "name": "Garden waste"},
                {"key": "other", "name": "Something else"},
            ],
        },
        {
            "variable": True,
            "code": "other_waste",
            "datatype": "text",
            "required": False,
            "datatype_description": "",
            "order": 2,
            "description": "Tell us what has been dumped",
        },
        {
            "variable": True,
            "code": "hazards",
            "datatype": "multivaluelist",
            "required": False,
            "datatype_description": "Select all that apply",
            "order": 3,
            "description": "Is any of it dangerous?",
            "values": [
                {"key": "asbestos", "name": "Asbestos"},
                {"key": "chemicals", "name": "Chemicals or oil"},
                {"key": "needles", "name": "Needles"},
            ],
        },
        {
            "variable": True,
            "code": "BLOCKING",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": "",
            "order": 4,
            "description": "Is it blocking the road or pavement?",
            "values": [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}],
        },
        {
            "variable": True,
            "code": "near_school",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": 5,
            "description": "Is it near a school or playground?",
            "values": [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}],
        },
        {
            "variable": True,
            "code": "seen_on",
            "datatype": "datetime",
            "required": True,
            "datatype_description": "A date, like 2026-03-05",
            "order": 6,
            "description": "When did you see it?",
        },
        {
            "variable": True,
            "code": "email",
            "datatype": "string",
            "required": True,
            "datatype_description": "An email address, like name@example.com",
            "order": 7,
            "description": "Email address",
        },
        {
            "variable": True,
            "code": "phone",
            "datatype": "string",
            "required": False,
            "datatype_description": "A UK telephone number, like 01632 960 001",
            "order": 8,
            "description": "Telephone number",
            "automated": "hidden_field",
        },
        {
            "variable": False,
            "code": "ward",
            "datatype": "string",
            "required": False,
            "datatype_description": "",
            "order": 9,
            "description": "Ward",
            "automated": "server_set",
        },
    ]


def test_open311_number_and_money_attributes() -> None:
    definition = form([q("number", id="bags", hint="How many bags"), q("money", id="fee")])

    assert [
        (a["code"], a["datatype"], a["datatype_description"])
        for a in open311_attributes(definition)
    ] == [
        ("bags", "number", "How many bags"),
        ("fee", "number", "An amount in pounds and pence, like 12.50"),
    ]


# --- Properties -------------------------------------------------------------------------------

Draw = Callable[[st.SearchStrategy[Any]], Any]
ID_STARTS = ["a", "waste", "q_", "x9_", "colour_of_the_"]
LABELS = st.sampled_from(["What has been dumped?", "Email address", "UPRN", "Date", "?"]) | st.text(
    min_size=1, max_size=12
)
PATTERNS = {"[A-Z]{2}[0-9]+": "AB12", "[a-z ]+": "abc de", r"\d{4}": "2026"}
ISO_DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
QUESTION_TYPES = [
    "text",
    "textarea",
    "number",
    "money",
    "date",
    "email",
    "phone",
    "radios",
    "checkboxes",
    "select",
    "yes_no",
    "address",
    "location",
    "file",
]


def draw_question(draw: Draw, qid: str) -> dict[str, Any]:
    """A valid question of any type, with a random selection of valid rules."""
    qtype = draw(st.sampled_from(QUESTION_TYPES))
    flag = st.booleans()
    question: dict[str, Any] = {"id": qid, "type": qtype, "label": draw(LABELS)}
    if draw(flag):
        question["required"] = draw(flag)
    if draw(flag):
        question["hint"] = "A hint"
    if draw(flag):
        question["errors"] = {"required": "Answer this"}
    if draw(flag):
        automated = draw(st.sampled_from(["hidden_field", "server_set"]))
        question["open311"] = {"code": qid.upper(), "automated": automated}
    rules: dict[str, Any] = {}
    if qtype in ("text", "textarea"):
        if draw(flag):
            rules["min_length"] = draw(st.integers(1, 5))
        if draw(flag):
            rules["max_length"] = rules.get("min_length", 1) + draw(st.integers(0, 50))
        if draw(flag):  # patterns alone, so that a valid answer always exists
            rules = {"pattern": draw(st.sampled_from(list(PATTERNS)))}
    elif qtype == "number":
        bound = st.integers(-100, 100) | st.floats(-100, 100)
        low, high = sorted([draw(bound), draw(bound)])
        if draw(flag):
            rules["min"] = low
        if draw(flag):
            rules["max"] = high
        has_integer = "min" not in rules or "max" not in rules or math.ceil(low) <= math.floor(high)
        if has_integer and draw(flag):
            rules["integer"] = draw(flag)
    elif qtype == "money":
        low, high = sorted([draw(st.integers(0, 10**6)), draw(st.integers(0, 10**6))])
        if draw(flag):
            rules["min_pence"] = low
        if draw(flag):
            rules["max_pence"] = high
    elif qtype == "date":
        first, last = sorted([draw(ISO_DATES), draw(ISO_DATES)])
        if draw(flag):
            rules["min"] = first.isoformat()
        if draw(flag):
            rules["max"] = last.isoformat()
        if draw(flag):
            rules[draw(st.sampled_from(["not_future", "not_past"]))] = True
    elif qtype in ("radios", "checkboxes", "select"):
        count = draw(st.integers(1 if qtype == "checkboxes" else 2, 4))
        values = [f"{draw(st.sampled_from(['v', 'opt_', 'Big value ']))}{i}" for i in range(count)]
        question["options"] = [{"value": value, "label": value.title()} for value in values]
        if qtype == "checkboxes":
            low = draw(st.integers(1, count))
            if draw(flag):
                rules["min_selected"] = low
            if draw(flag):
                rules["max_selected"] = low + draw(st.integers(0, 2))
    elif qtype == "file":
        if draw(flag):
            rules["max_files"] = draw(st.integers(1, 5))
        if draw(flag):
            rules["accept"] = ["image/jpeg", "application/pdf"]
    if rules:
        question["validation"] = rules
    return question


def draw_comparison(draw: Draw, earlier: list[dict[str, Any]]) -> dict[str, Any]:
    """A condition on one earlier question that suits its type."""
    question = draw(st.sampled_from(earlier))
    qid, qtype = question["id"], question["type"]
    values = [option["value"] for option in question.get("options", [])]
    choices: list[dict[str, Any]] = [
        {"question": qid, "answered": True},
        {"question": qid, "answered": False},
    ]
    if qtype in ("radios", "select"):
        choices += [
            {"question": qid, "equals": values[0]},
            {"question": qid, "not_equals": values[-1]},
            {"question": qid, "in": values[:2]},
        ]
    elif qtype == "checkboxes":
        choices += [{"question": qid, "includes": value} for value in values]
    elif qtype == "yes_no":
        choices += [{"question": qid, "equals": True}, {"question": qid, "not_equals": False}]
    elif qtype in ("number", "money"):
        choices += [{"question": qid, "equals": 3}, {"question": qid, "in": [0, 1.5]}]
    elif qtype in ("text", "textarea", "email", "phone", "date"):
        choices += [{"question": qid, "equals": "abc"}, {"question": qid, "not_equals": ""}]
    return draw(st.sampled_from(choices))


def draw_condition(draw: Draw, earlier: list[dict[str, Any]], depth: int = 0) -> dict[str, Any]:
    """A condition on earlier questions, possibly combined with all, any and not."""
    kind = draw(st.integers(0, 5)) if depth < 2 else 0
    if kind <= 2:
        return draw_comparison(draw, earlier)
    if kind == 5:
        return {"not": draw_condition(draw, earlier, depth + 1)}
    parts = [draw_condition(draw, earlier, depth + 1) for _ in range(draw(st.integers(1, 3)))]
    return {"all" if kind == 3 else "any": parts}


@st.composite
def definitions(draw: st.DrawFn) -> dict[str, Any]:
    """Valid definitions: conditions refer only to questions on earlier pages."""
    sizes = [draw(st.integers(1, 3)) for _ in range(draw(st.integers(1, 5)))]
    pages: list[dict[str, Any]] = []
    earlier: list[dict[str, Any]] = []
    for page_index, size in enumerate(sizes):
        page: dict[str, Any] = {"id": f"page{page_index}", "questions": []}
        if draw(st.booleans()):
            page["title"] = "A page"
        if draw(st.booleans()) and earlier:
            page["when"] = draw_condition(draw, earlier)
        for question_index in range(size):
            qid = f"{draw(st.sampled_from(ID_STARTS))}{page_index}_{question_index}"
            question = draw_question(draw, qid)
            if draw(st.booleans()) and earlier:
                question["when"] = draw_condition(draw, earlier)
            page["questions"].append(question)
        pages.append(page)
        earlier.extend(page["questions"])
    return {"title": draw(LABELS), "pages": pages}


PROPERTY_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(definitions())
def test_generated_definitions_are_valid(definition: dict[str, Any]) -> None:
    assert form_definition_errors(definition) == []


MUTATIONS = ["duplicate_id", "forward_condition", "radios_without_options", "min_over_max"]


@PROPERTY_SETTINGS
@given(definitions(), st.sampled_from(MUTATIONS), st.data())
def test_mutated_definitions_are_refused(
    definition: dict[str, Any], mutation: str, data: st.DataObject
) -> None:
    every = questions(definition)
    if mutation == "duplicate_id":
        copied = copy.deepcopy(data.draw(st.sampled_from(every)))
        copied.pop("when", None)
        definition["pages"].append({"id": "duplicated_page", "questions": [copied]})
        expected = f'question id "{copied["id"]}" is already used by'
    elif mutation == "forward_condition":
        target = data.draw(st.sampled_from(every))
        definition["pages"][0]["when"] = {"question": target["id"], "answered": True}
        expected = (
            f'pages[0].when: refers to question "{target["id"]}", which is not on an earlier page'
        )
    elif mutation == "radios_without_options":
        radios = [question for question in every if question["type"] == "radios"]
        if radios:
            target = data.draw(st.sampled_from(radios))
            target["options"] = data.draw(st.sampled_from([[], target["options"][:1]]))
        else:
            target = {"id": "mutation_radios", "type": "radios", "label": "Pick"}
            definition["pages"].append({"id": "mutation_page", "questions": [target]})
        expected = "options: radios questions need at least 2 options"
    else:
        numbers = [question for question in every if question["type"] == "number"]
        if numbers:
            target = data.draw(st.sampled_from(numbers))
        else:
            target = {"id": "mutation_number", "type": "number", "label": "How many"}
            definition["pages"].append({"id": "mutation_page", "questions": [target]})
        target["validation"] = {"min": 10, "max": 2}
        expected = "validation: min (10) is more than max (2)"

    errors = form_definition_errors(definition)

    assert any(expected in error for error in errors), errors


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)


def plausible_answer(question: dict[str, Any]) -> st.SearchStrategy[object]:
    """Raw answers near what a real form sends, so cleaning succeeds often enough."""
    qtype = question["type"]
    options = [option["value"] for option in question.get("options", [])]
    if qtype in ("radios", "select"):
        return st.sampled_from([*options, "nope"])
    if qtype == "checkboxes":
        return st.lists(st.sampled_from([*options, ""]), max_size=4)
    return PLAUSIBLE[qtype]


DIGITS = st.integers(0, 40).map(str)
PLAUSIBLE: dict[str, st.SearchStrategy[object]] = {
    "text": st.text(alphabet="ABCabc 12", max_size=8),
    "textarea": st.text(alphabet="ABCabc 12\r\n", max_size=8),
    "number": st.integers(-200, 200).map(str) | st.floats(-200, 200),
    "money": st.integers(0, 10**6) | st.integers(0, 10**4).map(lambda n: f"£{n / 100:.2f}"),
    "date": st.fixed_dictionaries(
        {"day": DIGITS, "month": DIGITS, "year": st.sampled_from(["2026", "2019", "26", ""])}
    )
    | ISO_DATES.map(date.isoformat),
    "email": st.sampled_from(["Name@Example.com", "name@", ""]),
    "phone": st.sampled_from(["07700 900 982", "+44 (0)20 7946 0000", "12345"]),
    "yes_no": st.sampled_from(["yes", "no", True, False, "maybe"]),
    "address": st.sampled_from(["100040001", {"uprn": "", "text": "The old barn"}, {"uprn": "x"}]),
    "location": st.fixed_dictionaries(
        {"latitude": st.floats(49, 62).map(str), "longitude": st.floats(-9, 2)}
    ),
    "file": st.lists(st.sampled_from(["tok-1", "tok-2", "tok-3", "tok-4"]), max_size=5),
}


@st.composite
def definitions_with_answers(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, object]]:
    definition = draw(definitions())
    raw: dict[str, object] = {}
    for question in questions(definition):
        if draw(st.integers(0, 9)) > 0:
            plausible = draw(st.booleans())
            raw[question["id"]] = draw(plausible_answer(question) if plausible else JSONISH)
    raw.update(draw(st.dictionaries(st.text(max_size=5), JSONISH, max_size=2)))
    return definition, raw


@PROPERTY_SETTINGS
@given(definitions_with_answers())
def test_answers_clean_never_raises_and_keeps_only_visible_answers(
    case: tuple[dict[str, Any], dict[str, object]],
) -> None:
    definition, raw = case

    cleaned, errors = answers_clean(definition, raw, context=CONTEXT)

    visible = {question["id"]: question for question in visible_questions(definition, cleaned)}
    assert set(cleaned) <= set(visible)
    assert set(errors) <= set(visible)
    assert not set(cleaned) & set(errors)
    assert all(isinstance(message, str) and message for message in errors.values())
    # Cleaning is idempotent: a cleaned answer cleans to itself.
    for qid, value in cleaned.items():
        assert answer_clean(visible[qid], value, context=CONTEXT) == (value, None)
    # The answers are JSON, and when complete they meet the published answers schema.
    json.dumps(cleaned, allow_nan=False)
    if not errors:
        schema_errors = [
            error.message
            for error in Draft202012Validator(answers_json_schema(definition)).iter_errors(cleaned)
        ]
        assert schema_errors == []
    answers_summary(definition, cleaned)


def draw_valid_answer(draw: Draw, question: dict[str, Any]) -> object:
    """A raw answer that meets every rule of the question, or None when none can."""
    qtype, rules = question["type"], question.get("validation", {})
    if qtype in ("text", "textarea"):
        if "pattern" in rules:
            return PATTERNS[rules["pattern"]]
        shortest = rules.get("min_length", 1)
        longest = min(rules.get("max_length", 500), shortest + 10)
        return " " + "x" * draw(st.integers(shortest, longest)) + " "
    if qtype == "number":
        low, high = rules.get("min", -1000), rules.get("max", 1000)
        if rules.get("integer"):
            return str(draw(st.integers(math.ceil(low), math.floor(high))))
        return repr(draw(st.floats(low, high)))
    if qtype == "money":
        pence = draw(st.integers(rules.get("min_pence", 0), rules.get("max_pence", 10**6)))
        return pounds_text(pence)
    if qtype == "date":
        low = date.fromisoformat(rules.get("min", "2000-01-01"))
        high = date.fromisoformat(rules.get("max", "2040-12-31"))
        if rules.get("not_future"):
            high = min(high, TODAY)
        if rules.get("not_past"):
            low = max(low, TODAY)
        if low > high:
            return None
        day = draw(st.dates(low, high))
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
    if qtype in ("radios", "select"):
        return draw(st.sampled_from([option["value"] for option in question["options"]]))
    if qtype == "checkboxes":
        values = [option["value"] for option in question["options"]]
        fewest = rules.get("min_selected", 1)
        most = min(rules.get("max_selected", len(values)), len(values))
        return draw(st.lists(st.sampled_from(values), min_size=fewest, max_size=most, unique=True))
    if qtype == "file":
        count = draw(st.integers(1, rules.get("max_files", 3)))
        return [f"token-{index}" for index in range(count)]
    return {
        "email": "Name@Example.com",
        "phone": "01632 960 001",
        "yes_no": draw(st.sampled_from(["yes", "no"])),
        "address": {"uprn": "100040001", "text": "1 High Street"},
        "location": {"latitude": "50.7155", "longitude": "-2.4367"},
    }[qtype]


@PROPERTY_SETTINGS
@given(definitions(), st.data())
def test_valid_answers_are_accepted_and_meet_the_answers_schema(
    definition: dict[str, Any], data: st.DataObject
) -> None:
    raw: dict[str, object] = {}
    unanswerable: set[str] = set()
    for question in questions(definition):
        answer = draw_valid_answer(data.draw, question)
        if answer is None:
            unanswerable.add(question["id"])
        else:
            raw[question["id"]] = answer

    cleaned, errors = answers_clean(definition, raw, context=CONTEXT)

    assert set(errors) <= unanswerable, errors
    assert list(cleaned) == [
        question["id"]
        for question in visible_questions(definition, cleaned)
        if question["id"] not in unanswerable
    ]
    if not errors:
        validator = Draft202012Validator(answers_json_schema(definition))
        assert [error.message for error in validator.iter_errors(cleaned)] == []
    summary = answers_summary(definition, cleaned)
    assert [row[0] for row in summary] == list(cleaned)


MONEY = {"id": "amount", "type": "money", "label": "Amount"}
NUMBER = {"id": "count", "type": "number", "label": "Count"}


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**11))
def test_money_round_trips(pence: int) -> None:
    pounds, rest = divmod(pence, 100)

    assert answer_clean(MONEY, f"{pounds}.{rest:02d}") == (pence, None)
    assert answer_clean(MONEY, pounds_text(pence)) == (pence, None)
    assert answer_clean(MONEY, pence) == (pence, None)
    rows = answers_summary(
        {"title": "Pay", "pages": [{"id": "pay", "questions": [MONEY]}]}, {"amount": pence}
    )
    assert answer_clean(MONEY, rows[0][2]) == (pence, None)


@settings(max_examples=200, deadline=None)
@given(st.integers(-(10**18), 10**18) | st.floats(allow_nan=False, allow_infinity=False))
def test_number_round_trips(number: int | float) -> None:
    value, error = answer_clean(NUMBER, repr(number))

    assert error is None
    assert value == number
    assert type(value) is type(number)
    if isinstance(number, int):
        assert answer_clean(NUMBER, f"{number:,}") == (number, None)
    assert answer_clean(NUMBER, number) == (number, None)
    assert not math.isnan(float(value))
