import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import Commitment, CommitmentStatus
from tests.helpers import HTMX
from tests.journal.helpers import make_commitment, make_lesson

pytestmark = pytest.mark.django_db


def status_url(commitment: Commitment) -> str:
    return reverse("journal:commitment_status", args=[commitment.pk])


def test_marking_kept_records_when_and_goes_back(owner_client, user):
    commitment = make_commitment(user)
    response = owner_client.post(
        status_url(commitment), {"status": "kept", "next": reverse("journal:timeline")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:timeline")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.KEPT
    assert abs(commitment.resolved_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_a_plain_post_without_next_goes_to_the_dashboard(owner_client, user):
    commitment = make_commitment(user)
    response = owner_client.post(status_url(commitment), {"status": "missed"})
    assert response["Location"] == reverse("journal:dashboard")


def test_next_pointing_off_site_is_ignored(owner_client, user):
    commitment = make_commitment(user)
    response = owner_client.post(
        status_url(commitment), {"status": "kept", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("journal:dashboard")


def test_htmx_marking_kept_swaps_only_that_commitment_row(owner_client, user):
    commitment = make_commitment(user, text="Phone at lunch")
    response = owner_client.post(status_url(commitment), {"status": "kept"}, **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.strip().startswith(f'<li class="card commitment" id="commitment-{commitment.pk}"')
    assert "<html" not in text
    assert "Kept" in text
    assert "Undo" in text
    assert Commitment.objects.get().status == CommitmentStatus.KEPT


def renegotiation(**overrides) -> dict:
    return {
        "status": "renegotiated",
        "reason": "Told them work ran late",
        "new_text": "Call after work instead",
        "new_due_date": "",
        **overrides,
    }


def test_renegotiating_keeps_the_reason_and_opens_the_new_promise_linked_to_the_old(
    owner_client, user
):
    lesson = make_lesson()
    today = timezone.localdate()
    commitment = make_commitment(user, text="Call at lunch", due_date=today, lesson=lesson)
    later = today + datetime.timedelta(days=2)
    response = owner_client.post(
        status_url(commitment), renegotiation(new_due_date=later.isoformat())
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.RENEGOTIATED
    assert commitment.renegotiation_reason == "Told them work ran late"
    assert commitment.resolved_at is not None
    follow_up = Commitment.objects.get(renegotiated_from=commitment)
    assert (follow_up.user, follow_up.text, follow_up.due_date) == (
        user,
        "Call after work instead",
        later,
    )
    assert (follow_up.status, follow_up.strategy, follow_up.lesson) == (
        CommitmentStatus.OPEN,
        commitment.strategy,
        lesson,
    )


def test_the_reason_is_optional(owner_client, user):
    commitment = make_commitment(user)
    owner_client.post(status_url(commitment), renegotiation(reason=""))
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.RENEGOTIATED
    assert Commitment.objects.filter(renegotiated_from=commitment).count() == 1


def test_a_renegotiation_asks_for_a_new_date_or_new_words(owner_client, user):
    due = timezone.localdate()
    commitment = make_commitment(user, text="Call at lunch", due_date=due)
    same = renegotiation(new_text="Call at lunch", new_due_date=due.isoformat())
    response = owner_client.post(status_url(commitment), same)
    assert response.context["form"].errors["new_due_date"] == [
        "Change the date or the wording: what are you promising now?"
    ]
    empty = owner_client.post(status_url(commitment), renegotiation(new_text=""))
    assert "Write what you promise now" in empty.context["form"].errors["new_text"][0]
    assert Commitment.objects.get().status == CommitmentStatus.OPEN


def test_renegotiating_over_htmx_swaps_in_the_old_row_and_the_new_promise(owner_client, user):
    commitment = make_commitment(user, text="Call at lunch")
    response = owner_client.post(status_url(commitment), renegotiation(), **HTMX)
    text = response.content.decode()
    follow_up = Commitment.objects.get(renegotiated_from=commitment)
    assert text.count("<li ") == 2
    assert f'id="commitment-{commitment.pk}"' in text
    assert f'id="commitment-{follow_up.pk}"' in text
    assert "Call after work instead" in text
    assert "The new promise is below." in text


def test_the_dashboard_offers_the_old_words_and_date_to_renegotiate(owner_client, user):
    due = timezone.localdate() + datetime.timedelta(days=1)
    commitment = make_commitment(user, text="Cook on Friday", due_date=due)
    text = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert 'name="new_text" rows="2">Cook on Friday</textarea>' in text
    assert f'name="new_due_date" value="{due.isoformat()}"' in text
    assert f'id="new-text-{commitment.pk}"' in text


def test_undoing_a_renegotiation_takes_back_the_untouched_new_promise(owner_client, user):
    commitment = make_commitment(user)
    owner_client.post(status_url(commitment), renegotiation())
    owner_client.post(status_url(commitment), {"status": "open"})
    assert list(Commitment.objects.all()) == [commitment]
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN


def test_undoing_a_renegotiation_keeps_a_new_promise_already_kept(owner_client, user):
    commitment = make_commitment(user)
    owner_client.post(status_url(commitment), renegotiation())
    follow_up = Commitment.objects.get(renegotiated_from=commitment)
    owner_client.post(status_url(follow_up), {"status": "kept"})
    owner_client.post(status_url(commitment), {"status": "open"})
    assert Commitment.objects.count() == 2


def test_the_timeline_says_where_a_renegotiated_promise_came_from(owner_client, user):
    commitment = make_commitment(user, text="Call at lunch")
    owner_client.post(status_url(commitment), renegotiation())
    text = owner_client.get(reverse("journal:timeline")).content.decode()
    assert "Renegotiated from: Call at lunch" in text


def test_keeping_a_commitment_says_so_warmly_with_and_without_javascript(owner_client, user):
    first, second = make_commitment(user), make_commitment(user)
    row = owner_client.post(status_url(first), {"status": "kept"}, **HTMX).content.decode()
    assert "Well done: small promises kept are how trust comes back." in row
    page = owner_client.post(status_url(second), {"status": "kept"}, follow=True)
    assert "Kept. Small promises kept, one after another, bring trust back." in (
        page.content.decode()
    )


def test_a_reason_is_only_kept_for_a_renegotiation(owner_client, user):
    commitment = make_commitment(user)
    owner_client.post(status_url(commitment), {"status": "kept", "reason": "stray words"})
    commitment.refresh_from_db()
    assert commitment.renegotiation_reason == ""


def test_a_resolved_commitment_can_be_reopened(owner_client, user):
    commitment = make_commitment(
        user,
        status="renegotiated",
        resolved_at=timezone.now(),
        renegotiation_reason="Moved to Friday",
    )
    response = owner_client.post(status_url(commitment), {"status": "open"}, **HTMX)
    assert "Kept" in response.content.decode()  # the buttons are back
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN
    assert commitment.resolved_at is None
    assert commitment.renegotiation_reason == ""


def test_an_overlong_reason_with_htmx_shows_the_error_in_the_row_and_keeps_it(owner_client, user):
    commitment = make_commitment(user)
    reason = "r" * 2001
    response = owner_client.post(status_url(commitment), renegotiation(reason=reason), **HTMX)
    text = response.content.decode()
    assert "2,000 characters or fewer" in text
    assert reason in text
    assert '<details class="renegotiate" open>' in text
    assert Commitment.objects.get().status == CommitmentStatus.OPEN


def test_an_overlong_reason_without_javascript_shows_the_status_page(owner_client, user):
    commitment = make_commitment(user)
    reason = "r" * 2001
    response = owner_client.post(status_url(commitment), renegotiation(reason=reason))
    assert response.status_code == 200
    assert "2,000 characters or fewer" in response.content.decode()
    assert reason in response.content.decode()


def test_an_unknown_status_is_refused(owner_client, user):
    commitment = make_commitment(user)
    response = owner_client.post(status_url(commitment), {"status": "forgotten"})
    assert "status" in response.context["form"].errors
    assert Commitment.objects.get().status == CommitmentStatus.OPEN


def test_the_status_page_works_without_javascript(owner_client, user):
    commitment = make_commitment(user, text="Walk together on Sunday")
    response = owner_client.get(status_url(commitment))
    assert response.status_code == 200
    assert "Walk together on Sunday" in response.content.decode()


def test_times_are_shown_in_the_persons_time_zone(user):
    from django.test import Client

    user.time_zone = "Asia/Tokyo"
    user.save()
    client = Client()
    client.force_login(user)
    when = datetime.datetime(2025, 1, 1, 0, 30, tzinfo=datetime.UTC)
    commitment = make_commitment(user, status="kept", resolved_at=when)
    text = client.get(status_url(commitment)).content.decode()
    assert "1 Jan 2025, 09:30" in text
