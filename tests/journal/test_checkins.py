import datetime
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.models import CheckIn
from tests.helpers import make_user
from tests.journal.helpers import checkin_data, make_checkin, make_lesson, make_stage

pytestmark = pytest.mark.django_db
NEW = reverse("journal:checkin_new")


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


def test_the_form_says_the_private_note_is_never_shared(owner_client):
    text = owner_client.get(NEW).content.decode()
    assert "Private note" in text
    assert "Never shared with anyone" in text


def test_the_form_offers_gentle_prompts_and_the_safety_question(owner_client):
    text = owner_client.get(NEW).content.decode()
    assert "What small win could we be glad about?" in text
    assert "Would a counsellor help us now?" in text
    assert "tracked where you are" in text


def test_a_picked_prompt_and_its_answer_are_kept(owner_client):
    owner_client.post(NEW, checkin_data(prompt="small-wins", prompt_answer="On time all week"))
    checkin = CheckIn.objects.get()
    assert (checkin.prompt, checkin.prompt_answer) == ("small-wins", "On time all week")
    page = owner_client.get(checkin.get_absolute_url()).content.decode()
    assert "What small win could we be glad about?" in page
    assert "On time all week" in page


def test_a_second_check_in_the_same_day_edits_the_first(owner_client, user):
    first = make_checkin(user)
    response = owner_client.get(NEW, follow=True)
    assert response.redirect_chain == [(reverse("journal:checkin_edit", args=[first.pk]), 302)]
    assert "You already checked in today; you are editing that check-in" in (
        response.content.decode().replace("&#x27;", "'")
    )
    owner_client.post(reverse("journal:checkin_edit", args=[first.pk]), checkin_data(trust="9"))
    assert CheckIn.objects.count() == 1
    assert CheckIn.objects.get().trust == 9


def test_today_is_the_persons_own_day_in_their_time_zone():
    # At any moment, one of these two zones is on a different date from UTC.
    for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        person = make_user(name.split("/")[1].lower(), time_zone=name)
        client = Client()
        client.force_login(person)
        local_today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(name)).date()
        form = client.get(NEW).context["form"]
        assert form.initial["date"] == local_today
        response = client.post(NEW, checkin_data(date=local_today.isoformat()))
        assert response.status_code == 302, name
        assert client.get(NEW).status_code == 302  # already checked in "today" there


def test_posting_a_day_that_already_has_a_check_in_is_refused_and_kept(owner_client, user):
    make_checkin(user)
    response = owner_client.post(NEW, checkin_data(working="Typed again"))
    assert response.status_code == 200
    assert "already have a check-in for that day" in response.context["form"].errors["date"][0]
    assert "Typed again" in response.content.decode()
    assert CheckIn.objects.count() == 1


def test_a_check_in_date_in_the_future_is_refused(owner_client):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = owner_client.post(NEW, checkin_data(date=tomorrow.isoformat()))
    assert response.context["form"].errors["date"] == [
        "A check-in can only be for today or an earlier day."
    ]
    assert f'value="{tomorrow.isoformat()}"' in response.content.decode()
    assert not CheckIn.objects.exists()


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
def test_text_over_the_limit_is_refused_and_kept(owner_client, field, limit):
    long_text = "x" * (limit + 1)
    response = owner_client.post(NEW, checkin_data(**{field: long_text}))
    assert f"{limit:,} characters or fewer" in response.context["form"].errors[field][0]
    assert long_text in response.content.decode()


def test_answering_yes_to_the_safety_question_shows_a_kind_link_to_help(owner_client, user):
    owner_client.post(NEW, checkin_data(safety_concern="yes"))
    checkin = CheckIn.objects.get()
    assert checkin.safety_concern is True
    page = owner_client.get(checkin.get_absolute_url()).content.decode()
    assert 'href="/safety/"' in page.split("<main")[1].split("</main>")[0]
    assert "not your fault" in page
    dashboard = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert "not your fault" in dashboard


@pytest.mark.parametrize(("answer", "stored"), [("no", False), ("", None)])
def test_no_or_no_answer_shows_no_safety_alert(owner_client, answer, stored):
    owner_client.post(NEW, checkin_data(safety_concern=answer))
    checkin = CheckIn.objects.get()
    assert checkin.safety_concern is stored
    assert "not your fault" not in owner_client.get(checkin.get_absolute_url()).content.decode()
    assert "not your fault" not in owner_client.get(reverse("journal:dashboard")).content.decode()


def test_the_dashboard_follows_the_latest_check_in_for_the_safety_link(owner_client, user):
    make_checkin(user, date=timezone.localdate() - datetime.timedelta(days=3), safety_concern=True)
    make_checkin(user, safety_concern=False)
    assert "not your fault" not in owner_client.get(reverse("journal:dashboard")).content.decode()


def test_editing_shows_the_saved_safety_answer(owner_client, user):
    checkin = make_checkin(user, safety_concern=True)
    response = owner_client.get(reverse("journal:checkin_edit", args=[checkin.pk]))
    assert response.context["form"]["safety_concern"].value() == "yes"
    assert re.search(r'<input[^>]*value="yes"[^>]*checked', response.content.decode())


def test_a_new_check_in_starts_on_the_lesson_being_worked_on(owner_client):
    stage = make_stage()
    lesson = make_lesson(stage)
    form = owner_client.get(NEW).context["form"]
    assert form.initial["lesson"] == lesson.pk
    owner_client.post(NEW, checkin_data(lesson=str(lesson.pk)))
    checkin = CheckIn.objects.get()
    assert (checkin.lesson, checkin.stage) == (lesson, stage)


def test_the_lesson_can_be_changed_and_the_stage_follows(owner_client, user):
    first = make_lesson(make_stage("roots", 1), slug="one")
    later = make_lesson(make_stage("together", 2, "Rebuilding"), slug="two")
    checkin = make_checkin(user, lesson=first, stage=first.stage)
    owner_client.post(
        reverse("journal:checkin_edit", args=[checkin.pk]), checkin_data(lesson=str(later.pk))
    )
    checkin.refresh_from_db()
    assert (checkin.lesson, checkin.stage) == (later, later.stage)


def test_changing_a_check_in_to_a_day_already_taken_is_refused(owner_client, user):
    make_checkin(user)
    older = make_checkin(user, date=timezone.localdate() - datetime.timedelta(days=2))
    response = owner_client.post(reverse("journal:checkin_edit", args=[older.pk]), checkin_data())
    assert "date" in response.context["form"].errors


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
