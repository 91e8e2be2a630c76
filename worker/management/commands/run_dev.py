"""``manage.py run_dev ADDR``: the development server and one worker, from one command
(``make run``). Ctrl+C stops both: the terminal sends it to both processes, each stops itself
(the worker after its running task), and this launcher waits for them. If either exits on
its own, the other is stopped too, so a crashed worker never leaves a server without one.
Not for production: run gunicorn and ``run_worker`` under your process manager (README)."""

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the development server and one background worker; Ctrl+C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", help="Where runserver listens, e.g. 127.0.0.1:8000.")

    def handle(self, *args: Any, **options: Any) -> None:
        manage = [sys.executable, sys.argv[0]]
        children = [
            subprocess.Popen([*manage, "run_worker", "--reload"]),
            subprocess.Popen([*manage, "runserver", options["addrport"]]),
        ]
        signal.signal(signal.SIGTERM, lambda signum, frame: _stop(children))
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass  # the children got the same Ctrl+C
        finally:
            _stop(children)


def _stop(children: list[subprocess.Popen]) -> None:
    """Ask every child still running to stop, then wait; one that hangs is killed."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in children:
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
