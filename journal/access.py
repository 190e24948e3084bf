"""The only way views reach journal rows: always scoped to the signed-in person."""

from collections.abc import Callable
from functools import wraps

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import CheckIn, Commitment, LessonReflection

# What the pages of each journal row show besides the row itself; any other model
# with a `user` (a share, say) is looked up on its own.
RELATED = {
    Commitment: ("lesson__stage",),
    CheckIn: ("lesson", "stage"),
    LessonReflection: ("lesson__stage",),
}


def get_own[M: Model](model: type[M], request: HttpRequest, pk: int) -> M:
    """The signed-in person's row, or 404: someone else's id looks exactly like a missing one."""
    rows = model._default_manager.all()
    if related := RELATED.get(model):
        rows = rows.select_related(*related)
    return get_object_or_404(rows, pk=pk, user=request.user)


def owned(model: type[Model]) -> Callable:
    """Swap the URL's `pk` for the owner's object before anything else runs.

    It sits above the method checks, so a stranger gets the same 404 for every
    method and never learns, from a 405, that an id exists.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, *args: object, **kwargs: object) -> HttpResponse:
            return view(request, get_own(model, request, pk), *args, **kwargs)

        return wrapper

    return decorator
