"""HTML or script in anything a resident or member of staff typed shows as text on every
public page: a report's page, the list of reports, "Is this the same problem?" and the map's
data. Each check would fail if the text were marked safe or built into HTML by hand."""

from __future__ import annotations

import json

from borough.cases.models import Case
from borough.cases.services import Submission, case_create, case_public_update
from tests.portal.conftest import url
from tests.portal.test_same_problem import give_location, home, north, potholes, squash

__all__ = ["home", "potholes"]  # fixtures, imported for pytest

SCRIPT = '<script>alert("x")</script>'
TITLE = f'Hole <img src=x onerror="alert(1)"> {SCRIPT}'
NAME = f"<b>Rita</b> {SCRIPT}"
UPDATE = f'<a href="javascript:alert(2)">Fixed</a> {SCRIPT}'
ANSWER = f"<iframe src=//example.com></iframe> {SCRIPT}"


def escaped(text: str) -> str:
    """`text` as Django's autoescaping writes it."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def assert_text_only(html: str, *texts: str) -> None:
    for text in texts:
        assert text not in html, f"{text!r} is in the page as HTML"
    assert "<script>alert" not in html
    assert "<img src=x" not in html and "<iframe" not in html and "<b>Rita" not in html


def hostile_report(potholes, make_staff, make_team) -> Case:
    lat, lon = north(20)
    case = case_create(
        submission=Submission(
            service=potholes,
            channel="web",
            answers={"kind": "large", "details": ANSWER},
            reporter_email="rita@example.com",
            reporter_name=NAME,
            show_name_publicly=True,
            latitude=lat,
            longitude=lon,
        )
    )
    Case.objects.filter(pk=case.pk).update(title=TITLE)
    case.refresh_from_db()
    officer = make_staff(make_team(case.organisation))
    case_public_update(case=case, actor=officer, body=UPDATE)
    return case


def test_a_reports_page_shows_html_as_text(client, potholes, make_staff, make_team):
    case = hostile_report(potholes, make_staff, make_team)
    html = client.get(f"/reports/{case.reference}/").content.decode()
    assert_text_only(html, TITLE, NAME, UPDATE, ANSWER)
    assert f'<h1 class="govuk-heading-l">{escaped(TITLE)}</h1>' in html
    assert f"by {escaped(NAME)}" in html  # the reporter chose to show their name
    assert escaped(UPDATE) in html
    # Answers are never on the public page, escaped or not.
    assert escaped(ANSWER) not in html


def test_the_list_of_reports_shows_html_as_text(client, potholes, home, make_staff, make_team):
    case = hostile_report(potholes, make_staff, make_team)
    html = squash(client.get("/reports/", {"q": "DT1 1UZ"}))
    assert f"/reports/{case.reference}/" in html, "the report is listed"
    assert_text_only(html, TITLE, NAME)
    assert escaped(TITLE) in html
    assert f"by {escaped(NAME)}" in html


def test_the_same_problem_page_shows_html_as_text(client, potholes, home, make_staff, make_team):
    case = hostile_report(potholes, make_staff, make_team)
    give_location(client, potholes, home)
    html = client.get(url(potholes, "same-problem")).content.decode()
    assert case.reference in html
    assert_text_only(html, TITLE, NAME, ANSWER)
    assert escaped(TITLE) in html


def test_the_map_data_holds_the_text_as_data_and_the_map_draws_it_as_text(
    client, potholes, make_staff, make_team, settings
):
    from pathlib import Path

    case = hostile_report(potholes, make_staff, make_team)
    response = client.get(
        "/map/reports.json", {"latitude": case.latitude, "longitude": case.longitude}
    )
    assert response["Content-Type"].startswith("application/")
    (feature,) = [
        f
        for f in json.loads(response.content)["features"]
        if f["properties"]["reference"] == case.reference
    ]
    # JSON is data, not HTML: the title arrives exactly as typed...
    assert feature["properties"]["title"] == TITLE
    assert NAME not in response.content.decode() and "Rita" not in response.content.decode()
    # ...and the popup puts it in with textContent, never as HTML.
    source = Path(__file__).parents[2] / "src/borough/portal/static/portal/map.js"
    script = source.read_text()
    popup = script[script.index("function reportPopup") : script.index("function drawReports")]
    assert "innerHTML" not in popup and "element(" in popup
    helper = script[script.index("function element") : script.index("function getJSON")]
    assert "node.textContent = text" in helper and "innerHTML" not in helper
