"""The insights page's repeated markup, built in Python.

The weekly table, the ratings by stage and the strategies list were a template loop
each, with a filter or two per cell: most of the page's rendering time outside its
charts. The markup is the same, built with journal.markup's html_of and html_join:
they escape every value as format_html does (stage titles come from the course
content), without its per-value lazy-string wrapper (~100 calls a page).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.safestring import SafeString

from ..insights import StageRatings, StrategyRecord, WeekRatings
from ..markup import html_join, html_of
from ..scales import SCALES
from .rows import day_names

TENTH = Decimal("0.1")
# A week without check-ins: a dash in each rating's cell.
NO_CELLS = html_join("", '<td class="{}">{}</td>', [("muted", "\N{EN DASH}")] * len(SCALES))


def one_decimal(value: float | None) -> str:
    """A number as the template filter floatformat:"-1" shows it: 7, 6.5, 7.0 for 6.96.

    Rounded half up, from the number's shortest repr, like the filter (an f-string
    would round 6.25 down to 6.2).
    """
    if value is None:
        return ""
    number = Decimal(repr(value))
    if number == number.to_integral_value():
        return str(int(number))
    return str(number.quantize(TENTH, rounding=ROUND_HALF_UP))


def plural(count: int) -> str:
    return "" if count == 1 else "s"


def week_rows(weeks: list[WeekRatings]) -> SafeString:
    """The rows of the weekly averages table."""

    def cells(week: WeekRatings) -> SafeString:
        if not week.count:
            return NO_CELLS
        return html_join(
            "",
            "<td>{}</td>",
            ((one_decimal(getattr(week, scale.field)),) for scale in SCALES),
        )

    # "j M Y", as the date filter shows it, without a DateFormat per row.
    months = day_names()[1]
    return html_join(
        "\n",
        '<tr><th scope="row">{} {} {}</th>{}<td>{}</td></tr>',
        (
            (
                week.week.day,
                months[week.week.month],
                f"{week.week.year:04d}",
                cells(week),
                week.count,
            )
            for week in weeks
        ),
    )


def stage_items(stages: list[StageRatings]) -> SafeString:
    """The cards of the ratings by stage."""

    def ratings(stage: StageRatings) -> SafeString:
        return html_join(
            "",
            "<div><dt>{}</dt><dd>{} / {}</dd></div>",
            (
                (scale.name, one_decimal(getattr(stage, scale.field)), scale.high)
                for scale in SCALES
            ),
        )

    return html_join(
        "\n",
        '<li class="card stage-row"><h3 class="stat__title">{} '
        '<span class="muted small">· {} check-in{}</span></h3>'
        '<dl class="ratings">{}</dl></li>',
        ((stage.title, stage.count, plural(stage.count), ratings(stage)) for stage in stages),
    )


def strategy_items(records: list[StrategyRecord]) -> SafeString:
    """The list of strategies, each with its counts and (with enough behind it) a rate."""

    def item(record: StrategyRecord) -> SafeString:
        rate = record.shown_rate
        return html_of(
            "<li><strong>{}</strong>: {} kept, {} missed{}{}</li>",
            record.label,
            record.kept,
            record.missed,
            html_of(", {} renegotiated", record.renegotiated) if record.renegotiated else "",
            html_of(' <span class="tag">{}% kept</span>', rate) if rate is not None else "",
        )

    return html_join("\n", "{}", ((item(record),) for record in records))
