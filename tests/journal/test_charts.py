"""The chart markup built in Python: the same figure the template drew, every text escaped."""

import datetime

from django.template import Context, Engine
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from journal.charts import (
    date_formatter,
    day_label,
    day_labeller,
    escaped_rows,
    figure_html,
    line_chart,
    weekday_labeller,
    with_constants,
)
from journal.markup import html_of
from journal.scales import CONNECTION, TRUST

# The figure as templates/journal/includes/chart.html drew it before the markup moved
# into journal/charts.py: the Python-built figure must stay identical to it.
TEMPLATE_FIGURE = """<figure class="chart-figure">
  <svg class="chart" viewBox="0 0 {{ chart.width }} {{ chart.height }}" role="img" aria-labelledby="{{ chart.id }}-title {{ chart.id }}-desc" focusable="false">
    <title id="{{ chart.id }}-title">{{ chart.title }}</title>
    <desc id="{{ chart.id }}-desc">{{ chart.summary }}</desc>
    {% for y, label in chart.y_ticks %}<line class="axis" x1="{{ chart.left }}" x2="{{ chart.right_edge }}" y1="{{ y }}" y2="{{ y }}" stroke-width="1"/><text x="{{ chart.left|add:'-6' }}" y="{{ y }}" text-anchor="end" dominant-baseline="middle">{{ label }}</text>{% endfor %}
    {% for x, label, anchor in chart.x_labels %}<text x="{{ x }}" y="{{ chart.height|add:'-8' }}" text-anchor="{{ anchor }}">{{ label }}</text>{% endfor %}
    {% for points in chart.segments %}<polyline class="line-{{ chart.series }}" points="{{ points }}" fill="none" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>{% endfor %}
    {% for x, y, label in chart.dots %}<circle class="dot-{{ chart.series }}" cx="{{ x }}" cy="{{ y }}" r="4"><title>{{ label }}</title></circle>{% endfor %}
    {% if chart.last %}<text class="chart__last" x="{{ chart.last.x }}" y="{{ chart.last.y }}" text-anchor="{{ chart.last.anchor }}">{{ chart.last.label }}</text>{% endif %}
  </svg>
  <figcaption class="small muted" aria-hidden="true">{{ chart.summary }}</figcaption>
</figure>
"""  # noqa: E501 - the template's own lines


def day(month: int, dom: int) -> datetime.date:
    return datetime.date(2025, month, dom)


def template_figure(chart) -> str:
    return Engine().from_string(TEMPLATE_FIGURE).render(Context({"chart": chart}))


def test_the_python_figure_is_the_markup_the_template_drew():
    weekly = [(day(1, 6) + datetime.timedelta(weeks=i), i % 9 + 1.25) for i in range(104)]
    charts = [
        line_chart("t", "Felt trust", [(day(6, 1), 4), (day(6, 8), None), (day(6, 15), 7)], TRUST),
        line_chart("w", "Felt trust, weekly average", weekly, TRUST, series=2),
        line_chart("c", "Connection", [(day(6, 10), 4)], CONNECTION, 3, day(6, 1), day(6, 30)),
        line_chart("e", "Felt trust", [(day(6, 1), None)], TRUST),
        line_chart("n", "Felt trust", [], TRUST),
    ]
    for chart in charts:
        assert figure_html(chart) == template_figure(chart)
        assert chart.figure == template_figure(chart)


def test_every_text_in_the_figure_is_escaped():
    hostile = "<script>alert(\"x\")</script> & <b onmouseover='y'>"
    chart = line_chart(hostile, hostile, [(day(6, 1), 4), (day(6, 2), 5)], TRUST)
    chart.dots[0] = (hostile, hostile, hostile)
    html = figure_html(chart)
    assert "<script>" not in html
    assert "<b " not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b" in html
    assert 'cx="&lt;script&gt;' in html  # attribute values too
    assert html == template_figure(chart)


def test_escaped_rows_escapes_like_format_html_join():
    rows = [("<i>a</i>", 'say "hi"', "it's & more"), (1, 2.5, None)]
    template = '<tr title="{}"><td>{}</td><td>{}</td></tr>'
    assert escaped_rows(template, rows) == format_html_join("", template, rows)
    assert "<i>" not in escaped_rows(template, rows)


def test_html_of_escapes_like_format_html():
    values = ("<i>a</i>", 'say "hi"', "it's & more", 1, None, mark_safe("<b>kept</b>"))
    template = '<p title="{}">{} {} {} {} {}</p>'
    assert html_of(template, *values) == format_html(template, *values)
    named = {"a": "<script>", "b": mark_safe("<br>"), "c": 2.5}
    assert html_of("{a}{b}{c}", **named) == format_html("{a}{b}{c}", **named)
    assert "<script>" not in html_of("{a}", **named)


def test_constants_put_in_once_are_escaped_and_cannot_open_a_field():
    template = with_constants('<b class="{name}">{0}</b>', name='x" onclick="{0}<i>')
    assert escaped_rows(template, [("<u>",)]) == (
        '<b class="x&quot; onclick=&quot;{0}&lt;i&gt;">&lt;u&gt;</b>'
    )


def test_date_labels_are_spelt_as_date_format_spells_them():
    short, long = day_labeller(), weekday_labeller()
    for offset in range(366):
        date = datetime.date(2024, 1, 1) + datetime.timedelta(days=offset)
        assert short(date) == day_label(date) == date_format(date, "j M")
        assert long(date) == date_format(date, "D j M")
        for spelling in ("j F", "j F Y", "l j F", "D j M", "j M"):
            assert date_formatter(spelling)(date) == date_format(date, spelling)
