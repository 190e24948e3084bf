import pytest
from playwright.sync_api import Page, expect

from journal.models import CheckIn, Commitment
from tests.browser.conftest import assert_accessible, sign_up
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
    page.get_by_label("What is working well between us right now?").fill("Evening walks")
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/journal/checkins/*/")
    expect(page.get_by_text("Evening walks")).to_be_visible()
    assert CheckIn.objects.get().trust == 8
    assert_accessible(page)

    page.goto("/journal/insights/")
    chart = page.get_by_role("img", name="Felt trust and security, weekly average")
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
    page.get_by_text("Renegotiated: I told them early it would slip").click()
    page.get_by_label("What did you tell them, and why did it need to move? (optional)").fill(
        "Said at noon that the train was late"
    )
    page.get_by_role("button", name="Save as renegotiated").click()
    expect(page.get_by_role("button", name="Undo")).to_be_visible()
    assert_accessible(page)
    commitment = Commitment.objects.get()
    assert commitment.status == "renegotiated"
    assert commitment.renegotiation_reason == "Said at noon that the train was late"
