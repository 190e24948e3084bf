import datetime
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from journal import insights
from journal.charts import line_chart
from journal.scales import COMMUNICATION, CONNECTION, TRUST
from tests.journal.helpers import (
    KEPT,
    MISSED,
    RENEGOTIATED,
    make_checkin,
    make_commitment,
    make_lesson,
    make_stage,
    resolved,
)

pytestmark = pytest.mark.django_db

# A Wednesday; its week starts on Monday 16 June.
TODAY = datetime.date(2025, 6, 18)


def day(month: int, dom: int) -> datetime.date:
    return datetime.date(2025, month, dom)


def test_consistency_is_kept_over_kept_plus_missed_for_each_window(user, stranger):
    last_7 = [(2, KEPT), (5, KEPT), (6, MISSED), (3, RENEGOTIATED)]
    last_30 = [(20, KEPT), (25, MISSED)]
    last_90 = [(60, KEPT), (80, KEPT)]
    too_old = [(100, KEPT)]
    for days_ago, status in last_7 + last_30 + last_90 + too_old:
        resolved(user, status, days_ago=days_ago)
    make_commitment(user)  # still open: not counted
    resolved(stranger, MISSED, days_ago=1)  # someone else's: not counted
    result = insights.consistency(user)
    assert (result[7].kept, result[7].missed, result[7].renegotiated) == (2, 1, 1)
    assert result[7].rate == 67
    assert (result[30].kept, result[30].missed, result[30].renegotiated) == (3, 2, 1)
    assert result[30].rate == 60
    assert (result[90].kept, result[90].missed, result[90].renegotiated) == (5, 2, 1)
    assert result[90].rate == 71


def test_renegotiated_alone_gives_no_rate_rather_than_zero(user):
    resolved(user, RENEGOTIATED, days_ago=1)
    result = insights.consistency(user)[7]
    assert result.rate is None
    assert result.renegotiated == 1


def test_no_resolved_commitments_give_no_rate(user):
    assert insights.consistency(user)[30].rate is None


@pytest.mark.parametrize(
    ("dates", "streak"),
    [
        ([], 0),
        ([day(6, 17), day(6, 10), day(6, 3), day(5, 19)], 3),  # gap in the week of 26 May
        ([day(6, 12), day(6, 5)], 2),  # nothing yet this week: the streak still stands
        ([day(6, 4)], 0),  # last check-in two weeks ago
        ([day(6, 16), day(6, 17), day(6, 18)], 1),  # several in one week count once
        ([day(6, 16), day(6, 15), day(6, 8), day(6, 1)], 4),  # Sunday belongs to last week
    ],
)
def test_weekly_streak(user, dates, streak):
    for date in dates:
        make_checkin(user, date=date)
    assert insights.weekly_streak(user, today=TODAY) == streak


def test_weekly_streak_ignores_other_people(user, stranger):
    make_checkin(stranger, date=day(6, 17))
    assert insights.weekly_streak(user, today=TODAY) == 0


def test_weekly_ratings_average_each_week_and_keep_empty_weeks(user):
    make_checkin(user, date=day(6, 16), trust=4, communication=2, connection=3)
    make_checkin(user, date=day(6, 18), trust=7, communication=3, connection=3)
    make_checkin(user, date=day(6, 2), trust=5, communication=4, connection=5)
    weeks = insights.weekly_ratings(user, weeks=4, today=TODAY)
    assert [w.week for w in weeks] == [day(5, 26), day(6, 2), day(6, 9), day(6, 16)]
    assert [w.count for w in weeks] == [0, 1, 0, 2]
    assert weeks[3].trust == 5.5
    assert weeks[3].communication == 2.5
    assert weeks[1].connection == 5
    assert weeks[0].trust is None


def test_ratings_by_stage(user):
    roots = make_stage("roots", 1, "Roots of distrust")
    together = make_stage("together", 3, "Rebuilding connection")
    make_checkin(user, date=day(6, 1), stage=together, trust=8)
    make_checkin(user, date=day(6, 2), stage=roots, trust=3)
    make_checkin(user, date=day(6, 3), stage=roots, trust=5)
    make_checkin(user, date=day(6, 4), trust=6)
    rows = insights.ratings_by_stage(user)
    assert [(r.title, r.count, r.trust) for r in rows] == [
        ("Roots of distrust", 2, 4.0),
        ("Rebuilding connection", 1, 8.0),
        ("No lesson chosen", 1, 6.0),
    ]


def test_strategies_kept_most_and_least_among_those_with_enough_behind_them(user):
    for strategy, status, times in [
        ("empathy", KEPT, 6),
        ("empathy", MISSED, 2),
        ("reliability", KEPT, 2),
        ("reliability", MISSED, 6),
        ("transparency", KEPT, 2),
        ("patience", RENEGOTIATED, 1),
    ]:
        for _ in range(times):
            resolved(user, status, strategy=strategy)
    summary = insights.strategies(user)
    # Transparency's 100% rests on two promises: too few to call it "kept most".
    assert summary.most.label == "Empathy"
    assert summary.least.label == "Reliability"
    assert [(r.label, r.rate, r.shown_rate) for r in summary.records] == [
        ("Empathy", 75, 75),
        ("Reliability", 25, 25),
        ("Transparency", 100, None),
        ("Patience", None, None),
    ]


def test_a_rate_is_shown_only_after_five_kept_or_missed(user):
    for _ in range(3):
        resolved(user, KEPT)
    resolved(user, MISSED)
    resolved(user, RENEGOTIATED)
    window = insights.consistency(user)[30]
    assert (window.rate, window.shown_rate) == (75, None)
    resolved(user, KEPT)
    assert insights.consistency(user)[30].shown_rate == 80


def test_a_chart_summarises_its_trend_in_words():
    chart = line_chart(
        "t", "Felt trust", [(day(6, 1), 4), (day(6, 8), None), (day(6, 15), 7)], TRUST
    )
    assert chart.summary == (
        "Felt trust, on a scale of 1 to 10: rising, from 4 (1 Jun) to 7 (15 Jun); "
        "lowest 4, highest 7."
    )
    assert chart.segments == []  # the gap breaks the line; the dots remain
    assert len(chart.dots) == 2
    falling = line_chart("f", "Connection", [(day(6, 1), 4.5), (day(6, 2), 2.0)], CONNECTION)
    assert "falling" in falling.summary
    steady = line_chart("s", "Communication", [(day(6, 1), 3), (day(6, 2), 3.1)], COMMUNICATION)
    assert "steady" in steady.summary


def test_points_sit_at_their_dates_on_the_x_axis():
    points = [(day(6, 1), 4), (day(6, 2), 5), (day(6, 3), 6), (day(6, 30), 7)]
    chart = line_chart("t", "Felt trust", points, TRUST)
    xs = [float(x) for x, _, _ in chart.dots]
    gaps = [b - a for a, b in itertools.pairwise(xs)]
    assert gaps[0] == pytest.approx(gaps[1], abs=0.2)
    assert gaps[2] == pytest.approx(27 * gaps[0], abs=1)
    assert xs[0] == chart.left
    assert xs[-1] == chart.right_edge


def test_the_y_axis_shows_the_whole_scale_and_the_latest_point_is_labelled():
    trust = line_chart("t", "Felt trust", [(day(6, 1), 4), (day(6, 9), 6.5)], TRUST)
    assert [label for _, label in trust.y_ticks] == ["1", "4", "7", "10"]
    assert trust.last.label == "6.5"
    # The last point is at the right edge: its label ends there rather than being cut off.
    assert trust.last.anchor == "end"
    five = line_chart("c", "Connection", [(day(6, 1), 4)], CONNECTION)
    assert [label for _, label in five.y_ticks] == ["1", "2", "3", "4", "5"]


def test_the_x_axis_is_labelled_with_dates_that_stay_inside_the_chart():
    chart = line_chart("t", "Felt trust", [(day(11, 1), 4), (day(11, 30), 6)], TRUST)
    assert [label for _, label, _ in chart.x_labels] == ["1 Nov", "11 Nov", "20 Nov", "30 Nov"]
    assert [anchor for _, _, anchor in chart.x_labels] == ["start", "middle", "middle", "end"]
    assert float(chart.x_labels[-1][0]) <= chart.width


def test_a_chart_runs_over_the_period_asked_for():
    chart = line_chart("t", "Felt trust", [(day(6, 10), 4)], TRUST, start=day(6, 1), end=day(6, 30))
    x = float(chart.dots[0][0])
    assert chart.left < x < chart.right_edge
    assert chart.x_labels[0][1] == "1 Jun"


def test_an_empty_chart_says_so():
    chart = line_chart("e", "Felt trust", [(day(6, 1), None)], TRUST)
    assert chart.empty
    assert chart.summary == "Felt trust: no check-ins in this period yet."


def test_the_insights_page_draws_accessible_svg_charts_with_a_table(owner_client, user):
    make_checkin(user, date=timezone.localdate() - datetime.timedelta(days=7), trust=4)
    make_checkin(user, trust=8)
    text = owner_client.get(reverse("journal:insights")).content.decode()
    assert text.count('role="img"') == 3
    assert 'aria-labelledby="trend-trust-title trend-trust-desc"' in text
    assert '<title id="trend-trust-title">' in text
    assert "rising, from 4" in text
    assert 'id="ratings-table"' in text
    assert "<polyline" in text
    assert " style=" not in text
    assert "<script>" not in text


def test_the_insights_page_shows_rates_streak_stages_and_strategies(owner_client, user):
    lesson = make_lesson(make_stage("roots", 1, "Roots of distrust"))
    make_checkin(user, lesson=lesson, stage=lesson.stage)
    resolved(user, KEPT, strategy="empathy")
    resolved(user, MISSED, strategy="reliability")
    resolved(user, RENEGOTIATED, strategy="patience")
    text = owner_client.get(reverse("journal:insights")).content.decode()
    assert re.search(
        r"Last 7 days</h3>\s*<p class=\"small\">1 kept · 1 missed · 1 renegotiated early</p>", text
    )
    assert "50%" not in text  # counts, until there are enough for a percentage
    assert "<strong>1</strong> week in a row" in text
    assert "Roots of distrust" in text
    assert "<strong>Empathy</strong>: 1 kept, 0 missed" in text


def test_the_insights_page_shows_rates_once_there_are_enough(owner_client, user):
    make_checkin(user)
    for status in (KEPT, KEPT, KEPT, KEPT, MISSED):
        resolved(user, status, strategy="empathy")
    resolved(user, KEPT, strategy="reliability")
    for _ in range(5):
        resolved(user, MISSED, strategy="reliability")
    text = owner_client.get(reverse("journal:insights")).content.decode()
    assert '<p class="big-number">45%</p>' in text
    assert "Kept most: <strong>Empathy</strong> (80%)" in text


def test_insights_for_a_new_person_say_what_will_appear_and_how_to_start(owner_client):
    text = owner_client.get(reverse("journal:insights")).content.decode()
    assert "Your insights grow here" in text
    assert f'href="{reverse("journal:checkin_new")}"' in text
    assert "data-table" not in text
    assert "0 weeks" not in text
    assert "Last 7 days" not in text


def test_the_dashboard_shows_rate_streak_chart_and_next_lesson(owner_client, user):
    lesson = make_lesson(title="What trust is")
    make_checkin(user, trust=5)
    for status in (KEPT, KEPT, KEPT, KEPT, MISSED):
        resolved(user, status)
    text = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert '<span class="big-number">80%</span>' in text
    assert "<strong>1</strong> week in a row" in text
    assert 'role="img"' in text
    assert "What trust is" in text
    assert lesson.get_absolute_url() in text


def test_the_dashboard_counts_before_it_gives_a_percentage(owner_client, user):
    resolved(user, KEPT)
    resolved(user, MISSED)
    text = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert "50%" not in text
    assert "<strong>1 kept</strong>, 1 missed" in text


def test_the_dashboard_never_says_zero_weeks_in_a_row(owner_client, user):
    make_checkin(user, date=timezone.localdate() - datetime.timedelta(days=30))
    text = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert "0 weeks" not in text
    assert "Check in this week to start a new run of weeks." in text


def test_the_dashboard_welcomes_a_new_person_with_two_first_steps(owner_client):
    text = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert "Your journal starts with two small things" in text
    assert f'href="{reverse("journal:checkin_new")}"' in text
    assert "Keeping your word" not in text
    assert "0 weeks" not in text
