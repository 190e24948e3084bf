"""A check-in written slowly: the idle warning, and words that survive the timeout."""

import pytest
from playwright.sync_api import Page, expect

from journal.models import CheckIn
from tests.browser.conftest import BROWSER_PASSWORD, assert_accessible, sign_up
from tests.browser.test_time_zone_browser import tap_ratings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Seconds of idle time before the session ends, in these tests only.
SHORT_IDLE = 12
WORDS = "We walked by the river and talked without phones"


def write_slowly(page: Page) -> None:
    page.goto("/journal/checkins/new/")
    tap_ratings(page, "6", "4", "3")
    page.get_by_text("Add a few words").click()
    page.get_by_label("What is working well between us right now?").fill(WORDS)
    page.locator("summary", has_text="Private note").click()
    page.get_by_label("Private note").fill("Only mine")


def test_typed_check_in_survives_the_idle_timeout_and_a_new_sign_in(phone, settings):
    settings.SESSION_COOKIE_AGE = SHORT_IDLE
    page = phone()
    sign_up(page, "slowwriter")
    write_slowly(page)

    warning = page.locator("#idle-warning")
    expect(warning).to_be_visible(timeout=SHORT_IDLE * 1000)
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_visible()
    assert_accessible(page)
    # Not answered: the session ends, and the warning says what will happen.
    expect(warning.get_by_text("You have been signed out.")).to_be_visible(
        timeout=SHORT_IDLE * 1000
    )
    page.wait_for_timeout(1500)
    settings.SESSION_COOKIE_AGE = 1800

    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/accounts/login/?next=/journal/checkins/new/")
    expect(page.get_by_text("We kept what you wrote: sign in")).to_be_visible()
    assert not CheckIn.objects.exists()
    assert_accessible(page)

    page.locator("#id_username").fill("slowwriter")
    page.locator("#id_password").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/journal/checkins/new/")
    expect(page.get_by_text("We kept what you wrote. Check it, then save.")).to_be_visible()
    expect(page.get_by_label("What is working well between us right now?")).to_have_value(WORDS)
    expect(page.locator("input[name=trust][value='6']")).to_be_checked()
    assert_accessible(page)

    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/journal/checkins/*/")
    checkin = CheckIn.objects.get()
    assert (checkin.trust, checkin.working, checkin.private_note) == (6, WORDS, "Only mine")


def test_staying_signed_in_from_the_warning_keeps_the_session(phone, settings):
    settings.SESSION_COOKIE_AGE = SHORT_IDLE
    page = phone()
    sign_up(page, "stayer")
    write_slowly(page)
    warning = page.locator("#idle-warning")
    expect(warning).to_be_visible(timeout=SHORT_IDLE * 1000)
    with page.expect_response("**/accounts/stay/"):
        warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    # Past the moment the session would have ended, it is still there.
    page.wait_for_timeout(6000)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/journal/checkins/*/")
    assert CheckIn.objects.get().working == WORDS
