"""Time zones: which names are real, and a picker grouped by region.

The browser says where it is (`Intl.DateTimeFormat().resolvedOptions().timeZone`, sent
in a hidden field by static/js/app.js); the server believes only names that Python's
zoneinfo knows. People pick from the IANA names grouped by region, each labelled with
its current offset, so "Sydney" is found under Australia by typing its first letters.
"""

import datetime
import zoneinfo
from functools import cache, lru_cache

from django.utils import timezone

REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
OTHER = "Other"

type Choices = list[tuple[str, list[tuple[str, str]]]]


@cache
def known() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def valid_or_none(name: object) -> str | None:
    """`name` if it is a time zone zoneinfo knows, else None (never an error)."""
    if not isinstance(name, str) or len(name) > 64:
        return None
    name = name.strip()
    return name if name in known() else None


def offset_label(name: str, now: datetime.datetime) -> str:
    offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\N{MINUS SIGN}"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def place_label(name: str) -> str:
    """ "America/Argentina/Buenos_Aires" reads "Buenos Aires, Argentina"."""
    parts = name.replace("_", " ").split("/")[1:]
    return ", ".join(reversed(parts)) if parts else name


@lru_cache(maxsize=2)
def _grouped(hour: int) -> Choices:
    now = datetime.datetime.fromtimestamp(hour * 3600, tz=datetime.UTC)
    groups: dict[str, list[tuple[str, str]]] = {region: [] for region in REGIONS}
    for name in known():
        region = name.split("/", 1)[0]
        # Old aliases ("US/Eastern", "Etc/GMT+5", "EST") stay valid but are not offered.
        if region in groups and "/" in name:
            groups[region].append((name, f"{place_label(name)} ({offset_label(name, now)})"))
    choices: Choices = [
        (region, sorted(zones, key=lambda zone: zone[1])) for region, zones in groups.items()
    ]
    choices.append((OTHER, [("UTC", "UTC (UTC+00:00)")]))
    return choices


def grouped_choices(current: str | None = None) -> Choices:
    """The picker's choices; `current` is added under Other if it is a valid old alias."""
    choices = _grouped(int(timezone.now().timestamp() // 3600))
    offered = {name for _, zones in choices for name, _ in zones}
    if current and current not in offered and valid_or_none(current):
        label = f"{current.replace('_', ' ')} ({offset_label(current, timezone.now())})"
        choices = [*choices[:-1], (OTHER, [*choices[-1][1], (current, label)])]
    return choices


def now_in(name: str) -> datetime.datetime:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(name))
