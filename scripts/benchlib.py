"""Shared pieces of the benchmark scripts: result files, percentiles, the machine, datasets.

Every benchmark writes ``var/bench/<name>.json``: ``{"name", "date", "seconds", "machine",
"rows": [...]}`` where each row is a dict made by :func:`row`. ``scripts/bench_all.py``
assembles BENCHMARKS.md from those files, so one script can be re-run on its own and the
table regenerated with ``bench_all.py --report-only``.
"""

import datetime
import hashlib
import json
import math
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"
DATA = RESULTS / "data"
ACCORD = str(Path(sys.executable).parent / "accord")
POSTGRES_BASE = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
WORKSPACE = "bench"
OWNER_EMAIL = "bench-owner@bench.test"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def row(
    what: str,
    *,
    data: str,
    p50: float | None = None,
    p95: float | None = None,
    unit: str = "ms",
    queries: str = "",
    ratio: float | None = None,
    ratio_to: str = "",
    target: str = "",
    met: bool | None = None,
    note: str = "",
    group: str = "",
) -> dict[str, Any]:
    """One line of the report. ``met`` is None when the row has no target."""
    return {
        "what": what,
        "data": data,
        "p50": p50,
        "p95": p95,
        "unit": unit,
        "queries": queries,
        "ratio": ratio,
        "ratio_to": ratio_to,
        "target": target,
        "met": met,
        "note": note,
        "group": group,
    }


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def result_write(name: str, rows: list[dict[str, Any]], *, started: float, **extra: Any) -> Path:
    """Write ``var/bench/<name>.json`` and return its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {
        "name": name,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "load_average_end": load_average(),
        "rows": rows,
        **extra,
    }
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
    return path


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return (done.stdout.strip().splitlines() or ["unknown"])[0]


def machine() -> dict[str, str]:
    """The machine the numbers were taken on."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kilobytes / 1024**2:.1f} GiB"
    system = platform.platform()
    release = Path("/etc/os-release")
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                system = f"{line.split('=', 1)[1].strip(chr(34))} ({platform.release()})"
    postgres = "unknown"
    if shutil.which("psql"):
        postgres = _first_line(["psql", f"{POSTGRES_BASE}/postgres", "-Atc", "show server_version"])
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": system,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres,
        "load_average": load_average(),
    }


# --- Datasets -------------------------------------------------------------------------------


def generator_version() -> str:
    """A digest of the generator's code: a cached dataset is rebuilt when it changes."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "accord" / "ops").glob("generate*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class Dataset:
    """A generated workspace kept between runs, keyed by the generator's parameters.

    SQLite: ``var/bench/data/<key>/accord.sqlite3`` (the folder is the ACCORD_DATA_DIR).
    PostgreSQL: database ``bench_<key>``. A ``<key>.ready`` file marks a finished build.
    """

    def __init__(
        self, database: str, *, people: int, partnerships: int, weeks: int, seed: int
    ) -> None:
        self.database = database
        self.people = people
        self.partnerships = partnerships
        self.weeks = weeks
        self.seed = seed
        self.demo = people == 0
        body = "demo" if self.demo else f"p{people}-m{partnerships}-w{weeks}-s{seed}"
        self.key = f"{database}-{body}"
        self.folder = DATA / self.key
        self.marker = DATA / f"{self.key}.ready"
        self.db_name = "bench_" + body.replace("-", "_")

    @property
    def label(self) -> str:
        if self.demo:
            return "demo workspace"
        return f"{self.people:,} people, {self.partnerships:,} partnerships, {self.weeks} weeks"

    @property
    def url(self) -> str:
        if self.database == "postgres":
            return f"{POSTGRES_BASE}/{self.db_name}"
        return f"sqlite:///{self.folder / 'accord.sqlite3'}"

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for a subprocess (accord command, server) on this dataset."""
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env["ACCORD_DATA_DIR"] = str(self.folder)
        env["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
        if self.database == "postgres":
            env["DATABASE_URL"] = self.url
        env.update(extra)
        return env

    def ready(self) -> bool:
        if not self.marker.exists():
            return False
        if json.loads(self.marker.read_text()).get("generator") != generator_version():
            print(
                f"dataset {self.key}: the generator changed since the build; using the cached "
                "data anyway (pass --regenerate to rebuild)"
            )
        if self.database == "sqlite":
            return (self.folder / "accord.sqlite3").exists()
        return _postgres_exists(self.db_name)

    def ensure(self, *, regenerate: bool = False) -> float:
        """Build the dataset unless it is already there; the seconds the build took (0 when
        cached)."""
        if self.ready() and not regenerate:
            info = json.loads(self.marker.read_text())
            print(f"dataset {self.key}: cached (built {info.get('built')})")
            return 0.0
        self.folder.mkdir(parents=True, exist_ok=True)
        self.marker.unlink(missing_ok=True)
        if self.database == "sqlite":
            for name in ("accord.sqlite3", "accord.sqlite3-wal", "accord.sqlite3-shm"):
                (self.folder / name).unlink(missing_ok=True)
        else:
            _postgres_recreate(self.db_name)
        env = self.env()
        started = time.perf_counter()
        subprocess.run([ACCORD, "migrate", "--noinput", "-v", "0"], env=env, check=True)
        subprocess.run([ACCORD, "createcachetable"], env=env, check=True)
        if self.demo:
            command = [ACCORD, "demo"]
        else:
            command = [
                ACCORD,
                "generate",
                "--people",
                str(self.people),
                "--partnerships",
                str(self.partnerships),
                "--weeks",
                str(self.weeks),
                "--seed",
                str(self.seed),
                "--workspace",
                WORKSPACE,
            ]
        print(f"dataset {self.key}: {' '.join(command[1:])}", flush=True)
        subprocess.run(command, env=env, check=True)
        if self.database == "postgres":
            subprocess.run(
                ["psql", self.url, "-qc", "VACUUM ANALYZE"], check=True, capture_output=True
            )
        seconds = time.perf_counter() - started
        self.marker.write_text(
            json.dumps(
                {
                    "built": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                    "seconds": round(seconds, 1),
                    "command": command[1:],
                    "generator": generator_version(),
                }
            )
        )
        print(f"dataset {self.key}: built in {seconds:.0f} s", flush=True)
        return seconds

    def build_seconds(self) -> float | None:
        if not self.marker.exists():
            return None
        return float(json.loads(self.marker.read_text()).get("seconds", 0)) or None

    def scratch_copy(self, name: str) -> "Scratch":
        """A throwaway copy for benchmarks that write (load, concurrent writers)."""
        return Scratch(self, name)


class Scratch:
    """A writable copy of a dataset: a copied SQLite file, or a PostgreSQL database created
    from the dataset's database as template."""

    def __init__(self, dataset: Dataset, name: str) -> None:
        self.dataset = dataset
        self.folder = RESULTS / "scratch" / name
        self.db_name = f"{dataset.db_name}_{name.replace('-', '_')}"
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True)
        if dataset.database == "sqlite":
            source = dataset.folder / "accord.sqlite3"
            # A consistent copy even if a WAL is left over (the backup API reads through it).
            with (
                sqlite3.connect(source) as origin,
                sqlite3.connect(self.folder / "accord.sqlite3") as copy,
            ):
                origin.backup(copy)
            copy_key = dataset.folder / "secret_key"
            if copy_key.exists():
                shutil.copy(copy_key, self.folder / "secret_key")
        else:
            _postgres_recreate(self.db_name, template=dataset.db_name)

    @property
    def url(self) -> str:
        if self.dataset.database == "postgres":
            return f"{POSTGRES_BASE}/{self.db_name}"
        return f"sqlite:///{self.folder / 'accord.sqlite3'}"

    def env(self, **extra: str) -> dict[str, str]:
        env = self.dataset.env(**extra)
        env["ACCORD_DATA_DIR"] = str(self.folder)
        if self.dataset.database == "postgres":
            env["DATABASE_URL"] = self.url
        return env

    def drop(self) -> None:
        if self.dataset.database == "postgres":
            _postgres_drop(self.db_name)
        shutil.rmtree(self.folder, ignore_errors=True)


def _psql(sql: str) -> str:
    done = subprocess.run(
        ["psql", f"{POSTGRES_BASE}/postgres", "-Atqc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _postgres_exists(name: str) -> bool:
    return _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def _postgres_drop(name: str) -> None:
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_recreate(name: str, *, template: str | None = None) -> None:
    _postgres_drop(name)
    suffix = f' TEMPLATE "{template}"' if template else ""
    _psql(f'CREATE DATABASE "{name}"{suffix}')


def django_setup(url: str, data_dir: Path) -> None:
    """Point this process's Django at a database and set it up (call before any model
    import)."""
    if url.startswith("postgres"):
        os.environ["DATABASE_URL"] = url
        # One connection per thread, kept open: what a gunicorn thread does with the pool.
        os.environ.setdefault("ACCORD_DB_POOL", "0")
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["ACCORD_DATA_DIR"] = str(data_dir)
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    # The access log line of every request would drown the benchmark's own output.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def bench_owner() -> tuple[Any, Any]:
    """The benchmark workspace and an owner login in it: the dataset's own owner (who has a
    person record, so every write path is open), else one created once and kept."""
    from accord.accounts.models import User
    from accord.web.demo import DEMO_WORKSPACE_SLUG
    from accord.workspaces.models import Membership, Role, Workspace

    workspace = (
        Workspace.objects.filter(slug=WORKSPACE).first()
        or Workspace.objects.filter(slug=DEMO_WORKSPACE_SLUG).first()
    )
    if workspace is None:
        raise SystemExit("The dataset has no workspace 'bench' (nor the demo).")
    owner = (
        Membership.objects.filter(workspace=workspace, role=Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if owner is not None:
        return workspace, owner.user
    user, created = User.objects.get_or_create(email=OWNER_EMAIL)
    if created:
        user.set_password("bench-owner-password-1")
        user.save()
    Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": Role.OWNER})
    return workspace, user


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``accord serve`` (gunicorn) on a loopback port, its output in a log file; stopped by
    its process id when the block ends."""

    def __init__(self, env: dict[str, str], *, workers: int, threads: int, log: Path) -> None:
        self.env = {**env, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
        self.workers = workers
        self.threads = threads
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Server":
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            [ACCORD, "serve", "--port", str(self.port), "--workers", str(self.workers),
             "--threads", str(self.threads)],
            env=self.env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"accord serve exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"accord serve did not answer within 180 s; see {self.log}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_count(self, *words: str) -> dict[str, int]:
        text = self.log.read_text(errors="replace").lower()
        return {word: text.count(word.lower()) for word in words}
