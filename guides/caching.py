"""Lesson pages for signed-out readers: conditional GET and a shared cached copy.

A lesson read signed out is the same page for everyone: no CSRF token, no nonce,
nothing personal. The lesson view (not a middleware: every request has been through
the whole stack, host validation included) keeps its rendered bytes in Django's
cache framework, which is shared by every app server when `CACHE_URL` names Redis.

Each copy is keyed by a version of the course: a digest of every stage and lesson
row (content hash and last change included, so even an edit rolled back makes a new
version) and of the site's templates and assets. A content reload therefore replaces
every copy without any message having to reach each server. Each process reads the
version again at most every COURSE_RECHECK_SECONDS, so a reload shows everywhere
within that time and most requests make no query at all; `sync_guides` run in the
same process forgets it at once.

The ETag is the course version and the lesson's own content hash, so a browser, nginx
or a CDN in front revalidates and gets a 304. Only `Accept-Encoding` picks between
the two stored bodies; no other request header can change what is sent.
"""

import functools
import gzip
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from time import monotonic
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import re_accepts_gzip
from django.templatetags.static import static
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from trustrepair.limits import CACHE_ERRORS

from .models import Lesson

PAGE_SECONDS = 24 * 3600
log = logging.getLogger(__name__)


@functools.cache
def site_version() -> str:
    """Changes whenever a deploy could change how a lesson page looks: templates,
    static asset addresses, site settings."""
    digest = hashlib.sha256()
    template_dirs = cast(list[Path], settings.TEMPLATES[0]["DIRS"])
    for template_dir in template_dirs:
        for path in sorted(p for p in template_dir.rglob("*") if p.is_file()):
            digest.update(path.read_bytes())
    for asset in (
        "css/app.css",
        "js/app.js",
        "js/offline.js",
        "django_htmx/htmx-2.min.js",
        "manifest.webmanifest",
        "img/apple-touch-icon.png",
    ):
        digest.update(static(asset).encode())
    digest.update(f"{settings.SITE_TAB_NAME}\n{settings.QUICK_EXIT_URL}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Course:
    version: str
    # (stage slug, lesson slug) -> the lesson's content hash, for published lessons.
    lessons: dict[tuple[str, str], str]


# (monotonic time read, course); one tuple, so replacing it is atomic across threads.
_last_read: tuple[float, Course] | None = None


def course() -> Course:
    """The course version, read from the database at most every COURSE_RECHECK_SECONDS."""
    global _last_read
    now = monotonic()
    if _last_read is not None and now - _last_read[0] < settings.COURSE_RECHECK_SECONDS:
        return _last_read[1]
    # Stage titles and positions show on every lesson page, so they are part of it;
    # ids, titles, summaries and stage summaries too, as the course outline
    # (guides.outline) is built once per version from them.
    rows = list(
        Lesson.objects.order_by("stage__position", "position", "slug").values_list(
            "stage__slug",
            "slug",
            "content_hash",
            "retired",
            "position",
            "updated_at",
            "stage__title",
            "stage__position",
            "pk",
            "stage_id",
            "title",
            "summary",
            "reading_minutes",
            "audience",
            "stage__summary",
        )
    )
    digest = hashlib.sha256(site_version().encode())
    digest.update(repr(rows).encode())
    current = Course(
        version=digest.hexdigest()[:24],
        lessons={
            (stage, slug): content for stage, slug, content, retired, *_ in rows if not retired
        },
    )
    _last_read = (now, current)
    return current


def forget_course() -> None:
    """After a content load in this process, so it never serves the old pages."""
    global _last_read
    _last_read = None


@dataclass(frozen=True)
class CachedPage:
    content: bytes
    # Compressed once when stored. Safe to compress (no BREACH): the page holds no
    # secret, no CSRF token and nothing the reader typed.
    gzipped: bytes
    content_type: str


def shareable(request: HttpRequest) -> bool:
    """A signed-out reader with no message waiting (one after sign-out must be shown)."""
    return not request.user.is_authenticated and "messages" not in request.COOKIES


def _key(version: str, stage_slug: str, lesson_slug: str) -> str:
    return f"lesson-page:{version}:{stage_slug}/{lesson_slug}"


def _cache_get(key: str) -> CachedPage | None:
    try:
        return cache.get(key)
    except CACHE_ERRORS as exc:  # a cache outage (Redis down) must not take lessons down
        log.warning("lesson cache unavailable: %s", type(exc).__name__)
        return None


def _cache_set(key: str, page: CachedPage) -> None:
    try:
        cache.set(key, page, PAGE_SECONDS)
    except CACHE_ERRORS as exc:  # as above: the page is still served, just not kept
        log.warning("lesson cache unavailable: %s", type(exc).__name__)


class SharedLessonPage:
    """One signed-out request for a lesson: its ETag, a 304, a cached copy, or a render."""

    def __init__(self, request: HttpRequest, stage_slug: str, lesson_slug: str) -> None:
        self.request = request
        current = course()
        self.content_hash = current.lessons.get((stage_slug, lesson_slug))
        self.key = _key(current.version, stage_slug, lesson_slug)
        self.gzip = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
        # Each encoding is its own representation of the page, so each has its own tag.
        suffix = "-gzip" if self.gzip else ""
        self.etag = f'"{current.version}-{(self.content_hash or "")[:16]}{suffix}"'

    @property
    def known(self) -> bool:
        """False for an unknown, retired or moved lesson: the view answers those itself."""
        return self.content_hash is not None

    def cached_response(self) -> HttpResponse | None:
        not_modified = get_conditional_response(self.request, etag=self.etag)
        if not_modified is not None:
            return self._headers(not_modified)
        page = _cache_get(self.key)
        return self._respond(page) if page is not None else None

    def store(self, response: HttpResponse) -> HttpResponse:
        if response.status_code != 200 or response.cookies:
            return response
        page = CachedPage(
            response.content, gzip.compress(response.content), response["Content-Type"]
        )
        _cache_set(self.key, page)
        return self._respond(page)

    def _respond(self, page: CachedPage) -> HttpResponse:
        response = HttpResponse(
            page.gzipped if self.gzip else page.content, content_type=page.content_type
        )
        if self.gzip:
            response["Content-Encoding"] = "gzip"
        return self._headers(response)

    def _headers(self, response: HttpResponse) -> HttpResponse:
        response["ETag"] = self.etag
        # Fresh for as long as a content reload may take to show; after that a browser,
        # nginx or a CDN revalidates with the ETag.
        patch_cache_control(response, public=True, max_age=int(settings.COURSE_RECHECK_SECONDS))
        patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
        return response
