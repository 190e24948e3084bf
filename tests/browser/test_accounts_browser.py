import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BROWSER_PASSWORD, assert_accessible, sign_up
from tests.helpers import PASSWORD, make_user
from trustrepair.models import UserSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_then_log_out_then_log_in_again(page: Page):
    sign_up(page, "maple")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.get_by_role("link", name="Log in").click()
    page.locator("#id_username").fill("maple")
    page.locator("#id_password").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Journal")


def test_a_weak_password_is_refused_and_the_username_kept(page: Page):
    page.goto("/accounts/signup/")
    page.locator("#id_username").fill("willow")
    page.locator("#id_password1").fill("password")
    page.locator("#id_password2").fill("password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("This password is too common.")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("willow")
    expect(page.locator("#id_password1")).to_have_value("")
    assert_accessible(page)


def test_quick_exit_leaves_and_signs_out(page: Page, live_server):
    make_user("birch")
    neutral = f"{live_server.url}/healthz"
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("birch")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/journal/")
    # Point the exit at a local page: the test machine has no internet.
    page.eval_on_selector("#quick-exit", "(el, url) => el.setAttribute('href', url)", neutral)
    page.keyboard.press("Tab")
    page.get_by_role("link", name="Quick exit").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(neutral)
    # The sign-out is sent as the page leaves (it never holds the exit up); on a busy
    # machine it can still be on its way, and the sign-in page of a session not yet
    # ended would send Back on to the journal. Wait for the server to end it.
    for _ in range(100):
        if not UserSession.objects.filter(user__username="birch").exists():
            break
        page.wait_for_timeout(50)
    # location.replace: the journal is not in the Back history.
    page.go_back()
    assert "/journal/" not in page.url
    page.wait_for_timeout(200)
    page.goto("/journal/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/journal/")


def test_escape_twice_is_a_quick_exit(page: Page, live_server):
    page.goto("/")
    neutral = f"{live_server.url}/healthz"
    page.eval_on_selector("#quick-exit", "(el, url) => el.setAttribute('href', url)", neutral)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(neutral)


@pytest.mark.parametrize(
    "path", ["/", "/safety/", "/accounts/login/", "/accounts/signup/", "/accounts/reset/"]
)
def test_public_pages_have_no_serious_accessibility_violations(page: Page, path: str):
    page.goto(path)
    assert_accessible(page)


def test_account_page_has_no_serious_accessibility_violations(page: Page):
    sign_up(page, "aspen")
    page.goto("/accounts/")
    assert_accessible(page)
