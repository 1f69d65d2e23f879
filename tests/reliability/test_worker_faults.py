"""kill -9 of `accord worker` in the middle of a task: the task is retried once and its
effect (an email to each recipient) happens exactly once.

The mail server is a real SMTP server on 127.0.0.1 (aiosmtpd) that holds the first message
at the end of DATA, without answering, until the test lets it go: the worker is killed
while it waits for that answer, so the message was never accepted.
"""

import asyncio
import email
import email.policy
import logging
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django_tasks_db.models import DBTaskResult

from accord.notifications.models import Delivery, Event
from accord.notifications.service import notify
from accord.notifications.tests.conftest import person_of
from conftest import build_tenant
from tests.reliability.conftest import LiveDatabase, WorkerProcess, free_port, wait_for

logging.getLogger("mail.log").setLevel(logging.WARNING)

TASK = "accord.notifications.tasks.deliveries_send"
WAIT = 120.0  # seconds; generous for a busy CI machine, a healthy run needs a few


class StallingMailServer:
    """Accepts mail, except that the first message is held until `release` is set; if the
    client is gone by then, the message is refused (it was never accepted)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.dropped = 0
        self._stall_next = True
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self._stall_next:
            self._stall_next = False
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            transport = getattr(server, "transport", None)
            if transport is None or transport.is_closing():
                self.dropped += 1
                return "451 The client went away before the message was accepted"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def received_by(self, address: str) -> int:
        return sum(1 for message in self.messages if message["To"] == address)


@pytest.fixture
def mail_server() -> Iterator[StallingMailServer]:
    server = StallingMailServer()
    server.controller.start()
    try:
        yield server
    finally:
        server.release.set()
        server.controller.stop()


def _task(pk: Any) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.get(pk=pk)


def test_a_worker_killed_while_sending_email_is_retried_once_and_each_email_arrives_once(
    live_database: LiveDatabase, worker: WorkerProcess, mail_server: StallingMailServer
):
    """The worker dies (kill -9) while the mail server has not yet accepted the first email.
    The task stays RUNNING until a new worker finds the first one dead (its heartbeat is older
    than the 2 s lease), requeues the task once and releases the deliveries it held; the
    retry sends them, and each recipient gets exactly one email."""
    acme = build_tenant("acme", "Acme Corp")
    recipients = [person_of(acme, "member", "Mia Member"), person_of(acme, "admin", "Ada Admin")]
    notify(
        workspace=acme.workspace,
        event=Event.ACTION_ASSIGNED,
        recipients=recipients,
        key="reliability-1",
        subject="Action for you: send the revised discount policy",
        body="You own this action (Quote to cash).",
        url="/w/acme/actions/",
    )
    (queued,) = DBTaskResult.objects.filter(task_path=TASK)
    assert Delivery.objects.filter(transport=Delivery.Transport.EMAIL).count() == 2

    worker.env = {
        "EMAIL_URL": f"smtp://127.0.0.1:{mail_server.port}",
        "ACCORD_TASK_LEASE_SECONDS": "2",
    }
    worker.start()
    wait_for(mail_server.stalled.is_set, timeout=WAIT, what="the first email", log=worker.log_text)
    worker.kill()

    stuck = _task(queued.pk)
    assert stuck.status == "RUNNING"
    assert len(stuck.worker_ids) == 1
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sending"}
    mail_server.release.set()  # the dead worker never sees an answer

    worker.start()
    wait_for(
        lambda: _task(queued.pk).status == "SUCCESSFUL",
        timeout=WAIT,
        what="the retried task to finish",
        log=worker.log_text,
    )
    done = _task(queued.pk)
    assert len(done.worker_ids) == 2, "retried exactly once, by the second worker"
    assert done.worker_ids[0] != done.worker_ids[1]
    assert list(Delivery.objects.values_list("status", flat=True)) == ["sent", "sent"]
    for address in ("member@acme.test", "admin@acme.test"):
        assert mail_server.received_by(address) == 1, address
    assert len(mail_server.messages) == 2
    assert "Recovered the work of dead workers: 1 tasks requeued" in worker.log_text()
