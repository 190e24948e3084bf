""" "Start here" in a real Chromium: on a phone with JavaScript off, and on a desktop."""

import pytest
from playwright.sync_api import Browser, Page, expect

from guides.loader import sync
from tests.browser.conftest import BROWSER_PASSWORD, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def create_account(page: Page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password1").fill(BROWSER_PASSWORD)
    page.locator("#id_password2").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="Create account").click()


def test_a_new_person_on_a_phone_without_javascript_finds_their_path(browser: Browser, live_server):
    sync()
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        viewport={"width": 375, "height": 740},
        is_mobile=True,
    )
    page = context.new_page()
    try:
        create_account(page, "willow")
        page.wait_for_url("**/guides/start/")
        expect(page.get_by_text("Question 1 of 3")).to_be_visible()

        page.get_by_role("button", name="Next").click()
        expect(page.get_by_role("alert")).to_have_text(
            "Choose one of the answers, or skip this question."
        )
        page.get_by_label("I find it hard to trust my partner").check()
        page.get_by_role("button", name="Next").click()

        expect(page.get_by_text("Question 2 of 3")).to_be_visible()
        page.get_by_label("A breach of trust in this relationship, longer ago").check()
        page.get_by_role("button", name="Next").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Are you afraid of your partner, or does your partner check your phone, "
            "messages or whereabouts?"
        )
        page.get_by_label("No").check()
        page.get_by_role("button", name="Finish").click()

        page.wait_for_url("**/guides/")
        path = page.locator(".your-path")
        expect(path.get_by_role("heading", name="Your path")).to_be_visible()
        expect(path.get_by_role("link", name="Next: When the hurt happened here")).to_be_visible()
        # Nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_role("link", name="See the whole course, all three stages").click()
        expect(page.get_by_role("link", name="Back to your path")).to_be_visible()
        page.locator(".site-menu summary").click()  # the header menu on a phone
        page.get_by_role("link", name="Journal").click()
        expect(page.get_by_role("heading", name="Your path")).to_be_visible()
    finally:
        context.close()


def test_the_safety_yes_leads_to_help_and_skipping_works_on_a_desktop(page: Page):
    sync()
    page.set_viewport_size({"width": 1280, "height": 900})
    create_account(page, "aspen")
    page.wait_for_url("**/guides/start/")
    assert_accessible(page)
    page.get_by_role("button", name="Skip this question").click()
    expect(page.get_by_text("Question 2 of 3")).to_be_visible()
    page.get_by_role("button", name="Skip this question").click()
    expect(page.get_by_text("Question 3 of 3")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Finish").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You deserve to feel safe")
    assert_accessible(page)
    page.get_by_role("link", name="Go on to the lessons").click()
    expect(page.locator(".your-path")).to_be_visible()
    # Nothing on the lessons page or the account page tells of the answer.
    assert "afraid" not in page.content().lower()
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("link", name="Redo the start-here questions")).to_be_visible()
    assert "afraid" not in page.content().lower()
    assert_accessible(page)

    page.get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminders")
    assert_accessible(page)
