import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sandbox import faults
from sandbox.control import fault_data


class Command(BaseCommand):
    help = (
        "Inject a sandbox fault (status, timeout, reset, malformed, latency), or `clear` / "
        "`list` them. Faults live in the database: the running server sees them at once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=[*faults.KINDS, "clear", "list"])
        parser.add_argument("--endpoint", choices=faults.ENDPOINTS)
        parser.add_argument("--method")
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--rate", type=float)
        parser.add_argument("--status", type=int)
        parser.add_argument("--retry-after", type=int)
        parser.add_argument("--delay-ms", type=int)
        parser.add_argument("--apply-write", action="store_true")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--domain", default="", help="One sandbox domain (default: all).")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "clear":
            self.stdout.write(f"Cleared {faults.clear()} fault(s).")
            return
        if action == "list":
            for fault in faults.active():
                self.stdout.write(json.dumps(fault_data(fault)))
            return
        names = ("endpoint", "method", "count", "rate", "status", "retry_after", "delay_ms",
                 "apply_write", "seed", "domain")  # fmt: skip
        try:
            fault = faults.inject(action, **{name: options[name] for name in names})
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Injected: {json.dumps(fault_data(fault))}")
