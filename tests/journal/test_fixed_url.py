from unittest import mock

from django.template import Context, Template
from django.urls import reverse, set_script_prefix

from journal.templatetags import journal_tags
from journal.views import rows

TAG = Template("{% load journal_tags %}{% fixed_url 'journal:timeline' %}")


def test_fixed_url_writes_what_the_url_tag_writes():
    url = Template("{% url 'journal:timeline' %}").render(Context())
    assert TAG.render(Context()) == url == reverse("journal:timeline")


def test_fixed_url_reverses_once_per_process():
    journal_tags._fixed_url.cache_clear()
    with mock.patch.object(journal_tags, "reverse", wraps=reverse) as reversed_:
        for _ in range(3):
            TAG.render(Context())
    assert reversed_.call_count == 1


def test_fixed_url_follows_a_changed_script_prefix():
    try:
        set_script_prefix("/sub/")
        assert TAG.render(Context()) == reverse("journal:timeline")
        assert TAG.render(Context()).startswith("/sub/")
    finally:
        set_script_prefix("/")
    assert not TAG.render(Context()).startswith("/sub/")


def test_rows_reverse_each_url_once_per_process_and_follow_the_script_prefix():
    rows._reversed.cache_clear()
    with mock.patch.object(rows, "reverse", wraps=reverse) as reversed_:
        for pk in (1, 22, 333):
            assert rows.pk_url("journal:checkin_detail")(pk) == reverse(
                "journal:checkin_detail", args=[pk]
            )
    assert reversed_.call_count == 1
    try:
        set_script_prefix("/sub/")
        assert rows.pk_url("journal:checkin_detail")(5) == reverse(
            "journal:checkin_detail", args=[5]
        )
        assert rows.lesson_url()("a-stage", "a-lesson") == reverse(
            "guides:lesson", args=["a-stage", "a-lesson"]
        )
    finally:
        set_script_prefix("/")
