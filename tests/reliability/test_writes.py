"""No lost writes, and no lost acknowledged writes when the server is killed mid-burst.

Writers post check-ins through the production server (`accord serve`, gunicorn) with a
personal access token. Every check-in the server answered 201 for must be in the database
afterwards, with its audit entry (written in the same transaction), and nothing else may be.
"""

import http.client
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from accord.api.testing import token_for
from accord.goals.models import CheckIn, Goal
from accord.goals.tests.helpers import goal_make
from accord.workspaces.models import AuditEntry
from conftest import build_tenant
from tests.reliability.conftest import LiveDatabase, ServerProcess, send

WRITERS = 16
WRITE_SECONDS = 8.0
CRASH_WRITERS = 8
CRASH_RUNS = 2


@dataclass
class Ledger:
    """What the writers saw: acknowledged check-in ids, and every other answer."""

    acknowledged: set[str] = field(default_factory=set)
    refused: list[tuple[int, str]] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # connection errors: no answer at all
    lock = threading.Lock()


def _write(
    server: ServerProcess, goal: Goal, ledger: Ledger, writer: int, stop: threading.Event
) -> None:
    """Post check-ins on one kept-alive connection until told to stop or the server goes."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    sequence = 0
    try:
        while not stop.is_set():
            sequence += 1
            body = {"value": sequence, "note": f"writer {writer} #{sequence}"}
            try:
                answer = send(
                    conn, "POST", f"/api/v1/goals/{goal.uuid}/checkins", body, token=server.token
                )
            except (OSError, http.client.HTTPException) as error:
                with ledger.lock:
                    ledger.broken.append(f"writer {writer}: {error!r}")
                return
            with ledger.lock:
                if answer.status == 201:
                    ledger.acknowledged.add(answer.json()["id"])
                else:
                    ledger.refused.append((answer.status, answer.body.decode(errors="replace")))
    finally:
        conn.close()


def _burst(server: ServerProcess, goal: Goal, ledger: Ledger, *, writers: int, until: Any) -> None:
    """Run `writers` threads until `until(ledger)` says stop (it may kill the server)."""
    stop = threading.Event()
    threads = [
        threading.Thread(target=_write, args=(server, goal, ledger, n, stop), daemon=True)
        for n in range(writers)
    ]
    for thread in threads:
        thread.start()
    try:
        until(ledger)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer never returned"


def _stored(goal: Goal) -> set[str]:
    return {str(u) for u in CheckIn.objects.filter(goal=goal).values_list("uuid", flat=True)}


def _audited(goal: Goal) -> set[str]:
    return {
        str(u)
        for u in AuditEntry.objects.filter(
            object_type="goals.checkin", action="create"
        ).values_list("object_uuid", flat=True)
    }


def _seed(server: ServerProcess) -> Goal:
    acme = build_tenant("acme", "Acme Corp")
    server.token = token_for(acme, "owner")
    return goal_make(acme)


def test_concurrent_writers_lose_nothing(live_database: LiveDatabase, server: ServerProcess):
    """16 writers posting check-ins for 8 s through the production server: every 201 is
    stored with its audit entry, nothing unacknowledged is stored, no answer is a 5xx and no
    "database is locked" reaches anyone."""
    goal = _seed(server)
    server.start()
    ledger = Ledger()
    _burst(server, goal, ledger, writers=WRITERS, until=lambda _ledger: time.sleep(WRITE_SECONDS))
    server.stop()
    statuses = sorted({status for status, _body in ledger.refused})
    print(
        f"{live_database.vendor}: {len(ledger.acknowledged)} check-ins acknowledged by "
        f"{WRITERS} writers in {WRITE_SECONDS} s; other answers {statuses}"
    )
    assert ledger.broken == []
    # 429 (a rate limit) is a clear refusal a client retries; anything else is a failure.
    assert [answer for answer in ledger.refused if answer[0] != 429] == []
    assert len(ledger.acknowledged) >= WRITERS, "the server acknowledged almost nothing"
    stored = _stored(goal)
    assert stored == ledger.acknowledged
    assert _audited(goal) == stored
    assert "database is locked" not in server.log_text()
    assert live_database.integrity_problems() == []


def test_killing_the_server_mid_burst_loses_no_acknowledged_write(
    live_database: LiveDatabase, server: ServerProcess
):
    """kill -9 of the whole server (gunicorn master and workers) during a burst of writes,
    twice: every acknowledged check-in survives with its audit entry, the database passes an
    integrity check, and the restarted server serves reads and writes again."""
    goal = _seed(server)
    acknowledged: set[str] = set()
    for run in range(CRASH_RUNS):
        server.start()
        ledger = Ledger()
        target = 40 + 60 * run  # kill at a different point of each burst

        def kill_when_busy(ledger: Ledger, target: int = target) -> None:
            deadline = time.monotonic() + 30
            while len(ledger.acknowledged) < target and time.monotonic() < deadline:
                time.sleep(0.01)
            server.kill()

        _burst(server, goal, ledger, writers=CRASH_WRITERS, until=kill_when_busy)
        assert [answer for answer in ledger.refused if answer[0] >= 500] == []
        assert len(ledger.acknowledged) >= target
        acknowledged |= ledger.acknowledged
        stored = _stored(goal)
        print(
            f"{live_database.vendor} crash run {run + 1}: {len(ledger.acknowledged)} "
            f"acknowledged, {len(ledger.broken)} writers cut off, {len(stored)} stored in all"
        )
        # In-flight writes may or may not have committed; acknowledged ones must have.
        assert acknowledged <= stored
        assert _audited(goal) == stored
        assert live_database.integrity_problems() == []

    server.start()
    read = server.request("GET", f"/api/v1/goals/{goal.uuid}/checkins?limit=1")
    assert read.status == 200, read.body
    assert read.json()["count"] == len(_stored(goal))
    written = server.request("POST", f"/api/v1/goals/{goal.uuid}/checkins", {"value": 1})
    assert written.status == 201, written.body
    assert written.json()["id"] in _stored(goal)
