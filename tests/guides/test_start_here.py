""" "Start here": three questions, one a screen, that pick a path; the safety answer
turns partner features off and is never shown back."""

import dataclasses
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from guides import outline, start_here
from guides.models import SelfCheck
from journal import safety
from tests.helpers import PASSWORD, make_user, reauthenticated_client
from trustrepair import data_rights

pytestmark = pytest.mark.django_db

START = reverse("guides:start")


def step_url(step: str) -> str:
    return reverse("guides:start_step", args=[step])


def answer_all(client: Client, side: str, situation: str, afraid: str | None):
    client.post(step_url("side"), {"answer": side})
    client.post(step_url("situation"), {"answer": situation})
    data = {"answer": afraid} if afraid else {"skip": "1"}
    return client.post(step_url("afraid"), data)


def test_a_new_account_is_sent_to_start_here(client):
    response = client.post(
        reverse("signup"),
        {"username": "sky", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response["Location"] == START


def test_signed_out_visitors_are_asked_to_log_in(client):
    for url in (START, step_url("situation")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.post(step_url("side"), {"answer": "both"}).status_code == 302
    assert not SelfCheck.objects.exists()


def test_each_question_is_a_plain_form_on_its_own_screen(owner_client):
    page = owner_client.get(START).content.decode()
    assert "Question 1 of 3" in page
    assert f'action="{step_url("side")}"' in page
    assert 'method="post"' in page
    assert page.count('type="radio"') == 4
    assert "Skip this question" in page
    assert "hx-" not in page.split("<main", 1)[1]

    second = owner_client.get(step_url("situation")).content.decode()
    assert "Question 2 of 3" in second
    assert second.count('type="radio"') == 5

    third = owner_client.get(step_url("afraid")).content.decode()
    assert "Question 3 of 3" in third
    assert (
        "Are you afraid of your partner, or does your partner check your phone, "
        "messages or whereabouts?" in third
    )


def test_answering_moves_on_one_question_at_a_time(owner_client, user):
    response = owner_client.post(step_url("side"), {"answer": "doubted"})
    assert response["Location"] == step_url("situation")
    response = owner_client.post(step_url("situation"), {"answer": "breach-recent"})
    assert response["Location"] == step_url("afraid")
    response = owner_client.post(step_url("afraid"), {"answer": "no"})
    assert response["Location"] == reverse("guides:index")
    answers = start_here.answers_of(user)
    assert (answers.side, answers.situation, answers.afraid) == ("doubted", "breach-recent", False)


def test_no_choice_gets_a_clear_message_and_nothing_is_saved(owner_client, user):
    response = owner_client.post(step_url("side"), {})
    assert response.status_code == 200
    assert "Choose one of the answers, or skip this question." in response.content.decode()
    assert start_here.answers_of(user).side is None

    refused = owner_client.post(step_url("side"), {"answer": "someone-else"})
    assert "Select a valid choice" in refused.content.decode()


def test_an_unknown_question_is_a_404(owner_client):
    assert owner_client.get(step_url("favourite-colour")).status_code == 404


def test_the_lessons_page_shows_the_path_with_the_whole_course_one_click_away(
    owner_client, user, lessons
):
    answer_all(owner_client, "distrusting", "breach-recent", "no")
    page = owner_client.get(reverse("guides:index")).content.decode()
    assert "Your path" in page
    assert "0 of 9 lessons finished" in page
    assert "Next: When the hurt happened here" in page
    assert f'href="{reverse("guides:index")}?all=1"' in page
    # The path, not the whole course: a lesson off the path is not listed.
    assert "Keeping your word, day after day" not in page

    whole = owner_client.get(reverse("guides:index") + "?all=1").content.decode()
    assert "Keeping your word, day after day" in whole
    assert "Back to your path" in whole


def test_the_dashboard_shows_a_compact_path(owner_client, lessons):
    before = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert f'href="{START}"' in before
    answer_all(owner_client, "doubted", "friction", "no")
    page = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert "Your path" in page
    assert "0 of 9 lessons finished" in page
    assert "What trust is, and why it wobbles" in page


def test_skipping_a_question_counts_as_not_sure(owner_client, user, lessons):
    owner_client.post(step_url("side"), {"skip": "1"})
    owner_client.post(step_url("situation"), {"answer": "old-hurts"})
    owner_client.post(step_url("afraid"), {"skip": "1"})
    assert start_here.answers_of(user).path_key == ("not-sure", "old-hurts")
    path = start_here.path_for(user)
    assert [lesson.slug for lesson in path.lessons] == start_here.path_lessons(
        "not-sure", "old-hurts"
    )


def test_leaving_before_the_end_shows_the_whole_course_and_offers_start_here(
    owner_client, user, lessons
):
    owner_client.post(step_url("side"), {"answer": "both"})
    assert start_here.path_for(user) is None
    page = owner_client.get(reverse("guides:index")).content.decode()
    assert "Your path" not in page
    assert f'href="{START}"' in page
    assert "Keeping your word, day after day" in page


def test_the_account_page_offers_to_redo_it_and_a_redo_changes_the_path(
    owner_client, user, lessons
):
    answer_all(owner_client, "doubted", "friction", "no")
    account = owner_client.get(reverse("account")).content.decode()
    assert f'<a href="{START}">Redo the start-here questions</a>' in account

    answer_all(owner_client, "distrusting", "old-hurts", None)
    assert [lesson.slug for lesson in start_here.path_for(user).lessons][:2] == [
        "old-hurts",
        "insecurity-and-misreadings",
    ]


# The safety question


def test_a_yes_turns_partner_features_off_by_default_and_leads_to_help(owner_client, user):
    assert safety.partner_features_open(user)
    response = answer_all(owner_client, "both", "friction", "yes")

    assert response["Location"] == reverse("guides:start_help")
    assert safety.said_afraid(user)
    assert not safety.partner_features_open(user)
    help_page = owner_client.get(reverse("guides:start_help")).content.decode()
    assert f'href="{reverse("safety")}"' in help_page

    client = reauthenticated_client(user)
    sharing = client.get(reverse("sharing:new"))
    assert sharing["Location"].startswith(reverse("journal:partner_features"))


def test_a_no_leaves_partner_features_open(owner_client, user):
    answer_all(owner_client, "both", "friction", "no")
    assert not safety.said_afraid(user)
    assert safety.partner_features_open(user)


def test_a_private_confirmation_holds_until_the_next_yes(owner_client, user):
    answer_all(owner_client, "both", "friction", "yes")
    safety.confirm_partner_features(user)
    assert safety.partner_features_open(user)

    answer_all(owner_client, "both", "friction", "yes")
    assert not safety.partner_features_open(user)


def test_skipping_the_safety_question_later_does_not_undo_a_yes(owner_client, user):
    answer_all(owner_client, "both", "friction", "yes")
    answer_all(owner_client, "both", "friction", None)
    assert safety.said_afraid(user)
    answer_all(owner_client, "both", "friction", "no")
    assert not safety.said_afraid(user)


def normalised(html: str) -> str:
    """A page with its per-person and per-moment parts (tokens, names, the seconds left
    before the idle sign-out) taken out."""
    html = re.sub(r'value="[A-Za-z0-9]{32,}"', 'value=""', html)
    html = re.sub(r'data-seconds-left="\d+"', 'data-seconds-left=""', html)
    html = re.sub(r'"X-CSRFToken": "[A-Za-z0-9]+"', '"X-CSRFToken": ""', html)
    return html.replace("person-yes", "someone").replace("person-no", "someone")


def test_the_safety_answer_is_never_shown_back_on_any_page(lessons):
    pages = [
        reverse("journal:dashboard"),
        reverse("guides:index"),
        reverse("guides:index") + "?all=1",
        reverse("account"),
        START,
        step_url("afraid"),
        reverse("guides:start_help"),
    ]
    seen = {}
    for answer in ("yes", "no"):
        client = Client()
        client.force_login(make_user(f"person-{answer}"))
        answer_all(client, "both", "friction", answer)
        seen[answer] = [normalised(client.get(url).content.decode()) for url in pages]
    for url, yes_page, no_page in zip(pages, seen["yes"], seen["no"], strict=True):
        assert yes_page == no_page, url
    # Not even as the form's last choice when the question is opened again.
    assert "checked" not in seen["yes"][pages.index(step_url("afraid"))]


# Stored encrypted; exported and deleted with the account


def test_the_answers_are_encrypted_at_rest(owner_client, user):
    answer_all(owner_client, "doubted", "breach-past", "yes")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT answers FROM {SelfCheck._meta.db_table}")  # noqa: S608
        (stored,) = cursor.fetchone()
    assert stored.startswith("gAAAAA")
    for word in ("doubted", "breach", "afraid", "true"):
        assert word not in stored


def test_the_answers_are_in_the_export_as_plain_text(owner_client, user):
    answer_all(owner_client, "doubted", "breach-past", "yes")
    export = data_rights.export_data(user)
    (row,) = export["data"]["guides.selfcheck"]
    answers = json.loads(row["answers"])
    assert answers["side"] == "doubted"
    assert answers["situation"] == "breach-past"
    assert answers["afraid"] is True


def test_the_answers_are_deleted_with_the_account(owner_client, user):
    answer_all(owner_client, "doubted", "breach-past", "no")
    data_rights.delete_account(user)
    assert not SelfCheck.objects.exists()


def test_finished_answers_are_only_a_finished_check_of_that_person(user, stranger):
    assert start_here.finished_answers(user) is None
    start_here.record_answer(user, "side", "doubted")
    start_here.record_answer(user, "situation", "friction")
    assert start_here.finished_answers(user) is None  # not at the end yet

    start_here.record_answer(user, "afraid", None)

    answers = start_here.finished_answers(user)
    assert answers is not None
    assert answers.path_key == ("doubted", "friction")
    assert start_here.finished_answers(stranger) is None


def test_a_path_lists_its_lessons_the_same_while_the_outline_catches_up(
    owner_client, user, lessons, monkeypatch
):
    answer_all(owner_client, "distrusting", "breach-recent", "no")
    path = start_here.path_for(user)
    listed = path.lesson_list

    # As if the course had just been reloaded and the outline were not rebuilt yet.
    stale = outline.course_outline()
    monkeypatch.setattr(start_here, "course_outline", lambda: dataclasses.replace(stale, by_pk={}))

    assert re.sub(r"\s+", " ", path.lesson_list).strip() == re.sub(r"\s+", " ", listed).strip()
    assert listed.count('class="lesson-item"') == path.total
