import datetime

from django import template
from django.db import connection
from django.utils import timezone

from trustrepair import sql
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
    "SELECT {Share.id}, {Share.period_start}, {Share.period_end}, {Share.reply},"
    " {Share.replied_at}, {Share.acknowledged_at} FROM {Share}"
    " WHERE {Share.user} = %s AND ({Share.replied_at} >= %s OR {Share.acknowledged_at} >= %s)"
    " ORDER BY COALESCE({Share.replied_at}, {Share.acknowledged_at}) DESC, {Share.id} DESC"
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
    answers = sql.statement(ANSWERS_SQL, connection.alias, Share)
    return list(Share.objects.raw(answers, [user.pk, since, since, SHOWN]))
