"""Two-step sign-in in a real browser: wrong codes, the pause, the admin, the device cookie."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_up
from tests.helpers import PASSWORD, current_code, make_user, user_with_two_factor
from trustrepair.models import AuthenticatorDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def give_password(page: Page, username: str = "sky", password: str = PASSWORD) -> None:
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()


def give_code(page: Page, code: str) -> None:
    page.locator("#id_code").fill(code)
    page.get_by_role("button", name="Continue").click()


def wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_the_admin_goes_through_the_site_sign_in_and_its_second_step(page: Page, settings):
    # A pause long enough that a slow machine cannot outlast it between two clicks; the
    # test ends the pause itself instead of waiting it out.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    _, device, _ = user_with_two_factor("sky", is_staff=True, is_superuser=True)
    page.set_viewport_size(PHONE)
    page.goto("/admin/")
    page.wait_for_url("**/accounts/login/?next=/admin/")
    give_password(page)
    page.wait_for_url("**/accounts/login/verify/**")
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step")
    assert_accessible(page)

    give_code(page, wrong(current_code(device)))
    expect(page.get_by_text("That code did not work")).to_be_visible()
    # Straight away, even the right code is not checked: the page says so, and how long.
    give_code(page, current_code(device))
    expect(page.get_by_text(re.compile(r"Sign-in is paused for \d+ seconds"))).to_be_visible()
    assert_accessible(page)

    AuthenticatorDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    give_code(page, current_code(device))
    page.wait_for_url("**/admin/")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()


def test_someone_elses_wrong_code_is_told_to_the_owner_after_sign_in(page: Page, new_context):
    _, device, codes = user_with_two_factor("sky")
    partner = new_context()
    partner.goto("/accounts/login/")
    give_password(partner)
    give_code(partner, wrong(current_code(device)))
    expect(partner.get_by_text("That code did not work")).to_be_visible()
    AuthenticatorDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    page.set_viewport_size(PHONE)
    page.goto("/accounts/login/")
    give_password(page)
    give_code(page, codes[0])
    page.wait_for_url("**/journal/")
    notice = page.get_by_text("Someone entered your password correctly and then a wrong code")
    expect(notice).to_be_visible()
    assert_accessible(page)


def test_a_guesser_locks_themself_out_but_not_the_owners_own_browser(page: Page, new_context):
    make_user("sky")
    page.goto("/accounts/login/")
    give_password(page)
    page.wait_for_url("**/journal/")
    page.get_by_role("button", name="Log out").click()

    guesser = new_context()
    guesser.set_viewport_size(PHONE)
    for _ in range(5):
        guesser.goto("/accounts/login/")
        give_password(guesser, password="not-the-password-1")
    expect(guesser.get_by_role("heading", name="Too many attempts")).to_be_visible()
    assert_accessible(guesser)

    page.goto("/accounts/login/")
    give_password(page)
    page.wait_for_url("**/journal/")


def test_turning_two_step_on_offers_to_sign_out_everywhere_else(page: Page):
    page.set_viewport_size(PHONE)
    sign_up(page, "rowan")
    # Signing up just now was the password check: the setup opens straight away.
    page.goto("/accounts/two-factor/")
    expect(page.get_by_label("Sign out everywhere else")).to_be_checked()
    assert_accessible(page)
    device = AuthenticatorDevice.objects.get(user__username="rowan", confirmed=False)
    page.locator("#id_code").fill(current_code(device))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Two-step sign-in is on")).to_be_visible()
    assert_accessible(page)
