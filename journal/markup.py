"""format_html() for markup built in Python, without Django's per-value wrapper.

Rows that repeat (commitments, chart points, a share's cards) are built in Python
rather than in template loops. format_html() escapes each value through
conditional_escape(), whose keep_lazy wrapper scans every argument for lazy strings
and cost more than the escaping: a dashboard made ~350 such calls. This escapes
exactly as it does.
"""

import html
import re
from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

_UNSAFE = re.compile("[&<>\"']").search


def escaped(value: object) -> str:
    """conditional_escape(value): safe markup as it is, anything else escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    text = str(value)
    return html.escape(text) if _UNSAFE(text) else text


def html_of(template: str, *args: object, **kwargs: object) -> SafeString:
    """format_html(template, *args, **kwargs), each value escaped once as it escapes them."""
    # Safe: `template` is the caller's constant markup and every value put into it is
    # escaped here as conditional_escape() would (tests/journal/test_html_of.py checks
    # this against format_html with hostile text).
    markup = template.format(
        *[escaped(arg) for arg in args],
        **{name: escaped(value) for name, value in kwargs.items()},
    )
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703


def html_join(separator: str, template: str, rows: Iterable[Iterable[object]]) -> SafeString:
    """format_html_join(separator, template, rows), each value escaped as html_of does."""
    # Safe: as in html_of, the template is constant and every value is escaped here.
    markup = separator.join(template.format(*[escaped(value) for value in row]) for row in rows)
    return mark_safe(markup)  # noqa: S308  # nosec B308 B703
