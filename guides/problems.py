"""How `sync_guides` words a problem in a content file, the same for every file."""

from collections.abc import Iterable, Set

import yaml


def quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def yaml_problem(error: yaml.YAMLError, line_offset: int = 0) -> str:
    """Where the YAML broke and why, as its parser says (lines counted from 1)."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or "unreadable"
    return f"line {mark.line + 1 + line_offset}: {problem}" if mark else problem


def key_problems(
    keys: Set[str], expected: Set[str], missing: str = "missing", unknown: str = "unknown"
) -> tuple[list[str], bool]:
    """A mapping's missing and unknown keys as problems, and whether any is missing."""
    absent = sorted(expected - keys)
    extra = sorted(keys - expected)
    problems = [f"{missing} {quoted(absent)}"] if absent else []
    problems += [f"{unknown} {quoted(extra)}"] if extra else []
    return problems, bool(absent)
