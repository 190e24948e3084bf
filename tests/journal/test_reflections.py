import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal.models import LessonReflection
from tests.helpers import HTMX
from tests.journal.helpers import make_lesson, make_reflection

pytestmark = pytest.mark.django_db
TAG = Template("{% load journal_tags %}{% lesson_journal lesson %}")


def render_tag(user, lesson) -> tuple[str, int]:
    request = RequestFactory().get(lesson.get_absolute_url())
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        html = TAG.render(Context({"lesson": lesson, "request": request, "csrf_token": "tok"}))
    return html, len(queries)


def save_url(lesson) -> str:
    return reverse("journal:reflection_save", args=[lesson.slug])


def test_the_tag_invites_an_anonymous_reader_to_sign_up_without_a_query():
    lesson = make_lesson()
    html, queries = render_tag(AnonymousUser(), lesson)
    assert queries == 0
    assert reverse("signup") in html
    assert "private account" in html
    assert "<form" not in html


def test_the_tag_offers_a_commitment_and_the_reflection_form_in_one_query(user):
    lesson = make_lesson()
    html, queries = render_tag(user, lesson)
    assert queries <= 1
    assert "Turn this into a commitment" in html
    assert f"{reverse('journal:commitment_new')}?lesson={lesson.slug}" in html
    assert f'action="{save_url(lesson)}"' in html
    assert f'hx-post="{save_url(lesson)}"' in html
    assert "Which small promise do you make most often?" in html  # the question is the label
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_tag_shows_the_saved_reflection_again_ready_to_edit(user, stranger):
    lesson = make_lesson()
    make_reflection(user, lesson, "I call at lunch most days")
    make_reflection(stranger, lesson, "Someone else's words")
    html, queries = render_tag(user, lesson)
    assert queries == 1
    assert "I call at lunch most days</textarea>" in html
    assert "Someone else" not in html
    assert "Update my reflection" in html


def test_saving_without_javascript_goes_back_to_the_lesson(owner_client, user):
    lesson = make_lesson()
    response = owner_client.post(save_url(lesson), {"text": "Honest answer"})
    assert response.status_code == 302
    assert response["Location"] == lesson.get_absolute_url()
    reflection = LessonReflection.objects.get()
    assert (reflection.user, reflection.lesson, reflection.text) == (user, lesson, "Honest answer")


def test_saving_with_htmx_returns_the_form_partial(owner_client):
    lesson = make_lesson()
    response = owner_client.post(save_url(lesson), {"text": "Honest answer"}, **HTMX)
    text = response.content.decode()
    assert text.strip().startswith('<form id="reflection-answer"')
    assert "<html" not in text
    assert "Saved in your journal" in text
    assert "Honest answer</textarea>" in text


def test_saving_again_updates_the_same_reflection(owner_client):
    lesson = make_lesson()
    owner_client.post(save_url(lesson), {"text": "First thoughts"})
    owner_client.post(save_url(lesson), {"text": "Second thoughts"}, **HTMX)
    assert list(LessonReflection.objects.values_list("text", flat=True)) == ["Second thoughts"]


def test_an_empty_reflection_is_refused(owner_client):
    lesson = make_lesson()
    response = owner_client.post(save_url(lesson), {"text": "   "}, **HTMX)
    assert "Write a few words before saving." in response.content.decode()
    assert not LessonReflection.objects.exists()


def test_an_overlong_reflection_is_refused_and_kept_with_htmx(owner_client):
    lesson = make_lesson()
    long_text = "w" * 2001
    response = owner_client.post(save_url(lesson), {"text": long_text}, **HTMX)
    text = response.content.decode()
    assert "2,000 characters or fewer" in text
    assert long_text in text
    assert not LessonReflection.objects.exists()


def test_an_overlong_reflection_without_javascript_is_refused_on_its_own_page(owner_client):
    lesson = make_lesson()
    long_text = "w" * 2001
    response = owner_client.post(save_url(lesson), {"text": long_text})
    assert response.status_code == 200
    assert "2,000 characters or fewer" in response.content.decode()
    assert long_text in response.content.decode()


def test_a_retired_or_unknown_lesson_is_a_404(owner_client):
    lesson = make_lesson(retired=True)
    assert owner_client.post(save_url(lesson), {"text": "x"}).status_code == 404
    assert (
        owner_client.post(
            reverse("journal:reflection_save", args=["nope"]), {"text": "x"}
        ).status_code
        == 404
    )


def test_the_save_address_shows_the_form_on_a_page_of_its_own(owner_client, user):
    # Where a reflection typed on the lesson page comes back after a session timeout.
    lesson = make_lesson()
    response = owner_client.get(save_url(lesson))
    assert response.status_code == 200
    assert lesson.reflection in response.content.decode()
    assert not LessonReflection.objects.exists()


def test_a_reflection_is_listed_in_the_timeline(owner_client, user):
    lesson = make_lesson(title="Old hurts")
    make_reflection(user, lesson, "It started before us")
    text = owner_client.get(reverse("journal:timeline")).content.decode()
    assert "It started before us" in text
    assert "Old hurts" in text


def test_a_reflection_can_be_edited_and_deleted_from_the_journal(owner_client, user):
    reflection = make_reflection(user, make_lesson(), "Before")
    edit = reverse("journal:reflection_edit", args=[reflection.pk])
    assert "Before</textarea>" in owner_client.get(edit).content.decode()
    owner_client.post(edit, {"text": "After"})
    reflection.refresh_from_db()
    assert reflection.text == "After"
    delete = reverse("journal:reflection_delete", args=[reflection.pk])
    assert owner_client.get(delete).status_code == 200
    owner_client.post(delete)
    assert not LessonReflection.objects.exists()
