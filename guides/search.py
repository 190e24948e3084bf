"""Search across lesson titles, summaries and bodies.

PostgreSQL gets real full-text search (stemming, ranking, ts_headline snippets); any
other database, and any PostgreSQL search that finds nothing (a word fragment, only
stop words), falls back to plain substring matching with snippets cut in Python.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from .models import BODY_FIELDS, Lesson
from .rendering import SENTENCE_ENDS

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_RESULTS = 20
SNIPPET_CHARS = 220
TERM = re.compile(r"\w[\w'\u2019-]*")
# Private-use characters mark the match while the snippet is still plain text; they
# become <mark> only after escaping, so lesson text can never inject markup.
START, STOP = "\ue000", "\ue001"
_LINE_ENDS = SENTENCE_ENDS | {STOP}


@dataclass(frozen=True)
class Result:
    lesson: Lesson
    snippet: SafeString


def clean_query(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUERY_LENGTH]


def search_lessons(query: str) -> list[Result]:
    query = clean_query(query)
    if not TERM.search(query):
        return []
    results = _full_text(query) if connection.vendor == "postgresql" else []
    return results or _substring(query)


def _full_text(query: str) -> list[Result]:
    config = "english"
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body_text", weight="C", config=config)
    )
    search_query = SearchQuery(query, search_type="websearch", config=config)
    lessons = (
        Lesson.objects.published()
        .select_related("stage")
        .defer(*BODY_FIELDS)
        .annotate(document=vector, rank=SearchRank(vector, search_query))
        .filter(document=search_query)
        .annotate(
            headline=SearchHeadline(
                Concat("summary", Value("\n"), "body_text", output_field=TextField()),
                search_query,
                config=config,
                start_sel=START,
                stop_sel=STOP,
                min_words=18,
                max_words=40,
                max_fragments=1,
            )
        )
        .order_by("-rank", "stage__position", "position")[:MAX_RESULTS]
    )
    return [Result(lesson, _marked(_with_ellipses(lesson.headline, lesson))) for lesson in lessons]


def _with_ellipses(headline: str, lesson: Lesson) -> str:
    """ts_headline cuts a passage out of the text without saying so."""
    plain = one_line(headline.replace(START, "").replace(STOP, ""))
    if not plain.startswith(one_line(lesson.summary)[:30]):
        headline = f"… {headline}"
    if plain and plain[-1] not in SENTENCE_ENDS:
        headline = f"{headline} …"
    return headline


def _substring(query: str) -> list[Result]:
    terms = list(dict.fromkeys(term.lower() for term in TERM.findall(query)))[:MAX_TERMS]
    lessons = (
        Lesson.objects.published()
        .select_related("stage")
        .defer("body_markdown", "body_html")
        .in_course_order()
    )
    # The database narrows the lessons down; Python then keeps only matches at the
    # start of a word, so "pott" finds "pottery" but "the" does not count "other".
    for term in terms:
        lessons = lessons.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(body_text__icontains=term)
        )
    starts = [_word_start(term) for term in terms]
    scored = []
    for lesson in lessons:
        text = f"{lesson.summary}\n{lesson.body_text}"
        hits = [(len(p.findall(lesson.title)), len(p.findall(text))) for p in starts]
        if all(in_title or in_text for in_title, in_text in hits):
            scored.append((sum(3 * in_title + in_text for in_title, in_text in hits), lesson))
    scored.sort(key=lambda pair: -pair[0])  # stable: equal scores keep course order
    return [
        Result(lesson, snippet(f"{lesson.summary}\n{lesson.body_text}", terms))
        for _, lesson in scored[:MAX_RESULTS]
    ]


def _word_start(*terms: str) -> re.Pattern:
    """Any of the terms, at the start of a word."""
    either = "|".join(re.escape(term) for term in terms)
    return re.compile(rf"(?<!\w)(?:{either})", re.IGNORECASE)


def snippet(text: str, terms: list[str]) -> SafeString:
    """About SNIPPET_CHARS of text around the first match, with every match marked."""
    pattern = _word_start(*terms)
    text = one_line(text)
    found = pattern.search(text)
    match_start, match_end = (found.start(), found.end()) if found else (0, 0)
    start = max(0, match_start - SNIPPET_CHARS // 3)
    end = min(len(text), start + SNIPPET_CHARS)
    # Cut at spaces, so the snippet starts and ends with whole words.
    if start > 0:
        space = text.find(" ", start, match_start)
        if space != -1:
            start = space + 1
    if end < len(text):
        space = text.rfind(" ", match_end, end)
        if space != -1:
            end = space
    piece = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text[start:end])
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return _marked(prefix + piece + suffix)


def one_line(text: str) -> str:
    """Joins the lines of body_text (headings, paragraphs, list items) into one, with a
    full stop where a line has no end of its own, so that a heading does not run on into
    the paragraph after it."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    ended = [
        line if line[-1] in _LINE_ENDS or number == len(lines) - 1 else f"{line}."
        for number, line in enumerate(lines)
    ]
    return " ".join(ended)


def _marked(text: str) -> SafeString:
    # Split on the markers: plain text and matches alternate, and each is escaped.
    pieces = re.split(f"{re.escape(START)}(.*?){re.escape(STOP)}", one_line(text))
    html = conditional_escape(pieces[0])
    for match, after in zip(pieces[1::2], pieces[2::2], strict=True):
        html += format_html("<mark>{}</mark>{}", match, after)
    return html
