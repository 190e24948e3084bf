from django.conf import settings
from django.http import HttpRequest

from . import sessions

# Set at sign-in when the browser's time zone differs from the one stored (see accounts).
TIME_ZONE_OFFER = "time_zone_offer"


def site(request: HttpRequest) -> dict[str, str]:
    return {
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "site_tab_name": settings.SITE_TAB_NAME,
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
