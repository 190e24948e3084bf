"""The printed table, the goals, and the JSON kept under bench/results/ between runs."""

import json
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.harness import RESULTS, ROOT

LESSON_BYTES_GOAL = 30 * 1024


def errors_of(wrk: dict[str, Any]) -> int:
    return sum(wrk[key] for key in ("connect", "read", "write", "timeout", "status"))


def rps(wrk: dict[str, Any]) -> float:
    return wrk["requests"] / (wrk["duration_us"] / 1e6) if wrk["duration_us"] else 0.0


def cpu_ms(wrk: dict[str, Any]) -> float | None:
    """gunicorn's CPU time per request served."""
    if not wrk.get("cpu_seconds") or not wrk["requests"]:
        return None
    return 1000 * wrk["cpu_seconds"] / wrk["requests"]


def kb(size: int | None) -> str:
    return "-" if size is None else f"{size / 1024:.1f}"


def previous_rps(label: str, mode: str) -> dict[str, float]:
    """Requests/s per target from the latest earlier run on the same database."""
    if not RESULTS.exists():
        return {}
    for path in sorted(RESULTS.glob("*.json"), reverse=True):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        run = data.get("databases", {}).get(label)
        if data.get("mode") == mode and run:
            return {
                name: row["rps"] for name, row in run.get("targets", {}).items() if row.get("rps")
            }
    return {}


def table_rows(
    targets: list[Any], results: dict[str, dict[str, Any]], measured: dict[str, Any]
) -> list[dict[str, Any]]:
    static = results.get("static")
    ceiling = rps(static) if static else 0.0
    static_cpu = cpu_ms(static) if static else None
    rows = []
    for target in targets:
        size = measured.get(target.name, {})
        row: dict[str, Any] = {
            "name": target.name,
            "label": target.label,
            "path": target.path if target.name != "share" else "/s/<token>/",
            "queries": size.get("queries"),
            "html_gz": size.get("html_gz"),
            "assets_gz": size.get("assets_gz"),
            "total_gz": size.get("total_gz"),
            "html_wire": size.get("html_wire"),
            "html_encoding": size.get("html_encoding"),
            "goal_ratio": target.goal_ratio,
        }
        wrk = results.get(target.name)
        if target.skip or wrk is None:
            row["skipped"] = target.skip or "not run"
        else:
            page_cpu = cpu_ms(wrk)
            row.update(
                rps=round(rps(wrk), 1),
                p50_ms=round(wrk["p50_us"] / 1000, 2),
                p99_ms=round(wrk["p99_us"] / 1000, 2),
                errors=errors_of(wrk),
                ratio=round(rps(wrk) / ceiling, 3) if ceiling else None,
                cpu_ms=round(page_cpu, 2) if page_cpu else None,
                others=wrk.get("others_cpu_share"),
                db_ms=round(1000 * wrk["database_cpu_seconds"] / wrk["requests"], 2)
                if wrk.get("database_cpu_seconds") and wrk["requests"]
                else None,
                # The same ratio from CPU cost instead of throughput: what the page would
                # reach against the static file if nothing else used the cores.
                cpu_ratio=round(static_cpu / page_cpu, 3) if static_cpu and page_cpu else None,
                wrk=wrk,
            )
            if "writes" in wrk:
                row["writes"] = wrk["writes"]
        rows.append(row)
    return rows


def format_table(rows: list[dict[str, Any]], previous: dict[str, float]) -> str:
    head = (
        f"{'target':<24}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'x static':>10}"
        f"{'CPU ms':>8}{'x CPU':>7}{'DB ms':>7}{'queries':>9}{'KB gz html+assets=total':>26}"
        f"{'vs last':>9}{'others':>8}"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        queries = "-" if row["queries"] is None else str(row["queries"])
        if row["html_gz"] is not None:
            size = f"{kb(row['html_gz'])}+{kb(row['assets_gz'])}={kb(row['total_gz'])}"
        else:
            size = kb(row["total_gz"])
        if "skipped" in row:
            lines.append(f"{row['label']:<24}  skipped: {row['skipped']}")
            continue
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        before = previous.get(row["name"])
        change = f"{100 * (row['rps'] / before - 1):+.0f}%" if before else ""
        cpu = "-" if row["cpu_ms"] is None else f"{row['cpu_ms']:.2f}"
        cpu_ratio = "-" if row["cpu_ratio"] is None else f"{row['cpu_ratio']:.2f}"
        others = "-" if row.get("others") is None else f"{100 * row['others']:.0f}%"
        db_ms = "-" if row.get("db_ms") is None else f"{row['db_ms']:.2f}"
        lines.append(
            f"{row['label']:<24}{row['rps']:>9.1f}{row['p50_ms']:>9.2f}{row['p99_ms']:>9.2f}"
            f"{row['errors']:>8}{ratio:>10}{cpu:>8}{cpu_ratio:>7}{db_ms:>7}{queries:>9}"
            f"{size:>26}{change:>9}{others:>8}"
        )
    return "\n".join(lines)


def goals(rows: list[dict[str, Any]], all_lessons: dict[str, Any]) -> list[dict[str, Any]]:
    results = []
    for row in rows:
        if row["goal_ratio"] is None:
            continue
        goal = f"{row['label']}: at least {row['goal_ratio']} x static req/s"
        if "skipped" in row or row.get("ratio") is None:
            results.append({"goal": goal, "met": None, "value": "not measured"})
        else:
            results.append(
                {"goal": goal, "met": row["ratio"] >= row["goal_ratio"], "value": row["ratio"]}
            )
    run = [row for row in rows if "skipped" not in row]
    errors = sum(row["errors"] for row in run)
    # A write answered with something other than its redirect, or acknowledged but absent.
    rejected = sum(
        row["writes"]["rejected"] + row["writes"]["acknowledged"] - row["writes"]["found"]
        for row in run
        if row.get("writes")
    )
    results.append(
        {
            "goal": "no errors (socket errors, 4xx/5xx, rejected or lost writes)",
            "met": errors == 0 and rejected == 0 if run else None,
            "value": f"{errors} errors, {rejected} writes rejected or lost",
        }
    )
    lesson = next((row for row in rows if row["name"] == "lesson"), None)
    sizes = []
    if lesson and lesson["total_gz"]:
        sizes.append(("benchmarked lesson", lesson["total_gz"]))
        if lesson.get("html_wire"):
            wire = lesson["html_wire"] + lesson["assets_gz"]
            how = lesson.get("html_encoding") or "uncompressed"
            sizes.append((f"benchmarked lesson, HTML as gunicorn sends it ({how})", wire))
    if all_lessons.get("largest_total_gz"):
        sizes.append(
            (f"largest lesson ({all_lessons['largest']})", all_lessons["largest_total_gz"])
        )
    for what, size in sizes:
        results.append(
            {
                "goal": f"first visit to a lesson at most 30 KB compressed: {what}",
                "met": size <= LESSON_BYTES_GOAL,
                "value": f"{size / 1024:.1f} KB",
            }
        )
    if not sizes:
        results.append(
            {"goal": "first visit to a lesson at most 30 KB compressed", "met": None, "value": "-"}
        )
    return results


def format_goals(results: list[dict[str, Any]]) -> str:
    marks = {True: "MET ", False: "MISS", None: "n/a "}
    return "\n".join(f"  [{marks[g['met']]}] {g['goal']}: {g['value']}" for g in results)


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty"],  # noqa: S607 - git from PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return ""
    return out.stdout.strip()


def save(mode: str, settings: dict[str, Any], databases: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS / f"{stamp}-{mode}.json"
    data = {
        "mode": mode,
        "started": stamp,
        "git": git_revision(),
        "settings": settings,
        "databases": databases,
    }
    path.write_text(json.dumps(data, indent=1, default=str))
    return path


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
