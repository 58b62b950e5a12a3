"""The back-office pages the journeys do not reach, in a real browser, each checked with
axe-core: a queue by its address, bulk assign (and its error), a case's audit trail, finding a
caller's account (and its error), each case action's form sent with a mistake, and the 403 and
404 pages. Batched into one sign-in per role to keep the run short."""

from __future__ import annotations

from playwright.sync_api import expect

from borough.cases.services import case_mark_duplicate
from tests.backoffice import conftest as backoffice_fixtures
from tests.backoffice.conftest import PASSWORD
from tests.browser.conftest import assert_accessible

make_case = backoffice_fixtures.make_case
world = backoffice_fixtures.world


def sign_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/staff/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your teams' cases")).to_be_visible()


def error_summary(page):
    return page.locator(".govuk-error-summary")


def test_back_office_pages_and_error_states_are_accessible(
    page, live_server, world, make_case, make_staff, make_resident
):
    base = live_server.url
    admin = make_staff(world.team, "administrator", email="ada@casterbridge.example")
    make_staff(world.team, "caseworker", email="casey@casterbridge.example")
    advisor = make_staff(world.team, "advisor", email="avi@casterbridge.example")
    make_resident(email="alex@example.com", full_name="Alex Resident")
    case = make_case(world.service)
    worked = make_case(world.service)
    root = make_case(world.service)
    copy = case_mark_duplicate(case=make_case(world.service), original=root, actor=admin)

    sign_in(page, base, admin.email)

    # A queue by its own address.
    page.goto(base + "/staff/queues/unassigned/")
    expect(page.get_by_role("heading", name="Unassigned cases")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    assert_accessible(page)

    # Bulk assign: nothing ticked, then two cases.
    page.get_by_role("button", name="Assign selected").click()
    expect(error_summary(page)).to_be_visible()
    assert_accessible(page)
    page.locator(f"#case-{case.reference}").check()
    page.locator("#assignee").select_option(label="Sam Officer (casey@casterbridge.example)")
    page.get_by_role("button", name="Assign selected").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 case assigned")
    assert_accessible(page)

    # Each action's form sent with a mistake comes back with its error, accessibly.
    mistakes = [
        ("#assign form:last-of-type", "Assign", None),
        ("#note", "Add internal note", "Enter a note"),
        ("#update", "Add public update", "Enter an update"),
        ("#transfer", "Transfer case", None),
    ]
    for container, button, message in mistakes:
        page.goto(f"{base}/staff/cases/{worked.reference}/")
        page.locator(container).get_by_role("button", name=button, exact=True).click()
        expect(error_summary(page)).to_be_visible()
        if message:
            expect(error_summary(page)).to_contain_text(message)
        assert page.title().startswith("Error:")
        assert_accessible(page)
    # A duplicate of a duplicate is refused, naming the case to use instead.
    page.goto(f"{base}/staff/cases/{worked.reference}/")
    page.get_by_label("Reference of the original case").fill(copy.reference)
    page.locator("#duplicate").get_by_role("button", name="Mark as a duplicate").click()
    expect(error_summary(page)).to_contain_text(
        f"{copy.reference} is itself a duplicate of {root.reference}"
    )
    assert_accessible(page)

    # The case's audit trail: staff entries and the case's changes.
    page.goto(f"{base}/staff/cases/{case.reference}/audit/")
    expect(
        page.get_by_role("heading", name="Staff who opened or acted on the case")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Changes to the case")).to_be_visible()
    expect(page.get_by_text("Assigned cases in bulk").first).to_be_visible()
    assert_accessible(page)

    # Finding a caller's account: too short, then found.
    page.goto(base + "/staff/assisted/")
    page.get_by_label("Service", exact=True).select_option(label=world.service.name)
    page.get_by_label("Phone", exact=True).check()
    page.get_by_label("Yes, find their account").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Find the caller’s account")).to_be_visible()  # noqa: RUF001
    assert_accessible(page)
    page.locator("#q").fill("al")
    page.get_by_role("button", name="Search").click()
    expect(error_summary(page)).to_be_visible()
    assert_accessible(page)
    page.locator("#q").fill("Alex")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("alex@example.com")).to_be_visible()
    assert_accessible(page)

    # Not found: a case that does not exist.
    response = page.goto(f"{base}/staff/cases/CDC-0000-0000/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)

    # Forbidden: an advisor and the audit trail.
    sign_in(page, base, advisor.email)
    response = page.goto(base + "/staff/audit/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
