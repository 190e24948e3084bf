"""Server-rendered SVG line charts: geometry here, markup in templates/journal/includes/chart.html.

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
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import date_format

from .scales import Scale

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


def fmt(value: float) -> str:
    """A rating as people read it: 7, 6.5, 4.3 (never a locale's decimal comma)."""
    return f"{value:.1f}".removesuffix(".0")


def day_label(day: datetime.date) -> str:
    return date_format(day, "j M")


def trend_word(first: float, last: float, low: int, high: int) -> str:
    # A change under a twentieth of the scale is noise, not a trend.
    threshold = (high - low) / 20
    if last - first > threshold:
        return "rising"
    if first - last > threshold:
        return "falling"
    return "steady"


def describe(title: str, points: Sequence[Point], low: int, high: int) -> str:
    known = [(day_label(day), value) for day, value in points if value is not None]
    scale = f"on a scale of {low} to {high}"
    if not known:
        return f"{title}: no check-ins in this period yet."
    if len(known) == 1:
        label, value = known[0]
        return f"{title}, {scale}: one value so far, {fmt(value)} ({label})."
    (first_label, first), (last_label, last) = known[0], known[-1]
    values = [value for _, value in known]
    return (
        f"{title}, {scale}: {trend_word(first, last, low, high)}, "
        f"from {fmt(first)} ({first_label}) to {fmt(last)} ({last_label}); "
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

    labels = x_label_days(start, end)
    for i, day in enumerate(labels):
        if len(labels) == 1:
            anchor = "middle"
        else:
            anchor = "start" if i == 0 else "end" if i == len(labels) - 1 else "middle"
        chart.x_labels.append((f"{x_of(day):.1f}", day_label(day), anchor))

    segment: list[str] = []
    for day, value in points:
        if value is None:
            if segment:
                chart.segments.append(" ".join(segment))
            segment = []
            continue
        point = (f"{x_of(day):.1f}", f"{y_of(value):.1f}")
        segment.append(",".join(point))
        chart.dots.append((*point, f"{day_label(day)}: {fmt(value)}"))
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
