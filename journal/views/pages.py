from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import format_html_join
from django.views.decorators.http import require_safe

from guides.progress import next_lesson_for
from guides.start_here import path_for
from trustrepair.http import AuthenticatedHttpRequest

from .. import insights
from ..charts import line_chart, weekly_charts
from ..forms import TimelineFilterForm
from ..models import local_now
from ..scales import TRUST
from ..suggestions import SUGGESTIONS
from ..timeline import timeline_page
from . import insight_html
from .dashboard_reads import open_rows, recent_checkins
from .rows import RowBuilder, pk_url

OPEN_SHOWN = 12
RECENT_CHECKINS = 12


@login_required
@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    open_commitments = open_rows(user, OPEN_SHOWN + 1)
    recent = recent_checkins(user, RECENT_CHECKINS)
    latest = recent[0] if recent else None
    if latest is not None:
        latest["url"] = pk_url("journal:checkin_detail")(latest["pk"])
    today = local_now().date()
    trust_chart = line_chart(
        "trust-recent",
        "Felt trust in your recent check-ins",
        [(c["date"], c["trust"]) for c in reversed(recent)],
        TRUST,
        end=today,
    )
    consistency = insights.consistency(user, (30,))[30]
    your_path = path_for(user)
    rows = RowBuilder(request)
    return render(
        request,
        "journal/dashboard.html",
        {
            "open_commitments": open_commitments[:OPEN_SHOWN],
            "commitment_rows": format_html_join(
                "\n", "{}", ((rows.row(row),) for row in open_commitments[:OPEN_SHOWN])
            ),
            "more_open": len(open_commitments) > OPEN_SHOWN,
            "latest": latest,
            "today_checkin": latest if latest is not None and latest["date"] == today else None,
            "trust_chart": trust_chart,
            "consistency": consistency,
            "streak": insights.weekly_streak(user, today),
            # With a path, its next lesson is the one to show; the course's is not asked for.
            "next_lesson": None if your_path else next_lesson_for(user),
            "suggestions": SUGGESTIONS,
            "is_new": latest is None and not open_commitments and not consistency.resolved,
            "your_path": your_path,
        },
    )


@login_required
@require_safe
def timeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    filter_form = TimelineFilterForm(request.GET)
    page = timeline_page(request.user, filter_form.filters(), request.GET.get("page"))
    return render(
        request,
        "journal/timeline.html",
        {
            "filter_form": filter_form,
            "page": page,
            "filtered": bool(filter_form.filters()),
            "suggestions": SUGGESTIONS,
        },
    )


@login_required
@require_safe
def insights_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    weeks = insights.weekly_ratings(user)
    charts = weekly_charts("trend", weeks)
    stages = insights.ratings_by_stage(user)
    strategies = insights.strategies(user)
    return render(
        request,
        "journal/insights.html",
        {
            "windows": list(insights.consistency(user).values()),
            "streak": insights.weekly_streak(user),
            "weeks": weeks,
            "week_rows": insight_html.week_rows(weeks),
            "charts": charts,
            "stages": stages,
            "stage_items": insight_html.stage_items(stages),
            "strategies": strategies,
            "strategy_items": insight_html.strategy_items(strategies.records),
            "next_lesson": next_lesson_for(user),
            "rate_min": insights.RATE_MIN,
            # Nothing to count yet: the page says what will appear, and how to start.
            "is_new": not stages and not strategies.records,
        },
    )
