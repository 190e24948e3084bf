"""Couple mode as two people use it: each in a browser of their own, on a phone and a desktop."""

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from journal.couples.models import JointAnswer, Link, VisibleCommitment
from journal.models import Commitment
from tests.browser.conftest import assert_accessible, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def person(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """A browser of one's own: no shared cookies, at a given size, with or without JS."""
    contexts = []

    def make(viewport: dict, javascript: bool = True) -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def check(page: Page) -> None:
    """axe-core finds nothing serious, and nothing is wider than the screen."""
    assert_accessible(page)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), f"{page.url} scrolls sideways at {page.viewport_size}"


def add_commitment(page: Page, text: str) -> None:
    page.goto("/journal/commitments/new/")
    page.get_by_label("I said I would…").fill(text)
    page.get_by_label("What it practises").select_option("reliability")
    page.get_by_role("button", name="Add commitment").click()
    page.wait_for_url("**/journal/")


def answer(page: Page, trust: str, working: str, note: str) -> None:
    page.locator(f"input[name=trust][value='{trust}']").check()
    page.locator("input[name=communication][value='4']").check()
    page.locator("input[name=connection][value='3']").check()
    page.get_by_label("What is working between us?").fill(working)
    page.get_by_label("Private note (optional)").fill(note)
    page.get_by_role("button", name="Save my answers").click()
    # The save is a navigation: wait for its page before anyone reloads.
    expect(page.get_by_text("Your answers are saved.")).to_be_visible()


def invite_and_accept(alex: Page, blair: Page) -> None:
    alex.goto("/journal/")
    alex.get_by_role("link", name="Together").click()
    alex.wait_for_url("**/together/")
    check(alex)
    alex.get_by_role("link", name="Invite your partner").click()
    alex.wait_for_url("**/together/invite/")
    check(alex)
    # Signing up just now counts as a recent password check: no second prompt.
    alex.get_by_role("button", name="Make an invitation").click()
    expect(alex.get_by_text("it is shown only this once")).to_be_visible()
    check(alex)
    link = alex.locator("#invite-link").input_value()
    assert "/together/join/" in link

    blair.goto("/together/join/")
    blair.get_by_label("Invitation code").fill("not the code")
    blair.get_by_role("button", name="Continue").click()
    expect(blair.get_by_text("That code does not work")).to_be_visible()
    check(blair)
    blair.goto(link)
    expect(blair.get_by_role("heading", name=re.compile("Link with alex"))).to_be_visible()
    expect(blair.get_by_role("heading", name=re.compile("will never see"))).to_be_visible()
    check(blair)
    blair.get_by_role("button", name="Link our accounts").click()
    expect(blair.get_by_text(re.compile("You and alex.* are linked")).first).to_be_visible()
    check(blair)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_invite_accept_answer_reveal_notice_then_unlink(person, size):
    alex, blair = person(size), person(size)
    sign_up(alex, "alex")
    sign_up(blair, "blair")
    add_commitment(alex, "Walk the dog every morning")
    invite_and_accept(alex, blair)

    # Alex asks and answers first: waiting, and nothing of blair's to see.
    alex.goto("/together/")
    alex.get_by_role("button", name="Ask for a joint check-in").click()
    alex.wait_for_url("**/together/checkins/*/")
    checkin_url = alex.url
    check(alex)
    answer(alex, "8", "ALEX-WORKING Sunday walks", "ALEX-NOTE only mine")
    expect(alex.get_by_text("Waiting for your partner.")).to_be_visible()
    expect(alex.get_by_text("ALEX-WORKING Sunday walks")).to_be_visible()
    assert "BLAIR-" not in alex.content()
    check(alex)

    # Blair sees the question, and none of alex's answers.
    blair.goto("/together/")
    blair.get_by_role("link", name="Answer it").click()
    expect(blair.get_by_text(re.compile("alex.* has answered"))).to_be_visible()
    assert "ALEX-" not in blair.content()
    check(blair)

    # Alex shows theirs early (htmx swaps the status in place).
    alex.get_by_role("button", name=re.compile("Show my answers to blair")).click()
    expect(alex.get_by_text(re.compile("can read your answers already"))).to_be_visible()
    check(alex)
    blair.reload()
    expect(blair.get_by_text("ALEX-WORKING Sunday walks")).to_be_visible()
    assert "ALEX-NOTE" not in blair.content()

    # Bad input keeps what was typed; then blair answers and both are side by side.
    blair.get_by_label("What is working between us?").fill("BLAIR-WORKING breakfasts")
    blair.get_by_role("button", name="Save my answers").click()
    expect(blair.get_by_text("Choose a number from 1 to 10.")).to_be_visible()
    expect(blair.get_by_label("What is working between us?")).to_have_value(
        "BLAIR-WORKING breakfasts"
    )
    check(blair)
    answer(blair, "5", "BLAIR-WORKING breakfasts", "BLAIR-NOTE only mine")
    for page, own_note, other_note in [
        (blair, "BLAIR-NOTE", "ALEX-NOTE"),
        (alex, "ALEX-NOTE", "BLAIR-NOTE"),
    ]:
        page.reload()
        table = page.get_by_role("table")
        expect(table).to_contain_text("Felt trust")
        expect(page.get_by_text("ALEX-WORKING Sunday walks")).to_be_visible()
        expect(page.get_by_text("BLAIR-WORKING breakfasts")).to_be_visible()
        assert own_note in page.content()
        assert other_note not in page.content()
        check(page)
    expect(alex.get_by_role("row", name=re.compile("Felt trust"))).to_contain_text("3")
    assert JointAnswer.objects.filter(answered=True).count() == 2
    alex.goto("/together/checkins/")
    expect(alex.get_by_text("You have both answered.")).to_be_visible()
    check(alex)

    # One commitment made visible, kept, and noticed.
    alex.goto("/together/commitments/")
    check(alex)
    alex.get_by_role("button", name=re.compile("Show to blair")).click()
    expect(alex.get_by_text(re.compile("Visible to blair"))).to_be_visible()
    assert VisibleCommitment.objects.count() == 1
    alex.goto("/journal/")
    alex.locator(".commitment").filter(has_text="Walk the dog").get_by_role(
        "button", name="Kept"
    ).click()
    expect(alex.get_by_role("button", name="Undo")).to_be_visible()
    alex.goto("/together/commitments/preview/")
    expect(alex.get_by_text("Walk the dog every morning")).to_be_visible()
    check(alex)

    blair.goto("/together/partner/")
    expect(blair.get_by_text("Walk the dog every morning", exact=True)).to_be_visible()
    check(blair)
    blair.get_by_role("button", name=re.compile("I noticed")).click()
    expect(blair.get_by_text("You noticed. Thank you.")).to_be_visible()
    assert VisibleCommitment.objects.get().noticed
    check(blair)
    alex.goto("/together/commitments/")
    expect(alex.get_by_text(re.compile("blair.* noticed"))).to_be_visible()

    # Blair unlinks, alone; alex's pages of blair are gone at once.
    blair.goto("/together/")
    blair.get_by_role("link", name="Unlink").click()
    blair.wait_for_url("**/together/unlink/")
    check(blair)
    blair.get_by_role("button", name="Unlink now").click()
    expect(blair.get_by_role("link", name="Invite your partner")).to_be_visible()
    check(blair)
    assert not Link.objects.exists()
    for page in (alex, blair):
        for url in ("/together/partner/", "/together/checkins/", checkin_url):
            assert page.goto(url).status == 404, url
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert JointAnswer.objects.filter(answered=True).count() == 2


def test_the_core_forms_work_without_javascript(person):
    alex, blair = person(PHONE, javascript=False), person(PHONE, javascript=False)
    sign_up(alex, "alex")
    sign_up(blair, "blair")
    add_commitment(alex, "Cook on Fridays")
    alex.goto("/together/invite/")
    alex.get_by_role("button", name="Make an invitation").click()
    code = alex.locator("#invite-code").input_value()

    # The code typed in (with a space from a careless paste), not the link.
    blair.goto("/together/join/")
    blair.get_by_label("Invitation code").fill("wrong code")
    blair.get_by_role("button", name="Continue").click()
    expect(blair.get_by_text("That code does not work")).to_be_visible()
    blair.get_by_label("Invitation code").fill(f"{code[:10]} {code[10:]}")
    blair.get_by_role("button", name="Continue").click()
    blair.get_by_role("button", name="Link our accounts").click()
    expect(blair.get_by_text(re.compile("You and alex.* are linked")).first).to_be_visible()

    blair.get_by_role("button", name="Ask for a joint check-in").click()
    answer(blair, "6", "BLAIR-WORKING", "BLAIR-NOTE")
    expect(blair.get_by_text("Waiting for your partner.")).to_be_visible()
    blair.get_by_role("button", name=re.compile("Show my answers")).click()
    expect(blair.get_by_text("Your partner can now read your answers.")).to_be_visible()

    alex.goto("/together/commitments/")
    alex.get_by_role("button", name=re.compile("Show to blair")).click()
    expect(alex.get_by_text(re.compile("blair.* can see this commitment now"))).to_be_visible()
    Commitment.objects.update(status="kept")
    blair.goto("/together/partner/")
    blair.get_by_role("button", name=re.compile("I noticed")).click()
    expect(blair.get_by_text("You noticed. Thank you.")).to_be_visible()

    alex.goto("/together/unlink/")
    alex.get_by_role("button", name="Unlink now").click()
    expect(alex.get_by_text("You are no longer linked.")).to_be_visible()
    assert blair.goto("/together/partner/").status == 404
