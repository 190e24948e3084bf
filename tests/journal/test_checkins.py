import datetime
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.checkin_forms import suggested_prompt
from journal.models import CheckIn
from journal.suggestions import PROMPT_LABELS, PROMPTS
from tests.helpers import make_user
from tests.journal.helpers import checkin_data, make_checkin, make_lesson, make_stage

pytestmark = pytest.mark.django_db
NEW = reverse("journal:checkin_new")
ANOTHER_DAY = reverse("journal:checkin_another_day")


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def edit_url(checkin: CheckIn) -> str:
    return reverse("journal:checkin_edit", args=[checkin.pk])


def test_a_check_in_is_saved_and_shown(owner_client, user):
    response = owner_client.post(NEW, checkin_data(trust="7"))
    checkin = CheckIn.objects.get()
    assert response["Location"] == checkin.get_absolute_url()
    assert checkin.user == user
    assert (checkin.trust, checkin.communication, checkin.connection) == (7, 3, 4)
    assert checkin.working == "Walks after dinner"
    page = owner_client.get(checkin.get_absolute_url()).content.decode()
    assert "Walks after dinner" in page
    assert "7 / 10" in page


def test_saving_shows_a_warm_confirmation_with_one_next_step_once(owner_client, user):
    lesson = make_lesson(title="Keeping your word")
    response = owner_client.post(NEW, checkin_data(), follow=True)
    text = response.content.decode()
    assert "Saved. Thank you for checking in." in text
    assert f'Next: <a href="{lesson.get_absolute_url()}">Keeping your word</a>' in text
    again = owner_client.get(CheckIn.objects.get().get_absolute_url()).content.decode()
    assert "Thank you for checking in" not in again


def test_the_ratings_are_big_choices_with_words_at_both_ends(owner_client):
    text = owner_client.get(NEW).content.decode()
    assert text.count('class="rating__choice"') == 10 + 5 + 5
    for low, high in (("1 not at all", "10 completely"), ("1 poor", "5 very good")):
        assert f"<span>{low}</span><span>{high}</span>" in text
    assert "(1 means distant, 5 means very close)" in text


def test_the_optional_parts_are_folded_until_asked_for(owner_client):
    text = owner_client.get(NEW).content.decode()
    assert text.count('<details class="fold">') == 2
    assert '<details class="fold fold--private">' in text
    assert "Add a few words" in text


def test_the_form_says_the_private_note_is_never_shared(owner_client):
    text = owner_client.get(NEW).content.decode()
    assert "Private note" in text
    assert "(only for you, never shared)" in text
    assert "It is never shared" in text


def test_the_form_suggests_one_question_and_asks_the_safety_question(owner_client):
    text = owner_client.get(NEW).content.decode()
    shown = [key for key, question in PROMPTS if question in text]
    assert shown == [suggested_prompt(timezone.localdate())]
    assert f'name="prompt" value="{shown[0]}"' in text
    assert "tracked where you are" in text


def test_the_suggested_question_changes_from_one_day_to_the_next():
    today = timezone.localdate()
    week = {suggested_prompt(today + datetime.timedelta(days=n)) for n in range(7)}
    assert len(week) == 7


def test_a_question_and_its_answer_are_kept(owner_client):
    owner_client.post(NEW, checkin_data(prompt="small-wins", prompt_answer="On time all week"))
    checkin = CheckIn.objects.get()
    assert (checkin.prompt, checkin.prompt_answer) == ("small-wins", "On time all week")
    page = owner_client.get(checkin.get_absolute_url()).content.decode()
    assert PROMPT_LABELS["small-wins"] in page
    assert "On time all week" in page


def test_a_question_left_unanswered_or_unknown_is_not_kept(owner_client, user):
    owner_client.post(NEW, checkin_data(prompt="small-wins", prompt_answer=""))
    owner_client.post(
        ANOTHER_DAY,
        checkin_data(date=days_ago(1).isoformat(), prompt="nonsense", prompt_answer="x"),
    )
    assert sorted(CheckIn.objects.values_list("prompt", flat=True)) == ["", ""]


def test_after_todays_check_in_check_in_shows_it_with_edit_and_another_day(owner_client, user):
    today = make_checkin(user, trust=8)
    response = owner_client.get(NEW)
    assert response.status_code == 200
    text = response.content.decode()
    assert "You checked in today" in text
    assert "8 / 10" in text
    assert f'href="{edit_url(today)}"' in text
    assert f'href="{ANOTHER_DAY}"' in text
    assert 'name="trust"' not in text  # not the form, and not today's entry opened for editing


def test_posting_today_again_is_refused_keeps_the_words_and_offers_both_ways(owner_client, user):
    first = make_checkin(user)
    response = owner_client.post(NEW, checkin_data(working="Typed again"))
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["You already checked in today."]
    text = response.content.decode()
    assert "Typed again" in text
    assert f'href="{edit_url(first)}"' in text
    assert f'href="{ANOTHER_DAY}"' in text
    assert CheckIn.objects.count() == 1


def test_today_is_the_persons_own_day_in_their_time_zone():
    # At any moment, one of these two zones is on a different date from UTC.
    for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        person = make_user(name.split("/")[1].lower(), time_zone=name)
        client = Client()
        client.force_login(person)
        local_today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(name)).date()
        response = client.get(NEW)
        assert response.context["form"].initial["date"] == local_today
        assert f'name="date" value="{local_today.isoformat()}"' in response.content.decode()
        response = client.post(NEW, checkin_data(date=local_today.isoformat()))
        assert response.status_code == 302, name
        assert CheckIn.objects.get(user=person).date == local_today
        assert "You checked in today" in client.get(NEW).content.decode()


def test_a_form_opened_before_midnight_keeps_its_day(owner_client, user):
    # The page carries the day it was opened on; saved after midnight, it stays there.
    yesterday = days_ago(1)
    owner_client.post(NEW, checkin_data(date=yesterday.isoformat()))
    assert CheckIn.objects.get().date == yesterday


def test_a_check_in_date_in_the_future_is_refused(owner_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for url in (NEW, ANOTHER_DAY):
        response = owner_client.post(url, checkin_data(date=tomorrow.isoformat()))
        assert response.context["form"].errors["date"] == [
            "A check-in can only be for today or an earlier day."
        ]
        assert f'value="{tomorrow.isoformat()}"' in response.content.decode()
    assert not CheckIn.objects.exists()


def test_another_day_asks_for_the_date_up_to_today(owner_client):
    text = owner_client.get(ANOTHER_DAY).content.decode()
    assert f'type="date" name="date" max="{timezone.localdate().isoformat()}"' in text
    response = owner_client.post(ANOTHER_DAY, checkin_data(date=""))
    assert response.context["form"].errors["date"] == ["Choose the day this check-in is for."]


def test_another_day_saves_a_missed_day(owner_client):
    owner_client.post(ANOTHER_DAY, checkin_data(date=days_ago(3).isoformat()))
    assert CheckIn.objects.get().date == days_ago(3)


def test_another_day_keeps_one_check_in_per_day_and_links_to_the_one_there(owner_client, user):
    taken = make_checkin(user, date=days_ago(2))
    response = owner_client.post(
        ANOTHER_DAY, checkin_data(date=days_ago(2).isoformat(), working="Still here")
    )
    assert response.context["form"].errors["date"] == ["You already have a check-in for that day."]
    text = response.content.decode()
    assert f'href="{taken.get_absolute_url()}"' in text
    assert "Still here</textarea>" in text
    assert CheckIn.objects.count() == 1


def test_editing_never_moves_a_check_in_to_another_day(owner_client, user):
    checkin = make_checkin(user, date=days_ago(4))
    text = owner_client.get(edit_url(checkin)).content.decode()
    assert 'type="date"' not in text
    response = owner_client.post(edit_url(checkin), checkin_data(date=days_ago(1).isoformat()))
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.date == days_ago(4)


def test_editing_keeps_the_words_and_the_ratings(owner_client, user):
    checkin = make_checkin(user, trust=3)
    owner_client.post(edit_url(checkin), checkin_data(trust="9", working="Better now"))
    checkin.refresh_from_db()
    assert (checkin.trust, checkin.working) == (9, "Better now")
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("trust", "11", "Choose a number from 1 to 10."),
        ("trust", "0", "Choose a number from 1 to 10."),
        ("trust", "", "Choose a number from 1 to 10."),
        ("communication", "6", "Choose a number from 1 to 5."),
        ("connection", "-1", "Choose a number from 1 to 5."),
    ],
)
def test_a_rating_out_of_range_is_refused_and_everything_typed_is_kept(
    owner_client, field, value, message
):
    data = checkin_data(**{field: value}, working="Kept words", private_note="Kept note")
    response = owner_client.post(NEW, data)
    assert response.context["form"].errors[field] == [message]
    text = response.content.decode()
    assert "Kept words</textarea>" in text
    assert "Kept note</textarea>" in text
    assert not CheckIn.objects.exists()


def test_a_refused_form_keeps_the_chosen_ratings(owner_client):
    response = owner_client.post(NEW, checkin_data(trust="8", communication="9"))
    text = response.content.decode()
    assert re.search(r'name="trust" value="8" id="id_trust_8" checked', text)
    assert "checked" not in re.search(r'name="trust" value="7"[^>]*>', text).group(0)


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("working", 2000),
        ("needs_work", 2000),
        ("appreciation", 2000),
        ("prompt_answer", 2000),
        ("private_note", 5000),
    ],
)
def test_text_over_the_limit_is_refused_kept_and_unfolded(owner_client, field, limit):
    long_text = "x" * (limit + 1)
    response = owner_client.post(NEW, checkin_data(**{field: long_text}))
    assert f"{limit:,} characters or fewer" in response.context["form"].errors[field][0]
    text = response.content.decode()
    assert long_text in text
    fold = "fold fold--private" if field == "private_note" else "fold"
    assert f'<details class="{fold}" open>' in text


def test_a_yes_to_the_safety_question_shows_the_help_once_on_the_confirmation(owner_client, user):
    response = owner_client.post(NEW, checkin_data(safety_concern="yes"), follow=True)
    assert CheckIn.objects.get().safety_concern is True
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    assert 'href="/safety/"' in main
    assert "never your fault" in main
    again = owner_client.get(CheckIn.objects.get().get_absolute_url()).content.decode()
    assert "never your fault" not in again


def test_a_yes_given_again_later_does_not_show_the_help_again(owner_client, user):
    checkin = make_checkin(user, safety_concern=True)
    response = owner_client.post(edit_url(checkin), checkin_data(safety_concern="yes"), follow=True)
    assert "never your fault" not in response.content.decode()


@pytest.mark.parametrize(("answer", "stored"), [("no", False), ("", None)])
def test_no_or_no_answer_shows_no_safety_help(owner_client, answer, stored):
    response = owner_client.post(NEW, checkin_data(safety_concern=answer), follow=True)
    assert CheckIn.objects.get().safety_concern is stored
    assert "never your fault" not in response.content.decode()


def test_no_page_says_the_person_answered_yes(owner_client, user):
    checkin = make_checkin(user, safety_concern=True, working="Walks")
    reveals = ("You said", "watching or controlling", "safety-note", "not your fault")
    pages = [
        reverse("journal:dashboard"),
        reverse("journal:timeline"),
        reverse("journal:insights"),
        checkin.get_absolute_url(),
        edit_url(checkin),
    ]
    for url in pages:
        text = owner_client.get(url).content.decode()
        for words in reveals:
            assert words not in text, (url, words)
    # The journal offers a neutral "Support" link to everyone, whatever they answered.
    assert '<a href="/safety/">Support</a>' in owner_client.get(pages[0]).content.decode()


def test_editing_never_shows_the_saved_safety_answer_and_keeps_it(owner_client, user):
    checkin = make_checkin(user, safety_concern=True)
    response = owner_client.get(edit_url(checkin))
    text = response.content.decode()
    assert not re.search(r'<input[^>]*value="yes"[^>]*checked', text)
    assert re.search(r'<input[^>]*value="keep"[^>]*checked', text)
    assert "Leave my earlier answer as it is" in text
    owner_client.post(edit_url(checkin), checkin_data(safety_concern="keep"))
    checkin.refresh_from_db()
    assert checkin.safety_concern is True
    owner_client.post(edit_url(checkin), checkin_data(safety_concern="no"))
    checkin.refresh_from_db()
    assert checkin.safety_concern is False


def test_a_new_check_in_starts_on_the_lesson_being_worked_on(owner_client):
    stage = make_stage()
    lesson = make_lesson(stage)
    response = owner_client.get(NEW)
    assert response.context["form"].initial["lesson"] == lesson.pk
    assert f"Lesson: {lesson.title}" in response.content.decode()
    owner_client.post(NEW, checkin_data(lesson=str(lesson.pk)))
    checkin = CheckIn.objects.get()
    assert (checkin.lesson, checkin.stage) == (lesson, stage)


def test_the_lesson_can_be_changed_and_the_stage_follows(owner_client, user):
    first = make_lesson(make_stage("roots", 1), slug="one")
    later = make_lesson(make_stage("together", 2, "Rebuilding"), slug="two")
    checkin = make_checkin(user, lesson=first, stage=first.stage)
    owner_client.post(edit_url(checkin), checkin_data(lesson=str(later.pk)))
    checkin.refresh_from_db()
    assert (checkin.lesson, checkin.stage) == (later, later.stage)


def test_deleting_a_check_in_asks_first(owner_client, user):
    checkin = make_checkin(user)
    url = reverse("journal:checkin_delete", args=[checkin.pk])
    assert "Delete this check-in?" in owner_client.get(url).content.decode()
    assert CheckIn.objects.exists()
    owner_client.post(url)
    assert not CheckIn.objects.exists()


def test_a_check_in_without_a_date_is_for_today(owner_client):
    owner_client.post(NEW, checkin_data(date=""))
    assert CheckIn.objects.get().date == timezone.localdate()


def test_a_malformed_date_is_refused_and_kept(owner_client):
    response = owner_client.post(NEW, checkin_data(date="31/02/2025", working="Still here"))
    assert response.context["form"].errors["date"] == ["Enter a date like 2025-06-30."]
    assert 'value="31/02/2025"' in response.content.decode()
    assert "Still here</textarea>" in response.content.decode()
