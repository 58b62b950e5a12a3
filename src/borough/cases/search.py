"""The text staff search a case's answers by."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from borough.catalogue.forms import answers_summary

# Enough for every answer of a long form; the description alone is at most 4,000 characters.
SEARCH_TEXT_MAX = 10_000


def answers_search_text(definition: Mapping[str, Any], answers: Mapping[str, Any]) -> str:
    """The shown answers as a person reads them ("Bags of rubbish", choices by their labels),
    one a line. Question labels are left out, so that a word of a question ("details") does
    not find every case of the service."""
    return "\n".join(text for _, _, text in answers_summary(definition, answers))[:SEARCH_TEXT_MAX]
