import logging
import re
import time
import traceback
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from .sessions import SEEN_AT, SIGNED_IN_AT, note_sign_in

log = logging.getLogger("trustrepair.requests")

# Share links, couple invitations and password-reset links carry a secret in the path; it
# must never reach a log line. A reset link is /accounts/reset/<uidb64>/<token>/ (and,
# once opened, /accounts/reset/<uidb64>/set-password/): both parts are masked.
_TOKEN_IN_PATH = re.compile(r"^/s/[^/]+")
_INVITATION_IN_PATH = re.compile(r"^/together/join/[^/]+")
_RESET_IN_PATH = re.compile(r"^/accounts/reset/[^/]+/[^/]+/")

# Pages that show private words: never cache them, so Back after logout shows nothing.
PRIVATE_PREFIXES = ("/journal/", "/accounts/", "/s/", "/together/", "/admin/")
# A session's idle expiry is pushed forward at most this often (see PrivatePagesMiddleware).
SEEN_REFRESH_SECONDS = 60


def masked_path(path: str) -> str:
    path = _TOKEN_IN_PATH.sub("/s/<token>", path)
    path = _INVITATION_IN_PATH.sub("/together/join/<code>", path)
    return _RESET_IN_PATH.sub("/accounts/reset/<uid>/<token>/", path)


# Browser features no page here needs, off for every page and anything it might embed.
# (clipboard-write stays: the recovery-codes page has a Copy button.)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Adds Permissions-Policy to every response, cached pages and static files included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class RequestLogMiddleware:
    """Logs method, masked path, status and time; never bodies, queries or messages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info(
            "%s %s %s %.0fms",
            request.method,
            masked_path(request.path),
            response.status_code,
            elapsed_ms,
        )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, (Http404, PermissionDenied)):
            return  # an answer, not a failure: the request line above records it
        # An exception's message can quote what a user typed (a database error
        # echoing a value), so only its type and where it happened are logged.
        frames = "".join(traceback.format_tb(exception.__traceback__))
        log.error(
            "unhandled %s on %s %s\n%s",
            type(exception).__name__,
            request.method,
            masked_path(request.path),
            frames,
        )


class UserTimezoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tz_name = (
            getattr(request.user, "time_zone", None) if request.user.is_authenticated else None
        )
        if tz_name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(tz_name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Session lifetimes, and no-store on every page that shows private data.

    The idle timeout is the session cookie age; the session is re-saved (which
    pushes its expiry forward) at most once a minute rather than on every
    request, so reading pages does not mean writing to the database each time.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SIGNED_IN_AT, now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            elif now - request.session.get(SEEN_AT, 0) > SEEN_REFRESH_SECONDS:
                request.session[SEEN_AT] = now
        response = self.get_response(request)
        if request.user.is_authenticated and SIGNED_IN_AT not in request.session:
            note_sign_in(request)
        if request.path.startswith(PRIVATE_PREFIXES) or request.user.is_authenticated:
            # What add_never_cache_headers() leaves once Cache-Control is replaced, without
            # its two rounds of parsing and rebuilding the header the line below discards.
            if not response.has_header("Expires"):
                response.headers["Expires"] = http_date()
            response["Cache-Control"] = "no-store, private"
        return response
