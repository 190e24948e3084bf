"""Markup built in Python (dashboard rows, insights tables) escapes what people write and
says what the templates said; the one-query figures agree with the separate functions."""

import datetime
import random

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone

from journal import insights
from journal.models import CommitmentStatus
from journal.views.insight_html import one_decimal
from tests.helpers import HTMX
from tests.journal.helpers import make_checkin, make_commitment, make_lesson, resolved

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script> & <b>'


def test_one_decimal_shows_numbers_as_floatformat_minus_one_does():
    rng = random.Random(3)
    values = [6.25, 6.35, 6.96, 7.0, 1.05, 2.5, 4 / 3, 10.0, 0.05, 9.95]
    values += [rng.randint(1, 50) / rng.randint(1, 7) for _ in range(500)]
    for value in values:
        assert one_decimal(value) == floatformat(value, "-1"), value


def test_a_dashboard_row_escapes_the_persons_words(owner_client, user):
    make_commitment(user, text=HOSTILE)
    html = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert HOSTILE not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;"
    # Once as the promise, once in the renegotiation's text box.
    assert html.count(escaped) == 2


def test_a_dashboard_row_shows_due_date_overdue_and_lesson(owner_client, user):
    lesson = make_lesson(title="Small & kept")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    commitment = make_commitment(
        user, due_date=yesterday, due_time=datetime.time(18, 30), lesson=lesson
    )
    html = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert f'id="commitment-{commitment.pk}"' in html
    assert "commitment--overdue" in html
    assert f"due {yesterday.strftime('%a')} {yesterday.day} " in html
    assert ", 18:30" in html
    assert f'· from <a href="{lesson.get_absolute_url()}">Small &amp; kept</a>' in html
    assert f'value="{yesterday.isoformat()}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_row_swapped_in_by_htmx_keeps_the_words_typed_and_marks_the_errors(owner_client, user):
    commitment = make_commitment(user, text="Call at lunch")
    url = reverse("journal:commitment_status", args=[commitment.pk])
    html = owner_client.post(
        url, {"status": "renegotiated", "reason": HOSTILE, "new_text": ""}, **HTMX
    ).content.decode()
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html
    assert '<details class="renegotiate" open>' in html
    assert 'role="alert"' in html
    assert 'name="new_text" rows="2" aria-invalid="true"></textarea>' in html


def test_a_resolved_row_offers_undo_and_the_renegotiated_one_its_follow_up(owner_client, user):
    commitment = make_commitment(user, text="Call at lunch")
    url = reverse("journal:commitment_status", args=[commitment.pk])
    html = owner_client.post(
        url, {"status": "renegotiated", "reason": "", "new_text": "Call at two"}, **HTMX
    ).content.decode()
    assert "Telling them early is part of keeping your word." in html
    assert 'value="open" class="link-button">Undo</button>' in html
    assert html.count('<li class="card commitment') == 2
    assert "Call at two" in html
    html = owner_client.post(url, {"status": "open"}, **HTMX).content.decode()
    html = owner_client.post(url, {"status": "kept"}, **HTMX).content.decode()
    assert '<span class="tag tag--ok">Kept</span>' in html
    assert "Well done" in html


def test_the_figures_sql_is_built_from_the_models_names():
    from django.db import connection

    from guides.models import Stage
    from journal.insights import FIGURES_SQL, _sql
    from journal.models import CheckIn, Commitment

    qn = connection.ops.quote_name
    for name in FIGURES_SQL:
        sql = _sql(name, connection.alias)
        assert "{" not in sql
        assert "%s" in sql
    assert qn(Commitment._meta.db_table) in _sql("strategies", connection.alias)
    assert qn(CheckIn._meta.db_table) in _sql("weeks", connection.alias)
    assert qn(Stage._meta.db_table) in _sql("stages", connection.alias)


def test_consistency_takes_one_to_three_windows(user):
    resolved(user, CommitmentStatus.KEPT, days_ago=10)
    resolved(user, CommitmentStatus.MISSED, days_ago=2)
    assert insights.consistency(user, (30,))[30].resolved == 2
    windows = insights.consistency(user, (3, 30))
    assert (windows[3].kept, windows[3].missed, windows[30].kept) == (0, 1, 1)
    with pytest.raises(ValueError, match="windows"):
        insights.consistency(user, (1, 2, 3, 4))


def test_the_insights_tables_escape_stage_titles(owner_client, user):
    lesson = make_lesson(title="A lesson")
    lesson.stage.title = HOSTILE
    lesson.stage.save()
    make_checkin(user, lesson=lesson, stage=lesson.stage, trust=7)
    make_checkin(
        user,
        date=timezone.localdate() - datetime.timedelta(days=1),
        lesson=lesson,
        stage=lesson.stage,
        trust=6,
    )
    html = owner_client.get(reverse("journal:insights")).content.decode()
    assert HOSTILE not in html
    assert "&lt;script&gt;" in html
    assert "· 2 check-ins</span>" in html
    assert "<dt>Felt trust</dt><dd>6.5 / 10</dd>" in html


def test_the_dashboards_lists_come_in_order_with_their_types(user, stranger):
    from journal.views.dashboard_reads import open_rows, recent_checkins

    today = timezone.localdate()
    now = timezone.now()
    undated_old = make_commitment(user, text="old", created_at=now - datetime.timedelta(days=2))
    undated_new = make_commitment(user, text="new", created_at=now)
    later = make_commitment(user, text="later", due_date=today + datetime.timedelta(days=3))
    soon = make_commitment(user, text="soon", due_date=today, due_time=datetime.time(9, 15))
    soon_undated_time = make_commitment(user, text="today", due_date=today)
    resolved(user, CommitmentStatus.KEPT)
    make_commitment(stranger, text="not mine")
    rows = open_rows(user, 10)
    assert [row.pk for row in rows] == [
        soon.pk,
        soon_undated_time.pk,
        later.pk,
        undated_new.pk,
        undated_old.pk,
    ]
    assert (rows[0].text, rows[0].due_date, rows[0].due_time) == (
        "soon",
        today,
        datetime.time(9, 15),
    )
    assert len(open_rows(user, 2)) == 2
    for days in (3, 0, 1):
        make_checkin(user, date=today - datetime.timedelta(days=days), trust=days + 1)
    make_checkin(stranger, date=today)
    recent = recent_checkins(user, 2)
    assert [(c["date"], c["trust"]) for c in recent] == [
        (today, 1),
        (today - datetime.timedelta(days=1), 2),
    ]


def test_short_date_says_what_the_date_filter_says():
    from django.utils.dateformat import format as date_format
    from django.utils.translation import override

    from journal.views.rows import short_date

    start = datetime.date(2023, 12, 25)
    days = [start + datetime.timedelta(days=n) for n in range(0, 800, 3)]
    days.append(datetime.date(999, 3, 1))
    for day in days:
        assert short_date(day) == date_format(day, "D j M Y"), day
    with override("de"):
        assert short_date(start) == date_format(start, "D j M Y")
