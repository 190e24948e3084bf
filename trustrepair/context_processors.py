import functools

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django_htmx.jinja import htmx_script

from . import sessions

# Set at sign-in when the browser's time zone differs from the one stored (see accounts).
TIME_ZONE_OFFER = "time_zone_offer"

# Every address base.html links to, and a few fixed links of other pages. They depend
# only on the URLconf and the script prefix (a setting, FORCE_SCRIPT_NAME), so they
# are reversed once per process rather than by a {% url %} tag on every page.
LAYOUT_URLS = {
    "home": "home",
    "guides": "guides:index",
    "journal": "journal:dashboard",
    "account": "account",
    "login": "login",
    "signup": "signup",
    "logout": "logout",
    "safety": "safety",
    "quick_exit": "quick_exit",
    "service_worker": "service_worker",
    "stay_signed_in": "stay_signed_in",
    "time_zone_offer": "time_zone_offer",
    # Not in the layout itself, but on the lessons page and its includes.
    "guides_search": "guides:search",
    "guides_start": "guides:start",
}


# The assets every page references. A deploy's hashed names do not change while it
# runs, and {% static %} (the storage's manifest lookup and a urljoin) cost more than
# the rest of the layout's tags together.
LAYOUT_STATIC = {
    "icon": "img/icon.svg",
    "manifest": "manifest.webmanifest",
    "touch_icon": "img/apple-touch-icon.png",
    "css": "css/app.css",
    "app_js": "js/app.js",
    "offline_js": "js/offline.js",
}


# Bounded, and keyed only by settings, never by anything a request sends.
@functools.lru_cache(maxsize=8)
def _layout_urls(
    urlconf: str | None, prefix: str, static_url: str | None, debug: bool
) -> dict[str, str]:
    urls = {key: reverse(name, urlconf=urlconf) for key, name in LAYOUT_URLS.items()}
    urls.update((key, static(path)) for key, path in LAYOUT_STATIC.items())
    # The same tag {% htmx_script %} writes: no nonce, as no page here has a CSP nonce.
    urls["htmx_script"] = htmx_script(nonce=None)
    return urls


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "site_tab_name": settings.SITE_TAB_NAME,
        "site_urls": _layout_urls(
            get_urlconf(settings.ROOT_URLCONF),
            get_script_prefix(),
            settings.STATIC_URL,
            settings.DEBUG,
        ),
    }


def signed_in(request: HttpRequest) -> dict[str, object]:
    """What base.html needs for a signed-in person: the idle warning and a time zone offer."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_seconds_left": sessions.seconds_left(request),
        "time_zone_offer": request.session.get(TIME_ZONE_OFFER),
    }
