"""Text goes through Django's translation machinery: pages render in Welsh when a Welsh
catalogue has the strings, and templates carry no visible text outside translate tags."""

# Welsh typography: curly apostrophes.
# ruff: noqa: RUF001

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils import translation

from borough.core.branding import colour_contrast_validate

WELSH = {
    # base.html
    "Skip to main content": "Neidio i’r prif gynnwys",
    "Sign in": "Mewngofnodi",
    "This service runs on Borough, free software under the GNU Affero General Public "
    "License, version 3 or later.": "Mae’r gwasanaeth hwn yn rhedeg ar Borough.",
    # portal
    "Council services": "Gwasanaethau’r cyngor",
    "Who provides this service": "Pwy sy’n darparu’r gwasanaeth hwn",
    "%(name)s provides this service.": "%(name)s sy’n darparu’r gwasanaeth hwn.",
    "Back": "Yn ôl",
    "Continue": "Parhau",
    # back office
    "Back office": "Swyddfa gefn",
    "Cases": "Achosion",
    # Python messages
    "Enter a colour like #1d70b8": "Rhowch liw fel #1d70b8",
}


def mo_bytes(catalogue: dict[str, str]) -> bytes:
    """A GNU gettext .mo file (the format msgfmt writes), built here as test data."""
    entries = {
        "": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n",
        **catalogue,
    }
    keys = sorted(entries)
    ids = [key.encode() for key in keys]
    strs = [entries[key].encode() for key in keys]
    header_size = 7 * 4
    table_size = len(keys) * 8
    ids_start = header_size + 2 * table_size
    id_table, str_table, blob = [], [], b""
    for data in ids:
        id_table.append((len(data), ids_start + len(blob)))
        blob += data + b"\0"
    strs_start = ids_start + len(blob)
    str_blob = b""
    for data in strs:
        str_table.append((len(data), strs_start + len(str_blob)))
        str_blob += data + b"\0"
    header = struct.pack(
        "<7I", 0x950412DE, 0, len(keys), header_size, header_size + table_size, 0, 0
    )
    tables = b"".join(struct.pack("<2I", *pair) for pair in id_table + str_table)
    return header + tables + blob + str_blob


@pytest.fixture
def welsh(tmp_path: Path, settings: Any) -> None:
    """A Welsh catalogue with a few known strings, in a locale folder of its own."""
    folder = tmp_path / "locale" / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.mo").write_bytes(mo_bytes(WELSH))
    # Changing LOCALE_PATHS clears Django's cached catalogues (django.test.signals).
    settings.LOCALE_PATHS = [tmp_path / "locale"]


def test_welsh_is_offered() -> None:
    assert ("cy", "Cymraeg") in django_settings.LANGUAGES
    assert django_settings.USE_I18N


def test_the_home_page_is_translated(client: Any, welsh: None, county: Any) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert '<html lang="cy"' in html
    assert "Neidio i’r prif gynnwys" in html
    assert '<h1 class="govuk-heading-xl">Gwasanaethau’r cyngor</h1>' in html
    assert "Mewngofnodi" in html
    assert "Mae’r gwasanaeth hwn yn rhedeg ar Borough." in html
    assert "Skip to main content" not in html
    # English is still the default.
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-gb").content.decode()
    assert "Skip to main content" in english
    assert "Neidio" not in english


def test_a_start_page_and_a_runner_page_are_translated(
    client: Any, welsh: None, county: Any, make_service: Any
) -> None:
    service = make_service(county, code="report-pothole", name="Report a pothole")
    start = client.get(f"/service/{service.code}/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Pwy sy’n darparu’r gwasanaeth hwn" in start
    # The organisation's name is put into the translated sentence.
    assert "Wessex County Council sy’n darparu’r gwasanaeth hwn." in start

    first_page = re.search(r'href="(/service/report-pothole/[^"/]+/)"', start)
    assert first_page, "the start page links to the first question"
    page = client.get(first_page.group(1), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert ">Yn ôl</a>" in page
    assert "Parhau" in page
    assert "Continue" not in page


def test_a_back_office_page_is_translated(
    client: Any, welsh: None, county: Any, make_team: Any, make_staff: Any
) -> None:
    client.force_login(make_staff(make_team(county)))
    html = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Swyddfa gefn" in html
    assert "Achosion" in html
    assert ">Back office<" not in html


def test_python_messages_are_translated(welsh: None) -> None:
    with pytest.raises(ValidationError) as refused:
        colour_contrast_validate("red")
    # The message is lazy: it is translated when it is shown, in the language then active.
    with translation.override("cy"):
        assert refused.value.messages == ["Rhowch liw fel #1d70b8"]
    with translation.override("en-gb"):
        assert refused.value.messages == ["Enter a colour like #1d70b8"]


# -- Every visible string in the checked templates is in a translate tag ------------------------

SRC = Path(__file__).resolve().parents[2] / "src" / "borough"
# The template folders whose text is all translatable (see docs/operations.md). Others are
# added here once their text is wrapped.
CHECKED_FOLDERS = [
    SRC / "templates",
    SRC / "portal" / "templates",
    SRC / "accounts" / "templates",
    SRC / "backoffice" / "templates",
]
# Email bodies are rendered outside a request; they are translated separately.
EXCLUDED_PARTS = {"email"}
# (template, text) pairs that are visible but need no translation. Keep it short.
ALLOWED: set[tuple[str, str]] = {
    # A class name filled into the layout's `column` block, not text.
    ("accounts/templates/accounts/requests.html", "govuk-grid-column-full"),
}

_HIDDEN = re.compile(
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}"
    r"|{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}"
    r"|<(script|style)\b.*?</\1>|<!--.*?-->",
    re.S | re.I,
)
_TEXT_ATTRIBUTE = re.compile(r'\b(?:alt|title|placeholder|aria-label)="([^"]*)"')
_LITERAL = re.compile(
    r"(?:default:|\b(?:text|label|heading|hint|legend|title|caption)=)[\"']([A-Z][^\"']*)[\"']"
)


def untranslated(source: str) -> list[str]:
    """Visible text in a template that is outside {% translate %} and {% blocktranslate %}:
    text between tags, and the alt, title, placeholder and aria-label attributes."""
    text = _HIDDEN.sub(" ", source)
    # Literal text handed to a component or used as a default: `text="Continue"` must be
    # `text=_("Continue")`.
    found_literals = [
        literal
        for tag in re.findall(r"{%\s*include\b.*?%}|{{.*?}}", text, flags=re.S)
        for literal in _LITERAL.findall(tag)
    ]
    text = re.sub(r"{%.*?%}|{{.*?}}", " ", text, flags=re.S)
    found = [value for value in _TEXT_ATTRIBUTE.findall(text) if re.search(r"[A-Za-z]", value)]
    text = re.sub(r"<[^>]*>", "\n", text, flags=re.S)
    text = re.sub(r"&[A-Za-z0-9#]+;", " ", text)
    found += [line.strip() for line in text.split("\n") if re.search(r"[A-Za-z]", line)]
    return found_literals + found


def test_the_scanner_finds_untranslated_text() -> None:
    source = (
        '{% load i18n %}<h1 class="govuk-heading-l">Report a pothole</h1>'
        '<img alt="A pothole" src="{{ url }}">{# a comment #}'
        '<p>{% translate "Done" %} {{ name }}</p>'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}"
        '<nav aria-label="{% translate "Menu" %}"></nav><script>var x = "text";</script>'
        '{% include "button.html" with text="Send" classes="govuk-button" %}'
        '{% include "button.html" with text=_("Continue") %}{{ name|default:"Not given" }}'
    )
    assert untranslated(source) == ["Send", "Not given", "A pothole", "Report a pothole"]


def _templates() -> list[Path]:
    return sorted(
        path
        for folder in CHECKED_FOLDERS
        for path in folder.rglob("*.html")
        if not EXCLUDED_PARTS & set(path.relative_to(folder).parts)
    )


def test_templates_have_no_text_outside_translate_tags() -> None:
    templates = _templates()
    assert len(templates) > 50
    problems = [
        f"{path.relative_to(SRC)}: {text!r}"
        for path in templates
        for text in untranslated(path.read_text())
        if (str(path.relative_to(SRC)), text) not in ALLOWED
    ]
    assert problems == [], "Wrap this text in {% translate %}:\n" + "\n".join(problems)


# Python and JavaScript text on the resident pages, the emails and the back-office timeline:
# each of these is looked up in the catalogue, so a string left unwrapped stays English here.
WELSH_MORE = {
    "Enter %(name)s": "Rhowch %(name)s",
    "Select an address from the list": "Dewiswch gyfeiriad o’r rhestr",
    "Open": "Ar agor",
    "In progress": "Ar y gweill",
    "Received": "Wedi dod i law",
    "Update on %(reference)s": "Diweddariad ar %(reference)s",
    "Your details": "Eich manylion",
    "Status changed from %(previous)s to %(status)s": "Statws wedi newid o %(previous)s i %(status)s",
    "Pin on the map": "Pin ar y map",
    "%(status)s, reported %(date)s": "%(status)s, adroddwyd %(date)s",
    "Less than 10 metres away": "Llai na 10 metr i ffwrdd",
}


@pytest.fixture
def welsh_more(tmp_path: Path, settings: Any) -> None:
    folder = tmp_path / "locale" / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "django.mo").write_bytes(mo_bytes(WELSH_MORE))
    settings.LOCALE_PATHS = [tmp_path / "locale"]


def test_python_and_javascript_text_is_translated(welsh_more: None, db: Any) -> None:
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from borough.accounts.display import status_label
    from borough.backoffice.timeline import _label
    from borough.cases.models import Status
    from borough.catalogue.forms import answer_clean
    from borough.notify.emails import _subject
    from borough.notify.models import NotificationKind
    from borough.portal.public import distance_text, public_status

    with translation.override("cy"):
        question = {"id": "q", "type": "text", "label": "Name", "name": "your name"}
        assert answer_clean(question, "")[1] == "Rhowch your name"
        question = {"id": "a", "type": "address", "label": "Address"}
        assert answer_clean(question, {"uprn": "not a uprn"})[1] == "Dewiswch gyfeiriad o’r rhestr"
        assert str(Status.OPEN.label) == "Ar agor"
        assert _label(Status, "in_progress") == "Ar y gweill"
        assert public_status("waiting") == ("Ar y gweill", "govuk-tag--turquoise")
        assert distance_text(5) == "Llai na 10 metr i ffwrdd"
        assert status_label("open") == "Wedi dod i law"
        case = SimpleNamespace(reference="CDC-1234-5678")
        assert _subject(NotificationKind.CASE_UPDATE, {"case": case}) == (
            "Diweddariad ar CDC-1234-5678"
        )
        html = render_to_string(
            "portal/map.html", {"map": {"mode": "pin", "areas_url": "/map/areas.json"}}
        )
        assert 'data-text-pin-alt="Pin ar y map"' in html
        assert 'data-text-reported="{status}, adroddwyd {date}"' in html
    with translation.override("en-gb"):
        assert str(Status.OPEN.label) == "Open"


def test_map_script_takes_its_words_from_the_page() -> None:
    """map.js shows no English of its own but the fallbacks: every string it sets as text
    comes from TEXT, which the template's data-text-* attributes fill."""
    script = (Path(django_settings.BASE_DIR) / "portal/static/portal/map.js").read_text()
    body = script[script.index("function reportPopup") :]
    assert "status.textContent = TEXT." in body
    assert not re.findall(r'textContent = "[A-Z]', body)
    assert not re.findall(r'(?:alt|title): "[A-Z]', body)
