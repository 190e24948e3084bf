import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from journal.models import CheckIn
from tests.browser.conftest import (
    BROWSER_PASSWORD,
    assert_accessible,
    assert_fits_the_screen,
    sign_up,
)
from trustrepair.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<img src=x onerror=alert(1)><script>alert(2)</script><svg onload=alert(3)>"


def test_owner_shares_partner_replies_owner_revokes(page: Page, new_context):
    sign_up(page, "rowan")
    user = User.objects.get(username="rowan")
    for days_ago, trust in [(3, 5), (1, 7)]:
        CheckIn.objects.create(
            user=user,
            date=timezone.localdate() - datetime.timedelta(days=days_ago),
            trust=trust,
            communication=3,
            connection=4,
            working="Cooking together on Sundays",
            private_note="PRIVATE-BROWSER-NOTE",
        )

    page.goto("/journal/")
    page.get_by_role("link", name="Share a summary").click()
    page.get_by_role("link", name="Share a new summary").click()
    # The password was given at sign-up moments ago: no second prompt.
    page.wait_for_url("**/journal/shares/new/")
    expect(page.get_by_text("Your private notes are never included.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A message to your partner (optional)").fill("Thank you for your patience")
    page.locator("input[name=reflections]").first.check()
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("exactly what your partner will see")
    expect(preview).to_contain_text("Cooking together on Sundays")
    expect(preview).not_to_contain_text("PRIVATE-BROWSER-NOTE")
    page.get_by_role("button", name="Create the link").click()
    page.wait_for_url("**/journal/shares/*/")
    link = page.locator("#share-link").input_value()
    assert "/s/" in link
    assert_accessible(page)

    partner = new_context()
    partner.goto(link)
    expect(partner.get_by_role("heading", name="A summary shared with you")).to_be_visible()
    expect(partner.get_by_text("Thank you for your patience")).to_be_visible()
    expect(partner.get_by_role("img").first).to_be_visible()
    assert "PRIVATE-BROWSER-NOTE" not in partner.content()
    assert_accessible(partner)
    partner.get_by_role("button", name="I have read this").click()
    expect(partner.get_by_text("They will see that you read it.")).to_be_visible()
    partner.get_by_label("A short reply (optional)").fill("I noticed. Thank you.")
    partner.get_by_role("button", name="Send reply").click()
    expect(partner.get_by_text("Your reply has been sent")).to_be_visible()

    page.reload()
    expect(page.get_by_text("I noticed. Thank you.")).to_be_visible()
    # The reply is on the journal's front page too.
    share_page = page.url
    page.goto("/journal/")
    expect(page.get_by_role("heading", name="From your partner")).to_be_visible()
    expect(page.get_by_text("I noticed. Thank you.")).to_be_visible()
    page.goto(share_page)
    page.get_by_role("button", name="Switch off this link now").click()
    expect(page.locator("#share-status")).to_contain_text("Switched off")

    response = partner.reload()
    assert response.status == 404
    expect(partner.get_by_role("heading", name="Page not found")).to_be_visible()


def test_hostile_text_opens_no_dialog_anywhere(page: Page, new_context):
    from tests.security.fixtures import fill_journal

    sign_up(page, "hazel")
    owned = fill_journal(User.objects.get(username="hazel"), text=HOSTILE)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in [
        "/journal/",
        "/journal/timeline/",
        f"/journal/checkins/{owned.checkin.pk}/",
        f"/journal/shares/{owned.share.pk}/",
        owned.reflection.lesson.get_absolute_url(),
    ]:
        page.goto(url)
        # The hostile text is on the page, as text: serialised back, it is escaped.
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page.content(), url
    partner = new_context()
    partner.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    partner.goto(f"/s/{owned.token}/")
    partner.wait_for_timeout(300)
    assert dialogs == []


def test_after_a_while_sharing_asks_for_the_password_again(page: Page):
    from trustrepair.reauth import REAUTHENTICATED_AT
    from trustrepair.sessions import SessionStore

    sign_up(page, "willow")
    # Ten minutes later (the password check is no longer recent).
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[REAUTHENTICATED_AT] = 0
    session.save()
    page.goto("/journal/shares/new/")
    page.wait_for_url("**/accounts/confirm/**")
    page.get_by_label("Your password").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/journal/shares/new/")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_partners_visit_and_answers_leave_no_cookie_in_their_browser(phone, width):
    from journal.sharing.tests.helpers import share_for
    from tests.helpers import make_user

    owner = make_user("juniper")
    for days_ago in (2, 1):
        CheckIn.objects.create(
            user=owner,
            date=timezone.localdate() - datetime.timedelta(days=days_ago),
            trust=6,
            communication=3,
            connection=4,
            working="Walks after dinner",
        )
    _share, token = share_for(owner)
    partner = phone(width=width, timezone_id="Pacific/Kiritimati")
    partner.goto(f"/s/{token}/")
    expect(partner.get_by_role("heading", name="A summary shared with you")).to_be_visible()
    assert_fits_the_screen(partner)
    assert_accessible(partner)
    partner.get_by_role("button", name="I have read this").click()
    expect(partner.get_by_text("They will see that you read it.")).to_be_visible()
    # Too long a reply: the message says so and every word comes back in the box.
    partner.get_by_label("A short reply (optional)").fill("So much to say. " * 60)
    partner.get_by_role("button", name="Send reply").click()
    expect(partner.get_by_text("Please keep this to 500 characters or fewer")).to_be_visible()
    assert len(partner.get_by_label("A short reply (optional)").input_value()) == 960
    partner.get_by_label("A short reply (optional)").fill("Thank you for showing me.")
    partner.get_by_role("button", name="Send reply").click()
    expect(partner.get_by_text("Your reply has been sent")).to_be_visible()
    assert_fits_the_screen(partner)
    assert_accessible(partner)
    assert partner.context.cookies() == []
