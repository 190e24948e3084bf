"""Server-rendered SVG line charts: geometry here, markup in templates/journal/includes/chart.html.

No chart library and no JavaScript: the page stays readable without scripts,
under the strict Content Security Policy, and for screen readers (each chart
carries a text summary and a data table sits beneath it).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from .scales import Scale

WIDTH = 600
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 36, 16, 14, 30
MAX_X_LABELS = 7


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
    y_ticks: list[tuple[str, str]] = field(default_factory=list)
    x_labels: list[tuple[str, str]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)
    dots: list[tuple[str, str, str]] = field(default_factory=list)
    empty: bool = False


def fmt(value: float) -> str:
    """A rating as people read it: 7, 6.5, 4.3 (never a locale's decimal comma)."""
    return f"{value:.1f}".removesuffix(".0")


def trend_word(first: float, last: float, low: int, high: int) -> str:
    # A change under a twentieth of the scale is noise, not a trend.
    threshold = (high - low) / 20
    if last - first > threshold:
        return "rising"
    if first - last > threshold:
        return "falling"
    return "steady"


def describe(title: str, points: Sequence[tuple[str, float | None]], low: int, high: int) -> str:
    known = [(label, value) for label, value in points if value is not None]
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


def line_chart(
    chart_id: str,
    title: str,
    points: Sequence[tuple[str, float | None]],
    scale: Scale,
    series: int = 1,
) -> Chart:
    """A line through the known points; a missing value breaks the line."""
    low, high = scale.low, scale.high
    chart = Chart(
        id=chart_id, title=title, summary=describe(title, points, low, high), series=series
    )
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def y_of(value: float) -> float:
        return TOP + (high - value) / (high - low) * plot_h

    step = 1 if high - low <= 5 else 2
    for tick in range(low, high + 1, step):
        chart.y_ticks.append((f"{y_of(tick):.1f}", str(tick)))

    n = len(points)
    chart.empty = all(value is None for _, value in points)
    if n == 0:
        return chart
    gap = plot_w / (n - 1) if n > 1 else 0
    every = max(1, -(-n // MAX_X_LABELS))
    segment: list[str] = []
    for i, (label, value) in enumerate(points):
        x = LEFT + (gap * i if n > 1 else plot_w / 2)
        if i % every == 0:
            chart.x_labels.append((f"{x:.1f}", label))
        if value is None:
            if segment:
                chart.segments.append(" ".join(segment))
            segment = []
            continue
        point = (f"{x:.1f}", f"{y_of(value):.1f}")
        segment.append(",".join(point))
        chart.dots.append((*point, f"{label}: {fmt(value)}"))
    if segment:
        chart.segments.append(" ".join(segment))
    # A lone point has no line; its dot shows it.
    chart.segments = [s for s in chart.segments if " " in s]
    return chart
