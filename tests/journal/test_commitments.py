import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import Commitment, CommitmentStatus
from tests.journal.helpers import (
    commitment_data,
    make_commitment,
    make_lesson,
)

pytestmark = pytest.mark.django_db
NEW = reverse("journal:commitment_new")


def test_a_new_commitment_is_saved_for_its_owner(owner_client, user):
    response = owner_client.post(NEW, commitment_data(note="Why it matters to me"))
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.user == user
    assert commitment.text == "Call when I said I would"
    assert commitment.note == "Why it matters to me"
    assert commitment.status == CommitmentStatus.OPEN
    assert commitment.resolved_at is None


def test_a_due_date_and_time_are_optional_and_kept(owner_client):
    due = timezone.localdate() + datetime.timedelta(days=3)
    owner_client.post(NEW, commitment_data(due_date=due.isoformat(), due_time="18:30"))
    commitment = Commitment.objects.get()
    assert commitment.due_date == due
    assert commitment.due_time == datetime.time(18, 30)


def test_a_lesson_prefills_text_strategy_and_the_lesson_link(owner_client):
    lesson = make_lesson(
        try_this_commitment="Tell them early if a plan slips", try_this_strategy="accountability"
    )
    response = owner_client.get(NEW, {"lesson": lesson.slug})
    form = response.context["form"]
    assert form.initial == {
        "text": "Tell them early if a plan slips",
        "strategy": "accountability",
        "lesson": lesson.pk,
    }
    text = response.content.decode()
    assert "Tell them early if a plan slips</textarea>" in text
    assert f'<option value="{lesson.pk}" selected>' in text


def test_saving_a_prefilled_commitment_links_the_lesson(owner_client):
    lesson = make_lesson()
    owner_client.post(f"{NEW}?lesson={lesson.slug}", commitment_data(lesson=str(lesson.pk)))
    assert Commitment.objects.get().lesson == lesson


def test_an_unknown_lesson_gives_an_empty_form_not_an_error(owner_client):
    response = owner_client.get(NEW, {"lesson": "no-such-lesson"})
    assert response.status_code == 200
    assert response.context["form"].initial == {}


def test_a_retired_lesson_is_not_offered(owner_client):
    lesson = make_lesson(retired=True)
    response = owner_client.get(NEW, {"lesson": lesson.slug})
    assert response.context["form"].initial == {}


def test_a_suggestion_prefills_the_form_in_one_click(owner_client):
    response = owner_client.get(NEW, {"suggestion": "say-where"})
    assert response.context["form"].initial == {
        "text": "Tell them where I'm going and roughly when I'll be back",
        "strategy": "transparency",
    }


def test_the_new_commitment_page_offers_ready_made_suggestions(owner_client):
    text = owner_client.get(NEW).content.decode()
    assert text.count("?suggestion=") >= 8
    assert "Call or message when I said I would" in text


def test_an_empty_dashboard_offers_suggestions(owner_client):
    text = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert "?suggestion=say-where" in text


def test_empty_text_is_refused_beside_the_field_and_nothing_typed_is_lost(owner_client):
    response = owner_client.post(
        NEW, commitment_data(text="  ", note="My private reasons", strategy="empathy")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["text"] == ["Write what you said you would do."]
    text = response.content.decode()
    assert "My private reasons</textarea>" in text
    assert '<option value="empathy" selected>' in text
    assert not Commitment.objects.exists()


def test_text_over_300_characters_is_refused_and_kept(owner_client):
    long_text = "a" * 301
    response = owner_client.post(NEW, commitment_data(text=long_text))
    assert "300 characters or fewer (it has 301)" in response.context["form"].errors["text"][0]
    assert long_text in response.content.decode()
    assert not Commitment.objects.exists()


def test_the_browser_is_not_told_to_cut_long_text_short(owner_client):
    # A maxlength attribute would silently drop pasted text; the server says so instead.
    assert "maxlength" not in owner_client.get(NEW).content.decode()


def test_a_note_over_5000_characters_is_refused(owner_client):
    response = owner_client.post(NEW, commitment_data(note="n" * 5001))
    assert "5,000 characters or fewer" in response.context["form"].errors["note"][0]


def test_a_due_date_more_than_two_years_away_is_refused_and_kept(owner_client):
    far = timezone.localdate() + datetime.timedelta(days=800)
    response = owner_client.post(NEW, commitment_data(due_date=far.isoformat()))
    assert response.context["form"].errors["due_date"] == [
        "That date is more than two years away. Please check the year."
    ]
    assert f'value="{far.isoformat()}"' in response.content.decode()


def test_a_time_without_a_date_is_refused(owner_client):
    response = owner_client.post(NEW, commitment_data(due_time="09:00"))
    assert response.context["form"].errors["due_time"] == ["Add the date this time belongs to."]


def test_a_strategy_must_be_one_of_the_twelve(owner_client):
    response = owner_client.post(NEW, commitment_data(strategy="bribery"))
    assert "strategy" in response.context["form"].errors


def test_an_open_commitment_past_its_date_is_overdue_not_missed(owner_client, user):
    make_commitment(
        user, text="Fix the shelf", due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    text = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert "Fix the shelf" in text
    assert "Overdue" in text
    assert Commitment.objects.get().status == CommitmentStatus.OPEN


def test_overdue_depends_on_the_time_when_one_is_given():
    now = timezone.localtime()
    today = now.date()
    earlier = Commitment(due_date=today, due_time=datetime.time(0, 0))
    undated_time = Commitment(due_date=today)
    later_day = Commitment(due_date=today + datetime.timedelta(days=1))
    assert earlier.is_overdue_at(now.replace(hour=12))
    assert not undated_time.is_overdue_at(now)
    assert not later_day.is_overdue_at(now)
    assert not Commitment(due_date=today - datetime.timedelta(days=3), status="kept").is_overdue


def test_editing_a_commitment_keeps_its_status(owner_client, user):
    commitment = make_commitment(user, status="kept", resolved_at=timezone.now())
    url = reverse("journal:commitment_edit", args=[commitment.pk])
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(url, commitment_data(text="Call at six"))
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.text == "Call at six"
    assert commitment.status == CommitmentStatus.KEPT


def test_deleting_asks_first_then_deletes_on_post(owner_client, user):
    commitment = make_commitment(user, text="Something to delete")
    url = reverse("journal:commitment_delete", args=[commitment.pk])
    response = owner_client.get(url)
    assert "Something to delete" in response.content.decode()
    assert Commitment.objects.exists()
    response = owner_client.post(url)
    assert response["Location"] == reverse("journal:timeline")
    assert not Commitment.objects.exists()
