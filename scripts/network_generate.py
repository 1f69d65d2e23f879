"""Synthetic collaboration metadata: people.csv and events.csv for `accord network analyze`.

    .venv/bin/python scripts/network_generate.py --people 5000 --events 1000000 \
        --functions 10 --seed 1 -o /tmp/network-1m

people.csv: email, function, name, level, timezone. events.csv: timestamp (ISO 8601, UTC),
sender, recipients (1–5 addresses separated by ';'), channel (email, chat, meeting).

The structure is meant to look like a real organisation, not a random graph:

- functions of uneven size (a few large ones, several small ones), people ordered by
  function and, inside a function, by team, so "near in the file" means "same team";
- activity is heavy-tailed (log-normal), with about 1 % hubs that send and receive much more
  and whose traffic crosses functions far more often (the brokers);
- most recipients are teammates (a normal offset around the sender inside the function
  block), some are elsewhere in the function, about 12 % in another function chosen from a
  function-affinity matrix (pairs of functions that work together more; the last function
  is a silo that rarely talks out), cross-function recipients drawn by activity so hubs
  attract traffic; about 6 % of people also work in cross-functional project groups of ~20
  (hidden clusters that do not follow the org chart); 1–5 distinct recipients per event; a
  few external addresses that are no one's (unmatched identities);
- timestamps over ``--weeks`` weeks, mostly on weekdays inside working hours of the sender's
  time zone, about 8 % after hours.

Vectorised with numpy and written with polars in chunks of a million events, so ten million
events take well under a minute and little memory.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

FUNCTION_NAMES = (
    "Engineering",
    "Sales",
    "Operations",
    "Marketing",
    "Support",
    "Product",
    "Finance",
    "People",
    "Design",
    "Legal",
)
LEVELS = ("IC", "Senior", "Lead", "Manager", "Director")
LEVEL_P = (0.5, 0.25, 0.1, 0.1, 0.05)
# (name, UTC offset in hours, ignoring daylight saving)
ZONES = (
    ("Europe/London", 0),
    ("Europe/Berlin", 1),
    ("America/New_York", -5),
    ("America/Los_Angeles", -8),
    ("Asia/Singapore", 8),
    ("Asia/Kolkata", 5),
)
RECIPIENTS_P = np.array([0.45, 0.25, 0.15, 0.1, 0.05])  # 1…5 recipients
CHANNELS = ("email", "chat", "meeting")
CHANNEL_P = np.array([0.5, 0.35, 0.15])
START = 1767571200  # 2026-01-05T00:00:00Z, a Monday
CHUNK = 1_000_000


def _uniform(a: NDArray[np.int64], b: NDArray[np.int64], salt: int) -> NDArray[np.float64]:
    """A fixed number in [0, 1) for each (a, b, salt): splitmix64 of the combined key."""
    x = (a.astype(np.uint64) << np.uint64(20)) ^ (b.astype(np.uint64) << np.uint64(4))
    x ^= np.uint64(salt)
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def function_names(count: int) -> list[str]:
    return [
        FUNCTION_NAMES[i] if i < len(FUNCTION_NAMES) else f"Function {i + 1}" for i in range(count)
    ]


class Organisation:
    """People (ordered by function, then team) with activity, hub flags and affinities."""

    def __init__(self, people: int, functions: int, rng: np.random.Generator) -> None:
        if functions < 2 or people < 4 * functions:
            raise SystemExit("need at least 2 functions and 4 people per function")
        self.n = people
        self.f = functions
        self.names = function_names(functions)
        # Uneven sizes: Dirichlet shares, every function at least 2 % (and 4 people).
        share = rng.dirichlet(np.full(functions, 2.0))
        share = np.maximum(share, 0.02)
        share /= share.sum()
        size = np.maximum(np.floor(share * people).astype(np.int64), 4)
        size[int(np.argmax(size))] += people - int(size.sum())
        self.start = np.concatenate(([0], np.cumsum(size)[:-1])).astype(np.int64)
        self.size = size
        self.function = np.repeat(np.arange(functions, dtype=np.int64), size)
        self.activity = rng.lognormal(0.0, 0.8, people)
        self.hub = rng.random(people) < 0.01
        self.activity[self.hub] *= 6.0
        # Cross-function probability per sender: hubs reach out, the silo (last) does not.
        self.cross = np.where(self.hub, 0.5, 0.12)
        self.cross[self.function == functions - 1] = np.where(
            self.hub[self.function == functions - 1], 0.1, 0.02
        )
        # Function affinity: a few strong partner pairs, the silo rarely chosen.
        affinity = rng.gamma(1.0, 1.0, (functions, functions))
        affinity = (affinity + affinity.T) / 2.0
        np.fill_diagonal(affinity, 0.0)
        affinity[:, functions - 1] *= 0.1
        affinity[functions - 1, :] *= 0.1
        self.affinity_cdf = np.cumsum(affinity / affinity.sum(axis=1, keepdims=True), axis=1)
        self.activity_cdf = np.cumsum(self.activity) / self.activity.sum()
        # Activity CDF inside each function block, for cross-function recipients.
        within = np.empty(people)
        for k in range(functions):
            block = self.activity[self.start[k] : self.start[k] + size[k]]
            within[self.start[k] : self.start[k] + size[k]] = np.cumsum(block) / block.sum()
        self.within_cdf = within
        # Cross-functional projects: about 6 % of people in groups of ~20 drawn from every
        # function, who send a third of their traffic inside the project.
        members = rng.permutation(people)[: max(0, int(people * 0.06))]
        self.project = np.full(people, -1, dtype=np.int64)
        self.project[members] = np.arange(members.size) // 20
        self.project_members = members[np.argsort(self.project[members], kind="stable")]
        counts = np.bincount(self.project[members], minlength=0) if members.size else []
        self.project_start = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        self.project_size = np.asarray(counts, dtype=np.int64)
        self.zone = rng.integers(0, len(ZONES), people)
        self.level = rng.choice(len(LEVELS), size=people, p=LEVEL_P)
        # Shuffle-free addresses: unique by index.
        self.emails = [f"person{i:06d}@example.com" for i in range(people)]

    def people_frame(self) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "email": self.emails,
                "function": [self.names[k] for k in self.function.tolist()],
                "name": [f"Person {i}" for i in range(self.n)],
                "level": [LEVELS[k] for k in self.level.tolist()],
                "timezone": [ZONES[k][0] for k in self.zone.tolist()],
            }
        )

    def recipients(self, sender: NDArray[np.int64], rng: np.random.Generator) -> NDArray[np.int64]:
        """One recipient per sender entry (−1 for an external address)."""
        count = sender.size
        fn = self.function[sender]
        start = self.start[fn]
        size = self.size[fn]
        kind = rng.random(count)
        cross = kind < self.cross[sender]
        wide = ~cross & (kind < self.cross[sender] + 0.25)
        # Teammates: a normal offset around the sender, wrapped inside the function block.
        offset = np.rint(rng.normal(0.0, 6.0, count)).astype(np.int64)
        offset[offset == 0] = 1
        result = start + (sender - start + offset) % size
        # Elsewhere in the function or in another function: one of the sender's few stable
        # contacts there (hubs have many more), each drawn by activity, so ties repeat.
        contacts = np.where(self.hub[sender], 60, 12)
        slot = (rng.random(count) * contacts).astype(np.int64)
        if wide.any():
            u = _uniform(sender[wide], slot[wide], 1)
            result[wide] = self._by_activity(fn[wide], u)
        if cross.any():
            cdf = self.affinity_cdf[fn[cross]]
            pick = _uniform(sender[cross], slot[cross], 2)
            target = (pick[:, None] > cdf).sum(axis=1)
            target = np.minimum(target, self.f - 1)
            result[cross] = self._by_activity(target, _uniform(sender[cross], slot[cross], 3))
        project = self.project[sender]
        joint = (project >= 0) & (rng.random(count) < 0.33)
        if joint.any():
            p = project[joint]
            pick = (rng.random(int(joint.sum())) * self.project_size[p]).astype(np.int64)
            result[joint] = self.project_members[self.project_start[p] + pick]
        result[rng.random(count) < 0.004] = -1
        return result

    def _by_activity(self, fn: NDArray[np.int64], u: NDArray[np.float64]) -> NDArray[np.int64]:
        """A person of function ``fn`` drawn in proportion to activity."""
        out = np.empty(fn.size, dtype=np.int64)
        for k in np.unique(fn).tolist():
            mask = fn == k
            lo, n = int(self.start[k]), int(self.size[k])
            cdf = self.within_cdf[lo : lo + n]
            out[mask] = lo + np.minimum(np.searchsorted(cdf, u[mask]), n - 1)
        return out


def events_chunk(
    org: Organisation, count: int, weeks: int, rng: np.random.Generator
) -> pl.DataFrame:
    sender = np.minimum(np.searchsorted(org.activity_cdf, rng.random(count)), org.n - 1).astype(
        np.int64
    )
    k = rng.choice(5, size=count, p=RECIPIENTS_P) + 1
    slots = np.full((count, 5), -2, dtype=np.int64)  # −2: no slot
    for j in range(5):
        has = k > j
        slots[has, j] = org.recipients(sender[has], rng)
    # Distinct recipients per event, never the sender: a repeat becomes the next teammate.
    for j in range(5):
        col = slots[:, j]
        for _ in range(3):
            clash = (col >= 0) & ((col == sender) | (slots[:, :j] == col[:, None]).any(axis=1))
            if not clash.any():
                break
            fn = org.function[col[clash]]
            col[clash] = org.start[fn] + (col[clash] - org.start[fn] + 1) % org.size[fn]
        clash = (col >= 0) & ((col == sender) | (slots[:, :j] == col[:, None]).any(axis=1))
        col[clash] = -2
        slots[:, j] = col
    # Timestamps: weekday working hours in the sender's zone, some after hours.
    day = rng.integers(0, weeks * 7, count)
    weekday = day % 7
    weekend = weekday >= 5
    keep_weekend = rng.random(count) < 0.1
    day[weekend & ~keep_weekend] -= rng.integers(1, 5, int((weekend & ~keep_weekend).sum()))
    after = rng.random(count) < 0.08
    local_hour = np.where(after, rng.choice([7, 19, 20, 21, 22], size=count), 0)
    local_hour = np.where(after, local_hour, rng.integers(9, 18, count))
    offset = np.array([z[1] for z in ZONES], dtype=np.int64)[org.zone[sender]]
    stamp = (
        START
        + np.maximum(day, 0) * 86400
        + (local_hour - offset) * 3600
        + rng.integers(0, 3600, count)
    )
    emails = pl.Series("email", [*org.emails, "partner@external.example"])
    external = len(org.emails)

    columns = {}
    for j in range(5):
        col = slots[:, j]
        valid = col >= -1
        idx = np.where(col == -1, external, np.maximum(col, 0))
        text = emails.gather(idx)
        columns[f"r{j}"] = pl.select(
            pl.when(pl.Series(valid)).then(text).otherwise(None)
        ).to_series()
    frame = pl.DataFrame(
        {
            "timestamp": pl.from_epoch(pl.Series(stamp), time_unit="s").dt.strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "sender": emails.gather(sender),
            **columns,
            "channel": pl.Series(CHANNELS).gather(rng.choice(3, size=count, p=CHANNEL_P)),
        }
    )
    return frame.select(
        "timestamp",
        "sender",
        pl.concat_str([f"r{j}" for j in range(5)], separator=";", ignore_nulls=True).alias(
            "recipients"
        ),
        "channel",
    )


def generate(
    folder: Path,
    *,
    people: int,
    events: int,
    functions: int = 10,
    weeks: int = 8,
    seed: int = 1,
    timezones: bool = True,
) -> tuple[Path, Path]:
    """Write people.csv and events.csv into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    org = Organisation(people, functions, rng)
    people_path = folder / "people.csv"
    events_path = folder / "events.csv"
    frame = org.people_frame()
    if not timezones:
        frame = frame.drop("timezone")
    frame.write_csv(people_path)
    with events_path.open("wb") as handle:
        written = 0
        while written < events:
            count = min(CHUNK, events - written)
            events_chunk(org, count, weeks, rng).write_csv(handle, include_header=written == 0)
            written += count
    return people_path, events_path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--functions", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-timezones", action="store_true", help="omit the timezone column")
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder to write")
    options = parser.parse_args()
    started = time.perf_counter()
    people_path, events_path = generate(
        options.output,
        people=options.people,
        events=options.events,
        functions=options.functions,
        weeks=options.weeks,
        seed=options.seed,
        timezones=not options.no_timezones,
    )
    size = events_path.stat().st_size / 1e6
    print(
        f"wrote {people_path} and {events_path} ({options.events:,} events, {size:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
