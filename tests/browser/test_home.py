"""The home page in a real browser, with and without JavaScript."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, axe_violations


def test_home_page_lists_services_and_passes_axe(live_server, page, district, make_service):
    make_service(
        district,
        name="Report fly-tipping",
        group="Street problems",
        summary="Tell us about dumped rubbish",
    )
    page.goto(live_server.url + "/")
    assert page.title().startswith("Council services")
    expect(page.get_by_role("heading", name="Street problems")).to_be_visible()
    expect(page.get_by_text("Report fly-tipping")).to_be_visible()
    # GOV.UK Frontend's JavaScript started.
    assert "govuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    assert_accessible(page)


def test_home_page_without_javascript(live_server, page_without_js, district, make_service):
    make_service(district, name="Report graffiti", group="Street problems")
    page_without_js.goto(live_server.url + "/")
    expect(page_without_js.get_by_text("Report graffiti")).to_be_visible()
    assert_accessible(page_without_js)


def test_the_axe_check_finds_a_real_violation_with_and_without_javascript(
    live_server, page, page_without_js
):
    for browser_page in (page, page_without_js):
        browser_page.route(
            live_server.url + "/broken",
            lambda route: route.fulfill(
                status=200,
                content_type="text/html",
                body="<!DOCTYPE html><html lang='en'><head><title>Broken</title></head>"
                "<body><main><h1>Broken</h1><img src='/x.png'></main></body></html>",
            ),
        )
        browser_page.goto(live_server.url + "/broken")
        assert [v["id"] for v in axe_violations(browser_page)] == ["image-alt"]
