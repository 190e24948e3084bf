"""The only way views reach journal rows: always scoped to the signed-in person."""

from collections.abc import Callable
from functools import wraps

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import CheckIn, Commitment, LessonReflection
from .share_models import Share

OWNED_QUERYSETS = {
    Commitment: lambda: Commitment.objects.select_related("lesson__stage"),
    CheckIn: lambda: CheckIn.objects.select_related("lesson", "stage"),
    LessonReflection: lambda: LessonReflection.objects.select_related("lesson__stage"),
    Share: lambda: Share.objects.all(),
}


def get_own[M: Model](model: type[M], request: HttpRequest, pk: int) -> M:
    """The signed-in person's row, or 404: someone else's id looks exactly like a missing one."""
    return get_object_or_404(OWNED_QUERYSETS[model](), pk=pk, user=request.user)


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
