"""The one-click unsubscribe pages (notify app) in a real browser, with and without JavaScript."""

from __future__ import annotations

import pytest

from borough.cases.models import CaseFollower
from borough.cases.services import Submission, case_create, case_follow
from tests.browser.conftest import assert_accessible
from tests.conftest import DORCHESTER


@pytest.mark.parametrize("javascript", [True, False])
def test_a_follower_unsubscribes_from_the_link_in_an_email(
    live_server, request, javascript, district, make_service
):
    browser_page = request.getfixturevalue("page" if javascript else "page_without_js")
    case = case_create(
        submission=Submission(
            service=make_service(district, name="Report fly-tipping", public_cases=True),
            channel="web",
            answers={"kind": "small"},
            reporter_email="rita@example.com",
            latitude=DORCHESTER[0],
            longitude=DORCHESTER[1],
        )
    )
    follower = case_follow(case=case, email="alice@example.com")

    browser_page.goto(f"{live_server.url}/unsubscribe/{follower.token}/")
    heading = f"Stop getting updates about {case.reference}?"
    assert browser_page.get_by_role("heading", level=1).inner_text() == heading
    assert browser_page.title().startswith(f"Stop getting updates about {case.reference}")
    assert_accessible(browser_page)
    assert CaseFollower.objects.filter(pk=follower.pk).exists()

    browser_page.get_by_role("button", name="Stop getting updates").click()
    confirmation = f"You will not get any more emails about {case.reference}"
    assert browser_page.get_by_role("heading", level=1).inner_text() == confirmation
    assert_accessible(browser_page)
    assert not CaseFollower.objects.filter(pk=follower.pk).exists()
