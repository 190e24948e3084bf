"""Far from UTC, "today" is the person's own day: detected at sign-up, prefilled, saved."""

import re

import pytest
from django.utils import dateformat
from playwright.sync_api import Page, expect

from journal.models import CheckIn
from tests.browser.conftest import BROWSER_PASSWORD, assert_accessible, sign_up
from trustrepair import timezones
from trustrepair.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tap_ratings(page: Page, trust: str = "7", communication: str = "4", connection: str = "3"):
    for legend, value in (
        ("How secure and trusted do I feel?", trust),
        ("How is our communication?", communication),
        ("How close do we feel?", connection),
    ):
        group = page.get_by_role("group", name=re.compile(re.escape(legend)))
        choice = group.get_by_role("radio", name=value, exact=True)
        choice.tap()
        expect(choice).to_be_checked()


# At any moment, one of these two is on a different date from UTC (they are 25 hours apart).
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_sign_up_far_from_utc_then_check_in_for_the_local_day(phone, zone):
    page = phone(timezone_id=zone)
    name = zone.split("/")[1].lower().replace("_", "")
    sign_up(page, name)
    assert User.objects.get(username=name).time_zone == zone

    local_today = timezones.now_in(zone).date()
    page.goto("/journal/")
    page.get_by_role("link", name="Check in", exact=True).click()
    page.wait_for_url("**/journal/checkins/new/")
    expect(page.locator("input[name=date]")).to_have_value(local_today.isoformat())
    expect(page.locator(".checkin-day")).to_contain_text(
        f"Today, {dateformat.format(local_today, 'l j F')}"
    )
    tap_ratings(page)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/journal/checkins/*/")
    expect(page.get_by_text("Saved. Thank you for checking in.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Check-in, {dateformat.format(local_today, 'l j F Y')}"
    )
    checkin = CheckIn.objects.get()
    assert (checkin.date, checkin.trust) == (local_today, 7)

    # "Check in" again today: today's check-in, with the two ways on; nothing opens silently.
    page.goto("/journal/checkins/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You checked in today")
    expect(page.get_by_role("link", name="Edit today's check-in")).to_be_visible()
    expect(page.get_by_role("link", name="Check in for another day")).to_be_visible()
    assert_accessible(page)


def test_signing_in_from_another_time_zone_offers_it_and_a_tap_uses_it(phone, new_context):
    page = phone(timezone_id="Asia/Tokyo")
    sign_up(page, "traveller")
    traveller = phone(timezone_id="America/Los_Angeles")
    traveller.goto("/accounts/login/")
    traveller.locator("#id_username").fill("traveller")
    traveller.locator("#id_password").fill(BROWSER_PASSWORD)
    traveller.get_by_role("button", name="Log in").click()
    traveller.wait_for_url("**/journal/")
    offer = traveller.get_by_text("Your device says America/Los_Angeles")
    expect(offer).to_be_visible()
    assert User.objects.get(username="traveller").time_zone == "Asia/Tokyo"
    assert_accessible(traveller)
    traveller.get_by_role("button", name="Use America/Los_Angeles").click()
    expect(traveller.get_by_text("now follows America/Los Angeles time")).to_be_visible()
    assert User.objects.get(username="traveller").time_zone == "America/Los_Angeles"


def test_without_javascript_sign_up_picks_the_zone_and_the_check_in_still_works(phone):
    page = phone(java_script_enabled=False)
    page.goto("/accounts/signup/")
    page.locator("#id_username").fill("plain")
    page.locator("#id_password1").fill(BROWSER_PASSWORD)
    page.locator("#id_password2").fill(BROWSER_PASSWORD)
    page.get_by_label("Your time zone").select_option("Pacific/Kiritimati")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/guides/start/")
    assert User.objects.get(username="plain").time_zone == "Pacific/Kiritimati"

    page.goto("/journal/checkins/new/")
    # Bad input first: nothing chosen, words typed; refused with messages, words kept.
    page.get_by_text("Add a few words").click()
    page.get_by_label("What is working well between us right now?").fill("Tea in the garden")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Choose a number from 1 to 10.")).to_be_visible()
    expect(page.get_by_label("What is working well between us right now?")).to_have_value(
        "Tea in the garden"
    )
    tap_ratings(page, "9", "5", "5")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/journal/checkins/*/")
    checkin = CheckIn.objects.get()
    assert checkin.working == "Tea in the garden"
    assert checkin.date == timezones.now_in("Pacific/Kiritimati").date()
