"""At 375 px, light and dark: every page fits the screen and passes axe; the check-in is short."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guides.loader import sync
from guides.models import Lesson
from journal.models import CheckIn, Commitment, CommitmentStatus, LessonReflection
from journal.sharing import links
from journal.sharing.summary import build_snapshot
from tests.browser.conftest import (
    assert_accessible,
    assert_fits_the_screen,
    sign_up,
)
from trustrepair.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What people paste: an address with no spaces, and a very long word.
PASTED = "https://example.org/" + "a-very-long-path-segment/" * 8 + "?utm=" + "x" * 60
LONG_WORD = "Unbelievably" * 12
CHECK_IN_MAX_HEIGHT = 1600


def fill_journal(user: User) -> dict:
    """A few weeks of journal, long words included, and a share with a partner's reply."""
    today = timezone.localdate()
    lesson = Lesson.objects.published().in_course_order().first()
    for days in range(1, 25, 2):
        CheckIn.objects.create(
            user=user,
            date=today - datetime.timedelta(days=days),
            trust=3 + days % 7,
            communication=1 + days % 5,
            connection=1 + (days + 2) % 5,
            working=f"Walks after dinner {PASTED}",
            needs_work=LONG_WORD,
            private_note="Only for me",
            lesson=lesson,
            stage=lesson.stage,
        )
    commitment = Commitment.objects.create(
        user=user, text=f"Send the form {PASTED}", strategy="reliability", due_date=today
    )
    Commitment.objects.create(
        user=user, text=LONG_WORD, strategy="empathy", due_date=today - datetime.timedelta(days=2)
    )
    for n, status in enumerate([CommitmentStatus.KEPT] * 5 + [CommitmentStatus.MISSED]):
        Commitment.objects.create(
            user=user,
            text=f"Promise {n}",
            strategy="transparency",
            status=status,
            resolved_at=timezone.now() - datetime.timedelta(days=n),
        )
    LessonReflection.objects.create(user=user, lesson=lesson, text=LONG_WORD)
    snapshot = build_snapshot(
        user,
        today - datetime.timedelta(days=27),
        today,
        include_ratings=True,
        include_consistency=True,
        reflection_checkin_ids=list(CheckIn.objects.values_list("pk", flat=True)[:2]),
    )
    share, token = links.create_share(user, snapshot, f"Thank you {PASTED}", 7)
    links.add_reply(share, f"I noticed. {LONG_WORD}")
    return {
        "lesson": lesson,
        "checkin": CheckIn.objects.filter(user=user).first(),
        "commitment": commitment,
        "share": share,
        "token": token,
    }


def longest_lesson() -> Lesson:
    return max(Lesson.objects.published(), key=lambda lesson: len(lesson.body_html))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_a_person_reaches_fits_a_phone_and_passes_axe(phone, scheme):
    sync()
    page = phone(color_scheme=scheme)
    signed_out = [
        "/",
        "/guides/",
        longest_lesson().get_absolute_url(),
        "/safety/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/reset/",
    ]
    for url in signed_out:
        page.goto(url)
        assert_fits_the_screen(page)
        assert_accessible(page)

    sign_up(page, f"phone-{scheme}")
    owned = fill_journal(User.objects.get(username=f"phone-{scheme}"))
    checkin, commitment, share = owned["checkin"], owned["commitment"], owned["share"]
    signed_in = [
        owned["lesson"].get_absolute_url(),
        "/journal/",
        "/journal/checkins/new/",
        "/journal/checkins/another-day/",
        f"/journal/checkins/{checkin.pk}/",
        f"/journal/checkins/{checkin.pk}/edit/",
        "/journal/commitments/new/",
        f"/journal/commitments/{commitment.pk}/edit/",
        f"/journal/commitments/{commitment.pk}/status/",
        "/journal/insights/",
        "/journal/timeline/",
        "/journal/shares/",
        "/journal/shares/new/",
        f"/journal/shares/{share.pk}/",
        "/journal/print/",
        "/accounts/",
        "/accounts/sessions/",
        "/accounts/export/",
        "/accounts/password/",
        "/accounts/two-factor/",
        "/accounts/delete/",
    ]
    for url in signed_in:
        page.goto(url)
        expect(page.locator("#quick-exit")).to_be_visible()
        assert_fits_the_screen(page)
        assert_accessible(page)

    # The open menu, the open folds and an error message must fit too.
    page.goto("/journal/checkins/new/")
    page.get_by_text("Add a few words").click()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Choose a number from 1 to 10.")).to_be_visible()
    page.get_by_text("Menu").click()
    expect(page.get_by_role("link", name="Account")).to_be_visible()
    assert_fits_the_screen(page)
    assert_accessible(page)

    partner = phone(color_scheme=scheme)
    partner.goto(f"/s/{owned['token']}/")
    expect(partner.get_by_role("heading", name="A summary shared with you")).to_be_visible()
    assert_fits_the_screen(partner)
    assert_accessible(partner)


def test_nothing_is_wider_than_the_smallest_phone(phone):
    sync()
    page = phone(width=320)
    sign_up(page, "small-screen")
    owned = fill_journal(User.objects.get(username="small-screen"))
    for url in (
        "/",
        longest_lesson().get_absolute_url(),
        "/journal/",
        "/journal/checkins/new/",
        "/journal/insights/",
        "/journal/timeline/",
        "/journal/shares/",
        f"/journal/shares/{owned['share'].pk}/",
        "/journal/print/",
        "/accounts/",
        "/accounts/sessions/",
        f"/s/{owned['token']}/",
    ):
        page.goto(url)
        assert_fits_the_screen(page)


def test_quick_exit_is_one_tap_away_at_the_bottom_of_a_long_lesson(phone):
    sync()
    page = phone()
    page.goto(longest_lesson().get_absolute_url())
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(100)
    assert page.evaluate("window.scrollY") > 2000  # really at the bottom of a long page
    exit_link = page.get_by_role("link", name="Quick exit")
    expect(exit_link).to_be_in_viewport()
    box = exit_link.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    assert box["y"] >= 0


def test_the_check_in_fits_in_1600_px_with_its_optional_parts_folded(phone):
    page = phone()
    sign_up(page, "brief")
    page.goto("/journal/checkins/new/")
    assert page.locator("details.fold[open]").count() == 0
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"check-in page height at 375 px: {height}px")
    assert height <= CHECK_IN_MAX_HEIGHT
    # Every tap target on it is at least 44 px tall.
    small = page.evaluate(
        """() => [...document.querySelectorAll(
            'button, a.button, summary, .rating__choice, .choice-pills label, .quick-exit')]
            .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 43.5)
            .map(el => el.textContent.trim().slice(0, 30))"""
    )
    assert small == []


def test_charts_on_a_phone_have_readable_labels_inside_the_chart(phone):
    sync()
    page = phone()
    sign_up(page, "charts")
    fill_journal(User.objects.get(username="charts"))
    for url in ("/journal/insights/", "/journal/"):
        page.goto(url)
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('svg.chart')].map(svg => {
                const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                const box = svg.getBoundingClientRect();
                return [...svg.querySelectorAll('text')].map(t => {
                    const r = t.getBoundingClientRect();
                    return {
                        px: parseFloat(getComputedStyle(t).fontSize) * scale,
                        inside: r.left >= box.left - 1 && r.right <= box.right + 1
                            && r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
                        text: t.textContent,
                    };
                });
            }).flat()"""
        )
        assert sizes, url
        assert min(label["px"] for label in sizes) >= 11, url
        assert [label["text"] for label in sizes if not label["inside"]] == [], url
