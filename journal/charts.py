"""Server-rendered SVG line charts: geometry, and the markup itself (`Chart.figure`).

No chart library and no JavaScript: the page stays readable without scripts,
under the strict Content Security Policy, and for screen readers (each chart
carries a text summary and a data table sits beneath it).

Drawn for a phone first: the drawing is 380 units wide, about the width it is shown
at on a phone, so its 14-unit labels read at 11 px or more there (the stylesheet makes
them smaller in units where the chart is drawn larger). The x axis is time: a point
sits at its date, so three check-ins in one week and one a month later are spaced as
they happened. The y axis always runs the whole scale, and the latest point carries
its value.
"""

import datetime
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .markup import html_of
from .scales import SCALES, Scale

WIDTH = 380
HEIGHT = 210
LEFT, RIGHT, TOP, BOTTOM = 28, 12, 24, 30
X_LABELS = 4
# Roughly how wide a 14-unit label is, per character: keeps end labels inside the box.
CHAR_WIDTH = 7.5

type Point = tuple[datetime.date, float | None]


@dataclass
class LastPoint:
    x: str
    y: str
    label: str
    anchor: str


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    series: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    axis_y: int = HEIGHT - BOTTOM
    y_ticks: list[tuple[str, str]] = field(default_factory=list)
    x_labels: list[tuple[str, str, str]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    dots: list[tuple[str, str, str]] = field(default_factory=list)
    last: LastPoint | None = None
    empty: bool = False

    @property
    def figure(self) -> SafeString:
        """The chart as markup: `{{ chart.figure }}` (see `figure_html`)."""
        return figure_html(self)


def fmt(value: float) -> str:
    """A rating as people read it: 7, 6.5, 4.3 (never a locale's decimal comma)."""
    return f"{value:.1f}".removesuffix(".0")


@lru_cache(maxsize=32)
def _month_words(language: str | None, code: str = "M") -> tuple[str, ...]:
    # Formatting a date through Django costs ~15 µs and a chart labels a hundred; only
    # the month's word needs the translation machinery. Twelve words per language and
    # code ("M" Jun, "F" June), not anyone's data, so they are kept for the life of the
    # process. Index 0 is unused.
    return ("", *(date_format(datetime.date(2000, month, 1), code) for month in range(1, 13)))


@lru_cache(maxsize=32)
def _weekday_words(language: str | None, code: str = "D") -> tuple[str, ...]:
    # Indexed by date.weekday() ("D" Tue, "l" Tuesday); 1 Jan 2024 was a Monday.
    return tuple(date_format(datetime.date(2024, 1, 1 + day), code) for day in range(7))


def _month_part(words: tuple[str, ...]) -> Callable[[datetime.date], str]:
    return lambda day: words[day.month]


def _weekday_part(words: tuple[str, ...]) -> Callable[[datetime.date], str]:
    return lambda day: words[day.weekday()]


def date_formatter(format_string: str) -> Callable[[datetime.date], str]:
    """date_format(day, format_string) for formats of j, Y, M, F, D and l between spaces
    ("l j F"), with the language's words looked up once."""
    language = get_language()
    parts: list[Callable[[datetime.date], str]] = []
    for code in format_string.split(" "):
        if code == "j":
            parts.append(lambda day: str(day.day))
        elif code == "Y":
            parts.append(lambda day: f"{day.year:04d}")
        elif code in ("M", "F"):
            parts.append(_month_part(_month_words(language, code)))
        elif code in ("D", "l"):
            parts.append(_weekday_part(_weekday_words(language, code)))
        else:
            raise ValueError(f"Unsupported date format code: {code!r}")
    return lambda day: " ".join(part(day) for part in parts)


def day_labeller() -> Callable[[datetime.date], str]:
    """day_label for many days: the active language is looked up once (~5 µs each)."""
    months = _month_words(get_language())
    return lambda day: f"{day.day} {months[day.month]}"


def weekday_labeller() -> Callable[[datetime.date], str]:
    """`D j M` ("Tue 4 Jun") for many days, as date_format spells it."""
    language = get_language()
    months, weekdays = _month_words(language), _weekday_words(language)
    return lambda day: f"{weekdays[day.weekday()]} {day.day} {months[day.month]}"


def day_label(day: datetime.date) -> str:
    """`j M` ("4 Jun"), as date_format spells it in the active language."""
    return f"{day.day} {_month_words(get_language())[day.month]}"


def trend_word(first: float, last: float, low: int, high: int) -> str:
    # A change under a twentieth of the scale is noise, not a trend.
    threshold = (high - low) / 20
    if last - first > threshold:
        return "rising"
    if first - last > threshold:
        return "falling"
    return "steady"


def describe(title: str, points: Sequence[Point], low: int, high: int) -> str:
    known = [(day, value) for day, value in points if value is not None]
    scale = f"on a scale of {low} to {high}"
    if not known:
        return f"{title}: no check-ins in this period yet."
    if len(known) == 1:
        day, value = known[0]
        return f"{title}, {scale}: one value so far, {fmt(value)} ({day_label(day)})."
    # Only the ends are named in words: label those two days, not every point.
    (first_day, first), (last_day, last) = known[0], known[-1]
    values = [value for _, value in known]
    return (
        f"{title}, {scale}: {trend_word(first, last, low, high)}, "
        f"from {fmt(first)} ({day_label(first_day)}) to {fmt(last)} ({day_label(last_day)}); "
        f"lowest {fmt(min(values))}, highest {fmt(max(values))}."
    )


def y_tick_values(scale: Scale) -> list[int]:
    """Both ends always; 1-5 every step, 1-10 in threes (1, 4, 7, 10)."""
    span = scale.high - scale.low
    step = 1 if span <= 5 else max(1, span // 3)
    ticks = list(range(scale.low, scale.high + 1, step))
    if ticks[-1] != scale.high:
        ticks.append(scale.high)
    return ticks


def x_label_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    span = (end - start).days
    if span <= 0:
        return [start]
    count = min(X_LABELS, span + 1)
    days = [start + datetime.timedelta(days=round(span * i / (count - 1))) for i in range(count)]
    return list(dict.fromkeys(days))


def line_chart(
    chart_id: str,
    title: str,
    points: Sequence[Point],
    scale: Scale,
    series: int = 1,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Chart:
    """A line through the known points, each at its date; a missing value breaks the line.

    `start` and `end` are the period the x axis shows (by default, the points' own).
    """
    low, high = scale.low, scale.high
    chart = Chart(
        id=chart_id, title=title, summary=describe(title, points, low, high), series=series
    )
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    chart.y_ticks = [(f"{y_of(tick):.1f}", str(tick)) for tick in y_tick_values(scale)]
    chart.empty = all(value is None for _, value in points)
    if not points:
        return chart
    start = min(start or points[0][0], points[0][0])
    end = max(end or points[-1][0], points[-1][0])
    span = (end - start).days

    def x_of(day: datetime.date) -> float:
        return LEFT + ((day - start).days / span * plot_w if span else plot_w / 2)

    label_of = day_labeller()
    labels = x_label_days(start, end)
    for i, day in enumerate(labels):
        if len(labels) == 1:
            anchor = "middle"
        else:
            anchor = "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
        chart.x_labels.append((f"{x_of(day):.1f}", label_of(day), anchor))

    # The loop over every point, with x_of, y_of, label_of and fmt written out: a chart
    # of a hundred points spent most of its time in those calls. Same arithmetic.
    segment: list[str] = []
    dots = chart.dots
    months = _month_words(get_language())
    first_day, y_span = start.toordinal(), high - low
    for day, value in points:
        if value is None:
            if segment:
                chart.segments.append(" ".join(segment))
            segment = []
            continue
        days_in = day.toordinal() - first_day
        cx = f"{LEFT + (days_in / span * plot_w if span else plot_w / 2):.1f}"
        cy = f"{TOP + (high - value) / y_span * plot_h:.1f}"
        segment.append(f"{cx},{cy}")
        shown = f"{value:.1f}".removesuffix(".0")
        dots.append((cx, cy, f"{day.day} {months[day.month]}: {shown}"))
    if segment:
        chart.segments.append(" ".join(segment))
    # A lone point has no line; its dot shows it.
    chart.segments = [s for s in chart.segments if " " in s]

    known = [(day, value) for day, value in points if value is not None]
    if known:
        day, value = known[-1]
        x, y = x_of(day), y_of(value)
        text = fmt(value)
        # Above the dot, or below it at the top of the scale; kept inside the box.
        label_y = y - 10 if y - 10 >= 14 else y + 22
        width = len(text) * CHAR_WIDTH
        anchor = "end" if x + width / 2 > WIDTH - 2 else "middle"
        if anchor == "middle" and x - width / 2 < 2:
            anchor = "start"
        chart.last = LastPoint(f"{x:.1f}", f"{label_y:.1f}", text, anchor)
    return chart


def weekly_charts(id_prefix: str, weeks: Sequence[Any]) -> list[Chart]:
    """One chart per rating scale through its weekly averages (insights.WeekRatings)."""
    return [
        line_chart(
            f"{id_prefix}-{scale.field}",
            f"{scale.name}, weekly average",
            [(week.week, getattr(week, scale.field)) for week in weeks],
            scale,
            series=series,
        )
        for series, scale in enumerate(SCALES, start=1)
    ]


# What html.escape would change; most values (numbers, dates) have none of it.
_UNSAFE = re.compile("[&<>\"']").search

# The chart's markup, built here rather than in a template: an insights page draws
# three charts of a hundred points, and a template loop costs ~10 µs per point. Every
# value is escaped, numbers included.


def escaped_rows(template: str, rows: Iterable[Iterable[object]]) -> SafeString:
    """format_html_join("", template, rows), with the same escaping, at a quarter of the
    cost: Django's escape() is html.escape() behind a lazy-string wrapper that costs more
    than the escaping itself, four times per dot. Unlike conditional_escape this would
    escape an already-safe string twice, which can only over-escape, never under."""
    escape, unsafe = html.escape, _UNSAFE
    # Safe: `template` is the caller's constant markup and every value put into it is
    # escaped on this line; a value with none of & < > " ' is left as it is, as
    # escaping would (tests/journal/test_charts.py checks this against
    # format_html_join with hostile text).
    markup = "".join(
        template.format(*[escape(text) if unsafe(text := str(value)) else text for value in row])
        for row in rows
    )
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703


def with_constants(template: str, **constants: object) -> str:
    """`template` with the values that are the same on every row put in once, escaped
    (and its braces doubled, so the result is still a template for escaped_rows)."""
    for name, value in constants.items():
        text = html.escape(str(value)).replace("{", "{{").replace("}", "}}")
        template = template.replace("{" + name + "}", text)
    return template


_FIGURE = (
    '<figure class="chart-figure">\n'
    '  <svg class="chart" viewBox="0 0 {width} {height}" role="img"'
    ' aria-labelledby="{id}-title {id}-desc" focusable="false">\n'
    '    <title id="{id}-title">{title}</title>\n'
    '    <desc id="{id}-desc">{summary}</desc>\n'
    "    {y_ticks}\n"
    "    {x_labels}\n"
    "    {segments}\n"
    "    {dots}\n"
    "    {last}\n"
    "  </svg>\n"
    '  <figcaption class="small muted" aria-hidden="true">{summary}</figcaption>\n'
    "</figure>\n"
)


def figure_html(chart: Chart) -> SafeString:
    """The accessible SVG figure: a title and a text description the image is labelled
    by, a caption repeating the description for sighted readers, and a title per dot."""
    series = chart.series
    last = chart.last
    return html_of(
        _FIGURE,
        width=chart.width,
        height=chart.height,
        id=chart.id,
        title=chart.title,
        summary=chart.summary,
        y_ticks=escaped_rows(
            with_constants(
                '<line class="axis" x1="{left}" x2="{right}" y1="{0}" y2="{0}" stroke-width="1"/>'
                '<text x="{label_x}" y="{0}" text-anchor="end" dominant-baseline="middle">'
                "{1}</text>",
                left=chart.left,
                right=chart.right_edge,
                label_x=chart.left - 6,
            ),
            chart.y_ticks,
        ),
        x_labels=escaped_rows(
            with_constants(
                '<text x="{0}" y="{label_y}" text-anchor="{2}">{1}</text>',
                label_y=chart.height - 8,
            ),
            chart.x_labels,
        ),
        segments=escaped_rows(
            with_constants(
                '<polyline class="line-{series}" points="{0}" fill="none" stroke-width="2.5"'
                ' stroke-linejoin="round" stroke-linecap="round"/>',
                series=series,
            ),
            ((points,) for points in chart.segments),
        ),
        dots=escaped_rows(
            with_constants(
                '<circle class="dot-{series}" cx="{0}" cy="{1}" r="4"><title>{2}</title></circle>',
                series=series,
            ),
            chart.dots,
        ),
        last=html_of(
            '<text class="chart__last" x="{}" y="{}" text-anchor="{}">{}</text>',
            last.x,
            last.y,
            last.anchor,
            last.label,
        )
        if last
        else "",
    )
