"""Request types for views, so the type checker knows what middleware adds.

django-htmx adds `request.htmx`; behind `login_required` the user is a real User,
never AnonymousUser.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User
