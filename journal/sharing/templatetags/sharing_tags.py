import datetime

from django import template
from django.db import connection
from django.utils import timezone

from trustrepair.models import User

from ..models import Share

register = template.Library()

RECENT_DAYS = 30
SHOWN = 3

# The dashboard asks on every visit, and almost always finds nothing: building this
# query through the ORM (an OR of two ranges, ordered by a COALESCE) cost five times
# what running it does. Written out once instead; Share.objects.raw still turns the
# rows into Shares through the fields (dates, times and the encrypted reply), and the
# only values passed in are the person's id and a time, as parameters.
ANSWERS_SQL = (
    "SELECT id, period_start, period_end, reply, replied_at, acknowledged_at"
    " FROM journal_share"
    " WHERE user_id = %s AND (replied_at >= %s OR acknowledged_at >= %s)"
    " ORDER BY COALESCE(replied_at, acknowledged_at) DESC, id DESC"
    " LIMIT %s"
)


@register.simple_tag
def partner_answers(user: User) -> list[Share]:
    """The latest replies and "I have read this" to the person's shares (one query).

    Used by the journal's dashboard, which knows nothing of sharing in Python: the
    journal is imported by sharing, never the other way round.
    """
    since = connection.ops.adapt_datetimefield_value(
        timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    )
    return list(Share.objects.raw(ANSWERS_SQL, [user.pk, since, since, SHOWN]))
