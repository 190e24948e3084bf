"""The timeline: commitments, check-ins and reflections, newest first, one page at a time.

The three kinds are merged in the database (a UNION of ids and timestamps) so
paging stays cheap however long the journal is; only the page's rows are then
loaded, one query per kind shown.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Model, QuerySet, Value

from trustrepair.models import User

from .models import CheckIn, Commitment, LessonReflection, local_now, overdue_q

PER_PAGE = 20


@dataclass
class Entry:
    kind: str
    item: Model


def commitments_matching(user: User, filters: dict[str, str]) -> QuerySet[Commitment]:
    commitments = Commitment.objects.filter(user=user)
    if strategy := filters.get("strategy"):
        commitments = commitments.filter(strategy=strategy)
    status = filters.get("status")
    if status == "overdue":
        commitments = commitments.filter(overdue_q(local_now()))
    elif status:
        commitments = commitments.filter(status=status)
    return commitments


def kinds_shown(filters: dict[str, str]) -> list[str]:
    # Strategy and status only describe commitments.
    if filters.get("strategy") or filters.get("status"):
        return ["commitment"] if filters.get("kind", "commitment") == "commitment" else []
    if kind := filters.get("kind"):
        return [kind]
    return ["commitment", "checkin", "reflection"]


def timeline_keys(user: User, filters: dict[str, str]) -> QuerySet:
    sources = {
        "commitment": lambda: commitments_matching(user, filters),
        "checkin": lambda: CheckIn.objects.filter(user=user),
        "reflection": lambda: LessonReflection.objects.filter(user=user),
    }
    parts = [
        sources[kind]()
        .order_by()
        .annotate(kind=Value(kind, output_field=CharField()))
        .values_list("kind", "pk", "created_at")
        for kind in kinds_shown(filters)
    ]
    if not parts:
        return Commitment.objects.none().values_list("pk")
    keys = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return keys.order_by("-created_at", "-pk")


def timeline_page(user: User, filters: dict[str, str], number: str | int | None) -> Page:
    page = Paginator(timeline_keys(user, filters), PER_PAGE).get_page(number)
    keys = list(page.object_list)
    wanted: dict[str, list[int]] = {}
    for kind, pk, _ in keys:
        wanted.setdefault(kind, []).append(pk)
    loaded: dict[str, Mapping[Any, Model]] = {}
    if ids := wanted.get("commitment"):
        loaded["commitment"] = (
            Commitment.objects.filter(user=user)
            .select_related("lesson", "renegotiated_from")
            .in_bulk(ids)
        )
    if ids := wanted.get("checkin"):
        loaded["checkin"] = (
            CheckIn.objects.filter(user=user).select_related("lesson", "stage").in_bulk(ids)
        )
    if ids := wanted.get("reflection"):
        loaded["reflection"] = (
            LessonReflection.objects.filter(user=user).select_related("lesson__stage").in_bulk(ids)
        )
    page.object_list = [
        Entry(kind=kind, item=loaded[kind][pk])
        for kind, pk, _ in keys
        if pk in loaded.get(kind, {})
    ]
    return page
