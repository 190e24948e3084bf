from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from journal.markup import html_join, html_of

VALUES = ("<script>\"x\" & 'y'</script>", mark_safe("<b>kept</b>"), gettext_lazy("<Kept>"), 7)


def test_html_of_escapes_as_format_html_does():
    template = "<p>{}|{}|{}|{}</p>"
    built = html_of(template, *VALUES)
    assert built == format_html(template, *VALUES)
    assert isinstance(built, SafeString)
    assert "<script>" not in built
    assert "&lt;script&gt;&quot;x&quot; &amp; &#x27;y&#x27;" in built


def test_html_of_escapes_keywords_once_however_often_they_appear():
    built = html_of('<a id="{pk}" title="{text}">{text}</a>', pk=3, text="<i>")
    assert built == format_html('<a id="{pk}" title="{text}">{text}</a>', pk=3, text="<i>")
    assert built.count("&lt;i&gt;") == 2


def test_html_join_escapes_as_format_html_join_does():
    rows = [VALUES, tuple(reversed(VALUES))]
    template = "<li>{}|{}|{}|{}</li>"

    built = html_join("\n", template, rows)

    assert built == format_html_join("\n", template, rows)
    assert isinstance(built, SafeString)
    assert "<script>" not in built
