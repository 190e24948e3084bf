"""The dashboard's commitment rows, built in Python.

Each open commitment carries a status form with three buttons, a folded
renegotiation form and three URLs; as a template the twelve rows were most of the
dashboard's rendering time. The markup is the same, built as format_html does (every
value escaped, the person's words included); URLs are reversed once per process, and
the CSRF field is built once and shared by every row, as {% csrf_token %} does.
"""

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from guides.models import Strategy
from trustrepair.http import AuthenticatedHttpRequest

from ..markup import html_of
from ..models import Commitment, CommitmentStatus, local_now

# A number no database id reaches, standing in for the id while the URL is reversed.
PK_MARK = 987654321987
STAGE_MARK, LESSON_MARK = "stage-slug-mark", "lesson-slug-mark"

STRATEGY_LABELS: dict[str, str] = {str(value): str(label) for value, label in Strategy.choices}
STATUS_LABELS: dict[str, str] = {
    str(value): str(label) for value, label in CommitmentStatus.choices
}
OVERDUE_TAG = format_html('\n<span class="tag tag--warn">{}</span>', "Overdue")
ARIA_INVALID = format_html(' aria-invalid="{}"', "true")
STATUS_FORM_CLASS = format_html(' class="{}"', "status-form")


STATUS_TAG: dict[str, str] = {
    CommitmentStatus.KEPT: "tag--ok",
    CommitmentStatus.MISSED: "tag--danger",
}


# Keyed by URL names and marks written in this module (never by anything a request
# sends) and by the settings reverse() reads: bounded, and right if either changes.
@functools.lru_cache(maxsize=32)
def _reversed(name: str, args: tuple[object, ...], urlconf: str | None, prefix: str) -> str:
    return reverse(name, args=list(args), urlconf=urlconf)


def reversed_once(name: str, *args: object) -> str:
    """reverse(name, args=args), once per process: ~0.1 ms saved on each page's every call."""
    return _reversed(name, args, get_urlconf(settings.ROOT_URLCONF), get_script_prefix())


def pk_url(name: str) -> Callable[[int], str]:
    """The URL named `name` for any id, from one reverse() per process."""
    head, _, tail = reversed_once(name, PK_MARK).partition(str(PK_MARK))
    return lambda pk: f"{head}{pk}{tail}"


def lesson_url() -> Callable[[str, str], str]:
    """A lesson's URL from its stage's and its own slug, from one reverse()."""
    url = reversed_once("guides:lesson", STAGE_MARK, LESSON_MARK)
    head, _, rest = url.partition(STAGE_MARK)
    middle, _, tail = rest.partition(LESSON_MARK)
    return lambda stage, lesson: f"{head}{stage}{middle}{lesson}{tail}"


@functools.cache
def _day_names(language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Weekday and month abbreviations in the active language, as the date filter has them."""
    del language  # the cache key: the names below are read in that language
    weekdays = tuple(str(WEEKDAYS_ABBR[n]) for n in range(7))
    months = ("", *(str(MONTHS_3[n]).title() for n in range(1, 13)))
    return weekdays, months


def day_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Weekday abbreviations (Monday first) and month abbreviations (from index 1)."""
    return _day_names(get_language())


def short_date(day: datetime.date) -> str:
    """The day as the date filter shows "D j M Y" (Wed 4 Dec 2024), without building a
    DateFormat per date: twelve of those were a quarter of the rows' cost."""
    weekdays, months = day_names()
    return f"{weekdays[day.weekday()]} {day.day} {months[day.month]} {day.year:04d}"


@dataclass(frozen=True, slots=True)
class Row:
    """What a commitment's row shows: a tuple from the database, or a saved commitment."""

    pk: int
    text: str
    due_date: datetime.date | None
    due_time: datetime.time | None
    strategy: str
    status: str
    resolved_at: datetime.datetime | None
    lesson_title: str | None
    lesson_stage_slug: str | None
    lesson_slug: str | None

    @classmethod
    def of(cls, commitment: Commitment) -> "Row":
        lesson = commitment.lesson
        return cls(
            commitment.pk,
            commitment.text,
            commitment.due_date,
            commitment.due_time,
            commitment.strategy,
            commitment.status,
            commitment.resolved_at,
            lesson.title if lesson else None,
            lesson.stage.slug if lesson else None,
            lesson.slug if lesson else None,
        )

    def is_overdue_at(self, now: datetime.datetime) -> bool:
        # The same rule as Commitment.is_overdue_at, on the row's own values.
        if self.status != CommitmentStatus.OPEN or self.due_date is None:
            return False
        today = now.date()
        if self.due_date != today:
            return self.due_date < today
        return self.due_time is not None and self.due_time <= now.time()


class RowBuilder:
    """Builds rows for one request: URLs, the CSRF field and the time are worked out once."""

    def __init__(self, request: AuthenticatedHttpRequest) -> None:
        self.status_url = pk_url("journal:commitment_status")
        self.lesson_url = lesson_url()
        self.hidden = html_of(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}">',
            get_token(request),
            reversed_once("journal:dashboard"),
        )
        self.now = local_now()

    def row(
        self,
        row: Row,
        status_form: forms.Form | None = None,
        just_resolved: bool = False,
        follow_up: bool = False,
    ) -> SafeString:
        overdue = row.is_overdue_at(self.now)
        due: SafeString | str = ""
        if row.due_date:
            day = short_date(row.due_date)
            if row.due_time:
                day = f"{day}, {row.due_time:%H:%M}"
            due = html_of("\ndue {}", day)
        lesson: SafeString | str = ""
        if row.lesson_title is not None:
            lesson = html_of(
                '\n· from <a href="{}">{}</a>',
                self.lesson_url(row.lesson_stage_slug or "", row.lesson_slug or ""),
                row.lesson_title,
            )
        url = self.status_url(row.pk)
        if row.status == CommitmentStatus.OPEN:
            action = self._open_form(row, url, status_form)
        else:
            action = self._undo(row, url, just_resolved, follow_up)
        # Keywords: each value is escaped once, however often it appears.
        return html_of(
            '<li class="card commitment{overdue_class}" id="commitment-{pk}">'
            '<p class="commitment__text">{text}</p>'
            '<p class="small muted commitment__meta"><span class="tag">{strategy}</span>'
            "{due}{overdue}{lesson}</p>{action}</li>",
            overdue_class=" commitment--overdue" if overdue else "",
            pk=row.pk,
            text=row.text,
            strategy=STRATEGY_LABELS.get(row.strategy, ""),
            due=due,
            overdue=OVERDUE_TAG if overdue else "",
            lesson=lesson,
            action=action,
        )

    def _form_tag(self, row: Row, url: str, status_form: bool) -> SafeString:
        return html_of(
            '<form{css} method="post" novalidate action="{url}" hx-post="{url}" '
            'hx-target="#commitment-{pk}" hx-swap="outerHTML">{hidden}',
            css=STATUS_FORM_CLASS if status_form else "",
            url=url,
            pk=row.pk,
            hidden=self.hidden,
        )

    def _open_form(self, row: Row, url: str, form: forms.Form | None) -> SafeString:
        errors = bool(form is not None and form.errors)
        bound = form is not None and form.is_bound

        def value(name: str) -> Any:
            found = form[name].value() if form is not None else None
            return "" if found is None else found

        def invalid(name: str) -> SafeString | str:
            return ARIA_INVALID if errors and form is not None and form[name].errors else ""

        error_list: SafeString | str = ""
        if errors and form is not None:
            error_list = html_of(
                '<ul class="errorlist" role="alert">{}</ul>',
                format_html_join(
                    "", "<li>{}</li>", ((error,) for field in form for error in field.errors)
                ),
            )
        renegotiating = errors and getattr(form, "renegotiating", False)
        return html_of(
            "{form}{errors}"
            '<div class="actions">'
            '<button type="submit" name="status" value="kept" class="button button--small">'
            "Kept</button>"
            '<button type="submit" name="status" value="missed" '
            'class="button button--small button--quiet">Missed</button></div>'
            '<details class="renegotiate"{open}>'
            "<summary>Renegotiate: I told them early it would slip</summary>"
            '<label for="reason-{pk}">What did you tell them, and why did it need to move? '
            "(optional)</label>"
            '<textarea id="reason-{pk}" name="reason" rows="2"{reason_invalid}>{reason}</textarea>'
            '<label for="new-text-{pk}">What I promise now</label>'
            '<textarea id="new-text-{pk}" name="new_text" rows="2"{text_invalid}>{text}</textarea>'
            '<label for="new-due-{pk}">New date (optional)</label>'
            '<input type="date" id="new-due-{pk}" name="new_due_date" value="{due}"{due_invalid}>'
            '<div class="actions"><button type="submit" name="status" value="renegotiated" '
            'class="button button--small button--quiet">Save and add the new promise</button>'
            "</div></details></form>",
            form=self._form_tag(row, url, True),
            errors=error_list,
            open=" open" if renegotiating else "",
            pk=row.pk,
            reason_invalid=invalid("reason"),
            reason=value("reason"),
            text_invalid=invalid("new_text"),
            text=value("new_text") if bound else row.text,
            due=value("new_due_date") if bound else (row.due_date or ""),
            due_invalid=invalid("new_due_date"),
        )

    def _undo(self, row: Row, url: str, just_resolved: bool, follow_up: bool) -> SafeString:
        said = ""
        if just_resolved:
            if row.status == CommitmentStatus.KEPT:
                said = " Well done: small promises kept are how trust comes back."
            elif row.status == CommitmentStatus.MISSED:
                said = " Saying so honestly counts too. A smaller promise may be easier next time."
            elif follow_up:
                said = " Telling them early is part of keeping your word. The new promise is below."
        resolved = (
            date_format(timezone.localtime(row.resolved_at), "j M, H:i") if row.resolved_at else ""
        )
        return html_of(
            '<div class="commitment__done"><p role="status"><span class="tag {}">{}</span> {}{}</p>'
            '{}<button type="submit" name="status" value="open" class="link-button">Undo</button>'
            "</form></div>",
            STATUS_TAG.get(row.status, ""),
            STATUS_LABELS.get(row.status, row.status),
            resolved,
            said,
            self._form_tag(row, url, False),
        )
