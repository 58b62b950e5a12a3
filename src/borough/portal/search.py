"""Finding a service from the words a resident types.

Residents do not use the council's words: they look for "bin" not "waste collection", "tip"
not "household recycling centre", "lamp" not "street light". A service is found by its name,
its summary and its keywords (data on each service), and by the synonyms below, which map a
resident's word onto words the services use.

Ranking: services whose name holds what was typed come first, then the services that match
more of the words, then the better scores. The catalogue is small (tens of services), so it is
scored in Python; a deployment with thousands of services would use the database's full-text
search instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from borough.catalogue.models import Service
from borough.catalogue.selectors import service_list_active

# A resident's word (or phrase) -> words and phrases the services use for the same thing,
# most likely first. A word is looked up as typed ("dumped"), then by its stem, so "bins"
# finds what "bin" finds. Values are matched after the same stemming as the query.
SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "bin": ("bin", "waste", "recycling", "collection", "rubbish"),
    "wheelie": ("bin",),
    "dustbin": ("bin",),
    "dustman": ("bin", "collection"),
    "binmen": ("bin", "collection"),
    "trash": ("rubbish", "bin", "litter"),
    "garbage": ("rubbish", "bin", "litter"),
    "refuse": ("bin", "waste", "rubbish"),
    "rubbish": ("rubbish", "bin", "waste", "fly-tipping", "litter"),
    "recycle": ("recycling",),
    "dumped": ("fly-tipping", "dumped", "abandoned"),
    "dumping": ("fly-tipping", "dumped"),
    "dump": ("fly-tipping", "dumped", "recycling centre"),
    "flytip": ("fly-tipping",),
    "fly tip": ("fly-tipping",),
    "tip": ("fly-tipping", "recycling centre", "household waste"),
    "mattress": ("fly-tipping", "bulky waste"),
    "sofa": ("bulky waste", "fly-tipping"),
    "furniture": ("bulky waste",),
    "fridge": ("bulky waste",),
    "lamp": ("street light", "streetlight", "lighting"),
    "lamppost": ("street light", "streetlight"),
    "lamp post": ("street light", "streetlight"),
    "streetlamp": ("street light",),
    "light": ("street light", "lighting"),
    "pothole": ("pothole", "road", "pavement", "highway"),
    "hole": ("pothole",),
    "road": ("pothole", "road", "highway"),
    "pavement": ("pavement", "pothole", "footway"),
    "footpath": ("pavement", "footway", "path"),
    "graffiti": ("graffiti",),
    "tagging": ("graffiti",),
    "poo": ("dog fouling",),
    "poop": ("dog fouling",),
    "mess": ("dog fouling", "litter"),
    "car": ("vehicle", "parking"),
    "van": ("vehicle",),
    "abandoned": ("abandoned vehicle", "abandoned"),
    "loud": ("noise",),
    "music": ("noise",),
    "party": ("noise",),
    "neighbour": ("noise", "nuisance"),
    "ticket": ("penalty charge", "parking fine", "pcn"),
    "fine": ("penalty charge", "parking fine"),
    "pcn": ("penalty charge",),
    "permit": ("parking permit", "permit"),
    "tax": ("council tax",),
    "discount": ("council tax discount", "single person discount", "discount"),
    "bill": ("council tax", "pay"),
    "benefit": ("benefit", "housing benefit", "council tax reduction"),
    "rent": ("housing benefit",),
    "badge": ("blue badge",),
    "disabled": ("blue badge", "assisted collection"),
    "school": ("school", "admissions"),
    "licence": ("licence", "license"),
    "license": ("licence", "license"),
    "tree": ("tree", "overhanging"),
    "hedge": ("tree", "overhanging", "vegetation"),
    "food": ("food",),
    "restaurant": ("food", "hygiene"),
}

# Words that carry no meaning for finding a service; dropped unless the query is only these.
STOP_WORDS: Final = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "about",
        "be",
        "can",
        "do",
        "for",
        "from",
        "get",
        "has",
        "have",
        "how",
        "i",
        "i'm",
        "im",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "need",
        "of",
        "on",
        "or",
        "our",
        "please",
        "someone",
        "that",
        "the",
        "there",
        "this",
        "to",
        "want",
        "was",
        "we",
        "what",
        "where",
        "with",
        "you",
        "your",
    ]
)

_WORD_RE: Final = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
MAX_QUERY_LENGTH: Final = 200

# Scores: a match in the name counts most, then a keyword, then the summary.
_NAME_PHRASE, _NAME_WORD, _KEYWORD, _KEYWORD_WORD, _SUMMARY_WORD = 100, 40, 30, 15, 5
# A match through a synonym counts for less than the resident's own word, and each synonym
# counts for less than the one before it (they are listed most likely first).
_SYNONYM_FACTOR: Final = 0.6
_SYNONYM_DECAY: Final = 0.85


def _stem(word: str) -> str:
    """A crude English stem, enough to match "bins" with "bin" and "tipping" with "tip"."""
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    else:
        return word
    # "tipping" -> "tipp" -> "tip"; "filling" keeps its double l.
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "aeioulsz":
        word = word[:-1]
    return word


def _words(text: str) -> list[str]:
    return [_stem(word.replace("'", "")) for word in _WORD_RE.findall(text.lower())]


def _phrase(text: str) -> tuple[str, ...]:
    return tuple(_words(text))


def _contains(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """Whether the word sequence `needle` occurs in `haystack`, a query word matching the
    start of a longer word when it has 4 letters or more ("pot" does not find "pothole",
    "pothol" does)."""
    if not needle or len(needle) > len(haystack):
        return False
    for start in range(len(haystack) - len(needle) + 1):
        if all(_word_matches(haystack[start + offset], word) for offset, word in enumerate(needle)):
            return True
    return False


def _word_matches(found: str, wanted: str) -> bool:
    return found == wanted or (len(wanted) >= 4 and found.startswith(wanted))


def _synonyms_by_stem() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """SYNONYMS keyed by stemmed phrase; words with the same stem ("dump", "dumped") merge."""
    merged: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key, values in SYNONYMS.items():
        found = merged.setdefault(_phrase(key), [])
        found.extend(phrase for phrase in map(_phrase, values) if phrase not in found)
    return {key: tuple(values) for key, values in merged.items()}


_SYNONYMS_BY_STEM: Final = _synonyms_by_stem()
_SYNONYMS_AS_TYPED: Final = {
    tuple(key.split()): tuple(map(_phrase, values)) for key, values in SYNONYMS.items()
}


def _synonyms_of(typed: tuple[str, ...], stemmed: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return _SYNONYMS_AS_TYPED.get(typed) or _SYNONYMS_BY_STEM.get(stemmed, ())


@dataclass(frozen=True)
class _Indexed:
    service: Service
    name: tuple[str, ...]
    summary: tuple[str, ...]
    keywords: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, service: Service) -> _Indexed:
        keywords = service.keywords if isinstance(service.keywords, list) else []
        return cls(
            service=service,
            name=_phrase(service.name),
            summary=_phrase(service.summary),
            keywords=tuple(_phrase(str(keyword)) for keyword in keywords if str(keyword).strip()),
        )

    def score(self, term: Sequence[str]) -> tuple[int, bool]:
        """How well one term (a word or phrase) matches: (score, matched in the name)."""
        if _contains(self.name, term):
            return (_NAME_PHRASE if len(term) > 1 else _NAME_WORD), True
        if any(tuple(term) == keyword for keyword in self.keywords):
            return _KEYWORD, False
        if any(_contains(keyword, term) for keyword in self.keywords):
            return _KEYWORD_WORD, False
        if _contains(self.summary, term):
            return _SUMMARY_WORD, False
        return 0, False


def _terms(query: str) -> tuple[list[str], tuple[str, ...]]:
    """The query's meaningful words as typed (lower case), and stemmed."""
    raw_words = [word.replace("'", "") for word in _WORD_RE.findall(query.lower())]
    meaningful = [word for word in raw_words if word not in STOP_WORDS] or raw_words
    return meaningful, tuple(_stem(word) for word in meaningful)


def _synonyms(typed: list[str], phrase: tuple[str, ...]) -> dict[int, list[tuple[str, ...]]]:
    """Synonyms for each query word (by position), and for two-word phrases like "fly tip"."""
    found: dict[int, list[tuple[str, ...]]] = {}
    for index, word in enumerate(typed):
        found.setdefault(index, []).extend(_synonyms_of((word,), (phrase[index],)))
    for index in range(len(phrase) - 1):
        pair = _synonyms_of(tuple(typed[index : index + 2]), phrase[index : index + 2])
        for synonym in pair:
            found.setdefault(index, []).append(synonym)
            found.setdefault(index + 1, []).append(synonym)
    return found


def service_search(query: str, *, services: Iterable[Service] | None = None) -> list[Service]:
    """Active services matching what a resident typed, best first. [] for an empty query."""
    typed, phrase = _terms((query or "")[:MAX_QUERY_LENGTH])
    if not phrase:
        return []
    words = [(word,) for word in phrase]
    synonyms = _synonyms(typed, phrase)
    pool = service_list_active() if services is None else services
    candidates = [_Indexed.of(service) for service in pool]
    ranked: list[tuple[tuple[int, int, float, str], Service]] = []
    for item in candidates:
        score = 0.0
        name_match = False
        best: float
        covered = 0
        if len(phrase) > 1:
            whole, in_name = item.score(phrase)
            score += whole
            name_match = name_match or in_name
        for index, word in enumerate(words):
            best, in_name = item.score(word)
            name_match = name_match or in_name
            through_synonym = max(
                (
                    item.score(synonym)[0] * _SYNONYM_FACTOR * _SYNONYM_DECAY**position
                    for position, synonym in enumerate(synonyms.get(index, ()))
                ),
                default=0.0,
            )
            best = max(best, through_synonym)
            if best:
                covered += 1
                score += best
        if score:
            ranked.append(((-int(name_match), -covered, -score, item.service.name), item.service))
    ranked.sort(key=lambda pair: pair[0])
    return [service for _, service in ranked]
