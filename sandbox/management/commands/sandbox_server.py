from typing import Any

from django.core.management.base import BaseCommand

from sandbox.server import make_server


class Command(BaseCommand):
    help = (
        "Serve the sandbox API standalone on http://127.0.0.1:PORT/2.0/ (plus fault control "
        "at /_sandbox/faults) for external Powens clients. --port 0 picks a free port."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8001)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        server = make_server(port)
        bound = server.server_address[1]
        self.stdout.write(f"Sandbox API on http://127.0.0.1:{bound}/2.0/ (Ctrl-C to stop)")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
