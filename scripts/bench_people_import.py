"""Benchmark: importing 100,000 people from a CSV file through the product's import path.

    .venv/bin/python scripts/bench_people_import.py [--rows 100000] [--database sqlite|postgres]

Writes a people CSV (name, email, title, seniority, function, manager email, location,
time zone, skills; every person but the first 20 has a manager earlier or later in the file),
then, in a fresh database with one workspace and its owner, runs the steps the import wizard
and the worker run, timing each:

1. ``read_people_file`` (what the upload form does: decode, parse, header matching),
2. ``import_batch_create`` (the upload kept server-side for the preview),
3. ``person_import_plan`` (the preview: every row checked against the directory),
4. ``person_import_apply`` (what the worker task runs: one transaction of bulk writes, audit
   entries included).

The wizard refuses files over ACCORD_IMPORT_MAX_ROWS (20,000 by default) and
ACCORD_IMPORT_MAX_BYTES (5 MB); this script raises both through their environment variables,
as an operator importing a large directory would. Writes ``var/bench/import-<database>.json``.
"""

import argparse
import csv
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

FUNCTIONS = ["Sales", "Marketing", "Finance", "Operations", "HR", "Engineering", "Legal", "Product"]
FIRST = ["Ada", "Ben", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lea"]
LAST = ["Reyes", "Ito", "Novak", "Okafor", "Silva", "Berg", "Khan", "Moreau", "Ward", "Lund"]
SKILLS = ["Negotiation", "Forecasting", "SQL", "Hiring", "Pricing", "Python", "Contracts"]
PLACES = [("Berlin", "Europe/Berlin"), ("Lisbon", "Europe/Lisbon"), ("Austin", "America/Chicago")]


def people_csv(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["name", "email", "title", "seniority", "function", "manager_email", "location",
             "timezone", "skills"]
        )  # fmt: skip
        for number in range(rows):
            # Managers form a tree; some are named before they appear in the file.
            manager = (
                "" if number < 20 else f"person{rng.randrange(max(20, number // 5))}@import.test"
            )
            place, zone = rng.choice(PLACES)
            skills = "; ".join(
                f"{skill}:{rng.randint(1, 5)}" for skill in rng.sample(SKILLS, rng.randint(0, 2))
            )
            writer.writerow(
                [
                    f"{rng.choice(FIRST)} {rng.choice(LAST)} {number}",
                    f"person{number}@import.test",
                    rng.choice(["Analyst", "Manager", "Engineer", "Director", ""]),
                    str(rng.randint(1, 5)),
                    rng.choice(FUNCTIONS),
                    manager,
                    place,
                    zone,
                    skills,
                ]
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=5)
    options = parser.parse_args()
    started = time.perf_counter()
    dataset = benchlib.Dataset(options.database, people=1, partnerships=0, weeks=0, seed=0)
    scratch_root = benchlib.RESULTS / "scratch" / f"import-{options.database}"
    scratch_root.mkdir(parents=True, exist_ok=True)
    csv_path = scratch_root / f"people-{options.rows}.csv"
    if not csv_path.exists():
        people_csv(csv_path, options.rows, options.seed)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"{options.rows:,} rows, {size_mb:.1f} MB", flush=True)

    os.environ["ACCORD_IMPORT_MAX_ROWS"] = str(options.rows)
    os.environ["ACCORD_IMPORT_MAX_BYTES"] = str(int(csv_path.stat().st_size * 1.1) + 1024)
    if options.database == "postgres":
        name = f"bench_import_{options.rows}"
        benchlib._postgres_recreate(name)
        url = f"{benchlib.POSTGRES_BASE}/{name}"
    else:
        for suffix in ("", "-wal", "-shm"):
            (scratch_root / f"accord.sqlite3{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{scratch_root / 'accord.sqlite3'}"
    del dataset
    benchlib.django_setup(url, scratch_root)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accord.accounts.models import User
    from accord.org import actions, selectors
    from accord.org.importing import read_people_file
    from accord.org.models import Person
    from accord.workspaces.models import Membership, Role, Workspace

    workspace = Workspace.objects.create(name="Import bench", slug="import-bench")
    owner = User.objects.create_user(email=benchlib.OWNER_EMAIL, password="x" * 20)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)

    steps: list[tuple[str, float]] = []
    total, total_cpu = time.perf_counter(), time.process_time()
    clock = time.perf_counter()
    parsed = read_people_file(
        csv_path.read_bytes(),
        csv_path.name,
        max_bytes=settings.ACCORD_IMPORT_MAX_BYTES,
        max_rows=settings.ACCORD_IMPORT_MAX_ROWS,
    )
    steps.append(("read and parse the file", time.perf_counter() - clock))
    clock = time.perf_counter()
    batch = actions.import_batch_create(
        workspace=workspace,
        actor=owner,
        filename=csv_path.name,
        parsed=parsed,
        create_missing_functions=True,
    )
    steps.append(("keep the upload (import batch)", time.perf_counter() - clock))
    clock = time.perf_counter()
    plan, _context = selectors.person_import_plan(batch=batch)
    steps.append(("preview: plan every row", time.perf_counter() - clock))
    clock = time.perf_counter()
    result = actions.person_import_apply(
        batch=batch, actor=owner, valid_only=False, expected_digest=plan.digest
    )
    steps.append(("apply: bulk writes + audit", time.perf_counter() - clock))
    seconds = time.perf_counter() - total
    cpu = time.process_time() - total_cpu
    stored = Person.objects.filter(workspace=workspace).count()
    managed = Person.objects.filter(workspace=workspace, manager__isnull=False).count()
    assert stored == options.rows, (stored, result)
    for name, step in steps:
        print(f"  {name:34} {step:7.1f} s")
    print(
        f"imported {stored:,} people ({managed:,} with a manager) in {seconds:.1f} s: "
        f"{options.rows / seconds:,.0f} rows/s (CPU {cpu:.1f} s); result {result}"
    )
    engine = "SQLite" if options.database == "sqlite" else "PostgreSQL"
    breakdown = "; ".join(f"{name} {step:.1f} s" for name, step in steps)
    rows = [
        benchlib.row(
            f"Import people from CSV, upload → preview → apply [{engine}]",
            data=f"{options.rows:,} rows ({size_mb:.0f} MB CSV), empty workspace",
            p50=round(seconds, 1),
            unit="s",
            queries=f"{options.rows / seconds:,.0f} rows/s",
            target="minutes (no stated budget)",
            met=seconds < 600,
            note=f"single run; CPU {cpu:.0f} s; {breakdown}",
            group="Import",
        )
    ]
    from django.db import connections

    connections.close_all()
    benchlib.result_write(f"import-{options.database}", rows, started=started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
