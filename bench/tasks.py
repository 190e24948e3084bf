"""The benchmark's Django-side steps, run as a subprocess with the benchmark's environment.

bench/run.py never imports Django itself: each database gets its own settings
(DATABASE_URL, keys), and Django can be set up only once per process.

    python bench/tasks.py seed OUT.json
    python bench/tasks.py load-guides
    python bench/tasks.py measure TARGETS.json OUT.json
    python bench/tasks.py profile TARGETS.json NAME[,NAME] REQUESTS
    python bench/tasks.py verify-writes PKS.txt FIRST_DATE LAST_DATE READER_IDS.json
"""

import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustrepair.settings")
    import django

    django.setup()


def seed(out: str) -> None:
    from bench.seed import seed as run_seed

    Path(out).write_text(json.dumps(dataclasses.asdict(run_seed()), indent=1))


def load_guides() -> None:
    # Used only while the sync_guides command does not exist yet.
    from guides.loader import sync

    print(sync())


def measure(targets: str, out: str) -> None:
    from bench.measure import measure as run_measure

    Path(out).write_text(json.dumps(run_measure(json.loads(Path(targets).read_text())), indent=1))


def profile(targets: str, names: str, requests: str) -> None:
    from bench.measure import profile as run_profile

    wanted = names.split(",")
    for target in json.loads(Path(targets).read_text()):
        if target["name"] in wanted:
            print(run_profile(target, int(requests)))


def verify_writes(pks_file: str, first: str, last: str, readers_file: str) -> None:
    """Are all acknowledged check-ins stored, and how many rows did the run write in all?"""
    from journal.models import CheckIn

    pks = {int(pk) for pk in Path(pks_file).read_text().split() if pk.strip()}
    readers = json.loads(Path(readers_file).read_text())
    found = set(CheckIn.objects.filter(pk__in=pks).values_list("pk", flat=True))
    written = CheckIn.objects.filter(user_id__in=readers, date__range=(first, last)).count()
    print(json.dumps({"acknowledged": len(pks), "found": len(found), "rows_in_range": written}))


COMMANDS: dict[str, Callable[..., object]] = {
    "seed": seed,
    "load-guides": load_guides,
    "measure": measure,
    "profile": profile,
    "verify-writes": verify_writes,
}

if __name__ == "__main__":
    setup()
    COMMANDS[sys.argv[1]](*sys.argv[2:])
