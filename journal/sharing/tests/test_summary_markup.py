"""The summary's repeated rows, built in Python (sharing/charts.py): escaped, and as before."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from journal.models import CommitmentStatus
from journal.sharing.charts import summary_context
from journal.sharing.forms import ReplyForm
from journal.sharing.tests.helpers import checkin, commitment, share_for

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(\"kept\")</script> & <img src=x onerror='y'>"


def test_the_owners_words_in_python_built_rows_are_escaped(user):
    commitment(user, status=CommitmentStatus.KEPT, text=HOSTILE)
    checkin(user)
    _, token = share_for(user)
    text = Client().get(f"/s/{token}/").content.decode()
    assert "<script>" not in text
    assert "<img" not in text
    assert (
        "<li>&lt;script&gt;alert(&quot;kept&quot;)&lt;/script&gt; &amp; "
        "&lt;img src=x onerror=&#x27;y&#x27;&gt;</li>"
    ) in text


def test_the_ratings_table_has_a_row_per_checkin_and_the_averages_read_as_before(user):
    checkin(user, days_ago=1, trust=3, communication=2, connection=5)
    today = checkin(user, trust=8, communication=4, connection=1)
    _, token = share_for(user)
    text = Client().get(f"/s/{token}/").content.decode()
    yesterday = today.date - datetime.timedelta(days=1)
    assert f'<tr><th scope="row">{date_format(yesterday, "D j M")}</th>' in text
    assert "<td>3</td><td>2</td><td>5</td></tr>" in text
    assert (
        f'<tr><th scope="row">{date_format(today.date, "D j M")}</th>'
        "<td>8</td><td>4</td><td>1</td></tr>"
    ) in text
    assert (
        '<th scope="col">Date</th>'
        '<th scope="col">Felt trust <span class="muted">1\u201310</span></th>'
    ) in text
    assert (
        "Averages: felt trust 5.5 out of 10, communication 3.0 out of 5, connection 3.0 out of 5."
    ) in text
    assert text.count('role="img"') == 3


def test_a_summary_without_ratings_or_commitments_has_no_rows():
    context = summary_context(
        {
            "period_start": "2025-06-01",
            "period_end": "2025-06-14",
            "checkin_count": 0,
            "ratings": None,
            "consistency": None,
            "reflections": [],
        },
        "",
    )
    assert context["charts"] == []
    assert context["summary"]["ratings"] is None
    assert context["summary"]["period_start"] == datetime.date(2025, 6, 1)


def test_the_kept_rate_needs_five_decided(user):
    for status in ["kept", "kept", "kept", "missed"]:
        commitment(user, status=status)
    _, token = share_for(user)
    assert "<strong>3 kept</strong>, 1 missed" in Client().get(f"/s/{token}/").content.decode()
    commitment(user, status="kept")
    _, token = share_for(user)
    assert "<strong>80%</strong>" in Client().get(f"/s/{token}/").content.decode()


def test_the_empty_reply_box_is_drawn_as_django_draws_it():
    form = ReplyForm()
    assert form.reply_field() == form["reply"].as_field_group()
    bound = ReplyForm({"reply": "<b>" + "x" * 600})
    assert not bound.is_valid()
    assert bound.reply_field() == bound["reply"].as_field_group()
    assert "&lt;b&gt;" in bound.reply_field()
    assert 'aria-invalid="true"' in bound.reply_field()


def test_chosen_answers_keep_their_line_breaks_and_are_escaped(user):
    checkin(
        user, working="Walks <b>together</b>\nand talks", needs_work="", appreciation="Tea & toast"
    )
    _, token = share_for(user)
    text = Client().get(f"/s/{token}/").content.decode()
    assert (
        "<p><strong>What is working:</strong> Walks &lt;b&gt;together&lt;/b&gt;<br>and talks</p>"
    ) in text
    assert "What needs work:" not in text
    assert "<p><strong>Something appreciated:</strong> Tea &amp; toast</p>" in text
    assert f"<h4>{date_format(timezone.localdate(), 'l j F')}</h4>" in text


def test_the_reply_label_reads_as_a_phrase_without_a_colon():
    assert "(optional)</label>" in ReplyForm().reply_field()
    assert "(optional)</label>" in ReplyForm({"reply": ""}).reply_field()
