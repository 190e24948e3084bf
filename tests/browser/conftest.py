"""Real-browser tests: Playwright drives Debian's chromium against the live app."""

import os
import shutil
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser_path() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: install Debian's chromium")
        pytest.skip("no chromium installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def playwright(browser_path: str) -> Iterator[Playwright]:
    """One Playwright per test session (its sync API runs one event loop per thread)."""
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(browser_path: str, playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def new_context(browser: Browser, live_server):
    """Opens more independent browser contexts (another person, no shared cookies)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(browser: Browser, live_server):
    """Opens a phone-sized browser (375 px, touch), in a color scheme and time zone."""
    contexts = []

    def make(
        color_scheme: str = "light",
        timezone_id: str | None = None,
        java_script_enabled: bool = True,
        width: int = PHONE["width"],
    ) -> Page:
        options: dict = {
            "base_url": live_server.url,
            "viewport": {**PHONE, "width": width},
            "is_mobile": True,
            "has_touch": True,
            "color_scheme": color_scheme,
            "java_script_enabled": java_script_enabled,
        }
        if timezone_id:
            options["timezone_id"] = timezone_id
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def assert_fits_the_screen(page: Page) -> None:
    """Nothing on the page is wider than the screen: no sideways scrolling.

    A phone browser widens its layout viewport to fit a page that overflows, so the
    page's width is also held to the screen's own (the context's viewport).
    """
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    screen = page.viewport_size["width"] if page.viewport_size else inner_width
    if scroll_width > inner_width or inner_width > screen:
        widest = page.evaluate(
            """(screen) => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > screen + 0.5)
                .slice(0, 5).map(el => el.tagName + '.' + el.className)""",
            screen,
        )
        raise AssertionError(
            f"{page.url}: {scroll_width}px wide, window {inner_width}px, screen {screen}px: "
            f"{widest}"
        )


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """axe-core on the current page: no violation of serious or critical impact."""
    # A page only just committed may have no document element yet; axe needs the parsed page.
    page.wait_for_load_state("load")
    results = _axe.run(page)
    violations = [
        v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}
    ]
    summary = [
        f"{v['id']}: {v['help']} at {[n.get('target') for n in v['nodes']]}" for v in violations
    ]
    assert not violations, f"{page.url}: " + "; ".join(summary)


BROWSER_PASSWORD = "a-calm-long-passphrase-91"


def sign_up(page: Page, username: str, password: str = BROWSER_PASSWORD) -> None:
    page.goto("/accounts/signup/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.get_by_role("button", name="Create account").click()
    # A new account starts with "start here"; these tests leave it for the lessons.
    page.wait_for_url("**/guides/start/")
    page.get_by_role("link", name="Leave these questions and see the lessons").click()
    page.wait_for_url("**/guides/")
