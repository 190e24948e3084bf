"""Conditional GET for anonymous readers of lesson pages.

Signed-in pages are never cached (trustrepair.middleware marks them no-store); an
anonymous reader's browser may keep a lesson page and revalidate it with its ETag.
"""

import functools
import hashlib

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static

from .models import Lesson


@functools.cache
def _site_version() -> str:
    """Changes whenever a deploy could change how a lesson page looks: templates,
    static asset addresses, site settings."""
    digest = hashlib.sha256()
    for template_dir in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(p for p in template_dir.rglob("*") if p.is_file()):
            digest.update(path.read_bytes())
    for asset in ("css/app.css", "js/app.js", "django_htmx/htmx-2.min.js"):
        digest.update(static(asset).encode())
    digest.update(f"{settings.SITE_TAB_NAME}\n{settings.QUICK_EXIT_URL}".encode())
    return digest.hexdigest()


def anonymous_etag(request: HttpRequest, lesson: Lesson) -> str | None:
    """A validator for an anonymous reader's copy of a lesson page, so that coming
    back to a lesson costs one query and no rendering. Off in development, where
    templates change without a restart."""
    if settings.DEBUG:
        return None
    parts = [
        _site_version(),
        lesson.content_hash,
        lesson.stage.title,
        str(lesson.stage.position),
        str(lesson.stage_total),
        repr(lesson.previous_lesson),
        repr(lesson.next_lesson),
        # The page embeds a CSRF token bound to this cookie; a new cookie needs a new page.
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    ]
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'
