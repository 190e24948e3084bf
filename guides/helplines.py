"""Reads and checks the helpline directory (guides/content/helplines.yaml by default).

The safety page lists these lines. They are data, not code, so that a deployment can
list its own region's services by pointing the HELPLINES_FILE setting at its own file.
Every entry carries the date someone last checked it against the service's official
source, because a wrong number on a safety page is worse than none.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .models import HelplineTopic
from .problems import yaml_problem

TOP_KEYS = {"find_local", "helplines"}
ENTRY_KEYS = {"topic", "region", "name", "phone", "text", "url", "hours", "note", "checked"}
REQUIRED_KEYS = {"topic", "region", "name", "checked"}
MAX_LENGTHS = {
    "region": 80, "name": 120, "phone": 40, "text": 200, "hours": 160, "note": 300, "url": 300,
}  # fmt: skip
PHONE_CHARACTERS = frozenset("0123456789 +-()")
https_url = URLValidator(schemes=["https"])


@dataclass(frozen=True)
class HelplineDirectory:
    find_local: str
    entries: list[dict[str, Any]]  # model field values, in file order


def read_helplines(path: Path) -> tuple[HelplineDirectory | None, list[str]]:
    """The directory in the file, or None and every problem found (named by file)."""
    name = path.name
    if not path.is_file():
        return None, [f"{name}: missing (it lists the helplines on the safety page)"]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        return None, [f"{name}: not valid YAML ({yaml_problem(error)})"]
    if not isinstance(data, dict):
        return None, [f"{name}: should have find_local and helplines"]
    problems = [f"{name}: missing '{key}'" for key in sorted(TOP_KEYS - data.keys())]
    problems += [f"{name}: unknown '{key}'" for key in sorted(data.keys() - TOP_KEYS)]
    if problems:
        return None, problems

    find_local = data["find_local"]
    if not isinstance(find_local, str) or not find_local.strip():
        problems.append(f"{name}: find_local should be text on finding a local service")
    items = data["helplines"]
    if not isinstance(items, list) or not items:
        return None, [*problems, f"{name}: helplines should be a list of entries"]

    entries = []
    for number, item in enumerate(items, start=1):
        found = _check_entry(item)
        label = item.get("name") if isinstance(item, dict) else None
        where = f"{name}, entry {number}" + (f" ({label})" if isinstance(label, str) else "")
        if found:
            problems += [f"{where}: {problem}" for problem in found]
        else:
            entries.append(_values(item, number))
    seen: set[tuple[str, str, str]] = set()
    for entry in entries:
        key = (entry["topic"], entry["region"], entry["name"])
        if key in seen:
            problems.append(f"{name}: {entry['name']} ({entry['region']}) is listed twice")
        seen.add(key)
    if problems:
        return None, problems
    return HelplineDirectory(" ".join(find_local.split()), entries), []


def _check_entry(item: object) -> list[str]:
    if not isinstance(item, dict):
        return ["should be a mapping of topic, region, name, phone or url, and checked"]
    problems = [f"missing '{key}'" for key in sorted(REQUIRED_KEYS - item.keys())]
    problems += [f"unknown '{key}'" for key in sorted(item.keys() - ENTRY_KEYS)]
    if problems:
        return problems
    if item["topic"] not in HelplineTopic.values:
        topics = ", ".join(f"'{topic}'" for topic in HelplineTopic.values)
        problems.append(f"topic '{item['topic']}' should be one of {topics}")
    for key in sorted(ENTRY_KEYS - {"topic", "checked"}):
        value = item.get(key)
        if value is None and key not in REQUIRED_KEYS:
            continue
        if not isinstance(value, str) or not value.strip():
            # An unquoted number loses its leading zeros and spaces in YAML.
            hint = ' (put numbers in quotes, e.g. "116 123")' if key == "phone" else ""
            problems.append(f"{key} should be text{hint}")
        elif len(value.strip()) > MAX_LENGTHS.get(key, 300):
            problems.append(f"{key} should be at most {MAX_LENGTHS[key]} characters")
    if not item.get("phone") and not item.get("url"):
        problems.append("needs a phone number or a url (or both)")
    phone = item.get("phone")
    if isinstance(phone, str) and not set(phone) <= PHONE_CHARACTERS:
        problems.append(f"phone '{phone}' should only have digits, spaces, +, - and brackets")
    url = item.get("url")
    if isinstance(url, str):
        try:
            https_url(url.strip())
        except ValidationError:
            problems.append(f"url '{url}' should be a full https:// address")
    checked = item["checked"]
    if not isinstance(checked, datetime.date) or isinstance(checked, datetime.datetime):
        problems.append("checked should be the date it was last checked, e.g. 2026-12-01")
    elif checked > datetime.date.today():
        problems.append(f"checked {checked} is in the future")
    return problems


def _values(item: dict, position: int) -> dict[str, Any]:
    return {
        "topic": item["topic"],
        "region": item["region"].strip(),
        "name": item["name"].strip(),
        "phone": (item.get("phone") or "").strip(),
        "text": " ".join((item.get("text") or "").split()),
        "url": (item.get("url") or "").strip(),
        "hours": " ".join((item.get("hours") or "").split()),
        "note": " ".join((item.get("note") or "").split()),
        "checked": item["checked"],
        "position": position,
    }
