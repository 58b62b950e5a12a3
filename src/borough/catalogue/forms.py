"""The form-definition engine: one JSON definition drives a service's whole form.

A definition (see `docs/forms.md` and `data/form-definition.schema.json`) lists pages of
questions. From it this module:

- checks the definition (`form_definition_errors`, `form_definition_check`);
- decides which pages and questions a resident sees, given their answers so far
  (`condition_holds`, `visible_pages`, `visible_questions`);
- cleans and validates answers with GOV.UK-style error messages (`answer_clean`,
  `answers_clean`);
- shows answers back (`answers_summary`), describes them for the API (`answers_json_schema`)
  and for Open311 (`open311_attributes`).

Everything here is pure: no database access. Checks that need data (does this UPRN exist, is
this point in our area) come in through a `FormContext`.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, Final, TypeGuard
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from jsonschema import Draft202012Validator, FormatChecker

__all__ = [
    "QUESTION_TYPES",
    "FormContext",
    "FormDefinitionInvalid",
    "answer_clean",
    "answers_clean",
    "answers_json_schema",
    "answers_summary",
    "condition_holds",
    "form_definition_check",
    "form_definition_errors",
    "form_definition_schema",
    "open311_attributes",
    "question_by_id",
    "question_name",
    "questions",
    "visible_pages",
    "visible_questions",
]

QUESTION_TYPES: Final = (
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
)
# Question types that take options, and how many they need at least.
OPTION_TYPES: Final = {"radios": 2, "select": 2, "checkboxes": 1}
# Question types whose "nothing given" message is "Select ..." rather than "Enter ...".
SELECT_TYPES: Final = frozenset({"radios", "checkboxes", "select", "yes_no", "location", "file"})
# Question types whose answer is a list.
LIST_TYPES: Final = frozenset({"checkboxes", "file"})
CONDITION_OPERATORS: Final = ("equals", "not_equals", "in", "includes", "answered")

DEFAULT_MAX_LENGTH: Final = {"text": 500, "textarea": 4000}
DEFAULT_MAX_FILES: Final = 3
DEFAULT_ACCEPT: Final = ("image/jpeg", "image/png")
DEFAULT_MAX_SIZE_MB: Final = 10
ADDRESS_MAX_LENGTH: Final = 500
FILE_TOKEN_MAX_LENGTH: Final = 500
# Great Britain and Northern Ireland, with the Isles of Scilly and Shetland.
LATITUDE_RANGE: Final = (49.8, 60.95)
LONGITUDE_RANGE: Final = (-8.7, 1.8)
# Longest amount a money answer may be: £10 billion, far past any council fee.
MAX_PENCE: Final = 10**12
UK: Final = ZoneInfo("Europe/London")

MONTH_NAMES: Final = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS_BY_NAME: Final = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES) if name},
    **{name[:3].lower(): number for number, name in enumerate(MONTH_NAMES) if name},
    "sept": 9,
}

_NUMBER_RE: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_RE: Final = re.compile(r"[+-]?\d+")
_MONEY_RE: Final = re.compile(r"(\d{0,13})(?:\.(\d{0,2}))?")
_UPRN_RE: Final = re.compile(r"[0-9]{1,12}")
_ISO_DATE_RE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_PHONE_CHARACTERS_RE: Final = re.compile(r"\+?[0-9 ()\-]+")
# After the leading 0: 10 digits, or 9 for some area codes (016977 2...) and 0800 numbers.
_UK_NATIONAL_NUMBER_RE: Final = re.compile(r"[1-9]\d{9}|1\d{8}|800\d{6}")

# Messages a resident reads are translated (gettext) when they are shown; these are lazy.
MONEY_FORMAT_MESSAGE: Final = gettext_lazy("Enter an amount in pounds and pence, like 12.50")
EMAIL_FORMAT_MESSAGE: Final = gettext_lazy(
    "Enter an email address in the correct format, like name@example.com"
)
PHONE_FORMAT_MESSAGE: Final = gettext_lazy(
    "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
)
UPRN_MESSAGE: Final = gettext_lazy("Select an address from the list")
# GOV.UK's own wording, with its en dash.
FILE_FORMAT_MESSAGE: Final = gettext_lazy(
    "The selected file could not be uploaded – try again"  # noqa: RUF001
)

# The words for the parts of a date input, in "must include a day and month".
_DATE_PARTS: Final = {
    "day": gettext_lazy("day"),
    "month": gettext_lazy("month"),
    "year": gettext_lazy("year"),
}

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


# --- Definitions -------------------------------------------------------------------------


class FormDefinitionInvalid(Exception):
    """A form definition failed its checks. `errors` names each place and problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("The form definition is not valid: " + "; ".join(errors))


@cache
def _meta_schema() -> dict[str, Any]:
    source = resources.files("borough.catalogue").joinpath("data/form-definition.schema.json")
    schema: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    return schema


@cache
def _meta_validator() -> Any:
    # Only "date" formats are enforced; "regex" is checked below with a clearer message.
    return Draft202012Validator(_meta_schema(), format_checker=FormatChecker(formats=["date"]))


def form_definition_schema() -> dict[str, Any]:
    """The published meta-schema (JSON Schema draft 2020-12) that definitions must meet."""
    return copy.deepcopy(_meta_schema())


def form_definition_errors(definition: object) -> list[str]:
    """Every problem with a form definition, in plain English; [] when it is valid.

    Each message names the place and the problem, for example
    ``pages[0].questions[1].options: radios questions need at least 2 options``.
    Structure is checked against the meta-schema; what a schema cannot say (unique ids,
    conditions that refer only to earlier pages, options that suit the question type,
    minimums not more than maximums, valid patterns) is checked here.
    """
    problems: list[Problem] = []
    for error in _meta_validator().iter_errors(definition):
        problems.extend(_schema_problems(error))
    if isinstance(definition, Mapping):
        problems.extend(_semantic_problems(definition))
    problems.sort(key=lambda problem: _sort_key(problem[0]))
    messages: list[str] = []
    for path, message in problems:
        text = f"{_path_text(path)}: {message}"
        if text not in messages:
            messages.append(text)
    return messages


def form_definition_check(definition: object) -> None:
    """Raise `FormDefinitionInvalid` with every problem when the definition is not valid."""
    errors = form_definition_errors(definition)
    if errors:
        raise FormDefinitionInvalid(errors)


def _path_text(path: Iterable[str | int]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "definition"


def _sort_key(path: Path) -> tuple[int, int, int]:
    """Sort problems into form order: the whole form first, then by page and question."""
    if len(path) >= 2 and path[0] == "pages" and isinstance(path[1], int):
        question = -1
        if len(path) >= 4 and path[2] == "questions" and isinstance(path[3], int):
            question = path[3]
        return (1, path[1], question)
    return (0, 0, 0)


def _show(value: object) -> str:
    """A value as it would appear in the JSON, shortened for messages."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_WORDS: Final = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _schema_problems(error: Any) -> list[Problem]:
    """Turn one jsonschema error into plain-English problems.

    Schemas may carry ``x-messages`` ({keyword: message}) with ``{value}`` and ``{extra}``
    placeholders; conditions carry ``x-branch-keys`` so that a failed ``oneOf`` reports the
    problems of the branch the author evidently meant.
    """
    path: Path = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    messages = schema.get("x-messages", {})
    custom: str | None = messages.get(error.validator)
    keyword = error.validator
    expected = error.validator_value
    instance = error.instance

    if keyword == "oneOf":
        branch_keys = schema.get("x-branch-keys")
        if branch_keys and isinstance(instance, Mapping):
            for index, key in enumerate(branch_keys):
                if key in instance:
                    branch = [
                        sub
                        for sub in error.context or ()
                        if sub.relative_schema_path and sub.relative_schema_path[0] == index
                    ]
                    if branch:
                        return [problem for sub in branch for problem in _schema_problems(sub)]
                    break
        return [(path, custom or "does not match any of the allowed forms")]
    if keyword == "required":
        present = instance if isinstance(instance, Mapping) else {}
        return [(path, f'"{name}" is missing') for name in expected if name not in present]
    if keyword == "additionalProperties":
        allowed = set(schema.get("properties", {}))
        extras = [key for key in instance if key not in allowed]
        template = custom or '"{extra}" is not allowed here'
        return [(path, template.format(extra=key, value=_show(instance))) for key in extras]
    if custom:
        return [(path, custom.format(value=str(instance)[:60], extra=""))]
    if keyword == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        return [(path, "must be " + " or ".join(_TYPE_WORDS.get(t, t) for t in wanted))]
    if keyword == "enum":
        return [(path, f"{_show(instance)} must be one of " + ", ".join(map(_show, expected)))]
    if keyword == "const":
        return [(path, f"must be {_show(expected)}")]
    if keyword == "minLength":
        return [
            (
                path,
                "must not be empty" if expected == 1 else f"must be {expected} characters or more",
            )
        ]
    if keyword == "maxLength":
        return [(path, f"must be {expected} characters or less")]
    if keyword == "minItems":
        return [(path, f"needs at least {expected} item{'s' if expected != 1 else ''}")]
    if keyword == "maxItems":
        return [(path, f"can have at most {expected} item{'s' if expected != 1 else ''}")]
    if keyword == "uniqueItems":
        return [(path, "must not list the same value twice")]
    if keyword == "minimum":
        return [(path, f"must be {expected} or more")]
    if keyword == "maximum":
        return [(path, f"must be {expected} or less")]
    if keyword == "exclusiveMinimum":
        return [(path, f"must be more than {expected}")]
    if keyword == "exclusiveMaximum":
        return [(path, f"must be less than {expected}")]
    if keyword == "pattern":
        return [(path, f"{_show(instance)} does not match the pattern {expected}")]
    if keyword == "format":
        return [(path, f"{_show(instance)} is not a valid {expected}")]
    return [(path, str(error.message))]


def _semantic_problems(definition: Mapping[str, Any]) -> list[Problem]:
    """What the meta-schema cannot check. Tolerates a definition that also fails the schema."""
    problems: list[Problem] = []
    pages = definition.get("pages")
    if not isinstance(pages, list):
        return problems

    # Where each question id first appears, so that conditions can be checked against it.
    located: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for page_index, page in enumerate(pages):
        for question in _list_of_mappings(
            page.get("questions") if isinstance(page, Mapping) else None
        ):
            qid = question.get("id")
            if isinstance(qid, str):
                located.setdefault(qid, (page_index, question))

    page_ids: dict[str, Path] = {}
    question_ids: dict[str, Path] = {}
    open311_codes: dict[str, tuple[Path, bool]] = {}
    for page_index, page in enumerate(pages):
        if not isinstance(page, Mapping):
            continue
        page_path: Path = ("pages", page_index)
        page_id = page.get("id")
        if isinstance(page_id, str):
            if page_id in page_ids:
                problems.append(
                    (
                        (*page_path, "id"),
                        f'page id "{page_id}" is already used by {_path_text(page_ids[page_id])}',
                    )
                )
            else:
                page_ids[page_id] = page_path
        if "when" in page:
            problems.extend(
                _condition_problems(page["when"], (*page_path, "when"), page_index, located)
            )

        raw_questions = page.get("questions")
        if not isinstance(raw_questions, list):
            continue
        for question_index, question in enumerate(raw_questions):
            if not isinstance(question, Mapping):
                continue
            path: Path = (*page_path, "questions", question_index)
            qid = question.get("id")
            if isinstance(qid, str):
                if qid in question_ids:
                    problems.append(
                        (
                            (*path, "id"),
                            f'question id "{qid}" is already used by '
                            f"{_path_text(question_ids[qid])}",
                        )
                    )
                else:
                    question_ids[qid] = path
            code, explicit = _open311_code(question)
            if isinstance(code, str):
                if code not in open311_codes:
                    open311_codes[code] = (path, explicit)
                elif explicit or open311_codes[code][1]:
                    # Two questions with the same id already have a message of their own.
                    problems.append(
                        (
                            (*path, "open311", "code") if explicit else (*path, "id"),
                            f'Open311 code "{code}" is already used by '
                            f"{_path_text(open311_codes[code][0])}",
                        )
                    )
            problems.extend(_option_problems(question, path))
            problems.extend(_validation_problems(question, path))
            if "when" in question:
                problems.extend(
                    _condition_problems(question["when"], (*path, "when"), page_index, located)
                )
    return problems


def _list_of_mappings(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _open311_code(question: Mapping[str, Any]) -> tuple[object, bool]:
    """A question's Open311 attribute code, and whether it was given rather than its id."""
    settings = question.get("open311")
    if isinstance(settings, Mapping) and "code" in settings:
        return settings["code"], True
    return question.get("id"), False


def _option_problems(question: Mapping[str, Any], path: Path) -> list[Problem]:
    problems: list[Problem] = []
    qtype = question.get("type")
    options = question.get("options")
    if qtype in OPTION_TYPES:
        needed = OPTION_TYPES[qtype]
        if options is None or (isinstance(options, list) and len(options) < needed):
            plural = "option" if needed == 1 else "options"
            problems.append(
                ((*path, "options"), f"{qtype} questions need at least {needed} {plural}")
            )
        seen: set[str] = set()
        for index, option in enumerate(_list_of_mappings(options)):
            value = option.get("value")
            if isinstance(value, str):
                if value in seen:
                    problems.append(
                        (
                            (*path, "options", index, "value"),
                            f'option value "{value}" is used more than once',
                        )
                    )
                seen.add(value)
    elif qtype in QUESTION_TYPES and "options" in question:
        problems.append(((*path, "options"), f"{qtype} questions do not take options"))
    return problems


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _validation_problems(question: Mapping[str, Any], path: Path) -> list[Problem]:
    problems: list[Problem] = []
    rules = question.get("validation")
    if not isinstance(rules, Mapping):
        return problems
    where: Path = (*path, "validation")
    qtype = question.get("type")

    def more_than(low_key: str, high_key: str) -> None:
        low, high = rules.get(low_key), rules.get(high_key)
        if _is_number(low) and _is_number(high) and low > high:
            problems.append((where, f"{low_key} ({low}) is more than {high_key} ({high})"))

    if qtype in DEFAULT_MAX_LENGTH:
        more_than("min_length", "max_length")
        low = rules.get("min_length")
        default_max = DEFAULT_MAX_LENGTH[qtype]
        if "max_length" not in rules and _is_number(low) and low > default_max:
            problems.append(
                (
                    where,
                    f"min_length ({low}) is more than the longest {qtype} answer allowed "
                    f"({default_max} characters): set max_length too",
                )
            )
        pattern = rules.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except (re.error, RecursionError, OverflowError) as exc:
                problems.append(((*where, "pattern"), f"is not a valid regular expression: {exc}"))
    elif qtype == "number":
        more_than("min", "max")
    elif qtype == "money":
        more_than("min_pence", "max_pence")
    elif qtype == "date":
        earliest, latest = _iso_date(rules.get("min")), _iso_date(rules.get("max"))
        if earliest and latest and earliest > latest:
            problems.append((where, f"min ({earliest}) is after max ({latest})"))
    elif qtype == "checkboxes":
        more_than("min_selected", "max_selected")
        low = rules.get("min_selected")
        options = question.get("options")
        if _is_number(low) and isinstance(options, list) and low > len(options):
            problems.append(
                (where, f"min_selected ({low}) is more than the number of options ({len(options)})")
            )
    return problems


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str) or not _ISO_DATE_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _condition_problems(
    condition: object,
    path: Path,
    page_index: int,
    located: Mapping[str, tuple[int, Mapping[str, Any]]],
) -> list[Problem]:
    """Check that a condition refers only to earlier pages, in a way that can come true."""
    problems: list[Problem] = []
    if not isinstance(condition, Mapping):
        return problems
    for key in ("all", "any"):
        parts = condition.get(key)
        if isinstance(parts, list):
            for index, part in enumerate(parts):
                problems.extend(_condition_problems(part, (*path, key, index), page_index, located))
    if "not" in condition:
        problems.extend(_condition_problems(condition["not"], (*path, "not"), page_index, located))

    qid = condition.get("question")
    if not isinstance(qid, str):
        return problems
    if qid not in located:
        problems.append((path, f'refers to question "{qid}", which is not in this form'))
        return problems
    question_page, question = located[qid]
    if question_page >= page_index:
        problems.append((path, f'refers to question "{qid}", which is not on an earlier page'))
        return problems

    qtype = question.get("type")
    if "includes" in condition and qtype != "checkboxes":
        problems.append(
            (
                path,
                f'"includes" works only with checkboxes questions, and "{qid}" is a '
                f"{qtype} question",
            )
        )
    if qtype == "checkboxes":
        for operator in ("equals", "not_equals", "in"):
            if operator in condition:
                problems.append(
                    (path, f'use "includes" to test checkboxes question "{qid}", not "{operator}"')
                )
    values: list[object] = [
        condition[operator]
        for operator in ("equals", "not_equals", "includes")
        if operator in condition
    ]
    if isinstance(condition.get("in"), list):
        values.extend(condition["in"])
    if qtype in OPTION_TYPES:
        option_values = {
            option.get("value") for option in _list_of_mappings(question.get("options"))
        }
        for value in values:
            if not isinstance(value, str) or value not in option_values:
                problems.append((path, f'{_show(value)} is not an option of question "{qid}"'))
    elif qtype == "yes_no":
        if any(not isinstance(value, bool) for value in values):
            problems.append(
                (path, f'"{qid}" is a yes_no question, so compare it with true or false')
            )
    elif qtype in ("number", "money") and any(not _is_number(value) for value in values):
        unit = " of pence" if qtype == "money" else ""
        problems.append((path, f'"{qid}" is a {qtype} question, so compare it with a number{unit}'))
    return problems


# --- Reading a definition ------------------------------------------------------------------


def _pages(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    pages = definition.get("pages")
    return [page for page in pages if isinstance(page, dict)] if isinstance(pages, list) else []


def _page_questions(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = page.get("questions")
    return [q for q in items if isinstance(q, dict)] if isinstance(items, list) else []


def questions(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every question in the form, in order, whether or not its conditions hold."""
    return [question for page in _pages(definition) for question in _page_questions(page)]


def question_by_id(definition: Mapping[str, Any], question_id: str) -> dict[str, Any] | None:
    """The question with this id, or None when the form has no such question."""
    for question in questions(definition):
        if question.get("id") == question_id:
            return question
    return None


def question_name(question: Mapping[str, Any]) -> str:
    """The short noun phrase error messages use for a question.

    Its ``name`` when given; otherwise its label without the question mark, starting with a
    lower-case letter (unless the first word is an abbreviation, like "UPRN").
    """
    name = question.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()
    label = str(question.get("label") or "an answer").strip().rstrip("?").rstrip()
    first, space, rest = label.partition(" ")
    if not (len(first) > 1 and first.isupper()):
        first = first[:1].lower() + first[1:]
    return first + space + rest


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- Conditions --------------------------------------------------------------------------


def _blank(value: object) -> bool:
    """Whether a raw or cleaned answer counts as not answered: None, "", [] or {}.

    A list or object counts as blank when every item in it is None or empty text.
    """
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        items: Iterable[object] = value
    elif isinstance(value, Mapping):
        items = value.values()
    else:
        return False
    return all(item is None or (isinstance(item, str) and not item.strip()) for item in items)


def _same(answer: object, value: object) -> bool:
    """Equality that does not treat true as 1 (JSON Schema's `const` agrees)."""
    if isinstance(answer, bool) or isinstance(value, bool):
        return type(answer) is type(value) and answer == value
    return answer == value


def condition_holds(condition: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """Whether a condition is true given these answers. No condition (None) always holds.

    A question that has not been answered equals nothing, so `not_equals` holds for it.
    Raises ValueError for something that is not a condition (definitions are checked first).
    """
    if condition is None:
        return True
    if not isinstance(condition, Mapping):
        raise ValueError(f"Not a condition: {condition!r}")
    if "all" in condition:
        return all(condition_holds(part, answers) for part in condition["all"])
    if "any" in condition:
        return any(condition_holds(part, answers) for part in condition["any"])
    if "not" in condition:
        return not condition_holds(condition["not"], answers)
    qid = condition.get("question")
    answer = answers.get(qid) if isinstance(qid, str) else None
    if "equals" in condition:
        return _same(answer, condition["equals"])
    if "not_equals" in condition:
        return not _same(answer, condition["not_equals"])
    if "in" in condition:
        return any(_same(answer, value) for value in condition["in"])
    if "includes" in condition:
        return isinstance(answer, list) and any(
            _same(item, condition["includes"]) for item in answer
        )
    if "answered" in condition:
        return (not _blank(answer)) is bool(condition["answered"])
    raise ValueError(f"Not a condition: {condition!r}")


def _walk(
    definition: Mapping[str, Any],
    answer_for: Callable[[dict[str, Any]], tuple[bool, object]],
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Go through the form in order, yielding each shown page with its shown questions.

    `answer_for(question)` gives (has_answer, answer) for a shown question; conditions are
    evaluated only against the answers of questions shown before, so answers left over from
    questions that are now hidden never count.
    """
    so_far: dict[str, object] = {}
    for page in _pages(definition):
        if not condition_holds(page.get("when"), so_far):
            continue
        shown: list[dict[str, Any]] = []
        for question in _page_questions(page):
            if not condition_holds(question.get("when"), so_far):
                continue
            shown.append(question)
            has_answer, answer = answer_for(question)
            if has_answer:
                so_far[question["id"]] = answer
        if shown:
            yield page, shown


def _given(answers: Mapping[str, Any]) -> Callable[[dict[str, Any]], tuple[bool, object]]:
    def answer_for(question: dict[str, Any]) -> tuple[bool, object]:
        qid = question.get("id")
        if isinstance(qid, str) and qid in answers and not _blank(answers[qid]):
            return True, answers[qid]
        return False, None

    return answer_for


def visible_pages(
    definition: Mapping[str, Any], answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The pages a resident sees given their answers so far, in order.

    Each is a copy of the page whose "questions" holds only its visible questions; a page
    whose condition holds but whose questions are all hidden is left out.
    """
    return [{**page, "questions": shown} for page, shown in _walk(definition, _given(answers))]


def visible_questions(
    definition: Mapping[str, Any], answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The questions a resident sees given their answers so far, in order.

    A question is visible when its page's condition and its own condition hold.
    """
    return [question for _page, shown in _walk(definition, _given(answers)) for question in shown]


# --- Cleaning answers ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FormContext:
    """What the engine may ask the rest of Borough while cleaning answers.

    - `uprn_exists(uprn)`: whether the gazetteer knows this UPRN;
    - `location_allowed(latitude, longitude)`: None when the point is fine, otherwise the
      message to show (for example "The location must be in Casterbridge");
    - `today`: the date "today" means for date rules (default: today in Europe/London).
    """

    uprn_exists: Callable[[str], bool] | None = None
    location_allowed: Callable[[float, float], str | None] | None = None
    today: date | None = None


Cleaned = tuple[object, str | None]


def _message(question: Mapping[str, Any], rule: str, default: Any) -> str:
    """The question's own message for a rule, if it has one, else the default (translated:
    a lazy message becomes text in the active language)."""
    errors = question.get("errors")
    if isinstance(errors, Mapping):
        custom = errors.get(rule)
        if isinstance(custom, str) and custom:
            return custom
    return str(default)


def _rules(question: Mapping[str, Any]) -> Mapping[str, Any]:
    rules = question.get("validation")
    return rules if isinstance(rules, Mapping) else {}


def _required_message(question: Mapping[str, Any]) -> str:
    name = question_name(question)
    if question.get("type") in SELECT_TYPES:
        return _message(question, "required", _("Select %(name)s") % {"name": name})
    return _message(question, "required", _("Enter %(name)s") % {"name": name})


def _number_text(number: int | float) -> str:
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e16:
        number = int(number)
    return format(number, ",")


def _range_message(
    question: Mapping[str, Any],
    *,
    rule: str,
    low: object,
    high: object,
    too_low: bool,
    show: Callable[[Any], str],
    suffix: str = "",
) -> str:
    """ "X must be between a and b", "X must be a or more" or "X must be b or less"."""
    name = _capital(question_name(question))
    if low is not None and high is not None:
        default = _("%(name)s must be between %(low)s and %(high)s%(suffix)s") % {
            "name": name,
            "low": show(low),
            "high": show(high),
            "suffix": suffix,
        }
    elif too_low:
        default = _("%(name)s must be %(low)s%(suffix)s or more") % {
            "name": name,
            "low": show(low),
            "suffix": suffix,
        }
    else:
        default = _("%(name)s must be %(high)s%(suffix)s or less") % {
            "name": name,
            "high": show(high),
            "suffix": suffix,
        }
    return _message(question, rule, default)


def _text_of(raw: object) -> str | None:
    """Raw text answer as a string, or None if it cannot be one."""
    if isinstance(raw, str):
        return raw.replace("\x00", "")
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < 10**100:
        return str(raw)
    if isinstance(raw, float) and math.isfinite(raw):
        return repr(raw)
    return None


def _clean_text(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    text = _text_of(raw)
    if text is None:
        return None, _message(
            question,
            "format",
            _("%(name)s must be text") % {"name": _capital(question_name(question))},
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None, None
    rules = _rules(question)
    name = _capital(question_name(question))
    low, high = rules.get("min_length"), rules.get("max_length")
    longest = high if high is not None else DEFAULT_MAX_LENGTH.get(str(question.get("type")), 500)
    length = len(text)
    if low is not None and high is not None and not low <= length <= high:
        return None, _message(
            question,
            "min_length" if length < low else "max_length",
            _("%(name)s must be between %(low)s and %(high)s characters")
            % {"name": name, "low": low, "high": high},
        )
    if length > longest:
        return None, _message(
            question,
            "max_length",
            _("%(name)s must be %(count)s characters or less") % {"name": name, "count": longest},
        )
    if low is not None and length < low:
        return None, _message(
            question,
            "min_length",
            _("%(name)s must be %(count)s characters or more") % {"name": name, "count": low},
        )
    pattern = rules.get("pattern")
    if isinstance(pattern, str) and not re.fullmatch(pattern, text):
        return None, _message(
            question,
            "pattern",
            _("Enter %(name)s in the correct format") % {"name": question_name(question)},
        )
    return text, None


def _parse_number(raw: object) -> int | float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if abs(raw) < 10**100 else None
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else None
    if not isinstance(raw, str):
        return None
    text = re.sub(r"[\s,]", "", raw)
    if len(text) > 100 or not _NUMBER_RE.fullmatch(text):
        return None
    if _INTEGER_RE.fullmatch(text):
        return int(text)
    number = float(text)
    return number if math.isfinite(number) else None


def _clean_number(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    name = _capital(question_name(question))
    number = _parse_number(raw)
    if number is None:
        return None, _message(question, "format", _("%(name)s must be a number") % {"name": name})
    rules = _rules(question)
    if rules.get("integer") is True and isinstance(number, float):
        if not number.is_integer():
            return None, _message(
                question, "integer", _("%(name)s must be a whole number") % {"name": name}
            )
        number = int(number)
    low, high = rules.get("min"), rules.get("max")
    if (low is not None and number < low) or (high is not None and number > high):
        too_low = low is not None and number < low
        return None, _range_message(
            question,
            rule="min" if too_low else "max",
            low=low,
            high=high,
            too_low=too_low,
            show=_number_text,
        )
    return number, None


def _parse_pence(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw if 0 <= raw <= MAX_PENCE else None
    if not isinstance(raw, str):
        return None
    text = re.sub(r"[\s,]", "", raw).removeprefix("£")
    match = _MONEY_RE.fullmatch(text)
    if not match or not (match.group(1) or match.group(2)):
        return None
    pounds = int(match.group(1) or "0")
    pence = int((match.group(2) or "").ljust(2, "0"))
    total = pounds * 100 + pence
    return total if total <= MAX_PENCE else None


def pounds_text(pence: int) -> str:
    """An amount the GOV.UK way: "£12.50", "£1,250", "£0.05"."""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def _clean_money(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    pence = _parse_pence(raw)
    if pence is None:
        return None, _message(question, "format", MONEY_FORMAT_MESSAGE)
    rules = _rules(question)
    low, high = rules.get("min_pence"), rules.get("max_pence")
    if (low is not None and pence < low) or (high is not None and pence > high):
        too_low = low is not None and pence < low
        return None, _range_message(
            question,
            rule="min_pence" if too_low else "max_pence",
            low=low,
            high=high,
            too_low=too_low,
            show=pounds_text,
        )
    return pence, None


def date_text(value: date) -> str:
    """A date the GOV.UK way: "5 March 2026"."""
    return f"{value.day} {MONTH_NAMES[value.month]} {value.year}"


def _date_part(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**6:
        return str(value)
    return "?"  # something that cannot be a day, month or year


def _clean_date(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    name = _capital(question_name(question))
    not_real = _message(question, "format", _("%(name)s must be a real date") % {"name": name})
    if isinstance(raw, str):
        match = _ISO_DATE_RE.fullmatch(raw.strip())
        if not match:
            return None, not_real
        year, month, day = (int(part) for part in match.groups())
    elif isinstance(raw, Mapping):
        parts = {key: _date_part(raw.get(key)) for key in ("day", "month", "year")}
        missing = [key for key, part in parts.items() if not part]
        if len(missing) == 3:
            return None, None
        if missing:
            return None, _message(
                question,
                "incomplete",
                _("%(name)s must include a %(parts)s")
                % {"name": name, "parts": _(" and ").join(str(_DATE_PARTS[p]) for p in missing)},
            )
        day_match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", parts["day"].lower())
        month_text = parts["month"].lower().rstrip(".")
        month_number = (
            int(month_text)
            if re.fullmatch(r"\d{1,2}", month_text)
            else _MONTHS_BY_NAME.get(month_text)
        )
        if not re.fullmatch(r"\d{4}", parts["year"]):
            if re.fullmatch(r"\d{1,6}", parts["year"]):
                return None, _message(question, "format", _("Year must include 4 numbers"))
            return None, not_real
        if not day_match or month_number is None:
            return None, not_real
        year, month, day = int(parts["year"]), month_number, int(day_match.group(1))
    else:
        return None, not_real
    try:
        value = date(year, month, day)
    except ValueError:
        return None, not_real

    rules = _rules(question)
    today = context.today or datetime.now(UK).date()
    if rules.get("not_future") is True and value > today:
        return None, _message(
            question, "not_future", _("%(name)s must be today or in the past") % {"name": name}
        )
    if rules.get("not_past") is True and value < today:
        return None, _message(
            question, "not_past", _("%(name)s must be today or in the future") % {"name": name}
        )
    earliest, latest = _iso_date(rules.get("min")), _iso_date(rules.get("max"))
    too_early = earliest is not None and value < earliest
    if too_early or (latest is not None and value > latest):
        rule = "min" if too_early else "max"
        if earliest is not None and latest is not None:
            default = _("%(name)s must be between %(low)s and %(high)s") % {
                "name": name,
                "low": date_text(earliest),
                "high": date_text(latest),
            }
        elif earliest is not None:
            default = _("%(name)s must be the same as or after %(date)s") % {
                "name": name,
                "date": date_text(earliest),
            }
        else:
            assert latest is not None
            default = _("%(name)s must be the same as or before %(date)s") % {
                "name": name,
                "date": date_text(latest),
            }
        return None, _message(question, rule, default)
    return value.isoformat(), None


_email_validator = EmailValidator()


def _clean_email(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    invalid = _message(question, "format", EMAIL_FORMAT_MESSAGE)
    if not isinstance(raw, str):
        return None, invalid
    email = raw.strip().lower()
    if len(email) > 254:
        return None, invalid
    try:
        _email_validator(email)
    except ValidationError:
        return None, invalid
    return email, None


def _clean_phone(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    invalid = _message(question, "format", PHONE_FORMAT_MESSAGE)
    if not isinstance(raw, str) or len(raw) > 50:
        return None, invalid
    text = raw.strip()
    if not _PHONE_CHARACTERS_RE.fullmatch(text):
        return None, invalid
    digits = re.sub(r"[ ()\-]", "", text)
    if digits.startswith("+44"):
        national = digits[3:].removeprefix("0")  # "+44 (0)20 ..." is common
    elif digits.startswith("0044"):
        national = digits[4:].removeprefix("0")
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None, invalid
    if not _UK_NATIONAL_NUMBER_RE.fullmatch(national):
        return None, invalid
    return "0" + national, None


def _option_values(question: Mapping[str, Any]) -> list[str]:
    return [
        option["value"]
        for option in _list_of_mappings(question.get("options"))
        if isinstance(option.get("value"), str)
    ]


def _clean_choice(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    if isinstance(raw, str) and raw.strip() in _option_values(question):
        return raw.strip(), None
    return None, _required_message(question)


def _clean_checkboxes(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        return None, _required_message(question)
    allowed = _option_values(question)
    chosen: set[str] = set()
    for item in items:
        if item is None or (isinstance(item, str) and not item.strip()):
            continue
        if not isinstance(item, str) or item.strip() not in allowed:
            return None, _required_message(question)
        chosen.add(item.strip())
    if not chosen:
        return None, None
    values = [value for value in allowed if value in chosen]
    rules = _rules(question)
    name = question_name(question)
    low, high = rules.get("min_selected"), rules.get("max_selected")
    if low is not None and len(values) < low:
        return None, _message(
            question,
            "min_selected",
            ngettext(
                "Select at least %(count)s option for %(name)s",
                "Select at least %(count)s options for %(name)s",
                low,
            )
            % {"count": low, "name": name},
        )
    if high is not None and len(values) > high:
        return None, _message(
            question,
            "max_selected",
            ngettext(
                "Select no more than %(count)s option for %(name)s",
                "Select no more than %(count)s options for %(name)s",
                high,
            )
            % {"count": high, "name": name},
        )
    return values, None


def _clean_yes_no(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in ("yes", "true"):
            return True, None
        if word in ("no", "false"):
            return False, None
    return None, _required_message(question)


def _uprn_of(value: object) -> str | bool | None:
    """A raw UPRN as text; None when not given; False when it cannot be a UPRN."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if 0 <= value < 10**12 else False
    if isinstance(value, str):
        return value.strip() or None
    return False


def _clean_address(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    wrong_uprn = _message(question, "uprn", UPRN_MESSAGE)
    uprn: str | bool | None
    if isinstance(raw, str):
        text = raw.replace("\x00", "").strip()
        uprn, text = (text, "") if text.isdigit() else (None, text)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        uprn, text = _uprn_of(raw), ""
    elif isinstance(raw, Mapping):
        uprn = _uprn_of(raw.get("uprn"))
        raw_text = raw.get("text")
        if raw_text is not None and not isinstance(raw_text, str):
            return None, _required_message(question)
        text = (raw_text or "").replace("\x00", "").strip()
    else:
        return None, _required_message(question)
    if uprn is False:
        return None, wrong_uprn
    if isinstance(uprn, str):
        if not _UPRN_RE.fullmatch(uprn):
            return None, wrong_uprn
        if context.uprn_exists is not None and not context.uprn_exists(uprn):
            return None, wrong_uprn
    if uprn is None and not text:
        return None, None
    if len(text) > ADDRESS_MAX_LENGTH:
        return None, _message(
            question,
            "format",
            _("%(name)s must be %(count)s characters or less")
            % {"name": _capital(question_name(question)), "count": ADDRESS_MAX_LENGTH},
        )
    return {"uprn": uprn, "text": text}, None


def _coordinate(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value) if abs(value) < 1e6 else math.nan
    elif isinstance(value, str) and _NUMBER_RE.fullmatch(value.strip()) and len(value) < 50:
        number = float(value.strip())
    else:
        return None
    return number if math.isfinite(number) else None


def _clean_location(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    name = question_name(question)
    invalid = _message(question, "format", _("Select %(name)s on the map") % {"name": name})
    if isinstance(raw, Mapping):
        latitude, longitude = _coordinate(raw.get("latitude")), _coordinate(raw.get("longitude"))
    elif isinstance(raw, str) and raw.count(",") == 1:
        first, second = raw.split(",")
        latitude, longitude = _coordinate(first), _coordinate(second)
    else:
        return None, invalid
    if latitude is None or longitude is None:
        return None, invalid
    if not (
        LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]
        and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
    ):
        return None, _message(
            question,
            "bounds",
            _("%(name)s must be in Great Britain or Northern Ireland") % {"name": _capital(name)},
        )
    if context.location_allowed is not None:
        refusal = context.location_allowed(latitude, longitude)
        if refusal:
            return None, refusal
    return {"latitude": latitude, "longitude": longitude}, None


def _clean_file(question: Mapping[str, Any], raw: object, context: FormContext) -> Cleaned:
    items = [raw] if isinstance(raw, str) else raw
    invalid = _message(question, "format", FILE_FORMAT_MESSAGE)
    if not isinstance(items, list | tuple):
        return None, invalid
    tokens: list[str] = []
    for item in items:
        if item is None or (isinstance(item, str) and not item.strip()):
            continue
        if not isinstance(item, str) or len(item) > FILE_TOKEN_MAX_LENGTH or "\x00" in item:
            return None, invalid
        token = item.strip()
        if token not in tokens:
            tokens.append(token)
    if not tokens:
        return None, None
    most = _rules(question).get("max_files", DEFAULT_MAX_FILES)
    if len(tokens) > most:
        return None, _message(
            question,
            "max_files",
            ngettext(
                "You can only select up to %(count)s file",
                "You can only select up to %(count)s files",
                most,
            )
            % {"count": most},
        )
    return tokens, None


_CLEANERS: Final[dict[str, Callable[[Mapping[str, Any], object, FormContext], Cleaned]]] = {
    "text": _clean_text,
    "textarea": _clean_text,
    "number": _clean_number,
    "money": _clean_money,
    "date": _clean_date,
    "email": _clean_email,
    "phone": _clean_phone,
    "radios": _clean_choice,
    "select": _clean_choice,
    "checkboxes": _clean_checkboxes,
    "yes_no": _clean_yes_no,
    "address": _clean_address,
    "location": _clean_location,
    "file": _clean_file,
}


def answer_clean(
    question: Mapping[str, Any], raw: object, *, context: FormContext | None = None
) -> tuple[object, str | None]:
    """Clean one raw answer: (cleaned value, None), or (None, error message).

    An empty answer (None, blank text, [] or {}) gives (None, the required message) when the
    question is required and (None, None) when it is not. See docs/forms.md for what each
    question type accepts and gives back. Never raises for any JSON-like `raw`.
    """
    cleaner = _CLEANERS.get(str(question.get("type")))
    if cleaner is None:
        raise ValueError(f"Unknown question type: {question.get('type')!r}")
    if isinstance(raw, list | tuple) and len(raw) == 1 and question.get("type") not in LIST_TYPES:
        raw = raw[0]  # a form field sent as a one-item list
    value: object = None
    error: str | None = None
    if not _blank(raw):
        value, error = cleaner(question, raw, context or FormContext())
    if value is None and error is None and question.get("required", True) is not False:
        error = _required_message(question)
    return value, error


def answers_clean(
    definition: Mapping[str, Any],
    raw_answers: Mapping[str, Any],
    *,
    context: FormContext | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean a whole set of answers: (cleaned answers, errors by question id in form order).

    Pages and questions are taken in order and their conditions evaluated against the
    answers cleaned so far. Answers to questions that are not shown are dropped; unknown keys
    are ignored; a required shown question with no answer gets its required message.
    """
    raw = raw_answers if isinstance(raw_answers, Mapping) else {}
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def answer_for(question: dict[str, Any]) -> tuple[bool, object]:
        qid = question["id"]
        value, error = answer_clean(question, raw.get(qid), context=context)
        if error is not None:
            errors[qid] = error
        elif value is not None:
            cleaned[qid] = value
            return True, value
        return False, None

    for _step in _walk(definition, answer_for):
        pass
    return cleaned, errors


# --- Showing and describing answers --------------------------------------------------------


def _answer_text(question: Mapping[str, Any], value: object) -> str:
    qtype = question.get("type")
    labels = {
        option.get("value"): str(option.get("label", option.get("value")))
        for option in _list_of_mappings(question.get("options"))
    }
    if qtype == "money" and isinstance(value, int) and not isinstance(value, bool):
        return pounds_text(value)
    if qtype == "date" and isinstance(value, str) and (day := _iso_date(value)):
        return date_text(day)
    if qtype == "yes_no" and isinstance(value, bool):
        return _("Yes") if value else _("No")
    if qtype in ("radios", "select") and isinstance(value, str):
        return labels.get(value, value)
    if qtype == "checkboxes" and isinstance(value, list):
        return "\n".join(labels.get(item, str(item)) for item in value)
    if qtype == "number" and _is_number(value):
        assert isinstance(value, int | float)
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if qtype == "location" and isinstance(value, Mapping):
        return f"{value.get('latitude')}, {value.get('longitude')}"
    if qtype == "address" and isinstance(value, Mapping):
        return str(value.get("text") or f"UPRN {value.get('uprn')}")
    if qtype == "file" and isinstance(value, list):
        return f"{len(value)} file" if len(value) == 1 else f"{len(value)} files"
    return str(value)


def answers_summary(
    definition: Mapping[str, Any], answers: Mapping[str, Any]
) -> list[tuple[str, str, str]]:
    """(question id, label, answer as text) for each shown, answered question, in order.

    For check-your-answers pages, emails and the back office: money as "£12.50", dates as
    "5 March 2026", yes/no as "Yes"/"No", choices by their labels (checkboxes one a line),
    locations as "latitude, longitude" and addresses by their text.
    """
    summary: list[tuple[str, str, str]] = []
    for question in visible_questions(definition, answers):
        value = answers.get(question["id"])
        if _blank(value):
            continue
        summary.append(
            (question["id"], str(question.get("label", "")), _answer_text(question, value))
        )
    return summary


def _condition_schema(condition: Mapping[str, Any]) -> dict[str, Any]:
    """A condition as a JSON Schema over the answers object (answers of hidden questions are
    never stored, so evaluating on the stored answers is the same as on the form)."""
    if "all" in condition:
        return {"allOf": [_condition_schema(part) for part in condition["all"]]}
    if "any" in condition:
        return {"anyOf": [_condition_schema(part) for part in condition["any"]]}
    if "not" in condition:
        return {"not": _condition_schema(condition["not"])}
    qid = condition["question"]
    if "equals" in condition:
        return {"required": [qid], "properties": {qid: {"const": condition["equals"]}}}
    if "not_equals" in condition:
        return {"not": {"required": [qid], "properties": {qid: {"const": condition["not_equals"]}}}}
    if "in" in condition:
        return {"required": [qid], "properties": {qid: {"enum": list(condition["in"])}}}
    if "includes" in condition:
        return {
            "required": [qid],
            "properties": {qid: {"type": "array", "contains": {"const": condition["includes"]}}},
        }
    if condition.get("answered") is True:
        return {"required": [qid]}
    return {"not": {"required": [qid]}}


def _answer_schema(question: Mapping[str, Any]) -> dict[str, Any]:
    qtype = question.get("type")
    rules = _rules(question)
    schema: dict[str, Any]
    if qtype in ("text", "textarea"):
        schema = {
            "type": "string",
            "minLength": rules.get("min_length", 1),
            "maxLength": rules.get("max_length", DEFAULT_MAX_LENGTH[str(qtype)]),
        }
        if "pattern" in rules:
            schema["pattern"] = f"^(?:{rules['pattern']})$"
    elif qtype == "number":
        schema = {"type": "integer" if rules.get("integer") else "number"}
        if "min" in rules:
            schema["minimum"] = rules["min"]
        if "max" in rules:
            schema["maximum"] = rules["max"]
    elif qtype == "money":
        schema = {
            "type": "integer",
            "description": "An amount in pence",
            "minimum": rules.get("min_pence", 0),
            "maximum": rules.get("max_pence", MAX_PENCE),
        }
    elif qtype == "date":
        schema = {"type": "string", "format": "date"}
    elif qtype == "email":
        schema = {"type": "string", "format": "email", "maxLength": 254}
    elif qtype == "phone":
        schema = {"type": "string", "pattern": "^0[1-9][0-9]{8,9}$"}
    elif qtype in ("radios", "select"):
        schema = {"type": "string", "enum": _option_values(question)}
    elif qtype == "checkboxes":
        schema = {
            "type": "array",
            "items": {"enum": _option_values(question)},
            "uniqueItems": True,
            "minItems": rules.get("min_selected", 1),
        }
        if "max_selected" in rules:
            schema["maxItems"] = rules["max_selected"]
    elif qtype == "yes_no":
        schema = {"type": "boolean"}
    elif qtype == "address":
        schema = {
            "type": "object",
            "properties": {
                "uprn": {"type": ["string", "null"], "pattern": "^[0-9]{1,12}$"},
                "text": {"type": "string", "maxLength": ADDRESS_MAX_LENGTH},
            },
            "required": ["uprn", "text"],
            "additionalProperties": False,
        }
    elif qtype == "location":
        schema = {
            "type": "object",
            "properties": {
                "latitude": {
                    "type": "number",
                    "minimum": LATITUDE_RANGE[0],
                    "maximum": LATITUDE_RANGE[1],
                },
                "longitude": {
                    "type": "number",
                    "minimum": LONGITUDE_RANGE[0],
                    "maximum": LONGITUDE_RANGE[1],
                },
            },
            "required": ["latitude", "longitude"],
            "additionalProperties": False,
        }
    elif qtype == "file":
        schema = {
            "type": "array",
            "description": "Attachment tokens",
            "items": {"type": "string", "minLength": 1, "maxLength": FILE_TOKEN_MAX_LENGTH},
            "uniqueItems": True,
            "minItems": 1,
            "maxItems": rules.get("max_files", DEFAULT_MAX_FILES),
        }
    else:
        schema = {}
    schema["title"] = str(question.get("label", ""))
    if question.get("hint"):
        schema.setdefault("description", str(question["hint"]))
    return schema


def answers_json_schema(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for a form's cleaned answers, for the API's documents.

    Questions shown only under a condition are required (when required) exactly when the
    condition holds, and must be absent when it does not.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    rules: list[dict[str, Any]] = []
    for page in _pages(definition):
        for question in _page_questions(page):
            qid = question["id"]
            properties[qid] = _answer_schema(question)
            conditions = [c for c in (page.get("when"), question.get("when")) if c]
            is_required = question.get("required", True) is not False
            if not conditions:
                if is_required:
                    required.append(qid)
                continue
            shown = (
                _condition_schema(conditions[0])
                if len(conditions) == 1
                else {"allOf": [_condition_schema(c) for c in conditions]}
            )
            rule: dict[str, Any] = {"if": shown, "else": {"not": {"required": [qid]}}}
            if is_required:
                rule["then"] = {"required": [qid]}
            rules.append(rule)
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": str(definition.get("title", "Answers")),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if rules:
        schema["allOf"] = rules
    return schema


_OPEN311_DATATYPES: Final = {
    "text": "string",
    "textarea": "text",
    "email": "string",
    "phone": "string",
    "address": "string",
    "number": "number",
    "money": "number",
    "date": "datetime",
    "radios": "singlevaluelist",
    "select": "singlevaluelist",
    "yes_no": "singlevaluelist",
    "checkboxes": "multivaluelist",
}
_OPEN311_DESCRIPTIONS: Final = {
    "money": "An amount in pounds and pence, like 12.50",
    "date": "A date, like 2026-03-05",
    "phone": "A UK telephone number, like 01632 960 001",
    "address": "A UPRN, or the address as text",
    "email": "An email address, like name@example.com",
}


def open311_attributes(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """GeoReport v2 service-definition attributes for a form's questions.

    Location and file questions are left out: GeoReport carries a location and a media_url of
    its own. A question is marked required only when it is required and always shown, because
    GeoReport has no conditions (the server still asks for it when its condition holds).
    """
    attributes: list[dict[str, Any]] = []
    for page in _pages(definition):
        for question in _page_questions(page):
            qtype = str(question.get("type"))
            if qtype not in _OPEN311_DATATYPES:
                continue
            settings = question.get("open311")
            settings = settings if isinstance(settings, Mapping) else {}
            automated = settings.get("automated")
            conditional = bool(page.get("when") or question.get("when"))
            attribute: dict[str, Any] = {
                "variable": automated != "server_set",
                "code": str(settings.get("code", question["id"])),
                "datatype": _OPEN311_DATATYPES[qtype],
                "required": question.get("required", True) is not False and not conditional,
                "datatype_description": str(
                    question.get("hint") or _OPEN311_DESCRIPTIONS.get(qtype, "")
                ),
                "order": len(attributes) + 1,
                "description": str(question.get("label", "")),
            }
            if qtype == "yes_no":
                attribute["values"] = [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]
            elif qtype in OPTION_TYPES:
                attribute["values"] = [
                    {"key": option.get("value"), "name": option.get("label")}
                    for option in _list_of_mappings(question.get("options"))
                ]
            if automated:
                attribute["automated"] = automated
            attributes.append(attribute)
    return attributes
