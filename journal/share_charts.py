"""Charts for a frozen summary, drawn from the snapshot rather than the live journal."""

import datetime

from .charts import Chart, line_chart

RATINGS = (
    ("trust", "Feeling secure", 10, 1),
    ("communication", "Communication", 5, 2),
    ("connection", "Connection", 5, 3),
)


def summary_charts(snapshot: dict) -> list[Chart]:
    ratings = snapshot.get("ratings")
    if not ratings:
        return []
    points = ratings["points"]
    labels = [datetime.date.fromisoformat(p["date"]).strftime("%-d %b") for p in points]
    return [
        line_chart(
            f"share-{key}",
            title,
            [(label, p[key]) for label, p in zip(labels, points, strict=True)],
            low=1,
            high=top,
            series=series,
        )
        for key, title, top, series in RATINGS
    ]
