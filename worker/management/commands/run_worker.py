"""``manage.py run_worker``: run background tasks and periodic jobs (see ``worker.runner``).

Run one per host, or several: they share the queue in the database, each periodic job runs
once per slot whichever worker claims it, and each task runs on one worker."""

from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import autoreload
from django.utils.crypto import get_random_string

from worker.runner import WorkerLoop


class Command(BaseCommand):
    help = "Run background tasks and periodic jobs until stopped (Ctrl+C, SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick, then exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when there is nothing to do (default 1).",
        )
        parser.add_argument(
            "--queue-name",
            default="default",
            help="Queues to take tasks from, comma-separated (default: default).",
        )
        parser.add_argument(
            "--worker-id",
            default="",
            help="A name unique across all workers (default: random).",
        )
        parser.add_argument(
            "--reload",
            action="store_true",
            default=False,
            help="Restart when code changes (development; a running task is interrupted).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        loop = WorkerLoop(
            worker_id=(options["worker_id"] or get_random_string(32))[:64],
            interval=max(0.05, options["interval"]),
            queue_names=tuple(q for q in options["queue_name"].split(",") if q),
        )
        if options["once"]:
            ran = loop.run_once()
            self.stdout.write(f"Ran {ran} task{'s' if ran != 1 else ''}.")
            return
        if options["reload"]:
            autoreload.run_with_reloader(partial(loop.run_forever, handle_signals=False))
        else:
            loop.run_forever()
