"""The worker's own tables: one row per (periodic job, due slot) claimed, and one heartbeat
per live worker process. The queued tasks themselves are django-tasks-db's ``DBTaskResult``."""

from django.db import models


class PeriodicRun(models.Model):
    """A periodic job's slot, claimed by the worker that enqueued it.

    The unique constraint is the whole trigger: every worker tries to insert the slot that is
    due, the database lets exactly one insert through (SQLite serialises the IMMEDIATE
    transactions, PostgreSQL makes the second insert wait and then fail), and only the winner
    enqueues the job's task, in the same transaction as its claim."""

    job = models.CharField(max_length=64)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField()
    worker_id = models.CharField(max_length=64)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "due_at"], name="periodic_run_once_per_slot")
        ]
        indexes = [models.Index(fields=["claimed_at"], name="periodic_run_claimed")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.due_at:%Y-%m-%d %H:%M:%S}"


class WorkerHeartbeat(models.Model):
    """A worker process saying it is alive: ``seen_at`` is renewed every few seconds by a
    thread of its own (so a long task does not make it look dead); a clean exit deletes it."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
