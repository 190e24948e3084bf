"""Charts for a frozen summary, drawn from the snapshot rather than the live journal."""

import datetime

from journal.charts import Chart, line_chart
from journal.scales import SCALES


def summary_charts(snapshot: dict) -> list[Chart]:
    ratings = snapshot.get("ratings")
    if not ratings:
        return []
    as_date = datetime.date.fromisoformat
    points = ratings["points"]
    days = [as_date(p["date"]) for p in points]
    return [
        line_chart(
            f"share-{scale.field}",
            scale.name,
            [(day, p[scale.field]) for day, p in zip(days, points, strict=True)],
            scale,
            series=series,
            start=as_date(snapshot["period_start"]),
            end=as_date(snapshot["period_end"]),
        )
        for series, scale in enumerate(SCALES, start=1)
    ]


def readable_dates(snapshot: dict) -> dict:
    """The snapshot with its ISO date strings as dates, for the template to format."""
    as_date = datetime.date.fromisoformat
    summary = {
        **snapshot,
        "period_start": as_date(snapshot["period_start"]),
        "period_end": as_date(snapshot["period_end"]),
        "reflections": [{**r, "date": as_date(r["date"])} for r in snapshot.get("reflections", [])],
    }
    if snapshot.get("ratings"):
        summary["ratings"] = {
            **snapshot["ratings"],
            "points": [{**p, "date": as_date(p["date"])} for p in snapshot["ratings"]["points"]],
        }
    return summary
