"""A frozen summary made ready to show: charts, and the repetitive markup built once.

Drawn from the snapshot rather than the live journal. The snapshot's dates are parsed
once here, and the rows that repeat (a check-in's ratings, the kept commitments) are
built in Python with every value escaped (journal.charts.escaped_rows) rather than in
template loops: a month's summary has ninety rating cells and fifty kept commitments,
and each template lookup costs more than a whole row built here.
"""

import datetime
from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from journal.charts import (
    Chart,
    date_formatter,
    escaped_rows,
    line_chart,
    weekday_labeller,
)
from journal.markup import html_join, html_of
from journal.scales import SCALES

as_date = datetime.date.fromisoformat

# The table's head depends only on the scales: built once per process.
RATINGS_HEAD = format_html_join(
    "",
    '<th scope="col">{} <span class="muted">{}\u2013{}</span></th>',
    ((scale.name, scale.low, scale.high) for scale in SCALES),
)
_ROW = (
    "\n              "
    + '<tr><th scope="row">{}</th>'
    + "<td>{}</td>" * len(SCALES)
    + "</tr>\n            "
)


@dataclass(frozen=True)
class Ratings:
    """What the summary's ratings section shows, as markup where it repeats."""

    averages: SafeString  # "felt trust 6.5 out of 10, communication ..."
    head: SafeString
    rows: SafeString


def summary_charts(
    snapshot: dict, days: list[datetime.date], start: datetime.date, end: datetime.date
) -> list[Chart]:
    points = snapshot["ratings"]["points"]
    return [
        line_chart(
            f"share-{scale.field}",
            scale.name,
            [(day, p[scale.field]) for day, p in zip(days, points, strict=True)],
            scale,
            series=series,
            start=start,
            end=end,
        )
        for series, scale in enumerate(SCALES, start=1)
    ]


def ratings_markup(ratings: dict, days: list[datetime.date]) -> Ratings:
    averages = ratings["averages"]
    label_of = weekday_labeller()
    fields = [scale.field for scale in SCALES]
    return Ratings(
        averages=format_html_join(
            ", ",
            "{} {} out of {}",
            # localize(): the number exactly as the template printed it before.
            (
                (scale.name.lower(), localize(averages.get(scale.field)), scale.high)
                for scale in SCALES
            ),
        ),
        head=RATINGS_HEAD,
        rows=escaped_rows(
            _ROW,
            (
                (label_of(day), *(point[field] for field in fields))
                for day, point in zip(days, ratings["points"], strict=True)
            ),
        ),
    )


def kept_markup(texts: list[str]) -> SafeString:
    """The kept commitments' list items: the owner's own words, escaped."""
    return escaped_rows("<li>{}</li>", ((text,) for text in texts))


# A chosen check-in's answers, in the order the card shows them.
ANSWERS = (
    ("working", "What is working:"),
    ("needs_work", "What needs work:"),
    ("appreciation", "Something appreciated:"),
)
_CARD = (
    '\n        <div class="card">\n          <h4>{}</h4>\n          {}\n          {}\n          {}'
    "\n        </div>\n      "
)


def _answer(label: str, text: str | None) -> SafeString | str:
    # linebreaksbr as the template filter runs it: escaped, then newlines as <br>.
    if not text:
        return ""
    return html_of("<p><strong>{}</strong> {}</p>", label, linebreaksbr(text))


def reflection_cards(reflections: list[dict]) -> SafeString:
    """A card per chosen check-in: its day and the owner's own words, escaped."""
    return mark_safe(  # noqa: S308  # nosec B308 B703
        # Safe: every value is escaped by html_of (the answers are safe
        # markup built by _answer from escaped text).
        "".join(
            html_of(_CARD, r["day"], *(_answer(label, r.get(key)) for key, label in ANSWERS))
            for r in reflections
        )
    )


def summary_context(snapshot: dict, message: str) -> dict:
    """What sharing/includes/summary.html needs; the snapshot's ISO dates become dates."""
    start, end = as_date(snapshot["period_start"]), as_date(snapshot["period_end"])
    # Dates spelt here with the month and weekday words looked up once: the template's
    # date filter costs ~40 µs a date.
    reflection_day = date_formatter("l j F")
    summary = {
        **snapshot,
        "period_start": start,
        "period_end": end,
        "period_from": date_formatter("j F")(start),
        "period_to": date_formatter("j F Y")(end),
        "reflections": [
            {**r, "date": (day := as_date(r["date"])), "day": reflection_day(day)}
            for r in snapshot.get("reflections", [])
        ],
    }
    summary["reflection_cards"] = reflection_cards(summary["reflections"])
    charts: list[Chart] = []
    ratings = snapshot.get("ratings")
    if ratings:
        days = [as_date(p["date"]) for p in ratings["points"]]
        charts = summary_charts(snapshot, days, start, end)
        summary["ratings"] = ratings_markup(ratings, days)
        # The figures one after another: a template loop over three charts cost more
        # than drawing one of them.
        summary["figures"] = html_join("\n", "{}", ((chart.figure,) for chart in charts))
    consistency = snapshot.get("consistency")
    if consistency:
        summary["consistency"] = {
            **consistency,
            "decided": consistency["kept"] + consistency["missed"],
            "kept_items": kept_markup(consistency["kept_commitments"]),
        }
    return {"summary": summary, "message": message, "charts": charts}
