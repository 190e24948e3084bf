import pytest
from playwright.sync_api import Page, expect

from guides.loader import sync
from tests.browser.conftest import assert_accessible, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_reader_reads_a_lesson_and_marks_it_complete_in_place(page: Page):
    sync()
    sign_up(page, "rowan")

    expect(page.get_by_role("heading", level=1)).to_have_text("Lessons")
    expect(page.locator("#progress-roots-of-distrust")).to_have_attribute("value", "0")
    assert_accessible(page)

    page.get_by_role("link", name="Roots of distrust").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Roots of distrust")
    assert_accessible(page)

    page.get_by_role("link", name="Start this stage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What trust is, and why it wobbles")
    expect(page).to_have_title("Lesson 1.1 · Notebook")
    progress = page.locator("#stage-progress")
    expect(progress).to_have_attribute("value", "0")
    assert_accessible(page)

    with page.expect_response(
        lambda r: r.url.endswith("/complete/") and r.request.headers.get("hx-request") == "true"
    ):
        page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_role("button", name="Mark as not finished")).to_be_visible()
    expect(progress).to_have_attribute("value", "1")
    expect(page.get_by_role("button", name="Mark as not finished")).to_be_focused()
    # Swapped in place: no redirect to the #lesson-progress address of the plain form.
    assert page.url.endswith("/guides/roots-of-distrust/what-trust-is/")
    assert_accessible(page)

    page.get_by_role("link", name="Lessons", exact=True).first.click()
    expect(page.locator("#progress-roots-of-distrust")).to_have_attribute("value", "1")
    expect(page.locator(".resume__link")).to_have_text("Old hurts that follow us into new love")


def test_undoing_completion_and_searching_work_in_the_browser(page: Page):
    sync()
    sign_up(page, "hazel")
    page.goto("/guides/roots-of-distrust/old-hurts/")
    page.get_by_role("button", name="Mark as complete").click()
    page.get_by_role("button", name="Mark as not finished").click()
    expect(page.get_by_role("button", name="Mark as complete")).to_be_visible()
    expect(page.locator("#stage-progress")).to_have_attribute("value", "0")

    page.goto("/guides/")
    page.get_by_label("Search the lessons").fill("kennels")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("mark").first).to_have_text("kennels")
    assert_accessible(page)


def test_an_anonymous_reader_can_read_and_is_invited_to_keep_progress(page: Page):
    sync()
    page.goto("/guides/overcoming-distrust/keeping-your-word/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Keeping your word, day after day")
    expect(page.get_by_role("button", name="Mark as complete")).to_have_count(0)
    expect(page.get_by_role("link", name="Create an account")).to_be_visible()
    assert_accessible(page)
