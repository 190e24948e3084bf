"""The installable app: the service worker at the site's root, and the offline page.

The worker is a template (templates/site/sw.js) so that it names the static files by
the addresses this deploy serves (hashed in production). Its version is a digest of
those addresses, the files themselves and the template: any change makes browsers
install the new worker, which replaces the old cache.
"""

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

# Kept at install, so even the first offline page is styled and works.
PRECACHED_STATIC = (
    "css/app.css",
    "js/app.js",
    "js/offline.js",
    "django_htmx/htmx-2.min.js",
    "img/icon.svg",
)


def _worker_context() -> dict[str, str]:
    offline_url = reverse("offline")
    precache = [offline_url, *(static(name) for name in PRECACHED_STATIC)]
    digest = hashlib.sha256(json.dumps(precache).encode())
    template = get_template("site/sw.js").template  # type: ignore[attr-defined]
    digest.update(template.source.encode())
    for name in PRECACHED_STATIC:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as file:
                digest.update(file.read())
    return {
        "version": digest.hexdigest()[:16],
        "precache": json.dumps(precache),
        "offline_url": offline_url,
        "static_prefix": settings.STATIC_URL,
        "guides_prefix": reverse("guides:index"),
        "logout_url": reverse("logout"),
        "exit_url": reverse("quick_exit"),
        "icon_url": static("img/icon-192.png"),
    }


# A deploy's files do not change while it runs; in development they do.
_cached_context = functools.cache(_worker_context)


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    context = _worker_context() if settings.DEBUG else _cached_context()
    response = render(request, "site/sw.js", context, content_type="text/javascript")
    # Browsers look for a new worker on every visit; this keeps proxies from serving
    # an old one. The scope is the whole site, which /sw.js has anyway.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "site/offline.html")
