from typing import Any

from django.core.management.base import BaseCommand

from sandbox.rate_limit import limiter
from sandbox.server import make_server


class Command(BaseCommand):
    help = (
        "Serve the sandbox API standalone on http://127.0.0.1:PORT/2.0/ (plus fault control "
        "at /_sandbox/faults) for external Powens clients. --port 0 picks a free port."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument(
            "--rate-limit",
            type=int,
            default=None,
            metavar="PER_MINUTE",
            help="calls per minute per client before 429 (Powens publishes 30; default: "
            "POWENS_SANDBOX_RATE_LIMIT, 0 = no limit)",
        )

    def handle(self, *args: Any, port: int, rate_limit: int | None, **options: Any) -> None:
        if rate_limit is not None:
            limiter.per_minute = rate_limit
        server = make_server(port)
        bound = server.server_address[1]
        self.stdout.write(f"Sandbox API on http://127.0.0.1:{bound}/2.0/ (Ctrl-C to stop)")
        if limiter.limit() > 0:
            self.stdout.write(f"Rate limit: {limiter.limit()} calls per minute per client")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
