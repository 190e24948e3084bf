"""The reminders page in a real Chromium."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_reminders_and_offering_notifications_on_this_device(page: Page, settings):
    settings.VAPID_PUBLIC_KEY = (
        "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"
    )
    settings.VAPID_PRIVATE_KEY = "UUxI4O8-FbRouAevSmBQ6o18hgE4nSG3qwvJTfKc-ls"
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_up(page, "maple")
    page.goto("/accounts/")
    page.get_by_role("link", name="Reminders").click()

    expect(page.get_by_role("button", name="Show notifications on this device")).to_be_visible()
    page.get_by_label("As a notification on the devices listed below").check()
    page.get_by_label("Wednesday").check()
    page.get_by_label("At this time").fill("21:15")
    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_label("Quiet until").fill("07:00")
    page.get_by_role("button", name="Save reminders").click()

    expect(page.get_by_text("Reminders are on.")).to_be_visible()
    expect(page.get_by_label("Wednesday")).to_be_checked()
    expect(page.get_by_label("At this time")).to_have_value("21:15")
    assert_accessible(page)
    assert errors == []
