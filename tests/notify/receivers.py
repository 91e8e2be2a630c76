"""A real HTTP receiver on loopback (``http.server`` in a thread) for webhook tests and the bench.

Its behaviour: "ok" answers 204, "fail" answers 500, "slow" answers after ``delay`` seconds
(longer than the sender's timeout; only the first ``fail_first`` times if set), "recover"
fails ``fail_first`` times then answers 200.
Every request is kept (headers, body) so tests verify signatures as a receiver would. It binds
a free port in 8600-8699, the range this work may use on the shared machine.
"""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTS = range(8600, 8700)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Behaviour:
    mode: str = "ok"
    delay: float = 0.0
    fail_first: int = 0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        behaviour = self.server.behaviour  # type: ignore[attr-defined]
        with behaviour.lock:
            behaviour.received.append(
                Received({k.lower(): v for k, v in self.headers.items()}, body)
            )
            count = len(behaviour.received)
        status = self._status(behaviour, count)
        if behaviour.mode == "slow" and (not behaviour.fail_first or count <= behaviour.fail_first):
            time.sleep(behaviour.delay)
        try:
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()
        except OSError:
            pass  # the sender gave up (timeout): nothing to answer

    @staticmethod
    def _status(behaviour: Behaviour, count: int) -> int:
        if behaviour.mode == "fail":
            return 500
        if behaviour.mode == "recover" and count <= behaviour.fail_first:
            return 500
        return 200 if behaviour.mode == "recover" else 204

    def log_message(self, format: str, *args: object) -> None:
        pass


class Receiver:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.server = self._bind()
        self.server.behaviour = behaviour  # type: ignore[attr-defined]
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def _bind() -> ThreadingHTTPServer:
        for port in PORTS:
            try:
                return ThreadingHTTPServer(("127.0.0.1", port), _Handler)
            except OSError:
                continue
        raise RuntimeError("no free port in 8600-8699")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
