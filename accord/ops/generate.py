"""`accord generate`: a large, realistic workspace for load tests, benchmarks and demos at scale.

The builder draws everything from one seeded random generator, so the same flags and seed give
the same data (only keys, UUIDs and timestamps differ). It writes with bulk inserts inside
one transaction (a failed run leaves nothing behind) and sends no per-row signals; the number
of queries grows with the number of insert batches, not with the number of rows. The stages
live in `generate_*` modules.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accord.ops.generate_bulk import sqlite_cache_grow
from accord.ops.generate_comms import comms_create
from accord.ops.generate_governance import governance_create
from accord.ops.generate_network import network_create
from accord.ops.generate_org import FUNCTIONS, GeneratedLogin, organization_create, password_make
from accord.ops.generate_partnerships import goals_create, partnerships_create
from accord.ops.generate_snapshots import health_snapshots_create, network_snapshots_create
from accord.ops.generate_surveys import surveys_create
from accord.workspaces.models import Workspace

Progress = Callable[[str], None]


@dataclass(frozen=True)
class GenerateOptions:
    people: int
    partnerships: int
    weeks: int = 12
    seed: int = 1
    slug: str = "generated"
    name: str = ""
    functions: int = len(FUNCTIONS)
    events: int = 50  # collaboration events per person
    password: str = ""
    replace: bool = False
    snapshots: bool = True  # compute health and network snapshots at the end
    today: date | None = None


@dataclass
class GenerateResult:
    workspace: Workspace
    password: str
    logins: list[GeneratedLogin]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def options_check(options: GenerateOptions) -> None:
    """Raise ValidationError naming the flag and the rule for out-of-range options."""
    problems: dict[str, str] = {}
    if options.people < 60:
        problems["people"] = "--people must be at least 60 (a few per function)."
    if options.partnerships < 1:
        problems["partnerships"] = "--partnerships must be at least 1."
    if not 1 <= options.weeks <= 104:
        problems["weeks"] = "--weeks must be between 1 and 104."
    if not 2 <= options.functions <= len(FUNCTIONS):
        problems["functions"] = f"--functions must be between 2 and {len(FUNCTIONS)}."
    if options.events < 0:
        problems["events"] = "--events must be 0 or more."
    if options.password and len(options.password) < 10:
        problems["password"] = "--password must be at least 10 characters."
    if problems:
        raise ValidationError(problems)


def workspace_prepare(*, slug: str, name: str, replace: bool) -> Workspace:
    """A new, empty workspace at `slug`. An existing one is an error unless `replace`, which
    deletes it (and everything in it) first."""
    existing = Workspace.objects.filter(slug=slug).first()
    if existing is not None:
        if not replace:
            raise ValidationError(
                {
                    "workspace": f"A workspace with the slug “{slug}” already exists. "
                    "Pick another --workspace, or pass --replace to delete it and generate "
                    "it again."
                }
            )
        existing.delete()
    workspace = Workspace(name=name or slug.replace("-", " ").title(), slug=slug)
    workspace.full_clean()
    workspace.save()
    return workspace


def workspace_generate(
    *, options: GenerateOptions, progress: Progress | None = None
) -> GenerateResult:
    """Build the workspace described by `options`; `progress` hears one line per stage."""
    options_check(options)
    say = progress or (lambda line: None)
    today = options.today or timezone.localdate()
    rng = random.Random(options.seed)
    password = options.password or password_make()
    started = time.perf_counter()
    cpu_started = time.process_time()
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}

    cpu_mark = [time.process_time()]

    def stage(label: str, began: float, written: dict[str, int]) -> None:
        seconds[label] = time.perf_counter() - began
        cpu = time.process_time() - cpu_mark[0]
        cpu_mark[0] = time.process_time()
        counts.update(written)
        summary = ", ".join(f"{n:,} {name}" for name, n in written.items())
        say(f"{label}: {summary} in {seconds[label]:.1f} s (CPU {cpu:.1f} s)")

    with transaction.atomic():
        sqlite_cache_grow()
        workspace = workspace_prepare(slug=options.slug, name=options.name, replace=options.replace)
        began = time.perf_counter()
        organization = organization_create(
            workspace=workspace,
            people=options.people,
            function_count=options.functions,
            password=password,
            rng=random.Random(rng.getrandbits(64)),
        )
        stage(
            "organization",
            began,
            {
                "functions": len(organization.functions),
                "people": len(organization.people),
                "logins": len(organization.logins),
            },
        )
        began = time.perf_counter()
        portfolio = partnerships_create(
            workspace=workspace,
            organization=organization,
            count=options.partnerships,
            weeks=options.weeks,
            today=today,
            rng=random.Random(rng.getrandbits(64)),
        )
        stage("partnerships", began, dict(portfolio.counts))
        began = time.perf_counter()
        portfolio.counts.clear()
        goals_create(
            workspace=workspace,
            organization=organization,
            portfolio=portfolio,
            weeks=options.weeks,
            today=today,
            rng=random.Random(rng.getrandbits(64)),
        )
        stage("goals and KPIs", began, dict(portfolio.counts))
        builds = (
            ("governance", governance_create),
            ("communication", comms_create),
            ("surveys", surveys_create),
        )
        for label, build in builds:
            began = time.perf_counter()
            written = build(
                workspace=workspace,
                organization=organization,
                portfolio=portfolio,
                weeks=options.weeks,
                today=today,
                rng=random.Random(rng.getrandbits(64)),
            )
            stage(label, began, written)
        began = time.perf_counter()
        written = network_create(
            workspace=workspace,
            organization=organization,
            portfolio=portfolio,
            weeks=options.weeks,
            today=today,
            events=options.events,
            seed=rng.getrandbits(64),
        )
        stage("collaboration events", began, written)
        if options.snapshots:
            if connection.vendor == "postgresql":
                # Freshly bulk-loaded tables have no planner statistics yet; without them the
                # snapshot queries get nested-loop plans that take minutes.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            began = time.perf_counter()
            written = health_snapshots_create(
                workspace=workspace,
                portfolio=portfolio,
                weeks=options.weeks,
                today=today,
                rng=random.Random(rng.getrandbits(64)),
            )
            stage("health snapshots", began, written)
            began = time.perf_counter()
            written = network_snapshots_create(workspace=workspace, today=today)
            stage("network snapshots", began, written)
    seconds["total"] = time.perf_counter() - started
    seconds["cpu"] = time.process_time() - cpu_started
    return GenerateResult(
        workspace=workspace,
        password=password,
        logins=organization.logins,
        counts=counts,
        seconds=seconds,
    )
