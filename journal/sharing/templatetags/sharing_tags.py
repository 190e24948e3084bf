import datetime

from django import template
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from trustrepair.models import User

from ..models import Share

register = template.Library()

RECENT_DAYS = 30
SHOWN = 3


@register.simple_tag
def partner_answers(user: User) -> list[Share]:
    """The latest replies and "I have read this" to the person's shares (one query).

    Used by the journal's dashboard, which knows nothing of sharing in Python: the
    journal is imported by sharing, never the other way round.
    """
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return list(
        Share.objects.filter(user=user)
        .filter(Q(replied_at__gte=since) | Q(acknowledged_at__gte=since))
        .only("id", "period_start", "period_end", "reply", "replied_at", "acknowledged_at")
        .order_by(Coalesce("replied_at", "acknowledged_at").desc(), "-id")[:SHOWN]
    )
