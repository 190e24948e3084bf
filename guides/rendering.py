"""Renders a lesson body: Markdown to safe HTML, a table of contents, the plain text
that search reads, and the word count and reading time.

Nothing here knows about lesson files; guides.content reads them and calls this.
"""

import re
from html import unescape as unescape_entities

import markdown
import nh3
from django.utils.html import strip_tags

WORDS_PER_MINUTE = 200
WORD = re.compile(r"\w[\w'\u2019-]*")
SENTENCE_ENDS = frozenset(".!?:;\u2026\"'\u201d\u2019)")

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p", "pre",
    "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"align"},
    "td": {"align"},
}


def render_markdown(text: str) -> tuple[str, list[dict[str, str]]]:
    """Markdown -> (safe HTML, table of contents of the ## headings)."""
    md = markdown.Markdown(
        extensions=["tables", "toc", "sane_lists"],
        # Alignment as an attribute: the Content Security Policy forbids style="...".
        extension_configs={"tables": {"use_align_attribute": True}},
    )
    html = md.convert(text)
    toc = [
        {"id": token["id"], "title": unescape_entities(token["name"])}
        for token in _flatten(md.toc_tokens)  # type: ignore[attr-defined]
        if token["level"] == 2
    ]
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES), toc


def _flatten(tokens: list[dict]) -> list[dict]:
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(_flatten(token.get("children", [])))
    return flat


def plain_text(html: str) -> str:
    """One line per block. A heading or list item gets a full stop, so that a search
    snippet spanning two blocks reads as two sentences."""
    spaced = re.sub(r"(</(?:p|h\d|li|th|td|blockquote|pre)>|<br\s*/?>)", r"\1\n", html)
    lines = (" ".join(line.split()) for line in unescape_entities(strip_tags(spaced)).splitlines())
    return "\n".join(line if line[-1] in SENTENCE_ENDS else f"{line}." for line in lines if line)


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def reading_minutes(words: int) -> int:
    return max(1, round(words / WORDS_PER_MINUTE))
