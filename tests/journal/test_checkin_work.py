"""A check-in post does only the work a save needs; the lesson list follows the course."""

import datetime

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import checkin_forms
from journal.checkin_forms import KEEP_ANSWER, CheckInForm
from journal.models import CheckIn
from tests.journal.helpers import checkin_data, make_checkin, make_lesson, make_stage

pytestmark = pytest.mark.django_db


def test_a_valid_check_in_post_never_lists_the_lessons(owner_client, user):
    make_lesson(make_stage())
    owner_client.get(reverse("journal:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.post(reverse("journal:checkin_new"), checkin_data())
    assert response.status_code == 302
    assert CheckIn.objects.filter(user=user).count() == 1
    assert not [q for q in queries if "guides_lesson" in q["sql"]]


def test_a_new_check_in_post_runs_three_statements_one_of_them_the_insert(owner_client, user):
    owner_client.get(reverse("journal:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        response = owner_client.post(reverse("journal:checkin_new"), checkin_data())
    assert response.status_code == 302
    # The session with its person, the INSERT (which itself skips a taken day), the session.
    assert len(queries) == 3
    assert [q["sql"].split()[0] for q in queries].count("INSERT") == 1
    assert response["Location"] == CheckIn.objects.get(user=user).get_absolute_url()


def test_a_check_in_of_the_same_day_saved_a_moment_ago_elsewhere_is_a_message_not_an_error(
    owner_client, user
):
    # Two tabs: this form was valid, and the other tab's check-in of the day went in
    # between its validation and its INSERT.
    form = CheckInForm(checkin_data(working="Typed here"), user=user, instance=CheckIn(user=user))
    assert form.is_valid()
    other = make_checkin(user)
    assert form.add() is None
    assert form.errors["date"] == ["You already checked in today."]
    assert form.taken == other
    assert CheckIn.objects.filter(user=user).count() == 1
    assert form["working"].value() == "Typed here"


def test_a_taken_day_found_by_the_insert_shows_the_form_again_with_a_link_to_that_day(
    owner_client, user, monkeypatch
):
    first = make_checkin(user)
    # As if the other tab's check-in went in after this post was validated.
    monkeypatch.setattr(checkin_forms, "checkin_on", lambda user_id, day: None)
    response = owner_client.post(reverse("journal:checkin_new"), checkin_data(working="Mine"))
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["You already checked in today."]
    assert "Mine</textarea>" in response.content.decode()
    assert CheckIn.objects.filter(user=user).get() == first


def test_a_form_with_other_errors_also_says_at_once_that_the_day_is_taken(owner_client, user):
    make_checkin(user)
    response = owner_client.post(reverse("journal:checkin_new"), checkin_data(trust="11"))
    form = response.context["form"]
    assert form.errors["date"] == ["You already checked in today."]
    assert "trust" in form.errors
    assert CheckIn.objects.filter(user=user).count() == 1


def test_a_saved_check_in_is_still_an_error_when_saved_directly_on_a_taken_day(user, monkeypatch):
    # save() (not add()) keeps the ORM's rule: the constraint is an IntegrityError.
    make_checkin(user)
    form = CheckInForm(checkin_data(), user=user, instance=CheckIn(user=user))
    assert form.is_valid()
    with transaction.atomic(), pytest.raises(IntegrityError):
        form.save()
    assert CheckIn.objects.filter(user=user).count() == 1


def test_the_chosen_lesson_is_still_checked_and_kept(owner_client, user):
    lesson = make_lesson(make_stage())
    owner_client.post(reverse("journal:checkin_new"), checkin_data(lesson=str(lesson.pk)))
    checkin = CheckIn.objects.get(user=user)
    assert (checkin.lesson, checkin.stage) == (lesson, lesson.stage)
    response = owner_client.post(
        reverse("journal:checkin_another_day"), checkin_data(date="2020-01-01", lesson="99999")
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_lesson_list_shows_a_lesson_added_once_the_course_is_read_again(
    owner_client, seconds_pass
):
    stage = make_stage()
    make_lesson(stage, slug="first", title="First lesson")
    url = reverse("journal:checkin_new")
    assert "First lesson" in owner_client.get(url).content.decode()
    make_lesson(stage, slug="second", title="Second lesson", content_hash="1" * 64)
    seconds_pass(settings.COURSE_RECHECK_SECONDS + 1)
    html = owner_client.get(url).content.decode()
    assert "First lesson" in html
    assert "Second lesson" in html


def test_forms_share_declared_choices_but_not_fields(user):
    """Fields are still each form's own; only the never-changed choice lists are shared."""
    checkin = CheckIn.objects.create(
        user=user, date=datetime.date(2020, 1, 1), trust=5, communication=3, connection=3
    )
    editing = CheckInForm(user=user, instance=checkin)
    new = CheckInForm(user=user, instance=CheckIn(user=user))
    assert editing.fields["trust"] is not new.fields["trust"]
    assert editing.fields["trust"].choices is new.fields["trust"].choices
    assert editing.fields["date"].disabled
    assert not new.fields["date"].disabled
    assert KEEP_ANSWER in dict(editing.fields["safety_concern"].choices)
    assert KEEP_ANSWER not in dict(new.fields["safety_concern"].choices)
    assert KEEP_ANSWER not in dict(CheckInForm.base_fields["safety_concern"].choices)
