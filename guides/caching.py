"""Caching for anonymous readers of lesson pages.

A lesson page read by someone who is not signed in is the same for everyone: it
carries no CSRF token, no nonce and nothing personal. So the whole rendered page
is kept in the cache, keyed by a fingerprint of the course (every lesson's
content hash, position and stage, and every stage's title). When the content
loader changes, adds or retires anything, the fingerprint changes and every
cached page is replaced on its next request: no invalidation message has to
reach each app server. Each server process re-reads the fingerprint at most every
COURSE_RECHECK_SECONDS (a few seconds), so a content reload shows everywhere
within that time while most requests make no query at all. Browsers revalidate
with the ETag and get a 304.

Signed-in pages are never cached here (trustrepair.middleware marks them no-store).
"""

import functools
import gzip
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.gzip import re_accepts_gzip
from django.templatetags.static import static
from django.utils.cache import patch_cache_control

# Raw SQL on purpose: this runs on every anonymous lesson request, and building an
# ORM query costs more than running this one.
_COURSE_SQL = (
    "SELECT s.slug, s.title, s.position, l.slug, l.position, l.content_hash, l.retired "
    "FROM guides_lesson l JOIN guides_stage s ON s.id = l.stage_id "
    "ORDER BY s.position, l.position, l.slug"
)
PAGE_SECONDS = 24 * 3600


@functools.cache
def site_version() -> str:
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


# (monotonic time read, fingerprint); one tuple, so replacing it is atomic across threads.
_last_read: tuple[float, str] | None = None


def course_fingerprint() -> str:
    global _last_read
    now = monotonic()
    if _last_read is not None and now - _last_read[0] < settings.COURSE_RECHECK_SECONDS:
        return _last_read[1]
    with connection.cursor() as cursor:
        cursor.execute(_COURSE_SQL)
        rows = cursor.fetchall()
    digest = hashlib.sha256(site_version().encode())
    digest.update(repr(rows).encode())
    fingerprint = digest.hexdigest()[:32]
    _last_read = (now, fingerprint)
    return fingerprint


def forget_course_fingerprint() -> None:
    """After a content load in this process, so it never serves the old pages."""
    global _last_read
    _last_read = None


@dataclass(frozen=True)
class CachedPage:
    fingerprint: str
    content: bytes
    # Compressed once when stored. Safe to compress (no BREACH): the page holds no
    # secret, no CSRF token and nothing the reader typed.
    gzipped: bytes
    content_type: str


def _key(stage_slug: str, lesson_slug: str, fingerprint: str) -> str:
    return f"lesson-page:{fingerprint}:{stage_slug}/{lesson_slug}"


def cacheable(request: HttpRequest) -> bool:
    # A pending message (after sign-out, say) must be shown, not skipped.
    return (
        not settings.DEBUG
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def cached_lesson_response(
    request: HttpRequest, stage_slug: str, lesson_slug: str
) -> tuple[HttpResponse | None, str]:
    """The cached page (or a 304) for an anonymous reader, and the fingerprint used."""
    fingerprint = course_fingerprint()
    page: CachedPage | None = cache.get(_key(stage_slug, lesson_slug, fingerprint))
    if page is None:
        return None, fingerprint
    return _page_response(request, page), fingerprint


def store_lesson_response(
    request: HttpRequest,
    response: HttpResponse,
    stage_slug: str,
    lesson_slug: str,
    fingerprint: str,
) -> HttpResponse:
    page = CachedPage(
        fingerprint, response.content, gzip.compress(response.content), response["Content-Type"]
    )
    cache.set(_key(stage_slug, lesson_slug, fingerprint), page, PAGE_SECONDS)
    return _page_response(request, page)


def _page_response(request: HttpRequest, page: CachedPage) -> HttpResponse:
    gzipped = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
    # Each encoding is its own representation of the page, so each has its own tag.
    etag = f'"{page.fingerprint}-gzip"' if gzipped else f'"{page.fingerprint}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        body = page.gzipped if gzipped else page.content
        response = HttpResponse(body, content_type=page.content_type)
        if gzipped:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    # The same page serves every anonymous reader; after signing in the page differs,
    # so the browser must ask again each time (and gets a 304 when nothing changed).
    patch_cache_control(response, private=True, no_cache=True)
    response["Vary"] = "Cookie, Accept-Encoding"
    return response


_LESSON_PATH = re.compile(r"^/guides/(?P<stage>[-\w]+)/(?P<lesson>[-\w]+)/$")


class AnonymousLessonMiddleware:
    """Answers a signed-out reader's lesson request from the cache, early in the stack.

    It sits just inside the security, CSP and frame-options middleware (so the
    response still gets every header), and before sessions, CSRF, auth and URL
    routing, which a cached page for someone without a session does not need.
    A miss, or anyone with a session cookie, goes on to the view as usual.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and not settings.DEBUG:
            match = _LESSON_PATH.match(request.path_info)
            signed_out = settings.SESSION_COOKIE_NAME not in request.COOKIES
            if match and signed_out and "messages" not in request.COOKIES:
                cached, _ = cached_lesson_response(request, match["stage"], match["lesson"])
                if cached is not None:
                    return cached
        return self.get_response(request)
