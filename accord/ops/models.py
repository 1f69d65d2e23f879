"""Operations data that belongs to no workspace."""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A running `accord worker`. It refreshes `beat_at` every few seconds while it lives;
    a worker whose beat is older than the task lease is gone (see accord/ops/task_recovery.py).
    One row per worker process, on whatever machine it runs."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self) -> str:
        return f"{self.worker_id} on {self.hostname} (pid {self.pid})"
