import datetime
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


def test_strategies_kept_most_and_least(user):
    for strategy, status, times in [
        ("empathy", KEPT, 3),
        ("empathy", MISSED, 1),
        ("reliability", KEPT, 1),
        ("reliability", MISSED, 3),
        ("transparency", KEPT, 2),
        ("patience", RENEGOTIATED, 1),
    ]:
        for _ in range(times):
            resolved(user, status, strategy=strategy)
    summary = insights.strategies(user)
    assert summary.most.label == "Transparency"
    assert summary.least.label == "Reliability"
    assert [(r.label, r.rate) for r in summary.records] == [
        ("Transparency", 100),
        ("Empathy", 75),
        ("Reliability", 25),
        ("Patience", None),
    ]


def test_a_chart_summarises_its_trend_in_words():
    chart = line_chart("t", "Felt trust", [("1 Jun", 4), ("8 Jun", None), ("15 Jun", 7)], TRUST)
    assert chart.summary == (
        "Felt trust, on a scale of 1 to 10: rising, from 4 (1 Jun) to 7 (15 Jun); "
        "lowest 4, highest 7."
    )
    assert chart.segments == []  # the gap breaks the line; the dots remain
    assert len(chart.dots) == 2
    falling = line_chart("f", "Connection", [("a", 4.5), ("b", 2.0)], CONNECTION)
    assert "falling" in falling.summary
    steady = line_chart("s", "Communication", [("a", 3), ("b", 3.1)], COMMUNICATION)
    assert "steady" in steady.summary


def test_an_empty_chart_says_so():
    chart = line_chart("e", "Felt trust", [("1 Jun", None)], TRUST)
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
        r"Last 7 days</th>\s*<td>1</td>\s*<td>1</td>\s*<td>50%</td>\s*<td>1</td>", text
    )
    assert "<strong>1</strong> week in a row" in text
    assert "Roots of distrust" in text
    assert "Kept most: <strong>Empathy</strong>" in text


def test_the_dashboard_shows_rate_streak_chart_and_next_lesson(owner_client, user):
    lesson = make_lesson(title="What trust is")
    make_checkin(user, trust=5)
    resolved(user, KEPT)
    resolved(user, KEPT)
    resolved(user, MISSED)
    text = owner_client.get(reverse("journal:dashboard")).content.decode()
    assert "67%" in text
    assert "<strong>1</strong> week in a row" in text
    assert 'role="img"' in text
    assert "What trust is" in text
    assert lesson.get_absolute_url() in text
