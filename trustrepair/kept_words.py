"""Never lose words: a form posted after the session ended is kept, then offered again.

Someone writes a check-in slowly, the idle timeout signs them out, and they press
Save. Instead of a bare sign-in page and lost words, `login_required_keeping_words`
(used in place of `login_required` on every form view) keeps what was posted:

- encrypted (trustrepair.crypto) in a KeptForm row, for KEPT_WORDS_MINUTES;
- found again only by the browser that sent it, through a random HttpOnly cookie of
  which only a hash is stored;
- and only for the account that browser last signed in to (the device cookie's tag):
  someone else signing in on the same phone never sees it.

After signing in, the person lands on the same form, filled in, with "We kept what
you wrote"; the row is deleted as it is shown. Password fields and CSRF tokens are
never kept, and nothing kept ever reaches a log.
"""

import datetime
import hashlib
import json
import re
import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from . import device_cookie, limits
from .addresses import client_address
from .http import HtmxHttpRequest
from .models import KeptForm, User

View = Callable[..., HttpResponse]

TOKEN_BYTES = 32
# A check-in at its longest is about 13,000 characters; anything far larger is not a form
# a person filled in.
MAX_CHARACTERS = 60_000
KEPT_PER_HOUR = 30
NEVER_KEPT = re.compile(r"password|csrf|token", re.IGNORECASE)

KEPT = "We kept what you wrote. Check it, then save."
SIGNED_OUT_KEPT = (
    "You were signed out after a while without activity, to keep your journal private. "
    "We kept what you wrote: sign in, and it will be waiting for you."
)
SIGNED_OUT = "You were signed out after a while without activity. Please sign in again."


def _lifetime() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.KEPT_WORDS_MINUTES)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _browser_hash(request: HttpRequest) -> str | None:
    token = request.COOKIES.get(settings.KEPT_WORDS_COOKIE_NAME, "")
    return _hash(token) if 0 < len(token) <= 100 else None


def keep(request: HttpRequest, response: HttpResponse) -> bool:
    """Keeps the posted fields for this browser; False when there is nothing to keep."""
    account = device_cookie.last_account_tag(request)
    if account is None:
        return False  # no sign-in on this browser to bind the words to
    fields = {name: values for name, values in request.POST.lists() if not NEVER_KEPT.search(name)}
    text = json.dumps(fields)
    typed = any(value.strip() for values in fields.values() for value in values)
    if not typed or len(text) > MAX_CHARACTERS:
        return False
    if not limits.hit("kept-words", client_address(request), KEPT_PER_HOUR, 3600):
        return False
    token = request.COOKIES.get(settings.KEPT_WORDS_COOKIE_NAME, "")
    if not 0 < len(token) <= 100:
        token = secrets.token_urlsafe(TOKEN_BYTES)
    browser = _hash(token)
    with transaction.atomic():
        KeptForm.objects.filter(created_at__lt=timezone.now() - _lifetime()).delete()
        KeptForm.objects.filter(browser_hash=browser, path=request.path).delete()
        KeptForm.objects.create(
            browser_hash=browser, account_tag=account, path=request.path, fields=text
        )
    response.set_cookie(
        settings.KEPT_WORDS_COOKIE_NAME,
        token,
        max_age=int(_lifetime().total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return True


def waiting_path(request: HttpRequest, user: User) -> str | None:
    """Where this browser left words for `user`, if any: sign-in goes straight there."""
    browser = _browser_hash(request)
    if browser is None:
        return None
    return (
        KeptForm.objects.filter(
            browser_hash=browser,
            account_tag=device_cookie.account_tag(user.get_username()),
            created_at__gte=timezone.now() - _lifetime(),
        )
        .order_by("-created_at")
        .values_list("path", flat=True)
        .first()
    )


def take(request: HttpRequest, user: User) -> QueryDict | None:
    """The words kept for this page, this browser and this person; removed as they are read."""
    browser = _browser_hash(request)
    if browser is None:
        return None
    rows = KeptForm.objects.filter(browser_hash=browser, path=request.path)
    row = rows.order_by("-created_at").first()
    if row is None:
        return None
    rows.delete()
    fresh = row.created_at >= timezone.now() - _lifetime()
    if not fresh or row.account_tag != device_cookie.account_tag(user.get_username()):
        return None
    data = QueryDict(mutable=True)
    for name, values in json.loads(row.fields).items():
        data.setlist(name, values)
    data._mutable = False
    return data


def forget_browser(request: HttpRequest) -> None:
    """Quick exit: nothing this browser typed waits on the server."""
    if browser := _browser_hash(request):
        KeptForm.objects.filter(browser_hash=browser).delete()


def forget_account(user: User) -> None:
    """Account deletion: words kept for this account go with it."""
    KeptForm.objects.filter(account_tag=device_cookie.account_tag(user.get_username())).delete()


def purge() -> int:
    deleted, _ = KeptForm.objects.filter(created_at__lt=timezone.now() - _lifetime()).delete()
    return deleted


def login_required_keeping_words(view: View) -> View:
    """`login_required` for form views, keeping what a signed-out POST carried.

    Signed in, a GET that finds kept words for its page is handed them as its form
    data: the view binds its form to them and shows it filled in (a GET never saves).
    Signed out, a POST is kept and the browser sent to sign in (htmx: by HX-Redirect,
    so the sign-in page is never swapped into a fragment of the page).
    """

    @wraps(view)
    def wrapped(request: HtmxHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            if request.method == "GET" and settings.KEPT_WORDS_COOKIE_NAME in request.COOKIES:
                kept = take(request, request.user)
                if kept is not None:
                    request.POST = kept  # type: ignore[assignment]
                    messages.info(request, KEPT)
            return view(request, *args, **kwargs)
        to_login = redirect_to_login(request.get_full_path())
        response: HttpResponse = (
            HttpResponseClientRedirect(to_login.url) if request.htmx else to_login
        )
        if request.method == "POST":
            kept_now = keep(request, response)
            messages.info(request, SIGNED_OUT_KEPT if kept_now else SIGNED_OUT)
        return response

    return wrapped
