"""Real-browser journeys: Playwright driving Debian's Chromium, each page checked with axe-core."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("BOROUGH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop; Django must allow sync DB calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def _page(browser: Browser, *, javascript: bool) -> Iterator[Page]:
    context = browser.new_context(
        java_script_enabled=javascript, locale="en-GB", viewport={"width": 1024, "height": 800}
    )
    page = context.new_page()
    page._borough_javascript = javascript  # type: ignore[attr-defined]
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, javascript=True)


@pytest.fixture
def page_without_js(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, javascript=False)


def _axe_run(page: Page) -> dict[str, Any]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_22_AA,
    )


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core (from npm) on the page; return WCAG 2.2 A/AA violations.

    A page loaded without JavaScript is checked as it rendered: its HTML, scripts removed,
    is served again at the same address to a JavaScript-enabled page that runs axe.
    """
    results = _axe_run(page) if _javascript_on(page) else _axe_run_static(page)
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in results["violations"]
    ]


def _javascript_on(page: Page) -> bool:
    return bool(getattr(page, "_borough_javascript", True))


def _axe_run_static(page: Page) -> dict[str, Any]:
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S | re.I)
    url = page.url
    assert page.context.browser is not None
    context = page.context.browser.new_context(locale="en-GB", viewport=page.viewport_size)
    try:
        checker = context.new_page()
        checker.route(
            url, lambda route: route.fulfill(status=200, content_type="text/html", body=html)
        )
        checker.goto(url)
        return _axe_run(checker)
    finally:
        context.close()


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core found violations on {page.url}: {violations}"
