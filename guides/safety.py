"""The safety page: control and coercive control, where to get help, and the helplines.

It lives in guides, next to the helpline directory it shows; trustrepair only routes
to it (trustrepair/urls.py includes guides.safety_urls by name).
"""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Helpline, HelplineNote, HelplineTopic


@dataclass(frozen=True)
class Directory:
    emergency: list[Helpline]
    abuse: list[Helpline]
    crisis: list[Helpline]
    change: list[Helpline]
    find_local: str


def helpline_directory() -> Directory:
    """Every loaded helpline, grouped by topic in file order, in one query (plus the note)."""
    by_topic: dict[str, list[Helpline]] = {topic: [] for topic in HelplineTopic.values}
    for line in Helpline.objects.order_by("position"):
        by_topic[line.topic].append(line)
    note = HelplineNote.objects.values_list("find_local", flat=True).first()
    return Directory(**by_topic, find_local=note or "")


@require_safe
def safety(request: HttpRequest) -> HttpResponse:
    return render(request, "guides/safety.html", {"helplines": helpline_directory()})
