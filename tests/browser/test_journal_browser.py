import pytest
from playwright.sync_api import Page, expect

from journal.models import CheckIn, Commitment
from tests.browser.conftest import (
    BROWSER_PASSWORD,
    assert_accessible,
    assert_fits_the_screen,
    sign_up,
)
from tests.journal.helpers import make_lesson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_a_lesson_to_a_kept_commitment_and_a_check_in_on_the_chart(page: Page):
    lesson = make_lesson(
        slug="keeping-your-word",
        try_this_commitment="Make only promises I can keep this week",
        try_this_strategy="reliability",
    )
    sign_up(page, "juniper")

    page.goto(f"/journal/commitments/new/?lesson={lesson.slug}")
    expect(page.get_by_label("I said I would…")).to_have_value(
        "Make only promises I can keep this week"
    )
    expect(page.get_by_label("What it practises")).to_have_value("reliability")
    assert_accessible(page)
    page.get_by_role("button", name="Add commitment").click()
    page.wait_for_url("**/journal/")
    assert Commitment.objects.get().lesson_id == lesson.pk

    row = page.locator(".commitment").filter(has_text="Make only promises I can keep")
    expect(row).to_be_visible()
    assert_accessible(page)
    row.get_by_role("button", name="Kept").click()
    # htmx swapped the row in place: no page load, so no flash message.
    expect(row.get_by_role("button", name="Undo")).to_be_visible()
    expect(page.get_by_text("Marked as kept.")).to_have_count(0)
    assert Commitment.objects.get().status == "kept"
    assert_accessible(page)

    page.get_by_role("link", name="Check in", exact=True).click()
    page.wait_for_url("**/journal/checkins/new/")
    assert_accessible(page)
    page.locator("input[name=trust][value='8']").check()
    page.locator("input[name=communication][value='4']").check()
    page.locator("input[name=connection][value='3']").check()
    page.get_by_text("Add a few words").click()
    page.get_by_label("What is working well between us right now?").fill("Evening walks")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/journal/checkins/*/")
    expect(page.get_by_text("Evening walks")).to_be_visible()
    assert CheckIn.objects.get().trust == 8
    assert_accessible(page)

    page.goto("/journal/insights/")
    chart = page.get_by_role("img", name="Felt trust, weekly average")
    expect(chart).to_be_visible()
    expect(page.locator("#ratings-table tbody tr").last).to_contain_text("8")
    expect(page.locator("#ratings-table tbody tr").last.locator("td").last).to_have_text("1")
    assert_accessible(page)

    page.goto("/journal/timeline/")
    expect(
        page.locator(".timeline__text", has_text="Make only promises I can keep")
    ).to_be_visible()
    assert_accessible(page)


def test_a_renegotiation_reason_is_saved_inline(page: Page):
    sign_up(page, "hazel")
    page.goto("/journal/commitments/new/?suggestion=call-on-time")
    page.get_by_role("button", name="Add commitment").click()
    page.wait_for_url("**/journal/")
    page.get_by_text("Renegotiate: I told them early it would slip").click()
    page.get_by_label("What did you tell them, and why did it need to move? (optional)").fill(
        "Said at noon that the train was late"
    )
    expect(page.get_by_label("What I promise now")).to_have_value(
        "Call or message when I said I would"
    )
    page.get_by_label("What I promise now").fill("Call when the train gets in")
    page.get_by_role("button", name="Save and add the new promise").click()
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    # The new promise is on the list at once, with its own buttons.
    new_row = page.locator(".commitment").filter(has_text="Call when the train gets in")
    expect(new_row.get_by_role("button", name="Kept")).to_be_visible()
    assert_accessible(page)
    old, new = Commitment.objects.order_by("pk")
    assert old.status == "renegotiated"
    assert old.renegotiation_reason == "Said at noon that the train was late"
    assert (new.status, new.renegotiated_from) == ("open", old)


def test_repeat_views_of_the_dashboard_stay_true_after_changes_here_and_elsewhere(
    page: Page, new_context
):
    sign_up(page, "rowan")
    page.goto("/journal/")
    page.reload()
    page.reload()  # by now the page is kept for this browser session
    expect(page.get_by_text("No open commitments right now")).to_be_visible()

    # Bad input first: refused with a message, and nothing typed is lost.
    page.goto("/journal/commitments/new/")
    page.get_by_label("I said I would…").fill("Phone when I land")
    page.get_by_label("By (optional)").fill("2099-01-01")
    page.get_by_role("button", name="Add commitment").click()
    expect(page.get_by_text("That date is more than two years away.")).to_be_visible()
    expect(page.get_by_text("Choose what this practises")).to_be_visible()
    expect(page.get_by_label("I said I would…")).to_have_value("Phone when I land")
    page.get_by_label("By (optional)").fill("")
    page.get_by_label("What it practises").select_option("reliability")
    page.get_by_role("button", name="Add commitment").click()
    page.wait_for_url("**/journal/")
    page.reload()
    row = page.locator(".commitment").filter(has_text="Phone when I land")
    expect(row).to_be_visible()

    # The same person on another device marks it kept; this device sees it on reload.
    phone = new_context()
    phone.goto("/accounts/login/")
    phone.locator("#id_username").fill("rowan")
    phone.locator("#id_password").fill(BROWSER_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.locator(".commitment").filter(has_text="Phone when I land").get_by_role(
        "button", name="Kept"
    ).click()
    expect(phone.get_by_role("button", name="Undo")).to_be_visible()

    page.reload()
    expect(page.get_by_text("No open commitments right now")).to_be_visible()
    assert Commitment.objects.get().status == "kept"


def test_two_tabs_checking_in_on_the_same_day_get_a_message_and_keep_their_words(phone):
    first = phone(timezone_id="Pacific/Kiritimati")
    sign_up(first, "linden")
    # The same person in a second tab: the same browser context, so the same session.
    second = first.context.new_page()
    for tab in (first, second):
        tab.goto("/journal/checkins/new/")
        tab.locator("input[name=trust][value='7']").check()
        tab.locator("input[name=communication][value='4']").check()
        tab.locator("input[name=connection][value='4']").check()
    first.get_by_role("button", name="Save check-in").click()
    first.wait_for_url("**/journal/checkins/*/")
    expect(first.get_by_role("heading", name="Saved. Thank you for checking in.")).to_be_visible()

    second.get_by_text("Add a few words").click()
    second.get_by_label("What is working well between us right now?").fill("Sunday walks")
    second.get_by_role("button", name="Save check-in").click()
    expect(second.get_by_text("You already checked in today.")).to_be_visible()
    expect(second.get_by_role("link", name="Edit today's check-in")).to_be_visible()
    expect(second.get_by_label("What is working well between us right now?")).to_have_value(
        "Sunday walks"
    )
    assert CheckIn.objects.count() == 1
    assert_fits_the_screen(second)
    assert_accessible(second)
